"""The plugin ``kopledger.plugin``: every rule has a ledger that breaks it and one that keeps it.

Each error must name the file and the line of the offending entry (or posting), and
say what is wrong and what to do.
"""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest
from beancount.core import data
from hypothesis import given, settings
from hypothesis import strategies as st

from kopledger import Koperasi
from kopledger.books.checks import plugin
from tests.conftest import HEADER_ID, ledger_text, load_doc

JOIN_A1 = '''
    2024-01-05 custom "anggota" "A0001" "Siti Aminah"
      nik: "3202011234567890"
      jenis-kelamin: "P"
    2024-01-05 * "Simpanan pokok A0001" #simpanan-pokok
      anggota: "A0001"
      Aset:Kas  100000 IDR
      Ekuitas:SimpananPokok:A0001  -100000 IDR
'''


def messages(kop: Koperasi) -> list[str]:
    return [e.message for e in kop.errors]


def line_of(body: str, needle: str, occurrence: int = 1, header: str = HEADER_ID) -> int:
    """1-based line number in the full ledger of the ``occurrence``-th body line containing ``needle``."""
    seen = 0
    first_body_line = len(header.splitlines()) + 1
    for number, line in enumerate(ledger_text(body, header).splitlines(), start=1):
        if number > first_body_line - 1 and needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{needle!r} not in ledger")


def only_error(kop: Koperasi, *fragments: str) -> object:
    """The single error of ``kop``; it must contain every fragment."""
    assert len(kop.errors) == 1, messages(kop)
    error = kop.errors[0]
    for fragment in fragments:
        assert fragment in error.message, error.message
    assert error.source["filename"] == "<string>"
    return error


def assert_at(error: object, line: int) -> None:
    assert error.source["lineno"] == line, (error.source, error.message)


# --- opening and closing member accounts -------------------------------------------


def test_member_accounts_are_opened_on_the_join_date_only_for_used_kinds() -> None:
    kop = load_doc(JOIN_A1 + '''
    2024-02-10 * "Simpanan wajib Februari 2024" #simpanan-wajib
      anggota: "A0001"
      bulan: "2024-02"
      Aset:Kas  25000 IDR
      Ekuitas:SimpananWajib:A0001  -25000 IDR
    ''')
    assert kop.errors == []
    opens = {e.account: e for e in kop.entries if isinstance(e, data.Open) and e.account.endswith(":A0001")}
    assert set(opens) == {"Ekuitas:SimpananPokok:A0001", "Ekuitas:SimpananWajib:A0001"}
    assert all(e.date == dt.date(2024, 1, 5) for e in opens.values())
    assert not any(isinstance(e, data.Close) for e in kop.entries)


def test_balance_assertion_on_an_unused_member_account_works() -> None:
    kop = load_doc(JOIN_A1 + '''
    2024-03-01 balance Liabilitas:SimpananSukarela:A0001  0 IDR
    2024-03-01 balance Ekuitas:SimpananPokok:A0001  -100000 IDR
    ''')
    assert kop.errors == []


def test_a_wrong_balance_assertion_on_a_member_account_is_reported() -> None:
    kop = load_doc(JOIN_A1 + '''
    2024-03-01 balance Ekuitas:SimpananPokok:A0001  -50000 IDR
    ''')
    assert len(kop.errors) == 1
    assert "Balance failed" in kop.errors[0].message


EXIT_A1 = '''
    2024-06-30 custom "anggota-keluar" "A0001"
      alasan: "pindah domisili"
    2024-06-30 * "Anggota keluar A0001" #anggota-keluar
      anggota: "A0001"
      Ekuitas:SimpananPokok:A0001  100000 IDR
      Liabilitas:SimpananAnggotaKeluar:A0001  -100000 IDR
'''


def test_accounts_of_a_settled_leaver_are_closed() -> None:
    kop = load_doc(JOIN_A1 + EXIT_A1 + '''
    2024-07-15 * "Pengembalian simpanan A0001"
      anggota: "A0001"
      Liabilitas:SimpananAnggotaKeluar:A0001  100000 IDR
      Aset:Kas  -100000 IDR
    2024-08-01 balance Ekuitas:SimpananPokok:A0001  0 IDR
    ''')
    assert kop.errors == []
    closes = {e.account: e.date for e in kop.entries if isinstance(e, data.Close)}
    assert closes == {
        "Ekuitas:SimpananPokok:A0001": dt.date(2024, 6, 30),
        "Liabilitas:SimpananAnggotaKeluar:A0001": dt.date(2024, 7, 15),
    }


def test_accounts_of_an_unsettled_leaver_stay_open() -> None:
    kop = load_doc(JOIN_A1 + EXIT_A1)
    assert kop.errors == []
    closes = {e.account for e in kop.entries if isinstance(e, data.Close)}
    assert closes == {"Ekuitas:SimpananPokok:A0001"}  # the payable is still owed


def test_a_posting_after_the_plugin_closed_an_account_is_still_checked_by_our_rule() -> None:
    kop = load_doc(JOIN_A1 + EXIT_A1 + '''
    2024-09-01 * "Salah: setoran pokok setelah keluar"
      anggota: "A0001"
      Aset:Kas  5000 IDR
      Ekuitas:SimpananPokok:A0001  -5000 IDR
    ''')
    error = only_error(kop, "sudah keluar pada 2024-06-30", "menuju nol")
    assert_at(error, line_of(JOIN_A1 + EXIT_A1 + '''
    2024-09-01 * "Salah: setoran pokok setelah keluar"
      anggota: "A0001"
      Aset:Kas  5000 IDR
      Ekuitas:SimpananPokok:A0001  -5000 IDR
    ''', "Ekuitas:SimpananPokok:A0001  -5000 IDR"))


# --- unknown member; before join; after exit -----------------------------------


def test_posting_to_account_of_unknown_member_is_an_error() -> None:
    body = '''
    2024-01-05 * "Setoran"
      Aset:Kas  25000 IDR
      Ekuitas:SimpananWajib:A0404  -25000 IDR
    '''
    error = only_error(load_doc(body), "anggota tidak dikenal: A0404", 'custom "anggota" "A0404"')
    assert_at(error, line_of(body, "SimpananWajib:A0404"))


def test_posting_to_account_of_registered_member_is_fine() -> None:
    assert load_doc(JOIN_A1).errors == []


def test_posting_before_the_member_joined_is_an_error() -> None:
    body = '''
    2024-01-05 custom "anggota" "A0001" "Siti"
    2024-01-04 * "Setoran terlalu awal"
      Aset:Kas  25000 IDR
      Ekuitas:SimpananWajib:A0001  -25000 IDR
    '''
    error = only_error(load_doc(body), "sebelum anggota A0001 masuk pada 2024-01-05", "pada atau setelah tanggal masuk")
    assert_at(error, line_of(body, "SimpananWajib:A0001"))


def test_posting_on_the_join_date_is_fine() -> None:
    kop = load_doc('''
    2024-01-05 custom "anggota" "A0001" "Siti"
    2024-01-05 * "Setoran"
      Aset:Kas  25000 IDR
      Ekuitas:SimpananWajib:A0001  -25000 IDR
    ''')
    assert kop.errors == []


def test_saving_after_exit_is_an_error() -> None:
    body = JOIN_A1 + EXIT_A1 + '''
    2024-07-10 * "Setor sukarela setelah keluar"
      Aset:Kas  10000 IDR
      Liabilitas:SimpananSukarela:A0001  -10000 IDR
    '''
    error = only_error(load_doc(body), "A0001 sudah keluar pada 2024-06-30", "dari 0 menjadi -10.000")
    assert_at(error, line_of(body, "SimpananSukarela:A0001"))


def test_settlement_toward_zero_after_exit_is_fine() -> None:
    kop = load_doc(JOIN_A1 + '''
    2024-02-01 * "Setor sukarela"
      Aset:Kas  30000 IDR
      Liabilitas:SimpananSukarela:A0001  -30000 IDR
    ''' + EXIT_A1 + '''
    2024-07-10 * "Tarik sukarela setelah keluar"
      Liabilitas:SimpananSukarela:A0001  10000 IDR
      Aset:Kas  -10000 IDR
    2024-07-11 * "Tarik sisa sukarela"
      Liabilitas:SimpananSukarela:A0001  20000 IDR
      Aset:Kas  -20000 IDR
    2024-07-12 * "Bayar simpanan keluar"
      Liabilitas:SimpananAnggotaKeluar:A0001  100000 IDR
      Aset:Kas  -100000 IDR
    ''')
    assert kop.errors == []


def test_settlement_crossing_zero_after_exit_is_an_error() -> None:
    kop = load_doc(JOIN_A1 + '''
    2024-02-01 * "Setor sukarela"
      Aset:Kas  30000 IDR
      Liabilitas:SimpananSukarela:A0001  -30000 IDR
    ''' + EXIT_A1 + '''
    2024-07-10 * "Tarik lebih dari saldo"
      Liabilitas:SimpananSukarela:A0001  50000 IDR
      Aset:Kas  -50000 IDR
    ''')
    only_error(kop, "dari -30.000 menjadi 20.000")


def test_payables_to_a_leaver_may_grow_after_exit() -> None:
    kop = load_doc(JOIN_A1 + EXIT_A1 + '''
    2024-07-10 * "SHU untuk anggota yang sudah keluar"
      Ekuitas:SHU:TahunBerjalan  5000 IDR
      Liabilitas:UtangSHU:A0001  -5000 IDR
    ''')
    assert kop.errors == []


def test_loan_repayment_after_exit_is_fine_but_a_new_loan_is_not() -> None:
    good = JOIN_A1 + '''
    2024-02-01 * "Cadangan masuk kas (kas tidak boleh minus)"
      Aset:Kas  1000000 IDR
      Ekuitas:Cadangan:Umum  -1000000 IDR
    2024-02-01 * "Pinjaman" #pinjaman-cair
      anggota: "A0001"
      Aset:Piutang:PinjamanAnggota:A0001  500000 IDR
      Aset:Kas  -500000 IDR
    ''' + EXIT_A1 + '''
    2024-07-10 * "Angsuran" #angsuran
      anggota: "A0001"
      Aset:Kas  100000 IDR
      Aset:Piutang:PinjamanAnggota:A0001  -100000 IDR
    '''
    assert load_doc(good).errors == []
    bad = good + '''
    2024-08-10 * "Pinjaman baru setelah keluar"
      Aset:Piutang:PinjamanAnggota:A0001  100000 IDR
      Aset:Kas  -100000 IDR
    '''
    only_error(load_doc(bad), "PinjamanAnggota:A0001", "sudah keluar pada 2024-06-30")


# --- the register -------------------------------------------------------------------


def test_member_registered_twice_is_an_error() -> None:
    body = '''
    2024-01-05 custom "anggota" "A0001" "Siti"
    2024-02-05 custom "anggota" "A0001" "Budi"
    '''
    error = only_error(load_doc(body), "nomor anggota A0001 didaftarkan dua kali", f"<string>:{line_of(body, 'Siti')}")
    assert_at(error, line_of(body, "Budi"))


def test_distinct_members_are_fine() -> None:
    kop = load_doc('''
    2024-01-05 custom "anggota" "A0001" "Siti"
    2024-02-05 custom "anggota" "A0002" "Budi"
    ''')
    assert kop.errors == []
    assert sorted(kop.members) == ["A0001", "A0002"]


@pytest.mark.parametrize("member_id", ["a0001", "A_01", "-A1", "A 1", "", "Ä1"])
def test_member_id_invalid_as_account_component_is_an_error(member_id: str) -> None:
    body = f'''
    2024-01-05 custom "anggota" "{member_id}" "Siti"
    '''
    error = only_error(load_doc(body), "tidak sah", "A0001")
    assert_at(error, line_of(body, "Siti"))


@pytest.mark.parametrize("member_id", ["A0001", "0001", "KSP-2024-001", "Ab9"])
def test_member_id_valid_as_account_component(member_id: str) -> None:
    kop = load_doc(f'''
    2024-01-05 custom "anggota" "{member_id}" "Siti"
    2024-01-05 * "Setoran"
      anggota: "{member_id}"
      Aset:Kas  25000 IDR
      Ekuitas:SimpananWajib:{member_id}  -25000 IDR
    ''')
    assert kop.errors == []


def test_anggota_metadata_naming_unknown_member_is_an_error() -> None:
    body = '''
    2024-01-05 custom "anggota" "A0001" "Siti"
    2024-01-06 * "Penjualan"
      anggota: "A0002"
      Aset:Kas  10000 IDR
      Pendapatan:Anggota:Penjualan  -10000 IDR
    '''
    error = only_error(load_doc(body), "'A0002' bukan anggota terdaftar")
    assert_at(error, line_of(body, '"Penjualan"'))


def test_anggota_metadata_on_a_posting_is_checked_too() -> None:
    body = '''
    2024-01-05 custom "anggota" "A0001" "Siti"
    2024-01-06 * "Penjualan"
      Aset:Kas  10000 IDR
      Pendapatan:Anggota:Penjualan  -5000 IDR
        anggota: "A0001"
      Pendapatan:Anggota:Penjualan  -5000 IDR
        anggota: "B9"
    '''
    only_error(load_doc(body), "'B9' bukan anggota terdaftar")
    assert load_doc(body.replace('"B9"', '"A0001"')).errors == []


# --- simpanan pokok -----------------------------------------------------------------


def test_pokok_in_a_different_amount_than_the_policy_is_an_error() -> None:
    body = JOIN_A1.replace("100000 IDR", "50000 IDR")
    error = only_error(load_doc(body), "dibayar 50.000 IDR", "berlaku pada 2024-01-05 adalah 100.000 IDR",
                       'kebijakan "simpanan-pokok" tanggal 2020-01-01')
    assert_at(error, line_of(body, "SimpananPokok:A0001"))


def test_pokok_amount_follows_the_policy_in_force_on_the_payment_date() -> None:
    raise_policy = '''
    2024-03-01 custom "kebijakan" "simpanan-pokok" 150000 IDR
    2024-03-05 custom "anggota" "A0002" "Budi"
    2024-03-05 * "Simpanan pokok A0002" #simpanan-pokok
      anggota: "A0002"
      Aset:Kas  150000 IDR
      Ekuitas:SimpananPokok:A0002  -150000 IDR
    '''
    assert load_doc(JOIN_A1 + raise_policy).errors == []
    only_error(load_doc(JOIN_A1 + raise_policy.replace("Aset:Kas  150000", "Aset:Kas  100000")
                        .replace("-150000", "-100000")), "adalah 150.000 IDR")


def test_pokok_paid_twice_is_an_error() -> None:
    body = JOIN_A1 + '''
    2024-02-05 * "Simpanan pokok lagi" #simpanan-pokok
      anggota: "A0001"
      Aset:Kas  100000 IDR
      Ekuitas:SimpananPokok:A0001  -100000 IDR
    '''
    error = only_error(load_doc(body), "hanya dibayar sekali", "sudah dibayar pada 2024-01-05")
    assert_at(error, line_of(body, "SimpananPokok:A0001", occurrence=2))


def test_corrections_and_opening_balances_are_exempt_from_the_pokok_rule() -> None:
    kop = load_doc('''
    2024-01-05 custom "anggota" "A0001" "Siti"
    2024-01-05 * "Saldo awal" #saldo-awal-2024
      Aset:Kas  75000 IDR
      Ekuitas:SimpananPokok:A0001  -75000 IDR
    2024-02-05 * "Koreksi: kurang bayar pokok" #koreksi
      Aset:Kas  25000 IDR
      Ekuitas:SimpananPokok:A0001  -25000 IDR
    ''')
    assert kop.errors == []


def test_pokok_paid_again_after_an_opening_balance_is_an_error() -> None:
    kop = load_doc('''
    2024-01-05 custom "anggota" "A0001" "Siti"
    2024-01-05 * "Saldo awal" #saldo-awal-2024
      Aset:Kas  100000 IDR
      Ekuitas:SimpananPokok:A0001  -100000 IDR
    2024-02-05 * "Simpanan pokok"
      Aset:Kas  100000 IDR
      Ekuitas:SimpananPokok:A0001  -100000 IDR
    ''')
    only_error(kop, "sudah dibayar pada 2024-01-05")


def test_pokok_paid_again_after_a_corrected_reversal_is_fine() -> None:
    kop = load_doc('''
    2024-01-05 custom "anggota" "A0001" "Siti"
    2024-01-05 * "Simpanan pokok"
      Aset:Kas  100000 IDR
      Ekuitas:SimpananPokok:A0001  -100000 IDR
    2024-01-06 * "Koreksi: batal, salah kas" #koreksi
      Ekuitas:SimpananPokok:A0001  100000 IDR
      Aset:Kas  -100000 IDR
    2024-01-06 * "Simpanan pokok (benar)"
      Aset:Kas  100000 IDR
      Ekuitas:SimpananPokok:A0001  -100000 IDR
    ''')
    assert kop.errors == []


def test_without_a_pokok_policy_any_single_amount_is_accepted() -> None:
    header = HEADER_ID.replace('2020-01-01 custom "kebijakan" "simpanan-pokok" 100000 IDR\n', "")
    kop = load_doc(JOIN_A1.replace("100000", "70000"), header=header)
    assert kop.errors == []


# --- no withdrawal of pokok / wajib while active ---------------------------------


@pytest.mark.parametrize("account", ["Ekuitas:SimpananPokok:A0001", "Ekuitas:SimpananWajib:A0001"])
def test_withdrawal_of_capital_while_active_is_an_error(account: str) -> None:
    body = JOIN_A1 + f'''
    2024-02-05 * "Wajib"
      Aset:Kas  25000 IDR
      Ekuitas:SimpananWajib:A0001  -25000 IDR
    2024-03-05 * "Tarik"
      {account}  25000 IDR
      Aset:Kas  -25000 IDR
    '''
    label = "pokok" if "Pokok" in account else "wajib"
    error = only_error(load_doc(body), f"simpanan {label} tidak boleh diambil", '"anggota-keluar" "A0001"')
    assert_at(error, line_of(body, f"{account}  25000 IDR"))


def test_withdrawal_of_capital_on_the_exit_date_is_fine() -> None:
    assert load_doc(JOIN_A1 + EXIT_A1).errors == []


def test_exit_transaction_without_anggota_keluar_is_an_error() -> None:
    body = JOIN_A1 + EXIT_A1.replace('    2024-06-30 custom "anggota-keluar" "A0001"\n      alasan: "pindah domisili"\n', "")
    only_error(load_doc(body), "simpanan pokok tidak boleh diambil")


def test_corrections_may_debit_capital() -> None:
    kop = load_doc(JOIN_A1 + '''
    2024-02-05 * "Wajib"
      Aset:Kas  25000 IDR
      Ekuitas:SimpananWajib:A0001  -25000 IDR
    2024-02-06 * "Koreksi: salah anggota" #koreksi
      Ekuitas:SimpananWajib:A0001  25000 IDR
      Aset:Kas  -25000 IDR
    ''')
    assert kop.errors == []


# --- currency -------------------------------------------------------------------


def test_member_account_in_another_currency_is_an_error() -> None:
    body = JOIN_A1 + '''
    2024-02-05 * "Setor dolar"
      Aset:Dolar  10 USD
      Liabilitas:SimpananSukarela:A0001  -10 USD
    '''
    header = HEADER_ID + "2020-01-01 open Aset:Dolar\n"
    error = only_error(load_doc(body, header=header), "hanya boleh dalam IDR", "10 USD", "catat jumlahnya dalam IDR")
    assert_at(error, line_of(body, "-10 USD", header=header))


def test_non_member_account_in_another_currency_is_not_our_business() -> None:
    kop = load_doc('''
    2024-02-05 * "Kas dolar"
      Aset:Dolar  10 USD
      Pendapatan:Lain  -10 USD
    ''', header=HEADER_ID + "2020-01-01 open Pendapatan:Lain\n2020-01-01 open Aset:Dolar\n")
    assert kop.errors == []


# --- shu-alokasi ---------------------------------------------------------------------

SPLIT_105 = '''
    2025-01-01 custom "shu-alokasi" "cadangan" 40
    2025-01-01 custom "shu-alokasi" "jasa-modal" 20
    2025-01-01 custom "shu-alokasi" "jasa-usaha" 25
    2025-01-01 custom "shu-alokasi" "dana-pengurus" 5
    2025-01-01 custom "shu-alokasi" "dana-karyawan" 5
    2025-01-01 custom "shu-alokasi" "dana-pendidikan" 5
    2025-01-01 custom "shu-alokasi" "dana-sosial" 5
'''


def test_shu_split_not_summing_to_100_is_an_error_saying_the_sum() -> None:
    error = only_error(load_doc(SPLIT_105), "berjumlah 105%", "tepat 100")
    assert_at(error, line_of(SPLIT_105, '"cadangan" 40'))


def test_shu_split_summing_to_100_is_fine() -> None:
    kop = load_doc(SPLIT_105.replace('"cadangan" 40', '"cadangan" 35'))
    assert kop.errors == []
    assert kop.shu_split(dt.date(2025, 12, 31)).total == 100


def test_each_split_is_checked_on_its_own() -> None:
    body = SPLIT_105.replace('"cadangan" 40', '"cadangan" 35') + '''
    2026-01-01 custom "shu-alokasi" "cadangan" 50
    2026-01-01 custom "shu-alokasi" "jasa-modal" 49.5
    '''
    only_error(load_doc(body), "2026-01-01 berjumlah 99.5%")


def test_unknown_shu_component_without_akun_is_an_error() -> None:
    body = '''
    2025-01-01 custom "shu-alokasi" "cadangan" 90
    2025-01-01 custom "shu-alokasi" "dana-olahraga" 10
    '''
    kop = load_doc(body)
    assert any("komponen SHU tidak dikenal: 'dana-olahraga'" in m and "akun" in m for m in messages(kop))
    error = next(e for e in kop.errors if "dana-olahraga" in e.message)
    assert_at(error, line_of(body, "dana-olahraga"))


def test_unknown_shu_component_with_akun_is_fine() -> None:
    kop = load_doc('''
    2025-01-01 custom "shu-alokasi" "cadangan" 90
    2025-01-01 custom "shu-alokasi" "dana-olahraga" 10
      akun: "Liabilitas:DanaSHU:Sosial"
    ''')
    assert kop.errors == []


# --- kebijakan and malformed directives ----------------------------------------------


def test_unknown_kebijakan_key_is_an_error() -> None:
    body = '''
    2024-01-01 custom "kebijakan" "simpanan-wajibb" 25000 IDR
    '''
    error = only_error(load_doc(body), "kebijakan tidak dikenal: 'simpanan-wajibb'", "simpanan-wajib")
    assert_at(error, line_of(body, "simpanan-wajibb"))


@pytest.mark.parametrize("line", [
    '"simpanan-wajib" 30000 IDR',
    '"pembulatan" "terdekat"',
    '"ppap-macet" 100',
    '"shu-anggota-keluar" "ikut"',
])
def test_known_kebijakan_is_fine(line: str) -> None:
    assert load_doc(f'2024-01-01 custom "kebijakan" {line}\n').errors == []


@pytest.mark.parametrize(("line", "fragment"), [
    ('custom "anggota" "A0001"', 'perlu 2 nilai (ID NAMA), ada 1'),
    ('custom "anggota" "A0001" "Siti" "extra"', "ada 3"),
    ('custom "anggota" 1 "Siti"', "ID harus teks dalam tanda kutip"),
    ('custom "anggota-keluar" "A0001" "A0002"', "perlu 1 nilai"),
    ('custom "kebijakan" "simpanan-wajib"', "perlu satu kunci dalam tanda kutip dan satu nilai"),
    ('custom "kebijakan" "simpanan-wajib" "banyak"', "harus jumlah uang seperti 25000 IDR"),
    ('custom "kebijakan" "simpanan-wajib" 25000 USD', "jumlahnya harus dalam IDR"),
    ('custom "kebijakan" "ppap-macet" 100 IDR', "nilainya harus angka"),
    ('custom "kebijakan" "pembulatan" "keatas"', "harus salah satu dari bawah, terdekat"),
    ('custom "shu-alokasi" "cadangan" "100"', "PERSEN harus angka"),
    ('custom "shu-alokasi" "cadangan"', "perlu 2 nilai"),
    ('custom "koperasi" 5', "NAMA harus teks"),
    ('custom "pengurus" "ketua"', "perlu 2 nilai"),
    ('custom "shu-basis" "jasa-lain" "Ekuitas:SimpananPokok"', 'harus "jasa-modal" atau "jasa-usaha"'),
    ('custom "rat-teks" "tempat" 5', "hanya menerima teks"),
])
def test_malformed_directive_is_an_error(line: str, fragment: str) -> None:
    body = f"2024-01-01 {line}\n"
    error = only_error(load_doc(body), fragment)
    assert_at(error, line_of(body, line))


def test_member_metadata_is_checked() -> None:
    kop = load_doc('''
    2024-01-05 custom "anggota" "A0001" "Siti"
      nik: "12345"
      jenis-kelamin: "X"
    ''')
    assert len(kop.errors) == 2
    assert any("nik A0001 harus 16 angka" in m for m in messages(kop))
    assert any('jenis-kelamin A0001 harus "P"' in m for m in messages(kop))


def test_anggota_keluar_of_unknown_or_twice_is_an_error() -> None:
    kop = load_doc('''
    2024-01-05 custom "anggota" "A0001" "Siti"
    2024-02-01 custom "anggota-keluar" "A0001"
    2024-03-01 custom "anggota-keluar" "A0001"
    2024-03-01 custom "anggota-keluar" "A0009"
    ''')
    assert sorted(messages(kop)) == sorted([
        "anggota A0001 sudah keluar pada 2024-02-01; hapus anggota-keluar yang kedua ini (already left)",
        "anggota-keluar untuk anggota tidak dikenal: 'A0009'; pakai nomor anggota yang didaftarkan "
        'dengan custom "anggota", atau daftarkan dulu (unknown member)',
    ])


def test_other_custom_directives_are_left_alone() -> None:
    kop = load_doc('2024-01-01 custom "fava-option" "language" "id"\n')
    assert kop.errors == []


# --- English roots, robustness ------------------------------------------------------

HEADER_EN = """\
option "title" "Cooperative"
option "operating_currency" "IDR"
plugin "kopledger.plugin"
2020-01-01 open Assets:Kas IDR
2020-01-01 custom "kebijakan" "simpanan-pokok" 100000 IDR
"""


def test_rules_work_with_english_root_names() -> None:
    body = '''
    2024-01-05 custom "anggota" "A0001" "Siti"
    2024-01-05 * "Pokok"
      Assets:Kas  100000 IDR
      Equity:SimpananPokok:A0001  -100000 IDR
    2024-02-05 * "Tarik"
      Equity:SimpananPokok:A0001  100000 IDR
      Assets:Kas  -100000 IDR
    '''
    kop = Koperasi.from_string(ledger_text(body, HEADER_EN))
    only_error(kop, "Equity:SimpananPokok:A0001: simpanan pokok tidak boleh diambil")


def test_the_plugin_never_raises(monkeypatch: pytest.MonkeyPatch) -> None:

    def boom(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(plugin, "_run", boom)
    entries = load_doc(JOIN_A1).entries
    returned, errors = plugin.koperasi(entries, {})
    assert returned is entries
    assert len(errors) == 1 and "internal error" in errors[0].message and "boom" in errors[0].message


def test_the_whole_book_checks_run(monkeypatch: pytest.MonkeyPatch) -> None:
    from kopledger.core.errors import KopError

    monkeypatch.setattr(plugin, "whole_book_checks", lambda verified: (
        lambda entries, options: [KopError(None, "extra check", None)],))
    assert messages(load_doc(JOIN_A1)) == ["extra check"]


def test_error_message_prints_as_file_line_message() -> None:
    from beancount.parser import printer

    from kopledger.core.errors import format_error_line

    kop = load_doc(textwrap.dedent('''
    2024-01-05 * "Setoran"
      Aset:Kas  25000 IDR
      Ekuitas:SimpananWajib:A0404  -25000 IDR
    '''))
    line = format_error_line(kop.errors[0])
    assert line.startswith("<string>:")
    assert line.split(":")[1].isdigit()
    assert printer.format_error(kop.errors[0]).startswith(line.split(": ", 1)[0])


# --- a model-based property: withdrawals and settlements ------------------------------

moves = st.lists(st.integers(min_value=-5, max_value=5).filter(bool), min_size=1, max_size=8)


def _moves_ledger(amounts: list[int], account: str, *, tag: str = "", exit_first: bool = False) -> str:
    body = JOIN_A1
    if exit_first:
        body += '''
    2024-01-06 * "Setor sukarela"
      Aset:Kas  20000 IDR
      Liabilitas:SimpananSukarela:A0001  -20000 IDR
    2024-01-07 custom "anggota-keluar" "A0001"
    '''
    for day, amount in enumerate(amounts, start=10):
        # amount > 0: the member's balance grows (a credit); < 0: it shrinks (a debit)
        body += f'''
    2024-02-{day:02d} * "Gerak" {tag}
      Aset:Kas  {amount * 1000} IDR
      {account}  {-amount * 1000} IDR
    '''
    return body


@given(moves)
@settings(max_examples=25, deadline=None)
def test_every_debit_of_wajib_by_an_active_member_is_one_error(amounts: list[int]) -> None:
    kop = load_doc(_moves_ledger(amounts, "Ekuitas:SimpananWajib:A0001"))
    debits = sum(1 for a in amounts if a < 0)
    assert len(kop.errors) == debits
    assert all("tidak boleh diambil" in m for m in messages(kop))
    assert load_doc(_moves_ledger(amounts, "Ekuitas:SimpananWajib:A0001", tag="#koreksi")).errors == []


@given(moves)
@settings(max_examples=25, deadline=None)
def test_after_exit_only_moves_toward_zero_pass(amounts: list[int]) -> None:
    kop = load_doc(_moves_ledger(amounts, "Liabilitas:SimpananSukarela:A0001", exit_first=True))
    balance, expected = 20, 0  # thousands, as the member sees the sukarela balance
    for amount in amounts:
        after = balance + amount
        # toward zero without crossing it, from either side (a balance already negative may
        # come back to zero: the plugin's rule, _toward_zero)
        if not (min(0, balance) <= after <= max(0, balance)):
            expected += 1
        balance = after
    assert len(kop.errors) == expected, messages(kop)
