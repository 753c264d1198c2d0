"""Key indicators of the RAT: the year's figures and their year-on-year reading.

:func:`year_figures` reads one year's figures from the books (pure: entries in, a frozen
dataclass out); :func:`key_indicators` compares two years' figures (pure arithmetic).

Definitions (stated in docs/rat.md):

- *total aset*: balance of the asset root at 31 December;
- *ekuitas*: balance of the equity root plus the year's SHU not yet closed into it;
- *modal sendiri* (UU 25/1992 Pasal 41): simpanan pokok + simpanan wajib + cadangan + hibah;
- *volume usaha*: the year's business income (income under ``Pendapatan:Anggota`` and
  ``Pendapatan:NonAnggota``);
- *SHU*: income − expenses of the year, excluding the year's closing entry;
- *rasio modal*: ekuitas / total aset (ekuitas here includes the year's SHU not yet
  divided, as the statement of financial position shows it);
- *likuiditas* (current ratio): current assets (all assets except ``Penyertaan`` and
  ``AsetTetap``) / current liabilities (all liabilities except ``UtangBank``);
- *porsi usaha dengan anggota*: member business income / volume usaha.

Percentages are rounded half up to 2 places.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from kopledger.accounts import MemberKind
from kopledger.balances import account_balances, is_closing_of, rollup
from kopledger.ledger import Koperasi
from kopledger.membership import growth_percent, member_count

ZERO = Decimal(0)
TWO_PLACES = Decimal("0.01")


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


def _quantize(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def ratio_percent(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    """``numerator / denominator × 100`` (2 places, half up); None when the denominator is 0."""
    if denominator == 0:
        return None
    return _quantize(numerator / denominator * 100)


def year_figures(kop: Koperasi, year: int) -> YearFigures:
    """The figures of ``year`` read from the books (balances at 31 December, flows in the year)."""
    roots = kop.roots
    end = dt.date(year, 12, 31)
    closing = is_closing_of(year)
    balances = account_balances(kop.entries, currency=kop.currency, end=end, exclude=closing)
    flows = account_balances(
        kop.entries, currency=kop.currency, start=dt.date(year, 1, 1), end=end, exclude=closing
    )
    income = -rollup(flows, roots.pendapatan)
    expenses = rollup(flows, roots.beban)
    shu = income - expenses
    # Income and expenses not yet closed into equity (all years up to this one).
    unclosed = -(rollup(balances, roots.pendapatan) + rollup(balances, roots.beban))

    total_aset = rollup(balances, roots.aset)
    aset_tidak_lancar = rollup(balances, f"{roots.aset}:Penyertaan") + rollup(
        balances, f"{roots.aset}:AsetTetap"
    )
    total_liabilitas = -rollup(balances, roots.liabilitas)
    utang_jangka_panjang = -rollup(balances, f"{roots.liabilitas}:UtangBank")
    pokok = -rollup(balances, roots.member_parent(MemberKind.POKOK))
    wajib = -rollup(balances, roots.member_parent(MemberKind.WAJIB))
    cadangan = -rollup(balances, roots.cadangan)
    hibah = -rollup(balances, f"{roots.ekuitas}:Hibah")
    anggota = -rollup(flows, roots.pendapatan_anggota)
    non_anggota = -rollup(flows, roots.pendapatan_non_anggota)
    return YearFigures(
        tahun=year,
        anggota=member_count(kop.members.values(), year).akhir,
        total_aset=total_aset,
        aset_lancar=total_aset - aset_tidak_lancar,
        total_liabilitas=total_liabilitas,
        liabilitas_lancar=total_liabilitas - utang_jangka_panjang,
        ekuitas=-rollup(balances, roots.ekuitas) + unclosed,
        modal_sendiri=pokok + wajib + cadangan + hibah,
        volume_usaha=anggota + non_anggota,
        pendapatan_anggota=anggota,
        pendapatan_non_anggota=non_anggota,
        pendapatan_lain=income - anggota - non_anggota,
        shu=shu,
        simpanan_pokok=pokok,
        simpanan_wajib=wajib,
        simpanan_sukarela=-rollup(balances, roots.member_parent(MemberKind.SUKARELA)),
        simpanan_berjangka=-rollup(balances, roots.member_parent(MemberKind.BERJANGKA)),
        cadangan=cadangan,
        hibah=hibah,
        modal_penyertaan=-rollup(balances, f"{roots.ekuitas}:ModalPenyertaan"),
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
    kode: str, nama: str, current: Decimal | None, prior: Decimal | None, good: Decimal, fair: Decimal
) -> Indicator:
    """A ratio indicator (percent): ``good`` and above is baik, ``fair`` and above cukup."""
    change = current - prior if current is not None and prior is not None else None
    if current is None:
        penilaian = ""
    elif current >= good:
        penilaian = "baik"
    elif current >= fair:
        penilaian = "cukup"
    else:
        penilaian = "perhatian"
    return Indicator(kode, nama, "persen", current, prior, change, _direction(current, prior), penilaian)


#: Thresholds of the readings (percent): (baik from, cukup from).
RATIO_THRESHOLDS = {
    "rasio-modal": (Decimal(50), Decimal(20)),
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
        return ratio_percent(getattr(figures, num), getattr(figures, den))

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
            "rasio-modal", "Rasio modal sendiri (ekuitas) terhadap total aset",
            ratio(current, "ekuitas", "total_aset"), ratio(prior, "ekuitas", "total_aset"),
            *RATIO_THRESHOLDS["rasio-modal"],
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
