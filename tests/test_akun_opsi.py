"""Issue 23: every writing command's account options are checked by kind (kopledger/ops/accounts.py).

Where money moves in or out the account must be cash or bank (as the account catalogue
classes it); never a member's account (another member's savings or loan), income, expenses,
equity or liabilities. Checked in ``ops`` (so the web desk refuses the same), before anything
is built, and by the command line with a clear message and exit 2, the books unchanged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kopledger import Koperasi
from kopledger.cli import main
from kopledger.core.errors import InputError
from kopledger.ops.loans.book import loan_errors
from kopledger.ops.loans.entries import disbursement_entries, payment_entries
from kopledger.ops.members import NewMember, exit_entries, join_entries, leaver_payout_entries
from kopledger.ops.savings import deposit_entries, wajib_entries, withdrawal_entries
from kopledger.ops.writer import format_directives

TODAY = dt.date(2025, 12, 31)

BOOKS = """\
option "title" "Koperasi Uji Akun"
option "operating_currency" "IDR"
option "name_assets" "Aset"
option "name_liabilities" "Liabilitas"
option "name_equity" "Ekuitas"
option "name_income" "Pendapatan"
option "name_expenses" "Beban"
plugin "kopledger.plugin"

2024-01-01 open Aset:Kas IDR
2024-01-01 open Aset:Bank:BRI IDR
2024-01-01 open Aset:Brankas IDR
  arus-kas: "kas"
2024-01-01 open Aset:Persediaan IDR
2024-01-01 open Aset:Piutang:Usaha IDR
2024-01-01 open Ekuitas:Modal IDR
2024-01-01 open Liabilitas:UtangBank IDR
2024-01-01 open Pendapatan:Anggota:JasaPinjaman IDR
2024-01-01 open Pendapatan:Anggota:Denda IDR
2024-01-01 open Beban:Usaha:Gaji IDR
2024-01-01 open Aset:Bank:Lama IDR
2024-03-31 close Aset:Bank:Lama
2024-01-01 custom "kebijakan" "simpanan-pokok" 100000 IDR
2024-01-01 custom "kebijakan" "simpanan-wajib" 25000 IDR
2024-01-01 * "Modal awal"
  Aset:Kas        50000000 IDR
  Aset:Bank:BRI   10000000 IDR
  Aset:Brankas     1000000 IDR
  Ekuitas:Modal
2024-01-10 custom "anggota" "A0001" "Siti Aminah"
2024-01-10 * "Simpanan pokok" #simpanan-pokok
  anggota: "A0001"
  Aset:Kas                      100000 IDR
  Ekuitas:SimpananPokok:A0001  -100000 IDR
2024-01-10 custom "anggota" "A0002" "Rina Wati"
2024-01-10 * "Simpanan pokok" #simpanan-pokok
  anggota: "A0002"
  Aset:Kas                      100000 IDR
  Ekuitas:SimpananPokok:A0002  -100000 IDR
2024-01-15 * "Setoran sukarela" #simpanan-sukarela
  anggota: "A0001"
  Aset:Kas                           300000 IDR
  Liabilitas:SimpananSukarela:A0001  -300000 IDR
2024-01-15 * "Setoran sukarela" #simpanan-sukarela
  anggota: "A0002"
  Aset:Kas                           500000 IDR
  Liabilitas:SimpananSukarela:A0002  -500000 IDR
2024-02-01 * "Pencairan pinjaman PJ-2024-001" #pinjaman-cair
  anggota: "A0001"
  pinjaman: "PJ-2024-001"
  pokok: 1200000 IDR
  bunga: 12
  tenor: 12
  metode: "flat"
  jatuh-tempo: 2024-03-01
  Aset:Piutang:PinjamanAnggota:A0001  1200000 IDR
  Aset:Kas                           -1200000 IDR
2024-02-01 * "Pencairan pinjaman PJ-2024-002" #pinjaman-cair
  anggota: "A0002"
  pinjaman: "PJ-2024-002"
  pokok: 600000 IDR
  bunga: 12
  tenor: 6
  metode: "flat"
  jatuh-tempo: 2024-03-01
  Aset:Piutang:PinjamanAnggota:A0002  600000 IDR
  Aset:Kas                           -600000 IDR
"""

#: Accounts no money may move in or out through, with the words the refusal names them by.
REFUSED = {
    "Liabilitas:SimpananSukarela:A0002": "akun sukarela milik anggota A0002",
    "Aset:Piutang:PinjamanAnggota:A0002": "akun pinjaman milik anggota A0002",
    "Ekuitas:SimpananWajib:A0002": "akun wajib milik anggota A0002",
    "Ekuitas:Modal": "bukan akun kas atau bank (akun ekuitas)",
    "Pendapatan:Anggota:JasaPinjaman": "bukan akun kas atau bank (akun pendapatan)",
    "Beban:Usaha:Gaji": "bukan akun kas atau bank (akun beban)",
    "Liabilitas:UtangBank": "bukan akun kas atau bank (akun liabilitas)",
    "Aset:Persediaan": "bukan akun kas atau bank (akun aset yang bukan kas atau bank)",
    "Aset:Piutang:Usaha": "bukan akun kas atau bank (akun aset yang bukan kas atau bank)",
    "Rekening:Siluman": "bukan akun kas atau bank (bukan akun di bawah akar buku ini)",
    "Aset:Bank:Mandiri": "akun Aset:Bank:Mandiri belum dibuka di buku",
    "Aset:Bank:Lama": "akun Aset:Bank:Lama tidak terbuka pada",
}
#: Cash or bank accounts the katalog knows: under Aset:Kas / Aset:Bank, or opened with arus-kas: "kas".
ACCEPTED = ("Aset:Kas", "Aset:Bank:BRI", "Aset:Brankas")


@pytest.fixture(scope="module")
def kop() -> Koperasi:
    books = Koperasi.from_string(BOOKS)
    assert books.errors == [] and loan_errors(books) == []
    return books


def run(*args: Any) -> Any:
    return CliRunner().invoke(main, [str(a) for a in args])


def reload(new: list[Any]) -> Koperasi:
    books = Koperasi.from_string(BOOKS + "\n" + format_directives(new))
    assert books.errors == [] and loan_errors(books) == [], [e.message for e in books.errors]
    return books


# --- the builders (what the CLI and the web desk both call) -------------------------------------
BUILDERS: dict[str, Callable[[Koperasi, str], Any]] = {
    "pinjaman bayar": lambda kop, akun: payment_entries(
        kop, pinjaman="PJ-2024-001", tanggal=dt.date(2024, 4, 1), jumlah=Decimal(112000), akun_kas=akun)[1],
    "pinjaman cair": lambda kop, akun: disbursement_entries(
        kop, anggota="A0001", pokok=Decimal(500000), bunga=Decimal(12), tenor=5, metode="flat",
        tanggal=dt.date(2024, 4, 1), akun_kas=akun),
    "simpanan setor": lambda kop, akun: deposit_entries(kop, "A0001", 50000, dt.date(2024, 4, 1), kas=akun,
                                                        today=TODAY),
    "simpanan tarik": lambda kop, akun: withdrawal_entries(kop, "A0001", 50000, dt.date(2024, 4, 1), kas=akun,
                                                           today=TODAY),
    "simpanan wajib": lambda kop, akun: wajib_entries(kop, "2024-04", tanggal=dt.date(2024, 4, 5), kas=akun,
                                                      today=TODAY).entries,
    "anggota tambah": lambda kop, akun: join_entries(kop, NewMember("A0003", "Dewi", dt.date(2024, 4, 1)),
                                                     kas=akun, today=TODAY),
    "anggota keluar": lambda kop, akun: exit_entries(kop, "A0002", dt.date(2024, 4, 1), kas=akun, set_off_loan=False,
                                                     today=TODAY),
}


@pytest.mark.parametrize("command", sorted(BUILDERS))
@pytest.mark.parametrize("account", sorted(REFUSED))
def test_builders_refuse_an_account_that_is_not_cash_or_bank(kop: Koperasi, command: str, account: str) -> None:
    with pytest.raises(InputError) as caught:
        BUILDERS[command](kop, account)
    message = str(caught.value)
    assert REFUSED[account] in message, message
    if "belum dibuka" not in message and "tidak terbuka" not in message:
        assert "uang hanya masuk atau keluar lewat akun kas atau bank" in message


@pytest.mark.parametrize("command", sorted(BUILDERS))
@pytest.mark.parametrize("account", ACCEPTED)
def test_builders_accept_cash_and_bank_and_the_books_stay_clean(kop: Koperasi, command: str, account: str) -> None:
    built = BUILDERS[command](kop, account)
    entries = list(built)
    after = reload(entries)
    moved = {p.account for e in entries if hasattr(e, "postings") for p in e.postings}
    assert account in moved
    assert not any(a.startswith(("Ekuitas:Modal", "Beban:")) for a in moved)
    assert after.errors == []


def test_leaver_payout_refuses_another_members_savings(kop: Koperasi) -> None:
    left = reload(exit_entries(kop, "A0002", dt.date(2024, 2, 10), set_off_loan=False, payout=False, today=TODAY))
    with pytest.raises(InputError, match="akun sukarela milik anggota A0001"):
        leaver_payout_entries(left, "A0002", dt.date(2024, 3, 1), kas="Liabilitas:SimpananSukarela:A0001",
                              today=TODAY)
    with pytest.raises(InputError, match=r"bukan akun kas atau bank \(akun beban\)"):
        leaver_payout_entries(left, "A0002", dt.date(2024, 3, 1), kas="Beban:Usaha:Gaji", today=TODAY)
    assert leaver_payout_entries(left, "A0002", dt.date(2024, 3, 1), kas="Aset:Bank:BRI", today=TODAY)


def test_repayment_from_own_sukarela_only_when_stated(kop: Koperasi) -> None:
    own = "Liabilitas:SimpananSukarela:A0001"
    with pytest.raises(InputError, match="simpanan sukarela peminjam sendiri") as caught:
        payment_entries(kop, pinjaman="PJ-2024-001", tanggal=dt.date(2024, 4, 1), jumlah=Decimal(112000),
                        akun_kas=own)
    assert "--dari-sukarela" in caught.value.hint
    split, entries = payment_entries(kop, pinjaman="PJ-2024-001", tanggal=dt.date(2024, 4, 1),
                                     jumlah=Decimal(112000), dari_sukarela=True)
    after = reload(entries)
    assert after.member_balance("A0001").sukarela == 300000 - 112000
    assert after.member_balance("A0002").sukarela == 500000  # another member's savings untouched
    assert split.pokok == 100000 and split.bunga == 12000
    with pytest.raises(InputError, match="melebihi saldo simpanan sukarela A0001"):
        payment_entries(kop, pinjaman="PJ-2024-001", tanggal=dt.date(2024, 6, 1), jumlah=Decimal(400000),
                        dari_sukarela=True)
    with pytest.raises(InputError, match="pilih salah satu"):
        payment_entries(kop, pinjaman="PJ-2024-001", tanggal=dt.date(2024, 4, 1), jumlah=Decimal(112000),
                        akun_kas="Aset:Kas", dari_sukarela=True)
    # a repayment of A0002's loan from A0002's own savings never touches A0001's
    _, entries = payment_entries(kop, pinjaman="PJ-2024-002", tanggal=dt.date(2024, 4, 1),
                                 jumlah=Decimal(50000), dari_sukarela=True)
    assert {p.account for p in entries[-1].postings} >= {"Liabilitas:SimpananSukarela:A0002"}
    assert "Liabilitas:SimpananSukarela:A0001" not in {p.account for p in entries[-1].postings}


# --- the command line: a clear refusal before anything is built, exit 2, the books unchanged ------
CLI: dict[str, tuple[str, ...]] = {
    "pinjaman bayar --ke": ("pinjaman", "bayar", "{ledger}", "--pinjaman", "PJ-2024-001", "--jumlah", "112000",
                            "--tanggal", "2024-04-01", "--ke", "{akun}"),
    "pinjaman cair --dari": ("pinjaman", "cair", "{ledger}", "--anggota", "A0001", "--pokok", "500000", "--bunga",
                             "12", "--tenor", "5", "--metode", "flat", "--tanggal", "2024-04-01", "--dari", "{akun}"),
    "simpanan setor --ke": ("simpanan", "setor", "{ledger}", "--anggota", "A0001", "--jumlah", "50000",
                            "--tanggal", "2024-04-01", "--ke", "{akun}"),
    "simpanan tarik --dari": ("simpanan", "tarik", "{ledger}", "--anggota", "A0001", "--jumlah", "50000",
                              "--tanggal", "2024-04-01", "--dari", "{akun}"),
    "simpanan wajib --ke": ("simpanan", "wajib", "{ledger}", "--bulan", "2024-04", "--tanggal", "2024-04-05",
                            "--ke", "{akun}"),
    "anggota tambah --ke": ("anggota", "tambah", "{ledger}", "--id", "A0003", "--nama", "Dewi", "--tanggal",
                            "2024-04-01", "--ke", "{akun}"),
    "anggota keluar --dari": ("anggota", "keluar", "{ledger}", "--anggota", "A0002", "--tanggal", "2024-04-01",
                              "--tanpa-potong-pinjaman", "--dari", "{akun}"),
}


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    path = tmp_path / "buku.beancount"
    path.write_text(BOOKS, encoding="utf-8")
    return path


def _args(command: str, ledger: Path, akun: str) -> list[str]:
    return [a.format(ledger=ledger, akun=akun) for a in CLI[command]]


@pytest.mark.parametrize("command", sorted(CLI))
@pytest.mark.parametrize("account", [
    "Liabilitas:SimpananSukarela:A0002", "Aset:Piutang:PinjamanAnggota:A0002", "Ekuitas:Modal",
    "Pendapatan:Anggota:JasaPinjaman", "Beban:Usaha:Gaji",
])
def test_cli_refuses_before_building(ledger: Path, command: str, account: str) -> None:
    before = ledger.read_bytes()
    result = run(*_args(command, ledger, account))
    assert result.exit_code == 2, result.output
    assert REFUSED[account] in result.output and "Traceback" not in result.output
    assert ledger.read_bytes() == before


@pytest.mark.parametrize("command", sorted(CLI))
def test_cli_accepts_a_bank_account(ledger: Path, command: str) -> None:
    result = run(*_args(command, ledger, "Aset:Bank:BRI"))
    assert result.exit_code == 0, result.output
    after = Koperasi.load(ledger)
    assert after.errors == [] and loan_errors(after) == []
    assert "Aset:Bank:BRI" in ledger.read_text(encoding="utf-8").split(BOOKS, 1)[1]


def test_cli_repayment_naming_another_members_loan_is_refused_and_loans_keep_working(ledger: Path) -> None:
    """The hostile case: --ke another member's loan account used to be written, after which every
    loan command refused the books. Now refused up front; the loan commands still answer."""
    result = run("pinjaman", "bayar", ledger, "--pinjaman", "PJ-2024-001", "--jumlah", "112000", "--tanggal",
                 "2024-04-01", "--ke", "Aset:Piutang:PinjamanAnggota:A0002")
    assert result.exit_code == 2 and "akun pinjaman milik anggota A0002" in result.output
    listing = run("pinjaman", "daftar", ledger, "--per", "2024-04-30", "--format", "json")
    assert listing.exit_code == 0, listing.output


def test_cli_pays_from_own_sukarela_only_with_the_flag(ledger: Path) -> None:
    own = run("pinjaman", "bayar", ledger, "--pinjaman", "PJ-2024-001", "--jumlah", "112000", "--tanggal",
              "2024-04-01", "--ke", "Liabilitas:SimpananSukarela:A0001")
    assert own.exit_code == 2 and "--dari-sukarela" in own.output
    stated = run("pinjaman", "bayar", ledger, "--pinjaman", "PJ-2024-001", "--jumlah", "112000", "--tanggal",
                 "2024-04-01", "--dari-sukarela")
    assert stated.exit_code == 0, stated.output
    after = Koperasi.load(ledger)
    assert after.member_balance("A0001").sukarela == 300000 - 112000 and loan_errors(after) == []


def test_leaver_payout_cli_refuses_an_expense(ledger: Path) -> None:
    assert run("anggota", "keluar", ledger, "--anggota", "A0002", "--tanggal", "2024-04-01", "--tanpa-bayar",
               "--tanpa-potong-pinjaman").exit_code == 0
    before = ledger.read_bytes()
    refused = run("anggota", "bayar-keluar", ledger, "--anggota", "A0002", "--tanggal", "2024-04-02", "--dari",
                  "Beban:Usaha:Gaji")
    assert refused.exit_code == 2 and "bukan akun kas atau bank (akun beban)" in refused.output
    assert ledger.read_bytes() == before
    paid = run("anggota", "bayar-keluar", ledger, "--anggota", "A0002", "--tanggal", "2024-04-02", "--dari",
               "Aset:Bank:BRI")
    assert paid.exit_code == 0, paid.output
