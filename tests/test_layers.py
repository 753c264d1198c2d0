"""The layers (docs/arsitektur.md): no kopledger import inside a function, no import cycle,
and import-linter's contracts kept."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import layers  # noqa: E402


def test_no_kopledger_import_inside_a_function() -> None:
    lazy = [f"{e.where} ({e.source} -> {e.target})" for e in layers.edges() if e.in_function]
    assert lazy == [], "kopledger imports inside functions:\n" + "\n".join(lazy)


def test_no_import_cycle_among_kopledger_modules() -> None:
    assert layers.cycles(layers.edges()) == []


def test_the_finder_sees_imports_inside_functions_and_cycles(tmp_path: Path) -> None:
    """The checks above can fail: a package with a lazy import and a cycle is caught."""
    package = tmp_path / "kopledger"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from kopledger import b\n")
    (package / "b.py").write_text("def f():\n    from kopledger import a\n    return a\n")
    found = layers.edges(package)
    assert [(e.source, e.target, e.in_function) for e in found] == [
        ("kopledger.a", "kopledger.b", False), ("kopledger.b", "kopledger.a", True)]
    assert layers.cycles(found) == [["kopledger.a", "kopledger.b"]]


def test_import_linter_contracts_are_kept() -> None:
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    if lint is None or importlib.util.find_spec("importlinter") is None:
        pytest.fail("import-linter is not installed: pip install -e '.[test]'")
    result = subprocess.run([lint], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout
