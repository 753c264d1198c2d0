"""Provenance you cannot forge (issue 23): what a closed year's lock covers is told by how the
load made an entry, never by a flag, metadata or file name a user can write; the chain is
verified end to end by ``kop cek`` and ``kop verifikasi``."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kopledger import Koperasi
from kopledger.books.closed.chain import GENERATED, ChainError, is_generated
from kopledger.cli import main
from kopledger.core.errors import InputError, KopledgerError
from kopledger.ops.closing import close_year, closed_years, plan_closing
from kopledger.ops.writer import format_directives
from tests.conftest import ledger_text

BODY = """\
2020-01-01 custom "shu-alokasi" "cadangan" 40
2020-01-01 custom "shu-alokasi" "jasa-modal" 30
2020-01-01 custom "shu-alokasi" "jasa-usaha" 30
2020-01-01 open Ekuitas:Modal IDR
2020-01-01 open Beban:Usaha:Listrik IDR
2023-01-05 custom "anggota" "A0001" "Siti Aminah"
2023-01-05 custom "anggota" "A0002" "Dewi Lestari"
2023-01-05 * "Simpanan pokok Siti" #simpanan-pokok
  anggota: "A0001"
  Aset:Kas  100000 IDR
  Ekuitas:SimpananPokok:A0001  -100000 IDR
2023-01-05 * "Simpanan pokok Dewi" #simpanan-pokok
  anggota: "A0002"
  Aset:Kas  100000 IDR
  Ekuitas:SimpananPokok:A0002  -100000 IDR
2023-03-01 * "Simpanan sukarela Siti" #simpanan-sukarela
  anggota: "A0001"
  Aset:Kas  2000000 IDR
  Liabilitas:SimpananSukarela:A0001  -2000000 IDR
2023-03-02 * "Simpanan sukarela Dewi" #simpanan-sukarela
  anggota: "A0002"
  Aset:Kas  500000 IDR
  Liabilitas:SimpananSukarela:A0002  -500000 IDR
2023-05-10 * "Penjualan kepada anggota"
  anggota: "A0001"
  Aset:Kas  250000 IDR
  Pendapatan:Anggota:Penjualan
2024-04-30 * "Gaji April"
  Beban:Usaha:Gaji  40000 IDR
  Aset:Kas
2024-06-01 document Aset:Kas "nota/2024-06-01.nota.txt"
2024-11-15 * "Penjualan non-anggota"
  Aset:Kas  90000 IDR
  Pendapatan:NonAnggota:Penjualan
2025-02-10 * "Penjualan kepada anggota"
  anggota: "A0001"
  Aset:Kas  120000 IDR
  Pendapatan:Anggota:Penjualan
"""

#: Moves 1,000,000 of Siti's savings to Dewi, dated inside a closed year.
MOVE = """
2024-07-01 {flag} "Pindah simpanan"
  Liabilitas:SimpananSukarela:A0001  1000000 IDR
  Liabilitas:SimpananSukarela:A0002  -1000000 IDR
"""


def _closed(folder: Path) -> tuple[Path, dict[int, str]]:
    (folder / "nota").mkdir()
    (folder / "nota" / "2024-06-01.nota.txt").write_text("nota\n")
    (folder / "lain").mkdir()
    (folder / "lain" / "2024-06-01.nota.txt").write_text("nota palsu\n")
    path = folder / "buku.beancount"
    path.write_text(ledger_text(BODY), encoding="utf-8")
    for year in (2023, 2024, 2025):
        close_year(path, year, today=dt.date(year + 1, 1, 20))
    kop = Koperasi.load(path)
    assert kop.errors == []
    return path, closed_years(kop)


@pytest.fixture(scope="module")
def closed_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[int, str]]:
    return _closed(tmp_path_factory.mktemp("tertutup"))


@pytest.fixture
def books(closed_template: tuple[Path, dict[int, str]], tmp_path: Path) -> tuple[Path, dict[int, str]]:
    source, sidik = closed_template
    shutil.copytree(source.parent, tmp_path / "buku")
    return tmp_path / "buku" / "buku.beancount", sidik


def run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.output


def cek(path: Path) -> tuple[int, str]:
    return run("cek", path)


def verify(path: Path, year: int, sidik: str) -> tuple[int, dict[str, object]]:
    code, out = run("verifikasi", path, "--tahun", year, "--sidik", sidik, "--format", "json")
    return code, json.loads(out)


def append(path: Path, text: str) -> None:
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(text)


def assert_caught(path: Path, sidik: dict[int, str]) -> None:
    """``kop cek`` fails and ``kop verifikasi`` of the newest closed year says TIDAK COCOK."""
    code, out = cek(path)
    assert code != 0, out
    code, result = verify(path, 2025, sidik[2025])
    assert code == 1 and result["cocok"] is False, result
    code, out = run("verifikasi", path, "--tahun", 2025, "--sidik", sidik[2025])
    assert out.startswith("TIDAK COCOK")


# --- 1. a flag is no provenance ------------------------------------------------------
@pytest.mark.parametrize("flag", ["P", "*", "!", "S", "T", "C", "U", "R", "M", "#"])
def test_a_transaction_of_any_flag_in_a_closed_year_is_caught(books, flag):
    path, sidik = books
    append(path, MOVE.format(flag=flag))
    assert_caught(path, sidik)
    errors = [e for e in Koperasi.load(path).errors if isinstance(e, ChainError)]
    assert any(e.tahun == 2024 and "2024-07" in e.bulan for e in errors)


# --- 2. location metadata written by a user --------------------------------------------
@pytest.mark.parametrize("meta", ["lineno: 5", 'lineno: "7"', "lineno: TRUE", 'filename: "<kopledger>"',
                                  'filename: "buku.beancount"'])
def test_location_metadata_written_by_hand_is_an_error_at_its_line(books, meta):
    path, sidik = books
    append(path, f"\n2024-07-01 open Liabilitas:Hutang:Gelap IDR\n  {meta}\n")
    line = len(path.read_text(encoding="utf-8").splitlines())
    code, out = cek(path)
    assert code == 1 and f"{path}:{line}" in out and "tidak boleh ditulis sendiri" in out
    assert_caught(path, sidik)  # and the open it sits on is covered all the same


def test_a_transaction_posing_as_the_plugins_is_caught(books):
    path, sidik = books
    append(path, MOVE.format(flag="P").replace('"Pindah simpanan"\n', '"Pindah simpanan"\n  lineno: 0\n'))
    assert_caught(path, sidik)


@pytest.mark.parametrize("value", ['""', "2024-01-01", "Aset:Kas", "1 IDR", ""])
def test_a_lineno_beancount_cannot_sort_is_a_message_not_a_traceback(books, value):
    path, _ = books
    # two notes of one day: beancount's own sort compares their lineno, and fails
    text = f'2024-07-01 note Aset:Kas "x"\n  lineno: {value}\n2024-07-01 note Aset:Kas "y"\n'
    append(path, "\n" + text)
    line = len(path.read_text(encoding="utf-8").splitlines()) - 1
    code, out = cek(path)
    assert code != 0 and "Traceback" not in out and f"{path}:{line} (lineno)" in out, out
    with pytest.raises(InputError, match="<string>:2 \\(lineno\\)"):
        Koperasi.from_string(ledger_text(text).replace(ledger_text(""), ""))


def test_pushmeta_of_a_location_key_is_an_error(books):
    path, _ = books
    append(path, '\npushmeta filename: "<kopledger>"\n2026-01-02 note Aset:Kas "x"\npopmeta filename:\n')
    code, out = cek(path)
    assert code == 1 and "filename" in out and "tidak boleh ditulis sendiri" in out


# --- 3. what the plugin made, by how the load made it ------------------------------------
def test_the_plugin_hands_the_check_what_it_made(books):
    path, _ = books
    kop = Koperasi.load(path)
    made = [e for e in kop.entries if is_generated(e)]
    # the member accounts the plugin opened carry its mark; nothing a user wrote does
    assert {e.account for e in made} >= {"Liabilitas:SimpananSukarela:A0001", "Ekuitas:SimpananPokok:A0002"}
    assert all(isinstance(e, data_open_close()) for e in made)


def data_open_close() -> tuple[type, ...]:
    from beancount.core import data

    return (data.Open, data.Close)


def test_a_hand_written_member_open_posing_at_the_anggota_line_is_covered(books):
    path, sidik = books
    # the old heuristic skipped an open sharing another directive's location
    append(path, '\n2024-07-01 open Liabilitas:SimpananSukarela:A0003 IDR\n  filename: "<kopledger>"\n')
    assert_caught(path, sidik)


def test_the_generated_mark_cannot_be_written_in_a_books_text():
    kop = Koperasi.from_string(ledger_text(f'2024-07-01 open Aset:Bank IDR\n  {GENERATED}: TRUE\n'))
    assert kop.errors and not any(is_generated(e) for e in kop.entries)


PAD = """
2023-06-01 open Aset:Bank IDR
2023-06-01 pad Aset:Bank Ekuitas:Modal
2023-06-02 balance Aset:Bank 750000 IDR
"""


def test_padding_is_derived_from_its_pad_and_balance_and_both_are_covered(tmp_path):
    path = tmp_path / "buku.beancount"
    path.write_text(ledger_text(BODY.replace('2024-06-01 document Aset:Kas "nota/2024-06-01.nota.txt"\n', "")
                                + PAD), encoding="utf-8")
    for year in (2023, 2024):
        close_year(path, year, today=dt.date(year + 1, 1, 20))
    kop = Koperasi.load(path)
    assert kop.errors == [] and any(e.flag == "P" for e in kop.transactions)  # beancount's padding
    sidik = closed_years(kop)
    assert run("verifikasi", path, "--tahun", 2024, "--sidik", sidik[2024])[0] == 0
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("balance Aset:Bank 750000 IDR", "balance Aset:Bank 760000 IDR"), encoding="utf-8")
    assert cek(path)[0] == 1 and verify(path, 2024, sidik[2024])[0] == 1


def test_a_closed_years_pad_resolved_after_the_year_is_an_error(tmp_path):
    path = tmp_path / "buku.beancount"
    path.write_text(ledger_text(BODY.replace('2024-06-01 document Aset:Kas "nota/2024-06-01.nota.txt"\n', "")
                                + "2024-12-20 open Aset:Bank IDR\n2024-12-20 pad Aset:Bank Ekuitas:Modal\n"
                                + "2025-01-05 balance Aset:Bank 5000000 IDR\n"), encoding="utf-8")
    close_year(path, 2023, today=dt.date(2024, 1, 20))
    assert Koperasi.load(path).errors == []
    # 2024's padding would depend on entries of 2025: closing 2024 so is refused, naming the pad
    with pytest.raises(KopledgerError, match="pad Aset:Bank bertanggal 2024-12-20"):
        close_year(path, 2024, today=dt.date(2025, 1, 20))
    # and a lock written all the same does not make it hold
    kop = Koperasi.load(path)
    lock = format_directives(plan_closing(kop, 2024, tanggal=dt.date(2025, 1, 20)).entries)
    append(path, "\n" + lock)
    code, out = cek(path)
    assert code == 1 and "pad Aset:Bank bertanggal 2024-12-20" in out
    sidik = closed_years(Koperasi.load(path))
    code, result = verify(path, 2024, sidik[2024])
    assert code == 1 and result["masalah"] == ["catatan-tidak-sah"]


# --- 4. the whole chain, every time ----------------------------------------------------
def test_verifikasi_recomputes_every_lock_up_to_the_year(books):
    path, sidik = books
    append(path, '\n2023-08-01 * "Ditambahkan kemudian"\n  Beban:Usaha:Listrik  10000 IDR\n  Aset:Kas\n')
    code, result = verify(path, 2025, sidik[2025])
    assert code == 1 and result["masalah"] == ["kunci-tidak-utuh"]
    assert result["tahun_rusak"] == [2023] and result["bulan"] == ["2023-08"]
    assert result["dihitung"] == sidik[2025]  # 2025's own span is unchanged: the chain below is not
    code, out = run("verifikasi", path, "--tahun", 2025, "--sidik", sidik[2025])
    assert "2023" in out and "2023-08" in out
    assert cek(path)[0] == 1


def test_cek_recomputes_every_lock_even_with_the_verified_cache(books, monkeypatch, tmp_path):
    path, _ = books
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("KOP_SIDIK_CACHE", "1")
    assert cek(path)[0] == 0 and cek(path)[0] == 0  # the years verified once are cached
    append(path, '\n2023-08-01 * "Ditambahkan kemudian"\n  Beban:Usaha:Listrik  10000 IDR\n  Aset:Kas\n')
    code, out = cek(path)
    assert code == 1 and "2023-08" in out


# --- 5. documents ----------------------------------------------------------------------
def test_a_closed_years_document_cannot_be_repointed(books):
    path, sidik = books
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"nota/2024-06-01.nota.txt"', '"lain/2024-06-01.nota.txt"'), encoding="utf-8")
    assert_caught(path, sidik)


def test_moving_the_whole_folder_keeps_every_lock(books, tmp_path):
    path, sidik = books
    moved = tmp_path / "dipindah" / "ke" / "sini"
    moved.parent.mkdir(parents=True)
    shutil.move(str(path.parent), str(moved))
    path = moved / "buku.beancount"
    assert cek(path)[0] == 0
    for year in (2023, 2024, 2025):
        assert verify(path, year, sidik[year])[0] == 0


# --- 6. a year never closed -------------------------------------------------------------
def test_verifikasi_of_a_year_never_closed_says_so_plainly(books):
    path, sidik = books
    code, out = run("verifikasi", path, "--tahun", 2026, "--sidik", sidik[2025])
    assert code == 3 and out.startswith("BELUM DITUTUP") and "TIDAK COCOK" not in out
    assert "belum pernah ditutup" in out
    code, result = verify(path, 2026, sidik[2025])
    assert code == 3 and result["masalah"] == ["belum-ditutup"] and result["cocok"] is False
    code, out = run("verify", path, "--tahun", 2026, "--sidik", sidik[2025], "--lang", "en")
    assert code == 3 and out.startswith("NEVER CLOSED")


def test_a_reopened_year_is_not_called_never_closed(books):
    path, sidik = books
    append(path, '\n2026-01-25 custom "buka-buku" "2025"\n  alasan: "koreksi"\n')
    code, result = verify(path, 2025, sidik[2025])
    assert code == 1 and result["masalah"] == ["tidak-terkunci"]
