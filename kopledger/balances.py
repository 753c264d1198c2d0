"""Account balances in one pass over the postings (the primitive every report uses)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal

from beancount.core import data

ZERO = Decimal(0)

EntryFilter = Callable[[data.Transaction], bool]


def account_balances(
    entries: Iterable[data.Directive],
    *,
    currency: str = "IDR",
    start: dt.date | None = None,
    end: dt.date | None = None,
    exclude: EntryFilter | None = None,
) -> dict[str, Decimal]:
    """Sum of each account's postings in ``currency``, dated ``start`` to ``end`` inclusive.

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
            if units is not None and units.currency == currency and units.number is not None:
                totals[posting.account] += units.number
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
    return f"tutup-buku-{year}"


def is_closing_of(year: int) -> EntryFilter:
    """Filter: the transaction is the closing entry of ``year``."""
    tag = closing_tag(year)
    return lambda entry: tag in (entry.tags or ())
