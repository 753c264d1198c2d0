"""Writes you can trust (issue #12): --bukti, the treasurer's lock, file-system faults,
outputs that never touch the books, spreadsheets that never run anything, strict input,
and the books' own invariants as seen by ``kop cek``."""

from __future__ import annotations

import csv
import errno
import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from kopledger import Koperasi
from kopledger.cli import main
from kopledger.ops.member_import import read_rows
from kopledger.ops.writer import load_uncached
from kopledger.present.output import FORMULA_STARTS, Row, Sheet, csv_text, safe_cell, xlsx_bytes
from tests.faults import fill, small_tmpfs
from tests.test_loans import HEADER as LOAN_HEADER
from tests.test_loans import scenario_body
from tests.test_shu import EXAMPLE_1, ledger


def run(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def books(tmp_path: Path) -> Path:
    path = tmp_path / "buku.beancount"
    path.write_text(LOAN_HEADER + scenario_body(), encoding="utf-8")
    return path


@pytest.fixture
def shu_books(tmp_path: Path) -> Path:
    path = tmp_path / "buku.beancount"
    path.write_text(ledger(EXAMPLE_1), encoding="utf-8")
    return path


def no_temp_files(folder: Path) -> bool:
    return not [p for p in folder.iterdir() if p.name.endswith((".kop-tmp", ".kop-out", ".tmp"))]


SETOR = ("simpanan", "setor")


def setor(path: Path, *extra: str):
    return run(*SETOR, path, "--anggota", "A0001", "--jumlah", "50000", "--tanggal", "2024-12-01", *extra)


# --- bukti ---------------------------------------------------------------------------------------
def test_bukti_is_recorded_and_a_second_write_is_refused_naming_where(books):
    first = setor(books, "--bukti", "KW-2024-0012")
    assert first.exit_code == 0, first.output
    assert 'bukti: "KW-2024-0012"' in books.read_text()
    before = books.read_bytes()
    again = setor(books, "--bukti", "KW-2024-0012")
    assert again.exit_code == 1, again.output
    assert "bukti KW-2024-0012 sudah tercatat" in again.output and f"{books.resolve()}:" in again.output
    assert "Traceback" not in again.output
    assert books.read_bytes() == before


def test_bukti_on_a_write_of_several_entries_numbers_them(shu_books):
    done = run("shu", shu_books, "--tahun", "2024", "--tulis", "--tanggal", "2025-03-15")
    assert done.exit_code == 0, done.output
    paid = run("shu", "bayar", shu_books, "--tahun", "2024", "--tanggal", "2025-04-01", "--bukti", "SHU/2024/1")
    assert paid.exit_code == 0, paid.output
    entries, errors, _ = load_uncached(shu_books)
    assert errors == []
    stamped = [(e.meta["bukti"], e.meta["bukti-ke"]) for e in entries if e.meta.get("bukti")]
    assert [k for _, k in stamped] == [1, 2, 3] and {b for b, _ in stamped} == {"SHU/2024/1"}


@pytest.mark.parametrize("bukti", ["", "a b", "x" * 41, "K\x1b[31m", '"q"'])
def test_bad_bukti_is_a_usage_error(books, bukti):
    before = books.read_bytes()
    result = setor(books, "--bukti", bukti)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "\x1b" not in result.output
    assert books.read_bytes() == before


# --- the books' invariants, hand-copied entries -------------------------------------------------------
def copy_block(path: Path, marker: str) -> None:
    """Append a copy of the entry whose first line contains ``marker`` (a hand-copied entry)."""
    text = path.read_text()
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if marker in line and line[:1].isdigit())
    end = start + 1
    while end < len(lines) and lines[end].startswith(" "):
        end += 1
    path.write_text(text + "\n" + "".join(lines[start:end]), encoding="utf-8")


@pytest.mark.parametrize(("marker", "message"), [
    ("#shu-alokasi", "sudah dialokasikan"),
    ("#shu-bayar", "pembayaran SHU tidak boleh melebihi alokasi"),
])
def test_kop_cek_catches_hand_copied_shu_entries(shu_books, marker, message):
    assert run("shu", shu_books, "--tahun", "2024", "--tulis", "--tanggal", "2025-03-15").exit_code == 0
    assert run("shu", "bayar", shu_books, "--tahun", "2024", "--tanggal", "2025-04-01").exit_code == 0
    assert run("cek", shu_books).exit_code == 0
    copy_block(shu_books, marker)
    check = run("cek", shu_books)
    assert check.exit_code == 1, check.output
    line = next(line for line in check.output.splitlines() if message in line)
    assert line.startswith(f"{shu_books.resolve()}:")


def test_kop_cek_catches_a_hand_copied_loan_and_bukti(books):
    copy_block(books, '"Pencairan PJ-2024-002"')
    check = run("cek", books)
    assert check.exit_code == 1 and "pinjaman PJ-2024-002 dicairkan dua kali" in check.output
    assert f"{books.resolve()}:" in check.output


def test_kop_cek_catches_a_duplicate_bukti_and_an_overpaid_loan(books):
    assert setor(books, "--bukti", "KW-1").exit_code == 0
    copy_block(books, "Setoran simpanan sukarela")
    text = books.read_text()
    check = run("cek", books)
    assert check.exit_code == 1 and "bukti KW-1 sudah dipakai di" in check.output
    books.write_text(text.replace('bukti: "KW-1"', "", 1) + """
2024-12-30 * "Angsuran ganda" #angsuran
  anggota: "A0002"
  pinjaman: "PJ-2024-002"
  Aset:Kas  2400000 IDR
  Aset:Piutang:PinjamanAnggota:A0002  -2400000 IDR
""", encoding="utf-8")
    check = run("cek", books)
    assert check.exit_code == 1
    assert "melebihi pokok" in check.output or "dibayar melebihi" in check.output


# --- the treasurer's lock and file-system faults ------------------------------------------------------
def test_a_ledger_without_write_bits_is_never_written_even_by_root(books):
    books.chmod(0o444)
    before = books.read_bytes()
    result = setor(books)
    assert result.exit_code == 1, result.output
    assert "dikunci" in result.output and "chmod u+w" in result.output
    assert books.read_bytes() == before and no_temp_files(books.parent)
    assert setor(books, "--dry-run").exit_code == 0  # reading and checking is still fine


def test_injected_eacces_is_one_clear_message(books, monkeypatch):
    # root ignores permission bits, so EACCES is injected where the writer creates its temp file
    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(books.parent))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    before = books.read_bytes()
    result = setor(books)
    assert result.exit_code == 1, result.output
    assert "tidak ada izin menulis" in result.output and "Traceback" not in result.output
    assert books.read_bytes() == before


def test_injected_enospc_leaves_books_unchanged_and_no_temp_file(books, monkeypatch):
    # runs everywhere; the real full disk is test_full_disk_leaves_books_unchanged_on_a_real_tmpfs
    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    before = books.read_bytes()
    result = setor(books)
    assert result.exit_code == 1, result.output
    assert "disk penuh" in result.output and "buku tidak berubah" in result.output
    assert books.read_bytes() == before and no_temp_files(books.parent)
    out = run("pinjaman", "portofolio", books, "--per", "2024-12-31", "--out", books.parent / "p.txt")
    assert out.exit_code == 1 and not (books.parent / "p.txt").exists() and no_temp_files(books.parent)


def test_full_disk_leaves_books_unchanged_on_a_real_tmpfs(books, tmp_path):
    with small_tmpfs(tmp_path / "disk", "256k") as disk:
        path = disk / "buku.beancount"
        shutil.copy(books, path)
        assert setor(path, "--dry-run").exit_code == 0  # the lock file exists; the cache is warm
        fill(disk)
        before = path.read_bytes()
        result = setor(path)
        assert result.exit_code == 1, result.output
        assert "disk penuh" in result.output and "Traceback" not in result.output
        assert path.read_bytes() == before and no_temp_files(disk)
        out = run("pinjaman", "portofolio", path, "--per", "2024-12-31", "--out", disk / "laporan.txt")
        assert out.exit_code == 1 and "disk penuh" in out.output
        assert not (disk / "laporan.txt").exists() and no_temp_files(disk)


def test_read_only_file_system_is_one_clear_message(books, tmp_path):
    with small_tmpfs(tmp_path / "ro", "256k") as disk:
        path = disk / "buku.beancount"
        shutil.copy(books, path)
        assert setor(path, "--dry-run").exit_code == 0
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        before = path.read_bytes()
        result = setor(path)
        assert result.exit_code == 1, result.output
        assert "hanya-baca" in result.output and "Traceback" not in result.output
        assert path.read_bytes() == before


def test_stale_temp_of_a_killed_writer_is_removed_by_the_next_write(books):
    stale = books.parent / f".{books.name}.abc123.kop-tmp"
    stale.write_text("half")
    assert setor(books).exit_code == 0
    assert not stale.exists()


# --- outputs never touch the books -----------------------------------------------------------------
REPORTS = [
    ["pinjaman", "portofolio", "{b}", "--per", "2024-12-31"],
    ["simpanan", "kartu", "{b}", "--anggota", "A0001", "--sampai", "2024-12-31"],
    ["laporan", "{b}", "--tahun", "2024", "--format", "xlsx"],
    ["laporan", "{b}", "--tahun", "2024", "--format", "html"],
]


@pytest.mark.parametrize("args", REPORTS)
def test_out_onto_the_ledger_or_a_symlink_to_it_is_refused(books, args):
    before = books.read_bytes()
    link = books.parent / "tautan.beancount"
    link.symlink_to(books)
    for target in (books, link):
        result = run(*[a.replace("{b}", str(books)) for a in args], "--out", target)
        assert result.exit_code == 2, result.output
        assert "menunjuk berkas buku" in result.output
    assert books.read_bytes() == before


def test_out_onto_an_included_file_is_refused(tmp_path):
    included = tmp_path / "transaksi.beancount"
    names = "".join(line + "\n" for line in LOAN_HEADER.splitlines() if line.startswith('option "name_'))
    included.write_text(names + scenario_body(), encoding="utf-8")
    main_file = tmp_path / "utama.beancount"
    main_file.write_text(LOAN_HEADER + f'include "{included.name}"\n', encoding="utf-8")
    before = included.read_bytes()
    result = run("pinjaman", "portofolio", main_file, "--per", "2024-12-31", "--out", included)
    assert result.exit_code == 2, result.output
    assert "menunjuk berkas buku" in result.output and included.read_bytes() == before


def test_out_creates_the_folder_overwrites_an_old_report_and_handles_dev_full(books, tmp_path):
    out = tmp_path / "baru" / "portofolio.html"
    args = ["pinjaman", "portofolio", books, "--per", "2024-12-31", "--format", "html", "--out"]
    assert run(*args, out).exit_code == 0 and "<table" in out.read_text()
    out.write_text("lama")
    assert run(*args, out).exit_code == 0 and "<table" in out.read_text()
    full = run(*args, "/dev/full")
    assert full.exit_code == 1 and "disk penuh" in full.output and "Traceback" not in full.output


# --- spreadsheets never run anything ---------------------------------------------------------------
def _dangerous(cell: str) -> bool:
    return cell.startswith(FORMULA_STARTS) and not cell.lstrip("-").replace(".", "", 1).isdigit()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=12), min_size=1, max_size=4))
def test_no_csv_cell_from_random_text_is_a_formula(cells):
    text = csv_text(["a"] * len(cells), [cells])
    rows = list(csv.reader(io.StringIO(text)))
    got_row = rows[1] or [""]  # a row of one empty cell is an empty line
    assert len(rows) == 2 and len(got_row) == len(cells)
    for got, given_text in zip(got_row, cells, strict=True):
        assert not _dangerous(got)
        # apostrophes only added (where a field could begin: tests/test_masukan_keluaran.py)
        assert got == given_text or got.replace("'", "") == given_text.replace("'", "")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(max_size=12), min_size=1, max_size=4), st.text(max_size=12))
def test_no_xlsx_cell_from_random_text_is_a_formula(cells, title):
    from openpyxl import load_workbook

    content = xlsx_bytes([Sheet("S", (title,), tuple(cells), (Row(tuple(cells)),))])
    book = load_workbook(io.BytesIO(content))
    for row in book.active.iter_rows():
        for cell in row:
            assert cell.data_type != "f"
            assert not (isinstance(cell.value, str) and _dangerous(cell.value))


def test_safe_cell_follows_owasp():
    assert safe_cell("=1+1") == "'=1+1"
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("\tx") == "'\tx" and safe_cell("\rx") == "'\rx"
    assert safe_cell("-5000") == "-5000" and safe_cell("-2+3") == "'-2+3"
    assert safe_cell("Siti") == "Siti"


def test_member_csv_and_shu_csv_neutralise_names(shu_books):
    text = shu_books.read_text().replace('"Siti Aminah"', '"=HYPERLINK(""http://x"")"')
    shu_books.write_text(text.replace('"=HYPERLINK(""http://x"")"', '"=HYPERLINK(1)"'), encoding="utf-8")
    daftar = run("anggota", "daftar", shu_books, "--per", "2024-12-31", "--format", "csv")
    assert daftar.exit_code == 0, daftar.output
    assert "'=HYPERLINK(1)" in daftar.output
    assert not any(c.startswith("=") for r in csv.reader(io.StringIO(daftar.output)) for c in r)
    shu = run("shu", shu_books, "--tahun", "2024", "--format", "csv")
    assert shu.exit_code == 0 and "'=HYPERLINK(1)" in shu.output


def test_laporan_xlsx_with_a_formula_like_name_has_no_formula(books, tmp_path):
    from openpyxl import load_workbook

    books.write_text(books.read_text().replace('"Koperasi Uji Pinjaman"', '"=cmd|\' /C calc\'!A0"'), encoding="utf-8")
    out = tmp_path / "laporan.xlsx"
    result = run("laporan", books, "--tahun", "2024", "--format", "xlsx", "--out", out)
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert cells and all(c.data_type != "f" for c in cells)
    assert any(isinstance(c.value, str) and c.value.startswith("'=cmd") for c in cells)


# --- strict input ---------------------------------------------------------------------------------------
BAD_INPUT = [
    (["simpanan", "setor", "{b}", "--anggota", "A0001", "--jumlah", "1e6"], "bukan angka"),
    (["simpanan", "setor", "{b}", "--anggota", "A0001", "--jumlah", "1E+3"], "bukan angka"),
    (["simpanan", "setor", "{b}", "--anggota", "A0001", "--jumlah", "5_0000"], "bukan angka"),
    (["simpanan", "setor", "{b}", "--anggota", "A0001", "--jumlah", "\u0661\u0662\u0663"], "bukan angka"),
    (["simpanan", "setor", "{b}", "--anggota", "A0001", "--jumlah", "1" * 23], "terlalu besar"),
    (["simpanan", "wajib", "{b}", "--bulan", "0000-01"], "1900"),
    (["simpanan", "wajib", "{b}", "--bulan", "2025-13"], "YYYY-MM"),
    (["shu", "{b}", "--tahun", "10000"], "tahun"),
    (["shu", "{b}", "--tahun", "0"], "tahun"),
    (["laporan", "{b}", "--tahun", "3000"], "1900–2999"),
    (["laporan", "{b}", "--tahun", "2999"], "belum dimulai"),
    (["pinjaman", "jadwal", "--pokok", "1000000", "--bunga", "12", "--tenor", "12", "--mulai", "9999-12-31"],
     "1900"),
    (["pinjaman", "cair", "{b}", "--anggota", "A0001", "--pokok", "1e6", "--bunga", "12", "--tenor", "6",
      "--metode", "flat"], "bukan angka"),
    (["anggota", "tambah", "{b}", "--id", "A0009", "--nama", "Siti\x1b]0;x\x07", "--tanggal", "2024-12-01"],
     "U+001B (ESC)"),
    (["anggota", "tambah", "{b}", "--id", "A0009", "--nama", "Siti", "--alamat", "Jl\x00", "--tanggal",
      "2024-12-01"], "U+0000 (NUL)"),
    (["anggota", "tambah", "{b}", "--id", "A0009", "--nama", "Siti\x9b2J", "--tanggal", "2024-12-01"],
     "U+009B"),
    (["init", "{b}-baru", "--nama", "Kop\x1b[31m"], "U+001B (ESC)"),
    (["init", "{b}-baru", "--nama", "Kop", "--simpanan-pokok", "5_000"], "bukan angka"),
]


@pytest.mark.parametrize(("args", "message"), BAD_INPUT)
def test_bad_input_is_exit_2_with_a_clear_message(books, args, message):
    before = books.read_bytes()
    result = run(*[a.replace("{b}", str(books)) for a in args])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output and "\x1b" not in result.output and "\x00" not in result.output
    assert books.read_bytes() == before


def test_names_with_escapes_in_the_books_are_printed_harmlessly(books):
    books.write_text(books.read_text().replace('"Siti Aminah"', '"Siti\x1b[2J Aminah"'), encoding="utf-8")
    for args in (["anggota", "daftar", books, "--per", "2024-12-31"], ["pinjaman", "daftar", books, "--per",
                                                                         "2024-12-31"]):
        result = run(*args)
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.output and "\\x1b[2J" in result.output


# --- CSV import: Excel quoting and delimiters ---------------------------------------------------------
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_import_reads_excel_quoting_and_delimiters(tmp_path, delimiter):
    d = delimiter
    path = tmp_path / "anggota.csv"
    path.write_text(
        d.join(["id", "nama", "nik", "jenis_kelamin", "tanggal_masuk", "alamat", "telepon"]) + "\r\n"
        + d.join(["A0101", "Siti", "3201010101010001", "P", "2024-01-05", '"Gg. ""Buntu"", No 2"', "0812"]) + "\r\n",
        encoding="utf-8",
    )
    rows = read_rows(path)
    assert rows[0].cells["alamat"] == 'Gg. "Buntu", No 2' and rows[0].cells["telepon"] == "0812"


def test_csv_import_error_names_row_and_column(books, tmp_path):
    path = tmp_path / "anggota.csv"
    path.write_text(
        "id;nama;nik;jenis_kelamin;tanggal_masuk;alamat;telepon\n"
        'A0101;Siti;3201010101010001;P;2024-01-05;"Gg. Buntu; No 2";0812\n'
        'A0102;Budi;3201010101010002;L;2024-01-05;"Jl.\x1b[31m Mawar";0813\n',
        encoding="utf-8",
    )
    result = run("anggota", "impor", books, path)
    assert result.exit_code == 2, result.output
    assert "baris 3: kolom alamat berisi karakter kendali U+001B (ESC)" in result.output
    assert "baris 2" not in result.output and "\x1b" not in result.output
    assert "A0101" not in Koperasi.load(books).members


def test_member_list_xlsx_keeps_nik_and_phone_as_text(shu_books, tmp_path):
    from openpyxl import load_workbook

    text = shu_books.read_text()
    text = text.replace('"Siti Aminah"', '"@Siti Aminah"\n  nik: "3201234567890123"\n  telepon: "+6281234567"', 1)
    shu_books.write_text(text, encoding="utf-8")
    out = tmp_path / "anggota.xlsx"
    result = run("anggota", "daftar", shu_books, "--per", "2024-12-31", "--format", "xlsx", "--out", out)
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=False))
    header = [c.value for c in rows[3]]
    first = {h: c for h, c in zip(header, rows[4], strict=True)}
    assert first["nama"].value == "'@Siti Aminah" and first["nama"].data_type == "s"
    assert first["nik"].value == "3201234567890123" and first["telepon"].value == "'+6281234567"
    for name in ("id", "nik", "telepon"):
        assert first[name].data_type == "s" and isinstance(first[name].value, str)
    assert isinstance(first["pokok"].value, int)
    assert all(c.data_type != "f" for row in rows for c in row)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=20))
def test_amount_parser_accepts_only_ascii_digit_amounts(text):
    from kopledger.core.errors import InputError
    from kopledger.core.inputs import parse_amount

    plain = text.strip()
    valid = plain.isascii() and plain.isdigit() and len(plain) <= 15
    try:
        value = parse_amount(text)
    except InputError:
        assert not valid
    else:
        assert valid and value == int(plain)
