"""Penilaian kesehatan koperasi (Permenkop UKM 9/2020; Juknis Deputi Bidang Perkoperasian 15/2021).

Four aspects — tata kelola, profil risiko, kinerja keuangan, permodalan — each made of
indicators. An indicator has a ratio (percent), a *nilai* 1–4 (1 = best), its *kategori*
(Sehat, Cukup Sehat, Kurang Sehat, Tidak Sehat) and a *skor* = 5 − nilai. An aspect's score
is the mean skor of its rated indicators, as a percent of the best (4 → 100); the overall
score is the weighted sum of the aspects' scores (weights from ``kebijakan "bobot-*"``), and
its predikat follows the same four bands.

Where the figures come from:

- **the books**: NPL, PPAP/PPAPWD (from :func:`kopledger.ops.loans.entries.portfolio`), BOPO (from the
  statements' PHU totals), growth of equity and of SHU and own capital over assets (from
  :func:`kopledger.reports.indicators.year_figures`, or ``ringkasan-tahun`` for a year before the books);
- **the pengurus' self-assessment** (``custom "kesehatan-isian" "INDICATOR" N TRUE|FALSE``,
  one line per checklist item of the Juknis working papers): the tata kelola and the
  qualitative parts of profil risiko and permodalan. Nothing is ever assumed: an indicator
  without answers is ``belum-diisi`` and left out of the score, and the assessment says it is
  incomplete.

The rating bands and their sources are in :data:`BANDS` (see docs/kesehatan.md); bands whose
source is uncertain can be replaced with ``custom "kesehatan-batas" "CODE" B1 B2 B3``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from kopledger.books.rat_directives import (
    BANDS,
    CHECKLIST,
    INDIKATOR,
    Band,
    parse_answers,
    parse_band_overrides,
)
from kopledger.core.errors import Pesan, error_line
from kopledger.ops.loans import entries as loans
from kopledger.reports.indicators import year_figures
from kopledger.reports.riwayat import year_summary
from kopledger.reports.statements import statements_of

if TYPE_CHECKING:
    from kopledger.books.ledger import Books
    from kopledger.ops.loans.quality import Portfolio
    from kopledger.reports.indicators import YearFigures
    from kopledger.reports.statements import FinancialStatements

ZERO = Decimal(0)
HUNDRED = Decimal(100)

KATEGORI = {1: "Sehat", 2: "Cukup Sehat", 3: "Kurang Sehat", 4: "Tidak Sehat"}

#: Aspects in order: (code, Indonesian name, weight policy key).
ASPEK = (
    ("tata-kelola", "Tata Kelola", "bobot-tata-kelola"),
    ("profil-risiko", "Profil Risiko", "bobot-profil-risiko"),
    ("kinerja-keuangan", "Kinerja Keuangan", "bobot-kinerja-keuangan"),
    ("permodalan", "Permodalan", "bobot-permodalan"),
)


#: The predikat of an aspect or of the whole (score 0–100): the checklist bands.
PREDIKAT = CHECKLIST


#: Status of an indicator.
DINILAI = "dinilai"
BELUM_DIISI = "belum-diisi"  # a self-assessment indicator without answers
TIDAK_BERLAKU = "tidak-berlaku"  # e.g. loan indicators for a koperasi without a savings-and-loan unit
TIDAK_DAPAT_DIHITUNG = "tidak-dapat-dihitung"  # e.g. growth without a prior year, a zero denominator


@dataclass(frozen=True)
class HealthIndicator:
    """One indicator's working paper line."""

    kode: str
    aspek: str
    nama: str
    sumber: str  # "buku" | "isian"
    status: str
    rasio: Decimal | None = None  # percent, two decimals
    pembilang: Decimal | None = None
    penyebut: Decimal | None = None
    nilai: int | None = None  # 1 (best) … 4
    kategori: str | None = None
    skor: int | None = None  # 4 (best) … 1
    batas: tuple[Decimal, ...] = ()
    arah: str = ""
    sumber_batas: str = ""
    butir: tuple[tuple[str, bool], ...] = ()  # self-assessment answers (item, yes)


@dataclass(frozen=True)
class HealthAspect:
    """One aspect: its indicators, weight, and score (0–100) over its rated indicators."""

    kode: str
    nama: str
    bobot: Decimal
    indikator: tuple[HealthIndicator, ...]
    skor_rata: Decimal | None  # mean skor (1–4) of rated indicators
    nilai: Decimal | None  # skor_rata / 4 × 100
    kategori: str | None
    lengkap: bool  # every applicable indicator rated


@dataclass(frozen=True)
class HealthAssessment:
    """The whole assessment of tahun buku ``tahun``.

    ``nilai_akhir`` is Σ bobot × aspect nilai / Σ bobot over the aspects that have a score;
    ``lengkap`` is False when any applicable indicator has no figure or answer — the
    predikat is then provisional, and the documents say so.
    """

    tahun: int
    aspek: tuple[HealthAspect, ...]
    nilai_akhir: Decimal | None
    predikat: str | None
    lengkap: bool
    simpan_pinjam: bool  # the koperasi has a savings-and-loan business (loans on the books)
    isian_ada: bool  # any self-assessment answer exists for the year
    #: Malformed ``kesehatan-isian`` / ``kesehatan-batas`` directives, as ``file:line: message``
    #: (each a :class:`~kopledger.core.errors.Pesan`: worded in the reader's language where shown).
    errors: tuple[Pesan, ...] = field(default=(), compare=False)

    @property
    def indikator(self) -> tuple[HealthIndicator, ...]:
        return tuple(i for a in self.aspek for i in a.indikator)

    def get(self, kode: str) -> HealthIndicator:
        """An indicator by code."""
        for i in self.indikator:
            if i.kode == kode:
                return i
        raise KeyError(kode)


def _pct(numerator: Decimal, denominator: Decimal) -> Decimal:
    return (numerator * HUNDRED / denominator).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def rate(kode: str, ratio: Decimal, band: Band, **extra: Any) -> HealthIndicator:
    """An indicator line rated by ``band``."""
    definition = next(d for d in INDIKATOR if d.kode == kode)
    nilai = band.nilai(ratio)
    return HealthIndicator(
        kode=kode, aspek=definition.aspek, nama=definition.nama, sumber=definition.sumber, status=DINILAI,
        rasio=ratio, nilai=nilai, kategori=KATEGORI[nilai], skor=5 - nilai, batas=band.batas, arah=band.arah,
        sumber_batas=band.sumber, **extra,
    )


def _unrated(kode: str, status: str, **extra: Any) -> HealthIndicator:
    definition = next(d for d in INDIKATOR if d.kode == kode)
    return HealthIndicator(kode=kode, aspek=definition.aspek, nama=definition.nama, sumber=definition.sumber,
                           status=status, **extra)


def _ratio_or_none(kode: str, numerator: Decimal, denominator: Decimal, band: Band) -> HealthIndicator:
    if denominator == 0:
        return _unrated(kode, TIDAK_DAPAT_DIHITUNG, pembilang=numerator, penyebut=denominator)
    return rate(kode, _pct(numerator, denominator), band, pembilang=numerator, penyebut=denominator)


def _growth(kode: str, current: Decimal | None, prior: Decimal | None, band: Band) -> HealthIndicator:
    if current is None or prior is None or prior == 0:
        return _unrated(kode, TIDAK_DAPAT_DIHITUNG, pembilang=current, penyebut=prior)
    return rate(kode, _pct(current - prior, abs(prior)), band, pembilang=current - prior, penyebut=abs(prior))


def book_indicators(kop: Books, year: int, *, laporan: FinancialStatements | None = None, portfolio: Portfolio | None = None,
                    bands: dict[str, Band] | None = None, figures: dict[int, YearFigures] | None = None,
                    ) -> dict[str, HealthIndicator]:
    """The indicators computed from the books, by code. ``laporan`` (the year's
    FinancialStatements) and ``portfolio`` (the year-end loan Portfolio) are taken when given,
    else computed — the same functions the RAT pack and the statements use."""
    bands = {**BANDS, **(bands or {})}
    end = dt.date(year, 12, 31)
    result: dict[str, HealthIndicator] = {}

    portfolio = portfolio if portfolio is not None else loans.portfolio(kop, end)
    has_loans = bool(loans.loan_book(kop).pinjaman) or portfolio.total_saldo > 0
    if not has_loans:
        result["npl"] = _unrated("npl", TIDAK_BERLAKU)
        result["ppap-ppapwd"] = _unrated("ppap-ppapwd", TIDAK_BERLAKU)
    else:
        bad = sum((c.saldo for c in portfolio.per_kolektibilitas if c.kolektibilitas in loans.NPL_CLASSES), ZERO)
        result["npl"] = _ratio_or_none("npl", bad, portfolio.total_saldo, bands["npl"])
        result["ppap-ppapwd"] = _ratio_or_none("ppap-ppapwd", portfolio.ppap_tercatat, portfolio.ppap_wajib, bands["ppap-ppapwd"])

    if laporan is None:
        laporan = statements_of(kop, year)  # the composition root's statements: computed once
    totals = laporan.phu.totals
    beban = totals["beban_sebelum_pajak"][0]
    pendapatan = totals["total_pendapatan"][0]
    result["bopo"] = _ratio_or_none("bopo", beban, pendapatan, bands["bopo"])

    current = figures[year] if figures and year in figures else year_figures(kop, year)
    prior = year_summary(kop, year - 1, figures=figures)
    result["pertumbuhan-ekuitas"] = _growth("pertumbuhan-ekuitas", current.ekuitas, prior.ekuitas if prior else None,
                                            bands["pertumbuhan-ekuitas"])
    result["pertumbuhan-shu"] = _growth("pertumbuhan-shu", current.shu, prior.shu if prior else None,
                                        bands["pertumbuhan-shu"])
    result["modal-sendiri-aset"] = _ratio_or_none("modal-sendiri-aset", current.modal_sendiri, current.total_aset,
                                                  bands["modal-sendiri-aset"])
    return result


def _checklist(kode: str, answers: dict[str, bool]) -> HealthIndicator:
    if not answers:
        return _unrated(kode, BELUM_DIISI)
    items = tuple(sorted(answers.items(), key=lambda kv: (len(kv[0]), kv[0])))
    yes = Decimal(sum(1 for _, v in items if v))
    return rate(kode, _pct(yes, Decimal(len(items))), CHECKLIST, pembilang=yes, penyebut=Decimal(len(items)), butir=items)


def _aspect(kode: str, nama: str, bobot: Decimal, indicators: list[HealthIndicator]) -> HealthAspect:
    rated = [i for i in indicators if i.status == DINILAI and i.skor is not None]
    applicable = [i for i in indicators if i.status != TIDAK_BERLAKU]
    if not rated:
        return HealthAspect(kode, nama, bobot, tuple(indicators), None, None, None, False)
    mean = Decimal(sum(i.skor for i in rated if i.skor is not None)) / len(rated)
    score = (mean * 25).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return HealthAspect(
        kode, nama, bobot, tuple(indicators), mean.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), score,
        KATEGORI[PREDIKAT.nilai(score)], len(rated) == len(applicable),
    )


def assess(kop: Books, year: int, *, laporan: FinancialStatements | None = None, portfolio: Portfolio | None = None,
           figures: dict[int, YearFigures] | None = None) -> HealthAssessment:
    """The health assessment of tahun buku ``year``. ``laporan``, ``portfolio`` and ``figures``
    (YearFigures by year) are taken when the caller already has them."""
    end = dt.date(year, 12, 31)
    overrides, errors = parse_band_overrides(kop.entries, end)
    answers, answer_errors = parse_answers(kop.entries, year)
    errors += answer_errors
    books = book_indicators(kop, year, laporan=laporan, portfolio=portfolio, bands=overrides, figures=figures)
    simpan_pinjam = books["npl"].status != TIDAK_BERLAKU
    aspects = []
    for kode, nama, key in ASPEK:
        lines = []
        for d in INDIKATOR:
            if d.aspek != kode:
                continue
            if d.usp and not simpan_pinjam:
                lines.append(_unrated(d.kode, TIDAK_BERLAKU))
            elif d.sumber == "buku":
                lines.append(books[d.kode])
            else:
                lines.append(_checklist(d.kode, answers.get(d.kode, {})))
        aspects.append(_aspect(kode, nama, Decimal(kop.policies.value(key, end)), lines))
    scored = [a for a in aspects if a.nilai is not None]
    weight = sum((a.bobot for a in scored), ZERO)
    total = (sum((a.bobot * a.nilai for a in scored if a.nilai is not None), ZERO) / weight).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP) if weight else None
    return HealthAssessment(
        tahun=year,
        aspek=tuple(aspects),
        nilai_akhir=total,
        predikat=KATEGORI[PREDIKAT.nilai(total)] if total is not None else None,
        lengkap=all(a.lengkap for a in aspects),
        simpan_pinjam=simpan_pinjam,
        isian_ada=bool(answers),
        errors=tuple(error_line(e) for e in errors),
    )
