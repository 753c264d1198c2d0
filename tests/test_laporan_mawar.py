"""The statements of the example koperasi (examples/mawar/buku.beancount).

bean-query is the oracle for every total; the notes' loan portfolio (kopledger.ops.loans.entries)
must agree with the neraca's loans line.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from kopledger import Koperasi
from kopledger.cli import main
from kopledger.reports.statements import build_statements
from tests.test_statements import check_invariants, check_oracle

MAWAR = Path(__file__).resolve().parent.parent / "examples" / "mawar" / "buku.beancount"



@pytest.fixture(scope="module")
def kop() -> Koperasi:
    kop = Koperasi.load(MAWAR)
    assert kop.errors == []
    return kop


@pytest.mark.parametrize("year", [2024, 2025])
def test_mawar_statements_balance_reconcile_and_equal_bean_query(kop: Koperasi, year: int):
    fs = build_statements(kop, year)
    check_invariants(fs, kop)
    check_oracle(fs, kop, "account ~ '^Aset:(Kas|Bank)'")


def test_mawar_notes(kop: Koperasi):
    fs = build_statements(kop, 2025)
    portfolio = fs.calk.pinjaman
    assert portfolio is not None and portfolio.pinjaman
    # issue 24: the loan line is split, current (due within twelve months) and non-current
    loans = sum((x.jumlah for x in fs.neraca.lines if x.akun == "Aset:Piutang:PinjamanAnggota"), Decimal(0))
    assert portfolio.total_saldo == loans
    assert sum((c.saldo for c in portfolio.per_kolektibilitas), Decimal(0)) == loans
    assert fs.calk.anggota_aktif[0] == len(kop.active_members(fs.tanggal))
    simpanan = {x.label: x.jumlah for x in fs.calk.simpanan}
    neraca = {x.label: x.jumlah for x in fs.neraca.lines if x.jenis == "baris"}
    assert simpanan["Simpanan Wajib"] == neraca["Simpanan Wajib"]
    # IDR only, every account coded, nothing left unbalanced; the one warning (issue 24): the printed
    # 2023 summary (assets 349,900,000, equity 289,600,000) is not the opening booked on 2024-01-01
    # (bean-query, 'saldo-awal' IN tags: Aset 356,885,000; Ekuitas 296,725,000)
    assert [(w.kode, w.nilai["aset_ringkasan"], w.nilai["aset_buku"], w.nilai["ekuitas_ringkasan"],
             w.nilai["ekuitas_buku"]) for w in fs.calk.peringatan] == [
        ("ringkasan-berbeda", Decimal(349_900_000), Decimal(356_885_000), Decimal(289_600_000), Decimal(296_725_000))]


def test_mawar_opening_balances_are_shown_as_booked_not_as_flows(kop: Koperasi):
    fs = build_statements(kop, 2024)  # the books open with one #saldo-awal transaction
    assert fs.ekuitas.total("saldo_awal") == 0
    assert fs.ekuitas.total("saldo_awal_dibukukan") > 0
    assert fs.arus_kas.total("saldo_awal_kas") == fs.arus_kas.total("kas_akhir") - fs.arus_kas.total("kenaikan_kas")


def test_mawar_first_comparative_year_opens_with_the_booked_opening(kop: Koperasi):
    """Issue 24: in the 2025 report the comparative year 2024 (the books' first) opens with what
    the #saldo-awal entry of 2024-01-01 brought in, not "–"."""
    fs = build_statements(kop, 2025)
    # equity brought in on 2024-01-01: assets 356,885,000 − liabilities 60,160,000 = 296,725,000
    # (bean-query: SELECT sum(position) WHERE 'saldo-awal' IN tags AND account ~ '^Ekuitas' → −296,725,000)
    assert fs.ekuitas.total("saldo_awal", pembanding=True) == Decimal(296_725_000)
    assert fs.ekuitas.total("saldo_awal_dibukukan", pembanding=True) == 0
    # cash: Kas 18,500,000 + Bank BRI 287,235,000 = 305,735,000
    assert fs.arus_kas.total("kas_awal", pembanding=True) == Decimal(305_735_000)
    assert fs.arus_kas.total("saldo_awal_kas", pembanding=True) == 0
    # the year's column still opens with the comparative column's closing
    assert fs.ekuitas.total("saldo_awal") == fs.ekuitas.total("saldo_akhir", pembanding=True) == Decimal(340_233_392)


def test_mawar_pdf_and_xlsx(tmp_path: Path):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    pdf = tmp_path / "laporan.pdf"
    result = CliRunner().invoke(main, ["laporan", str(MAWAR), "--tahun", "2025", "--format", "pdf", "--out", str(pdf)])
    assert result.exit_code == 0, result.output
    texts = [p.extract_text() for p in PdfReader(io.BytesIO(pdf.read_bytes())).pages]
    assert "LAPORAN POSISI KEUANGAN" in texts[0] and "KOPERASI WANITA MAWAR SUKABUMI" in texts[0]
    assert any("Piutang pinjaman anggota menurut kolektibilitas" in t for t in texts)
    xlsx = tmp_path / "laporan.xlsx"
    result = CliRunner().invoke(main, ["laporan", str(MAWAR), "--tahun", "2025", "--format", "xlsx", "--jenis",
                                       "neraca", "--out", str(xlsx)])
    assert result.exit_code == 0, result.output
    data = json.loads(CliRunner().invoke(main, ["laporan", str(MAWAR), "--tahun", "2025", "--format", "json",
                                                "--jenis", "neraca"]).output)
    ws = load_workbook(xlsx).active
    values = {row[0]: row[2] for row in ws.iter_rows(values_only=True) if row and isinstance(row[2], int)}
    assert Decimal(values["JUMLAH ASET"]) == Decimal(data["neraca"]["total_aset"])
