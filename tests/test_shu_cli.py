"""``kop shu``: table, JSON, CSV, posting, writing the allocation, payout, slips."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kopledger import Koperasi
from kopledger.cli import main
from tests.test_shu import EXAMPLE_1, HEADER, ledger


@pytest.fixture
def books(tmp_path: Path) -> Path:
    path = tmp_path / "buku.beancount"
    path.write_text(ledger(EXAMPLE_1, HEADER), encoding="utf-8")
    return path


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, list(args), env=env)


def test_default_table(books):
    result = run("shu", str(books), "--tahun", "2024")
    assert result.exit_code == 0, result.output
    assert "Alokasi SHU" in result.output
    assert "A0001" in result.output and "397.058" in result.output and "Rp90.000.000" in result.output


def test_english_alias_and_ledger_from_environment(books):
    result = run("surplus", "--tahun", "2024", "--lang", "en", env={"KOP_LEDGER": str(books)})
    assert result.exit_code == 0, result.output
    assert "Distribution to members" in result.output


def test_json_contract(books):
    result = run("shu", str(books), "--tahun", "2024", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["tahun"] == 2024
    assert data["shu"] == "90000000"
    assert data["sisa_pembulatan"] == "2"
    assert data["alokasi"][0] == {"komponen": "cadangan", "persen": "20", "jumlah": "18000000",
                                  "akun": "Ekuitas:Cadangan:Umum"}
    assert data["anggota"][0] == {
        "id": "A0001", "nama": "Siti Aminah", "basis_modal": "6500000", "basis_usaha": "1500000",
        "jasa_modal": "3000000", "jasa_usaha": "397058", "jumlah": "3397058",
    }
    assert [m["id"] for m in data["anggota"]] == ["A0001", "A0002", "A0003"]


def test_csv(books):
    result = run("shu", str(books), "--tahun", "2024", "--format", "csv")
    assert result.exit_code == 0
    assert result.output.splitlines()[1] == "A0001,Siti Aminah,6500000,1500000,3000000,397058,3397058"


def test_posting_prints_the_entry_without_writing(books):
    before = books.read_text()
    result = run("shu", str(books), "--tahun", "2024", "--posting", "--tanggal", "2025-03-15")
    assert result.exit_code == 0, result.output
    assert "#shu-alokasi ^shu-2024" in result.output
    assert "Liabilitas:UtangSHU:A0001" in result.output and "-18000002 IDR" in result.output
    assert books.read_text() == before


def test_write_dry_run_then_write_then_refuse_second_time(books):
    before = books.read_text()
    dry = run("shu", str(books), "--tahun", "2024", "--tulis", "--tanggal", "2025-03-15", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "^shu-2024" in dry.output and books.read_text() == before
    done = run("shu", str(books), "--tahun", "2024", "--tulis", "--tanggal", "2025-03-15")
    assert done.exit_code == 0, done.output
    assert Koperasi.load(books).errors == []
    assert "^shu-2024" in books.read_text()
    again = run("shu", str(books), "--tahun", "2024", "--tulis", "--tanggal", "2025-03-20")
    assert again.exit_code == 2
    assert "SHU 2024 sudah dibagi di buku (2025-03-15" in again.output
    assert books.read_text().count("^shu-2024") == 1


def test_write_needs_a_date(books):
    result = run("shu", str(books), "--tahun", "2024", "--tulis")
    assert result.exit_code == 2
    assert "--tanggal" in result.output


def test_payout_to_sukarela(books):
    missing = run("shu", "bayar", str(books), "--tahun", "2024", "--tanggal", "2025-04-01")
    assert missing.exit_code == 2 and "SHU 2024 belum dibagi" in missing.output
    assert run("shu", str(books), "--tahun", "2024", "--tulis", "--tanggal", "2025-03-15").exit_code == 0
    dry = run("shu", "bayar", str(books), "--tahun", "2024", "--tanggal", "2025-04-01", "--dry-run")
    assert dry.exit_code == 0 and "#shu-bayar" not in books.read_text()
    paid = run("shu", "pay", str(books), "--tahun", "2024", "--tanggal", "2025-04-01", "--ke", "sukarela")
    assert paid.exit_code == 0, paid.output
    kop = Koperasi.load(books)
    assert kop.errors == []
    assert kop.member_balance("A0001").sukarela == 3_397_058
    assert kop.member_balance("A0001").utang_shu == 0
    twice = run("shu", "bayar", str(books), "--tahun", "2024", "--tanggal", "2025-04-02")
    assert twice.exit_code == 2 and "SHU 2024 sudah dibayarkan seluruhnya" in twice.output


def test_slips(books, tmp_path):
    out = tmp_path / "slip.html"
    result = run("shu", "slip", str(books), "--tahun", "2024", "--out", str(out))
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert html.count('class="page slip"') == 3
    txt = run("shu", "slip", str(books), "--tahun", "2024", "--format", "txt", "--anggota", "A0003")
    assert txt.exit_code == 0
    assert "Wati Lestari" in txt.output and "Siti Aminah" not in txt.output


def test_errors_are_clean(books, tmp_path):
    no_year = run("shu", str(books), "--tahun", "2019")
    assert no_year.exit_code == 2 and "tidak ada transaksi pada tahun 2019" in no_year.output
    future = run("shu", str(books), "--tahun", "2999")
    assert future.exit_code == 2 and "tidak ada transaksi pada tahun 2999" in future.output
    bad = tmp_path / "bad.beancount"
    bad.write_text(ledger(EXAMPLE_1.replace('"dana-pendidikan" 10', '"dana-pendidikan" 15'), HEADER))
    broken = run("shu", str(bad), "--tahun", "2024")
    assert broken.exit_code == 1 and "105" in broken.output  # the books have an error: exit 1
    assert "Traceback" not in broken.output
    provisional = run("shu", str(books), "--tahun", "2999", "--sementara")
    assert provisional.exit_code == 2 and "tidak ada transaksi pada tahun 2999" in provisional.output


def test_sementara_marks_output(tmp_path):
    import datetime as dt

    year = dt.date.today().year
    body = EXAMPLE_1.replace("2024-", f"{year}-").replace('"2024-', f'"{year}-')
    path = tmp_path / "buku.beancount"
    path.write_text(ledger(body.replace(f"{year}-07-01", f"{year}-01-03").replace(f"{year}-06-30", f"{year}-01-02"), HEADER))
    unasked = run("shu", str(path), "--tahun", str(year))  # an unfinished year needs --sementara (issue 24)
    assert unasked.exit_code == 2 and "belum berakhir" in unasked.output and "--sementara" in unasked.output
    shown = run("shu", str(path), "--tahun", str(year), "--sementara")
    assert shown.exit_code == 0, shown.output
    assert "SEMENTARA" in shown.output
    data = json.loads(run("shu", str(path), "--tahun", str(year), "--sementara", "--format", "json").output)
    assert data["sementara"] is True
    write = run("shu", str(path), "--tahun", str(year), "--sementara", "--tulis", "--tanggal", f"{year}-12-31")
    assert write.exit_code == 2 and "masih sementara dan tidak bisa dibukukan" in write.output
