"""``kop verifikasi``: books against the sidik printed for a closed year."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kopledger import Koperasi
from kopledger.cli import main
from kopledger.ops.closing import close_year, closed_years
from tests.test_closing import YEAR_2024, YEAR_2025, write


@pytest.fixture
def books(tmp_path: Path) -> tuple[Path, dict[int, str]]:
    path = write(tmp_path, YEAR_2024 + YEAR_2025)
    close_year(path, 2024, today=dt.date(2025, 1, 20))
    close_year(path, 2025, today=dt.date(2026, 1, 20))
    return path, closed_years(Koperasi.load(path))


def run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.output


def test_a_matching_sidik_exits_0(books):
    path, sidik = books
    code, out = run("verifikasi", path, "--tahun", 2024, "--sidik", sidik[2024])
    assert code == 0 and out.startswith("COCOK") and sidik[2024] in out
    code, out = run("verify", path, "--tahun", 2025, "--sidik", sidik[2025][:16].upper(), "--lang", "en")
    assert code == 0 and out.startswith("MATCH")


def test_another_sidik_exits_1_and_says_what_differs(books):
    path, sidik = books
    code, out = run("verifikasi", path, "--tahun", 2024, "--sidik", sidik[2025], "--format", "json")
    assert code == 1
    result = json.loads(out)
    assert result["cocok"] is False and result["masalah"] == ["beda-dengan-cetakan"]
    assert result["tercatat"] == result["dihitung"] == sidik[2024]


def test_changed_books_exit_1_naming_the_months(books):
    path, sidik = books
    path.write_text(path.read_text().replace("Beban:Usaha:Gaji  40000 IDR", "Beban:Usaha:Gaji  41000 IDR"))
    code, out = run("verifikasi", path, "--tahun", 2024, "--sidik", sidik[2024])
    assert code == 1 and out.startswith("TIDAK COCOK") and "2024-04" in out
    # 2025's witness is not trusted through 2024's stored sidik: the whole chain is recomputed
    code, out = run("verifikasi", path, "--tahun", 2025, "--sidik", sidik[2025], "--format", "json")
    result = json.loads(out)
    assert code == 1 and result["masalah"] == ["kunci-tidak-utuh"]
    assert result["tahun_rusak"] == [2024] and result["bulan"] == ["2024-04"]


def test_removing_the_newest_lock_with_its_closing_is_caught_by_the_witness(books):
    path, sidik = books
    text = path.read_text()
    cut = text.index('2025-12-31 * "Tutup buku 2025')
    path.write_text(text[:cut])  # the whole 2025 closing gone: the file alone looks fine
    assert Koperasi.load(path).errors == []
    # no trace is left, so the books say plainly the year is not closed in them: not a match (exit 3)
    code, out = run("verifikasi", path, "--tahun", 2025, "--sidik", sidik[2025], "--format", "json")
    assert code == 3 and json.loads(out)["masalah"] == ["belum-ditutup"] and not json.loads(out)["cocok"]


@pytest.mark.parametrize("bad", ["xyz", "12ab", "g" * 64])
def test_a_malformed_sidik_is_a_usage_error(books, bad):
    path, _ = books
    code, out = run("verifikasi", path, "--tahun", 2024, "--sidik", bad)
    assert code == 2 and "heksadesimal" in out
    assert run("verifikasi", path, "--sidik", "ab" * 10)[0] == 2  # --tahun missing
