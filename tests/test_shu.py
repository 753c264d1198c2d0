"""SHU engine: textbook examples entered as ledgers, edge cases, errors, entries.

The arithmetic property tests are in test_shu_props.py, the CLI in test_shu_cli.py,
the example koperasi in test_shu_example.py.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from decimal import Decimal

import pytest
from beancount.core import data
from beanquery import query

from kopledger import Koperasi
from kopledger.books.katalog import year_surplus
from kopledger.core.errors import InputError
from kopledger.ops.shu.compute import (
    allocation_entry,
    compute_shu,
    existing_allocation,
    payout_entries,
)
from kopledger.ops.writer import format_directives
from kopledger.present.shu import render_slips, render_table, shu_json, to_csv

D = Decimal
TODAY = dt.date(2026, 6, 1)

HEADER = """\
option "title" "Koperasi Uji SHU"
option "operating_currency" "IDR"
option "name_assets" "Aset"
option "name_liabilities" "Liabilitas"
option "name_equity" "Ekuitas"
option "name_income" "Pendapatan"
option "name_expenses" "Beban"
plugin "kopledger.plugin"

2000-01-01 open Aset:Kas IDR
2000-01-01 open Aset:Persediaan IDR
2000-01-01 open Ekuitas:Cadangan:Umum IDR
2000-01-01 open Ekuitas:SHU:TahunBerjalan IDR
2000-01-01 open Pendapatan:Anggota:Penjualan IDR
2000-01-01 open Pendapatan:Anggota:JasaPinjaman IDR
2000-01-01 open Pendapatan:Anggota:BiayaAdmin IDR
2000-01-01 open Pendapatan:NonAnggota:Penjualan IDR
2000-01-01 open Pendapatan:Lain IDR
2000-01-01 open Beban:PokokPenjualan IDR
2000-01-01 open Beban:Usaha:Gaji IDR
2000-01-01 open Liabilitas:DanaSHU:Pengurus IDR
2000-01-01 open Liabilitas:DanaSHU:Karyawan IDR
2000-01-01 open Liabilitas:DanaSHU:Pendidikan IDR
2000-01-01 open Liabilitas:DanaSHU:Sosial IDR
2000-01-01 open Liabilitas:DanaSHU:PembangunanDaerahKerja IDR
"""


def ledger(body: str, header: str = HEADER) -> str:
    return header + "\n" + textwrap.dedent(body)


def load(body: str, header: str = HEADER) -> Koperasi:
    kop = Koperasi.from_string(ledger(body, header))
    assert kop.errors == [], [e.message for e in kop.errors]
    return kop


def member(mid: str, nama: str, *, pokok: int = 0, wajib: int = 0, sukarela: int = 0, joined: str = "2024-01-02",
           wajib_date: str = "2024-06-30") -> str:
    """Register a member and pay their savings (one lump per kind)."""
    text = f'{joined} custom "anggota" "{mid}" "{nama}"\n'
    if pokok:
        text += (f'{joined} * "Simpanan pokok {nama}" #simpanan-pokok\n  anggota: "{mid}"\n'
                 f"  Aset:Kas {pokok} IDR\n  Ekuitas:SimpananPokok:{mid} -{pokok} IDR\n")
    if wajib:
        text += (f'{wajib_date} * "Simpanan wajib {nama}" #simpanan-wajib\n  anggota: "{mid}"\n'
                 f"  Aset:Kas {wajib} IDR\n  Ekuitas:SimpananWajib:{mid} -{wajib} IDR\n")
    if sukarela:
        text += (f'{wajib_date} * "Simpanan sukarela {nama}" #simpanan-sukarela\n  anggota: "{mid}"\n'
                 f"  Aset:Kas {sukarela} IDR\n  Liabilitas:SimpananSukarela:{mid} -{sukarela} IDR\n")
    return text


def income(mid: str | None, number: int, account: str = "Pendapatan:Anggota:Penjualan", date: str = "2024-07-01") -> str:
    meta = f'  anggota: "{mid}"\n' if mid else ""
    return f'{date} * "Pendapatan"\n{meta}  Aset:Kas {number} IDR\n  {account} -{number} IDR\n'


def expense(number: int, account: str = "Beban:PokokPenjualan", date: str = "2024-07-01") -> str:
    return f'{date} * "Beban"\n  {account} {number} IDR\n  Aset:Kas -{number} IDR\n'


def split(date: str, **percents: str) -> str:
    return "".join(
        f'{date} custom "shu-alokasi" "{name.replace("_", "-")}" {pct}\n' for name, pct in percents.items()
    )


def shares(result) -> dict[str, tuple[Decimal, Decimal]]:
    return {m.id: (m.jasa_modal, m.jasa_usaha) for m in result.anggota}


def assert_invariants(result) -> None:
    """Components sum to the SHU; members + remainder equal each member component."""
    assert sum(c.jumlah for c in result.alokasi) == result.shu
    assert result.total_jasa_modal + result.sisa_jasa_modal == result.jumlah_komponen("jasa-modal")
    assert result.total_jasa_usaha + result.sisa_jasa_usaha == result.jumlah_komponen("jasa-usaha")
    assert result.sisa_pembulatan == result.sisa_jasa_modal + result.sisa_jasa_usaha


def book(kop_text: str, kop: Koperasi, result, date: dt.date) -> Koperasi:
    """Append the allocation entry to the ledger text and load it: must have zero errors."""
    entry = allocation_entry(kop, result, date)
    assert sum(p.units.number for p in entry.postings) == 0
    booked = Koperasi.from_string(kop_text + "\n" + format_directives([entry]))
    assert booked.errors == [], [e.message for e in booked.errors]
    return booked


# --- worked examples from Indonesian textbooks, entered as ledgers --------------------------
# Example 1 (the issue's): SHU Rp90.000.000, simpanan pokok + wajib Rp78.000.000, omset
# Rp102.000.000; jasa simpanan (modal) 40 %, jasa usaha 30 %, cadangan 20 %, pendidikan 10 %.
# Member A0001: simpanan Rp6.500.000, purchases Rp1.500.000.
#   JM = 6.500.000 / 78.000.000 × 40 % × 90.000.000 = 6,5/78 × 36.000.000 = 3.000.000
#   JU = 1.500.000 / 102.000.000 × 30 % × 90.000.000 = 1,5/102 × 27.000.000 = 397.058,82 → 397.058
# The other two members (chosen so the totals are the textbook's):
#   A0002 simpanan 32.000.000, purchases 50.000.000:
#     JM = 32/78 × 36.000.000 = 14.769.230,77 → 14.769.230; JU = 50/102 × 27.000.000 = 13.235.294,12 → 13.235.294
#   A0003 simpanan 39.500.000, purchases 50.500.000:
#     JM = 39,5/78 × 36.000.000 = 18.230.769,23 → 18.230.769; JU = 50,5/102 × 27.000.000 = 13.367.647,06 → 13.367.647
#   ΣJM = 35.999.999 (sisa 1), ΣJU = 26.999.999 (sisa 1): sisa pembulatan 2, to cadangan:
#   cadangan booked 18.000.000 + 2 = 18.000.002.
EXAMPLE_1 = (
    split("2024-01-01", cadangan="20", jasa_modal="40", jasa_usaha="30", dana_pendidikan="10")
    + member("A0001", "Siti Aminah", pokok=500_000, wajib=6_000_000)
    + member("A0002", "Budi Santoso", pokok=500_000, wajib=31_500_000)
    + member("A0003", "Wati Lestari", pokok=500_000, wajib=39_000_000)
    + income("A0001", 1_500_000) + income("A0002", 50_000_000) + income("A0003", 50_500_000)
    + expense(12_000_000)
)


def test_textbook_example_1_reproduces_exactly():
    kop = load(EXAMPLE_1)
    r = compute_shu(kop, 2024, today=TODAY)
    assert r.shu == 90_000_000
    assert [(c.komponen, c.jumlah) for c in r.alokasi] == [
        ("cadangan", 18_000_000), ("jasa-modal", 36_000_000), ("jasa-usaha", 27_000_000),
        ("dana-pendidikan", 9_000_000),
    ]
    assert r.total_basis_modal == 78_000_000
    assert r.total_basis_usaha == 102_000_000
    assert shares(r) == {
        "A0001": (3_000_000, 397_058),
        "A0002": (14_769_230, 13_235_294),
        "A0003": (18_230_769, 13_367_647),
    }
    assert r.anggota[0].jumlah == 3_397_058
    assert r.sisa_pembulatan == 2
    assert r.cadangan_dibukukan == 18_000_002
    assert_invariants(r)
    assert not r.sementara and r.peringatan == ()


def test_textbook_example_1_allocation_entry_balances_and_loads():
    kop = load(EXAMPLE_1)
    r = compute_shu(kop, 2024, today=TODAY)
    entry = allocation_entry(kop, r, dt.date(2025, 3, 15))
    assert entry.date == dt.date(2025, 3, 15)
    assert entry.links == frozenset({"shu-2024"}) and "shu-alokasi" in entry.tags
    by_account = {p.account: p.units.number for p in entry.postings}
    assert by_account == {
        "Ekuitas:SHU:TahunBerjalan": 90_000_000,
        "Ekuitas:Cadangan:Umum": -18_000_002,
        "Liabilitas:DanaSHU:Pendidikan": -9_000_000,
        "Liabilitas:UtangSHU:A0001": -3_397_058,
        "Liabilitas:UtangSHU:A0002": -28_004_524,
        "Liabilitas:UtangSHU:A0003": -31_598_416,
    }
    booked = book(ledger(EXAMPLE_1), kop, r, dt.date(2025, 3, 15))
    assert booked.member_balance("A0001").utang_shu == 3_397_058
    assert existing_allocation(booked, 2024) is not None
    assert existing_allocation(booked, 2023) is None
    # booking the allocation changes neither the SHU nor the bases
    assert compute_shu(booked, 2024, today=TODAY) == r


# Example 2 (Quipper, "KSP Perguruan Bangau Hitam", 2008): SHU Rp40.000.000; jasa modal 25 %,
# jasa anggota 30 %, pengurus 10 %, dana sosial 10 %, dana pendidikan 15 %, cadangan 10 %;
# simpanan anggota Rp60.000.000, penjualan Rp100.000.000. Grace: pokok 1.000.000 + wajib
# 2.000.000, purchases 1.000.000.
#   JM = 3/60 × 25 % × 40.000.000 = 3/60 × 10.000.000 = 500.000
#   JA = 1/100 × 30 % × 40.000.000 = 1/100 × 12.000.000 = 120.000; SHU Grace = 620.000 (answer D)
#   A0002 simpanan 27.000.000, purchases 49.000.000: JM 4.500.000, JA 5.880.000
#   A0003 simpanan 30.000.000, purchases 50.000.000: JM 5.000.000, JA 6.000.000
#   Funds: cadangan 4.000.000, pengurus 4.000.000, sosial 4.000.000, pendidikan 6.000.000; sisa 0.
EXAMPLE_2 = (
    split("2008-01-01", jasa_modal="25", jasa_usaha="30", dana_pengurus="10", dana_sosial="10",
          dana_pendidikan="15", cadangan="10")
    + member("A0001", "Grace Ananda", pokok=1_000_000, wajib=2_000_000, joined="2008-01-02", wajib_date="2008-06-30")
    + member("A0002", "Bambang", pokok=1_000_000, wajib=26_000_000, joined="2008-01-02", wajib_date="2008-06-30")
    + member("A0003", "Citra", pokok=1_000_000, wajib=29_000_000, joined="2008-01-02", wajib_date="2008-06-30")
    + income("A0001", 1_000_000, date="2008-07-01") + income("A0002", 49_000_000, date="2008-07-01")
    + income("A0003", 50_000_000, date="2008-07-01")
    + expense(60_000_000, date="2008-07-01")
)


def test_textbook_example_2_bangau_hitam():
    kop = load(EXAMPLE_2)
    r = compute_shu(kop, 2008, today=TODAY)
    assert r.shu == 40_000_000
    assert {c.komponen: c.jumlah for c in r.alokasi} == {
        "jasa-modal": 10_000_000, "jasa-usaha": 12_000_000, "dana-pengurus": 4_000_000,
        "dana-sosial": 4_000_000, "dana-pendidikan": 6_000_000, "cadangan": 4_000_000,
    }
    assert shares(r) == {
        "A0001": (500_000, 120_000), "A0002": (4_500_000, 5_880_000), "A0003": (5_000_000, 6_000_000),
    }
    assert r.anggota[0].jumlah == 620_000
    assert r.sisa_pembulatan == 0
    book(ledger(EXAMPLE_2), kop, r, dt.date(2009, 2, 1))


# Example 3 (koperasi konsumsi "Suka Sukses"): SHU Rp56.000.000; simpanan pokok 6.000.000 +
# wajib 22.000.000 = 28.000.000; omzet Rp168.000.000; jasa modal 25 %, jasa anggota 30 %
# (the rest, 45 %, is not given: we put cadangan 30, pendidikan 5, pengurus 5, karyawan 5).
# Susanti: simpanan 600.000, purchases 8.400.000.
#   JM = 0,6/28 × 25 % × 56.000.000 = 0,6/28 × 14.000.000 = 300.000
#   JA = 8,4/168 × 30 % × 56.000.000 = 8,4/168 × 16.800.000 = 840.000; SHU Susanti = 1.140.000
#   A0002 simpanan 13.500.000, purchases 80.000.000: JM 6.750.000, JA 8.000.000
#   A0003 simpanan 13.900.000, purchases 79.600.000: JM 6.950.000, JA 7.960.000
# Here the SHU comes from sales 168.000.000 − cost of goods 100.000.000 − wages 12.000.000.
EXAMPLE_3 = (
    split("2024-01-01", jasa_modal="25", jasa_usaha="30", cadangan="30", dana_pendidikan="5",
          dana_pengurus="5", dana_karyawan="5")
    + member("A0001", "Susanti", pokok=100_000, wajib=500_000)
    + member("A0002", "Rudi", pokok=100_000, wajib=13_400_000)
    + member("A0003", "Yanti", pokok=100_000, wajib=13_800_000)
    + income("A0001", 8_400_000) + income("A0002", 80_000_000) + income("A0003", 79_600_000)
    + expense(100_000_000) + expense(12_000_000, "Beban:Usaha:Gaji")
)


def test_textbook_example_3_suka_sukses():
    kop = load(EXAMPLE_3)
    r = compute_shu(kop, 2024, today=TODAY)
    assert r.shu == 56_000_000
    assert shares(r) == {
        "A0001": (300_000, 840_000), "A0002": (6_750_000, 8_000_000), "A0003": (6_950_000, 7_960_000),
    }
    assert r.anggota[0].jumlah == 1_140_000
    assert r.jumlah_komponen("cadangan") == 16_800_000
    book(ledger(EXAMPLE_3), kop, r, dt.date(2025, 3, 1))


# Example 4 (after brilio.net, "Maju Bersama"): SHU = 50.000.000 − 30.000.000 = 20.000.000;
# jasa modal 20 % measured on pokok + wajib + sukarela (total 30.000.000), jasa usaha 30 % on
# purchases (total 50.000.000); the member: pokok 500.000 + wajib 1.000.000 + sukarela
# 500.000 = 2.000.000, purchases 2.000.000. (The source article misplaces a digit; derived:)
#   JM = 2/30 × 20 % × 20.000.000 = 2/30 × 4.000.000 = 266.666,67 → 266.666 (floor; 266.667 half up)
#   JU = 2/50 × 30 % × 20.000.000 = 2/50 × 6.000.000 = 240.000
#   A0002 9.500.000 / 24.000.000: JM = 1.266.666,67 → 1.266.666 (1.266.667), JU 2.880.000
#   A0003 18.500.000 / 24.000.000: JM = 2.466.666,67 → 2.466.666 (2.466.667), JU 2.880.000
#   floor: ΣJM = 3.999.998, sisa 2; half up: ΣJM = 4.000.001, sisa −1 (cadangan gets 1 less).
# (cadangan 40 %, pendidikan 10 % complete the split.)
EXAMPLE_4 = (
    split("2024-01-01", jasa_modal="20", jasa_usaha="30", cadangan="40", dana_pendidikan="10")
    + '2024-01-01 custom "shu-basis" "jasa-modal" "Ekuitas:SimpananPokok" "Ekuitas:SimpananWajib" "Liabilitas:SimpananSukarela"\n'
    + member("A0001", "Ani", pokok=500_000, wajib=1_000_000, sukarela=500_000)
    + member("A0002", "Bayu", pokok=500_000, wajib=7_000_000, sukarela=2_000_000)
    + member("A0003", "Cici", pokok=500_000, wajib=15_500_000, sukarela=2_500_000)
    + income("A0001", 2_000_000) + income("A0002", 24_000_000) + income("A0003", 24_000_000)
    + expense(30_000_000, "Beban:Usaha:Gaji")
)


def test_textbook_example_4_sukarela_in_basis_floor_rounding():
    kop = load(EXAMPLE_4)
    r = compute_shu(kop, 2024, today=TODAY)
    assert r.shu == 20_000_000
    assert r.total_basis_modal == 30_000_000
    assert r.anggota[0].basis_modal == 2_000_000
    assert shares(r) == {
        "A0001": (266_666, 240_000), "A0002": (1_266_666, 2_880_000), "A0003": (2_466_666, 2_880_000),
    }
    assert r.sisa_jasa_modal == 2 and r.sisa_jasa_usaha == 0
    assert r.cadangan_dibukukan == 8_000_002
    book(ledger(EXAMPLE_4), kop, r, dt.date(2025, 3, 1))


def test_textbook_example_4_half_up_rounding_policy():
    kop = load(EXAMPLE_4 + '2024-01-01 custom "kebijakan" "pembulatan" "terdekat"\n')
    r = compute_shu(kop, 2024, today=TODAY)
    assert r.pembulatan == "terdekat"
    assert shares(r) == {
        "A0001": (266_667, 240_000), "A0002": (1_266_667, 2_880_000), "A0003": (2_466_667, 2_880_000),
    }
    assert r.sisa_pembulatan == -1
    assert r.cadangan_dibukukan == 8_000_000 - 1
    assert_invariants(r)
    book(ledger(EXAMPLE_4 + '2024-01-01 custom "kebijakan" "pembulatan" "terdekat"\n'), kop, r, dt.date(2025, 3, 1))


# Example 5 (KSP, after "Koperasi Simpan Pinjam Solid"): SHU Rp25.000.000; jasa simpanan 20 %,
# jasa pinjaman 30 %, cadangan 50 %; simpanan pokok + wajib 60.000.000; member loan interest
# (bunga) 20.000.000 — the patronage basis is loan interest only (shu-basis), so the members'
# admin fees (2.000.000) do not count. Rani: pokok 100.000 + wajib 1.100.000, interest 1.500.000.
#   JM = 1,2/60 × 20 % × 25.000.000 = 1,2/60 × 5.000.000 = 100.000
#   JP = 1,5/20 × 30 % × 25.000.000 = 1,5/20 × 7.500.000 = 562.500; SHU Rani = 662.500
#   (the source puts sukarela in the total but not in Rani's share and gets 85.000; we use
#   pokok + wajib on both sides.)
#   A0002 simpanan 28.000.000, interest 8.500.000: JM = 2.333.333,33 → 2.333.333, JP 3.187.500
#   A0003 simpanan 30.800.000, interest 10.000.000: JM = 2.566.666,67 → 2.566.666, JP 3.750.000
#   ΣJM = 4.999.999 (sisa 1). SHU = 20.000.000 + 2.000.000 + other income 8.000.000 − 5.000.000.
EXAMPLE_5 = (
    split("2024-01-01", jasa_modal="20", jasa_usaha="30", cadangan="50")
    + '2024-01-01 custom "shu-basis" "jasa-usaha" "Pendapatan:Anggota:JasaPinjaman"\n'
    + member("A0001", "Rani", pokok=100_000, wajib=1_100_000)
    + member("A0002", "Sari", pokok=100_000, wajib=27_900_000)
    + member("A0003", "Tono", pokok=100_000, wajib=30_700_000)
    + income("A0001", 1_500_000, "Pendapatan:Anggota:JasaPinjaman")
    + income("A0002", 8_500_000, "Pendapatan:Anggota:JasaPinjaman")
    + income("A0003", 10_000_000, "Pendapatan:Anggota:JasaPinjaman")
    + income("A0001", 100_000, "Pendapatan:Anggota:BiayaAdmin")
    + income("A0002", 900_000, "Pendapatan:Anggota:BiayaAdmin")
    + income("A0003", 1_000_000, "Pendapatan:Anggota:BiayaAdmin")
    + income(None, 8_000_000, "Pendapatan:Lain")
    + expense(5_000_000, "Beban:Usaha:Gaji")
)


def test_textbook_example_5_loan_interest_only_patronage():
    kop = load(EXAMPLE_5)
    r = compute_shu(kop, 2024, today=TODAY)
    assert r.shu == 25_000_000
    assert r.total_basis_usaha == 20_000_000
    assert shares(r) == {
        "A0001": (100_000, 562_500), "A0002": (2_333_333, 3_187_500), "A0003": (2_566_666, 3_750_000),
    }
    assert r.anggota[0].jumlah == 662_500
    assert r.sisa_pembulatan == 1
    book(ledger(EXAMPLE_5), kop, r, dt.date(2025, 3, 1))


# --- SHU of the year and independent oracles ----------------------------------------------------
def test_shu_of_year_matches_bean_query_and_excludes_closing_entry():
    text = ledger(EXAMPLE_3 + textwrap.dedent("""\
        2024-12-31 * "Tutup buku 2024" #tutup-buku-2024
          Pendapatan:Anggota:Penjualan  168000000 IDR
          Beban:PokokPenjualan  -100000000 IDR
          Beban:Usaha:Gaji  -12000000 IDR
          Ekuitas:SHU:TahunBerjalan  -56000000 IDR
        2025-02-01 * "Penjualan 2025"
          anggota: "A0001"
          Aset:Kas  1000000 IDR
          Pendapatan:Anggota:Penjualan  -1000000 IDR
        """))
    kop = Koperasi.from_string(text)
    assert kop.errors == []
    _, rows = query.run_query(
        kop.entries, kop.options,
        "SELECT sum(number) AS total WHERE year = 2024 AND account ~ '^(Pendapatan|Beban):' "
        "AND NOT ('tutup-buku-2024' IN tags)",
    )
    oracle = -rows[0][0]
    assert oracle == 56_000_000
    assert year_surplus(kop.entries, kop.katalog, kop.currency, 2024).shu == oracle
    r = compute_shu(kop, 2024, today=TODAY)
    assert r.shu == oracle and r.ditutup
    assert year_surplus(kop.entries, kop.katalog, kop.currency, 2025).shu == 1_000_000


def test_closed_year_allocation_debits_shu_tahun_berjalan_and_loads():
    text = ledger(EXAMPLE_1 + textwrap.dedent("""\
        2024-12-31 * "Tutup buku 2024" #tutup-buku-2024
          Pendapatan:Anggota:Penjualan  102000000 IDR
          Beban:PokokPenjualan  -12000000 IDR
          Ekuitas:SHU:TahunBerjalan  -90000000 IDR
        """))
    kop = Koperasi.from_string(text)
    r = compute_shu(kop, 2024, today=TODAY)
    assert r.ditutup and r.shu == 90_000_000
    booked = book(text, kop, r, dt.date(2025, 3, 15))
    _, rows = query.run_query(booked.entries, booked.options,
                              "SELECT sum(number) WHERE account = 'Ekuitas:SHU:TahunBerjalan'")
    assert rows[0][0] == 0  # the closing credit is fully allocated


# --- edge cases -------------------------------------------------------------------------------
BASE_SPLIT = split("2024-01-01", cadangan="25", jasa_modal="20", jasa_usaha="30", dana_pengurus="10",
                   dana_karyawan="5", dana_pendidikan="5", dana_sosial="5")


def test_no_member_with_patronage_moves_jasa_usaha_to_cadangan_with_warning():
    kop = load(BASE_SPLIT + member("A0001", "Ani", pokok=100_000) + member("A0002", "Budi", pokok=300_000)
               + income(None, 10_000_000, "Pendapatan:NonAnggota:Penjualan"))
    r = compute_shu(kop, 2024, today=TODAY)
    assert r.jumlah_komponen("jasa-usaha") == 0
    assert r.jumlah_komponen("cadangan") == 2_500_000 + 3_000_000
    assert shares(r) == {"A0001": (500_000, 0), "A0002": (1_500_000, 0)}
    assert any(w.kode == "basis-kosong" and w.nilai["komponen"] == "jasa-usaha" for w in r.peringatan)
    assert_invariants(r)
    book(ledger(BASE_SPLIT + member("A0001", "Ani", pokok=100_000) + member("A0002", "Budi", pokok=300_000)
                + income(None, 10_000_000, "Pendapatan:NonAnggota:Penjualan")), kop, r, dt.date(2025, 2, 1))


def test_member_with_zero_basis_gets_zero_and_is_listed():
    kop = load(BASE_SPLIT + member("A0001", "Ani", pokok=100_000) + member("A0002", "Budi")
               + income("A0001", 10_000_000))
    r = compute_shu(kop, 2024, today=TODAY)
    assert shares(r) == {"A0001": (2_000_000, 3_000_000), "A0002": (0, 0)}
    assert r.anggota[1].basis_modal == 0 and r.anggota[1].jumlah == 0


EXIT = textwrap.dedent("""\
    2024-09-30 custom "anggota-keluar" "A0003"
      alasan: "pindah"
    2024-09-30 * "Anggota keluar" #anggota-keluar
      anggota: "A0003"
      Ekuitas:SimpananPokok:A0003  100000 IDR
      Ekuitas:SimpananWajib:A0003  500000 IDR
      Liabilitas:SimpananAnggotaKeluar:A0003  -600000 IDR
    """)
LEAVER = (
    BASE_SPLIT
    + member("A0001", "Ani", pokok=100_000, wajib=300_000) + member("A0003", "Cici", pokok=100_000, wajib=500_000)
    + income("A0001", 4_000_000) + income("A0003", 6_000_000)
    + EXIT
)


def test_member_who_left_does_not_share_by_default():
    kop = load(LEAVER)
    r = compute_shu(kop, 2024, today=TODAY)
    assert [m.id for m in r.anggota] == ["A0001"]
    # SHU 10.000.000: jasa modal 2.000.000 and jasa usaha 3.000.000 all to the one member left
    assert shares(r) == {"A0001": (2_000_000, 3_000_000)}
    assert r.total_basis_usaha == 4_000_000


def test_member_who_left_shares_when_policy_says_ikut():
    kop = load(LEAVER + '2024-01-01 custom "kebijakan" "shu-anggota-keluar" "ikut"\n')
    r = compute_shu(kop, 2024, today=TODAY)
    assert [m.id for m in r.anggota] == ["A0001", "A0003"]
    leaver = r.anggota[1]
    assert leaver.keluar == dt.date(2024, 9, 30)
    # capital as it stood when they left: 600.000 of 1.000.000 → 60 % of 2.000.000
    assert leaver.basis_modal == 600_000
    assert shares(r) == {"A0001": (800_000, 1_200_000), "A0003": (1_200_000, 1_800_000)}
    booked = book(ledger(LEAVER + '2024-01-01 custom "kebijakan" "shu-anggota-keluar" "ikut"\n'),
                  kop, r, dt.date(2025, 2, 1))
    pay = payout_entries(booked, r, dt.date(2025, 2, 10), ke="sukarela")
    by_member = {e.meta["anggota"]: e.postings[1].account for e in pay}
    # a leaver cannot get new savings: paid in cash
    assert by_member == {"A0001": "Liabilitas:SimpananSukarela:A0001", "A0003": "Aset:Kas"}


#: A bank loan into cash, so a loss year's expenses never take cash below zero (no effect on the SHU).
BANK_LOAN = ('2024-01-01 open Liabilitas:UtangBank IDR\n'
             '2024-01-02 * "Pinjaman bank"\n  Aset:Kas 3000000 IDR\n  Liabilitas:UtangBank -3000000 IDR\n')


def test_loss_year_distributes_nothing():
    kop = load(BASE_SPLIT + member("A0001", "Ani", pokok=100_000) + income("A0001", 1_000_000)
               + expense(3_000_000, "Beban:Usaha:Gaji") + BANK_LOAN)
    r = compute_shu(kop, 2024, today=TODAY)
    assert r.shu == -2_000_000 and r.rugi
    assert r.alokasi == () and r.anggota == ()
    assert any(w.kode == "shu-rugi" and w.nilai["jumlah"] == -r.shu for w in r.peringatan)
    with pytest.raises(InputError, match=r"tidak ada SHU yang bisa dibagi untuk 2024: tahun itu rugi Rp2\.000\.000"):
        allocation_entry(kop, r, dt.date(2025, 3, 1))
    with pytest.raises(InputError, match="tidak ada SHU yang dibagi untuk 2024"):
        render_slips(kop, r, "html", "id")
    assert "Tidak ada SHU yang dibagi" in render_table(kop, r)


def test_loss_year_needs_no_split():
    kop = load(member("A0001", "Ani", pokok=100_000) + expense(3_000_000, "Beban:Usaha:Gaji") + BANK_LOAN)
    assert compute_shu(kop, 2024, today=TODAY).shu == -3_000_000


def test_policy_changed_mid_year_uses_the_one_in_force_at_year_end():
    body = (
        split("2024-01-01", cadangan="50", jasa_modal="50")
        + split("2024-07-01", cadangan="40", jasa_modal="30", jasa_usaha="30")
        + split("2025-01-15", cadangan="100")  # decided later: not for 2024
        + member("A0001", "Ani", pokok=100_000) + income("A0001", 10_000_000)
    )
    r = compute_shu(load(body), 2024, today=TODAY)
    assert [(c.komponen, c.persen, c.jumlah) for c in r.alokasi] == [
        ("cadangan", 40, 4_000_000), ("jasa-modal", 30, 3_000_000), ("jasa-usaha", 30, 3_000_000),
    ]


def test_basis_policy_in_force_at_year_end_and_pembulatan_from_kebijakan():
    body = (
        split("2024-01-01", cadangan="40", jasa_modal="30", jasa_usaha="30")
        + '2024-01-01 custom "shu-basis" "jasa-usaha" "Pendapatan:Anggota:JasaPinjaman"\n'
        + '2024-06-01 custom "shu-basis" "jasa-usaha" "Pendapatan:Anggota"\n'
        + member("A0001", "Ani", pokok=100_000) + member("A0002", "Budi", pokok=200_000)
        + income("A0001", 1_000_000) + income("A0002", 2_000_000, "Pendapatan:Anggota:JasaPinjaman")
    )
    r = compute_shu(load(body), 2024, today=TODAY)
    assert r.akun_basis_usaha == ("Pendapatan:Anggota",)
    assert {m.id: m.basis_usaha for m in r.anggota} == {"A0001": 1_000_000, "A0002": 2_000_000}


def test_non_member_surplus_goes_to_cadangan_when_policy_says_so():
    # Income 60.000.000 from members + 40.000.000 from non-members, expenses 50.000.000:
    # SHU 50.000.000; the non-member part = 50.000.000 × 40/100 = 20.000.000 → cadangan in full;
    # the split applies to the 30.000.000 left: cadangan 25 % = 7.500.000 (+ 20.000.000),
    # jasa modal 20 % = 6.000.000, jasa usaha 30 % = 9.000.000, pengurus 3.000.000,
    # karyawan/pendidikan/sosial 1.500.000 each.
    body = (
        BASE_SPLIT
        + member("A0001", "Ani", pokok=100_000) + member("A0002", "Budi", pokok=100_000)
        + income("A0001", 20_000_000) + income("A0002", 40_000_000)
        + income(None, 40_000_000, "Pendapatan:NonAnggota:Penjualan")
        + expense(50_000_000)
    )
    plain = compute_shu(load(body), 2024, today=TODAY)
    assert plain.shu_non_anggota == 0 and plain.jumlah_komponen("jasa-usaha") == 15_000_000
    kop = load(body + '2024-01-01 custom "kebijakan" "shu-non-anggota" "cadangan"\n')
    r = compute_shu(kop, 2024, today=TODAY)
    assert r.shu_non_anggota == 20_000_000
    assert {c.komponen: c.jumlah for c in r.alokasi} == {
        "cadangan": 27_500_000, "jasa-modal": 6_000_000, "jasa-usaha": 9_000_000, "dana-pengurus": 3_000_000,
        "dana-karyawan": 1_500_000, "dana-pendidikan": 1_500_000, "dana-sosial": 1_500_000,
    }
    assert shares(r) == {"A0001": (3_000_000, 3_000_000), "A0002": (3_000_000, 6_000_000)}
    assert any(w.kode == "shu-non-anggota" and w.nilai["jumlah"] == r.shu_non_anggota for w in r.peringatan)
    assert_invariants(r)


def test_monthly_average_capital_basis():
    # A0001: pokok 120.000 on 2 Jan 2024 → twelve month-ends of 120.000, average 120.000.
    # A0002: joins 2 Jul 2024 with pokok 120.000 → six month-ends of 120.000: average 60.000.
    # A0003: pokok 120.000 in 2023, leaves on 15 Apr 2024 (ikut): 3 month-ends → 30.000.
    # Σ = 210.000; jasa modal 7.000.000 (70 % of 10.000.000): 4.000.000 / 2.000.000 / 1.000.000.
    body = (
        split("2024-01-01", cadangan="30", jasa_modal="70")
        + '2024-01-01 custom "shu-basis" "jasa-modal" "Ekuitas:SimpananPokok" "Ekuitas:SimpananWajib"\n'
        + '  metode: "rata-rata-bulanan"\n'
        + '2024-01-01 custom "kebijakan" "shu-anggota-keluar" "ikut"\n'
        + member("A0001", "Ani", pokok=120_000)
        + member("A0002", "Budi", pokok=120_000, joined="2024-07-02")
        + member("A0003", "Cici", pokok=120_000, joined="2023-03-01")
        + textwrap.dedent("""\
            2024-04-15 custom "anggota-keluar" "A0003"
            2024-04-15 * "Keluar" #anggota-keluar
              anggota: "A0003"
              Ekuitas:SimpananPokok:A0003  120000 IDR
              Liabilitas:SimpananAnggotaKeluar:A0003  -120000 IDR
            """)
        + income(None, 10_000_000, "Pendapatan:Lain")
    )
    r = compute_shu(load(body), 2024, today=TODAY)
    assert r.metode_modal == "rata-rata-bulanan"
    assert {m.id: m.basis_modal for m in r.anggota} == {"A0001": 120_000, "A0002": 60_000, "A0003": 30_000}
    assert r.total_basis_modal == 210_000
    assert {m.id: m.jasa_modal for m in r.anggota} == {"A0001": 4_000_000, "A0002": 2_000_000, "A0003": 1_000_000}


def test_monthly_average_with_fraction_reports_cents_and_splits_exactly():
    # A0001 pays pokok 100.000 on 2 Jan and wajib 100.000 on 10 Dec: month-ends 11 × 100.000 +
    # 200.000 = 1.300.000, average 108.333,33…; A0002 pays 100.000 on 10 Dec: average 8.333,33….
    # Weights 1.300.000 : 100.000 → jasa modal 1.400.000 splits 1.300.000 / 100.000 exactly.
    body = (
        split("2024-01-01", cadangan="86", jasa_modal="14")
        + '2024-01-01 custom "shu-basis" "jasa-modal" "Ekuitas:SimpananPokok" "Ekuitas:SimpananWajib"\n'
        + '  metode: "rata-rata-bulanan"\n'
        + member("A0001", "Ani", pokok=100_000, wajib=100_000, wajib_date="2024-12-10")
        + member("A0002", "Budi", pokok=100_000, joined="2024-12-10")
        + income(None, 10_000_000, "Pendapatan:Lain")
    )
    r = compute_shu(load(body), 2024, today=TODAY)
    assert {m.id: m.basis_modal for m in r.anggota} == {"A0001": D("108333.33"), "A0002": D("8333.33")}
    assert {m.id: m.jasa_modal for m in r.anggota} == {"A0001": 1_300_000, "A0002": 100_000}


def test_english_roots_work():
    header = HEADER.replace('"Aset"', '"Assets"').replace('"Liabilitas"', '"Liabilities"').replace(
        '"Ekuitas"', '"Equity"').replace('"Pendapatan"', '"Income"').replace('"Beban"', '"Expenses"')
    header = (header.replace(" Aset:", " Assets:").replace(" Ekuitas:", " Equity:")
              .replace(" Pendapatan:", " Income:").replace(" Beban:", " Expenses:").replace(" Liabilitas:", " Liabilities:"))
    body = EXAMPLE_1
    for a, b in (("Aset:", "Assets:"), ("Ekuitas:", "Equity:"), ("Pendapatan:", "Income:"), ("Beban:", "Expenses:")):
        body = body.replace(a, b)
    kop = load(body, header)
    r = compute_shu(kop, 2024, today=TODAY)
    assert shares(r)["A0001"] == (3_000_000, 397_058)
    entry = allocation_entry(kop, r, dt.date(2025, 3, 1))
    assert {p.account for p in entry.postings} >= {
        "Equity:SHU:TahunBerjalan", "Equity:Cadangan:Umum", "Liabilities:UtangSHU:A0001",
        "Liabilities:DanaSHU:Pendidikan",
    }
    book(ledger(body, header), kop, r, dt.date(2025, 3, 1))


# --- bad input: clear errors ---------------------------------------------------------------------
def test_split_not_summing_to_100_names_sum_and_lines():
    body = split("2024-01-01", cadangan="25", jasa_modal="25", jasa_usaha="30", dana_pengurus="10",
                 dana_karyawan="5", dana_pendidikan="5", dana_sosial="5") + member("A0001", "Ani", pokok=1)
    body += income("A0001", 1_000_000)
    kop = Koperasi.from_string(ledger(body))
    assert kop.errors  # the plugin flags it too
    with pytest.raises(InputError) as info:
        compute_shu(kop, 2024, today=TODAY)
    message = str(info.value)
    assert "berjumlah 105%, bukan 100%" in message
    first_line = HEADER.count("\n") + 2
    assert f"<string>:{first_line}" in message and f"<string>:{first_line + 6}" in message


def test_no_split_in_force():
    kop = load(split("2025-01-01", cadangan="100") + member("A0001", "Ani", pokok=1) + income("A0001", 10))
    with pytest.raises(InputError, match="belum ada shu-alokasi yang berlaku untuk 2024"):
        compute_shu(kop, 2024, today=TODAY)


def test_basis_account_that_does_not_exist():
    body = (BASE_SPLIT + '2024-01-01 custom "shu-basis" "jasa-usaha" "Pendapatan:Anggota:Jasapinjaman"\n'
            + member("A0001", "Ani", pokok=1) + income("A0001", 10))
    with pytest.raises(InputError, match=r"Pendapatan:Anggota:Jasapinjaman.*tidak ada di buku"):
        compute_shu(load(body), 2024, today=TODAY)


def test_sukarela_basis_accepted_before_any_sukarela_account_exists():
    body = (BASE_SPLIT
            + '2024-01-01 custom "shu-basis" "jasa-modal" "Ekuitas:SimpananPokok" "Liabilitas:SimpananSukarela"\n'
            + member("A0001", "Ani", pokok=100) + income("A0001", 1000))
    assert compute_shu(load(body), 2024, today=TODAY).anggota[0].basis_modal == 100


def test_year_with_no_entries():
    kop = load(EXAMPLE_1)
    with pytest.raises(InputError, match=r"tidak ada transaksi pada tahun 2023; buku berisi transaksi dari 2024-01-02 sampai 2024-07-01"):
        compute_shu(kop, 2023, today=TODAY)


def test_year_not_ended_needs_sementara_and_is_marked():
    kop = load(EXAMPLE_1)
    with pytest.raises(InputError, match="tahun buku 2024 belum berakhir"):
        compute_shu(kop, 2024, today=dt.date(2024, 12, 31))
    r = compute_shu(kop, 2024, sementara=True, today=dt.date(2024, 10, 1))
    assert r.sementara and r.sampai == dt.date(2024, 7, 1)
    assert r.peringatan[0].kode == "shu-sementara"
    assert "SEMENTARA" in render_table(kop, r)
    assert "SEMENTARA" in render_slips(kop, r, "html", "id")
    with pytest.raises(InputError, match="SHU 2024 masih sementara dan tidak bisa dibukukan"):
        allocation_entry(kop, r, dt.date(2025, 1, 10))
    # an ended year is not provisional even with the flag
    assert not compute_shu(kop, 2024, sementara=True, today=TODAY).sementara


def test_missing_fund_account_names_the_open_line():
    header = HEADER.replace("2000-01-01 open Liabilitas:DanaSHU:Pendidikan IDR\n", "")
    kop = load(EXAMPLE_1, header)
    r = compute_shu(kop, 2024, today=TODAY)
    with pytest.raises(InputError) as info:
        allocation_entry(kop, r, dt.date(2025, 3, 1))
    assert "Liabilitas:DanaSHU:Pendidikan" in str(info.value)
    assert "2025-01-01 open Liabilitas:DanaSHU:Pendidikan IDR" in str(info.value)


def test_allocation_date_before_year_end_refused():
    kop = load(EXAMPLE_1)
    r = compute_shu(kop, 2024, today=TODAY)
    with pytest.raises(InputError, match="pembagian SHU 2024 bertanggal RAT, sesudah tahun buku berakhir; tertulis 2024-06-01"):
        allocation_entry(kop, r, dt.date(2024, 6, 1))


def test_custom_component_with_its_own_account():
    header = HEADER + "2000-01-01 open Ekuitas:Cadangan:Risiko IDR\n"
    body = (split("2024-01-01", cadangan="50", jasa_modal="40")
            + '2024-01-01 custom "shu-alokasi" "cadangan-risiko" 10\n  akun: "Ekuitas:Cadangan:Risiko"\n'
            + member("A0001", "Ani", pokok=1000) + income("A0001", 1_000_001))
    kop = load(body, header)
    r = compute_shu(kop, 2024, today=TODAY)
    assert r.komponen("cadangan-risiko").akun == "Ekuitas:Cadangan:Risiko"
    assert r.jumlah_komponen("cadangan-risiko") == 100_000  # floor of 100.000,1
    assert r.jumlah_komponen("cadangan") == 1_000_001 - 100_000 - 400_000
    book(ledger(body, header), kop, r, dt.date(2025, 1, 5))


# --- payout ---------------------------------------------------------------------------------------
def test_payout_in_cash_and_to_sukarela_load_and_settle():
    text = ledger(EXAMPLE_1)
    kop = load(EXAMPLE_1)
    r = compute_shu(kop, 2024, today=TODAY)
    with pytest.raises(InputError, match="SHU 2024 belum dibagi"):
        payout_entries(kop, r, dt.date(2025, 4, 1))
    entry = allocation_entry(kop, r, dt.date(2025, 3, 15))
    text += "\n" + format_directives([entry])
    booked = Koperasi.from_string(text)
    with pytest.raises(InputError, match="tanggal pembayaran 2025-03-01 sebelum tanggal pembagian SHU"):
        payout_entries(booked, r, dt.date(2025, 3, 1))
    cash = payout_entries(booked, r, dt.date(2025, 4, 1))
    assert [e.meta["anggota"] for e in cash] == ["A0001", "A0002", "A0003"]
    assert all("shu-bayar" in e.tags and "shu-2024" in e.links for e in cash)
    assert sum(e.postings[1].units.number for e in cash) == -r.total_anggota
    sukarela = payout_entries(booked, r, dt.date(2025, 4, 1), ke="sukarela")
    paid = Koperasi.from_string(text + "\n" + format_directives(sukarela))
    assert paid.errors == []
    balances = paid.member_balances()
    assert {k: (v.utang_shu, v.sukarela) for k, v in balances.items()} == {
        "A0001": (0, 3_397_058), "A0002": (0, 28_004_524), "A0003": (0, 31_598_416),
    }
    with pytest.raises(InputError, match="SHU 2024 sudah dibayarkan seluruhnya"):
        payout_entries(paid, r, dt.date(2025, 5, 1))
    with pytest.raises(InputError, match="tujuan pembayaran tidak dikenal: 'bank'"):
        payout_entries(booked, r, dt.date(2025, 5, 1), ke="bank")


# --- output -------------------------------------------------------------------------------------
def test_shu_json_keys_and_csv():
    r = compute_shu(load(EXAMPLE_1), 2024, today=TODAY)
    d = shu_json(r)
    assert list(d)[:6] == ["skema", "tahun", "shu", "alokasi", "anggota", "sisa_pembulatan"]
    assert d["shu"] == "90000000" and d["alokasi"][0]["jumlah"] == str(r.alokasi[0].jumlah)
    assert list(d["alokasi"][0]) == ["komponen", "persen", "jumlah", "akun"]
    assert list(d["anggota"][0]) == ["id", "nama", "basis_modal", "basis_usaha", "jasa_modal", "jasa_usaha", "jumlah"]
    lines = to_csv(r).splitlines()
    assert lines[0] == "id,nama,basis_modal,basis_usaha,jasa_modal,jasa_usaha,jumlah"
    assert lines[1] == "A0001,Siti Aminah,6500000,1500000,3000000,397058,3397058"


def test_table_lists_allocation_then_members_then_totals():
    kop = load(EXAMPLE_1)
    text = render_table(kop, compute_shu(kop, 2024, today=TODAY))
    assert text.index("Alokasi SHU") < text.index("A0001") < text.index("A0002") < text.rindex("Total")
    assert "Rp90.000.000" in text and "397.058" in text and "62.999.998" in text
    english = render_table(kop, compute_shu(kop, 2024, today=TODAY), "en")
    assert "Distribution to members" in english and "90,000,000" in english


def test_slips_html_and_text_one_page_per_member_with_terbilang():
    kop = load(EXAMPLE_1 + '2024-01-01 custom "pengurus" "bendahara" "Dewi Kartika"\n')
    r = compute_shu(kop, 2024, today=TODAY)
    html = render_slips(kop, r, "html", "id")
    assert html.count('class="page slip"') == 3
    assert "Rp3.397.058" in html and "Tiga juta tiga ratus sembilan puluh tujuh ribu lima puluh delapan rupiah" in html
    assert "Dewi Kartika" in html
    one = render_slips(kop, r, "txt", "id", anggota=["A0002"])
    assert "Budi Santoso" in one and "Siti Aminah" not in one
    assert "Rp28.004.524" in one
    english = render_slips(kop, r, "txt", "en", anggota=["A0001"])
    assert "three million" in english.lower() and "SHU received" in english
    with pytest.raises(InputError, match="A0009"):
        render_slips(kop, r, "txt", "id", anggota=["A0009"])
    with pytest.raises(InputError, match="format slip tidak dikenal: 'pdf'"):
        render_slips(kop, r, "pdf", "id")


def test_compute_from_entries_only_touches_year():
    # Transactions of later years do not change the result of 2024.
    kop = load(EXAMPLE_1)
    extra = load(EXAMPLE_1 + income("A0001", 5_000_000, date="2025-02-01")
                 + member("A0004", "Dodi", pokok=1_000_000, joined="2025-01-05"))
    assert compute_shu(extra, 2024, today=TODAY) == compute_shu(kop, 2024, today=TODAY)


def test_unknown_member_on_income_is_ignored_with_warning():
    # the plugin reports the unknown id; the computation still runs and says what it ignored
    kop = Koperasi.from_string(ledger(EXAMPLE_1 + income("Z9999", 1_000_000)))
    assert len(kop.errors) == 1
    r = compute_shu(kop, 2024, today=TODAY)
    assert any(w.kode == "anggota-tidak-terdaftar" and "Z9999" in w.nilai["anggota"] for w in r.peringatan)
    assert r.total_basis_usaha == 102_000_000


def test_result_is_frozen():
    r = compute_shu(load(EXAMPLE_1), 2024, today=TODAY)
    with pytest.raises(AttributeError):
        r.shu = D(0)  # type: ignore[misc]
    assert isinstance(allocation_entry(load(EXAMPLE_1), r, dt.date(2025, 1, 2)), data.Transaction)


def test_allocation_after_kop_tutup_buku_closing_loads_with_zero_errors():
    from kopledger.ops.closing import closing_entries

    text = ledger(EXAMPLE_1)
    kop = load(EXAMPLE_1)
    closed_text = text + "\n" + format_directives(closing_entries(kop, 2024, tanggal=dt.date(2025, 1, 10)))
    closed = Koperasi.from_string(closed_text)
    assert closed.errors == []
    r = compute_shu(closed, 2024, today=TODAY)
    assert r.ditutup
    assert r.anggota == compute_shu(kop, 2024, today=TODAY).anggota
    with pytest.raises(InputError, match="2024 sudah ditutup \\(tutup-buku\\): beri tanggal pembagian SHU-nya pada tanggal RAT di 2025"):
        allocation_entry(closed, r, dt.date(2024, 12, 31))
    booked = book(closed_text, closed, r, dt.date(2025, 3, 15))
    assert booked.member_balance("A0003").utang_shu == 31_598_416
