"""Ratios as percents: computed unrounded, compared unrounded, rounded once for display.

Every ratio kopledger shows (NPL, the equity ratio, BOPO, growth, the health indicators) is
:func:`persen` of its numerator and denominator. Band limits and thresholds are compared with
that unrounded value; :func:`tampil` is the ONE display rounding rule — ``ROUND_HALF_UP`` to 2
decimals — applied where a ratio is stored for display (JSON documents, templates, whose
``persen`` filter rounds the same way).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext

#: The display precision of a percent: 2 decimals.
DUA_DESIMAL = Decimal("0.01")

#: Significant digits of an unrounded ratio: enough that a ratio of amounts below 10^50 is
#: never pushed across a limit of 2 decimals (the two differ by at least 1/(100 × denominator)).
PRESISI = 80


def persen(pembilang: Decimal | int, penyebut: Decimal | int) -> Decimal | None:
    """``pembilang / penyebut × 100``, unrounded (see :data:`PRESISI`); None when ``penyebut`` is 0."""
    if penyebut == 0:
        return None
    with localcontext() as ctx:
        ctx.prec = PRESISI
        return +(Decimal(pembilang) * 100 / Decimal(penyebut))


def tampil(nilai: Decimal) -> Decimal:
    """A percent as shown: rounded half up to 2 decimals (2.345 → 2.35, 5.005 → 5.01)."""
    with localcontext() as ctx:
        ctx.prec = PRESISI
        return nilai.quantize(DUA_DESIMAL, rounding=ROUND_HALF_UP)
