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
from kopledger.books.periode import NotEnded, NotYetPassed, OutsideYear, Periode, decide_period, hari_ini
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

    def periode(
        self, tahun: int, *, per: dt.date | None = None, today: dt.date | None = None, sementara: bool | None = None,
    ) -> Periode:
        """The period of tahun buku ``tahun`` valued at ``per`` (default: the year end, or the last
        day that has passed in a year not yet ended): whether it is provisional, and its date.

        The one place this is decided; every front end asks here. ``today`` defaults to
        :func:`~kopledger.books.periode.hari_ini` (``$KOP_TODAY`` or the system date).
        ``sementara=False`` (a command run without ``--sementara``) refuses a year not yet ended
        with an :class:`InputError` saying so; ``None`` (a page that marks itself) accepts it.
        """
        today = today or hari_ini()
        try:
            return decide_period(tahun, today=today, per=per, sementara=sementara)
        except NotEnded:
            kemarin = max(today - dt.timedelta(days=1), dt.date(tahun, 1, 1))
            raise InputError.pesan(
                "tahun buku {tahun} belum berakhir (hari ini {hari_ini}): angkanya hanya bisa dilaporkan "
                "sementara, per {per}",
                hint="Tambahkan --sementara untuk laporan sementara per {per} (ditandai SEMENTARA), atau buat "
                     "laporannya sesudah 31 Desember {tahun}.",
                tahun=tahun, hari_ini=today.isoformat(), per=kemarin.isoformat(),
            ) from None
        except OutsideYear:
            raise InputError.pesan(
                "tanggal laporan {per} tidak termasuk tahun buku {tahun}",
                hint="Pilih tanggal antara 1 Januari dan 31 Desember tahun buku itu.",
                per=per.isoformat() if per else "", tahun=tahun,
            ) from None
        except NotYetPassed:
            raise InputError.pesan(
                "tanggal laporan {per} belum lewat (hari ini {hari_ini}); laporan paling akhir per {kemarin}",
                per=per.isoformat() if per else "", hari_ini=today.isoformat(),
                kemarin=(today - dt.timedelta(days=1)).isoformat(),
            ) from None

    def statements(self, year: int, *, per: dt.date | None = None) -> FinancialStatements:
        """The five financial statements of tahun buku ``year`` at ``per`` (default: the year end),
        computed once. Pass a :class:`Periode`'s ``per``: before the year end they are provisional."""
        return statements_of(self, year, per=per)

    def laporan(self, periode: Periode) -> FinancialStatements:
        """The statements of ``periode`` (balances, loans and arrears at its ``per``)."""
        return statements_of(self, periode.tahun, per=periode.per)

    def shu(
        self, year: int, *, per: dt.date | None = None, today: dt.date | None = None, sementara: bool | None = None,
    ) -> ShuResult:
        """The SHU of the period :meth:`periode` gives for ``year``, ``per``, ``today`` and
        ``sementara``, and its distribution (computed once): provisional and run through the
        period's date when the year has not ended or ``per`` falls before its end — the SHU of the
        PHU of that period."""
        periode = self.periode(year, per=per, today=today, sementara=sementara)
        return shu_of(self, year, sementara=periode.sementara, today=periode.sesudah)

    def loan_book(self) -> LoanBook:
        """Every loan in the books, read once (errors included)."""
        return read_book(self)

    def portfolio(self, date: dt.date) -> Portfolio:
        """The loan portfolio at ``date`` (computed once per date)."""
        return portfolio(self, date)
