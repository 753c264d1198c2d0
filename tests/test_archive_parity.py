"""One file per year gives the same figures as one long file (issue 13).

The example (examples/mawar, 2024 and 2025 in one file) closed two ways: 2024 closed in
place (one long file), and 2024 closed with ``--file-baru`` (a standalone 2025 file that
names the closed file). Every report of 2025 must read the same.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kopledger.cli import main
from kopledger.closing import close_year

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "mawar" / "buku.beancount"


def kop_json(*args: object) -> object:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.fixture(scope="module")
def two_ways(tmp_path_factory) -> tuple[Path, Path]:
    long_dir = tmp_path_factory.mktemp("panjang")
    year_dir = tmp_path_factory.mktemp("pertahun")
    long_file = long_dir / "buku.beancount"
    shutil.copy(EXAMPLE, long_file)
    close_year(long_file, 2024, today=dt.date(2025, 1, 20))
    old = year_dir / "buku-2024.beancount"
    shutil.copy(EXAMPLE, old)
    close_year(old, 2024, today=dt.date(2025, 1, 20), new_file=year_dir / "buku-2025.beancount")
    return long_file, year_dir / "buku-2025.beancount"


def test_the_year_file_loads_clean_and_names_the_closed_file(two_ways):
    _, year_file = two_ways
    assert kop_json("cek", year_file, "--format", "json") == []


CASES = [
    (("laporan",), ("--tahun", "2025", "--jenis", "semua", "--format", "json")),
    (("shu", "hitung"), ("--tahun", "2025", "--format", "json")),
    (("simpanan", "tunggakan"), ("--per", "2025-12-31", "--format", "json")),
    (("simpanan", "tunggakan"), ("--per", "2025-06-15", "--format", "json")),
    (("simpanan", "kartu"), ("--dari", "2025-01-01", "--sampai", "2025-12-31", "--format", "json")),
    (("pinjaman", "daftar"), ("--per", "2025-12-31", "--format", "json")),
    (("pinjaman", "daftar"), ("--per", "2025-03-31", "--format", "json")),
    (("pinjaman", "portofolio"), ("--per", "2025-12-31", "--format", "json")),
]


@pytest.mark.parametrize(("command", "options"), CASES, ids=lambda v: " ".join(v))
def test_same_figures_as_one_long_file(two_ways, command, options):
    long_file, year_file = two_ways
    assert kop_json(*command, year_file, *options) == kop_json(*command, long_file, *options)
