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
from kopledger.ops.closing import close_year

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
    (("rat",), ("--tahun", "2025", "--format", "json", "--diam")),
]


@pytest.mark.parametrize(("command", "options"), CASES, ids=lambda v: " ".join(v))
def test_same_figures_as_one_long_file(two_ways, command, options):
    long_file, year_file = two_ways
    by_year, long = kop_json(*command, year_file, *options), kop_json(*command, long_file, *options)
    if command == ("rat",):  # the closed file's lock covers its seal (naming the year file): its own sidik
        assert set(by_year.pop("sidik")) == set(long.pop("sidik"))  # type: ignore[union-attr]
    assert by_year == long


# --- generated books of 6 years ---------------------------------------------------------
@pytest.fixture(scope="module")
def six_years(tmp_path_factory) -> tuple[Path, dict[int, Path]]:
    """Generated books 2019–2024: one long file closed in place each year, and one file per year."""
    import re

    from examples.generator import generate

    text = generate(40, 6, seed=7, start_year=2019)
    folder = tmp_path_factory.mktemp("enam")
    long_file = folder / "panjang.beancount"
    long_file.write_text(text, encoding="utf-8")
    pieces, rest = [], text
    for year in range(2020, 2025):
        match = re.search(rf"\n\n(?={year}-\d\d-\d\d )", rest)
        assert match is not None
        pieces.append(rest[: match.start() + 1])
        rest = rest[match.start() + 1:]
    pieces.append(rest)
    files = {year: folder / f"buku-{year}.beancount" for year in range(2019, 2025)}
    files[2019].write_text(pieces[0], encoding="utf-8")
    for k, year in enumerate(range(2019, 2024)):
        today = dt.date(year + 1, 1, 31)
        close_year(long_file, year, today=today)
        close_year(files[year], year, today=today, new_file=files[year + 1])
        with files[year + 1].open("a", encoding="utf-8") as handle:
            handle.write("\n" + pieces[k + 1])
    return long_file, files


SIX_YEAR_CASES = [
    (("laporan",), ("--tahun", "{y}", "--jenis", "semua", "--format", "json")),
    (("shu", "hitung"), ("--tahun", "{y}", "--format", "json", "--sementara")),
    (("simpanan", "tunggakan"), ("--per", "{y}-12-31", "--format", "json")),
    (("simpanan", "tunggakan"), ("--per", "{y}-07-15", "--format", "json")),
    (("simpanan", "kartu"), ("--dari", "{y}-01-01", "--sampai", "{y}-12-31", "--format", "json")),
    (("pinjaman", "daftar"), ("--per", "{y}-12-31", "--format", "json")),
    (("pinjaman", "portofolio"), ("--per", "{y}-09-30", "--format", "json")),
    (("rat",), ("--tahun", "{y}", "--format", "json", "--diam")),
]


@pytest.mark.parametrize("year", [2021, 2024])
@pytest.mark.parametrize(("command", "options"), SIX_YEAR_CASES, ids=lambda v: " ".join(v))
def test_six_year_books_same_figures_per_year(six_years, year, command, options):
    long_file, files = six_years
    opts = [o.replace("{y}", str(year)) for o in options]
    by_year, long = kop_json(*command, files[year], *opts), kop_json(*command, long_file, *opts)
    if command == ("simpanan", "kartu"):  # the long file knows who leaves in later years; the year's file cannot
        for card in long:  # type: ignore[attr-defined]
            if (card["anggota"]["tanggal_keluar"] or "9999") > f"{year}-12-31":
                card["anggota"].update(tanggal_keluar=None, alasan_keluar="")
    if command == ("rat",):  # each layout's locks fingerprint its own files: the sidik differ, by design
        assert set(by_year.pop("sidik")) == set(long.pop("sidik"))  # type: ignore[union-attr]
    assert by_year == long


def test_six_year_chain_witness_and_tamper(six_years, tmp_path):
    _, files = six_years
    newest = files[2024]
    assert kop_json("cek", newest, "--format", "json") == []
    from kopledger import Koperasi
    from kopledger.ops.closing import closed_years

    chain = closed_years(Koperasi.load(newest))
    assert sorted(chain) == [2019, 2020, 2021, 2022, 2023]
    # the newest file vouches for every archived year: each printed sidik verifies from it
    for year, sidik in chain.items():
        result = CliRunner().invoke(main, ["verifikasi", str(newest), "--tahun", str(year), "--sidik", sidik])
        assert result.exit_code == 0, result.output
    # an archive two files back, changed: the newest file names it
    copy = tmp_path / "salin"
    shutil.copytree(newest.parent, copy, ignore=shutil.ignore_patterns(".*", "panjang*"))
    oldest = copy / "buku-2020.beancount"
    text = oldest.read_text()
    line = next(x for x in text.splitlines() if x.startswith("2020-03") and ' * "' in x)
    oldest.write_text(text.replace(line, line.replace('"', '"Diubah ', 1), 1))
    errors = [e.message for e in Koperasi.load(copy / "buku-2024.beancount").errors]
    assert any(f"berkas arsip tahun buku 2020, {oldest}, berubah sejak ditutup" in m for m in errors), errors


def test_the_archived_year_s_shu_and_statements_are_read_from_its_own_file(two_ways):
    long_file, year_file = two_ways
    for command, options in ((("shu", "hitung"), ("--tahun", "2024", "--format", "json")),
                             (("laporan",), ("--tahun", "2024", "--jenis", "semua", "--format", "json"))):
        assert kop_json(*command, year_file, *options) == kop_json(*command, long_file, *options)


def test_the_rat_books_the_archived_year_s_shu_into_the_year_file(two_ways, tmp_path):
    long_file, year_file = two_ways
    folder = tmp_path / "salin"
    shutil.copytree(year_file.parent, folder, ignore=shutil.ignore_patterns(".*"))
    copy = folder / year_file.name
    long_copy = tmp_path / "panjang.beancount"
    shutil.copy(long_file, long_copy)
    args = ("--tahun", "2024", "--tulis", "--tanggal", "2025-03-15")
    for path in (copy, long_copy):
        result = CliRunner().invoke(main, ["shu", "hitung", str(path), *args])
        assert result.exit_code == 0, result.output
    allocation = [kop_json("shu", "hitung", p, "--tahun", "2024", "--format", "json") for p in (copy, long_copy)]
    assert allocation[0] == allocation[1]
    assert kop_json("cek", copy, "--format", "json") == []
    for command, options in CASES:
        by_year, long = kop_json(*command, copy, *options), kop_json(*command, long_copy, *options)
        if command == ("rat",):  # the closed file's lock covers its seal: its own sidik
            assert set(by_year.pop("sidik")) == set(long.pop("sidik"))  # type: ignore[union-attr]
        assert by_year == long, command
