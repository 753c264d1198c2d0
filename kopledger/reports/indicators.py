"""Key indicators of the RAT: the year's figures and their year-on-year reading.

:func:`year_figures` reads one year's figures from the books (pure: entries in, a frozen
dataclass out); :func:`key_indicators` compares two years' figures (pure arithmetic).

Every figure is the financial statements' (docs/rat.md states the definitions):

- *total aset*, *aset lancar*, *total liabilitas*, *liabilitas lancar* (jangka pendek),
  *ekuitas*: the neraca's totals at 31 December (current or not as the account
  catalogue classifies each account, ``jangka`` metadata included);
- *modal sendiri* (UU 25/1992 Pasal 41): simpanan pokok + simpanan wajib + cadangan + hibah,
  the equity statement's closing balances by component;
- *volume usaha*: the PHU's partisipasi anggota + pendapatan dari non-anggota;
- *SHU*: the PHU's SHU (income − expenses of the year, its closing entry excluded);
- *rasio modal*: ekuitas / total aset — THE own-capital ratio of the whole pack: the key
  indicators, the notes and the health assessment's permodalan (Juknis 15/2021 Tabel 4.1)
  all read :func:`equity_ratio`, and its reading follows the Tabel 4.1 band;
- *likuiditas* (current ratio): aset lancar / liabilitas jangka pendek;
- *porsi usaha dengan anggota*: partisipasi anggota / volume usaha.

Ratios are one function each (:func:`equity_ratio`, :func:`own_capital_ratio`, …), compared with
their thresholds unrounded and shown rounded half up to 2 places (:mod:`kopledger.core.rasio`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from kopledger.books.ledger import Books
from kopledger.books.rat_directives import BANDS
from kopledger.core.rasio import persen, tampil
from kopledger.core.roots import MemberKind
from kopledger.reports.membership import growth_percent, member_count
from kopledger.reports.statements import statements_of

ZERO = Decimal(0)


@dataclass(frozen=True)
class YearFigures:
    """One year's figures for the indicators (rupiah, signed as people read them)."""

    tahun: int
    anggota: int
    total_aset: Decimal
    aset_lancar: Decimal
    total_liabilitas: Decimal
    liabilitas_lancar: Decimal
    ekuitas: Decimal
    modal_sendiri: Decimal
    volume_usaha: Decimal
    pendapatan_anggota: Decimal
    pendapatan_non_anggota: Decimal
    pendapatan_lain: Decimal
    shu: Decimal
    simpanan_pokok: Decimal
    simpanan_wajib: Decimal
    simpanan_sukarela: Decimal
    simpanan_berjangka: Decimal
    cadangan: Decimal
    hibah: Decimal
    modal_penyertaan: Decimal


@dataclass(frozen=True)
class Indicator:
    """One key indicator: its value this year and last, change, and a reading code.

    ``satuan`` is ``"orang"``, ``"rupiah"``, ``"persen"`` or ``"rasio"``. ``arah`` is
    ``"naik"``, ``"turun"``, ``"tetap"`` or ``""`` (no prior year). ``penilaian`` is
    ``"baik"``, ``"cukup"``, ``"perhatian"`` or ``""`` (no judgement).
    """

    kode: str
    nama: str
    satuan: str
    nilai: Decimal | None
    pembanding: Decimal | None
    perubahan: Decimal | None  # percent change for amounts and counts; points for ratios
    arah: str
    penilaian: str


def equity_ratio(figures: YearFigures) -> Decimal | None:
    """The own-capital ratio — ekuitas / total aset, a percent, unrounded (None without assets).
    The ONE capital ratio kopledger prints (key indicators, health assessment permodalan)."""
    return persen(figures.ekuitas, figures.total_aset)


def year_figures(kop: Books, year: int, *, per: dt.date | None = None) -> YearFigures:
    """The figures of ``year`` (at ``per``, default the year end), read from its financial
    statements (``kop.statements``): the neraca's totals, the PHU's, the equity statement's
    closing balance by component and the notes' member savings — the same numbers the
    statements show."""
    fs = statements_of(kop, year, per)
    neraca, phu = fs.neraca, fs.phu
    components = fs.ekuitas.saldo_akhir_per_kolom()
    savings = {line.akun: line.jumlah for line in fs.calk.simpanan if line.akun}
    roots = kop.roots
    anggota = phu.total("partisipasi_anggota")
    non_anggota = phu.total("pendapatan_non_anggota")
    pokok = components.get("simpanan-pokok", ZERO)
    wajib = components.get("simpanan-wajib", ZERO)
    cadangan = components.get("cadangan", ZERO)
    hibah = components.get("hibah", ZERO)
    return YearFigures(
        tahun=year,
        anggota=fs.calk.anggota_aktif[0] if per is not None else member_count(kop.members.values(), year).akhir,
        total_aset=neraca.total("total_aset"),
        aset_lancar=neraca.total("aset_lancar"),
        total_liabilitas=neraca.total("total_liabilitas"),
        liabilitas_lancar=neraca.total("liabilitas_jangka_pendek"),
        ekuitas=neraca.total("total_ekuitas"),
        modal_sendiri=pokok + wajib + cadangan + hibah,
        volume_usaha=anggota + non_anggota,
        pendapatan_anggota=anggota,
        pendapatan_non_anggota=non_anggota,
        pendapatan_lain=phu.total("pendapatan_lain"),
        shu=phu.total("shu"),
        simpanan_pokok=pokok,
        simpanan_wajib=wajib,
        simpanan_sukarela=savings.get(roots.member_parent(MemberKind.SUKARELA), ZERO),
        simpanan_berjangka=savings.get(roots.member_parent(MemberKind.BERJANGKA), ZERO),
        cadangan=cadangan,
        hibah=hibah,
        modal_penyertaan=components.get("modal-penyertaan", ZERO),
    )


def _direction(current: Decimal | None, prior: Decimal | None) -> str:
    if current is None or prior is None:
        return ""
    if current > prior:
        return "naik"
    if current < prior:
        return "turun"
    return "tetap"


def _growth(kode: str, nama: str, satuan: str, current: Decimal, prior: Decimal | None) -> Indicator:
    """A growth indicator: higher is better; a fall is flagged for attention."""
    change = growth_percent(current, prior) if prior is not None else None
    arah = _direction(current, prior)
    penilaian = {"naik": "baik", "tetap": "cukup", "turun": "perhatian"}.get(arah, "")
    return Indicator(kode, nama, satuan, current, prior, change, arah, penilaian)


def _ratio(
    kode: str, nama: str, exact: Decimal | None, exact_prior: Decimal | None, good: Decimal, fair: Decimal,
    strict: bool = False,
) -> Indicator:
    """A ratio indicator (percent, as shown): the unrounded ``exact`` ``good`` and above (above
    when ``strict``) is baik, ``fair`` and above cukup."""
    current = None if exact is None else tampil(exact)
    prior = None if exact_prior is None else tampil(exact_prior)
    change = current - prior if current is not None and prior is not None else None
    if exact is None:
        penilaian = ""
    elif exact > good or (exact == good and not strict):
        penilaian = "baik"
    elif exact > fair or (exact == fair and not strict):
        penilaian = "cukup"
    else:
        penilaian = "perhatian"
    return Indicator(kode, nama, "persen", current, prior, change, _direction(current, prior), penilaian)


#: Thresholds of the readings (percent): (baik from, cukup from). The capital ratio's are
#: Juknis 15/2021 Tabel 4.1's (> 30 Sehat, > 20 Cukup Sehat), the same band as the health
#: assessment's, so one ratio has one reading (strict: exactly 30 is not baik).
RATIO_THRESHOLDS = {
    "rasio-modal": (BANDS["rasio-ekuitas-aset"].batas[0], BANDS["rasio-ekuitas-aset"].batas[1]),
    "likuiditas": (Decimal(150), Decimal(100)),
    "porsi-anggota": (Decimal(75), Decimal(50)),
}


def key_indicators(current: YearFigures, prior: YearFigures | None = None) -> tuple[Indicator, ...]:
    """The RAT's key indicators of ``current`` against ``prior`` (None: no comparison)."""

    def before(name: str) -> Decimal | None:
        return None if prior is None else Decimal(getattr(prior, name))

    def ratio(figures: YearFigures | None, num: str, den: str) -> Decimal | None:
        if figures is None:
            return None
        return persen(getattr(figures, num), getattr(figures, den))

    shu_prior = before("shu")
    shu = _growth("shu", "SHU", "rupiah", current.shu, shu_prior)
    if shu_prior is not None and shu_prior <= 0:
        # Growth against a loss or zero is not meaningful as a percent.
        shu = Indicator(shu.kode, shu.nama, shu.satuan, shu.nilai, shu.pembanding, None, shu.arah, shu.penilaian)
    if current.shu < 0:
        shu = Indicator(shu.kode, shu.nama, shu.satuan, shu.nilai, shu.pembanding, shu.perubahan, shu.arah, "perhatian")
    return (
        _growth("anggota", "Jumlah anggota", "orang", Decimal(current.anggota), before("anggota")),
        _growth("ekuitas", "Ekuitas", "rupiah", current.ekuitas, before("ekuitas")),
        _growth("aset", "Total aset", "rupiah", current.total_aset, before("total_aset")),
        _growth("volume-usaha", "Volume usaha", "rupiah", current.volume_usaha, before("volume_usaha")),
        shu,
        _ratio(
            "rasio-modal", "Rasio ekuitas terhadap total aset",
            equity_ratio(current), equity_ratio(prior) if prior is not None else None,
            *RATIO_THRESHOLDS["rasio-modal"], strict=True,
        ),
        _ratio(
            "likuiditas", "Likuiditas (aset lancar terhadap kewajiban lancar)",
            ratio(current, "aset_lancar", "liabilitas_lancar"), ratio(prior, "aset_lancar", "liabilitas_lancar"),
            *RATIO_THRESHOLDS["likuiditas"],
        ),
        _ratio(
            "porsi-anggota", "Porsi usaha dengan anggota",
            ratio(current, "pendapatan_anggota", "volume_usaha"), ratio(prior, "pendapatan_anggota", "volume_usaha"),
            *RATIO_THRESHOLDS["porsi-anggota"],
        ),
    )
