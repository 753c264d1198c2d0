"""SHU (sisa hasil usaha): the year's surplus, its allocation by the AD/ART, and each
member's jasa modal and jasa usaha, to the rupiah.

Three layers, each usable on its own:

- **Arithmetic over plain numbers** (no ledger): :func:`split_by_basis` shares a
  total in proportion to bases, :func:`allocate_components` splits the SHU by the
  percentages, :func:`distribute` does both for a whole year. Exact rational arithmetic,
  then one stated rounding to whole rupiah.
- **The ledger**: :func:`shu_of_year` and :func:`compute_shu` read the year's postings
  (one pass) and the policies in force at year end, and return a frozen
  :class:`ShuResult`.
- **Directives and documents**: :func:`allocation_entry` and :func:`payout_entries`
  build (never write) the journal entries; :func:`render_table` and
  :func:`render_slips` render through ``templates/shu/``.

Rounding rule (``kebijakan "pembulatan"``): ``bawah`` (default) floors every component
except cadangan, and every member's jasa modal and jasa usaha, to the whole rupiah;
``terdekat`` rounds them half up instead. Cadangan takes the SHU minus every other
component, so the components sum exactly to the SHU; what the member splits leave
(``sisa_pembulatan``) is booked to cadangan too, so the allocation entry balances.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from beancount.core import amount, data

from kopledger.books.bagan_akun import MEMBER_SHU_COMPONENTS, shu_component_account
from kopledger.books.balances import account_balances, closing_tag, is_closing_of, rollup, weight
from kopledger.books.directives import ShuBasis, ShuSplit, split_in_force
from kopledger.books.ledger import Books
from kopledger.core import kosakata as K
from kopledger.core.errors import InputError, Pesan, Rupiah
from kopledger.core.roots import MemberKind
from kopledger.reports.catatan import Peringatan

ZERO = Decimal(0)
SOURCE = "<kopledger.ops.shu.compute>"

CADANGAN = "cadangan"
JASA_MODAL = "jasa-modal"
JASA_USAHA = "jasa-usaha"

#: Rounding rules of ``kebijakan "pembulatan"``.
ROUNDINGS = ("bawah", "terdekat")
#: Ways to measure the capital basis (``shu-basis "jasa-modal" … metode: …``).
METODE_MODAL = ("saldo-akhir", "rata-rata-bulanan")

TAG_ALOKASI = K.TAG_SHU_ALOKASI
TAG_BAYAR = K.TAG_SHU_BAYAR
TAG_KELUAR = K.TAG_ANGGOTA_KELUAR
PAYOUT_TARGETS = ("kas", "sukarela")


def shu_link(year: int) -> str:
    """The link shared by a year's SHU allocation and payout entries (``shu-2025``)."""
    return K.link_shu(year)


# --- arithmetic over plain numbers ------------------------------------------------------
def round_rupiah(value: Fraction | Decimal | int, rounding: str = "bawah") -> Decimal:
    """``value`` to the whole rupiah: floor (``bawah``) or half up (``terdekat``)."""
    exact = Fraction(value)
    if rounding == "bawah":
        return Decimal(math.floor(exact))
    if rounding == "terdekat":
        return Decimal(math.floor(exact + Fraction(1, 2)))
    raise ValueError(f"unknown rounding {rounding!r}; use one of {', '.join(ROUNDINGS)}")


def split_by_basis(
    total: Decimal, bases: Mapping[str, Decimal], rounding: str = "bawah"
) -> tuple[dict[str, Decimal], Decimal]:
    """Share ``total`` in proportion to ``bases``: ``(shares, remainder)``.

    Each share is ``total × basis / Σ bases`` (exact), rounded to the whole rupiah by
    ``rounding``; ``remainder = total − Σ shares``, so shares plus remainder are exactly
    ``total``. With floor rounding no share exceeds its exact value and
    ``0 ≤ remainder < number of bases with a positive basis``. When every basis is zero
    every share is zero and the remainder is the whole total. Bases must not be negative.
    """
    if rounding not in ROUNDINGS:
        raise ValueError(f"unknown rounding {rounding!r}; use one of {', '.join(ROUNDINGS)}")
    if total < 0:
        raise ValueError(f"cannot share a negative total {total}")
    negative = [k for k, v in bases.items() if v < 0]
    if negative:
        raise ValueError(f"negative basis for {', '.join(negative)}")
    # exact integer arithmetic: basis_i = n_i / L, total = tn / td,
    # share_i = total × basis_i / Σ basis = tn × n_i / (td × Σ n)
    ratios = {k: v.as_integer_ratio() for k, v in bases.items()}
    common = math.lcm(*(d for _, d in ratios.values())) if ratios else 1
    scaled = {k: n * (common // d) for k, (n, d) in ratios.items()}
    sum_scaled = sum(scaled.values())
    if sum_scaled == 0:
        return {k: ZERO for k in bases}, total
    tn, td = total.as_integer_ratio()
    denominator = td * sum_scaled
    if rounding == "bawah":
        shares = {k: Decimal((tn * b) // denominator) for k, b in scaled.items()}
    else:
        shares = {k: Decimal((2 * tn * b + denominator) // (2 * denominator)) for k, b in scaled.items()}
    return shares, total - sum(shares.values(), ZERO)


def allocate_components(
    dibagi: Decimal,
    persen: Sequence[tuple[str, Decimal]],
    rounding: str = "bawah",
    *,
    shu: Decimal | None = None,
) -> dict[str, Decimal]:
    """Split the SHU into components: ``{component: amount}`` in the order given.

    Every component but ``cadangan`` is ``dibagi × percent / 100`` rounded by
    ``rounding``; ``cadangan`` (added if absent) takes ``shu`` (default: ``dibagi``)
    minus all the others, so the amounts sum exactly to ``shu``. ``dibagi`` is the part
    of the SHU the percentages apply to (less than ``shu`` when the SHU from
    non-members goes to cadangan in full).
    """
    total = dibagi if shu is None else shu
    amounts: dict[str, Decimal] = {}
    for component, percent in persen:
        if component != CADANGAN:
            amounts[component] = round_rupiah(Fraction(dibagi) * Fraction(percent) / 100, rounding)
    others = sum(amounts.values(), ZERO)
    ordered = {c: amounts.get(c, ZERO) for c, _ in persen}
    ordered[CADANGAN] = total - others
    return ordered


@dataclass(frozen=True)
class Distribution:
    """A year's SHU split into components and member shares (plain numbers)."""

    komponen: dict[str, Decimal]
    jasa_modal: dict[str, Decimal]
    jasa_usaha: dict[str, Decimal]
    sisa_jasa_modal: Decimal
    sisa_jasa_usaha: Decimal
    #: Member components moved to cadangan because no member had a basis for them.
    dialihkan: dict[str, Decimal] = field(default_factory=dict)

    @property
    def sisa_pembulatan(self) -> Decimal:
        """Rupiah of jasa modal and jasa usaha that rounding gave to no member."""
        return self.sisa_jasa_modal + self.sisa_jasa_usaha

    @property
    def cadangan_dibukukan(self) -> Decimal:
        """What the allocation entry credits to cadangan: its component plus the remainder."""
        return self.komponen[CADANGAN] + self.sisa_pembulatan


def distribute(
    shu: Decimal,
    persen: Sequence[tuple[str, Decimal]],
    bases_modal: Mapping[str, Decimal],
    bases_usaha: Mapping[str, Decimal],
    rounding: str = "bawah",
    *,
    non_anggota: Decimal = ZERO,
) -> Distribution:
    """The whole split of a positive ``shu``: components, then each member's shares.

    ``non_anggota`` is the part of the SHU that goes to cadangan in full before the
    percentages apply. A member component with no positive basis at all goes to
    cadangan (reported in ``dialihkan``).
    """
    if shu <= 0:
        raise ValueError(f"nothing to distribute from SHU {shu}")
    if not ZERO <= non_anggota <= shu:
        raise ValueError(f"non-member SHU {non_anggota} must be between 0 and the SHU {shu}")
    komponen = allocate_components(shu - non_anggota, persen, rounding, shu=shu)
    dialihkan: dict[str, Decimal] = {}
    splits: dict[str, tuple[dict[str, Decimal], Decimal]] = {}
    for component, bases in ((JASA_MODAL, bases_modal), (JASA_USAHA, bases_usaha)):
        allocated = komponen.get(component, ZERO)
        if component in komponen and allocated != 0 and sum(bases.values(), ZERO) == 0:
            dialihkan[component] = allocated
            komponen[component] = ZERO
            komponen[CADANGAN] += allocated
            allocated = ZERO
        splits[component] = split_by_basis(allocated, bases, rounding)
    return Distribution(
        komponen=komponen,
        jasa_modal=splits[JASA_MODAL][0],
        jasa_usaha=splits[JASA_USAHA][0],
        sisa_jasa_modal=splits[JASA_MODAL][1],
        sisa_jasa_usaha=splits[JASA_USAHA][1],
        dialihkan=dialihkan,
    )


def non_member_part(shu: Decimal, pendapatan_non_anggota: Decimal, pendapatan: Decimal) -> Decimal:
    """The part of the SHU earned from non-members, in proportion to income.

    ``SHU × non-member income / total income`` of the year, rounded half up to the
    whole rupiah (0 when the SHU or the income is not positive; at most the SHU).
    """
    if shu <= 0 or pendapatan <= 0 or pendapatan_non_anggota <= 0:
        return ZERO
    part = round_rupiah(Fraction(shu) * Fraction(pendapatan_non_anggota) / Fraction(pendapatan), "terdekat")
    return min(part, shu)


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


#: Version of the SHU JSON document (``skema``); see kopledger/schemas/shu.schema.json.
SKEMA = "1"


def shu_json(result: ShuResult) -> dict[str, Any]:
    """The JSON contract of an SHU result (kopledger/schemas/shu.schema.json)."""
    from kopledger.present.jsondata import plain

    return {
        "skema": SKEMA,
        "tahun": result.tahun,
        "shu": plain(result.shu),
        "alokasi": plain(list(result.alokasi)),
        "anggota": [
            plain({"id": m.id, "nama": m.nama, "basis_modal": m.basis_modal, "basis_usaha": m.basis_usaha,
                   "jasa_modal": m.jasa_modal, "jasa_usaha": m.jasa_usaha, "jumlah": m.jumlah})
            for m in result.anggota
        ],
        "sisa_pembulatan": plain(result.sisa_pembulatan),
        "sementara": result.sementara,
        "pembulatan": result.pembulatan,
        "shu_non_anggota": plain(result.shu_non_anggota),
        "total_basis_modal": plain(result.total_basis_modal),
        "total_basis_usaha": plain(result.total_basis_usaha),
        "peringatan": plain(list(result.peringatan)),
    }


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
    income: bool
    expense: bool
    non_member: bool
    modal: bool
    usaha: bool
    member: str | None
    sign: int


@dataclass
class _YearScan:
    pendapatan: Decimal = ZERO
    pendapatan_non_anggota: Decimal = ZERO
    beban: Decimal = ZERO
    transaksi: int = 0
    ditutup: bool = False
    sampai: dt.date | None = None
    modal: dict[str, Decimal] = field(default_factory=dict)
    #: Per member: [balance before the year, movement in January, …, in December].
    bulanan: dict[str, list[Decimal]] = field(default_factory=dict)
    usaha: dict[str, Decimal] = field(default_factory=dict)


def _scan_year(kop: Books, year: int, policy: BasisPolicy) -> _YearScan:
    """Income, expenses and every member's bases for ``year``, in one pass over postings."""
    roots = kop.roots
    currency = kop.currency
    start, end = dt.date(year, 1, 1), _year_end(year)
    closing = closing_tag(year)
    monthly = policy.metode_modal == "rata-rata-bulanan"
    exits = {m.id: m.tanggal_keluar for m in kop.members.values() if m.tanggal_keluar is not None}
    cache: dict[str, _AccountInfo | None] = {}
    scan = _YearScan()
    parents = roots.member_parents()

    def classify(account: str) -> _AccountInfo | None:
        parent, _, leaf = account.rpartition(":")
        debit_normal = roots.is_under(account, roots.aset) or roots.is_under(account, roots.beban)
        info = _AccountInfo(
            income=roots.is_under(account, roots.pendapatan),
            expense=roots.is_under(account, roots.beban),
            non_member=roots.is_under(account, roots.pendapatan_non_anggota),
            modal=any(roots.is_under(account, a) for a in policy.modal),
            usaha=any(roots.is_under(account, a) for a in policy.usaha),
            member=leaf if parent in parents else None,
            sign=1 if debit_normal else -1,
        )
        return info if (info.income or info.expense or info.modal or info.usaha) else None

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
            if in_year:
                if info.income:
                    scan.pendapatan -= number
                    if info.non_member:
                        scan.pendapatan_non_anggota -= number
                elif info.expense:
                    scan.beban += number
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


def shu_of_year(kop: Books, year: int) -> Decimal:
    """SHU of ``year``: income − expenses of the year, excluding ``#tutup-buku-YEAR``."""
    balances = account_balances(
        kop.entries, currency=kop.currency, start=dt.date(year, 1, 1), end=_year_end(year),
        exclude=is_closing_of(year),
    )
    return -(rollup(balances, kop.roots.pendapatan) + rollup(balances, kop.roots.beban))


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
    ``sementara`` is set; the result is then marked provisional.
    """
    today = today or dt.date.today()
    from kopledger.books.closed.year_files import archived_books

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
    policy = basis_for_year(kop, year)
    scan = _scan_year(kop, year, policy)
    if scan.transaksi == 0:
        period = kop.period()
        span = Pesan("; buku berisi transaksi dari {dari} sampai {sampai}", dari=period[0], sampai=period[1]) \
            if period else ""
        raise InputError.pesan(
            "tidak ada transaksi pada tahun {tahun}{rentang}; periksa --tahun",
            tahun=year, rentang=span,
        )
    shu = scan.pendapatan - scan.beban
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
        pendapatan=scan.pendapatan,
        beban=scan.beban,
        pembulatan=rounding,
        metode_modal=policy.metode_modal,
        akun_basis_modal=policy.modal,
        akun_basis_usaha=policy.usaha,
        ditutup=scan.ditutup,
        sampai=end if not provisional else scan.sampai,
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
            if m.tanggal_masuk <= end
            and (m.tanggal_keluar is None or m.tanggal_keluar > end
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
        non_member = non_member_part(shu, scan.pendapatan_non_anggota, scan.pendapatan)
        if non_member:
            warnings.append(Peringatan("shu-non-anggota", {
                "jumlah": non_member, "pendapatan_non_anggota": scan.pendapatan_non_anggota,
                "pendapatan": scan.pendapatan}))
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
        keluar = member.tanggal_keluar if member.tanggal_keluar and member.tanggal_keluar <= end else None
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


def _loss_text(shu: Decimal) -> Pesan:
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
            tahun=year, hasil=_loss_text(result.shu),
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
    kop: Books, result: ShuResult, date: dt.date, *, ke: str = "kas"
) -> list[data.Transaction]:
    """Payout of the booked SHU of ``result.tahun``: one entry per member still owed.

    Dr ``Liabilitas:UtangSHU:<ID>``; Cr ``Aset:Kas`` (``ke="kas"``) or the member's
    simpanan sukarela (``ke="sukarela"``; members who have left by ``date`` are paid in
    cash). Amounts are what the ledger's allocation entry owes, less payouts already made.
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
    roots = kop.roots
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
            target = roots.kas
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
        _require_open(kop, {roots.kas: "kas"}, date)
    return entries


# --- output for people ----------------------------------------------------------------------
def to_csv(result: ShuResult) -> str:
    """The member list as CSV (one row per member; amounts as exact decimals; text cells
    neutralised against formula injection, :func:`kopledger.present.output.csv_text`)."""
    from kopledger.present.output import csv_text

    columns = ["id", "nama", "basis_modal", "basis_usaha", "jasa_modal", "jasa_usaha", "jumlah"]
    return csv_text(columns, ([m.id, m.nama, *(format(getattr(m, c), "f") for c in columns[2:])] for m in result.anggota))


def _rate(part: Decimal, basis: Decimal) -> Decimal:
    """``part / basis`` as a percent (for display), 0 when there is no basis."""
    if basis <= 0:
        return ZERO
    return (part * 100 / basis).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def _context(kop: Books, result: ShuResult) -> dict[str, Any]:
    from kopledger.books.closed.year_files import closed_sidik

    officers = {o.role: o.nama for o in kop.officers}
    jm = result.jumlah_komponen(JASA_MODAL)
    ju = result.jumlah_komponen(JASA_USAHA)
    return {
        "koperasi": kop.title,
        "alamat": kop.info.alamat if kop.info else "",
        "r": result,
        "jasa_modal": jm,
        "jasa_usaha": ju,
        "tarif_modal": _rate(jm, result.total_basis_modal),
        "tarif_usaha": _rate(ju, result.total_basis_usaha),
        "pengurus": officers,
        "sidik_tahun": closed_sidik(kop, until=result.tahun),  # issue 13: the witness of closed years
    }


def render_table(
    kop: Books, result: ShuResult, lang: str = "id", *, template_dir: str | Path | None = None
) -> str:
    """The readable text table: the allocation, then the members by id, then totals."""
    from kopledger.present.render import render

    context = _context(kop, result)
    width = max([len(m.nama) for m in result.anggota] + [4])
    context["lebar_nama"] = min(width, 28)
    return render("shu/tabel.txt.j2", context, lang=lang, template_dir=template_dir)


def render_slips(
    kop: Books,
    result: ShuResult,
    fmt: str = "html",
    lang: str = "id",
    *,
    anggota: Sequence[str] | None = None,
    template_dir: str | Path | None = None,
) -> str:
    """Per-member SHU slips (one page each), ``fmt`` ``html`` or ``txt``.

    ``anggota`` limits them to the given member ids (in that order).
    """
    from kopledger.present.render import render

    if fmt not in ("html", "txt"):
        raise InputError.pesan(
            "format slip tidak dikenal: {fmt!r}; pakai html atau txt",
            fmt=fmt,
        )
    if result.rugi:
        raise InputError.pesan(
            "tidak ada SHU yang dibagi untuk {tahun} ({hasil}): tidak ada slip",
            tahun=result.tahun, hasil=_loss_text(result.shu),
        )
    members = list(result.anggota)
    if anggota:
        by_id = {m.id: m for m in result.anggota}
        missing = [i for i in anggota if i not in by_id]
        if missing:
            raise InputError.pesan(
                "tidak ada slip SHU untuk {anggota}: bukan anggota penerima SHU {tahun}",
                anggota=', '.join(missing), tahun=result.tahun,
            )
        members = [by_id[i] for i in anggota]
    context = _context(kop, result)
    context["slips"] = members
    return render(f"shu/slip.{fmt}.j2", context, lang=lang, template_dir=template_dir)
