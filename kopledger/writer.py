"""The one safe path that appends directives to a ledger file.

Every write: takes an exclusive lock (so two ``kop`` processes cannot interleave),
refuses a ledger that already has errors, writes the old bytes plus the new text to a
temp file in the same folder, fsyncs it, loads it and refuses if the new text adds any
error, then atomically renames it over the ledger and fsyncs the folder. The existing
bytes are never changed: the result is always either the old file or the new whole file.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from beancount import loader
from beancount.core import data
from beancount.parser import printer

from kopledger.errors import InputError, LedgerHasErrors


@dataclass(frozen=True)
class AppendResult:
    """What an append did: the text appended (or that would be), and whether it was written."""

    path: Path
    text: str
    written: bool


def format_directives(entries: Sequence[data.Directive]) -> str:
    """Beancount text of ``entries``, in beancount's own printer format."""
    return "\n".join(printer.format_entry(entry) for entry in entries)


def lock_path(ledger: Path) -> Path:
    """The lock file beside a ledger (``.buku.beancount.lock``)."""
    return ledger.with_name(f".{ledger.name}.lock")


@contextlib.contextmanager
def ledger_lock(ledger: Path) -> Iterator[None]:
    """Hold an exclusive advisory lock for ``ledger`` (blocks until it is free)."""
    with open(lock_path(ledger), "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def load_uncached(path: Path) -> tuple[list[data.Directive], list[Any], dict[str, Any]]:
    """Load a ledger file without reading or writing beancount's pickle cache."""
    return loader._load([(str(path.resolve()), True)], None, None, None)


def append_directives(
    ledger: str | os.PathLike[str], entries: Sequence[data.Directive], *, dry_run: bool = False
) -> AppendResult:
    """Append ``entries`` to ``ledger`` safely (see the module doc); ``dry_run`` writes nothing."""
    return append_text(ledger, format_directives(entries), dry_run=dry_run)


def append_text(ledger: str | os.PathLike[str], text: str, *, dry_run: bool = False) -> AppendResult:
    """Append beancount ``text`` to ``ledger`` safely; ``dry_run`` validates but writes nothing."""
    path = Path(ledger)
    if not path.is_file():
        raise InputError(f"ledger file not found: {path}")
    if not text.strip():
        return AppendResult(path, "", False)
    with ledger_lock(path):
        old = path.read_bytes()
        _, errors, _ = load_uncached(path)
        if errors:
            raise LedgerHasErrors(
                f"{path} already has {len(errors)} error(s); nothing was written",
                errors,
                hint="Fix them first (see: kop cek LEDGER).",
            )
        new = old + _separator(old) + text.rstrip("\n").encode("utf-8") + b"\n"
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(new)
                handle.flush()
                os.fsync(handle.fileno())
            _, new_errors, _ = load_uncached(tmp)
            if new_errors:
                raise LedgerHasErrors(
                    "the new entries would add error(s) to the books; nothing was written",
                    [_rename_source(e, tmp, path) for e in new_errors],
                )
            if dry_run:
                return AppendResult(path, text, False)
            os.chmod(tmp, path.stat().st_mode & 0o7777)
            os.replace(tmp, path)
            _fsync_dir(path.parent)
        finally:
            if tmp.exists():
                tmp.unlink()
    return AppendResult(path, text, True)


def _separator(old: bytes) -> bytes:
    if not old:
        return b""
    if old.endswith(b"\n\n"):
        return b""
    return b"\n" if old.endswith(b"\n") else b"\n\n"


def _rename_source(error: Any, tmp: Path, path: Path) -> Any:
    source = getattr(error, "source", None)
    if isinstance(source, dict) and source.get("filename") == str(tmp.resolve()):
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
