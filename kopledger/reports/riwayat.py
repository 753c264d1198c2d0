"""History: key figures by year, from the books and from ``custom "ringkasan-tahun"``.

Years before the books began come from the old printed reports, written as::

    2024-01-01 custom "ringkasan-tahun" "2022"
      anggota: 96
      aset: 310000000 IDR
      ekuitas: 180000000 IDR
      volume: 95000000 IDR
      shu: 12500000 IDR

A year the books hold is always taken from the books (``kopledger.reports.indicators.year_figures``:
one figure, one definition); a ``ringkasan-tahun`` for such a year is ignored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kopledger.books.rat_directives import YearSummary, parse_summaries
from kopledger.books.years import year_books
from kopledger.reports.indicators import year_figures

if TYPE_CHECKING:
    from kopledger.books.ledger import Books
    from kopledger.reports.indicators import YearFigures

def history(kop: Books, year: int, years: int = 5, *, figures: dict[int, YearFigures] | None = None) -> tuple[YearSummary, ...]:
    """Key figures of the ``years`` years ending with ``year``, oldest first: from the books
    where they hold the year, else from ``ringkasan-tahun``; years with neither are left out.
    ``figures`` are YearFigures already computed, by year (taken instead of computing again)."""
    summaries, _errors = parse_summaries(kop.entries, kop.currency)
    books = year_books(kop)  # a year file reaches its archived years through their own files
    rows = []
    for y in range(year - years + 1, year + 1):
        if y in books:
            f = figures[y] if figures and y in figures else year_figures(books[y], y)
            rows.append(YearSummary(y, "buku", f.anggota, f.total_aset, f.ekuitas, f.volume_usaha, f.shu))
        elif y in summaries:
            rows.append(summaries[y])
    return tuple(rows)


def year_summary(kop: Books, year: int, *, figures: dict[int, YearFigures] | None = None) -> YearSummary | None:
    """One year's key figures (books first, then ``ringkasan-tahun``), or None."""
    rows = history(kop, year, 1, figures=figures)
    return rows[0] if rows else None
