"""The statements on beancount's own ``bean-example`` ledger (English roots, USD, stocks).

The ledger is generated into tmp_path with bean-example's Python entry point; bean-query
is the independent oracle for every total. Holdings are counted at their weight in the
operating currency (units × cost); commodities with no cost in USD (vacation hours,
IRA contribution units) are left out and named in the notes.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from kopledger import Koperasi
from kopledger.reports.statements import build_statements
from tests.test_statements import check_invariants, check_oracle

CASH = "account ~ '^Assets:US:(BofA:Checking|ETrade:Cash|Vanguard:Cash)$'"


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from beancount.scripts.example import main as bean_example

    path = tmp_path_factory.mktemp("bean-example") / "example.beancount"
    result = CliRunner().invoke(
        bean_example, ["--date-begin", "2022-01-01", "--date-end", "2024-06-30", "--seed", "7", "-o", str(path)]
    )
    assert result.exit_code == 0, result.output
    # Declare kopledger's plugin so `kop laporan` accepts the books as clean.
    path.write_text(path.read_text(encoding="utf-8") + '\nplugin "kopledger.plugin"\n', encoding="utf-8")
    return path


def test_bean_example_loads_and_uses_usd(example: Path):
    kop = Koperasi.load(example)
    assert kop.errors == []
    assert kop.currency == "USD"
    assert kop.roots.aset == "Assets"


@pytest.mark.parametrize("year", [2023, 2024])
def test_bean_example_totals_equal_bean_query(example: Path, year: int):
    kop = Koperasi.load(example)
    fs = build_statements(kop, year)
    check_invariants(fs, kop)
    check_oracle(fs, kop, CASH)
    assert fs.mata_uang == "USD"
    assert fs.phu.total("total_pendapatan") > 0
    # Stocks held at cost are non-cash assets; the brokerage cash is cash.
    cash_lines = {x.akun for x in fs.neraca.lines if x.akun.endswith(("Checking", ":Cash"))}
    assert "Assets:US:BofA:Checking" in cash_lines
    warnings = {w.kode: w.nilai for w in fs.calk.peringatan}
    others = {c["komoditas"] for c in warnings["komoditas-lain"]["komoditas"]}
    assert {"VACHR", "IRAUSD"} <= others


def test_bean_example_residue_is_shown_not_hidden(example: Path):
    kop = Koperasi.load(example)
    fs = build_statements(kop, 2023)
    residue = [x for x in fs.neraca.lines if x.akun == "Equity:SelisihPembulatan"]
    # beancount's tolerance leaves a few hundredths of a cent unbalanced in cost postings:
    # with this seed there is one; it is small, shown as its own line and explained in the notes.
    assert len(residue) == 1
    assert 0 < abs(residue[0].jumlah) < Decimal("1")
    assert any(w.kode == "selisih-pembulatan" for w in fs.calk.peringatan)


def test_bean_example_report_cli(example: Path):
    from kopledger.cli import main

    result = CliRunner().invoke(main, ["laporan", str(example), "--tahun", "2023", "--format", "txt", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "STATEMENT OF FINANCIAL POSITION" in result.output
    assert "(in USD)" in result.output
