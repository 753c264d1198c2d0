"""The RAT pack of the example koperasi (examples/mawar): what `make demo` produces."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from beanquery.query import run_query
from click.testing import CliRunner

from kopledger import Koperasi
from kopledger.cli import main
from kopledger.present import formatting
from kopledger.present.rat import render_rat
from kopledger.reports.rat import build_rat
from tests.rat_html import RatDocument

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "mawar" / "buku.beancount"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def kop() -> Koperasi:
    books = Koperasi.load(EXAMPLE)
    assert books.errors == [], [e.message for e in books.errors[:5]]
    return books


@pytest.fixture(scope="module")
def pack(kop):
    return build_rat(kop, 2025)


@pytest.fixture(scope="module")
def doc(pack) -> RatDocument:
    return RatDocument(render_rat(pack))


def test_every_part_is_there(pack, doc):
    assert pack.belum_tersedia == {}
    assert pack.shu is not None and pack.laporan is not None and pack.pinjaman is not None
    assert "Koperasi Wanita Mawar Sukabumi".upper() in doc.texts["sampul"].upper()
    assert len(pack.grafik) == 4


def test_shu_figures_match_compute_shu_and_bean_query(kop, doc):
    from kopledger.ops.shu.compute import compute_shu

    result = compute_shu(kop, 2025)
    _types, rows = run_query(
        kop.entries, kop.options,
        "SELECT sum(number) WHERE (account ~ '^Pendapatan' OR account ~ '^Beban') AND year = 2025 "
        "AND NOT 'tutup-buku-2025' IN tags",
    )
    assert result.shu == -rows[0][0]
    assert doc.texts["shu-tahun"] == formatting.rupiah(result.shu)
    components = doc.rows_with("data-komponen")
    for c in result.alokasi:
        assert components[c.komponen].cells[1:] == [formatting.persen(c.persen), formatting.rupiah(c.jumlah)]
    members = {r.attrs["data-anggota"]: r.cells for r in doc.table("tabel-shu-anggota") if "data-anggota" in r.attrs}
    assert len(members) == len(result.anggota)
    for m in result.anggota:
        assert members[m.id][3:] == [formatting.rupiah(m.jasa_modal), formatting.rupiah(m.jasa_usaha), formatting.rupiah(m.jumlah)]


@pytest.mark.parametrize("scope, name", [("neraca", "neraca"), ("phu", "phu"), ("ekuitas", "ekuitas"),
                                         ("arus-kas", "arus_kas")])
def test_statement_figures_match_build_statements(kop, doc, scope, name):
    from kopledger.reports.statements import build_statements

    statement = getattr(build_statements(kop, 2025), name)
    body = [r for r in doc.in_scope(scope) if r.cells and r.cells[0] != "Uraian"]
    if statement.kolom:  # the equity statement: a table by component, prior year first
        check_equity_table(body, statement)
        return
    assert [r.cells[0] for r in body] == [line.label for line in statement.lines]
    for row, line in zip(body, statement.lines, strict=True):
        if line.jenis != "bagian":
            assert row.cells[1:3] == [formatting.akuntansi(line.jumlah), formatting.akuntansi(line.jumlah_pembanding)]


def test_member_counts_match_the_register(kop, doc):
    end = dt.date(2025, 12, 31)
    assert doc.texts["anggota-akhir"] == formatting.angka(len(kop.active_members(end)))
    assert doc.texts["anggota-awal"] == formatting.angka(len(kop.active_members(dt.date(2024, 12, 31))))
    women = sum(1 for m in kop.active_members(end) if m.jenis_kelamin == "P")
    assert doc.texts["anggota-akhir-P"] == formatting.angka(women)


def test_demo_command_line(tmp_path):
    out = tmp_path / "build" / "rat-2025.html"
    result = CliRunner().invoke(main, ["rat", str(EXAMPLE), "--tahun", "2025", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 50_000
    assert f"Ditulis: {out}" in result.stderr


def check_equity_table(body, statement) -> None:
    """Every row of the equity table by component as the statement holds it."""
    rows = [r for r in body if len(r.cells) > 1]
    assert len(rows) == len(statement.tabel)
    for row, data in zip(rows, statement.tabel, strict=True):
        label = f"{data.label} {data.tahun}" if data.jenis == "saldo" else data.label
        assert row.cells[0] == label
        assert row.cells[1:] == [formatting.akuntansi(v) for v in (*data.per_kolom, data.jumlah)]
    closing = statement.saldo_akhir_per_kolom()
    assert sum(closing.values()) == statement.total("saldo_akhir")


def test_the_english_pack_names_every_account_in_english(pack):
    """Account names of the chart (bagan akun) that have an English name never show in
    Indonesian in the English pack: every table that names an account words it."""
    import html
    import re

    from kopledger.books.bagan_akun import STANDARD_CHART
    from kopledger.core.errors import translate

    page = str(render_rat(pack, lang="en"))
    page = re.sub(r"<(style|svg)\b.*?</\1>", "", page, flags=re.S)
    cells = {html.unescape(c).strip() for c in re.split(r"<[^>]+>", page)}
    untranslated = sorted(
        a.nama for a in STANDARD_CHART if translate(a.nama, "en") != a.nama and a.nama in cells
    )
    assert untranslated == []
    assert "Interest on member loans" in cells  # the check sees the names it looks for
