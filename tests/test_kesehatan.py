"""Issue 16 on one small hand-made koperasi: loan classes, agunan, PPAP, the health assessment,
budget, units, the added notes, warnings, history. Every figure is worked by hand below.

The books (0 % loans so the schedules are plain P / n; the year end is 2025-12-31):

  PJ-1 A0001 (ketua)      1 200 000 / 12 from 2025-02-01, 1 100 000 repaid  -> sisa   100 000, 0 days, lancar
  PJ-2 A0002              1 000 000 / 10 from 2025-03-01, nothing repaid     -> 305 days past due, macet
  PJ-3 A0003 (pengawas)   2 000 000 / 10 from 2025-06-01, agunan 1 500 000   -> 213 days, diragukan
  PJ-4 A0004              4 000 000 / 20 from 2025-09-01, agunan 1 000 000   -> 121 days, kurang lancar
  PJ-6 A0004             50 000 000 / 30 from 2026-01-15                      -> not yet due, lancar
  total 57 100 000; non-performing 4 000 000 + 2 000 000 + 1 000 000 = 7 000 000
  NPL = 7 000 000 / 57 100 000 = 12.2591…% -> 12.26 % (>10–15: Kurang Sehat, nilai 3, skor 2)

  PPAP wajib: lancar 0.5 % x 100 000 = 500 and x 50 000 000 = 250 000; KL 10 % x 4 000 000 = 400 000;
  D 50 % x 2 000 000 = 1 000 000; M 100 % x 1 000 000 = 1 000 000; total 2 650 500.
  With "ppap-agunan" "kurangi": KL 10 % x 3 000 000 = 300 000, D 50 % x 500 000 = 250 000,
  total 250 500 + 300 000 + 250 000 + 1 000 000 = 1 800 500.
  Booked: 3 000 000 -> selisih -349 500 ("lebih dibentuk"); PPAP/PPAPWD = 113.19 % (Sehat, skor 4).

  2024: Pendapatan:Lain 10 000 000, Gaji 6 000 000 -> SHU 4 000 000.
  2025: penjualan (toko) 20 000 000, HPP (toko) 12 000 000, jasa administrasi (usp) 5 000 000,
        PPAP (usp) 3 000 000, gaji (bersama) 5 500 000 -> SHU 4 500 000.
        Units: toko 8 000 000, usp 2 000 000, bersama -5 500 000; sum 4 500 000.
  BOPO 2025 = 20 500 000 / 25 000 000 = 82.00 % (80–90: nilai 2, skor 3).
  Ekuitas: 2024 = 50 400 000 + 4 000 000 = 54 400 000; 2025 = 58 900 000;
        growth 4 500 000 / 54 400 000 = 8.27 % (7–10: skor 3). SHU growth 12.50 % (skor 4, default band).
  Ekuitas / total aset (Juknis Tabel 4.1) = 58 900 000 / 58 900 000 = 100 % (> 30: nilai 1, skor 4).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from kopledger import Koperasi
from kopledger.books.directives import Policies, Policy
from kopledger.books.periode import Periode
from kopledger.cli import main
from kopledger.ops.loans.entries import DIRAGUKAN, DPK, KURANG_LANCAR, LANCAR, MACET, classify, portfolio
from kopledger.present.kesehatan import assessment_json
from kopledger.reports.anggaran import rapb, realisasi_anggaran
from kopledger.reports.kesehatan import assess
from kopledger.reports.peringatan import peringatan
from kopledger.reports.policy_notes import policy_notes
from kopledger.reports.riwayat import history
from kopledger.reports.unit_usaha import phu_per_unit, unit_report

D = Decimal
END = dt.date(2025, 12, 31)

HEADER = """\
option "title" "Koperasi Uji Kesehatan"
option "operating_currency" "IDR"
option "name_assets" "Aset"
option "name_liabilities" "Liabilitas"
option "name_equity" "Ekuitas"
option "name_income" "Pendapatan"
option "name_expenses" "Beban"
plugin "kopledger.plugin"

2024-01-01 custom "koperasi" "Koperasi Uji Kesehatan"
  jenis: "serba-usaha"
2024-01-01 custom "kebijakan" "simpanan-pokok" 100000 IDR
2024-01-01 open Aset:Kas IDR
2024-01-01 open Aset:Piutang:PinjamanAnggota IDR
  unit: "usp"
2024-01-01 open Aset:Piutang:PenyisihanPinjaman IDR
  unit: "usp"
2024-01-01 open Ekuitas:Modal IDR
2024-01-01 open Pendapatan:Lain IDR
2024-01-01 open Pendapatan:Anggota:Penjualan IDR
  unit: "toko"
2024-01-01 open Pendapatan:Anggota:JasaAdministrasi IDR
  unit: "usp"
2024-01-01 open Beban:PokokPenjualan IDR
  unit: "toko"
2024-01-01 open Beban:Usaha:PenyisihanPinjaman IDR
  unit: "usp"
2024-01-01 open Beban:Usaha:Gaji IDR
2024-01-01 * "Modal awal"
  Aset:Kas  50000000 IDR
  Ekuitas:Modal
2024-01-01 custom "pengurus" "ketua" "Siti Aminah"
2024-01-01 custom "pengurus" "pengawas" "Dewi Lestari"
  anggota: "A0003"
"""


def member(member_id: str, nama: str) -> str:
    return f'''
2024-01-05 custom "anggota" "{member_id}" "{nama}"
2024-01-05 * "Simpanan pokok {nama}" #simpanan-pokok
  anggota: "{member_id}"
  Aset:Kas  100000 IDR
  Ekuitas:SimpananPokok:{member_id}  -100000 IDR
'''


def cair(loan_id: str, member_id: str, date: str, pokok: int, tenor: int, due: str, agunan: int = 0) -> str:
    collateral = f"\n  agunan: {agunan} IDR" if agunan else ""
    return f'''
{date} * "Pencairan {loan_id}" #pinjaman-cair
  anggota: "{member_id}"
  pinjaman: "{loan_id}"
  pokok: {pokok} IDR
  bunga: 0
  tenor: {tenor}
  metode: "flat"
  jatuh-tempo: {due}{collateral}
  Aset:Piutang:PinjamanAnggota:{member_id}  {pokok} IDR
  Aset:Kas  -{pokok} IDR
'''


def txn(date: str, narration: str, account: str, amount: int) -> str:
    return f'''
{date} * "{narration}"
  {account}  {amount} IDR
  Aset:Kas  {-amount} IDR
'''


BODY = (
    member("A0001", "Siti Aminah") + member("A0002", "Rina Wati") + member("A0003", "Dewi Lestari")
    + member("A0004", "Budi Santoso")
    + txn("2024-06-30", "Pendapatan lain", "Pendapatan:Lain", -10_000_000)
    + txn("2024-12-20", "Gaji 2024", "Beban:Usaha:Gaji", 6_000_000)
    + cair("PJ-1", "A0001", "2025-01-01", 1_200_000, 12, "2025-02-01")
    + cair("PJ-2", "A0002", "2025-02-01", 1_000_000, 10, "2025-03-01")
    + cair("PJ-3", "A0003", "2025-05-01", 2_000_000, 10, "2025-06-01", agunan=1_500_000)
    + cair("PJ-4", "A0004", "2025-08-01", 4_000_000, 20, "2025-09-01", agunan=1_000_000)
    + cair("PJ-6", "A0004", "2025-12-15", 50_000_000, 30, "2026-01-15")
    + '''
2025-12-01 * "Angsuran PJ-1" #angsuran
  anggota: "A0001"
  pinjaman: "PJ-1"
  Aset:Kas  1100000 IDR
  Aset:Piutang:PinjamanAnggota:A0001  -1100000 IDR
'''
    + txn("2025-07-01", "Penjualan toko", "Pendapatan:Anggota:Penjualan", -20_000_000)
    + txn("2025-07-01", "Harga pokok", "Beban:PokokPenjualan", 12_000_000)
    + txn("2025-08-01", "Jasa administrasi", "Pendapatan:Anggota:JasaAdministrasi", -5_000_000)
    + txn("2025-12-20", "Gaji 2025", "Beban:Usaha:Gaji", 5_500_000)
    + '''
2025-12-31 * "PPAP 2025" #ppap
  Beban:Usaha:PenyisihanPinjaman  3000000 IDR
  Aset:Piutang:PenyisihanPinjaman  -3000000 IDR
'''
)

ISIAN = "".join(
    f'2026-01-10 custom "kesehatan-isian" "prinsip-koperasi" {n} {"FALSE" if n == 7 else "TRUE"}\n' for n in range(1, 8)
) + "".join(
    f'2026-01-10 custom "kesehatan-isian" "risiko-kepatuhan" {n} TRUE\n' for n in range(1, 5)
) + '''2026-01-10 custom "kesehatan-isian" "kecukupan-modal" "rasio" 10
'''

EXTRA = '''
2025-01-02 custom "anggaran" "Pendapatan:Anggota:Penjualan" 25000000 IDR
2025-01-02 custom "anggaran" "Beban:Usaha" 8000000 IDR
2025-01-02 custom "anggaran" "Beban:Usaha:Gaji" 6000000 IDR
2026-01-02 custom "anggaran" "Beban:Usaha" 9000000 IDR
2024-01-01 custom "ringkasan-tahun" "2023"
  anggota: 3
  aset: 48000000 IDR
  ekuitas: 48000000 IDR
  volume: 9000000 IDR
  shu: 3000000 IDR
2026-02-01 custom "rat-teks" "laporan-pengawas" "Pengawas telah memeriksa buku."
'''


def load(text: str) -> Koperasi:
    kop = Koperasi.from_string(text)
    assert kop.errors == [], kop.errors
    return kop


@pytest.fixture(scope="module")
def kop() -> Koperasi:
    return load(HEADER + BODY + ISIAN + EXTRA)


@pytest.fixture(scope="module")
def bare() -> Koperasi:
    """The same books without self-assessment, budget, history or supervisors' report."""
    return load(HEADER + BODY)


# -- loan classes, agunan, PPAP -----------------------------------------------------------


def test_classes_follow_the_koperasi_rules(kop):
    p = portfolio(kop, END)
    by_id = {s.id: (s.hari_tunggakan, s.kolektibilitas) for s in p.pinjaman}
    assert by_id == {"PJ-1": (0, LANCAR), "PJ-2": (305, MACET), "PJ-3": (213, DIRAGUKAN),
                     "PJ-4": (121, KURANG_LANCAR), "PJ-6": (0, LANCAR)}
    assert [c.kolektibilitas for c in p.per_kolektibilitas] == [LANCAR, KURANG_LANCAR, DIRAGUKAN, MACET]
    assert p.total_saldo == D(57_100_000)
    assert p.npl == D("12.26")
    assert p.ppap_wajib == D(2_650_500)
    assert p.ppap_tercatat == D(3_000_000)
    assert p.selisih_ppap == D(-349_500)


def test_one_day_late_is_lancar_and_dpk_is_an_option():
    assert classify(1, Policies([]), END) == LANCAR
    assert classify(90, Policies([]), END) == LANCAR
    dpk = Policies([Policy("kol-dpk", D(1), dt.date(2024, 1, 1))])
    assert classify(1, dpk, END) == DPK and classify(91, dpk, END) == KURANG_LANCAR


def test_agunan_is_deducted_only_under_the_policy(kop):
    with_policy = load(HEADER + BODY + '2025-01-01 custom "kebijakan" "ppap-agunan" "kurangi"\n')
    p = portfolio(with_policy, END)
    by_id = {s.id: (s.agunan, s.dasar_ppap, s.ppap) for s in p.pinjaman}
    assert by_id["PJ-3"] == (D(1_500_000), D(500_000), D(250_000))
    assert by_id["PJ-4"] == (D(1_000_000), D(3_000_000), D(300_000))
    assert by_id["PJ-6"] == (D(0), D(50_000_000), D(250_000))
    assert p.ppap_wajib == D(1_800_500)
    assert portfolio(kop, END).ppap_wajib == D(2_650_500)  # without the policy: no deduction


def test_portfolio_says_lebih_dibentuk_when_over_provided(tmp_path: Path):
    path = tmp_path / "buku.beancount"
    path.write_text(HEADER + BODY, encoding="utf-8")
    result = CliRunner().invoke(main, ["pinjaman", "portofolio", str(path), "--per", "2025-12-31"])
    assert result.exit_code == 0, result.output
    assert "Selisih (lebih dibentuk): Rp349.500" in result.output
    html = CliRunner().invoke(main, ["pinjaman", "portofolio", str(path), "--per", "2025-12-31", "--format", "html"])
    assert 'data-selisih="lebih"' in html.output and "Rp349.500" in html.output


# -- health assessment ---------------------------------------------------------------------


def test_book_indicators_worked_by_hand(kop):
    a = assess(kop, 2025)
    got = {i.kode: (i.rasio, i.nilai, i.kategori, i.skor) for i in a.indikator if i.sumber == "buku"}
    assert got == {
        "npl": (D("12.26"), 3, "Kurang Sehat", 2),
        "ppap-ppapwd": (D("113.19"), 1, "Sehat", 4),
        "bopo": (D("82.00"), 2, "Cukup Sehat", 3),
        "pertumbuhan-ekuitas": (D("8.27"), 2, "Cukup Sehat", 3),
        "pertumbuhan-shu": (D("12.50"), 1, "Sehat", 4),
        "rasio-ekuitas-aset": (D("100.00"), 1, "Sehat", 4),
    }
    assert a.get("npl").pembilang == D(7_000_000) and a.get("npl").penyebut == D(57_100_000)


def test_self_assessment_aspects_and_the_weighted_total(kop):
    a = assess(kop, 2025)
    # the old "prinsip-koperasi" N answers principle N's first question: 1–6 TRUE, 7 FALSE
    assert a.get("prinsip-demokratis").rasio == D("100.00") and a.get("prinsip-demokratis").skor == 4
    assert a.get("prinsip-kerja-sama").rasio == D("0.00") and a.get("prinsip-kerja-sama").skor == 1
    assert a.get("risiko-kepatuhan").rasio == D("100.00") and a.get("risiko-kepatuhan").skor == 4
    # kecukupan modal 10 % entered from the Tabel 4.2 worksheet; default band 12 / 8 / 4: nilai 2
    assert a.get("kecukupan-modal").rasio == D("10.00") and a.get("kecukupan-modal").skor == 3
    assert a.get("anggaran-dasar").status == "belum-diisi" and a.get("anggaran-dasar").skor is None
    aspects = {x.kode: (x.skor_rata, x.nilai, x.kategori, x.lengkap) for x in a.aspek}
    assert aspects == {
        "tata-kelola": (D("3.57"), D("89.29"), None, False),  # (6 x 4 + 1) / 7 = 3.571; / 4 = 89.29 %
        "profil-risiko": (D("4.00"), D("100.00"), None, False),
        "kinerja-keuangan": (D("3.20"), D("80.00"), None, False),  # (2 + 4 + 3 + 3 + 4) / 5; 22 items missing
        "permodalan": (D("3.50"), D("87.50"), "Sehat", True),  # (4 + 3) / 2
    }
    # aspects are incomplete: no final score and no predikat, and what is missing is named
    assert a.nilai_akhir is None and a.predikat is None
    assert a.lengkap is False and a.isian_ada is True
    assert "anggaran-dasar" in a.kurang and "kinerja-keuangan-lain" in a.kurang and "prinsip-demokratis" not in a.kurang


def test_nothing_is_invented_without_answers(bare):
    a = assess(bare, 2025)
    assert a.isian_ada is False
    assert all(i.status == "belum-diisi" for i in a.indikator if i.sumber == "isian" and i.aspek == "tata-kelola")
    tata_kelola = next(x for x in a.aspek if x.kode == "tata-kelola")
    assert tata_kelola.nilai is None and tata_kelola.kategori is None
    assert a.nilai_akhir is None and a.predikat is None and not a.lengkap
    # no prior year before 2024: growth cannot be computed, never guessed — and it is listed as missing
    earliest = assess(bare, 2024)
    assert earliest.get("pertumbuhan-ekuitas").status == "tidak-dapat-dihitung"
    assert "pertumbuhan-ekuitas" in earliest.kurang


def test_history_gives_growth_before_the_books(kop):
    # 2024 against the 2023 ringkasan-tahun: 54 400 000 / 48 000 000 - 1 = 13.33 %
    assert assess(kop, 2024).get("pertumbuhan-ekuitas").rasio == D("13.33")
    rows = history(kop, 2025)
    assert [(r.tahun, r.sumber, r.ekuitas) for r in rows] == [
        (2023, "ringkasan", D(48_000_000)), (2024, "buku", D(54_400_000)), (2025, "buku", D(58_900_000)),
    ]


def test_without_loans_the_loan_indicators_do_not_apply():
    shop = load(HEADER + member("A0001", "Siti Aminah")
                + txn("2025-07-01", "Penjualan", "Pendapatan:Anggota:Penjualan", -1_000_000))
    a = assess(shop, 2025)
    assert a.simpan_pinjam is False
    assert {i.kode for i in a.indikator if i.status == "tidak-berlaku"} == {"npl", "ppap-ppapwd", "izin-usaha-simpan-pinjam"}


def test_band_override_is_a_kebijakan(kop):
    stricter = load(HEADER + BODY + '2025-01-01 custom "kesehatan-batas" "ppap-ppapwd" 120 110 100\n')
    line = assess(stricter, 2025).get("ppap-ppapwd")
    assert (line.rasio, line.nilai, line.sumber_batas) == (D("113.19"), 2, "kebijakan")


def test_kesehatan_cli_json_txt_html_and_template(tmp_path: Path, kop):
    path = tmp_path / "buku.beancount"
    path.write_text(HEADER + BODY + ISIAN + EXTRA, encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["kesehatan", str(path), "--tahun", "2025", "--format", "json"])
    assert result.exit_code == 0, result.output
    got = json.loads(result.output)
    assert got == assessment_json(assess(kop, 2025))
    codes = {i["kode"]: i for i in got["indikator"]}
    assert {"npl", "ppap-ppapwd", "pertumbuhan-ekuitas", "pertumbuhan-shu"} <= set(codes)
    assert codes["npl"]["rasio"] == "12.26" and got["nilai_akhir"] is None and got["predikat"] is None
    txt = runner.invoke(main, ["kesehatan", str(path), "--tahun", "2025"])
    assert txt.exit_code == 0 and "belum dapat ditetapkan" in txt.output and "belum diisi" in txt.output
    out = tmp_path / "k.html"
    html = runner.invoke(main, ["health", str(path), "--tahun", "2025", "--out", str(out), "--lang", "en"])
    assert html.exit_code == 0, html.output
    assert "Non-performing loans to loans outstanding" in out.read_text(encoding="utf-8")
    template = runner.invoke(main, ["kesehatan", str(path), "--tahun", "2025", "--templat-isian"])
    assert template.exit_code == 0 and '"prinsip-kerja-sama" 1 ?' in template.output
    # the template's lines are comments until filled in: the books still load unchanged
    assert load(HEADER + BODY + template.output).errors == []


# -- budget, units, notes, warnings ----------------------------------------------------------


def test_budget_percentages_and_group_totals(kop):
    b = realisasi_anggaran(kop, 2025)
    rows = {r.akun: (r.anggaran, r.realisasi, r.selisih, r.persen, r.rinci) for r in b.baris}
    assert rows == {
        "Pendapatan:Anggota:Penjualan": (D(25_000_000), D(20_000_000), D(-5_000_000), D("80.00"), False),
        "Beban:Usaha": (D(8_000_000), D(8_500_000), D(500_000), D("106.25"), False),
        "Beban:Usaha:Gaji": (D(6_000_000), D(5_500_000), D(-500_000), D("91.67"), True),
        # issue 24: unbudgeted lines are shown, so the realised totals are the PHU's
        "Pendapatan:Anggota:JasaAdministrasi": (D(0), D(5_000_000), D(5_000_000), None, False),
        "Beban:PokokPenjualan": (D(0), D(12_000_000), D(12_000_000), None, False),
    }
    totals = {t.kelompok: (t.anggaran, t.realisasi, t.persen) for t in b.total}
    # realised: 20,000,000 + 5,000,000 unbudgeted; 8,500,000 + 12,000,000 unbudgeted (Gaji not counted twice)
    assert totals == {"pendapatan": (D(25_000_000), D(25_000_000), D("100.00")),
                      "beban": (D(8_000_000), D(20_500_000), D("256.25"))}
    plan = rapb(kop, 2026)
    assert [(r.akun, r.anggaran) for r in plan.baris] == [("Beban:Usaha", D(9_000_000))]


def test_budget_of_an_unknown_account_is_an_error(tmp_path: Path):
    from kopledger.reports.anggaran import parse_budgets

    text = HEADER + BODY + '2025-01-02 custom "anggaran" "Beban:Usaha:Lsitrik" 1000 IDR\n'
    bad = Koperasi.from_string(text)
    _budgets, errors = parse_budgets(bad.entries, bad.currency)
    assert len(errors) == 1 and "Beban:Usaha:Lsitrik" in errors[0].message
    line = text.count("\n")  # the directive is the last line
    assert realisasi_anggaran(bad, 2025).errors == (f"<string>:{line}: {errors[0].message}",)
    # the plugin reports it too (kop cek, bean-check), so the books are not clean
    assert [(e.source["lineno"], e.message) for e in bad.errors] == [(line, errors[0].message)]
    path = tmp_path / "buku.beancount"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "rat.json"
    result = CliRunner().invoke(main, ["rat", str(path), "--tahun", "2025", "--out", str(out), "--diam"])
    assert result.exit_code == 1 and f"{path}:{line}" in result.output and not out.exists()


def test_units_add_up_to_the_shu(kop):
    u = phu_per_unit(kop, 2025)
    assert [(r.unit, r.pendapatan, r.beban, r.shu) for r in u.baris] == [
        ("toko", D(20_000_000), D(12_000_000), D(8_000_000)),
        ("usp", D(5_000_000), D(3_000_000), D(2_000_000)),
        ("", D(0), D(5_500_000), D(-5_500_000)),
    ]
    assert sum(r.shu for r in u.baris) == u.total.shu == D(4_500_000)
    usp = unit_report(kop, "usp", 2025)
    assert usp.shu == D(2_000_000)
    # the member loan accounts follow their opened parent: 57 100 000 less PPAP 3 000 000
    assert usp.total_aset == D(54_100_000)


def test_laporan_unit_cli(tmp_path: Path):
    path = tmp_path / "buku.beancount"
    path.write_text(HEADER + BODY, encoding="utf-8")
    result = CliRunner().invoke(main, ["laporan", str(path), "--tahun", "2025", "--unit", "toko", "--format", "json"])
    assert result.exit_code == 0, result.output
    got = json.loads(result.output)
    assert got["shu"] == "8000000" and got["total_pendapatan"] == "20000000"
    text = CliRunner().invoke(main, ["laporan", str(path), "--tahun", "2025", "--unit", "usp"])
    assert text.exit_code == 0 and "USP" in text.output
    unknown = CliRunner().invoke(main, ["laporan", str(path), "--tahun", "2025", "--unit", "bengkel"])
    assert unknown.exit_code == 2 and "toko, usp" in unknown.output


def test_added_notes(kop):
    t = policy_notes(kop, 2025)
    # PJ-4: Sep 2025 … Dec 2026 = 16 x 200 000 within twelve months; PJ-6: 12 x 1 666 666 in 2026
    assert t.pinjaman_lancar == D(100_000 + 1_000_000 + 2_000_000 + 3_200_000 + 19_999_992)
    assert t.pinjaman_tidak_lancar == D(800_000 + 30_000_008)
    assert t.pinjaman_lancar + t.pinjaman_tidak_lancar == D(57_100_000)
    parties = {(r.jabatan, r.nama): (r.anggota, r.simpanan, r.pinjaman) for r in t.pihak_berelasi}
    assert parties == {("ketua", "Siti Aminah"): ("A0001", D(100_000), D(100_000)),
                       ("pengawas", "Dewi Lestari"): ("A0003", D(100_000), D(2_000_000))}
    assert [(c.kolektibilitas, c.hari_mulai, c.tarif_ppap) for c in t.kolektibilitas] == [
        (LANCAR, 0, D("0.5")), (KURANG_LANCAR, 91, D(10)), (DIRAGUKAN, 181, D(50)), (MACET, 271, D(100)),
    ]


def test_warnings_are_codes_with_values(kop, bare):
    got = {w.kode: w.nilai for w in peringatan(kop, 2025)}
    assert got == {
        "shu-belum-dibagi": {"tahun_shu": 2024, "jumlah": D(4_000_000)},
        "tunggakan-tinggi": {"npl": D("12.26"), "batas": D(5), "saldo": D(7_000_000)},
    }
    assert "laporan-pengawas-tidak-ada" in {w.kode for w in peringatan(bare, 2025)}
    loss = load(HEADER + BODY + txn("2025-12-30", "Sewa besar", "Beban:Usaha:Gaji", 9_000_000)
                + txn("2025-12-30", "Tambahan modal (kas tidak boleh minus)", "Ekuitas:Modal", -9_000_000))
    assert {w.kode: w.nilai for w in peringatan(loss, 2025)}["rugi"] == {"jumlah": D(4_500_000)}
    assert all(w.tahun == 2025 for w in peringatan(kop, 2025))


def test_rat_pack_shows_the_added_parts(tmp_path: Path, kop):
    from kopledger.present.rat import render_rat
    from kopledger.reports.rat import build_rat

    pack = build_rat(kop, 2025)
    html = render_rat(pack)
    assert isinstance(html, str)
    for anchor in ('id="kesehatan"', 'id="anggaran"', 'id="unit-usaha"', 'id="laporan-pengawas"',
                   'data-peringatan="shu-belum-dibagi"', 'id="tabel-riwayat"', 'id="ttd-laporan-pengawas"'):
        assert anchor in html, anchor
    assert html.count('href="#laporan-pengawas"') == 1  # in the table of contents
    bare_pack = build_rat(load(HEADER + BODY), 2025)
    bare_html = render_rat(bare_pack)
    assert 'id="laporan-pengawas-tidak-ada"' in bare_html and 'id="anggaran-tidak-ada"' in bare_html


def test_rat_json_goes_into_the_file_and_unknown_suffixes_are_refused(tmp_path: Path):
    path = tmp_path / "buku.beancount"
    path.write_text(HEADER + BODY + ISIAN + EXTRA, encoding="utf-8")
    runner = CliRunner()
    out = tmp_path / "rat.json"
    result = runner.invoke(main, ["rat", str(path), "--tahun", "2025", "--out", str(out), "--diam"])
    assert result.exit_code == 0, result.output
    got = json.loads(out.read_text(encoding="utf-8"))
    assert got["anggaran"]["tahun"] == 2025 and got["rapb"]["tahun"] == 2026
    assert {"akun", "nama", "anggaran", "realisasi", "selisih", "persen"} <= set(got["anggaran"]["baris"][0])
    assert {"akun", "nama", "anggaran"} <= set(got["rapb"]["baris"][0])
    assert [w["kode"] for w in got["peringatan"]] == ["shu-belum-dibagi", "tunggakan-tinggi"]
    assert all(w["tahun"] == 2025 for w in got["peringatan"])
    explicit = tmp_path / "rat2.json"
    assert runner.invoke(main, ["rat", str(path), "--tahun", "2025", "--format", "json", "--out", str(explicit),
                                "--diam"]).exit_code == 0
    assert json.loads(explicit.read_text(encoding="utf-8"))["tahun"] == 2025
    refused = runner.invoke(main, ["rat", str(path), "--tahun", "2025", "--out", str(tmp_path / "rat.docx"), "--diam"])
    assert refused.exit_code == 2 and not (tmp_path / "rat.docx").exists()


# -- an unfinished year ------------------------------------------------------------------------


def test_the_period_is_decided_by_the_books(kop):
    """Koperasi.periode: provisional while the year runs, at the last day that has passed."""
    assert kop.periode(2025, today=dt.date(2026, 1, 5)) == Periode(2025, dt.date(2025, 12, 31), False)
    assert kop.periode(2025, today=dt.date(2025, 12, 10)) == Periode(2025, dt.date(2025, 12, 9), True)
    assert kop.periode(2026, today=dt.date(2026, 1, 5)) == Periode(2026, dt.date(2026, 1, 4), True)
    assert kop.periode(2025, per=dt.date(2025, 3, 11), today=dt.date(2026, 1, 5)).sementara


def test_laporan_of_an_unfinished_year_needs_sementara(tmp_path: Path, monkeypatch):
    """Issue 24: a year not yet ended is reported only with --sementara, then marked and dated."""
    year = 2026
    monkeypatch.setenv("KOP_TODAY", f"{year}-12-07")
    path = tmp_path / "buku.beancount"
    path.write_text(HEADER + f'''
{year}-01-02 * "Pendapatan lain"
  Pendapatan:Lain  -1000 IDR
  Aset:Kas  1000 IDR
''', encoding="utf-8")
    runner = CliRunner()
    refused = runner.invoke(main, ["laporan", str(path), "--tahun", str(year), "--jenis", "neraca"])
    assert refused.exit_code == 2 and "belum berakhir" in refused.output and "--sementara" in refused.output
    result = runner.invoke(main, ["laporan", str(path), "--tahun", str(year), "--jenis", "neraca", "--sementara"])
    assert result.exit_code == 0, result.output
    assert "SEMENTARA" in result.output and f"31 Desember {year}" not in result.output
    assert f"6 Desember {year}" in result.output  # per the last day that has passed
    data = json.loads(runner.invoke(main, ["laporan", str(path), "--tahun", str(year), "--format", "json",
                                           "--sementara"]).output)
    assert data["sementara"] is True and data["per"] == f"{year}-12-06"


def test_a_bad_budget_line_is_named_in_the_rat_pack():
    from kopledger.present.rat import render_rat
    from kopledger.reports.rat import build_rat

    # the library still builds the pack over such books (the CLI refuses books with errors)
    bad = Koperasi.from_string(HEADER + BODY + '2025-01-02 custom "anggaran" "Beban:Usaha:Lsitrik" 1000 IDR\n')
    assert len(bad.errors) == 1
    pack = build_rat(bad, 2025)
    assert "Beban:Usaha:Lsitrik" in pack.belum_tersedia["anggaran"]
    assert "Beban:Usaha:Lsitrik" in str(render_rat(pack))


def test_a_bad_self_assessment_line_is_refused_with_its_line(tmp_path: Path):
    text = HEADER + BODY + '2026-01-10 custom "kesehatan-isian" "prinsip-koprasi" 1 TRUE\n'
    path = tmp_path / "buku.beancount"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["kesehatan", str(path), "--tahun", "2025"])
    assert result.exit_code == 1
    assert f"{path}:{text.count(chr(10))}:" in result.output and "prinsip-koprasi" in result.output


@settings(max_examples=25, deadline=None)
@given(
    units=st.lists(st.sampled_from(["", "toko", "usp", "jasa"]), min_size=4, max_size=4),
    amounts=st.lists(st.integers(min_value=1, max_value=10_000_000), min_size=4, max_size=4),
)
def test_units_always_add_up_to_the_year_shu(units, amounts):
    """Whatever accounts carry which unit, the units and the shared row add up to the SHU."""
    from kopledger.reports.indicators import year_figures

    accounts = ["Pendapatan:Anggota:A", "Pendapatan:NonAnggota:B", "Beban:Usaha:C", "Beban:Perkoperasian:D"]
    text = HEADER.split("2024-01-01 open Aset:Kas IDR")[0] + "2024-01-01 open Aset:Kas IDR\n2024-01-01 open Ekuitas:Modal IDR\n"
    for account, unit in zip(accounts, units, strict=True):
        text += f"2024-01-01 open {account} IDR\n" + (f'  unit: "{unit}"\n' if unit else "")
    text += txn("2025-01-01", "Modal (kas tidak boleh minus)", "Ekuitas:Modal", -sum(abs(a) for a in amounts) - 1)
    for i, (account, amount) in enumerate(zip(accounts, amounts, strict=True)):
        sign = -1 if account.startswith("Pendapatan") else 1
        text += txn(f"2025-0{i + 1}-10", f"t{i}", account, sign * amount)
    kop = load(text)
    summary = phu_per_unit(kop, 2025)
    assert sum((r.shu for r in summary.baris), D(0)) == summary.total.shu == year_figures(kop, 2025).shu
    assert {r.unit for r in summary.baris} - {""} == {u for u in units if u}
