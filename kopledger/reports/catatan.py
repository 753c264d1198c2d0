"""Catatan atas Laporan Keuangan (CALK): the notes that follow from the books.

:func:`build_notes` is called by :func:`kopledger.reports.statements.build_statements` with what
its one pass over the postings added up; every figure here is a statement figure or comes
from the same balances, the account catalogue, or the loan portfolio on the
:class:`~kopledger.books.ledger.Books`. Warnings are codes with values (:class:`Peringatan`);
templates turn them into sentences.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from beancount.core import data

from kopledger.books.bagan_akun import MEMBER_PARENT_KODE
from kopledger.books.balances import account_balances
from kopledger.books.rat_directives import parse_summaries
from kopledger.books.years import archived_books
from kopledger.core import kosakata as K
from kopledger.core.errors import format_error_line
from kopledger.core.peringatan import Peringatan
from kopledger.core.roots import MemberKind
from kopledger.ops.loans.book import read_book
from kopledger.ops.loans.quality import portfolio
from kopledger.reports.lines import StatementLine

if TYPE_CHECKING:
    from kopledger.books.ledger import Books
    from kopledger.ops.loans.entries import Portfolio
    from kopledger.reports.lines import Scan, Statement
    from kopledger.reports.policy_notes import PolicyNotes

ZERO = Decimal(0)


@dataclass(frozen=True)
class PolicyNote:
    """A ``kebijakan`` in force at year end, for the notes."""

    kunci: str
    nilai: Any  # Decimal (an amount's number or a number) or str (a choice)
    satuan: str  # the amount's currency, or "" for numbers and choices
    sejak: dt.date


@dataclass(frozen=True)
class AccountDetail:
    """The accounts behind one statement line (for the notes)."""

    laporan: str  # "neraca" | "phu"
    label: str
    kode: str
    akun: str  # the line's account, or ``Parent:*`` for a member line
    jumlah_akun: int  # how many accounts the line sums
    jumlah: Decimal
    jumlah_pembanding: Decimal


@dataclass(frozen=True)
class ShuBelumDibagi:
    """SHU of one earlier year not yet allocated (``tahun`` None: other, e.g. opening balances)."""

    tahun: int | None
    jumlah: Decimal
    jumlah_pembanding: Decimal


@dataclass(frozen=True)
class Notes:
    """Catatan atas Laporan Keuangan: the notes that follow from the books."""

    tahun: int
    pembanding: int
    mata_uang: str
    kebijakan: tuple[PolicyNote, ...]
    rincian: tuple[AccountDetail, ...]
    simpanan: tuple[StatementLine, ...]  # pokok, wajib, sukarela, berjangka, total
    anggota_aktif: tuple[int, int]  # at year end, prior year end
    aset_tetap: tuple[StatementLine, ...]  # cost, accumulated depreciation, book value, expense
    pinjaman: Portfolio | None  # the loan portfolio at year end, when the koperasi lends
    peringatan: tuple[Peringatan, ...]
    pinjaman_pembanding: Portfolio | None = None  # at the prior year end
    shu_belum_dibagi: tuple[ShuBelumDibagi, ...] = ()
    #: the policy notes and disclosures an examiner reads (``tambahan`` in the published JSON)
    pengungkapan: PolicyNotes | None = None


def _booked_opening(kop: Books, day: dt.date) -> tuple[Decimal, Decimal]:
    """(total assets, equity) the books hold at the start of ``day``: everything dated before it,
    plus the opening-balance entries (``#saldo-awal…``) dated on it."""
    def counts(entry: data.Transaction) -> bool:
        return entry.date < day or any(t.startswith(K.TAG_SALDO_AWAL) for t in entry.tags or ())
    balances = account_balances((e for e in kop.entries if isinstance(e, data.Transaction) and counts(e)),
                                currency=kop.currency, end=day)
    aset = sum((v for a, v in balances.items() if kop.roots.is_under(a, kop.roots.aset)), ZERO)
    liabilitas = sum((v for a, v in balances.items() if kop.roots.is_under(a, kop.roots.liabilitas)), ZERO)
    return aset, aset + liabilitas  # liabilities carry a credit (negative) sign


def summary_checks(kop: Books, year: int, *, since: int | None = None) -> tuple[Peringatan, ...]:
    """A ``ringkasan-tahun`` of year Y (``since`` ≤ Y + 1 ≤ ``year``) whose total assets or equity
    differ from the opening balance the books hold on 1 January of Y + 1: one warning
    ``ringkasan-berbeda`` with both figures (nothing when the books hold nothing then)."""
    summaries, _errors = parse_summaries(kop.entries, kop.currency)
    result = []
    for tahun, summary in sorted(summaries.items()):
        if not (since or tahun + 1) <= tahun + 1 <= year:
            continue
        # a year file reads that day from the closed file holding it (the same figures as one long file)
        aset, ekuitas = _booked_opening(archived_books(kop, tahun + 1) or kop, dt.date(tahun + 1, 1, 1))
        if not aset and not ekuitas:
            continue
        if (summary.total_aset is not None and summary.total_aset != aset) or \
                (summary.ekuitas is not None and summary.ekuitas != ekuitas):
            result.append(Peringatan("ringkasan-berbeda", {
                "tahun": tahun, "tanggal": dt.date(tahun + 1, 1, 1), "mata_uang": kop.currency,
                "aset_ringkasan": summary.total_aset, "aset_buku": aset,
                "ekuitas_ringkasan": summary.ekuitas, "ekuitas_buku": ekuitas}))
    return tuple(result)


def build_notes(
    kop: Books, year: int, neraca: Statement, phu: Statement,
    end_bal: tuple[dict[str, Decimal], dict[str, Decimal]],
    pl: tuple[dict[str, Decimal], dict[str, Decimal]], scan: Scan, residual: tuple[Decimal, Decimal],
    *, end: dt.date | None = None,
) -> Notes:
    """The notes of tahun buku ``year`` (``end_bal``, ``pl``: (year, prior year)) at ``end``
    (default 31 December; an interim date values loans, members and policies there)."""
    katalog = kop.katalog
    roots = kop.roots
    end = end or dt.date(year, 12, 31)
    end_prior = dt.date(year - 1, 12, 31)
    # Policies in force at year end.
    policies = []
    for key in kop.policies.kunci():
        policy = kop.policies.at(key, end)
        if policy is not None:
            value = policy.value
            if hasattr(value, "currency"):
                policies.append(PolicyNote(key, value.number, str(value.currency), policy.date))
            else:
                policies.append(PolicyNote(key, value, "", policy.date))
    # The accounts behind each line.
    counts: dict[str, set[str]] = defaultdict(set)
    for bal in (*end_bal, *pl):
        for account, amount in bal.items():
            if amount:  # an account empty in both years is not behind the line (a year file drops it)
                counts[katalog[account].baris].add(account)
    rincian = []
    for st in (neraca, phu):
        for line in st.lines:
            if line.jenis != "baris" or not line.akun:
                continue
            n = len(counts.get(line.akun, ()))
            member = n and katalog[next(iter(counts[line.akun]))].anggota is not None
            rincian.append(AccountDetail(st.jenis, line.label, line.kode, f"{line.akun}:*" if member else line.akun,
                                         n, line.jumlah, line.jumlah_pembanding))
    # Member savings, from the member sub-ledgers of the catalogue.
    simpanan = []
    total = [ZERO, ZERO]
    for kind in (MemberKind.POKOK, MemberKind.WAJIB, MemberKind.SUKARELA, MemberKind.BERJANGKA):
        values = [ZERO - sum((v for k, v in bal.items() if katalog[k].jenis_anggota is kind), ZERO)
                  for bal in end_bal]
        kode, label = MEMBER_PARENT_KODE[kind.value]
        simpanan.append(StatementLine(label, kode, roots.member_parent(kind), values[0], values[1], 1, "baris"))
        total[0] += values[0]
        total[1] += values[1]
    simpanan.append(StatementLine("Jumlah simpanan anggota", "", "", total[0], total[1], 0, "total"))
    anggota = (len(kop.active_members(end)), len(kop.active_members(end_prior)))
    # Fixed assets and depreciation.
    fixed_root = f"{roots.aset}:AsetTetap"
    cost_rows: list[StatementLine] = []
    dep_rows: list[StatementLine] = []
    for line in neraca.lines:
        if line.jenis == "baris" and roots.is_under(line.akun, fixed_root):
            (dep_rows if "Akumulasi" in line.akun or line.kode == "1-169" else cost_rows).append(line)
    aset_tetap: list[StatementLine] = []
    if cost_rows or dep_rows:
        cost = (sum((r.jumlah for r in cost_rows), ZERO), sum((r.jumlah_pembanding for r in cost_rows), ZERO))
        dep = (sum((r.jumlah for r in dep_rows), ZERO), sum((r.jumlah_pembanding for r in dep_rows), ZERO))
        aset_tetap += [StatementLine(r.label, r.kode, r.akun, r.jumlah, r.jumlah_pembanding, 1, "baris")
                       for r in cost_rows]
        aset_tetap.append(StatementLine("Jumlah harga perolehan", "", "", *cost, 0, "subtotal"))
        aset_tetap += [StatementLine(r.label, r.kode, r.akun, r.jumlah, r.jumlah_pembanding, 1, "baris")
                       for r in dep_rows]
        aset_tetap.append(StatementLine("Nilai buku", "", "", cost[0] + dep[0], cost[1] + dep[1], 0, "total"))
        expense = [sum((v for k, v in bal.items() if "Penyusutan" in k and roots.is_under(k, roots.beban)
                        and "PenyisihanPinjaman" not in k), ZERO) for bal in pl]
        aset_tetap.append(StatementLine("Beban penyusutan tahun berjalan", "", "", expense[0], expense[1], 0,
                                        "baris"))
    # Loans by kolektibilitas, at year end and at the prior year end (when the koperasi lends).
    peringatan: list[Peringatan] = []
    pinjaman: Portfolio | None = None
    pinjaman_pembanding: Portfolio | None = None
    book = read_book(kop)
    if book.errors:
        peringatan.append(Peringatan("pinjaman-tidak-terbaca", {
            "jumlah": len(book.errors), "lokasi": format_error_line(book.errors[0]).split(": ", 1)[0]}))
    elif book.pinjaman:
        current = portfolio(kop, end)
        prior = portfolio(kop, end_prior)
        pinjaman = current if current.pinjaman or prior.pinjaman else None
        pinjaman_pembanding = prior if prior.pinjaman else None
    # SHU not yet allocated, per year.
    belum: list[ShuBelumDibagi] = []
    per_column: list[dict[int | None, Decimal]] = []
    for column_year, line_total in ((year, neraca.totals["shu_belum_dibagi"][0]),
                                    (year - 1, neraca.totals["shu_belum_dibagi"][1])):
        until = dt.date(column_year, 12, 31)
        rows: dict[int | None, Decimal] = {
            y: left for y, left in scan.shu.unallocated(until, before=column_year).items()}
        rows[None] = line_total - sum(rows.values(), ZERO)
        per_column.append(rows)
    for tahun in sorted({k for rows in per_column for k in rows}, key=lambda k: (k is None, k or 0)):
        now, before = per_column[0].get(tahun, ZERO), per_column[1].get(tahun, ZERO)
        if now or before:
            belum.append(ShuBelumDibagi(tahun, now, before))
    # Warnings.
    if scan.other_commodities:
        peringatan.append(Peringatan("komoditas-lain", {"komoditas": [
            {"komoditas": c, "jumlah_akun": len(a)} for c, a in sorted(scan.other_commodities.items())]}))
    if residual[0] or residual[1]:
        peringatan.append(Peringatan("selisih-pembulatan", {"jumlah": residual[0], "mata_uang": kop.currency}))
    peringatan += summary_checks(kop, year, since=year - 1)  # the columns' openings against old reports
    no_kode = sorted({line.akun for st in (neraca, phu) for line in st.lines
                      if line.jenis == "baris" and line.akun and not line.kode})
    if no_kode:
        peringatan.append(Peringatan("tanpa-kode", {"jumlah_akun": len(no_kode)}))
    return Notes(
        tahun=year, pembanding=year - 1, mata_uang=kop.currency, kebijakan=tuple(policies),
        rincian=tuple(rincian), simpanan=tuple(simpanan), anggota_aktif=anggota,
        aset_tetap=tuple(aset_tetap), pinjaman=pinjaman, peringatan=tuple(peringatan),
        pinjaman_pembanding=pinjaman_pembanding, shu_belum_dibagi=tuple(belum),
    )
