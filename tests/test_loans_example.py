"""Loans on the example koperasi (examples/mawar): portfolio, kolektibilitas and PPAP at year end,
checked against bean-query as an independent oracle."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from kopledger import Koperasi
from kopledger.cli import main
from kopledger.ops.loans.entries import KOLEKTIBILITAS, NPL_CLASSES, classify, loans, portfolio, ppap_entries

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "mawar" / "buku.beancount"
YEAR_END = dt.date(2025, 12, 31)
MID_YEAR = dt.date(2025, 6, 30)



@pytest.fixture(scope="module")
def kop() -> Koperasi:
    books = Koperasi.load(EXAMPLE)
    assert books.errors == []
    return books


@pytest.fixture(scope="module")
def query(kop):
    import beanquery

    conn = beanquery.connect(None)
    conn.attach("beancount:", entries=kop.entries, errors=kop.errors, options=kop.options)

    def run(sql: str) -> list[tuple]:
        return conn.execute(sql).fetchall()

    return run


def test_every_loan_reads_and_all_methods_appear(kop, query):
    all_loans = loans(kop)
    disbursed = query("SELECT count(*) WHERE 'pinjaman-cair' IN tags AND account ~ '^Aset:Piutang:PinjamanAnggota:'")
    assert len(all_loans) == disbursed[0][0] > 0
    assert {loan.metode for loan in all_loans} == {"flat", "efektif", "anuitas"}
    assert len({loan.id for loan in all_loans}) == len(all_loans)


@pytest.mark.parametrize("date", [dt.date(2024, 12, 31), YEAR_END])
def test_portfolio_balances_agree_with_bean_query(kop, query, date):
    result = portfolio(kop, date)
    rows = query(
        "SELECT account, sum(number) WHERE account ~ '^Aset:Piutang:PinjamanAnggota:' "
        f"AND date <= {date.isoformat()} GROUP BY account"
    )
    by_member = {account.rsplit(":", 1)[1]: Decimal(total) for account, total in rows if total}
    ours: dict[str, Decimal] = defaultdict(Decimal)
    for status in result.pinjaman:
        ours[status.anggota] += status.sisa
    assert dict(ours) == {m: v for m, v in by_member.items() if v}
    assert result.total_saldo == sum(by_member.values())
    booked = query(f"SELECT sum(number) WHERE account = 'Aset:Piutang:PenyisihanPinjaman' AND date <= {date.isoformat()}")
    assert result.ppap_tercatat == -Decimal(booked[0][0] or 0)


def test_days_past_due_against_payments_in_the_ledger(kop, query):
    """Independent days past due: P+I paid per loan id by bean-query, set against each schedule."""
    rows = query(
        "SELECT any_meta('pinjaman') AS pj, sum(number) WHERE "
        "(account ~ '^Aset:Piutang:PinjamanAnggota:' OR account = 'Pendapatan:Anggota:JasaPinjaman') "
        f"AND NOT 'pinjaman-cair' IN tags AND date <= {YEAR_END.isoformat()} GROUP BY pj"
    )
    paid = {pj: -Decimal(total) for pj, total in rows if pj}
    result = {s.id: s for s in portfolio(kop, YEAR_END).pinjaman}
    checked = 0
    for loan in loans(kop):
        if loan.id not in result:
            continue
        covered = paid.get(loan.id, Decimal(0))
        days = 0
        for row in loan.jadwal:
            if row.tanggal > YEAR_END:
                break
            if covered < row.angsuran:
                days = (YEAR_END - row.tanggal).days
                break
            covered -= row.angsuran
        status = result[loan.id]
        assert status.hari_tunggakan == days, loan.id
        assert status.kolektibilitas == classify(days, kop.policies, YEAR_END)
        checked += 1
    assert checked == len(result) > 0


def test_kolektibilitas_ppap_and_npl_at_year_end(kop):
    result = portfolio(kop, YEAR_END)
    assert [c.kolektibilitas for c in result.per_kolektibilitas] == list(KOLEKTIBILITAS)  # the example opts into DPK
    assert sum(c.saldo for c in result.per_kolektibilitas) == result.total_saldo
    assert sum(c.jumlah_pinjaman for c in result.per_kolektibilitas) == len(result.pinjaman)
    for cls in result.per_kolektibilitas:
        loans_in = [s for s in result.pinjaman if s.kolektibilitas == cls.kolektibilitas]
        expected = sum(((s.sisa * cls.tarif_ppap / 100).quantize(Decimal(1), rounding="ROUND_HALF_UP")
                        for s in loans_in), Decimal(0))
        assert cls.ppap == expected
    assert result.ppap_wajib == sum(c.ppap for c in result.per_kolektibilitas)
    bad = sum(c.saldo for c in result.per_kolektibilitas if c.kolektibilitas in NPL_CLASSES)
    assert result.npl == (bad * 100 / result.total_saldo).quantize(Decimal("0.01"))
    assert result.tunggakan, "the example has loans in arrears"
    assert all(s.hari_tunggakan > 0 and s.tunggakan > 0 for s in result.tunggakan)


def test_year_end_ppap_entry_is_what_the_example_booked(kop):
    """Without its own 2025-12-31 provision entry, the example needs exactly that entry."""
    from beancount.core import data

    booked = [e for e in kop.entries if isinstance(e, data.Transaction) and e.date == YEAR_END
              and any(p.account == "Aset:Piutang:PenyisihanPinjaman" for p in e.postings)]
    assert len(booked) == 1
    without = Koperasi.from_entries([e for e in kop.entries if e is not booked[0]], [], kop.options)
    entries = ppap_entries(without, YEAR_END)
    ours = {p.account: p.units.number for p in entries[-1].postings}
    theirs = {p.account: p.units.number for p in booked[0].postings}
    assert ours == theirs
    assert ppap_entries(kop, YEAR_END) == []  # and with it, nothing more to book


def test_ppap_entry_loads_with_zero_errors(kop):
    from kopledger.ops.writer import format_directives

    mid = ppap_entries(kop, MID_YEAR)
    assert mid, "mid-year the books hold last year's provision, not this date's requirement"
    # (the writer, tested on its own, makes this same check before it writes)
    after = Koperasi.from_string(EXAMPLE.read_text(encoding="utf-8") + "\n" + format_directives(mid))
    assert after.errors == []
    assert portfolio(after, MID_YEAR).ppap_tercatat == portfolio(kop, MID_YEAR).ppap_wajib


def test_cli_portfolio_on_the_example():
    result = CliRunner().invoke(main, ["pinjaman", "portofolio", str(EXAMPLE), "--per", "2025-12-31",
                                       "--format", "json"])
    assert result.exit_code == 0, result.output
    assert '"total_saldo"' in result.output
