"""The date a tahun buku not yet ended runs to (provisional statements); a unit's report is
presented by :func:`kopledger.present.laporan.render_unit`."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from beancount.core import data

if TYPE_CHECKING:
    from kopledger.books.ledger import Books


def provisional_date(kop: Books, year: int, today: dt.date | None = None) -> dt.date | None:
    """For a tahun buku not yet ended on ``today``: the date its figures run to (the last
    transaction of the year, or today when there is none); None for an ended year."""
    today = today or dt.date.today()
    if dt.date(year, 12, 31) < today:
        return None
    last = max((e.date for e in kop.entries if isinstance(e, data.Transaction) and e.date.year == year
                and e.date <= today), default=None)
    return last or today
