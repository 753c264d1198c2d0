"""Member and savings operations on the example koperasi (a copy in tmp_path, never the original)."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from beanquery import query
from click.testing import CliRunner

from kopledger import Koperasi
from kopledger.cli import main
from kopledger.ops.members import NewMember, exit_entries, join_entries
from kopledger.ops.savings import (
    deposit_entries,
    member_statement,
    savings_summary,
    wajib_arrears,
    wajib_due,
    wajib_entries,
    wajib_status,
    withdrawal_entries,
)
from kopledger.ops.writer import format_directives

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "mawar" / "buku.beancount"
TODAY = dt.date(2026, 6, 30)



@pytest.fixture(scope="module")
def copy(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("mawar") / "buku.beancount"
    shutil.copyfile(EXAMPLE, path)
    return path


@pytest.fixture(scope="module")
def kop(copy) -> Koperasi:
    books = Koperasi.load(copy)
    assert books.errors == []
    return books


def test_savings_summary_equals_bean_query(kop):
    date = dt.date(2025, 12, 31)
    summary = savings_summary(kop, date)
    _, rows = query.run_query(
        kop.entries, kop.options,
        "SELECT root(account, 2) AS parent, sum(number) AS total "
        "WHERE account ~ '^Ekuitas:Simpanan(Pokok|Wajib):|^Liabilitas:Simpanan(Sukarela|Berjangka):' "
        "AND date <= 2025-12-31 GROUP BY parent",
    )
    sums = {parent.split(":")[1]: -total for parent, total in rows}
    assert summary.pokok == sums["SimpananPokok"]
    assert summary.wajib == sums["SimpananWajib"]
    assert summary.sukarela == sums.get("SimpananSukarela", Decimal(0))
    assert summary.berjangka == sums.get("SimpananBerjangka", Decimal(0))
    assert summary.total == sum(sums.values())
    assert summary.anggota_aktif == len(kop.active_members(date)) > 100


def test_wajib_run_and_arrears_agree(kop):
    arrears = wajib_arrears(kop, dt.date(2025, 12, 31))
    owing_june = {a.id for a in arrears if "2025-06" in a.bulan}
    run = wajib_entries(kop, "2025-06", tanggal=dt.date(2025, 12, 31), today=TODAY)
    assert {e.meta["anggota"] for e in run.entries} == owing_june
    for a in arrears:
        member = kop.members[a.id]
        months = {m.bulan: m for m in wajib_status(kop, member, "2025-12")}
        assert a.jumlah == sum(months[b].kurang for b in a.bulan)
        assert all(0 < months[b].kurang <= wajib_due(kop, b) for b in a.bulan)
    assert wajib_due(kop, "2024-12") == 25000 and wajib_due(kop, "2025-01") == 30000


def test_builders_on_the_example_load_clean(kop, copy):
    date = dt.date(2026, 1, 5)
    new = NewMember("A9001", "Anggota Baru", date, nik="3272010101900001", jenis_kelamin="P")
    entries = join_entries(kop, new, today=TODAY)
    active = kop.active_members(dt.date(2025, 12, 31))
    saver = max(active, key=lambda m: kop.member_balance(m.id).sukarela)
    balance = kop.member_balance(saver.id).sukarela
    entries += deposit_entries(kop, saver.id, 10000, date, today=TODAY)
    entries += withdrawal_entries(kop, saver.id, balance, date, today=TODAY)
    borrower = next(
        (m for m in active if kop.member_balance(m.id).pinjaman > 0 and m.id != saver.id), None
    )
    assert borrower is not None, "the example has outstanding loans"
    loan = kop.member_balance(borrower.id).pinjaman
    capital = kop.member_balance(borrower.id).modal
    entries += exit_entries(kop, borrower.id, date, alasan="pindah", today=TODAY)
    after = Koperasi.from_string(copy.read_text(encoding="utf-8") + "\n" + format_directives(entries))
    assert after.errors == [], [e.message for e in after.errors][:5]
    assert after.member_balance("A9001").pokok == 100000
    assert after.member_balance(saver.id).sukarela == 10000
    bal = after.member_balance(borrower.id)
    assert bal.modal == 0 and bal.keluar == 0
    assert bal.pinjaman == max(loan - capital, 0)
    statement = member_statement(after, borrower.id, date)
    assert {k.jenis: k.saldo_akhir for k in statement.simpanan}["wajib"] == 0


def test_cli_wajib_on_the_example_dry_run_then_twice(copy):
    runner = CliRunner()
    original = copy.read_bytes()
    dry = runner.invoke(main, ["simpanan", "wajib", str(copy), "--bulan", "2025-12", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert copy.read_bytes() == original
    first = runner.invoke(main, ["simpanan", "wajib", str(copy), "--bulan", "2025-12"])
    assert first.exit_code == 0, first.output
    assert copy.read_bytes().startswith(original)
    after_first = copy.read_bytes()
    second = runner.invoke(main, ["simpanan", "wajib", str(copy), "--bulan", "2025-12"])
    assert second.exit_code == 0, second.output
    assert copy.read_bytes() == after_first
    assert "0 anggota" in second.stderr
    assert EXAMPLE.read_bytes() != after_first or dry.stdout == ""  # the original was never touched
