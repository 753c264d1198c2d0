"""Closing the example koperasi (examples/mawar): 2024, then 2025 through a new file."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from kopledger import Koperasi
from kopledger.books.balances import account_balances
from kopledger.ops.closing import close_year, closed_years, shu_before_closing
from kopledger.reports.statements import build_statements

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "mawar" / "buku.beancount"
SHU_2024 = Decimal("19133392")  # published in the example's README / status
SHU_2025 = Decimal("36284933")


@pytest.fixture(scope="module")
def closed(tmp_path_factory) -> dict[str, object]:
    """Close 2024 into a new 2025 file, then 2025 into a new 2026 file; keep what we need."""
    folder = tmp_path_factory.mktemp("mawar")
    old = folder / "buku.beancount"
    shutil.copy(EXAMPLE, old)
    before = Koperasi.load(old)
    assert before.errors == []
    statements_before = build_statements(before, 2024)
    first = close_year(old, 2024, new_file=folder / "buku-2025.beancount", today=dt.date(2025, 1, 20))
    after_2024 = Koperasi.load(old)
    new = folder / "buku-2025.beancount"
    statements_after = build_statements(after_2024, 2024)
    second = close_year(new, 2025, new_file=folder / "buku-2026.beancount", today=dt.date(2026, 1, 15))
    return {
        "folder": folder, "old": old, "new": new, "before": before, "after_2024": after_2024,
        "statements_before": statements_before, "statements_after": statements_after,
        "first": first, "second": second,
    }


def test_both_closings_load_with_zero_errors(closed):
    for name in ("buku.beancount", "buku-2025.beancount", "buku-2026.beancount"):
        kop = Koperasi.load(closed["folder"] / name)
        assert kop.errors == [], name
    kop = Koperasi.load(closed["folder"] / "buku-2026.beancount")
    assert set(closed_years(kop)) == {2024, 2025}
    assert closed["first"].shu == SHU_2024
    assert closed["second"].shu == SHU_2025


def test_phu_2024_shows_the_same_shu_before_and_after_closing(closed):
    before = closed["statements_before"].phu.total("shu")
    after = closed["statements_after"].phu.total("shu")
    assert before == after == SHU_2024
    assert shu_before_closing(closed["after_2024"], 2024) == SHU_2024


def test_neraca_2024_shows_the_shu_under_equity(closed):
    neraca = closed["statements_after"].neraca
    lines = {line.akun: line.jumlah for line in neraca.lines if line.akun}
    booked = -account_balances(closed["after_2024"].entries, end=dt.date(2024, 12, 31))["Ekuitas:SHU:TahunBerjalan"]
    assert lines["Ekuitas:SHU:TahunBerjalan"] == booked
    opening = -account_balances(closed["before"].entries, end=dt.date(2023, 12, 31)).get(
        "Ekuitas:SHU:TahunBerjalan", Decimal(0))
    assert booked - opening == SHU_2024
    # the neraca reads the same as before closing, line by line
    assert neraca.lines == closed["statements_before"].neraca.lines
    assert neraca.total("total_aset") == neraca.total("total_liabilitas_ekuitas")


def test_opening_of_2025_carries_the_shu(closed):
    text = closed["new"].read_text(encoding="utf-8")
    carried = dict(closed["first"].file_baru.saldo_awal)
    shu_balance = carried["Ekuitas:SHU:TahunBerjalan"]
    assert 'custom "arsip" "2024" "buku.beancount"' in text and "#saldo-awal-2025" in text
    kop = Koperasi.load(closed["new"])
    statements = build_statements(kop, 2025)
    # the 2025 statements' prior column is 2024 after closing
    assert statements.phu.total("shu", pembanding=True) == SHU_2024
    assert statements.phu.total("shu") == SHU_2025
    # the balance carried into 2025 includes the 2024 SHU
    start = account_balances(kop.entries, end=dt.date(2024, 12, 31))
    assert start["Ekuitas:SHU:TahunBerjalan"] == shu_balance
    assert {a: v for a, v in start.items() if a.startswith(("Pendapatan", "Beban")) and v} == {}


def test_tampering_with_2024_breaks_every_later_file(closed, tmp_path):
    folder = tmp_path / "copy"
    folder.mkdir()
    for file in closed["folder"].glob("*.beancount"):  # not beancount's caches: they name the originals
        shutil.copy(file, folder / file.name)
    old = folder / "buku.beancount"
    text = old.read_text(encoding="utf-8")
    target = next(line for line in text.splitlines() if line.startswith("2024-07") and ' * "' in line)
    old.write_text(text.replace(target, target.replace('"', '"Diubah: ', 1), 1), encoding="utf-8")
    errors = Koperasi.load(old).errors
    assert any("tahun buku 2024 sudah ditutup (tutup-buku di" in e.message and "2024-07" in e.message for e in errors)
    # the year files name the closed file and its hash: both find it changed (not a cosmetic edit)
    for name in ("buku-2025.beancount", "buku-2026.beancount"):
        errors = Koperasi.load(folder / name).errors
        assert any(f"berkas arsip tahun buku 2024, {old}, berubah sejak ditutup" in e.message for e in errors), name
