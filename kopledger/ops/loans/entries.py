"""Member loans (simpan pinjam): loans from the ledger, repayments, arrears, kolektibilitas, PPAP.

The ledger language (CONTRACTS.md, docs/pinjaman.md):

- A loan is disbursed by a transaction tagged ``#pinjaman-cair`` with metadata ``anggota``,
  ``pinjaman`` (the unique loan id), ``pokok`` (amount), ``bunga`` (annual %), ``tenor``
  (months), ``metode`` (flat|efektif|anuitas), optional ``jatuh-tempo`` (first due date,
  default one month after disbursement), ``biaya-admin``, ``provisi``; it debits the
  member's ``Aset:Piutang:PinjamanAnggota:<ID>`` with the principal.
- Repayments credit that account (principal), ``Pendapatan:Anggota:JasaPinjaman``
  (interest) and ``Pendapatan:Anggota:Denda`` (penalty); an instalment is tagged
  ``#angsuran`` with metadata ``pinjaman``. A principal credit without a loan id (e.g. the
  set-off in an ``#anggota-keluar`` transaction) goes to the member's open loans, oldest
  first; interest or penalty without a loan id goes to the loan the transaction's
  principal went to, else to the member's oldest open loan.

Everything here is pure: functions take a :class:`~kopledger.books.ledger.Books` (or entries)
and explicit parameters and return frozen dataclasses or new directives; writing goes
through :mod:`kopledger.ops.writer`. All loans are read in one pass over the transactions.

This module is the public face: the book (reading loans, :mod:`kopledger.ops.loans.book`) and
quality (kolektibilitas, PPAP, portfolio, :mod:`kopledger.ops.loans.quality`) live in their own
modules and are re-exported here; payments and the entry builders are here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from beancount.core import data
from beancount.core.amount import Amount
from dateutil.relativedelta import relativedelta

from kopledger.books.bagan_akun import STANDARD_CHART
from kopledger.books.directives import POLICY_KEYS
from kopledger.core.errors import InputError, Pesan, Rupiah
from kopledger.core.roots import MemberKind, Roots
from kopledger.ops.accounts import cash_account
from kopledger.ops.loans.book import (
    LOAN_ID_RE,
    TAG_ANGSURAN,
    TAG_CAIR,
    TAG_KELUAR,
    TAG_PPAP,
    ZERO,
    Loan,
    LoanBook,
    Repayment,
    _allocate,
    _paid_until,
    biaya_admin_account,
    check_loans,
    denda_account,
    loan_book,
    loan_errors,
    loans,
    parse_disbursement,
    ppap_expense_account,
    read_loans,
)
from kopledger.ops.loans.quality import (
    DIRAGUKAN,
    DPK,
    KOL_THRESHOLD_KEYS,
    KOLEKTIBILITAS,
    KURANG_LANCAR,
    LANCAR,
    MACET,
    NPL_CLASSES,
    PPAP_RATE_KEYS,
    ClassTotal,
    LoanStatus,
    Portfolio,
    _portfolio,
    classes_in_use,
    classify,
    current_portion,
    days_past_due,
    loan_status,
    loan_statuses,
    maturity_split,
    portfolio,
    ppap_base,
    ppap_on_books,
    ppap_rate,
    uses_dpk,
)
from kopledger.ops.loans.schedule import (
    Instalment,
    check_terms,
    rupiah_half_up,
    schedule,
)

if TYPE_CHECKING:
    from kopledger.books.ledger import Books

__all__ = [
    "DIRAGUKAN",
    "DPK",
    "KOLEKTIBILITAS",
    "KOL_THRESHOLD_KEYS",
    "KURANG_LANCAR",
    "LANCAR",
    "LOAN_ID_RE",
    "MACET",
    "NPL_CLASSES",
    "POLICY_KEYS",
    "PPAP_RATE_KEYS",
    "TAG_ANGSURAN",
    "TAG_CAIR",
    "TAG_KELUAR",
    "TAG_PPAP",
    "ZERO",
    "ClassTotal",
    "Instalment",
    "Loan",
    "LoanBook",
    "LoanDue",
    "LoanStatus",
    "PaymentSplit",
    "Portfolio",
    "Repayment",
    "_portfolio",
    "biaya_admin_account",
    "check_loans",
    "classes_in_use",
    "classify",
    "current_portion",
    "days_past_due",
    "denda_account",
    "disbursement_entries",
    "due_split",
    "loan_book",
    "loan_errors",
    "loan_status",
    "loan_statuses",
    "loans",
    "loans_due",
    "maturity_split",
    "next_loan_id",
    "opens_needed",
    "parse_disbursement",
    "payment_entries",
    "payoff_amount",
    "penalty_due",
    "portfolio",
    "ppap_base",
    "ppap_entries",
    "ppap_expense_account",
    "ppap_on_books",
    "ppap_rate",
    "read_loans",
    "schedule",
    "split_payment",
    "uses_dpk",
]


@dataclass(frozen=True)
class PaymentSplit:
    """How a payment is split: penalty, interest, principal (sum = ``jumlah``)."""

    pinjaman: str
    tanggal: dt.date
    jumlah: Decimal
    denda: Decimal
    bunga: Decimal
    pokok: Decimal
    sisa_sebelum: Decimal
    sisa_sesudah: Decimal
    angsuran_ke: int  # the last instalment this payment reaches (0 if none)
    lunas: bool
    pelunasan: Decimal  # what paying the loan off on this date would take


def _billed(loan: Loan, date: dt.date) -> list[Instalment]:
    """Instalments billed on ``date``: those due before it and the current period's one (the first
    due on or after ``date``; instalment k's period runs from the day after due k−1 to due k)."""
    rows = []
    for row in loan.jadwal:
        rows.append(row)
        if row.tanggal >= date:
            break
    return rows


def penalty_due(loan: Loan, moves: Sequence[Repayment], date: dt.date, rate: Decimal) -> Decimal:
    """Penalty owed on ``date``: ``rate`` % of each instalment's unpaid amount for every month (or part)
    it is late — measured at the start of each late month — less penalty already paid; whole rupiah."""
    if rate <= 0:
        return ZERO
    accrued = Fraction(0)
    amounts = [row.angsuran for row in loan.jadwal]
    for index, row in enumerate(loan.jadwal):
        month = 0
        while True:
            start = row.tanggal + relativedelta(months=month)  # the late month begins the day after
            if start >= date:
                break
            pokok, bunga, _ = _paid_until(moves, start)
            if loan.pokok - pokok <= 0:
                break
            left = _allocate(amounts, pokok + bunga)[index]
            if left <= 0:
                break
            accrued += Fraction(rate) * Fraction(left) / 100
            month += 1
    _, _, paid = _paid_until(moves, date)
    return max(rupiah_half_up(accrued) - paid, ZERO)


def payoff_amount(loan: Loan, moves: Sequence[Repayment], date: dt.date, denda: Decimal = ZERO) -> Decimal:
    """Paying the loan off on ``date``: ``denda`` + unpaid interest of billed instalments + all principal."""
    pokok, bunga, _ = _paid_until(moves, date)
    billed = _billed(loan, date)
    interest_left = _allocate([row.bunga for row in billed], bunga)
    return denda + sum(interest_left, ZERO) + (loan.pokok - pokok)


def split_payment(
    loan: Loan,
    moves: Sequence[Repayment],
    date: dt.date,
    jumlah: Decimal | None,
    *,
    denda: Decimal = ZERO,
) -> PaymentSplit:
    """Split a payment of ``jumlah`` (None: pay the loan off) made on ``date``.

    Order: the penalty first, then instalment by instalment (oldest first, among those due
    on or before ``date`` plus the current period's one) its interest then its principal;
    anything left reduces the principal (prepayment; the schedule is not recomputed, so the
    loan ends earlier). A payment larger than the payoff amount is refused.
    """
    if date < loan.tanggal:
        raise InputError.pesan(
            "pembayaran tanggal {tanggal} sebelum pinjaman {pinjaman} dicairkan ({tanggal_cair})",
            tanggal=date, pinjaman=loan.id, tanggal_cair=loan.tanggal,
        )
    pokok_paid, bunga_paid, _ = _paid_until(moves, date)
    sisa = loan.pokok - pokok_paid
    if sisa <= 0:
        raise InputError.pesan(
            "pinjaman {pinjaman} sudah lunas; tidak ada yang perlu dibayar",
            pinjaman=loan.id,
        )
    payoff = payoff_amount(loan, moves, date, denda)
    if jumlah is None:
        jumlah = payoff
    if jumlah <= 0 or jumlah != jumlah.to_integral_value():
        raise InputError.pesan(
            "jumlah pembayaran harus bilangan bulat rupiah > 0, bukan {jumlah}",
            jumlah=jumlah,
        )
    if jumlah > payoff:
        raise InputError.pesan(
            "pembayaran {jumlah} melebihi jumlah pelunasan pinjaman {pinjaman} pada {tanggal}: {pelunasan}",
            hint="Bayar paling banyak jumlah pelunasan (kop pinjaman bayar … --lunas).",
            jumlah=Rupiah(jumlah), pinjaman=loan.id, tanggal=date,
            pelunasan=Rupiah(payoff),
        )
    billed = _billed(loan, date)
    interest_left = _allocate([row.bunga for row in billed], bunga_paid)
    principal_left = _allocate([row.pokok for row in billed], pokok_paid)
    rest = jumlah
    pay_denda = min(rest, denda)
    rest -= pay_denda
    pay_bunga = pay_pokok = ZERO
    reached = 0
    for row, i_left, p_left in zip(billed, interest_left, principal_left, strict=True):
        if rest <= 0:
            break
        take = min(rest, i_left)
        pay_bunga += take
        rest -= take
        take = min(rest, p_left)
        pay_pokok += take
        rest -= take
        if i_left or p_left:
            reached = row.ke
    extra = min(rest, sisa - pay_pokok)
    pay_pokok += extra
    rest -= extra
    # a payoff amount includes all principal, so nothing can be left over
    assert rest == 0, rest
    return PaymentSplit(
        pinjaman=loan.id, tanggal=date, jumlah=jumlah, denda=pay_denda, bunga=pay_bunga, pokok=pay_pokok,
        sisa_sebelum=sisa, sisa_sesudah=sisa - pay_pokok, angsuran_ke=reached,
        lunas=sisa - pay_pokok == 0, pelunasan=payoff,
    )


def _amount(number: Decimal, currency: str) -> Amount:
    return Amount(Decimal(number), currency)


def _posting(account: str, number: Decimal, currency: str) -> data.Posting:
    return data.Posting(account, _amount(number, currency), None, None, None, None)


def _opens_needed(kop: Books, accounts: Iterable[str], date: dt.date) -> list[data.Open]:
    """``open`` directives for standard-chart accounts the books do not open yet (with their kode);
    :class:`InputError` for any other account that is not open."""
    opened = set(kop.katalog.dibuka())
    chart = {a.name(kop.roots): a for a in STANDARD_CHART}
    result = []
    for account in dict.fromkeys(accounts):
        if account in opened or kop.roots.split_member_account(account) is not None:
            continue
        if account not in chart:
            raise InputError.pesan(
                "akun {akun} belum dibuka di buku",
                hint="Tambahkan: YYYY-MM-DD open {akun} {mata_uang}, atau pilih akun lain.",
                akun=account, mata_uang=kop.currency,
            )
        extra = {"kode": chart[account].kode, "nama": chart[account].nama}
        result.append(data.Open(data.new_metadata("<kopledger>", 0, extra), date, account, [kop.currency], None))
    return result


def opens_needed(kop: Books, accounts: Iterable[str], date: dt.date) -> list[data.Open]:
    """``open`` directives a new entry on ``date`` needs for standard-chart accounts (see
    :func:`_opens_needed`)."""
    return _opens_needed(kop, accounts, date)


def next_loan_id(kop: Books, year: int, *, book: LoanBook | None = None) -> str:
    """The next free id ``PJ-YEAR-NNN``."""
    book = book or loan_book(kop)
    taken = {loan.id for loan in book.pinjaman}
    number = 1 + sum(1 for loan_id in taken if loan_id.startswith(f"PJ-{year}-"))
    while f"PJ-{year}-{number:03d}" in taken:
        number += 1
    return f"PJ-{year}-{number:03d}"


def disbursement_entries(
    kop: Books,
    *,
    anggota: str,
    pokok: Decimal,
    bunga: Decimal,
    tenor: int,
    metode: str,
    tanggal: dt.date,
    jatuh_tempo: dt.date | None = None,
    pinjaman: str | None = None,
    biaya_admin: Decimal = ZERO,
    provisi: Decimal = ZERO,
    akun_kas: str | None = None,
) -> list[data.Directive]:
    """The ``#pinjaman-cair`` transaction (and any ``open`` it needs) disbursing a new loan.

    Dr the member's loan account with ``pokok``; Cr admin income with admin + provisi; Cr
    cash (``akun_kas``, default ``Aset:Kas``; cash or bank only, :mod:`kopledger.ops.accounts`)
    with the rest. Refuses (``InputError``) an
    unknown, not yet joined or exited member, a taken loan id, terms out of range or above
    ``kebijakan "bunga-pinjaman-maks"``, and fees that are not less than the principal.
    """
    book = loan_book(kop)
    member = kop.member(anggota)
    if not member.is_active(tanggal):
        when = (Pesan("keluar pada {tanggal}", tanggal=member.tanggal_keluar)
                if member.tanggal_keluar and member.tanggal_keluar <= tanggal
                else Pesan("masuk pada {tanggal}", tanggal=member.tanggal_masuk))
        raise InputError.pesan(
            "{anggota} ({nama}) bukan anggota aktif pada {tanggal} ({status}); pinjaman tidak bisa dicairkan",
            anggota=anggota, nama=member.nama, tanggal=tanggal, status=when,
        )
    kas = cash_account(kop, akun_kas, tanggal, opens_standard=True)
    pokok, bunga = Decimal(pokok), Decimal(bunga)
    check_terms(pokok, bunga, tenor, metode)
    maks = Decimal(kop.policies.value("bunga-pinjaman-maks", tanggal))
    if bunga > maks:
        raise InputError.pesan(
            "bunga {bunga}% setahun melebihi batas koperasi {maks}% (kebijakan bunga-pinjaman-maks)",
            hint='Turunkan bunga, atau ubah batasnya: custom "kebijakan" "bunga-pinjaman-maks" N',
            bunga=bunga, maks=maks,
        )
    loan_id = pinjaman or next_loan_id(kop, tanggal.year, book=book)
    if not LOAN_ID_RE.match(loan_id):
        raise InputError.pesan(
            "id pinjaman {pinjaman!r} tidak valid: gunakan huruf, angka, '-', mis. PJ-2025-001",
            pinjaman=loan_id,
        )
    if any(loan.id == loan_id for loan in book.pinjaman):
        raise InputError.pesan(
            "id pinjaman {pinjaman} sudah dipakai",
            hint="Beri id lain dengan --id, atau hilangkan --id.",
            pinjaman=loan_id,
        )
    first_due = jatuh_tempo or tanggal + relativedelta(months=1)
    if first_due <= tanggal:
        raise InputError.pesan(
            "jatuh tempo pertama {jatuh_tempo} harus sesudah tanggal pencairan {tanggal}",
            jatuh_tempo=first_due, tanggal=tanggal,
        )
    for label, fee in (("biaya admin", biaya_admin), ("provisi", provisi)):
        if fee < 0 or fee != fee.to_integral_value():
            raise InputError.pesan(
                "{label} harus bilangan bulat rupiah ≥ 0, bukan {nilai}",
                label=Pesan.label(label), nilai=fee,
            )
    fees = biaya_admin + provisi
    if fees >= pokok:
        raise InputError.pesan(
            "biaya admin + provisi ({biaya}) harus lebih kecil dari pokok ({pokok})",
            biaya=Rupiah(fees), pokok=Rupiah(pokok),
        )
    roots: Roots = kop.roots
    currency: str = kop.currency
    meta: dict[str, Any] = {
        "anggota": anggota, "pinjaman": loan_id, "pokok": _amount(pokok, currency), "bunga": bunga,
        "tenor": Decimal(tenor), "metode": metode, "jatuh-tempo": first_due,
    }
    if biaya_admin:
        meta["biaya-admin"] = _amount(biaya_admin, currency)
    if provisi:
        meta["provisi"] = _amount(provisi, currency)
    postings = [_posting(roots.member_account(MemberKind.PINJAMAN, anggota), pokok, currency)]
    if fees:
        postings.append(_posting(biaya_admin_account(roots), -fees, currency))
    postings.append(_posting(kas, -(pokok - fees), currency))
    txn = data.Transaction(
        data.new_metadata("<kopledger>", 0, meta), tanggal, "*", None,
        f"Pencairan pinjaman {loan_id} {member.nama}", frozenset({TAG_CAIR}), frozenset(), postings,
    )
    return [*_opens_needed(kop, [p.account for p in postings], tanggal), txn]


def payment_entries(
    kop: Books,
    *,
    pinjaman: str,
    tanggal: dt.date,
    jumlah: Decimal | None = None,
    denda: Decimal | None = None,
    akun_kas: str | None = None,
    dari_sukarela: bool = False,
) -> tuple[PaymentSplit, list[data.Directive]]:
    """The ``#angsuran`` transaction for a payment of ``jumlah`` (None: pay off) on ``tanggal``.

    The money comes into ``akun_kas`` (default ``Aset:Kas``; cash or bank only, never a member's,
    income, expense or equity account: :mod:`kopledger.ops.accounts`), or, with ``dari_sukarela``
    (the one stated way to pay from savings), out of the borrower's own simpanan sukarela, up
    to its balance.

    ``denda`` None computes the penalty from ``kebijakan "denda-pinjaman"`` (see
    :func:`penalty_due`); give 0 to waive it. The split follows :func:`split_payment`.
    Interest is booked to ``Pendapatan:Anggota:JasaPinjaman`` in a transaction carrying
    ``anggota``, so it counts as the member's patronage (jasa usaha) for SHU.
    """
    book = loan_book(kop)
    loan = book.loan(pinjaman)
    moves = book.angsuran[loan.id]
    source = _payment_source(kop, loan, tanggal, akun_kas, dari_sukarela)
    if tanggal < loan.tanggal:
        raise InputError.pesan(
            "pembayaran tanggal {tanggal} sebelum pinjaman {pinjaman} dicairkan ({tanggal_cair})",
            tanggal=tanggal, pinjaman=loan.id, tanggal_cair=loan.tanggal,
        )
    if denda is None:
        rate = Decimal(kop.policies.value("denda-pinjaman", tanggal))
        denda = penalty_due(loan, moves, tanggal, rate)
    elif denda < 0 or denda != denda.to_integral_value():
        raise InputError.pesan(
            "denda harus bilangan bulat rupiah ≥ 0, bukan {denda}",
            denda=denda,
        )
    split = split_payment(loan, moves, tanggal, jumlah, denda=denda)
    if dari_sukarela:
        _check_sukarela(kop, loan.anggota, tanggal, split.jumlah)
    roots: Roots = kop.roots
    currency: str = kop.currency
    member = kop.members.get(loan.anggota)
    nama = member.nama if member else loan.anggota
    postings = [_posting(source, split.jumlah, currency)]
    if split.pokok:
        postings.append(_posting(roots.member_account(MemberKind.PINJAMAN, loan.anggota), -split.pokok, currency))
    if split.bunga:
        postings.append(_posting(roots.jasa_pinjaman, -split.bunga, currency))
    if split.denda:
        postings.append(_posting(denda_account(roots), -split.denda, currency))
    meta: dict[str, Any] = {"anggota": loan.anggota, "pinjaman": loan.id}
    if split.angsuran_ke:
        meta["angsuran-ke"] = Decimal(split.angsuran_ke)
    narration = (f"Pelunasan pinjaman {loan.id} {nama}" if split.lunas
                 else f"Angsuran pinjaman {loan.id} {nama}")
    if dari_sukarela:
        narration += " dari simpanan sukarela"
    txn = data.Transaction(
        data.new_metadata("<kopledger>", 0, meta), tanggal, "*", None, narration,
        frozenset({TAG_ANGSURAN}), frozenset(), postings,
    )
    return split, [*_opens_needed(kop, [p.account for p in postings], tanggal), txn]


def _payment_source(
    kop: Books, loan: Loan, tanggal: dt.date, akun_kas: str | None, dari_sukarela: bool
) -> str:
    """The account a repayment comes from: cash or bank, or (stated) the borrower's own sukarela."""
    sukarela = kop.roots.member_account(MemberKind.SUKARELA, loan.anggota)
    if dari_sukarela:
        if akun_kas:
            raise InputError.pesan(
                "pilih salah satu: akun kas/bank penerima ({akun}) atau bayar dari simpanan sukarela peminjam",
                akun=akun_kas,
            )
        return sukarela
    if akun_kas is not None and akun_kas.strip() == sukarela:
        raise InputError.pesan(
            "akun {akun} adalah simpanan sukarela peminjam sendiri; pembayaran dari simpanan harus dipilih "
            "dengan tegas",
            hint="Bayar dari simpanan sukarela peminjam dengan: kop pinjaman bayar … --dari-sukarela",
            akun=akun_kas,
        )
    return cash_account(kop, akun_kas, tanggal, opens_standard=True)


def _check_sukarela(kop: Books, anggota: str, tanggal: dt.date, jumlah: Decimal) -> None:
    """The borrower's simpanan sukarela covers ``jumlah`` on ``tanggal`` and at the end of the books."""
    available = min(kop.member_balance(anggota, tanggal).sukarela, kop.member_balance(anggota).sukarela)
    if jumlah > available:
        raise InputError.pesan(
            "pembayaran {jumlah} melebihi saldo simpanan sukarela {anggota} ({saldo})",
            hint="Bayar sebagian dari simpanan (--jumlah), sisanya tunai.",
            jumlah=Rupiah(jumlah), anggota=anggota, saldo=Rupiah(max(available, ZERO)),
        )


@dataclass(frozen=True)
class LoanDue:
    """What a member owes on one open loan on a date: principal, billed interest, penalty."""

    pinjaman: str
    pokok: Decimal  # principal outstanding
    bunga: Decimal  # interest of instalments billed by the date, unpaid
    denda: Decimal  # penalty due (kebijakan "denda-pinjaman")

    @property
    def jumlah(self) -> Decimal:
        """Paying the loan off on the date: principal + interest + penalty."""
        return self.pokok + self.bunga + self.denda


def loans_due(kop: Books, anggota: str, tanggal: dt.date) -> tuple[LoanDue, ...]:
    """Each open loan of ``anggota`` on ``tanggal``, oldest first, with what paying it off takes
    (:func:`payoff_amount` with the :func:`penalty_due` of the policy in force)."""
    book = loan_book(kop)
    rate = Decimal(kop.policies.value("denda-pinjaman", tanggal))
    dues = []
    for loan in book.pinjaman:
        if loan.anggota != anggota or loan.tanggal > tanggal:
            continue
        moves = book.angsuran[loan.id]
        pokok_paid, _, _ = _paid_until(moves, tanggal)
        sisa = loan.pokok - pokok_paid
        if sisa <= 0:
            continue
        denda = penalty_due(loan, moves, tanggal, rate)
        payoff = payoff_amount(loan, moves, tanggal, denda)
        dues.append(LoanDue(loan.id, sisa, payoff - denda - sisa, denda))
    return tuple(dues)


def due_split(kop: Books, due: LoanDue, tanggal: dt.date, jumlah: Decimal) -> PaymentSplit:
    """How ``jumlah`` (at most ``due.jumlah``) pays loan ``due`` on ``tanggal``: penalty, interest,
    principal, in :func:`split_payment`'s order."""
    book = loan_book(kop)
    loan = book.loan(due.pinjaman)
    return split_payment(loan, book.angsuran[loan.id], tanggal, jumlah, denda=due.denda)


def ppap_entries(kop: Books, date: dt.date, *, result: Portfolio | None = None) -> list[data.Directive]:
    """The adjusting entry bringing the provision on the books to the required PPAP at ``date``.

    Books the difference (required − on the books): Dr ``Beban:Usaha:PenyisihanPinjaman`` /
    Cr ``Aset:Piutang:PenyisihanPinjaman`` when more is needed, the reverse when less.
    Empty when the books already hold the required amount.
    """
    result = result or portfolio(kop, date)
    diff = result.selisih_ppap
    if diff == 0:
        return []
    roots: Roots = kop.roots
    currency: str = kop.currency
    postings = [
        _posting(ppap_expense_account(roots), diff, currency),
        _posting(roots.ppap, -diff, currency),
    ]
    meta = {"ppap-wajib": _amount(result.ppap_wajib, currency), "ppap-tercatat": _amount(result.ppap_tercatat, currency)}
    txn = data.Transaction(
        data.new_metadata("<kopledger>", 0, meta), date, "*", None,
        f"Penyesuaian penyisihan penghapusan pinjaman (PPAP) per {date.isoformat()}",
        frozenset({TAG_PPAP}), frozenset(), postings,
    )
    return [*_opens_needed(kop, [p.account for p in postings], date), txn]
