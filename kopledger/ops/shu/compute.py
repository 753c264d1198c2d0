"""SHU (sisa hasil usaha) of a ledger: the year's surplus, its allocation by the AD/ART, and
each member's jasa modal and jasa usaha, to the rupiah.

- **The arithmetic** over plain numbers is :mod:`kopledger.ops.shu.arithmetic` (re-exported here).
- **The ledger**: :func:`compute_shu` reads the year's postings (one pass, for the members'
  bases) and the policies in force at year end and returns a frozen :class:`ShuResult`; the
  year's SHU itself is :func:`kopledger.books.katalog.year_surplus`.
- **Directives**: :func:`allocation_entry` and :func:`payout_entries` build (never write) the
  journal entries. Tables, slips, CSV and JSON are :mod:`kopledger.present.shu`.

What the member splits leave (``sisa_pembulatan``) is booked to cadangan, so the allocation
entry balances.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from beancount.core import amount, data

from kopledger.books.bagan_akun import MEMBER_SHU_COMPONENTS, shu_component_account
from kopledger.books.balances import closing_tag, weight
from kopledger.books.directives import ShuBasis, ShuSplit, split_in_force
from kopledger.books.katalog import year_surplus
from kopledger.books.ledger import Books
from kopledger.books.periode import hari_ini
from kopledger.books.years import archived_books
from kopledger.core import kosakata as K
from kopledger.core.errors import InputError, Pesan, Rupiah
from kopledger.core.peringatan import Peringatan
from kopledger.core.roots import MemberKind
from kopledger.ops.accounts import cash_account
from kopledger.ops.shu.arithmetic import (  # re-exported: the SHU's API keeps its names
    CADANGAN as CADANGAN,
)
from kopledger.ops.shu.arithmetic import (
    JASA_MODAL as JASA_MODAL,
)
from kopledger.ops.shu.arithmetic import (
    JASA_USAHA as JASA_USAHA,
)
from kopledger.ops.shu.arithmetic import (
    ROUNDINGS as ROUNDINGS,
)
from kopledger.ops.shu.arithmetic import (
    ZERO as ZERO,
)
from kopledger.ops.shu.arithmetic import (
    Distribution as Distribution,
)
from kopledger.ops.shu.arithmetic import (
    allocate_components as allocate_components,
)
from kopledger.ops.shu.arithmetic import (
    distribute as distribute,
)
from kopledger.ops.shu.arithmetic import (
    non_member_part as non_member_part,
)
from kopledger.ops.shu.arithmetic import (
    round_rupiah as round_rupiah,
)
from kopledger.ops.shu.arithmetic import (
    split_by_basis as split_by_basis,
)

SOURCE = "<kopledger.ops.shu.compute>"

#: Ways to measure the capital basis (``shu-basis "jasa-modal" … metode: …``).

TAG_ALOKASI = K.TAG_SHU_ALOKASI
TAG_BAYAR = K.TAG_SHU_BAYAR
TAG_KELUAR = K.TAG_ANGGOTA_KELUAR
PAYOUT_TARGETS = ("kas", "sukarela")


def shu_link(year: int) -> str:
    """The link shared by a year's SHU allocation and payout entries (``shu-2025``)."""
    return K.link_shu(year)


# --- results --------------------------------------------------------------------------
@dataclass(frozen=True)
class ShuComponent:
    """One line of the allocation: component, percent, amount, and its account."""

    komponen: str
    persen: Decimal
    jumlah: Decimal
    #: Account credited; for jasa modal/usaha the parent of the members' UtangSHU accounts.
    akun: str


@dataclass(frozen=True)
class MemberShu:
    """One member's SHU: bases, jasa modal, jasa usaha and their total."""

    id: str
    nama: str
    basis_modal: Decimal
    basis_usaha: Decimal
    jasa_modal: Decimal
    jasa_usaha: Decimal
    jumlah: Decimal
    #: Exit date, for a member who left during the year and shares by policy.
    keluar: dt.date | None = None


@dataclass(frozen=True)
class ShuResult:
    """A year's SHU, its allocation and every member's share.

    ``alokasi`` sums exactly to ``shu``; for each member component, the members'
    amounts plus its remainder equal the component; ``sisa_pembulatan`` (the
    remainders) is booked to cadangan. A loss year has empty ``alokasi`` and ``anggota``.
    """

    tahun: int
    shu: Decimal
    alokasi: tuple[ShuComponent, ...]
    anggota: tuple[MemberShu, ...]
    sisa_pembulatan: Decimal
    total_basis_modal: Decimal
    total_basis_usaha: Decimal
    peringatan: tuple[Peringatan, ...]  # codes with values; templates/peringatan.j2 words them
    sementara: bool
    pendapatan: Decimal = ZERO
    beban: Decimal = ZERO
    #: Part of the SHU from non-members put to cadangan in full (policy shu-non-anggota).
    shu_non_anggota: Decimal = ZERO
    sisa_jasa_modal: Decimal = ZERO
    sisa_jasa_usaha: Decimal = ZERO
    pembulatan: str = "bawah"
    metode_modal: str = "saldo-akhir"
    akun_basis_modal: tuple[str, ...] = ()
    akun_basis_usaha: tuple[str, ...] = ()
    #: The year has a closing entry (``#tutup-buku-YEAR``).
    ditutup: bool = False
    #: Last date of the data used (the year end, or the last entry of a provisional year).
    sampai: dt.date | None = None
    #: The date a provisional SHU is valued at (its period's ``per``): entries, members and
    #: bases through it. None for a finished year.
    per: dt.date | None = None

    @property
    def rugi(self) -> bool:
        """True when the year made no surplus (nothing is distributed)."""
        return self.shu <= 0

    def komponen(self, name: str) -> ShuComponent | None:
        """The allocation line of component ``name`` (None if the split has none)."""
        return next((c for c in self.alokasi if c.komponen == name), None)

    def jumlah_komponen(self, name: str) -> Decimal:
        line = self.komponen(name)
        return line.jumlah if line is not None else ZERO

    @property
    def cadangan_dibukukan(self) -> Decimal:
        """Credited to cadangan by the allocation entry: its component plus the remainder."""
        return self.jumlah_komponen(CADANGAN) + self.sisa_pembulatan

    @property
    def total_jasa_modal(self) -> Decimal:
        return sum((m.jasa_modal for m in self.anggota), ZERO)

    @property
    def total_jasa_usaha(self) -> Decimal:
        return sum((m.jasa_usaha for m in self.anggota), ZERO)

    @property
    def total_anggota(self) -> Decimal:
        return sum((m.jumlah for m in self.anggota), ZERO)


# --- policies in force -----------------------------------------------------------------
def _year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def _where(meta: Mapping[str, Any] | None) -> str:
    meta = meta or {}
    filename, lineno = meta.get("filename"), meta.get("lineno")
    if not filename:
        return ""
    return f"{filename}:{lineno}" if lineno is not None else str(filename)


def split_for_year(kop: Books, year: int) -> ShuSplit:
    """The ``shu-alokasi`` split in force at the end of ``year``; checked to sum to 100."""
    split = split_in_force(kop.shu_splits, _year_end(year))
    if split is None:
        raise InputError.pesan(
            "belum ada shu-alokasi yang berlaku untuk {tahun}: pembagian SHU menurut AD/ART belum dicatat "
            "di buku",
            hint="Tambahkan pembagiannya, bertanggal pada atau sebelum akhir tahun, misalnya\n  "
                 "{tahun}-01-01 custom \"shu-alokasi\" \"cadangan\" 25\n  {tahun}-01-01 custom "
                 "\"shu-alokasi\" \"jasa-modal\" 20\n  {tahun}-01-01 custom \"shu-alokasi\" \"jasa-usaha\" "
                 "30  … (jumlahnya 100)",
            tahun=year,
        )
    if split.total != 100:
        lines = ", ".join(_where(s.meta) or s.komponen for s in split.shares)
        detail = " + ".join(f"{s.komponen} {s.persen}" for s in split.shares)
        raise InputError.pesan(
            "shu-alokasi yang berlaku untuk {tahun} (tanggal {tanggal_berlaku}) berjumlah {total}%, bukan "
            "100%: {rincian} (di {lokasi})",
            hint="Perbaiki persennya agar jumlahnya tepat 100.",
            tahun=year, tanggal_berlaku=split.date, total=split.total, rincian=detail, lokasi=lines,
        )
    return split


def _basis_in_force(kop: Books, basis: str, year: int) -> ShuBasis | None:
    found = None
    for item in kop.shu_bases:
        if item.basis == basis and item.date <= _year_end(year):
            found = item
    return found


@dataclass(frozen=True)
class BasisPolicy:
    """The accounts measuring the capital and patronage bases, and the capital method."""

    modal: tuple[str, ...]
    usaha: tuple[str, ...]
    metode_modal: str


def basis_for_year(kop: Books, year: int) -> BasisPolicy:
    """The ``shu-basis`` in force at the end of ``year`` (defaults where none is set).

    Default capital basis: simpanan pokok + wajib, year-end balance; default patronage:
    member-tagged income under ``Pendapatan:Anggota`` in the year. A configured account
    must exist (be opened, or be a member account parent such as simpanan sukarela).
    """
    roots = kop.roots
    modal = _basis_in_force(kop, JASA_MODAL, year)
    usaha = _basis_in_force(kop, JASA_USAHA, year)
    known = set(roots.member_parents())
    for item in (modal, usaha):
        if item is None:
            continue
        for account in item.accounts:
            if account in known or kop.katalog.ada(account):
                continue
            raise InputError.pesan(
                'shu-basis "{basis}" menyebut akun {akun!r}, yang tidak ada di buku{lokasi}',
                hint="Perbaiki nama akunnya, atau buka akun itu (open) di buku.",
                basis=item.basis, akun=account, lokasi=f" ({_where(item.meta)})" if _where(item.meta) else "",
            )
    return BasisPolicy(
        modal=modal.accounts if modal else (roots.member_parent(MemberKind.POKOK), roots.member_parent(MemberKind.WAJIB)),
        usaha=usaha.accounts if usaha else (roots.pendapatan_anggota,),
        metode_modal=modal.metode if modal else "saldo-akhir",
    )


# --- one pass over the year's postings ---------------------------------------------------
@dataclass(frozen=True)
class _AccountInfo:
    modal: bool
    usaha: bool
    member: str | None
    sign: int


@dataclass
class _YearScan:
    transaksi: int = 0
    ditutup: bool = False
    sampai: dt.date | None = None
    modal: dict[str, Decimal] = field(default_factory=dict)
    #: Per member: [balance before the year, movement in January, …, in December].
    bulanan: dict[str, list[Decimal]] = field(default_factory=dict)
    usaha: dict[str, Decimal] = field(default_factory=dict)


def _scan_year(kop: Books, year: int, policy: BasisPolicy, until: dt.date) -> _YearScan:
    """Every member's bases for ``year`` through ``until``, and how many transactions it has,
    in one pass over postings."""
    roots = kop.roots
    currency = kop.currency
    start, end = dt.date(year, 1, 1), until
    closing = closing_tag(year)
    monthly = policy.metode_modal == "rata-rata-bulanan"
    exits = {m.id: m.tanggal_keluar for m in kop.members.values() if m.tanggal_keluar is not None}
    cache: dict[str, _AccountInfo | None] = {}
    scan = _YearScan()

    katalog = kop.katalog

    def classify(account: str) -> _AccountInfo | None:
        modal = any(roots.is_under(account, a) for a in policy.modal)
        usaha = any(roots.is_under(account, a) for a in policy.usaha)
        if not (modal or usaha):
            return None
        # the katalog's answers, without building each account's whole record
        sign = 1 if katalog.jenis(account) in ("aset", "beban") else -1
        return _AccountInfo(modal=modal, usaha=usaha, member=katalog.anggota(account), sign=sign)

    for entry in kop.entries:
        if not isinstance(entry, data.Transaction):
            continue
        date = entry.date
        if date > end:
            break
        in_year = date >= start
        tags = entry.tags or frozenset()
        if in_year:
            if closing in tags:
                scan.ditutup = True
                continue
            scan.transaksi += 1
            scan.sampai = date
        month = date.month if in_year else 0
        exiting = TAG_KELUAR in tags
        for posting in entry.postings:
            weighed = weight(posting, currency)
            if weighed is None:
                continue
            number: Decimal = weighed
            account = posting.account
            if account in cache:
                info = cache[account]
            else:
                info = cache[account] = classify(account)
            if info is None:
                continue
            if not (info.modal or (info.usaha and in_year)):
                continue
            member = info.member or (posting.meta or {}).get(K.META_ANGGOTA) or entry.meta.get(K.META_ANGGOTA)
            if not member:
                continue
            member = str(member)
            value = number * info.sign
            if info.modal:
                if monthly:
                    months = scan.bulanan.get(member)
                    if months is None:
                        months = scan.bulanan[member] = [ZERO] * 13
                    months[month] += value
                else:
                    left = exits.get(member)
                    # a leaver's capital is measured as it stood when they left
                    if left is None or not (date > left or exiting):
                        scan.modal[member] = scan.modal.get(member, ZERO) + value
            if info.usaha and in_year:
                scan.usaha[member] = scan.usaha.get(member, ZERO) + value
    return scan


def _monthly_weight(months: Sequence[Decimal]) -> Decimal:
    """Sum of the twelve month-end balances (12 × their average), exactly."""
    return 12 * months[0] + sum(((13 - k) * months[k] for k in range(1, 13)), ZERO)


# --- the ledger-facing computation --------------------------------------------------------
def shu_of(kop: Books, year: int, *, sementara: bool = False, today: dt.date) -> ShuResult:
    """The SHU of ``year`` (:func:`compute_shu`), computed once per books, year and mode."""
    return kop.computed(("shu", year, sementara, today),
                        lambda: compute_shu(kop, year, sementara=sementara, today=today))


def compute_shu(
    kop: Books, year: int, *, sementara: bool = False, today: dt.date | None = None
) -> ShuResult:
    """The SHU of ``year`` and its distribution under the policies in force at year end.

    A year not yet ended (``today`` on or before 31 December) is refused unless
    ``sementara`` is set; the result is then provisional and valued at the day before
    ``today`` (:attr:`kopledger.books.periode.Periode.sesudah` is the ``today`` of a period):
    the surplus, the members and their bases run through that date, as the period's
    statements do. ``today`` defaults to :func:`~kopledger.books.periode.hari_ini`.
    """
    today = today or hari_ini()
    archived = archived_books(kop, year)
    if archived is not None:  # issue 13: a year file reads an archived year's SHU from its own file
        return compute_shu(archived, year, sementara=sementara, today=today)
    end = _year_end(year)
    if end >= today and not sementara:
        raise InputError.pesan(
            "tahun buku {tahun} belum berakhir (hari ini {hari_ini})",
            hint="Pakai --sementara untuk SHU sementara, yang ditandai jelas sebagai sementara.",
            tahun=year, hari_ini=today,
        )
    provisional = end >= today
    # a provisional SHU runs through the period's date, like the statements of that period
    upto = min(end, today - dt.timedelta(days=1))
    policy = basis_for_year(kop, year)
    scan = _scan_year(kop, year, policy, upto)
    if scan.transaksi == 0:
        period = kop.period()
        span = Pesan("; buku berisi transaksi dari {dari} sampai {sampai}", dari=period[0], sampai=period[1]) \
            if period else ""
        raise InputError.pesan(
            "tidak ada transaksi pada tahun {tahun}{rentang}; periksa --tahun",
            tahun=year, rentang=span,
        )
    figures = year_surplus(kop.entries, kop.katalog, kop.currency, year, until=upto)
    shu = figures.shu
    rounding = str(kop.policies.value("pembulatan", end))
    warnings: list[Peringatan] = []
    if provisional:
        warnings.append(Peringatan("shu-sementara", {"tahun": year, "sampai": scan.sampai}))
    head = ShuResult(
        tahun=year,
        shu=shu,
        alokasi=(),
        anggota=(),
        sisa_pembulatan=ZERO,
        total_basis_modal=ZERO,
        total_basis_usaha=ZERO,
        peringatan=(),
        sementara=provisional,
        pendapatan=figures.pendapatan,
        beban=figures.beban,
        pembulatan=rounding,
        metode_modal=policy.metode_modal,
        akun_basis_modal=policy.modal,
        akun_basis_usaha=policy.usaha,
        ditutup=scan.ditutup,
        sampai=end if not provisional else scan.sampai,
        per=upto if provisional else None,
    )
    if shu <= 0:
        if shu < 0:
            warnings.append(Peringatan("shu-rugi", {"tahun": year, "jumlah": -shu}))
        else:
            warnings.append(Peringatan("shu-nol", {"tahun": year}))
        return replace(head, peringatan=tuple(warnings))

    split = split_for_year(kop, year)
    include_leavers = kop.policies.value("shu-anggota-keluar", end) == "ikut"
    start = dt.date(year, 1, 1)
    eligible = sorted(
        (
            m for m in kop.members.values()
            if m.tanggal_masuk <= upto
            and (m.tanggal_keluar is None or m.tanggal_keluar > upto
                 or (include_leavers and m.tanggal_keluar >= start))
        ),
        key=lambda m: m.id,
    )
    eligible_ids = {m.id for m in eligible}

    if policy.metode_modal == "rata-rata-bulanan":
        raw_modal = {k: _monthly_weight(v) for k, v in scan.bulanan.items()}
        divisor = Decimal(12)
    else:
        raw_modal = scan.modal
        divisor = Decimal(1)
    bases_modal: dict[str, Decimal] = {}
    bases_usaha: dict[str, Decimal] = {}
    for member in eligible:
        for raw, bases, label in ((raw_modal, bases_modal, "modal"), (scan.usaha, bases_usaha, "usaha")):
            value = raw.get(member.id, ZERO)
            if value < 0:
                warnings.append(Peringatan("basis-negatif", {
                    "basis": label, "anggota": member.id,
                    "jumlah": value / divisor if label == "modal" else value}))
                value = ZERO
            bases[member.id] = value
    unknown = sorted((set(raw_modal) | set(scan.usaha)) - set(kop.members))
    if unknown:
        warnings.append(Peringatan("anggota-tidak-terdaftar", {"anggota": unknown}))

    non_member = ZERO
    if kop.policies.value("shu-non-anggota", end) == "cadangan":
        non_member = non_member_part(shu, figures.pendapatan_non_anggota, figures.pendapatan)
        if non_member:
            warnings.append(Peringatan("shu-non-anggota", {
                "jumlah": non_member, "pendapatan_non_anggota": figures.pendapatan_non_anggota,
                "pendapatan": figures.pendapatan}))
    persen = [(s.komponen, s.persen) for s in split.shares]
    dist = distribute(shu, persen, bases_modal, bases_usaha, rounding, non_anggota=non_member)
    for component, moved in dist.dialihkan.items():
        warnings.append(Peringatan("basis-kosong", {"komponen": component, "jumlah": moved}))

    roots = kop.roots
    utang_parent = roots.member_parent(MemberKind.UTANG_SHU)
    percents = {s.komponen: s.persen for s in split.shares}
    accounts = {s.komponen: s.akun for s in split.shares}
    alokasi = []
    for component, jumlah in dist.komponen.items():
        if component in MEMBER_SHU_COMPONENTS:
            akun = utang_parent
        else:
            akun = accounts.get(component) or shu_component_account(component, roots) or ""
        alokasi.append(ShuComponent(component, percents.get(component, ZERO), jumlah, akun))

    anggota = []
    for member in eligible:
        jm = dist.jasa_modal.get(member.id, ZERO)
        ju = dist.jasa_usaha.get(member.id, ZERO)
        keluar = member.tanggal_keluar if member.tanggal_keluar and member.tanggal_keluar <= upto else None
        anggota.append(MemberShu(
            id=member.id,
            nama=member.nama,
            basis_modal=_display_basis(bases_modal[member.id], divisor),
            basis_usaha=bases_usaha[member.id],
            jasa_modal=jm,
            jasa_usaha=ju,
            jumlah=jm + ju,
            keluar=keluar,
        ))
    assert eligible_ids == {m.id for m in anggota}
    return replace(
        head,
        alokasi=tuple(alokasi),
        anggota=tuple(anggota),
        sisa_pembulatan=dist.sisa_pembulatan,
        total_basis_modal=_display_basis(sum(bases_modal.values(), ZERO), divisor),
        total_basis_usaha=sum(bases_usaha.values(), ZERO),
        peringatan=tuple(warnings),
        shu_non_anggota=non_member,
        sisa_jasa_modal=dist.sisa_jasa_modal,
        sisa_jasa_usaha=dist.sisa_jasa_usaha,
    )


def _display_basis(weight: Decimal, divisor: Decimal) -> Decimal:
    """A basis for people: the monthly average to the sen (the split used it exactly)."""
    if divisor == 1:
        return weight
    average = weight / divisor
    if average == average.to_integral_value():
        return average.quantize(Decimal(1))
    return average.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def loss_text(shu: Decimal) -> Pesan:
    """Why nothing is distributed: the loss, or a zero result."""
    return Pesan("tahun itu rugi {rugi}", rugi=Rupiah(-shu)) if shu < 0 else Pesan("hasil tahun itu nol")


# --- journal entries ----------------------------------------------------------------------
def existing_allocation(kop: Books, year: int) -> data.Transaction | None:
    """The allocation entry of ``year`` already in the ledger (``#shu-alokasi ^shu-YEAR``)."""
    link = shu_link(year)
    for entry in kop.entries:
        if isinstance(entry, data.Transaction) and TAG_ALOKASI in (entry.tags or ()) and link in (entry.links or ()):
            return entry
    return None


def _require_open(kop: Books, needed: Mapping[str, str], date: dt.date) -> None:
    """InputError naming the ``open`` lines missing for ``needed`` ({account: purpose})."""
    missing = [(account, purpose) for account, purpose in needed.items() if not kop.katalog.terbuka(account, date)]
    if missing:
        lines = "\n".join(f"  {date.year}-01-01 open {a} {kop.currency}   ; {p}" for a, p in missing)
        raise InputError.pesan(
            "jurnal SHU memerlukan akun yang belum dibuka pada {tanggal}: {akun}",
            hint="Tambahkan ke buku (atau perbaiki akun pada shu-alokasi):\n{lokasi}",
            tanggal=date, akun=', '.join(a for a, _ in missing), lokasi=lines,
        )


def _posting(account: str, number: Decimal, currency: str, meta: dict[str, Any] | None = None) -> data.Posting:
    return data.Posting(account, amount.Amount(number, currency), None, None, None, meta)


def allocation_entry(kop: Books, result: ShuResult, date: dt.date) -> data.Transaction:
    """The allocation entry of DESIGN.md, dated the RAT ``date``, linked ``^shu-YEAR``.

    Dr ``Ekuitas:SHU:TahunBerjalan`` (the SHU; the year's closing entry moved the
    income there, and if the year is not closed yet it is debited all the same, to be
    balanced by the closing entry); Cr cadangan (its component plus the rounding
    remainder); Cr each fund account; Cr each member's ``Liabilitas:UtangSHU:<ID>``
    (jasa modal + jasa usaha). Balances exactly. Fund accounts must be open.
    """
    year = result.tahun
    if result.sementara:
        raise InputError.pesan(
            "SHU {tahun} masih sementara dan tidak bisa dibukukan; tunggu tahun buku berakhir",
            tahun=year,
        )
    if result.rugi:
        raise InputError.pesan(
            "tidak ada SHU yang bisa dibagi untuk {tahun}: {hasil}",
            tahun=year, hasil=loss_text(result.shu),
        )
    if date < _year_end(year):
        raise InputError.pesan(
            "pembagian SHU {tahun} bertanggal RAT, sesudah tahun buku berakhir; tertulis {tanggal}; pakai "
            "--tanggal RAT",
            tahun=year, tanggal=date,
        )
    if result.ditutup and date.year == year:
        raise InputError.pesan(
            "{tahun} sudah ditutup (tutup-buku): beri tanggal pembagian SHU-nya pada tanggal RAT di "
            "{tahun_rat}",
            tahun=year, tahun_rat=year + 1,
        )
    roots = kop.roots
    currency = kop.currency
    debit_account = roots.shu_tahun_berjalan
    needed = {debit_account: "SHU tahun berjalan"}
    postings = [_posting(debit_account, result.shu, currency)]
    numbers = [result.shu]
    member_total = result.total_anggota
    funds = ZERO
    for line in result.alokasi:
        if line.komponen in MEMBER_SHU_COMPONENTS:
            continue
        number = result.cadangan_dibukukan if line.komponen == CADANGAN else line.jumlah
        if line.komponen != CADANGAN:
            funds += number
        if number == 0:
            continue
        if not line.akun:
            raise InputError.pesan(
                "komponen SHU {komponen!r} belum punya akun: tambahkan metadata akun pada shu-alokasi-nya",
                komponen=line.komponen,
            )
        needed[line.akun] = f"SHU {line.komponen}"
        postings.append(_posting(line.akun, -number, currency))
        numbers.append(-number)
    for member in result.anggota:
        if member.jumlah:
            account = roots.member_account(MemberKind.UTANG_SHU, member.id)
            postings.append(_posting(account, -member.jumlah, currency, {K.META_ANGGOTA: member.id}))
            numbers.append(-member.jumlah)
    if result.cadangan_dibukukan != result.shu - funds - member_total:
        raise InputError.pesan(
            "hasil SHU {tahun} tidak cocok jumlahnya; hitung ulang dari buku",
            tahun=year,
        )
    total = sum(numbers, ZERO)
    if total != 0:  # pragma: no cover - guarded by the check above
        raise InputError.pesan(
            "jurnal pembagian SHU {tahun} tidak seimbang ({total})",
            tahun=year, total=total,
        )
    _require_open(kop, needed, date)
    meta = data.new_metadata(SOURCE, 0)
    return data.Transaction(
        meta, date, "*", None, f"Pembagian SHU tahun buku {year} sesuai keputusan RAT",
        frozenset({TAG_ALOKASI}), frozenset({shu_link(year)}), postings,
    )


def booked_shu(kop: Books, year: int) -> dict[str, Decimal]:
    """Each member's SHU of ``year`` still owed: allocated (``#shu-alokasi``) minus paid (``#shu-bayar``)."""
    link = shu_link(year)
    owed: dict[str, Decimal] = {}
    for entry in kop.entries:
        if not isinstance(entry, data.Transaction) or link not in (entry.links or ()):
            continue
        tags = entry.tags or ()
        if TAG_ALOKASI not in tags and TAG_BAYAR not in tags:
            continue
        for posting in entry.postings:
            split = kop.roots.split_member_account(posting.account)
            units = posting.units
            if split is None or split[0] is not MemberKind.UTANG_SHU or units is None or units.number is None:
                continue
            owed[split[1]] = owed.get(split[1], ZERO) - units.number
    return owed


def payout_entries(
    kop: Books, result: ShuResult, date: dt.date, *, ke: str = "kas", akun_kas: str | None = None
) -> list[data.Transaction]:
    """Payout of the booked SHU of ``result.tahun``: one entry per member still owed.

    Dr ``Liabilitas:UtangSHU:<ID>``; Cr the cash or bank account ``akun_kas`` (default
    ``Aset:Kas``; checked by kind, :func:`kopledger.ops.accounts.cash_account`) when
    ``ke="kas"``, or the member's simpanan sukarela (``ke="sukarela"``; members who have left
    by ``date`` are paid from ``akun_kas``). Amounts are what the ledger's allocation entry
    owes, less payouts already made.
    """
    year = result.tahun
    if ke not in PAYOUT_TARGETS:
        raise InputError.pesan(
            "tujuan pembayaran tidak dikenal: {ke!r}; pakai salah satu dari {pilihan}",
            ke=ke, pilihan=', '.join(PAYOUT_TARGETS),
        )
    allocation = existing_allocation(kop, year)
    if allocation is None:
        raise InputError.pesan(
            "SHU {tahun} belum dibagi (dialokasikan) di buku",
            hint="Tulis dulu pembagiannya: kop shu BUKU --tahun {tahun} --tulis --tanggal YYYY-MM-DD",
            tahun=year,
        )
    if date < allocation.date:
        raise InputError.pesan(
            "tanggal pembayaran {tanggal} sebelum tanggal pembagian SHU ({tanggal_bagi}); pakai tanggal "
            "sesudahnya",
            tanggal=date, tanggal_bagi=allocation.date,
        )
    owed = {k: v for k, v in sorted(booked_shu(kop, year).items()) if v != 0}
    if not owed:
        raise InputError.pesan("SHU {tahun} sudah dibayarkan seluruhnya", tahun=year)
    # a named account is checked by kind (cash or bank, open on the date); the default Aset:Kas
    # is required open only when someone is paid from it (below)
    roots = kop.roots
    cash = roots.kas if akun_kas is None else cash_account(kop, akun_kas, date)
    currency = kop.currency
    names = {m.id: m.nama for m in result.anggota}
    entries = []
    uses_kas = False
    for member_id, number in owed.items():
        member = kop.members.get(member_id)
        nama = names.get(member_id) or (member.nama if member else member_id)
        active = member is not None and member.is_active(date)
        if ke == "sukarela" and active:
            target = roots.member_account(MemberKind.SUKARELA, member_id)
            narration = f"SHU tahun buku {year} ke simpanan sukarela {nama}"
        else:
            target = cash
            uses_kas = True
            narration = f"Pembayaran SHU tahun buku {year} kepada {nama}"
        meta = data.new_metadata(SOURCE, 0, {K.META_ANGGOTA: member_id})
        entries.append(data.Transaction(
            meta, date, "*", None, narration, frozenset({TAG_BAYAR}), frozenset({shu_link(year)}),
            [
                _posting(roots.member_account(MemberKind.UTANG_SHU, member_id), number, currency),
                _posting(target, -number, currency),
            ],
        ))
    if uses_kas:
        _require_open(kop, {cash: "kas"}, date)
    return entries


