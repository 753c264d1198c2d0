"""One file per year (the "arsip" layout) and the witness of closed years.

``kop tutup-buku --tahun Y --file-baru PATH`` starts a standalone file for Y+1. It does not
``include`` the closed file; it names it::

    2025-01-01 custom "arsip" "2024" "buku-2024.beancount"
      sha256: "…"          ; the closed file's bytes after closing
      sidik: "…"           ; the sidik of 2024 (its lock)
      rantai: "2023=… 2024=…"  ; every closed year of the chain, with its sidik
      sidik-bawaan: "…"    ; fingerprint of what this file carries dated up to 2024-12-31

and carries, dated up to 31 December Y (original dates): the chart of accounts (``open`` /
``close`` written by hand), the koperasi's identity, policies, SHU split and basis, officers
and other kopledger directives, the register (``anggota``/``anggota-keluar`` of every member
active at the year end or with a balance), and one opening transaction ``#saldo-awal-Y+1``
dated Y-12-31 with every balance-sheet balance after closing. Two kinds of opening postings
carry state as metadata, read by small hooks:

- a loan still outstanding: one posting per loan on the member's loan account with its terms
  (``pinjaman-bawaan``, ``tanggal-cair``, ``pokok``, ``bunga``, ``tenor``, ``metode``,
  ``jatuh-tempo``, fees) and what was repaid by the year end (``dibayar-pokok``,
  ``dibayar-bunga``, ``dibayar-denda``): :func:`carried_loans` (``kopledger.ops.loans.entries``) rebuilds
  the loan, its schedule and one repayment, so balances, schedules and days in arrears
  continue unchanged;
- a member's simpanan wajib: ``wajib-sampai`` (the last month settled into the opening),
  ``wajib-kurang`` (months through then still short, with the shortfall), ``wajib-dimuka``
  (months after then already paid) and ``wajib-lebih`` (credits not yet assigned to a
  month): :func:`carried_wajib` (``kopledger.ops.savings``) turns them back into payments by
  month, so arrears are still counted from the join month.

Reports of Y+1 read the prior year's comparatives from the closed file itself
(:func:`archived_books`, ``kopledger.reports.statements``), which is standalone too: a load costs
two years at most, whatever the history. The plugin checks each ``arsip`` at every load
(:func:`verify_archives`): the file's hash, else (a cosmetic edit) its own chain and sidik;
and the carried entries against ``sidik-bawaan``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import os
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from beancount.core import data
from beancount.core.amount import Amount
from beancount.parser.grammar import ValueType

from kopledger.books.closed.chain import (
    ARSIP,
    LOCK_TYPES,
    ChainError,
    Span,
    Verification,
    _generated_locations,
    _location,
    _where,
    chain_digests,
    lock_state,
    verify_year,
)
from kopledger.core.errors import Pesan

if TYPE_CHECKING:
    from kopledger.books.ledger import Books

ZERO = Decimal(0)
TAG_PREFIX = "saldo-awal"


# --- the witness -------------------------------------------------------------------
def verify_witness(kop: Books, year: int, sidik: str) -> Verification:
    """The books of ``kop`` against the ``sidik`` printed for ``year`` (``kop verifikasi``).

    In a year file, an archived year is checked in its own (archived) file.
    """
    state = lock_state(kop.entries)
    if year not in state.aktif:
        archived = _archive_for(state, year)
        if archived is not None:
            path = archive_path(archived)
            if path.is_file():
                from kopledger.books.ledger import Books

                return verify_witness(Books.load(path), year, sidik)
    return verify_year(kop.entries, kop.options, year, sidik)


def _archive_for(state: Any, year: int) -> data.Custom | None:
    """The ``arsip`` directive through which ``year`` is reached (its own, or the newest one)."""
    if year in state.arsip:
        return state.arsip[year]  # type: ignore[no-any-return]
    if year in state.rantai and state.arsip:
        return state.arsip[max(state.arsip)]  # type: ignore[no-any-return]
    return None


def closed_sidik(kop: Books, *, until: int | None = None) -> dict[int, str]:
    """The sidik of every closed year these books know, up to ``until`` (printed as the witness)."""
    return {
        year: sidik for year, sidik in lock_state(kop.entries).closed().items()
        if until is None or year <= until
    }


# --- checking an arsip at every load -----------------------------------------------
def archive_path(arsip: data.Custom) -> Path:
    """The closed file an ``arsip`` directive names, relative to the file that holds it."""
    written = str(arsip.values[1].value) if len(arsip.values) > 1 else ""
    holder = str(arsip.meta.get("filename") or "")
    base = Path(holder).parent if holder and not holder.startswith("<") else Path.cwd()
    return (base / written) if not os.path.isabs(written) else Path(written)


def archive_files(arsip: data.Custom) -> dict[int, tuple[Path, str]]:
    """Every closed file an ``arsip`` vouches for: its own year's, and the older ones of the
    chain (``berkas-YYYY`` / ``sha256-YYYY``), each with the hash it had when archived."""
    holder = str(arsip.meta.get("filename") or "")
    base = Path(holder).parent if holder and not holder.startswith("<") else Path.cwd()
    found: dict[int, tuple[Path, str]] = {}
    for key, value in arsip.meta.items():
        if isinstance(key, str) and key.startswith("berkas-") and key[7:].isdigit():
            found[int(key[7:])] = (base / str(value), str(arsip.meta.get(f"sha256-{key[7:]}") or ""))
    year = int(str(arsip.values[0].value))
    found[year] = (archive_path(arsip), str(arsip.meta.get("sha256") or ""))
    return dict(sorted(found.items()))


def file_sha256(path: Path) -> str | None:
    """SHA-256 of a file's bytes, or None when it cannot be read."""
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None


def carried_digest(entries: Sequence[data.Directive], year: int) -> str:
    """``sidik-bawaan``: the fingerprint of the entries dated up to ``year``'s end (no options)."""
    return chain_digests(entries, [Span(year, None, "")], {})[year].sidik


def verify_archives(entries: Sequence[data.Directive], options_map: dict[str, Any]) -> list[ChainError]:
    """Errors for each ``arsip`` whose closed file is missing or changed, or whose carried
    entries (dated up to the archived year's end) were edited. Run by the plugin."""
    state = lock_state(entries)
    errors: list[ChainError] = []
    for year, arsip in sorted(state.arsip.items()):
        for archived_year, (path, expected) in archive_files(arsip).items():
            actual = file_sha256(path)
            if actual is None:
                errors.append(ChainError.pesan(arsip.meta, (
                    "berkas arsip tahun buku {tahun} tidak ditemukan: {berkas} (disebut di {lokasi}); "
                    "kembalikan berkas itu ke tempatnya: tahun yang sudah ditutup tidak bisa diperiksa tanpanya "
                    "(archive missing)"
                ), arsip, archived_year, tahun=archived_year, berkas=str(path), lokasi=_where(arsip)))
            elif actual != expected:
                problem = _changed_archive(path, archived_year, state.rantai.get(archived_year, ""))
                if problem:
                    errors.append(ChainError.pesan(arsip.meta, (
                        "berkas arsip tahun buku {tahun}, {berkas}, berubah sejak ditutup (sha256 tidak sama "
                        "dengan {lokasi}): {masalah}. Kembalikan berkas arsip itu seperti saat ditutup "
                        "(archive changed)"
                    ), arsip, archived_year, tahun=archived_year, berkas=str(path), lokasi=_where(arsip),
                        masalah=problem))
        bawaan = str(arsip.meta.get("sidik-bawaan") or "")
        if carried_digest(entries, year) != bawaan:
            digest = chain_digests(entries, [Span(year, None, "")], {})[year]
            months = sorted({m for m, _, _ in digest.bulan})
            errors.append(ChainError.pesan(arsip.meta, (
                "catatan bawaan tahun buku {tahun} di berkas ini (saldo awal, daftar anggota, bagan akun, "
                "kebijakan, pinjaman; semua bertanggal sampai {tahun}-12-31) ditambah, diubah atau dihapus sejak "
                "dibuat oleh kop tutup-buku (arsip di {lokasi}); catat perubahan sesudah {tahun} dengan tag "
                "#koreksi (carried entries changed; bulan dengan catatan: {bulan})"
            ), arsip, year, tuple(months), tahun=year, lokasi=_where(arsip), bulan=", ".join(months) or "-"))
    return errors


def _changed_archive(path: Path, year: int, sidik: str) -> Pesan | None:
    """Why a changed archive no longer holds (None when only cosmetic: its lock still holds)."""
    from kopledger.ops.writer import load_uncached

    entries, errors, _ = load_uncached(path)
    broken = [e for e in errors if isinstance(e, ChainError)]
    if broken:
        return Pesan("kuncinya tidak utuh lagi ({galat})", galat=Pesan.dari(broken[0]))
    now = lock_state(entries).closed().get(year)
    if now is None:
        return Pesan("kunci tahun buku {tahun} tidak ada lagi di dalamnya", tahun=year)
    if now != sidik:
        return Pesan("sidik {tahun} di dalamnya {sekarang}…, bukan {semula}…", tahun=year, sekarang=now[:16], semula=sidik[:16])
    return None


# --- reading year files: hooks for loans, savings and statements ------------------------
def carried_loans(entry: data.Transaction, currency: str) -> list[tuple[Any, Any]]:
    """``(Loan, Repayment)`` for each loan carried by an opening transaction (``kopledger.ops.loans.entries``)."""
    from kopledger.ops.loans.entries import Loan, Repayment
    from kopledger.ops.loans.schedule import schedule

    found = []
    for posting in entry.postings:
        meta = posting.meta or {}
        loan_id = meta.get("pinjaman-bawaan")
        if not isinstance(loan_id, str):
            continue
        member_id = posting.account.rpartition(":")[2]
        pokok = _number(meta.get("pokok"))
        tenor = int(_number(meta.get("tenor")))
        bunga = _number(meta.get("bunga"))
        metode = str(meta.get("metode"))
        first_due = meta.get("jatuh-tempo")
        disbursed = meta.get("tanggal-cair")
        assert isinstance(first_due, dt.date) and isinstance(disbursed, dt.date)
        loan = Loan(
            id=loan_id, anggota=member_id, tanggal=disbursed, pokok=pokok, bunga=bunga, tenor=tenor,
            metode=metode, jatuh_tempo=first_due, biaya_admin=_number(meta.get("biaya-admin")),
            provisi=_number(meta.get("provisi")), agunan=_number(meta.get("agunan")), jadwal=schedule(pokok, bunga, tenor, metode, first_due),
            meta=meta,
        )
        paid = Repayment(entry.date, _number(meta.get("dibayar-pokok")), _number(meta.get("dibayar-bunga")),
                         _number(meta.get("dibayar-denda")), False, meta)
        found.append((loan, paid))
    return found


def _number(value: Any) -> Decimal:
    if isinstance(value, Amount):
        return Decimal(value.number) if value.number is not None else ZERO
    if value is None:
        return ZERO
    return Decimal(str(value))


def _months_text(values: dict[str, Decimal]) -> str:
    return " ".join(f"{m}={_plain(v)}" for m, v in sorted(values.items()))


def _parse_months_text(text: Any) -> dict[str, Decimal]:
    found: dict[str, Decimal] = {}
    for token in str(text or "").split():
        month, _, value = token.partition("=")
        if month and value:
            found[month] = Decimal(value)
    return found


def _plain(number: Decimal) -> str:
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def carried_wajib(
    kop: Books, member_id: str, meta: dict[str, Any],
    by_month: dict[str, dict[str, Decimal]], pool: dict[str, Decimal],
) -> None:
    """Turn a carried simpanan wajib state back into payments by month (``kopledger.ops.savings``).

    Every month the member owed through ``wajib-sampai`` counts as paid its due less the
    shortfall in ``wajib-kurang``; ``wajib-dimuka`` are payments for later months;
    ``wajib-lebih`` goes back to the member's credits not yet assigned to a month.
    """
    from kopledger.ops.savings import _wajib_due, owed_months

    member = kop.members.get(member_id)
    short = _parse_months_text(meta.get("wajib-kurang"))
    if member is not None:
        for bulan in owed_months(member, str(meta.get("wajib-sampai"))):
            due = _wajib_due(kop.policies, bulan)
            by_month[member_id][bulan] += due - short.get(bulan, ZERO)
    for bulan, paid in _parse_months_text(meta.get("wajib-dimuka")).items():
        by_month[member_id][bulan] += paid
    extra = _number(meta.get("wajib-lebih"))
    if extra:
        pool[member_id] += extra


#: The archived books of each loaded year file, loaded once: id(kop) -> (weak ref, year, books).
_ARCHIVES: dict[int, tuple[Any, int, Any]] = {}


def _forget(key: int, _ref: Any) -> None:
    _ARCHIVES.pop(key, None)


def archived_books(kop: Books, year: int) -> Any | None:
    """The closed file of ``year`` when ``kop`` is a year file that archives it (else None).

    ``kopledger.reports.statements`` reads the prior year's comparatives from it; loaded once per
    loaded year file.
    """
    arsip = lock_state(kop.entries).arsip.get(year)
    if arsip is None:
        return None
    key = id(kop)
    hit = _ARCHIVES.get(key)
    if hit is not None and hit[0]() is kop and hit[1] == year:
        return hit[2]
    path = archive_path(arsip)
    if not path.is_file():
        return None
    from kopledger.books.ledger import Books

    books = Books.load(path)
    with contextlib.suppress(TypeError):  # not weakly referenceable: no cache
        _ARCHIVES[key] = (weakref.ref(kop, functools.partial(_forget, key)), year, books)
    return books


def year_books(kop: Books) -> dict[int, Any]:
    """For each year with transactions, the books that hold it: ``kop`` for its own years and,
    in a year file, the archived files (loaded) for the years before — for reports with a
    multi-year history (the RAT pack). A year file's opening (dated in the archived year) is
    not a year of its own."""
    archived = lock_state(kop.entries).arsip
    if not archived:
        return {y: kop for y in kop.years()}
    last = max(archived)
    books = {y: kop for y in kop.years() if y > last}
    older = archived_books(kop, last)
    if older is not None:
        books.update({y: b for y, b in year_books(older).items() if y <= last})
    return dict(sorted(books.items()))


def all_members(books: dict[int, Any]) -> dict[str, Any]:
    """The register over every file of :func:`year_books` (the newest file's record wins)."""
    members: dict[str, Any] = {}
    for kop in sorted({id(b): b for b in books.values()}.values(), key=lambda b: max(
            (y for y, held in books.items() if held is b), default=0)):
        members.update(kop.members)
    return members


# --- writing a year file -----------------------------------------------------------
@dataclass(frozen=True)
class YearFile:
    """The standalone file started for the year after a closing."""

    path: Path
    text: str
    saldo_awal: tuple[tuple[str, Decimal], ...]  # carried balances (beancount sign)
    arsip: str  # the closed file as named in the new file
    sha256: str


def _meta(**values: Any) -> dict[str, Any]:
    meta = data.new_metadata("<kopledger.books.closed.year_files>", 0)
    meta.update(values)
    return meta


def _clean(entry: data.Directive) -> data.Directive:
    """``entry`` without its source location (to be written into another file)."""
    meta = {k: v for k, v in (entry.meta or {}).items() if k not in ("filename", "lineno") and not str(k).startswith("__")}
    return entry._replace(meta=_meta(**meta))


def _register(kop: Books, year: int, balances: dict[str, Decimal]) -> set[str]:
    """Members carried: active at the year end, or with any balance left on a member account."""
    end = dt.date(year, 12, 31)
    keep = {m.id for m in kop.members.values() if m.is_active(end)}
    for account, amount in balances.items():
        split = kop.roots.split_member_account(account)
        if split and amount:
            keep.add(split[1])
    return keep


def carried_entries(kop: Books, year: int, balances: dict[str, Decimal]) -> list[data.Directive]:
    """What a year file carries dated up to ``year``'s end (see the module docstring)."""
    from kopledger.books.directives import DIRECTIVES

    end = dt.date(year, 12, 31)
    generated = _generated_locations(kop.entries)
    register = _register(kop, year, balances)
    carried: list[data.Directive] = []
    ours = frozenset(DIRECTIVES) - LOCK_TYPES
    for entry in kop.entries:
        if entry.date > end:
            continue
        if isinstance(entry, data.Open | data.Close):
            meta = entry.meta or {}
            if meta.get("lineno") and _location(meta) not in generated and meta.get("filename") != "<kopledger>":
                carried.append(_clean(entry))
        elif isinstance(entry, data.Custom) and (entry.type in ours or entry.type == "fava-extension"):
            if entry.type in ("anggota", "anggota-keluar") and (
                not entry.values or str(entry.values[0].value) not in register
            ):
                continue
            carried.append(_clean(entry))
        elif isinstance(entry, data.Commodity) and entry.meta.get("lineno"):
            carried.append(_clean(entry))
    carried.append(opening_transaction(kop, year, balances))
    return carried


def opening_transaction(kop: Books, year: int, balances: dict[str, Decimal]) -> data.Transaction:
    """``#saldo-awal-Y+1`` dated Y-12-31: every balance-sheet balance after closing, with the
    state of outstanding loans and of simpanan wajib on their postings."""
    from kopledger.core.roots import MemberKind
    from kopledger.ops.loans import entries as loans_module
    from kopledger.ops.savings import _wajib_due, _wajib_payments, month_key, owed_months

    end = dt.date(year, 12, 31)
    currency = kop.currency
    roots = kop.roots
    book = loans_module.loan_book(kop)
    by_account: dict[str, list[Any]] = {}
    for loan in book.pinjaman:
        if loan.tanggal > end:
            continue
        moves = [m for m in book.angsuran.get(loan.id, ()) if m.tanggal <= end]
        pokok = sum((m.pokok for m in moves), ZERO)
        if loan.pokok - pokok <= 0:
            continue
        by_account.setdefault(roots.member_account(MemberKind.PINJAMAN, loan.anggota), []).append(
            (loan, pokok, sum((m.bunga for m in moves), ZERO), sum((m.denda for m in moves), ZERO))
        )
    by_month, pool = _wajib_payments(kop, end)
    through = month_key(year, 12)
    postings: list[data.Posting] = []
    for account, amount in balances.items():
        split = roots.split_member_account(account)
        if split and split[0] is MemberKind.PINJAMAN and account in by_account:
            left = amount
            for loan, pokok, bunga, denda in by_account[account]:
                sisa = loan.pokok - pokok
                postings.append(data.Posting(account, Amount(sisa, currency), None, None, None, {
                    "pinjaman-bawaan": loan.id, "tanggal-cair": loan.tanggal,
                    "pokok": Amount(loan.pokok, currency), "bunga": loan.bunga, "tenor": Decimal(loan.tenor),
                    "metode": loan.metode, "jatuh-tempo": loan.jatuh_tempo,
                    "biaya-admin": Amount(loan.biaya_admin, currency), "provisi": Amount(loan.provisi, currency),
                    "agunan": Amount(loan.agunan, currency),
                    "dibayar-pokok": pokok, "dibayar-bunga": bunga, "dibayar-denda": denda,
                }))
                left -= sisa
            if left:
                postings.append(data.Posting(account, Amount(left, currency), None, None, None, None))
            continue
        meta = None
        if split and split[0] is MemberKind.WAJIB:
            member = kop.members.get(split[1])
            if member is not None:
                meta = _wajib_state(member, through, by_month.get(member.id, {}), pool.get(member.id, ZERO),
                                    lambda b: _wajib_due(kop.policies, b), owed_months)
        postings.append(data.Posting(account, Amount(amount, currency), None, None, None, meta))
    meta = _meta()
    shu_left = shu_unallocated(kop, year)
    if shu_left:
        meta[META_SHU_TAHUN] = " ".join(f"{y}={_plain(v)}" for y, v in sorted(shu_left.items()))
    return data.Transaction(
        meta, end, "*", None, f"Saldo awal {year + 1}: saldo akhir {year} setelah tutup buku",
        frozenset({f"{TAG_PREFIX}-{year + 1}"}), data.EMPTY_SET, postings,
    )


#: Opening metadata: each year's SHU not yet allocated at the closed year's end
#: (``"2023=5973594 2024=..."``), so the notes of later year files break "SHU belum dibagi"
#: down by year as one long file does, without loading every older archive.
META_SHU_TAHUN = "shu-tahun"


def shu_unallocated(kop: Books, year: int) -> dict[int, Decimal]:
    """Each year's SHU (``year`` included) not yet allocated at the end of ``year``, from the
    statements of ``year`` (the notes' breakdown and the balance sheet's SHU tahun berjalan)."""
    from kopledger.reports.statements import statements_of  # TODO(layers): moves to ops/year_file

    fs = statements_of(kop, year)
    left = {row.tahun: row.jumlah for row in fs.calk.shu_belum_dibagi if row.tahun is not None}
    left[year] = fs.neraca.totals["shu_tahun_berjalan"][0]
    return {y: v for y, v in left.items() if v}


def parse_shu_left(text: Any) -> dict[int, Decimal]:
    """The :data:`META_SHU_TAHUN` metadata of a year file's opening, read back."""
    result: dict[int, Decimal] = {}
    for token in str(text).split():
        y, _, v = token.partition("=")
        result[int(y)] = Decimal(v)
    return result


def _wajib_state(
    member: Any, through: str, paid: dict[str, Decimal], unassigned: Decimal, due_of: Any, owed_months: Any,
) -> dict[str, Any]:
    short: dict[str, Decimal] = {}
    owed = owed_months(member, through)
    for bulan in owed:
        due = due_of(bulan)
        got = paid.get(bulan, ZERO)
        if got < due and unassigned > 0:
            take = min(due - got, unassigned)
            got += take
            unassigned -= take
        if due > got:
            short[bulan] = due - got
    later = {b: v for b, v in paid.items() if b > through and v}
    meta: dict[str, Any] = {"wajib-sampai": through, "wajib-kurang": _months_text(short)}
    if later:
        meta["wajib-dimuka"] = _months_text(later)
    if unassigned:
        meta["wajib-lebih"] = unassigned
    return meta


def later_entries(kop: Books, year: int) -> list[data.Directive]:
    """What the closed file holds dated after ``year`` (moved into the year file)."""
    end = dt.date(year, 12, 31)
    generated = _generated_locations(kop.entries)
    moved = []
    for entry in kop.entries:
        if entry.date <= end:
            continue
        meta = entry.meta or {}
        if not meta.get("lineno"):
            continue
        if isinstance(entry, data.Custom) and entry.type in LOCK_TYPES | {ARSIP}:
            continue
        if isinstance(entry, data.Open | data.Close) and _location(meta) in generated:
            continue
        if isinstance(entry, data.Transaction) and entry.flag == "P":
            continue
        if isinstance(entry, data.Balance) and meta.get("tutup-buku"):
            continue
        moved.append(_clean(entry))
    return moved


def arsip_directive(
    year: int, written: str, sha256: str, sidik: str, rantai: dict[int, str], bawaan: str,
    older: dict[int, tuple[str, str]] | None = None,
) -> data.Custom:
    files: dict[str, str] = {}
    for older_year, (name, digest) in sorted((older or {}).items()):
        files[f"berkas-{older_year}"] = name
        files[f"sha256-{older_year}"] = digest
    return data.Custom(
        _meta(**{
            "sha256": sha256, "sidik": sidik,
            "rantai": " ".join(f"{y}={s}" for y, s in sorted(rantai.items())),
            "sidik-bawaan": bawaan, **files,
        }),
        dt.date(year + 1, 1, 1), ARSIP, [ValueType(str(year), str), ValueType(written, str)],
    )


def year_file_text(
    kop: Books, *, source: Path, target: Path, year: int, sha256: str, sidik: str,
    balances: dict[str, Decimal], extra: Sequence[data.Directive] = (), today: dt.date,
    written: str | None = None,
) -> str:
    """The text of the standalone file for ``year + 1`` (``kop tutup-buku --file-baru``)."""
    from beancount.parser import parser

    from kopledger.ops.writer import format_directives
    from kopledger.present.render import render

    header = [
        line.rstrip("\n") for line in source.read_text(encoding="utf-8").splitlines()
        if line.startswith(("option ", "plugin "))
    ]
    carried = carried_entries(kop, year, balances)
    carried_text = format_directives(carried)
    parsed, _, _ = parser.parse_string(carried_text)
    bawaan = carried_digest(parsed, year)
    state = lock_state(kop.entries)
    rantai = dict(state.closed())
    rantai[year] = sidik
    folder = target.resolve().parent
    name = written if written is not None else os.path.relpath(source.resolve(), folder)
    older: dict[int, tuple[str, str]] = {}
    for previous in state.arsip.values():  # the closed file was a year file: carry its archives on
        for older_year, (path, digest) in archive_files(previous).items():
            older[older_year] = (os.path.relpath(path.resolve(), folder), digest)
    arsip = arsip_directive(year, name, sha256, sidik, rantai, bawaan, older)
    return render("tutup/buku-baru.beancount.j2", {
        "judul": kop.title,
        "tahun": year + 1,
        "tahun_lalu": year,
        "dibuat": today,
        "header": header,
        "arsip": format_directives([arsip]),
        "bawaan": carried_text,
        "lanjutan": format_directives([*later_entries(kop, year), *extra]),
    })
