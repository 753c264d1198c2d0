"""kopledger's own cache of loaded books and of computed results.

Every ``kop`` command loads the books. This cache makes a load of unchanged books, or of
books that only grew at the end (what the writer does), cost a fraction of a cold load,
and can never answer for other books:

- **Where.** ``$XDG_CACHE_HOME/kopledger`` (else ``~/.cache/kopledger``), private to the
  user (folder 0700, files 0600) — never beside the ledger, so a folder copied with
  ``cp -a`` or moved carries no cache with it. One snapshot per main file, named by a
  hash of its *real* path (symlinks resolved). A folder that is not the user's alone is
  refused (:mod:`kopledger.core.cache_folder`: no cache, one line on stderr).
- **Signed.** Every snapshot and result carries an HMAC-SHA256 under the user's key
  (:func:`kopledger.core.cache_folder.key`), checked before anything is unpickled; a file
  that fails is removed and never unpickled.
- **Verified on every use.** A snapshot records the content hash (BLAKE2b) of every file
  the books read — the main file's first ``size`` bytes and each included file whole —
  plus a key of the code that produced it: kopledger's version and the hash of its
  source files and templates, beancount's and Python's versions, every module file of
  the top package of any third-party plugin the ledger declares (kopledger's own checks
  are its source). The
  plugin list and its configuration are lines of the ledger, so its hash covers them. Any difference and the snapshot is not used. Times
  (mtime) are never trusted.
- **Appends.** When the main file is the snapshot's bytes plus new text, only the new
  text is parsed and the whole books are re-validated by every plugin, kopledger's own
  walks resumed from the state kept in the snapshot (:mod:`kopledger.books.load.incremental`);
  anything else is a cold load, which then refreshes the snapshot. Books with errors are
  never snapshotted. The plugin's state to resume from is this cache's: kept with the
  snapshot, handed to the plugin's run as a parameter.
- **Closed years.** The years the plugin's chain check verified are saved here, after the
  load (:func:`_keep_verified`); a load itself writes nothing.
- **Results.** :func:`cached_output` keeps computed results (statements, SHU, portfolio,
  rendered reports) keyed on the content key of the books they came from.
- ``KOP_CACHE=0`` turns every kopledger cache off (this one, the results, and the closed
  years' verified-fingerprint cache); a load is then beancount's own cold load.

beancount's own pickle cache (``.NAME.picklecache`` beside the ledger, keyed on file
times) is never read or written by kopledger.
"""

from __future__ import annotations

import atexit
import contextlib
import copyreg
import dataclasses
import gc
import hashlib
import hmac
import io
import os
import pickle
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from beancount.core import data
from beancount.core.amount import Amount
from beancount.core.position import Cost, CostSpec

from kopledger.books import beancount_api
from kopledger.books.closed.year_files import archive_files, save_archive_facts
from kopledger.books.load import incremental
from kopledger.core import cache_folder
from kopledger.core.book_files import read_regular
from kopledger.core.cache_folder import ENV as ENV
from kopledger.core.cache_folder import cache_root as cache_root
from kopledger.core.cache_folder import enabled as enabled

T = TypeVar("T")

#: Bump when the snapshot layout changes.
FORMAT = "kopledger-cache-3"

#: A snapshot is refreshed once the appended text not in it exceeds this many bytes …
SAVE_TAIL_BYTES = 256 * 1024
#: … or this fraction of the snapshot.
SAVE_TAIL_FRACTION = 0.05
#: Results and orphaned snapshots not used for this long are removed.
MAX_AGE_SECONDS = 30 * 24 * 3600

_GLOB_INCLUDE = re.compile(rb'^[ \t]*include[ \t]+"[^"\n]*[*?\[]', re.M)


def _digest(blob: bytes) -> str:
    return hashlib.blake2b(blob, digest_size=20).hexdigest()


_CODE_KEY: str | None = None


def code_key() -> str:
    """A hash of the code that turns ledger text into results (computed once per process)."""
    global _CODE_KEY
    if _CODE_KEY is None:
        h = hashlib.blake2b(digest_size=20)
        h.update(f"{FORMAT}|{beancount_api.version()}|{sys.version}".encode())
        package = Path(__file__).resolve().parents[2]  # the kopledger package
        folders = [package]
        templates = package.parent / "templates"
        if not (package / "templates").is_dir() and templates.is_dir():
            folders.append(templates)
        for folder in folders:
            for file in sorted(folder.rglob("*")):
                if file.is_file() and file.suffix in (".py", ".j2", ".json", ".css", ".svg", ".html"):
                    h.update(str(file.relative_to(folder)).encode())
                    h.update(file.read_bytes())
        _CODE_KEY = h.hexdigest()
    return _CODE_KEY


def _env_key(plugins: list[str]) -> str:
    """The code key and the source of every third-party plugin the ledger names: every module
    file of the plugin's top package (its rules may live in a submodule), or its one file."""
    h = hashlib.blake2b(code_key().encode(), digest_size=20)
    for name in plugins:
        h.update(name.encode())
        top = name.split(".")[0]
        if top in ("kopledger", "beancount"):
            continue  # kopledger's whole package is in the code key; beancount's version too
        h.update(_package_source(top).encode())
    return h.hexdigest()


#: Suffixes of files whose content is hashed (any other file of a plugin's package counts
#: by its size and time: data files may be large).
_SOURCE_SUFFIXES = (".py", ".so", ".pyd")


def _package_source(top: str) -> str:
    """A hash of every module file of the importable package (or module) ``top``."""
    from importlib import util

    h = hashlib.blake2b(digest_size=20)
    try:
        spec = util.find_spec(top)
    except (ImportError, ValueError):
        spec = None
    if spec is None:
        return "<missing>"
    try:
        if spec.submodule_search_locations:
            for location in sorted(spec.submodule_search_locations):
                root = Path(location)
                for file in sorted(root.rglob("*")):
                    if "__pycache__" in file.parts or not file.is_file():
                        continue
                    h.update(f"{file.relative_to(root)}\0".encode())
                    if file.suffix in _SOURCE_SUFFIXES:
                        h.update(file.read_bytes())
                    else:
                        info = file.stat()
                        h.update(f"{info.st_size}:{info.st_mtime_ns}".encode())
        elif spec.origin and os.path.isfile(spec.origin):
            h.update(Path(spec.origin).read_bytes())
        else:
            return f"<{spec.origin}>"
    except OSError:
        return "<unreadable>"
    return h.hexdigest()


_EXIT_HOOK = False


def _freeze_at_exit() -> None:
    """At exit, keep Python's final collection from scanning the loaded books (a second
    or more on large books, for nothing: the process ends)."""
    global _EXIT_HOOK
    if not _EXIT_HOOK:
        atexit.register(gc.freeze)
        _EXIT_HOOK = True


def _plugins_found(state: incremental.State) -> bool:
    """Every third-party plugin's source file is found (so its code is in the key).

    A plugin found only on the ledger's own ``insert_pythonpath`` is not: such books are
    never snapshotted.
    """
    from importlib import util

    for name, _config in state.options.get("plugin") or []:
        if name.split(".")[0] in ("kopledger", "beancount"):
            continue
        try:
            spec = util.find_spec(name)
        except (ImportError, ValueError):
            return False
        if spec is None or not spec.origin or not os.path.isfile(spec.origin):
            return False
    return True


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (a load builds millions of live objects)."""
    enabled_before = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # Everything built meanwhile sits in the youngest generation, and the first
        # collection after re-enabling would scan all of it (a tenth of a second or more
        # on large books): move it to the oldest generation first (freeze, then unfreeze,
        # so it stays collectable — safe in a long-running process such as a web desk).
        gc.freeze()
        gc.unfreeze()
        if enabled_before:
            gc.enable()


# --- snapshots of loaded books ------------------------------------------------------


#: Entries per pickle chunk: each chunk has its own memo table, so writing a snapshot
#: does not hold a table of every object of the books at once (peak memory). Small tables
#: are also faster: 500 entries pickle ≈ 15 % faster than 2,000 (measured on 2,000 members).
CHUNK = 500


class _Entry:
    """A snapshot that can be verified: its header and its state (read lazily from disk).

    ``base``: the snapshot on disk this state is the base snapshot plus appends of (a
    delta on disk, or a state in memory, is stored as references into it), or None.
    ``tag``: the signature of the header read from ``disk`` (the body must be signed with it).
    """

    def __init__(
        self, header: dict[str, Any], state: incremental.State | None, disk: Path | None, base: _Entry | None,
        tag: bytes | None = None,
    ) -> None:
        self.header = header
        self._state = state
        self.disk = disk
        self.base = base
        self.tag = tag

    def state(self, *, plugin: bool = True) -> incremental.State:
        """The state (read from disk once, its signature checked first). ``plugin=False``: the
        plugin's state, to resume its walks from, is not needed (this is the base of a delta)
        and not read."""
        if self._state is None:
            assert self.disk is not None and self.tag is not None
            base_state = self.base.state(plugin=False) if self.base is not None and self.base is not self else None
            handle = _signed_body(self.disk, self.tag)  # raises when replaced or not signed
            self._state = _load_body(handle, base_state, plugin=plugin)
        return self._state


# --- signed cache files ---------------------------------------------------------------
#
# Every file the cache unpickles is signed with HMAC-SHA256 under the user's key
# (:func:`kopledger.core.cache_folder.key`), checked in constant time *before* unpickling:
# a file the user's own kopledger did not write is never unpickled (and is removed).
# A snapshot: MAGIC, the header's length (8 bytes), the header's tag, the header (a pickle),
# the body (pickles), the body's tag (over the header's tag and the body). The header alone
# can be verified and read (is this snapshot for these books?) without reading the body.

MAGIC = b"KOPSNAP3"
RESULT_MAGIC = b"KOPRES03"
_TAG = hashlib.sha256().digest_size


def _tag(secret: bytes, kind: bytes, *parts: bytes | memoryview) -> Any:
    mac = hmac.new(secret, kind, hashlib.sha256)
    for part in parts:
        mac.update(part)
    return mac


class _SigningWriter:
    """A file-like writer that signs what is written through it."""

    def __init__(self, handle: Any, mac: Any) -> None:
        self.handle = handle
        self.mac = mac

    def write(self, blob: Any) -> int:
        self.mac.update(blob)
        return int(self.handle.write(blob))


def _discard(path: Path) -> None:
    """Remove a cache file that failed its signature (never unpickled)."""
    with contextlib.suppress(OSError):
        path.unlink()


def _signed_header(path: Path) -> tuple[dict[str, Any], bytes] | None:
    """The header of the snapshot ``path`` and its tag, when signed with the user's key."""
    try:
        with open(path, "rb") as handle:
            start = handle.read(len(MAGIC) + 8 + _TAG)
            secret = cache_folder.key()
            if secret is None:
                return None
            length = int.from_bytes(start[len(MAGIC):len(MAGIC) + 8], "big")
            if len(start) != len(MAGIC) + 8 + _TAG or not start.startswith(MAGIC) or length > 1 << 26:
                _discard(path)
                return None
            tag = start[-_TAG:]
            head = handle.read(length)
    except OSError:
        return None
    if len(head) != length or not hmac.compare_digest(_tag(secret, b"h", head).digest(), tag):
        _discard(path)
        return None
    header = pickle.loads(head)
    return (header, tag) if isinstance(header, dict) else None


def _read_header(path: Path) -> dict[str, Any] | None:
    """The header of the snapshot ``path``, when it is signed with the user's key (else None)."""
    signed = _signed_header(path)
    return signed[0] if signed is not None else None


def _signed_body(path: Path, tag: bytes) -> io.BytesIO:
    """The body of the snapshot ``path`` whose header was signed ``tag``, its signature checked."""
    secret = cache_folder.key()
    if secret is None:
        raise ValueError("no key")
    blob = memoryview(path.read_bytes())
    start = len(MAGIC) + 8
    if bytes(blob[start:start + _TAG]) != tag:
        raise ValueError("snapshot changed")  # replaced since its header was read
    body = blob[start + _TAG + int.from_bytes(blob[len(MAGIC):start], "big"):-_TAG]
    if not hmac.compare_digest(_tag(secret, b"b", tag, body).digest(), bytes(blob[-_TAG:])):
        _discard(path)
        raise ValueError("snapshot not signed")
    return io.BytesIO(body)


def _positions(items: list[Any], within: list[Any], shift: int = 0, *, ahead: int = 64, misses: int = -1) -> list[int]:
    """For each of ``items``, its position in ``within`` (plus ``shift``), else -1.

    Both lists hold their common objects in the same order (books grown by an append,
    entries after the plugins, the accounts a resumed plugin run opens again), so they
    are found walking both together — looking at most ``ahead`` objects further, and
    after ``misses`` items not found (when not -1) no longer looking — without a table of
    every object (a snapshot is written at a command's peak of memory).
    """
    codes: list[int] = []
    j, count = 0, len(within)
    for item in items:
        if misses == 0:
            codes.append(-1)
            continue
        end = min(count, j + ahead)
        k = j
        while k < end and within[k] is not item:
            k += 1
        if k < end:
            codes.append(k + shift)
            j = k + 1
        else:
            codes.append(-1)
            misses -= 1
    return codes


def _dump_body(handle: Any, state: incremental.State, base: incremental.State | None) -> None:
    """Write ``state`` in chunks. Its booked entries (``raw``) that are entries of the base
    are written as their index in the base, the final entries that are booked entries
    (most of them) as their index in ``raw`` or in the base's final entries; only the
    rest is pickled."""
    raw_codes = _positions(state.raw, base.raw) if base is not None else [-1] * len(state.raw)
    own = [e for e, code in zip(state.raw, raw_codes, strict=True) if code < 0]
    codes = _positions(state.entries, state.raw)
    if base is not None:
        missing = [i for i, code in enumerate(codes) if code < 0]
        found = _positions(
            [state.entries[i] for i in missing], base.entries, len(state.raw), ahead=len(base.entries), misses=3)
        for i, code in zip(missing, found, strict=True):
            codes[i] = code
    extras = [e for e, code in zip(state.entries, codes, strict=True) if code < 0]
    pickle.dump((state.main, state.size, state.options, state.errors, raw_codes, len(own), len(extras), codes),
                handle, protocol=pickle.HIGHEST_PROTOCOL)
    for items in (own, extras):
        for i in range(0, len(items), CHUNK):
            _pickler(handle).dump(items[i:i + CHUNK])
    # the plugin's state: its inputs are ``raw`` itself (incremental._own), and the entries
    # it made are final entries: stored as their positions, not twice
    resumable: Any = None
    if state.plugin is not None:
        made = _positions(state.plugin.made, state.entries, ahead=len(state.entries), misses=1)
        if -1 not in made:
            resumable = (dataclasses.replace(state.plugin, inputs=[], made=[]), made)
    _pickler(handle).dump(resumable)


def _load_body(handle: Any, base: incremental.State | None, *, plugin: bool = True) -> incremental.State:
    main, size, options, errors, raw_codes, own_count, extra, codes = pickle.load(handle)
    base_raw = base.raw if base is not None else []
    if any(c >= len(base_raw) for c in raw_codes):
        raise ValueError("base snapshot missing")
    own: list[Any] = []
    while len(own) < own_count:
        own.extend(pickle.load(handle))
    mine = iter(own)
    raw = [base_raw[c] if c >= 0 else next(mine) for c in raw_codes]
    extras: list[Any] = []
    while len(extras) < extra:
        extras.extend(pickle.load(handle))
    base_entries = base.entries if base is not None else []
    shift = len(raw)
    more = iter(extras)
    entries = [raw[c] if 0 <= c < shift else base_entries[c - shift] if c >= shift else next(more) for c in codes]
    resumable = None
    if plugin:
        stored = pickle.load(handle)
        if stored is not None:
            resumable, made = stored
            resumable.inputs = raw
            resumable.made = [entries[i] for i in made]
    return incremental.State(main, size, raw, entries, errors, options, resumable)


def _reduce_tuple(value: Any) -> tuple[Any, ...]:
    return type(value), tuple(value)


#: beancount's directives and postings are named tuples: pickled as their class and fields,
#: not through the generic ``__reduce_ex__`` path (a snapshot holds hundreds of thousands).
_DISPATCH: dict[type, Callable[[Any], Any]] = {
    **copyreg.dispatch_table,
    **{kind: _reduce_tuple for kind in (*data.ALL_DIRECTIVES, data.Posting, Amount, Cost, CostSpec)},
}


def _pickler(handle: Any) -> pickle.Pickler:
    pickler = pickle.Pickler(handle, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _DISPATCH
    return pickler


#: Snapshots held in this process (the last two per main file: a write's books and candidate).
_MEMORY: dict[str, list[_Entry]] = {}


def _snapshot_path(main: str) -> Path:
    return cache_root() / "books" / f"{hashlib.sha256(main.encode()).hexdigest()[:40]}.pickle"


def _delta_path(main: str) -> Path:
    return _snapshot_path(main).with_suffix(".delta")


def _header(state: incremental.State, blob: bytes, files: dict[str, str], base: _Entry | None) -> dict[str, Any]:
    plugins = [name for name, _config in state.options.get("plugin") or []]
    return {
        "format": FORMAT,
        "main": state.main,
        "size": state.size,
        "hash": _digest(blob[: state.size]),
        "newline": blob[: state.size].endswith(b"\n") or state.size == 0,
        "lines": blob.count(b"\n", 0, state.size),
        "files": files,
        "plugins": plugins,
        "env": _env_key(plugins),
        "base": None if base is None else (base.header["size"], base.header["hash"]),
    }


def _included_files(state: incremental.State) -> dict[str, str] | None:
    """Content hashes of every file the books read but the main one (None: not cacheable)."""
    files = {}
    for name in state.options.get("include") or []:
        if name == state.main:
            continue
        try:
            blob = read_regular(name)
        except OSError:
            return None
        if _GLOB_INCLUDE.search(blob):
            return None
        files[name] = _digest(blob)
    # a year file names its closed files by hash instead of including them (kopledger.books.closed.year_files):
    # their content is part of what the books are, so a changed archive is never answered from here
    for entry in state.entries:
        if isinstance(entry, data.Custom) and entry.type == "arsip":
            for path, _sha in archive_files(entry).values():
                try:
                    files[str(path)] = _digest(read_regular(path))
                except OSError:
                    return None
    return files


def _valid(header: dict[str, Any], main: str, blob: bytes) -> bool:
    """The snapshot's files are these bytes (the main file may have grown), same code."""
    try:
        if header.get("format") != FORMAT or header.get("main") != main:
            return False
        size = header["size"]
        if size > len(blob) or _digest(blob[:size]) != header["hash"]:
            return False
        for name, digest in header["files"].items():
            if _digest(read_regular(name)) != digest:
                return False
        return bool(header["env"] == _env_key(header["plugins"]))
    except (OSError, KeyError, TypeError):
        return False


def _candidates(main: str) -> list[_Entry]:
    """Snapshots that may hold these books: in memory, then the delta and base on disk."""
    found = list(_MEMORY.get(main, []))
    disk = _snapshot_path(main)
    signed = _signed_header(disk)
    if signed is not None:
        header, tag = signed
        base = _Entry(header, None, disk, None, tag)
        base.base = base
        delta_path = _delta_path(main)
        delta = _signed_header(delta_path)
        if delta is not None and delta[0].get("base") == (header.get("size"), header.get("hash")):
            found.append(_Entry(delta[0], None, delta_path, base, delta[1]))
        found.append(base)
    return found


def _remember_memory(main: str, entry: _Entry) -> None:
    kept = [e for e in _MEMORY.get(main, []) if e.header["hash"] != entry.header["hash"]]
    _MEMORY.clear()  # one ledger at a time: do not keep other books alive
    _MEMORY[main] = [entry, *kept][:2]


def _write(target: Path, header: dict[str, Any], state: incremental.State, base: incremental.State | None) -> bool:
    """Write a signed snapshot file atomically (private to the user); False if it cannot be written."""
    secret = cache_folder.key()
    if secret is None or cache_folder.folder(target.parent.name) != target.parent:
        return False
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".snap.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                head = pickle.dumps(header, protocol=pickle.HIGHEST_PROTOCOL)
                tag = _tag(secret, b"h", head).digest()
                handle.write(MAGIC + len(head).to_bytes(8, "big") + tag + head)
                signing = _SigningWriter(handle, _tag(secret, b"b", tag))
                _dump_body(signing, state, base)
                handle.write(signing.mac.digest())
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        _prune(target.parent, keep=target)
        return True
    except (OSError, ValueError, pickle.PicklingError, RecursionError):
        return False  # a read-only or full disk: load cold next time instead


def _save_base(main: str, entry: _Entry) -> None:
    """Write ``entry`` as the base snapshot of ``main`` (and drop its delta)."""
    header = {**entry.header, "base": None}
    if _write(_snapshot_path(main), header, entry.state(), None):
        entry.header = header
        entry.base = entry
        with contextlib.suppress(OSError):
            _delta_path(main).unlink()


def _save_grown(main: str, entry: _Entry) -> None:
    """Keep a grown state on disk: as a delta of its base, or as a new base once the
    appended text is large."""
    base = entry.base
    if base is None:
        return
    tail = entry.header["size"] - base.header["size"]
    if tail > max(SAVE_TAIL_BYTES, SAVE_TAIL_FRACTION * entry.header["size"]):
        _save_base(main, entry)
    else:
        _write(_delta_path(main), entry.header, entry.state(), base.state())


def _prune(folder: Path, keep: Path | None = None) -> None:
    """Remove cache files not used for :data:`MAX_AGE_SECONDS` (e.g. of moved books)."""
    limit = time.time() - MAX_AGE_SECONDS
    with contextlib.suppress(OSError):
        for file in folder.iterdir():
            with contextlib.suppress(OSError):
                if file != keep and max(file.stat().st_atime, file.stat().st_mtime) < limit:
                    file.unlink()


def _books_key(header: dict[str, Any], blob: bytes) -> str:
    """The content key of the books: every file's hash (the main file whole) and the code."""
    h = hashlib.blake2b(digest_size=20)
    h.update(f"{header['env']}|{header['main']}|{_digest(blob)}".encode())
    for name, digest in sorted(header["files"].items()):
        h.update(f"|{name}|{digest}".encode())
    return h.hexdigest()


#: How the last load was served: "hit", "append" (incremental), "cold" or "off" (KOP_CACHE=0).
last_load = ""

#: The content key of the books last loaded (clean and cacheable) from each main file.
_LAST_KEY: dict[str, str] = {}


def load_books(path: str | os.PathLike[str], *, defer: bool = False) -> tuple[list[Any], list[Any], dict[str, Any]]:
    """Load the books whose main file is ``path``: (entries, errors, options), as beancount's
    loader would cold, through kopledger's cache (see the module doc). Never beancount's cache.

    ``defer`` (the writer, about to append): a cold load's snapshot is not written yet. The
    written books' state is saved instead once the write is validated
    (:func:`validate_candidate`), else these books' at :func:`settle` — one snapshot written,
    not two.
    """
    global last_load
    main = os.path.realpath(path)
    with _gc_paused():
        if not enabled():
            last_load = "off"
            return beancount_api.load_cold(main)
        state = _load_state(main, defer=defer)
    _freeze_at_exit()
    return state.entries, state.errors, state.options


#: Cold-loaded books whose snapshot is not written yet (``load_books(…, defer=True)``).
_PENDING: dict[str, _Entry] = {}


def settle(path: str | os.PathLike[str]) -> None:
    """Write the snapshot a deferred load left unwritten (see :func:`load_books`)."""
    main = os.path.realpath(path)
    entry = _PENDING.pop(main, None)
    if entry is not None:
        with _gc_paused():
            _save_base(main, entry)


def _load_state(main: str, *, defer: bool = False) -> incremental.State:
    global last_load
    _LAST_KEY.pop(main, None)
    _PENDING.pop(main, None)
    blob = read_regular(main)
    cacheable = _GLOB_INCLUDE.search(blob) is None
    if cacheable:
        for entry in _candidates(main):
            if not _valid(entry.header, main, blob):
                continue
            try:
                state = entry.state()
            except Exception:  # a corrupt, foreign or replaced snapshot: ignore it
                continue
            header = entry.header
            size = header["size"]
            if size == len(blob):
                last_load = "hit"
                _remember_memory(main, entry)
                _LAST_KEY[main] = _books_key(header, blob)
                base = entry.base
                if base is not None and base is not entry and size - base.header["size"] > max(
                    SAVE_TAIL_BYTES, SAVE_TAIL_FRACTION * size
                ):
                    _save_base(main, entry)  # the delta grew large: make it the base
                return state
            grown = incremental.extend(state, blob[size:], header["newline"], header["lines"] + 1)
            if grown is None:
                break
            last_load = "append"
            _keep_verified(grown)
            if grown.errors:
                return grown
            new = _Entry(_header(grown, blob, header["files"], entry.base), grown, None, entry.base)
            _remember_memory(main, new)
            _LAST_KEY[main] = _books_key(new.header, blob)
            _save_grown(main, new)
            return grown
    last_load = "cold"
    state = incremental.full_load(main, len(blob))
    _keep_verified(state)
    if not cacheable or state.errors or not incremental.content_only(state) or not _plugins_found(state):
        return state
    files = _included_files(state)
    if files is None or read_regular(main) != blob:  # changed while we read it
        return state
    entry = _Entry(_header(state, blob, files, None), state, None, None)
    _remember_memory(main, entry)
    _LAST_KEY[main] = _books_key(entry.header, blob)
    if defer:
        _PENDING[main] = entry
    else:
        _save_base(main, entry)
    return state


def _keep_verified(state: incremental.State) -> None:
    """Save the closed years the load's chain check verified (the load itself writes nothing)."""
    verified = state.verified
    if verified is not None and verified.changed and cache_folder.folder("sidik") == verified.path.parent:
        verified.save()  # into the checked folder (made 0700 at every level)
    save_archive_facts()


def validate_candidate(
    path: str | os.PathLike[str], old: bytes, new: bytes, *, kept: bool = True
) -> list[Any] | None:
    """The errors of :func:`candidate_books` (None when it cannot be exact)."""
    books = candidate_books(path, old, new, kept=kept)
    return None if books is None else books[1]


def candidate_books(
    path: str | os.PathLike[str], old: bytes, new: bytes, *, kept: bool = True
) -> tuple[list[Any], list[Any], dict[str, Any]] | None:
    """The books (entries, errors, options) of the main file ``path`` if its bytes ``old`` became
    ``new`` (= ``old`` + appended text), validated incrementally against the books loaded from ``old``.

    None when that cannot be done exactly (see :func:`kopledger.books.load.incremental.extend`): the
    caller then loads the candidate cold. A clean candidate that will be written (``kept``)
    has its state kept in this process and on disk (a delta of the base snapshot, or the
    base itself when the old books' snapshot was deferred; verified by content like any
    snapshot), so the next command on the written books is a cache hit.
    """
    if not enabled() or not new.startswith(old):
        return None
    main = os.path.realpath(path)
    digest = _digest(old)
    for entry in _MEMORY.get(main, []):
        header = entry.header
        if header["size"] != len(old) or header["hash"] != digest:
            continue
        state = entry.state()
        with _gc_paused():
            grown = incremental.extend(state, new[len(old):], header["newline"], header["lines"] + 1)
            if grown is None:
                return None
            if not grown.errors and kept:
                candidate = _Entry(_header(grown, new, header["files"], entry.base), grown, None, entry.base)
                _remember_memory(main, candidate)
                if _PENDING.get(main) is entry:  # the old books were never snapshotted
                    del _PENDING[main]
                    _save_base(main, candidate)
                else:
                    _save_grown(main, candidate)
        return grown.entries, grown.errors, grown.options
    return None


# --- results ------------------------------------------------------------------------

def loaded_key(path: str | os.PathLike[str]) -> str | None:
    """The content key of the books this process last loaded from ``path`` (None: not cached)."""
    return _LAST_KEY.get(os.path.realpath(path)) if enabled() else None


def _result_path(key: str, name: str, params: Any) -> Path:
    ident = hashlib.sha256(f"{key}|{name}|{params!r}".encode()).hexdigest()[:40]
    return cache_root() / "results" / f"{ident}.pickle"


_NOTHING: Any = object()


def _read_result(key: str, name: str, params: Any) -> Any:
    path = _result_path(key, name, params)
    try:
        blob = path.read_bytes()
    except OSError:
        return _NOTHING  # missing: compute
    secret = cache_folder.key()
    if secret is None:
        return _NOTHING
    payload = blob[len(RESULT_MAGIC) + _TAG:]
    tag = _tag(secret, b"r", payload).digest()
    if not blob.startswith(RESULT_MAGIC) or not hmac.compare_digest(tag, blob[len(RESULT_MAGIC):len(RESULT_MAGIC) + _TAG]):
        _discard(path)  # not written by the user's kopledger: never unpickled
        return _NOTHING
    try:
        stored_key, stored_name, stored_params, value = pickle.loads(payload)
        if (stored_key, stored_name, stored_params) == (key, name, repr(params)):
            with contextlib.suppress(OSError):
                os.utime(path)
            return value
    except Exception:  # from another version: compute
        pass
    return _NOTHING


def _write_result(key: str, name: str, params: Any, value: Any) -> None:
    path = _result_path(key, name, params)
    secret = cache_folder.key()
    if secret is None or cache_folder.folder(path.parent.name) != path.parent:
        return
    try:
        payload = pickle.dumps((key, name, repr(params), value), protocol=pickle.HIGHEST_PROTOCOL)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".res.", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(RESULT_MAGIC + _tag(secret, b"r", payload).digest() + payload)
        os.replace(tmp, path)
        _prune(path.parent, keep=path)
    except Exception:  # unpicklable value or unwritable disk: not cached
        with contextlib.suppress(Exception):
            os.unlink(tmp)


def books_key(path: str | os.PathLike[str]) -> str | None:
    """The content key of the books at ``path`` *without loading them*, when a snapshot
    proves which files they read; None otherwise."""
    if not enabled():
        return None
    main = os.path.realpath(path)
    try:
        blob = read_regular(main)
    except OSError:
        return None
    if _GLOB_INCLUDE.search(blob):
        return None
    for entry in _candidates(main):
        header = entry.header
        if not _valid(header, main, blob):
            continue
        if not incremental.simple_tail(header["newline"], blob[header["size"]:]):
            return None
        return _books_key(header, blob)
    return None


def book_files(path: str | os.PathLike[str]) -> list[Path]:
    """Every file the books at ``path`` read, as far as a valid snapshot proves it (always the
    main file itself): a report answered from the cache must still never be written onto them."""
    main = os.path.realpath(path)
    found = [Path(main)]
    try:
        blob = read_regular(main)
    except OSError:
        return found
    for entry in _candidates(main):
        if _valid(entry.header, main, blob):
            found += [Path(name) for name in entry.header.get("files") or {}]
            break
    return found


def cached_output(path: str | os.PathLike[str], name: str, params: Any, compute: Callable[[], T]) -> T:
    """A result of the books at ``path`` looked up *before* loading them.

    ``compute`` loads the books itself (and raises on books with errors: nothing is kept).
    """
    key = books_key(path)
    if key is not None:
        value = _read_result(key, name, params)
        if value is not _NOTHING:
            return value  # type: ignore[no-any-return]
    value = compute()
    loaded = _LAST_KEY.get(os.path.realpath(path)) if enabled() else None
    if loaded is not None:
        _write_result(loaded, name, params, value)
    return value
