"""Issue 22: one view of the books per period, every ratio one function.

Every output of a koperasi — the CLI's JSON (``laporan``, ``shu``, ``pinjaman portofolio``,
``kesehatan``, ``rat``), ``kop ekspor`` and the web desk's pages — shows the same figure where
two of them show it (NPL, SHU, total aset, equity ratio, members, wajib arrears), for a finished
year and for one not yet ended; the unfinished one is marked provisional everywhere. ``today``
is fixed through ``KOP_TODAY``, the one clock every front end reads.

Also: an interim report values loans and arrears at its date, and NPL is compared with its band
unrounded and shown with one rounding rule (half up, 2 decimals) everywhere.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fava.application import create_app

from examples.generator import generate
from kopledger import Koperasi
from kopledger.books.periode import KOP_TODAY
from kopledger.cli import main
from kopledger.core.rasio import persen, tampil
from kopledger.present.formatting import angka, rupiah
from kopledger.present.formatting import persen as persen_teks
from kopledger.reports.kesehatan import assess
from kopledger.reports.rat import build_rat

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "mawar" / "buku.beancount"
D = Decimal


def kop_cli(today: str, *args: str) -> str:
    result = CliRunner(env={KOP_TODAY: today}).invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def cli_json(today: str, *args: str) -> Any:
    return json.loads(kop_cli(today, *args))


def indicator(items: list[dict[str, Any]], kode: str) -> dict[str, Any]:
    return next(i for i in items if i["kode"] == kode)


def desk_pages(path: Path, tahun: int, today: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The web desk's pages of ``tahun`` (Fava's own test client), as text."""
    monkeypatch.setenv(KOP_TODAY, today)
    app = create_app([str(path)], load=True)
    app.testing = True
    client = app.test_client()
    slug = next(iter(app.config["LEDGERS"].ledgers_by_slug))
    base = f"/{slug}/extension/KopLedger/"
    pages = {}
    for name, url in (("dasbor", ""), ("laporan", "laporan?jenis=neraca"), ("calk", "laporan?jenis=calk"),
                      ("portofolio", "portofolio"), ("tunggakan", "tunggakan"), ("shu", "shu")):
        sep = "&" if "?" in url else "?"
        response = client.get(f"{base}{url}{sep}tahun={tahun}")
        assert response.status_code == 200, response.get_data(as_text=True)[:2000]
        pages[name] = html.unescape(response.get_data(as_text=True))
    monkeypatch.delenv(KOP_TODAY)
    return pages


def strong(page: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}"[^>]*>([^<]*)<', page)
    assert found, element_id
    return found.group(1).strip()


def check_outputs(path: Path, tahun: int, today: str, provisional: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """Render every output of ``tahun`` on ``today`` and check each figure shown twice is equal."""
    kop = Koperasi.load(path)
    periode = kop.periode(tahun, today=dt.date.fromisoformat(today))
    assert periode.sementara is provisional
    per = periode.per.isoformat()
    y = str(tahun)
    # a year not yet ended is reported only when asked for as provisional (issue 24)
    s = ["--sementara"] if provisional else []
    laporan = cli_json(today, "laporan", str(path), "--tahun", y, "--format", "json", *s)
    shu = cli_json(today, "shu", str(path), "--tahun", y, "--format", "json", *s)
    porto = cli_json(today, "pinjaman", "portofolio", str(path), "--per", per, "--format", "json")
    health = cli_json(today, "kesehatan", str(path), "--tahun", y, "--format", "json", *s)
    rat = cli_json(today, "rat", str(path), "--tahun", y, "--format", "json", *s)
    ekspor = cli_json(today, "ekspor", str(path), "--tahun", y, "--sementara")
    arrears = cli_json(today, "simpanan", "tunggakan", str(path), "--per", per, "--format", "json")
    desk = desk_pages(path, tahun, today, monkeypatch)

    # -- marked provisional (or not) everywhere, at the same date --
    assert laporan.get("sementara", False) is provisional and laporan.get("per", f"{tahun}-12-31") == per
    assert shu["sementara"] is provisional
    assert health["sementara"] is provisional and health["per"] == per
    assert rat["sementara"] is provisional and rat["per"] == per
    assert rat["laporan"].get("sementara", False) is provisional
    assert ekspor["sementara"] is (provisional or ekspor["tutup_buku"]["sidik"] is None)
    assert porto["tanggal"] == per == rat["pinjaman"]["tanggal"] == laporan["calk"]["pinjaman"]["tanggal"]
    for name in ("dasbor", "laporan", "portofolio", "tunggakan", "shu"):
        assert ("SEMENTARA" in desk[name]) is provisional, name

    # -- NPL: one function, one rounding --
    npl = laporan["calk"]["pinjaman"]["npl"]
    assert porto["npl"] == npl == rat["pinjaman"]["npl"] == rat["laporan"]["calk"]["pinjaman"]["npl"]
    assert ekspor["pinjaman"]["npl"] == npl
    assert indicator(health["indikator"], "npl")["rasio"] == npl == indicator(rat["kesehatan"]["indikator"], "npl")["rasio"]
    assert strong(desk["portofolio"], "npl") == persen_teks(D(npl))

    # -- SHU --
    phu_shu = laporan["phu"]["shu"]
    assert D(shu["shu"]) == D(phu_shu) == D(rat["shu"]["shu"]) == D(rat["angka"]["shu"])
    assert D(rat["laporan"]["phu"]["shu"]) == D(phu_shu) == D(ekspor["laporan"]["phu"]["total"]["shu"])
    assert ekspor["shu"]["dihitung"] is True and D(ekspor["shu"]["shu"]) == D(phu_shu)
    assert strong(desk["shu"], "shu-jumlah") == rupiah(D(phu_shu))

    # -- total aset and the equity ratios --
    total_aset = laporan["neraca"]["total_aset"]
    assert D(rat["angka"]["total_aset"]) == D(total_aset) == D(ekspor["laporan"]["neraca"]["total"]["total_aset"])
    assert D(rat["laporan"]["neraca"]["total_aset"]) == D(total_aset)
    ratio = persen(D(laporan["neraca"]["total_ekuitas"]), D(total_aset))
    assert ratio is not None
    assert D(indicator(rat["indikator"], "rasio-modal")["nilai"]) == tampil(ratio)
    # ONE own-capital ratio: the health assessment's permodalan is the key indicator's ekuitas / total aset
    own = indicator(health["indikator"], "rasio-ekuitas-aset")
    assert D(own["penyebut"]) == D(total_aset) and D(own["pembilang"]) == D(laporan["neraca"]["total_ekuitas"])
    assert D(own["rasio"]) == tampil(ratio) == D(indicator(rat["indikator"], "rasio-modal")["nilai"])
    assert own == indicator(rat["kesehatan"]["indikator"], "rasio-ekuitas-aset")
    assert health["predikat"] == rat["kesehatan"]["predikat"] == ekspor["kesehatan"]["predikat"]

    # -- members --
    members = laporan["calk"]["anggota_aktif"][0]
    assert rat["angka"]["anggota"] == members == rat["anggota"]["jumlah"]["akhir"]
    assert ekspor["anggota"]["jumlah"]["akhir"] == members
    assert f'<div class="besar">{angka(members)}</div>' in desk["dasbor"]

    # -- simpanan wajib arrears, at the period's date --
    assert arrears["tanggal"] == per
    owed = sum((D(a["jumlah"]) for a in arrears["tunggakan"]), D(0))
    assert owed > 0  # the example and the generated books both have members in arrears
    assert sum((D(a["jumlah"]) for a in rat["tunggakan_wajib"]), D(0)) == owed
    assert rupiah(owed) in desk["tunggakan"]


# --- the example: a finished year (2025) and the one still running (2026) ---------------------------
@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example with January and February 2026's simpanan wajib posted (through the CLI)."""
    path = tmp_path_factory.mktemp("mawar") / "buku.beancount"
    shutil.copy(EXAMPLE, path)
    for month in ("01", "02"):
        kop_cli("2026-03-12", "simpanan", "wajib", str(path), "--bulan", f"2026-{month}",
                "--tanggal", f"2026-{month}-10")
    return path


def test_example_finished_year_outputs_agree(example: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    check_outputs(example, 2025, "2026-03-12", False, monkeypatch)


def test_example_unfinished_year_outputs_agree_and_are_provisional(example: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    check_outputs(example, 2026, "2026-03-12", True, monkeypatch)


# --- a generated koperasi: 2024 finished, 2025 running (books through 30 June) ---------------------
@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    text = generate(40, 2, seed=22, start_year=2024, nama="Koperasi Uji Periode")
    blocks: list[str] = []
    keep = True
    for line in text.splitlines(keepends=True):
        head = re.match(r"(\d{4}-\d\d-\d\d) ", line)
        if head:
            keep = head.group(1) <= "2025-06-30"
        if keep:
            blocks.append(line)
    path = tmp_path_factory.mktemp("generated") / "buku.beancount"
    path.write_text("".join(blocks), encoding="utf-8")
    return path


def test_generated_finished_year_outputs_agree(generated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    check_outputs(generated, 2024, "2025-07-01", False, monkeypatch)


def test_generated_unfinished_year_outputs_agree_and_are_provisional(generated: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    check_outputs(generated, 2025, "2025-07-01", True, monkeypatch)


# --- an interim report values loans and arrears at its date ------------------------------------------
HEADER = """\
option "title" "Koperasi Uji Periode"
option "operating_currency" "IDR"
option "name_assets" "Aset"
option "name_liabilities" "Liabilitas"
option "name_equity" "Ekuitas"
option "name_income" "Pendapatan"
option "name_expenses" "Beban"
plugin "kopledger.plugin"

2025-01-01 open Aset:Kas IDR
2025-01-01 open Aset:Piutang:PenyisihanPinjaman IDR
2025-01-01 open Ekuitas:Modal IDR
2025-01-01 open Pendapatan:Anggota:JasaPinjaman IDR
2025-01-01 open Beban:Usaha:PenyisihanPinjaman IDR
2025-01-01 custom "kebijakan" "simpanan-pokok" 100000 IDR
2025-01-01 custom "kebijakan" "simpanan-wajib" 25000 IDR
2025-01-01 custom "shu-alokasi" "cadangan" 100
2025-01-01 * "Modal awal"
  Aset:Kas  50000000 IDR
  Ekuitas:Modal
"""


def member(member_id: str, nama: str, date: str) -> str:
    return f'''
{date} custom "anggota" "{member_id}" "{nama}"
{date} * "Simpanan pokok {nama}" #simpanan-pokok
  anggota: "{member_id}"
  Aset:Kas  100000 IDR
  Ekuitas:SimpananPokok:{member_id}  -100000 IDR
'''


def wajib(member_id: str, month: int) -> str:
    return f'''
2025-{month:02d}-05 * "Simpanan wajib" #simpanan-wajib
  anggota: "{member_id}"
  bulan: "2025-{month:02d}"
  Aset:Kas  25000 IDR
  Ekuitas:SimpananWajib:{member_id}  -25000 IDR
'''


def cair(loan_id: str, member_id: str, date: str, pokok: int, tenor: int, first_due: str) -> str:
    return f'''
{date} * "Pencairan {loan_id}" #pinjaman-cair
  anggota: "{member_id}"
  pinjaman: "{loan_id}"
  pokok: {pokok} IDR
  bunga: 12
  tenor: {tenor}
  metode: "flat"
  jatuh-tempo: {first_due}
  Aset:Piutang:PinjamanAnggota:{member_id}  {pokok} IDR
  Aset:Kas  -{pokok} IDR
'''


def angsuran(loan_id: str, member_id: str, date: str, pokok: int, bunga: int) -> str:
    return f'''
{date} * "Angsuran {loan_id}" #angsuran
  anggota: "{member_id}"
  pinjaman: "{loan_id}"
  Aset:Kas  {pokok + bunga} IDR
  Aset:Piutang:PinjamanAnggota:{member_id}  -{pokok} IDR
  Pendapatan:Anggota:JasaPinjaman  -{bunga} IDR
'''


@pytest.fixture(scope="module")
def interim_books(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A loan disbursed in January and paid on time through March; wajib paid through March."""
    text = HEADER + member("A0001", "Siti Aminah", "2025-01-05")
    text += cair("PJ-2025-001", "A0001", "2025-01-10", 1200000, 12, "2025-02-10")
    for month in (1, 2, 3):
        text += wajib("A0001", month)
    for month in (2, 3):
        text += angsuran("PJ-2025-001", "A0001", f"2025-{month:02d}-10", 100000, 12000)
    text += '\n2025-06-01 * "Pendapatan sesudah tanggal laporan"\n  Aset:Kas  500000 IDR\n  Pendapatan:Anggota:JasaPinjaman\n'
    path = tmp_path_factory.mktemp("interim") / "buku.beancount"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_interim_report_values_the_loan_book_at_its_date(interim_books: Path) -> None:
    today = "2026-01-20"  # 2025 has ended: the interim date, not the year, makes it provisional
    interim = cli_json(today, "laporan", str(interim_books), "--tahun", "2025", "--per", "2025-03-11",
                       "--format", "json")
    assert interim["sementara"] is True and interim["per"] == "2025-03-11"
    loans = interim["calk"]["pinjaman"]
    assert loans["tanggal"] == "2025-03-11" and loans["npl"] == "0.00"
    assert [s["kolektibilitas"] for s in loans["pinjaman"]] == ["lancar"]
    assert loans["pinjaman"][0]["hari_tunggakan"] == 0 and D(loans["pinjaman"][0]["sisa"]) == D(1000000)
    assert D(loans["ppap_wajib"]) == D(5000)  # lancar: 0.5 % of 1,000,000
    # balances through the date: the June income is not in the interim statements
    assert D(interim["phu"]["shu"]) == D(24000)
    text = kop_cli(today, "laporan", str(interim_books), "--per", "2025-03-11", "--jenis", "neraca")
    assert "SEMENTARA" in text and "11 Maret 2025" in text

    # the year end values the same loan at 31 December: nine instalments unpaid
    year_end = cli_json(today, "laporan", str(interim_books), "--tahun", "2025", "--format", "json")
    assert "sementara" not in year_end and D(year_end["phu"]["shu"]) == D(524000)
    assert year_end["calk"]["pinjaman"]["npl"] == "100.00"
    assert D(year_end["calk"]["pinjaman"]["ppap_wajib"]) > D(5000)

    kop = Koperasi.load(interim_books)
    periode = kop.periode(2025, per=dt.date(2025, 3, 11), today=dt.date(2026, 1, 20))
    assert assess(kop, 2025, periode=periode).get("npl").rasio == D("0.00")
    pack = build_rat(kop, 2025, periode=periode)
    assert pack.sementara and pack.pinjaman is not None and pack.pinjaman.npl == D("0.00")
    assert pack.tunggakan_wajib == ()  # January to March paid
    assert build_rat(kop, 2025, periode=kop.periode(2025, today=dt.date(2026, 1, 20))).tunggakan_wajib


# --- NPL: compared unrounded, shown with one rounding ------------------------------------------------
def npl_books(bad: int, good: int) -> str:
    """A performing loan of ``good`` (first due after the year end) and a macet one of ``bad``."""
    text = HEADER + member("A0001", "Siti Aminah", "2025-01-05") + member("A0002", "Budi Santoso", "2025-01-05")
    text += cair("PJ-2025-001", "A0001", "2025-01-10", bad, 1, "2025-02-10")  # never paid: macet by December
    text += cair("PJ-2025-002", "A0002", "2025-12-20", good, 12, "2026-01-20")
    return text


@pytest.mark.parametrize(("bad", "good", "shown", "kategori"), [
    (234500, 9765500, "2.35", "Sehat"),  # 2.345 %: half up, the same in the notes and the assessment
    (500500, 9499500, "5.01", "Cukup Sehat"),  # 5.005 % > 5: Cukup Sehat, shown 5.01 everywhere
    (500000, 9500000, "5.00", "Sehat"),  # exactly the limit: Sehat
])
def test_npl_is_one_figure_rounded_once(tmp_path: Path, bad: int, good: int, shown: str, kategori: str) -> None:
    path = tmp_path / "buku.beancount"
    path.write_text(npl_books(bad, good), encoding="utf-8")
    today = "2026-01-05"
    notes = cli_json(today, "laporan", str(path), "--tahun", "2025", "--format", "json")["calk"]["pinjaman"]
    health = indicator(cli_json(today, "kesehatan", str(path), "--tahun", "2025", "--format", "json")["indikator"], "npl")
    porto = cli_json(today, "pinjaman", "portofolio", str(path), "--per", "2025-12-31", "--format", "json")
    assert notes["npl"] == health["rasio"] == porto["npl"] == shown
    assert health["kategori"] == kategori
    text = kop_cli(today, "laporan", str(path), "--tahun", "2025", "--jenis", "calk", "--format", "html")
    assert persen_teks(D(shown)) in text and persen_teks(D(shown)) in kop_cli(
        today, "kesehatan", str(path), "--tahun", "2025")


def test_rasio_rule() -> None:
    assert persen(D(2345), D(100000)) == D("2.345") and tampil(D("2.345")) == D("2.35")
    assert tampil(D("5.005")) == D("5.01") and tampil(D("-2.345")) == D("-2.35")
    assert persen(D(1), D(0)) is None
    third = persen(D(1), D(3))
    assert third is not None and D("33.33") < third < D("33.34") and tampil(third) == D("33.33")


@pytest.fixture(autouse=True)
def _no_fixed_today(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv(KOP_TODAY, raising=False)
    yield
