"""Property: after closing, income and expenses are zero and equity grew by exactly the SHU."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from beanquery import query
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kopledger import Koperasi
from kopledger.ops.closing import fingerprint, plan_closing, shu_before_closing
from kopledger.ops.writer import format_directives
from tests.conftest import ledger_text

SPLIT = """\
2020-01-01 custom "shu-alokasi" "cadangan" 100
2020-01-01 open Pendapatan:Lain IDR
2020-01-01 open Beban:Usaha:Listrik IDR
2020-01-01 open Aset:Bank:BRI IDR
2020-01-01 open Aset:Bank:Mandiri IDR
"""

INCOME = ["Pendapatan:Anggota:Penjualan", "Pendapatan:Anggota:JasaPinjaman", "Pendapatan:NonAnggota:Penjualan",
          "Pendapatan:Lain"]
EXPENSES = ["Beban:PokokPenjualan", "Beban:Usaha:Gaji", "Beban:Usaha:Listrik"]
#: Random flows may take these below zero: bank accounts (a warning), never cash (an error).
CASH = ["Aset:Bank:Mandiri", "Aset:Bank:BRI", "Aset:Persediaan"]

#: Whole rupiah: an IDR amount with a fraction is an error in the books.
amounts = st.decimals(min_value=Decimal("-5000000"), max_value=Decimal("5000000"), places=0).filter(bool)
postings = st.tuples(st.sampled_from(INCOME + EXPENSES + CASH), st.sampled_from(CASH), amounts)
days = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2025, 3, 31))


def render(rows: list[tuple[dt.date, str, str, Decimal]]) -> str:
    lines = []
    for i, (date, account, other, amount) in enumerate(sorted(rows, key=lambda r: r[0])):
        if account == other:
            continue
        lines.append(f'{date} * "Transaksi {i}"\n  {account}  {amount} IDR\n  {other}  {-amount} IDR\n')
    return SPLIT + "\n".join(lines)


def balances(kop: Koperasi, before: dt.date) -> dict[str, Decimal]:
    """Balance of each account before ``before``, by bean-query (an independent oracle)."""
    rows = query.run_query(kop.entries, kop.options,
                           f"SELECT account, sum(number) AS s WHERE date < {before} GROUP BY account")[1]
    return {account: amount or Decimal(0) for account, amount in rows}


def rollup(totals: dict[str, Decimal], *roots: str) -> Decimal:
    return sum((v for k, v in totals.items() if k.split(":")[0] in roots), Decimal(0))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(days, postings), min_size=1, max_size=25))
def test_closing_zeroes_income_and_expenses_and_moves_the_shu_to_equity(rows):
    text = ledger_text(render([(d, a, o, n) for d, (a, o, n) in rows]))
    kop = Koperasi.from_string(text)
    assert kop.errors == []
    plan = plan_closing(kop, 2024, tanggal=dt.date(2025, 4, 1))
    closed = Koperasi.from_string(text + "\n" + format_directives(plan.entries))
    assert closed.errors == []  # the assertions of the closing hold, the lock matches
    next_day = dt.date(2025, 1, 1)
    before, after = balances(kop, next_day), balances(closed, next_day)
    for account in INCOME + EXPENSES:
        assert after.get(account, 0) == 0
    equity_change = rollup(before, "Ekuitas") - rollup(after, "Ekuitas")
    shu = shu_before_closing(kop, 2024)
    assert equity_change == shu == plan.shu
    # the SHU is income − expenses of 2024 by an independent query
    assert -rollup(before, "Pendapatan", "Beban") == shu
    assert fingerprint(closed.entries, 2024, closed.options) == plan.sidik
