"""The RAT and examiner directives of the ledger language, parsed: ``anggaran`` (budgets),
``ringkasan-tahun`` (key figures of a year before the books), ``kesehatan-isian`` (the
pengurus' self-assessment) and ``kesehatan-batas`` (health band overrides), ``rat-teks``
(the RAT pack's texts), with the bands and indicators they name.

The plugin's check (:mod:`kopledger.books.checks.rat_directives`) and the reports
(:mod:`kopledger.reports.anggaran`, :mod:`~kopledger.reports.riwayat`,
:mod:`~kopledger.reports.kesehatan`, :mod:`~kopledger.reports.rat`) call the same parsers, so a
directive the check accepts is one the reports read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from beancount.core import data
from beancount.core.amount import Amount

from kopledger.books.directives import customs
from kopledger.core import kosakata as K
from kopledger.core.errors import KopError

# ----------------------------------------------------------------------------------
# kesehatan-batas, kesehatan-isian: the health assessment's bands and indicators
# ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    """How a ratio becomes a nilai: three thresholds, best first.

    ``arah`` ``"tinggi"`` (higher is better): nilai 1 when ratio ≥ b1 (or > b1 when
    ``ketat``), 2 when ≥ b2, 3 when ≥ b3, else 4. ``"rendah"`` (lower is better): nilai 1
    when ratio ≤ b1 (or < b1 when ``ketat``), 2 when ≤ b2, 3 when ≤ b3, else 4.
    ``sumber``: ``"juknis"`` (Juknis 15/2021, cited in docs/kesehatan.md), ``"bawaan"`` (a
    kopledger default where the source could not be confirmed) or ``"kebijakan"`` (set in
    the ledger with ``kesehatan-batas``).
    """

    arah: str
    batas: tuple[Decimal, Decimal, Decimal]
    sumber: str
    ketat: bool = False

    def nilai(self, ratio: Decimal) -> int:
        for i, b in enumerate(self.batas, start=1):
            if self.arah == "tinggi":
                if ratio > b or (ratio == b and not self.ketat):
                    return i
            elif ratio < b or (ratio == b and not self.ketat):
                return i
        return 4


def _d(*values: str) -> tuple[Decimal, Decimal, Decimal]:
    a, b, c = (Decimal(v) for v in values)
    return (a, b, c)


#: The checklist band (Juknis 15/2021, e.g. prinsip koperasi, kelembagaan, risiko
#: operasional and kepatuhan): 76 < X ≤ 100 → 1, 51 < X ≤ 75 → 2, 26 < X ≤ 50 → 3, else 4.
#: Ratios are whole or fractional percents; "X > 75" is the same split as "X ≥ 76" for
#: whole percents and the exact one for fractions.
CHECKLIST = Band("tinggi", _d("75", "50", "25"), "juknis", ketat=True)

#: Bands of the indicators computed from the books.
BANDS: dict[str, Band] = {
    # pinjaman bermasalah / pinjaman yang diberikan: ≤5 Sehat, >5–10, >10–15, >15 Tidak Sehat
    "npl": Band("rendah", _d("5", "10", "15"), "juknis"),
    # PPAP / PPAPWD: ≥100 Sehat (source for the lower bands not confirmed: default)
    "ppap-ppapwd": Band("tinggi", _d("100", "81", "51"), "bawaan"),
    # beban operasional / pendapatan operasional: <80, 80–90, 90–100, >100
    "bopo": Band("rendah", _d("80", "90", "100"), "juknis", ketat=True),
    # pertumbuhan ekuitas: ≥10 Sehat, 7–<10, 4–<7, <4 Tidak Sehat
    "pertumbuhan-ekuitas": Band("tinggi", _d("10", "7", "4"), "juknis"),
    # pertumbuhan SHU: <1 Tidak Sehat (source); the upper bands are a default
    "pertumbuhan-shu": Band("tinggi", _d("10", "5", "1"), "bawaan"),
    # modal sendiri / total aset: default bands (source not confirmed)
    "modal-sendiri-aset": Band("tinggi", _d("30", "20", "10"), "bawaan"),
}

@dataclass(frozen=True)
class IndicatorDef:
    """One indicator: code, aspect, Indonesian name, and whether the books or the
    self-assessment give it (``"buku"`` | ``"isian"``); ``usp``: only for a savings-and-loan unit."""

    kode: str
    aspek: str
    nama: str
    sumber: str
    usp: bool = False


INDIKATOR: tuple[IndicatorDef, ...] = (
    IndicatorDef("prinsip-koperasi", "tata-kelola", "Prinsip koperasi", "isian"),
    IndicatorDef("legalitas-badan-hukum", "tata-kelola", "Legalitas badan hukum", "isian"),
    IndicatorDef("izin-usaha-simpan-pinjam", "tata-kelola", "Izin usaha simpan pinjam", "isian", usp=True),
    IndicatorDef("anggaran-dasar", "tata-kelola", "Anggaran dasar", "isian"),
    IndicatorDef("keanggotaan", "tata-kelola", "Keanggotaan", "isian"),
    IndicatorDef("kelengkapan-organisasi", "tata-kelola", "Kelengkapan organisasi", "isian"),
    IndicatorDef("manajemen-umum", "tata-kelola", "Manajemen umum", "isian"),
    IndicatorDef("manajemen-kelembagaan", "tata-kelola", "Manajemen kelembagaan", "isian"),
    IndicatorDef("manajemen-permodalan", "tata-kelola", "Manajemen permodalan", "isian"),
    IndicatorDef("manajemen-aset", "tata-kelola", "Manajemen aset", "isian"),
    IndicatorDef("manajemen-likuiditas", "tata-kelola", "Manajemen likuiditas", "isian"),
    IndicatorDef("risiko-operasional", "profil-risiko", "Risiko operasional", "isian"),
    IndicatorDef("risiko-kepatuhan", "profil-risiko", "Risiko kepatuhan", "isian"),
    IndicatorDef("kualitas-manajemen-risiko", "profil-risiko", "Kualitas penerapan manajemen risiko", "isian"),
    IndicatorDef("npl", "kinerja-keuangan", "Pinjaman bermasalah terhadap pinjaman yang diberikan", "buku", usp=True),
    IndicatorDef("ppap-ppapwd", "kinerja-keuangan", "PPAP terhadap PPAP wajib dibentuk", "buku", usp=True),
    IndicatorDef("bopo", "kinerja-keuangan", "Beban operasional terhadap pendapatan operasional", "buku"),
    IndicatorDef("pertumbuhan-ekuitas", "kinerja-keuangan", "Pertumbuhan ekuitas", "buku"),
    IndicatorDef("pertumbuhan-shu", "kinerja-keuangan", "Pertumbuhan SHU", "buku"),
    IndicatorDef("modal-sendiri-aset", "permodalan", "Modal sendiri terhadap total aset", "buku"),
    IndicatorDef("pengelolaan-permodalan", "permodalan", "Kecukupan pengelolaan permodalan", "isian"),
)

def _belongs(entry: Any, year: int) -> bool:
    tahun = (entry.meta or {}).get("tahun")
    if tahun is not None:
        return str(tahun).split(".")[0] == str(year)
    return bool(entry.date.year in (year, year + 1))


def parse_answers(entries: Iterable[Any], year: int) -> tuple[dict[str, dict[str, bool]], list[KopError]]:
    """Self-assessment answers of tahun buku ``year``: indicator → item → yes.

    ``YYYY-MM-DD custom "kesehatan-isian" "INDICATOR" ITEM TRUE|FALSE`` (``ITEM`` a number or
    a short text), belonging to ``year`` by metadata ``tahun`` or, without it, when dated in
    ``year`` or ``year + 1``; the latest answer to an item wins.
    """
    known = {d.kode for d in INDIKATOR if d.sumber == "isian"}
    answers: dict[str, dict[str, bool]] = {}
    errors: list[KopError] = []
    for entry in customs(entries, "kesehatan-isian"):
        values = [v.value for v in entry.values]
        if len(values) != 3 or not isinstance(values[0], str) or not isinstance(values[2], bool):
            errors.append(KopError.pesan(entry.meta, 'kesehatan-isian perlu "INDIKATOR" BUTIR TRUE|FALSE, misalnya "prinsip-koperasi" 1 TRUE', entry))
            continue
        if values[0] not in known:
            errors.append(KopError.pesan(entry.meta, "kesehatan-isian: indikator tidak dikenal {indikator!r}; pakai salah satu dari {pilihan}", entry,
                                         indikator=values[0], pilihan=", ".join(sorted(known))))
            continue
        if not _belongs(entry, year):
            continue
        item = values[1]
        item_text = format(item.normalize(), "f") if isinstance(item, Decimal) else str(item)
        answers.setdefault(values[0], {})[item_text] = values[2]
    return answers, errors


def parse_band_overrides(entries: Iterable[Any], date: dt.date) -> tuple[dict[str, Band], list[KopError]]:
    """``custom "kesehatan-batas" "CODE" B1 B2 B3`` in force on ``date`` (latest wins)."""
    result: dict[str, Band] = {}
    errors: list[KopError] = []
    for entry in customs(entries, "kesehatan-batas"):
        if entry.date > date:
            continue
        values = [v.value for v in entry.values]
        if len(values) != 4 or values[0] not in BANDS or not all(isinstance(v, Decimal) for v in values[1:]):
            errors.append(KopError.pesan(entry.meta, 'kesehatan-batas perlu "KODE" B1 B2 B3 dengan KODE salah satu dari {pilihan}', entry,
                                         pilihan=", ".join(BANDS)))
            continue
        base = BANDS[values[0]]
        result[values[0]] = Band(base.arah, (values[1], values[2], values[3]), "kebijakan", base.ketat)
    return result, errors


# ----------------------------------------------------------------------------------
# anggaran
# ----------------------------------------------------------------------------------


def is_under(account: str, parent: str) -> bool:
    """``account`` is ``parent`` or one of its sub-accounts."""
    return account == parent or account.startswith(parent + ":")


def parse_budgets(
    entries: Sequence[data.Directive], currency: str
) -> tuple[dict[int, dict[str, Decimal]], list[KopError]]:
    """Every ``anggaran`` directive of ``entries``: year → account → amount (latest per account
    and year), and the errors of malformed ones (an account must be opened in ``entries``)."""
    opened = {e.account for e in entries if isinstance(e, data.Open)}
    result: dict[int, dict[str, Decimal]] = {}
    errors: list[KopError] = []
    for entry in customs(entries, "anggaran"):
        values = [v.value for v in entry.values]
        if len(values) != 2 or not isinstance(values[0], str) or not isinstance(values[1], Amount):
            errors.append(KopError.pesan(entry.meta, 'anggaran perlu "AKUN" JUMLAH {mata_uang}, misalnya "Beban:Usaha:Gaji" 24000000 {mata_uang}', entry,
                                         mata_uang=currency))
            continue
        account, amount = values
        if amount.currency != currency or amount.number is None or amount.number < 0:
            errors.append(KopError.pesan(entry.meta, "anggaran {akun}: jumlah harus rupiah ≥ 0 dalam {mata_uang}, tertulis {jumlah}", entry,
                                         akun=account, mata_uang=currency, jumlah=amount))
            continue
        if not any(is_under(a, account) for a in opened):
            errors.append(KopError.pesan(entry.meta, "anggaran: akun {akun} (atau sub-akunnya) tidak dibuka di buku; periksa ejaannya", entry,
                                         akun=account))
            continue
        result.setdefault(entry.date.year, {})[account] = amount.number
    return result, errors


# ----------------------------------------------------------------------------------
# ringkasan-tahun
# ----------------------------------------------------------------------------------


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


# ----------------------------------------------------------------------------------
# rat-teks
# ----------------------------------------------------------------------------------


def parse_rat_texts(entries: Iterable[data.Directive], year: int) -> dict[str, str]:
    """Texts of the pack from ``custom "rat-teks" "KEY" "TEXT"`` directives.

    A text belongs to tahun buku ``year`` when its metadata ``tahun`` says so, or, without
    ``tahun``, when it is dated in ``year`` or ``year + 1`` (the RAT is held after year end).
    The latest such directive of each key wins. Keys the templates use: ``kata-pengantar``,
    ``laporan-pengawas``, ``rencana-kerja``, ``penutup``, ``tempat``, ``tanggal``.
    """
    texts: dict[str, str] = {}
    for entry in customs(entries, "rat-teks"):
        values = [v.value for v in entry.values]
        if len(values) < 2 or not all(isinstance(v, str) for v in values):
            continue
        tahun = entry.meta.get(K.META_TAHUN)
        if tahun is not None:
            if str(tahun).split(".")[0] != str(year):
                continue
        elif entry.date.year not in (year, year + 1):
            continue
        texts[values[0]] = "\n\n".join(values[1:])
    return texts
