"""Pure parsing of kopledger's directives, policies, roots, balances and error formatting."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from beancount import loader
from beancount.core.amount import Amount

from kopledger.books.balances import account_balances, closing_tag, has_tag_prefix, is_closing_of, rollup
from kopledger.books.directives import (
    POLICY_KEYS,
    Policies,
    Policy,
    parse_koperasi,
    parse_members,
    parse_officers,
    parse_policies,
    parse_shu_bases,
    parse_shu_splits,
    split_in_force,
)
from kopledger.core.errors import InputError, KopError, LedgerHasErrors, error_location, format_error_line
from kopledger.core.roots import MemberKind, Roots, is_valid_member_id


def entries_of(text: str) -> list:
    entries, _errors, _ = loader.load_string(text)
    return entries


def test_parse_members_with_exit() -> None:
    members, errors = parse_members(entries_of('''
2024-01-05 custom "anggota" "A0001" "Siti"
  nik: "3202011234567890"
  jenis-kelamin: "p"
2024-05-01 custom "anggota-keluar" "A0001"
  alasan: "meninggal"
'''))
    assert errors == []
    siti = members["A0001"]
    assert siti.jenis_kelamin == "P"  # normalised
    assert (siti.tanggal_keluar, siti.alasan_keluar) == (dt.date(2024, 5, 1), "meninggal")
    assert siti.is_active(dt.date(2024, 4, 30)) and not siti.is_active(dt.date(2024, 5, 1))
    assert not siti.is_active(dt.date(2024, 1, 4))


def test_exit_before_join_is_an_error() -> None:
    _, errors = parse_members(entries_of('''
2024-01-05 custom "anggota-keluar" "A0001"
2024-02-05 custom "anggota" "A0001" "Siti"
'''))
    assert len(errors) == 1 and "keluar pada 2024-01-05, sebelum masuk pada 2024-02-05" in errors[0].message


def test_parse_policies_and_policies_in_force() -> None:
    policies, errors = parse_policies(entries_of('''
2024-01-01 custom "kebijakan" "simpanan-wajib" 25000 IDR
2025-01-01 custom "kebijakan" "simpanan-wajib" 30000 IDR
2024-01-01 custom "kebijakan" "kol-macet" 360
'''))
    assert errors == []
    book = Policies(policies)
    assert book.at("simpanan-wajib", dt.date(2023, 12, 31)) is None
    assert book.amount("simpanan-wajib", dt.date(2024, 12, 31)) == 25000
    assert book.amount("simpanan-wajib", dt.date(2025, 1, 1)) == 30000
    assert book.value("kol-macet", dt.date(2024, 6, 1)) == 360
    assert book.value("kol-kurang-lancar", dt.date(2024, 6, 1)) == POLICY_KEYS["kol-kurang-lancar"].default
    assert [p.date for p in book.history("simpanan-wajib")] == [dt.date(2024, 1, 1), dt.date(2025, 1, 1)]
    assert set(book.in_force(dt.date(2025, 1, 1))) == set(POLICY_KEYS)


def test_policies_sort_by_date_whatever_the_input_order() -> None:
    late = Policy("simpanan-pokok", Amount(Decimal(2), "IDR"), dt.date(2025, 1, 1))
    early = Policy("simpanan-pokok", Amount(Decimal(1), "IDR"), dt.date(2024, 1, 1))
    assert Policies([late, early]).amount("simpanan-pokok", dt.date(2025, 6, 1)) == 2


def test_policy_keys_of_the_contract_are_registered() -> None:
    for key in ("simpanan-pokok", "simpanan-wajib", "pembulatan", "shu-non-anggota", "shu-anggota-keluar",
                "kol-dpk", "kol-kurang-lancar", "kol-diragukan", "kol-macet", "ppap-lancar", "ppap-dpk",
                "ppap-kurang-lancar", "ppap-diragukan", "ppap-macet", "denda-pinjaman", "bunga-pinjaman-maks"):
        assert key in POLICY_KEYS


def test_negative_policy_values_are_errors() -> None:
    _, errors = parse_policies(entries_of('''
2024-01-01 custom "kebijakan" "simpanan-wajib" -5 IDR
2024-01-01 custom "kebijakan" "ppap-macet" -1
'''))
    assert len(errors) == 2


def test_shu_splits_replace_each_other() -> None:
    splits, errors = parse_shu_splits(entries_of('''
2024-01-01 custom "shu-alokasi" "cadangan" 100
2025-01-01 custom "shu-alokasi" "cadangan" 60
2025-01-01 custom "shu-alokasi" "jasa-modal" 40
'''))
    assert errors == []
    assert split_in_force(splits, dt.date(2023, 1, 1)) is None
    assert [s.komponen for s in split_in_force(splits, dt.date(2024, 12, 31)).shares] == ["cadangan"]
    assert split_in_force(splits, dt.date(2025, 1, 1)).total == 100


def test_shu_split_component_twice_and_out_of_range() -> None:
    _, errors = parse_shu_splits(entries_of('''
2025-01-01 custom "shu-alokasi" "cadangan" 60
2025-01-01 custom "shu-alokasi" "cadangan" 40
2026-01-01 custom "shu-alokasi" "cadangan" 140
'''))
    text = " | ".join(e.message for e in errors)
    assert "muncul dua kali pada 2025-01-01" in text and "harus antara 0 dan 100" in text


def test_shu_bases_and_officers_and_koperasi() -> None:
    entries = entries_of('''
2024-01-01 custom "shu-basis" "jasa-modal" "Ekuitas:SimpananPokok" "Ekuitas:SimpananWajib"
  metode: "rata-rata-bulanan"
2024-01-01 custom "pengurus" "ketua" "Ibu A"
2025-01-01 custom "pengurus" "ketua" "Ibu B"
2024-01-01 custom "koperasi" "Kop"
  jenis: "warung"
''')
    bases, errors = parse_shu_bases(entries)
    assert errors == [] and bases[0].accounts == ("Ekuitas:SimpananPokok", "Ekuitas:SimpananWajib")
    assert bases[0].metode == "rata-rata-bulanan"
    officers, _ = parse_officers(entries)
    assert [(o.role, o.nama) for o in officers] == [("ketua", "Ibu B")]
    info, errors = parse_koperasi(entries)
    assert info is not None and info.nama == "Kop"
    assert len(errors) == 1 and "jenis koperasi tidak dikenal: 'warung'" in errors[0].message


def test_roots_and_member_accounts() -> None:
    en = Roots.from_options({"name_assets": "Assets", "name_liabilities": "Liabilities", "name_equity": "Equity",
                             "name_income": "Income", "name_expenses": "Expenses"})
    assert en.member_account(MemberKind.PINJAMAN, "A1") == "Assets:Piutang:PinjamanAnggota:A1"
    assert en.split_member_account("Liabilities:SimpananSukarela:A1") == (MemberKind.SUKARELA, "A1")
    assert en.split_member_account("Liabilities:SimpananSukarela") is None
    assert en.kas == "Assets:Kas" and en.cadangan_umum == "Equity:Cadangan:Umum"
    assert Roots().member_parent(MemberKind.KELUAR) == "Liabilitas:SimpananAnggotaKeluar"
    assert Roots().is_under("Aset:Kas:Kecil", "Aset:Kas") and not Roots().is_under("Aset:KasBesar", "Aset:Kas")


@pytest.mark.parametrize(("member_id", "ok"), [("A0001", True), ("1", True), ("A-1", True), ("a1", False),
                                                ("A_1", False), ("A:1", False), ("", False)])
def test_is_valid_member_id(member_id: str, ok: bool) -> None:
    assert is_valid_member_id(member_id) is ok


def test_account_balances_rollup_and_closing_filters() -> None:
    entries = entries_of('''
2024-01-01 open Aset:Kas
2024-01-01 open Pendapatan:Lain
2024-01-01 open Ekuitas:SHU:TahunBerjalan
2024-03-01 * "Pendapatan"
  Aset:Kas  100 IDR
  Pendapatan:Lain  -100 IDR
2024-12-31 * "Tutup buku" #tutup-buku-2024
  Pendapatan:Lain  100 IDR
  Ekuitas:SHU:TahunBerjalan  -100 IDR
2025-01-02 * "Lagi"
  Aset:Kas  5 IDR
  Pendapatan:Lain  -5 IDR
''')
    year = account_balances(entries, start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31),
                            exclude=is_closing_of(2024))
    assert year == {"Aset:Kas": 100, "Pendapatan:Lain": -100}
    everything = account_balances(entries)
    assert everything["Pendapatan:Lain"] == -5 and rollup(everything, "Aset") == 105
    assert closing_tag(2024) == "tutup-buku-2024"
    closing = [e for e in entries if getattr(e, "tags", None) and has_tag_prefix("tutup-buku")(e)]
    assert len(closing) == 1


def test_error_formatting() -> None:
    error = KopError({"filename": "/b/buku.beancount", "lineno": 12}, "salah", None)
    assert error_location(error) == "/b/buku.beancount:12"
    assert format_error_line(error) == "/b/buku.beancount:12: salah"
    assert format_error_line(KopError(None, "tanpa tempat", None)) == "tanpa tempat"
    exc = LedgerHasErrors("buku punya 1 kesalahan:", [error], hint="Perbaiki dulu.")
    assert str(exc) == "buku punya 1 kesalahan:\n  /b/buku.beancount:12: salah\nPerbaiki dulu."
    assert str(InputError("x", hint="y")) == "x\ny"
