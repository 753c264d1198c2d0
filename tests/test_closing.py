"""Closing the books: closing entries, preconditions, the lock, tamper detection, reopening."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
from beanquery import query
from click.testing import CliRunner

from kopledger import Koperasi
from kopledger.books.balances import account_balances
from kopledger.cli import main
from kopledger.ops.closing import (
    ClosingRefused,
    canonical_text,
    check_preconditions,
    close_year,
    closed_years,
    closing_entries,
    fingerprint,
    plan_closing,
    reopen_year,
    shu_before_closing,
)
from kopledger.ops.writer import format_directives
from tests.conftest import HEADER_ID, ledger_text

TODAY = dt.date(2026, 3, 1)

SPLIT = """\
2020-01-01 custom "shu-alokasi" "cadangan" 40
2020-01-01 custom "shu-alokasi" "jasa-modal" 30
2020-01-01 custom "shu-alokasi" "jasa-usaha" 30
2020-01-01 open Pendapatan:Lain
2020-01-01 open Beban:Usaha:Listrik IDR
"""

YEAR_2024 = SPLIT + """
2024-01-05 custom "anggota" "A0001" "Siti Aminah"
2024-01-05 * "Simpanan pokok Siti" #simpanan-pokok
  anggota: "A0001"
  Aset:Kas  100000 IDR
  Ekuitas:SimpananPokok:A0001  -100000 IDR
2024-02-01 * "Beli barang"
  Aset:Persediaan  300000 IDR
  Aset:Kas
2024-03-10 * "Penjualan kepada anggota"
  anggota: "A0001"
  Aset:Kas  250000 IDR
  Pendapatan:Anggota:Penjualan
2024-03-10 * "Pokok penjualan"
  Beban:PokokPenjualan  180000 IDR
  Aset:Persediaan
2024-04-30 * "Gaji April"
  Beban:Usaha:Gaji  40000 IDR
  Aset:Kas
2024-11-15 * "Penjualan non-anggota"
  Aset:Kas  90000 IDR
  Pendapatan:NonAnggota:Penjualan
2020-01-01 open Ekuitas:Hibah IDR
2024-01-05 * "Hibah (kas tidak boleh minus: 100,000 + 200,000 - 300,000 = 0 pada 1 Februari)"
  Aset:Kas  200000 IDR
  Ekuitas:Hibah  -200000 IDR
"""

YEAR_2025 = """
2025-02-10 * "Penjualan kepada anggota"
  anggota: "A0001"
  Aset:Kas  120000 IDR
  Pendapatan:Anggota:Penjualan
2025-06-30 * "Listrik"
  Beban:Usaha:Listrik  30000 IDR
  Aset:Kas
"""

SHU_2024 = Decimal(250000 + 90000 - 180000 - 40000)


def write(tmp_path: Path, body: str, name: str = "buku.beancount", header: str = HEADER_ID) -> Path:
    path = tmp_path / name
    path.write_text(ledger_text(body, header), encoding="utf-8")
    return path


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.output + (result.stderr if result.stderr_bytes else "")


def income_expense(kop: Koperasi, date: dt.date) -> dict[str, Decimal]:
    totals = account_balances(kop.entries, end=date - dt.timedelta(days=1))
    return {k: v for k, v in totals.items() if k.startswith(("Pendapatan", "Beban")) and v}


# --- closing entries -------------------------------------------------------------------
def test_closing_entries_move_income_and_expenses_to_shu(tmp_path):
    kop = Koperasi.load(write(tmp_path, YEAR_2024))
    assert kop.errors == []
    plan = plan_closing(kop, 2024, tanggal=TODAY)
    txn = plan.transaksi
    assert txn is not None and txn.date == dt.date(2024, 12, 31)
    assert "tutup-buku-2024" in txn.tags
    amounts = {p.account: p.units.number for p in txn.postings}
    assert amounts == {
        "Pendapatan:Anggota:Penjualan": Decimal(250000),
        "Pendapatan:NonAnggota:Penjualan": Decimal(90000),
        "Beban:PokokPenjualan": Decimal(-180000),
        "Beban:Usaha:Gaji": Decimal(-40000),
        "Ekuitas:SHU:TahunBerjalan": -SHU_2024,
    }
    assert plan.shu == SHU_2024
    # assertions on the next day: zero for each closed account, the SHU for the SHU account
    asserted = {b.account: (b.date, b.amount.number) for b in plan.asersi}
    assert asserted["Ekuitas:SHU:TahunBerjalan"] == (dt.date(2025, 1, 1), -SHU_2024)
    for account in amounts.keys() - {"Ekuitas:SHU:TahunBerjalan"}:
        assert asserted[account] == (dt.date(2025, 1, 1), Decimal(0))
    # the lock comes last and carries the fingerprint
    entries = closing_entries(kop, 2024, tanggal=TODAY)
    assert entries[-1].type == "tutup-buku" and entries[-1].meta["sidik"] == plan.sidik
    assert entries[-1].date == TODAY


def test_close_year_writes_books_that_load_clean(tmp_path):
    path = write(tmp_path, YEAR_2024 + YEAR_2025)
    before = Koperasi.load(path)
    result = close_year(path, 2024, today=TODAY)
    assert result.written and result.shu == SHU_2024
    after = Koperasi.load(path)
    assert after.errors == []
    assert closed_years(after) == {2024: result.sidik}
    # PHU of 2024 (without its own closing entry) is the same before and after
    assert shu_before_closing(before, 2024) == shu_before_closing(after, 2024) == SHU_2024
    # every income and expense account is zero at the start of 2025; SHU sits in equity
    assert income_expense(after, dt.date(2025, 1, 1)) == {}
    sheet = account_balances(after.entries, end=dt.date(2024, 12, 31))
    assert sheet["Ekuitas:SHU:TahunBerjalan"] == -SHU_2024
    # bean-query as an independent oracle
    rows = query.run_query(after.entries, after.options,
                           "SELECT sum(number) AS s WHERE account ~ '^(Pendapatan|Beban)' AND date < 2025-01-01")[1]
    assert rows[0][0] in (None, Decimal(0))


def test_english_roots_close_into_their_own_equity(tmp_path):
    header = HEADER_ID.replace('"Aset"', '"Assets"').replace('"Liabilitas"', '"Liabilities"') \
        .replace('"Ekuitas"', '"Equity"').replace('"Pendapatan"', '"Income"').replace('"Beban"', '"Expenses"')
    body = YEAR_2024
    for a, b in (("Aset:", "Assets:"), ("Liabilitas:", "Liabilities:"), ("Ekuitas:", "Equity:"),
                 ("Pendapatan:", "Income:"), ("Beban:", "Expenses:")):
        header = header.replace(a, b)
        body = body.replace(a, b)
    path = write(tmp_path, body, header=header)
    result = close_year(path, 2024, today=TODAY)
    kop = Koperasi.load(path)
    assert kop.errors == []
    assert "Equity:SHU:TahunBerjalan" in {p.account for p in result.entries[0].postings}
    assert account_balances(kop.entries, end=dt.date(2024, 12, 31))["Equity:SHU:TahunBerjalan"] == -SHU_2024


# --- preconditions -------------------------------------------------------------------
def refused(path: Path, year: int, **kwargs) -> set[str]:
    """Close, expect a refusal, check nothing was written; the problem codes."""
    before = path.read_bytes()
    with pytest.raises(ClosingRefused) as info:
        close_year(path, year, **{"today": TODAY, **kwargs})
    assert path.read_bytes() == before
    return {p.kode for p in info.value.problems}


def test_refuses_books_with_errors(tmp_path):
    path = write(tmp_path, YEAR_2024 + """
2024-05-01 * "Tarik wajib (tidak boleh)"
  Aset:Kas  -100000 IDR
  Ekuitas:SimpananPokok:A0001  100000 IDR
""")
    assert "kesalahan" in refused(path, 2024)


def test_refuses_failing_balance_assertion(tmp_path):
    path = write(tmp_path, YEAR_2024 + "2024-06-01 balance Aset:Kas 1 IDR\n")
    assert refused(path, 2024) == {"asersi"}


def test_refuses_a_year_that_has_not_ended(tmp_path):
    path = write(tmp_path, YEAR_2024)
    assert refused(path, 2024, today=dt.date(2024, 12, 31)) == {"belum-berakhir"}


def test_refuses_when_previous_year_is_open(tmp_path):
    path = write(tmp_path, YEAR_2024 + YEAR_2025)
    assert refused(path, 2025) == {"tahun-sebelumnya"}
    close_year(path, 2024, today=TODAY)
    assert close_year(path, 2025, today=TODAY).written


def test_refuses_without_valid_shu_split(tmp_path):
    path = write(tmp_path, YEAR_2024.replace(SPLIT, "2020-01-01 open Pendapatan:Lain\n2020-01-01 open Beban:Usaha:Listrik IDR\n"))
    assert refused(path, 2024) == {"kebijakan-shu"}
    bad = write(tmp_path, YEAR_2024.replace('"jasa-usaha" 30', '"jasa-usaha" 35'), name="b.beancount")
    assert "kebijakan-shu" in refused(bad, 2024)


def test_refuses_when_neraca_does_not_balance(tmp_path):
    header = HEADER_ID.replace('option "operating_currency" "IDR"',
                               'option "operating_currency" "IDR"\noption "inferred_tolerance_default" "IDR:1"')
    path = write(tmp_path, YEAR_2024 + """
2024-07-01 * "Selisih pembulatan (dalam toleransi 1 rupiah; rupiah tidak berpecahan)"
  Aset:Kas  101 IDR
  Pendapatan:Lain  -100 IDR
""", header=header)
    assert Koperasi.load(path).errors == []
    assert refused(path, 2024) == {"neraca"}


def test_refuses_income_in_another_currency(tmp_path):
    path = write(tmp_path, YEAR_2024 + """
2020-01-01 open Aset:Bank
2024-07-01 * "Hibah dolar"
  Aset:Bank  10 USD
  Pendapatan:Lain  -10 USD
""")
    assert Koperasi.load(path).errors == []
    assert refused(path, 2024) == {"mata-uang"}


def test_refuses_a_year_before_any_transaction(tmp_path):
    path = write(tmp_path, YEAR_2024)
    assert "kosong" in refused(path, 2023)


def test_check_preconditions_is_empty_for_good_books(tmp_path):
    kop = Koperasi.load(write(tmp_path, YEAR_2024))
    assert check_preconditions(kop, 2024, today=TODAY) == []


# --- CLI: summary, second run, dry run -------------------------------------------------
def test_cli_closes_then_refuses_a_second_close(tmp_path):
    path = write(tmp_path, YEAR_2024)
    code, out = cli("tutup-buku", path, "--tahun", "2024", "--tanggal", "2026-03-01")
    assert code == 0, out
    assert "ditutup" in out and "Rp120.000" in out and "#tutup-buku-2024" in out
    assert "custom \"tutup-buku\" \"2024\"" in path.read_text()
    closed = path.read_bytes()
    code, out = cli("close", path, "--tahun", "2024")
    assert code == 1
    assert "tahun buku 2024 sudah ditutup; untuk mengubahnya, buka dulu" in out
    assert path.read_bytes() == closed


def test_cli_dry_run_leaves_the_file_byte_identical(tmp_path):
    path = write(tmp_path, YEAR_2024)
    before = path.read_bytes()
    new = tmp_path / "buku-2025.beancount"
    code, out = cli("tutup-buku", path, "--tahun", "2024", "--dry-run", "--file-baru", new)
    assert code == 0, out
    assert "--dry-run" in out and "2024-12-31 *" in out
    assert path.read_bytes() == before
    assert not new.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["buku.beancount", ".buku.beancount.lock"])


def test_cli_json_and_english(tmp_path):
    path = write(tmp_path, YEAR_2024)
    code, out = cli("close", path, "--tahun", "2024", "--dry-run", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["shu"] == "120000" and data["ditulis"] is False and len(data["sidik"]) == 64
    code, out = cli("close", path, "--tahun", "2024", "--dry-run", "--lang", "en")
    assert "Net surplus (SHU) of 2024" in out


def test_cli_precondition_failure_is_a_clear_message(tmp_path):
    path = write(tmp_path, YEAR_2024 + YEAR_2025)
    code, out = cli("tutup-buku", path, "--tahun", "2025")
    assert code == 1
    assert "tahun buku sebelumnya, 2024, belum ditutup" in out and "Traceback" not in out


# --- the lock: tamper detection ----------------------------------------------------
@pytest.fixture
def closed_books(tmp_path) -> Path:
    path = write(tmp_path, YEAR_2024 + YEAR_2025)
    close_year(path, 2024, today=TODAY)
    assert Koperasi.load(path).errors == []
    return path


def cek(path: Path) -> tuple[int, str]:
    return cli("cek", path)


def test_changing_an_amount_in_a_closed_year_fails_cek(closed_books):
    text = closed_books.read_text()
    closed_books.write_text(text.replace("Aset:Kas  90000 IDR", "Aset:Kas  95000 IDR"))
    code, out = cek(closed_books)
    assert code == 1
    assert "tahun buku 2024 sudah ditutup (tutup-buku di" in out and "2024-11" in out


def test_deleting_an_entry_in_a_closed_year_fails_cek(closed_books):
    text = closed_books.read_text()
    entry = '2024-04-30 * "Gaji April"\n  Beban:Usaha:Gaji  40000 IDR\n  Aset:Kas\n'
    assert entry in text
    # keep the books balanced otherwise: delete the salary and its closing leg stays -> also an error
    closed_books.write_text(text.replace(entry, ""))
    code, out = cek(closed_books)
    assert code == 1 and "tahun buku 2024 sudah ditutup (tutup-buku di" in out and "2024-04" in out


def test_adding_an_entry_in_a_closed_year_names_it(closed_books):
    with open(closed_books, "a", encoding="utf-8") as handle:
        handle.write('\n2024-08-01 * "Tambahan terlambat"\n  Aset:Kas  5000 IDR\n  Aset:Persediaan\n')
    code, out = cek(closed_books)
    assert code == 1
    assert "tahun buku 2024 sudah ditutup (tutup-buku di" in out
    lines = closed_books.read_text().splitlines()
    lineno = next(i for i, line in enumerate(lines, 1) if "Tambahan terlambat" in line)
    assert f"{closed_books.name}:{lineno}" in out or f"{closed_books}:{lineno}" in out
    assert "ditambahkan setelah tahun buku 2024 ditutup" in out


def test_editing_another_year_or_formatting_is_fine(closed_books):
    text = closed_books.read_text()
    text = text.replace("Aset:Kas  120000 IDR", "Aset:Kas  125000 IDR")  # 2025 is open
    text = text.replace('2024-03-10 * "Pokok penjualan"\n  Beban:PokokPenjualan  180000 IDR\n  Aset:Persediaan',
                        ';; a comment\n2024-03-10 * "Pokok penjualan"\n  Beban:PokokPenjualan    180000.00 IDR\n'
                        '  Aset:Persediaan  -180000 IDR')  # spelled out, same meaning
    closed_books.write_text(text)
    code, out = cek(closed_books)
    assert code == 0, out


def test_moving_entries_to_another_file_keeps_the_fingerprint(closed_books):
    text = closed_books.read_text()
    entry = '2024-11-15 * "Penjualan non-anggota"\n  Aset:Kas  90000 IDR\n  Pendapatan:NonAnggota:Penjualan\n'
    options = "".join(line + "\n" for line in text.splitlines() if line.startswith("option "))
    (closed_books.parent / "bagian.beancount").write_text(options + entry)
    closed_books.write_text(text.replace(entry, 'include "bagian.beancount"\n'))
    code, out = cek(closed_books)
    assert code == 0, out


def test_fingerprint_ignores_order_and_location_but_not_content():
    base = ledger_text(YEAR_2024)
    kop = Koperasi.from_string(base)
    moved = Koperasi.from_string("\n\n;; moved\n" + base.replace(
        '2024-02-01 * "Beli barang"\n  Aset:Persediaan  300000 IDR\n  Aset:Kas\n', "") + textwrap.dedent('''
        2024-02-01 * "Beli barang"
          Aset:Kas  -300000 IDR
          Aset:Persediaan  300000 IDR
        '''))
    assert moved.errors == []
    assert fingerprint(kop.entries, 2024) == fingerprint(moved.entries, 2024)
    renamed = Koperasi.from_string(base.replace('"Beli barang"', '"Beli barang dagangan"'))
    assert fingerprint(renamed.entries, 2024) != fingerprint(kop.entries, 2024)
    flagged = Koperasi.from_string(base.replace('2024-02-01 * "Beli', '2024-02-01 ! "Beli'))
    assert fingerprint(flagged.entries, 2024) != fingerprint(kop.entries, 2024)
    # the plugin's own member opens are not part of it: before and after the plugin agree
    txn = next(e for e in kop.entries if getattr(e, "narration", "") == "Beli barang")
    assert "lineno" not in canonical_text(txn) and "filename" not in canonical_text(txn)


def test_fingerprint_is_the_same_before_and_after_the_plugin(tmp_path):
    from beancount.parser import booking, parser

    text = ledger_text(YEAR_2024)
    raw, errors, options = parser.parse_string(text)
    assert errors == []
    booked, _ = booking.book(raw, options)
    loaded = Koperasi.from_string(text)
    assert any(e.__class__.__name__ == "Open" and e.account.endswith("A0001") for e in loaded.entries)
    assert fingerprint(booked, 2024) == fingerprint(loaded.entries, 2024)


# --- reopening -----------------------------------------------------------------------
def test_reopen_correct_and_close_again(closed_books):
    first = closed_years(Koperasi.load(closed_books))[2024]
    code, out = cli("buka-buku", closed_books, "--tahun", "2024", "--alasan", "Salah catat gaji April",
                    "--tanggal", "2026-03-02")
    assert code == 0, out
    assert 'custom "buka-buku" "2024"' in closed_books.read_text()
    kop = Koperasi.load(closed_books)
    assert kop.errors == [] and closed_years(kop) == {}
    # correct 2024 while it is open: the old closing's assertions no longer apply
    text = closed_books.read_text().replace("Beban:Usaha:Gaji  40000 IDR", "Beban:Usaha:Gaji  45000 IDR")
    closed_books.write_text(text)
    assert Koperasi.load(closed_books).errors == []
    result = close_year(closed_books, 2024, today=dt.date(2026, 3, 2))
    assert result.shu == SHU_2024 - 5000
    # only the residual is closed the second time
    assert {p.account: p.units.number for p in result.entries[0].postings} == {
        "Beban:Usaha:Gaji": Decimal(-5000), "Ekuitas:SHU:TahunBerjalan": Decimal(5000)}
    kop = Koperasi.load(closed_books)
    assert kop.errors == []
    assert closed_years(kop)[2024] not in (first, None)
    assert income_expense(kop, dt.date(2025, 1, 1)) == {}
    # and the new lock guards the corrected year
    closed_books.write_text(closed_books.read_text().replace("45000 IDR", "46000 IDR"))
    code, out = cek(closed_books)
    assert code == 1 and "tahun buku 2024 sudah ditutup (tutup-buku di" in out


def test_reopen_needs_a_reason_and_a_closed_year(closed_books, tmp_path):
    code, out = cli("buka-buku", closed_books, "--tahun", "2024", "--alasan", "  ")
    assert code == 2 and "perlu alasan: --alasan" in out
    code, out = cli("reopen", closed_books, "--tahun", "2025", "--alasan", "x")
    assert code == 1 and "tahun buku 2025 belum ditutup" in out
    before = closed_books.read_bytes()
    result = reopen_year(closed_books, 2024, "cek", dry_run=True, today=TODAY)
    assert not result.written and closed_books.read_bytes() == before


def test_hand_written_lock_without_fingerprint_is_an_error(tmp_path):
    path = write(tmp_path, YEAR_2024 + '2025-01-10 custom "tutup-buku" "2024"\n')
    kop = Koperasi.load(path)
    assert any("tutup-buku 2024 tidak punya sidik yang sah" in e.message for e in kop.errors)


# --- a new file for the next year ------------------------------------------------------
def test_new_file_for_next_year_is_standalone_and_carries_the_balances(tmp_path):
    path = write(tmp_path, YEAR_2024)
    new = tmp_path / "buku-2025.beancount"
    code, out = cli("tutup-buku", path, "--tahun", "2024", "--file-baru", new, "--tanggal", "2026-01-05")
    assert code == 0, out
    text = new.read_text()
    assert "include" not in text.replace(";;", "").split("option", 1)[1] and 'plugin "kopledger.plugin"' in text
    assert 'custom "arsip" "2024" "buku.beancount"' in text and "#saldo-awal-2025" in text
    with open(new, "a", encoding="utf-8") as handle:
        handle.write(textwrap.dedent(YEAR_2025))
    kop = Koperasi.load(new)
    assert kop.errors == []
    assert closed_years(kop) == closed_years(Koperasi.load(path))
    sheet = account_balances(kop.entries, end=dt.date(2024, 12, 31))
    assert sheet["Ekuitas:SHU:TahunBerjalan"] == -SHU_2024
    assert sheet == {k: v for k, v in account_balances(Koperasi.load(path).entries, end=dt.date(2024, 12, 31)).items()
                     if v and not k.startswith(("Pendapatan", "Beban"))}
    # the closed file is checked through its hash: a changed figure is an error naming it
    path.write_text(path.read_text().replace("Aset:Kas  90000 IDR", "Aset:Kas  91000 IDR"))
    code, out = cek(new)
    assert code == 1 and f"berkas arsip tahun buku 2024, {path}, berubah sejak ditutup" in out
    # a missing archive too
    path.rename(tmp_path / "pindah.beancount")
    code, out = cek(new)
    assert code == 1 and f"berkas arsip tahun buku 2024 tidak ditemukan: {path}" in out


def test_new_file_must_not_exist(tmp_path):
    path = write(tmp_path, YEAR_2024)
    new = tmp_path / "buku-2025.beancount"
    new.write_text("; mine\n")
    assert refused(path, 2024, new_file=new) == {"file-baru-ada"}
    assert new.read_text() == "; mine\n"


def test_format_of_closing_text_round_trips(tmp_path):
    kop = Koperasi.load(write(tmp_path, YEAR_2024))
    plan = plan_closing(kop, 2024, tanggal=TODAY)
    again = Koperasi.from_string(ledger_text(YEAR_2024) + "\n" + format_directives(plan.entries))
    assert again.errors == []
    assert fingerprint(again.entries, 2024, again.options) == plan.sidik


def test_refuses_without_an_open_shu_account(tmp_path):
    header = HEADER_ID.replace("2020-01-01 open Ekuitas:SHU:TahunBerjalan IDR\n", "")
    path = write(tmp_path, YEAR_2024, header=header)
    assert Koperasi.load(path).errors == []
    assert refused(path, 2024) == {"akun-shu"}


def test_shu_allocation_can_be_booked_in_the_same_write(tmp_path):
    path = write(tmp_path, YEAR_2024)
    code, out = cli("tutup-buku", path, "--tahun", "2024", "--shu-tanggal", "2025-03-15", "--tanggal", "2025-01-20")
    assert code == 0, out
    kop = Koperasi.load(path)
    assert kop.errors == []
    allocation = [e for e in kop.transactions if "shu-alokasi" in (e.tags or ())]
    assert len(allocation) == 1 and allocation[0].date == dt.date(2025, 3, 15)
    after = account_balances(kop.entries, end=dt.date(2025, 3, 15))
    assert after.get("Ekuitas:SHU:TahunBerjalan", 0) == 0  # the whole SHU is allocated
    assert after["Ekuitas:Cadangan:Umum"] + after["Liabilitas:UtangSHU:A0001"] == -SHU_2024


def test_shu_allocation_inside_the_closed_year_is_refused(tmp_path):
    path = write(tmp_path, YEAR_2024)
    before = path.read_bytes()
    code, out = cli("tutup-buku", path, "--tahun", "2024", "--shu-tanggal", "2024-12-31")
    assert code == 2 and "harus sesudah tahun buku 2024 (tanggal RAT)" in out
    assert path.read_bytes() == before


# --- the verified-years cache ----------------------------------------------------------
def test_unchanged_closed_years_are_not_fingerprinted_again(tmp_path, monkeypatch):
    """kopledger's cache layer keeps the years a load verified (after the load); later loads,
    kopledger's or beancount's own, do not fingerprint them again while their text is the same."""
    from kopledger.books.closed import chain
    from kopledger.books.load.cache import load_books
    from kopledger.ops.writer import load_uncached

    path = write(tmp_path, YEAR_2024 + YEAR_2025)
    close_year(path, 2024, today=TODAY)
    path.write_text(path.read_text() + '\n2025-07-01 * "Listrik"\n  Beban:Usaha:Listrik  1000 IDR\n  Aset:Kas\n')
    assert load_books(path)[1] == []
    cache = chain.verified_cache_path(path)
    assert "2024" in json.loads(cache.read_text())["tahun"]
    hashed: list[set[int]] = []
    real = chain.chain_digests
    monkeypatch.setattr(chain, "chain_digests", lambda entries, spans, options, **kw: (
        hashed.append({s.tahun for s in spans}) or real(entries, spans, options, **kw)))
    # the open year grows after the closing: 2024 is still verified from the file's bytes
    path.write_text(path.read_text() + '\n2025-08-01 * "Listrik"\n  Beban:Usaha:Listrik  1000 IDR\n  Aset:Kas\n')
    assert load_books(path)[1] == []
    assert load_uncached(path)[1] == []
    assert hashed == [set(), set()]
    # an entry dated 2024 appended: 2024 is fingerprinted again, and it is caught
    path.write_text(path.read_text() + '\n2024-08-01 * "Terlambat"\n  Aset:Kas  5000 IDR\n  Aset:Persediaan\n')
    errors = load_books(path)[1]
    assert hashed[-1] == {2024}
    assert any("tahun buku 2024 sudah ditutup (tutup-buku di" in e.message for e in errors)
    path.write_text(path.read_text().split("\n2024-08-01")[0])
    assert load_books(path)[1] == []
    path.write_text(path.read_text().replace("Aset:Kas  90000 IDR", "Aset:Kas  90001 IDR"))
    assert any("tahun buku 2024 sudah ditutup (tutup-buku di" in e.message for e in load_books(path)[1])
    assert hashed[-1] == {2024}


def test_a_forged_cache_entry_for_other_bytes_is_not_used(closed_books):
    from kopledger.ops.writer import load_uncached

    load_uncached(closed_books)
    from kopledger.books.closed.chain import verified_cache_path

    cache = verified_cache_path(closed_books)
    stored = json.loads(cache.read_text())
    closed_books.write_text(closed_books.read_text().replace("Aset:Kas  90000 IDR", "Aset:Kas  90001 IDR"))
    cache.write_text(json.dumps(stored))  # the old key no longer matches the new bytes
    assert any("tahun buku 2024 sudah ditutup (tutup-buku di" in e.message for e in load_uncached(closed_books)[1])


def test_appending_to_a_single_file_keeps_the_closed_year_verified(closed_books, monkeypatch):
    from kopledger.books.closed import chain
    from kopledger.ops.writer import load_uncached

    assert load_uncached(closed_books)[1] == []
    hashed: list[set[int]] = []
    real = chain.chain_digests
    monkeypatch.setattr(chain, "chain_digests", lambda entries, spans, options, **kw: (
        hashed.append({s.tahun for s in spans}) or real(entries, spans, options, **kw)))
    with open(closed_books, "a", encoding="utf-8") as handle:
        handle.write('\n2025-07-01 * "Penjualan"\n  Aset:Kas  7000 IDR\n  Pendapatan:NonAnggota:Penjualan\n')
    assert load_uncached(closed_books)[1] == []
    assert hashed == [set()]
    with open(closed_books, "a", encoding="utf-8") as handle:
        handle.write('\n2024-07-01 * "Terlambat"\n  Aset:Kas  7000 IDR\n  Pendapatan:NonAnggota:Penjualan\n')
    errors = load_uncached(closed_books)[1]
    assert hashed[-1] == {2024}
    assert any("ditambahkan setelah tahun buku 2024 ditutup" in e.message for e in errors)
    closed_books.write_text(closed_books.read_text().split('\n2024-07-01 * "Terlambat"')[0])
    assert load_uncached(closed_books)[1] == []
    closed_books.write_text(closed_books.read_text().replace("Beban:Usaha:Gaji  40000", "Beban:Usaha:Gaji  40001"))
    assert any("tahun buku 2024 sudah ditutup (tutup-buku di" in e.message for e in load_uncached(closed_books)[1])
