"""Issue 24: the example's RAT 2025 and its export carry NO predikat while aspects are
unassessed (examples/mawar: no questionnaire), and one when the filled questionnaire is added
(examples/mawar-isian: the same books plus kesehatan-2025.beancount).

The filled example, worked by hand (skor = 5 − nilai; aspect = Σ skor / (items × 4) × 100):

- tata kelola, 17 indicators: 7 principles 2/2 (skor 4 each = 28), legalitas 3/3 (4), izin
  usaha simpan pinjam 2/2 (4), anggaran dasar 3/4 = 75 % (not > 75: nilai 2, skor 3),
  keanggotaan 4/4 (4), kelengkapan organisasi 4/4 (4), manajemen umum/kelembagaan/permodalan/
  aset 4/4 (16), likuiditas 3/4 (3): Σ 66 / 68 = 97.0588 %;
- profil risiko: operasional 8/8 (4), kepatuhan 4/4 (4), kualitas manajemen risiko 3/4 (3):
  11 / 12 = 91.6667 %;
- kinerja keuangan, 27 items (simpan pinjam): from the books NPL 2.45 % (4), PPAP/PPAPWD 100 %
  (4), BOPO 89.12 % (3), equity growth 21.54 % (4), SHU growth 89.64 % (4) = 19; entered items
  6–21 nilai 1 (16 × 4 = 64) and 22–27 nilai 2 (6 × 3 = 18): Σ 101 / 108 = 93.5185 %;
- permodalan: ekuitas / total aset 77.09 % (> 30: 4), kecukupan modal 14.5 % (≥ 12 default: 4):
  8 / 8 = 100 %;
- nilai akhir = 0.30 × 97.0588 + 0.15 × 91.6667 + 0.40 × 93.5185 + 0.15 × 100
  = 29.1176 + 13.75 + 37.4074 + 15 = 95.2751 → 95.28, > 75: Sehat.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from kopledger import Koperasi
from kopledger.books.periode import Periode, decide_period
from kopledger.dinas.ekspor import kesehatan_section
from kopledger.present.rat import rat_json
from kopledger.reports.kesehatan import assess
from kopledger.reports.rat import build_rat

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "mawar" / "buku.beancount"
FILLED = ROOT / "examples" / "mawar-isian" / "buku.beancount"
D = Decimal


def periode() -> Periode:
    return decide_period(2025, today=dt.date(2026, 3, 1))


@pytest.fixture(scope="module")
def example() -> Koperasi:
    kop = Koperasi.load(EXAMPLE)
    assert kop.errors == []
    return kop


@pytest.fixture(scope="module")
def filled() -> Koperasi:
    kop = Koperasi.load(FILLED)
    assert kop.errors == []
    return kop


def test_the_example_has_no_predikat_while_aspects_are_unassessed(example, monkeypatch):
    monkeypatch.setenv("KOP_TODAY", "2026-03-01")
    a = assess(example, 2025, periode=periode())
    assert a.predikat is None and a.nilai_akhir is None and not a.lengkap
    missing = {x.kode for x in a.aspek if not x.lengkap}
    assert missing == {"tata-kelola", "profil-risiko", "kinerja-keuangan", "permodalan"}
    assert "prinsip-demokratis" in a.kurang and "kecukupan-modal" in a.kurang
    section = kesehatan_section(example, 2025, periode())
    assert section["dinilai"] is False and section["predikat"] is None and section["skor"] is None
    assert section["alasan"].startswith("belum dapat ditetapkan: belum ada prinsip-sukarela-terbuka")
    pack = rat_json(build_rat(example, 2025))
    assert pack["kesehatan"]["predikat"] is None and pack["kesehatan"]["nilai_akhir"] is None


def test_the_filled_example_has_its_predikat(filled, monkeypatch):
    monkeypatch.setenv("KOP_TODAY", "2026-03-01")
    a = assess(filled, 2025, periode=periode())
    assert a.kurang == () and a.lengkap
    aspects = {x.kode: (x.nilai, x.kategori) for x in a.aspek}
    assert aspects == {
        "tata-kelola": (D("97.06"), "Sehat"),
        "profil-risiko": (D("91.67"), "Sehat"),
        "kinerja-keuangan": (D("93.52"), "Sehat"),
        "permodalan": (D("100.00"), "Sehat"),
    }
    assert len(next(x for x in a.aspek if x.kode == "kinerja-keuangan").indikator) == 27
    assert (a.nilai_akhir, a.predikat) == (D("95.28"), "Sehat")
    section = kesehatan_section(filled, 2025, periode())
    assert (section["dinilai"], section["predikat"], section["skor"], section["lengkap"], section["alasan"]) == (
        True, "Sehat", "95.28", True, None)
    pack = rat_json(build_rat(filled, 2025))
    assert (pack["kesehatan"]["predikat"], pack["kesehatan"]["nilai_akhir"]) == ("Sehat", "95.28")
