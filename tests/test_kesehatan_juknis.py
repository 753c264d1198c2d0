"""Issue 24, case 3: the health assessment of Permenkop 9/2020 and Juknis 15/2021 on hand-made
books, every figure worked by hand in the comments.

NPL books: one macet loan (disbursed 2024-12-01, one instalment due 2025-01-01: 364 days past
due at 2025-12-31 > 270, macet) and one lancar loan (disbursed 2025-12-15, first due
2026-01-15: not yet due), so NPL = macet / (macet + lancar) exactly.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kopledger.ops.loans.entries import portfolio
from kopledger.reports.indicators import key_indicators, year_figures
from kopledger.reports.kesehatan import PREDIKAT_AKHIR, assess
from kopledger.reports.peringatan import peringatan
from tests.test_kesehatan import HEADER, cair, load, member, txn

D = Decimal
END = dt.date(2025, 12, 31)


def npl_books(macet: int, lancar: int, extra: str = "") -> str:
    # Kas 50 000 000 (HEADER) + a bank loan large enough for both disbursements
    return (HEADER + member("A0001", "Siti Aminah") + member("A0002", "Rina Wati")
            + "2024-01-01 open Liabilitas:PinjamanBank IDR\n"
            + txn("2024-01-02", "Pinjaman bank", "Liabilitas:PinjamanBank", -200_000_000)
            + cair("PJ-M", "A0001", "2024-12-01", macet, 1, "2025-01-01")
            + cair("PJ-L", "A0002", "2025-12-15", lancar, 10, "2026-01-15") + extra)


@pytest.mark.parametrize(("macet", "lancar", "nilai", "shown"), [
    (5_000_000, 95_000_000, 1, "5.00"),              # 5 000 000 / 100 000 000 = 5 % exactly: ≤ 5, Sehat
    (5_004_000, 94_996_000, 2, "5.00"),              # 5.004 %: above 5 although shown 5,00 — Cukup Sehat
    (10_000_000, 90_000_000, 2, "10.00"),            # 10 % exactly: ≤ 10, Cukup Sehat
    (15_000_000, 85_000_000, 3, "15.00"),            # 15 % exactly: ≤ 15, Kurang Sehat
    (15_000_001, 84_999_999, 4, "15.00"),            # 15.000001 %: above 15, Tidak Sehat
])
def test_npl_band_is_applied_to_the_exact_ratio(macet, lancar, nilai, shown):
    kop = load(npl_books(macet, lancar))
    line = assess(kop, 2025).get("npl")
    assert (line.pembilang, line.penyebut) == (D(macet), D(macet + lancar))
    assert line.nilai == nilai and line.rasio == D(shown)
    # one display rule: the loan portfolio (notes) shows the same rounded figure
    assert portfolio(kop, END).npl == line.rasio
    # the high-arrears warning (NPL above 5 %) agrees with the band: raised exactly when not Sehat
    warned = any(w.kode == "tunggakan-tinggi" for w in peringatan(kop, 2025))
    assert warned is (nilai > 1)


def test_npl_limit_of_the_modul_text_is_a_kebijakan():
    # 13 % is > 10–15 (nilai 3) by Tabel 2.45, but > 12 (nilai 4) when the koperasi takes the text's 12
    by_table = assess(load(npl_books(13_000_000, 87_000_000)), 2025).get("npl")
    by_text = assess(load(npl_books(13_000_000, 87_000_000,
                                    '2024-01-01 custom "kebijakan" "kesehatan-npl-macet" 12\n')), 2025).get("npl")
    assert (by_table.nilai, by_table.sumber_batas) == (3, "juknis")
    assert (by_text.nilai, by_text.sumber_batas, by_text.batas[2]) == (4, "kebijakan", D(12))


def bopo_books(income: int, expense: int, extra: str = "") -> str:
    return (HEADER + txn("2025-06-30", "Pendapatan", "Pendapatan:Lain", -income) if income else HEADER) + (
        txn("2025-07-31", "Gaji", "Beban:Usaha:Gaji", expense) if expense else "") + extra


def test_bopo_at_exactly_100_is_3_and_the_juknis_text_is_a_kebijakan():
    # beban 10 000 000 / pendapatan 10 000 000 = 100 %: Tabel 3.5 "90 < X ≤ 100" nilai 3
    line = assess(load(bopo_books(10_000_000, 10_000_000)), 2025).get("bopo")
    assert (line.rasio, line.nilai, line.kategori) == (D("100.00"), 3, "Kurang Sehat")
    strict = assess(load(bopo_books(10_000_000, 10_000_000, '2024-01-01 custom "kebijakan" "kesehatan-bopo-100" "4"\n')),
                    2025).get("bopo")
    assert (strict.nilai, strict.sumber_batas) == (4, "kebijakan")
    # 10 000 001 / 10 000 000 = 100.00001 %: above 100, nilai 4 under either reading
    assert assess(load(bopo_books(10_000_000, 10_000_001)), 2025).get("bopo").nilai == 4
    # 7 999 999 / 10 000 000 = 79.99999 %: below 80, nilai 1; exactly 80 % is not "< 80": nilai 2
    assert assess(load(bopo_books(10_000_000, 7_999_999)), 2025).get("bopo").nilai == 1
    assert assess(load(bopo_books(10_000_000, 8_000_000)), 2025).get("bopo").nilai == 2


def test_a_loss_year_expenses_without_income_and_growth_from_zero_to_a_loss():
    # 2024: nothing earned or spent (SHU 0). 2025: gaji 2 000 000, no income -> SHU -2 000 000.
    kop = load(bopo_books(0, 2_000_000))
    a = assess(kop, 2025)
    bopo = a.get("bopo")
    # expenses with no income: the ratio is unbounded, the worst nilai — never dropped
    assert (bopo.status, bopo.rasio, bopo.nilai, bopo.catatan) == ("dinilai", None, 4, "beban tanpa pendapatan")
    shu = a.get("pertumbuhan-shu")
    assert (shu.status, shu.nilai, shu.catatan) == ("dinilai", 4, "rugi setelah tahun nol")
    # capital after the loss: ekuitas 50 000 000 - 2 000 000 = 48 000 000 over aset (kas) 48 000 000 = 100 %,
    # never above 100 % (the old "modal sendiri" ratio left the loss out)
    capital = a.get("rasio-ekuitas-aset")
    assert (capital.pembilang, capital.penyebut, capital.rasio) == (D(48_000_000), D(48_000_000), D("100.00"))
    # growth of equity 48 000 000 / 50 000 000 - 1 = -4 %: below 4, nilai 4
    assert a.get("pertumbuhan-ekuitas").rasio == D("-4.00") and a.get("pertumbuhan-ekuitas").nilai == 4


def test_no_income_and_no_expense_is_not_computable_and_blocks_the_predikat():
    a = assess(load(HEADER), 2025)
    assert a.get("bopo").status == "tidak-dapat-dihitung"
    assert "bopo" in a.kurang and a.predikat is None


def capital_books(equity_added: int, bank: int) -> str:
    return (HEADER + "2024-01-01 open Liabilitas:PinjamanBank IDR\n"
            + txn("2024-01-02", "Tambahan modal", "Ekuitas:Modal", -equity_added)
            + txn("2024-01-03", "Pinjaman bank", "Liabilitas:PinjamanBank", -bank))


def test_capital_is_equity_over_assets_by_tabel_4_1():
    # ekuitas 50 000 000 + 10 500 000 = 60 500 000; aset 60 500 000 + 139 500 000 = 200 000 000: 30.25 % > 30 -> Sehat
    line = assess(load(capital_books(10_500_000, 139_500_000)), 2025).get("rasio-ekuitas-aset")
    assert (line.pembilang, line.penyebut, line.rasio, line.nilai, line.kategori) == (
        D(60_500_000), D(200_000_000), D("30.25"), 1, "Sehat")
    # exactly 30 %: 60 000 000 / 200 000 000 is not "> 30": nilai 2
    assert assess(load(capital_books(10_000_000, 140_000_000)), 2025).get("rasio-ekuitas-aset").nilai == 2
    # 10 %: 20 000 000 / 200 000 000 is not "> 10": nilai 4 (ekuitas 50 000 000 - 30 000 000 withdrawn)
    assert assess(load(capital_books(-30_000_000, 180_000_000)), 2025).get("rasio-ekuitas-aset").nilai == 4


def test_one_own_capital_ratio_in_the_pack():
    kop = load(capital_books(10_500_000, 139_500_000))
    key = {i.kode: i for i in key_indicators(year_figures(kop, 2025))}["rasio-modal"]
    health = assess(kop, 2025).get("rasio-ekuitas-aset")
    assert key.nilai == health.rasio == D("30.25") and key.penilaian == "baik"


def test_overall_categories_are_permenkop_9_2020():
    assert list(PREDIKAT_AKHIR.values()) == ["Sehat", "Cukup Sehat", "Dalam Pengawasan", "Dalam Pengawasan Khusus"]
