"""Member builders (join, exit) and the ``kop anggota`` commands, on small ledgers."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from beancount.core import data
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from kopledger import Koperasi
from kopledger.cli import main
from kopledger.core.errors import InputError
from kopledger.ops.members import (
    NewMember,
    exit_entries,
    exit_plan,
    join_entries,
    join_many,
    leaver_payout_entries,
    member_list,
)
from kopledger.ops.writer import format_directives
from tests.conftest import HEADER_ID, ledger_text, load_doc

TODAY = dt.date(2025, 12, 31)

MEMBERS = """\
2024-01-10 custom "anggota" "A0001" "Siti Aminah"
  nik: "3201234567890123"
  jenis-kelamin: "P"
2024-01-10 * "Simpanan pokok" #simpanan-pokok
  anggota: "A0001"
  Aset:Kas                      100000 IDR
  Ekuitas:SimpananPokok:A0001  -100000 IDR
2024-02-01 * "Simpanan wajib Februari 2024" #simpanan-wajib
  anggota: "A0001"
  bulan: "2024-02"
  Aset:Kas                     25000 IDR
  Ekuitas:SimpananWajib:A0001  -25000 IDR
2024-03-01 * "Simpanan wajib Maret 2024" #simpanan-wajib
  anggota: "A0001"
  bulan: "2024-03"
  Aset:Kas                     25000 IDR
  Ekuitas:SimpananWajib:A0001  -25000 IDR
2024-03-05 * "Setoran sukarela" #simpanan-sukarela
  anggota: "A0001"
  Aset:Kas                           40000 IDR
  Liabilitas:SimpananSukarela:A0001  -40000 IDR
"""

LOAN = """\
2024-01-01 open Liabilitas:UtangBank IDR
2024-04-01 * "Pinjaman bank untuk pencairan (kas tidak boleh minus)"
  Aset:Kas  {amount} IDR
  Liabilitas:UtangBank  -{amount} IDR
2024-04-01 * "Pencairan pinjaman" #pinjaman-cair
  anggota: "A0001"
  pinjaman: "PJ-2024-001"
  pokok: {amount} IDR
  bunga: 0
  tenor: 12
  metode: "flat"
  Aset:Piutang:PinjamanAnggota:A0001  {amount} IDR
  Aset:Kas                           -{amount} IDR
"""

HEADER_EN = """\
option "title" "Koperasi English"
option "operating_currency" "IDR"
plugin "kopledger.plugin"

2020-01-01 open Assets:Kas IDR
2020-01-01 custom "kebijakan" "simpanan-pokok" 50000 IDR
2020-01-01 custom "kebijakan" "simpanan-wajib" 10000 IDR
"""


def reload(kop_text: str, new: list[data.Directive]) -> Koperasi:
    """Load the ledger text plus the formatted new directives, through the plugin."""
    kop = Koperasi.from_string(kop_text + "\n" + format_directives(new))
    assert kop.errors == [], [e.message for e in kop.errors]
    return kop


# --- join -------------------------------------------------------------------------------
def test_join_builds_anggota_and_pokok_at_policy_amount():
    body = '2024-06-01 custom "kebijakan" "simpanan-pokok" 150000 IDR\n'
    kop = load_doc(body)
    member = NewMember("B-01", "Budi Santoso", dt.date(2024, 7, 1), nik="3201234567890124",
                       jenis_kelamin="L", alamat="Jl. Mawar 1", telepon="0812")
    entries = join_entries(kop, member, today=TODAY)
    assert [type(e) for e in entries] == [data.Custom, data.Transaction]
    custom, payment = entries
    assert custom.type == "anggota" and [v.value for v in custom.values] == ["B-01", "Budi Santoso"]
    assert custom.meta["nik"] == "3201234567890124" and custom.meta["jenis-kelamin"] == "L"
    assert payment.meta["anggota"] == "B-01" and "simpanan-pokok" in payment.tags
    assert [(p.account, p.units.number) for p in payment.postings] == [
        ("Aset:Kas", Decimal(150000)), ("Ekuitas:SimpananPokok:B-01", Decimal(-150000)),
    ]
    after = reload(ledger_text(body), entries)
    assert after.members["B-01"].alamat == "Jl. Mawar 1"
    assert after.member_balance("B-01").pokok == 150000
    # before the policy change the old amount applies
    early = join_entries(kop, NewMember("B-02", "Ani", dt.date(2024, 5, 31)), today=TODAY)
    assert early[1].postings[0].units.number == 100000


@pytest.mark.parametrize(
    ("member", "message"),
    [
        (NewMember("A0001", "Dup", dt.date(2025, 1, 1)), "id A0001 sudah terdaftar (Siti Aminah, sejak 2024-01-10)"),
        (NewMember("a01", "Huruf kecil", dt.date(2025, 1, 1)), "id 'a01' tidak sah"),
        (NewMember("A0002", "NIK", dt.date(2025, 1, 1), nik="12345"), "NIK harus 16 angka, tertulis '12345'"),
        (NewMember("A0002", "NIK", dt.date(2025, 1, 1), nik="320123456789012X"), "NIK harus 16 angka"),
        (NewMember("A0002", "JK", dt.date(2025, 1, 1), jenis_kelamin="X"), "jenis_kelamin harus P atau L, tertulis 'X'"),
        (NewMember("A0002", "Besok", dt.date(2026, 1, 1)), "tanggal 2026-01-01 ada di masa depan"),
        (NewMember("A0002", "Tutup", dt.date(2023, 5, 1)), "tahun 2023 sudah ditutup"),
        (NewMember("A0002", "", dt.date(2025, 1, 1)), "A0002: nama kosong"),
        (NewMember("A0002", 'Kutip "x"', dt.date(2025, 1, 1)), "nama tidak boleh memuat tanda kutip"),
        (NewMember("A0002", "Sebelum kebijakan", dt.date(2019, 6, 1)), "belum ada kebijakan simpanan pokok yang berlaku pada 2019-06-01"),
        (NewMember("A0002", "NIK Sama", dt.date(2025, 1, 1), nik="3201234567890123"), "NIK 3201234567890123 sudah terdaftar atas A0001"),
    ],
)
def test_join_refuses_bad_input(member, message):
    kop = load_doc(MEMBERS + '2024-01-01 custom "tutup-buku" "2023"\n  sidik: "0000000000000000000000000000000000000000000000000000000000000000"\n')
    with pytest.raises(InputError) as info:
        join_entries(kop, member, today=TODAY)
    assert message in str(info.value)


def test_join_many_reports_every_problem_at_once():
    kop = load_doc(MEMBERS)
    batch = [
        NewMember("A0002", "Satu", dt.date(2025, 1, 1), nik="1"),
        NewMember("A0002", "Dua", dt.date(2025, 1, 1)),
        NewMember("A0003", "Tiga", dt.date(2025, 1, 1), jenis_kelamin="Q"),
        NewMember("A0004", "Empat", dt.date(2025, 1, 1), nik="3201234567890999"),
        NewMember("A0005", "Lima", dt.date(2025, 1, 1), nik="3201234567890999"),
    ]
    with pytest.raises(InputError) as info:
        join_many(kop, batch, today=TODAY)
    text = str(info.value)
    assert "NIK" in text and "muncul dua kali" in text and "P atau L" in text
    assert "A0005: NIK 3201234567890999 juga dipakai untuk A0004" in text


def test_join_works_with_english_roots():
    kop = Koperasi.from_string(HEADER_EN)
    entries = join_entries(kop, NewMember("A1", "Ann", dt.date(2024, 1, 1)), today=TODAY)
    assert entries[1].postings[1].account == "Equity:SimpananPokok:A1"
    assert entries[1].postings[0].account == "Assets:Kas"
    assert reload(HEADER_EN, entries).member_balance("A1").pokok == 50000


# --- exit ------------------------------------------------------------------------------
def test_exit_moves_capital_sets_off_loan_and_pays_out():
    text = ledger_text(MEMBERS + LOAN.format(amount=120000))
    kop = Koperasi.from_string(text)
    assert kop.errors == []
    date = dt.date(2024, 6, 30)
    plan = exit_plan(kop, "A0001", date, today=TODAY)
    assert (plan.pokok, plan.wajib, plan.potong_pinjaman, plan.sisa_pinjaman) == (100000, 50000, 120000, 0)
    assert plan.dibayar == 30000 + 40000 and plan.sukarela == 40000 and plan.ditahan == 0
    entries = exit_entries(kop, "A0001", date, alasan="pindah", today=TODAY)
    assert entries[0].type == "anggota-keluar" and entries[0].meta["alasan"] == "pindah"
    assert all("anggota-keluar" in e.tags and e.meta["anggota"] == "A0001" for e in entries[1:])
    move, set_off, payout = entries[1:]
    assert {p.account: p.units.number for p in move.postings} == {
        "Ekuitas:SimpananPokok:A0001": 100000, "Ekuitas:SimpananWajib:A0001": 50000,
        "Liabilitas:SimpananAnggotaKeluar:A0001": -150000,
    }
    assert {p.account: p.units.number for p in set_off.postings} == {
        "Liabilitas:SimpananAnggotaKeluar:A0001": 120000, "Aset:Piutang:PinjamanAnggota:A0001": -120000,
    }
    assert {p.account: p.units.number for p in payout.postings} == {
        "Liabilitas:SimpananAnggotaKeluar:A0001": 30000, "Liabilitas:SimpananSukarela:A0001": 40000,
        "Aset:Kas": -70000,
    }
    after = reload(text, entries)
    bal = after.member_balance("A0001")
    assert (bal.pokok, bal.wajib, bal.keluar, bal.pinjaman, bal.sukarela) == (0, 0, 0, 0, 0)
    assert not after.members["A0001"].is_active(date)
    # an exited member cannot leave again, nor join anew with the same id
    with pytest.raises(InputError, match="anggota A0001 \\(Siti Aminah\\) sudah keluar pada 2024-06-30"):
        exit_entries(after, "A0001", dt.date(2024, 7, 1), today=TODAY)
    with pytest.raises(InputError, match="id A0001 sudah terdaftar"):
        join_entries(after, NewMember("A0001", "Lagi", dt.date(2024, 8, 1)), today=TODAY)


def test_exit_with_loan_larger_than_savings_leaves_the_rest_of_the_loan():
    """Issue 23: capital and sukarela both go to the loan; nothing is paid in cash."""
    text = ledger_text(MEMBERS + LOAN.format(amount=500000))
    kop = Koperasi.from_string(text)
    entries = exit_entries(kop, "A0001", dt.date(2024, 6, 30), today=TODAY)
    after = reload(text, entries)
    bal = after.member_balance("A0001")
    assert bal.keluar == 0 and bal.pinjaman == 500000 - 190000 and bal.modal == 0 and bal.sukarela == 0
    assert not any(p.account == "Aset:Kas" for e in entries if isinstance(e, data.Transaction) for p in e.postings)


def test_exit_without_set_off_or_payout_then_pay_later():
    text = ledger_text(MEMBERS + LOAN.format(amount=120000))
    kop = Koperasi.from_string(text)
    entries = exit_entries(kop, "A0001", dt.date(2024, 6, 30), set_off_loan=False, payout=False, today=TODAY)
    assert len(entries) == 2
    after = reload(text, entries)
    assert after.member_balance("A0001").keluar == 150000
    assert after.member_balance("A0001").pinjaman == 120000
    text2 = text + "\n" + format_directives(entries)
    payout = leaver_payout_entries(after, "A0001", dt.date(2024, 7, 15), today=TODAY)
    final = reload(text2, payout)
    assert final.member_balance("A0001").keluar == 0
    with pytest.raises(InputError, match="tidak ada simpanan yang masih harus dibayar kepada anggota A0001"):
        leaver_payout_entries(final, "A0001", dt.date(2024, 8, 1), today=TODAY)


def test_exit_refuses_unknown_member_and_bad_dates():
    kop = load_doc(MEMBERS + '2024-01-01 custom "tutup-buku" "2023"\n  sidik: "0000000000000000000000000000000000000000000000000000000000000000"\n')
    with pytest.raises(InputError, match="anggota tidak dikenal: 'Z9'"):
        exit_entries(kop, "Z9", dt.date(2024, 6, 1), today=TODAY)
    with pytest.raises(InputError, match="tanggal 2026-01-01 ada di masa depan"):
        exit_entries(kop, "A0001", dt.date(2026, 1, 1), today=TODAY)
    with pytest.raises(InputError, match="anggota A0001 masih punya transaksi setelah 2024-02-15"):
        exit_entries(kop, "A0001", dt.date(2024, 2, 15), today=TODAY)
    with pytest.raises(InputError, match="anggota A0001 baru masuk pada 2024-01-10, setelah 2024-01-05"):
        exit_entries(kop, "A0001", dt.date(2024, 1, 5), today=TODAY)


def test_member_list_balances_and_status():
    text = ledger_text(MEMBERS + LOAN.format(amount=120000))
    kop = Koperasi.from_string(text)
    after = reload(text, exit_entries(kop, "A0001", dt.date(2024, 6, 30), payout=False, today=TODAY))
    before = member_list(after, dt.date(2024, 5, 1))
    assert before[0].status == "aktif" and before[0].wajib == 50000 and before[0].pinjaman == 120000
    rows = member_list(after, dt.date(2024, 7, 1))
    assert rows[0].status == "keluar" and rows[0].tanggal_keluar == dt.date(2024, 6, 30)
    assert member_list(after, dt.date(2024, 7, 1), include_exited=False) == ()


# --- CLI -------------------------------------------------------------------------------------
def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


def test_cli_tambah_and_member_add_alias(write_ledger):
    path = write_ledger(MEMBERS)
    result = run("anggota", "tambah", path, "--id", "A0002", "--nama", "Budi", "--nik", "3201234567890125",
                 "--jenis-kelamin", "l", "--tanggal", "2025-01-02", "--alamat", "Sukabumi")
    assert result.exit_code == 0, result.output
    result = run("member", "add", path, "--id", "A0003", "--nama", "Cici", "--tanggal", "2025-01-03")
    assert result.exit_code == 0, result.output
    kop = Koperasi.load(path)
    assert kop.errors == []
    assert kop.members["A0002"].jenis_kelamin == "L" and kop.members["A0002"].alamat == "Sukabumi"
    assert kop.member_balance("A0003").pokok == 100000


def test_cli_dry_run_prints_the_text_and_leaves_file_identical(write_ledger):
    path = write_ledger(MEMBERS)
    old = path.read_bytes()
    result = run("anggota", "tambah", path, "--id", "A0002", "--nama", "Budi", "--tanggal", "2025-01-02",
                 "--dry-run")
    assert result.exit_code == 0, result.output
    assert '2025-01-02 custom "anggota" "A0002" "Budi"' in result.stdout
    assert "Ekuitas:SimpananPokok:A0002  -100000 IDR" in result.stdout
    assert path.read_bytes() == old
    result = run("anggota", "keluar", path, "--anggota", "A0001", "--tanggal", "2024-06-30", "--dry-run")
    assert result.exit_code == 0, result.output
    assert 'custom "anggota-keluar" "A0001"' in result.stdout
    assert path.read_bytes() == old


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--id", "A0001", "--nama", "X", "--tanggal", "2025-01-01"], "id A0001 sudah terdaftar"),
        (["--id", "A0002", "--nama", "X", "--nik", "123", "--tanggal", "2025-01-01"], "NIK"),
        (["--id", "A0002", "--nama", "X", "--jenis-kelamin", "W", "--tanggal", "2025-01-01"], "jenis_kelamin harus P atau L, tertulis 'W'"),
        (["--id", "A0002", "--nama", "X", "--tanggal", "2025-13-01"], "tidak valid"),
        (["--id", "A0002", "--nama", "X", "--tanggal", "2999-01-01"], "tanggal 2999-01-01 ada di masa depan"),
    ],
)
def test_cli_tambah_bad_input_exit_2_writes_nothing(write_ledger, args, message):
    path = write_ledger(MEMBERS)
    old = path.read_bytes()
    result = run("anggota", "tambah", path, *args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert path.read_bytes() == old


def test_cli_refuses_ledger_with_errors_and_shows_them(write_ledger):
    path = write_ledger(MEMBERS + '2024-05-01 * "rusak"\n  Aset:TidakAda 1 IDR\n  Aset:Kas -1 IDR\n')
    old = path.read_bytes()
    result = run("anggota", "tambah", path, "--id", "A0002", "--nama", "X", "--tanggal", "2025-01-01")
    assert result.exit_code == 1
    assert "TidakAda" in result.output
    assert path.read_bytes() == old


def test_cli_keluar_writes_and_reports_remaining_loan(write_ledger):
    path = write_ledger(MEMBERS + LOAN.format(amount=500000))
    result = run("anggota", "keluar", path, "--anggota", "A0001", "--tanggal", "2024-06-30", "--alasan", "pindah")
    assert result.exit_code == 0, result.output
    assert "sisa pinjaman Rp310.000 masih terutang" in result.stderr
    kop = Koperasi.load(path)
    assert kop.errors == [] and kop.members["A0001"].tanggal_keluar == dt.date(2024, 6, 30)
    result = run("anggota", "keluar", path, "--anggota", "A0001", "--tanggal", "2024-07-30")
    assert result.exit_code == 2 and "anggota A0001 (Siti Aminah) sudah keluar pada 2024-06-30" in result.output


def test_cli_daftar_formats(write_ledger):
    path = write_ledger(MEMBERS)
    table = run("anggota", "daftar", path, "--per", "2024-12-31")
    assert table.exit_code == 0, table.output
    assert "Siti Aminah" in table.output and "100.000" in table.output and "50.000" in table.output
    as_json = run("member", "list", path, "--per", "2024-12-31", "--format", "json")
    payload = json.loads(as_json.stdout)
    assert payload["anggota"][0]["id"] == "A0001" and payload["anggota"][0]["wajib"] == "50000"
    as_csv = run("anggota", "daftar", path, "--per", "2024-12-31", "--format", "csv")
    lines = as_csv.stdout.splitlines()
    assert lines[0].startswith("id,nama,nik") and lines[1].startswith("A0001,Siti Aminah,3201234567890123")
    english = run("anggota", "daftar", path, "--per", "2024-12-31", "--lang", "en")
    assert "Number of members: 1" in english.output


def test_cli_uses_kop_ledger_env(write_ledger):
    path = write_ledger(MEMBERS)
    result = run("anggota", "daftar", "--format", "json", env={"KOP_LEDGER": str(path)})
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["anggota"][0]["nama"] == "Siti Aminah"


def test_header_constant_is_the_shared_one():
    # the small ledgers above rely on the shared header's Kas account and policies
    assert "simpanan-pokok" in HEADER_ID and "Aset:Kas" in HEADER_ID


def test_cli_refuses_dates_in_a_really_closed_year(write_ledger):
    from kopledger.books.closed.chain import Span, chain_digests

    books = load_doc(MEMBERS)
    digest = chain_digests(books.entries, [Span(2024, None, "")], books.options)[2024]
    path = write_ledger(MEMBERS + f'2025-01-05 custom "tutup-buku" "2024"\n  sidik: "{digest.sidik}"\n'
                        f'  sebelumnya: ""\n  opsi: "{digest.opsi}"\n')
    assert Koperasi.load(path).errors == []
    old = path.read_bytes()
    for args in (
        ["anggota", "tambah", path, "--id", "A0009", "--nama", "X", "--tanggal", "2024-12-01"],
        ["simpanan", "setor", path, "--anggota", "A0001", "--jumlah", "5", "--tanggal", "2024-12-01"],
        ["simpanan", "wajib", path, "--bulan", "2024-12"],
        ["anggota", "keluar", path, "--anggota", "A0001", "--tanggal", "2024-12-01"],
    ):
        result = run(*args)
        assert result.exit_code == 2 and "tahun 2024 sudah ditutup" in result.output, (args, result.output)
    assert path.read_bytes() == old
    ok = run("simpanan", "setor", path, "--anggota", "A0001", "--jumlah", "5", "--tanggal", "2025-01-06")
    assert ok.exit_code == 0, ok.output


@settings(max_examples=12, deadline=None)
@given(
    wajib_months=st.integers(0, 6),
    sukarela=st.integers(0, 500000),
    loan=st.integers(0, 600000),
    set_off=st.booleans(),
    payout=st.booleans(),
)
def test_property_exit_conserves_money(wajib_months, sukarela, loan, set_off, payout):
    """Exit: savings = set-off + payout + what stays owed to her; the loan falls by the set-off."""
    body = """\
2024-01-10 custom "anggota" "A0001" "Siti"
2024-01-10 * "Simpanan pokok" #simpanan-pokok
  anggota: "A0001"
  Aset:Kas                      100000 IDR
  Ekuitas:SimpananPokok:A0001  -100000 IDR
"""
    for m in range(1, wajib_months + 1):
        body += (f'2024-{m + 1:02d}-01 * "Wajib" #simpanan-wajib\n  anggota: "A0001"\n  bulan: "2024-{m + 1:02d}"\n'
                 "  Aset:Kas 25000 IDR\n  Ekuitas:SimpananWajib:A0001 -25000 IDR\n")
    if sukarela:
        body += (f'2024-08-01 * "Sukarela" #simpanan-sukarela\n  anggota: "A0001"\n'
                 f"  Aset:Kas {sukarela} IDR\n  Liabilitas:SimpananSukarela:A0001 -{sukarela} IDR\n")
    if loan:
        body += LOAN.format(amount=loan)
    text = ledger_text(body)
    kop = Koperasi.from_string(text)
    capital = 100000 + 25000 * wajib_months
    entries = exit_entries(kop, "A0001", dt.date(2024, 9, 1), set_off_loan=set_off, payout=payout, today=TODAY)
    after = reload(text, entries)
    bal = after.member_balance("A0001")
    taken = min(capital + sukarela, loan) if set_off else 0
    from_capital = min(capital, taken)
    assert bal.modal == 0
    assert bal.pinjaman == loan - taken
    assert bal.keluar == (0 if payout else capital - from_capital)
    assert bal.sukarela == (0 if payout else sukarela - (taken - from_capital))
    cash_out = sum(
        -p.units.number for e in entries if isinstance(e, data.Transaction)
        for p in e.postings if p.account == "Aset:Kas"
    )
    assert cash_out == (capital + sukarela - taken if payout else 0)
