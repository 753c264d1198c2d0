"""Member import from CSV and XLSX: validate every row first, report row numbers, write all or nothing."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from click.testing import CliRunner

from kopledger import Koperasi
from kopledger.cli import main
from kopledger.core.errors import InputError
from kopledger.ops.member_import import import_entries, parse_date, read_rows
from tests.conftest import load_doc

TODAY = dt.date(2025, 12, 31)
HEADER = "id,nama,nik,jenis_kelamin,tanggal_masuk,alamat,telepon\n"
EXISTING = """\
2024-01-10 custom "anggota" "A0001" "Siti Aminah"
2024-01-10 * "Simpanan pokok" #simpanan-pokok
  anggota: "A0001"
  Aset:Kas                      100000 IDR
  Ekuitas:SimpananPokok:A0001  -100000 IDR
"""
CLOSED = '2024-01-01 custom "tutup-buku" "2023"\n  sidik: "0000000000000000000000000000000000000000000000000000000000000000"\n'


GOOD = HEADER + (
    "A0002,Budi Santoso,3201234567890125,L,2025-01-02,Jl. Melati 2,0812345\n"
    'A0003,"Cici, S.Pd",,p,02/01/2025,"Jl. Kenanga, RT 1",\n'
)


def write(tmp_path, name: str, content: str | bytes):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_good_csv_builds_join_entries(tmp_path):
    kop = load_doc(EXISTING)
    members, entries = import_entries(kop, write(tmp_path, "a.csv", GOOD), today=TODAY)
    assert [m.id for m in members] == ["A0002", "A0003"]
    assert members[1].nama == "Cici, S.Pd" and members[1].jenis_kelamin == "P"
    assert members[1].tanggal_masuk == dt.date(2025, 1, 2) and members[1].alamat == "Jl. Kenanga, RT 1"
    assert len(entries) == 4


def test_semicolon_csv_with_bom_and_column_order(tmp_path):
    content = "\ufefftelepon;tanggal_masuk;alamat;jenis_kelamin;nik;nama;ID\n;2025-03-01;;L;;Dedi;A0004\n"
    kop = load_doc(EXISTING)
    members, _ = import_entries(kop, write(tmp_path, "b.csv", content), today=TODAY)
    assert members[0].id == "A0004" and members[0].nama == "Dedi"


def test_every_bad_row_reported_with_spreadsheet_row_numbers(tmp_path):
    content = HEADER + (
        "A0002,Budi,3201234567890125,L,2025-01-02,,\n"          # row 2 ok
        "A0001,Dup Ledger,,P,2025-01-02,,\n"                    # row 3 duplicate with the ledger
        "A0002,Dup File,,P,2025-01-02,,\n"                      # row 4 duplicate in the file
        "A0005,NIK Pendek,12345,P,2025-01-02,,\n"               # row 5
        "\n"                                                    # row 6 blank, skipped
        "A0006,Gender,,X,2025-01-02,,\n"                        # row 7
        "A0007,Tanggal,,P,32/13/2025,,\n"                       # row 8
        "A0008,Masa Depan,,P,2030-01-01,,\n"                    # row 9
        "A0009,Tutup Buku,,P,2023-05-01,,\n"                    # row 10
        ",Tanpa ID,,P,2025-01-02,,\n"                           # row 11
        "A0012,NIK Ganda,3201234567890125,P,2025-01-02,,\n"     # row 12 same NIK as row 2
    )
    kop = load_doc(EXISTING + CLOSED)
    with pytest.raises(InputError) as info:
        import_entries(kop, write(tmp_path, "c.csv", content), today=TODAY)
    text = str(info.value)
    for row, words in [
        (3, "sudah terdaftar"), (4, "sudah dipakai di baris 2"), (5, "NIK"), (7, "P atau L"),
        (8, "bukan tanggal"), (9, "ada di masa depan"), (10, "tahun 2023 sudah ditutup"), (11, "id kosong"),
        (12, "NIK 3201234567890125 sudah dipakai di baris 2"),
    ]:
        assert f"baris {row}: " in text and words in text.split(f"baris {row}: ", 1)[1].split("\n")[0], row
    assert "baris 2:" not in text and "baris 6:" not in text
    assert "9 baris bermasalah; tidak ada yang ditulis" in text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "kosong: baris pertama harus judul kolom"),
        (b"\n\n", "kosong: baris pertama harus judul kolom"),
        (b"id,nama,tanggal_masuk\nA9,X,2025-01-01\n", "kolom tidak ada: nik, jenis_kelamin, alamat, telepon"),
        (HEADER.encode(), "tidak ada anggota"),
        (HEADER.encode() + "A9,Jos\xe9,,L,2025-01-01,,\n".encode("latin-1"), "bukan teks UTF-8"),
        (b"id,id,nama,nik,jenis_kelamin,tanggal_masuk,alamat,telepon\n", "kolom id muncul dua kali"),
    ],
)
def test_unreadable_files(tmp_path, content, message):
    kop = load_doc(EXISTING)
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        import_entries(kop, write(tmp_path, "d.csv", content), today=TODAY)


def test_other_extensions_and_missing_file(tmp_path):
    with pytest.raises(InputError, match=r"csv atau \.xlsx"):
        read_rows(write(tmp_path, "e.json", "{}"))
    with pytest.raises(InputError, match="berkas impor tidak ditemukan"):
        read_rows(tmp_path / "tidak-ada.csv")
    with pytest.raises(InputError, match="XLSX"):
        read_rows(write(tmp_path, "rusak.xlsx", b"bukan zip"))


def make_xlsx(path, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_xlsx_import_with_date_cells_and_numeric_nik(tmp_path):
    path = make_xlsx(tmp_path / "f.xlsx", [
        ["id", "nama", "nik", "jenis_kelamin", "tanggal_masuk", "alamat", "telepon"],
        ["A0002", "Budi", "3201234567890125", "L", dt.datetime(2025, 1, 2), "Jl. A", "0812"],
        ["A0003", "Cici", None, "P", "2025-01-03", None, None],
    ])
    kop = load_doc(EXISTING)
    members, entries = import_entries(kop, path, today=TODAY)
    assert len(entries) == 4
    assert [(m.id, m.tanggal_masuk) for m in members] == [("A0002", dt.date(2025, 1, 2)), ("A0003", dt.date(2025, 1, 3))]
    assert members[0].nik == "3201234567890125"
    bad = make_xlsx(tmp_path / "g.xlsx", [
        ["id", "nama", "nik", "jenis_kelamin", "tanggal_masuk", "alamat", "telepon"],
        ["A0002", "Budi", "123", "L", dt.datetime(2025, 1, 2), None, None],
    ])
    with pytest.raises(InputError, match="baris 2: NIK"):
        import_entries(kop, bad, today=TODAY)
    numeric = make_xlsx(tmp_path / "h.xlsx", [
        ["id", "nama", "nik", "jenis_kelamin", "tanggal_masuk", "alamat", "telepon"],
        ["A0002", "Budi", 3201234567890125, "L", dt.datetime(2025, 1, 2), None, 812345],
    ])
    with pytest.raises(InputError, match="baris 2: NIK tersimpan sebagai angka"):
        import_entries(kop, numeric, today=TODAY)


def test_parse_date_formats():
    assert parse_date("2025-01-31") == dt.date(2025, 1, 31)
    assert parse_date("31/01/2025") == dt.date(2025, 1, 31)
    assert parse_date("31-01-2025") == dt.date(2025, 1, 31)
    assert parse_date("Januari") is None


def test_cli_impor_writes_all_or_nothing(write_ledger, tmp_path):
    ledger = write_ledger(EXISTING)
    old = ledger.read_bytes()
    bad = write(tmp_path, "bad.csv", GOOD + "A0004,X,1,P,2025-01-02,,\n")
    result = CliRunner().invoke(main, ["anggota", "impor", str(ledger), str(bad)])
    assert result.exit_code == 2
    assert "baris 4: NIK" in result.output
    assert ledger.read_bytes() == old
    good = write(tmp_path, "good.csv", GOOD)
    dry = CliRunner().invoke(main, ["member", "import", str(ledger), str(good), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert 'custom "anggota" "A0003" "Cici, S.Pd"' in dry.stdout
    assert ledger.read_bytes() == old
    done = CliRunner().invoke(main, ["anggota", "impor", str(good)], env={"KOP_LEDGER": str(ledger)})
    assert done.exit_code == 0, done.output
    kop = Koperasi.load(ledger)
    assert kop.errors == [] and sorted(kop.members) == ["A0001", "A0002", "A0003"]
    again = CliRunner().invoke(main, ["anggota", "impor", str(ledger), str(good)])
    assert again.exit_code == 2 and "sudah terdaftar" in again.output


def test_trailing_blank_rows_are_ignored(tmp_path):
    kop = load_doc(EXISTING)
    members, _ = import_entries(kop, write(tmp_path, "t.csv", GOOD + "\n,,,,,,\n\n"), today=TODAY)
    assert len(members) == 2
    path = make_xlsx(tmp_path / "t.xlsx", [
        list(HEADER.strip().split(",")),
        ["A0002", "Budi", "3201234567890125", "L", "2025-01-02", None, None],
        [None] * 7,
        [None] * 7,
    ])
    members, _ = import_entries(kop, path, today=TODAY)
    assert [m.id for m in members] == ["A0002"]
