"""Where kopledger keeps its caches, whether they are on, and the key that signs them.

The cache folder (``$XDG_CACHE_HOME/kopledger``, else ``~/.cache/kopledger``) holds
snapshots that are unpickled, so it must be the user's alone:

- every level kopledger creates (the base folder too, when missing) is made 0700;
- the folder, and each of its sub-folders that exists, must be owned by the user and not
  writable by group or others; otherwise it is refused: one line on stderr, and the
  command runs with no cache (:func:`enabled` is False);
- :func:`key` is a random key in a 0600 file of the user's in that folder (created
  atomically on first use; refused when its owner or mode is wrong): every file the cache
  layer unpickles carries an HMAC-SHA256 under it, checked before unpickling.

``KOP_CACHE=0`` turns every kopledger cache off.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
import sys
from pathlib import Path

from kopledger.core.errors import Pesan

ENV = "KOP_CACHE"

#: The sub-folders the cache layers use (checked whenever they exist).
SUBFOLDERS = ("books", "results", "sidik")

#: The file of the key the cache's files are signed with, in the cache folder.
KEY_FILE = "kunci-cache"
KEY_BYTES = 32

#: Refusals already reported by this process (one line each, not one per load).
_REPORTED: set[str] = set()


def cache_root() -> Path:
    """``$XDG_CACHE_HOME/kopledger``, else ``~/.cache/kopledger``."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "kopledger"


def enabled() -> bool:
    """False when ``KOP_CACHE=0``, or when the cache folder is not the user's alone (reported)."""
    if os.environ.get(ENV, "1").strip() == "0":
        return False
    root = cache_root()
    for folder in (root, *(root / name for name in SUBFOLDERS)):
        reason = _refusal(folder)
        if reason is not None:
            _report(folder, reason)
            return False
    return True


def _refusal(folder: Path) -> Pesan | None:
    """Why ``folder`` cannot hold the cache (None: it can, or it does not exist yet)."""
    try:
        info = folder.stat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        return Pesan("tidak terbaca ({sebab})", sebab=exc.strerror or exc)
    if not stat.S_ISDIR(info.st_mode):
        return Pesan("bukan folder")
    if info.st_uid != os.geteuid():
        return Pesan("milik pengguna lain (uid {uid})", uid=info.st_uid)
    if info.st_mode & 0o022:
        return Pesan("dapat ditulis pengguna lain (mode {mode})", mode=oct(stat.S_IMODE(info.st_mode))[2:])
    return None


def _report(path: Path, reason: Pesan) -> None:
    """One line on stderr, once per process and path, in the reader's language."""
    key = f"{path}|{reason}"
    if key in _REPORTED:
        return
    _REPORTED.add(key)
    message = Pesan(
        "kop: peringatan: cache {folder} tidak dipakai karena {sebab}; perintah berjalan tanpa cache "
        "(hapus itu, atau jadikan milik Anda saja: chmod 700 untuk folder, 600 untuk berkas)",
        folder=path, sebab=reason,
    )
    with contextlib.suppress(OSError, ValueError):
        print(message.in_lang(_reader_language()), file=sys.stderr)


def _reader_language() -> str:
    """``en`` when ``--lang en`` is on the command line or ``KOP_LANG=en`` (the CLI's rule)."""
    lang = os.environ.get("KOP_LANG", "id")
    args = sys.argv[1:]
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            lang = args[i + 1]
        elif arg.startswith("--lang="):
            lang = arg.partition("=")[2]
    return "en" if lang == "en" else "id"


def folder(name: str) -> Path | None:
    """The cache's sub-folder ``name``, created 0700 at every missing level (the base folders
    too) and checked; None when the cache is off or refused, or the folder cannot be made."""
    if not enabled():
        return None
    root = cache_root()
    target = root / name
    try:
        _make_private(target)
    except OSError:
        return None  # a read-only or full disk: no cache, as before
    for level in dict.fromkeys((root, target)):
        reason = _refusal(level)
        if reason is not None:
            _report(level, reason)
            return None
    return target


def _make_private(target: Path) -> None:
    """Create ``target`` and every missing parent with mode 0700 (whatever the umask)."""
    missing: list[Path] = []
    level = target
    while not level.exists():
        missing.append(level)
        if level.parent == level:
            break
        level = level.parent
    for made in reversed(missing):
        try:
            made.mkdir(mode=0o700)
        except FileExistsError:
            continue  # made meanwhile (another kop): checked by the caller
        os.chmod(made, 0o700)


def key() -> bytes | None:
    """The key the cache's files are signed with; made on first use. None when the cache is
    off or refused, or the key's file is not the user's alone (reported)."""
    root = folder("")
    if root is None:
        return None
    path = root / KEY_FILE
    for _attempt in range(2):
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        except FileNotFoundError:
            if not _create_key(path):
                return None
            continue
        except OSError as exc:
            _report(path, Pesan("tidak terbaca ({sebab})", sebab=exc.strerror or exc))
            return None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                _report(path, Pesan("itu bukan berkas biasa"))
                return None
            if info.st_uid != os.geteuid():
                _report(path, Pesan("milik pengguna lain (uid {uid})", uid=info.st_uid))
                return None
            if info.st_mode & 0o077:
                _report(path, Pesan("dapat dibaca atau ditulis pengguna lain (mode {mode})",
                                    mode=oct(stat.S_IMODE(info.st_mode))[2:]))
                return None
            blob = os.read(fd, KEY_BYTES + 1)
        finally:
            os.close(fd)
        if len(blob) != KEY_BYTES:
            _report(path, Pesan("isinya rusak; hapus berkas itu"))
            return None
        return blob
    return None


def _create_key(path: Path) -> bool:
    """Write a new random key to ``path`` atomically (0600): a temporary file linked into
    place, so no reader ever sees a partial key and a key made meanwhile is kept."""
    tmp = path.with_name(f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        try:
            os.fchmod(fd, 0o600)
            os.write(fd, secrets.token_bytes(KEY_BYTES))
            os.fsync(fd)
        finally:
            os.close(fd)
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
        return True
    except OSError:
        return False  # a read-only or full disk: no cache
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
