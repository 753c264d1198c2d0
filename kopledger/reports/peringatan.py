"""Warnings an RAT must hear, as codes with values (the words are in the templates).

:func:`peringatan` is the public function the RAT pack and the web desk's dashboard show:

- ``shu-belum-dibagi`` — an earlier year's positive SHU with no allocation entry booked
  (``#shu-alokasi ^shu-YEAR``); values ``tahun_shu``, ``jumlah``;
- ``rugi`` — the year ended with a loss; value ``jumlah`` (positive);
- ``laporan-pengawas-tidak-ada`` — no ``rat-teks "laporan-pengawas"`` for the year;
- ``tunggakan-tinggi`` — non-performing loans (NPL) above ``kebijakan "tunggakan-peringatan"``
  (default 5 %, the upper bound of "Sehat" in Juknis 15/2021); values ``npl``, ``batas``,
  ``saldo`` (the non-performing balance);
- ``tahun-berjalan`` — the year has not ended: figures are provisional; value ``per``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from beancount.core import data

from kopledger.books.rat_directives import parse_rat_texts
from kopledger.books.years import year_books
from kopledger.ops.loans import entries as loans
from kopledger.ops.shu.compute import existing_allocation
from kopledger.reports.catatan import Peringatan
from kopledger.reports.indicators import year_figures

if TYPE_CHECKING:
    from kopledger.books.ledger import Books
    from kopledger.ops.loans.quality import Portfolio
    from kopledger.reports.indicators import YearFigures

ZERO = Decimal(0)


def peringatan(kop: Books, tahun: int, *, texts: dict[str, str] | None = None,
               portfolio: Portfolio | None = None, today: dt.date | None = None,
               figures: dict[int, YearFigures] | None = None) -> tuple[Peringatan, ...]:
    """The warnings for the RAT of tahun buku ``tahun`` (codes with values, most serious first).

    ``texts`` are the year's ``rat-teks`` (read when not given); ``portfolio`` the year-end
    loan portfolio (computed when not given)."""
    result: list[Peringatan] = []
    today = today or dt.date.today()
    end = dt.date(tahun, 12, 31)
    if end >= today:
        last = max((e.date for e in kop.entries if e.date.year == tahun and isinstance(e, data.Transaction)),
                   default=today)
        result.append(Peringatan("tahun-berjalan", {"per": min(last, today)}, tahun))
    books = year_books(kop)  # a year file reaches its archived years through their own files
    files = {id(b): b for b in (*books.values(), kop)}
    for year, held in books.items():
        if year >= tahun:
            break
        earlier = figures[year] if figures and year in figures else year_figures(held, year)
        if earlier.shu > 0 and all(existing_allocation(b, year) is None for b in files.values()):
            result.append(Peringatan("shu-belum-dibagi", {"tahun_shu": year, "jumlah": earlier.shu}, tahun))
    current = figures[tahun] if figures and tahun in figures else year_figures(kop, tahun)
    if current.shu < 0:
        result.append(Peringatan("rugi", {"jumlah": -current.shu}, tahun))
    texts = texts if texts is not None else parse_rat_texts(kop.entries, tahun)
    if not texts.get("laporan-pengawas", "").strip():
        result.append(Peringatan("laporan-pengawas-tidak-ada", {}, tahun))
    portfolio = portfolio if portfolio is not None else loans.portfolio(kop, end)
    limit = Decimal(kop.policies.value("tunggakan-peringatan", end))
    if portfolio.total_saldo > 0 and portfolio.npl > limit:
        bad = sum((c.saldo for c in portfolio.per_kolektibilitas if c.kolektibilitas in loans.NPL_CLASSES), ZERO)
        result.append(Peringatan("tunggakan-tinggi", {"npl": portfolio.npl, "batas": limit, "saldo": bad}, tahun))
    return tuple(result)
