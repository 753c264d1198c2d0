"""Notes (CALK) an examiner reads, beyond the statements' own notes.

:func:`policy_notes` gathers, for one tahun buku:

- related parties: every pengurus and pengawas with their savings and loans at year end
  (an officer is matched to a member by ``anggota: "ID"`` metadata on the ``pengurus``
  directive, else by the exact name);
- the SHU allocation policy in force and the proposed distribution of the year's SHU;
- the kolektibilitas day thresholds and PPAP rates in force, and whether collateral is deducted;
- depreciation (method and useful life from ``open`` metadata ``penyusutan`` and ``umur`` of
  the fixed-asset accounts), inventory method (``metode`` on the inventory account's ``open``),
  revenue recognition, tax (the year's tax expense and the tax payable) — where the books do
  not record a policy, the note says so instead of assuming one;
- member loans split into current (due within twelve months by their schedules, including
  arrears) and non-current.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from beancount.core import data

from kopledger.books.balances import account_balances, is_closing_of, rollup
from kopledger.books.checks.pengurus import officer_members
from kopledger.core.errors import KopledgerError
from kopledger.ops.loans import entries as loans
from kopledger.ops.loans.quality import class_threshold
from kopledger.ops.shu.compute import shu_of

if TYPE_CHECKING:
    from kopledger.books.ledger import Books

ZERO = Decimal(0)


@dataclass(frozen=True)
class RelatedParty:
    """A pengurus or pengawas and their balances with the koperasi at year end."""

    jabatan: str
    nama: str
    anggota: str | None  # member id, when the officer is a member
    simpanan: Decimal
    pinjaman: Decimal


@dataclass(frozen=True)
class ClassPolicy:
    """One loan class: first day past due, PPAP rate (%)."""

    kolektibilitas: str
    hari_mulai: int
    tarif_ppap: Decimal


@dataclass(frozen=True)
class AssetPolicy:
    """Depreciation of one fixed-asset account, as its ``open`` line records it."""

    akun: str
    metode: str | None
    umur_bulan: int | None


@dataclass(frozen=True)
class PolicyNotes:
    """The policy notes and disclosures of tahun buku ``tahun`` (:attr:`Notes.pengungkapan
    <kopledger.reports.catatan.Notes.pengungkapan>`; ``tambahan`` in the JSON)."""

    tahun: int
    pihak_berelasi: tuple[RelatedParty, ...]
    alokasi_shu: tuple[tuple[str, Decimal], ...]  # (component, percent) in force at year end
    usulan_shu: tuple[tuple[str, Decimal], ...]  # (component, amount) of the year's SHU
    shu: Decimal | None
    kolektibilitas: tuple[ClassPolicy, ...]
    agunan_dikurangkan: bool
    penyusutan: tuple[AssetPolicy, ...]
    persediaan_metode: str | None
    ada_persediaan: bool
    beban_pajak: Decimal
    utang_pajak: Decimal
    pinjaman_lancar: Decimal  # due within 12 months (incl. arrears)
    pinjaman_tidak_lancar: Decimal
    #: key management compensation (SAK EP): the year's expense of the officers' pay accounts
    #: (:func:`key_management_accounts`) and the dana pengurus share of the year's SHU (proposed or booked)
    honor_pengurus: Decimal = Decimal(0)
    akun_honor: tuple[str, ...] = ()
    dana_pengurus: Decimal | None = None


def key_management_accounts(kop: Books) -> tuple[str, ...]:
    """The expense accounts of the officers' pay: opened with ``manajemen-kunci: TRUE``, or named
    ``Honor…`` (e.g. ``Beban:Perkoperasian:HonorPengurus``)."""
    result = []
    for entry in kop.entries:
        if isinstance(entry, data.Open) and kop.roots.is_under(entry.account, kop.roots.beban):
            flag = (entry.meta or {}).get("manajemen-kunci")
            if flag is True or (flag is None and entry.account.rsplit(":", 1)[-1].startswith("Honor")):
                result.append(entry.account)
    return tuple(sorted(result))


def related_parties(kop: Books, date: dt.date) -> tuple[RelatedParty, ...]:
    """Officers in office on ``date`` (latest directive per role) with their balances."""
    by_role: dict[str, Any] = {}
    for officer in sorted(kop.officers, key=lambda o: o.date):
        if officer.date <= date:
            by_role[officer.role] = officer
    linked = officer_members(kop.entries)  # the one rule kop cek checks (books/checks/pengurus)
    balances = kop.member_balances(date)
    rows = []
    for role, officer in sorted(by_role.items(), key=lambda kv: ("pengawas" in kv[0], kv[0])):
        member = linked.get((role, officer.nama))
        bal = balances.get(member) if member else None
        rows.append(RelatedParty(role, officer.nama, member, bal.simpanan if bal else ZERO, bal.pinjaman if bal else ZERO))
    return tuple(rows)


def policy_notes(kop: Books, year: int, *, end: dt.date | None = None) -> PolicyNotes:
    """The policy notes and disclosures of tahun buku ``year`` at ``end`` (default 31 December)."""
    end = end or dt.date(year, 12, 31)
    split = kop.shu_split(end)
    alokasi = tuple((s.komponen, s.persen) for s in split.shares) if split is not None else ()
    usulan: tuple[tuple[str, Decimal], ...] = ()
    shu_value: Decimal | None = None
    try:
        result = shu_of(kop, year, sementara=True, today=end + dt.timedelta(days=1))  # the period's SHU, computed once
        shu_value = result.shu
        usulan = tuple((c.komponen, c.jumlah) for c in result.alokasi)
    except KopledgerError:  # no split in force, a loss year…: the note says what is known
        usulan = ()

    policies = kop.policies
    classes = tuple(
        ClassPolicy(c, int(class_threshold(c, policies, end)),
                    loans.ppap_rate(c, policies, end))
        for c in loans.classes_in_use(policies, end)
    )
    fixed_root = f"{kop.roots.aset}:AsetTetap"
    penyusutan = []
    inventory_method = None
    has_inventory = False
    for entry in kop.entries:
        if not isinstance(entry, data.Open):
            continue
        meta = entry.meta or {}
        if kop.roots.is_under(entry.account, fixed_root) and not entry.account.endswith("Akumulasi") and \
                "Akumulasi" not in entry.account:
            umur = meta.get("umur")
            penyusutan.append(AssetPolicy(entry.account, str(meta["penyusutan"]) if meta.get("penyusutan") else None,
                                          int(umur) if isinstance(umur, Decimal) else None))
        if kop.roots.is_under(entry.account, f"{kop.roots.aset}:Persediaan"):
            has_inventory = True
            if meta.get("metode"):
                inventory_method = str(meta["metode"])
    flows = account_balances(kop.entries, currency=kop.currency, start=dt.date(year, 1, 1), end=end,
                             exclude=is_closing_of(year))
    balances = account_balances(kop.entries, currency=kop.currency, end=end, exclude=is_closing_of(year))
    current, later = loans.maturity_split(kop, end)  # the one split the neraca shows too
    honor = key_management_accounts(kop)
    return PolicyNotes(
        tahun=year,
        pihak_berelasi=related_parties(kop, end),
        alokasi_shu=alokasi,
        usulan_shu=usulan,
        shu=shu_value,
        kolektibilitas=classes,
        agunan_dikurangkan=policies.value("ppap-agunan", end) == "kurangi",
        penyusutan=tuple(penyusutan),
        persediaan_metode=inventory_method,
        ada_persediaan=has_inventory,
        beban_pajak=rollup(flows, f"{kop.roots.beban}:Pajak"),
        utang_pajak=-rollup(balances, f"{kop.roots.liabilitas}:Pajak"),
        pinjaman_lancar=current,
        pinjaman_tidak_lancar=later,
        honor_pengurus=sum((rollup(flows, a) for a in honor), ZERO),
        akun_honor=honor,
        dana_pengurus=dict(usulan).get("dana-pengurus") if usulan else None,
    )
