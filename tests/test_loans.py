"""Member loans: reading loans from the ledger, arrears, kolektibilitas, PPAP, payments, CLI."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
from beancount.core import data
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from kopledger import Koperasi
from kopledger.books.directives import Policies, Policy
from kopledger.cli import main
from kopledger.core.errors import InputError, LedgerHasErrors
from kopledger.ops.loans.entries import (
    DIRAGUKAN,
    DPK,
    KOLEKTIBILITAS,
    KURANG_LANCAR,
    LANCAR,
    MACET,
    Loan,
    Repayment,
    check_loans,
    classify,
    days_past_due,
    disbursement_entries,
    loan_book,
    loans,
    payment_entries,
    payoff_amount,
    penalty_due,
    portfolio,
    ppap_entries,
    split_payment,
)
from kopledger.ops.loans.schedule import schedule
from kopledger.ops.writer import format_directives

D = Decimal
PER = dt.date(2024, 12, 31)

HEADER = """\
option "title" "Koperasi Uji Pinjaman"
option "operating_currency" "IDR"
option "name_assets" "Aset"
option "name_liabilities" "Liabilitas"
option "name_equity" "Ekuitas"
option "name_income" "Pendapatan"
option "name_expenses" "Beban"
plugin "kopledger.plugin"

2024-01-01 open Aset:Kas IDR
2024-01-01 open Aset:Piutang:PenyisihanPinjaman IDR
2024-01-01 open Ekuitas:Modal IDR
2024-01-01 open Pendapatan:Anggota:JasaPinjaman IDR
2024-01-01 open Pendapatan:Anggota:Denda IDR
2024-01-01 open Pendapatan:Anggota:BiayaAdmin IDR
2024-01-01 open Beban:Usaha:PenyisihanPinjaman IDR
2024-01-01 custom "kebijakan" "simpanan-pokok" 100000 IDR
2024-01-01 custom "kebijakan" "simpanan-wajib" 25000 IDR
2024-01-01 * "Modal awal"
  Aset:Kas  50000000 IDR
  Ekuitas:Modal
"""

ENGLISH_HEADER = (
    HEADER.replace('"Aset"', '"Assets"').replace('"Liabilitas"', '"Liabilities"').replace('"Ekuitas"', '"Equity"')
    .replace('"Pendapatan"', '"Income"').replace('"Beban"', '"Expenses"')
    .replace(" Aset:", " Assets:").replace(" Ekuitas:", " Equity:").replace(" Pendapatan:", " Income:")
    .replace(" Beban:", " Expenses:").replace("  Aset:", "  Assets:").replace("  Ekuitas:", "  Equity:")
)


def member(member_id: str, nama: str, date: str = "2024-01-05") -> str:
    return f'''
{date} custom "anggota" "{member_id}" "{nama}"
{date} * "Simpanan pokok {nama}" #simpanan-pokok
  anggota: "{member_id}"
  Aset:Kas  100000 IDR
  Ekuitas:SimpananPokok:{member_id}  -100000 IDR
'''


def cair(loan_id, member_id, date, pokok, bunga, tenor, metode, jatuh_tempo=None) -> str:
    due = f"\n  jatuh-tempo: {jatuh_tempo}" if jatuh_tempo else ""
    return f'''
{date} * "Pencairan {loan_id}" #pinjaman-cair
  anggota: "{member_id}"
  pinjaman: "{loan_id}"
  pokok: {pokok} IDR
  bunga: {bunga}
  tenor: {tenor}
  metode: "{metode}"{due}
  Aset:Piutang:PinjamanAnggota:{member_id}  {pokok} IDR
  Aset:Kas  -{pokok} IDR
'''


def angsuran(loan_id, member_id, date, pokok, bunga, denda=0) -> str:
    fine = f"\n  Pendapatan:Anggota:Denda  -{denda} IDR" if denda else ""
    return f'''
{date} * "Angsuran {loan_id}" #angsuran
  anggota: "{member_id}"
  pinjaman: "{loan_id}"
  Aset:Kas  {pokok + bunga + denda} IDR
  Aset:Piutang:PinjamanAnggota:{member_id}  -{pokok} IDR
  Pendapatan:Anggota:JasaPinjaman  -{bunga} IDR{fine}
'''


PJ2_ROWS = schedule(D(2400000), D(18), 12, "anuitas", dt.date(2024, 7, 15))


def scenario_body() -> str:
    """Three loans at 2024-12-31: one diragukan, one lancar, one kurang lancar after an exit set-off."""
    body = member("A0001", "Siti Aminah") + member("A0002", "Budi Santoso") + member("A0003", "Rina Wati")
    for month in range(2, 8):
        body += f'''
2024-{month:02d}-05 * "Simpanan wajib" #simpanan-wajib
  anggota: "A0003"
  bulan: "2024-{month:02d}"
  Aset:Kas  25000 IDR
  Ekuitas:SimpananWajib:A0003  -25000 IDR
'''
    # PJ-2024-001: flat 1.2 M, 12 %, 12 months; two instalments paid, then nothing
    body += cair("PJ-2024-001", "A0001", "2024-02-01", 1200000, 12, 12, "flat", "2024-03-01")
    body += angsuran("PJ-2024-001", "A0001", "2024-03-01", 100000, 12000)
    body += angsuran("PJ-2024-001", "A0001", "2024-04-01", 100000, 12000)
    # PJ-2024-002: anuitas 2.4 M, 18 %, 12 months, first due one month after disbursement; paid on time
    body += cair("PJ-2024-002", "A0002", "2024-06-15", 2400000, 18, 12, "anuitas")
    for row in PJ2_ROWS[:6]:
        body += angsuran("PJ-2024-002", "A0002", row.tanggal.isoformat(), row.pokok, row.bunga)
    # PJ-2024-003: flat 600 k, 12 %, 6 months; two paid; the member leaves and pokok+wajib are set off
    body += cair("PJ-2024-003", "A0003", "2024-03-10", 600000, 12, 6, "flat", "2024-04-10")
    body += angsuran("PJ-2024-003", "A0003", "2024-04-10", 100000, 6000)
    body += angsuran("PJ-2024-003", "A0003", "2024-05-10", 100000, 6000)
    body += '''
2024-06-30 * "PPAP semester I" #ppap
  Beban:Usaha:PenyisihanPinjaman  100000 IDR
  Aset:Piutang:PenyisihanPinjaman  -100000 IDR

2024-09-30 custom "anggota-keluar" "A0003"
  alasan: "pindah"
2024-09-30 * "Anggota keluar Rina Wati, simpanan dikompensasi pinjaman" #anggota-keluar
  anggota: "A0003"
  Ekuitas:SimpananPokok:A0003  100000 IDR
  Ekuitas:SimpananWajib:A0003  150000 IDR
  Liabilitas:SimpananAnggotaKeluar:A0003  -250000 IDR
  Liabilitas:SimpananAnggotaKeluar:A0003  250000 IDR
  Aset:Piutang:PinjamanAnggota:A0003  -250000 IDR
'''
    return body


def load(body: str, header: str = HEADER) -> Koperasi:
    kop = Koperasi.from_string(header + textwrap.dedent(body))
    assert kop.errors == [], [e.message for e in kop.errors]
    return kop


@pytest.fixture(scope="module")
def kop() -> Koperasi:
    return load(scenario_body())


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    path = tmp_path / "buku.beancount"
    path.write_text(HEADER + scenario_body(), encoding="utf-8")
    return path


def bean_query_total(path_or_text: str, where: str) -> Decimal:
    """Independent oracle: sum of positions through beanquery."""
    import beanquery
    from beancount import loader

    entries, errors, options = loader.load_string(path_or_text)
    assert not errors
    conn = beanquery.connect(None)
    conn.attach("beancount:", entries=entries, errors=errors, options=options)
    cursor = conn.execute(f"SELECT sum(number) WHERE {where}")
    value = cursor.fetchall()[0][0]
    return Decimal(value or 0)


# --- reading loans ----------------------------------------------------------------------------
def test_loans_from_disbursement_metadata(kop):
    result = loans(kop)
    assert [loan.id for loan in result] == ["PJ-2024-001", "PJ-2024-003", "PJ-2024-002"]
    pj2 = result[2]
    assert (pj2.anggota, pj2.pokok, pj2.bunga, pj2.tenor, pj2.metode) == ("A0002", D(2400000), D(18), 12, "anuitas")
    assert pj2.jatuh_tempo == dt.date(2024, 7, 15)  # default: one month after disbursement
    assert pj2.jadwal == PJ2_ROWS
    assert pj2.jatuh_tempo_akhir == dt.date(2025, 6, 15)


def test_setoff_without_loan_id_reduces_principal(kop):
    book = loan_book(kop)
    moves = book.angsuran["PJ-2024-003"]
    assert [m.pokok for m in moves] == [D(100000), D(100000), D(250000)]
    assert moves[-1].setoff and moves[-1].bunga == 0
    assert book.tidak_teralokasi == ()


def test_unlabelled_principal_goes_to_oldest_open_loan_first():
    body = member("A0001", "Siti Aminah")
    body += cair("PJ-1", "A0001", "2024-02-01", 300000, 12, 3, "flat")
    body += cair("PJ-2", "A0001", "2024-02-10", 600000, 12, 6, "flat")
    body += '''
2024-03-01 * "Setoran tanpa id pinjaman"
  anggota: "A0001"
  Aset:Kas  503000 IDR
  Aset:Piutang:PinjamanAnggota:A0001  -500000 IDR
  Pendapatan:Anggota:JasaPinjaman  -3000 IDR
'''
    kop = load(body)
    book = loan_book(kop)
    assert [(m.pokok, m.bunga) for m in book.angsuran["PJ-1"]] == [(D(300000), D(3000))]
    assert [m.pokok for m in book.angsuran["PJ-2"]] == [D(200000)]
    result = portfolio(kop, dt.date(2024, 3, 1))
    assert [(s.id, s.sisa) for s in result.pinjaman] == [("PJ-2", D(400000))]


# --- arrears, kolektibilitas, PPAP ---------------------------------------------------------------
def test_portfolio_at_year_end(kop):
    result = portfolio(kop, PER)
    by_id = {s.id: s for s in result.pinjaman}
    pj1, pj2, pj3 = by_id["PJ-2024-001"], by_id["PJ-2024-002"], by_id["PJ-2024-003"]
    # PJ-1: instalments 1–2 paid; the oldest unpaid is due 2024-05-01
    assert (pj1.sisa, pj1.hari_tunggakan, pj1.kolektibilitas) == (D(1000000), 244, DIRAGUKAN)
    assert pj1.ppap == D(500000)  # 50 %
    assert pj1.tunggakan == 8 * D(112000) and pj1.angsuran_tertunggak == 8
    # PJ-2: paid on time
    assert (pj2.sisa, pj2.hari_tunggakan, pj2.kolektibilitas) == (PJ2_ROWS[5].sisa, 0, LANCAR)
    assert pj2.ppap == (PJ2_ROWS[5].sisa * D("0.005")).quantize(D(1), rounding="ROUND_HALF_UP")
    assert pj2.jatuh_tempo_berikut == dt.date(2025, 1, 15)
    # PJ-3: 212,000 paid + 250,000 set off cover 4 instalments of 106,000; the 5th was due 2024-08-10
    assert (pj3.sisa, pj3.hari_tunggakan, pj3.kolektibilitas) == (D(150000), 143, KURANG_LANCAR)
    assert pj3.ppap == D(15000)
    assert pj3.nama == "Rina Wati"
    assert result.total_saldo == D(1150000) + PJ2_ROWS[5].sisa
    assert result.ppap_wajib == sum(s.ppap for s in result.pinjaman)
    assert result.ppap_tercatat == D(100000)
    assert result.selisih_ppap == result.ppap_wajib - D(100000)
    assert result.npl == (D(1150000) * 100 / result.total_saldo).quantize(D("0.01"))
    assert [s.id for s in result.tunggakan] == ["PJ-2024-001", "PJ-2024-003"]


def test_portfolio_balance_agrees_with_bean_query(kop):
    text = HEADER + scenario_body()
    oracle = bean_query_total(text, f"account ~ '^Aset:Piutang:PinjamanAnggota:' AND date <= {PER.isoformat()}")
    result = portfolio(kop, PER)
    assert result.total_saldo == oracle
    assert -bean_query_total(text, "account = 'Aset:Piutang:PenyisihanPinjaman'") == result.ppap_tercatat


def test_class_totals_sum_to_the_portfolio(kop):
    result = portfolio(kop, PER)
    # the koperasi classes (Juknis 15/2021): no "dalam perhatian khusus" unless a policy asks
    assert [c.kolektibilitas for c in result.per_kolektibilitas] == [LANCAR, KURANG_LANCAR, DIRAGUKAN, MACET]
    assert sum(c.saldo for c in result.per_kolektibilitas) == result.total_saldo
    assert sum(c.ppap for c in result.per_kolektibilitas) == result.ppap_wajib
    assert sum(c.jumlah_pinjaman for c in result.per_kolektibilitas) == len(result.pinjaman) == 3
    rates = {c.kolektibilitas: c.tarif_ppap for c in result.per_kolektibilitas}
    assert rates == {LANCAR: D("0.5"), KURANG_LANCAR: D(10), DIRAGUKAN: D(50), MACET: D(100)}


def test_portfolio_before_disbursement_and_after_repayment(kop):
    assert portfolio(kop, dt.date(2024, 1, 31)).pinjaman == ()
    early = portfolio(kop, dt.date(2024, 3, 10))
    assert [(s.id, s.sisa, s.hari_tunggakan) for s in early.pinjaman] == [
        ("PJ-2024-001", D(1100000), 0), ("PJ-2024-003", D(600000), 0),
    ]
    assert early.npl == 0


@pytest.mark.parametrize(("days", "expected"), [
    (0, LANCAR), (1, LANCAR), (90, LANCAR), (91, KURANG_LANCAR), (180, KURANG_LANCAR),
    (181, DIRAGUKAN), (270, DIRAGUKAN), (271, MACET), (2000, MACET),
])
def test_default_thresholds(days, expected):
    assert classify(days, Policies([]), PER) == expected


def test_thresholds_and_rates_from_kebijakan():
    policies = Policies([
        Policy("kol-dpk", D(8), dt.date(2024, 1, 1)),
        Policy("kol-kurang-lancar", D(31), dt.date(2024, 1, 1)),
        Policy("kol-diragukan", D(61), dt.date(2024, 1, 1)),
        Policy("kol-macet", D(121), dt.date(2024, 1, 1)),
    ])
    assert [classify(d, policies, PER) for d in (7, 8, 31, 61, 121)] == [LANCAR, DPK, KURANG_LANCAR, DIRAGUKAN, MACET]
    assert classify(8, policies, dt.date(2023, 12, 31)) == LANCAR  # not in force yet: defaults (no DPK)


def test_kebijakan_in_the_ledger_changes_the_class_and_ppap():
    body = scenario_body() + '''
2024-12-01 custom "kebijakan" "kol-macet" 200
2024-12-01 custom "kebijakan" "ppap-macet" 80
'''
    result = portfolio(load(body), PER)
    pj1 = next(s for s in result.pinjaman if s.id == "PJ-2024-001")
    assert (pj1.kolektibilitas, pj1.tarif_ppap, pj1.ppap) == (MACET, D(80), D(800000))


def test_days_past_due_partial_payment():
    loan = _loan("flat", D(1200000), D(12), 12)
    first = loan.jadwal[0].tanggal
    part = [Repayment(first, D(50000), D(12000), D(0))]
    assert days_past_due(loan, part, first) == 0  # due today: 0 days
    assert days_past_due(loan, part, first + dt.timedelta(days=10)) == 10
    full = [Repayment(first, D(100000), D(12000), D(0))]
    assert days_past_due(loan, full, first + dt.timedelta(days=10)) == 0


# --- splitting payments ----------------------------------------------------------------------------
def _loan(metode, pokok, bunga, tenor, cair_date=dt.date(2024, 1, 10), first_due=dt.date(2024, 2, 10)):
    return Loan("PJ-X", "A0001", cair_date, pokok, bunga, tenor, metode, first_due,
                jadwal=schedule(pokok, bunga, tenor, metode, first_due))


def test_on_time_and_slightly_early_payments_follow_the_schedule():
    loan = _loan("efektif", D(1200000), D(12), 12)
    moves: list[Repayment] = []
    for row in loan.jadwal:
        for date in (row.tanggal - dt.timedelta(days=3), row.tanggal):
            split = split_payment(loan, moves, date, row.angsuran)
            assert (split.pokok, split.bunga, split.denda) == (row.pokok, row.bunga, 0)
            assert split.angsuran_ke == row.ke
        moves.append(Repayment(row.tanggal, split.pokok, split.bunga, D(0)))
    assert split.lunas and split.sisa_sesudah == 0


def test_arrears_are_paid_oldest_first_interest_before_principal():
    loan = _loan("flat", D(1200000), D(12), 12)
    date = loan.jadwal[2].tanggal  # three instalments due, none paid
    split = split_payment(loan, [], date, D(150000))
    # instalment 1 (12,000 + 100,000), then instalment 2's interest, then 26,000 of its principal
    assert (split.bunga, split.pokok) == (D(24000), D(126000))
    assert split.angsuran_ke == 2


def test_penalty_is_paid_first():
    loan = _loan("flat", D(1200000), D(12), 12)
    split = split_payment(loan, [], loan.jadwal[0].tanggal + dt.timedelta(days=5), D(10000), denda=D(4000))
    assert (split.denda, split.bunga, split.pokok) == (D(4000), D(6000), D(0))


def test_excess_reduces_principal_and_payoff_is_principal_plus_interest_due():
    loan = _loan("flat", D(1200000), D(12), 12)
    date = loan.jadwal[0].tanggal
    split = split_payment(loan, [], date, D(500000))
    assert (split.bunga, split.pokok, split.sisa_sesudah) == (D(12000), D(488000), D(712000))
    assert payoff_amount(loan, [], date) == D(1212000)
    # mid-period payoff: the current period's interest is billed too
    mid = date + dt.timedelta(days=10)
    assert payoff_amount(loan, [Repayment(date, D(100000), D(12000), D(0))], mid) == D(1100000 + 12000)
    with pytest.raises(InputError, match="melebihi"):
        split_payment(loan, [], date, D(1212001))
    payoff = split_payment(loan, [], date, None)
    assert payoff.lunas and payoff.jumlah == D(1212000)


def test_payment_errors():
    loan = _loan("flat", D(1200000), D(12), 12)
    with pytest.raises(InputError, match="sebelum"):
        split_payment(loan, [], dt.date(2024, 1, 9), D(1000))
    paid = [Repayment(dt.date(2024, 2, 1), D(1200000), D(12000), D(0))]
    with pytest.raises(InputError, match="lunas"):
        split_payment(loan, paid, dt.date(2024, 3, 1), D(1000))
    with pytest.raises(InputError):
        split_payment(loan, [], dt.date(2024, 3, 1), D("10.5"))


def test_penalty_per_started_month_late():
    loan = _loan("flat", D(1200000), D(12), 12, dt.date(2024, 2, 1), dt.date(2024, 3, 1))
    paid = [Repayment(dt.date(2024, 3, 1), D(100000), D(12000), D(0)),
            Repayment(dt.date(2024, 4, 1), D(100000), D(12000), D(0))]
    # 2024-06-15: instalment 3 (due 05-01) is in its 2nd late month, instalment 4 (due 06-01) in its 1st
    assert penalty_due(loan, paid, dt.date(2024, 6, 15), D(2)) == D(3 * 2240)
    assert penalty_due(loan, paid, dt.date(2024, 5, 1), D(2)) == 0  # due today: not late
    assert penalty_due(loan, paid, dt.date(2024, 6, 15), D(0)) == 0
    with_paid_fine = [*paid, Repayment(dt.date(2024, 6, 10), D(0), D(0), D(2240))]
    assert penalty_due(loan, with_paid_fine, dt.date(2024, 6, 15), D(2)) == D(4480)


amounts = st.integers(min_value=1, max_value=2_000_000)


@settings(max_examples=100, deadline=None)
@given(
    metode=st.sampled_from(["flat", "efektif", "anuitas"]),
    paid_rows=st.integers(min_value=0, max_value=11),
    days=st.integers(min_value=0, max_value=400),
    jumlah=amounts,
    denda=st.integers(min_value=0, max_value=50_000),
)
def test_split_always_sums_to_the_payment(metode, paid_rows, days, jumlah, denda):
    loan = _loan(metode, D(1800000), D(15), 12)
    moves = [Repayment(r.tanggal, r.pokok, r.bunga, D(0)) for r in loan.jadwal[:paid_rows]]
    date = loan.tanggal + dt.timedelta(days=days)
    payoff = payoff_amount(loan, moves, date, D(denda))
    amount = min(D(jumlah), payoff)
    split = split_payment(loan, moves, date, amount, denda=D(denda))
    assert split.denda + split.bunga + split.pokok == amount
    assert min(split.denda, split.bunga, split.pokok) >= 0
    assert split.sisa_sesudah == split.sisa_sebelum - split.pokok >= 0
    assert split.lunas == (amount == payoff)


# --- building entries ----------------------------------------------------------------------------
def test_full_life_of_a_loan_through_payment_entries_for_each_method():
    for metode in ("flat", "efektif", "anuitas"):
        text = HEADER + member("A0001", "Siti Aminah")
        kop = Koperasi.from_string(text)
        entries = disbursement_entries(kop, anggota="A0001", pokok=D(1000000), bunga=D(18), tenor=4, metode=metode,
                                       tanggal=dt.date(2024, 2, 1), biaya_admin=D(10000), provisi=D(5000))
        text += "\n" + format_directives(entries)
        rows = schedule(D(1000000), D(18), 4, metode, dt.date(2024, 3, 1))
        for row in rows:
            kop = Koperasi.from_string(text)
            assert kop.errors == []
            split, entries = payment_entries(kop, pinjaman="PJ-2024-001", tanggal=row.tanggal, jumlah=row.angsuran)
            assert (split.pokok, split.bunga, split.denda) == (row.pokok, row.bunga, 0)
            txn = entries[-1]
            assert txn.meta["anggota"] == "A0001"  # interest counts as the member's patronage
            assert "angsuran" in txn.tags
            text += "\n" + format_directives(entries)
        kop = load(text[len(HEADER):])
        status = portfolio(kop, dt.date(2024, 12, 31))
        assert status.pinjaman == ()
        assert bean_query_total(text, "account = 'Aset:Piutang:PinjamanAnggota:A0001'") == 0
        assert -bean_query_total(text, "account = 'Pendapatan:Anggota:JasaPinjaman'") == sum(r.bunga for r in rows)
        assert -bean_query_total(text, "account = 'Pendapatan:Anggota:BiayaAdmin'") == D(15000)
        assert bean_query_total(text, "account = 'Aset:Kas'") == D(50000000 + 100000 - 985000) + sum(
            r.angsuran for r in rows)


def test_disbursement_refusals(kop):
    ok = {"anggota": "A0001", "pokok": D(1000000), "bunga": D(12), "tenor": 12, "metode": "flat",
          "tanggal": dt.date(2024, 12, 1)}
    entries = disbursement_entries(kop, **ok)
    assert entries[-1].meta["pinjaman"] == "PJ-2024-004"
    for change, message in [
        ({"anggota": "A0003"}, "A0003 \\(Rina Wati\\) bukan anggota aktif pada 2024-12-01 \\(keluar pada 2024-09-30\\)"),  # left on 2024-09-30
        ({"anggota": "A0009"}, "anggota tidak dikenal: 'A0009'"),
        ({"pinjaman": "PJ-2024-002"}, "sudah dipakai"),
        ({"bunga": D(40)}, "bunga-pinjaman-maks"),
        ({"tenor": 0}, "tenor"),
        ({"pokok": D(-5)}, "pokok"),
        ({"biaya_admin": D(1000000)}, "lebih kecil"),
        ({"jatuh_tempo": dt.date(2024, 11, 1)}, "jatuh tempo"),
        ({"tanggal": dt.date(2023, 12, 1)}, "bukan anggota aktif pada 2023-12-01 \\(masuk pada"),
        ({"akun_kas": "Aset:Bank:Mandiri"}, "belum dibuka"),
    ]:
        with pytest.raises(InputError, match=message):
            disbursement_entries(kop, **{**ok, **change})


def test_payment_entries_refusals(kop):
    with pytest.raises(InputError, match="tidak ada"):
        payment_entries(kop, pinjaman="PJ-2099-001", tanggal=PER, jumlah=D(1000))
    with pytest.raises(InputError, match="sebelum"):
        payment_entries(kop, pinjaman="PJ-2024-002", tanggal=dt.date(2024, 6, 1), jumlah=D(1000))


def test_ppap_entry_books_the_difference_and_then_nothing(tmp_path):
    from kopledger.ops.writer import append_directives

    kop = load(scenario_body())
    result = portfolio(kop, PER)
    entries = ppap_entries(kop, PER)
    txn = entries[-1]
    assert isinstance(txn, data.Transaction) and "ppap" in txn.tags
    numbers = {p.account: p.units.number for p in txn.postings}
    assert numbers == {"Beban:Usaha:PenyisihanPinjaman": result.selisih_ppap,
                       "Aset:Piutang:PenyisihanPinjaman": -result.selisih_ppap}
    path = tmp_path / "buku.beancount"
    path.write_text(HEADER + scenario_body(), encoding="utf-8")
    append_directives(path, entries)
    after = Koperasi.load(path)
    assert after.errors == []
    assert portfolio(after, PER).ppap_tercatat == result.ppap_wajib
    assert ppap_entries(after, PER) == []


def test_ppap_release_when_less_is_required():
    body = scenario_body() + '''
2024-12-15 * "PPAP terlalu besar"
  Beban:Usaha:PenyisihanPinjaman  2000000 IDR
  Aset:Piutang:PenyisihanPinjaman  -2000000 IDR
'''
    kop = load(body)
    txn = ppap_entries(kop, PER)[-1]
    numbers = {p.account: p.units.number for p in txn.postings}
    assert numbers["Aset:Piutang:PenyisihanPinjaman"] == D(2100000) - portfolio(kop, PER).ppap_wajib > 0


def test_english_roots():
    body = (member("A0001", "Siti Aminah") + cair("PJ-1", "A0001", "2024-02-01", 1200000, 12, 12, "flat")
            + angsuran("PJ-1", "A0001", "2024-03-01", 100000, 12000))
    for old, new in (("Aset:", "Assets:"), ("Ekuitas:", "Equity:"), ("Pendapatan:", "Income:")):
        body = body.replace(old, new)
    kop = load(body, ENGLISH_HEADER)
    result = portfolio(kop, dt.date(2024, 6, 30))
    assert [(s.id, s.sisa, s.bunga_dibayar, s.hari_tunggakan) for s in result.pinjaman] == [
        ("PJ-1", D(1100000), D(12000), 90)]  # instalment 2 was due 2024-04-01
    txn = ppap_entries(kop, dt.date(2024, 6, 30))[-1]
    assert {p.account for p in txn.postings} == {"Expenses:Usaha:PenyisihanPinjaman",
                                                  "Assets:Piutang:PenyisihanPinjaman"}
    _split, entries = payment_entries(kop, pinjaman="PJ-1", tanggal=dt.date(2024, 4, 1), jumlah=D(112000))
    assert {p.account for p in entries[-1].postings} == {
        "Assets:Kas", "Assets:Piutang:PinjamanAnggota:A0001", "Income:Anggota:JasaPinjaman"}


# --- malformed loans in the ledger ----------------------------------------------------------------
def test_duplicate_loan_id_and_payment_for_unknown_loan_are_reported_with_lines():
    body = member("A0001", "Siti Aminah")
    body += cair("PJ-1", "A0001", "2024-02-01", 1200000, 12, 12, "flat")
    body += cair("PJ-1", "A0001", "2024-02-05", 500000, 12, 6, "flat")
    body += angsuran("PJ-9", "A0001", "2024-03-01", 100000, 12000)
    kop = Koperasi.from_string(HEADER + textwrap.dedent(body))
    # the plugin's invariants (kopledger.books.checks.invariants) see the duplicate id at every load
    assert [e.message for e in kop.errors if "dicairkan dua kali" in e.message]
    errors = check_loans(kop.entries, kop.options)
    assert len(errors) == 2
    assert "pinjaman PJ-1 dicairkan dua kali (pertama di <string>:29)" in errors[0].message and errors[0].source["lineno"] > 0
    assert "PJ-9" in errors[1].message
    with pytest.raises(LedgerHasErrors, match="buku berisi 2 catatan pinjaman yang salah") as raised:
        loans(kop)
    assert "pinjaman PJ-1 dicairkan dua kali" in str(raised.value)


def test_cli_reports_malformed_loans_with_lines(tmp_path):
    path = tmp_path / "buku.beancount"
    path.write_text(HEADER + member("A0001", "Siti Aminah")
                    + cair("PJ-1", "A0001", "2024-02-01", 1200000, 12, 12, "flat")
                    + angsuran("PJ-9", "A0001", "2024-03-01", 100000, 12000), encoding="utf-8")
    result = run("pinjaman", "portofolio", path, "--per", "2024-12-31")
    assert result.exit_code == 1, result.output
    assert f"{path}:" in result.output and "PJ-9" in result.output
    assert "Traceback" not in result.output
    # kop cek reports the same malformed loan entry with its file and line
    check = run("cek", path)
    assert check.exit_code == 1, check.output
    assert f"{path}:" in check.output and "PJ-9" in check.output and "1 kesalahan" in check.output
    check_json = run("cek", path, "--format", "json")
    assert check_json.exit_code == 1
    records = json.loads(check_json.stdout)
    assert len(records) == 1 and records[0]["line"] > 0 and "PJ-9" in records[0]["message"]


def test_repaying_more_than_the_loan_is_reported():
    body = member("A0001", "Siti Aminah") + cair("PJ-1", "A0001", "2024-02-01", 300000, 12, 3, "flat")
    body += angsuran("PJ-1", "A0001", "2024-03-01", 300000, 3000)
    body += angsuran("PJ-1", "A0001", "2024-04-01", 100000, 0)
    kop = Koperasi.from_string(HEADER + body)
    errors = check_loans(kop.entries, kop.options)
    assert len(errors) == 1 and "sisa pokok pinjaman PJ-1 0 IDR, tetapi dibayar 100000 IDR" in errors[0].message


def test_bad_disbursement_metadata_is_reported():
    body = member("A0001", "Siti Aminah") + cair("PJ-1", "A0001", "2024-02-01", 1200000, 12, 12, "menurun")
    body += '''
2024-03-01 * "Pencairan tanpa id" #pinjaman-cair
  anggota: "A0001"
  Aset:Piutang:PinjamanAnggota:A0001  100000 IDR
  Aset:Kas  -100000 IDR
'''
    kop = load(body)
    messages = [e.message for e in check_loans(kop.entries, kop.options)]
    assert any("metode" in m for m in messages) and any("loan id" in m for m in messages)


# --- CLI ---------------------------------------------------------------------------------------------
def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_cli_cair_dry_run_then_write(ledger):
    before = ledger.read_bytes()
    args = ["pinjaman", "cair", ledger, "--anggota", "A0002", "--pokok", "3000000", "--bunga", "18", "--tenor", "6",
            "--metode", "anuitas", "--tanggal", "2024-12-20", "--biaya-admin", "30000"]
    result = run(*args, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "#pinjaman-cair" in result.output and "PJ-2024-004" in result.output
    assert "yang pertama 20 Januari 2025" in result.output
    assert ledger.read_bytes() == before
    result = run(*args)
    assert result.exit_code == 0, result.output
    kop = Koperasi.load(ledger)
    assert kop.errors == []
    new = loans(kop)[-1]
    assert (new.id, new.pokok, new.biaya_admin, new.jatuh_tempo) == ("PJ-2024-004", D(3000000), D(30000),
                                                                     dt.date(2025, 1, 20))


def test_cli_bayar_and_lunas(ledger):
    result = run("pinjaman", "bayar", ledger, "--pinjaman", "PJ-2024-002", "--jumlah", str(PJ2_ROWS[6].angsuran),
                 "--tanggal", "2025-01-15")
    assert result.exit_code == 0, result.output
    result = run("loan", "pay", ledger, "--pinjaman", "PJ-2024-002", "--lunas", "--tanggal", "2025-01-20")
    assert result.exit_code == 0, result.output
    assert "LUNAS" in result.output
    kop = Koperasi.load(ledger)
    assert kop.errors == []
    assert "A0002" not in {s.anggota for s in portfolio(kop, dt.date(2025, 1, 20)).pinjaman}
    paid = loan_book(kop).angsuran["PJ-2024-002"]
    assert sum(m.pokok for m in paid) == D(2400000)
    # the payoff five days after instalment 7 bills instalment 8's interest, then all principal
    assert paid[-1].bunga == PJ2_ROWS[7].bunga and paid[-1].pokok == PJ2_ROWS[6].sisa
    again = run("pinjaman", "bayar", ledger, "--pinjaman", "PJ-2024-002", "--jumlah", "1000", "--tanggal", "2025-02-01")
    assert again.exit_code == 2 and "lunas" in again.output


@pytest.mark.parametrize(("args", "message"), [
    (["cair", "--anggota", "A0003", "--pokok", "1000000", "--bunga", "12", "--tenor", "6", "--metode", "flat",
      "--tanggal", "2024-12-01"], "A0003 (Rina Wati) bukan anggota aktif pada 2024-12-01"),
    (["cair", "--anggota", "A0001", "--pokok", "1000000", "--bunga", "12", "--tenor", "6", "--metode", "flat",
      "--tanggal", "2024-12-01", "--id", "PJ-2024-001"], "sudah dipakai"),
    (["cair", "--anggota", "A0001", "--pokok", "1000000", "--bunga", "48", "--tenor", "6", "--metode", "flat",
      "--tanggal", "2024-12-01"], "bunga"),
    (["cair", "--anggota", "A0001", "--pokok", "0", "--bunga", "12", "--tenor", "6", "--metode", "flat",
      "--tanggal", "2024-12-01"], "pokok"),
    (["bayar", "--pinjaman", "PJ-2099-001", "--jumlah", "1000", "--tanggal", "2024-12-01"], "tidak ada"),
    (["bayar", "--pinjaman", "PJ-2024-002", "--jumlah", "1000", "--tanggal", "2024-06-01"], "sebelum"),
    (["bayar", "--pinjaman", "PJ-2024-002", "--jumlah", "99000000", "--tanggal", "2024-12-31"], "melebihi"),
    (["bayar", "--pinjaman", "PJ-2024-002", "--tanggal", "2024-12-31"], "--lunas"),
])
def test_cli_bad_input_exit_2_nothing_written(ledger, args, message):
    before = ledger.read_bytes()
    result = run("pinjaman", args[0], ledger, *args[1:])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert ledger.read_bytes() == before


def test_cli_portofolio_json_and_table(ledger, kop):
    result = run("pinjaman", "portofolio", ledger, "--per", "2024-12-31", "--format", "json")
    assert result.exit_code == 0, result.output
    got = json.loads(result.output)
    expected = portfolio(kop, PER)
    assert got["total_saldo"] == str(expected.total_saldo)
    assert got["ppap_wajib"] == str(expected.ppap_wajib)
    assert got["npl"] == str(expected.npl)
    assert got["tunggakan"] == ["PJ-2024-001", "PJ-2024-003"]
    assert [c["kolektibilitas"] for c in got["per_kolektibilitas"]] == [k for k in KOLEKTIBILITAS if k != DPK]
    table = run("pinjaman", "portofolio", ledger, "--per", "2024-12-31")
    assert table.exit_code == 0, table.output
    assert "Diragukan" in table.output and "PJ-2024-001" in table.output and "Rina Wati" in table.output
    english = run("loan", "portfolio", ledger, "--per", "2024-12-31", "--format", "html", "--lang", "en")
    assert english.exit_code == 0, english.output
    assert "Doubtful" in english.output and "<table" in english.output


def test_cli_daftar(ledger):
    result = run("pinjaman", "daftar", ledger, "--per", "2024-12-31", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["id"] for r in rows] == ["PJ-2024-001", "PJ-2024-003", "PJ-2024-002"]
    table = run("pinjaman", "daftar", ledger, "--per", "2024-12-31", "--semua")
    assert table.exit_code == 0 and "PJ-2024-002" in table.output


def test_cli_ppap_dry_run_write_and_nothing_more(ledger):
    before = ledger.read_bytes()
    result = run("pinjaman", "ppap", ledger, "--per", "2024-12-31", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "#ppap" in result.output and ledger.read_bytes() == before
    assert run("pinjaman", "ppap", ledger, "--per", "2024-12-31").exit_code == 0
    check = run("cek", ledger)
    assert check.exit_code == 0, check.output
    again = run("pinjaman", "ppap", ledger, "--per", "2024-12-31")
    assert again.exit_code == 0 and "sudah sesuai" in again.output


# --- attribution property: loan balances always add up to the member's loan account ------------------
def _txn(date, tags, meta, postings):
    from beancount.core.amount import Amount

    return data.Transaction(
        data.new_metadata("<test>", 0, meta), date, "*", None, "t", frozenset(tags), frozenset(),
        [data.Posting(account, Amount(D(number), "IDR"), None, None, None, None) for account, number in postings],
    )


@settings(max_examples=80, deadline=None)
@given(payments=st.lists(
    st.tuples(st.sampled_from([None, "PJ-1", "PJ-2"]), st.integers(min_value=1, max_value=400_000)),
    max_size=8,
))
def test_unlabelled_and_labelled_repayments_add_up_to_the_account(payments):
    from kopledger.core.roots import Roots
    from kopledger.ops.loans.entries import read_loans

    loan_account = "Aset:Piutang:PinjamanAnggota:A0001"
    entries = []
    for loan_id, date, pokok in (("PJ-1", dt.date(2024, 2, 1), 500000), ("PJ-2", dt.date(2024, 2, 2), 700000)):
        meta = {"anggota": "A0001", "pinjaman": loan_id, "pokok": data.Amount(D(pokok), "IDR"), "bunga": D(12),
                "tenor": D(6), "metode": "flat"}
        entries.append(_txn(date, {"pinjaman-cair"}, meta, [(loan_account, pokok), ("Aset:Kas", -pokok)]))
    balance = D(1200000)
    for day, (loan_id, amount) in enumerate(payments, start=1):
        meta = {"anggota": "A0001", **({"pinjaman": loan_id} if loan_id else {})}
        entries.append(_txn(dt.date(2024, 3, day), {"angsuran"} if loan_id else set(), meta,
                            [("Aset:Kas", amount), (loan_account, -amount)]))
        balance -= amount
    book = read_loans(entries, Roots())
    repaid = {loan.id: sum(m.pokok for m in book.angsuran[loan.id]) for loan in book.pinjaman}
    left_over = sum(a for _, _, a in book.tidak_teralokasi)
    assert D(1200000) - sum(repaid.values()) - left_over == balance
    # unlabelled credits never push a loan below zero; only labelled overpayments are errors
    over = [loan for loan in book.pinjaman if repaid[loan.id] > loan.pokok]
    assert bool(over) == bool(book.errors)
    if not any(loan_id for loan_id, _ in payments):
        # all unlabelled: oldest first
        assert repaid["PJ-2"] == 0 or repaid["PJ-1"] == D(500000)
