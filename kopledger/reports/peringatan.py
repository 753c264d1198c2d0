"""Warnings an RAT must hear, as codes with values (the words are in the templates).

:func:`peringatan` is the public function the RAT pack and the web desk's dashboard show:

- ``shu-belum-dibagi`` — an earlier year's positive SHU with no allocation entry booked
  (``#shu-alokasi ^shu-YEAR``); values ``tahun_shu``, ``jumlah``;
- ``rugi`` — the year ended with a loss; value ``jumlah`` (positive);
- ``laporan-pengawas-tidak-ada`` — no ``rat-teks "laporan-pengawas"`` for the year;
- ``tunggakan-tinggi`` — non-performing loans (NPL) above ``kebijakan "tunggakan-peringatan"``
  (default 5 %, the upper bound of "Sehat" in Juknis 15/2021); values ``npl``, ``batas``,
  ``saldo`` (the non-performing balance);
- ``bank-minus`` / ``kas-minus`` — a bank account (without ``cerukan``) or a cash account ended
  a day of the year below zero (:mod:`kopledger.books.checks.amounts`; cash below zero is also
  an error of the books); values ``akun``, ``tanggal`` (the first such day), ``saldo`` (its
  end balance, negative), ``terendah`` (the lowest, negative) and ``tanggal_terendah``, ``lokasi``
  (file:line of that day's entry), ``mata_uang``;
- ``tahun-berjalan`` — the figures are provisional (the year has not ended, or an interim
  date); value ``per``, the period's date (:meth:`kopledger.koperasi.Koperasi.periode`);
- ``ringkasan-berbeda`` — a ``ringkasan-tahun`` that disagrees with the booked opening
  (:func:`kopledger.reports.catatan.summary_checks`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from kopledger.books.checks.amounts import Minus, saldo_minus
from kopledger.books.periode import Periode, decide_period, hari_ini
from kopledger.books.rat_directives import parse_rat_texts
from kopledger.books.years import year_books
from kopledger.core.peringatan import Peringatan
from kopledger.ops.loans import entries as loans
from kopledger.ops.shu.compute import existing_allocation
from kopledger.reports.catatan import summary_checks
from kopledger.reports.indicators import year_figures

if TYPE_CHECKING:
    from kopledger.books.ledger import Books
    from kopledger.ops.loans.quality import Portfolio
    from kopledger.reports.indicators import YearFigures

ZERO = Decimal(0)


def peringatan(kop: Books, tahun: int, *, texts: dict[str, str] | None = None,
               portfolio: Portfolio | None = None, today: dt.date | None = None,
               figures: dict[int, YearFigures] | None = None, periode: Periode | None = None,
               ) -> tuple[Peringatan, ...]:
    """The warnings for the RAT of tahun buku ``tahun`` (codes with values, most serious first).

    ``periode``: the period reported (default: decided for ``today``); ``texts`` are the year's
    ``rat-teks`` (read when not given); ``portfolio`` the loan portfolio at the period's date
    (computed when not given). NPL is compared with its limit unrounded."""
    result: list[Peringatan] = []
    periode = periode or decide_period(tahun, today=today or hari_ini())
    end = periode.per
    if periode.sementara:
        result.append(Peringatan("tahun-berjalan", {"per": periode.per}, tahun))
    books = year_books(kop)  # a year file reaches its archived years through their own files
    files = {id(b): b for b in (*books.values(), kop)}
    for year, held in books.items():
        if year >= tahun:
            break
        earlier = figures[year] if figures and year in figures else year_figures(held, year)
        if earlier.shu > 0 and all(existing_allocation(b, year) is None for b in files.values()):
            result.append(Peringatan("shu-belum-dibagi", {"tahun_shu": year, "jumlah": earlier.shu}, tahun))
    current = figures[tahun] if figures and tahun in figures else year_figures(kop, tahun, per=periode.per_sementara)
    if current.shu < 0:
        result.append(Peringatan("rugi", {"jumlah": -current.shu}, tahun))
    texts = texts if texts is not None else parse_rat_texts(kop.entries, tahun)
    if not texts.get("laporan-pengawas", "").strip():
        result.append(Peringatan("laporan-pengawas-tidak-ada", {}, tahun))
    portfolio = portfolio if portfolio is not None else loans.portfolio(kop, end)
    limit = Decimal(kop.policies.value("tunggakan-peringatan", end))
    npl = portfolio.rasio_npl
    if npl is not None and npl > limit:
        result.append(Peringatan("tunggakan-tinggi", {"npl": portfolio.npl, "batas": limit,
                                                      "saldo": portfolio.npl_saldo}, tahun))
    start = dt.date(tahun, 1, 1)
    for minus in _minus(kop):
        if minus.dalam(start, end) and not minus.cerukan:
            result.append(Peringatan(f"{minus.jenis}-minus", {
                "akun": minus.akun, "tanggal": minus.tanggal, "saldo": minus.saldo, "terendah": minus.terendah,
                "tanggal_terendah": minus.tanggal_terendah, "mata_uang": minus.mata_uang,
                "lokasi": f"{Path(str(minus.lokasi.get('filename'))).name}:{minus.lokasi.get('lineno')}",
            }, tahun))
    result += summary_checks(kop, tahun)  # ringkasan-berbeda: old reports against the booked openings
    return tuple(result)


def _minus(kop: Books) -> tuple[Minus, ...]:
    """The books' stretches of cash and bank accounts below zero (computed once per load)."""
    return kop.computed(("saldo-minus",), lambda: saldo_minus(kop.entries, kop.options))
