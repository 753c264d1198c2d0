"""Penilaian kesehatan koperasi (Permenkop UKM 9/2020; Juknis Deputi Bidang Perkoperasian 15/2021).

Four aspects — tata kelola, profil risiko, kinerja keuangan, permodalan — each made of
indicators. An indicator has a ratio (percent), a *nilai* 1–4 (1 = best), its *kategori*
(Sehat, Cukup Sehat, Kurang Sehat, Tidak Sehat) and a *skor* = 5 − nilai. An aspect's score
is the mean skor of its rated indicators, as a percent of the best (4 → 100); the overall
score is the weighted sum of the aspects' scores (weights from ``kebijakan "bobot-*"``), and
its predikat follows the same four bands. Every ratio and score is compared with its band
unrounded and rounded only for display (:mod:`kopledger.core.rasio`: half up, 2 decimals).

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
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from kopledger.books.periode import Periode, decide_period, hari_ini
from kopledger.books.rat_directives import (
    BANDS,
    CHECKLIST,
    INDIKATOR,
    Band,
    parse_answers,
    parse_band_overrides,
)
from kopledger.core.errors import Pesan, error_line
from kopledger.core.rasio import persen, tampil
from kopledger.ops.loans import entries as loans
from kopledger.reports.indicators import own_capital_ratio, year_figures
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
    rasio: Decimal | None = None  # percent as shown (rated unrounded; kopledger.core.rasio.tampil)
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
    skor_rata: Decimal | None  # mean skor (1–4) of rated indicators, shown to 2 decimals
    nilai: Decimal | None  # skor_rata / 4 × 100, shown to 2 decimals (its kategori from the unrounded score)
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
    #: Provisional (a year not yet ended, or an interim date): the date loans and figures are
    #: valued at. None at the year end.
    per: dt.date | None = None

    @property
    def sementara(self) -> bool:
        """True when the figures are provisional (valued before the year end)."""
        return self.per is not None

    @property
    def tanggal(self) -> dt.date:
        """The date the assessment's figures are at."""
        return self.per or dt.date(self.tahun, 12, 31)

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
    """The unrounded percent (``denominator`` ≠ 0)."""
    ratio = persen(numerator, denominator)
    assert ratio is not None
    return ratio


def rate(kode: str, ratio: Decimal, band: Band, **extra: Any) -> HealthIndicator:
    """An indicator line rated by ``band``: ``ratio`` compared unrounded, kept rounded for display."""
    definition = next(d for d in INDIKATOR if d.kode == kode)
    nilai = band.nilai(ratio)
    return HealthIndicator(
        kode=kode, aspek=definition.aspek, nama=definition.nama, sumber=definition.sumber, status=DINILAI,
        rasio=tampil(ratio), nilai=nilai, kategori=KATEGORI[nilai], skor=5 - nilai, batas=band.batas, arah=band.arah,
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
                    per: dt.date | None = None) -> dict[str, HealthIndicator]:
    """The indicators computed from the books at ``per`` (default: the year end), by code.
    ``laporan`` (the period's FinancialStatements) and ``portfolio`` (the loan Portfolio at
    ``per``) are taken when given, else computed — the same functions the RAT pack and the
    statements use. NPL is :func:`kopledger.ops.loans.quality.npl_ratio`, the notes' own."""
    bands = {**BANDS, **(bands or {})}
    end = per or dt.date(year, 12, 31)
    result: dict[str, HealthIndicator] = {}

    portfolio = portfolio if portfolio is not None else loans.portfolio(kop, end)
    has_loans = bool(loans.loan_book(kop).pinjaman) or portfolio.total_saldo > 0
    if not has_loans:
        result["npl"] = _unrated("npl", TIDAK_BERLAKU)
        result["ppap-ppapwd"] = _unrated("ppap-ppapwd", TIDAK_BERLAKU)
    else:
        npl = portfolio.rasio_npl
        result["npl"] = (_unrated("npl", TIDAK_DAPAT_DIHITUNG, pembilang=portfolio.npl_saldo, penyebut=ZERO)
                         if npl is None else
                         rate("npl", npl, bands["npl"], pembilang=portfolio.npl_saldo, penyebut=portfolio.total_saldo))
        result["ppap-ppapwd"] = _ratio_or_none("ppap-ppapwd", portfolio.ppap_tercatat, portfolio.ppap_wajib, bands["ppap-ppapwd"])

    if laporan is None:
        laporan = statements_of(kop, year, per)  # the composition root's statements: computed once
    totals = laporan.phu.totals
    beban = totals["beban_sebelum_pajak"][0]
    pendapatan = totals["total_pendapatan"][0]
    result["bopo"] = _ratio_or_none("bopo", beban, pendapatan, bands["bopo"])

    current = figures[year] if figures and year in figures else year_figures(kop, year, per=per)
    prior = year_summary(kop, year - 1, figures=figures)
    result["pertumbuhan-ekuitas"] = _growth("pertumbuhan-ekuitas", current.ekuitas, prior.ekuitas if prior else None,
                                            bands["pertumbuhan-ekuitas"])
    result["pertumbuhan-shu"] = _growth("pertumbuhan-shu", current.shu, prior.shu if prior else None,
                                        bands["pertumbuhan-shu"])
    own = own_capital_ratio(current)
    result["modal-sendiri-aset"] = (
        _unrated("modal-sendiri-aset", TIDAK_DAPAT_DIHITUNG, pembilang=current.modal_sendiri, penyebut=current.total_aset)
        if own is None else rate("modal-sendiri-aset", own, bands["modal-sendiri-aset"],
                                 pembilang=current.modal_sendiri, penyebut=current.total_aset))
    return result


def _checklist(kode: str, answers: dict[str, bool]) -> HealthIndicator:
    if not answers:
        return _unrated(kode, BELUM_DIISI)
    items = tuple(sorted(answers.items(), key=lambda kv: (len(kv[0]), kv[0])))
    yes = Decimal(sum(1 for _, v in items if v))
    return rate(kode, _pct(yes, Decimal(len(items))), CHECKLIST, pembilang=yes, penyebut=Decimal(len(items)), butir=items)


def _score(indicators: Iterable[HealthIndicator]) -> Decimal | None:
    """An aspect's score (0–100), unrounded: the mean skor of its rated indicators over the best (4)."""
    skor = [i.skor for i in indicators if i.status == DINILAI and i.skor is not None]
    return persen(sum(skor), 4 * len(skor)) if skor else None


def _aspect(kode: str, nama: str, bobot: Decimal, indicators: list[HealthIndicator]) -> HealthAspect:
    rated = [i for i in indicators if i.status == DINILAI and i.skor is not None]
    applicable = [i for i in indicators if i.status != TIDAK_BERLAKU]
    score = _score(indicators)
    if score is None:
        return HealthAspect(kode, nama, bobot, tuple(indicators), None, None, None, False)
    mean = Decimal(sum(i.skor for i in rated if i.skor is not None)) / len(rated)
    return HealthAspect(
        kode, nama, bobot, tuple(indicators), mean.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), tampil(score),
        KATEGORI[PREDIKAT.nilai(score)], len(rated) == len(applicable),
    )


def assess(kop: Books, year: int, *, periode: Periode | None = None, laporan: FinancialStatements | None = None,
           portfolio: Portfolio | None = None, figures: dict[int, YearFigures] | None = None) -> HealthAssessment:
    """The health assessment of tahun buku ``year`` for ``periode`` (from ``Koperasi.periode``;
    default: decided for today): a year not yet ended is assessed provisionally, its loans
    valued at the period's date. ``laporan``, ``portfolio`` and ``figures`` (YearFigures by
    year) are taken when the caller already has them (for the same period)."""
    periode = periode or decide_period(year, today=hari_ini())
    per = periode.per_sementara
    end = periode.per
    overrides, errors = parse_band_overrides(kop.entries, end)
    answers, answer_errors = parse_answers(kop.entries, year)
    errors += answer_errors
    books = book_indicators(kop, year, laporan=laporan, portfolio=portfolio, bands=overrides, figures=figures,
                            per=per)
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
    scores = [(a.bobot, score) for a in aspects if (score := _score(a.indikator)) is not None]
    weight = sum((bobot for bobot, _ in scores), ZERO)
    total = persen(sum((bobot * score for bobot, score in scores), ZERO), weight * HUNDRED) if weight else None
    return HealthAssessment(
        tahun=year,
        aspek=tuple(aspects),
        nilai_akhir=tampil(total) if total is not None else None,
        predikat=KATEGORI[PREDIKAT.nilai(total)] if total is not None else None,
        lengkap=all(a.lengkap for a in aspects),
        simpan_pinjam=simpan_pinjam,
        isian_ada=bool(answers),
        errors=tuple(error_line(e) for e in errors),
        per=per,
    )
