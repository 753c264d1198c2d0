"""Savings (simpanan) as pure builders and computations.

Builders return beancount directives for: the simpanan wajib of a month, sukarela and
berjangka deposits and withdrawals, and the SHU payout into simpanan sukarela.
Computations: arrears on simpanan wajib (:func:`wajib_arrears`), the savings totals
(:func:`savings_summary`) and a member's statement, the kartu simpanan
(:func:`member_statements`).

**The simpanan wajib obligation rule.** A member owes simpanan wajib for every calendar
month from the month they joined (inclusive) through the month asked, except the month
they leave and after (a member who leaves in March owes January and February, not
March). Each month's amount is the ``kebijakan "simpanan-wajib"`` in force on the 1st of
that month; if none is in force on the 1st, the one in force on the last day of the
month (a policy set mid-month); with no policy the month owes nothing.
A payment is a credit to ``Ekuitas:SimpananWajib:<ID>``; its ``bulan: "YYYY-MM"``
metadata (on the posting or the transaction) says which month it pays. Credits without
``bulan`` (opening balances, lump sums) pay the oldest unpaid months first. A month is
paid when its payments reach the amount due; a debit with ``bulan`` (a correction)
reduces that month's payments; a debit without ``bulan`` (the exit transfer) does not
un-pay any month.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from babel.dates import format_date
from beancount.core import data

from kopledger.books.balances import weight
from kopledger.books.closed.year_files import CarriedWajib, carried_wajib
from kopledger.books.directives import Member, Policies
from kopledger.books.ledger import Books
from kopledger.books.periode import hari_ini
from kopledger.books.years import holder
from kopledger.core import kosakata as K
from kopledger.core.errors import InputError, Pesan, Rupiah
from kopledger.core.roots import MemberKind
from kopledger.ops.accounts import cash_account
from kopledger.ops.members import (
    active_member,
    check_amount,
    check_date,
    closed_years,
    date_problem,
    posting,
    transaction,
)

ZERO = Decimal(0)

TAG_WAJIB = K.TAG_SIMPANAN_WAJIB
TAG_SUKARELA = K.TAG_SIMPANAN_SUKARELA
TAG_BERJANGKA = K.TAG_SIMPANAN_BERJANGKA
TAG_SHU_BAYAR = K.TAG_SHU_BAYAR

SAVINGS_KINDS = (MemberKind.POKOK, MemberKind.WAJIB, MemberKind.SUKARELA, MemberKind.BERJANGKA)
_TAGS = {MemberKind.SUKARELA: TAG_SUKARELA, MemberKind.BERJANGKA: TAG_BERJANGKA}
_LABEL = {
    MemberKind.POKOK: "Simpanan pokok",
    MemberKind.WAJIB: "Simpanan wajib",
    MemberKind.SUKARELA: "Simpanan sukarela",
    MemberKind.BERJANGKA: "Simpanan berjangka",
    MemberKind.KELUAR: "Simpanan anggota keluar",
}


# --- months ------------------------------------------------------------------------
def parse_month(text: str) -> tuple[int, int]:
    """``"YYYY-MM"`` as ``(year, month)``; :class:`InputError` when malformed."""
    try:
        year_s, month_s = text.strip().split("-")
        if len(year_s) != 4 or len(month_s) != 2:
            raise ValueError
        year, month = int(year_s), int(month_s)
        if not 1 <= month <= 12 or not 1900 <= year <= 2999 or not (year_s + month_s).isascii():
            raise ValueError
    except ValueError:
        raise InputError.pesan(
            "bulan {bulan!r} tidak sah: tulis YYYY-MM, misalnya 2025-01",
            bulan=text,
        ) from None
    return year, month


def month_key(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def month_of(date: dt.date) -> str:
    return month_key(date.year, date.month)


def first_day(bulan: str) -> dt.date:
    year, month = parse_month(bulan)
    return dt.date(year, month, 1)


def last_day(bulan: str) -> dt.date:
    year, month = parse_month(bulan)
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def months(start: str, end: str) -> Iterator[str]:
    """Months from ``start`` through ``end`` inclusive (``"YYYY-MM"``)."""
    year, month = parse_month(start)
    end_key = parse_month(end)
    while (year, month) <= end_key:
        yield month_key(year, month)
        month += 1
        if month > 12:
            year, month = year + 1, 1


def month_name(bulan: str, lang: str = "id") -> str:
    """``"Januari 2025"`` for ``"2025-01"``."""
    return format_date(first_day(bulan), format="MMMM y", locale="id_ID" if lang == "id" else "en_US")


# --- the wajib obligation --------------------------------------------------------------
def wajib_due(kop: Books, bulan: str) -> Decimal:
    """The simpanan wajib due for ``bulan`` (see the module doc for the rule)."""
    return _wajib_due(kop.policies, bulan)


@functools.lru_cache(maxsize=4096)
def _wajib_due(policies: Policies, bulan: str) -> Decimal:
    """:func:`wajib_due` per (policies, month): every member owes the same each month, so the
    member list of a 10,000-member RAT asks the policies once a month, not once a member-month."""
    number = policies.amount("simpanan-wajib", first_day(bulan))
    if number is None:
        number = policies.amount("simpanan-wajib", last_day(bulan))
    return number or ZERO


def owed_months(member: Member, through: str) -> list[str]:
    """The months ``member`` owes simpanan wajib for, from joining through ``through``."""
    end = through
    if member.tanggal_keluar is not None:
        exit_month = month_of(member.tanggal_keluar)
        if exit_month <= through:
            year, month = parse_month(exit_month)
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
            end = month_key(year, month)
    start = month_of(member.tanggal_masuk)
    return list(months(start, end)) if start <= end else []


@dataclass(frozen=True)
class WajibMonth:
    """One month of a member's simpanan wajib: due and paid."""

    bulan: str
    wajib: Decimal
    dibayar: Decimal

    @property
    def kurang(self) -> Decimal:
        return max(self.wajib - self.dibayar, ZERO)


def allocate_wajib(
    owed: Sequence[str], policies: Policies, paid: Mapping[str, Decimal], unassigned: Decimal,
) -> tuple[list[tuple[str, Decimal, Decimal]], Decimal]:
    """The one allocation of a member's simpanan wajib: for each ``owed`` month in order,
    ``(month, due, paid)``, where credits without a month (``unassigned``) fill the oldest
    months still short; and what of ``unassigned`` is left. (Plain tuples: a 10,000-member
    list asks this for every member-month.)"""
    result = []
    for bulan in owed:
        due = _wajib_due(policies, bulan)
        got = paid.get(bulan, ZERO)
        if got < due and unassigned > 0:
            take = min(due - got, unassigned)
            got += take
            unassigned -= take
        result.append((bulan, due, got))
    return result, unassigned


def _add_carried(
    kop: Books, member_id: str, state: CarriedWajib,
    by_month: dict[str, dict[str, Decimal]], pool: dict[str, Decimal],
) -> None:
    """A year file's carried wajib state as payments by month: every month owed through
    ``state.sampai`` paid its due less its shortfall; months paid ahead; credits left."""
    member = kop.members.get(member_id)
    if member is not None:
        for bulan in owed_months(member, state.sampai):
            by_month[member_id][bulan] += _wajib_due(kop.policies, bulan) - state.kurang.get(bulan, ZERO)
    for bulan, paid in state.dimuka.items():
        by_month[member_id][bulan] += paid
    if state.lebih:
        pool[member_id] += state.lebih


def wajib_payments(
    kop: Books, date: dt.date | None
) -> tuple[dict[str, dict[str, Decimal]], dict[str, Decimal]]:
    """Per member: payments by month (from ``bulan`` meta) and the unassigned credits."""
    by_month: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    pool: dict[str, Decimal] = defaultdict(Decimal)
    parent = kop.roots.member_parent(MemberKind.WAJIB) + ":"
    for entry in kop.entries:
        if not isinstance(entry, data.Transaction):
            continue
        if date is not None and entry.date > date:
            break
        for p in entry.postings:
            if not p.account.startswith(parent) or p.units is None or p.units.number is None:
                continue
            member_id = p.account[len(parent):]
            if p.meta and "wajib-sampai" in p.meta:
                # issue 13: the wajib state carried into a year file by its opening
                _add_carried(kop, member_id, carried_wajib(p.meta), by_month, pool)
                continue
            paid = -p.units.number
            bulan = (p.meta or {}).get("bulan") or entry.meta.get("bulan")
            if bulan:
                by_month[member_id][str(bulan)] += paid
            elif paid > 0:
                pool[member_id] += paid
    return by_month, pool


def wajib_status(
    kop: Books,
    member: Member,
    through: str,
    *,
    date: dt.date | None = None,
    payments: tuple[dict[str, dict[str, Decimal]], dict[str, Decimal]] | None = None,
) -> tuple[WajibMonth, ...]:
    """Each owed month of ``member`` through ``through`` with what is due and paid by ``date``."""
    by_month, pool = payments if payments is not None else wajib_payments(kop, date)
    months, _ = allocate_wajib(owed_months(member, through), kop.policies, by_month.get(member.id, {}),
                               pool.get(member.id, ZERO))
    return tuple(WajibMonth(bulan, due, got) for bulan, due, got in months)


@dataclass(frozen=True)
class WajibArrears:
    """A member in arrears on simpanan wajib: the months owed and the amount."""

    id: str
    nama: str
    bulan: tuple[str, ...]
    jumlah_bulan: int
    jumlah: Decimal


def wajib_arrears(kop: Books, date: dt.date) -> tuple[WajibArrears, ...]:
    """Members in arrears on simpanan wajib on ``date``: every owed month through the month
    of ``date`` not fully paid by payments dated on or before ``date``; by member id. Read from
    the books that hold ``date``'s year (an archived year's own file)."""
    kop = holder(kop, date.year)
    by_month, pool = wajib_payments(kop, date)
    through = month_of(date)
    policies = kop.policies
    spans: dict[tuple[str, str | None], list[str]] = {}  # members joining the same month owe the same months
    result = []
    for member in sorted(kop.members.values(), key=lambda m: m.id):
        if member.tanggal_masuk > date:
            continue
        if member.tanggal_keluar is not None and member.tanggal_keluar <= date:
            continue
        # wajib_status(kop, member, through) without a record per month: 10,000 members × years
        span_key = (month_of(member.tanggal_masuk), None if member.tanggal_keluar is None else month_of(member.tanggal_keluar))
        owed = spans.get(span_key)
        if owed is None:
            owed = spans[span_key] = owed_months(member, through)
        months, _ = allocate_wajib(owed, policies, by_month.get(member.id, {}), pool.get(member.id, ZERO))
        unpaid: list[str] = []
        jumlah = ZERO
        for bulan, due, got in months:
            if due > got:
                unpaid.append(bulan)
                jumlah += due - got
        if unpaid:
            result.append(WajibArrears(member.id, member.nama, tuple(unpaid), len(unpaid), jumlah))
    return tuple(result)


@dataclass(frozen=True)
class WajibRun:
    """The simpanan wajib of one month: entries to post, and members skipped with the reason."""

    bulan: str
    entries: tuple[data.Transaction, ...]
    dilewati: tuple[tuple[str, str], ...]  # (member id, reason)
    #: the same reasons as data: (member id, Indonesian template (a catalog key), its values)
    alasan: tuple[tuple[str, str, tuple[tuple[str, Any], ...]], ...] = ()

    @property
    def total(self) -> Decimal:
        total = ZERO
        for entry in self.entries:
            for p in entry.postings[1:]:
                if p.units is not None and p.units.number is not None:
                    total -= p.units.number
        return total


def wajib_entries(
    kop: Books,
    bulan: str,
    *,
    tanggal: dt.date | None = None,
    today: dt.date | None = None,
    kas: str | None = None,
    progress: Callable[[Member], None] | None = None,
) -> WajibRun:
    """Simpanan wajib of ``bulan`` for every member who owes it, one transaction each.

    Idempotent: a member whose month is already paid is skipped (and reported); one partly
    paid gets the rest. ``tanggal`` (default: today if in that month, else the month's
    last day) is the payment date; it may be later than the month (a late payment keeps
    ``bulan``), never earlier. ``progress`` is called once per member considered.
    """
    today = today or hari_ini()
    start, end = first_day(bulan), last_day(bulan)
    if start > today:
        raise InputError.pesan(
            "bulan {bulan} ada di masa depan (hari ini {hari_ini}); pilih bulan yang sudah berjalan",
            bulan=bulan, hari_ini=today,
        )
    if tanggal is None:
        tanggal = today if start <= today <= end else end
    if tanggal < start:
        raise InputError.pesan(
            "tanggal {tanggal} sebelum bulan {bulan} yang dibayar; pakai tanggal di bulan itu atau "
            "sesudahnya",
            tanggal=tanggal, bulan=bulan,
        )
    check_date(kop, tanggal, today)
    due = wajib_due(kop, bulan)
    if due <= 0:
        raise InputError.pesan(
            "belum ada kebijakan simpanan wajib yang berlaku untuk {bulan}",
            hint='Tambahkan dulu, misalnya 2025-01-01 custom "kebijakan" "simpanan-wajib" 25000 IDR',
            bulan=bulan,
        )
    kas = cash_account(kop, kas, tanggal)
    payments = wajib_payments(kop, None)
    roots, cur = kop.roots, kop.currency
    entries: list[data.Transaction] = []
    skipped: list[tuple[str, str, tuple[tuple[str, Any], ...]]] = []
    label = month_name(bulan)
    for member in sorted(kop.members.values(), key=lambda m: m.id):
        if progress is not None:
            progress(member)
        if member.tanggal_masuk > end:
            continue
        if bulan not in owed_months(member, bulan):
            if member.tanggal_keluar is not None:
                skipped.append((member.id, "keluar {tanggal}", (("tanggal", member.tanggal_keluar),)))
            continue
        status = wajib_status(kop, member, bulan, payments=payments)[-1]
        if status.kurang <= 0:
            skipped.append((member.id, "sudah dibayar", ()))
            continue
        date = max(tanggal, member.tanggal_masuk)
        if date > today:
            skipped.append((member.id, "bergabung {tanggal}, setelah hari ini", (("tanggal", member.tanggal_masuk),)))
            continue
        if member.tanggal_keluar is not None and member.tanggal_keluar <= date:
            skipped.append((member.id, "keluar {tanggal}, sebelum tanggal bayar", (("tanggal", member.tanggal_keluar),)))
            continue
        entries.append(transaction(
            date, f"Simpanan wajib {label}", [TAG_WAJIB],
            [
                posting(kas, status.kurang, cur),
                posting(roots.member_account(MemberKind.WAJIB, member.id), -status.kurang, cur),
            ],
            anggota=member.id, bulan=bulan,
        ))
    reasons = tuple((member_id, template.format(**dict(values))) for member_id, template, values in skipped)
    return WajibRun(bulan, tuple(entries), reasons, tuple(skipped))


# --- sukarela / berjangka ------------------------------------------------------------------
def _kind(jenis: str | MemberKind) -> MemberKind:
    try:
        kind = MemberKind(jenis)
    except ValueError:
        raise InputError.pesan(
            "jenis simpanan tidak dikenal: {jenis!r}; pakai sukarela atau berjangka",
            jenis=jenis,
        ) from None
    if kind not in SAVINGS_KINDS:
        raise InputError.pesan(
            "{jenis!r} bukan jenis simpanan yang bisa dipakai di sini; pakai sukarela atau berjangka",
            jenis=jenis,
        )
    return kind


def deposit_entries(
    kop: Books,
    member_id: str,
    jumlah: Decimal | int | str,
    tanggal: dt.date,
    *,
    jenis: str | MemberKind = MemberKind.SUKARELA,
    today: dt.date | None = None,
    kas: str | None = None,
) -> list[data.Directive]:
    """A deposit into simpanan sukarela (default) or berjangka: Dr ``kas`` (cash or bank only,
    default ``Aset:Kas``) / Cr the member's account."""
    kind = _kind(jenis)
    if kind not in _TAGS:
        raise InputError.pesan(
            "simpanan {jenis} tidak disetor dengan perintah setor",
            hint="Simpanan pokok dibayar saat masuk (kop anggota tambah); simpanan wajib dengan: kop "
                 "simpanan wajib --bulan YYYY-MM",
            jenis=kind.value,
        )
    number = check_amount(jumlah)
    check_date(kop, tanggal, today)
    member = active_member(kop, member_id, tanggal)
    cash = cash_account(kop, kas, tanggal)
    roots, cur = kop.roots, kop.currency
    return [transaction(
        tanggal, f"Setoran {_LABEL[kind].lower()} {member.nama}", [_TAGS[kind]],
        [posting(cash, number, cur), posting(roots.member_account(kind, member_id), -number, cur)],
        anggota=member_id,
    )]


def withdrawal_entries(
    kop: Books,
    member_id: str,
    jumlah: Decimal | int | str,
    tanggal: dt.date,
    *,
    jenis: str | MemberKind = MemberKind.SUKARELA,
    today: dt.date | None = None,
    kas: str | None = None,
) -> list[data.Directive]:
    """A withdrawal from simpanan sukarela (default) or berjangka: Dr the member's account / Cr
    ``kas`` (cash or bank only, default ``Aset:Kas``).

    Refused above the balance (on ``tanggal`` and at the end of the books), and for simpanan
    pokok or wajib (they leave only with the member: ``exit_entries``). A member who has
    left may still withdraw what is left in sukarela/berjangka.
    """
    kind = _kind(jenis)
    number = check_amount(jumlah)
    check_date(kop, tanggal, today)
    member = kop.member(member_id)
    if kind not in _TAGS:
        raise InputError.pesan(
            "simpanan {jenis} {anggota} tidak boleh diambil selama masih menjadi anggota",
            hint="Simpanan ini dibayarkan saat keluar: kop anggota keluar BUKU --anggota ID",
            jenis=kind.value, anggota=member_id,
        )
    if member.tanggal_masuk > tanggal:
        raise InputError.pesan(
            "anggota {anggota} baru masuk pada {tanggal_masuk}, setelah {tanggal}; pakai tanggal pada atau "
            "setelah tanggal masuk",
            anggota=member_id, tanggal_masuk=member.tanggal_masuk, tanggal=tanggal,
        )
    cash = cash_account(kop, kas, tanggal)
    field = kind.value
    on_date = getattr(kop.member_balance(member_id, tanggal), field)
    at_end = getattr(kop.member_balance(member_id), field)
    available = min(on_date, at_end)
    if number > available:
        raise InputError.pesan(
            "penarikan {jumlah} melebihi saldo {simpanan} {anggota} ({saldo}); tarik paling banyak sebesar "
            "saldonya",
            jumlah=Rupiah(number), simpanan=Pesan.kata(_LABEL[kind].lower()), anggota=member_id, saldo=Rupiah(available),
        )
    roots, cur = kop.roots, kop.currency
    return [transaction(
        tanggal, f"Penarikan {_LABEL[kind].lower()} {member.nama}", [_TAGS[kind]],
        [posting(roots.member_account(kind, member_id), number, cur), posting(cash, -number, cur)],
        anggota=member_id,
    )]


def shu_to_sukarela_entries(
    kop: Books,
    member_id: str,
    tanggal: dt.date,
    *,
    jumlah: Decimal | int | str | None = None,
    today: dt.date | None = None,
) -> list[data.Directive]:
    """Pay a member's SHU (``Liabilitas:UtangSHU:<ID>``) into their simpanan sukarela.

    ``jumlah`` defaults to the whole SHU owed; more than is owed is refused.
    """
    check_date(kop, tanggal, today)
    member = active_member(kop, member_id, tanggal)
    owed = kop.member_balance(member_id, tanggal).utang_shu
    number = owed if jumlah is None else check_amount(jumlah)
    if number <= 0:
        raise InputError.pesan(
            "tidak ada SHU yang masih harus dibayar kepada {anggota} per {tanggal}",
            anggota=member_id, tanggal=tanggal,
        )
    if number > owed:
        raise InputError.pesan(
            "pembayaran SHU {jumlah} melebihi SHU yang terutang kepada {anggota} ({terutang})",
            jumlah=Rupiah(number), anggota=member_id, terutang=Rupiah(owed),
        )
    roots, cur = kop.roots, kop.currency
    return [transaction(
        tanggal, f"SHU ke simpanan sukarela {member.nama}", [TAG_SHU_BAYAR, TAG_SUKARELA],
        [
            posting(roots.member_account(MemberKind.UTANG_SHU, member_id), number, cur),
            posting(roots.member_account(MemberKind.SUKARELA, member_id), -number, cur),
        ],
        anggota=member_id,
    )]


# --- summaries -------------------------------------------------------------------------
@dataclass(frozen=True)
class SavingsSummary:
    """Total savings on a date, by kind, and the number of active members."""

    tanggal: dt.date
    pokok: Decimal
    wajib: Decimal
    sukarela: Decimal
    berjangka: Decimal
    total: Decimal
    anggota_aktif: int


def savings_summary(kop: Books, date: dt.date) -> SavingsSummary:
    """Savings of all members on ``date`` (inclusive) by kind, from the member accounts."""
    balances = kop.member_balances(date).values()
    pokok = sum((b.pokok for b in balances), ZERO)
    wajib = sum((b.wajib for b in balances), ZERO)
    sukarela = sum((b.sukarela for b in balances), ZERO)
    berjangka = sum((b.berjangka for b in balances), ZERO)
    return SavingsSummary(
        date, pokok, wajib, sukarela, berjangka, pokok + wajib + sukarela + berjangka,
        len(kop.active_members(date)),
    )


# --- the member statement (kartu simpanan) -----------------------------------------------
@dataclass(frozen=True)
class StatementRow:
    """One movement on a member's savings account; ``setor`` increases, ``tarik`` decreases."""

    tanggal: dt.date
    uraian: str
    bulan: str
    setor: Decimal
    tarik: Decimal
    saldo: Decimal


@dataclass(frozen=True)
class KindStatement:
    """A member's movements on one kind of savings over a period, with running balance."""

    jenis: str
    judul: str
    akun: str
    saldo_awal: Decimal
    baris: tuple[StatementRow, ...]
    total_setor: Decimal
    total_tarik: Decimal
    saldo_akhir: Decimal


@dataclass(frozen=True)
class MemberStatement:
    """The kartu simpanan of one member for a period."""

    anggota: Member
    dari: dt.date | None
    sampai: dt.date
    simpanan: tuple[KindStatement, ...]
    total_saldo: Decimal


STATEMENT_KINDS = (*SAVINGS_KINDS, MemberKind.KELUAR)


def member_statement(
    kop: Books, member_id: str, sampai: dt.date, *, dari: dt.date | None = None
) -> MemberStatement:
    """Every movement and running balance per savings kind of ``member_id`` from ``dari``
    (default: the beginning) through ``sampai``. A kind with no balance and no movement is
    left out."""
    return member_statements(kop, sampai, dari=dari, member_ids=[member_id])[0]


def member_statements(
    kop: Books,
    sampai: dt.date,
    *,
    dari: dt.date | None = None,
    member_ids: list[str] | None = None,
) -> tuple[MemberStatement, ...]:
    """Statements of ``member_ids`` (default: every member joined by ``sampai``, except those
    who left before ``dari`` with nothing left), by id."""
    if dari is not None and dari > sampai:
        raise InputError.pesan(
            "--dari {dari} setelah --sampai {sampai}; tukar kedua tanggalnya",
            dari=dari, sampai=sampai,
        )
    if member_ids is None:
        chosen = [m for m in sorted(kop.members.values(), key=lambda m: m.id) if m.tanggal_masuk <= sampai]
    else:
        chosen = [kop.member(i) for i in member_ids]
    roots = kop.roots
    wanted = {m.id for m in chosen}
    opening: dict[tuple[str, MemberKind], Decimal] = defaultdict(Decimal)
    rows: dict[tuple[str, MemberKind], list[tuple[dt.date, str, str, Decimal]]] = defaultdict(list)
    for entry in kop.entries:
        if not isinstance(entry, data.Transaction):
            continue
        if entry.date > sampai:
            break
        for p in entry.postings:
            split = roots.split_member_account(p.account)
            if split is None or split[1] not in wanted or split[0] not in STATEMENT_KINDS:
                continue
            weighed = weight(p, kop.currency)  # the one balance primitive's weight
            if weighed is None:
                continue
            amount = -weighed  # as the member sees it: a credit is a deposit
            key = (split[1], split[0])
            if dari is not None and entry.date < dari:
                opening[key] += amount
            else:
                bulan = (p.meta or {}).get("bulan") or entry.meta.get("bulan") or ""
                rows[key].append((entry.date, entry.narration or entry.payee or "", str(bulan), amount))
    result = []
    for member in chosen:
        kinds = []
        for kind in STATEMENT_KINDS:
            key = (member.id, kind)
            saldo = start = opening.get(key, ZERO)
            lines = []
            for date, uraian, bulan, amount in rows.get(key, []):
                saldo += amount
                lines.append(StatementRow(date, uraian, bulan, max(amount, ZERO), max(-amount, ZERO), saldo))
            if not lines and start == 0 and kind in (MemberKind.KELUAR, MemberKind.BERJANGKA):
                continue
            kinds.append(KindStatement(
                kind.value, _LABEL[kind], roots.member_account(kind, member.id), start, tuple(lines),
                sum((r.setor for r in lines), ZERO), sum((r.tarik for r in lines), ZERO), saldo,
            ))
        settled_leaver = (
            member_ids is None
            and member.tanggal_keluar is not None
            and dari is not None
            and member.tanggal_keluar < dari
            and all(not k.baris and k.saldo_awal == 0 for k in kinds)
        )
        if settled_leaver:
            continue  # left before the period with nothing left: not on the cards of "all"
        result.append(MemberStatement(
            member, dari, sampai, tuple(kinds), sum((k.saldo_akhir for k in kinds), ZERO)
        ))
    return tuple(result)


__all__ = [
    "KindStatement",
    "MemberStatement",
    "SavingsSummary",
    "StatementRow",
    "WajibArrears",
    "WajibMonth",
    "WajibRun",
    "allocate_wajib",
    "closed_years",
    "date_problem",
    "deposit_entries",
    "member_statement",
    "member_statements",
    "month_name",
    "owed_months",
    "savings_summary",
    "shu_to_sukarela_entries",
    "wajib_arrears",
    "wajib_due",
    "wajib_entries",
    "wajib_payments",
    "wajib_status",
    "withdrawal_entries",
]
