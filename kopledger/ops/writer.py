"""The one safe path that appends directives to a ledger file.

Every write:

1. takes an exclusive advisory lock on ``.NAME.lock`` beside the ledger, then on the same
   lock beside every file the books include (in name order), so two ``kop`` processes —
   also of two books sharing a file — cannot interleave (the second waits, then appends
   after). The wait is bounded (:data:`LOCK_TIMEOUT` seconds, ``KOP_LOCK_TIMEOUT``, or the
   ``lock_timeout`` parameter; a dry run too): a lock not had in time, or held by a stopped
   process (Ctrl-Z), is :class:`BooksBusy`, naming the holder (its pid and command line,
   which the holder writes into the lock file);
2. removes temp files that a killed writer may have left behind;
3. reads every file of the books (regular files only: a FIFO or a device is refused), keeps
   their content hashes, loads the ledger and refuses if it already has errors (the load
   goes through kopledger's own cache, :mod:`kopledger.books.load.cache`, so a command that
   has just loaded the books does not pay for a second full load of a large ledger);
4. writes the old bytes, untouched, plus the new text to a temp file in the same folder,
   fsyncs it, validates that candidate (incrementally against the books of step 3 where
   that is exact, else by loading it cold) with every check ``kop cek`` runs
   (:func:`kopledger.ops.cek.book_errors`) and refuses if it has any error;
5. gives the temp file the ledger's owner, group and mode, compares every file read in
   step 3 with the disk — a change it did not read (a hand edit, a Fava save) is never
   overwritten: the write starts again from step 3, deciding again on the books as they now
   are (at most :data:`RETRIES` times, then :class:`BooksChanged`) — and atomically
   renames the temp file over the ledger and fsyncs the folder.

:func:`append_built` builds the directives from the books loaded under the lock (step 3),
so read-decide-write is one atomic step across processes.

The ledger on disk is therefore always either the old file or the new whole file, even
if the process is killed at any point. A symlinked ledger is written through to its
target. ``dry_run`` does steps 1–4 and writes nothing to the ledger.

Further guarantees (docs/keamanan-data.md):

- a ledger file without any write permission bit is never written, not even by root
  ("the treasurer's lock"): :class:`LedgerLocked`;
- ``bukti`` (a receipt number) is recorded as metadata on every directive written; a
  ``bukti`` already in the books refuses the write and names where it is
  (:class:`AlreadyWritten`), so a command retried after a crash writes nothing twice;
- a fault of the file system (EACCES, EROFS, ENOSPC…) is one :class:`WriteFault` with a
  clear message; the books are unchanged and no temp file is left behind.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from beancount.core import data
from beancount.parser import printer

from kopledger.books import beancount_api
from kopledger.books.ledger import Books
from kopledger.books.load import cache
from kopledger.core.book_files import NotRegularFile, is_regular, read_regular, require_regular
from kopledger.core.errors import InputError, KopledgerError, LedgerHasErrors, Pesan
from kopledger.ops.cek import book_errors

B = TypeVar("B", bound=Books)

_TMP_SUFFIX = ".kop-tmp"

#: A receipt number: letters, digits and ``. / _ -``, at most 40 characters.
BUKTI_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9./_-]{0,39}", re.ASCII)


class WriteFault(KopledgerError):
    """The file system refused a write (no permission, read-only, disk full): nothing changed."""


class BooksChanged(KopledgerError):
    """The books kept changing while a write was being made (an editor saving again and again)."""


class BooksBusy(KopledgerError):
    """The books' lock could not be had in time: another process holds it (named in the message)."""


class LedgerLocked(KopledgerError):
    """The ledger file has no write permission bits: kopledger never writes it."""


class AlreadyWritten(KopledgerError):
    """A ``bukti`` (receipt number) is already in the books: the write was done before."""

    def __init__(self, message: str, where: str, *, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.where = where


_FAULTS = {
    errno.EACCES: "tidak ada izin menulis",
    errno.EPERM: "tidak ada izin menulis",
    errno.EROFS: "sistem berkasnya hanya-baca (read-only)",
    errno.ENOSPC: "disk penuh (no space left on device)",
    errno.EDQUOT: "kuota disk habis",
    errno.EFBIG: "berkas terlalu besar untuk sistem berkas ini",
}


def fault_message(exc: OSError) -> str:
    """An OSError as a short Indonesian reason (``disk penuh``…, a :class:`Pesan`, so it is
    translated with the error), else its own text."""
    reason = _FAULTS.get(exc.errno or 0)
    return Pesan.kata(reason) if reason else exc.strerror or str(exc)


def check_bukti(bukti: str) -> str:
    """``bukti`` if it is a valid receipt number, else :class:`InputError` saying what is allowed."""
    if not BUKTI_RE.fullmatch(bukti):
        raise InputError.pesan(
            "--bukti {bukti!r} tidak sah: pakai huruf, angka dan . / _ - saja (paling banyak 40), misalnya "
            "KW-2026-0012",
            bukti=bukti,
        )
    return bukti


@dataclass(frozen=True)
class AppendResult:
    """What an append did: the text appended (or that would be), and whether it was written."""

    path: Path
    text: str
    written: bool


def format_directives(entries: Sequence[data.Directive]) -> str:
    """Beancount text of ``entries``, in beancount's own printer format, blank-line separated."""
    blocks = [printer.format_entry(entry).strip("\n") for entry in entries]
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def lock_path(ledger: Path) -> Path:
    """The lock file beside a ledger (``.buku.beancount.lock``)."""
    return ledger.with_name(f".{ledger.name}.lock")


#: Seconds a writer waits for the books' lock before :class:`BooksBusy` (``KOP_LOCK_TIMEOUT``).
LOCK_TIMEOUT = 60.0
LOCK_TIMEOUT_ENV = "KOP_LOCK_TIMEOUT"
#: A holder seen stopped (Ctrl-Z) this long is not waited for any longer.
STOPPED_GRACE = 1.0


def lock_wait(value: float | None = None) -> float:
    """The lock wait in seconds: ``value``, else ``$KOP_LOCK_TIMEOUT``, else :data:`LOCK_TIMEOUT`."""
    if value is not None:
        return max(0.0, float(value))
    raw = os.environ.get(LOCK_TIMEOUT_ENV, "").strip()
    if raw:
        try:
            return max(0.0, float(raw))
        except ValueError:
            raise InputError.pesan(
                "{nama}={nilai!r} tidak sah: tulis jumlah detik, misalnya 60", nama=LOCK_TIMEOUT_ENV, nilai=raw,
            ) from None
    return LOCK_TIMEOUT


@dataclass(frozen=True)
class LockHolder:
    """Who holds a lock, as the holder wrote it into the lock file."""

    pid: int
    command: str

    def stopped(self) -> bool:
        """Whether the holder is stopped (Ctrl-Z, SIGSTOP, or a debugger)."""
        try:
            stat = Path(f"/proc/{self.pid}/stat").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False
        state = stat[stat.rfind(")") + 2:][:1]
        return state in ("T", "t")


def _own_command() -> str:
    try:
        raw = Path("/proc/self/cmdline").read_bytes()
        words = [w.decode("utf-8", "replace") for w in raw.split(b"\0") if w]
    except OSError:
        words = list(sys.argv)
    return " ".join(words)[:500]


def _holder(handle: Any) -> LockHolder | None:
    """The holder recorded in an open lock file (None: none recorded, e.g. an older kopledger)."""
    try:
        text = os.pread(handle.fileno(), 4096, 0).decode("utf-8", "replace")
    except OSError:
        return None
    pid, _, command = text.partition("\n")
    try:
        return LockHolder(int(pid), command.strip().replace("\n", " "))
    except ValueError:
        return None


def _acquire(handle: Any, ledger: Path, deadline: float, timeout: float) -> None:
    """Take the exclusive lock on the open lock file ``handle`` by ``deadline`` (monotonic), else
    :class:`BooksBusy`; then record this process as its holder."""
    delay = 0.005
    stopped_since: float | None = None
    while True:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            pass
        now = time.monotonic()
        holder = _holder(handle)
        if holder is not None and holder.stopped():
            stopped_since = now if stopped_since is None else stopped_since
        else:
            stopped_since = None
        if now >= deadline or (stopped_since is not None and now - stopped_since >= min(STOPPED_GRACE, timeout)):
            raise _busy(ledger, holder, timeout, stopped=stopped_since is not None)
        time.sleep(min(delay, max(0.0, deadline - now)))
        delay = min(delay * 2, 0.1)
    with contextlib.suppress(OSError):  # who holds it, for the ones waiting (not needed for the lock)
        os.ftruncate(handle.fileno(), 0)
        os.pwrite(handle.fileno(), f"{os.getpid()}\n{_own_command()}\n".encode(), 0)


def _release(handle: Any) -> None:
    with contextlib.suppress(OSError):
        os.ftruncate(handle.fileno(), 0)
    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _busy(ledger: Path, holder: LockHolder | None, timeout: float, *, stopped: bool) -> BooksBusy:
    who = (Pesan("pid {pid}: {perintah}", pid=holder.pid, perintah=holder.command or "?") if holder is not None
           else Pesan.kata("proses tak dikenal"))
    if stopped:
        return BooksBusy.pesan(
            "buku {buku} sedang dikunci oleh proses yang dihentikan sementara (Ctrl-Z) ({pemegang}); tidak ada "
            "yang ditulis",
            hint="Lanjutkan proses itu (fg di terminalnya) atau hentikan, lalu ulangi perintah ini.",
            buku=ledger, pemegang=who,
        )
    return BooksBusy.pesan(
        "buku {buku} sedang ditulis proses lain ({pemegang}); kuncinya tidak lepas dalam {detik} detik, tidak ada "
        "yang ditulis",
        hint="Tunggu perintah itu selesai lalu ulangi perintah ini.",
        buku=ledger, pemegang=who, detik=f"{timeout:g}",
    )


@contextlib.contextmanager
def ledger_lock(ledger: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold an exclusive advisory lock for ``ledger``, waiting at most ``timeout`` seconds
    (:func:`lock_wait`), else :class:`BooksBusy` naming the holder.

    The lock is on a separate, never-replaced file, so it stays valid across the atomic
    rename of the ledger itself. The kernel releases it if the process dies.
    """
    wait = lock_wait(timeout)
    with open(lock_path(ledger), "a+b") as handle:
        _acquire(handle, ledger, time.monotonic() + wait, wait)
        try:
            yield
        finally:
            _release(handle)


def writable_bits(path: Path) -> bool:
    """Whether the ledger file has any write permission bit (the treasurer's lock is none)."""
    return bool(path.stat().st_mode & 0o222)


def load_uncached(path: Path) -> tuple[list[data.Directive], list[Any], dict[str, Any]]:
    """Load a ledger file cold: beancount's own load, no cache of any kind."""
    return beancount_api.load_cold(str(path.resolve()))


def append_directives(
    ledger: str | os.PathLike[str],
    entries: Sequence[data.Directive],
    *,
    dry_run: bool = False,
    bukti: str | None = None,
    lock_timeout: float | None = None,
) -> AppendResult:
    """Append fixed ``entries`` (decided by the caller) safely; prefer :func:`append_built`."""
    fixed = list(entries)
    return append_built(ledger, lambda _kop: fixed, dry_run=dry_run, bukti=bukti, lock_timeout=lock_timeout)


def append_text(
    ledger: str | os.PathLike[str], text: str, *, dry_run: bool = False, lock_timeout: float | None = None
) -> AppendResult:
    """Append beancount ``text`` to ``ledger`` safely; ``dry_run`` validates but writes nothing.
    ``lock_timeout``: seconds to wait for the books' lock (see :func:`ledger_lock`)."""
    return _append(ledger, lambda _loaded: text, dry_run=dry_run, lock_timeout=lock_timeout)


def append_built(
    ledger: str | os.PathLike[str],
    build: Callable[[B], Sequence[data.Directive]],
    *,
    dry_run: bool = False,
    bukti: str | None = None,
    books: type[B] = Books,  # type: ignore[assignment]
    lock_timeout: float | None = None,
) -> AppendResult:
    """Build directives from the books *as they are under the lock*, then append them safely.

    ``build`` receives the freshly loaded books (of type ``books``: the shells pass
    :class:`kopledger.Koperasi`) while the lock
    is held, so a decision it makes (is this month already paid? is the balance enough?)
    cannot be invalidated by another ``kop`` process writing in between: two concurrent
    ``kop simpanan wajib --bulan M`` post each member's month once, and two withdrawals
    cannot together overdraw a balance. ``build`` may raise ``InputError``; nothing is
    written then.

    ``bukti`` (a receipt number) is checked first: when the books already hold it, nothing
    is built and :class:`AlreadyWritten` names the file:line. Otherwise every directive
    built carries ``bukti: "…"`` (and ``bukti-ke: N`` when the write has several).

    ``lock_timeout``: seconds to wait for the books' lock, else :class:`BooksBusy` (default
    ``$KOP_LOCK_TIMEOUT``, else :data:`LOCK_TIMEOUT`); a dry run waits the same.
    """
    if bukti is not None:
        check_bukti(bukti)

    def text_of(loaded: tuple[list[data.Directive], list[Any], dict[str, Any]]) -> str:
        entries, errors, options = loaded
        if bukti is not None:
            _refuse_known_bukti(entries, bukti)
        built = list(build(books.from_entries(entries, errors, options, path=Path(ledger))))
        if bukti is not None:
            built = stamp_bukti(built, bukti)
        return format_directives(built)

    return _append(ledger, text_of, dry_run=dry_run, lock_timeout=lock_timeout)


def stamp_bukti(entries: Sequence[data.Directive], bukti: str) -> list[data.Directive]:
    """``entries`` with metadata ``bukti`` (and ``bukti-ke`` 1, 2, … when there are several)."""
    several = len(entries) > 1
    stamped: list[data.Directive] = []
    for number, entry in enumerate(entries, start=1):
        meta = dict(entry.meta or {})
        meta["bukti"] = bukti
        if several:
            meta["bukti-ke"] = Decimal(number)
        stamped.append(entry._replace(meta=meta))
    return stamped


def find_bukti(entries: Sequence[data.Directive], bukti: str) -> data.Directive | None:
    """The first entry of the books carrying metadata ``bukti``, or ``None``."""
    for entry in entries:
        meta = entry.meta
        if meta and meta.get("bukti") == bukti:
            return entry
    return None


def _refuse_known_bukti(entries: Sequence[data.Directive], bukti: str) -> None:
    found = find_bukti(entries, bukti)
    if found is None:
        return
    where = f"{found.meta.get('filename')}:{found.meta.get('lineno')}"
    raise AlreadyWritten.pesan(
        "bukti {bukti} sudah tercatat di buku ({lokasi}, tanggal {tanggal}); tidak ada yang ditulis",
        where,
        hint="Perintah ini sudah pernah berhasil (mungkin sebelum terputus); periksa catatan itu, jangan "
             "diulang. Untuk transaksi lain, pakai nomor bukti lain.",
        bukti=bukti, lokasi=where, tanggal=found.date,
    )


def _load_books(path: Path) -> tuple[list[data.Directive], list[Any], dict[str, Any]]:
    """The books at ``path`` as they are now, loaded while the writer holds the lock.

    Returns beancount's ``(entries, errors, options)``. This is where a write decides from:
    through kopledger's own cache (:mod:`kopledger.books.load.cache`, verified by content and code;
    never beancount's pickle cache), cold with ``KOP_CACHE=0``.
    """
    return cache.load_books(path, defer=True)


def _refuse_locked(shown: Path, path: Path) -> None:
    if not writable_bits(path):
        raise LedgerLocked.pesan(
            "buku {buku} dikunci (izin berkas {izin}, tanpa izin tulis); kopledger tidak menulis buku yang "
            "dikunci, juga sebagai root",
            hint="Bila memang boleh ditulis, buka kuncinya dulu: chmod u+w {buku}",
            buku=shown, izin=oct(path.stat().st_mode & 0o777)[2:],
        )


#: How many times a write reads the books again when they changed while it was being made.
RETRIES = 5


def _append(
    ledger: str | os.PathLike[str],
    make_text: Callable[[tuple[list[data.Directive], list[Any], dict[str, Any]]], str],
    *,
    dry_run: bool,
    lock_timeout: float | None = None,
) -> AppendResult:
    shown = Path(ledger)
    if shown.exists() and not is_regular(shown):
        require_regular(shown)  # a FIFO or a device is refused, never opened
    if not shown.is_file():
        raise InputError.pesan(
            "berkas buku tidak ditemukan: {buku}",
            hint="Sebutkan path berkas .beancount utama, atau atur KOP_LEDGER.",
            buku=shown,
        )
    path = shown.resolve()  # write through a symlink to its target
    wait = lock_wait(lock_timeout)
    try:
        with _Locks(time.monotonic() + wait, wait) as locks:
            locks.take([path], main=True)
            try:
                return _append_locked(shown, path, make_text, dry_run=dry_run, locks=locks)
            finally:
                cache.settle(path)  # the books' snapshot, where the write did not leave one
    except OSError as exc:
        raise WriteFault.pesan(
            "buku {buku} tidak bisa ditulis: {sebab} ({lokasi}); tidak ada yang ditulis, buku tidak berubah",
            hint="Periksa izin folder dan sisa ruang disk, lalu ulangi perintahnya.",
            buku=shown, sebab=fault_message(exc), lokasi=exc.filename or path.parent,
        ) from None


class _Locks:
    """The locks of one write: one on every file the books read (main file first, then the
    others in name order), all by one deadline; released together."""

    def __init__(self, deadline: float, wait: float) -> None:
        self.deadline = deadline
        self.wait = wait
        self.held: set[Path] = set()
        self._stack = contextlib.ExitStack()

    def __enter__(self) -> _Locks:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def take(self, files: Iterable[Path], *, main: bool = False) -> None:
        """Lock ``files`` not locked yet. ``main``: the file written (its lock file must be made);
        an included file whose folder does not let this user make its lock file is read unlocked
        (no ``kop`` of this user can write it either), its changes still caught by the fingerprints."""
        for file in sorted(set(files) - self.held):
            handle = _open_lock(file, required=main)
            self.held.add(file)
            if handle is None:
                continue
            self._stack.enter_context(handle)
            _acquire(handle, file, self.deadline, self.wait)
            self._stack.callback(_release, handle)


def _open_lock(file: Path, *, required: bool) -> Any:
    """The lock file of ``file``, open (None: it cannot be had, only when not ``required``).

    Made by root (``sudo kop …``), it is given to the owner of ``file``, so her own ``kop``
    can still take it; one that cannot be opened for writing is locked read-only (flock
    needs no write access; the holder's name is then not recorded)."""
    try:
        handle = open(lock_path(file), "a+b")  # noqa: SIM115  (closed by _Locks)
    except PermissionError:
        try:
            return open(lock_path(file), "rb")
        except OSError:
            if required:
                raise
            return None
    except OSError:
        if required:
            raise
        return None
    if os.geteuid() == 0:
        with contextlib.suppress(OSError):
            owner = file.stat()
            if os.fstat(handle.fileno()).st_uid != owner.st_uid:
                os.fchown(handle.fileno(), owner.st_uid, owner.st_gid)
    return handle


def _fingerprints(files: dict[str, bytes]) -> dict[str, str]:
    return {name: _digest(blob) for name, blob in files.items()}


def _digest(blob: bytes) -> str:
    return hashlib.blake2b(blob, digest_size=20).hexdigest()


def _fingerprints_now(names: Iterable[str]) -> dict[str, str]:
    """The content hashes of ``names`` as they are on disk now (a missing file: empty)."""
    found = {}
    for name in names:
        try:
            found[name] = _digest(read_regular(name))
        except (OSError, NotRegularFile):
            found[name] = ""
    return found


def _read_locked(path: Path, locks: _Locks) -> dict[str, bytes]:
    """The bytes of every file the books at ``path`` read, each under the lock (taken here)."""
    while True:
        files = beancount_api.book_files(str(path))
        new = {Path(name) for name in files} - locks.held
        if not new:
            return files
        locks.take(new)  # then read again: a file may have changed before its lock was had


def _included(loaded: tuple[list[data.Directive], list[Any], dict[str, Any]]) -> set[Path]:
    return {Path(name) for name in loaded[2].get("include") or []}


def _append_locked(
    shown: Path,
    path: Path,
    make_text: Callable[[tuple[list[data.Directive], list[Any], dict[str, Any]]], str],
    *,
    dry_run: bool,
    locks: _Locks,
) -> AppendResult:
    _remove_stale_temps(path)
    if not dry_run:
        _refuse_locked(shown, path)
    for _attempt in range(RETRIES):
        read = _read_locked(path, locks)
        old = read.get(str(path))
        if old is None:  # gone (or unreadable) between the check and the lock
            old = read_regular(path)
            read[str(path)] = old
        loaded = _load_books(path)
        if _included(loaded) - locks.held:  # the load read a file the scan did not: lock it, read again
            locks.take(_included(loaded))
            continue
        errors = loaded[1]
        if errors:
            raise LedgerHasErrors.pesan(
                "{buku} sudah berisi {jumlah} kesalahan; tidak ada yang ditulis:",
                errors,
                hint="Perbaiki dulu kesalahannya (lihat: kop cek BUKU).",
                buku=shown, jumlah=len(errors),
            )
        try:
            text = make_text(loaded)
        except OSError as exc:  # reading something else (an import file) failed: not a write fault
            raise InputError.pesan(
                "{berkas} tidak bisa dibaca: {sebab}; tidak ada yang ditulis",
                berkas=exc.filename or '', sebab=exc.strerror or exc,
            ) from None
        del loaded  # one set of books in memory at a time
        if not text.strip():
            return AppendResult(shown, "", False)
        read_as = _fingerprints(read)
        del read
        addition = text.rstrip("\n").encode("utf-8") + b"\n"
        if _write_checked(shown, path, old, old + _separator(old) + addition, read_as, dry_run=dry_run):
            return AppendResult(shown, text, not dry_run)
    raise BooksChanged.pesan(
        "buku {buku} terus berubah selama ditulis ({kali} kali dibaca ulang); tidak ada yang ditulis",
        hint="Ada yang sedang menyunting buku (editor, Fava, skrip). Tunggu sampai selesai, lalu ulangi perintahnya.",
        buku=shown, kali=RETRIES,
    )


def _write_checked(
    shown: Path, path: Path, old: bytes, new: bytes, read_as: dict[str, str], *, dry_run: bool
) -> bool:
    """Write ``new`` over ``path`` (validated first, atomically) if every file the write read is
    still as it was read (``read_as``): True when done (or a dry run), False when a file changed
    since (nothing written: the caller reads again and decides again)."""
    tmp: Path | None = None
    try:
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=_TMP_SUFFIX)
        tmp = Path(tmp_name)
        with os.fdopen(fd, "wb") as handle:
            handle.write(new)
            handle.flush()
            os.fsync(handle.fileno())
        _validate(shown, path, tmp, old, new, dry_run=dry_run)
        if dry_run:
            return True
        _keep_owner_and_mode(tmp, path.stat())
        # the last moment before the rename: a change the write did not read is never overwritten
        if _fingerprints_now(read_as) != read_as:
            return False
        os.replace(tmp, path)
        _fsync_dir(path.parent)
        return True
    finally:
        if tmp is not None:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()


def _validate(shown: Path, path: Path, tmp: Path, old: bytes, new: bytes, *, dry_run: bool) -> None:
    """:class:`LedgerHasErrors` unless the candidate ``new`` passes every check ``kop cek`` runs
    (:func:`kopledger.ops.cek.book_errors`): incrementally against the books just loaded
    (kopledger.books.load.incremental) where that is exact, else the temp file ``tmp`` loaded cold."""
    loaded = cache.candidate_books(path, old, new, kept=not dry_run)
    if loaded is None:
        loaded = load_uncached(tmp)
    entries, errors, options = loaded
    del loaded
    found = book_errors(Books.from_entries(entries, errors, options, path=shown))
    del entries
    if not found:
        return
    found = [_rename_source(e, tmp, shown) for e in found]
    if not errors:  # only ``kop cek``'s further checks: were they failing already?
        before = cache.load_books(path)
        if before[1] or book_errors(Books.from_entries(*before, path=shown)):
            raise LedgerHasErrors.pesan(
                "{buku} sudah berisi {jumlah} kesalahan; tidak ada yang ditulis:",
                found,
                hint="Perbaiki dulu kesalahannya (lihat: kop cek BUKU).",
                buku=shown, jumlah=len(found),
            )
    raise LedgerHasErrors.pesan(
        "catatan baru ini akan menimbulkan kesalahan di buku; tidak ada yang ditulis:",
        found,
    )


def _keep_owner_and_mode(tmp: Path, was: os.stat_result) -> None:
    """Give the new file the old one's owner, group and mode (``sudo kop …`` leaves the
    treasurer's books hers); a user who may not give a file away keeps it (the folder let her
    replace it)."""
    now = tmp.stat()
    if (now.st_uid, now.st_gid) != (was.st_uid, was.st_gid):
        with contextlib.suppress(PermissionError):
            os.chown(tmp, was.st_uid, was.st_gid)
    os.chmod(tmp, was.st_mode & 0o7777)


def create_file(path: str | os.PathLike[str], text: str, *, mode: int = 0o644) -> Path:
    """Create a new file ``path`` holding ``text``: temp file in the same folder, fsync,
    then a hard link into place, which fails rather than overwrite an existing file."""
    target = Path(path)
    try:
        return _create_file(target, text, mode)
    except OSError as exc:
        raise WriteFault.pesan(
            "{berkas} tidak bisa dibuat: {sebab} ({lokasi}); tidak ada yang ditulis",
            hint="Periksa izin folder dan sisa ruang disk, lalu ulangi perintahnya.",
            berkas=target, sebab=fault_message(exc), lokasi=exc.filename or target.parent,
        ) from None


def _create_file(target: Path, text: str, mode: int) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        try:
            os.link(tmp, target)
        except FileExistsError:
            raise InputError.pesan(
                "{berkas} sudah ada; kopledger tidak pernah menimpa berkas",
                berkas=target,
            ) from None
        _fsync_dir(target.parent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return target


def _remove_stale_temps(path: Path) -> None:
    """Delete temp files of this ledger left by a killed writer (called under the lock)."""
    for stale in path.parent.glob(f".{path.name}.*{_TMP_SUFFIX}"):
        with contextlib.suppress(OSError):
            stale.unlink()


def _separator(old: bytes) -> bytes:
    if not old or old.endswith(b"\n\n"):
        return b""
    return b"\n" if old.endswith(b"\n") else b"\n\n"


def _rename_source(error: Any, tmp: Path, path: Path) -> Any:
    """``error`` of the candidate temp file ``tmp`` as an error of the ledger ``path``: its
    source, and any mention of the temp file in its message (e.g. a lock's location)."""
    names = {str(tmp), str(tmp.resolve())}
    changes: dict[str, Any] = {}
    source = getattr(error, "source", None)
    if isinstance(source, dict) and source.get("filename") in names:
        changes["source"] = {**source, "filename": str(path)}
    message = getattr(error, "message", None)
    if isinstance(message, str) and any(name in message for name in names):
        for name in sorted(names, key=len, reverse=True):
            message = message.replace(name, str(path))
        changes["message"] = message
    if not changes:
        return error
    try:
        return error._replace(**changes)
    except (AttributeError, ValueError):
        return error


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
