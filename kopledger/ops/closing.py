"""Closing the books (``kop tutup-buku``): closing entries, the closed-year lock, reopening.

A year is closed by three kinds of directives, written together through the safe writer:

- one transaction dated ``YEAR-12-31``, tagged ``#tutup-buku-YEAR``, that moves every income
  and expense balance of the year into ``Ekuitas:SHU:TahunBerjalan`` (hledger's
  ``close --retain``); statements of YEAR exclude it, later years see its effect;
- ``balance`` assertions on ``YEAR+1-01-01``: zero for each account it zeroed, and the SHU
  account's new balance (metadata ``tutup-buku: "YEAR"`` and ``sidik`` tie them to the lock);
- the lock, ``custom "tutup-buku" "YEAR"`` dated the day of closing, whose ``sidik`` chains
  everything dated up to the year's end to the previous lock (:mod:`kopledger.books.closed.chain`), the
  closing transaction included.

The plugin verifies the chain at every load (:func:`kopledger.books.closed.chain.verify_chain`): an entry
added, changed or removed up to a closed year's end is an error naming the year. Reopening is an
appended ``custom "buka-buku" "YEAR"`` with an ``alasan``: it cancels the latest earlier
lock of that year and the balance assertions of that closing (the file stays append-only,
and the reason stays in the books). See docs/tutup-buku.md.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from beancount.core import data
from beancount.core.amount import Amount
from beancount.parser.grammar import ValueType

from kopledger.books.balances import account_balances, closing_tag
from kopledger.books.closed.chain import (  # noqa: F401  (re-exported: the closing API keeps its names)
    FINGERPRINT_VERSION,
    LOCK,
    LOCK_TYPES,
    SHORT,
    UNLOCK,
    ChainError,
    LockState,
    VerifiedCache,
    YearDigest,
    _where,
    canonical_text,
    chain_digests,
    drop_superseded_assertions,
    fingerprint,
    lock_state,
    locks_in_force,
    next_span,
    superseded_assertions,
    verify_chain,
)
from kopledger.books.directives import split_in_force
from kopledger.books.katalog import year_surplus
from kopledger.books.ledger import Books
from kopledger.books.periode import hari_ini
from kopledger.core.errors import InputError, KopledgerError, LedgerHasErrors, Pesan, in_language
from kopledger.ops.shu import compute as shu
from kopledger.ops.writer import (
    WriteFault,
    _refuse_known_bukti,
    _separator,
    append_built,
    create_file,
    fault_message,
    format_directives,
    load_uncached,
)
from kopledger.ops.year_file import seal_directive, year_file_text

ZERO = Decimal(0)


def closed_years(kop: Books) -> dict[int, str]:
    """The years closed now (a lock in force), each with its fingerprint."""
    return locks_in_force(kop.entries)


# --- closing entries ---------------------------------------------------------------
@dataclass(frozen=True)
class ClosedAccount:
    """An income or expense account the closing zeroes, with its balance for the year."""

    akun: str
    saldo: Decimal  # beancount sign: income negative, expenses positive


@dataclass(frozen=True)
class ClosingPlan:
    """Everything a closing writes, before it is written."""

    tahun: int
    tanggal: dt.date  # the day of closing (the lock's date)
    shu: Decimal  # income − expenses of the year, before closing
    akun: tuple[ClosedAccount, ...]
    transaksi: data.Transaction | None  # None when nothing is left to close
    asersi: tuple[data.Balance, ...]
    kunci: data.Custom
    digest: YearDigest
    segel: data.Custom | None = None  # with --file-baru: the seal naming the year file

    @property
    def sidik(self) -> str:
        return self.digest.sidik

    @property
    def entries(self) -> list[data.Directive]:
        """In the order they are written; the seal (if any) and the lock come last."""
        head: list[data.Directive] = [self.transaksi] if self.transaksi is not None else []
        seal: list[data.Directive] = [self.segel] if self.segel is not None else []
        return [*head, *self.asersi, *seal, self.kunci]


def _new_meta(**values: Any) -> dict[str, Any]:
    meta = data.new_metadata("<kopledger.ops.closing>", 0)
    meta.update(values)
    return meta


def income_expense_balances(kop: Books, year: int) -> dict[str, Decimal]:
    """Each income and expense account's balance for ``year`` (closing entries included)."""
    totals = account_balances(
        kop.entries, currency=kop.currency, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31)
    )
    katalog = kop.katalog
    return {
        account: amount for account, amount in sorted(totals.items()) if amount != ZERO and katalog[account].laba_rugi
    }


def shu_before_closing(kop: Books, year: int) -> Decimal:
    """Income − expenses of ``year``, without its closing entries (SHU, Pasal 45):
    :func:`kopledger.books.katalog.year_surplus`."""
    return year_surplus(kop.entries, kop.katalog, kop.currency, year).shu


def plan_closing(
    kop: Books, year: int, *, tanggal: dt.date | None = None, file_baru: str | None = None,
) -> ClosingPlan:
    """The closing of ``year``: transaction, assertions and lock (pure; nothing is written).

    ``tanggal`` is the day of closing (default today). Balances already moved by an
    earlier closing of the year (reopened since) are not moved again: only what is left.
    ``file_baru`` (the year file's path, relative to the ledger's folder) also seals the
    ledger (:func:`kopledger.ops.year_file.seal_directive`), the seal covered by the lock.
    """
    tanggal = tanggal or hari_ini()
    end = dt.date(year, 12, 31)
    next_day = end + dt.timedelta(days=1)
    currency = kop.currency
    shu_account = kop.roots.shu_tahun_berjalan
    balances = income_expense_balances(kop, year)
    closed = tuple(ClosedAccount(a, b) for a, b in balances.items())
    transaction = None
    if closed:
        total = sum((c.saldo for c in closed), ZERO)
        postings = [
            data.Posting(c.akun, Amount(-c.saldo, currency), None, None, None, None) for c in closed
        ]
        postings.append(data.Posting(shu_account, Amount(total, currency), None, None, None, None))
        transaction = data.Transaction(
            _new_meta(tahun=str(year)), end, "*", None,
            f"Tutup buku {year}: pendapatan dan beban dipindahkan ke SHU tahun berjalan",
            frozenset({closing_tag(year)}), data.EMPTY_SET, postings,
        )
    new: list[data.Directive] = [transaction] if transaction is not None else []
    seal = seal_directive(kop.entries, year, file_baru) if file_baru is not None else None
    if seal is not None:
        new.append(seal)
    with_closing = sorted([*kop.entries, *new], key=data.entry_sortkey)
    state = lock_state(kop.entries)
    span = next_span({y: lock for y, lock in state.chain_locks().items() if y < year}, year)
    digest = chain_digests(kop.entries, [span], kop.options, new=new)[year]
    short = digest.sidik[:SHORT]
    shu_balance = account_balances(with_closing, currency=currency, end=end).get(shu_account, ZERO)
    assertions = [
        data.Balance(_new_meta(**{LOCK: str(year), "sidik": short}), next_day, c.akun,
                     Amount(ZERO, currency), None, None)
        for c in closed
    ]
    assertions.append(data.Balance(
        _new_meta(**{LOCK: str(year), "sidik": short}), next_day, shu_account,
        Amount(shu_balance, currency), None, None,
    ))
    lock = data.Custom(
        _new_meta(sidik=digest.sidik, sebelumnya=digest.sebelumnya, opsi=digest.opsi,
                  bulan=digest.bulan_text(), entri=Decimal(digest.jumlah)),
        tanggal, LOCK, [ValueType(str(year), str)],
    )
    return ClosingPlan(
        tahun=year, tanggal=tanggal, shu=shu_before_closing(kop, year), akun=closed,
        transaksi=transaction, asersi=tuple(assertions), kunci=lock, digest=digest, segel=seal,
    )


def closing_entries(kop: Books, year: int, *, tanggal: dt.date | None = None) -> list[data.Directive]:
    """The directives that close ``year``: closing transaction, assertions, then the lock."""
    return plan_closing(kop, year, tanggal=tanggal).entries


def reopen_entry(year: int, alasan: str, tanggal: dt.date) -> data.Custom:
    """``custom "buka-buku" "YEAR"`` with its reason: cancels the lock in force for ``year``."""
    return data.Custom(_new_meta(alasan=alasan), tanggal, UNLOCK, [ValueType(str(year), str)])


# --- preconditions -----------------------------------------------------------------
@dataclass(frozen=True)
class Problem:
    """A reason the year cannot be closed now: a code for programs, a message for people
    (a :class:`~kopledger.core.errors.Pesan`, so it is worded in the reader's language)."""

    kode: str
    pesan: str

    def __str__(self) -> str:
        return self.pesan

    def in_lang(self, lang: str) -> str:
        """The message in ``lang``."""
        return str(in_language(self.pesan, lang))


def check_preconditions(kop: Books, year: int, *, today: dt.date | None = None) -> list[Problem]:
    """Every reason ``year`` cannot be closed now (empty: it can)."""
    today = today or hari_ini()
    end = dt.date(year, 12, 31)
    problems: list[Problem] = _load_problems(kop.errors)
    closed = closed_years(kop)
    if year in closed:
        problems.append(Problem("sudah-ditutup", Pesan(
            "tahun buku {tahun} sudah ditutup; untuk mengubahnya, buka dulu dengan "
            'kop buka-buku BUKU --tahun {tahun} --alasan "…"', tahun=year,
        )))
    if today <= end:
        problems.append(Problem("belum-berakhir", Pesan(
            "tahun buku {tahun} belum berakhir (hari ini {hari_ini}); tutup buku mulai {mulai}",
            tahun=year, hari_ini=today, mulai=end + dt.timedelta(days=1),
        )))
    years = sorted({e.date.year for e in kop.entries if isinstance(e, data.Transaction)})
    if not years or years[0] > year:
        problems.append(Problem("kosong", Pesan(
            "tidak ada transaksi pada atau sebelum {tahun}: tidak ada yang ditutup", tahun=year)))
    elif year > years[0] and (year - 1) not in closed:
        problems.append(Problem("tahun-sebelumnya", Pesan(
            "tahun buku sebelumnya, {tahun}, belum ditutup; tutup dulu: kop tutup-buku BUKU --tahun {tahun}",
            tahun=year - 1,
        )))
    later = [y for y in closed if y > year]
    if later and year not in closed:
        problems.append(Problem("tahun-berikutnya", Pesan(
            "tahun buku sesudahnya sudah ditutup ({tahun}); buka dulu tahun itu",
            tahun=", ".join(map(str, sorted(later))),
        )))
    shu_account = kop.roots.shu_tahun_berjalan
    if not _is_open(kop, shu_account, end):
        problems.append(Problem("akun-shu", Pesan(
            "akun SHU {akun} belum dibuka pada {tanggal}; tambahkan: {tahun}-01-01 open {akun} {mata_uang}",
            akun=shu_account, tanggal=end, tahun=years[0] if years else year, mata_uang=kop.currency,
        )))
    imbalance = sum(account_balances(kop.entries, currency=kop.currency, end=end).values(), ZERO)
    if imbalance != ZERO:
        problems.append(Problem("neraca", Pesan(
            "neraca per {tanggal} tidak seimbang: aset − liabilitas − ekuitas berselisih "
            "{selisih} {mata_uang} dari pendapatan − beban", tanggal=end, selisih=imbalance, mata_uang=kop.currency,
        )))
    others = _other_currencies(kop, year)
    if others:
        problems.append(Problem("mata-uang", Pesan(
            "akun pendapatan atau beban berisi mata uang selain {mata_uang} pada {tahun} "
            "({lain}); hanya {mata_uang} yang bisa ditutup ke SHU",
            mata_uang=kop.currency, tahun=year, lain=", ".join(others),
        )))
    problems += _shu_policy_problems(kop, year)
    return problems


def _is_open(kop: Books, account: str, date: dt.date) -> bool:
    return kop.katalog.terbuka(account, date)


def _other_currencies(kop: Books, year: int) -> list[str]:
    found: set[str] = set()
    katalog = kop.katalog
    for entry in kop.entries:
        if isinstance(entry, data.Transaction) and entry.date.year == year:
            for p in entry.postings:
                if p.units is not None and p.units.currency != kop.currency and katalog[p.account].laba_rugi:
                    found.add(p.units.currency)
    return sorted(found)


def _shu_policy_problems(kop: Books, year: int) -> list[Problem]:
    split = split_in_force(kop.shu_splits, dt.date(year, 12, 31))
    if split is None:
        return [Problem("kebijakan-shu", Pesan(
            'belum ada pembagian SHU (custom "shu-alokasi") yang berlaku pada {tahun}-12-31; tambahkan '
            "pembagian yang persennya berjumlah 100", tahun=year,
        ))]
    if split.total != 100:
        return [Problem("kebijakan-shu", Pesan(
            "pembagian SHU yang berlaku pada {tahun}-12-31 (tanggal {tanggal}) berjumlah {total}%, bukan 100%; "
            "perbaiki persennya agar tepat 100", tahun=year, tanggal=split.date, total=split.total,
        ))]
    try:
        shu.compute_shu(kop, year, sementara=True)
    except KopledgerError as exc:
        return [Problem("kebijakan-shu", Pesan("SHU {tahun} tidak bisa dihitung: {sebab}", tahun=year, sebab=Pesan.dari(exc)))]
    return []


# --- closing a ledger file ---------------------------------------------------------
class ClosingRefused(KopledgerError):
    """The year cannot be closed (or reopened) now; nothing was written."""

    def __init__(self, message: str, problems: Sequence[Problem], *, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.problems = list(problems)

    def __str__(self) -> str:
        return self.in_lang("id")

    def in_lang(self, lang: str) -> str:
        """The refusal in ``lang``: its own words, then every problem, then the hint."""
        lines = [self.message if lang == "id" else Pesan.dari(self).in_lang(lang),
                 *(f"  - {p.in_lang(lang)}" for p in self.problems)]
        hint = self._hint_in(lang)
        if hint:
            lines.append(hint)
        return "\n".join(lines)


@dataclass(frozen=True)
class NewYearFile:
    """The standalone file started for the next year (:mod:`kopledger.ops.year_file`): its path and text."""

    path: Path
    text: str
    saldo_awal: tuple[tuple[str, Decimal], ...]  # carried balances (beancount sign)


@dataclass(frozen=True)
class ClosingResult:
    """What ``close_year`` did (or, with ``dry_run``, would do)."""

    path: Path
    tahun: int
    shu: Decimal
    sidik: str
    akun: tuple[ClosedAccount, ...]
    entries: tuple[data.Directive, ...]
    text: str  # what was (or would be) appended to the ledger
    written: bool
    file_baru: NewYearFile | None = None
    judul: str = ""  # the koperasi's name


def carried_balances(kop: Books, year: int, plan: ClosingPlan | None = None) -> dict[str, Decimal]:
    """Balance-sheet balances at the end of ``year`` after closing (next year's opening)."""
    entries: list[data.Directive] = list(kop.entries)
    if plan is not None and plan.transaksi is not None:
        entries = sorted([*entries, plan.transaksi], key=data.entry_sortkey)
    totals = account_balances(entries, currency=kop.currency, end=dt.date(year, 12, 31))
    katalog = kop.katalog
    return {
        account: amount
        for account, amount in sorted(totals.items())
        if amount != ZERO and katalog[account].jenis in ("aset", "liabilitas", "ekuitas")
    }


def close_year(
    path: str | os.PathLike[str],
    year: int,
    *,
    dry_run: bool = False,
    new_file: str | os.PathLike[str] | None = None,
    today: dt.date | None = None,
    shu_date: dt.date | None = None,
    bukti: str | None = None,
) -> ClosingResult:
    """Close ``year`` of the ledger at ``path``: check, then append the closing entries.

    Everything is decided from the books as loaded under the writer's lock
    (:func:`kopledger.ops.writer.append_built`). Nothing is written when a precondition fails
    (:class:`ClosingRefused`), or with ``dry_run``. ``new_file`` also starts the next
    year's standalone file (:mod:`kopledger.ops.year_file`) and seals the ledger; it must not
    exist yet (nor be a symlink); a bare file name is made beside the ledger. ``shu_date``
    (the RAT date, after the year) also books the SHU allocation entry (``kopledger.ops.shu.compute``)
    in the same write — into the new file when there is one.
    """
    ledger = Path(path)
    today = today or hari_ini()
    target = new_file_path(ledger, new_file) if new_file is not None else None
    made: dict[str, Any] = {}

    def build(kop: Books) -> list[data.Directive]:
        problems = check_preconditions(kop, year, today=today)
        if target is not None:
            problems += new_file_problems(ledger, target)
        if problems:
            raise ClosingRefused.pesan(
                "tahun buku {tahun} tidak bisa ditutup; tidak ada yang ditulis:",
                problems,
                tahun=year,
            )
        plan = plan_closing(kop, year, tanggal=today, file_baru=None if target is None else os.path.relpath(
            target.resolve(), ledger.resolve().parent))
        entries: list[data.Directive] = list(plan.entries)
        if bukti is not None:
            # the receipt number goes on the lock only: the closing entries are fingerprinted
            # by it, and stamping them afterwards would break the sidik just computed
            _refuse_known_bukti(kop.entries, bukti)
            entries = [e._replace(meta={**e.meta, "bukti": bukti})
                       if isinstance(e, data.Custom) and e.type in LOCK_TYPES else e for e in entries]
        extra: list[data.Directive] = []
        if shu_date is not None:
            (extra if target is not None else entries).append(_allocation(kop, year, shu_date, today))
        made.update(plan=plan, title=kop.title, entries=[*entries, *extra])
        if target is not None:
            old = ledger.resolve().read_bytes()
            closed_bytes = old + _separator(old) + format_directives(entries).rstrip("\n").encode("utf-8") + b"\n"
            balances = carried_balances(kop, year, plan)
            sha = hashlib.sha256(closed_bytes).hexdigest()
            text = _year_file(kop, ledger, target, year, sha, plan.sidik, balances, extra, today)
            _validate_new_year(ledger, target, closed_bytes, kop, year, plan.sidik, balances, extra, today)
            made["file_baru"] = NewYearFile(target, text, tuple(balances.items()))
        return entries

    try:
        result = append_built(ledger, build, dry_run=dry_run)
    except LedgerHasErrors as exc:
        if "plan" in made:
            raise
        # the books already have errors: nothing will be written; say every reason at once
        problems = check_preconditions(Books.load(ledger), year, today=today) or _load_problems(exc.errors)
        raise ClosingRefused.pesan(
            "tahun buku {tahun} tidak bisa ditutup; tidak ada yang ditulis:",
            problems,
            tahun=year,
        ) from None
    plan = made["plan"]
    new_year: NewYearFile | None = made.get("file_baru")
    if new_year is not None and result.written:
        try:
            create_file(new_year.path, new_year.text, mode=ledger.stat().st_mode & 0o7777)
        except (OSError, KopledgerError) as exc:
            raise InputError.pesan(
                "tahun buku {tahun} sudah ditutup di {buku}, tetapi berkas baru {berkas_baru} tidak bisa "
                "dibuat ({sebab}); tidak ada perubahan lain",
                hint="Kosongkan path itu, lalu buka lagi tahunnya (kop buka-buku) dan tutup lagi dengan "
                     "--file-baru.",
                tahun=year, buku=ledger, berkas_baru=new_year.path,
                sebab=getattr(exc, 'strerror', None) or exc,
            ) from None
    entries = made["entries"]
    return ClosingResult(
        path=ledger, tahun=year, shu=plan.shu, sidik=plan.sidik, akun=plan.akun,
        entries=tuple(entries), text=format_directives(entries), written=result.written, file_baru=new_year,
        judul=made["title"],
    )


def new_file_path(ledger: Path, new_file: str | os.PathLike[str]) -> Path:
    """Where ``--file-baru`` makes the year file: a bare file name beside the ledger (so the two
    move together), any other path as given."""
    given = Path(new_file)
    return ledger.parent / given if not given.is_absolute() and given.parent == Path(".") else given


def new_file_problems(ledger: Path, target: Path) -> list[Problem]:
    """Why ``target`` cannot be the new year file: it exists (even as a dangling symlink), it is
    the ledger itself, or its folder is missing."""
    if target.is_symlink():
        return [Problem("file-baru-ada", Pesan(
            "{berkas} sudah ada sebagai tautan (symlink) ke {tujuan}; kop tutup-buku tidak menulis lewat "
            "tautan dan tidak pernah menimpa berkas: beri nama berkas baru yang belum ada",
            berkas=target, tujuan=os.readlink(target)))]
    if target.exists():
        if target.resolve() == ledger.resolve():
            return [Problem("file-baru-ada", Pesan("--file-baru harus berkas baru, bukan buku itu sendiri"))]
        return [Problem("file-baru-ada", Pesan(
            "{berkas} sudah ada; kop tutup-buku tidak pernah menimpa berkas", berkas=target))]
    if not target.parent.is_dir():
        return [Problem("file-baru-folder", Pesan(
            "folder untuk --file-baru tidak ditemukan: {folder}", folder=target.parent))]
    return []


def _load_problems(errors: Sequence[Any]) -> list[Problem]:
    """The books already have errors: the ``kesalahan`` / ``asersi`` preconditions."""
    from beancount.core.interpolate import BalanceError

    balance_errors = [e for e in errors if isinstance(e, BalanceError)]
    other_errors = [e for e in errors if not isinstance(e, BalanceError)]
    problems = []
    if other_errors:
        problems.append(Problem("kesalahan", Pesan(
            "buku berisi {jumlah} kesalahan; perbaiki dulu (kop cek menampilkan semuanya)", jumlah=len(other_errors),
        )))
    if balance_errors:
        first = balance_errors[0]
        problems.append(Problem("asersi", Pesan(
            "{jumlah} asersi saldo (balance) gagal, misalnya {lokasi}: {sebab}",
            jumlah=len(balance_errors), lokasi=_where(first.entry), sebab=str(first.message).strip(),
        )))
    return problems


def _year_file(
    kop: Books, ledger: Path, target: Path, year: int, sha: str, sidik: str,
    balances: dict[str, Decimal], extra: Sequence[data.Directive], today: dt.date, written: str | None = None,
) -> str:
    return year_file_text(
        kop, source=ledger, target=target, year=year, sha256=sha, sidik=sidik, balances=balances,
        extra=extra, today=today, written=written,
    )


def _allocation(kop: Books, year: int, date: dt.date, today: dt.date) -> data.Directive:
    """The SHU allocation entry of ``year`` dated ``date`` (after the year: the RAT)."""
    if date <= dt.date(year, 12, 31):
        raise InputError.pesan(
            "tanggal pembagian SHU {tanggal} harus sesudah tahun buku {tahun} (tanggal RAT), agar tidak "
            "mengubah tahun yang sudah ditutup",
            tanggal=date, tahun=year,
        )
    return shu.allocation_entry(kop, shu.compute_shu(kop, year, today=today), date)


def _validate_new_year(
    ledger: Path, target: Path, closed_bytes: bytes, kop: Books, year: int, sidik: str,
    balances: dict[str, Decimal], extra: Sequence[data.Directive], today: dt.date,
) -> None:
    """Load the new year's file against a closed copy of the ledger; refuse on any error.

    Both copies are written (hidden) beside their files first: a folder that cannot take them
    (full disk, no permission) is said here, naming the real file, before anything is written."""
    closed_copy: Path | None = None
    new_copy = target.parent / f".{target.name}.check.tmp"
    try:
        try:
            fd, closed_name = tempfile.mkstemp(dir=ledger.resolve().parent, prefix=f".{ledger.name}.", suffix=".tmp")
            closed_copy = Path(closed_name)
            with os.fdopen(fd, "wb") as handle:
                handle.write(closed_bytes)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            raise _preparing_fault(target, ledger, exc) from None
        written = os.path.relpath(closed_copy.resolve(), target.resolve().parent)
        text = _year_file(kop, ledger, new_copy, year, hashlib.sha256(closed_bytes).hexdigest(), sidik,
                          balances, extra, today, written=written)
        try:
            with open(new_copy, "x", encoding="utf-8") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
        except OSError as exc:
            raise _preparing_fault(target, target, exc) from None
        enabled = gc.isenabled()
        gc.disable()
        try:
            _, errors, _ = load_uncached(new_copy)
        finally:
            if enabled:
                gc.enable()
        if errors:
            raise LedgerHasErrors.pesan(
                "berkas baru {berkas} akan berisi kesalahan; tidak ada yang ditulis",
                errors,
                berkas=target,
            )
    finally:
        for tmp in (closed_copy, new_copy):
            if tmp is not None:
                with contextlib.suppress(FileNotFoundError):
                    tmp.unlink()


def _preparing_fault(target: Path, beside: Path, exc: OSError) -> WriteFault:
    """A write refused while preparing the year file ``target`` (in the folder of ``beside``)."""
    return WriteFault.pesan(
        "berkas baru {berkas} tidak bisa dibuat: {sebab} (menulis di folder {folder}); tidak ada yang ditulis",
        hint="Periksa izin folder dan sisa ruang disk, lalu ulangi perintahnya.",
        berkas=target, sebab=fault_message(exc), folder=beside.resolve().parent,
    )


@dataclass(frozen=True)
class ReopenResult:
    """What ``reopen_year`` did (or would do)."""

    path: Path
    tahun: int
    entry: data.Custom
    text: str
    written: bool


def reopen_year(
    path: str | os.PathLike[str], year: int, alasan: str, *, dry_run: bool = False, today: dt.date | None = None,
    bukti: str | None = None,
) -> ReopenResult:
    """Reopen a closed ``year`` on purpose: append ``custom "buka-buku"`` with the reason.

    Decided from the books loaded under the writer's lock (:func:`kopledger.ops.writer.append_built`).
    """
    if not alasan.strip():
        raise InputError.pesan('membuka tahun yang sudah ditutup perlu alasan: --alasan "…"')
    ledger = Path(path)
    made: list[data.Custom] = []

    def build(kop: Books) -> list[data.Directive]:
        state = lock_state(kop.entries)
        if year not in state.aktif:
            code, text = "belum-ditutup", Pesan("tahun buku {tahun} belum ditutup", tahun=year)
            if year in state.rantai:
                code, text = "arsip", Pesan(
                    "tahun buku {tahun} ada di berkas arsipnya sendiri; buka kembali di berkas itu, "
                    "lalu mulai lagi berkas tahun berikutnya", tahun=year,
                )
            raise ClosingRefused.pesan(
                "tahun buku {tahun} tidak bisa dibuka; tidak ada yang ditulis:",
                [Problem(code, text)],
                tahun=year,
            )
        later = sorted(y for y in state.aktif if y > year)
        if later:
            raise ClosingRefused.pesan(
                "tahun buku {tahun} tidak bisa dibuka; tidak ada yang ditulis:",
                [Problem("tahun-berikutnya", Pesan(
                    "tahun buku sesudahnya sudah ditutup ({tahun}); buka dulu tahun itu",
                    tahun=", ".join(map(str, later)),
                ))],
                tahun=year,
            )
        lock = state.aktif[year]
        tanggal = max(today or hari_ini(), lock.date)
        made.append(reopen_entry(year, alasan.strip(), tanggal))
        return list(made)

    result = append_built(ledger, build, dry_run=dry_run, bukti=bukti)
    return ReopenResult(ledger, year, made[0], format_directives(made), result.written)
