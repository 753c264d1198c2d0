"""The one safe path that appends directives to a ledger file.

Every write:

1. takes an exclusive advisory lock on ``.NAME.lock`` beside the ledger, so two ``kop``
   processes cannot interleave (the second waits for the first, then appends after it);
2. removes temp files that a killed writer may have left behind;
3. loads the ledger as it is now and refuses if it already has errors (the load goes
   through kopledger's own cache, :mod:`kopledger.cache`, so a command that has just
   loaded the books does not pay for a second full load of a large ledger);
4. writes the old bytes, untouched, plus the new text to a temp file in the same folder,
   fsyncs it, validates that candidate (incrementally against the books of step 3 where
   that is exact, else by loading it cold) and refuses if it has any error;
5. atomically renames the temp file over the ledger and fsyncs the folder.

:func:`append_built` builds the directives from the books loaded under the lock (step 3),
so read-decide-write is one atomic step across processes.

The ledger on disk is therefore always either the old file or the new whole file, even
if the process is killed at any point. A symlinked ledger is written through to its
target. ``dry_run`` does steps 1–4 and writes nothing to the ledger.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from beancount import loader
from beancount.core import data
from beancount.parser import printer

from kopledger import cache
from kopledger.errors import InputError, LedgerHasErrors

if TYPE_CHECKING:
    from kopledger.ledger import Koperasi

_TMP_SUFFIX = ".kop-tmp"


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


@contextlib.contextmanager
def ledger_lock(ledger: Path) -> Iterator[None]:
    """Hold an exclusive advisory lock for ``ledger`` (blocks until it is free).

    The lock is on a separate, never-replaced file, so it stays valid across the atomic
    rename of the ledger itself. The kernel releases it if the process dies.
    """
    with open(lock_path(ledger), "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def load_uncached(path: Path) -> tuple[list[data.Directive], list[Any], dict[str, Any]]:
    """Load a ledger file without reading or writing beancount's pickle cache."""
    return loader._load([(str(path.resolve()), True)], None, None, None)


def load_cached(path: Path) -> tuple[list[data.Directive], list[Any], dict[str, Any]]:
    """Load a ledger file through beancount's pickle cache (keyed on mtime and size)."""
    return loader.load_file(str(path.resolve()))


def append_directives(
    ledger: str | os.PathLike[str], entries: Sequence[data.Directive], *, dry_run: bool = False
) -> AppendResult:
    """Append ``entries`` to ``ledger`` safely (see the module doc); ``dry_run`` writes nothing."""
    return append_text(ledger, format_directives(entries), dry_run=dry_run)


def append_text(ledger: str | os.PathLike[str], text: str, *, dry_run: bool = False) -> AppendResult:
    """Append beancount ``text`` to ``ledger`` safely; ``dry_run`` validates but writes nothing."""
    return _append(ledger, lambda _loaded: text, dry_run=dry_run)


def append_built(
    ledger: str | os.PathLike[str],
    build: Callable[[Koperasi], Sequence[data.Directive]],
    *,
    dry_run: bool = False,
) -> AppendResult:
    """Build directives from the books *as they are under the lock*, then append them safely.

    ``build`` receives the freshly loaded :class:`~kopledger.ledger.Koperasi` while the lock
    is held, so a decision it makes (is this month already paid? is the balance enough?)
    cannot be invalidated by another ``kop`` process writing in between: two concurrent
    ``kop simpanan wajib --bulan M`` post each member's month once, and two withdrawals
    cannot together overdraw a balance. ``build`` may raise ``InputError``; nothing is
    written then.
    """

    def text_of(loaded: tuple[list[data.Directive], list[Any], dict[str, Any]]) -> str:
        from kopledger.ledger import Koperasi

        entries, errors, options = loaded
        return format_directives(build(Koperasi.from_entries(entries, errors, options, path=Path(ledger))))

    return _append(ledger, text_of, dry_run=dry_run)


def _append(
    ledger: str | os.PathLike[str],
    make_text: Callable[[tuple[list[data.Directive], list[Any], dict[str, Any]]], str],
    *,
    dry_run: bool,
) -> AppendResult:
    shown = Path(ledger)
    if not shown.is_file():
        raise InputError(
            f"berkas buku tidak ditemukan: {shown}",
            hint="Sebutkan path berkas .beancount utama, atau atur KOP_LEDGER.",
        )
    path = shown.resolve()  # write through a symlink to its target
    with ledger_lock(path):
        _remove_stale_temps(path)
        old = path.read_bytes()
        loaded = cache.load_books(path)  # kopledger's cache: verified by content and code
        errors = loaded[1]
        if errors:
            raise LedgerHasErrors(
                f"{shown} sudah berisi {len(errors)} kesalahan; tidak ada yang ditulis:",
                errors,
                hint="Perbaiki dulu kesalahannya (lihat: kop cek BUKU).",
            )
        text = make_text(loaded)
        if not text.strip():
            return AppendResult(shown, "", False)
        addition = text.rstrip("\n").encode("utf-8") + b"\n"
        new = old + _separator(old) + addition
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=_TMP_SUFFIX)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(new)
                handle.flush()
                os.fsync(handle.fileno())
            # validated incrementally against the books just loaded (kopledger.incremental);
            # where that cannot be exact, the candidate file is loaded cold
            new_errors = cache.validate_candidate(path, old, new)
            if new_errors is None:
                _, new_errors, _ = load_uncached(tmp)
            if new_errors:
                raise LedgerHasErrors(
                    "catatan baru ini akan menimbulkan kesalahan di buku; tidak ada yang ditulis:",
                    [_rename_source(e, tmp, shown) for e in new_errors],
                )
            if not dry_run:
                os.chmod(tmp, path.stat().st_mode & 0o7777)
                os.replace(tmp, path)
                _fsync_dir(path.parent)
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
    return AppendResult(shown, text, not dry_run)


def create_file(path: str | os.PathLike[str], text: str, *, mode: int = 0o644) -> Path:
    """Create a new file ``path`` holding ``text``: temp file in the same folder, fsync,
    then a hard link into place, which fails rather than overwrite an existing file."""
    target = Path(path)
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
            raise InputError(f"{target} sudah ada; kopledger tidak pernah menimpa berkas") from None
        _fsync_dir(target.parent)
    finally:
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
    source = getattr(error, "source", None)
    if isinstance(source, dict) and source.get("filename") in (str(tmp), str(tmp.resolve())):
        try:
            return error._replace(source={**source, "filename": str(path)})
        except (AttributeError, ValueError):
            return error
    return error


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
