"""The account catalogue: one place that knows each account."""

from __future__ import annotations

import datetime as dt

import pytest

from kopledger import Koperasi
from kopledger.core.errors import InputError
from kopledger.core.roots import MemberKind
from tests.conftest import HEADER_ID

BODY = """
2024-01-01 open Aset:Toko IDR
  unit: "toko"
2024-01-01 open Aset:Toko:Persediaan IDR
  kode: "1-131"
  nama: "Persediaan toko"
2024-01-01 open Aset:Deposito IDR
  jangka: "panjang"
  arus-kas: "investasi-lain"
2024-01-01 open Aset:Dompet IDR
  arus-kas: "kas"
2024-06-30 close Aset:Dompet
2024-01-02 custom "anggota" "A0001" "Siti Aminah"
"""


@pytest.fixture(scope="module")
def kop() -> Koperasi:
    books = Koperasi.from_string(HEADER_ID + BODY)
    assert books.errors == []
    return books


def test_each_account_once(kop: Koperasi) -> None:
    k = kop.katalog
    toko = k["Aset:Toko:Persediaan"]
    assert (toko.jenis, toko.kode, toko.nama, toko.unit) == ("aset", "1-131", "Persediaan toko", "toko")
    assert toko.lancar and not toko.kas and toko.arus_kas == "operasi-lain"
    deposito = k["Aset:Deposito"]
    assert (deposito.jangka, deposito.arus_kas, deposito.unit) == ("panjang", "investasi-lain", None)
    dompet = k["Aset:Dompet"]
    assert dompet.kas and dompet.dibuka == dt.date(2024, 1, 1) and dompet.ditutup == dt.date(2024, 6, 30)
    assert dompet.terbuka(dt.date(2024, 6, 29)) and not dompet.terbuka(dt.date(2024, 6, 30))
    assert k.terbuka("Aset:Dompet", dt.date(2024, 3, 1)) and not k.terbuka("Aset:Tidak:Ada", dt.date(2024, 3, 1))


def test_member_sub_ledger_rolls_up_into_its_parent_line(kop: Koperasi) -> None:
    akun = kop.katalog[kop.roots.member_account(MemberKind.WAJIB, "A0001")]
    assert (akun.anggota, akun.jenis_anggota, akun.baris) == ("A0001", MemberKind.WAJIB, "Ekuitas:SimpananWajib")
    assert (akun.kode, akun.komponen_ekuitas, akun.arus_kas) == ("3-102", "simpanan-wajib", "simpanan-pokok-wajib")


def test_a_wrong_jangka_names_the_open_line() -> None:
    books = Koperasi.from_string(HEADER_ID + '2024-01-01 open Aset:Salah IDR\n  jangka: "sedang"\n')
    with pytest.raises(InputError, match=r"<string>:\d+: Aset:Salah: metadata jangka: 'sedang'"):
        books.katalog["Aset:Salah"]
