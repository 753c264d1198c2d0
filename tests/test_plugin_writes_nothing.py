"""A load writes nothing: kopledger's checks (run by ``bean-check``, Fava or kopledger itself)
only read. The closed years the chain check verified are saved by kopledger's cache layer,
after its load — never from inside the plugin's run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from beancount import loader

from kopledger import Koperasi
from kopledger.books.checks import plugin
from kopledger.books.closed.chain import VerifiedCache, verified_cache_path
from kopledger.books.load import cache
from tests.test_closing import TODAY, YEAR_2024, YEAR_2025, close_year, write


def tree(root: Path) -> dict[str, bytes | None]:
    """Every file and folder under ``root``, with each file's bytes."""
    return {str(p.relative_to(root)): (p.read_bytes() if p.is_file() else None) for p in sorted(root.rglob("*"))}


@pytest.fixture
def closed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Books with 2024 closed, and no kopledger cache at all: the closed year is still to verify."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    folder = tmp_path / "buku"
    folder.mkdir()
    path = write(folder, YEAR_2024 + YEAR_2025)
    close_year(path, 2024, today=TODAY)
    shutil.rmtree(tmp_path / "xdg", ignore_errors=True)
    cache._MEMORY.clear()
    return path


def test_bean_check_of_closed_books_writes_no_file(closed: Path, tmp_path: Path) -> None:
    before = tree(tmp_path)
    bean_check = Path(sys.executable).with_name("bean-check")
    result = subprocess.run([str(bean_check), "-C", str(closed)], capture_output=True, text=True, check=False,
                            env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg")})
    assert result.returncode == 0, result.stdout + result.stderr
    assert tree(tmp_path) == before


def test_the_plugin_run_writes_no_file_and_reads_what_the_cache_kept(closed: Path, tmp_path: Path) -> None:
    before = tree(tmp_path)
    assert loader._load([(str(closed), True)], None, None, None)[1] == []  # as Fava loads
    assert tree(tmp_path) == before
    # kopledger's cache layer keeps what its load verified, after it …
    Koperasi.load(closed)
    kept = verified_cache_path(closed)
    assert "2024" in kept.read_text(encoding="utf-8")
    # … and a plain run of the plugin reads it, leaving it as it was
    after = tree(tmp_path)
    assert loader._load([(str(closed), True)], None, None, None)[1] == []
    assert tree(tmp_path) == after


def test_the_check_notes_verified_years_for_its_caller_to_save(closed: Path) -> None:
    entries, errors, options = loader._load([(str(closed), True)], None, None, None)
    assert errors == []
    verified = VerifiedCache.for_ledger(options)
    assert verified is not None and not verified.changed
    checked = plugin.check(entries, options, verified=verified)
    assert checked.errors == []
    assert verified.changed and not verified.path.exists()  # noted in memory, not written
    verified.save()
    assert "2024" in verified.path.read_text(encoding="utf-8")
