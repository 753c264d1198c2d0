"""Member loans, the book: reading loans and their repayments from the ledger.

One pass over the transactions (:func:`read_loans`) gives every ``#pinjaman-cair`` loan and the
principal, interest and penalty repaid on it; :func:`loan_book` keeps it per loaded books.
The ledger language is in :mod:`kopledger.ops.loans.entries` and docs/pinjaman.md. Public names are
re-exported by :mod:`kopledger.ops.loans.entries`.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from beancount.core import data
from beancount.core.amount import Amount
from dateutil.relativedelta import relativedelta

from kopledger.books.closed.year_files import carried_loans
from kopledger.books.directives import Member, parse_members
from kopledger.core.errors import InputError, KopError, LedgerHasErrors, Pesan
from kopledger.core.roots import MemberKind, Roots, is_valid_member_id
from kopledger.ops.loans.schedule import (
    METODE,
    Instalment,
    schedule,
)

if TYPE_CHECKING:
    from kopledger.books.ledger import Books

ZERO = Decimal(0)

TAG_CAIR = "pinjaman-cair"
TAG_ANGSURAN = "angsuran"
TAG_PPAP = "ppap"
TAG_KELUAR = "anggota-keluar"
LOAN_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")


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
    agunan: Decimal = ZERO  # collateral value (metadata ``agunan``), 0 when none
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
        raise InputError.pesan(
            "pinjaman {pinjaman!r} tidak ada di buku",
            hint="Lihat daftar pinjaman: kop pinjaman daftar BUKU{contoh}",
            pinjaman=loan_id, contoh=Pesan(" (mis. {pinjaman})", pinjaman=known) if known else "",
        )


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


def _err(meta: dict[str, Any] | None, teks: str, entry: Any = None, /, **nilai: Any) -> KopError:
    return KopError.pesan(meta, teks, entry, **nilai)


def _meta_amount(value: Any, currency: str) -> Decimal | None:
    if isinstance(value, Amount) and value.currency == currency and value.number is not None:
        return Decimal(value.number)
    if isinstance(value, Decimal):
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
        return None, [_err(meta, '#pinjaman-cair perlu metadata pinjaman: "PJ-YYYY-NNN" (nomor pinjaman), tertulis {isi!r} (bad loan id)', entry,
                           isi=loan_id)]
    loan_accounts = [
        (p, split[1]) for p in entry.postings
        if (split := roots.split_member_account(p.account)) and split[0] is MemberKind.PINJAMAN
    ]
    member_id = meta.get("anggota")
    if member_id is None and len({m for _, m in loan_accounts}) == 1:
        member_id = loan_accounts[0][1]
    if not isinstance(member_id, str) or not is_valid_member_id(member_id):
        errors.append(_err(meta, 'pinjaman {pinjaman}: metadata anggota: "ID" tidak ada atau bukan nomor anggota; tambahkan anggota: "A0001" (member id missing)',
                           entry, pinjaman=loan_id))
    pokok = _meta_amount(meta.get("pokok"), currency)
    bunga = meta.get("bunga")
    tenor = meta.get("tenor")
    metode = meta.get("metode")
    if pokok is None:
        errors.append(_err(meta, "pinjaman {pinjaman}: metadata pokok: harus jumlah uang seperti 5000000 {mata_uang} (bad pokok)", entry,
                           pinjaman=loan_id, mata_uang=currency))
    if not isinstance(bunga, Decimal):
        errors.append(_err(meta, "pinjaman {pinjaman}: metadata bunga: harus persen setahun, misalnya 18 (bad bunga)", entry, pinjaman=loan_id))
    if not isinstance(tenor, Decimal) or tenor != tenor.to_integral_value():
        errors.append(_err(meta, "pinjaman {pinjaman}: metadata tenor: harus jumlah bulan bulat, misalnya 12 (bad tenor)", entry, pinjaman=loan_id))
    if metode not in METODE:
        errors.append(_err(meta, "pinjaman {pinjaman}: metadata metode: harus salah satu dari {pilihan}, tertulis {isi!r} (bad metode)", entry,
                           pinjaman=loan_id, pilihan=", ".join(METODE), isi=metode))
    first_due = meta.get("jatuh-tempo", entry.date + relativedelta(months=1))
    if not isinstance(first_due, dt.date):
        errors.append(_err(meta, "pinjaman {pinjaman}: metadata jatuh-tempo: harus tanggal seperti 2024-04-05 (bad date)", entry, pinjaman=loan_id))
    elif first_due <= entry.date:
        errors.append(_err(meta, "pinjaman {pinjaman}: jatuh-tempo {jatuh_tempo} harus sesudah tanggal pencairan {tanggal} (due before disbursement)",
                           entry, pinjaman=loan_id, jatuh_tempo=first_due, tanggal=entry.date))
    fees: dict[str, Decimal] = {}
    for key in ("biaya-admin", "provisi", "agunan"):
        value = meta.get(key)
        fee = ZERO if value is None else _meta_amount(value, currency)
        fees[key] = fee if fee is not None else ZERO
        if fee is None or fee < 0:
            errors.append(_err(meta, "pinjaman {pinjaman}: metadata {kunci}: harus jumlah uang seperti 50000 {mata_uang} (bad fee)", entry,
                               pinjaman=loan_id, kunci=key, mata_uang=currency))
    if errors:
        return None, errors
    assert isinstance(member_id, str) and pokok is not None and isinstance(first_due, dt.date)
    assert isinstance(bunga, Decimal) and isinstance(tenor, Decimal)
    try:
        jadwal = schedule(pokok, bunga, int(tenor), str(metode), first_due)
    except InputError as exc:
        return None, [_err(meta, "pinjaman {pinjaman}: {galat}", entry, pinjaman=loan_id, galat=Pesan.dari(exc))]
    debit = sum(
        (p.units.number for p, m in loan_accounts if m == member_id and p.units is not None and p.units.number is not None),
        ZERO,
    )
    if debit != pokok:
        errors.append(_err(meta, (
            "pinjaman {pinjaman}: posting ke {akun} "
            "sebesar {debit} {mata_uang} tetapi pokok {pokok} {mata_uang}; keduanya harus sama (pokok mismatch)"
        ), entry, pinjaman=loan_id, akun=roots.member_account(MemberKind.PINJAMAN, member_id), debit=debit,
            mata_uang=currency, pokok=pokok))
        return None, errors
    loan = Loan(
        id=loan_id, anggota=member_id, tanggal=entry.date, pokok=pokok, bunga=bunga, tenor=int(tenor),
        metode=str(metode), jatuh_tempo=first_due, biaya_admin=fees["biaya-admin"],
        provisi=fees["provisi"], jadwal=jadwal, agunan=fees["agunan"], meta=meta,
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
            if any(p.meta and "pinjaman-bawaan" in p.meta for p in entry.postings):
                # issue 13: loans carried into a year file by its opening (kopledger.books.closed.year_files)
                for carried, paid in _carried(entry):
                    running[carried.id] = _Running(carried, carried.pokok - paid.pokok, [paid])
                    by_member.setdefault(carried.anggota, []).append(carried.id)
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
                    "pinjaman {pinjaman} dicairkan dua kali (pertama di {berkas}:{baris}); "
                    "setiap pinjaman perlu id sendiri (duplicate loan id)"
                ), entry, pinjaman=loan.id, berkas=first.get("filename"), baris=first.get("lineno")))
                continue
            member = (members or {}).get(loan.anggota)
            if members is not None and member is None:
                errors.append(_err(entry.meta, "pinjaman {pinjaman}: anggota tidak dikenal: {anggota}; daftarkan dulu dengan custom \"anggota\" (unknown member)",
                                   entry, pinjaman=loan.id, anggota=loan.anggota))
                continue
            if member is not None and not member.is_active(entry.date):
                errors.append(_err(entry.meta, (
                    "pinjaman {pinjaman}: anggota {anggota} tidak aktif pada {tanggal}; "
                    "pinjaman hanya untuk anggota aktif (member not active)"
                ), entry, pinjaman=loan.id, anggota=loan.anggota, tanggal=entry.date))
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
                            "{akun}: pinjaman {pinjaman!r} bukan pinjaman anggota {anggota} "
                            "yang dicairkan pada atau sebelum tanggal ini; periksa metadata pinjaman (unknown loan)"
                        ), entry, akun=posting.account, pinjaman=loan_id, anggota=member_id))
                        continue
                    if repaid > 0 and repaid > state.sisa:
                        errors.append(_err(entry.meta, (
                            "{akun}: sisa pokok pinjaman {pinjaman} {sisa} {mata_uang}, "
                            "tetapi dibayar {dibayar} {mata_uang}; catat kelebihannya di akun lain (overpaid)"
                        ), entry, akun=posting.account, pinjaman=loan_id, sisa=max(state.sisa, ZERO), mata_uang=currency,
                            dibayar=repaid))
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


def read_book(kop: Books) -> LoanBook:
    """Every loan of the books, errors included: read once per loaded books, kept on them."""
    return kop.computed(("loan-book",), lambda: read_loans(
        kop.entries, kop.roots, members=kop.members, currency=kop.currency))


def loan_errors(kop: Books) -> list[KopError]:
    """Malformed, duplicate or misdirected loan entries of the loaded books, with file:line."""
    return list(read_book(kop).errors)


def loan_book(kop: Books) -> LoanBook:
    """All loans of a :class:`~kopledger.books.ledger.Books`; :class:`LedgerHasErrors` (with file:line
    of each) when loan entries in the books are malformed. Read once per loaded books."""
    book = read_book(kop)
    if book.errors:
        count = len(book.errors)
        raise LedgerHasErrors.pesan(
            "buku berisi {jumlah} catatan pinjaman yang salah:",
            list(book.errors),
            hint="Perbaiki transaksi #pinjaman-cair / #angsuran yang disebut di atas (lihat "
                 "docs/pinjaman.md).",
            jumlah=count,
        )
    return book


def loans(kop: Books) -> tuple[Loan, ...]:
    """Every loan in the books (from the disbursement metadata), oldest first."""
    return loan_book(kop).pinjaman


def check_loans(entries: list[data.Directive], options_map: dict[str, Any]) -> list[KopError]:
    """Plugin check (``f(entries, options_map)``): malformed, duplicate or misdirected loan entries."""
    currency = (options_map.get("operating_currency") or ["IDR"])[0]
    members, _ = parse_members(entries)
    return list(read_loans(entries, Roots.from_options(options_map), members=members, currency=currency).errors)


def _carried(entry: data.Transaction) -> list[tuple[Loan, Repayment]]:
    """Each loan a year file's opening carries, with its schedule, and what was repaid by then."""
    found = []
    for c in carried_loans(entry):
        loan = Loan(
            id=c.id, anggota=c.anggota, tanggal=c.tanggal, pokok=c.pokok, bunga=c.bunga, tenor=c.tenor,
            metode=c.metode, jatuh_tempo=c.jatuh_tempo, biaya_admin=c.biaya_admin, provisi=c.provisi,
            agunan=c.agunan, jadwal=schedule(c.pokok, c.bunga, c.tenor, c.metode, c.jatuh_tempo), meta=c.meta,
        )
        found.append((loan, Repayment(entry.date, c.dibayar_pokok, c.dibayar_bunga, c.dibayar_denda, False, c.meta)))
    return found


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
