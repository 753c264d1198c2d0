"""Loan repayment schedules (jadwal angsuran): flat, efektif and anuitas.

Pure and exact (``Decimal``); the one rounding rule everybody uses (CONTRACTS.md):

- ``i = bunga / 100 / 12`` (``bunga`` is the annual rate in percent).
- **flat**: interest every month = round_half_up(P·i) to whole rupiah; principal =
  floor(P/n) in months 1..n−1, the last month takes P − (n−1)·floor(P/n).
- **efektif**: principal as flat; interest = round_half_up(outstanding·i).
- **anuitas**: A = round_half_up(P·i / (1 − (1+i)^−n)); interest = round_half_up(outstanding·i);
  principal = A − interest; the last month's principal is the whole outstanding balance and
  its instalment is principal + interest (it absorbs the rounding).
- With ``bunga`` 0 there is no interest (principal as flat).
- Due dates: the first due date plus k months (``dateutil.relativedelta``, so a loan due
  on the 31st falls due on the last day of shorter months).

So the principal of every schedule sums exactly to P, and each instalment is exactly its
principal plus its interest.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from kopledger.core.errors import InputError

METODE = ("flat", "efektif", "anuitas")
ZERO = Decimal(0)
ONE = Decimal(1)

#: Sanity limits of any schedule (a koperasi's own maximum rate is ``kebijakan
#: "bunga-pinjaman-maks"``, checked when a loan is disbursed).
MAX_TENOR = 360
MAX_BUNGA = Decimal(100)
MAX_POKOK = Decimal(10) ** 13


@dataclass(frozen=True)
class Instalment:
    """One row of a schedule: instalment number, due date, amount, principal, interest, balance after."""

    ke: int
    tanggal: dt.date
    angsuran: Decimal
    pokok: Decimal
    bunga: Decimal
    sisa: Decimal


def rupiah_half_up(value: Decimal | Fraction) -> Decimal:
    """``value`` (≥ 0 or not) rounded half up (away from zero at .5) to whole rupiah, exactly."""
    if isinstance(value, Decimal):
        return value.quantize(ONE, rounding=ROUND_HALF_UP)
    magnitude = math.floor(abs(value) + Fraction(1, 2))
    return Decimal(magnitude if value >= 0 else -magnitude)


def _rate_ratio(bunga: Decimal) -> tuple[int, int]:
    """``i = bunga / 1200`` as integers ``(numerator, denominator)``, exactly."""
    numerator, denominator = Decimal(bunga).as_integer_ratio()
    return numerator, denominator * 1200


def _half_up_div(numerator: int, denominator: int) -> int:
    """round_half_up(numerator / denominator) for numerator ≥ 0, denominator > 0, in integers."""
    return (2 * numerator + denominator) // (2 * denominator)


def annuity_payment(pokok: Decimal, bunga: Decimal, tenor: int) -> Decimal:
    """A = round_half_up(P·i / (1 − (1+i)^−n)), computed exactly; with bunga 0, P/n rounded half up."""
    numerator, denominator = _rate_ratio(bunga)
    principal = Fraction(pokok)
    if numerator == 0:
        return rupiah_half_up(principal / tenor)
    # P·i·(1+i)^n / ((1+i)^n − 1) with i = a/b: P·a·(b+a)^n / (b·((b+a)^n − b^n)), in integers
    growth = (denominator + numerator) ** tenor
    return rupiah_half_up(principal * numerator * growth / (denominator * (growth - denominator ** tenor)))


def check_terms(pokok: Decimal, bunga: Decimal, tenor: int, metode: str) -> None:
    """Raise :class:`InputError` when the loan terms are out of range."""
    if not isinstance(pokok, Decimal) or not pokok.is_finite() or pokok <= 0 or pokok != pokok.to_integral_value():
        raise InputError.pesan(
            "pokok pinjaman harus bilangan bulat rupiah > 0, bukan {pokok}",
            hint="Contoh: --pokok 5000000",
            pokok=pokok,
        )
    if pokok > MAX_POKOK:
        raise InputError.pesan(
            "pokok pinjaman {pokok} terlalu besar (maksimum {max_pokok})",
            pokok=pokok, max_pokok=MAX_POKOK,
        )
    if not isinstance(bunga, Decimal) or not bunga.is_finite() or bunga < 0 or bunga > MAX_BUNGA:
        raise InputError.pesan(
            "bunga harus persen setahun antara 0 dan {max_bunga}, bukan {bunga}",
            hint="Contoh: --bunga 12 berarti 12% setahun (1% sebulan).",
            max_bunga=MAX_BUNGA, bunga=bunga,
        )
    if isinstance(tenor, bool) or not isinstance(tenor, int) or tenor < 1 or tenor > MAX_TENOR:
        raise InputError.pesan(
            "tenor harus 1 sampai {max_tenor} bulan, bukan {tenor}",
            max_tenor=MAX_TENOR, tenor=tenor,
        )
    if metode not in METODE:
        raise InputError.pesan(
            "metode pinjaman tidak dikenal {metode!r}; gunakan salah satu: {pilihan}",
            metode=metode, pilihan=', '.join(METODE),
        )


def due_date(mulai: dt.date, ke: int) -> dt.date:
    """Due date of instalment ``ke`` (1-based): the first due date plus ke−1 months.

    The same as ``mulai + relativedelta(months=ke - 1)``: a day past the end of the target
    month falls on its last day.
    """
    months = mulai.month - 1 + ke - 1
    year, month = mulai.year + months // 12, months % 12 + 1
    day = mulai.day
    if day > 28:
        day = min(day, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day)


def _amounts(pokok: Decimal, bunga: Decimal, tenor: int, metode: str) -> tuple[tuple[Decimal, Decimal, Decimal, Decimal], ...]:
    """(instalment, principal, interest, balance after) of every month; integer arithmetic.

    Interest is round_half_up(outstanding · a / b) with ``i = a/b`` exactly, so the result is
    the exact rule of the module doc (tests/test_schedule.py checks it against the rational
    computation).
    """
    numerator, denominator = _rate_ratio(bunga)
    whole = int(pokok)
    flat_principal = whole // tenor
    flat_interest = Decimal(_half_up_div(whole * numerator, denominator))
    payment = int(annuity_payment(pokok, bunga, tenor)) if metode == "anuitas" else 0
    rows = []
    sisa = pokok
    left = whole
    for ke in range(1, tenor + 1):
        if metode == "flat":
            interest = flat_interest
            interest_int = 0
        else:
            interest_int = _half_up_div(left * numerator, denominator)
            interest = Decimal(interest_int)
        if ke == tenor:
            principal = sisa
            left = 0
        else:
            # anuitas: never more than what is left (rounding A up could otherwise overshoot)
            take = min(max(payment - interest_int, 0), left) if metode == "anuitas" else flat_principal
            principal = Decimal(take)
            left -= take
        sisa -= principal
        rows.append((principal + interest, principal, interest, sisa))
    return tuple(rows)


def schedule(pokok: Decimal, bunga: Decimal, tenor: int, metode: str, mulai: dt.date) -> tuple[Instalment, ...]:
    """The repayment schedule of a loan; ``mulai`` is the first due date (angsuran ke-1).

    ``pokok`` in whole rupiah, ``bunga`` the annual rate in percent (12 = 12 % a year),
    ``tenor`` in months, ``metode`` one of :data:`METODE`. Rounding: see the module doc.
    """
    pokok = Decimal(pokok)
    bunga = Decimal(bunga)
    if isinstance(tenor, Decimal) and tenor == tenor.to_integral_value():
        tenor = int(tenor)
    check_terms(pokok, bunga, tenor, metode)
    # cached by the digits and exponent, so 5000000 and 5000000.00 keep their own balances
    amounts = _amounts_cached(pokok.as_tuple(), bunga.as_tuple(), tenor, metode)
    return tuple(
        Instalment(ke, due_date(mulai, ke), angsuran, principal, interest, sisa)
        for ke, (angsuran, principal, interest, sisa) in enumerate(amounts, start=1)
    )


@functools.lru_cache(maxsize=4096)
def _amounts_cached(pokok: Any, bunga: Any, tenor: int, metode: str) -> tuple[tuple[Decimal, Decimal, Decimal, Decimal], ...]:
    """:func:`_amounts`, cached per terms (many loans share them)."""
    return _amounts(Decimal(pokok), Decimal(bunga), tenor, metode)


def schedule_totals(rows: tuple[Instalment, ...]) -> tuple[Decimal, Decimal, Decimal]:
    """(total instalments, total principal, total interest) of a schedule."""
    return (
        sum((r.angsuran for r in rows), ZERO),
        sum((r.pokok for r in rows), ZERO),
        sum((r.bunga for r in rows), ZERO),
    )
