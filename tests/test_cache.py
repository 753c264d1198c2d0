"""kopledger's own cache (kopledger/books/load/cache.py) and incremental loading (kopledger/books/load/incremental.py).

Every load through the cache must equal beancount's own cold load of the same files.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from beancount import loader
from beancount.parser import printer
from click.testing import CliRunner

from kopledger import Koperasi
from kopledger.books.checks import plugin
from kopledger.books.load import cache, incremental
from kopledger.cli import main
from kopledger.core.errors import KopError, LedgerHasErrors
from kopledger.ops.writer import append_text
from tests.conftest import ledger_text

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "mawar" / "buku.beancount"

BODY = """\
2024-01-02 custom "anggota" "A0001" "Siti Aminah"
  jenis-kelamin: "P"
2024-01-02 custom "anggota" "A0002" "Budi Santoso"
  jenis-kelamin: "L"
2024-01-02 * "Simpanan pokok" #simpanan-pokok
  anggota: "A0001"
  Aset:Kas  100000 IDR
  Ekuitas:SimpananPokok:A0001  -100000 IDR
2024-01-03 * "Simpanan pokok" #simpanan-pokok
  anggota: "A0002"
  Aset:Kas  100000 IDR
  Ekuitas:SimpananPokok:A0002  -100000 IDR
2024-02-01 * "Setoran sukarela"
  anggota: "A0001"
  Aset:Kas  300000 IDR
  Liabilitas:SimpananSukarela:A0001  -300000 IDR
2024-02-02 balance Aset:Kas  500000 IDR
"""


def deposit(date: str, member: str, amount: int) -> str:
    return (
        f'{date} * "Setoran sukarela"\n  anggota: "{member}"\n  Aset:Kas  {amount} IDR\n'
        f"  Liabilitas:SimpananSukarela:{member}  -{amount} IDR\n"
    )


ROOTS = "".join(f'option "name_{k}" "{v}"\n' for k, v in [
    ("assets", "Aset"), ("liabilities", "Liabilitas"), ("equity", "Ekuitas"), ("income", "Pendapatan"), ("expenses", "Beban"),
])


def cold(path: Path) -> tuple[list[Any], list[Any], dict[str, Any]]:
    """beancount's own cold load (no cache of any kind)."""
    result: tuple[list[Any], list[Any], dict[str, Any]] = loader._load([(os.path.realpath(path), True)], None, None, None)
    return result


def assert_same(got: tuple[list[Any], list[Any], dict[str, Any]], want: tuple[list[Any], list[Any], dict[str, Any]]) -> None:
    assert got[0] == want[0]
    assert [printer.format_error(e) for e in got[1]] == [printer.format_error(e) for e in want[1]]
    skip = ("input_hash", "dcontext")
    assert {k: v for k, v in got[2].items() if k not in skip} == {k: v for k, v in want[2].items() if k not in skip}
    assert str(got[2]["dcontext"]) == str(want[2]["dcontext"])


@pytest.fixture
def books(tmp_path: Path) -> Path:
    folder = tmp_path / "koperasi"
    folder.mkdir()
    path = folder / "buku.beancount"
    path.write_text(ledger_text(BODY), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _fresh_memory() -> None:
    cache._MEMORY.clear()


def test_staged_load_equals_beancounts_own_load() -> None:
    main_file = os.path.realpath(EXAMPLE)
    state = incremental.full_load(main_file, os.path.getsize(main_file))
    assert_same((state.entries, state.errors, state.options), cold(EXAMPLE))


def test_second_load_is_a_hit_and_equal(books: Path) -> None:
    first = cache.load_books(books)
    assert cache.last_load == "cold"
    cache._MEMORY.clear()  # from the disk snapshot, as a new process would
    second = cache.load_books(books)
    assert cache.last_load == "hit"
    assert_same(second, cold(books))
    assert_same(first, second)


def test_snapshot_lives_outside_the_books_folder_privately(books: Path) -> None:
    cache.load_books(books)
    assert sorted(p.name for p in books.parent.iterdir()) == ["buku.beancount"]
    snapshot = cache._snapshot_path(os.path.realpath(books))
    assert snapshot.is_file()
    assert snapshot.stat().st_mode & 0o077 == 0
    assert snapshot.parent.stat().st_mode & 0o077 == 0


def test_an_append_is_loaded_incrementally_and_equals_a_cold_load(books: Path) -> None:
    cache.load_books(books)
    with books.open("a", encoding="utf-8") as handle:
        handle.write("\n" + deposit("2024-03-01", "A0002", 50000))
    cache._MEMORY.clear()
    got = cache.load_books(books)
    assert cache.last_load == "append"
    assert_same(got, cold(books))


def test_the_plugin_judges_appended_entries_against_the_whole_books(books: Path) -> None:
    cache.load_books(books)
    withdrawal = (
        '2024-03-01 * "Tarik pokok"\n  anggota: "A0001"\n  Aset:Kas  -100000 IDR\n'
        "  Ekuitas:SimpananPokok:A0001  100000 IDR\n"
    )
    with books.open("a", encoding="utf-8") as handle:
        handle.write("\n" + withdrawal)
    got = cache.load_books(books)
    assert cache.last_load == "append"
    assert any("tidak boleh diambil" in e.message for e in got[1])
    assert_same(got, cold(books))


def test_a_write_validates_its_candidate_incrementally_and_refuses_errors(books: Path) -> None:
    Koperasi.load(books)
    append_text(books, deposit("2024-03-01", "A0001", 1000))
    assert cache.last_load == "hit"  # the writer's load under the lock
    with pytest.raises(LedgerHasErrors) as caught:
        append_text(books, deposit("2024-03-02", "A9999", 1000))  # unknown member
    assert "A9999" in str(caught.value.errors)
    before = books.read_bytes()
    assert_same(cache.load_books(books), cold(books))
    assert books.read_bytes() == before


def test_a_backdated_entry_breaking_a_later_assertion_is_caught(books: Path) -> None:
    cache.load_books(books)
    with books.open("a", encoding="utf-8") as handle:
        handle.write("\n" + deposit("2024-02-01", "A0002", 7000))  # before the 2024-02-02 balance
    got = cache.load_books(books)
    assert cache.last_load == "cold"
    assert any("Balance failed" in e.message for e in got[1])
    assert_same(got, cold(books))


def test_an_entry_dated_before_directives_ahead_is_still_appended_incrementally(books: Path) -> None:
    # a next year's budget and an RAT text dated ahead hold no amounts: a deposit dated before
    # them is still an append (exactly a cold load), not a fall-back to a full load
    with books.open("a", encoding="utf-8") as handle:
        handle.write('\n2025-01-02 custom "anggaran" "Beban:Usaha" 1000000 IDR\n'
                     '2025-02-20 note Aset:Kas "kas dihitung pengawas"\n')
    cache.load_books(books)
    with books.open("a", encoding="utf-8") as handle:
        handle.write("\n" + deposit("2024-12-30", "A0002", 7000))
    got = cache.load_books(books)
    assert cache.last_load == "append"
    assert got[1] == []
    assert_same(got, cold(books))
    # but not before an old balance assertion it could break
    with books.open("a", encoding="utf-8") as handle:
        handle.write("\n" + deposit("2024-02-01", "A0002", 7000))
    got = cache.load_books(books)
    assert cache.last_load == "cold"
    assert_same(got, cold(books))


def test_an_edit_in_the_middle_is_a_cold_load(books: Path) -> None:
    cache.load_books(books)
    books.write_text(books.read_text(encoding="utf-8").replace("300000 IDR", "310000 IDR"), encoding="utf-8")
    got = cache.load_books(books)
    assert cache.last_load == "cold"
    assert any("Balance failed" in e.message for e in got[1])
    assert_same(got, cold(books))


def test_a_changed_included_file_is_seen(books: Path) -> None:
    other = books.with_name("lain.beancount")
    other.write_text(ROOTS + deposit("2024-02-01", "A0002", 1000), encoding="utf-8")
    books.write_text(books.read_text(encoding="utf-8") + 'include "lain.beancount"\n', encoding="utf-8")
    first = cache.load_books(books)
    assert any("Balance failed" in e.message for e in first[1])
    books.write_text(books.read_text(encoding="utf-8").replace("500000 IDR", "501000 IDR"), encoding="utf-8")
    assert cache.load_books(books)[1] == []
    other.write_text(ROOTS + deposit("2024-02-01", "A0002", 2000), encoding="utf-8")
    got = cache.load_books(books)
    assert cache.last_load == "cold"
    assert_same(got, cold(books))
    assert any("Balance failed" in e.message for e in got[1])


def test_an_appended_include_is_a_cold_load(books: Path) -> None:
    cache.load_books(books)
    books.with_name("lain.beancount").write_text(ROOTS + deposit("2024-05-01", "A0002", 1000), encoding="utf-8")
    with books.open("a", encoding="utf-8") as handle:
        handle.write('include "lain.beancount"\n')
    got = cache.load_books(books)
    assert cache.last_load == "cold"
    assert_same(got, cold(books))


def test_appended_postings_of_the_last_transaction_are_a_cold_load(books: Path) -> None:
    text = books.read_text(encoding="utf-8").replace("2024-02-02 balance Aset:Kas  500000 IDR\n", "")
    books.write_text(text, encoding="utf-8")
    cache.load_books(books)
    with books.open("a", encoding="utf-8") as handle:  # continues the last transaction
        handle.write("  Aset:Kas  1 IDR\n  Aset:Kas  -1 IDR\n")
    got = cache.load_books(books)
    assert cache.last_load == "cold"
    assert_same(got, cold(books))


def test_a_copied_folder_never_gets_the_originals_answer(books: Path, tmp_path: Path) -> None:
    """The issue's scenario: load, ``cp -a`` the folder, add a member to the copy."""
    runner = CliRunner()
    assert runner.invoke(main, ["anggota", "daftar", str(books), "--format", "csv"]).exit_code == 0
    copy = tmp_path / "salinan"
    shutil.copytree(books.parent, copy, copy_function=shutil.copy2)  # cp -a: same bytes, same times
    copied = copy / "buku.beancount"
    added = runner.invoke(main, ["anggota", "tambah", str(copied), "--id", "A0003", "--nama", "Citra Lestari",
                                 "--jenis-kelamin", "P", "--tanggal", "2024-03-01"])
    assert added.exit_code == 0, added.output
    listed = runner.invoke(main, ["anggota", "daftar", str(copied), "--format", "csv"])
    assert "A0003" in listed.output
    original = runner.invoke(main, ["anggota", "daftar", str(books), "--format", "csv"])
    assert "A0003" not in original.output
    # every entry of the copy names the copy's file, as a cold load does
    entries = Koperasi.load(copied).entries
    assert {e.meta["filename"] for e in entries if e.meta.get("lineno", 0) > 0} == {os.path.realpath(copied)}
    assert_same(cache.load_books(copied), cold(copied))


def test_tampering_with_a_copy_is_caught(books: Path, tmp_path: Path) -> None:
    cache.load_books(books)
    copy = tmp_path / "salinan"
    shutil.copytree(books.parent, copy, copy_function=shutil.copy2)
    copied = copy / "buku.beancount"
    stat = copied.stat()
    copied.write_text(copied.read_text(encoding="utf-8").replace("300000 IDR", "300001 IDR"), encoding="utf-8")
    os.utime(copied, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same time, same size, other bytes
    assert copied.stat().st_size == stat.st_size
    got = cache.load_books(copied)
    assert any("Balance failed" in e.message for e in got[1])


def test_kop_cache_0_turns_every_cache_off(books: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("KOP_CACHE", "0")
    runner = CliRunner()
    result = runner.invoke(main, ["laporan", str(books), "--tahun", "2024", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert cache.last_load == "off"
    assert not (tmp_path / "xdg").exists()
    assert not list(books.parent.glob(".*"))  # no beancount pickle cache, no sidik cache either
    kop = Koperasi.load(books)
    assert kop.content_key is None


def test_changed_checks_invalidate_the_snapshot(books: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The plugin's checks are kopledger's source: the code key, not a registry, covers them."""
    assert cache.load_books(books)[1] == []

    def extra(entries: list[Any], options: dict[str, Any]) -> list[Any]:
        return [KopError(None, "extra check", None)]

    monkeypatch.setattr(plugin, "whole_book_checks", lambda verified: (extra,))
    cache._MEMORY.clear()
    assert cache.load_books(books)[1] == [] and cache.last_load == "hit"  # same code: the snapshot stands
    monkeypatch.setattr(cache, "_CODE_KEY", "the checks' source changed")
    cache._MEMORY.clear()
    got = cache.load_books(books)
    assert cache.last_load == "cold"
    assert [e.message for e in got[1]] == ["extra check"]


def test_reports_come_from_the_cache_only_for_the_same_books(books: Path) -> None:
    runner = CliRunner()
    argv = ["laporan", str(books), "--tahun", "2024", "--format", "json"]
    first = runner.invoke(main, argv)
    assert first.exit_code == 0, first.output
    cache.last_load = ""
    again = runner.invoke(main, argv)
    assert again.output == first.output
    assert cache.last_load == ""  # not even loaded
    with books.open("a", encoding="utf-8") as handle:
        handle.write("\n" + deposit("2024-03-01", "A0002", 50000))
    after = runner.invoke(main, argv)
    assert cache.last_load == "append"
    assert after.output != first.output
    os.environ["KOP_CACHE"] = "0"
    try:
        reference = runner.invoke(main, argv)
    finally:
        del os.environ["KOP_CACHE"]
    assert after.output == reference.output


def test_after_a_write_the_next_process_has_a_hit(books: Path) -> None:
    cache.load_books(books)
    append_text(books, deposit("2024-03-01", "A0001", 1000))
    assert cache._delta_path(os.path.realpath(books)).is_file()
    cache._MEMORY.clear()  # a new process: base snapshot + delta from disk
    got = cache.load_books(books)
    assert cache.last_load == "hit"
    assert_same(got, cold(books))
    cache._MEMORY.clear()
    append_text(books, deposit("2024-03-02", "A0002", 2000))
    cache._MEMORY.clear()
    assert_same(cache.load_books(books), cold(books))
    assert cache.last_load == "hit"


def _snapshot_of(path: Path) -> int | None:
    """The size of the main file the base snapshot of ``path`` holds (None: no snapshot)."""
    header = cache._read_header(cache._snapshot_path(os.path.realpath(path)))
    return None if header is None else int(header["size"])


def test_a_cold_write_writes_one_snapshot_of_the_written_books(books: Path) -> None:
    append_text(books, deposit("2024-03-01", "A0001", 1000))  # nothing cached before
    main = os.path.realpath(books)
    assert _snapshot_of(books) == books.stat().st_size  # the books as written, not before
    assert not cache._delta_path(main).exists()
    cache._MEMORY.clear()
    assert_same(cache.load_books(books), cold(books))
    assert cache.last_load == "hit"


def test_a_cold_dry_run_or_refused_write_leaves_the_snapshot_of_the_books_as_they_are(books: Path) -> None:
    size = books.stat().st_size
    append_text(books, deposit("2024-03-01", "A0001", 1000), dry_run=True)
    assert books.stat().st_size == size and _snapshot_of(books) == size
    cache._MEMORY.clear()
    cache._snapshot_path(os.path.realpath(books)).unlink()
    with pytest.raises(LedgerHasErrors):  # withdrawing simpanan pokok while active: refused
        append_text(books, '2024-03-01 * "Tarik"\n  anggota: "A0001"\n  Aset:Kas  -100000 IDR\n'
                           "  Ekuitas:SimpananPokok:A0001  100000 IDR\n")
    assert books.stat().st_size == size and _snapshot_of(books) == size
    cache._MEMORY.clear()
    cache.load_books(books)
    assert cache.last_load == "hit"


def test_a_large_delta_becomes_the_base(books: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "SAVE_TAIL_BYTES", 0)
    monkeypatch.setattr(cache, "SAVE_TAIL_FRACTION", 0.0)
    cache.load_books(books)
    with books.open("a", encoding="utf-8") as handle:
        handle.write("\n" + deposit("2024-03-01", "A0002", 50000))
    cache._MEMORY.clear()
    cache.load_books(books)
    assert cache.last_load == "append"
    main_file = os.path.realpath(books)
    assert not cache._delta_path(main_file).exists()
    header = cache._read_header(cache._snapshot_path(main_file))
    assert header is not None and header["size"] == books.stat().st_size
    cache._MEMORY.clear()
    assert_same(cache.load_books(books), cold(books))
    assert cache.last_load == "hit"


@pytest.mark.parametrize("tail", [
    "2024-03-05 balance Aset:Kas  123 IDR\n",  # a new, failing assertion
    "2024-03-05 balance Aset:Kas  500000 IDR\n",  # a new, passing one
    '2024-03-04 * "Setoran"\n  anggota: "A0002"\n  Aset:Kas  1000 IDR\n'
    "  Liabilitas:SimpananSukarela:A0002  -1000 IDR\n2024-03-05 balance Aset:Kas  501000 IDR\n",
])
def test_appended_balance_assertions_are_checked(books: Path, tail: str) -> None:
    cache.load_books(books)
    with books.open("a", encoding="utf-8") as handle:
        handle.write("\n" + tail)
    got = cache.load_books(books)
    assert cache.last_load == "append"
    assert_same(got, cold(books))


def test_books_with_a_pad_stay_exact(books: Path) -> None:
    text = books.read_text(encoding="utf-8").replace(
        "2024-02-02 balance Aset:Kas  500000 IDR\n",
        "2024-01-01 open Ekuitas:Hibah IDR\n2024-02-01 pad Aset:Kas Ekuitas:Hibah\n"
        "2024-02-02 balance Aset:Kas  600000 IDR\n",
    )
    books.write_text(text, encoding="utf-8")
    first = cache.load_books(books)
    assert first[1] == []
    with books.open("a", encoding="utf-8") as handle:
        handle.write("\n" + deposit("2024-03-01", "A0002", 50000) + "2024-03-02 balance Aset:Kas  650000 IDR\n")
    got = cache.load_books(books)
    assert cache.last_load == "append"
    assert_same(got, cold(books))


def test_books_reading_the_file_system_are_never_snapshotted(books: Path) -> None:
    receipts = books.parent / "dokumen" / "Aset" / "Kas"
    receipts.mkdir(parents=True)
    text = books.read_text(encoding="utf-8").replace('plugin "kopledger.plugin"\n', 'plugin "kopledger.plugin"\noption "documents" "dokumen"\n')
    books.write_text(text, encoding="utf-8")
    first = cache.load_books(books)
    assert not cache._snapshot_path(os.path.realpath(books)).exists()
    (receipts / "2024-02-01.kuitansi.pdf").write_bytes(b"%PDF")
    cache._MEMORY.clear()
    got = cache.load_books(books)
    assert cache.last_load == "cold"
    assert len(got[0]) == len(first[0]) + 1  # the new document, found in the folder
    assert_same(got, cold(books))


def test_a_changed_third_party_plugin_is_run_again(books: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib
    import sys

    folder = tmp_path / "plugins"
    folder.mkdir()
    module = folder / "kop_cache_uji_plugin.py"
    source = (
        "__plugins__ = ['run']\n\n"
        "def run(entries, options_map):\n"
        "    return entries, {errors}\n"
    )
    module.write_text(source.format(errors="[]"), encoding="utf-8")
    monkeypatch.syspath_prepend(str(folder))
    books.write_text(books.read_text(encoding="utf-8").replace(
        'plugin "kopledger.plugin"\n', 'plugin "kopledger.plugin"\nplugin "kop_cache_uji_plugin"\n'), encoding="utf-8")
    assert cache.load_books(books)[1] == []
    assert cache._snapshot_path(os.path.realpath(books)).exists()
    module.write_text(source.format(errors="[__import__('kopledger.core.errors').core.errors.KopError(None, 'baru', None)]"),
                      encoding="utf-8")
    sys.modules.pop("kop_cache_uji_plugin", None)
    importlib.invalidate_caches()
    cache._MEMORY.clear()
    got = cache.load_books(books)
    assert [e.message for e in got[1]] == ["baru"]
    sys.modules.pop("kop_cache_uji_plugin", None)
