"""Reading the books' files: regular files only.

A FIFO, a device (``/dev/zero``), a socket or a folder is never read as books: opening a FIFO
waits for a writer and reading ``/dev/zero`` never ends, so either would hang every command.
:func:`read_regular` opens without waiting (``O_NONBLOCK``), checks what it opened, and
raises :class:`NotRegularFile` with a clear message instead.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from kopledger.core.errors import InputError, Pesan


class NotRegularFile(InputError):
    """A file of the books is not a regular file (a FIFO, a device…): it is never read."""


_KINDS = (
    (stat.S_ISFIFO, "FIFO (pipa bernama)"),
    (stat.S_ISCHR, "perangkat karakter"),
    (stat.S_ISBLK, "perangkat blok"),
    (stat.S_ISSOCK, "soket"),
    (stat.S_ISDIR, "folder"),
)


def kind(mode: int) -> str:
    """What a non-regular file is, as a :class:`Pesan` word (``FIFO (pipa bernama)``…)."""
    for test, word in _KINDS:
        if test(mode):
            return Pesan.kata(word)
    return Pesan.kata("bukan berkas biasa")


def refusal(path: str | os.PathLike[str], mode: int, where: str | None = None) -> NotRegularFile:
    """The error for books file ``path`` of ``mode``; ``where``: the ``file:line`` naming it."""
    if where:
        return NotRegularFile.pesan(
            "{lokasi}: include {berkas} bukan berkas biasa ({jenis}); buku tidak dibaca",
            hint="kopledger hanya membaca berkas biasa sebagai buku; sebutkan berkas .beancount yang sebenarnya.",
            lokasi=where, berkas=str(path), jenis=kind(mode),
        )
    return NotRegularFile.pesan(
        "{berkas} bukan berkas biasa ({jenis}); buku tidak dibaca",
        hint="kopledger hanya membaca berkas biasa sebagai buku; sebutkan berkas .beancount yang sebenarnya.",
        berkas=str(path), jenis=kind(mode),
    )


def require_regular(path: str | os.PathLike[str], where: str | None = None) -> None:
    """:class:`NotRegularFile` unless ``path`` (symlinks followed) is a regular file; a missing
    file passes (its reader reports it)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return
    if not stat.S_ISREG(mode):
        raise refusal(path, mode, where)


def read_regular(path: str | os.PathLike[str], where: str | None = None) -> bytes:
    """The bytes of ``path`` if it is a regular file, else :class:`NotRegularFile` (never waits
    on a FIFO, never reads a device); :class:`OSError` as ``Path.read_bytes``."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise refusal(path, mode, where)
        with open(fd, "rb", closefd=False) as handle:
            return handle.read()
    finally:
        os.close(fd)


def is_regular(path: Path) -> bool:
    """Whether ``path`` (symlinks followed) is a regular file."""
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False
