"""The RAT pack: the pengurus' annual report to the Rapat Anggota Tahunan.

:func:`build_rat` gathers everything the document shows into one frozen
:class:`RatPack` (membership, the five statements, SHU, savings and loans, key
indicators, charts as SVG, texts, officers); :func:`render_rat` renders it through the
templates under ``templates/rat/`` to HTML (self-contained) or PDF.

The statements, SHU, savings, loans and PDF modules are imported lazily: a section whose
module is missing or cannot be computed is left out of the document with a note saying
so (``RatPack.belum_tersedia``), rather than failing the whole pack.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from beancount.core import data

from kopledger import formatting, grafik
from kopledger.balances import account_balances, is_closing_of
from kopledger.config import KoperasiInfo, Officer, customs
from kopledger.errors import InputError, KopledgerError
from kopledger.indicators import Indicator, YearFigures, key_indicators, year_figures
from kopledger.ledger import Koperasi
from kopledger.membership import MembershipStats, membership_stats
from kopledger.render import translate

ZERO = Decimal(0)

Progress = Callable[[str], None]

#: Sections of the document, in order: (id, title). Titles are Indonesian; templates translate.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("kata-pengantar", "Kata Pengantar"),
    ("keanggotaan", "Keanggotaan"),
    ("laporan-keuangan", "Laporan Keuangan"),
    ("shu", "Sisa Hasil Usaha"),
    ("simpanan-pinjaman", "Simpanan dan Pinjaman"),
    ("indikator", "Indikator Utama"),
    ("pengesahan", "Pengesahan"),
)

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
class ChartSvg:
    """One chart of the pack: its id, Indonesian title, and the SVG markup."""

    id: str
    judul: str
    svg: str


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
    laporan: Any = None  # kopledger.statements.FinancialStatements
    shu: Any = None  # kopledger.shu.ShuResult
    shu_dibukukan: dt.date | None = None  # date of the year's SHU allocation entry, if booked
    tunggakan_wajib: tuple[Any, ...] | None = None  # kopledger.savings.WajibArrears
    pinjaman: Any = None  # kopledger.loans.Portfolio
    grafik: tuple[ChartSvg, ...] = ()
    teks: dict[str, str] = field(default_factory=dict)
    #: Parts left out of the document: part id → why (shown in the document).
    belum_tersedia: dict[str, str] = field(default_factory=dict)
    peringatan: tuple[str, ...] = ()

    @property
    def chart(self) -> dict[str, ChartSvg]:
        """Charts by id."""
        return {c.id: c for c in self.grafik}


def _optional(module: str) -> Any:
    """Import ``kopledger.<module>``, or None when it is not there (yet)."""
    try:
        return importlib.import_module(f"kopledger.{module}")
    except ImportError:
        return None


def rat_texts(kop: Koperasi, year: int) -> dict[str, str]:
    """Texts of the pack from ``custom "rat-teks" "KEY" "TEXT"`` directives.

    A text belongs to tahun buku ``year`` when its metadata ``tahun`` says so, or, without
    ``tahun``, when it is dated in ``year`` or ``year + 1`` (the RAT is held after year end).
    The latest such directive of each key wins. Keys the templates use: ``kata-pengantar``,
    ``laporan-pengawas``, ``rencana-kerja``, ``penutup``, ``tempat``, ``tanggal``.
    """
    texts: dict[str, str] = {}
    for entry in customs(kop.entries, "rat-teks"):
        values = [v.value for v in entry.values]
        if len(values) < 2 or not all(isinstance(v, str) for v in values):
            continue
        tahun = entry.meta.get("tahun")
        if tahun is not None:
            if str(tahun).split(".")[0] != str(year):
                continue
        elif entry.date.year not in (year, year + 1):
            continue
        texts[values[0]] = "\n\n".join(values[1:])
    return texts


def rat_date(kop: Koperasi, year: int, texts: dict[str, str]) -> dt.date | None:
    """The RAT date: ``rat-teks "tanggal"``, else the date of the year's SHU allocation entry."""
    if texts.get("tanggal"):
        try:
            return dt.date.fromisoformat(texts["tanggal"].strip())
        except ValueError:
            raise InputError(
                f'rat-teks "tanggal" harus tanggal seperti "{year + 1}-03-15", tertulis {texts["tanggal"]!r}; perbaiki nilainya'
            ) from None
    link = f"shu-{year}"
    for entry in kop.entries:
        if isinstance(entry, data.Transaction) and link in (entry.links or ()) and "shu-alokasi" in (
            entry.tags or ()
        ):
            return entry.date
    return None


def _split_officers(officers: list[Officer]) -> tuple[tuple[Officer, ...], tuple[Officer, ...]]:
    pengawas = [o for o in officers if "pengawas" in o.role]
    pengurus = [o for o in officers if "pengawas" not in o.role]

    def rank(o: Officer) -> tuple[int, str]:
        return (ROLE_ORDER.index(o.role) if o.role in ROLE_ORDER else len(ROLE_ORDER), o.role)

    return tuple(sorted(pengurus, key=rank)), tuple(sorted(pengawas, key=lambda o: (o.role != "ketua-pengawas", o.role)))


def _savings_totals(kop: Koperasi, figures: YearFigures, savings: Any) -> SavingsTotals:
    """Savings by kind at the end of the year: from kopledger.savings when present."""
    date = dt.date(figures.tahun, 12, 31)
    if savings is not None and hasattr(savings, "savings_summary"):
        summary = savings.savings_summary(kop, date)
        return SavingsTotals(date, summary.pokok, summary.wajib, summary.sukarela, summary.berjangka)
    return SavingsTotals(
        date, figures.simpanan_pokok, figures.simpanan_wajib, figures.simpanan_sukarela, figures.simpanan_berjangka
    )


def _account_labels(kop: Koperasi) -> dict[str, str]:
    """Readable account names: the ``nama`` metadata of ``open``, else the last component."""
    labels: dict[str, str] = {}
    for entry in kop.entries:
        if isinstance(entry, data.Open):
            nama = (entry.meta or {}).get("nama")
            labels[entry.account] = str(nama) if nama else entry.account.split(":", 1)[-1].replace(":", " ")
    return labels


def income_mix(kop: Koperasi, year: int) -> tuple[tuple[str, Decimal], ...]:
    """The year's income by account (label, amount), largest first; the closing entry excluded."""
    flows = account_balances(
        kop.entries,
        currency=kop.currency,
        start=dt.date(year, 1, 1),
        end=dt.date(year, 12, 31),
        exclude=is_closing_of(year),
    )
    labels = _account_labels(kop)
    root = kop.roots.pendapatan
    rows = [
        (labels.get(account, account.split(":", 1)[-1].replace(":", " ")), -amount)
        for account, amount in flows.items()
        if kop.roots.is_under(account, root) and amount != 0
    ]
    return tuple(sorted(rows, key=lambda r: (-r[1], r[0])))


def build_charts(
    kop: Koperasi,
    year: int,
    stats: MembershipStats,
    history: list[YearFigures],
    lang: str = "id",
) -> tuple[ChartSvg, ...]:
    """The pack's charts: member growth, composition of equity, SHU over the years, income mix."""

    def _(text: str) -> str:
        return translate(text, lang)

    def rupiah(value: Any) -> str:
        return formatting.rupiah(Decimal(str(value)), lang)

    def angka(value: Any) -> str:
        return formatting.angka(Decimal(str(value)), lang)

    years = [str(y.tahun) for y in stats.riwayat]
    unknown = [y.jumlah.akhir - y.perempuan_akhir - y.laki_laki_akhir for y in stats.riwayat]
    member_series: list[tuple[str, list[Decimal | int | None]]] = [
        (_("Perempuan"), [y.perempuan_akhir for y in stats.riwayat]),
        (_("Laki-laki"), [y.laki_laki_akhir for y in stats.riwayat]),
    ]
    if any(unknown):
        member_series.append((_("Tidak tercatat"), list(unknown)))
    result = [
        ChartSvg(
            "grafik-anggota",
            "Jumlah anggota pada akhir tahun",
            grafik.bar_chart("rat-anggota", years, member_series, value_formatter=angka, stacked=True, whole_numbers=True),
        )
    ]

    current = history[-1]
    shu_tahun_berjalan = current.ekuitas - (
        current.simpanan_pokok + current.simpanan_wajib + current.cadangan + current.hibah + current.modal_penyertaan
    )
    parts = [
        ("Simpanan Pokok", current.simpanan_pokok),
        ("Simpanan Wajib", current.simpanan_wajib),
        ("Cadangan", current.cadangan),
        ("Hibah", current.hibah),
        ("Modal Penyertaan", current.modal_penyertaan),
        ("SHU dan ekuitas lain", shu_tahun_berjalan),
    ]
    positive = sum((v for _n, v in parts if v > 0), ZERO)
    slices = [
        (f"{_(name)} {formatting.persen(value / positive * 100, lang, decimals=1)}", value)
        for name, value in parts
        if value > 0
    ]
    if slices:
        result.append(
            ChartSvg(
                "grafik-modal",
                "Komposisi ekuitas pada akhir tahun",
                grafik.pie_chart("rat-modal", slices, value_formatter=rupiah),
            )
        )

    result.append(
        ChartSvg(
            "grafik-shu",
            "Sisa hasil usaha per tahun",
            grafik.bar_chart(
                "rat-shu",
                [str(f.tahun) for f in history],
                [(_("SHU"), [f.shu for f in history])],
                value_formatter=rupiah,
            ),
        )
    )

    mix = income_mix(kop, year)
    total_income = sum((v for _n, v in mix if v > 0), ZERO)
    if total_income > 0:
        result.append(
            ChartSvg(
                "grafik-pendapatan",
                "Komposisi pendapatan",
                grafik.pie_chart(
                    "rat-pendapatan",
                    [
                        (f"{name} {formatting.persen(value / total_income * 100, lang, decimals=1)}", value)
                        for name, value in mix
                        if value > 0
                    ],
                    value_formatter=rupiah,
                ),
            )
        )
    return tuple(result)


def build_rat(
    kop: Koperasi,
    year: int,
    *,
    lang: str = "id",
    tempat: str | None = None,
    tanggal: dt.date | None = None,
    progress: Progress | None = None,
) -> RatPack:
    """Gather the RAT pack of tahun buku ``year`` from the books.

    ``tempat`` and ``tanggal`` (place and date of the signatures) default to ``rat-teks``
    directives, then to the date of the year's SHU allocation entry. ``progress`` is called
    with a short Indonesian message before each step (for a progress display).
    """
    step = progress or (lambda _message: None)
    years = kop.years()
    if not years:
        raise InputError("buku belum berisi transaksi: belum ada yang bisa dilaporkan")
    if year not in years:
        raise InputError(
            f"buku tidak berisi transaksi pada tahun {year}",
            hint=f"Tahun yang ada di buku: {', '.join(str(y) for y in years)}.",
        )
    missing: dict[str, str] = {}
    warnings: list[str] = []

    step("Keanggotaan")
    stats = membership_stats(kop.members.values(), year, [y for y in years if y <= year])

    step("Angka tahunan dan indikator")
    history = [year_figures(kop, y) for y in years if y <= year]
    figures = history[-1]
    prior = history[-2] if len(history) > 1 and history[-2].tahun == year - 1 else None
    indicators = key_indicators(figures, prior)

    step("Laporan keuangan")
    statements_mod = _optional("statements")
    laporan = None
    if statements_mod is None:
        missing["laporan-keuangan"] = "modul kopledger.statements belum terpasang"
    else:
        laporan = statements_mod.build_statements(kop, year)

    step("Sisa hasil usaha")
    shu_mod = _optional("shu")
    shu = None
    shu_dibukukan = None
    if shu_mod is None:
        missing["shu"] = "modul kopledger.shu belum terpasang"
    else:
        try:
            # A year not yet ended gets a provisional SHU, marked as such in the document.
            shu = shu_mod.compute_shu(kop, year, sementara=dt.date(year, 12, 31) >= dt.date.today())
        except KopledgerError as exc:
            missing["shu"] = exc.message
        else:
            warnings.extend(shu.peringatan)
            if hasattr(shu_mod, "existing_allocation"):
                booked = shu_mod.existing_allocation(kop, year)
                shu_dibukukan = booked.date if booked is not None else None

    step("Simpanan dan pinjaman")
    savings_mod = _optional("savings")
    simpanan = _savings_totals(kop, figures, savings_mod)
    simpanan_prior = _savings_totals(kop, prior, savings_mod) if prior is not None else None
    arrears = None
    if savings_mod is not None and hasattr(savings_mod, "wajib_arrears"):
        arrears = tuple(savings_mod.wajib_arrears(kop, dt.date(year, 12, 31)))
    else:
        missing["tunggakan-wajib"] = "modul kopledger.savings belum terpasang"
    loans_mod = _optional("loans")
    portfolio = None
    if loans_mod is not None and hasattr(loans_mod, "portfolio"):
        portfolio = loans_mod.portfolio(kop, dt.date(year, 12, 31))
    else:
        missing["pinjaman"] = "modul kopledger.loans belum terpasang"

    step("Grafik")
    grafik = build_charts(kop, year, stats, history, lang)

    texts = rat_texts(kop, year)
    pengurus, pengawas = _split_officers(kop.officers)
    return RatPack(
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
        pinjaman=portfolio,
        grafik=grafik,
        teks=texts,
        belum_tersedia=missing,
        peringatan=tuple(warnings),
    )


def render_rat(
    pack: RatPack,
    fmt: str = "html",
    lang: str | None = None,
    template_dir: str | Path | None = None,
) -> str | bytes:
    """Render the pack: ``"html"`` (a self-contained page, str) or ``"pdf"`` (bytes).

    ``lang`` defaults to the pack's language; ``template_dir`` overrides any template
    under ``rat/`` (e.g. ``rat/_kata_pengantar.html.j2``) by name.
    """
    from kopledger.render import render

    if fmt not in ("html", "pdf"):
        raise InputError(f"format RAT tidak dikenal: {fmt!r}; pakai html atau pdf")
    lang = lang or pack.lang
    context = {
        "pack": pack,
        "judul": f"{translate('Laporan Pertanggungjawaban Pengurus', lang)} {pack.tahun} — {pack.nama}",
        "sections": SECTIONS,
        "laporan": pack.laporan,
        "kop_info": pack.info or KoperasiInfo(nama=pack.nama),
        "pdf": fmt == "pdf",
    }
    html = render("rat/rat.html.j2", context, lang=lang, template_dir=template_dir)
    if fmt == "html":
        return html
    output = _optional("output")
    if output is None or not hasattr(output, "html_to_pdf"):
        raise InputError("keluaran PDF tidak tersedia (kopledger.output tidak ada); tulis HTML saja")
    pdf: bytes = output.html_to_pdf(html)
    return pdf
