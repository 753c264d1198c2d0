"""The RAT pack's parts added for the examiner: health assessment, budget and RAPB, units,
the supervisors' report, five-year history and the warnings.

:func:`rat_tambahan` computes them from figures the pack already has (the statements and
the loan portfolio: one figure, one definition) and returns the :class:`~kopledger.reports.rat.RatPack`
fields they fill; a part that cannot be computed is named in ``belum_tersedia`` instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kopledger.core.errors import KopledgerError, Pesan

if TYPE_CHECKING:
    from kopledger.books.ledger import Books
    from kopledger.books.periode import Periode
    from kopledger.ops.loans.quality import Portfolio
    from kopledger.reports.indicators import YearFigures
    from kopledger.reports.statements import FinancialStatements

#: The pack's sections added here: (id, title, the id they follow). Titles are Indonesian.
SECTIONS_TAMBAHAN: tuple[tuple[str, str, str], ...] = (
    ("unit-usaha", "Unit Usaha", "simpanan-pinjaman"),
    ("kesehatan", "Penilaian Kesehatan", "indikator"),
    ("anggaran", "Anggaran dan Rencana Anggaran", "kesehatan"),
    ("laporan-pengawas", "Laporan Pengawas", "anggaran"),
)


def with_sections(sections: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """``sections`` with the added ones placed after the section each follows."""
    result = list(sections)
    for sid, judul, after in SECTIONS_TAMBAHAN:
        ids = [s for s, _j in result]
        at = ids.index(after) + 1 if after in ids else len(result)
        result.insert(at, (sid, judul))
    return tuple(result)


def rat_tambahan(kop: Books, year: int, *, laporan: FinancialStatements | None = None, portfolio: Portfolio | None = None,
                 figures: dict[int, YearFigures] | None = None, periode: Periode | None = None,
                 ) -> tuple[dict[str, Any], dict[str, Pesan]]:
    """(RatPack fields, parts left out with why: a :class:`~kopledger.core.errors.Pesan`, worded in the
    pack's language by the caller). ``figures``: the pack's YearFigures by year; ``periode``: the pack's."""
    from kopledger.reports.anggaran import rapb, realisasi_anggaran
    from kopledger.reports.kesehatan import assess
    from kopledger.reports.peringatan import peringatan
    from kopledger.reports.riwayat import history
    from kopledger.reports.unit_usaha import phu_per_unit

    fields: dict[str, Any] = {}
    missing: dict[str, Pesan] = {}
    try:
        fields["kesehatan"] = assess(kop, year, periode=periode, laporan=laporan, portfolio=portfolio, figures=figures)
    except KopledgerError as exc:
        missing["kesehatan"] = Pesan.dari(exc)
    fields["anggaran"] = realisasi_anggaran(kop, year)
    if fields["anggaran"].errors:
        missing["anggaran"] = Pesan.gabung("; ", fields["anggaran"].errors)
    fields["rapb"] = rapb(kop, year + 1)
    fields["unit_usaha"] = phu_per_unit(kop, year)
    fields["riwayat"] = history(kop, year, figures=figures)
    fields["peringatan"] = peringatan(kop, year, portfolio=portfolio, figures=figures, periode=periode)
    return fields, missing
