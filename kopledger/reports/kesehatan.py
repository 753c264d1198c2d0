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
    KINERJA_BUTIR,
    KINERJA_BUTIR_SIMPAN_PINJAM,
    Answer,
    Band,
    IndicatorDef,
    parse_answers,
    parse_band_overrides,
)
from kopledger.core.errors import Pesan, error_line
from kopledger.core.rasio import persen, tampil
from kopledger.ops.loans import entries as loans
from kopledger.reports.indicators import equity_ratio, year_figures
from kopledger.reports.riwayat import year_summary
from kopledger.reports.statements import statements_of

if TYPE_CHECKING:
    from kopledger.books.ledger import Books
    from kopledger.ops.loans.quality import Portfolio
    from kopledger.reports.indicators import YearFigures
    from kopledger.reports.statements import FinancialStatements

ZERO = Decimal(0)
HUNDRED = Decimal(100)

#: An indicator's (and an aspect's) category by nilai (the Juknis tables).
KATEGORI = {1: "Sehat", 2: "Cukup Sehat", 3: "Kurang Sehat", 4: "Tidak Sehat"}

#: The overall categories of Permenkop 9/2020 by band of the final score (``BANDS["nilai-akhir"]``).
PREDIKAT_AKHIR = {1: "Sehat", 2: "Cukup Sehat", 3: "Dalam Pengawasan", 4: "Dalam Pengawasan Khusus"}

#: Aspects in order: (code, Indonesian name, weight policy key).
ASPEK = (
    ("tata-kelola", "Tata Kelola", "bobot-tata-kelola"),
    ("profil-risiko", "Profil Risiko", "bobot-profil-risiko"),
    ("kinerja-keuangan", "Kinerja Keuangan", "bobot-kinerja-keuangan"),
    ("permodalan", "Permodalan", "bobot-permodalan"),
)


#: The kategori of an aspect (score 0–100): the checklist bands.
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
    butir: tuple[tuple[str, Answer], ...] = ()  # questionnaire answers (item, yes or figure)
    catatan: str = ""  # why a figure without a ratio is rated as it is (its economic meaning)
    tabel: str = ""  # the source table of its band


@dataclass(frozen=True)
class HealthAspect:
    """One aspect: its indicators, weight, and score (0–100) over its rated indicators."""

    kode: str
    nama: str
    bobot: Decimal
    indikator: tuple[HealthIndicator, ...]
    skor_rata: Decimal | None  # mean skor (1–4) of rated indicators, shown to 2 decimals
    nilai: Decimal | None  # skor_rata / 4 × 100, shown to 2 decimals (its kategori from the unrounded score)
    kategori: str | None  # only when the aspect is complete
    lengkap: bool  # every applicable indicator rated


@dataclass(frozen=True)
class HealthAssessment:
    """The whole assessment of tahun buku ``tahun``.

    ``nilai_akhir`` is Σ bobot × aspect nilai / Σ bobot, and ``predikat`` its Permenkop
    9/2020 category — both only when every aspect is complete (``lengkap``); until then they
    are None ("belum dapat ditetapkan") and ``kurang`` lists the indicators missing.
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
    #: Codes of the applicable indicators with neither a figure nor an answer.
    kurang: tuple[str, ...] = ()

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


def _def(kode: str) -> IndicatorDef:
    return next(d for d in INDIKATOR if d.kode == kode)


def rate(kode: str, ratio: Decimal, band: Band, **extra: Any) -> HealthIndicator:
    """An indicator line rated by ``band``: the EXACT ``ratio`` compared, kept rounded for display."""
    return _rated(kode, band.nilai(ratio), band, rasio=tampil(ratio), **extra)


def _rated(kode: str, nilai: int, band: Band | None, **extra: Any) -> HealthIndicator:
    definition = _def(kode)
    fields: dict[str, Any] = {"kode": kode, "aspek": definition.aspek, "nama": definition.nama,
                              "sumber": definition.sumber, "status": DINILAI, "nilai": nilai,
                              "kategori": KATEGORI[nilai], "skor": 5 - nilai, "tabel": definition.tabel}
    if band is not None:
        fields.update(batas=band.batas, arah=band.arah, sumber_batas=band.sumber)
    return HealthIndicator(**{**fields, **extra})


def _unrated(kode: str, status: str, **extra: Any) -> HealthIndicator:
    definition = _def(kode)
    return HealthIndicator(kode=kode, aspek=definition.aspek, nama=definition.nama, sumber=definition.sumber,
                           status=status, tabel=definition.tabel, **extra)


def _ratio_or_none(kode: str, numerator: Decimal, denominator: Decimal, band: Band) -> HealthIndicator:
    if denominator == 0:
        return _unrated(kode, TIDAK_DAPAT_DIHITUNG, pembilang=numerator, penyebut=denominator)
    return rate(kode, _pct(numerator, denominator), band, pembilang=numerator, penyebut=denominator)


def _growth(kode: str, current: Decimal | None, prior: Decimal | None, band: Band) -> HealthIndicator:
    """Growth of ``current`` over ``prior``; from a zero year it is scored by its meaning: any
    gain is the best nilai, no gain or a loss the worst. No prior year: not computable."""
    if current is None or prior is None:
        return _unrated(kode, TIDAK_DAPAT_DIHITUNG, pembilang=current, penyebut=prior)
    if prior == 0:
        if current > 0:
            return _rated(kode, 1, band, pembilang=current, penyebut=prior, catatan="tumbuh dari nol")
        return _rated(kode, 4, band, pembilang=current, penyebut=prior,
                      catatan="rugi setelah tahun nol" if current < 0 else "tidak tumbuh dari nol")
    return rate(kode, _pct(current - prior, abs(prior)), band, pembilang=current - prior, penyebut=abs(prior))


def _bopo(beban: Decimal, pendapatan: Decimal, band: Band, at_100: int) -> HealthIndicator:
    """BOPO; expenses with no income are the worst nilai (the ratio is unbounded); neither is
    not computable. Exactly 100 % takes ``at_100`` (kebijakan ``kesehatan-bopo-100``)."""
    if pendapatan <= 0:
        if beban > 0:
            return _rated("bopo", 4, band, pembilang=beban, penyebut=pendapatan, catatan="beban tanpa pendapatan")
        return _unrated("bopo", TIDAK_DAPAT_DIHITUNG, pembilang=beban, penyebut=pendapatan)
    ratio = _pct(beban, pendapatan)
    if ratio == HUNDRED and band.sumber == "juknis":
        return _rated("bopo", at_100, band, rasio=tampil(ratio), pembilang=beban, penyebut=pendapatan,
                      sumber_batas="kebijakan" if at_100 == 4 else band.sumber)
    return rate("bopo", ratio, band, pembilang=beban, penyebut=pendapatan)


def book_indicators(kop: Books, year: int, *, laporan: FinancialStatements | None = None, portfolio: Portfolio | None = None,
                    bands: dict[str, Band] | None = None, figures: dict[int, YearFigures] | None = None,
                    per: dt.date | None = None) -> dict[str, HealthIndicator]:
    """The indicators computed from the books at ``per`` (default: the year end), by code.
    ``laporan`` (the period's FinancialStatements) and ``portfolio`` (the loan Portfolio at
    ``per``) are taken when given, else computed — the same functions the RAT pack and the
    statements use. NPL is :func:`kopledger.ops.loans.quality.npl_ratio`, the notes' own; the
    capital ratio is :func:`kopledger.reports.indicators.equity_ratio`, the RAT's own."""
    overrides = bands or {}
    bands = {**BANDS, **overrides}
    end = per or dt.date(year, 12, 31)
    if "npl" not in overrides:
        macet = Decimal(kop.policies.value("kesehatan-npl-macet", end))
        base = bands["npl"]
        if macet != base.batas[2]:
            bands["npl"] = Band(base.arah, (base.batas[0], base.batas[1], macet), "kebijakan", base.ketat)
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
        if portfolio.ppap_wajib == 0:
            # nothing is required: whatever is booked covers it
            result["ppap-ppapwd"] = _rated("ppap-ppapwd", 1, bands["ppap-ppapwd"], pembilang=portfolio.ppap_tercatat,
                                           penyebut=ZERO, catatan="tidak ada PPAP wajib")
        else:
            result["ppap-ppapwd"] = _ratio_or_none("ppap-ppapwd", portfolio.ppap_tercatat, portfolio.ppap_wajib,
                                                   bands["ppap-ppapwd"])

    if laporan is None:
        laporan = statements_of(kop, year, per)  # the composition root's statements: computed once
    totals = laporan.phu.totals
    at_100 = int(kop.policies.value("kesehatan-bopo-100", end))
    result["bopo"] = _bopo(totals["beban_sebelum_pajak"][0], totals["total_pendapatan"][0], bands["bopo"], at_100)

    current = figures[year] if figures and year in figures else year_figures(kop, year, per=per)
    prior = year_summary(kop, year - 1, figures=figures)
    result["pertumbuhan-ekuitas"] = _growth("pertumbuhan-ekuitas", current.ekuitas, prior.ekuitas if prior else None,
                                            bands["pertumbuhan-ekuitas"])
    result["pertumbuhan-shu"] = _growth("pertumbuhan-shu", current.shu, prior.shu if prior else None,
                                        bands["pertumbuhan-shu"])
    ratio = equity_ratio(current)
    result["rasio-ekuitas-aset"] = (
        _unrated("rasio-ekuitas-aset", TIDAK_DAPAT_DIHITUNG, pembilang=current.ekuitas, penyebut=current.total_aset)
        if ratio is None else rate("rasio-ekuitas-aset", ratio, bands["rasio-ekuitas-aset"],
                                   pembilang=current.ekuitas, penyebut=current.total_aset))
    return result


def _checklist(definition: IndicatorDef, answers: dict[str, Answer]) -> HealthIndicator:
    """TRUE answers over answered questions; with a known number of questions, every one must be answered."""
    kode = definition.kode
    items = tuple(sorted(answers.items(), key=lambda kv: (len(kv[0]), kv[0])))
    if not items or (definition.butir and len(items) < len(definition.butir)):
        return _unrated(kode, BELUM_DIISI, butir=items, pembilang=Decimal(len(items)) if items else None,
                        penyebut=Decimal(len(definition.butir)) if definition.butir else None)
    yes = Decimal(sum(1 for _, v in items if v is True))
    return rate(kode, _pct(yes, Decimal(len(items))), CHECKLIST, pembilang=yes, penyebut=Decimal(len(items)), butir=items)


def _figure(kode: str, answers: dict[str, Answer], band: Band) -> HealthIndicator:
    """An indicator answered with its ratio (e.g. kecukupan modal from Tabel 4.2's worksheet)."""
    value = answers.get("rasio")
    if not isinstance(value, Decimal) or isinstance(value, bool):
        return _unrated(kode, BELUM_DIISI)
    return rate(kode, value, band, butir=(("rasio", value),))


def _kinerja_lain(answers: dict[str, Answer], needed: int) -> list[HealthIndicator]:
    """The kinerja keuangan items kopledger does not compute, each as entered (its nilai 1–4);
    a line ``belum-diisi`` while fewer than ``needed`` are entered."""
    lines = []
    for item, value in sorted(answers.items(), key=lambda kv: (len(kv[0]), kv[0]))[:needed]:
        nilai = int(value)
        base = _rated("kinerja-keuangan-lain", nilai, None, butir=((item, value),))
        lines.append(HealthIndicator(**{**base.__dict__, "kode": f"kinerja-keuangan-lain-{item}",
                                        "nama": f"{base.nama} {item}"}))
    if len(lines) < needed:
        lines.append(_unrated("kinerja-keuangan-lain", BELUM_DIISI, pembilang=Decimal(len(lines)),
                              penyebut=Decimal(needed)))
    return lines


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
    lengkap = len(rated) == len(applicable)
    return HealthAspect(
        kode, nama, bobot, tuple(indicators), mean.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), tampil(score),
        KATEGORI[PREDIKAT.nilai(score)] if lengkap else None, lengkap,
    )


def assess(kop: Books, year: int, *, periode: Periode | None = None, laporan: FinancialStatements | None = None,
           portfolio: Portfolio | None = None, figures: dict[int, YearFigures] | None = None) -> HealthAssessment:
    """The health assessment of tahun buku ``year`` for ``periode`` (from ``Koperasi.periode``;
    default: decided for today): a year not yet ended is assessed provisionally, its loans
    valued at the period's date. ``laporan``, ``portfolio`` and ``figures`` (YearFigures by
    year) are taken when the caller already has them (for the same period).

    No indicator is dropped: one that cannot be computed or is not answered makes its aspect
    incomplete, and then the assessment has no nilai akhir and no predikat."""
    periode = periode or decide_period(year, today=hari_ini())
    per = periode.per_sementara
    end = periode.per
    overrides, errors = parse_band_overrides(kop.entries, end)
    answers, answer_errors = parse_answers(kop.entries, year)
    errors += answer_errors
    bands = {**BANDS, **overrides}
    books = book_indicators(kop, year, laporan=laporan, portfolio=portfolio, bands=overrides, figures=figures,
                            per=per)
    simpan_pinjam = books["npl"].status != TIDAK_BERLAKU
    aspects = []
    for kode, nama, key in ASPEK:
        lines: list[HealthIndicator] = []
        for d in INDIKATOR:
            if d.aspek != kode:
                continue
            if d.usp and not simpan_pinjam:
                lines.append(_unrated(d.kode, TIDAK_BERLAKU))
            elif d.sumber == "buku":
                lines.append(books[d.kode])
            elif d.kode == "kinerja-keuangan-lain":
                items = KINERJA_BUTIR_SIMPAN_PINJAM if simpan_pinjam else KINERJA_BUTIR
                computed = sum(1 for x in lines if x.status != TIDAK_BERLAKU)
                lines.extend(_kinerja_lain(answers.get(d.kode, {}), items - computed))
            elif d.angka:
                lines.append(_figure(d.kode, answers.get(d.kode, {}), bands[d.kode]))
            else:
                lines.append(_checklist(d, answers.get(d.kode, {})))
        aspects.append(_aspect(kode, nama, Decimal(kop.policies.value(key, end)), lines))
    lengkap = all(a.lengkap for a in aspects)
    total: Decimal | None = None
    if lengkap:
        weight = sum((a.bobot for a in aspects), ZERO)
        scores = [(a.bobot, _score(a.indikator) or ZERO) for a in aspects]
        total = persen(sum((bobot * score for bobot, score in scores), ZERO), weight * HUNDRED) if weight else None
    kurang = tuple(i.kode for a in aspects for i in a.indikator if i.status in (BELUM_DIISI, TIDAK_DAPAT_DIHITUNG))
    return HealthAssessment(
        tahun=year,
        aspek=tuple(aspects),
        nilai_akhir=tampil(total) if total is not None else None,
        predikat=PREDIKAT_AKHIR[bands["nilai-akhir"].nilai(total)] if total is not None else None,
        lengkap=lengkap,
        simpan_pinjam=simpan_pinjam,
        isian_ada=bool(answers),
        errors=tuple(error_line(e) for e in errors),
        per=per,
        kurang=kurang,
    )
