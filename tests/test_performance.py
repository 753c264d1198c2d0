"""The shortcuts of docs/performance.md give the same results as the plain computations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from kopledger import Koperasi
from kopledger.ops import savings
from kopledger.ops.loans import entries as loans

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "mawar" / "buku.beancount"


@pytest.fixture(scope="module")
def kop() -> Koperasi:
    if not EXAMPLE.exists():
        pytest.fail(f"{EXAMPLE} is missing (the example koperasi)")
    return Koperasi.load(EXAMPLE)


@pytest.mark.parametrize("date", [dt.date(2024, 6, 30), dt.date(2025, 12, 31)])
def test_wajib_arrears_equals_the_month_by_month_status(kop, date):
    expected = []
    for member in sorted(kop.members.values(), key=lambda m: m.id):
        if not member.is_active(date):
            continue
        rows = [m for m in savings.wajib_status(kop, member, savings.month_of(date), date=date) if m.kurang > 0]
        if rows:
            expected.append((member.id, tuple(m.bulan for m in rows), sum((m.kurang for m in rows), Decimal(0))))
    got = [(a.id, a.bulan, a.jumlah) for a in savings.wajib_arrears(kop, date)]
    assert got == expected
    assert got, "the example has members in arrears: the comparison must not be empty"


def test_loan_book_and_portfolio_are_read_once_per_koperasi(kop):
    date = dt.date(2025, 12, 31)
    assert loans.loan_book(kop) is loans.loan_book(kop)
    first = loans.portfolio(kop, date)
    assert loans.portfolio(kop, date) is first
    fresh = loans.read_loans(kop.entries, kop.roots, members=kop.members, currency=kop.currency)
    assert fresh.pinjaman == loans.loan_book(kop).pinjaman
    assert loans._portfolio(kop, date, fresh) == first


def test_a_second_koperasi_gets_its_own_loan_book(kop):
    other = Koperasi.load(EXAMPLE)
    assert loans.loan_book(other) is not loans.loan_book(kop)
    assert loans.loan_book(other).pinjaman == loans.loan_book(kop).pinjaman
