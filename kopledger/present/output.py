"""Output formats shared by every report: PDF from HTML, XLSX workbooks, and the statements.

- :func:`html_to_pdf` turns rendered HTML (our A4 print stylesheet) into PDF bytes with
  WeasyPrint; without WeasyPrint or Pango it raises :class:`InputError` saying how to
  get them.
- :func:`xlsx_bytes` writes :class:`Sheet` tables to an XLSX workbook with openpyxl:
  numbers stay numbers, shown in the rupiah format (no formulas).
- :func:`write_report` is how every ``--out`` is written: never onto a file the books
  read, through a temp file renamed into place, with a clear error for a full disk.
- :func:`safe_cell` (XLSX) and :func:`csv_cell` (CSV, whichever separator a spreadsheet splits
  on) neutralise spreadsheet formula injection (OWASP).
- :func:`render_laporan` renders :class:`~kopledger.reports.statements.FinancialStatements` in
  any of ``html``, ``pdf``, ``xlsx``, ``txt`` or ``json`` — markup only through the
  Jinja templates under ``templates/laporan/``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import mimetypes
import os
import re
import stat
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kopledger.core.errors import InputError
from kopledger.ops.writer import WriteFault, fault_message

if TYPE_CHECKING:
    pass

#: Excel number format for rupiah: ``Rp1.234.567``, negatives in parentheses, zero as "-".
RUPIAH_FORMAT = '"Rp"#,##0;("Rp"#,##0);"-"'
#: Number format for other currencies (two decimals).
NUMBER_FORMAT = '#,##0.00;(#,##0.00);"-"'

FORMATS = ("html", "pdf", "xlsx", "txt", "json")


# ----------------------------------------------------------------------------------
# Writing a report (--out)
# ----------------------------------------------------------------------------------


def books_files(entries_options: dict[str, Any], ledger: Path | None) -> set[Path]:
    """Every file the books read: the ledger and each file beancount loaded (``include``)."""
    files = {Path(name) for name in entries_options.get("include") or ()}
    if ledger is not None:
        files.add(Path(ledger))
    return {f.resolve() for f in files}


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def write_report(out: Path, content: str | bytes, *, protected: Iterable[Path] = ()) -> Path:
    """Write ``content`` to ``out`` safely and return where it went.

    Refused (:class:`InputError`, exit 2) when ``out`` is, or resolves through symlinks or a
    hard link to, one of ``protected`` (the ledger and its includes). A missing folder is
    created. A regular file is written to a temp file in the same folder, fsynced and
    renamed over ``out``, so a reader sees the old report or the new one, never half; a
    device such as ``/dev/stdout`` is written directly. A file-system fault
    (:class:`WriteFault`, exit 1) leaves no partial file.
    """
    target = out.resolve()
    for book in protected:
        if target == book or _same_file(target, book):
            raise InputError.pesan(
                "--out {out} menunjuk berkas buku ({buku}); laporan tidak pernah ditulis ke atas buku",
                hint="Pilih nama berkas lain untuk laporan, misalnya laporan-2025.html.",
                out=out, buku=book,
            )
    data_bytes = content if isinstance(content, bytes) else content.encode("utf-8")
    try:
        if target.exists() and not stat.S_ISREG(target.stat().st_mode):
            if target.is_dir():
                raise InputError.pesan(
                    "--out {out} adalah folder; sebutkan nama berkas",
                    out=out,
                )
            with open(target, "wb") as handle:  # a device or a pipe: no rename possible
                handle.write(data_bytes)
                handle.flush()
            return out
        target.parent.mkdir(parents=True, exist_ok=True)
        _replace_file(target, data_bytes)
    except OSError as exc:
        raise WriteFault.pesan(
            "{out} tidak bisa ditulis: {sebab}; tidak ada berkas setengah jadi yang tertinggal",
            hint="Periksa izin folder dan sisa ruang disk, atau pilih --out di tempat lain.",
            out=out, sebab=fault_message(exc),
        ) from None
    return out


def _replace_file(target: Path, data_bytes: bytes) -> None:
    mode = target.stat().st_mode & 0o7777 if target.exists() else None
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".kop-out")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data_bytes)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is None:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


# ----------------------------------------------------------------------------------
# Spreadsheet cells: no formula injection (OWASP "CSV Injection")
# ----------------------------------------------------------------------------------

#: A cell beginning with one of these is a formula to Excel, LibreOffice or Google Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?", re.ASCII)
#: Where a spreadsheet may begin a new field inside one CSV cell's text: the cell's start, and
#: after a separator it may split on — ``,`` (English locale), ``;`` (Indonesian list separator),
#: tab, or a line break — then spaces and quotes it may trim. A formula start there is a formula.
_FIELD_START = re.compile("(^|[,;\t\r\n])([ \"]*)(?=[" + re.escape("".join(FORMULA_STARTS)) + "])")


def safe_cell(text: str) -> str:
    """``text`` so that no spreadsheet evaluates it: a cell beginning with ``= + - @``, tab or
    CR (or their full-width forms) gets a leading apostrophe, as OWASP recommends. A plain
    number such as ``-5000`` is left alone (it is a number, not a formula). For an XLSX text
    cell, which is never split; a CSV cell needs :func:`csv_cell`."""
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_cell(text: str, *, first: bool = False) -> str:
    """One CSV field that no spreadsheet evaluates, whichever separator it splits on.

    The rule: a cell that is a plain number (``-?[0-9]+(.[0-9]+)?``: a figure kopledger wrote, or
    text that is one) is left alone — it holds no separator and is read as a number, never a
    formula. In any other cell, every place a field could begin — its start, and after each
    ``,`` ``;`` tab or line break (then spaces and quotes) — that begins with ``= + - @``, tab or CR
    (or a full-width form) gets an apostrophe there: ``a;=1+1`` becomes ``a;'=1+1``, so splitting
    on ``;`` gives ``'=1+1`` (text). The cell is then quoted (quotes doubled) when it holds a
    separator, a quote or a line break, or was neutralised. ``first``: the line's first cell, where
    a spreadsheet splitting on another separator begins a field with the whole line — neutralised
    even when it is a number (kopledger's first column is an id or a name, never a figure)."""
    if _PLAIN_NUMBER.fullmatch(text) and not first:
        return text
    made = _FIELD_START.sub(lambda m: m.group(1) + m.group(2) + "'", text)
    if made != text or any(ch in made for ch in ',;\t"\r\n'):
        return '"' + made.replace('"', '""') + '"'
    return made


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """CSV (comma, ``\n``, quotes doubled as Excel does) with every cell neutralised
    (:func:`csv_cell`); numbers (``Decimal``, ``int``) are written as plain numbers, dates ISO."""
    lines = [",".join(csv_cell(str(h), first=i == 0) for i, h in enumerate(header))]
    for row in rows:
        lines.append(",".join(
            "" if v is None else csv_cell(v if isinstance(v, str) else _csv_scalar(v), first=i == 0)
            for i, v in enumerate(row)
        ))
    return "\n".join(lines) + "\n"


def _csv_scalar(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# ----------------------------------------------------------------------------------
# PDF
# ----------------------------------------------------------------------------------


def html_to_pdf(html: str, *, template_dir: str | Path | None = None) -> bytes:
    """PDF bytes of ``html`` through WeasyPrint (A4 and page breaks from the stylesheet).

    WeasyPrint fetches only ``data:`` URLs and files inside ``template_dir`` (the user's
    template folder, relative URLs resolved against it; symlinks resolved, none may lead
    out): a template or stylesheet cannot read or attach any other file, nor reach the
    network (:func:`_folder_fetcher`)."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # OSError: Pango/GObject libraries missing
        raise InputError.pesan(
            "keluaran PDF memerlukan WeasyPrint dan pustaka Pango, yang belum tersedia ({sebab})",
            hint="Pasang dengan: pip install 'kopledger[pdf]' dan apt-get install libpango-1.0-0 "
                 "libpangoft2-1.0-0 (atau pilih --format html).",
            sebab=exc,
        ) from None
    root = Path(template_dir).resolve() if template_dir is not None else None
    base_url = root.as_uri() + "/" if root is not None else None
    pdf: bytes = HTML(string=html, base_url=base_url, url_fetcher=_folder_fetcher(root)).write_pdf()
    return pdf


def _folder_fetcher(root: Path | None) -> Any:
    """A WeasyPrint URL fetcher that serves ``data:`` URLs and regular files inside ``root``
    (after resolving symlinks) and refuses everything else (other files, http, ftp …)."""
    from urllib.parse import urlsplit
    from urllib.request import url2pathname

    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class FolderOnly(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            scheme = url.partition(":")[0].lower()
            if scheme == "data":
                return super().fetch(url, headers)
            parts = urlsplit(url)
            if scheme == "file" and root is not None and parts.netloc in ("", "localhost"):
                path = Path(url2pathname(parts.path)).resolve()
                if path.is_relative_to(root) and path.is_file():
                    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": kind})
            raise ValueError(f"refused by kopledger (only files of the template folder and data: URLs): {url}")

    return FolderOnly(allowed_protocols=("data", "file"))


# ----------------------------------------------------------------------------------
# XLSX
# ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One row of a sheet: cell values (str, numbers, dates, None), bold, indent of the first cell."""

    cells: tuple[Any, ...]
    bold: bool = False
    indent: int = 0
    border: bool = False


@dataclass(frozen=True)
class Sheet:
    """A worksheet: title lines on top, a header row, then the data rows."""

    name: str
    titles: tuple[str, ...] = ()
    header: tuple[str, ...] = ()
    rows: tuple[Row, ...] = ()
    widths: tuple[int, ...] = ()
    number_format: str = RUPIAH_FORMAT
    meta: dict[str, Any] = field(default_factory=dict)


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """An XLSX workbook of ``sheets``; numbers are written as numbers in ``number_format``."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    title_font = Font(bold=True, size=12)
    top = Border(top=Side(style="thin"))
    used: set[str] = set()
    for sheet in sheets:
        name = _sheet_name(sheet.name, used)
        ws = workbook.create_sheet(name)
        r = 1
        for title in sheet.titles:
            title_cell = ws.cell(row=r, column=1, value=_xlsx_text(title))
            title_cell.data_type = "s"
            title_cell.font = title_font
            r += 1
        if sheet.titles:
            r += 1
        if sheet.header:
            for c, text in enumerate(sheet.header, start=1):
                cell = ws.cell(row=r, column=c, value=_xlsx_text(text))
                cell.data_type = "s"
                cell.font = bold
                cell.border = Border(bottom=Side(style="thin"))
                if c > 1:
                    cell.alignment = Alignment(horizontal="right")
            ws.freeze_panes = ws.cell(row=r + 1, column=1)
            r += 1
        for row in sheet.rows:
            for c, value in enumerate(row.cells, start=1):
                cell = ws.cell(row=r, column=c, value=_cell_value(value))
                if isinstance(value, str):
                    cell.data_type = "s"  # text (NIK, phone, ids too), never a formula
                if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
                    cell.number_format = sheet.number_format
                elif isinstance(value, dt.date):
                    cell.number_format = "dd/mm/yyyy"
                if row.bold:
                    cell.font = bold
                if row.border and c > 1:
                    cell.border = top
                if c == 1 and row.indent:
                    cell.alignment = Alignment(indent=row.indent)
            r += 1
        for c, width in enumerate(sheet.widths, start=1):
            ws.column_dimensions[_column_letter(c)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell_value(value: Any) -> Any:
    if isinstance(value, str):
        return _xlsx_text(value)
    if isinstance(value, Decimal):
        # Whole amounts as int keep exactness; others as float (Excel has no decimal type).
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def member_sheet(rows: Sequence[Any], title: str, date: dt.date) -> Sheet:
    """The member list (:class:`~kopledger.ops.members.MemberRow`) as a sheet: NIK, phone and ids
    are text cells (a 16-digit NIK as a number would lose its last digits), amounts numbers."""
    header = ("id", "nama", "nik", "jenis_kelamin", "tanggal_masuk", "tanggal_keluar", "status", "alamat",
              "telepon", "pokok", "wajib", "sukarela", "berjangka", "pinjaman")
    return Sheet(
        "Anggota", (title, f"Daftar anggota per {date.isoformat()}"), header,
        tuple(Row(tuple(getattr(r, name) for name in header)) for r in rows),
        (9, 28, 20, 6, 12, 12, 8, 36, 16, 14, 14, 14, 14, 14),
    )


def _xlsx_text(text: str) -> str:
    """A text cell for XLSX: neutralised (:func:`safe_cell`), characters XML cannot hold dropped."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return safe_cell(ILLEGAL_CHARACTERS_RE.sub("", text))


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index))


def _sheet_name(name: str, used: set[str]) -> str:
    """A valid, unique Excel sheet name (≤ 31 characters, no ``[]:*?/\\``)."""
    clean = "".join("-" if ch in "[]:*?/\\" else ch for ch in name)[:31] or "Sheet"
    candidate, n = clean, 2
    while candidate.lower() in used:
        suffix = f" ({n})"
        candidate = clean[: 31 - len(suffix)] + suffix
        n += 1
    used.add(candidate.lower())
    return candidate
