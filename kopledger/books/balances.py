"""Account balances: the one balance primitive every report uses.

A posting counts at its *weight* in the operating currency, as beancount balances a
transaction: units in that currency, units × cost (``10 ITOT {95.20 IDR}``), or units ×
price (``10 USD @ 15000 IDR``). A posting with no weight in that currency does not count
(:func:`weight` returns None); the statements name such holdings in their notes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal

from beancount.core import data

from kopledger.core import kosakata as K

ZERO = Decimal(0)

EntryFilter = Callable[[data.Transaction], bool]


def weight(posting: data.Posting, currency: str) -> Decimal | None:
    """The posting's weight in ``currency`` (units, units × cost, or units × price), or None.

    The one balance primitive: every figure of the books is a sum of these. It is called
    once per posting in the hot loops of the statements, SHU and member balances, so the
    common case (units in ``currency``, no cost, no price) is answered first."""
    units = posting.units
    if units is None or units.number is None:
        return None
    if posting.cost is None and posting.price is None and units.currency == currency:
        return units.number
    cost = posting.cost
    if cost is not None:
        cost_number = getattr(cost, "number", None)
        if isinstance(cost_number, Decimal):
            return units.number * cost_number if cost.currency == currency else None
    if units.currency == currency:
        return units.number
    price = posting.price
    if price is not None and price.number is not None and price.currency == currency:
        return units.number * price.number
    return None


def account_balances(
    entries: Iterable[data.Directive],
    *,
    currency: str = "IDR",
    start: dt.date | None = None,
    end: dt.date | None = None,
    exclude: EntryFilter | None = None,
) -> dict[str, Decimal]:
    """Sum of each account's posting weights in ``currency``, dated ``start`` to ``end`` inclusive.

    Beancount signs are kept: assets and expenses positive, liabilities, equity and
    income negative. ``exclude`` drops whole transactions (e.g. closing entries).
    """
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for entry in entries:
        if not isinstance(entry, data.Transaction):
            continue
        date = entry.date
        if end is not None and date > end:
            break  # entries are sorted by date
        if start is not None and date < start:
            continue
        if exclude is not None and exclude(entry):
            continue
        for posting in entry.postings:
            units = posting.units
            if posting.cost is None and posting.price is None and units is not None \
                    and units.currency == currency and units.number is not None:
                totals[posting.account] += units.number
                continue
            w = weight(posting, currency)
            if w is not None:
                totals[posting.account] += w
    return dict(totals)


def rollup(balances: dict[str, Decimal], parent: str) -> Decimal:
    """Total of ``parent`` and every account below it."""
    prefix = parent + ":"
    return sum(
        (v for k, v in balances.items() if k == parent or k.startswith(prefix)), ZERO
    )


def has_tag_prefix(prefix: str) -> EntryFilter:
    """Filter: the transaction has a tag equal to ``prefix`` or starting with it."""

    def matches(entry: data.Transaction) -> bool:
        return any(tag == prefix or tag.startswith(prefix) for tag in entry.tags or ())

    return matches


def closing_tag(year: int) -> str:
    """The tag of a year's closing entries (``tutup-buku-2025``)."""
    return K.tag_tutup_buku(year)


def is_closing_of(year: int) -> EntryFilter:
    """Filter: the transaction is the closing entry of ``year``."""
    tag = closing_tag(year)
    return lambda entry: tag in (entry.tags or ())
