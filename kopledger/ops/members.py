"""Member operations as pure builders: joining and leaving the koperasi.

Every builder takes a loaded :class:`~kopledger.books.ledger.Books` plus explicit
parameters and returns beancount directives; nothing here writes (writing goes through
:func:`kopledger.ops.writer.append_directives`). Bad input raises
:class:`~kopledger.core.errors.InputError` naming what is wrong and what to do.

The shared checks (:func:`check_date`, :func:`check_amount`, :func:`active_member`)
are used by :mod:`kopledger.ops.savings` too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from beancount.core import amount, data
from beancount.parser.grammar import ValueType

from kopledger.books.closed.chain import locks_in_force
from kopledger.books.directives import Member
from kopledger.books.ledger import Books
from kopledger.books.periode import hari_ini
from kopledger.core import kosakata as K
from kopledger.core.errors import InputError, Pesan, Rupiah
from kopledger.core.inputs import nik_problem, parse_amount, text_problem
from kopledger.core.roots import MemberKind, is_valid_member_id
from kopledger.ops.accounts import cash_account
from kopledger.ops.loans.entries import LoanDue, denda_account, due_split, loans_due, opens_needed

ZERO = Decimal(0)
SOURCE = "<kopledger>"

TAG_POKOK = K.TAG_SIMPANAN_POKOK
TAG_KELUAR = K.TAG_ANGGOTA_KELUAR


# --- shared checks -------------------------------------------------------------------
def closed_years(kop: Books) -> set[int]:
    """Years closed now: a ``custom "tutup-buku" "YEAR"`` lock in force (not reopened)."""
    return set(locks_in_force(kop.entries))


def date_problem(kop: Books, date: dt.date, today: dt.date, closed: set[int] | None = None) -> Pesan | None:
    """Why ``date`` cannot be booked (in the future, or in a closed year), or None."""
    if date > today:
        return Pesan("tanggal {tanggal} ada di masa depan (hari ini {hari_ini}); pakai tanggal hari ini atau sebelumnya",
                     tanggal=date, hari_ini=today)
    if date.year in (closed if closed is not None else closed_years(kop)):
        return Pesan("tahun {tahun} sudah ditutup (tutup-buku); catat di tahun yang masih terbuka", tahun=date.year)
    return None


def check_date(kop: Books, date: dt.date, today: dt.date | None = None) -> dt.date:
    """``date`` if it can be booked; else :class:`InputError`."""
    problem = date_problem(kop, date, today or hari_ini())
    if problem:
        raise InputError.pesan(problem.teks, **problem.nilai)
    return date


def check_amount(value: Decimal | int | str, what: str = "jumlah") -> Decimal:
    """A positive whole-rupiah amount; else :class:`InputError`.

    Text with ``.`` or ``,`` is refused: ``50.000`` means fifty thousand to an Indonesian
    reader and fifty to Python, so the amount must be written without separators.
    """
    if isinstance(value, str) and ("." in value or "," in value):
        raise InputError.pesan(
            "{label} {nilai!r}: tulis rupiah bulat tanpa titik atau koma, misalnya 50000",
            label=Pesan.label(what), nilai=value,
        )
    if isinstance(value, str):
        value = parse_amount(value, what, signed=True)  # ASCII digits only, at most 15
    try:
        number = Decimal(value)
    except ArithmeticError:
        raise InputError.pesan(
            "{label} {nilai!r} bukan angka; tulis rupiah bulat, misalnya 50000",
            label=Pesan.label(what), nilai=value,
        ) from None
    if not number.is_finite() or number <= 0:
        raise InputError.pesan(
            "{label} harus lebih dari nol, tertulis {nilai}",
            label=Pesan.label(what), nilai=value,
        )
    if number != number.to_integral_value():
        raise InputError.pesan(
            "{label} harus rupiah bulat (tanpa sen), tertulis {nilai}",
            label=Pesan.label(what), nilai=value,
        )
    if number >= 10**15:
        raise InputError.pesan(
            "{label} {nilai} terlalu besar: paling banyak 15 angka",
            label=Pesan.label(what), nilai=value,
        )
    return number.quantize(Decimal(1))


def active_member(kop: Books, member_id: str, date: dt.date) -> Member:
    """The member ``member_id``, active on ``date``; else :class:`InputError`."""
    member = kop.member(member_id)
    if member.tanggal_masuk > date:
        raise InputError.pesan(
            "anggota {anggota} baru masuk pada {tanggal_masuk}, setelah {tanggal}; pakai tanggal pada atau "
            "setelah tanggal masuk",
            anggota=member_id, tanggal_masuk=member.tanggal_masuk, tanggal=date,
        )
    if member.tanggal_keluar is not None and member.tanggal_keluar <= date:
        raise InputError.pesan(
            "anggota {anggota} ({nama}) sudah keluar pada {tanggal_keluar}",
            hint="Hanya anggota aktif yang bisa melakukan ini.",
            anggota=member_id, nama=member.nama, tanggal_keluar=member.tanggal_keluar,
        )
    return member


def posting(account: str, number: Decimal, currency: str, meta: dict[str, object] | None = None) -> data.Posting:
    """A posting of ``number`` ``currency`` to ``account``."""
    return data.Posting(account, amount.Amount(number, currency), None, None, None, meta)


def transaction(
    date: dt.date,
    narration: str,
    tags: Iterable[str],
    postings: Sequence[data.Posting],
    **meta: object,
) -> data.Transaction:
    """A cleared transaction with kopledger's source meta plus ``meta`` (``_`` → ``-`` in keys)."""
    entry_meta = data.new_metadata(SOURCE, 0)
    for key, value in meta.items():
        if value is not None:
            entry_meta[key.replace("_", "-")] = value
    return data.Transaction(
        entry_meta, date, "*", None, narration, frozenset(tags), frozenset(), list(postings)
    )


# --- joining -----------------------------------------------------------------------
@dataclass(frozen=True)
class NewMember:
    """A member to register: what the ``anggota`` directive records."""

    id: str
    nama: str
    tanggal_masuk: dt.date
    nik: str = ""
    jenis_kelamin: str = ""
    alamat: str = ""
    telepon: str = ""


def _text_problem(label: str, value: str) -> Pesan | None:
    if any(ch in value for ch in '"\\\n\r'):
        return Pesan("{label} tidak boleh memuat tanda kutip, garis miring terbalik atau pindah baris: {nilai!r}",
                     label=Pesan.label(label), nilai=value)
    return None


def member_problems(member: NewMember) -> list[Pesan]:
    """Everything wrong with one new member's fields (empty when valid)."""
    problems: list[Pesan] = []
    if not member.id:
        problems.append(Pesan("id kosong"))
    elif not is_valid_member_id(member.id):
        problems.append(Pesan(
            "id {anggota!r} tidak sah: awali dengan huruf besar atau angka, "
            "lalu huruf, angka atau '-' (misalnya A0001)", anggota=member.id,
        ))
    if not member.nama.strip():
        problems.append(Pesan("nama kosong"))
    nik = nik_problem(member.nik) if member.nik else None  # ASCII 0-9 only: one NIK, one spelling
    if nik is not None:
        problems.append(nik)
    if member.jenis_kelamin not in ("", "P", "L"):
        problems.append(Pesan("jenis_kelamin harus P atau L, tertulis {jenis_kelamin!r}",
                              jenis_kelamin=member.jenis_kelamin))
    for label, value in (("nama", member.nama), ("alamat", member.alamat), ("telepon", member.telepon)):
        problem = text_problem(value, label) or _text_problem(label, value)
        if problem:
            problems.append(problem)
    return problems


def pokok_amount(kop: Books, date: dt.date) -> Decimal:
    """The simpanan pokok in force on ``date``; :class:`InputError` if no policy sets it."""
    number = kop.policies.amount("simpanan-pokok", date)
    if number is None or number <= 0:
        raise InputError.pesan(
            "belum ada kebijakan simpanan pokok yang berlaku pada {tanggal}",
            hint='Tambahkan dulu, misalnya 2025-01-01 custom "kebijakan" "simpanan-pokok" 100000 IDR',
            tanggal=date,
        )
    return number


def join_entries(
    kop: Books, member: NewMember, *, today: dt.date | None = None, kas: str | None = None
) -> list[data.Directive]:
    """A member joins: the ``anggota`` directive and the simpanan pokok payment (policy amount)."""
    return join_many(kop, [member], today=today, kas=kas)


def join_many(
    kop: Books, members: Sequence[NewMember], *, today: dt.date | None = None, kas: str | None = None
) -> list[data.Directive]:
    """Several members join; every member is checked first and all problems are reported at once."""
    today = today or hari_ini()
    closed = closed_years(kop)
    problems: list[Pesan] = []
    seen: set[str] = set()
    niks: dict[str, str] = {}
    for member in members:
        found = member_problems(member) + join_date_problems(kop, member, today, closed, seen)
        if member.nik and member.nik in niks:
            found.append(Pesan("NIK {nik} juga dipakai untuk {anggota}", nik=member.nik, anggota=niks[member.nik]))
        problems += [Pesan("{anggota}: {masalah}", anggota=member.id or "?", masalah=problem) for problem in found]
        seen.add(member.id)
        if member.nik:
            niks.setdefault(member.nik, member.id)
    if problems:
        raise InputError.pesan("anggota tidak bisa didaftarkan; tidak ada yang ditulis:\n  {masalah}",
                               masalah=Pesan.gabung("\n  ", problems))
    entries: list[data.Directive] = []
    for member in members:
        entries += _join(kop, member, cash_account(kop, kas, member.tanggal_masuk))
    return entries


def join_date_problems(
    kop: Books, member: NewMember, today: dt.date, closed: set[int], seen: set[str]
) -> list[Pesan]:
    """Problems of a new member against the books: duplicate id, bad date, no pokok policy."""
    problems: list[Pesan] = []
    if member.id in kop.members:
        existing = kop.members[member.id]
        problems.append(Pesan("id {anggota} sudah terdaftar ({nama}, sejak {tanggal_masuk}); pakai id lain",
                              anggota=member.id, nama=existing.nama, tanggal_masuk=existing.tanggal_masuk))
    elif member.id in seen:
        problems.append(Pesan("id {anggota} muncul dua kali", anggota=member.id))
    if member.nik:
        holder = next((m for m in kop.members.values() if m.nik == member.nik), None)
        if holder is not None and holder.id != member.id:
            problems.append(Pesan("NIK {nik} sudah terdaftar atas {anggota} ({nama})",
                                  nik=member.nik, anggota=holder.id, nama=holder.nama))
    problem = date_problem(kop, member.tanggal_masuk, today, closed)
    if problem:
        problems.append(problem)
    else:
        number = kop.policies.amount("simpanan-pokok", member.tanggal_masuk)
        if number is None or number <= 0:
            problems.append(Pesan(
                "belum ada kebijakan simpanan pokok yang berlaku pada {tanggal} "
                '(tambahkan misalnya custom "kebijakan" "simpanan-pokok" 100000 IDR)', tanggal=member.tanggal_masuk,
            ))
    return problems


def _join(kop: Books, member: NewMember, kas: str) -> list[data.Directive]:
    meta = data.new_metadata(SOURCE, 0)
    for key, value in (
        ("nik", member.nik),
        ("jenis-kelamin", member.jenis_kelamin),
        ("alamat", member.alamat),
        ("telepon", member.telepon),
    ):
        if value:
            meta[key] = value
    register = data.Custom(
        meta, member.tanggal_masuk, "anggota", [ValueType(member.id, str), ValueType(member.nama, str)]
    )
    pokok = pokok_amount(kop, member.tanggal_masuk)
    roots, currency = kop.roots, kop.currency
    payment = transaction(
        member.tanggal_masuk,
        f"Simpanan pokok {member.nama}",
        [TAG_POKOK],
        [
            posting(kas, pokok, currency),
            posting(roots.member_account(MemberKind.POKOK, member.id), -pokok, currency),
        ],
        anggota=member.id,
    )
    return [register, payment]


# --- leaving -----------------------------------------------------------------------
#: What a leaver's savings are set off against what she owes, in this order (then berjangka).
SET_OFF_POLICY = "potong-simpanan-keluar"
#: What happens when she owes more than her savings: "catat" (the exit is recorded, the rest
#: stays owed on her loan) or "tolak" (the exit is refused until the rest is paid).
REMAINDER_POLICY = "keluar-sisa-utang"


@dataclass(frozen=True)
class ExitPlan:
    """What an exit moves: her savings, what she owes, the set-off, the payout.

    Always ``potong_pinjaman + dibayar + ditahan == simpanan``: every rupiah of her savings
    is set off against what she owes, paid out now, or still owed to her (paid later).
    """

    anggota: str
    tanggal: dt.date
    pokok: Decimal
    wajib: Decimal
    sukarela: Decimal
    berjangka: Decimal
    utang_pokok: Decimal  # loan principal outstanding
    utang_bunga: Decimal  # interest billed and unpaid
    utang_denda: Decimal  # penalty due
    potong_pinjaman: Decimal  # savings set off against what she owes
    sisa_pinjaman: Decimal  # what she still owes after the exit
    dibayar: Decimal  # paid out in cash now
    ditahan: Decimal  # still owed to her after the exit (kop anggota bayar-keluar, simpanan tarik)
    potong: bool = True  # the set-off applied (policy or explicit choice)

    @property
    def simpanan(self) -> Decimal:
        """Her savings on the date: pokok + wajib + sukarela + berjangka."""
        return self.pokok + self.wajib + self.sukarela + self.berjangka

    @property
    def utang(self) -> Decimal:
        """What she owes on the date: principal + interest + penalty."""
        return self.utang_pokok + self.utang_bunga + self.utang_denda


def set_off_in_force(kop: Books, date: dt.date) -> bool:
    """``kebijakan "potong-simpanan-keluar"`` on ``date`` (default "ya": set off)."""
    return bool(kop.policies.value(SET_OFF_POLICY, date) == "ya")


def _exit_amounts(
    kop: Books, member_id: str, date: dt.date, set_off_loan: bool | None, payout: bool, today: dt.date | None,
) -> tuple[ExitPlan, tuple[LoanDue, ...], Decimal]:
    """The plan, each open loan's dues, and principal on her loan account no loan accounts for."""
    check_date(kop, date, today)
    active_member(kop, member_id, date)
    later = [e.date for e in kop.transactions if e.date > date and _touches_member(kop, e, member_id)]
    if later:
        raise InputError.pesan(
            "anggota {anggota} masih punya transaksi setelah {tanggal} (pertama pada {pertama})",
            hint="Catat keluarnya pada atau setelah transaksi terakhirnya.",
            anggota=member_id, tanggal=date, pertama=min(later),
        )
    bal = kop.member_balance(member_id, date)
    dues = loans_due(kop, member_id, date)
    loose = max(max(bal.pinjaman, ZERO) - sum((d.pokok for d in dues), ZERO), ZERO)
    owed_pokok = loose + sum((d.pokok for d in dues), ZERO)
    owed_bunga = sum((d.bunga for d in dues), ZERO)
    owed_denda = sum((d.denda for d in dues), ZERO)
    owed = owed_pokok + owed_bunga + owed_denda
    savings = sum((max(v, ZERO) for v in (bal.pokok, bal.wajib, bal.sukarela, bal.berjangka)), ZERO)
    apply = set_off_in_force(kop, date) if set_off_loan is None else set_off_loan
    taken = min(savings, owed) if apply else ZERO
    left_owed = owed - taken
    if left_owed > 0 and kop.policies.value(REMAINDER_POLICY, date) == "tolak":
        raise InputError.pesan(
            "anggota {anggota} masih berutang {sisa} setelah simpanannya ({simpanan}) diperhitungkan; "
            'keluar ditolak menurut kebijakan "keluar-sisa-utang" "tolak"',
            hint="Lunasi dulu sisanya (kop pinjaman bayar), lalu catat keluarnya.",
            anggota=member_id, sisa=Rupiah(left_owed), simpanan=Rupiah(savings),
        )
    plan = ExitPlan(
        anggota=member_id, tanggal=date, pokok=bal.pokok, wajib=bal.wajib, sukarela=bal.sukarela,
        berjangka=bal.berjangka, utang_pokok=owed_pokok, utang_bunga=owed_bunga, utang_denda=owed_denda,
        potong_pinjaman=taken, sisa_pinjaman=left_owed,
        dibayar=(savings - taken) if payout else ZERO, ditahan=ZERO if payout else savings - taken, potong=apply,
    )
    return plan, dues, loose


def exit_plan(
    kop: Books,
    member_id: str,
    date: dt.date,
    *,
    set_off_loan: bool | None = None,
    payout: bool = True,
    today: dt.date | None = None,
) -> ExitPlan:
    """The amounts of a member's exit on ``date`` (checks the member and date).

    ``set_off_loan`` None follows ``kebijakan "potong-simpanan-keluar"`` (default "ya"): her
    savings — pokok and wajib, then sukarela, then berjangka — are set off against what she
    owes (per open loan, oldest first: penalty, billed interest, principal); only what remains
    is paid out. Owing more than her savings, the exit is recorded with the rest still owed,
    or refused under ``kebijakan "keluar-sisa-utang" "tolak"``.
    """
    return _exit_amounts(kop, member_id, date, set_off_loan, payout, today)[0]


def _touches_member(kop: Books, entry: data.Transaction, member_id: str) -> bool:
    for p in entry.postings:
        split = kop.roots.split_member_account(p.account)
        if split is not None and split[1] == member_id:
            return True
    return False


def _take(sources: list[list[Any]], number: Decimal, currency: str) -> list[data.Posting]:
    """Debit postings taking ``number`` from ``sources`` (``[account, amount left]``) in order."""
    legs = []
    for source in sources:
        if number <= 0:
            break
        take = min(source[1], number)
        if take > 0:
            legs.append(posting(source[0], take, currency))
            source[1] -= take
            number -= take
    return legs


def exit_entries(
    kop: Books,
    member_id: str,
    date: dt.date,
    *,
    alasan: str = "",
    set_off_loan: bool | None = None,
    payout: bool = True,
    today: dt.date | None = None,
    kas: str | None = None,
) -> list[data.Directive]:
    """A member leaves on ``date`` (amounts: :func:`exit_plan`).

    Directives: ``anggota-keluar``; a ``#anggota-keluar`` transaction moving simpanan pokok
    and wajib to ``Liabilitas:SimpananAnggotaKeluar:<ID>``; with the set-off, one
    ``#anggota-keluar`` transaction per open loan (metadata ``pinjaman``) taking her savings
    against its penalty, interest and principal; with ``payout``, the payout of what is left
    of her savings from ``kas`` (cash or bank only).
    """
    problem = _text_problem("alasan", alasan)
    if problem:
        raise InputError.pesan(problem.teks, **problem.nilai)
    plan, dues, loose = _exit_amounts(kop, member_id, date, set_off_loan, payout, today)
    roots, cur = kop.roots, kop.currency
    cash = cash_account(kop, kas, date) if kas or (payout and plan.dibayar > 0) else ""
    nama = kop.members[member_id].nama
    keluar = roots.member_account(MemberKind.KELUAR, member_id)
    meta = data.new_metadata(SOURCE, 0)
    if alasan:
        meta["alasan"] = alasan
    entries: list[data.Directive] = [data.Custom(meta, date, "anggota-keluar", [ValueType(member_id, str)])]
    capital = plan.pokok + plan.wajib
    if capital:
        legs = [
            posting(roots.member_account(kind, member_id), number, cur)
            for kind, number in ((MemberKind.POKOK, plan.pokok), (MemberKind.WAJIB, plan.wajib))
            if number
        ]
        entries.append(transaction(
            date, f"Anggota keluar: {nama}", [TAG_KELUAR],
            [*legs, posting(keluar, -capital, cur)], anggota=member_id,
        ))
    sources: list[list[Any]] = [
        [keluar, max(capital, ZERO)],
        [roots.member_account(MemberKind.SUKARELA, member_id), max(plan.sukarela, ZERO)],
        [roots.member_account(MemberKind.BERJANGKA, member_id), max(plan.berjangka, ZERO)],
    ]
    left = plan.potong_pinjaman
    for due in dues:
        if left <= 0:
            break
        split = due_split(kop, due, date, min(left, due.jumlah))
        left -= split.jumlah
        credits = [
            posting(account, -number, cur) for account, number in (
                (roots.member_account(MemberKind.PINJAMAN, member_id), split.pokok),
                (roots.jasa_pinjaman, split.bunga),
                (denda_account(roots), split.denda),
            ) if number
        ]
        entries.append(transaction(
            date, f"Simpanan anggota keluar dipotong pinjaman {due.pinjaman}: {nama}", [TAG_KELUAR],
            [*_take(sources, split.jumlah, cur), *credits], anggota=member_id, pinjaman=due.pinjaman,
        ))
    if left > 0 and loose > 0:  # principal on her loan account that no loan in the books accounts for
        entries.append(transaction(
            date, f"Simpanan anggota keluar dipotong pinjaman: {nama}", [TAG_KELUAR],
            [*_take(sources, left, cur), posting(roots.member_account(MemberKind.PINJAMAN, member_id), -left, cur)],
            anggota=member_id,
        ))
    if payout:
        legs = [posting(account, number, cur) for account, number in sources if number > 0]
        if legs:
            entries.append(transaction(
                date, f"Pembayaran simpanan anggota keluar: {nama}", [TAG_KELUAR],
                [*legs, posting(cash, -plan.dibayar, cur)], anggota=member_id,
            ))
    accounts = [p.account for e in entries if isinstance(e, data.Transaction) for p in e.postings]
    return [entries[0], *opens_needed(kop, accounts, date), *entries[1:]]


def leaver_payout_entries(
    kop: Books, member_id: str, date: dt.date, *, today: dt.date | None = None, kas: str | None = None
) -> list[data.Directive]:
    """Pay out (later) what is still owed to a member who left: the leaver payable, from ``kas``
    (cash or bank only)."""
    check_date(kop, date, today)
    member = kop.member(member_id)
    if member.tanggal_keluar is None or member.tanggal_keluar > date:
        raise InputError.pesan(
            "anggota {anggota} belum keluar per {tanggal}; catat dulu keluarnya (kop anggota keluar)",
            anggota=member_id, tanggal=date,
        )
    cash = cash_account(kop, kas, date)
    owed = kop.member_balance(member_id).keluar
    if owed <= 0:
        raise InputError.pesan(
            "tidak ada simpanan yang masih harus dibayar kepada anggota {anggota}",
            anggota=member_id,
        )
    roots, cur = kop.roots, kop.currency
    return [transaction(
        date, f"Pembayaran simpanan anggota keluar: {member.nama}", [TAG_KELUAR],
        [posting(roots.member_account(MemberKind.KELUAR, member_id), owed, cur), posting(cash, -owed, cur)],
        anggota=member_id,
    )]


# --- the register as data ------------------------------------------------------------
@dataclass(frozen=True)
class MemberRow:
    """One line of the member list (``kop anggota daftar``)."""

    id: str
    nama: str
    nik: str
    jenis_kelamin: str
    tanggal_masuk: dt.date
    tanggal_keluar: dt.date | None
    status: str  # "aktif" or "keluar"
    alamat: str
    telepon: str
    pokok: Decimal
    wajib: Decimal
    sukarela: Decimal
    berjangka: Decimal
    pinjaman: Decimal


def member_list(kop: Books, date: dt.date, *, include_exited: bool = True) -> tuple[MemberRow, ...]:
    """The register on ``date`` with each member's balances, by id."""
    balances = kop.member_balances(date)
    rows = []
    for member in sorted(kop.members.values(), key=lambda m: m.id):
        if member.tanggal_masuk > date:
            continue
        active = member.is_active(date)
        if not active and not include_exited:
            continue
        bal = balances.get(member.id)
        rows.append(MemberRow(
            id=member.id,
            nama=member.nama,
            nik=member.nik,
            jenis_kelamin=member.jenis_kelamin,
            tanggal_masuk=member.tanggal_masuk,
            tanggal_keluar=member.tanggal_keluar if not active else None,
            status="aktif" if active else "keluar",
            alamat=member.alamat,
            telepon=member.telepon,
            pokok=bal.pokok if bal else ZERO,
            wajib=bal.wajib if bal else ZERO,
            sukarela=bal.sukarela if bal else ZERO,
            berjangka=bal.berjangka if bal else ZERO,
            pinjaman=bal.pinjaman if bal else ZERO,
        ))
    return tuple(rows)
