"""Issue 24 case 4: notes an auditor accepts — on a hand-made ledger, each figure computed by hand.

The koperasi: books opened on 2024-01-01 (Kas 30,000,000; bank loan 5,000,000; cadangan 25,000,000),
two members (pokok 100,000 each), a 24,000,000 loan to the bendahara on 2025-07-01 (24 monthly
instalments of 1,000,000 from 2025-08-01, interest 0, nothing repaid), and the 2025 income and
expenses below, with a budget for two of its lines.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal as D
from pathlib import Path

import pytest
from click.testing import CliRunner

from kopledger import Koperasi
from kopledger.books.checks.pengurus import check_officers
from kopledger.cli import main
from kopledger.ops.cek import book_errors
from kopledger.ops.loans.quality import (
    DIRAGUKAN,
    DPK,
    KURANG_LANCAR,
    LANCAR,
    MACET,
    classify,
    maturity_split,
    portfolio,
    ppap_rate,
)
from kopledger.present.shu import render_slips
from kopledger.reports.anggaran import realisasi_anggaran
from kopledger.reports.rat import build_rat
from kopledger.reports.statements import build_statements

HEADER = """\
option "title" "Koperasi Uji Catatan"
option "operating_currency" "IDR"
option "name_assets" "Aset"
option "name_liabilities" "Liabilitas"
option "name_equity" "Ekuitas"
option "name_income" "Pendapatan"
option "name_expenses" "Beban"
plugin "kopledger.plugin"

2024-01-01 custom "koperasi" "Koperasi Uji Catatan"
  jenis: "serba-usaha"
2024-01-01 custom "kebijakan" "simpanan-pokok" 100000 IDR
2024-01-01 custom "shu-alokasi" "cadangan" 40
2024-01-01 custom "shu-alokasi" "jasa-modal" 20
2024-01-01 custom "shu-alokasi" "jasa-usaha" 25
2024-01-01 custom "shu-alokasi" "dana-pengurus" 5
2024-01-01 custom "shu-alokasi" "dana-pendidikan" 10
2024-01-01 open Aset:Kas IDR
2024-01-01 open Aset:Piutang:PinjamanAnggota IDR
2024-01-01 open Liabilitas:UtangBank IDR
2024-01-01 open Ekuitas:Cadangan:Umum IDR
2024-01-01 open Pendapatan:Anggota:JasaAdministrasi IDR
2024-01-01 open Pendapatan:Lain IDR
2024-01-01 open Beban:Usaha:Sewa IDR
2024-01-01 open Beban:Perkoperasian:HonorPengurus IDR
2024-01-01 open Ekuitas:SHU:TahunBerjalan IDR
2024-01-01 open Liabilitas:DanaSHU:Pengurus IDR
2024-01-01 open Liabilitas:DanaSHU:Pendidikan IDR

2024-01-01 * "Saldo awal pembukuan" #saldo-awal
  Aset:Kas  30000000 IDR
  Liabilitas:UtangBank  -5000000 IDR
  Ekuitas:Cadangan:Umum  -25000000 IDR

2024-01-01 custom "ringkasan-tahun" "2023"
  aset: {aset_2023} IDR
  ekuitas: 25000000 IDR

2024-01-05 custom "anggota" "A0001" "Siti Aminah"
2024-01-05 * "Simpanan pokok" #simpanan-pokok
  anggota: "A0001"
  Aset:Kas  100000 IDR
  Ekuitas:SimpananPokok:A0001  -100000 IDR
2024-01-05 custom "anggota" "A0002" "Neng Yuyun Suryani"
2024-01-05 * "Simpanan pokok" #simpanan-pokok
  anggota: "A0002"
  Aset:Kas  100000 IDR
  Ekuitas:SimpananPokok:A0002  -100000 IDR

2024-01-10 custom "pengurus" "ketua" "siti  aminah"
{bendahara}

2025-01-02 custom "anggaran" "Pendapatan:Anggota:JasaAdministrasi" 10000000 IDR
2025-01-02 custom "anggaran" "Beban:Usaha:Sewa" 3000000 IDR

2025-03-01 * "Jasa administrasi"
  anggota: "A0001"
  Aset:Kas  12000000 IDR
  Pendapatan:Anggota:JasaAdministrasi  -12000000 IDR
2025-04-01 * "Pendapatan lain"
  Aset:Kas  1500000 IDR
  Pendapatan:Lain  -1500000 IDR
2025-05-01 * "Sewa"
  Beban:Usaha:Sewa  2800000 IDR
  Aset:Kas  -2800000 IDR
2025-06-01 * "Honor pengurus dan pengawas 2025"
  Beban:Perkoperasian:HonorPengurus  2400000 IDR
  Aset:Kas  -2400000 IDR

2025-07-01 * "Pencairan PJ-1" #pinjaman-cair
  anggota: "A0002"
  pinjaman: "PJ-1"
  pokok: 24000000 IDR
  bunga: 0
  tenor: 24
  metode: "flat"
  jatuh-tempo: 2025-08-01
  Aset:Piutang:PinjamanAnggota:A0002  24000000 IDR
  Aset:Kas  -24000000 IDR
"""

#: The bendahara recorded by a shorter name than her member record, without ``anggota:``.
BENDAHARA_BY_NAME = '2024-01-10 custom "pengurus" "bendahara" "Neng Yuyun"'
BENDAHARA_LINKED = BENDAHARA_BY_NAME + '\n  anggota: "A0002"'

END = dt.date(2025, 12, 31)
TODAY = dt.date(2026, 3, 20)


def ledger(bendahara: str = BENDAHARA_LINKED, aset_2023: int = 28_000_000) -> str:
    return HEADER.format(bendahara=bendahara, aset_2023=aset_2023)


def load(text: str) -> Koperasi:
    kop = Koperasi.from_string(text)
    assert kop.errors == [], kop.errors
    return kop


@pytest.fixture(scope="module")
def kop() -> Koperasi:
    return load(ledger())


# -- 1. officers are linked to members; related-party loans disclosed -------------------------


def test_an_officer_name_that_matches_no_member_is_a_kop_cek_error(tmp_path: Path):
    text = ledger(BENDAHARA_BY_NAME)
    unlinked = load(text)  # the plugin loads it; kop cek (and the writer) refuse it
    errors = book_errors(unlinked)
    assert len(errors) == 1
    line = text.splitlines().index(BENDAHARA_BY_NAME) + 1
    assert errors[0].source["lineno"] == line and '"Neng Yuyun" tidak cocok' in errors[0].message
    path = tmp_path / "buku.beancount"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["cek", str(path)])
    assert result.exit_code == 1 and f"buku.beancount:{line}:" in result.output
    # linked by id (or by a name equal to a member's, spacing and case aside: the ketua): clean
    assert book_errors(load(ledger())) == []


def test_anggota_naming_no_member_is_an_error():
    text = ledger(BENDAHARA_BY_NAME + '\n  anggota: "A0099"')
    errors = check_officers(load(text).entries, {})
    assert len(errors) == 1 and '"A0099"' in errors[0].message


def test_related_party_loan_of_the_bendahara_is_disclosed(kop):
    parties = {p.jabatan: p for p in build_statements(kop, 2025).calk.pengungkapan.pihak_berelasi}
    # the bendahara (A0002) owes the whole 24,000,000 (nothing repaid); savings: pokok 100,000
    assert (parties["bendahara"].anggota, parties["bendahara"].pinjaman, parties["bendahara"].simpanan) == (
        "A0002", D(24_000_000), D(100_000))
    assert parties["ketua"].anggota == "A0001"  # "siti  aminah" is "Siti Aminah"


# -- 2. key-management pay ---------------------------------------------------------------------


def test_key_management_pay_is_disclosed(kop):
    t = build_statements(kop, 2025).calk.pengungkapan
    # SHU 2025 = 12,000,000 + 1,500,000 − 2,800,000 − 2,400,000 = 8,300,000; dana pengurus 5 % = 415,000
    assert (t.honor_pengurus, t.akun_honor, t.dana_pengurus) == (
        D(2_400_000), ("Beban:Perkoperasian:HonorPengurus",), D(415_000))


def test_example_key_management_pay(mawar):
    t = build_statements(mawar, 2025).calk.pengungkapan
    # 12 × 600,000 = 7,200,000; dana pengurus 5 % × 36,284,933 = 1,814,246.65 → floored 1,814,246
    assert (t.honor_pengurus, t.dana_pengurus) == (D(7_200_000), D(1_814_246))


# -- 3. budget realisation reconciled to the PHU -----------------------------------------------


def test_budget_realisation_equals_the_phu_with_an_shu_line(kop):
    b = realisasi_anggaran(kop, 2025)
    rows = {r.akun: (r.anggaran, r.realisasi, r.tanpa_anggaran) for r in b.baris}
    assert rows == {
        "Pendapatan:Anggota:JasaAdministrasi": (D(10_000_000), D(12_000_000), False),
        "Pendapatan:Lain": (D(0), D(1_500_000), True),
        "Beban:Usaha:Sewa": (D(3_000_000), D(2_800_000), False),
        "Beban:Perkoperasian:HonorPengurus": (D(0), D(2_400_000), True),
    }
    totals = {t.kelompok: (t.anggaran, t.realisasi) for t in b.total}
    # income 12,000,000 + 1,500,000 = 13,500,000; expenses 2,800,000 + 2,400,000 = 5,200,000
    assert totals == {"pendapatan": (D(10_000_000), D(13_500_000)), "beban": (D(3_000_000), D(5_200_000))}
    phu = build_statements(kop, 2025).phu
    assert totals["pendapatan"][1] == phu.total("total_pendapatan")
    # SHU: budget 10,000,000 − 3,000,000 = 7,000,000; realised 8,300,000 (the PHU's)
    assert b.shu is not None and (b.shu.anggaran, b.shu.realisasi) == (D(7_000_000), D(8_300_000))
    assert b.shu.realisasi == phu.total("shu")


def test_example_budget_realisation(mawar):
    b = realisasi_anggaran(mawar, 2025)
    income = next(t for t in b.total if t.kelompok == "pendapatan")
    # 330,371,610 budgeted lines + Denda 532,248 + Pendapatan Lain 2,499,922 = 333,403,780 (the PHU's)
    assert income.realisasi == D(333_403_780)
    # SHU: budget (135 + 110 + 70 + 6) m − (196 + 80 + 15) m = 30,000,000; realised 36,284,933
    assert b.shu is not None and (b.shu.anggaran, b.shu.realisasi) == (D(30_000_000), D(36_284_933))


# -- 4. loans current / non-current --------------------------------------------------------------


def test_loans_split_current_and_non_current(kop):
    # at 2025-12-31: instalments Aug–Dec 2025 overdue (5,000,000) + Jan–Dec 2026 (12,000,000) = 17,000,000
    # current; Jan–Jul 2027 = 7 × 1,000,000 = 7,000,000 non-current
    assert maturity_split(kop, END) == (D(17_000_000), D(7_000_000))
    fs = build_statements(kop, 2025)
    loans = [(x.label, x.jumlah) for x in fs.neraca.lines if x.akun == "Aset:Piutang:PinjamanAnggota"]
    assert [j for _label, j in loans] == [D(17_000_000), D(7_000_000)]
    t = fs.calk.pengungkapan
    assert (t.pinjaman_lancar, t.pinjaman_tidak_lancar) == (D(17_000_000), D(7_000_000))
    # current assets: Kas 14,500,000 + loans 17,000,000 = 31,500,000; non-current: 7,000,000
    # (Kas = 30,000,000 + 200,000 + 12,000,000 + 1,500,000 − 2,800,000 − 2,400,000 − 24,000,000)
    assert fs.neraca.total("aset_lancar") == D(31_500_000)
    assert fs.neraca.total("aset_tidak_lancar") == D(7_000_000)


def test_example_loans_after_twelve_months(mawar):
    fs = build_statements(mawar, 2025)
    later = [x.jumlah for x in fs.neraca.lines if x.akun == "Aset:Piutang:PinjamanAnggota"][1]
    assert later == fs.calk.pengungkapan.pinjaman_tidak_lancar == D(9_916_724)


# -- 5. the first comparative year's opening -------------------------------------------------------


def test_first_comparative_year_shows_opening_equity_and_cash(kop):
    fs = build_statements(kop, 2025)
    # booked 2024-01-01: equity 25,000,000 (cadangan); cash 30,000,000
    assert fs.ekuitas.total("saldo_awal", pembanding=True) == D(25_000_000)
    assert fs.arus_kas.total("kas_awal", pembanding=True) == D(30_000_000)
    # the year's column opens with 2024's closing: 25,000,000 + 200,000 pokok = 25,200,000
    assert fs.ekuitas.total("saldo_awal") == D(25_200_000)


# -- 6. ringkasan-tahun against the booked opening ---------------------------------------------


def test_summary_that_disagrees_with_the_booked_opening_is_flagged(kop):
    warnings = [w for w in build_statements(kop, 2025).calk.peringatan if w.kode == "ringkasan-berbeda"]
    # 2023 summary: assets 28,000,000; booked on 2024-01-01: 30,000,000 (equity 25,000,000 both)
    assert [(w.nilai["aset_ringkasan"], w.nilai["aset_buku"], w.nilai["ekuitas_ringkasan"], w.nilai["ekuitas_buku"])
            for w in warnings] == [(D(28_000_000), D(30_000_000), D(25_000_000), D(25_000_000))]
    pack = build_rat(kop, 2025)
    assert [w.kode for w in pack.peringatan].count("ringkasan-berbeda") == 1
    agreeing = load(ledger(aset_2023=30_000_000))
    assert not [w for w in build_statements(agreeing, 2025).calk.peringatan if w.kode == "ringkasan-berbeda"]


def test_summary_warning_is_worded_with_both_figures(tmp_path: Path):
    path = tmp_path / "buku.beancount"
    path.write_text(ledger(), encoding="utf-8")
    result = CliRunner().invoke(main, ["laporan", str(path), "--tahun", "2025", "--jenis", "calk"])
    assert result.exit_code == 0, result.output
    assert "Ringkasan tahun 2023" in result.output and "28.000.000" in result.output and "30.000.000" in result.output


def test_example_summary_2023_is_flagged(mawar):
    warnings = [w for w in build_statements(mawar, 2025).calk.peringatan if w.kode == "ringkasan-berbeda"]
    # ringkasan 2023: assets 349,900,000; booked 2024-01-01 (bean-query, 'saldo-awal' IN tags): 356,885,000
    assert [(w.nilai["aset_ringkasan"], w.nilai["aset_buku"]) for w in warnings] == [
        (D(349_900_000), D(356_885_000))]


# -- 7. SHU slips are a proposal until the allocation is booked --------------------------------


def test_shu_slips_marked_usulan_until_booked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("KOP_TODAY", "2026-03-20")
    path = tmp_path / "buku.beancount"
    path.write_text(ledger(), encoding="utf-8")
    kop = Koperasi.load(path)
    before = render_slips(kop, kop.shu(2025, today=TODAY), "txt")
    assert "USULAN" in before
    runner = CliRunner()
    done = runner.invoke(main, ["shu", str(path), "--tahun", "2025", "--tulis", "--tanggal", "2026-03-15"])
    assert done.exit_code == 0, done.output
    kop = Koperasi.load(path)
    after = render_slips(kop, kop.shu(2025, today=TODAY), "txt")
    assert "USULAN" not in after
    html = runner.invoke(main, ["shu", "slip", str(path), "--tahun", "2025"])
    assert html.exit_code == 0 and "data-usulan" not in html.output


# -- 8. the bank class scheme is the bank rule ------------------------------------------------


BANK = ledger() + '2025-01-01 custom "kebijakan" "kol-dpk" 1\n'


def test_bank_scheme_is_the_bank_rule():
    policies = load(BANK).policies
    by_days = {d: classify(d, policies, END) for d in (0, 1, 90, 91, 120, 121, 180, 181, 400)}
    assert by_days == {0: LANCAR, 1: DPK, 90: DPK, 91: KURANG_LANCAR, 120: KURANG_LANCAR,
                       121: DIRAGUKAN, 180: DIRAGUKAN, 181: MACET, 400: MACET}
    assert [ppap_rate(c, policies, END) for c in (DPK, KURANG_LANCAR, DIRAGUKAN, MACET)] == [
        D(5), D(15), D(50), D(100)]


def test_bank_scheme_values_the_bendahara_loan():
    p = portfolio(load(BANK), END)
    (loan,) = p.pinjaman
    # first unpaid instalment 2025-08-01: 152 days at 2025-12-31 → diragukan (121–180) at 50 %
    # → PPAP 24,000,000 × 50 % = 12,000,000
    assert (loan.hari_tunggakan, loan.kolektibilitas, loan.ppap) == (152, DIRAGUKAN, D(12_000_000))
    # a kebijakan written in the ledger still wins: kol-diragukan 181 → kurang lancar at 15 % = 3,600,000
    own = portfolio(load(BANK + '2025-01-01 custom "kebijakan" "kol-diragukan" 181\n'), END)
    assert (own.pinjaman[0].kolektibilitas, own.pinjaman[0].ppap) == (KURANG_LANCAR, D(3_600_000))
    # without the bank class, the koperasi rule: 152 days is kurang lancar (91–180) at 10 % = 2,400,000
    plain = portfolio(load(ledger()), END)
    assert (plain.pinjaman[0].kolektibilitas, plain.pinjaman[0].ppap) == (KURANG_LANCAR, D(2_400_000))


@pytest.fixture(scope="module")
def mawar() -> Koperasi:
    return Koperasi.load(Path(__file__).resolve().parent.parent / "examples" / "mawar" / "buku.beancount")


def test_example_json_shows_the_split(mawar):
    result = CliRunner().invoke(main, ["laporan", str(Path(__file__).resolve().parent.parent / "examples" / "mawar"
                                                       / "buku.beancount"), "--tahun", "2025", "--format", "json"])
    data = json.loads(result.output)
    assert data["neraca"]["aset_tidak_lancar"] == "34066724"  # 24,150,000 fixed assets + 9,916,724 loans
