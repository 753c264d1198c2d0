"""``kop shu bayar --dari``: the SHU paid by bank transfer, the account checked by kind.

The example koperasi cannot pay its 2025 SHU in cash (its Kas would end the day below zero,
an error of the books since issue 24), so the treasurer pays from Aset:Bank:BRI."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from beanquery import query
from click.testing import CliRunner

from kopledger.books.ledger import Books
from kopledger.cli import main

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "mawar" / "buku.beancount"


def kop(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.output


@pytest.fixture
def allocated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KOP_TODAY", "2026-04-10")
    books = tmp_path / "buku.beancount"
    shutil.copy(EXAMPLE, books)
    code, out = kop("shu", books, "--tahun", "2025", "--tulis", "--tanggal", "2026-03-15")
    assert code == 0, out
    return books


def _bean_query(books: Books, sql: str) -> Decimal:
    """A single IDR total from bean-query (an independent oracle)."""
    _, rows = query.run_query(books.entries, books.options, sql)
    assert len(rows) == 1, rows
    return Decimal(rows[0][0].get_currency_units("IDR").number)


def test_the_shu_paid_from_the_bank_is_what_was_allocated(allocated: Path) -> None:
    before = allocated.read_bytes()
    code, out = kop("shu", "bayar", allocated, "--tahun", "2025", "--tanggal", "2026-04-01", "--dari", "Aset:Bank:BRI")
    assert code == 0, out
    assert allocated.read_bytes().startswith(before)
    books = Books.load(allocated)
    assert books.errors == []
    # what the bank paid = what the allocation owed the members
    paid = -_bean_query(books, "SELECT sum(position) WHERE account = 'Aset:Bank:BRI' AND 'shu-bayar' IN tags")
    owed = -_bean_query(books, "SELECT sum(position) WHERE account ~ '^Liabilitas:UtangSHU:' AND date = 2026-03-15")
    assert paid == owed > 0
    assert _bean_query(books, "SELECT sum(position) WHERE account ~ '^Liabilitas:UtangSHU:'") == 0


@pytest.mark.parametrize("account", ["Beban:Usaha:Listrik", "Liabilitas:SimpananSukarela:A0002", "Aset:Bank:Mandiri"])
def test_an_account_that_is_not_open_cash_or_bank_is_refused_and_nothing_written(allocated: Path, account: str) -> None:
    before = allocated.read_bytes()
    code, out = kop("shu", "bayar", allocated, "--tahun", "2025", "--tanggal", "2026-04-01", "--dari", account)
    assert code == 2, out
    assert account in out and "Traceback" not in out
    assert allocated.read_bytes() == before
