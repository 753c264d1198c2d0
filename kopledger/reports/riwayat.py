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

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from beancount.core.amount import Amount

from kopledger.books.directives import customs
from kopledger.core.errors import KopError

if TYPE_CHECKING:
    from kopledger.books.ledger import Books
    from kopledger.reports.indicators import YearFigures

#: Metadata keys of ``ringkasan-tahun`` and the field each fills.
KEYS = {"aset": "total_aset", "ekuitas": "ekuitas", "volume": "volume_usaha", "shu": "shu"}


@dataclass(frozen=True)
class YearSummary:
    """The key figures of one year; ``sumber`` is ``"buku"`` or ``"ringkasan"`` (old reports)."""

    tahun: int
    sumber: str
    anggota: int | None = None
    total_aset: Decimal | None = None
    ekuitas: Decimal | None = None
    volume_usaha: Decimal | None = None
    shu: Decimal | None = None


def parse_summaries(entries: list[Any], currency: str = "IDR") -> tuple[dict[int, YearSummary], list[KopError]]:
    """Every ``ringkasan-tahun`` directive by year (the latest per year wins), and errors."""
    result: dict[int, YearSummary] = {}
    errors: list[KopError] = []
    for entry in customs(entries, "ringkasan-tahun"):
        values = [v.value for v in entry.values]
        year_text = str(values[0]).split(".")[0] if values else ""
        if not year_text.isdigit() or len(year_text) != 4:
            errors.append(KopError.pesan(entry.meta, 'ringkasan-tahun perlu tahun seperti "2022", tertulis {isi!r}', entry, isi=values[:1]))
            continue
        fields: dict[str, Any] = {}
        meta = entry.meta or {}
        if "anggota" in meta:
            try:
                fields["anggota"] = int(Decimal(str(meta["anggota"])))
            except ArithmeticError:
                errors.append(KopError.pesan(meta, "ringkasan-tahun {tahun}: anggota harus bilangan bulat", entry, tahun=year_text))
        for key, name in KEYS.items():
            value = meta.get(key)
            if value is None:
                continue
            if isinstance(value, Amount) and value.currency == currency and value.number is not None:
                fields[name] = value.number
            elif isinstance(value, Decimal):
                fields[name] = value
            else:
                errors.append(KopError.pesan(meta, "ringkasan-tahun {tahun}: {kunci} harus jumlah uang seperti 1000000 {mata_uang}", entry,
                                             tahun=year_text, kunci=key, mata_uang=currency))
        result[int(year_text)] = YearSummary(int(year_text), "ringkasan", **fields)
    return result, errors


def history(kop: Books, year: int, years: int = 5, *, figures: dict[int, YearFigures] | None = None) -> tuple[YearSummary, ...]:
    """Key figures of the ``years`` years ending with ``year``, oldest first: from the books
    where they hold the year, else from ``ringkasan-tahun``; years with neither are left out.
    ``figures`` are YearFigures already computed, by year (taken instead of computing again)."""
    from kopledger.books.years import year_books
    from kopledger.reports.indicators import year_figures

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
