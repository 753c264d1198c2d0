"""The one place kopledger uses beancount's internal API: its loader's stages.

**Tested with beancount >= 3.2, < 3.3** (CI runs 3.2.3); ``pyproject.toml`` pins the
same range (:data:`TESTED`). The names used here are beancount's private or internal
ones (``loader._load``, ``loader._parse_recursive``, ``loader.run_transformations`` and
the plugin lists ``PLUGINS_PRE``/``PLUGINS_AUTO``/``PLUGINS_POST``, the C parser
``parser._parser.Parser`` with ``grammar.Builder``, ``booking.book``,
``ops.validation.VALIDATIONS``, ``ops.balance.check``); they may change in any release.
:data:`INTERNALS` lists them, and tests/test_beancount_api.py fails when the installed
beancount is outside :data:`TESTED` or one of them is gone — an upgrade fails loudly
in CI, never silently. The rest of kopledger uses beancount's public API only
(``beancount.core``, ``printer``, ``loader.load_string``/``load_file``).

Nothing here assigns to a beancount module's attribute: a reduced plugin list is
passed to :func:`run_plugins`, never installed in beancount's globals, so a load on
another thread (Fava serves requests on threads) always runs beancount's full checks.
"""

from __future__ import annotations

import copy
import dataclasses
import glob
import importlib
import io
import os
import re
import sys
import traceback
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import beancount
from beancount import loader
from beancount.core import data
from beancount.ops import balance, validation
from beancount.parser import _parser, booking, grammar  # type: ignore[attr-defined]

from kopledger.core import interrupt
from kopledger.core.book_files import read_regular, require_regular

Entries = list[data.Directive]
Options = dict[str, Any]
Loaded = tuple[Entries, list[Any], Options]
#: A beancount validation: ``(entries, options) -> errors``.
Validation = Callable[[Entries, Options], list[Any]]

#: The beancount releases this module is tested with: ``>= TESTED[0]``, ``< TESTED[1]``.
TESTED = ((3, 2), (3, 3))

#: Every internal name used here (module, attribute): checked to exist by the tests.
INTERNALS = (
    ("beancount.loader", "_load"),
    ("beancount.loader", "_parse_recursive"),
    ("beancount.loader", "run_transformations"),
    ("beancount.loader", "compute_input_hash"),
    ("beancount.loader", "PLUGINS_PRE"),
    ("beancount.loader", "PLUGINS_AUTO"),
    ("beancount.loader", "PLUGINS_POST"),
    ("beancount.loader", "RENAMED_MODULES"),
    ("beancount.loader", "LoadError"),
    ("beancount.parser._parser", "Parser"),
    ("beancount.parser.grammar", "Builder"),
    ("beancount.parser.grammar", "valid_account_regexp"),
    ("beancount.parser.booking", "book"),
    ("beancount.ops.validation", "VALIDATIONS"),
    ("beancount.ops.validation", "validate"),
    ("beancount.ops.balance", "check"),
)

# beancount's modules are untyped: used through Any (mypy --strict)
_loader: Any = loader
_booking: Any = booking
_grammar: Any = grammar
_validation: Any = validation
_balance: Any = balance


def version() -> str:
    """The installed beancount's version."""
    return str(beancount.__version__)


_INCLUDE = re.compile(rb'[ \t]*include[ \t]+"((?:[^"\\\n]|\\.)*)"')


def _include_lines(blob: bytes) -> list[tuple[int, str]]:
    """The ``include "…"`` lines of a file's text: (line number, the name as written)."""
    found = []
    pos = blob.find(b"include")
    while pos != -1:
        start = blob.rfind(b"\n", 0, pos) + 1
        if not blob[start:pos].strip(b" \t"):
            match = _INCLUDE.match(blob, start)
            if match:
                found.append((blob.count(b"\n", 0, start) + 1, os.fsdecode(match.group(1))))
        pos = blob.find(b"include", pos + 7)
    return found


def book_files(main: str) -> dict[str, bytes]:
    """Every file a load of ``main`` (absolute) reads, as beancount's loader finds them (the
    ``include`` lines, relative to their file, globs expanded), with the bytes read now.

    Only regular files: a FIFO or a device (``include "/dev/zero"``) is
    :class:`~kopledger.core.book_files.NotRegularFile` naming the ``include`` line, never
    handed to beancount's parser (which would wait or read forever). A missing or unreadable
    file is left out (the load reports it)."""
    found: dict[str, bytes] = {}
    todo: list[tuple[str, str | None]] = [(os.path.normpath(main), None)]
    while todo:
        name, where = todo.pop(0)
        if name in found:
            continue
        if name.endswith((".gpg", ".asc")):  # beancount decrypts these itself
            require_regular(name, where)
            continue
        try:
            blob = read_regular(name, where)
        except OSError:
            continue
        found[name] = blob
        folder = os.path.dirname(name)
        for line, written in _include_lines(blob):
            pattern = written if os.path.isabs(written) else os.path.join(folder, written)
            for match in sorted(glob.glob(pattern, recursive=True)):
                todo.append((os.path.normpath(os.path.join(folder, match)), f"{name}:{line}"))
    return found


def load_cold(path: str) -> Loaded:
    """beancount's own load of the main file ``path`` (absolute): parse, book, plugins,
    validations. Never reads or writes beancount's pickle cache. Only regular files are
    read (:func:`book_files`)."""
    book_files(path)
    loaded: Loaded = _loader._load([(path, True)], None, None, None)
    interrupt.check()  # a Ctrl-C the parser swallowed into a load error
    return loaded


def parse_files(main: str) -> Loaded:
    """Parse ``main`` (absolute) and every file it includes, sorted: (entries, errors, options).
    Only regular files are read (:func:`book_files`)."""
    book_files(main)
    entries, errors, options = _loader._parse_recursive([(main, True)], None, None)
    interrupt.check()  # a Ctrl-C the parser swallowed into a load error
    entries.sort(key=data.entry_sortkey)
    return entries, errors, options


def parse_tail(text: bytes, filename: str, first_line: int, options: Options) -> Loaded:
    """Parse ``text`` that continues the file ``filename`` from line ``first_line``.

    The parser starts from the file's ``options`` (account root names, booking method …)
    as it had them at the end of the earlier text; the options returned hold only what
    the tail itself set (no include, no plugin).
    """
    builder = _grammar.Builder()
    own = copy.deepcopy({k: v for k, v in options.items() if k not in ("dcontext", "include", "plugin")})
    builder.options = {**builder.options, **own, "include": [], "plugin": []}
    builder.account_regexp = _grammar.valid_account_regexp(builder.options)
    _parser.Parser(builder).parse(io.BytesIO(text), filename=filename, lineno=first_line)
    interrupt.check()  # a Ctrl-C the parser swallowed into a load error
    result: Loaded = builder.finalize()
    return result


def book(entries: Entries, options: Options) -> tuple[Entries, list[Any]]:
    """beancount's booking (interpolation, lot matching) of sorted ``entries``."""
    result: tuple[Entries, list[Any]] = _booking.book(entries, options)
    return result


@dataclasses.dataclass(frozen=True)
class Plugin:
    """One plugin of a load, in run order. ``builtin``: one of beancount's own around the
    ledger's (documents before, pad and balance after), not a ``plugin`` line."""

    name: str
    config: Any
    builtin: bool


def plugins(options: Options) -> list[Plugin]:
    """The plugins beancount's ``run_transformations`` runs for books with ``options``, in order."""
    declared = [Plugin(name, config, False) for name, config in options["plugin"]]
    mode = options["plugin_processing_mode"]
    if mode == "raw":
        return declared
    if mode != "default":
        raise ValueError(f"plugin_processing_mode {mode!r}")

    def own(pairs: Sequence[tuple[str, Any]]) -> list[Plugin]:
        return [Plugin(name, config, True) for name, config in pairs]

    return [*own(_loader.PLUGINS_PRE), *declared, *own(_loader.PLUGINS_AUTO), *own(_loader.PLUGINS_POST)]


def run_plugins(
    entries: Entries, errors: list[Any], options: Options, only: Sequence[Plugin] | None = None
) -> tuple[Entries, list[Any]]:
    """Run the plugins over ``entries`` (sorted), with the ledger's ``pythonpath``, as a load does.

    ``only`` None: beancount's own ``run_transformations`` (every plugin of
    :func:`plugins`). Else exactly these, one by one as ``run_transformations`` runs
    them (same import, errors and sorting) — the caller's list, not beancount's globals.
    """
    saved = list(sys.path) if "pythonpath" in options else None
    try:
        if saved is not None:
            sys.path[0:0] = options["pythonpath"]
        if only is None:
            result: tuple[Entries, list[Any]] = _loader.run_transformations(entries, errors, options, None)
            return result
        errors = list(errors)
        for spec in only:
            entries = _run_one(spec, entries, errors, options)
        return entries, errors
    finally:
        if saved is not None:
            sys.path[:] = saved


def _run_one(spec: Plugin, entries: Entries, errors: list[Any], options: Options) -> Entries:
    """One plugin, as the body of ``run_transformations``' loop runs it (``errors`` extended)."""
    name = spec.name
    renamed = _loader.RENAMED_MODULES.get(name, None)
    if renamed:
        warnings.warn(
            f"Deprecation notice: Module '{name}' has been renamed to '{renamed}'; please adjust your plugin "
            "directive.", stacklevel=2)
        name = renamed
    try:
        module = importlib.import_module(name)
        if not hasattr(module, "__plugins__"):
            return entries
    except ImportError:
        formatted = traceback.format_exc().replace("\n", "\n  ")
        errors.append(_loader.LoadError(data.new_metadata("<load>", 0), f'Error importing "{name}": {formatted}'))
        return entries
    args = () if spec.config is None else (spec.config,)
    for function in module.__plugins__:
        callback = getattr(module, function) if isinstance(function, str) else function
        try:
            entries, plugin_errors = callback(entries, options, *args)
            errors.extend(plugin_errors)
        except Exception:  # as beancount: any plugin failure is an error of the load (SystemExit passes)
            formatted = traceback.format_exc().replace("\n", "\n  ")
            errors.append(_loader.LoadError(
                data.new_metadata("<load>", 0), f'Error applying plugin "{name}": {formatted}'))
    entries.sort(key=data.entry_sortkey)
    return entries


#: beancount's own plugins, by module name.
PAD = "beancount.ops.pad"
BALANCE = "beancount.ops.balance"


def check_balances(entries: Entries, options: Options) -> tuple[Entries, list[Any]]:
    """beancount's balance plugin (``beancount.ops.balance``) over ``entries``."""
    result: tuple[Entries, list[Any]] = _balance.check(entries, options)
    return result


def validations() -> list[tuple[str, Validation]]:
    """beancount's validations, in the order a load runs them, each with its function name."""
    return [(check.__name__, check) for check in _validation.VALIDATIONS]


def validate(entries: Entries, options: Options) -> list[Any]:
    """beancount's validations of loaded ``entries``, as a load runs them."""
    errors: list[Any] = _validation.validate(entries, options, None, None)
    return errors


def input_hash(filenames: Sequence[str]) -> str:
    """beancount's ``options["input_hash"]`` of the files a load read."""
    return str(_loader.compute_input_hash(filenames))
