"""The example koperasi (examples/mawar): loads cleanly, is what its generator writes,
and its totals agree with bean-query (an independent oracle)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from beancount.core import data
from beanquery import query

from kopledger import Koperasi
from kopledger.books.balances import account_balances, rollup

ROOT = Path(__file__).resolve().parents[1]
LEDGER = ROOT / "examples" / "mawar" / "buku.beancount"
END = dt.date(2025, 12, 31)

sys.path.insert(0, str(ROOT))

from examples import generator  # noqa: E402


@pytest.fixture(scope="module")
def kop() -> Koperasi:
    return Koperasi.load(LEDGER)


def bql_number(kop: Koperasi, sql: str) -> Decimal:
    """A single IDR total from bean-query."""
    _, rows = query.run_query(kop.entries, kop.options, sql)
    assert len(rows) == 1, rows
    inventory = rows[0][0]
    return inventory.get_currency_units("IDR").number


def transactions(kop: Koperasi, tag: str | None = None) -> list[data.Transaction]:
    return [e for e in kop.entries if isinstance(e, data.Transaction) and (tag is None or tag in e.tags)]


def test_example_loads_without_errors(kop: Koperasi) -> None:
    assert kop.errors == []
    assert kop.title == "Koperasi Wanita Mawar Sukabumi"
    assert kop.info is not None and kop.info.jenis == "serba-usaha" and kop.info.badan_hukum


def test_bean_check_and_kop_cek_pass() -> None:
    bin_dir = Path(sys.executable).parent
    check = subprocess.run([str(bin_dir / "bean-check"), str(LEDGER)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    cek = subprocess.run([str(bin_dir / "kop"), "cek", str(LEDGER)], capture_output=True, text=True)
    assert cek.returncode == 0, cek.stdout + cek.stderr
    assert "120 anggota" in cek.stdout


def test_committed_file_is_what_the_generator_writes() -> None:
    spec = importlib.util.spec_from_file_location("mawar_generate", ROOT / "examples" / "mawar" / "generate.py")
    assert spec is not None and spec.loader is not None
    mawar = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mawar)
    assert mawar.text() == LEDGER.read_text(encoding="utf-8")
    assert LEDGER.stat().st_size < 1_000_000


def test_generator_is_deterministic_and_seeded() -> None:
    first = generator.generate(30, 1, seed=7)
    assert generator.generate(30, 1, seed=7) == first
    assert generator.generate(30, 1, seed=8) != first


def test_members_years_and_officers(kop: Koperasi) -> None:
    assert len(kop.members) == 120
    left = [m for m in kop.members.values() if m.tanggal_keluar]
    assert 2 <= len(left) <= 10
    assert len(kop.active_members(END)) == 120 - len(left)
    assert kop.years() == [2024, 2025]
    assert kop.period() == (dt.date(2024, 1, 1), END)
    genders = Counter(m.jenis_kelamin for m in kop.members.values())
    assert genders["P"] > 2 * genders["L"] > 0
    assert all(len(m.nik) == 16 and m.nik[:4] in ("3202", "3272") for m in kop.members.values())
    joined_before = sum(1 for m in kop.members.values() if m.tanggal_masuk.year < 2024)
    assert 80 <= joined_before < 120
    assert {o.role for o in kop.officers} == {"ketua", "sekretaris", "bendahara", "pengawas"}
    assert [s.total for s in kop.shu_splits] == [100]


def test_no_closing_or_shu_entries(kop: Koperasi) -> None:
    for entry in transactions(kop):
        assert not any(t.startswith(("tutup-buku", "shu-")) for t in entry.tags), entry
    assert not [e for e in kop.entries if isinstance(e, data.Custom) and e.type == "tutup-buku"]


def test_cash_bank_and_stock_never_negative(kop: Koperasi) -> None:
    running = Counter[str]()
    for entry in transactions(kop):
        for posting in entry.postings:
            running[posting.account] += posting.units.number
        for account in ("Aset:Kas", "Aset:Bank:BRI", "Aset:Persediaan"):
            assert running[account] >= 0, (entry.date, account)


def test_cash_balance_agrees_with_bean_query(kop: Koperasi) -> None:
    balances = account_balances(kop.entries, end=END)
    kas = bql_number(kop, "SELECT sum(position) WHERE account = 'Aset:Kas' AND date <= 2025-12-31")
    bank = bql_number(kop, "SELECT sum(position) WHERE account = 'Aset:Bank:BRI'")
    assert balances["Aset:Kas"] == kas > 0
    assert balances["Aset:Bank:BRI"] == bank > 0


def test_member_savings_agree_with_bean_query(kop: Koperasi) -> None:
    members = kop.member_balances(END)
    for kind, parent in (("wajib", "Ekuitas:SimpananWajib"), ("pokok", "Ekuitas:SimpananPokok"),
                         ("sukarela", "Liabilitas:SimpananSukarela"), ("pinjaman", "Aset:Piutang:PinjamanAnggota")):
        total = sum((getattr(b, kind) for b in members.values()), Decimal(0))
        oracle = bql_number(kop, f"SELECT sum(position) WHERE account ~ '^{parent}:'")
        sign = 1 if kind == "pinjaman" else -1
        assert total == sign * oracle and total > 0, kind
    # pokok: 100,000 for each member still active
    assert sum((b.pokok for b in members.values()), Decimal(0)) == 100_000 * len(kop.active_members(END))
    # every balance seen by a member is non-negative
    for b in members.values():
        assert min(b.pokok, b.wajib, b.sukarela, b.pinjaman, b.keluar) >= 0, b


def test_wajib_payments_follow_the_policy_of_the_month_paid(kop: Koperasi) -> None:
    wajib = transactions(kop, "simpanan-wajib")
    assert len(wajib) > 2000
    late = 0
    for entry in wajib:
        bulan = entry.meta["bulan"]
        month = dt.date(int(bulan[:4]), int(bulan[5:]), 1)
        due = kop.policies.amount("simpanan-wajib", month)
        assert -entry.postings[1].units.number == due, entry
        assert entry.meta["anggota"] == entry.postings[1].account.rsplit(":", 1)[1]
        late += entry.date >= dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    assert late > 20  # some pay late, keeping the month they pay for
    assert kop.policies.amount("simpanan-wajib", dt.date(2025, 1, 1)) == 30000
    assert kop.policies.amount("simpanan-wajib", dt.date(2024, 12, 1)) == 25000


def test_shu_positive_both_years(kop: Koperasi) -> None:
    for year in (2024, 2025):
        balances = account_balances(kop.entries, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))
        shu = -(rollup(balances, "Pendapatan") + rollup(balances, "Beban"))
        oracle = -bql_number(kop, (
            f"SELECT sum(position) WHERE year = {year} AND account ~ '^(Pendapatan|Beban):'"
        ))
        assert shu == oracle
        assert 10_000_000 < shu < 200_000_000, (year, shu)


def test_loan_instalments_follow_the_schedule_rule(kop: Koperasi) -> None:
    """Every instalment books the principal and interest of its schedule row."""
    loans = {}
    for entry in transactions(kop, "pinjaman-cair"):
        meta = entry.meta
        rows = generator.schedule(int(meta["pokok"].number), meta["bunga"], int(meta["tenor"]),
                                  meta["metode"], meta["jatuh-tempo"])
        assert sum(r.pokok for r in rows) == meta["pokok"].number
        loans[meta["pinjaman"]] = rows
    methods = Counter(e.meta["metode"] for e in transactions(kop, "pinjaman-cair"))
    assert methods["flat"] > methods["anuitas"] > 0 and methods["efektif"] > 0
    for entry in transactions(kop, "angsuran"):
        row = loans[entry.meta["pinjaman"]][int(entry.meta["angsuran-ke"]) - 1]
        amounts = {p.account.split(":")[-1] if "Piutang" in p.account else p.account: -p.units.number
                   for p in entry.postings}
        assert amounts[entry.meta["anggota"]] == row.pokok
        assert amounts.get("Pendapatan:Anggota:JasaPinjaman", 0) == row.bunga


def test_generator_schedule_matches_the_library() -> None:
    from kopledger.ops.loans import schedule as schedule_module

    for pokok, bunga, tenor, metode in ((5_000_000, 18, 12, "flat"), (3_000_000, 21, 10, "anuitas"),
                                        (7_000_000, 24, 18, "efektif"), (25_000_000, 21, 24, "anuitas")):
        mine = generator.schedule(pokok, Decimal(bunga), tenor, metode, dt.date(2024, 1, 31))
        theirs = schedule_module.schedule(Decimal(pokok), Decimal(bunga), tenor, metode, dt.date(2024, 1, 31))
        assert [(r.tanggal, r.pokok, r.bunga, r.sisa) for r in mine] == \
            [(r.tanggal, r.pokok, r.bunga, r.sisa) for r in theirs]


def test_exits_refund_and_one_loan_set_off(kop: Koperasi) -> None:
    exits = transactions(kop, "anggota-keluar")
    set_off = [e for e in exits if any("PinjamanAnggota" in p.account for p in e.postings)]
    assert len(set_off) >= 1
    balances = kop.member_balances(END)
    for member in kop.members.values():
        if member.tanggal_keluar:
            b = balances[member.id]
            assert b.pokok == b.wajib == b.sukarela == b.pinjaman == 0, b


def test_some_members_and_loans_in_arrears_at_year_end(kop: Koperasi) -> None:
    from kopledger.ops import savings
    from kopledger.ops.loans import entries as loans

    arrears = savings.wajib_arrears(kop, END)
    assert 5 <= len(arrears) <= 60
    portfolio = loans.portfolio(kop, END)
    classes = {c.kolektibilitas: c.jumlah_pinjaman for c in portfolio.per_kolektibilitas}
    assert sum(1 for n in classes.values() if n) == 5  # every class, macet included
    # the provision booked at the year end is the one the portfolio requires
    assert portfolio.ppap_tercatat == portfolio.ppap_wajib > 0


def test_other_generated_ledgers_are_clean_too() -> None:
    """Another size and seed (the benchmarks' shapes): no errors, loans all readable."""
    from kopledger.ops.loans import entries as loans

    kop = Koperasi.from_string(generator.generate(150, 1, seed=5))
    assert kop.errors == []
    assert len(kop.members) == 150
    book = loans.loan_book(kop)
    assert book.errors == ()
    assert len(book.pinjaman) > 50
    assert loans.portfolio(kop, dt.date(2024, 12, 31)).total_saldo > 0
