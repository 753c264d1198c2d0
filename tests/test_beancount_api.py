"""beancount's internals behind one adapter (kopledger/books/beancount_api.py, issue 22).

The installed beancount is one the adapter is tested with, every internal it uses exists,
its own plugin runner is beancount's ``run_transformations``, no other kopledger module
touches beancount's internals, and no kopledger module assigns to a beancount module.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import os
import re
import tomllib
from pathlib import Path
from typing import Any

import beancount
import pytest
from beancount.parser import printer

from kopledger.books import beancount_api as api
from kopledger.books.load import cache

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "kopledger"
ADAPTER = PACKAGE / "books" / "beancount_api.py"
EXAMPLE = ROOT / "examples" / "mawar" / "buku.beancount"


def release(version: str) -> tuple[int, int]:
    match = re.match(r"(\d+)\.(\d+)", version)
    assert match, version
    return int(match.group(1)), int(match.group(2))


def test_the_installed_beancount_is_in_the_tested_range() -> None:
    low, high = api.TESTED
    assert low <= release(beancount.__version__) < high, (
        f"beancount {beancount.__version__} is outside the range kopledger.books.beancount_api is tested "
        f"with ({low} to below {high}): check every internal it uses, then widen TESTED and pyproject's pin")


def test_pyproject_pins_the_tested_range() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = [d for d in project["dependencies"] if re.match(r"beancount\b(?![-_])", d)]
    (low_major, low_minor), (high_major, high_minor) = api.TESTED
    assert pins == [f"beancount>={low_major}.{low_minor},<{high_major}.{high_minor}"]


@pytest.mark.parametrize(("module", "name"), api.INTERNALS)
def test_every_internal_the_adapter_uses_exists(module: str, name: str) -> None:
    assert hasattr(importlib.import_module(module), name), f"{module}.{name} is gone from beancount"


def test_the_list_of_internals_is_complete() -> None:
    """Every attribute the adapter reads from a beancount module is in ``INTERNALS`` (or public)."""
    tree = ast.parse(ADAPTER.read_text(encoding="utf-8"))
    aliases = {"_loader": "beancount.loader", "loader": "beancount.loader", "_booking": "beancount.parser.booking",
               "_grammar": "beancount.parser.grammar", "_validation": "beancount.ops.validation",
               "_balance": "beancount.ops.balance", "_parser": "beancount.parser._parser"}
    public = {("beancount.loader", "load_file"), ("beancount.loader", "load_string")}
    used = {
        (aliases[node.value.id], node.attr)
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases
    }
    assert used, "the adapter reads no beancount internals?"
    assert used - set(api.INTERNALS) - public == set()


def parsed_and_booked(path: Path) -> tuple[list[Any], list[Any], dict[str, Any]]:
    entries, errors, options = api.parse_files(os.path.realpath(path))
    entries, booking_errors = api.book(entries, options)
    return entries, [*errors, *booking_errors], options


def printed(entries: list[Any]) -> list[str]:
    return [printer.format_entry(e) for e in entries]


def test_running_every_plugin_one_by_one_is_beancounts_run_transformations() -> None:
    own = parsed_and_booked(EXAMPLE)
    theirs = parsed_and_booked(EXAMPLE)
    entries, errors = api.run_plugins(own[0], own[1], own[2], api.plugins(own[2]))
    expected, expected_errors = api.run_plugins(theirs[0], theirs[1], theirs[2])
    assert [p.name for p in api.plugins(own[2])] == [
        "beancount.ops.documents", "kopledger.plugin", "beancount.ops.pad", "beancount.ops.balance"]
    assert printed(entries) == printed(expected) and len(entries) > 1000
    assert errors == expected_errors == []


FAILING = """\
option "operating_currency" "IDR"
plugin "tests.no_such_plugin_module"
plugin "beancount.plugins.check_commodity"
plugin "beancount.plugins.coherent_cost" "unexpected config"

2024-01-01 open Assets:Kas IDR
2024-01-01 open Equity:Modal IDR
2024-01-02 pad Assets:Kas Equity:Modal
2024-01-03 balance Assets:Kas 1000 IDR
2024-01-04 balance Assets:Kas 5 IDR
"""


def test_plugin_failures_are_reported_as_beancount_reports_them(tmp_path: Path) -> None:
    path = tmp_path / "buku.beancount"
    path.write_text(FAILING, encoding="utf-8")
    own = parsed_and_booked(path)
    theirs = parsed_and_booked(path)
    entries, errors = api.run_plugins(own[0], own[1], own[2], api.plugins(own[2]))
    expected, expected_errors = api.run_plugins(theirs[0], theirs[1], theirs[2])
    assert printed(entries) == printed(expected)

    def first_lines(found: list[Any]) -> list[str]:
        return [e.message.splitlines()[0] for e in found]

    assert first_lines(errors) == first_lines(expected_errors)
    assert [m for m in first_lines(errors) if m.startswith("Error ")] == [
        'Error importing "tests.no_such_plugin_module": Traceback (most recent call last):',
        'Error applying plugin "beancount.plugins.coherent_cost": Traceback (most recent call last):',
    ]
    assert any(m.startswith("Balance failed") for m in first_lines(errors))


RAW = """\
option "plugin_processing_mode" "raw"
option "operating_currency" "IDR"

2024-01-01 open Assets:Kas IDR
2024-01-01 open Equity:Modal IDR
2024-01-02 pad Assets:Kas Equity:Modal
2024-01-03 balance Assets:Kas 1000 IDR
"""


def test_books_that_run_no_builtin_plugin_grow_as_a_cold_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``plugin_processing_mode "raw"``: beancount runs neither pad nor balance, so neither does
    an append (the balance check used to run on an append only, failing where a cold load passes)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    path = tmp_path / "buku.beancount"
    path.write_text(RAW, encoding="utf-8")
    assert api.plugins(api.parse_files(str(path))[2]) == []
    assert cache.load_books(path)[1] == []
    with open(path, "a", encoding="utf-8") as handle:
        handle.write('\n2024-02-01 * "Setor"\n  Assets:Kas  5 IDR\n  Equity:Modal  -5 IDR\n')
    entries, errors, _ = cache.load_books(path)
    assert cache.last_load == "append"
    cold_entries, cold_errors, _ = api.load_cold(str(path))
    assert errors == cold_errors == []
    assert printed(entries) == printed(cold_entries)


# --- the rest of kopledger: public beancount API only, and never a beancount module changed -------------

#: beancount's internal modules and names: only the adapter may import or read them.
INTERNAL_MODULES = {"beancount.parser._parser", "beancount.parser.booking", "beancount.parser.booking_full",
                    "beancount.ops.validation", "beancount.ops.balance", "beancount.ops.pad"}
INTERNAL_NAMES = {"_load", "_parse_recursive", "run_transformations", "compute_input_hash", "PLUGINS_PRE",
                  "PLUGINS_AUTO", "PLUGINS_POST", "RENAMED_MODULES", "Builder", "Parser", "VALIDATIONS",
                  "_parser", "booking", "validation", "balance", "pad"}


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def beancount_names(tree: ast.AST) -> set[str]:
    """Names bound to a beancount module in ``tree`` (imports, and plain aliases of them)."""
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "beancount":
                    bound.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "beancount":
            for alias in node.names:
                target = f"{node.module}.{alias.name}"
                try:
                    is_module = importlib.util.find_spec(target) is not None
                except (ImportError, ValueError):
                    is_module = False
                if is_module:
                    bound.add(alias.asname or alias.name)
    changed = True
    while changed:  # ``_loader: Any = loader`` and the like
        changed = False
        for node in ast.walk(tree):
            value = getattr(node, "value", None)
            if isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(value, ast.Name) and value.id in bound:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Name) and target.id not in bound:
                        bound.add(target.id)
                        changed = True
    return bound


def root_name(node: ast.expr) -> str | None:
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def assignments_to_beancount(path: Path, root: Path = ROOT) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bound = beancount_names(tree)
    found = []
    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        elif isinstance(node, ast.Delete):
            targets = node.targets
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id in ("setattr", "delattr") and node.args):
            if root_name(node.args[0]) in bound:
                found.append(f"{path.relative_to(root)}:{node.lineno}")
            continue
        if any(isinstance(part, ast.Attribute | ast.Subscript) and root_name(part.value) in bound
               for target in targets for part in ast.walk(target)):
            found.append(f"{path.relative_to(root)}:{node.lineno}")
    return found


def test_no_kopledger_module_assigns_to_a_beancount_module() -> None:
    found = [where for path in modules() for where in assignments_to_beancount(path)]
    assert found == []


def test_the_scan_finds_an_assignment_to_a_beancount_global(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from typing import Any\nfrom beancount import loader\n_l: Any = loader\n"
                   "def f():\n    _l.PLUGINS_POST = []\n    loader.PLUGINS_PRE[:] = []\n"
                   "    setattr(loader, 'PLUGINS_AUTO', [])\n", encoding="utf-8")
    assert [w.rsplit(":", 1)[1] for w in assignments_to_beancount(bad, tmp_path)] == ["5", "6", "7"]


def internal_uses(path: Path, root: Path = ROOT) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bound = beancount_names(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [f"import {a.name}" for a in node.names if a.name in INTERNAL_MODULES]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "beancount":
            found += [f"from {node.module} import {a.name}" for a in node.names
                      if node.module in INTERNAL_MODULES or a.name in INTERNAL_NAMES]
        elif isinstance(node, ast.Attribute) and node.attr in INTERNAL_NAMES and root_name(node.value) in bound:
            found.append(f"{ast.unparse(node)}")
    return [f"{path.relative_to(root)}: {use}" for use in found]


def test_only_the_adapter_uses_beancounts_internals() -> None:
    assert internal_uses(ADAPTER), "the scan finds nothing in the adapter itself"
    found = [use for path in modules() if path != ADAPTER for use in internal_uses(path)]
    assert found == []


def test_the_scan_finds_a_use_of_an_internal(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from beancount import loader\nfrom beancount.parser import booking, printer\n"
                   "from beancount.core import data\nloader._load([], None, None, None)\nloader.load_file('x')\n",
                   encoding="utf-8")
    assert internal_uses(bad, tmp_path) == [
        "bad.py: from beancount.parser import booking", "bad.py: loader._load"]
