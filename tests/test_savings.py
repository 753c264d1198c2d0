"""Savings builders, wajib arrears, summaries, statements and the ``kop simpanan`` commands."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from beancount import loader
from beancount.core import data
from beanquery import query
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from kopledger import Koperasi
from kopledger.cli import main
from kopledger.core.errors import InputError
from kopledger.ops.savings import (
    deposit_entries,
    member_statement,
    member_statements,
    owed_months,
    savings_summary,
    shu_to_sukarela_entries,
    wajib_arrears,
    wajib_due,
    wajib_entries,
    wajib_status,
    withdrawal_entries,
)
from kopledger.ops.writer import format_directives
from kopledger.present.render import render
from tests.conftest import ledger_text, load_doc

TODAY = dt.date(2025, 12, 31)

THREE = """\
2025-03-01 custom "kebijakan" "simpanan-wajib" 30000 IDR
2025-01-15 custom "anggota" "A0001" "Ani"
2025-01-15 * "Simpanan pokok" #simpanan-pokok
  anggota: "A0001"
  Aset:Kas                      100000 IDR
  Ekuitas:SimpananPokok:A0001  -100000 IDR
2025-02-20 custom "anggota" "A0002" "Budi"
2025-02-20 * "Simpanan pokok" #simpanan-pokok
  anggota: "A0002"
  Aset:Kas                      100000 IDR
  Ekuitas:SimpananPokok:A0002  -100000 IDR
2025-01-10 custom "anggota" "A0003" "Cici"
2025-01-10 * "Simpanan pokok" #simpanan-pokok
  anggota: "A0003"
  Aset:Kas                      100000 IDR
  Ekuitas:SimpananPokok:A0003  -100000 IDR
2025-02-15 custom "anggota-keluar" "A0003"
2025-02-15 * "Keluar" #anggota-keluar
  anggota: "A0003"
  Ekuitas:SimpananPokok:A0003             100000 IDR
  Liabilitas:SimpananAnggotaKeluar:A0003  -100000 IDR
"""


def reload(text: str, new: list[data.Directive]) -> tuple[str, Koperasi]:
    full = text + "\n" + format_directives(new)
    kop = Koperasi.from_string(full)
    assert kop.errors == [], [e.message for e in kop.errors]
    return full, kop


# --- the wajib obligation and the monthly run ---------------------------------------------
def test_owed_months_rule():
    kop = load_doc(THREE)
    assert owed_months(kop.members["A0001"], "2025-04") == ["2025-01", "2025-02", "2025-03", "2025-04"]
    assert owed_months(kop.members["A0002"], "2025-03") == ["2025-02", "2025-03"]
    assert owed_months(kop.members["A0003"], "2025-06") == ["2025-01"]  # not the month they leave
    assert owed_months(kop.members["A0002"], "2025-01") == []
    assert wajib_due(kop, "2025-02") == 25000 and wajib_due(kop, "2025-03") == 30000


def test_policy_set_mid_month_applies_from_that_month():
    kop = load_doc('2025-05-10 custom "kebijakan" "simpanan-wajib" 40000 IDR\n',
                   header=ledger_text("").replace('2020-01-01 custom "kebijakan" "simpanan-wajib" 25000 IDR\n', ""))
    assert wajib_due(kop, "2025-04") == 0
    assert wajib_due(kop, "2025-05") == 40000


def test_wajib_run_posts_each_member_once_at_the_policy_of_the_month():
    text = ledger_text(THREE)
    kop = Koperasi.from_string(text)
    run = wajib_entries(kop, "2025-03", today=TODAY)
    assert [e.meta["anggota"] for e in run.entries] == ["A0001", "A0002"]
    assert ("A0003", "keluar 2025-02-15") in run.dilewati
    for entry in run.entries:
        assert entry.meta["bulan"] == "2025-03" and "simpanan-wajib" in entry.tags
        assert entry.date == dt.date(2025, 3, 31)
        assert entry.narration == "Simpanan wajib Maret 2025"
        assert entry.postings[1].units.number == -30000
    assert run.total == 60000
    text, kop = reload(text, list(run.entries))
    again = wajib_entries(kop, "2025-03", today=TODAY)
    assert again.entries == ()
    assert {m for m, reason in again.dilewati if reason == "sudah dibayar"} == {"A0001", "A0002"}


def test_wajib_run_pays_the_rest_of_a_partly_paid_month_and_respects_join_date():
    body = THREE + """\
2025-03-02 * "Sebagian" #simpanan-wajib
  anggota: "A0001"
  bulan: "2025-03"
  Aset:Kas                     10000 IDR
  Ekuitas:SimpananWajib:A0001  -10000 IDR
"""
    kop = load_doc(body)
    run = wajib_entries(kop, "2025-03", tanggal=dt.date(2025, 3, 5), today=TODAY)
    amounts = {e.meta["anggota"]: -e.postings[1].units.number for e in run.entries}
    assert amounts == {"A0001": 20000, "A0002": 30000}
    feb = wajib_entries(kop, "2025-02", tanggal=dt.date(2025, 2, 1), today=TODAY)
    dates = {e.meta["anggota"]: e.date for e in feb.entries}
    assert dates == {"A0001": dt.date(2025, 2, 1), "A0002": dt.date(2025, 2, 20)}  # not before joining
    _, after = reload(ledger_text(body), list(feb.entries))
    assert after.errors == []


def test_wajib_run_refuses_bad_months_and_dates():
    kop = load_doc(THREE + '2025-01-01 custom "tutup-buku" "2024"\n  sidik: "0000000000000000000000000000000000000000000000000000000000000000"\n')
    with pytest.raises(InputError, match="YYYY-MM"):
        wajib_entries(kop, "2025-3", today=TODAY)
    with pytest.raises(InputError, match="bulan 2026-01 ada di masa depan"):
        wajib_entries(kop, "2026-01", today=TODAY)
    with pytest.raises(InputError, match="tanggal 2025-02-01 sebelum bulan 2025-03"):
        wajib_entries(kop, "2025-03", tanggal=dt.date(2025, 2, 1), today=TODAY)
    with pytest.raises(InputError, match="tahun 2024 sudah ditutup"):
        wajib_entries(kop, "2024-12", today=TODAY)


def test_late_payment_keeps_its_month_and_lump_sums_pay_oldest_first():
    body = THREE + """\
2025-05-03 * "Wajib Januari, terlambat" #simpanan-wajib
  anggota: "A0001"
  bulan: "2025-01"
  Aset:Kas                     25000 IDR
  Ekuitas:SimpananWajib:A0001  -25000 IDR
2025-05-04 * "Saldo wajib lama" #simpanan-wajib
  anggota: "A0002"
  Aset:Kas                     40000 IDR
  Ekuitas:SimpananWajib:A0002  -40000 IDR
"""
    kop = load_doc(body)
    a1 = wajib_status(kop, kop.members["A0001"], "2025-03")
    assert [(m.bulan, m.wajib, m.dibayar) for m in a1] == [
        ("2025-01", 25000, 25000), ("2025-02", 25000, 0), ("2025-03", 30000, 0),
    ]
    a2 = wajib_status(kop, kop.members["A0002"], "2025-03")
    assert [(m.bulan, m.dibayar) for m in a2] == [("2025-02", 25000), ("2025-03", 15000)]
    arrears = {a.id: a for a in wajib_arrears(kop, dt.date(2025, 5, 31))}
    assert arrears["A0001"].bulan == ("2025-02", "2025-03", "2025-04", "2025-05")
    assert arrears["A0001"].jumlah == 25000 + 30000 * 3 and arrears["A0001"].jumlah_bulan == 4
    assert arrears["A0002"].jumlah == 15000 + 30000 * 2
    assert "A0003" not in arrears  # left
    # before the late payment, January was owed too
    early = {a.id: a for a in wajib_arrears(kop, dt.date(2025, 4, 30))}
    assert early["A0001"].bulan[0] == "2025-01"


def test_arrears_disappear_after_paying_every_month():
    text = ledger_text(THREE)
    kop = Koperasi.from_string(text)
    for bulan in ("2025-01", "2025-02", "2025-03"):
        text, kop = reload(text, list(wajib_entries(kop, bulan, today=TODAY).entries))
    assert wajib_arrears(kop, dt.date(2025, 3, 31)) == ()
    assert [a.id for a in wajib_arrears(kop, dt.date(2025, 4, 1))] == ["A0001", "A0002"]


# --- sukarela / berjangka ----------------------------------------------------------------------
def test_deposit_and_withdrawal_entries():
    text = ledger_text(THREE)
    kop = Koperasi.from_string(text)
    dep = deposit_entries(kop, "A0001", 500000, dt.date(2025, 4, 1), today=TODAY)
    assert dep[0].meta["anggota"] == "A0001" and "simpanan-sukarela" in dep[0].tags
    assert [(p.account, p.units.number) for p in dep[0].postings] == [
        ("Aset:Kas", 500000), ("Liabilitas:SimpananSukarela:A0001", -500000),
    ]
    ber = deposit_entries(kop, "A0001", "1000000", dt.date(2025, 4, 1), jenis="berjangka", today=TODAY)
    assert ber[0].postings[1].account == "Liabilitas:SimpananBerjangka:A0001"
    text, kop = reload(text, dep + ber)
    wd = withdrawal_entries(kop, "A0001", 200000, dt.date(2025, 4, 2), today=TODAY)
    assert [(p.account, p.units.number) for p in wd[0].postings] == [
        ("Liabilitas:SimpananSukarela:A0001", 200000), ("Aset:Kas", -200000),
    ]
    text, kop = reload(text, wd)
    assert kop.member_balance("A0001").sukarela == 300000
    with pytest.raises(InputError, match=r"penarikan Rp300\.001 melebihi saldo simpanan sukarela A0001 \(Rp300\.000\)"):
        withdrawal_entries(kop, "A0001", 300001, dt.date(2025, 4, 3), today=TODAY)
    with pytest.raises(InputError, match="melebihi saldo simpanan sukarela A0001"):  # the balance on that date was lower
        withdrawal_entries(kop, "A0001", 1, dt.date(2025, 3, 31), today=TODAY)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda k: deposit_entries(k, "A0001", 0, dt.date(2025, 4, 1), today=TODAY), "jumlah harus lebih dari nol"),
        (lambda k: deposit_entries(k, "A0001", -5, dt.date(2025, 4, 1), today=TODAY), "jumlah harus lebih dari nol"),
        (lambda k: deposit_entries(k, "A0001", "1.5", dt.date(2025, 4, 1), today=TODAY), "tanpa titik atau koma"),
        (lambda k: deposit_entries(k, "A0001", "50.000", dt.date(2025, 4, 1), today=TODAY), "tanpa titik atau koma"),
        (lambda k: deposit_entries(k, "A0001", Decimal("1.5"), dt.date(2025, 4, 1), today=TODAY), "jumlah harus rupiah bulat"),
        (lambda k: deposit_entries(k, "A0001", "abc", dt.date(2025, 4, 1), today=TODAY), "jumlah 'abc' bukan angka"),
        (lambda k: deposit_entries(k, "Z1", 5, dt.date(2025, 4, 1), today=TODAY), "anggota tidak dikenal: 'Z1'"),
        (lambda k: deposit_entries(k, "A0003", 5, dt.date(2025, 4, 1), today=TODAY), "anggota A0003 (Cici) sudah keluar pada 2025-02-15"),
        (lambda k: deposit_entries(k, "A0001", 5, dt.date(2026, 4, 1), today=TODAY), "tanggal 2026-04-01 ada di masa depan"),
        (lambda k: deposit_entries(k, "A0001", 5, dt.date(2025, 4, 1), jenis="wajib", today=TODAY), "simpanan wajib tidak disetor"),
        (lambda k: deposit_entries(k, "A0001", 5, dt.date(2025, 4, 1), jenis="emas", today=TODAY), "jenis simpanan tidak dikenal: 'emas'"),
        (lambda k: withdrawal_entries(k, "A0001", 5, dt.date(2025, 4, 1), jenis="pokok", today=TODAY), "simpanan pokok A0001 tidak boleh diambil"),
        (lambda k: withdrawal_entries(k, "A0001", 5, dt.date(2025, 4, 1), jenis="wajib", today=TODAY), "simpanan wajib A0001 tidak boleh diambil"),
        (lambda k: withdrawal_entries(k, "A0001", 5, dt.date(2025, 4, 1), today=TODAY), "melebihi saldo simpanan sukarela A0001"),
        (lambda k: deposit_entries(k, "A0001", 5, dt.date(2024, 12, 1), today=TODAY), "tahun 2024 sudah ditutup"),
    ],
)
def test_savings_builders_refuse_bad_input(call, message):
    kop = load_doc(THREE + '2025-01-01 custom "tutup-buku" "2024"\n  sidik: "0000000000000000000000000000000000000000000000000000000000000000"\n')
    with pytest.raises(InputError) as info:
        call(kop)
    assert message in str(info.value)


def test_shu_payout_to_sukarela():
    body = THREE + """\
2025-04-01 * "Alokasi SHU" #shu-alokasi
  Ekuitas:Cadangan:Umum         75000 IDR
  Liabilitas:UtangSHU:A0001    -75000 IDR
"""
    text = ledger_text(body)
    kop = Koperasi.from_string(text)
    entries = shu_to_sukarela_entries(kop, "A0001", dt.date(2025, 4, 10), today=TODAY)
    assert "shu-bayar" in entries[0].tags
    _, after = reload(text, entries)
    assert after.member_balance("A0001").utang_shu == 0 and after.member_balance("A0001").sukarela == 75000
    with pytest.raises(InputError, match="melebihi SHU yang terutang kepada A0001"):
        shu_to_sukarela_entries(kop, "A0001", dt.date(2025, 4, 10), jumlah=80000, today=TODAY)
    with pytest.raises(InputError, match="tidak ada SHU yang masih harus dibayar kepada A0002"):
        shu_to_sukarela_entries(kop, "A0002", dt.date(2025, 4, 10), today=TODAY)


# --- summaries against bean-query -------------------------------------------------------------
def bean_query_sums(text: str, pattern: str) -> dict[str, Decimal]:
    entries, errors, options = loader.load_string(text)
    assert errors == []
    _, rows = query.run_query(
        entries, options,
        f"SELECT account, sum(number) AS total WHERE account ~ '{pattern}' GROUP BY account",
    )
    return {account: total for account, total in rows}


def test_savings_summary_matches_bean_query():
    text = ledger_text(THREE)
    kop = Koperasi.from_string(text)
    text, kop = reload(text, list(wajib_entries(kop, "2025-03", today=TODAY).entries)
                       + deposit_entries(kop, "A0002", 70000, dt.date(2025, 4, 1), today=TODAY))
    summary = savings_summary(kop, dt.date(2025, 12, 31))
    sums = bean_query_sums(text, "Simpanan(Pokok|Wajib|Sukarela|Berjangka):")
    assert summary.pokok == -sum(v for k, v in sums.items() if ":SimpananPokok:" in k)
    assert summary.wajib == -sum(v for k, v in sums.items() if ":SimpananWajib:" in k) == 60000
    assert summary.sukarela == 70000 and summary.berjangka == 0
    assert summary.total == -sum(sums.values())
    assert summary.anggota_aktif == 2
    assert savings_summary(kop, dt.date(2025, 1, 31)).anggota_aktif == 2  # A0001 and A0003


MEMBER_IDS = ["A0001", "A0002"]


@settings(max_examples=15, deadline=None)
@given(st.lists(
    st.tuples(st.sampled_from(MEMBER_IDS), st.sampled_from(["setor", "tarik"]),
              st.sampled_from(["sukarela", "berjangka"]), st.integers(1, 300000)),
    min_size=1, max_size=12,
))
def test_property_balances_equal_bean_query(ops):
    text = ledger_text(THREE)
    kop = Koperasi.from_string(text)
    new: list[data.Directive] = []
    model: dict[tuple[str, str], int] = {}
    for i, (member_id, op, jenis, number) in enumerate(ops):
        date = dt.date(2025, 4, 1) + dt.timedelta(days=i)
        key = (member_id, jenis)
        if op == "setor":
            built = deposit_entries(kop, member_id, number, date, jenis=jenis, today=TODAY)
            model[key] = model.get(key, 0) + number
        elif number > model.get(key, 0):
            with pytest.raises(InputError, match=f"melebihi saldo simpanan {jenis} {member_id}"):
                withdrawal_entries(kop, member_id, number, date, jenis=jenis, today=TODAY)
            continue
        else:
            built = withdrawal_entries(kop, member_id, number, date, jenis=jenis, today=TODAY)
            model[key] -= number
        new += built
        kop = Koperasi.from_entries(sorted(kop.entries + built, key=data.entry_sortkey), [], kop.options)
    full, loaded = reload(text, new)
    sums = bean_query_sums(full, "Simpanan(Sukarela|Berjangka):")
    for member_id in MEMBER_IDS:
        bal = loaded.member_balance(member_id)
        for jenis, value in (("sukarela", bal.sukarela), ("berjangka", bal.berjangka)):
            account = f"Liabilitas:Simpanan{jenis.capitalize()}:{member_id}"
            assert value == -sums.get(account, 0) == model.get((member_id, jenis), 0)
            assert value >= 0


# --- the member statement ------------------------------------------------------------------
def statement_ledger() -> tuple[str, Koperasi]:
    text = ledger_text(THREE)
    kop = Koperasi.from_string(text)
    text, kop = reload(text, list(wajib_entries(kop, "2025-01", today=TODAY).entries))
    text, kop = reload(text, list(wajib_entries(kop, "2025-03", today=TODAY).entries))
    text, kop = reload(text, deposit_entries(kop, "A0001", 90000, dt.date(2025, 4, 2), today=TODAY))
    text, kop = reload(text, withdrawal_entries(kop, "A0001", 40000, dt.date(2025, 4, 9), today=TODAY))
    return text, kop


def test_member_statement_running_balances():
    _, kop = statement_ledger()
    st_all = member_statement(kop, "A0001", dt.date(2025, 12, 31))
    kinds = {k.jenis: k for k in st_all.simpanan}
    assert list(kinds) == ["pokok", "wajib", "sukarela"]
    assert [r.saldo for r in kinds["wajib"].baris] == [25000, 55000]
    assert [r.bulan for r in kinds["wajib"].baris] == ["2025-01", "2025-03"]
    suk = kinds["sukarela"]
    assert [(r.setor, r.tarik, r.saldo) for r in suk.baris] == [(90000, 0, 90000), (0, 40000, 50000)]
    assert (suk.total_setor, suk.total_tarik, suk.saldo_akhir) == (90000, 40000, 50000)
    assert st_all.total_saldo == 100000 + 55000 + 50000
    # a period: the opening balance carries what came before
    period = member_statement(kop, "A0001", dt.date(2025, 4, 30), dari=dt.date(2025, 4, 5))
    suk = {k.jenis: k for k in period.simpanan}["sukarela"]
    assert suk.saldo_awal == 90000 and [r.saldo for r in suk.baris] == [50000]
    assert {k.jenis: k for k in period.simpanan}["wajib"].baris == ()
    # the exited member's statement shows the leaver payable
    leaver = member_statement(kop, "A0003", dt.date(2025, 12, 31))
    assert {k.jenis: k.saldo_akhir for k in leaver.simpanan}["keluar"] == 100000
    assert [s.anggota.id for s in member_statements(kop, dt.date(2025, 1, 31))] == ["A0001", "A0003"]
    with pytest.raises(InputError):
        member_statement(kop, "A0001", dt.date(2025, 1, 1), dari=dt.date(2025, 2, 1))


def test_statement_renders_text_and_html():
    _, kop = statement_ledger()
    statements = member_statements(kop, dt.date(2025, 12, 31), member_ids=["A0001"])
    context = {"kartu": statements, "koperasi": "Koperasi <Uji>", "dari": None,
               "sampai": dt.date(2025, 12, 31), "dicetak": dt.date(2025, 12, 31)}
    text = render("kartu/kartu.txt.j2", context)
    assert "KARTU SIMPANAN ANGGOTA" in text and "Simpanan sukarela" in text
    assert "Rp50.000" in text and "Rp90.000" in text and "Total simpanan: Rp205.000" in text
    html = render("kartu/kartu.html.j2", context)
    assert "Koperasi &lt;Uji&gt;" in html  # autoescaped
    assert html.count("<table>") == 3 and "Rp55.000" in html
    english = render("kartu/kartu.txt.j2", context, lang="en")
    assert "MEMBER SAVINGS STATEMENT" in english and "Rp50,000" in english


# --- CLI ------------------------------------------------------------------------------------------
def run(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_cli_wajib_twice_changes_nothing_the_second_time(write_ledger):
    path = write_ledger(THREE)
    first = run("simpanan", "wajib", path, "--bulan", "2025-03")
    assert first.exit_code == 0, first.output
    assert "Dilewati A0003" in first.stderr
    assert "simpanan wajib Maret 2025: 2 anggota, Rp" in first.stderr  # rupiah, Indonesian grouping
    after_first = path.read_bytes()
    second = run("savings", "mandatory", path, "--bulan", "2025-03")
    assert second.exit_code == 0, second.output
    assert path.read_bytes() == after_first
    assert "Dilewati A0001: sudah dibayar" in second.stderr
    kop = Koperasi.load(path)
    assert kop.errors == [] and kop.member_balance("A0002").wajib == 30000


def test_cli_wajib_dry_run_byte_identical(write_ledger):
    path = write_ledger(THREE)
    old = path.read_bytes()
    result = run("simpanan", "wajib", path, "--bulan", "2025-02", "--dry-run")
    assert result.exit_code == 0, result.output
    assert 'bulan: "2025-02"' in result.stdout and "Ekuitas:SimpananWajib:A0002" in result.stdout
    assert path.read_bytes() == old


def test_cli_wajib_shows_progress_for_many_members(write_ledger):
    lines = []
    for i in range(60):
        mid = f"M{i:03d}"
        lines.append(f'2025-01-02 custom "anggota" "{mid}" "Anggota {i}"\n')
    path = write_ledger("".join(lines))
    result = run("simpanan", "wajib", path, "--bulan", "2025-01", "--tanggal", "2025-01-31")
    assert result.exit_code == 0, result.output
    assert "Simpanan wajib 2025-01" in result.stderr  # the progress bar's label
    kop = Koperasi.load(path)
    assert kop.errors == [] and sum(b.wajib for b in kop.member_balances().values()) == 60 * 25000


def test_cli_setor_tarik(write_ledger):
    path = write_ledger(THREE)
    ok = run("simpanan", "setor", path, "--anggota", "A0001", "--jumlah", "50000", "--tanggal", "2025-04-01")
    assert ok.exit_code == 0, ok.output
    assert "setoran simpanan sukarela A0001 Rp50.000" in ok.stderr
    ok = run("savings", "withdraw", path, "--anggota", "A0001", "--jumlah", "20000", "--tanggal", "2025-04-02")
    assert ok.exit_code == 0, ok.output
    old = path.read_bytes()
    for args, message in [
        (["--jumlah", "40000"], "melebihi saldo simpanan sukarela A0001"),
        (["--jumlah", "0"], "jumlah harus lebih dari nol"),
        (["--jumlah", "-10"], "jumlah harus lebih dari nol"),
        (["--jumlah", "10", "--jenis", "wajib"], "simpanan wajib A0001 tidak boleh diambil"),
    ]:
        bad = run("simpanan", "tarik", path, "--anggota", "A0001", "--tanggal", "2025-04-03", *args)
        assert bad.exit_code == 2 and message in bad.output, bad.output
    bad = run("simpanan", "setor", path, "--anggota", "A0003", "--jumlah", "10", "--tanggal", "2025-04-03")
    assert bad.exit_code == 2 and "A0003 (Cici) sudah keluar pada 2025-02-15" in bad.output
    assert path.read_bytes() == old
    assert Koperasi.load(path).member_balance("A0001").sukarela == 30000


def test_cli_tunggakan_and_kartu(write_ledger, tmp_path):
    path = write_ledger(THREE)
    table = run("simpanan", "tunggakan", path, "--per", "2025-03-31")
    assert table.exit_code == 0, table.output
    assert "A0001" in table.output and "2025-01, 2025-02, 2025-03" in table.output
    payload = json.loads(run("simpanan", "tunggakan", path, "--per", "2025-03-31", "--format", "json").stdout)
    assert payload["tunggakan"][0] == {"id": "A0001", "nama": "Ani", "bulan": ["2025-01", "2025-02", "2025-03"],
                                       "jumlah_bulan": 3, "jumlah": "80000"}
    out = tmp_path / "kartu.html"
    html = run("simpanan", "kartu", path, "--anggota", "A0001", "--format", "html", "--out", out,
               "--sampai", "2025-12-31")
    assert html.exit_code == 0, html.output
    assert "KARTU SIMPANAN ANGGOTA" in out.read_text()
    text = run("simpanan", "kartu", path, "--sampai", "2025-12-31")
    assert text.output.count("KARTU SIMPANAN ANGGOTA") == 3
    unknown = run("simpanan", "kartu", path, "--anggota", "ZZ")
    assert unknown.exit_code == 2 and "anggota tidak dikenal: 'ZZ'" in unknown.output


@settings(max_examples=10, deadline=None)
@given(
    joins=st.lists(st.integers(1, 12), min_size=1, max_size=4),
    order=st.permutations(list(range(1, 13))),
    upto=st.integers(1, 12),
)
def test_property_wajib_runs_settle_every_owed_month_once(joins, order, upto):
    """Running the wajib of months 1..upto in any order, twice, pays each owed month exactly once."""
    body = '2025-07-01 custom "kebijakan" "simpanan-wajib" 30000 IDR\n'
    for i, month in enumerate(joins):
        body += f'2025-{month:02d}-{min(10 + i, 28):02d} custom "anggota" "M{i}" "Anggota {i}"\n'
    text = ledger_text(body)
    kop = Koperasi.from_string(text)
    new: list[data.Directive] = []
    months = [m for m in order if m <= upto] * 2
    for month in months:
        run = wajib_entries(kop, f"2025-{month:02d}", tanggal=dt.date(2025, upto, 28), today=TODAY)
        new += run.entries
        kop = Koperasi.from_entries(sorted(kop.entries + list(run.entries), key=data.entry_sortkey), [], kop.options)
    end = dt.date(2025, upto, 28)
    assert wajib_arrears(kop, end) == ()
    expected = sum(
        wajib_due(kop, f"2025-{m:02d}") for month in joins for m in range(month, upto + 1)
    )
    full, loaded = reload(text, new)
    sums = bean_query_sums(full, "SimpananWajib:")
    assert -sum(sums.values(), Decimal(0)) == expected == savings_summary(loaded, end).wajib
    keys = [(e.meta["anggota"], e.meta["bulan"]) for e in new]
    assert len(keys) == len(set(keys))  # no month paid twice


def test_statements_of_all_leave_out_settled_leavers_before_the_period():
    body = THREE + """\
2025-02-20 * "Bayar keluar" #anggota-keluar
  anggota: "A0003"
  Liabilitas:SimpananAnggotaKeluar:A0003  100000 IDR
  Aset:Kas                               -100000 IDR
"""
    kop = load_doc(body)
    ids = [s.anggota.id for s in member_statements(kop, dt.date(2025, 12, 31), dari=dt.date(2025, 3, 1))]
    assert ids == ["A0001", "A0002"]
    everyone = member_statements(kop, dt.date(2025, 12, 31), dari=dt.date(2025, 2, 1))
    assert [s.anggota.id for s in everyone] == ["A0001", "A0002", "A0003"]
    # asked for by id, the leaver's card is still given
    assert member_statement(kop, "A0003", dt.date(2025, 12, 31), dari=dt.date(2025, 3, 1)).total_saldo == 0
