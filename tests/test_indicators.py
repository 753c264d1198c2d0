"""Key indicators: the year's figures from the books (bean-query as the oracle) and their reading."""

from __future__ import annotations

from decimal import Decimal

import pytest
from beanquery.query import run_query
from hypothesis import given, settings
from hypothesis import strategies as st

from kopledger import Koperasi
from kopledger.core.rasio import persen, tampil
from kopledger.reports.indicators import YearFigures, key_indicators, year_figures
from tests.conftest import HEADER_ID, ledger_text

D = Decimal

BODY = '''
2020-01-01 open Aset:Bank:BRI IDR
2020-01-01 open Aset:AsetTetap:Peralatan IDR
2020-01-01 open Aset:Penyertaan IDR
2020-01-01 open Liabilitas:UtangBank IDR
2020-01-01 open Ekuitas:Hibah IDR
2020-01-01 open Beban:Usaha:Sewa IDR
2020-01-01 open Pendapatan:Lain IDR
2024-01-05 custom "anggota" "A0001" "Siti"
  jenis-kelamin: "P"
2024-01-05 custom "anggota" "A0002" "Budi"
  jenis-kelamin: "L"
2024-01-05 * "Simpanan pokok" #simpanan-pokok
  Aset:Kas  200000 IDR
  Ekuitas:SimpananPokok:A0001  -100000 IDR
    anggota: "A0001"
  Ekuitas:SimpananPokok:A0002  -100000 IDR
    anggota: "A0002"
2024-01-10 * "Hibah dinas"
  Aset:Bank:BRI  1000000 IDR
  Ekuitas:Hibah  -1000000 IDR
2024-02-01 * "Pinjaman bank"
  Aset:Bank:BRI  2000000 IDR
  Liabilitas:UtangBank  -2000000 IDR
2024-02-05 * "Simpanan wajib Januari 2024" #simpanan-wajib
  anggota: "A0001"
  bulan: "2024-01"
  Aset:Kas  25000 IDR
  Ekuitas:SimpananWajib:A0001  -25000 IDR
2024-02-10 * "Setor sukarela" #simpanan-sukarela
  anggota: "A0002"
  Aset:Kas  300000 IDR
  Liabilitas:SimpananSukarela:A0002  -300000 IDR
2024-03-01 * "Beli peralatan"
  Aset:AsetTetap:Peralatan  1500000 IDR
  Aset:Bank:BRI  -1500000 IDR
2024-03-02 * "Penyertaan"
  Aset:Penyertaan  500000 IDR
  Aset:Bank:BRI  -500000 IDR
2024-04-02 * "Jual ke anggota"
  anggota: "A0001"
  Aset:Kas  400000 IDR
  Pendapatan:Anggota:Penjualan  -400000 IDR
2024-04-03 * "Jual ke umum"
  Aset:Kas  100000 IDR
  Pendapatan:NonAnggota:Penjualan  -100000 IDR
2024-05-01 * "Sewa"
  Aset:Kas  -150000 IDR
  Beban:Usaha:Sewa  150000 IDR
2024-12-31 * "Tutup buku 2024" #tutup-buku-2024
  Pendapatan:Anggota:Penjualan  400000 IDR
  Pendapatan:NonAnggota:Penjualan  100000 IDR
  Beban:Usaha:Sewa  -150000 IDR
  Ekuitas:SHU:TahunBerjalan  -350000 IDR
2025-03-01 custom "anggota" "A0003" "Citra"
  jenis-kelamin: "P"
2025-03-01 * "Simpanan pokok" #simpanan-pokok
  anggota: "A0003"
  Aset:Kas  100000 IDR
  Ekuitas:SimpananPokok:A0003  -100000 IDR
2025-04-02 * "Jual ke anggota"
  anggota: "A0003"
  Aset:Kas  900000 IDR
  Pendapatan:Anggota:Penjualan  -900000 IDR
2025-04-03 * "Jual ke umum"
  Aset:Kas  100000 IDR
  Pendapatan:NonAnggota:Penjualan  -100000 IDR
2025-05-01 * "Bunga bank"
  Aset:Bank:BRI  20000 IDR
  Pendapatan:Lain  -20000 IDR
2025-05-02 * "Sewa"
  Aset:Kas  -150000 IDR
  Beban:Usaha:Sewa  150000 IDR
'''

ENGLISH_HEADER = HEADER_ID.replace('"Aset"', '"Assets"').replace('"Liabilitas"', '"Liabilities"').replace(
    '"Ekuitas"', '"Equity"').replace('"Pendapatan"', '"Income"').replace('"Beban"', '"Expenses"')
ENGLISH_MAP = {"Aset:": "Assets:", "Liabilitas:": "Liabilities:", "Ekuitas:": "Equity:",
               "Pendapatan:": "Income:", "Beban:": "Expenses:"}


def english(text: str) -> str:
    for old, new in ENGLISH_MAP.items():
        text = text.replace(old, new)
    return text


@pytest.fixture(scope="module")
def kop() -> Koperasi:
    books = Koperasi.from_string(ledger_text(BODY))
    assert books.errors == [], [e.message for e in books.errors]
    return books


def bq(kop: Koperasi, sql: str) -> Decimal:
    """One number from bean-query (the independent oracle)."""
    _types, rows = run_query(kop.entries, kop.options, sql)
    if not rows or rows[0][0] is None:
        return D(0)
    value = rows[0][0]
    positions = value.get_positions() if hasattr(value, "get_positions") else None
    if positions is not None:
        return sum((p.units.number for p in positions), D(0))
    return D(value)


def test_figures_match_bean_query(kop):
    fig = year_figures(kop, 2025)
    assert fig.total_aset == bq(kop, "SELECT sum(position) WHERE account ~ '^Aset' AND date <= 2025-12-31")
    assert fig.total_liabilitas == -bq(kop, "SELECT sum(position) WHERE account ~ '^Liabilitas' AND date <= 2025-12-31")
    income = -bq(kop, "SELECT sum(position) WHERE account ~ '^Pendapatan' AND year = 2025 "
                      "AND NOT 'tutup-buku-2025' IN tags")
    expenses = bq(kop, "SELECT sum(position) WHERE account ~ '^Beban' AND year = 2025")
    assert fig.shu == income - expenses == D(870000)
    assert fig.volume_usaha == D(1000000)
    assert fig.pendapatan_anggota == D(900000)
    assert fig.pendapatan_lain == D(20000)
    # The books balance: assets = liabilities + equity (equity includes the unclosed SHU).
    assert fig.total_aset == fig.total_liabilitas + fig.ekuitas
    assert fig.modal_sendiri == D(300000) + D(25000) + D(1000000)  # pokok + wajib + hibah (no cadangan)
    assert fig.aset_lancar == fig.total_aset - D(1500000) - D(500000)
    assert fig.liabilitas_lancar == D(300000)  # sukarela; the bank loan is long term
    assert fig.anggota == 3


def test_closed_year_excludes_its_closing_entry(kop):
    fig = year_figures(kop, 2024)
    assert fig.shu == D(350000)
    assert fig.volume_usaha == D(500000)
    assert fig.total_aset == fig.total_liabilitas + fig.ekuitas
    assert fig.anggota == 2


def test_indicators_of_the_year(kop):
    current, prior = year_figures(kop, 2025), year_figures(kop, 2024)
    ind = {i.kode: i for i in key_indicators(current, prior)}
    assert list(ind) == ["anggota", "ekuitas", "aset", "volume-usaha", "shu", "rasio-modal", "likuiditas",
                         "porsi-anggota"]
    assert ind["anggota"].nilai == 3 and ind["anggota"].pembanding == 2
    assert ind["anggota"].perubahan == D("50.00") and ind["anggota"].arah == "naik"
    assert ind["volume-usaha"].perubahan == D("100.00")
    assert ind["shu"].perubahan == ((D(870000) - D(350000)) / D(350000) * 100).quantize(D("0.01"))
    assert ind["rasio-modal"].nilai == tampil(persen(current.ekuitas, current.total_aset))
    assert ind["likuiditas"].nilai == tampil(persen(current.aset_lancar, D(300000)))
    assert ind["porsi-anggota"].nilai == D("90.00") and ind["porsi-anggota"].pembanding == D("80.00")
    assert ind["porsi-anggota"].perubahan == D("10.00")  # points for ratios
    assert ind["porsi-anggota"].penilaian == "baik"


def test_english_roots_give_the_same_figures(kop):
    books = Koperasi.from_string(english(ledger_text(BODY, ENGLISH_HEADER)))
    assert books.errors == [], [e.message for e in books.errors]
    fig_en, fig_id = year_figures(books, 2025), year_figures(kop, 2025)
    assert fig_en == fig_id


def _figures(**changes) -> YearFigures:
    base = dict(tahun=2025, anggota=10, total_aset=D(1000), aset_lancar=D(600), total_liabilitas=D(400),
                liabilitas_lancar=D(300), ekuitas=D(600), modal_sendiri=D(500), volume_usaha=D(800),
                pendapatan_anggota=D(600), pendapatan_non_anggota=D(200), pendapatan_lain=D(0), shu=D(100),
                simpanan_pokok=D(100), simpanan_wajib=D(300), simpanan_sukarela=D(300),
                simpanan_berjangka=D(0), cadangan=D(100), hibah=D(0), modal_penyertaan=D(0))
    base.update(changes)
    return YearFigures(**base)


def test_without_prior_year_there_is_no_change():
    for i in key_indicators(_figures()):
        assert i.pembanding is None and i.perubahan is None and i.arah == ""


def test_zero_denominators_give_no_ratio():
    ind = {i.kode: i for i in key_indicators(_figures(liabilitas_lancar=D(0), volume_usaha=D(0),
                                                      pendapatan_anggota=D(0)))}
    assert ind["likuiditas"].nilai is None and ind["likuiditas"].penilaian == ""
    assert ind["porsi-anggota"].nilai is None


def test_loss_is_flagged_and_growth_against_a_loss_is_not_a_percent():
    ind = {i.kode: i for i in key_indicators(_figures(shu=D(-50)), _figures(tahun=2024, shu=D(100)))}
    assert ind["shu"].arah == "turun" and ind["shu"].penilaian == "perhatian"
    ind = {i.kode: i for i in key_indicators(_figures(shu=D(50)), _figures(tahun=2024, shu=D(-100)))}
    assert ind["shu"].perubahan is None and ind["shu"].arah == "naik"


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=0, max_value=10**12),
    st.integers(min_value=0, max_value=10**12),
    st.integers(min_value=1, max_value=10**12),
)
def test_growth_and_ratio_arithmetic(now, before, assets):
    current = _figures(volume_usaha=D(now), total_aset=D(assets), ekuitas=D(min(now, assets)))
    prior = _figures(tahun=2024, volume_usaha=D(before))
    ind = {i.kode: i for i in key_indicators(current, prior)}
    vol = ind["volume-usaha"]
    if before == 0:
        assert vol.perubahan is None
    else:
        exact = (D(now) - D(before)) / D(before) * 100
        assert abs(vol.perubahan - exact) <= D("0.005")
    assert vol.arah == ("naik" if now > before else "turun" if now < before else "tetap")
    ratio = ind["rasio-modal"].nilai
    assert D(0) <= ratio <= D(100)
