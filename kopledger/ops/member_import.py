"""Member import from a CSV or XLSX file (``kop anggota impor``).

Columns (header row, any order, case-insensitive): ``id, nama, nik, jenis_kelamin,
tanggal_masuk, alamat, telepon``. Every row is checked first, against the file itself
and the books; on any bad row :class:`~kopledger.core.errors.InputError` lists every bad row
with its row number as the treasurer sees it in a spreadsheet (the header is row 1), and
nothing is built. Pure: reads the file, returns data or directives, never writes.

Bounded whatever the file: at most :data:`MAX_ROWS` member rows (the header is row 1, so rows
2–10,001); a CSV of at most :data:`MAX_BYTES`; an XLSX (a zip) of at most :data:`MAX_ENTRIES`
entries and :data:`MAX_BYTES` uncompressed in all — checked from the zip's directory before
openpyxl reads a byte of it (Python's zip reader never inflates an entry past its declared
size) — and only its first :data:`MAX_COLUMNS` columns are read. A larger file is refused with
the limit it broke: a "zip bomb" of a few kilobytes that inflates to gigabytes costs nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import string
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from beancount.core import data

from kopledger.books.ledger import Books
from kopledger.books.periode import hari_ini
from kopledger.core.errors import InputError, Pesan
from kopledger.core.inputs import clean_text, terminal_safe
from kopledger.ops.members import (
    NewMember,
    closed_years,
    join_date_problems,
    join_many,
    member_problems,
)

COLUMNS = ("id", "nama", "nik", "jenis_kelamin", "tanggal_masuk", "alamat", "telepon")
REQUIRED = ("id", "nama", "tanggal_masuk")
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")

#: Member rows one import may hold (import a larger register in parts).
MAX_ROWS = 10_000
#: Bytes of a CSV file, or of an XLSX file's contents uncompressed (a 10,000-row list is ~5 MB).
MAX_BYTES = 20 * 1024 * 1024
#: Entries of an XLSX file's zip (a workbook from a spreadsheet program has a few dozen).
MAX_ENTRIES = 1_000
#: Columns of the sheet that are read (the member columns plus any notes beside them).
MAX_COLUMNS = 64


@dataclass(frozen=True)
class ImportRow:
    """One data row of the file: its spreadsheet row number and its cells by column."""

    baris: int
    cells: dict[str, str]
    #: columns whose spreadsheet cell held a number rather than text (XLSX only)
    angka: frozenset[str] = frozenset()


def read_rows(path: str | Path) -> list[ImportRow]:
    """The data rows of a CSV or XLSX file; :class:`InputError` for an unreadable file."""
    file = Path(path)
    if not file.is_file():
        raise InputError.pesan("berkas impor tidak ditemukan: {berkas}", berkas=file)
    suffix = file.suffix.lower()
    raw: list[list[Any]]
    if suffix in (".xlsx", ".xlsm"):
        raw = _read_xlsx(file)
    elif suffix in (".csv", ".txt"):
        raw = [list(row) for row in _read_csv(file)]
    else:
        raise InputError.pesan("{berkas}: berikan berkas .csv atau .xlsx", berkas=file.name)
    table = [[_cell_text(v) for v in row] for row in raw]
    while table and not any(c.strip() for c in table[-1]):
        table.pop()
    if not table or not any(c.strip() for c in table[0]):
        raise InputError.pesan(
            "{berkas} kosong: baris pertama harus judul kolom ({judul})",
            berkas=file.name, judul=', '.join(COLUMNS),
        )
    header = [c.strip().lower().replace(" ", "_").replace("-", "_") for c in table[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise InputError.pesan(
            "{berkas}: kolom tidak ada: {kolom}",
            hint="Baris judul (baris 1) harus memuat: {judul}",
            berkas=file.name, kolom=', '.join(missing), judul=', '.join(COLUMNS),
        )
    duplicated = sorted({c for c in header if c and header.count(c) > 1})
    if duplicated:
        raise InputError.pesan(
            "{berkas}: kolom {kolom} muncul dua kali di baris judul; hapus salah satunya",
            berkas=file.name, kolom=', '.join(duplicated),
        )
    index = {name: header.index(name) for name in COLUMNS}
    rows = []
    for number, (cells, raw_cells) in enumerate(zip(table[1:], raw[1:], strict=False), start=2):
        if not any(c.strip() for c in cells):
            continue  # blank lines are not members
        values = {name: (cells[i].strip() if i < len(cells) else "") for name, i in index.items()}
        numeric = frozenset(
            name for name, i in index.items()
            if i < len(raw_cells) and isinstance(raw_cells[i], int | float) and not isinstance(raw_cells[i], bool)
        )
        rows.append(ImportRow(number, values, numeric))
    if not rows:
        raise InputError.pesan(
            "{berkas} punya baris judul tetapi tidak ada anggota; isi data anggota mulai baris 2",
            berkas=file.name,
        )
    return rows


def _too_big(file: Path, size: int) -> InputError:
    return InputError.pesan(
        "{berkas} terlalu besar untuk diimpor: {ukuran} bita (tanpa pemampatan); paling banyak {batas} bita",
        hint="Impor daftar anggota dalam beberapa berkas yang lebih kecil.",
        berkas=file.name, ukuran=size, batas=MAX_BYTES,
    )


def _too_many_rows(file: Path) -> InputError:
    return InputError.pesan(
        "{berkas} memuat lebih dari {batas} baris anggota (baris 2–{baris_akhir}); impor dalam beberapa berkas",
        berkas=file.name, batas=MAX_ROWS, baris_akhir=MAX_ROWS + 1,
    )


def _bounded_rows(file: Path, rows: Iterable[Sequence[Any]]) -> list[list[Any]]:
    """The header and member rows of ``rows``, read no further than the limits: a row with data
    after row ``MAX_ROWS + 1`` (or any row, even blank, after twice that) is refused."""
    table: list[list[Any]] = []
    for number, row in enumerate(rows, start=1):
        if number > MAX_ROWS + 1 and (number > 2 * (MAX_ROWS + 1) or any(_cell_text(v).strip() for v in row)):
            raise _too_many_rows(file)
        if number <= MAX_ROWS + 1:
            table.append(list(row[:MAX_COLUMNS]))
    return table


def _read_csv(file: Path) -> list[list[str]]:
    size = file.stat().st_size
    if size > MAX_BYTES:
        raise _too_big(file, size)
    raw = file.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError.pesan(
            "{berkas} bukan teks UTF-8 (bita rusak di baris {baris})",
            hint="Simpan ulang sebagai 'CSV UTF-8' dari program spreadsheet Anda.",
            berkas=file.name, baris=line,
        ) from None
    if not text.strip():
        raise InputError.pesan(
            "{berkas} kosong: baris pertama harus judul kolom ({judul})",
            berkas=file.name, judul=', '.join(COLUMNS),
        )
    delimiter = sniff_delimiter(text.split("\n", 1)[0])
    try:
        # Excel's quoting ("" is a quote inside a quoted cell), whatever the delimiter
        return _bounded_rows(file, csv.reader(io.StringIO(text), csv.excel, delimiter=delimiter))
    except csv.Error as exc:
        raise InputError.pesan(
            "{berkas} bukan berkas CSV yang sah: {sebab}",
            berkas=file.name, sebab=exc,
        ) from None


def sniff_delimiter(header: str) -> str:
    """The delimiter of a CSV file from its header line: ``,`` ``;`` (Excel in an Indonesian
    locale) or tab, by :class:`csv.Sniffer`, else the most frequent of them."""
    try:
        found = csv.Sniffer().sniff(header, delimiters=",;\t").delimiter
    except csv.Error:
        found = ""
    if found in (",", ";", "\t"):
        return found
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _check_zip(file: Path) -> None:
    """Refuse an XLSX whose zip has too many entries or too many bytes uncompressed, from its
    central directory, before anything is inflated."""
    try:
        with zipfile.ZipFile(file) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError.pesan(
            "{berkas} tidak bisa dibaca sebagai buku kerja XLSX: {sebab}",
            berkas=file.name, sebab=exc,
        ) from None
    if len(entries) > MAX_ENTRIES:
        raise InputError.pesan(
            "{berkas} memuat {jumlah} bagian di dalamnya; buku kerja XLSX yang wajar paling banyak {batas}",
            berkas=file.name, jumlah=len(entries), batas=MAX_ENTRIES,
        )
    size = sum(entry.file_size for entry in entries)
    if size > MAX_BYTES:
        raise _too_big(file, size)


def _read_xlsx(file: Path) -> list[list[Any]]:
    import openpyxl

    _check_zip(file)
    try:
        book = openpyxl.load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise InputError.pesan(
            "{berkas} tidak bisa dibaca sebagai buku kerja XLSX: {sebab}",
            berkas=file.name, sebab=exc,
        ) from None
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # a declared A1:XFD1048576 would pad every row to 16,384 cells
        return _bounded_rows(file, sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True))
    except InputError:
        raise
    except Exception as exc:  # a damaged sheet inside a sound zip (bad XML, a truncated or corrupt entry)
        raise InputError.pesan(
            "{berkas} tidak bisa dibaca sebagai buku kerja XLSX: {sebab}",
            berkas=file.name, sebab=exc,
        ) from None
    finally:
        book.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_date(text: str) -> dt.date | None:
    """A date written ``YYYY-MM-DD``, ``DD/MM/YYYY`` or ``DD-MM-YYYY`` in ASCII digits; None if none
    fits (``strptime`` alone would take full-width or other scripts' digits)."""
    if not text.isascii():
        return None
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


def _safe(value: Any) -> Any:
    """``value`` for a message printed on a terminal: control characters in its text made visible
    (:func:`~kopledger.core.inputs.terminal_safe`); a :class:`Pesan` keeps its template, its values made safe."""
    if isinstance(value, Pesan):
        quoted = {name for _, name, _, conv in string.Formatter().parse(value.teks) if name and conv == "r"}
        made = Pesan(value.teks, **{k: v if k in quoted else _safe(v) for k, v in value.nilai.items()})
        made.konteks = value.konteks
        return made
    return terminal_safe(value) if isinstance(value, str) else value


def validate_rows(
    kop: Books, rows: list[ImportRow], *, today: dt.date | None = None
) -> tuple[list[NewMember], list[Pesan]]:
    """The members of ``rows`` and every problem as ``"baris N: …"`` lines."""
    today = today or hari_ini()
    closed = closed_years(kop)
    members: list[NewMember] = []
    problems: list[Pesan] = []
    first_row: dict[str, int] = {}
    nik_row: dict[str, int] = {}
    for row in rows:
        cells = row.cells
        row_problems = [Pesan("{kolom} kosong", kolom=name) for name in REQUIRED if not cells[name]]
        for name in COLUMNS:
            try:
                clean_text(cells[name], Pesan("kolom {kolom}", kolom=name))
            except InputError as exc:
                row_problems.append(Pesan.dari(exc))
        date = parse_date(cells["tanggal_masuk"]) if cells["tanggal_masuk"] else None
        if cells["tanggal_masuk"] and date is None:
            row_problems.append(Pesan("tanggal_masuk {tanggal!r} bukan tanggal (pakai YYYY-MM-DD)",
                                      tanggal=cells["tanggal_masuk"]))
        member = NewMember(
            id=cells["id"],
            nama=cells["nama"],
            tanggal_masuk=date or today,
            nik=cells["nik"],
            jenis_kelamin=cells["jenis_kelamin"].upper(),
            alamat=cells["alamat"],
            telepon=cells["telepon"],
        )
        row_problems += [p for p in member_problems(member) if not p.endswith(" kosong")]
        if "nik" in row.angka:
            row_problems.append(Pesan(
                "NIK tersimpan sebagai angka; spreadsheet hanya menyimpan 15 digit angka, jadi ubah format "
                "kolom nik menjadi Teks lalu ketik ulang NIK-nya"
            ))
        if member.id and member.id in first_row:
            row_problems.append(Pesan("id {anggota} sudah dipakai di baris {baris}",
                                      anggota=member.id, baris=first_row[member.id]))
        if member.nik and member.nik in nik_row:
            row_problems.append(Pesan("NIK {nik} sudah dipakai di baris {baris}", nik=member.nik, baris=nik_row[member.nik]))
        elif member.nik:
            nik_row[member.nik] = row.baris
        if date is not None:
            row_problems += [
                p for p in join_date_problems(kop, member, today, closed, set()) if "muncul dua kali" not in p
            ]
        elif member.id in kop.members:
            row_problems.append(Pesan("id {anggota} sudah terdaftar ({nama}); pakai id lain",
                                      anggota=member.id, nama=kop.members[member.id].nama))
        if member.id and member.id not in first_row:
            first_row[member.id] = row.baris
        if row_problems:
            problems += [_safe(Pesan("baris {baris}: {masalah}", baris=row.baris, masalah=p)) for p in row_problems]
        else:
            members.append(member)
    return members, problems


def import_entries(
    kop: Books, path: str | Path, *, today: dt.date | None = None
) -> tuple[list[NewMember], list[data.Directive]]:
    """Members of the file and their join directives; :class:`InputError` listing every bad row."""
    rows = read_rows(path)
    members, problems = validate_rows(kop, rows, today=today)
    if problems:
        bad = len({p.split(":", 1)[0] for p in problems})
        raise InputError.pesan(
            "{berkas}: {jumlah} baris bermasalah; tidak ada yang ditulis:\n  {masalah}",
            hint="Perbaiki baris-baris ini (baris 1 adalah judul kolom) lalu impor ulang seluruh berkas.",
            berkas=terminal_safe(Path(path).name), jumlah=bad, masalah=Pesan.gabung("\n  ", problems),
        )
    return members, join_many(kop, members, today=today)
