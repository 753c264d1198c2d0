"""Year files as the treasurer uses them (issue 23, part 7 and the year-file cases of part 1).

A closed file continued with ``kop tutup-buku --file-baru`` and the year file that names it:
the archive is re-read and its own chain verified at every load (its hash only a cache key),
the opening equals the archive's closing balances, a back-dated entry is named at its own
line, the closed file is sealed, the new file is made beside the old one, and a write fault
names the real file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kopledger import Koperasi
from kopledger.books import beancount_api
from kopledger.books.closed import year_files
from kopledger.books.closed.chain import ChainError
from kopledger.cli import main
from kopledger.core.errors import LedgerHasErrors
from kopledger.ops.closing import close_year, reopen_year
from kopledger.ops.writer import append_text
from tests.faults import fill, small_tmpfs
from tests.test_closing import YEAR_2024, write

TWO_MEMBERS = YEAR_2024 + """
2024-02-01 custom "anggota" "A0002" "Budi Santoso"
2024-02-01 * "Simpanan pokok Budi" #simpanan-pokok
  anggota: "A0002"
  Aset:Kas  100000 IDR
  Ekuitas:SimpananPokok:A0002  -100000 IDR
2024-05-02 * "Simpanan sukarela Siti"
  anggota: "A0001"
  Aset:Kas  500000 IDR
  Liabilitas:SimpananSukarela:A0001  -500000 IDR
2024-05-03 * "Simpanan sukarela Budi"
  anggota: "A0002"
  Aset:Kas  50000 IDR
  Liabilitas:SimpananSukarela:A0002  -50000 IDR
"""

DEPOSIT_2026 = """
2026-01-05 * "Setoran sukarela Siti"
  anggota: "A0001"
  Aset:Kas  75000 IDR
  Liabilitas:SimpananSukarela:A0001  -75000 IDR
"""


def cli(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.output + (result.stderr if result.stderr_bytes else "")


def cek(path: Path) -> tuple[int, str]:
    return cli("cek", path)


def line_of(path: Path, start: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), start=1) if line.startswith(start))


def chain_errors(path: Path) -> list[ChainError]:
    return [e for e in beancount_api.load_cold(str(path))[1] if isinstance(e, ChainError)]


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    """2024 closed with --file-baru: the closed file and the 2025 year file beside it."""
    folder = tmp_path / "buku"
    folder.mkdir()
    old = write(folder, TWO_MEMBERS)
    new = folder / "buku-2025.beancount"
    close_year(old, 2024, today=dt.date(2025, 1, 20), new_file=new)
    assert cek(old)[0] == 0 and cek(new)[0] == 0
    return old, new


def forge_bawaan(new: Path) -> None:
    """Recompute the year file's public ``sidik-bawaan`` over what it now carries (what a forger would do)."""
    entries = beancount_api.load_cold(str(new))[0]
    text = new.read_text()
    new.write_text(re.sub(r'sidik-bawaan: "[0-9a-f]+"',
                          f'sidik-bawaan: "{year_files.carried_digest(entries, 2024)}"', text))


# --- 1. the opening equals the archive's closing balances ---------------------------------
def test_an_opening_that_moves_a_member_s_balance_is_an_error_at_the_opening_s_line(pair):
    old, new = pair
    text = new.read_text()
    moved = re.sub(r"(Liabilitas:SimpananSukarela:A0001\s+)-500000", r"\g<1>-300000", text)
    moved = re.sub(r"(Liabilitas:SimpananSukarela:A0002\s+)-50000", r"\g<1>-250000", moved)
    assert moved.count("-300000") == 1 and moved.count("-250000") == 1
    new.write_text(moved)
    forge_bawaan(new)  # the carried entries' own fingerprint holds again: only the archive can tell
    errors = chain_errors(new)
    assert len(errors) == 1, errors
    assert errors[0].source["lineno"] == line_of(new, "2024-12-31 * ")
    message = errors[0].message
    assert "saldo awal 2025" in message and str(old.resolve()) in message
    assert "Liabilitas:SimpananSukarela:A0001 -300000 di sini, -500000 di arsip" in message
    assert "Liabilitas:SimpananSukarela:A0002 -250000 di sini, -50000 di arsip" in message
    code, out = cek(new)
    assert code == 1 and f"{new}:{line_of(new, '2024-12-31 * ')}:" in out


def test_an_opening_posting_added_or_dropped_is_an_error_too(pair):
    _, new = pair
    text = new.read_text()
    new.write_text(re.sub(r"\n  Liabilitas:SimpananSukarela:A0002\s+-50000 IDR", "", text)
                   .replace("  Aset:Kas  ", "  Aset:Kas  ", 1))
    text = new.read_text()
    new.write_text(re.sub(r"(\n  Aset:Kas\s+)(\d+)", lambda m: f"{m.group(1)}{int(m.group(2)) - 50000}", text, count=1))
    forge_bawaan(new)
    errors = chain_errors(new)
    assert len(errors) == 1 and "Liabilitas:SimpananSukarela:A0002 0 di sini, -50000 di arsip" in errors[0].message


# --- 2. the archive is re-read, its hash only a cache key --------------------------------------
def test_an_edited_archive_is_an_error_whatever_hash_the_year_file_stores(pair):
    old, new = pair
    old.write_text(old.read_text().replace("Aset:Kas  90000 IDR", "Aset:Kas  91000 IDR"))
    digest = hashlib.sha256(old.read_bytes()).hexdigest()
    new.write_text(re.sub(r'\n  sha256: "[0-9a-f]+"', f'\n  sha256: "{digest}"', new.read_text(), count=1))
    code, out = cek(new)
    assert code == 1 and f"berkas arsip tahun buku 2024, {old}, berubah sejak ditutup" in out, out
    assert "kuncinya tidak utuh lagi" in out


def test_a_cosmetic_edit_of_the_archive_is_accepted_with_its_old_hash(pair):
    old, new = pair
    old.write_text(";; dicetak ulang untuk RAT\n" + old.read_text().replace("Aset:Kas  90000 IDR", "Aset:Kas   90000.00 IDR"))
    assert cek(new) == (0, cek(new)[1]) and cek(new)[0] == 0


def test_a_forged_rantai_is_an_error(pair):
    _, new = pair
    text = new.read_text()
    new.write_text(re.sub(r'rantai: "2024=[0-9a-f]+"', 'rantai: "2024=' + "ab" * 32 + '"', text))
    code, out = cek(new)
    assert code == 1 and "rantai di" in out and "sidik 2024 berbeda" in out


def test_the_archive_s_verification_is_cached_by_its_content_and_never_trusted_by_its_hash(pair, monkeypatch):
    old, new = pair
    assert beancount_api.load_cold(str(new))[1] == []  # verifies the archive (its facts noted, not written)
    year_files.save_archive_facts()  # what the owner of a kopledger load does after it
    year_files._MEMO.clear()
    loaded: list[str] = []
    real_load = beancount_api.load_cold
    monkeypatch.setattr(beancount_api, "load_cold", lambda path: loaded.append(path) or real_load(path))
    assert beancount_api.load_cold(str(new))[1] == []
    assert loaded == [str(new)]  # the archive was re-read and hashed, its verification found in the cache
    old.write_text(old.read_text().replace("Aset:Kas  90000 IDR", "Aset:Kas  91000 IDR"))
    errors = [e for e in beancount_api.load_cold(str(new))[1] if isinstance(e, ChainError)]
    assert str(old.resolve()) in loaded and len(errors) == 1 and "berubah sejak ditutup" in errors[0].message


# --- 3. the closed file is sealed ---------------------------------------------------------------
def test_a_2026_entry_in_the_sealed_file_is_an_error_naming_the_new_file(pair):
    old, new = pair
    with old.open("a", encoding="utf-8") as handle:
        handle.write(DEPOSIT_2026)
    code, out = cek(old)
    line = line_of(old, "2026-01-05 *")
    assert code == 1 and f"{old}:{line}:" in out and f"dilanjutkan di {new}" in out, out
    code, out = cek(new)  # the year file sees its archive no longer holds
    assert code == 1 and "berubah sejak ditutup" in out


def test_kopledger_s_writer_refuses_a_2026_entry_into_the_sealed_file(pair):
    old, new = pair
    before = old.read_bytes()
    with pytest.raises(LedgerHasErrors) as raised:
        append_text(old, DEPOSIT_2026)
    assert any(str(new) in str(e.message) for e in raised.value.errors)
    assert old.read_bytes() == before


def test_the_seal_is_covered_by_the_lock_and_cannot_be_removed_unseen(pair):
    old, _ = pair
    text = old.read_text()
    seal = re.search(r'2024-12-31 custom "segel" "2024" "buku-2025.beancount"\n  lanjutan: "[0-9a-f]+"\n', text)
    assert seal is not None
    old.write_text(text.replace(seal.group(0), "") + DEPOSIT_2026)
    code, out = cek(old)
    assert code == 1 and "tahun buku 2024 sudah ditutup" in out and "2024-12" in out, out


def test_an_entry_hand_inserted_before_the_seal_is_an_error_at_the_seal(pair):
    old, new = pair
    text = old.read_text()
    old.write_text(text.replace('2024-12-31 custom "segel"', DEPOSIT_2026.strip() + '\n\n2024-12-31 custom "segel"'))
    errors = chain_errors(old)
    assert [e.source["lineno"] for e in errors] == [line_of(old, '2024-12-31 custom "segel"')]
    assert str(new) in errors[0].message


def test_reopening_the_sealed_year_lifts_the_seal(pair):
    old, _ = pair
    reopen_year(old, 2024, "koreksi persediaan", today=dt.date(2025, 2, 1))
    with old.open("a", encoding="utf-8") as handle:
        handle.write(DEPOSIT_2026)
    assert Koperasi.load(old).errors == []


# --- 4. the new file beside the old one, its reference relative ----------------------------------
def test_a_bare_new_file_name_is_made_beside_the_old_file_and_both_move_together(tmp_path, monkeypatch):
    books = tmp_path / "buku"
    books.mkdir()
    old = write(books, TWO_MEMBERS)
    elsewhere = tmp_path / "di-tempat-lain"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    code, out = cli("tutup-buku", old, "--tahun", "2024", "--file-baru", "buku-2025.beancount", "--tanggal", "2025-01-20")
    assert code == 0, out
    new = books / "buku-2025.beancount"
    assert new.is_file() and not (elsewhere / "buku-2025.beancount").exists()
    assert 'custom "arsip" "2024" "buku.beancount"' in new.read_text()
    assert 'custom "segel" "2024" "buku-2025.beancount"' in old.read_text()
    moved = tmp_path / "pindah" / "arsip-koperasi"
    moved.parent.mkdir()
    shutil.move(books, moved)
    assert cek(moved / "buku-2025.beancount")[0] == 0
    assert cek(moved / "buku.beancount")[0] == 0


# --- 5. back-dated entries at their own line --------------------------------------------------
def test_a_back_dated_transaction_in_the_year_file_is_reported_at_its_own_line(pair):
    _, new = pair
    with new.open("a", encoding="utf-8") as handle:
        handle.write('\n2024-06-01 * "Terlambat dicatat"\n  Aset:Kas  10000 IDR\n  Pendapatan:Lain  -10000 IDR\n')
    errors = chain_errors(new)
    assert [e.source["lineno"] for e in errors] == [line_of(new, "2024-06-01 *")], errors
    assert "transaksi bertanggal 2024-06-01" in errors[0].message


def test_a_back_dated_directive_in_the_year_file_is_reported_at_its_own_line(pair):
    _, new = pair
    with new.open("a", encoding="utf-8") as handle:
        handle.write('\n2024-06-01 custom "anggota" "A0009" "Anggota Susulan"\n')
    errors = chain_errors(new)
    assert [e.source["lineno"] for e in errors] == [line_of(new, '2024-06-01 custom "anggota"')], errors
    assert "ditambahkan ke berkas tahun 2025" in errors[0].message


# --- 6. a write fault names the real file ---------------------------------------------------------
def test_a_dangling_symlink_as_new_file_is_refused_naming_it(tmp_path):
    old = write(tmp_path, TWO_MEMBERS)
    before = old.read_bytes()
    link = tmp_path / "buku-2025.beancount"
    link.symlink_to(tmp_path / "tidak-ada" / "x.beancount")
    code, out = cli("tutup-buku", old, "--tahun", "2024", "--file-baru", link, "--tanggal", "2025-01-20")
    assert code == 1 and f"{link} sudah ada sebagai tautan (symlink) ke {tmp_path / 'tidak-ada' / 'x.beancount'}" in out
    assert ".tmp" not in out and "Traceback" not in out
    assert old.read_bytes() == before and link.is_symlink() and not link.exists()
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]


@pytest.fixture
def full_disk(tmp_path: Path):
    """A real 64 KiB tmpfs (root mounts it), filled up by the test."""
    with small_tmpfs(tmp_path / "penuh", "64k") as folder:
        yield folder


def test_new_file_on_a_full_disk_names_the_file_and_the_reason(full_disk):
    old = write(full_disk, TWO_MEMBERS)
    fill(full_disk)
    before = old.read_bytes()
    new = full_disk / "buku-2025.beancount"
    code, out = cli("tutup-buku", old, "--tahun", "2024", "--file-baru", new, "--tanggal", "2025-01-20")
    assert code == 1 and f"berkas baru {new} tidak bisa dibuat: disk penuh" in out, out
    assert "Traceback" not in out and ".tmp" not in out
    assert old.read_bytes() == before and not new.exists()
    assert not [p for p in os.listdir(full_disk) if p.endswith(".tmp")]
