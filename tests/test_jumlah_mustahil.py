"""Issue 24 case 5: amounts and balances nobody can have, refused by the plugin (``kop cek``,
``bean-check``) or warned about (``kop cek``, the RAT warnings, the web desk's dashboard).

Every figure below is computed by hand in the comment next to it."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from beancount import loader
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kopledger import Koperasi
from kopledger.books.checks.amounts import saldo_minus
from kopledger.cli import main
from kopledger.reports.peringatan import peringatan
from tests.conftest import HEADER_ID, ledger_text

OPENS = """
2025-01-01 custom "anggota" "A0001" "Siti Aminah"
2025-01-01 open Aset:Bank:BRI IDR
2025-01-01 open Aset:Piutang:Usaha IDR
2025-01-01 open Pendapatan:Lain IDR
2025-01-01 open Beban:Usaha:Lain IDR
"""


def cek(path: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["cek", str(path), *args])
    return result.exit_code, result.output


def line_of(path: Path, text: str) -> int:
    """The 1-based line of the (only) line of ``path`` containing ``text``."""
    lines = [i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line]
    assert len(lines) == 1, lines
    return lines[0]


# --- 1. fractional rupiah and the thousands dot ---------------------------------------------------
THOUSANDS_DOT = OPENS + """
2025-02-01 * "Simpanan wajib Februari" #simpanan-wajib
  anggota: "A0001"
  Aset:Kas  830000 IDR
  Ekuitas:SimpananWajib:A0001  -830000 IDR
2025-03-01 * "Simpanan wajib Maret (diketik dengan titik ribuan)" #simpanan-wajib
  anggota: "A0001"
  Aset:Kas  260.000 IDR
  Ekuitas:SimpananWajib:A0001
"""


def test_thousands_dot_is_an_error_with_its_line(write_ledger) -> None:
    path = write_ledger(THOUSANDS_DOT)
    # what beancount reads: 830000 + 260.000 = 830260 (the member's wajib, the SHU base), not 1090000
    kop = Koperasi.load(path)
    assert kop.member_balance("A0001").wajib == Decimal("830260")
    code, out = cek(path)
    assert code == 1
    line = line_of(path, "Aset:Kas  260.000 IDR")
    assert f"{path}:{line}: 260.000 IDR dibaca sebagai Rp260 (titik adalah tanda desimal); rupiah tidak " \
           f"berpecahan — tulis 260000 IDR tanpa titik ribuan" in out
    # one mistake, one error: the interpolated other leg (-260.000) is beancount's, not written
    assert out.count("dibaca sebagai") == 1
    code, out = cek(path, "--lang", "en")
    assert "260.000 IDR is read as Rp260 (the dot is a decimal point)" in out and "write 260000 IDR" in out


def test_bean_check_sees_it_too(write_ledger) -> None:
    path = write_ledger(THOUSANDS_DOT)
    done = subprocess.run([str(Path(sys.executable).parent / "bean-check"), str(path)],
                          capture_output=True, text=True, check=False)
    assert done.returncode != 0
    assert "tulis 260000 IDR" in done.stdout + done.stderr


@pytest.mark.parametrize(("written", "message"), [
    ("260.5 IDR", "260.5 IDR: rupiah tidak berpecahan (tanpa sen); tulis jumlah bulat, misalnya 261 IDR"),
    ("260.05 IDR", "260.05 IDR: rupiah tidak berpecahan"),
    ("1250.000 IDR", "1250.000 IDR dibaca sebagai Rp1.250 (titik adalah tanda desimal)"),
    ("1.234 IDR", "1.234 IDR dibaca sebagai 1,234 (titik adalah tanda desimal)"),
])
def test_fractional_units_refused(write_ledger, written: str, message: str) -> None:
    path = write_ledger(OPENS + f"""
2025-02-01 * "Jasa"
  Aset:Kas  {written}
  Pendapatan:Lain  -{written}
""")
    code, out = cek(path)
    assert code == 1
    assert f"{path}:{line_of(path, 'Aset:Kas  ')}: {message}" in out
    assert f"{path}:{line_of(path, 'Pendapatan:Lain  -')}: " in out  # both written legs


def test_whole_amounts_with_zero_decimals_and_rates_stay_allowed(write_ledger) -> None:
    # 200000.00 IDR: two decimals, a zero fraction (what beancount's printer writes). A price per
    # unit may be a rate with a fraction: 10 USD @ 15234.50 IDR = 152,345 for the cash leg.
    # Kas: 200,000 − 152,345 = 47,655, asserted as 47655.00.
    path = write_ledger(OPENS + """
2025-01-01 open Aset:Kas:Valas USD
2025-02-01 * "Jasa"
  Aset:Kas  200000.00 IDR
  Pendapatan:Lain  -200000.00 IDR
2025-02-02 * "Beli dolar"
  Aset:Kas:Valas  10 USD @ 15234.50 IDR
  Aset:Kas  -152345 IDR
2025-02-03 balance Aset:Kas  47655.00 IDR
""")
    code, out = cek(path)
    assert code == 0, out


@pytest.mark.parametrize(("entry", "needle"), [
    ('2025-02-05 balance Aset:Kas  260.000 IDR', "balance Aset:Kas"),
    ('2025-02-05 custom "kebijakan" "simpanan-wajib" 25.000 IDR', '"simpanan-wajib" 25.000'),
    ('2025-02-05 price USD  16.250 IDR', "price USD"),
])
def test_thousands_dot_in_balance_custom_and_price(write_ledger, entry: str, needle: str) -> None:
    path = write_ledger(OPENS + """
2025-01-01 commodity USD
2025-02-01 * "Jasa"
  Aset:Kas  260 IDR
  Pendapatan:Lain  -260 IDR
""" + entry + "\n")
    code, out = cek(path)
    assert code == 1
    assert f"{path}:{line_of(path, needle)}: " in out and "dibaca sebagai" in out and "tanpa titik ribuan" in out


def test_thousands_dot_in_a_posting_price_refused(write_ledger) -> None:
    path = write_ledger(OPENS + """
2025-01-01 open Aset:Kas:Valas USD
2025-02-01 * "Jasa"
  Aset:Kas  500000 IDR
  Pendapatan:Lain  -500000 IDR
2025-02-02 * "Beli dolar, kurs diketik dengan titik ribuan"
  Aset:Kas:Valas  10 USD @ 16.250 IDR
  Aset:Kas
""")
    code, out = cek(path)
    assert code == 1
    assert f"{path}:{line_of(path, '@ 16.250 IDR')}: 16.250 IDR dibaca sebagai" in out
    assert "tulis 16250 IDR" in out


# --- 2. cash never below zero at a day's end ------------------------------------------------------
LOAN_BEFORE_CASH = OPENS + """
2025-03-01 * "Simpanan wajib" #simpanan-wajib
  anggota: "A0001"
  Aset:Kas  5000000 IDR
  Ekuitas:SimpananWajib:A0001  -5000000 IDR
2025-03-03 * "Pencairan pinjaman sebelum kasnya masuk" #pinjaman-cair
  anggota: "A0001"
  pinjaman: "P-1"
  pokok: 6295000 IDR
  bunga: 12
  tenor: 10
  metode: "flat"
  Aset:Piutang:PinjamanAnggota:A0001  6295000 IDR
  Aset:Kas  -6295000 IDR
2025-03-05 * "Jasa"
  Aset:Kas  2000000 IDR
  Pendapatan:Lain  -2000000 IDR
"""


def test_cash_below_zero_is_an_error_at_the_entry_that_made_it(write_ledger) -> None:
    path = write_ledger(LOAN_BEFORE_CASH)
    code, out = cek(path)
    assert code == 1
    # Kas at the end of 3 March: 5,000,000 − 6,295,000 = −1,295,000
    line = line_of(path, "Aset:Kas  -6295000 IDR")
    assert (f"{path}:{line}: Aset:Kas: kas menjadi minus Rp1.295.000 pada akhir 2025-03-03 setelah entri ini; "
            "kas tidak bisa kurang dari nol") in out
    assert out.count("kas menjadi minus") == 1  # one stretch (3–4 March); 5 March ends at 705,000


def test_cash_negative_within_a_day_but_not_at_its_end_is_fine(write_ledger) -> None:
    # 3 March: +5,000,000 − 6,295,000 + 1,295,000 = 0 at the day's end (the receipt written last)
    path = write_ledger(OPENS + """
2025-03-03 * "Pencairan" #pinjaman-cair
  anggota: "A0001"
  pinjaman: "P-1"
  pokok: 6295000 IDR
  bunga: 12
  tenor: 10
  metode: "flat"
  Aset:Piutang:PinjamanAnggota:A0001  6295000 IDR
  Aset:Kas  -6295000 IDR
2025-03-03 * "Simpanan wajib" #simpanan-wajib
  anggota: "A0001"
  Aset:Kas  6295000 IDR
  Ekuitas:SimpananWajib:A0001  -6295000 IDR
""")
    code, out = cek(path)
    assert code == 0, out


def test_each_stretch_below_zero_is_one_error(write_ledger) -> None:
    # 1 Apr: −100,000; 2 Apr: +150,000 → 50,000; 3 Apr: −80,000 → −30,000: two stretches
    path = write_ledger(OPENS + """
2025-04-01 * "Beban"
  Beban:Usaha:Lain  100000 IDR
  Aset:Kas  -100000 IDR
2025-04-02 * "Jasa"
  Aset:Kas  150000 IDR
  Pendapatan:Lain  -150000 IDR
2025-04-03 * "Beban lagi"
  Beban:Usaha:Lain  80000 IDR
  Aset:Kas  -80000 IDR
""")
    code, out = cek(path)
    assert code == 1
    assert f"{path}:{line_of(path, 'Aset:Kas  -100000 IDR')}: Aset:Kas: kas menjadi minus Rp100.000 pada akhir 2025-04-01" in out
    assert f"{path}:{line_of(path, 'Aset:Kas  -80000 IDR')}: Aset:Kas: kas menjadi minus Rp30.000 pada akhir 2025-04-03" in out
    assert out.count("kas menjadi minus") == 2


# --- 3. a bank account below zero: a warning, unless its open allows an overdraft -----------------
BANK_MINUS = OPENS + """
2025-05-01 * "Setoran ke bank" #simpanan-wajib
  anggota: "A0001"
  Aset:Bank:BRI  1000000 IDR
  Ekuitas:SimpananWajib:A0001  -1000000 IDR
2025-05-10 * "Bayar pemasok lewat bank"
  Beban:Usaha:Lain  1310688 IDR
  Aset:Bank:BRI  -1310688 IDR
2025-05-12 * "Bayar lagi"
  Beban:Usaha:Lain  50000 IDR
  Aset:Bank:BRI  -50000 IDR
"""


def test_bank_below_zero_is_a_warning_in_kop_cek(write_ledger) -> None:
    path = write_ledger(BANK_MINUS)
    code, out = cek(path)
    assert code == 0, out  # a warning, not an error
    # 10 May: 1,000,000 − 1,310,688 = −310,688; 12 May: −310,688 − 50,000 = −360,688 (the lowest)
    line = line_of(path, "Aset:Bank:BRI  -1310688 IDR")
    assert (f"{path}:{line}: peringatan: Aset:Bank:BRI: saldo rekening bank minus Rp310.688 pada akhir "
            "2025-05-10 setelah entri ini (terendah minus Rp360.688 pada 2025-05-12)") in out
    assert "OK: " in out
    code, out = cek(path, "--lang", "en")
    assert "warning: Aset:Bank:BRI: the bank account is Rp310,688 below zero at the end of 2025-05-10" in out
    result = CliRunner().invoke(main, ["cek", str(path), "--format", "json"])
    assert result.exit_code == 0 and json.loads(result.stdout) == []
    assert "Rp310.688" in result.stderr


def test_bank_below_zero_in_the_rat_warnings_and_dashboard(write_ledger) -> None:
    path = write_ledger(BANK_MINUS)
    kop = Koperasi.load(path)
    found = [w for w in peringatan(kop, 2025, today=dt.date(2026, 2, 1)) if w.kode == "bank-minus"]
    assert len(found) == 1
    nilai = found[0].nilai
    assert (nilai["akun"], nilai["tanggal"], nilai["saldo"], nilai["terendah"], nilai["tanggal_terendah"]) == (
        "Aset:Bank:BRI", dt.date(2025, 5, 10), Decimal(-310688), Decimal(-360688), dt.date(2025, 5, 12))
    assert nilai["lokasi"] == f"buku.beancount:{line_of(path, 'Aset:Bank:BRI  -1310688 IDR')}"
    # the stretch (from 10 May 2025, never recovered) concerns 2025 and later years, not 2024
    (stretch,) = saldo_minus(kop.entries, kop.options)
    assert stretch.pulih is None and stretch.jenis == "bank"
    assert stretch.dalam(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert not stretch.dalam(dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    # the RAT pack words it, as the examiner read the figure: "(Rp310.688)", the lowest "(Rp360.688)"
    result = CliRunner().invoke(main, ["rat", str(path), "--tahun", "2025", "--out", "-", "--diam"],
                                env={"KOP_TODAY": "2026-02-01"})
    assert result.exit_code == 0, result.output
    assert 'data-peringatan="bank-minus"' in result.output
    assert ("Saldo rekening bank Aset:Bank:BRI minus pada akhir 10 Mei 2025 (buku.beancount:"
            f"{line_of(path, 'Aset:Bank:BRI  -1310688 IDR')}): (Rp310.688); terendah (Rp360.688)") in result.output


def test_bank_below_zero_on_the_web_dashboard(write_ledger) -> None:
    from fava.application import create_app  # only this test starts Fava

    path = write_ledger(BANK_MINUS + '2025-01-01 custom "fava-extension" "kopledger.fava"\n')
    app = create_app([str(path)], load=True)
    app.testing = True
    page = app.test_client().get("/koperasi-uji/extension/KopLedger/?tahun=2025").get_data(as_text=True)
    assert 'data-peringatan="bank-minus"' in page
    assert "Saldo rekening bank Aset:Bank:BRI minus pada akhir" in page and "(Rp310.688)" in page


def test_bank_with_cerukan_may_be_overdrawn(write_ledger) -> None:
    path = write_ledger(BANK_MINUS.replace(
        "2025-01-01 open Aset:Bank:BRI IDR", '2025-01-01 open Aset:Bank:BRI IDR\n  cerukan: TRUE'))
    code, out = cek(path)
    assert code == 0 and "peringatan" not in out, out
    kop = Koperasi.load(path)
    assert not [w for w in peringatan(kop, 2025, today=dt.date(2026, 2, 1)) if w.kode.endswith("-minus")]


def test_unknown_cerukan_value_is_an_error(write_ledger) -> None:
    path = write_ledger(BANK_MINUS.replace(
        "2025-01-01 open Aset:Bank:BRI IDR", '2025-01-01 open Aset:Bank:BRI IDR\n  cerukan: "boleh"'))
    code, out = cek(path)
    assert code == 1
    assert f"{path}:{line_of(path, 'open Aset:Bank:BRI')}: Aset:Bank:BRI: metadata cerukan: 'boleh' tidak dikenal" in out


# --- property: the end-of-day minimum is bean-query's ---------------------------------------------
DAYS = st.lists(
    st.tuples(st.integers(0, 20), st.integers(-500, 500).filter(bool)),
    min_size=1, max_size=25,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(moves=DAYS)
def test_end_of_day_minimum_is_bean_querys(tmp_path_factory, moves: list[tuple[int, int]]) -> None:
    body = "2025-01-01 open Pendapatan:Lain IDR\n"
    for day, thousands in moves:
        date = dt.date(2025, 2, 1) + dt.timedelta(days=day)
        body += f'{date} * "x"\n  Aset:Kas  {thousands * 1000} IDR\n  Pendapatan:Lain  {-thousands * 1000} IDR\n'
    path = tmp_path_factory.mktemp("prop") / "buku.beancount"
    path.write_text(ledger_text(body, HEADER_ID), encoding="utf-8")
    entries, _, options = loader.load_file(str(path))
    # bean-query's running balance, the last row of each day being the day's end
    from beanquery import query  # only this test reads bean-query
    _, rows = query.run_query(entries, options, "SELECT date, balance WHERE account = 'Aset:Kas'")
    ends: dict[dt.date, Decimal] = {}
    for date, balance in rows:
        ends[date] = balance.get_currency_units("IDR").number
    lowest = min(ends.values())
    stretches = [m for m in saldo_minus(entries, options) if m.akun == "Aset:Kas"]
    if lowest >= 0:
        assert stretches == []
    else:
        assert min(m.terendah for m in stretches) == lowest
        # each stretch starts on a day ending below zero after one ending at or above zero
        days = sorted(ends)
        for m in stretches:
            i = days.index(m.tanggal)
            assert ends[m.tanggal] == m.saldo < 0 and (i == 0 or ends[days[i - 1]] >= 0)
        assert len(stretches) == sum(1 for i, d in enumerate(days)
                                     if ends[d] < 0 and (i == 0 or ends[days[i - 1]] >= 0))
