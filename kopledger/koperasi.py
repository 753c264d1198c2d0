"""The composition root: :class:`Koperasi`, the loaded books answering for a period.

It sits above the reports: it owns the loaded :class:`~kopledger.books.ledger.Books`, decides
once per question which period is meant (:meth:`Koperasi.periode`), and hands each report the
plain data it needs. What is computed for the books (statements, SHU, loan book, portfolio) is
computed once, by the one function that defines it, and kept on the books.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kopledger.books.ledger import Books
from kopledger.books.periode import Periode, decide_period
from kopledger.core.errors import InputError
from kopledger.ops.loans.book import LoanBook, read_book
from kopledger.ops.loans.quality import Portfolio, portfolio
from kopledger.ops.shu.compute import ShuResult, shu_of
from kopledger.reports.statements import FinancialStatements, statements_of


@dataclass(frozen=True)
class Koperasi(Books):
    """A koperasi's loaded books and what is computed from them, for a period.

    Load with :meth:`load` (a file, through kopledger's cache) or :meth:`from_string` (ledger
    text, e.g. in tests). The fields are those of :class:`~kopledger.books.ledger.Books`.
    """

    def periode(self, tahun: int, *, per: dt.date | None = None, today: dt.date | None = None) -> Periode:
        """The period of tahun buku ``tahun`` valued at ``per`` (default: the year end, or the last
        day that has passed in a year not yet ended): whether it is provisional, and its date.

        The one place this is decided; every front end asks here.
        """
        try:
            return decide_period(tahun, today=today or dt.date.today(), per=per)
        except ValueError:
            raise InputError.pesan(
                "tanggal laporan {per} tidak termasuk tahun buku {tahun}",
                hint="Pilih tanggal antara 1 Januari dan 31 Desember tahun buku itu.",
                per=per.isoformat() if per else "", tahun=tahun,
            ) from None

    def statements(self, year: int) -> FinancialStatements:
        """The five financial statements of tahun buku ``year`` (computed once)."""
        return statements_of(self, year)

    def shu(self, year: int, *, sementara: bool = False, today: dt.date | None = None) -> ShuResult:
        """The SHU of ``year`` and its distribution (computed once per year and mode)."""
        return shu_of(self, year, sementara=sementara, today=today or dt.date.today())

    def loan_book(self) -> LoanBook:
        """Every loan in the books, read once (errors included)."""
        return read_book(self)

    def portfolio(self, date: dt.date) -> Portfolio:
        """The loan portfolio at ``date`` (computed once per date)."""
        return portfolio(self, date)
