"""Loan schedules: known values, independent oracles (integer arithmetic, closed form, PMT), properties."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from fractions import Fraction

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from kopledger.cli import main
from kopledger.core.errors import InputError
from kopledger.ops.loans.schedule import METODE, annuity_payment, schedule, schedule_totals

D = Decimal
START = dt.date(2025, 1, 31)


# --- independent oracles (integer arithmetic; rate given in hundredths of a percent) -------
def half_up_div(numerator: int, denominator: int) -> int:
    """round_half_up(numerator / denominator) for numerator ≥ 0, in integers."""
    return (2 * numerator + denominator) // (2 * denominator)


def interest_oracle(balance: int, rate_hundredths: int) -> int:
    # balance · (rate/100)/100/12 = balance · rate_hundredths / 120000
    return half_up_div(balance * rate_hundredths, 120000)


def annuity_oracle(principal: int, rate_hundredths: int, n: int) -> int:
    """A from the closed form P·i·(1+i)^n / ((1+i)^n − 1), exactly in fractions, rounded half up."""
    i = Fraction(rate_hundredths, 120000)
    if i == 0:
        return half_up_div(principal, n)
    growth = (1 + i) ** n
    exact = principal * i * growth / (growth - 1)
    return int((exact + Fraction(1, 2)).__floor__())


def spreadsheet_pmt(rate: float, nper: int, pv: float) -> float:
    """The spreadsheet PMT function (payment at period end), as a float."""
    if rate == 0:
        return pv / nper
    return pv * rate / (1 - (1 + rate) ** -nper)


# --- known values -------------------------------------------------------------------------
def test_flat_schedule_known_values():
    rows = schedule(D(1200000), D(12), 12, "flat", START)
    assert [r.angsuran for r in rows] == [D(112000)] * 12
    assert [r.pokok for r in rows] == [D(100000)] * 12
    assert [r.bunga for r in rows] == [D(12000)] * 12
    assert rows[0].sisa == D(1100000) and rows[-1].sisa == 0


def test_flat_last_instalment_absorbs_the_remainder():
    rows = schedule(D(5000000), D(18), 12, "flat", START)
    assert [r.pokok for r in rows[:-1]] == [D(416666)] * 11
    assert rows[-1].pokok == D(5000000) - 11 * D(416666) == D(416674)
    assert all(r.bunga == D(75000) for r in rows)


def test_efektif_interest_on_the_outstanding_balance():
    rows = schedule(D(5000000), D(18), 12, "efektif", START)
    assert rows[0].bunga == D(75000)
    assert rows[1].bunga == D(68750)  # 4,583,334 × 1.5 % = 68,750.01
    assert rows[-1].bunga == D(6250)  # 416,674 × 1.5 % = 6,250.11
    assert schedule_totals(rows) == (D(5487500), D(5000000), D(487500))


def test_anuitas_matches_closed_form_and_spreadsheet_pmt():
    rows = schedule(D(5000000), D(18), 6, "anuitas", START)
    closed_form = annuity_oracle(5000000, 1800, 6)
    pmt = spreadsheet_pmt(0.18 / 12, 6, 5000000)
    assert closed_form == 877626
    assert abs(pmt - closed_form) <= 0.5
    assert [r.angsuran for r in rows[:-1]] == [D(closed_form)] * 5
    assert rows[-1].angsuran == D(877627)  # last: remaining principal + its interest
    assert rows[0].bunga == D(75000) and rows[0].pokok == D(802626)


def test_half_rupiah_rounds_up_exactly():
    # 60 × 10 % / 12 = 0.5 exactly: a truncated binary or decimal rate would round it down
    assert schedule(D(60), D(10), 1, "flat", START)[0].bunga == D(1)
    assert schedule(D(60), D(10), 1, "efektif", START)[0].bunga == D(1)


def test_zero_rate_has_no_interest():
    for metode in METODE:
        rows = schedule(D(1000), D(0), 3, metode, START)
        assert all(r.bunga == 0 for r in rows)
        assert sum(r.pokok for r in rows) == D(1000)


def test_due_dates_add_months_to_the_first_due_date():
    rows = schedule(D(1200000), D(12), 4, "flat", dt.date(2024, 1, 31))
    assert [r.tanggal for r in rows] == [
        dt.date(2024, 1, 31), dt.date(2024, 2, 29), dt.date(2024, 3, 31), dt.date(2024, 4, 30),
    ]


@pytest.mark.parametrize(
    ("pokok", "bunga", "tenor", "metode"),
    [
        (D(0), D(12), 12, "flat"),
        (D(-5), D(12), 12, "flat"),
        (D("1000.5"), D(12), 12, "flat"),
        (D(1000), D(-1), 12, "flat"),
        (D(1000), D(101), 12, "flat"),
        (D(1000), D(12), 0, "flat"),
        (D(1000), D(12), 361, "flat"),
        (D(1000), D(12), 12, "menurun"),
    ],
)
def test_terms_out_of_range_are_input_errors(pokok, bunga, tenor, metode):
    with pytest.raises(InputError):
        schedule(pokok, bunga, tenor, metode, START)


# --- properties ------------------------------------------------------------------------------
terms = st.tuples(
    st.integers(min_value=1, max_value=10**10),  # principal, rupiah
    st.integers(min_value=0, max_value=3600),  # rate in hundredths of a percent (0 – 36 %)
    st.integers(min_value=1, max_value=120),  # tenor
)


@settings(max_examples=150, deadline=None)
@given(terms=terms, metode=st.sampled_from(METODE))
def test_principal_sums_exactly_to_p_and_rows_are_consistent(terms, metode):
    principal, rate, n = terms
    rows = schedule(D(principal), D(rate) / 100, n, metode, START)
    assert len(rows) == n
    assert sum(r.pokok for r in rows) == principal
    balance = principal
    for k, row in enumerate(rows, start=1):
        assert row.ke == k
        assert row.angsuran == row.pokok + row.bunga
        assert row.pokok >= 0 and row.bunga >= 0
        expected_interest = interest_oracle(principal if metode == "flat" else balance, rate)
        assert row.bunga == expected_interest
        balance -= int(row.pokok)
        assert row.sisa == balance >= 0
    assert rows[-1].sisa == 0
    if metode in ("flat", "efektif"):
        assert all(r.pokok == principal // n for r in rows[:-1])


@settings(max_examples=150, deadline=None)
@given(terms=terms)
def test_anuitas_instalments_equal_the_closed_form(terms):
    principal, rate, n = terms
    rows = schedule(D(principal), D(rate) / 100, n, "anuitas", START)
    a = annuity_oracle(principal, rate, n)
    pmt = spreadsheet_pmt(rate / 1200 / 100, n, principal)
    assert abs(pmt - a) <= 0.5 + 1e-6 * max(1.0, pmt)
    # every instalment but the last is A, unless rounding A up had already repaid everything
    for row in rows[:-1]:
        assert row.angsuran == a or row.sisa == 0


def test_anuitas_payment_function_agrees_with_oracle():
    assert annuity_payment(D(2400000), D(18), 12) == annuity_oracle(2400000, 1800, 12)
    assert annuity_payment(D(1000), D(0), 3) == D(333)


# --- CLI -----------------------------------------------------------------------------------
def test_cli_jadwal_json_rows_as_exact_strings():
    result = CliRunner().invoke(main, [
        "pinjaman", "jadwal", "--pokok", "5000000", "--bunga", "18", "--tenor", "6",
        "--metode", "anuitas", "--mulai", "2025-01-31", "--format", "json",
    ])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [set(r) for r in rows] == [{"ke", "tanggal", "angsuran", "pokok", "bunga", "sisa"}] * 6
    assert rows[0] == {"ke": 1, "tanggal": "2025-01-31", "angsuran": "877626", "pokok": "802626",
                       "bunga": "75000", "sisa": "4197374"}
    assert sum(Decimal(r["pokok"]) for r in rows) == D(5000000)
    assert all(isinstance(r[k], str) for r in rows for k in ("angsuran", "pokok", "bunga", "sisa"))


def test_cli_jadwal_text_and_html():
    runner = CliRunner()
    text = runner.invoke(main, ["pinjaman", "jadwal", "--pokok", "1200000", "--bunga", "12", "--tenor", "12",
                                "--mulai", "2025-01-05"])
    assert text.exit_code == 0, text.output
    assert "Rp112.000" in text.output and "Rp1.344.000" in text.output
    html = runner.invoke(main, ["schedule", "--help"])
    assert html.exit_code != 0  # `schedule` is an alias inside `kop pinjaman`, not a top-level command
    html = runner.invoke(main, ["loan", "schedule", "--pokok", "1200000", "--bunga", "12", "--tenor", "12",
                                "--mulai", "2025-01-05", "--format", "html", "--lang", "en", "--nama", "Siti <b>"])
    assert html.exit_code == 0, html.output
    assert "<table" in html.output and "Rp112,000" in html.output
    assert "Siti &lt;b&gt;" in html.output
    assert "Balance" in html.output and "Principal" in html.output


@pytest.mark.parametrize("args", [
    ["--pokok", "0", "--bunga", "12", "--tenor", "12"],
    ["--pokok", "1000000", "--bunga", "-3", "--tenor", "12"],
    ["--pokok", "1000000", "--bunga", "12", "--tenor", "0"],
    ["--pokok", "satu juta", "--bunga", "12", "--tenor", "12"],
    ["--pokok", "1000000", "--bunga", "12", "--tenor", "12", "--mulai", "2025-02-30"],
])
def test_cli_jadwal_bad_input_exits_2_without_traceback(args):
    result = CliRunner().invoke(main, ["pinjaman", "jadwal", *args])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


# --- the fast integer path equals the original exact (Fraction + relativedelta) computation --
def _exact_reference(pokok: Decimal, bunga: Decimal, tenor: int, metode: str, mulai: dt.date) -> list[tuple]:
    """The schedule as first written: Fractions for every rounding, relativedelta for dates."""
    from dateutil.relativedelta import relativedelta

    def half_up(value: Fraction) -> Decimal:
        return Decimal(int((abs(value) + Fraction(1, 2)).__floor__()) * (1 if value >= 0 else -1))

    i = Fraction(bunga) / 1200
    flat_principal = Decimal((Fraction(pokok) / tenor).__floor__())
    flat_interest = half_up(Fraction(pokok) * i)
    if metode == "anuitas":
        if i == 0:
            payment = half_up(Fraction(pokok) / tenor)
        else:
            growth = (1 + i) ** tenor
            payment = half_up(Fraction(pokok) * i * growth / (growth - 1))
    rows = []
    sisa = pokok
    for ke in range(1, tenor + 1):
        interest = flat_interest if metode == "flat" else half_up(Fraction(sisa) * i)
        if ke == tenor:
            principal = sisa
        elif metode == "anuitas":
            principal = min(max(payment - interest, D(0)), sisa)
        else:
            principal = flat_principal
        sisa -= principal
        rows.append((ke, mulai + relativedelta(months=ke - 1), principal + interest, principal, interest, sisa))
    return rows


@settings(max_examples=300, deadline=None)
@given(
    pokok=st.integers(min_value=1, max_value=10**12),
    bunga=st.one_of(st.integers(min_value=0, max_value=100).map(D),
                    st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)),
    tenor=st.integers(min_value=1, max_value=360),
    metode=st.sampled_from(METODE),
    mulai=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2060, 12, 31)),
)
def test_fast_schedule_equals_the_exact_reference(pokok, bunga, tenor, metode, mulai):
    rows = schedule(D(pokok), bunga, tenor, metode, mulai)
    expected = _exact_reference(D(pokok), bunga, tenor, metode, mulai)
    assert [(r.ke, r.tanggal, r.angsuran, r.pokok, r.bunga, r.sisa) for r in rows] == expected


@pytest.mark.parametrize("mulai", [dt.date(2024, 1, 31), dt.date(2023, 8, 29), dt.date(2024, 2, 29), dt.date(2025, 12, 30)])
def test_fast_due_dates_clamp_like_relativedelta(mulai):
    from dateutil.relativedelta import relativedelta

    rows = schedule(D(1_000_000), D(12), 60, "flat", mulai)
    assert [r.tanggal for r in rows] == [mulai + relativedelta(months=k) for k in range(60)]
