"""A report answered from kopledger's cache (nothing loaded) still never lands on the books."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kopledger.cli import main

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "mawar" / "buku.beancount"


@pytest.mark.parametrize("command", [
    ["laporan", "--tahun", "2025", "--jenis", "neraca", "--format", "html"],
    ["pinjaman", "portofolio", "--per", "2025-12-31", "--format", "html"],
    ["rat", "--tahun", "2025", "--diam"],
])
def test_a_cached_report_refuses_the_ledger_as_out(tmp_path: Path, command: list[str]) -> None:
    assert os.environ.get("KOP_CACHE", "1") != "0"
    books = tmp_path / "buku.beancount"
    shutil.copy(EXAMPLE, books)
    name, *rest = command
    args = [name, *rest[:1]] if name == "pinjaman" else [name]
    options = rest[1:] if name == "pinjaman" else rest
    target = tmp_path / ("x.html")
    first = CliRunner().invoke(main, [*args, str(books), *options, "--out", str(target)])
    assert first.exit_code == 0, first.output  # the result is now in the cache
    before = books.read_bytes()
    link = tmp_path / "tautan.html"
    link.symlink_to(books)
    for out in (books, link):
        again = CliRunner().invoke(main, [*args, str(books), *options, "--out", str(out)])
        assert again.exit_code == 2, again.output
        assert books.read_bytes() == before
