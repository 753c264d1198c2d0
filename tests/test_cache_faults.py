"""kopledger's cache under faults: a full or read-only cache disk, a corrupt or foreign snapshot.

The cache is only ever an accelerator: whatever happens to it, every command gives exactly
what a cold load gives, a write still lands (or is refused) as it would without a cache,
and nothing is left half-written in the cache folder.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from kopledger.books.load import cache
from kopledger.ops.writer import append_text
from tests import test_cache
from tests.conftest import ledger_text
from tests.test_cache import BODY, assert_same, cold, deposit
from tests.test_keamanan import fill, small_tmpfs

books = test_cache.books  # the same small books as tests/test_cache.py


@pytest.fixture(autouse=True)
def _fresh_memory() -> None:
    cache._MEMORY.clear()


@pytest.fixture
def cache_home(monkeypatch: pytest.MonkeyPatch):
    """Point kopledger's cache at ``folder`` for one test."""

    def use(folder: Path) -> Path:
        monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
        cache._MEMORY.clear()
        return folder

    return use


def leftovers(folder: Path) -> list[str]:
    """Temp files a snapshot or result write left behind."""
    return [p.name for p in folder.rglob("*") if p.name.endswith(".tmp")]


def test_a_full_cache_disk_never_changes_an_answer_or_a_write(books: Path, tmp_path: Path, cache_home) -> None:
    with small_tmpfs(tmp_path / "cachedisk", "64k") as disk:
        cache_home(disk)
        fill(disk)
        got = cache.load_books(books)  # the snapshot cannot be written: a cold load, correct
        assert_same(got, cold(books))
        append_text(books, deposit("2024-03-01", "A0001", 1000))
        assert "A0001" in books.read_text(encoding="utf-8").rsplit("Setoran sukarela", 1)[1]
        cache._MEMORY.clear()
        assert_same(cache.load_books(books), cold(books))
        assert cache.last_load == "cold"  # nothing could be kept, so nothing is trusted
        assert leftovers(disk) == []


def test_a_read_only_cache_disk_is_a_cold_load_every_time(books: Path, tmp_path: Path, cache_home) -> None:
    with small_tmpfs(tmp_path / "cachedisk", "4m") as disk:
        cache_home(disk)
        cache.load_books(books)  # a snapshot, while the disk is writable
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        append_text(books, deposit("2024-03-01", "A0002", 2000))
        cache._MEMORY.clear()
        assert_same(cache.load_books(books), cold(books))  # the old snapshot + the append
        assert cache.last_load == "append"
        append_text(books, deposit("2024-03-02", "A0002", 3000))
        cache._MEMORY.clear()
        assert_same(cache.load_books(books), cold(books))


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty"])
def test_a_damaged_snapshot_is_ignored(books: Path, damage: str) -> None:
    cache.load_books(books)
    snapshot = cache._snapshot_path(os.path.realpath(books))
    blob = snapshot.read_bytes()
    snapshot.write_bytes({"truncated": blob[: len(blob) // 2], "garbage": os.urandom(4096), "empty": b""}[damage])
    cache._MEMORY.clear()
    assert_same(cache.load_books(books), cold(books))
    assert cache.last_load == "cold"
    cache._MEMORY.clear()
    cache.load_books(books)  # the cold load wrote a good snapshot again
    assert cache.last_load == "hit"


def test_another_books_snapshot_at_this_place_is_not_used(books: Path, tmp_path: Path) -> None:
    other = tmp_path / "lain.beancount"
    other.write_text(ledger_text(BODY + deposit("2024-02-03", "A0002", 777)), encoding="utf-8")
    cache.load_books(other)
    mine = cache._snapshot_path(os.path.realpath(books))
    mine.parent.mkdir(parents=True, exist_ok=True)
    os.replace(cache._snapshot_path(os.path.realpath(other)), mine)  # planted under this books' name
    cache._MEMORY.clear()
    assert_same(cache.load_books(books), cold(books))
    assert cache.last_load == "cold"
