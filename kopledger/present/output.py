"""Output formats shared by every report: PDF from HTML, XLSX workbooks, and the statements.

- :func:`html_to_pdf` turns rendered HTML (our A4 print stylesheet) into PDF bytes with
  WeasyPrint; without WeasyPrint or Pango it raises :class:`InputError` saying how to
  get them.
- :func:`xlsx_bytes` writes :class:`Sheet` tables to an XLSX workbook with openpyxl:
  numbers stay numbers, shown in the rupiah format (no formulas).
- :func:`write_report` is how every ``--out`` is written: never onto a file the books
  read, through a temp file renamed into place, with a clear error for a full disk.
- :func:`safe_cell` neutralises spreadsheet formula injection (OWASP) in CSV and XLSX.
- :func:`render_laporan` renders :class:`~kopledger.reports.statements.FinancialStatements` in
  any of ``html``, ``pdf``, ``xlsx``, ``txt`` or ``json`` — markup only through the
  Jinja templates under ``templates/laporan/``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
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
    from kopledger.books.ledger import Books
    from kopledger.reports.statements import FinancialStatements

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


def safe_cell(text: str) -> str:
    """``text`` so that no spreadsheet evaluates it: a cell beginning with ``= + - @``, tab or
    CR (or their full-width forms) gets a leading apostrophe, as OWASP recommends. A plain
    number such as ``-5000`` is left alone (it is a number, not a formula)."""
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """CSV (comma, ``\n``, quotes doubled as Excel does) with every text cell neutralised."""
    lines = [",".join(_csv_field(safe_cell(str(h))) for h in header)]
    for row in rows:
        lines.append(",".join(
            _csv_field("" if v is None else safe_cell(v if isinstance(v, str) else _csv_scalar(v))) for v in row
        ))
    return "\n".join(lines) + "\n"


def _csv_field(text: str) -> str:
    """One CSV field, quoted (quotes doubled) when it holds a comma, a quote, CR or LF."""
    if any(ch in text for ch in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _csv_scalar(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# ----------------------------------------------------------------------------------
# PDF
# ----------------------------------------------------------------------------------


def html_to_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """PDF bytes of ``html`` through WeasyPrint (A4 and page breaks from the stylesheet)."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # OSError: Pango/GObject libraries missing
        raise InputError.pesan(
            "keluaran PDF memerlukan WeasyPrint dan pustaka Pango, yang belum tersedia ({sebab})",
            hint="Pasang dengan: pip install 'kopledger[pdf]' dan apt-get install libpango-1.0-0 "
                 "libpangoft2-1.0-0 (atau pilih --format html).",
            sebab=exc,
        ) from None
    pdf: bytes = HTML(string=html, base_url=base_url or str(Path.cwd())).write_pdf()
    return pdf


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


# ----------------------------------------------------------------------------------
# The financial statements
# ----------------------------------------------------------------------------------

#: Signature roles of the statements, in order (pengawas sign their own report).
TTD_ROLES = ("ketua", "sekretaris", "bendahara")


def laporan_context(kop: Books, fs: FinancialStatements, jenis: Sequence[str]) -> dict[str, Any]:
    """The template context of the statements: ``laporan``, ``kop_info``, ``pengurus``…"""
    from kopledger.books.closed.year_files import closed_sidik
    from kopledger.books.directives import KoperasiInfo

    info = kop.info if kop.info is not None else KoperasiInfo(nama=kop.title)
    officers = [o for o in kop.officers if "pengawas" not in o.role]
    rank = {role: i for i, role in enumerate(TTD_ROLES)}
    officers.sort(key=lambda o: (rank.get(o.role, len(rank)), o.role))
    signers = [o for o in officers if o.role in rank] or officers
    return {
        "laporan": fs,
        "kop_info": info,
        "bagian_laporan": list(jenis),
        "pengurus": signers,
        "tempat": _tempat(kop, info.alamat),
        "tanggal": fs.tanggal,
        "judul": f"Laporan Keuangan {fs.tahun} — {info.nama}",
        "sidik_tahun": closed_sidik(kop, until=fs.tahun),  # issue 13: the witness of closed years
    }


def _tempat(kop: Books, alamat: str) -> str:
    """Where the statements are signed: ``tempat`` metadata of the ``koperasi`` directive,
    else the town of the address (``Kota Sukabumi`` → ``Sukabumi``), else its last part."""
    for entry in reversed(kop.entries):
        if getattr(entry, "type", None) == "koperasi" and entry.meta.get("tempat"):
            return str(entry.meta["tempat"])
    parts = [p.strip() for p in alamat.split(",") if p.strip()]
    for part in reversed(parts):
        for prefix in ("Kota ", "Kabupaten ", "Kab. "):
            if part.startswith(prefix):
                return part[len(prefix):].strip()
    plain = [p for p in parts if not any(ch.isdigit() for ch in p)
             and not p.lower().startswith(("jl", "jalan", "kel", "kec", "desa", "rt", "rw"))]
    if plain:
        return plain[-1]
    return parts[-1].rstrip("0123456789 ") if parts else ""


def render_laporan(
    kop: Books,
    fs: FinancialStatements,
    fmt: str,
    *,
    jenis: Sequence[str] | None = None,
    lang: str = "id",
    template_dir: str | Path | None = None,
) -> str | bytes:
    """The statements ``jenis`` (default all) as ``html``, ``pdf``, ``xlsx``, ``txt`` or ``json``."""
    from kopledger.present.render import render
    from kopledger.reports.statements import JENIS, statements_json

    parts = list(jenis or JENIS)
    unknown = [p for p in parts if p not in JENIS]
    if unknown:
        raise InputError.pesan(
            "laporan tidak dikenal: {laporan!r}; pakai salah satu dari {pilihan} atau semua",
            laporan=unknown[0], pilihan=', '.join(JENIS),
        )
    if fmt == "json":
        from kopledger.present.jsondata import dumps

        return dumps(statements_json(fs, parts))
    context = laporan_context(kop, fs, parts)
    if fmt == "txt":
        return render("laporan/laporan.txt.j2", context, lang=lang, template_dir=template_dir)
    if fmt == "xlsx":
        return xlsx_bytes(laporan_sheets(fs, parts, lang=lang, nama=context["kop_info"].nama))
    if fmt in ("html", "pdf"):
        html = render("laporan/laporan.html.j2", context, lang=lang, template_dir=template_dir)
        return html if fmt == "html" else html_to_pdf(html)
    raise InputError.pesan(
        "format tidak dikenal: {fmt!r}; pakai salah satu dari {pilihan}",
        fmt=fmt, pilihan=', '.join(FORMATS),
    )


def laporan_sheets(fs: FinancialStatements, jenis: Sequence[str], *, lang: str = "id", nama: str = "") -> list[Sheet]:
    """One sheet per statement (and the notes' account breakdown for ``calk``)."""
    from kopledger.present.formatting import tanggal
    from kopledger.core.errors import translate

    def _(text: str) -> str:
        return translate(text, lang)

    number_format = RUPIAH_FORMAT if fs.mata_uang == "IDR" else NUMBER_FORMAT
    sheets = []
    for part in jenis:
        if part == "calk":
            rows = [Row((_(d.label), d.kode, d.akun, d.jumlah, d.jumlah_pembanding)) for d in fs.calk.rincian]
            rows += [Row(("",))] + [
                Row((_(s.label), s.kode, s.akun, s.jumlah, s.jumlah_pembanding), bold=s.jenis == "total")
                for s in fs.calk.simpanan
            ]
            sheets.append(Sheet(
                _("Catatan"),
                (nama, _("Catatan atas Laporan Keuangan"), f"{_('Rincian pos laporan menurut akun')}"),
                (_("Pos"), _("Kode"), _("Akun"), str(fs.tahun), str(fs.pembanding)),
                tuple(rows), (44, 9, 40, 18, 18), number_format,
            ))
            continue
        st = fs.statement(part)
        if st.kolom:  # the equity statement: a table by component (equity_sheet)
            sheets.append(equity_sheet(fs, lang=lang, nama=nama, number_format=number_format))
            continue
        posisi = part == "neraca"
        periode = (
            f"{_('Per')} {tanggal(fs.tanggal, lang)} {_('dan')} {fs.pembanding}" if posisi
            else f"{_('Untuk tahun yang berakhir pada')} {tanggal(fs.tanggal, lang)} {_('dan')} {fs.pembanding}"
        )
        rows = []
        for line in st.lines:
            label = _(line.label)
            if line.jenis == "bagian":
                rows.append(Row((label, line.kode), bold=True, indent=line.level))
            else:
                rows.append(Row(
                    (label, line.kode, line.jumlah, line.jumlah_pembanding),
                    bold=line.jenis in ("subtotal", "total"), indent=line.level,
                    border=line.jenis in ("subtotal", "total"),
                ))
        sheets.append(Sheet(
            _(st.judul), (nama, _(st.judul).upper(), periode),
            (_("Uraian"), _("Kode"), str(fs.tahun), str(fs.pembanding)),
            tuple(rows), (56, 9, 20, 20), number_format,
        ))
    return sheets


def equity_sheet(fs: FinancialStatements, *, lang: str = "id", nama: str = "", number_format: str = RUPIAH_FORMAT) -> Sheet:
    """The statement of changes in equity as a table by component (prior year, then the year)."""
    from kopledger.books.katalog import EQUITY_COMPONENTS
    from kopledger.present.formatting import tanggal
    from kopledger.core.errors import translate

    def _(text: str) -> str:
        return translate(text, lang)

    st = fs.ekuitas
    rows: list[Row] = []
    for i, r in enumerate(st.tabel):
        if r.jenis == "saldo" and (i == 0 or st.tabel[i - 1].jenis == "saldo"):
            rows.append(Row((f"{_('Tahun')} {r.tahun}",), bold=True))
        label = f"{_(r.label)} {r.tahun}" if r.jenis == "saldo" else _(r.label)
        rows.append(Row((label, *r.per_kolom, r.jumlah), bold=r.jenis == "saldo", indent=0 if r.jenis == "saldo" else 1,
                        border=r.jenis == "saldo"))
    periode = f"{_('Untuk tahun yang berakhir pada')} {tanggal(fs.tanggal, lang)} {_('dan')} {fs.pembanding}"
    return Sheet(
        _(st.judul), (nama, _(st.judul).upper(), periode),
        (_("Uraian"), *(_(EQUITY_COMPONENTS[k]) for k in st.kolom), _("Jumlah ekuitas")),
        tuple(rows), (40, *(18 for _k in st.kolom), 18), number_format,
    )
