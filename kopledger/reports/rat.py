"""The RAT pack: the pengurus' annual report to the Rapat Anggota Tahunan.

:func:`build_rat` gathers everything the document shows into one frozen
:class:`RatPack` (membership, the five statements, SHU, savings and loans, key
indicators, charts as data, texts, officers); :func:`render_rat` renders it through the
templates under ``templates/rat/`` to HTML (self-contained, charts drawn as inline SVG at
render time) or PDF; :func:`rat_json` gives its figures as the JSON contract
(kopledger/schemas/rat.schema.json).

Every figure comes from what the :class:`~kopledger.books.ledger.Books` computes once: the
statements (``kop.statements``), the SHU (``kop.shu``), the loan portfolio
(``kop.portfolio``). An SHU that cannot be computed (no split in force, a loss year
without members…) is left out with the reason (``RatPack.belum_tersedia``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from kopledger.books.closed.year_files import closed_sidik
from kopledger.books.directives import KoperasiInfo, Officer
from kopledger.books.ledger import Books
from kopledger.books.periode import Periode, decide_period, hari_ini
from kopledger.books.rat_directives import YearSummary, parse_rat_texts
from kopledger.books.years import all_members, year_books
from kopledger.core.errors import InputError, KopledgerError, Pesan
from kopledger.core.peringatan import Peringatan
from kopledger.ops.loans.entries import Portfolio
from kopledger.ops.loans.quality import portfolio
from kopledger.ops.savings import WajibArrears, wajib_arrears
from kopledger.ops.shu.compute import ShuResult, existing_allocation, shu_of
from kopledger.reports.anggaran import Budget, Plan, rapb, realisasi_anggaran
from kopledger.reports.grafik import Grafik
from kopledger.reports.indicators import Indicator, YearFigures, key_indicators, year_figures
from kopledger.reports.kesehatan import HealthAssessment, assess
from kopledger.reports.membership import MembershipStats, membership_stats
from kopledger.reports.peringatan import peringatan
from kopledger.reports.riwayat import history
from kopledger.reports.statements import FinancialStatements, statements_of
from kopledger.reports.unit_usaha import UnitSummary, phu_per_unit

ZERO = Decimal(0)

Progress = Callable[[str], None]

#: Order of pengurus roles in the signature block; other roles follow by name.
ROLE_ORDER = ("ketua", "wakil-ketua", "sekretaris", "bendahara")


@dataclass(frozen=True)
class SavingsTotals:
    """Savings balances by kind at one date (rupiah)."""

    tanggal: dt.date
    pokok: Decimal
    wajib: Decimal
    sukarela: Decimal
    berjangka: Decimal

    @property
    def total(self) -> Decimal:
        return self.pokok + self.wajib + self.sukarela + self.berjangka


@dataclass(frozen=True)
class RatPack:
    """Everything the RAT document shows for tahun buku ``tahun``."""

    tahun: int
    lang: str
    nama: str
    info: KoperasiInfo | None
    pengurus: tuple[Officer, ...]
    pengawas: tuple[Officer, ...]
    tempat: str
    tanggal: dt.date | None
    anggota: MembershipStats
    angka: YearFigures
    angka_pembanding: YearFigures | None
    indikator: tuple[Indicator, ...]
    simpanan: SavingsTotals
    simpanan_pembanding: SavingsTotals | None
    laporan: FinancialStatements | None = None
    shu: ShuResult | None = None
    shu_dibukukan: dt.date | None = None  # date of the year's SHU allocation entry, if booked
    tunggakan_wajib: tuple[WajibArrears, ...] | None = None
    pinjaman: Portfolio | None = None
    grafik: tuple[Grafik, ...] = ()
    teks: dict[str, str] = field(default_factory=dict)
    #: Parts left out of the document: part id → why (shown in the document).
    belum_tersedia: dict[str, str] = field(default_factory=dict)
    # -- added for the examiner (examiner_parts) --
    peringatan: tuple[Peringatan, ...] = ()  # RAT warnings (kopledger.reports.peringatan), then the SHU's
    kesehatan: HealthAssessment | None = None
    anggaran: Budget | None = None  # realisasi vs anggaran of the year
    rapb: Plan | None = None  # next year's budget
    unit_usaha: UnitSummary | None = None  # PHU per unit
    riwayat: tuple[YearSummary, ...] = ()  # up to five years
    sidik: dict[int, str] = field(default_factory=dict)  # issue 13: sidik of each closed year
    #: The period reported (Koperasi.periode): provisional when the year has not ended, its
    #: figures, loans and arrears then at ``periode.per``.
    periode: Periode | None = None

    @property
    def sementara(self) -> bool:
        """True when the pack's figures are provisional."""
        return self.periode is not None and self.periode.sementara

    @property
    def chart(self) -> dict[str, Grafik]:
        """Charts by id."""
        return {c.id: c for c in self.grafik}


def rat_texts(kop: Books, year: int) -> dict[str, str]:
    """The pack's texts of tahun buku ``year`` (``rat-teks``: :func:`~kopledger.books.rat_directives.parse_rat_texts`)."""
    return parse_rat_texts(kop.entries, year)


def rat_date(kop: Books, year: int, texts: dict[str, str]) -> dt.date | None:
    """The RAT date: ``rat-teks "tanggal"``, else the date of the year's SHU allocation entry."""
    if texts.get("tanggal"):
        try:
            return dt.date.fromisoformat(texts["tanggal"].strip())
        except ValueError:
            raise InputError.pesan(
                'rat-teks "tanggal" harus tanggal seperti "{tahun_rat}-03-15", tertulis {tanggal!r}; '
                'perbaiki nilainya',
                tahun_rat=year + 1, tanggal=texts["tanggal"],
            ) from None
    booked = existing_allocation(kop, year)
    return booked.date if booked is not None else None


def _split_officers(officers: list[Officer]) -> tuple[tuple[Officer, ...], tuple[Officer, ...]]:
    pengawas = [o for o in officers if "pengawas" in o.role]
    pengurus = [o for o in officers if "pengawas" not in o.role]

    def rank(o: Officer) -> tuple[int, str]:
        return (ROLE_ORDER.index(o.role) if o.role in ROLE_ORDER else len(ROLE_ORDER), o.role)

    return tuple(sorted(pengurus, key=rank)), tuple(sorted(pengawas, key=lambda o: (o.role != "ketua-pengawas", o.role)))


def _savings_totals(figures: YearFigures, per: dt.date | None = None) -> SavingsTotals:
    """Savings by kind at the end of the year (or at ``per``): the figures of the statements' notes."""
    return SavingsTotals(
        per or dt.date(figures.tahun, 12, 31), figures.simpanan_pokok, figures.simpanan_wajib,
        figures.simpanan_sukarela, figures.simpanan_berjangka,
    )


def income_mix(kop: Books, year: int) -> tuple[tuple[str, Decimal], ...]:
    """The year's income by statement line (label, amount), largest first: the PHU's lines."""
    phu = statements_of(kop, year).phu
    income_lines = [line for line in phu.lines if line.jenis == "baris" and kop.katalog[line.akun].jenis == "pendapatan"]
    rows = [(line.label, line.jumlah) for line in income_lines if line.jumlah != 0]
    return tuple(sorted(rows, key=lambda r: (-r[1], r[0])))


def build_charts(
    kop: Books,
    year: int,
    stats: MembershipStats,
    history: list[YearFigures],
) -> tuple[Grafik, ...]:
    """The pack's charts, as data: member growth, composition of equity, SHU over the years,
    income mix (the words are chosen when drawn)."""
    years = tuple(str(y.tahun) for y in stats.riwayat)
    unknown = tuple(y.jumlah.akhir - y.perempuan_akhir - y.laki_laki_akhir for y in stats.riwayat)
    member_series: list[tuple[str, tuple[Decimal | int | None, ...]]] = [
        ("Perempuan", tuple(y.perempuan_akhir for y in stats.riwayat)),
        ("Laki-laki", tuple(y.laki_laki_akhir for y in stats.riwayat)),
    ]
    if any(unknown):
        member_series.append(("Tidak tercatat", unknown))
    result = [Grafik("grafik-anggota", "Jumlah anggota pada akhir tahun", "batang", years, tuple(member_series),
                     "orang", bertumpuk=True)]

    current = history[-1]
    shu_dan_lain = current.ekuitas - (
        current.simpanan_pokok + current.simpanan_wajib + current.cadangan + current.hibah + current.modal_penyertaan
    )
    parts = [
        ("Simpanan Pokok", current.simpanan_pokok),
        ("Simpanan Wajib", current.simpanan_wajib),
        ("Cadangan", current.cadangan),
        ("Hibah", current.hibah),
        ("Modal Penyertaan", current.modal_penyertaan),
        ("SHU dan ekuitas lain", shu_dan_lain),
    ]
    slices: tuple[tuple[str, tuple[Decimal | int | None, ...]], ...] = tuple(
        (name, (value,)) for name, value in parts if value > 0)
    if slices:
        result.append(Grafik("grafik-modal", "Komposisi ekuitas pada akhir tahun", "lingkaran", (), slices))
    result.append(Grafik("grafik-shu", "Sisa hasil usaha per tahun", "batang",
                         tuple(str(f.tahun) for f in history), (("SHU", tuple(f.shu for f in history)),)))
    mix = tuple((name, (value,)) for name, value in income_mix(kop, year) if value > 0)
    if mix:
        result.append(Grafik("grafik-pendapatan", "Komposisi pendapatan", "lingkaran", (), mix))
    return tuple(result)


def examiner_parts(kop: Books, year: int, *, laporan: FinancialStatements | None = None, portfolio: Portfolio | None = None,
                   figures: dict[int, YearFigures] | None = None, periode: Periode | None = None,
                   ) -> tuple[dict[str, Any], dict[str, Pesan]]:
    """The pack's parts added for the examiner (health assessment, budget and RAPB, units, five-year
    history, warnings), from figures the pack already has (one figure, one definition):
    (RatPack fields, parts left out with why: a :class:`~kopledger.core.errors.Pesan`, worded in the
    pack's language by the caller). ``figures``: the pack's YearFigures by year; ``periode``: the pack's."""
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
    fields["unit_usaha"] = phu_per_unit(kop, year, per=periode.per_sementara if periode else None)
    fields["riwayat"] = history(kop, year, figures=figures)
    fields["peringatan"] = peringatan(kop, year, portfolio=portfolio, figures=figures, periode=periode)
    return fields, missing


def build_rat(
    kop: Books,
    year: int,
    *,
    lang: str = "id",
    tempat: str | None = None,
    tanggal: dt.date | None = None,
    progress: Progress | None = None,
    periode: Periode | None = None,
) -> RatPack:
    """Gather the RAT pack of tahun buku ``year`` from the books, for ``periode`` (from
    ``Koperasi.periode``; default: decided for today). A year not yet ended gives a provisional
    pack: statements, figures, SHU, loans and arrears at the period's date, marked as such.

    ``tempat`` and ``tanggal`` (place and date of the signatures) default to ``rat-teks``
    directives, then to the date of the year's SHU allocation entry. ``progress`` is called
    with a short Indonesian message before each step (for a progress display).
    """
    step = progress or (lambda _message: None)

    books = year_books(kop)  # issue 13: in a year file, earlier years come from their archived files
    years = list(books)
    if not years:
        raise InputError.pesan("buku belum berisi transaksi: belum ada yang bisa dilaporkan")
    if year not in years:
        raise InputError.pesan(
            "buku tidak berisi transaksi pada tahun {tahun}",
            hint="Tahun yang ada di buku: {tahun_ada}.", tahun=year, tahun_ada=", ".join(str(y) for y in years),
        )
    missing: dict[str, str] = {}
    periode = periode or decide_period(year, today=hari_ini())
    per = periode.per_sementara

    step("Keanggotaan")
    stats = membership_stats(all_members(books).values(), year, [y for y in years if y <= year])

    step("Angka tahunan dan indikator")
    history = [year_figures(books[y], y, per=per if y == year else None) for y in years if y <= year]
    figures = history[-1]
    prior = history[-2] if len(history) > 1 and history[-2].tahun == year - 1 else None
    indicators = key_indicators(figures, prior)

    step("Laporan keuangan")
    laporan = statements_of(kop, year, per)

    step("Sisa hasil usaha")
    shu = None
    shu_dibukukan = None
    try:
        # A year not yet ended gets a provisional SHU, marked as such in the document.
        shu = shu_of(kop, year, sementara=periode.sementara, today=periode.sesudah)
    except KopledgerError as exc:
        missing["shu"] = exc.in_lang(lang)
    else:
        shu_dibukukan = rat_date_of_allocation(kop, year)

    step("Simpanan dan pinjaman")
    simpanan = _savings_totals(figures, per)
    simpanan_prior = _savings_totals(prior) if prior is not None else None
    arrears = tuple(wajib_arrears(kop, periode.per))
    loan_portfolio = portfolio(kop, periode.per)

    step("Grafik")
    grafik = build_charts(kop, year, stats, history)

    step("Penilaian kesehatan, anggaran, unit usaha")
    examiner, examiner_missing = examiner_parts(kop, year, laporan=laporan, portfolio=loan_portfolio,
                                                figures={f.tahun: f for f in history}, periode=periode)
    missing.update({part: why.in_lang(lang) for part, why in examiner_missing.items()})

    texts = rat_texts(kop, year)
    pengurus, pengawas = _split_officers(kop.officers)

    return RatPack(
        sidik=closed_sidik(kop, until=year),
        tahun=year,
        lang=lang,
        nama=kop.title,
        info=kop.info,
        pengurus=pengurus,
        pengawas=pengawas,
        tempat=tempat if tempat is not None else texts.get("tempat", ""),
        tanggal=tanggal or rat_date(kop, year, texts),
        anggota=stats,
        angka=figures,
        angka_pembanding=prior,
        indikator=indicators,
        simpanan=simpanan,
        simpanan_pembanding=simpanan_prior,
        laporan=laporan,
        shu=shu,
        shu_dibukukan=shu_dibukukan,
        tunggakan_wajib=arrears,
        pinjaman=loan_portfolio,
        grafik=grafik,
        teks=texts,
        belum_tersedia=missing,
        periode=periode,
        **examiner,
    )


def rat_date_of_allocation(kop: Books, year: int) -> dt.date | None:
    """The date of the year's SHU allocation entry (``#shu-alokasi ^shu-YEAR``), if booked."""
    booked = existing_allocation(kop, year)
    return booked.date if booked is not None else None


