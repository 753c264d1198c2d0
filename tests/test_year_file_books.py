"""Year files are complete books (issue 24, case 2).

The example (examples/mawar) closed two ways: 2024 and 2025 closed in place (one long file),
and 2024 closed in place then 2025 closed with ``--file-baru buku-2026.beancount``. Everything
the closed year's RAT shows — units, budget realisation, history, members, SHU still to
allocate — must read the same from the 2026 year file as from the one long file, and the
previous year's unallocated SHU must be computable, bookable and payable from the live file.

The figures, by hand (bean-query on examples/mawar/buku.beancount):

- 2024's SHU, left unallocated by the example:
  ``select root(account,1), sum(number) where year = 2024 and (account ~ '^Pendapatan' or
  account ~ '^Beban') group by 1`` → Pendapatan −299,667,379, Beban 280,533,987:
  299,667,379 − 280,533,987 = **19,133,392**.
- 2025 by unit (``unit:`` on the ``open`` lines): toko = Penjualan anggota 141,235,500 +
  non-anggota 107,311,000 − PokokPenjualan 203,166,170 = **45,380,330**; USP = JasaPinjaman
  76,270,110 + BiayaAdmin 5,555,000 + Denda 532,248 − PenyisihanPinjaman 2,690,677 = **79,666,681**;
  shared = Pendapatan:Lain 2,499,922 − (Gaji 45,600,000 + Sewa 15,000,000 + Penyusutan 7,050,000
  + RapatAnggota 7,753,000 + HonorPengurus 7,200,000 + Listrik 5,003,000 + ATK 1,895,000 +
  Pembinaan 1,581,000 + Lain 180,000) = **−88,762,078**; sum 36,284,933 (the 2025 SHU).
- 2025 budgeted income realised: 5,555,000 + 76,270,110 + 141,235,500 + 107,311,000 = **330,371,610**;
  Peralatan bought in 2025 (``sum(number) where year = 2025 and account ~ 'Peralatan'``) **7,200,000**
  (not the 31,200,000 balance the year file's opening carries).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kopledger.books.ledger import Books
from kopledger.books.years import archived_books, holder, year_books
from kopledger.cli import main
from kopledger.ops.closing import close_year
from kopledger.reports.rat import build_rat

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "mawar" / "buku.beancount"
TODAY = "2026-03-20"


def kop(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.output


def kop_json(*args: object) -> Any:
    code, out = kop(*args)
    assert code == 0, out
    return json.loads(out)


@pytest.fixture(scope="module")
def two_ways(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(one long file with 2024 and 2025 closed in place, the 2026 year file)."""
    long_file = tmp_path_factory.mktemp("panjang") / "buku.beancount"
    folder = tmp_path_factory.mktemp("pertahun")
    old = folder / "buku.beancount"
    for path in (long_file, old):
        shutil.copy(EXAMPLE, path)
        close_year(path, 2024, today=dt.date(2025, 1, 20))
    close_year(long_file, 2025, today=dt.date(2026, 1, 20))
    close_year(old, 2025, today=dt.date(2026, 1, 20), new_file=folder / "buku-2026.beancount")
    return long_file, folder / "buku-2026.beancount"


def copies(two_ways: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    long_file, year_file = two_ways
    shutil.copytree(year_file.parent, tmp_path / "pertahun", ignore=shutil.ignore_patterns(".*"))
    (tmp_path / "panjang").mkdir()
    shutil.copy(long_file, tmp_path / "panjang" / long_file.name)
    return tmp_path / "panjang" / long_file.name, tmp_path / "pertahun" / year_file.name


# --- a generic deep comparison of the RAT pack's data --------------------------------------
def differences(a: Any, b: Any, path: str = "") -> list[str]:
    """Every leaf where ``a`` and ``b`` differ (dataclasses field by field, mappings key by key)."""
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        if type(a) is not type(b):
            return [f"{path}: {type(a).__name__} ≠ {type(b).__name__}"]
        return [d for f in dataclasses.fields(a)
                for d in differences(getattr(a, f.name), getattr(b, f.name), f"{path}.{f.name}")]
    if isinstance(a, dict) and isinstance(b, dict):
        out = [f"{path}[{k!r}]: only in {'year file' if k in a else 'long file'}" for k in set(a) ^ set(b)]
        return out + [d for k in set(a) & set(b) for d in differences(a[k], b[k], f"{path}[{k!r}]")]
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        if len(a) != len(b):
            return [f"{path}: {len(a)} items ≠ {len(b)}"]
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True)) for d in differences(x, y, f"{path}[{i}]")]
    return [] if a == b and type(a) is type(b) else [f"{path}: {a!r} ≠ {b!r}"]


def test_differences_sees_a_changed_leaf() -> None:
    """The comparison itself can fail: a nested figure, a missing key, a shorter tuple."""
    @dataclasses.dataclass(frozen=True)
    class Row:
        unit: str
        total: Decimal

    assert differences((Row("toko", Decimal(1)),), (Row("toko", Decimal(1)),)) == []
    assert differences((Row("toko", Decimal(1)),), (Row("toko", Decimal(2)),)) == ["[0].total: Decimal('1') ≠ Decimal('2')"]
    assert differences({"a": 1}, {"a": 1, "b": 2}) == ["['b']: only in long file"]
    assert differences((1, 2), (1,)) == [": 2 items ≠ 1"]


#: Intended differences, named: the closed file's lock covers its seal, which names the year
#: file — so 2025's sidik differs between the two layouts (each layout's own fingerprint).
INTENDED = {".sidik[2025]"}


def pack_differences(year_file: Path, long_file: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv("KOP_TODAY", TODAY)
    by_year = build_rat(Books.load(year_file), 2025)
    long = build_rat(Books.load(long_file), 2025)
    return [d for d in differences(by_year, long) if d.split(":")[0] not in INTENDED]


def test_rat_2025_from_the_year_file_equals_the_long_file_figure_for_figure(two_ways, monkeypatch):
    long_file, year_file = two_ways
    monkeypatch.setenv("KOP_TODAY", TODAY)
    pack = build_rat(Books.load(year_file), 2025)
    # the examiner's figures, by hand (module docstring)
    units = {row.unit: row.pendapatan - row.beban for row in pack.unit_usaha.baris}
    assert units == {"toko": 45_380_330, "usp": 79_666_681, "": -88_762_078}
    assert pack.unit_usaha.total.pendapatan - pack.unit_usaha.total.beban == 36_284_933
    budget = {line.akun: line.realisasi for line in pack.anggaran.baris}
    assert budget["Aset:AsetTetap:Peralatan"] == 7_200_000
    income = sum(line.realisasi for line in pack.anggaran.baris if line.kelompok == "pendapatan")
    budgeted = sum(line.realisasi for line in pack.anggaran.baris
                   if line.kelompok == "pendapatan" and not line.tanpa_anggaran)
    # budgeted income lines 330,371,610 + unbudgeted Denda 532,248 + Lain 2,499,922 = the PHU's 333,403,780
    assert (budgeted, income) == (330_371_610, 333_403_780)
    assert pack.sidik[2025] != build_rat(Books.load(long_file), 2025).sidik[2025]  # the named difference is real
    assert pack_differences(year_file, long_file, monkeypatch) == []


def test_rat_2025_still_equal_after_the_rat_books_and_pays_the_shu(two_ways, tmp_path, monkeypatch):
    """The RAT 2025 decides 2024's and 2025's SHU: booked and paid into each layout's live file."""
    long_file, year_file = copies(two_ways, tmp_path)
    monkeypatch.setenv("KOP_TODAY", TODAY)
    for path in (year_file, long_file):
        for year in (2024, 2025):
            assert kop("shu", "hitung", path, "--tahun", year, "--tulis", "--tanggal", "2026-03-15")[0] == 0
        assert kop("shu", "bayar", path, "--tahun", 2024, "--tanggal", "2026-03-16")[0] == 0
    assert pack_differences(year_file, long_file, monkeypatch) == []


def test_unit_report_from_the_year_file_equals_the_long_file(two_ways, monkeypatch):
    long_file, year_file = two_ways
    monkeypatch.setenv("KOP_TODAY", TODAY)
    for unit in ("usp", "toko"):
        args = ("--tahun", "2025", "--unit", unit, "--format", "json")
        by_year, long = kop_json("laporan", year_file, *args), kop_json("laporan", long_file, *args)
        assert by_year == long
    code, text = kop("laporan", year_file, "--tahun", "2025", "--unit", "usp")
    assert code == 0 and "79.666.681" in text  # USP's hasil usaha, by hand above


def test_previous_year_s_unallocated_shu_from_the_live_file(two_ways, tmp_path, monkeypatch):
    """2024's SHU (19,133,392, by hand above) computed, allocated and paid from the 2026 file,
    exactly as from the long file — members who left in 2025 (A0039, A0083) included."""
    long_file, year_file = copies(two_ways, tmp_path)
    monkeypatch.setenv("KOP_TODAY", TODAY)
    shu = kop_json("shu", "hitung", year_file, "--tahun", "2024", "--format", "json")
    assert Decimal(shu["shu"]) == 19_133_392
    assert shu == kop_json("shu", "hitung", long_file, "--tahun", "2024", "--format", "json")
    for path in (year_file, long_file):
        code, out = kop("shu", "hitung", path, "--tahun", "2024", "--tulis", "--tanggal", "2026-03-15")
        assert code == 0, out
    text = year_file.read_text(encoding="utf-8")
    assert "Liabilitas:UtangSHU:A0039" in text and "Liabilitas:UtangSHU:A0083" in text
    for path in (year_file, long_file):
        code, out = kop("shu", "bayar", path, "--tahun", "2024", "--tanggal", "2026-03-16")
        assert code == 0, out
        assert kop("cek", path)[0] == 0
        # booked once: a second allocation or payment is refused, from the year file too
        assert kop("shu", "hitung", path, "--tahun", "2024", "--tulis", "--tanggal", "2026-03-17")[0] != 0
        assert kop("shu", "bayar", path, "--tahun", "2024", "--tanggal", "2026-03-17")[0] != 0
    for command in (("shu", "hitung", "--tahun", "2024", "--format", "json"),
                    ("shu", "slip", "--tahun", "2024", "--format", "txt")):
        assert kop(*command[:2], year_file, *command[2:]) == kop(*command[:2], long_file, *command[2:]), command
    # what each layout's live file now owes (the allocated 2024 SHU, less what was paid): the same
    owed = [_owed(path) for path in (year_file, long_file)]
    assert owed[0] == owed[1]


def _owed(path: Path) -> dict[str, Decimal]:
    """Balances of the SHU liability and SHU equity accounts at the end of the live file."""
    books = Books.load(path)
    totals: dict[str, Decimal] = {}
    for entry in books.transactions:
        for posting in entry.postings:
            if posting.account.startswith(("Liabilitas:UtangSHU", "Liabilitas:DanaSHU", "Ekuitas:SHU", "Ekuitas:Cadangan")):
                totals[posting.account] = totals.get(posting.account, Decimal(0)) + posting.units.number
    return {k: v for k, v in totals.items() if v}


def test_one_function_decides_which_file_holds_a_year(two_ways):
    long_file, year_file = two_ways
    live = Books.load(year_file)
    archived = archived_books(live, 2025)
    assert archived is not None and archived.path is not None and archived.path.name == "buku.beancount"
    assert holder(live, 2024) is archived and holder(live, 2025) is archived  # 2024 lives in that file too
    assert holder(live, 2026) is live and archived_books(live, 2026) is None
    assert {y: b is live for y, b in year_books(live).items()} == {2024: False, 2025: False}
    long = Books.load(long_file)
    assert holder(long, 2024) is long and archived_books(long, 2024) is None


# --- a hand-made koperasi -------------------------------------------------------------------
HAND_MADE = """
2020-01-01 custom "shu-alokasi" "cadangan" 40
2020-01-01 custom "shu-alokasi" "jasa-modal" 30
2020-01-01 custom "shu-alokasi" "jasa-usaha" 30
2020-01-01 open Beban:Usaha:Listrik IDR
2020-01-01 open Aset:Peralatan IDR
2020-01-01 open Pendapatan:Anggota:Toko IDR
  unit: "toko"
2020-01-01 open Beban:Toko IDR
  unit: "toko"
2020-01-01 open Pendapatan:Anggota:Jasa IDR
  unit: "usp"
2024-01-05 custom "anggota" "A0001" "Siti Aminah"
2024-01-05 custom "anggota" "A0002" "Budi Santoso"
2024-01-05 * "Simpanan pokok" #simpanan-pokok
  Aset:Kas  200000 IDR
  Ekuitas:SimpananPokok:A0001  -100000 IDR
    anggota: "A0001"
  Ekuitas:SimpananPokok:A0002  -100000 IDR
    anggota: "A0002"
2024-03-10 * "Penjualan toko"
  anggota: "A0001"
  Aset:Kas  400000 IDR
  Pendapatan:Anggota:Toko
2024-03-10 * "Pokok penjualan"
  Beban:Toko  250000 IDR
  Aset:Kas
2024-04-10 * "Jasa pinjaman"
  anggota: "A0002"
  Aset:Kas  60000 IDR
  Pendapatan:Anggota:Jasa
2024-04-30 * "Listrik"
  Beban:Usaha:Listrik  30000 IDR
  Aset:Kas
2024-06-01 * "Beli timbangan"
  Aset:Peralatan  50000 IDR
  Aset:Kas
2025-01-02 custom "anggaran" "Pendapatan:Anggota:Toko" 500000 IDR
2025-01-02 custom "anggaran" "Aset:Peralatan" 100000 IDR
2025-02-10 * "Penjualan toko"
  anggota: "A0001"
  Aset:Kas  300000 IDR
  Pendapatan:Anggota:Toko
2025-02-10 * "Pokok penjualan"
  Beban:Toko  200000 IDR
  Aset:Kas
2025-03-01 * "Jasa pinjaman"
  anggota: "A0001"
  Aset:Kas  40000 IDR
  Pendapatan:Anggota:Jasa
2025-05-01 * "Beli etalase"
  Aset:Peralatan  80000 IDR
  Aset:Kas
2025-06-30 * "Listrik"
  Beban:Usaha:Listrik  20000 IDR
  Aset:Kas
2025-06-30 custom "anggota-keluar" "A0002"
2025-06-30 * "Anggota keluar" #anggota-keluar
  anggota: "A0002"
  Ekuitas:SimpananPokok:A0002  100000 IDR
  Liabilitas:SimpananAnggotaKeluar:A0002  -100000 IDR
2025-07-01 * "Simpanan Budi dikembalikan"
  anggota: "A0002"
  Liabilitas:SimpananAnggotaKeluar:A0002  100000 IDR
  Aset:Kas
"""


@pytest.fixture
def hand_made(tmp_path: Path, write_ledger) -> tuple[Path, Path]:
    """The hand-made books two ways: one long file (2024, 2025 closed in place), and 2025 closed
    with --file-baru. 2024's SHU is left to the RAT 2025 (not allocated at closing)."""
    long_file = write_ledger(HAND_MADE, name="panjang.beancount")
    old = write_ledger(HAND_MADE)
    for path in (long_file, old):
        close_year(path, 2024, today=dt.date(2025, 1, 20))
    close_year(long_file, 2025, today=dt.date(2026, 1, 20))
    close_year(old, 2025, today=dt.date(2026, 1, 20), new_file=tmp_path / "buku-2026.beancount")
    return long_file, tmp_path / "buku-2026.beancount"


def test_hand_made_year_file_reads_units_budget_and_the_rat_like_the_long_file(hand_made, monkeypatch):
    long_file, year_file = hand_made
    monkeypatch.setenv("KOP_TODAY", TODAY)
    pack = build_rat(Books.load(year_file), 2025)
    # 2025 by unit, by hand: toko 300,000 − 200,000 = 100,000; usp 40,000; shared −20,000 (listrik);
    # together 120,000, the 2025 SHU
    assert {r.unit: r.pendapatan - r.beban for r in pack.unit_usaha.baris} == {"toko": 100_000, "usp": 40_000, "": -20_000}
    # budget, by hand: toko sold 300,000 of 500,000 (60 %); equipment bought in 2025 80,000 of
    # 100,000 (80 %) — not the 130,000 the opening carries (50,000 of 2024 + 80,000)
    assert {(b.akun, b.realisasi) for b in pack.anggaran.baris if not b.tanpa_anggaran} == {
        ("Pendapatan:Anggota:Toko", 300_000), ("Aset:Peralatan", 80_000)}
    # the PHU's other lines, shown unbudgeted: toko's cost 200,000, listrik 20,000, jasa 40,000
    assert {(b.akun, b.realisasi) for b in pack.anggaran.baris if b.tanpa_anggaran} == {
        ("Beban:Toko", 200_000), ("Beban:Usaha:Listrik", 20_000), ("Pendapatan:Anggota:Jasa", 40_000)}
    assert pack_differences(year_file, long_file, monkeypatch) == []


def test_hand_made_previous_year_shu_booked_and_paid_from_the_year_file(hand_made, monkeypatch):
    """2024's SHU, by hand: toko 400,000 − 250,000 + jasa 60,000 − listrik 30,000 = 180,000. Budi
    (A0002) left in 2025 with nothing left on his accounts, yet shares in 2024's SHU."""
    long_file, year_file = hand_made
    monkeypatch.setenv("KOP_TODAY", TODAY)
    shu = kop_json("shu", "hitung", year_file, "--tahun", "2024", "--format", "json")
    assert Decimal(shu["shu"]) == 180_000
    assert shu == kop_json("shu", "hitung", long_file, "--tahun", "2024", "--format", "json")
    for path in (year_file, long_file):
        for command in (("hitung", "--tulis", "--tanggal", "2026-03-15"), ("bayar", "--tanggal", "2026-03-16")):
            code, out = kop("shu", command[0], path, "--tahun", "2024", *command[1:])
            assert code == 0, out
        assert kop("cek", path)[0] == 0
    assert _owed(year_file) == _owed(long_file)
    assert "Liabilitas:UtangSHU:A0002" in year_file.read_text(encoding="utf-8")


def test_a_year_two_files_back_reads_like_the_long_file(tmp_path, monkeypatch):
    """Generated books 2021–2024, one file per year: the RAT 2022 pack and SHU 2022 read from the
    2024 file (2022 is reached through two ``arsip``) equal the long file's."""
    import re

    from examples.generator import generate

    text = generate(30, 4, seed=11, start_year=2021)
    long_file = tmp_path / "panjang.beancount"
    long_file.write_text(text, encoding="utf-8")
    pieces, rest = [], text
    for year in range(2022, 2025):
        match = re.search(rf"\n\n(?={year}-\d\d-\d\d )", rest)
        assert match is not None
        pieces.append(rest[: match.start() + 1])
        rest = rest[match.start() + 1:]
    pieces.append(rest)
    files = {year: tmp_path / f"buku-{year}.beancount" for year in range(2021, 2025)}
    files[2021].write_text(pieces[0], encoding="utf-8")
    for k, year in enumerate(range(2021, 2024)):
        close_year(long_file, year, today=dt.date(year + 1, 1, 31))
        close_year(files[year], year, today=dt.date(year + 1, 1, 31), new_file=files[year + 1])
        with files[year + 1].open("a", encoding="utf-8") as handle:
            handle.write("\n" + pieces[k + 1])
    monkeypatch.setenv("KOP_TODAY", "2025-03-01")
    newest = Books.load(files[2024])
    held = holder(newest, 2022).path
    assert held is not None and held.name == "buku-2022.beancount"
    by_year, long = build_rat(newest, 2022), build_rat(Books.load(long_file), 2022)
    # each layout's locks fingerprint its own files (seals name the next file): the sidik differ
    found = [d for d in differences(by_year, long) if not d.startswith(".sidik[")]
    assert found == [], "\n".join(x[:200] for x in found)
    assert set(by_year.sidik) == set(long.sidik) == {2021, 2022}
    args = ("--tahun", "2022", "--format", "json")
    assert kop_json("shu", "hitung", files[2024], *args) == kop_json("shu", "hitung", long_file, *args)
    # the loan portfolio and the wajib arrears at a date two files back: read from the file holding 2022
    per = ("--per", "2022-12-31", "--format", "json")
    by_year_loans = kop_json("pinjaman", "portofolio", files[2024], *per)
    assert by_year_loans == kop_json("pinjaman", "portofolio", long_file, *per)
    assert Decimal(str(by_year_loans["total_saldo"])) > 0 and by_year_loans["pinjaman"]
    assert kop_json("simpanan", "tunggakan", files[2024], *per) == kop_json("simpanan", "tunggakan", long_file, *per)
