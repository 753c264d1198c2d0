"""Issue 23: a member's exit sets her savings off against what she owes, under a policy.

``kebijakan "potong-simpanan-keluar"`` (default ``ya``): pokok and wajib, then sukarela, then
berjangka are set off against her open loans (oldest first: penalty, billed interest,
principal); the cash paid out is only what remains. ``kebijakan "keluar-sisa-utang"``
(default ``catat``): owing more than her savings, the exit is recorded with the rest still
owed on her loan (stated), or refused (``tolak``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from beancount.core import data
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kopledger import Koperasi
from kopledger.cli import main
from kopledger.core.errors import InputError
from kopledger.ops.loans.book import loan_errors
from kopledger.ops.loans.entries import loan_statuses, loans_due
from kopledger.ops.loans.schedule import schedule
from kopledger.ops.members import exit_entries, exit_plan
from kopledger.ops.writer import format_directives

TODAY = dt.date(2025, 12, 31)
EXIT = dt.date(2024, 6, 30)

HEADER = """\
option "title" "Koperasi Uji Keluar"
option "operating_currency" "IDR"
option "name_assets" "Aset"
option "name_liabilities" "Liabilitas"
option "name_equity" "Ekuitas"
option "name_income" "Pendapatan"
option "name_expenses" "Beban"
plugin "kopledger.plugin"

2024-01-01 open Aset:Kas IDR
2024-01-01 open Ekuitas:Modal IDR
2024-01-01 open Pendapatan:Anggota:JasaPinjaman IDR
2024-01-01 custom "kebijakan" "simpanan-pokok" 100000 IDR
2024-01-01 custom "kebijakan" "simpanan-wajib" 25000 IDR
2024-01-01 * "Modal awal"
  Aset:Kas  50000000 IDR
  Ekuitas:Modal
"""


def books(
    *, pokok: int = 100000, wajib: int = 50000, sukarela: int = 300000, berjangka: int = 0, loan: int = 1200000,
    bunga: int = 12, paid: int = 0, policies: str = "",
) -> str:
    """A member with savings and (``loan`` > 0) one flat loan disbursed 2024-02-01, first due
    2024-03-01, with ``paid`` instalments paid on their due dates."""
    text = HEADER.replace('"simpanan-pokok" 100000 IDR', f'"simpanan-pokok" {pokok} IDR') + policies + f"""
2024-01-10 custom "anggota" "A0001" "Siti Aminah"
2024-01-10 * "Simpanan pokok" #simpanan-pokok
  anggota: "A0001"
  Aset:Kas                      {pokok} IDR
  Ekuitas:SimpananPokok:A0001  -{pokok} IDR
"""
    for label, account, amount in (("wajib", "Ekuitas:SimpananWajib", wajib),
                                   ("sukarela", "Liabilitas:SimpananSukarela", sukarela),
                                   ("berjangka", "Liabilitas:SimpananBerjangka", berjangka)):
        if amount:
            text += (f'2024-01-20 * "Setoran {label}" #simpanan-{label}\n  anggota: "A0001"\n'
                     f"  Aset:Kas  {amount} IDR\n  {account}:A0001  -{amount} IDR\n")
    if loan:
        text += f"""
2024-02-01 * "Pencairan pinjaman" #pinjaman-cair
  anggota: "A0001"
  pinjaman: "PJ-2024-001"
  pokok: {loan} IDR
  bunga: {bunga}
  tenor: 12
  metode: "flat"
  jatuh-tempo: 2024-03-01
  Aset:Piutang:PinjamanAnggota:A0001  {loan} IDR
  Aset:Kas                           -{loan} IDR
"""
        rows = schedule(Decimal(loan), Decimal(bunga), 12, "flat", dt.date(2024, 3, 1))
        for row in rows[:paid]:
            text += (f'{row.tanggal} * "Angsuran" #angsuran\n  anggota: "A0001"\n  pinjaman: "PJ-2024-001"\n'
                     f"  Aset:Kas  {row.pokok + row.bunga} IDR\n"
                     f"  Aset:Piutang:PinjamanAnggota:A0001  -{row.pokok} IDR\n")
            if row.bunga:
                text += f"  Pendapatan:Anggota:JasaPinjaman  -{row.bunga} IDR\n"
    return text


def load(text: str) -> Koperasi:
    kop = Koperasi.from_string(text)
    assert kop.errors == [] and loan_errors(kop) == [], [e.message for e in kop.errors]
    return kop


def cash_out(entries: list[data.Directive]) -> Decimal:
    return -sum((p.units.number for e in entries if isinstance(e, data.Transaction)
                 for p in e.postings if p.account == "Aset:Kas"), Decimal(0))


def test_leaver_owing_more_than_her_savings_is_paid_nothing_in_cash() -> None:
    """The hostile case: her sukarela used to be paid in cash while her loan was still owed."""
    text = books()
    kop = load(text)
    plan = exit_plan(kop, "A0001", EXIT, today=TODAY)
    # owed: all principal + the interest billed through the current period (5 instalments of 12,000)
    assert (plan.utang_pokok, plan.utang_bunga, plan.utang_denda) == (1200000, 60000, 0)
    assert plan.simpanan == 450000 and plan.potong_pinjaman == 450000 and plan.dibayar == 0
    assert plan.sisa_pinjaman == 1260000 - 450000
    entries = exit_entries(kop, "A0001", EXIT, today=TODAY)
    assert cash_out(entries) == 0
    after = load(text + "\n" + format_directives(entries))
    bal = after.member_balance("A0001")
    assert (bal.pokok, bal.wajib, bal.sukarela, bal.keluar) == (0, 0, 0, 0)
    # in a repayment's order, instalment by instalment (interest, then principal): 450,000 pays
    # instalments 1-4 (4 x 112,000) and 2,000 of the 5th's interest
    assert bal.pinjaman == 1200000 - 4 * 100000
    assert sum(d.jumlah for d in loans_due(after, "A0001", EXIT)) == plan.sisa_pinjaman
    status = next(s for s in loan_statuses(after, EXIT) if s.id == "PJ-2024-001")
    assert status.sisa == bal.pinjaman


def test_leaver_owing_less_is_paid_only_what_remains_and_the_loan_is_settled() -> None:
    text = books(loan=240000, paid=2)
    kop = load(text)
    plan = exit_plan(kop, "A0001", EXIT, today=TODAY)
    owed = plan.utang
    assert plan.potong_pinjaman == owed and plan.sisa_pinjaman == 0
    entries = exit_entries(kop, "A0001", EXIT, today=TODAY)
    assert cash_out(entries) == plan.dibayar == 450000 - owed
    after = load(text + "\n" + format_directives(entries))
    assert after.member_balance("A0001").pinjaman == 0
    assert all(s.lunas for s in loan_statuses(after, EXIT) if s.id == "PJ-2024-001")
    assert loans_due(after, "A0001", EXIT) == ()


def test_remainder_refused_under_policy_tolak() -> None:
    text = books(policies='2024-01-01 custom "kebijakan" "keluar-sisa-utang" "tolak"\n')
    kop = load(text)
    with pytest.raises(InputError, match=r"masih berutang Rp810\.000 setelah simpanannya \(Rp450\.000\)"):
        exit_entries(kop, "A0001", EXIT, today=TODAY)
    small = load(books(loan=240000, paid=2, policies='2024-01-01 custom "kebijakan" "keluar-sisa-utang" "tolak"\n'))
    assert exit_plan(small, "A0001", EXIT, today=TODAY).sisa_pinjaman == 0  # covered: not refused


def test_policy_tidak_pays_everything_and_states_the_debt() -> None:
    text = books(policies='2024-01-01 custom "kebijakan" "potong-simpanan-keluar" "tidak"\n')
    kop = load(text)
    plan = exit_plan(kop, "A0001", EXIT, today=TODAY)
    assert plan.potong_pinjaman == 0 and plan.dibayar == 450000 and plan.sisa_pinjaman == 1260000
    assert not plan.potong
    # an explicit choice overrides the policy for one exit, both ways
    assert exit_plan(kop, "A0001", EXIT, set_off_loan=True, today=TODAY).potong_pinjaman == 450000
    assert exit_plan(load(books()), "A0001", EXIT, set_off_loan=False, today=TODAY).dibayar == 450000


def test_unknown_policy_value_is_an_error_in_the_books() -> None:
    kop = Koperasi.from_string(books(policies='2024-01-01 custom "kebijakan" "potong-simpanan-keluar" "mungkin"\n'))
    assert any("potong-simpanan-keluar" in e.message for e in kop.errors)


def test_cli_keluar_states_set_off_payout_and_remaining_debt(tmp_path: Path) -> None:
    path = tmp_path / "buku.beancount"
    path.write_text(books(), encoding="utf-8")
    result = CliRunner().invoke(main, ["anggota", "keluar", str(path), "--anggota", "A0001", "--tanggal",
                                       str(EXIT)])
    assert result.exit_code == 0, result.output
    assert "simpanan Rp450.000 dipotong untuk utangnya" in result.stderr
    assert "sisa pinjaman Rp810.000 masih terutang" in result.stderr and "dibayar" not in result.stderr
    after = Koperasi.load(path)
    assert after.errors == [] and loan_errors(after) == []
    assert after.member_balance("A0001").sukarela == 0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pokok=st.integers(1, 300000),
    wajib=st.integers(0, 400000),
    sukarela=st.integers(0, 2000000),
    berjangka=st.integers(0, 1000000),
    loan=st.one_of(st.just(0), st.integers(12000, 3000000)),
    bunga=st.integers(0, 24),
    paid=st.integers(0, 3),
    denda=st.sampled_from([0, 2]),
    set_off=st.sampled_from([None, True, False]),
    payout=st.booleans(),
)
def test_property_set_off_and_payout_sum_exactly_to_her_savings(
    pokok: int, wajib: int, sukarela: int, berjangka: int, loan: int, bunga: int, paid: int, denda: int,
    set_off: bool | None, payout: bool,
) -> None:
    """Every rupiah of her savings is set off, paid now, or still owed to her; the set-off is
    exactly what her debt (penalty, interest, principal) fell by."""
    policies = f'2024-01-01 custom "kebijakan" "denda-pinjaman" {denda}\n' if denda else ""
    text = books(pokok=pokok, wajib=wajib, sukarela=sukarela, berjangka=berjangka, loan=loan, bunga=bunga,
                 paid=paid if loan else 0, policies=policies)
    kop = load(text)
    plan = exit_plan(kop, "A0001", EXIT, set_off_loan=set_off, payout=payout, today=TODAY)
    savings = pokok + wajib + sukarela + berjangka
    assert plan.simpanan == savings
    assert plan.potong_pinjaman + plan.dibayar + plan.ditahan == savings
    applied = set_off is not False
    assert plan.potong_pinjaman == (min(savings, plan.utang) if applied else 0)
    assert plan.sisa_pinjaman == plan.utang - plan.potong_pinjaman
    entries = exit_entries(kop, "A0001", EXIT, set_off_loan=set_off, payout=payout, today=TODAY)
    assert cash_out(entries) == plan.dibayar == (savings - plan.potong_pinjaman if payout else 0)
    after = load(text + "\n" + format_directives(entries))
    bal = after.member_balance("A0001")
    assert bal.pokok == bal.wajib == 0
    left_to_her = bal.keluar + bal.sukarela + bal.berjangka
    assert left_to_her == plan.ditahan
    owed_after = sum((d.jumlah for d in loans_due(after, "A0001", EXIT)), Decimal(0))
    assert owed_after == plan.sisa_pinjaman
    # what the set-off took from her savings is exactly what reduced her debt
    credited: dict[str, Any] = {}
    for e in entries:
        if isinstance(e, data.Transaction) and "pinjaman" in e.meta:
            for p in e.postings:
                credited[p.account] = credited.get(p.account, 0) + p.units.number
    debt_side = -sum((v for a, v in credited.items() if a.startswith(("Aset:Piutang", "Pendapatan"))), Decimal(0))
    assert debt_side == plan.potong_pinjaman
