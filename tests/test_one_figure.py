"""Each figure of the ops and closed-year area has one function: the year's SHU
(:func:`kopledger.books.katalog.year_surplus`), the wajib arrears allocation
(:func:`kopledger.ops.savings.allocate_wajib`), account codes compared as numbers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from beancount.core import data
from beanquery import query
from hypothesis import given, settings
from hypothesis import strategies as st

from examples.generator import generate
from kopledger import Koperasi
from kopledger.books.directives import Policies
from kopledger.books.katalog import kode_key, year_surplus
from kopledger.ops.closing import plan_closing, shu_before_closing
from kopledger.ops.savings import allocate_wajib, month_of, owed_months, wajib_arrears, wajib_status
from kopledger.ops.shu.compute import compute_shu
from tests.conftest import HEADER_ID

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "mawar" / "buku.beancount"
D = Decimal


# --- account codes ---------------------------------------------------------------------
def test_codes_compare_as_numbers() -> None:
    assert kode_key("1-99") < kode_key("1-101") < kode_key("1-150") < kode_key("2-1")
    assert sorted(["1-101", "1-99", "1-1000", "1-9a", "1-9"], key=kode_key) == ["1-9", "1-9a", "1-99", "1-101", "1-1000"]


def test_a_two_digit_asset_code_is_current_and_a_long_liability_code_is_long_term() -> None:
    kop = Koperasi.from_string(HEADER_ID + """
2024-01-01 open Aset:KasKecil IDR
  kode: "1-99"
2024-01-01 open Aset:Gedung IDR
  kode: "1-1000"
2024-01-01 open Liabilitas:UtangLain IDR
  kode: "2-99"
2024-01-01 open Liabilitas:UtangJangkaPanjang IDR
  kode: "2-1000"
""")
    k = kop.katalog
    # as strings "1-99" > "1-150" (non-current) and "2-1000" < "2-150" (current): both wrong
    assert k["Aset:KasKecil"].jangka == "pendek"
    assert k["Aset:Gedung"].jangka == "panjang"
    assert k["Liabilitas:UtangLain"].jangka == "pendek"
    assert k["Liabilitas:UtangJangkaPanjang"].jangka == "panjang"


# --- the year's SHU ----------------------------------------------------------------------
def bean_query_shu(kop: Koperasi, year: int) -> Decimal:
    """Income + expenses of ``year`` by bean-query, its closing entries left out, negated."""
    _, rows = query.run_query(
        kop.entries, kop.options,
        f"SELECT sum(number) AS total WHERE year = {year} AND account ~ '^(Pendapatan|Beban):' "
        f"AND NOT ('tutup-buku-{year}' IN tags)",
    )
    return -(rows[0][0] or D(0))


@pytest.fixture(scope="module")
def example() -> Koperasi:
    kop = Koperasi.load(EXAMPLE)
    assert kop.errors == []
    return kop


def test_every_output_of_the_example_takes_the_one_shu(example: Koperasi) -> None:
    for year in example.years():
        shu = year_surplus(example.entries, example.katalog, example.currency, year).shu
        assert shu == bean_query_shu(example, year)
        assert example.statements(year).phu.total("shu") == shu
        assert shu_before_closing(example, year) == shu
        assert compute_shu(example, year, sementara=True, today=dt.date(2099, 1, 1)).shu == shu


@settings(max_examples=6, deadline=None)
@given(seed=st.integers(0, 10_000), members=st.integers(10, 25))
def test_year_surplus_equals_bean_query_before_and_after_closing(seed: int, members: int) -> None:
    kop = Koperasi.from_string(generate(members, 2, seed=seed, start_year=2023))
    assert kop.errors == []
    plan = plan_closing(kop, 2023, tanggal=dt.date(2024, 1, 31))
    assert plan.transaksi is not None
    closed = Koperasi.from_entries(sorted([*kop.entries, plan.transaksi], key=data.entry_sortkey), [], kop.options)
    for books in (kop, closed):
        for year in (2023, 2024):
            figures = year_surplus(books.entries, books.katalog, books.currency, year)
            assert figures.shu == bean_query_shu(books, year) == books.statements(year).phu.total("shu")
            assert figures.pendapatan - figures.beban == figures.shu
    assert plan.shu == bean_query_shu(kop, 2023)


# --- the wajib allocation ------------------------------------------------------------------
def reference_arrears(owed: list[str], due: dict[str, Decimal], paid: dict[str, Decimal], pool: Decimal) -> dict[str, Decimal]:
    """The rule of kopledger.ops.savings, written out plainly: credits without a month pay the
    oldest months still short; what is still short is in arrears."""
    got = {m: paid.get(m, D(0)) for m in owed}
    for m in owed:
        if got[m] < due[m] and pool > 0:
            take = min(due[m] - got[m], pool)
            got[m] += take
            pool -= take
    return {m: due[m] - got[m] for m in owed if due[m] > got[m]}


MONTHS = [f"2024-{m:02d}" for m in range(1, 13)]


@settings(max_examples=200, deadline=None)
@given(
    n=st.integers(0, 12),
    paid=st.dictionaries(st.sampled_from(MONTHS), st.integers(-5, 40).map(lambda v: D(v * 1000)), max_size=12),
    pool=st.integers(0, 300).map(lambda v: D(v * 1000)),
)
def test_the_allocator_follows_the_rule(n: int, paid: dict[str, Decimal], pool: Decimal) -> None:
    policies = Koperasi.from_string(HEADER_ID + '2024-01-01 custom "kebijakan" "simpanan-wajib" 25000 IDR\n'
                                    '2024-07-15 custom "kebijakan" "simpanan-wajib" 30000 IDR\n').policies
    assert isinstance(policies, Policies)
    owed = MONTHS[:n]
    months, left = allocate_wajib(owed, policies, paid, pool)
    due = {m: d for m, d, _ in months}
    assert due == {m: D(25000) if m < "2024-08" else D(30000) for m in owed}
    short = {m: d - g for m, d, g in months if d > g}
    assert short == reference_arrears(owed, due, paid, pool)
    assert left == pool - sum((g - paid.get(m, D(0)) for m, _, g in months), D(0))


@pytest.mark.parametrize("date", [dt.date(2024, 6, 30), dt.date(2024, 12, 31), dt.date(2025, 7, 15), dt.date(2025, 12, 31)])
def test_arrears_and_member_status_agree_on_the_example(example: Koperasi, date: dt.date) -> None:
    arrears = {a.id: a for a in wajib_arrears(example, date)}
    through = month_of(date)
    for member in example.members.values():
        if member.tanggal_masuk > date or (member.tanggal_keluar is not None and member.tanggal_keluar <= date):
            assert member.id not in arrears
            continue
        status = wajib_status(example, member, through, date=date)
        assert [m.bulan for m in status] == owed_months(member, through)
        short = [m for m in status if m.kurang]
        if not short:
            assert member.id not in arrears
            continue
        found = arrears[member.id]
        assert found.bulan == tuple(m.bulan for m in short)
        assert found.jumlah == sum((m.kurang for m in short), D(0))
