"""Issue 22 (part 3): every figure of a period runs to the period's date.

- the SHU of a provisional period runs through its ``per``, like the PHU of that period, also
  when the books hold entries dated later (an interim ``--per`` of an ended year; ``KOP_TODAY``
  in the middle of a year with later entries);
- ``kop laporan --unit X --per`` values the unit's PHU and balance sheet at ``per``;
- an interim report of an ended year is worded as an interim report, not as a year still running;
- every default "today" is :func:`kopledger.books.periode.hari_ini` (``KOP_TODAY``).
"""

from __future__ import annotations

import ast
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kopledger import Koperasi
from kopledger.books.periode import KOP_TODAY
from kopledger.cli import main
from kopledger.present.laporan import period_text
from kopledger.reports.rat import build_rat
from kopledger.reports.unit_usaha import phu_per_unit, unit_report

ROOT = Path(__file__).resolve().parents[1]
D = Decimal

BOOKS = """\
option "title" "Koperasi Uji Interim"
option "operating_currency" "IDR"
option "name_assets" "Aset"
option "name_liabilities" "Liabilitas"
option "name_equity" "Ekuitas"
option "name_income" "Pendapatan"
option "name_expenses" "Beban"
plugin "kopledger.plugin"

2025-01-01 open Aset:Kas IDR
2025-01-01 open Aset:Persediaan:Toko IDR
  unit: "toko"
2025-01-01 open Ekuitas:Modal IDR
2025-01-01 open Pendapatan:Anggota:Toko IDR
  unit: "toko"
2025-01-01 open Pendapatan:Anggota:JasaLain IDR
2025-01-01 open Beban:Usaha:Toko IDR
  unit: "toko"
2025-01-01 custom "kebijakan" "simpanan-pokok" 100000 IDR
2025-01-01 custom "kebijakan" "simpanan-wajib" 0 IDR
2025-01-01 custom "shu-alokasi" "cadangan" 40
2025-01-01 custom "shu-alokasi" "jasa-modal" 30
2025-01-01 custom "shu-alokasi" "jasa-usaha" 30

2025-01-02 * "Modal awal"
  Aset:Kas  10000000 IDR
  Ekuitas:Modal

2025-01-05 custom "anggota" "A0001" "Siti Aminah"
2025-01-05 * "Simpanan pokok Siti Aminah" #simpanan-pokok
  anggota: "A0001"
  Aset:Kas  100000 IDR
  Ekuitas:SimpananPokok:A0001  -100000 IDR

2025-01-20 * "Beli barang toko"
  Aset:Persediaan:Toko  2000000 IDR
  Aset:Kas

2025-02-10 * "Penjualan toko ke anggota"
  anggota: "A0001"
  Aset:Kas  300000 IDR
  Pendapatan:Anggota:Toko  -300000 IDR

2025-03-01 * "Biaya toko"
  Beban:Usaha:Toko  50000 IDR
  Aset:Kas

2025-05-02 custom "anggota" "A0002" "Budi Santoso"
2025-05-02 * "Simpanan pokok Budi Santoso" #simpanan-pokok
  anggota: "A0002"
  Aset:Kas  100000 IDR
  Ekuitas:SimpananPokok:A0002  -100000 IDR

2025-06-01 * "Penjualan toko ke anggota, sesudah tanggal interim"
  anggota: "A0002"
  Aset:Kas  700000 IDR
  Pendapatan:Anggota:Toko  -700000 IDR

2025-06-15 * "Barang toko tambahan"
  Aset:Persediaan:Toko  500000 IDR
  Aset:Kas

2025-07-01 * "Jasa lain"
  Aset:Kas  90000 IDR
  Pendapatan:Anggota:JasaLain  -90000 IDR
"""

PER = "2025-03-11"
SHU_AT_PER = D(250000)  # 300,000 sales − 50,000 expenses through 11 March
SHU_YEAR = D(1040000)  # + 700,000 sales in June + 90,000 in July


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("interim") / "buku.beancount"
    path.write_text(BOOKS, encoding="utf-8")
    return path


def kop_cli(today: str, *args: str) -> str:
    result = CliRunner(env={KOP_TODAY: today}).invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def cli_json(today: str, *args: str) -> Any:
    return json.loads(kop_cli(today, *args))


# --- 1. the SHU of a provisional period runs to its date ---------------------------------------------
def test_interim_shu_of_an_ended_year_equals_the_interim_phu(books: Path) -> None:
    today = "2026-01-20"  # 2025 has ended; the interim --per makes the period provisional
    laporan = cli_json(today, "laporan", str(books), "--tahun", "2025", "--per", PER, "--format", "json")
    shu = cli_json(today, "shu", str(books), "--tahun", "2025", "--per", PER, "--format", "json")
    assert D(laporan["phu"]["shu"]) == D(shu["shu"]) == SHU_AT_PER
    assert shu["sementara"] is True and shu["per"] == PER == laporan["per"]
    # members and their bases through the date: Budi joined in May, his June purchase is not counted
    assert [m["id"] for m in shu["anggota"]] == ["A0001"]
    assert D(shu["total_basis_usaha"]) == D(300000) and D(shu["total_basis_modal"]) == D(100000)

    # the same period through the library, the RAT and the web desk's clock-free root
    kop = Koperasi.load(books)
    periode = kop.periode(2025, per=dt.date(2025, 3, 11), today=dt.date(2026, 1, 20))
    interim = kop.laporan(periode)
    assert interim.phu.totals["shu"][0] == SHU_AT_PER
    # the notes' proposed split is of the same period's SHU, not of the whole year
    assert interim.calk.pengungkapan is not None and interim.calk.pengungkapan.shu == SHU_AT_PER
    assert kop.shu(2025, per=periode.per, today=dt.date(2026, 1, 20)).shu == SHU_AT_PER
    pack = build_rat(kop, 2025, periode=periode)
    assert pack.shu is not None and pack.shu.sementara and pack.shu.shu == SHU_AT_PER

    # without --per the ended year is final: the whole year, not provisional, no "per"
    final = cli_json(today, "shu", str(books), "--tahun", "2025", "--format", "json")
    year_end = cli_json(today, "laporan", str(books), "--tahun", "2025", "--format", "json")
    assert final["sementara"] is False and "per" not in final
    assert D(final["shu"]) == D(year_end["phu"]["shu"]) == SHU_YEAR
    assert [m["id"] for m in final["anggota"]] == ["A0001", "A0002"]


def test_running_year_shu_stops_at_yesterday_despite_later_entries(books: Path) -> None:
    today = "2025-03-12"  # the books already hold entries dated June and July
    laporan = cli_json(today, "laporan", str(books), "--tahun", "2025", "--format", "json", "--sementara")
    shu = cli_json(today, "shu", str(books), "--tahun", "2025", "--format", "json", "--sementara")
    assert laporan["per"] == shu["per"] == "2025-03-11"
    assert D(laporan["phu"]["shu"]) == D(shu["shu"]) == SHU_AT_PER
    table = kop_cli(today, "shu", str(books), "--tahun", "2025", "--sementara")
    assert "SEMENTARA, per 11 Maret 2025" in table and "belum berakhir" not in table


def test_an_interim_shu_is_never_booked(books: Path) -> None:
    result = CliRunner(env={KOP_TODAY: "2026-01-20"}).invoke(
        main, ["shu", str(books), "--tahun", "2025", "--per", PER, "--posting", "--tanggal", "2026-03-01"])
    assert result.exit_code != 0 and "masih sementara" in result.output


def test_per_outside_the_year_is_refused(books: Path) -> None:
    result = CliRunner(env={KOP_TODAY: "2026-01-20"}).invoke(
        main, ["shu", str(books), "--tahun", "2025", "--per", "2024-12-31"])
    assert result.exit_code != 0 and "tidak termasuk tahun buku 2025" in result.output


def test_a_report_date_that_has_not_passed_is_refused(books: Path) -> None:
    """A report is never dated after the last day that has passed: asked for, it is refused;
    unasked, a running year stops at yesterday."""
    before = books.read_bytes()
    for args in (["laporan", str(books), "--per", "2026-01-20"],  # today itself
                 ["laporan", str(books), "--per", "2030-01-01"],  # a year not begun (tahun from --per)
                 ["shu", str(books), "--tahun", "2026", "--per", "2026-06-30"]):
        result = CliRunner(env={KOP_TODAY: "2026-01-20"}).invoke(main, args)
        assert result.exit_code == 2, (args, result.output)
        assert "belum lewat (hari ini 2026-01-20); laporan paling akhir per 2026-01-19" in result.output
    english = CliRunner(env={KOP_TODAY: "2026-01-20"}).invoke(
        main, ["laporan", str(books), "--per", "2026-02-01", "--lang", "en"])
    assert english.exit_code == 2 and "has not passed yet (today is 2026-01-20)" in english.output
    assert books.read_bytes() == before
    kop = Koperasi.load(books)
    assert kop.periode(2026, today=dt.date(2026, 1, 20)).per == dt.date(2026, 1, 19)
    assert kop.periode(2026, per=dt.date(2026, 1, 19), today=dt.date(2026, 1, 20)).sementara


def test_a_malformed_kop_today_is_a_clear_error(books: Path) -> None:
    result = CliRunner(env={KOP_TODAY: "2026-02-30"}).invoke(
        main, ["laporan", str(books), "--tahun", "2025", "--format", "json"])
    assert result.exit_code == 2
    assert "KOP_TODAY='2026-02-30' bukan tanggal YYYY-MM-DD" in result.output
    assert "Traceback" not in result.output


# --- 2. a unit's report at the period's date ----------------------------------------------------------
def test_unit_report_runs_through_per(books: Path) -> None:
    today = "2026-01-20"
    unit = cli_json(today, "laporan", str(books), "--tahun", "2025", "--per", PER, "--unit", "toko",
                    "--format", "json")
    assert unit["sementara"] is True and unit["per"] == PER
    assert D(unit["total_pendapatan"]) == D(300000) and D(unit["shu"]) == D(250000)
    assert D(unit["total_aset"]) == D(2000000)  # the June purchase is after the date
    whole = cli_json(today, "laporan", str(books), "--tahun", "2025", "--unit", "toko", "--format", "json")
    assert whole["sementara"] is False and D(whole["shu"]) == D(950000) and D(whole["total_aset"]) == D(2500000)

    kop = Koperasi.load(books)
    assert unit_report(kop, "toko", 2025, per=dt.date(2025, 3, 11)).shu == D(250000)
    # the RAT's units of an interim period add up to its PHU
    summary = phu_per_unit(kop, 2025, per=dt.date(2025, 3, 11))
    assert summary.total.shu == SHU_AT_PER
    periode = kop.periode(2025, per=dt.date(2025, 3, 11), today=dt.date(2026, 1, 20))
    pack = build_rat(kop, 2025, periode=periode)
    assert pack.unit_usaha is not None and pack.unit_usaha.total.shu == SHU_AT_PER


# --- 3. an interim report of an ended year says what it is ---------------------------------------------
def test_interim_header_of_an_ended_year(books: Path) -> None:
    today = "2026-01-20"
    text = kop_cli(today, "laporan", str(books), "--tahun", "2025", "--per", PER, "--jenis", "neraca")
    assert "Laporan interim per 11 Maret 2025 (sebelum akhir tahun buku 2025)" in text
    assert "belum berakhir" not in text
    page = kop_cli(today, "laporan", str(books), "--tahun", "2025", "--per", PER, "--jenis", "phu", "--format", "html")
    assert "Laporan interim per 11 Maret 2025" in page and "belum berakhir" not in page
    english = kop_cli(today, "laporan", str(books), "--tahun", "2025", "--per", PER, "--jenis", "neraca",
                      "--lang", "en")
    assert "Interim report as of 11 March 2025 (before the end of financial year 2025)" in english

    kop = Koperasi.load(books)
    fs = kop.laporan(kop.periode(2025, per=dt.date(2025, 3, 11), today=dt.date(2026, 1, 20)))
    assert period_text(fs, posisi=False).startswith("Laporan interim per 11 Maret 2025")  # the XLSX sheets
    final = kop.laporan(kop.periode(2025, today=dt.date(2026, 1, 20)))
    assert period_text(final, posisi=True).startswith("Per 31 Desember 2025")


# --- 4. one clock --------------------------------------------------------------------------------------
def test_default_dates_follow_kop_today(books: Path) -> None:
    today = "2025-03-12"
    porto = cli_json(today, "pinjaman", "portofolio", str(books), "--format", "json")
    arrears = cli_json(today, "simpanan", "tunggakan", str(books), "--format", "json")
    laporan = cli_json(today, "laporan", str(books), "--format", "json", "--sementara")
    assert porto["tanggal"] == arrears["tanggal"] == laporan["per"]  # the date the notes value loans at
    assert porto["tanggal"] == "2025-03-11"
    # a year that has not begun on KOP_TODAY is refused, whatever the system clock says
    result = CliRunner(env={KOP_TODAY: "2025-03-12"}).invoke(main, ["laporan", str(books), "--tahun", "2026"])
    assert result.exit_code != 0 and "belum dimulai" in result.output


#: Where a real wall clock is meant, not the books' "today": the creation stamp `kop init` writes
#: in a new ledger's comment, and hari_ini itself.
WALL_CLOCK = {"kopledger/books/periode.py", "kopledger/ops/init.py"}


def test_every_today_is_hari_ini() -> None:
    found = set()
    for path in sorted((ROOT / "kopledger").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("today", "now", "utcnow")):
                continue
            owner = node.func.value  # date.today(), dt.date.today(), datetime.now(), dt.datetime.now()
            name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
            if name in ("date", "datetime"):
                found.add(path.relative_to(ROOT).as_posix())
    assert found == WALL_CLOCK


@pytest.fixture(autouse=True)
def _no_fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KOP_TODAY, raising=False)
