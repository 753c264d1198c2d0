"""The example koperasi (examples/mawar) loads cleanly and its member balances agree with bean-query."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import beanquery
import pytest
from click.testing import CliRunner

from kopledger import Koperasi, MemberKind
from kopledger.cli import main

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "mawar" / "buku.beancount"

FIELDS = {MemberKind.POKOK: "pokok", MemberKind.WAJIB: "wajib", MemberKind.SUKARELA: "sukarela",
          MemberKind.BERJANGKA: "berjangka", MemberKind.PINJAMAN: "pinjaman",
          MemberKind.UTANG_SHU: "utang_shu", MemberKind.KELUAR: "keluar"}


@pytest.fixture(scope="module")
def kop() -> Koperasi:
    return Koperasi.load(EXAMPLE)


def test_example_books_have_no_errors(kop: Koperasi) -> None:
    assert kop.errors == []
    result = CliRunner().invoke(main, ["cek", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"OK: {kop.title} — ")


def test_example_member_balances_agree_with_bean_query(kop: Koperasi) -> None:
    connection = beanquery.connect("beancount:" + str(EXAMPLE))
    dates = [dt.date(2024, 6, 30), dt.date(2024, 12, 31), kop.period()[1]]
    compared = 0
    for date in dates:
        rows = connection.execute(
            f"SELECT account, sum(number) WHERE date <= {date.isoformat()} AND currency = 'IDR' GROUP BY account"
        ).fetchall()
        oracle: dict[tuple[str, MemberKind], Decimal] = {}
        for account, total in rows:
            split = kop.roots.split_member_account(account)
            if split is not None and total:
                kind, member_id = split
                oracle[(member_id, kind)] = total if kind is MemberKind.PINJAMAN else -total
        ours = {
            (member_id, kind): getattr(balance, name)
            for member_id, balance in kop.member_balances(date).items()
            for kind, name in FIELDS.items()
            if getattr(balance, name)
        }
        assert ours == oracle
        compared += len(ours)
    assert compared > 100
