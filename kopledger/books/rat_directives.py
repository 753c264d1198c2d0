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
    """How a ratio becomes a nilai: three thresholds, best first, compared with the EXACT ratio.

    ``arah`` ``"tinggi"`` (higher is better): nilai 1 when ratio ≥ b1 (or > b1 when that
    threshold is ``ketat``), 2 when ≥ b2, 3 when ≥ b3, else 4. ``"rendah"`` (lower is better):
    nilai 1 when ratio ≤ b1 (or < b1 when ``ketat``), 2 when ≤ b2, 3 when ≤ b3, else 4.
    ``ketat`` is one flag for all three thresholds or one per threshold.
    ``sumber``: ``"juknis"`` (Juknis 15/2021, cited in docs/kesehatan.md), ``"bawaan"`` (a
    kopledger default where the source could not be confirmed) or ``"kebijakan"`` (set in
    the ledger with ``kesehatan-batas`` or a ``kebijakan``).
    """

    arah: str
    batas: tuple[Decimal, Decimal, Decimal]
    sumber: str
    ketat: bool | tuple[bool, bool, bool] = False

    def _strict(self, index: int) -> bool:
        return self.ketat if isinstance(self.ketat, bool) else self.ketat[index]

    def nilai(self, ratio: Decimal) -> int:
        for i, b in enumerate(self.batas):
            strict = self._strict(i)
            if self.arah == "tinggi":
                if ratio > b or (ratio == b and not strict):
                    return i + 1
            elif ratio < b or (ratio == b and not strict):
                return i + 1
        return 4


def _d(*values: str) -> tuple[Decimal, Decimal, Decimal]:
    a, b, c = (Decimal(v) for v in values)
    return (a, b, c)


#: The checklist band (Juknis 15/2021 Tabel 2.9/2.10/2.23: prinsip koperasi, kelembagaan,
#: manajemen, risiko operasional and kepatuhan): 76 < X ≤ 100 → 1, 51 < X ≤ 75 → 2,
#: 26 < X ≤ 50 → 3, else 4. Ratios are whole or fractional percents; "X > 75" is the same
#: split as "X ≥ 76" for whole percents and the exact one for fractions.
CHECKLIST = Band("tinggi", _d("75", "50", "25"), "juknis", ketat=True)

#: Bands of the indicators computed from the books (or entered as a figure), applied to the exact ratio.
BANDS: dict[str, Band] = {
    # pinjaman bermasalah / pinjaman yang diberikan (Modul Tabel 2.45): ≤5 → 1, >5–10 → 2,
    # >10–15 → 3, >15 → 4. The last limit is the kebijakan "kesehatan-npl-macet" (15, or 12
    # as the Modul's text says).
    "npl": Band("rendah", _d("5", "10", "15"), "juknis"),
    # PPAP / PPAPWD: ≥100 Sehat (source for the lower bands not confirmed: default)
    "ppap-ppapwd": Band("tinggi", _d("100", "81", "51"), "bawaan"),
    # biaya operasional / pendapatan operasional (Juknis Tabel 3.5): <80 → 1, 80–<90 → 2,
    # 90–100 → 3, >100 → 4; exactly 100 is 3 unless kebijakan "kesehatan-bopo-100" says 4
    # (the Juknis text: "≥ 100 % nilai 4").
    "bopo": Band("rendah", _d("80", "90", "100"), "juknis", ketat=(True, True, False)),
    # pertumbuhan ekuitas (Modul Tabel 2.57): ≥10 → 1, 7–<10 → 2, 4–<7 → 3, <4 → 4
    "pertumbuhan-ekuitas": Band("tinggi", _d("10", "7", "4"), "juknis"),
    # pertumbuhan SHU: <1 Tidak Sehat (source); the upper bands are a default
    "pertumbuhan-shu": Band("tinggi", _d("10", "5", "1"), "bawaan"),
    # ekuitas / total aset (Juknis Tabel 4.1): >30 → 1, >20–30 → 2, >10–20 → 3, ≤10 → 4
    "rasio-ekuitas-aset": Band("tinggi", _d("30", "20", "10"), "juknis", ketat=True),
    # modal diakui / ATMR (Juknis Tabel 4.2 gives the components; its bands were not found:
    # a kopledger default)
    "kecukupan-modal": Band("tinggi", _d("12", "8", "4"), "bawaan"),
    # the overall score (0–100) → Sehat / Cukup Sehat / Dalam Pengawasan / Dalam Pengawasan
    # Khusus: the score bands of Permenkop 9/2020 were not found: a kopledger default
    "nilai-akhir": Band("tinggi", _d("75", "50", "25"), "bawaan", ketat=True),
}


@dataclass(frozen=True)
class IndicatorDef:
    """One indicator: code, aspect, Indonesian name, and whether the books or the
    questionnaire give it (``"buku"`` | ``"isian"``); ``usp``: only for a savings-and-loan
    business; ``butir``: its questions (item number = position + 1; empty when the Juknis'
    wording is not reproduced and the examiner's working paper numbers the items);
    ``angka``: answered with a figure (percent) instead of TRUE/FALSE; ``tabel``: its source."""

    kode: str
    aspek: str
    nama: str
    sumber: str
    usp: bool = False
    butir: tuple[str, ...] = ()
    angka: bool = False
    tabel: str = ""


def _tk(kode: str, nama: str, tabel: str, *butir: str, usp: bool = False) -> IndicatorDef:
    return IndicatorDef(kode, "tata-kelola", nama, "isian", usp=usp, butir=butir, tabel=tabel)


#: The seven principles (UU 25/1992 Pasal 5; Juknis 15/2021 aspek tata kelola, prinsip koperasi).
PRINSIP = (
    ("prinsip-sukarela-terbuka", "Keanggotaan bersifat sukarela dan terbuka"),
    ("prinsip-demokratis", "Pengelolaan dilakukan secara demokratis"),
    ("prinsip-shu-adil", "Pembagian SHU adil sebanding dengan jasa usaha anggota"),
    ("prinsip-balas-jasa-modal", "Pemberian balas jasa yang terbatas terhadap modal"),
    ("prinsip-kemandirian", "Kemandirian"),
    ("prinsip-pendidikan", "Pendidikan perkoperasian"),
    ("prinsip-kerja-sama", "Kerja sama antarkoperasi"),
)

INDIKATOR: tuple[IndicatorDef, ...] = (
    *(_tk(kode, nama, "Juknis (prinsip koperasi)") for kode, nama in PRINSIP),
    # Three questions (Modul, after Tabel 2.10); their wording is the examiner's working paper's.
    _tk("legalitas-badan-hukum", "Legalitas badan hukum", "Modul Tabel 2.10",
        *(f"Pertanyaan legalitas {n} kertas kerja Juknis" for n in (1, 2, 3))),
    _tk("izin-usaha-simpan-pinjam", "Izin usaha simpan pinjam", "Modul Tabel 2.9", usp=True),
    _tk("anggaran-dasar", "Anggaran dasar", "Modul Tabel 2.9"),
    _tk("keanggotaan", "Keanggotaan", "Modul Tabel 2.9"),
    _tk("kelengkapan-organisasi", "Kelengkapan organisasi", "Modul Tabel 2.9"),
    _tk("manajemen-umum", "Manajemen umum", "Juknis (manajemen koperasi)"),
    _tk("manajemen-kelembagaan", "Manajemen kelembagaan", "Juknis (manajemen koperasi)"),
    _tk("manajemen-permodalan", "Manajemen permodalan", "Juknis (manajemen koperasi)"),
    _tk("manajemen-aset", "Manajemen aset", "Juknis (manajemen koperasi)"),
    _tk("manajemen-likuiditas", "Manajemen likuiditas", "Juknis (manajemen koperasi)"),
    IndicatorDef("risiko-operasional", "profil-risiko", "Risiko operasional", "isian", tabel="Modul Tabel 2.23"),
    IndicatorDef("risiko-kepatuhan", "profil-risiko", "Risiko kepatuhan", "isian", tabel="Modul Tabel 2.24", butir=(
        "Tidak terdapat pelanggaran yang dilakukan koperasi selama periode penilaian",
        "Koperasi tidak dalam hukuman sanksi",
        "Koperasi tidak dalam proses hukum karena pelanggaran kepatuhan koperasi",
        "Koperasi tidak dalam proses hukum karena pelanggaran kepatuhan yang berakibat tindak pidana",
    )),
    IndicatorDef("kualitas-manajemen-risiko", "profil-risiko", "Kualitas penerapan manajemen risiko", "isian",
                 tabel="Juknis (profil risiko)"),
    IndicatorDef("npl", "kinerja-keuangan", "Pinjaman bermasalah terhadap pinjaman yang diberikan", "buku", usp=True,
                 tabel="Modul Tabel 2.45"),
    IndicatorDef("ppap-ppapwd", "kinerja-keuangan", "PPAP terhadap PPAP wajib dibentuk", "buku", usp=True,
                 tabel="Modul (PPAP terhadap PPAPWD)"),
    IndicatorDef("bopo", "kinerja-keuangan", "Biaya operasional terhadap pendapatan operasional", "buku",
                 tabel="Juknis Tabel 3.5"),
    IndicatorDef("pertumbuhan-ekuitas", "kinerja-keuangan", "Pertumbuhan ekuitas", "buku", tabel="Modul Tabel 2.57"),
    IndicatorDef("pertumbuhan-shu", "kinerja-keuangan", "Pertumbuhan SHU", "buku", tabel="Modul (pertumbuhan hasil usaha bersih)"),
    # The Juknis scores kinerja keuangan over 19 items (27 for simpan pinjam); the items
    # kopledger does not compute are entered from the examiner's working paper as their nilai
    # (1–4): custom "kesehatan-isian" "kinerja-keuangan-lain" NO NILAI.
    IndicatorDef("kinerja-keuangan-lain", "kinerja-keuangan", "Butir kinerja keuangan lain (kertas kerja)", "isian",
                 angka=True, tabel="Juknis Bab III (19 / 27 butir)"),
    IndicatorDef("rasio-ekuitas-aset", "permodalan", "Ekuitas terhadap total aset", "buku", tabel="Juknis Tabel 4.1"),
    IndicatorDef("kecukupan-modal", "permodalan", "Kecukupan modal (modal diakui terhadap ATMR)", "isian",
                 angka=True, tabel="Juknis Tabel 4.2"),
)

#: Items of kinerja keuangan the Juknis scores (Juknis 15/2021 p. 198: Σ skor / (19 × 4) × 100,
#: and 27 for a koperasi simpan pinjam).
KINERJA_BUTIR = 19
KINERJA_BUTIR_SIMPAN_PINJAM = 27

#: Old code kept readable: ``"prinsip-koperasi" N`` answers principle N's first question.
_ALIAS_PRINSIP = "prinsip-koperasi"


def _belongs(entry: Any, year: int) -> bool:
    tahun = (entry.meta or {}).get("tahun")
    if tahun is not None:
        return str(tahun).split(".")[0] == str(year)
    return bool(entry.date.year in (year, year + 1))


#: A questionnaire answer: TRUE/FALSE for a question, a Decimal for a figure.
Answer = bool | Decimal


def parse_answers(entries: Iterable[Any], year: int) -> tuple[dict[str, dict[str, Answer]], list[KopError]]:
    """Questionnaire answers of tahun buku ``year``: indicator → item → answer.

    ``YYYY-MM-DD custom "kesehatan-isian" "INDICATOR" ITEM TRUE|FALSE`` (``ITEM`` a number or
    a short text), or ``… "INDICATOR" ITEM ANGKA`` for an indicator answered with a figure
    (``kecukupan-modal`` "rasio" 14.2; ``kinerja-keuangan-lain`` 8 2 — item 8's nilai 1–4),
    belonging to ``year`` by metadata ``tahun`` or, without it, when dated in ``year`` or
    ``year + 1``; the latest answer to an item wins.
    """
    defs = {d.kode: d for d in INDIKATOR if d.sumber == "isian"}
    known = set(defs) | {_ALIAS_PRINSIP}
    answers: dict[str, dict[str, Answer]] = {}
    errors: list[KopError] = []
    for entry in customs(entries, "kesehatan-isian"):
        values = [v.value for v in entry.values]
        if len(values) != 3 or not isinstance(values[0], str) or not isinstance(values[2], (bool, Decimal)):
            errors.append(KopError.pesan(entry.meta, 'kesehatan-isian perlu "INDIKATOR" BUTIR TRUE|FALSE, misalnya "prinsip-koperasi" 1 TRUE', entry))
            continue
        if values[0] not in known:
            errors.append(KopError.pesan(entry.meta, "kesehatan-isian: indikator tidak dikenal {indikator!r}; pakai salah satu dari {pilihan}", entry,
                                         indikator=values[0], pilihan=", ".join(sorted(known))))
            continue
        kode, item, answer = values
        item_text = format(item.normalize(), "f") if isinstance(item, Decimal) else str(item)
        if kode == _ALIAS_PRINSIP:
            if not item_text.isdigit() or not 1 <= int(item_text) <= len(PRINSIP):
                errors.append(KopError.pesan(entry.meta, 'kesehatan-isian "prinsip-koperasi": butir harus 1–7, tertulis {butir!r}', entry,
                                             butir=item_text))
                continue
            kode, item_text = PRINSIP[int(item_text) - 1][0], "1"
        angka = defs[kode].angka
        if angka != (not isinstance(answer, bool)) or (
                kode == "kinerja-keuangan-lain" and isinstance(answer, Decimal) and answer not in (1, 2, 3, 4)):
            errors.append(KopError.pesan(entry.meta, "kesehatan-isian {indikator!r}: jawaban harus {jenis}", entry, indikator=kode,
                                         jenis=("nilai 1–4" if kode == "kinerja-keuangan-lain" else "angka (persen)") if angka else "TRUE atau FALSE"))
            continue
        if not _belongs(entry, year):
            continue
        answers.setdefault(kode, {})[item_text] = answer
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
