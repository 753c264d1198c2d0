"""Issue 24, case 1: every report of a year not yet ended is provisional by its nature.

The CLI (``kop laporan``, ``kesehatan``, ``rat``, ``shu``, ``ekspor``) refuses such a year unless
``--sementara`` says so (exit 2, the message saying the year has not ended and to add the flag);
with it every output is marked SEMENTARA and dated at the report date, and values loans, arrears
and provisions at that date — the portfolio's figures (``kop pinjaman portofolio --per``), not
the year end's. The web desk's pages of such a year say "SEMENTARA … per <date>".
"""

from __future__ import annotations

import datetime as dt
import html
import json
import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fava.application import create_app

from kopledger import Koperasi
from kopledger.books.periode import KOP_TODAY
from kopledger.cli import main
from kopledger.reports.rat import build_rat

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "mawar" / "buku.beancount"
D = Decimal

#: "today" of every run below: the report date of the running year 2026 is the day before.
TODAY = "2026-03-12"
PER = "2026-03-11"
PER_TEKS = "11 Maret 2026"


# --- a hand-made koperasi ------------------------------------------------------------------------------
def _member(member_id: str, nama: str) -> str:
    return f'''
2025-01-05 custom "anggota" "{member_id}" "{nama}"
2025-01-05 * "Simpanan pokok {nama}" #simpanan-pokok
  anggota: "{member_id}"
  Aset:Kas  100000 IDR
  Ekuitas:SimpananPokok:{member_id}  -100000 IDR
'''


def _cair(loan: str, member_id: str, date: str, pokok: int, tenor: int) -> str:
    return f'''
{date} * "Pencairan {loan}" #pinjaman-cair
  anggota: "{member_id}"
  pinjaman: "{loan}"
  pokok: {pokok} IDR
  bunga: 12
  tenor: {tenor}
  metode: "flat"
  Aset:Piutang:PinjamanAnggota:{member_id}  {pokok} IDR
  Aset:Kas  -{pokok} IDR
'''


def _angsuran(loan: str, member_id: str, date: str, pokok: int, bunga: int) -> str:
    return f'''
{date} * "Angsuran {loan}" #angsuran
  anggota: "{member_id}"
  pinjaman: "{loan}"
  Aset:Kas  {pokok + bunga} IDR
  Aset:Piutang:PinjamanAnggota:{member_id}  -{pokok} IDR
  Pendapatan:Anggota:JasaPinjaman  -{bunga} IDR
'''


BOOKS = """\
option "title" "Koperasi Uji Sementara"
option "operating_currency" "IDR"
option "name_assets" "Aset"
option "name_liabilities" "Liabilitas"
option "name_equity" "Ekuitas"
option "name_income" "Pendapatan"
option "name_expenses" "Beban"
plugin "kopledger.plugin"
2025-01-01 custom "fava-extension" "kopledger.fava"

2025-01-01 open Aset:Kas IDR
2025-01-01 open Aset:Piutang:PenyisihanPinjaman IDR
2025-01-01 open Ekuitas:Modal IDR
2025-01-01 open Pendapatan:Anggota:JasaPinjaman IDR
2025-01-01 open Beban:Usaha:Lain IDR
2025-01-01 open Beban:Usaha:PenyisihanPinjaman IDR
2025-01-01 custom "kebijakan" "simpanan-pokok" 100000 IDR
2025-01-01 custom "kebijakan" "simpanan-wajib" 0 IDR
2025-01-01 custom "shu-alokasi" "cadangan" 40
2025-01-01 custom "shu-alokasi" "jasa-modal" 30
2025-01-01 custom "shu-alokasi" "jasa-usaha" 30

2025-01-02 * "Modal awal"
  Aset:Kas  5000000 IDR
  Ekuitas:Modal  -5000000 IDR
""" + _member("A0001", "Siti Aminah") + _member("A0002", "Budi Santoso") + _member("A0003", "Rina Wati") + (
    # PJ-2025-001: 500,000 over 5 months (100,000 + 5,000 due on the 1st, July–November 2025), nothing paid
    _cair("PJ-2025-001", "A0002", "2025-06-01", 500000, 5)
    # PJ-2025-002: 300,000 over 3 months (100,000 + 3,000 due 1 Dec 2025, 1 Jan, 1 Feb 2026), nothing paid
    + _cair("PJ-2025-002", "A0003", "2025-11-01", 300000, 3)
    + '''
2025-12-20 * "Biaya rapat"
  Beban:Usaha:Lain  50000 IDR
  Aset:Kas  -50000 IDR
'''
    # PJ-2026-001: 1,200,000 over 12 months (100,000 + 12,000 due on the 5th from February), paid to date
    + _cair("PJ-2026-001", "A0001", "2026-01-05", 1200000, 12)
    + _angsuran("PJ-2026-001", "A0001", "2026-02-05", 100000, 12000)
    + _angsuran("PJ-2026-001", "A0001", "2026-03-05", 100000, 12000)
)

# By hand, at the report date 11 March 2026 (kolektibilitas by the oldest unpaid due date; default
# bands 91 / 181 / 271 days, PPAP 0.5 / 10 / 50 / 100 %):
#   PJ-2026-001  lancar         balance 1,200,000 − 2 × 100,000 = 1,000,000; next due 5 April
#                               PPAP 0.5 % × 1,000,000 = 5,000
#   PJ-2025-002  kurang lancar  300,000 overdue since 1 Dec 2025: 31 + 31 + 28 + 10 = 100 days
#                               PPAP 10 % × 300,000 = 30,000
#   PJ-2025-001  diragukan      500,000 overdue since 1 Jul 2025: 184 (to 1 Jan) + 31 + 28 + 10 = 253 days
#                               PPAP 50 % × 500,000 = 250,000
#   total 1,800,000; NPL (KL + D + M) = 800,000 / 1,800,000 = 44.444… % → 44.44 %
#   PPAP wajib 5,000 + 30,000 + 250,000 = 285,000
# Valued at 31 December 2026 instead, every loan would be diragukan or macet (NPL 100 %).
CLASSES = {"lancar": (1, D(1000000), D(5000)), "kurang lancar": (1, D(300000), D(30000)),
           "diragukan": (1, D(500000), D(250000)), "macet": (0, D(0), D(0))}
TOTAL = D(1800000)
NPL = "44.44"
PPAP_WAJIB = D(285000)


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sementara") / "buku.beancount"
    path.write_text(BOOKS, encoding="utf-8")
    return path


def run(*args: str, today: str = TODAY) -> Any:
    return CliRunner(env={KOP_TODAY: today}).invoke(main, list(args))


def ok(*args: str, today: str = TODAY) -> str:
    result = run(*args, today=today)
    assert result.exit_code == 0, result.output
    return result.stdout


def classes(rows: list[dict[str, Any]]) -> dict[str, tuple[int, Decimal, Decimal]]:
    return {r["kolektibilitas"]: (r["jumlah_pinjaman"], D(r["saldo"]), D(r["ppap"])) for r in rows
            if r["jumlah_pinjaman"] or r["kolektibilitas"] in CLASSES}


def check_loans(section: dict[str, Any], total_key: str = "total_saldo") -> None:
    assert section["npl"] == NPL
    assert D(section["ppap_wajib"]) == PPAP_WAJIB
    assert D(section[total_key]) == TOTAL
    assert classes(section["per_kolektibilitas"]) == CLASSES


def test_interim_figures_are_the_portfolios_at_the_report_date(books: Path) -> None:
    path = str(books)
    porto = json.loads(ok("pinjaman", "portofolio", path, "--per", PER, "--format", "json"))
    assert porto["tanggal"] == PER
    check_loans(porto)

    laporan = json.loads(ok("laporan", path, "--tahun", "2026", "--jenis", "calk", "--format", "json", "--sementara"))
    assert laporan["sementara"] is True and laporan["per"] == PER
    assert laporan["calk"]["pinjaman"]["tanggal"] == PER
    check_loans(laporan["calk"]["pinjaman"])

    health = json.loads(ok("kesehatan", path, "--tahun", "2026", "--format", "json", "--sementara"))
    assert health["sementara"] is True and health["per"] == PER
    npl = next(i for i in health["indikator"] if i["kode"] == "npl")
    assert npl["rasio"] == NPL and D(npl["pembilang"]) == D(800000) and D(npl["penyebut"]) == TOTAL

    rat = json.loads(ok("rat", path, "--tahun", "2026", "--format", "json", "--out", "-", "--diam", "--sementara"))
    assert rat["sementara"] is True and rat["per"] == PER and rat["pinjaman"]["tanggal"] == PER
    check_loans(rat["pinjaman"])
    check_loans(rat["laporan"]["calk"]["pinjaman"])
    assert next(i for i in rat["kesehatan"]["indikator"] if i["kode"] == "npl")["rasio"] == NPL

    ekspor = json.loads(ok("ekspor", path, "--tahun", "2026", "--sementara"))
    assert ekspor["sementara"] is True and ekspor["per"] == PER
    check_loans(ekspor["pinjaman"])


@pytest.mark.parametrize("command", [
    ["kesehatan"], ["rat", "--format", "json", "--out", "-"], ["ekspor"], ["laporan"], ["shu"],
])
def test_an_unfinished_year_without_sementara_is_refused(books: Path, command: list[str]) -> None:
    result = run(*command, str(books), "--tahun", "2026")
    assert result.exit_code == 2, result.output
    assert "tahun buku 2026 belum berakhir" in result.output and "--sementara" in result.output
    assert "Traceback" not in result.output
    english = CliRunner(env={KOP_TODAY: TODAY, "KOP_LANG": "en"}).invoke(main, [*command, str(books), "--tahun", "2026"])
    assert english.exit_code == 2 and "has not ended" in english.output and "--sementara" in english.output


def test_an_ended_year_needs_no_flag(books: Path) -> None:
    # 2025 has ended on 12 March 2026: final figures at 31 December, without --sementara
    health = json.loads(ok("kesehatan", str(books), "--tahun", "2025", "--format", "json"))
    assert health["sementara"] is False
    rat = json.loads(ok("rat", str(books), "--tahun", "2025", "--format", "json", "--out", "-", "--diam"))
    assert rat["sementara"] is False and rat["pinjaman"]["tanggal"] == "2025-12-31"
    # an interim --per asks for a provisional report itself, in a running year too
    interim = json.loads(ok("laporan", str(books), "--tahun", "2026", "--per", "2026-02-28", "--format", "json"))
    assert interim["sementara"] is True and interim["per"] == "2026-02-28"


def test_every_output_is_marked_and_dated_at_the_report_date(books: Path, tmp_path: Path) -> None:
    path = str(books)
    texts = {
        "laporan": ok("laporan", path, "--tahun", "2026", "--sementara"),
        "kesehatan": ok("kesehatan", path, "--tahun", "2026", "--sementara"),
        "shu": ok("shu", path, "--tahun", "2026", "--sementara"),
    }
    ok("rat", path, "--tahun", "2026", "--sementara", "--diam", "--out", str(tmp_path / "rat.html"))
    texts["rat"] = html.unescape((tmp_path / "rat.html").read_text(encoding="utf-8"))
    ok("kesehatan", path, "--tahun", "2026", "--sementara", "--out", str(tmp_path / "kes.html"))
    texts["kesehatan.html"] = html.unescape((tmp_path / "kes.html").read_text(encoding="utf-8"))
    for name, text in texts.items():
        assert "SEMENTARA" in text, name
        assert PER_TEKS in text, name
        assert "31 Desember 2026" not in text, name


def test_interim_rat_counts_members_and_budget_at_its_date(tmp_path: Path) -> None:
    """An interim of an ended year (books holding later entries): members and budget at ``per``."""
    text = BOOKS + _member("A0004", "Dewi Lestari").replace("2025-01-05", "2025-09-01") + '''
2025-01-02 custom "anggaran" "Pendapatan:Anggota:JasaPinjaman" 100000 IDR
2025-10-01 * "Jasa pinjaman di luar angsuran"
  Aset:Kas  40000 IDR
  Pendapatan:Anggota:JasaPinjaman  -40000 IDR
'''
    kop = Koperasi.from_string(text)
    periode = kop.periode(2025, per=dt.date(2025, 8, 31), today=dt.date(2026, 3, 12))
    pack = build_rat(kop, 2025, periode=periode)
    # at 31 August 2025: A0001–A0003 joined 5 January; A0004 joins 1 September, after the date
    assert (pack.anggota.jumlah.masuk, pack.anggota.jumlah.akhir) == (3, 3)
    # jasa pinjaman through 31 August: no instalment paid, the 40,000 of October comes later → 0 of 100,000
    (line,) = [b for b in pack.anggaran.baris if b.akun == "Pendapatan:Anggota:JasaPinjaman"]
    assert line.realisasi == D(0) and line.anggaran == D(100000)
    final = build_rat(kop, 2025, periode=kop.periode(2025, today=dt.date(2026, 3, 12)))
    assert final.anggota.jumlah.akhir == 4
    (line,) = [b for b in final.anggaran.baris if b.akun == "Pendapatan:Anggota:JasaPinjaman"]
    assert line.realisasi == D(40000)


# --- the example koperasi, as the examiner ran it -----------------------------------------------------
@pytest.fixture(scope="module")
def example_march(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("mawar-maret") / "buku.beancount"
    path.write_text(EXAMPLE.read_text(encoding="utf-8") + '''
2026-03-10 * "Penjualan tunai toko"
  Aset:Kas  500000 IDR
  Pendapatan:NonAnggota:Penjualan  -500000 IDR
2026-03-11 * "Biaya listrik"
  Beban:Usaha:Lain  100000 IDR
  Aset:Kas  -100000 IDR
''', encoding="utf-8")
    return path


def test_example_in_march_is_valued_at_the_report_date(example_march: Path) -> None:
    # The examiner's figures at 11 March 2026 (kop pinjaman portofolio --per 2026-03-11):
    # non-performing 3,566,672 (KL) + 916,674 (D) + 4,017,950 (M) = 8,501,296 of 201,130,251
    # = 4.2268 % → 4.23 %; PPAP wajib 24,095,852 (not every loan macet with PPAP 201,130,251).
    path = str(example_march)
    porto = json.loads(ok("pinjaman", "portofolio", path, "--per", PER, "--format", "json"))
    npl_part = sum(D(c["saldo"]) for c in porto["per_kolektibilitas"]
                   if c["kolektibilitas"] in ("kurang lancar", "diragukan", "macet"))
    assert npl_part == D(3566672) + D(916674) + D(4017950) == D(8501296)
    assert D(porto["total_saldo"]) == D(201130251) and porto["npl"] == "4.23"
    assert D(porto["ppap_wajib"]) == D(24095852)

    laporan = json.loads(ok("laporan", path, "--tahun", "2026", "--jenis", "calk", "--format", "json", "--sementara"))
    health = json.loads(ok("kesehatan", path, "--tahun", "2026", "--format", "json", "--sementara"))
    rat = json.loads(ok("rat", path, "--tahun", "2026", "--format", "json", "--out", "-", "--diam", "--sementara"))
    ekspor = json.loads(ok("ekspor", path, "--tahun", "2026", "--sementara"))
    for section in (laporan["calk"]["pinjaman"], rat["pinjaman"], ekspor["pinjaman"]):
        assert section["npl"] == "4.23" and D(section["ppap_wajib"]) == D(24095852)
        assert classes(section["per_kolektibilitas"]) == classes(porto["per_kolektibilitas"])
    for report in (laporan, health, rat, ekspor):
        assert report["sementara"] is True and report["per"] == PER
    assert next(i for i in health["indikator"] if i["kode"] == "npl")["rasio"] == "4.23"

    for command in (["kesehatan"], ["rat", "--out", "-", "--format", "json"], ["ekspor"]):
        result = run(*command, path, "--tahun", "2026")
        assert result.exit_code == 2 and "belum berakhir" in result.output, result.output


# --- the web desk -----------------------------------------------------------------------------------------
PAGES = ("", "shu", "laporan?jenis=neraca", "laporan?jenis=calk", "portofolio", "tunggakan", "unduhan")


def desk(path: Path, today: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, str]]:
    monkeypatch.setenv(KOP_TODAY, today)
    app = create_app([str(path)], load=True)
    app.testing = True
    client = app.test_client()
    slug = next(iter(app.config["LEDGERS"].ledgers_by_slug))
    for page in PAGES:
        sep = "&" if "?" in page else "?"
        for tahun in ("2025", "2026"):
            response = client.get(f"/{slug}/extension/KopLedger/{page}{sep}tahun={tahun}")
            assert response.status_code == 200, response.get_data(as_text=True)[:2000]
            yield f"{page} {tahun}", html.unescape(response.get_data(as_text=True))


def test_desk_pages_of_an_unfinished_year_say_sementara_per_date(books: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, page in desk(books, TODAY, monkeypatch):
        notice = 'id="periode-sementara"' in page
        if name.endswith("2026"):
            assert notice, name
            start = page.index('id="periode-sementara"')
            text = " ".join(page[start:page.index("</p>", start)].split())
            assert "SEMENTARA" in text and f"sementara per {PER_TEKS}" in text, (name, text)
        else:  # 2025 has ended: no notice
            assert not notice, name


def test_desk_notice_in_a_real_browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests import test_fava_browser as fb

    if not (fb.CHROMIUM.exists() and fb.CHROMEDRIVER.exists()):
        pytest.skip("needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    path = tmp_path / "buku.beancount"
    shutil.copy(EXAMPLE, path)
    monkeypatch.setenv(KOP_TODAY, TODAY)  # the fava process inherits it
    served = fb._serve(path)
    _, base = next(served)
    options = webdriver.ChromeOptions()
    options.binary_location = str(fb.CHROMIUM)
    for flag in fb.FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(fb.CHROMEDRIVER)), options=options)
    try:
        driver.set_page_load_timeout(60)
        driver.get(base + "portofolio?tahun=2026")
        notice = WebDriverWait(driver, 30).until(ec.visibility_of_element_located((By.ID, "periode-sementara")))
        assert "SEMENTARA" in notice.text and f"sementara per {PER_TEKS}" in notice.text
        driver.get(base + "portofolio?tahun=2025")
        WebDriverWait(driver, 30).until(ec.visibility_of_element_located((By.ID, "npl")))
        assert not driver.find_elements(By.ID, "periode-sementara")
    finally:
        driver.quit()
        served.close()
