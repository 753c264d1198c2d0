"""Member loans, quality: arrears, kolektibilitas, PPAP, NPL and the portfolio at a date.

Classes follow the koperasi rules (Juknis Deputi Bidang Perkoperasian 15/2021): lancar, kurang
lancar, diragukan, macet by days past due; "dalam perhatian khusus" only where ``kebijakan
"kol-dpk"`` turns it on. Collateral (``agunan``) is deducted before the rate for kurang lancar and
worse under ``kebijakan "ppap-agunan" "kurangi"``. Public names are re-exported by
:mod:`kopledger.ops.loans.entries`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta

from kopledger.books.directives import Policies
from kopledger.books.years import holder
from kopledger.core.rasio import persen, tampil
from kopledger.ops.loans.book import ZERO, Loan, LoanBook, Repayment, _allocate, _paid_until, loan_book
from kopledger.ops.loans.schedule import (
    Instalment,
    rupiah_half_up,
)

if TYPE_CHECKING:
    from kopledger.books.ledger import Books

#: Loan quality classes, best first. The koperasi rules (Juknis Deputi Bidang Perkoperasian
#: 15/2021) know lancar, kurang lancar, diragukan and macet; "dalam perhatian khusus" is a bank
#: class, used only when ``kebijakan "kol-dpk"`` sets its first day (> 0).
LANCAR = "lancar"
DPK = "dalam perhatian khusus"
KURANG_LANCAR = "kurang lancar"
DIRAGUKAN = "diragukan"
MACET = "macet"
KOLEKTIBILITAS = (LANCAR, DPK, KURANG_LANCAR, DIRAGUKAN, MACET)

#: Classes counted as non-performing (NPL): kurang lancar, diragukan, macet.
NPL_CLASSES = (KURANG_LANCAR, DIRAGUKAN, MACET)

#: ``kebijakan`` key of the first day past due of each class (lancar starts at 0).
KOL_THRESHOLD_KEYS = {DPK: "kol-dpk", KURANG_LANCAR: "kol-kurang-lancar", DIRAGUKAN: "kol-diragukan", MACET: "kol-macet"}

#: ``kebijakan`` key of the PPAP rate (%) of each class.
PPAP_RATE_KEYS = {
    LANCAR: "ppap-lancar", DPK: "ppap-dpk", KURANG_LANCAR: "ppap-kurang-lancar",
    DIRAGUKAN: "ppap-diragukan", MACET: "ppap-macet",
}

#: The bank rule, in force by default once ``kol-dpk`` turns the bank class on: first day past due
#: and PPAP rate (%) — DPK 1–90 days at 5 %, KL 91–120 at 15 %, D 121–180 at 50 %, M > 180 at 100 %
#: (OJK's asset-quality classes). A ``kebijakan`` written in the ledger still wins over each.
BANK_RULE: dict[str, tuple[Decimal, Decimal]] = {
    DPK: (Decimal(1), Decimal(5)), KURANG_LANCAR: (Decimal(91), Decimal(15)),
    DIRAGUKAN: (Decimal(121), Decimal(50)), MACET: (Decimal(181), Decimal(100)),
}


@dataclass(frozen=True)
class LoanStatus:
    """A loan at a date: balance, arrears, quality class and required provision."""

    id: str
    anggota: str
    nama: str
    pokok_awal: Decimal
    sisa: Decimal  # outstanding principal
    hari_tunggakan: int  # days past due
    kolektibilitas: str
    ppap: Decimal  # required provision, whole rupiah
    tarif_ppap: Decimal = ZERO  # percent
    tanggal_cair: dt.date | None = None
    jatuh_tempo_akhir: dt.date | None = None
    metode: str = ""
    bunga: Decimal = ZERO
    tenor: int = 0
    pokok_dibayar: Decimal = ZERO
    bunga_dibayar: Decimal = ZERO
    denda_dibayar: Decimal = ZERO
    tunggakan: Decimal = ZERO  # instalments due and not yet paid (principal + interest)
    angsuran_tertunggak: int = 0  # number of due instalments not fully paid
    jatuh_tempo_berikut: dt.date | None = None
    angsuran_berikut: Decimal = ZERO
    agunan: Decimal = ZERO  # collateral value recorded at disbursement
    dasar_ppap: Decimal = ZERO  # the balance the PPAP rate applied to (sisa, less agunan where the policy says so)

    @property
    def lunas(self) -> bool:
        """Fully repaid."""
        return self.sisa <= 0


@dataclass(frozen=True)
class ClassTotal:
    """One kolektibilitas class of the portfolio."""

    kolektibilitas: str
    jumlah_pinjaman: int
    saldo: Decimal
    tarif_ppap: Decimal  # percent
    ppap: Decimal


@dataclass(frozen=True)
class Portfolio:
    """The loan portfolio at a date: open loans, totals by class, PPAP and NPL.

    ``npl`` is the NPL as shown (:func:`npl_ratio` rounded by :func:`kopledger.core.rasio.tampil`:
    half up, 2 decimals); compare limits with :attr:`rasio_npl`, unrounded.
    ``ppap_tercatat`` is the provision on the books (credit balance of
    ``Aset:Piutang:PenyisihanPinjaman``, shown positive).
    """

    tanggal: dt.date
    pinjaman: tuple[LoanStatus, ...]
    per_kolektibilitas: tuple[ClassTotal, ...]
    total_saldo: Decimal
    ppap_wajib: Decimal
    ppap_tercatat: Decimal
    npl: Decimal
    tidak_teralokasi: Decimal = ZERO

    @property
    def npl_saldo(self) -> Decimal:
        """The non-performing balance: kurang lancar, diragukan and macet loans."""
        return npl_balance(self.per_kolektibilitas)

    @property
    def rasio_npl(self) -> Decimal | None:
        """NPL unrounded (:func:`npl_ratio`), for comparing with limits; None without loans."""
        return npl_ratio(self.per_kolektibilitas)

    @property
    def selisih_ppap(self) -> Decimal:
        """Provision to book (positive) or release (negative): required − on the books."""
        return self.ppap_wajib - self.ppap_tercatat

    @property
    def tunggakan(self) -> tuple[LoanStatus, ...]:
        """Loans in arrears (days past due > 0), longest overdue first."""
        return tuple(sorted((s for s in self.pinjaman if s.hari_tunggakan > 0),
                            key=lambda s: (-s.hari_tunggakan, s.id)))

    @property
    def jumlah_pinjaman(self) -> int:
        return len(self.pinjaman)


def npl_balance(classes: Sequence[ClassTotal]) -> Decimal:
    """The balance of the non-performing classes (:data:`NPL_CLASSES`)."""
    return sum((c.saldo for c in classes if c.kolektibilitas in NPL_CLASSES), ZERO)


def npl_ratio(classes: Sequence[ClassTotal]) -> Decimal | None:
    """NPL — THE one definition: the non-performing balance over the total balance, as a percent,
    unrounded (:func:`kopledger.core.rasio.persen`); None when no loan is outstanding. Shown
    rounded by :func:`kopledger.core.rasio.tampil` (``Portfolio.npl``)."""
    return persen(npl_balance(classes), sum((c.saldo for c in classes), ZERO))


def days_past_due(loan: Loan, moves: Sequence[Repayment], date: dt.date) -> int:
    """Days past due: date − the due date of the oldest instalment due on or before ``date`` that
    cumulative principal + interest paid (allocated to instalments in order) does not cover."""
    pokok, bunga, _ = _paid_until(moves, date)
    if loan.pokok - pokok <= 0:
        return 0
    return _days_unpaid(loan.jadwal, _allocate([row.angsuran for row in loan.jadwal], pokok + bunga), date)


def _days_unpaid(jadwal: Sequence[Instalment], unpaid: Sequence[Decimal], date: dt.date) -> int:
    for row, left in zip(jadwal, unpaid, strict=True):
        if row.tanggal > date:
            break
        if left > 0:
            return (date - row.tanggal).days
    return 0


def uses_dpk(policies: Policies, date: dt.date) -> bool:
    """Whether the bank class "dalam perhatian khusus" is in use on ``date`` (``kol-dpk`` > 0)."""
    return Decimal(policies.value(KOL_THRESHOLD_KEYS[DPK], date)) > 0


def _bank_default(policies: Policies, key: str, date: dt.date) -> bool:
    """Whether ``key`` takes the bank rule's value on ``date``: the bank class is on and the
    ledger writes no ``kebijakan`` of its own for ``key``."""
    return key != KOL_THRESHOLD_KEYS[DPK] and uses_dpk(policies, date) and policies.at(key, date) is None


def class_threshold(kolektibilitas: str, policies: Policies, date: dt.date) -> Decimal:
    """The first day past due of a class in force on ``date`` (lancar: 0); with the bank class on,
    the bank rule's unless a ``kebijakan`` says otherwise."""
    if kolektibilitas == LANCAR:
        return Decimal(0)
    key = KOL_THRESHOLD_KEYS[kolektibilitas]
    if _bank_default(policies, key, date):
        return BANK_RULE[kolektibilitas][0]
    return Decimal(policies.value(key, date))


def classes_in_use(policies: Policies, date: dt.date) -> tuple[str, ...]:
    """The loan classes in force on ``date``, best first (DPK only where a policy asks for it)."""
    return KOLEKTIBILITAS if uses_dpk(policies, date) else tuple(c for c in KOLEKTIBILITAS if c != DPK)


def classify(days: int, policies: Policies, date: dt.date) -> str:
    """Kolektibilitas for ``days`` past due, by the thresholds in force on ``date``."""
    for cls in reversed(classes_in_use(policies, date)[1:]):
        if days >= class_threshold(cls, policies, date):
            return str(cls)
    return LANCAR


def ppap_base(kolektibilitas: str, sisa: Decimal, agunan: Decimal, policies: Policies, date: dt.date) -> Decimal:
    """The balance the PPAP rate applies to: the outstanding principal, less the collateral for
    kurang lancar and worse when ``kebijakan "ppap-agunan" "kurangi"`` is in force (never below 0)."""
    base = max(sisa, ZERO)
    if kolektibilitas in NPL_CLASSES and agunan > 0 and policies.value("ppap-agunan", date) == "kurangi":
        base = max(base - agunan, ZERO)
    return base


def ppap_rate(kolektibilitas: str, policies: Policies, date: dt.date) -> Decimal:
    """PPAP rate (%) of a class in force on ``date`` (with the bank class on, the bank rule's
    unless a ``kebijakan`` says otherwise)."""
    key = PPAP_RATE_KEYS[kolektibilitas]
    if kolektibilitas in BANK_RULE and _bank_default(policies, key, date):
        return BANK_RULE[kolektibilitas][1]
    return Decimal(policies.value(key, date))


def loan_status(
    loan: Loan, moves: Sequence[Repayment], date: dt.date, policies: Policies, nama: str = ""
) -> LoanStatus:
    """One loan at ``date``: balance, days past due, class, provision (rounded half up per loan)."""
    pokok, bunga, denda = _paid_until(moves, date)
    sisa = loan.pokok - pokok
    unpaid = _allocate([row.angsuran for row in loan.jadwal], pokok + bunga)
    days = 0 if sisa <= 0 else _days_unpaid(loan.jadwal, unpaid, date)  # = days_past_due(loan, moves, date)
    cls = classify(days, policies, date)
    rate = ppap_rate(cls, policies, date)
    base = ppap_base(cls, sisa, loan.agunan, policies, date)
    ppap = rupiah_half_up(Fraction(rate) * Fraction(base) / 100)
    due = [(row, left) for row, left in zip(loan.jadwal, unpaid, strict=True) if row.tanggal <= date]
    upcoming = [(row, left) for row, left in zip(loan.jadwal, unpaid, strict=True) if row.tanggal > date and left > 0]
    lunas = sisa <= 0
    return LoanStatus(
        id=loan.id, anggota=loan.anggota, nama=nama, pokok_awal=loan.pokok, sisa=sisa,
        hari_tunggakan=days, kolektibilitas=cls, ppap=ppap, tarif_ppap=rate,
        tanggal_cair=loan.tanggal, jatuh_tempo_akhir=loan.jatuh_tempo_akhir, metode=loan.metode,
        bunga=loan.bunga, tenor=loan.tenor, pokok_dibayar=pokok, bunga_dibayar=bunga, denda_dibayar=denda,
        tunggakan=ZERO if lunas else sum((left for _, left in due), ZERO),
        angsuran_tertunggak=0 if lunas else sum(1 for _, left in due if left > 0),
        jatuh_tempo_berikut=None if lunas or not upcoming else upcoming[0][0].tanggal,
        angsuran_berikut=ZERO if lunas or not upcoming else upcoming[0][1],
        agunan=loan.agunan, dasar_ppap=base,
    )


def current_portion(loan: Loan, moves: Sequence[Repayment], date: dt.date, months: int = 12) -> tuple[Decimal, Decimal]:
    """The outstanding principal at ``date`` split by the schedule: (due within ``months``
    months after ``date``, including what is overdue; due later). Principal repaid covers the
    instalments in order, so a prepayment shortens the tail."""
    pokok, _bunga, _denda = _paid_until(moves, date)
    sisa = max(loan.pokok - pokok, ZERO)
    unpaid = _allocate([row.pokok for row in loan.jadwal], pokok)
    horizon = date + relativedelta(months=months)
    current = sum((left for row, left in zip(loan.jadwal, unpaid, strict=True) if row.tanggal <= horizon), ZERO)
    current = min(current, sisa)
    return current, sisa - current


def maturity_split(kop: Books, date: dt.date) -> tuple[Decimal, Decimal]:
    """All member loans outstanding at ``date``: (lancar/current, due within 12 months; non-current)."""
    book = loan_book(kop)
    current = later = ZERO
    for loan in book.pinjaman:
        if loan.tanggal > date:
            continue
        c, n = current_portion(loan, book.angsuran[loan.id], date)
        current += c
        later += n
    return current, later


def loan_statuses(kop: Books, date: dt.date, *, book: LoanBook | None = None) -> tuple[LoanStatus, ...]:
    """Every loan disbursed on or before ``date`` (repaid ones too), oldest first."""
    book = book or loan_book(kop)
    result = []
    for loan in book.pinjaman:
        if loan.tanggal > date:
            continue
        member = kop.members.get(loan.anggota)
        result.append(loan_status(loan, book.angsuran[loan.id], date, kop.policies, member.nama if member else ""))
    return tuple(result)


def ppap_on_books(kop: Books, date: dt.date) -> Decimal:
    """The provision on the books at ``date``: credit balance of the PPAP account (positive)."""
    return ZERO - kop.balances(end=date).get(kop.roots.ppap, ZERO)  # the one balance primitive


def portfolio(kop: Books, date: dt.date) -> Portfolio:
    """The loan portfolio at ``date``: open loans by kolektibilitas, PPAP required and booked, NPL.

    Computed once per loaded books and date (the RAT pack and the statements' notes both
    show it), from the books that hold ``date``'s year (an archived year's own file)."""
    kop = holder(kop, date.year)
    book = loan_book(kop)
    return kop.computed(("portfolio", date), lambda: _portfolio(kop, date, book))


def _portfolio(kop: Books, date: dt.date, book: LoanBook) -> Portfolio:
    open_loans = tuple(s for s in loan_statuses(kop, date, book=book) if s.sisa > 0)
    classes = []
    for cls in classes_in_use(kop.policies, date):
        members = [s for s in open_loans if s.kolektibilitas == cls]
        classes.append(ClassTotal(
            kolektibilitas=cls,
            jumlah_pinjaman=len(members),
            saldo=sum((s.sisa for s in members), ZERO),
            tarif_ppap=ppap_rate(cls, kop.policies, date),
            ppap=sum((s.ppap for s in members), ZERO),
        ))
    total = sum((c.saldo for c in classes), ZERO)
    ratio = npl_ratio(classes)
    npl = tampil(ratio) if ratio is not None else ZERO
    return Portfolio(
        tanggal=date,
        pinjaman=open_loans,
        per_kolektibilitas=tuple(classes),
        total_saldo=total,
        ppap_wajib=sum((c.ppap for c in classes), ZERO),
        ppap_tercatat=ppap_on_books(kop, date),
        npl=npl,
        tidak_teralokasi=sum((a for _, d, a in book.tidak_teralokasi if d <= date), ZERO),
    )
