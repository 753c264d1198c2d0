"""The plugin resumes its walks over books that only grew, with exactly a full run's result.

kopledger's cache keeps, with each snapshot, the state the plugin's walks (member accounts,
invariants) reached, and hands it to the plugin's run (``kopledger.books.checks.plugin.check``)
as a parameter; an append is then judged by walking only the new entries. Every case here
is compared with beancount's own cold load of the same file, errors included, and says
whether the walk was resumed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from beancount import loader
from beancount.parser import printer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kopledger.books.checks import plugin
from kopledger.books.load import cache, incremental
from tests.conftest import ledger_text

BODY = """\
2024-01-02 custom "anggota" "A0001" "Siti Aminah"
  jenis-kelamin: "P"
2024-01-02 custom "anggota" "A0002" "Budi Santoso"
  jenis-kelamin: "L"
2024-01-02 custom "anggota" "A0003" "Euis Kurniasih"
  jenis-kelamin: "P"
2024-01-02 * "Simpanan pokok" #simpanan-pokok
  anggota: "A0001"
  bukti: "KW-1"
  Aset:Kas  100000 IDR
  Ekuitas:SimpananPokok:A0001  -100000 IDR
2024-01-03 * "Simpanan pokok" #simpanan-pokok
  anggota: "A0002"
  Aset:Kas  100000 IDR
  Ekuitas:SimpananPokok:A0002  -100000 IDR
2024-01-04 * "Setoran sukarela"
  anggota: "A0003"
  Aset:Kas  40000 IDR
  Liabilitas:SimpananSukarela:A0003  -40000 IDR
2024-02-01 * "Pinjaman cair" #pinjaman-cair
  anggota: "A0002"
  pinjaman: "P-1"
  pokok: 200000 IDR
  bunga: 12
  tenor: 12
  metode: "flat"
  Aset:Piutang:PinjamanAnggota:A0002  200000 IDR
  Aset:Kas  -200000 IDR
2024-03-01 custom "anggota-keluar" "A0003"
2024-12-31 custom "anggaran" "Beban:Usaha" 1000000 IDR
2025-01-02 custom "anggaran" "Beban:Usaha" 1200000 IDR
"""


def tx(date: str, narration: str, postings: list[tuple[str, int]], tags: str = "", **meta: str) -> str:
    lines = [f'{date} * "{narration}"{tags}']
    lines += [f'  {key}: "{value}"' for key, value in meta.items()]
    lines += [f"  {account}  {amount} IDR" for account, amount in postings]
    return "\n".join(lines) + "\n"


def deposit(date: str, member: str, amount: int, **meta: str) -> str:
    return tx(date, "Setoran sukarela", [("Aset:Kas", amount), (f"Liabilitas:SimpananSukarela:{member}", -amount)],
              anggota=member, **meta)


def cold(path: Path) -> tuple[list[Any], list[Any]]:
    entries, errors, _ = loader._load([(os.path.realpath(path), True)], None, None, None)
    return entries, errors


def assert_same_as_cold(got: tuple[list[Any], list[Any], dict[str, Any]], path: Path) -> None:
    entries, errors = cold(path)
    assert got[0] == entries
    assert [printer.format_error(e) for e in got[1]] == [printer.format_error(e) for e in errors]


RUNS: list[str] = []  # how each run of kopledger's plugin by the cache walked: "full" or "resumed"


@pytest.fixture(autouse=True)
def runs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Note how each run of the plugin's ``check`` walked (the cache calls it by module)."""
    real = plugin.check

    def noted(*args: Any, **kwargs: Any) -> plugin.Checked:
        checked = real(*args, **kwargs)
        RUNS.append("resumed" if checked.resumed else "full")
        return checked

    RUNS.clear()
    monkeypatch.setattr(plugin, "check", noted)
    return RUNS


def last_run() -> str:
    return RUNS[-1] if RUNS else ""


@pytest.fixture
def books(tmp_path: Path) -> Path:
    path = tmp_path / "buku.beancount"
    path.write_text(ledger_text(BODY), encoding="utf-8")
    cache._MEMORY.clear()
    cache.load_books(path)  # cold: the snapshot holds the plugin's state
    assert cache.last_load == "cold" and last_run() == "full"
    cache._MEMORY.clear()  # the next load reads it from disk, as a new process would
    return path


def append(path: Path, text: str) -> tuple[list[Any], list[Any], dict[str, Any]]:
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\n" + text)
    got = cache.load_books(path)
    assert cache.last_load == "append"
    return got


RESUMED = {
    "a deposit": (deposit("2024-12-31", "A0001", 5000), None),
    "an account never opened": (tx("2024-12-31", "Salah akun", [("Beban:TidakAda", 100), ("Aset:Kas", -100)]),
                                "unknown account 'Beban:TidakAda'"),
    "a currency the account does not hold": (
        '2024-12-31 * "Dolar"\n  Aset:Kas  1 USD\n  Pendapatan:Anggota:Penjualan  -1 USD\n', "Invalid currency USD"),
    "pokok withdrawn while active": (
        tx("2024-12-31", "Tarik pokok", [("Ekuitas:SimpananPokok:A0001", 100000), ("Aset:Kas", -100000)], anggota="A0001"),
        "tidak boleh diambil"),
    "pokok paid twice (names the first payment)": (
        tx("2024-12-31", "Pokok lagi", [("Aset:Kas", 100000), ("Ekuitas:SimpananPokok:A0002", -100000)],
           " #simpanan-pokok", anggota="A0002"),
        "sudah dibayar pada 2024-01-03"),
    "a bukti used before (names where)": (deposit("2024-12-31", "A0001", 5000, bukti="KW-1"), "sudah dipakai di"),
    "a loan id disbursed twice": (
        tx("2024-12-31", "Cair lagi", [("Aset:Piutang:PinjamanAnggota:A0002", 50000), ("Aset:Kas", -50000)],
           " #pinjaman-cair", anggota="A0002", pinjaman="P-1"),
        "dicairkan dua kali"),
    "a loan repaid beyond its principal": (
        tx("2024-12-31", "Angsuran", [("Aset:Kas", 250000), ("Aset:Piutang:PinjamanAnggota:A0002", -250000)],
           anggota="A0002", pinjaman="P-1"),
        "melebihi pokok"),
    "a leaver settled to zero (the account is closed)": (
        tx("2024-12-31", "Pengembalian simpanan", [("Liabilitas:SimpananSukarela:A0003", 40000), ("Aset:Kas", -40000)],
           anggota="A0003"),
        None),
    "a posting after exit that moves away from zero": (deposit("2024-12-31", "A0003", 1000), "sudah keluar"),
    "an unknown member's account": (deposit("2024-12-31", "A0009", 1000), "tidak dikenal"),
}


@pytest.mark.parametrize("name", list(RESUMED))
def test_an_append_is_judged_by_resuming_the_walks(books: Path, name: str) -> None:
    text, error = RESUMED[name]
    got = append(books, text)
    assert last_run() == "resumed"
    assert_same_as_cold(got, books)
    messages = [e.message for e in got[1]]
    if error is None:
        assert messages == []
    else:
        assert any(error in m for m in messages), messages


FULL = {
    "a new member (the register changes)": '2024-12-31 custom "anggota" "A0004" "Dewi"\n  jenis-kelamin: "P"\n'
    + deposit("2024-12-31", "A0004", 5000),
    "a hand-written open": "2024-12-31 open Aset:Bank:BRI\n",
    "an entry before an old directive that carries a bukti": None,  # built in the test
    "an entry before an old note": None,
}


@pytest.mark.parametrize("name", list(FULL))
def test_what_a_resumed_walk_cannot_judge_is_walked_in_full(books: Path, name: str) -> None:
    text = FULL[name]
    if name == "an entry before an old directive that carries a bukti":
        append(books, '2025-02-01 custom "anggaran" "Beban:Usaha" 5 IDR\n  bukti: "KW-2"\n')
        text = deposit("2024-12-31", "A0001", 5000, bukti="KW-2")
    elif name == "an entry before an old note":
        append(books, '2025-02-20 note Liabilitas:SimpananSukarela:A0002 "dicek"\n')
        text = deposit("2024-12-31", "A0002", 5000)
    assert text is not None
    got = append(books, text)
    assert last_run() == "full"
    assert_same_as_cold(got, books)


def test_a_resumed_state_is_used_once(books: Path) -> None:
    """A state walked on is spent: extending the same old books again walks them in full."""
    state = next(entry for entry in cache._candidates(os.path.realpath(books))).state()
    assert state.plugin is not None
    blob = books.read_bytes()
    tail = ("\n" + deposit("2024-12-31", "A0001", 5000)).encode()
    first = incremental.extend(state, tail, blob.endswith(b"\n"), blob.count(b"\n") + 1)
    assert first is not None and first.resumed and last_run() == "resumed"
    again = incremental.extend(state, tail, blob.endswith(b"\n"), blob.count(b"\n") + 1)
    assert again is not None and not again.resumed and last_run() == "full"
    assert again.entries == first.entries and again.errors == first.errors


def test_a_write_validates_its_candidate_by_resuming(books: Path) -> None:
    from kopledger.ops.writer import append_text

    cache.load_books(books)
    append_text(books, deposit("2024-12-31", "A0002", 7000))
    assert last_run() == "resumed"
    cache._MEMORY.clear()
    got = cache.load_books(books)
    assert cache.last_load == "hit"
    assert_same_as_cold(got, books)
    # the state saved with the written books resumes the next append too
    got = append(books, deposit("2024-12-31", "A0001", 100, bukti="KW-1"))
    assert last_run() == "resumed"
    assert_same_as_cold(got, books)


FRAGMENTS = st.sampled_from([
    lambda d: deposit(d, "A0001", 5000),
    lambda d: deposit(d, "A0002", 700),
    lambda d: deposit(d, "A0003", 100),
    lambda d: deposit(d, "A0009", 100),
    lambda d: deposit(d, "A0001", 1, bukti="KW-1"),
    lambda d: deposit(d, "A0002", 1, bukti="KW-9"),
    lambda d: tx(d, "Tarik", [("Liabilitas:SimpananSukarela:A0003", 40000), ("Aset:Kas", -40000)], anggota="A0003"),
    lambda d: tx(d, "Tarik pokok", [("Ekuitas:SimpananPokok:A0001", 100000), ("Aset:Kas", -100000)], anggota="A0001"),
    lambda d: tx(d, "Pokok", [("Aset:Kas", 100000), ("Ekuitas:SimpananPokok:A0002", -100000)], " #simpanan-pokok",
                 anggota="A0002"),
    lambda d: tx(d, "Angsuran", [("Aset:Kas", 90000), ("Aset:Piutang:PinjamanAnggota:A0002", -90000)],
                 anggota="A0002", pinjaman="P-1"),
    lambda d: tx(d, "Cair", [("Aset:Piutang:PinjamanAnggota:A0001", 1000), ("Aset:Kas", -1000)], " #pinjaman-cair",
                 anggota="A0001", pinjaman="P-2"),
    lambda d: f'{d} custom "anggota" "A0009" "Baru"\n  jenis-kelamin: "P"\n',
    lambda d: f'{d} note Aset:Kas "catatan"\n',
    lambda d: '2025-03-01 custom "anggaran" "Beban:Usaha" 1 IDR\n',
    # beancount's own validations of the new entries (narrowed to the structure they read)
    lambda d: tx(d, "Akun tak dibuka", [("Beban:TidakAda", 100), ("Aset:Kas", -100)]),
    lambda d: f'{d} * "Dolar"\n  Aset:Kas  1 USD\n  Pendapatan:Anggota:Penjualan  -1 USD\n',
    lambda d: f"{d} balance Aset:Kas  0 IDR\n",
    lambda d: f"{d} open Beban:Baru IDR\n" + tx(d, "Akun baru", [("Beban:Baru", 5), ("Aset:Kas", -5)]),
    lambda d: f"{d} close Beban:Usaha:Gaji\n",
    lambda d: tx(d, "Gaji", [("Beban:Usaha:Gaji", 5), ("Aset:Kas", -5)]),
])
DATES = st.sampled_from(["2024-06-01", "2024-12-30", "2024-12-31", "2025-01-05"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(FRAGMENTS, DATES), min_size=1, max_size=5))
def test_any_sequence_of_appends_equals_cold_loads(tmp_path_factory: pytest.TempPathFactory, steps: list[Any]) -> None:
    path = tmp_path_factory.mktemp("resume") / "buku.beancount"
    path.write_text(ledger_text(BODY), encoding="utf-8")
    cache._MEMORY.clear()
    cache.load_books(path)
    for make, date in steps:
        with path.open("a", encoding="utf-8") as handle:
            handle.write("\n" + make(date))
        got = cache.load_books(path)
        assert_same_as_cold(got, path)
