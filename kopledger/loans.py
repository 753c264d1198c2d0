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

Everything here is pure: functions take a :class:`~kopledger.ledger.Koperasi` (or entries)
and explicit parameters and return frozen dataclasses or new directives; writing goes
through :mod:`kopledger.writer`. All loans are read in one pass over the transactions.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from beancount.core import data
from beancount.core.amount import Amount
from dateutil.relativedelta import relativedelta

from kopledger import formatting
from kopledger import kosakata as K
from kopledger.accounts import MemberKind, Roots, is_valid_member_id
from kopledger.config import POLICY_KEYS, Member, Policies
from kopledger.errors import InputError, KopError, LedgerHasErrors

if TYPE_CHECKING:
    from kopledger.ledger import Koperasi
from kopledger.schedule import (
    METODE,
    Instalment,
    check_terms,
    rupiah_half_up,
    schedule,
)

ZERO = Decimal(0)

TAG_CAIR = K.TAG_PINJAMAN_CAIR
TAG_ANGSURAN = K.TAG_ANGSURAN
TAG_PPAP = K.TAG_PPAP
TAG_KELUAR = K.TAG_ANGGOTA_KELUAR

#: Loan quality classes, best first.
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

LOAN_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")


# --------------------------------------------------------------------------------------
# records
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Loan:
    """A loan as disbursed: terms from the ``#pinjaman-cair`` metadata and its schedule."""

    id: str
    anggota: str
    tanggal: dt.date  # disbursement date
    pokok: Decimal
    bunga: Decimal  # annual rate, percent
    tenor: int  # months
    metode: str
    jatuh_tempo: dt.date  # first due date
    biaya_admin: Decimal = ZERO
    provisi: Decimal = ZERO
    jadwal: tuple[Instalment, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def jatuh_tempo_akhir(self) -> dt.date:
        """Due date of the last instalment."""
        return self.jadwal[-1].tanggal if self.jadwal else self.jatuh_tempo


@dataclass(frozen=True)
class Repayment:
    """One movement on a loan after its disbursement: principal, interest and penalty repaid."""

    tanggal: dt.date
    pokok: Decimal  # principal repaid (negative when the loan account was debited again)
    bunga: Decimal
    denda: Decimal
    setoff: bool = False  # part of an #anggota-keluar settlement
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)


@dataclass(frozen=True)
class LoanBook:
    """All loans and their repayments, read in one pass; ``errors`` are malformed loan entries."""

    pinjaman: tuple[Loan, ...]
    angsuran: dict[str, tuple[Repayment, ...]]
    #: principal credits to a member's loan account that no open loan could take: (member, date, amount)
    tidak_teralokasi: tuple[tuple[str, dt.date, Decimal], ...] = ()
    errors: tuple[KopError, ...] = ()

    def loan(self, loan_id: str) -> Loan:
        """The loan ``loan_id``; :class:`InputError` when there is none."""
        for loan in self.pinjaman:
            if loan.id == loan_id:
                return loan
        known = ", ".join(loan.id for loan in self.pinjaman[-5:])
        raise InputError(
            f"pinjaman {loan_id!r} tidak ada di buku",
            hint=f"Lihat daftar pinjaman: kop pinjaman daftar BUKU{f' (mis. {known})' if known else ''}",
        )


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

    ``npl`` is a percent (0–100, two decimals): the balance of kurang lancar, diragukan and
    macet loans over the total balance. ``ppap_tercatat`` is the provision on the books
    (credit balance of ``Aset:Piutang:PenyisihanPinjaman``, shown positive).
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


# --------------------------------------------------------------------------------------
# reading the ledger: one pass
# --------------------------------------------------------------------------------------
def denda_account(roots: Roots) -> str:
    """Penalty income on member loans."""
    return f"{roots.pendapatan_anggota}:Denda"


def biaya_admin_account(roots: Roots) -> str:
    """Admin fee and provisi income on member loans."""
    return f"{roots.pendapatan_anggota}:BiayaAdmin"


def ppap_expense_account(roots: Roots) -> str:
    """The expense of loan-loss provisions."""
    return f"{roots.beban}:Usaha:PenyisihanPinjaman"


def _is_closing(entry: data.Transaction) -> bool:
    tags = entry.tags
    return bool(tags) and _closing_tags(tags if isinstance(tags, frozenset) else frozenset(tags))


@functools.lru_cache(maxsize=1024)
def _closing_tags(tags: frozenset[str]) -> bool:
    """Tag sets are few: decide each once."""
    return any(t.startswith("tutup-buku") or t.startswith("saldo-awal") for t in tags)


def _err(meta: dict[str, Any] | None, message: str, entry: Any = None) -> KopError:
    return KopError(meta, message, entry)


def _meta_amount(value: Any, currency: str) -> Decimal | None:
    if isinstance(value, Amount) and value.currency == currency and value.number is not None:
        return Decimal(value.number)
    if isinstance(value, Decimal) and not isinstance(value, bool):
        return value
    return None


def parse_disbursement(
    entry: data.Transaction, roots: Roots, currency: str
) -> tuple[Loan | None, list[KopError]]:
    """The loan a ``#pinjaman-cair`` transaction disburses, or errors saying what is wrong."""
    meta = entry.meta
    errors: list[KopError] = []
    loan_id = meta.get("pinjaman")
    if not isinstance(loan_id, str) or not LOAN_ID_RE.match(loan_id):
        return None, [_err(meta, f'#pinjaman-cair needs metadata pinjaman: "PJ-YYYY-NNN" (a loan id), got {loan_id!r}', entry)]
    loan_accounts = [
        (p, split[1]) for p in entry.postings
        if (split := roots.split_member_account(p.account)) and split[0] is MemberKind.PINJAMAN
    ]
    member_id = meta.get("anggota")
    if member_id is None and len({m for _, m in loan_accounts}) == 1:
        member_id = loan_accounts[0][1]
    if not isinstance(member_id, str) or not is_valid_member_id(member_id):
        errors.append(_err(meta, f'pinjaman {loan_id}: metadata anggota: "ID" tidak ada atau bukan nomor anggota; tambahkan anggota: "A0001" (member id missing)', entry))
    pokok = _meta_amount(meta.get("pokok"), currency)
    bunga = meta.get("bunga")
    tenor = meta.get("tenor")
    metode = meta.get("metode")
    if pokok is None:
        errors.append(_err(meta, f"pinjaman {loan_id}: metadata pokok: harus jumlah uang seperti 5000000 {currency} (bad pokok)", entry))
    if not isinstance(bunga, Decimal):
        errors.append(_err(meta, f"pinjaman {loan_id}: metadata bunga: harus persen setahun, misalnya 18 (bad bunga)", entry))
    if not isinstance(tenor, Decimal) or tenor != tenor.to_integral_value():
        errors.append(_err(meta, f"pinjaman {loan_id}: metadata tenor: harus jumlah bulan bulat, misalnya 12 (bad tenor)", entry))
    if metode not in METODE:
        errors.append(_err(meta, f"pinjaman {loan_id}: metadata metode: harus salah satu dari {', '.join(METODE)}, tertulis {metode!r} (bad metode)", entry))
    first_due = meta.get("jatuh-tempo", entry.date + relativedelta(months=1))
    if not isinstance(first_due, dt.date):
        errors.append(_err(meta, f"pinjaman {loan_id}: metadata jatuh-tempo: harus tanggal seperti 2024-04-05 (bad date)", entry))
    elif first_due <= entry.date:
        errors.append(_err(meta, f"pinjaman {loan_id}: jatuh-tempo {first_due} harus sesudah tanggal pencairan {entry.date} (due before disbursement)", entry))
    fees: dict[str, Decimal] = {}
    for key in ("biaya-admin", "provisi"):
        value = meta.get(key)
        fee = ZERO if value is None else _meta_amount(value, currency)
        fees[key] = fee if fee is not None else ZERO
        if fee is None or fee < 0:
            errors.append(_err(meta, f"pinjaman {loan_id}: metadata {key}: harus jumlah uang seperti 50000 {currency} (bad fee)", entry))
    if errors:
        return None, errors
    assert isinstance(member_id, str) and pokok is not None and isinstance(first_due, dt.date)
    assert isinstance(bunga, Decimal) and isinstance(tenor, Decimal)
    try:
        jadwal = schedule(pokok, bunga, int(tenor), str(metode), first_due)
    except InputError as exc:
        return None, [_err(meta, f"pinjaman {loan_id}: {exc.message}", entry)]
    debit = sum(
        (p.units.number for p, m in loan_accounts if m == member_id and p.units is not None and p.units.number is not None),
        ZERO,
    )
    if debit != pokok:
        errors.append(_err(meta, (
            f"pinjaman {loan_id}: posting ke {roots.member_account(MemberKind.PINJAMAN, member_id)} "
            f"sebesar {debit} {currency} tetapi pokok {pokok} {currency}; keduanya harus sama (pokok mismatch)"
        ), entry))
        return None, errors
    loan = Loan(
        id=loan_id, anggota=member_id, tanggal=entry.date, pokok=pokok, bunga=bunga, tenor=int(tenor),
        metode=str(metode), jatuh_tempo=first_due, biaya_admin=fees["biaya-admin"],
        provisi=fees["provisi"], jadwal=jadwal, meta=meta,
    )
    return loan, []


@dataclass
class _Running:
    loan: Loan
    sisa: Decimal
    moves: list[Repayment] = field(default_factory=list)


def read_loans(
    entries: Iterable[data.Directive],
    roots: Roots,
    *,
    members: dict[str, Member] | None = None,
    currency: str = "IDR",
) -> LoanBook:
    """Every loan and every movement on it, in one pass over the (date-sorted) transactions."""
    running: dict[str, _Running] = {}
    by_member: dict[str, list[str]] = {}
    errors: list[KopError] = []
    unattributed: list[tuple[str, dt.date, Decimal]] = []
    jasa = roots.jasa_pinjaman
    denda = denda_account(roots)
    loan_parent = roots.member_parent(MemberKind.PINJAMAN)
    relevant: dict[str, bool] = {}  # account -> a loan account, loan interest or penalty

    def is_relevant(account: str) -> bool:
        value = relevant[account] = (
            account.rpartition(":")[0] == loan_parent or roots.is_under(account, jasa) or roots.is_under(account, denda)
        )
        return value

    for entry in entries:
        if not isinstance(entry, data.Transaction):
            continue
        cair = TAG_CAIR in (entry.tags or ())
        if not cair:
            # most transactions never touch a loan: skip them after one dict lookup per posting
            for posting in entry.postings:
                flag = relevant.get(posting.account)
                if flag or (flag is None and is_relevant(posting.account)):
                    break
            else:
                continue
        if _is_closing(entry):
            continue
        tx_loan = entry.meta.get("pinjaman")
        if cair:
            loan, errs = parse_disbursement(entry, roots, currency)
            errors += errs
            if loan is None:
                continue
            if loan.id in running:
                first = running[loan.id].loan.meta
                errors.append(_err(entry.meta, (
                    f"pinjaman {loan.id} dicairkan dua kali (pertama di {first.get('filename')}:{first.get('lineno')}); "
                    "setiap pinjaman perlu id sendiri (duplicate loan id)"
                ), entry))
                continue
            member = (members or {}).get(loan.anggota)
            if members is not None and member is None:
                errors.append(_err(entry.meta, f"pinjaman {loan.id}: anggota tidak dikenal: {loan.anggota}; daftarkan dulu dengan custom \"anggota\" (unknown member)", entry))
                continue
            if member is not None and not member.is_active(entry.date):
                errors.append(_err(entry.meta, (
                    f"pinjaman {loan.id}: anggota {loan.anggota} tidak aktif pada {entry.date}; "
                    "pinjaman hanya untuk anggota aktif (member not active)"
                ), entry))
                continue
            running[loan.id] = _Running(loan, loan.pokok)
            by_member.setdefault(loan.anggota, []).append(loan.id)
            continue

        # principal, interest and penalty of this transaction, by loan id
        moves: dict[str, list[Decimal]] = {}
        income: list[tuple[str | None, Any, int, Decimal]] = []  # (loan id, member, slot, amount)
        for posting in entry.postings:
            units = posting.units
            if units is None or units.number is None or units.currency != currency:
                continue
            pmeta = posting.meta or {}
            loan_id = pmeta.get("pinjaman", tx_loan)
            parent, _, member_id = posting.account.rpartition(":")
            if parent == loan_parent:
                repaid = -Decimal(units.number)
                if loan_id is not None:
                    state = running.get(str(loan_id))
                    if state is None or state.loan.anggota != member_id:
                        errors.append(_err(entry.meta, (
                            f"{posting.account}: pinjaman {loan_id!r} bukan pinjaman anggota {member_id} "
                            "yang dicairkan pada atau sebelum tanggal ini; periksa metadata pinjaman (unknown loan)"
                        ), entry))
                        continue
                    if repaid > 0 and repaid > state.sisa:
                        errors.append(_err(entry.meta, (
                            f"{posting.account}: sisa pokok pinjaman {loan_id} {max(state.sisa, ZERO)} {currency}, "
                            f"tetapi dibayar {repaid} {currency}; catat kelebihannya di akun lain (overpaid)"
                        ), entry))
                    state.sisa -= repaid
                    moves.setdefault(state.loan.id, [ZERO, ZERO, ZERO])[0] += repaid
                    continue
                left = _attribute(repaid, by_member.get(member_id, []), running, moves)
                if left:
                    unattributed.append((member_id, entry.date, left))
                continue
            slot = 1 if roots.is_under(posting.account, jasa) else 2 if roots.is_under(posting.account, denda) else 0
            if slot:
                income.append((None if loan_id is None else str(loan_id),
                               pmeta.get("anggota", entry.meta.get("anggota")), slot, -Decimal(units.number)))
        for income_loan, income_member, slot, value in income:
            target = income_loan
            if target is None and moves:
                target = next(iter(moves))
            if target is None and isinstance(income_member, str):
                target = _oldest_open(by_member.get(income_member, []), running)
            if target is None or target not in running:
                continue  # income not tied to a loan
            moves.setdefault(target, [ZERO, ZERO, ZERO])[slot] += value
        setoff = TAG_KELUAR in (entry.tags or ())
        for loan_id, (pokok, bunga, pen) in moves.items():
            if running[loan_id].loan.tanggal > entry.date:
                continue
            running[loan_id].moves.append(Repayment(entry.date, pokok, bunga, pen, setoff, entry.meta))

    ordered = sorted(running.values(), key=lambda r: (r.loan.tanggal, r.loan.id))
    return LoanBook(
        pinjaman=tuple(r.loan for r in ordered),
        angsuran={r.loan.id: tuple(r.moves) for r in ordered},
        tidak_teralokasi=tuple(unattributed),
        errors=tuple(errors),
    )


def _oldest_open(loan_ids: Sequence[str], running: dict[str, _Running]) -> str | None:
    for loan_id in loan_ids:
        if running[loan_id].sisa > 0:
            return loan_id
    return None


def _attribute(
    repaid: Decimal, loan_ids: Sequence[str], running: dict[str, _Running], moves: dict[str, list[Decimal]]
) -> Decimal:
    """Spread an unlabelled principal credit over the member's open loans, oldest first; return the rest."""
    if repaid < 0:  # a debit without a loan id: add it back to the newest loan
        if not loan_ids:
            return repaid
        loan_id = loan_ids[-1]
        running[loan_id].sisa -= repaid
        moves.setdefault(loan_id, [ZERO, ZERO, ZERO])[0] += repaid
        return ZERO
    for loan_id in loan_ids:
        if repaid <= 0:
            break
        state = running[loan_id]
        take = min(repaid, state.sisa)
        if take <= 0:
            continue
        state.sisa -= take
        moves.setdefault(loan_id, [ZERO, ZERO, ZERO])[0] += take
        repaid -= take
    return repaid


def _read_book(kop: Koperasi) -> LoanBook:
    return kop.loan_book()  # read once per loaded Koperasi, kept on it


def loan_errors(kop: Koperasi) -> list[KopError]:
    """Malformed, duplicate or misdirected loan entries of a loaded Koperasi, with file:line."""
    return list(_read_book(kop).errors)


def loan_book(kop: Koperasi) -> LoanBook:
    """All loans of a :class:`~kopledger.ledger.Koperasi`; :class:`LedgerHasErrors` (with file:line
    of each) when loan entries in the books are malformed. Read once per loaded Koperasi."""
    book = _read_book(kop)
    if book.errors:
        count = len(book.errors)
        raise LedgerHasErrors(
            f"buku berisi {count} catatan pinjaman yang salah:", list(book.errors),
            hint="Perbaiki transaksi #pinjaman-cair / #angsuran yang disebut di atas (lihat docs/pinjaman.md).",
        )
    return book


def loans(kop: Koperasi) -> tuple[Loan, ...]:
    """Every loan in the books (from the disbursement metadata), oldest first."""
    return loan_book(kop).pinjaman


def check_loans(entries: list[data.Directive], options_map: dict[str, Any]) -> list[KopError]:
    """Plugin check (``f(entries, options_map)``): malformed, duplicate or misdirected loan entries."""
    from kopledger.config import parse_members

    currency = (options_map.get("operating_currency") or ["IDR"])[0]
    members, _ = parse_members(entries)
    return list(read_loans(entries, Roots.from_options(options_map), members=members, currency=currency).errors)


# --------------------------------------------------------------------------------------
# a loan at a date
# --------------------------------------------------------------------------------------
def _paid_until(moves: Sequence[Repayment], date: dt.date) -> tuple[Decimal, Decimal, Decimal]:
    pokok = bunga = denda = ZERO
    for move in moves:
        if move.tanggal > date:
            break
        pokok += move.pokok
        bunga += move.bunga
        denda += move.denda
    return pokok, bunga, denda


def _allocate(amounts: Sequence[Decimal], paid: Decimal) -> list[Decimal]:
    """What is left unpaid of each amount when ``paid`` covers them in order."""
    left = []
    for value in amounts:
        take = min(max(paid, ZERO), value)
        paid -= take
        left.append(value - take)
    return left


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


def classify(days: int, policies: Policies, date: dt.date) -> str:
    """Kolektibilitas for ``days`` past due, by the thresholds in force on ``date``."""
    for cls in reversed(KOLEKTIBILITAS[1:]):
        if days >= Decimal(policies.value(KOL_THRESHOLD_KEYS[cls], date)):
            return str(cls)
    return LANCAR


def ppap_rate(kolektibilitas: str, policies: Policies, date: dt.date) -> Decimal:
    """PPAP rate (%) of a class in force on ``date``."""
    return Decimal(policies.value(PPAP_RATE_KEYS[kolektibilitas], date))


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
    ppap = rupiah_half_up(Fraction(rate) * Fraction(max(sisa, ZERO)) / 100)
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
    )


def loan_statuses(kop: Koperasi, date: dt.date, *, book: LoanBook | None = None) -> tuple[LoanStatus, ...]:
    """Every loan disbursed on or before ``date`` (repaid ones too), oldest first."""
    book = book or loan_book(kop)
    result = []
    for loan in book.pinjaman:
        if loan.tanggal > date:
            continue
        member = kop.members.get(loan.anggota)
        result.append(loan_status(loan, book.angsuran[loan.id], date, kop.policies, member.nama if member else ""))
    return tuple(result)


def ppap_on_books(kop: Koperasi, date: dt.date) -> Decimal:
    """The provision on the books at ``date``: credit balance of the PPAP account (positive)."""
    return ZERO - kop.balances(end=date).get(kop.roots.ppap, ZERO)  # the one balance primitive


def portfolio(kop: Koperasi, date: dt.date) -> Portfolio:
    """The loan portfolio at ``date``: open loans by kolektibilitas, PPAP required and booked, NPL.

    Computed once per loaded Koperasi and date (the RAT pack and the statements' notes both
    show it)."""
    book = loan_book(kop)
    return kop.computed(("portfolio", date), lambda: _portfolio(kop, date, book))


def _portfolio(kop: Koperasi, date: dt.date, book: LoanBook) -> Portfolio:
    open_loans = tuple(s for s in loan_statuses(kop, date, book=book) if s.sisa > 0)
    classes = []
    for cls in KOLEKTIBILITAS:
        members = [s for s in open_loans if s.kolektibilitas == cls]
        classes.append(ClassTotal(
            kolektibilitas=cls,
            jumlah_pinjaman=len(members),
            saldo=sum((s.sisa for s in members), ZERO),
            tarif_ppap=ppap_rate(cls, kop.policies, date),
            ppap=sum((s.ppap for s in members), ZERO),
        ))
    total = sum((c.saldo for c in classes), ZERO)
    bad = sum((c.saldo for c in classes if c.kolektibilitas in NPL_CLASSES), ZERO)
    npl = (bad * 100 / total).quantize(Decimal("0.01")) if total else ZERO
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


# --------------------------------------------------------------------------------------
# payments: what is due, how a payment splits
# --------------------------------------------------------------------------------------
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
        raise InputError(f"pembayaran tanggal {date} sebelum pinjaman {loan.id} dicairkan ({loan.tanggal})")
    pokok_paid, bunga_paid, _ = _paid_until(moves, date)
    sisa = loan.pokok - pokok_paid
    if sisa <= 0:
        raise InputError(f"pinjaman {loan.id} sudah lunas; tidak ada yang perlu dibayar")
    payoff = payoff_amount(loan, moves, date, denda)
    if jumlah is None:
        jumlah = payoff
    if jumlah <= 0 or jumlah != jumlah.to_integral_value():
        raise InputError(f"jumlah pembayaran harus bilangan bulat rupiah > 0, bukan {jumlah}")
    if jumlah > payoff:
        raise InputError(
            f"pembayaran {formatting.rupiah(jumlah)} melebihi jumlah pelunasan pinjaman {loan.id} pada {date}: "
            f"{formatting.rupiah(payoff)}",
            hint="Bayar paling banyak jumlah pelunasan (kop pinjaman bayar … --lunas).",
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


# --------------------------------------------------------------------------------------
# building directives (pure: returned, never written)
# --------------------------------------------------------------------------------------
def _amount(number: Decimal, currency: str) -> Amount:
    return Amount(Decimal(number), currency)


def _posting(account: str, number: Decimal, currency: str) -> data.Posting:
    return data.Posting(account, _amount(number, currency), None, None, None, None)


def _opens_needed(kop: Koperasi, accounts: Iterable[str], date: dt.date) -> list[data.Open]:
    """``open`` directives for standard-chart accounts the books do not open yet (with their kode);
    :class:`InputError` for any other account that is not open."""
    from kopledger.bagan_akun import STANDARD_CHART

    opened = set(kop.katalog.dibuka())
    chart = {a.name(kop.roots): a for a in STANDARD_CHART}
    result = []
    for account in dict.fromkeys(accounts):
        if account in opened or kop.roots.split_member_account(account) is not None:
            continue
        if account not in chart:
            raise InputError(f"akun {account} belum dibuka di buku",
                             hint=f"Tambahkan: YYYY-MM-DD open {account} {kop.currency}, atau pilih akun lain.")
        extra = {"kode": chart[account].kode, "nama": chart[account].nama}
        result.append(data.Open(data.new_metadata("<kopledger>", 0, extra), date, account, [kop.currency], None))
    return result


def next_loan_id(kop: Koperasi, year: int, *, book: LoanBook | None = None) -> str:
    """The next free id ``PJ-YEAR-NNN``."""
    book = book or loan_book(kop)
    taken = {loan.id for loan in book.pinjaman}
    number = 1 + sum(1 for loan_id in taken if loan_id.startswith(f"PJ-{year}-"))
    while f"PJ-{year}-{number:03d}" in taken:
        number += 1
    return f"PJ-{year}-{number:03d}"


def disbursement_entries(
    kop: Koperasi,
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
    cash (``akun_kas``, default ``Aset:Kas``) with the rest. Refuses (``InputError``) an
    unknown, not yet joined or exited member, a taken loan id, terms out of range or above
    ``kebijakan "bunga-pinjaman-maks"``, and fees that are not less than the principal.
    """
    book = loan_book(kop)
    member = kop.member(anggota)
    if not member.is_active(tanggal):
        when = (f"keluar pada {member.tanggal_keluar}" if member.tanggal_keluar and member.tanggal_keluar <= tanggal
                else f"masuk pada {member.tanggal_masuk}")
        raise InputError(f"{anggota} ({member.nama}) bukan anggota aktif pada {tanggal} ({when}); pinjaman tidak bisa dicairkan")
    pokok, bunga = Decimal(pokok), Decimal(bunga)
    check_terms(pokok, bunga, tenor, metode)
    maks = Decimal(kop.policies.value("bunga-pinjaman-maks", tanggal))
    if bunga > maks:
        raise InputError(
            f"bunga {bunga}% setahun melebihi batas koperasi {maks}% (kebijakan bunga-pinjaman-maks)",
            hint='Turunkan bunga, atau ubah batasnya: custom "kebijakan" "bunga-pinjaman-maks" N',
        )
    loan_id = pinjaman or next_loan_id(kop, tanggal.year, book=book)
    if not LOAN_ID_RE.match(loan_id):
        raise InputError(f"id pinjaman {loan_id!r} tidak valid: gunakan huruf, angka, '-', mis. PJ-2025-001")
    if any(loan.id == loan_id for loan in book.pinjaman):
        raise InputError(f"id pinjaman {loan_id} sudah dipakai", hint="Beri id lain dengan --id, atau hilangkan --id.")
    first_due = jatuh_tempo or tanggal + relativedelta(months=1)
    if first_due <= tanggal:
        raise InputError(f"jatuh tempo pertama {first_due} harus sesudah tanggal pencairan {tanggal}")
    for label, fee in (("biaya admin", biaya_admin), ("provisi", provisi)):
        if fee < 0 or fee != fee.to_integral_value():
            raise InputError(f"{label} harus bilangan bulat rupiah ≥ 0, bukan {fee}")
    fees = biaya_admin + provisi
    if fees >= pokok:
        raise InputError(f"biaya admin + provisi ({formatting.rupiah(fees)}) harus lebih kecil dari pokok ({formatting.rupiah(pokok)})")
    roots: Roots = kop.roots
    currency: str = kop.currency
    kas = akun_kas or roots.kas
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
    kop: Koperasi,
    *,
    pinjaman: str,
    tanggal: dt.date,
    jumlah: Decimal | None = None,
    denda: Decimal | None = None,
    akun_kas: str | None = None,
) -> tuple[PaymentSplit, list[data.Directive]]:
    """The ``#angsuran`` transaction for a payment of ``jumlah`` (None: pay off) on ``tanggal``.

    ``denda`` None computes the penalty from ``kebijakan "denda-pinjaman"`` (see
    :func:`penalty_due`); give 0 to waive it. The split follows :func:`split_payment`.
    Interest is booked to ``Pendapatan:Anggota:JasaPinjaman`` in a transaction carrying
    ``anggota``, so it counts as the member's patronage (jasa usaha) for SHU.
    """
    book = loan_book(kop)
    loan = book.loan(pinjaman)
    moves = book.angsuran[loan.id]
    if tanggal < loan.tanggal:
        raise InputError(f"pembayaran tanggal {tanggal} sebelum pinjaman {loan.id} dicairkan ({loan.tanggal})")
    if denda is None:
        rate = Decimal(kop.policies.value("denda-pinjaman", tanggal))
        denda = penalty_due(loan, moves, tanggal, rate)
    elif denda < 0 or denda != denda.to_integral_value():
        raise InputError(f"denda harus bilangan bulat rupiah ≥ 0, bukan {denda}")
    split = split_payment(loan, moves, tanggal, jumlah, denda=denda)
    roots: Roots = kop.roots
    currency: str = kop.currency
    member = kop.members.get(loan.anggota)
    nama = member.nama if member else loan.anggota
    postings = [_posting(akun_kas or roots.kas, split.jumlah, currency)]
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
    txn = data.Transaction(
        data.new_metadata("<kopledger>", 0, meta), tanggal, "*", None, narration,
        frozenset({TAG_ANGSURAN}), frozenset(), postings,
    )
    return split, [*_opens_needed(kop, [p.account for p in postings], tanggal), txn]


def ppap_entries(kop: Koperasi, date: dt.date, *, result: Portfolio | None = None) -> list[data.Directive]:
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


__all__ = [
    "KOLEKTIBILITAS",
    "POLICY_KEYS",
    "ClassTotal",
    "Instalment",
    "Loan",
    "LoanBook",
    "LoanStatus",
    "PaymentSplit",
    "Portfolio",
    "Repayment",
    "classify",
    "days_past_due",
    "disbursement_entries",
    "loan_book",
    "loan_status",
    "loan_statuses",
    "loans",
    "payment_entries",
    "payoff_amount",
    "penalty_due",
    "portfolio",
    "ppap_entries",
    "read_loans",
    "schedule",
    "split_payment",
]
