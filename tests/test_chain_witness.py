"""The sidik of each closed year printed where people keep it: the RAT pack's pengesahan
page, the statements' signature page and each member's SHU slip."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from click.testing import CliRunner

from kopledger import Koperasi
from kopledger.cli import main
from kopledger.ops.closing import close_year, closed_years
from tests.test_closing import YEAR_2024, YEAR_2025, write

# officers are members (issue 24: kop cek and the writer refuse an officer that names no member)
OFFICERS = ('2020-01-01 custom "pengurus" "ketua" "Bu Ketua"\n  anggota: "A0001"\n'
            '2020-01-01 custom "pengurus" "bendahara" "Bu Bendahara"\n  anggota: "A0001"\n')


@pytest.fixture
def books(tmp_path):
    path = write(tmp_path, OFFICERS + YEAR_2024 + YEAR_2025)
    close_year(path, 2024, today=dt.date(2025, 1, 20))
    close_year(path, 2025, today=dt.date(2026, 1, 20))
    return path, closed_years(Koperasi.load(path))


def run(*args: object) -> str:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


def printed(html: str) -> dict[int, str]:
    return {int(y): s for y, s in re.findall(r'data-tahun="(\d{4})">[^<]*<code class="sidik">([0-9a-f]{64})</code>', html)}


def test_statements_signature_page_prints_the_closed_years(books):
    path, sidik = books
    assert printed(run("laporan", path, "--tahun", 2025, "--format", "html")) == sidik
    assert printed(run("laporan", path, "--tahun", 2024, "--format", "html")) == {2024: sidik[2024]}


def test_rat_pengesahan_prints_the_closed_years(books, tmp_path):
    path, sidik = books
    out = tmp_path / "rat.html"
    run("rat", path, "--tahun", 2025, "--out", out, "--diam")
    html = out.read_text()
    section = html[html.index('id="pengesahan"'):]
    assert printed(section) == sidik


def test_each_shu_slip_prints_the_sidik(books):
    path, sidik = books
    html = run("shu", "slip", path, "--tahun", 2024)
    assert printed(html) == {2024: sidik[2024]}
    text = run("shu", "slip", path, "--tahun", 2025, "--format", "txt")
    assert f"2024: {sidik[2024]}" in text and f"2025: {sidik[2025]}" in text


def test_a_printed_sidik_is_what_kop_verifikasi_accepts(books):
    path, _ = books
    html = run("laporan", path, "--tahun", 2025, "--format", "html")
    for year, value in printed(html).items():
        assert CliRunner().invoke(main, ["verifikasi", str(path), "--tahun", str(year), "--sidik", value]).exit_code == 0
