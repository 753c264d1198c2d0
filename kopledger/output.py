"""Output formats shared by every report: PDF from HTML, XLSX workbooks, and the statements.

- :func:`html_to_pdf` turns rendered HTML (our A4 print stylesheet) into PDF bytes with
  WeasyPrint; without WeasyPrint or Pango it raises :class:`InputError` saying how to
  get them.
- :func:`xlsx_bytes` writes :class:`Sheet` tables to an XLSX workbook with openpyxl:
  numbers stay numbers, shown in the rupiah format (no formulas).
- :func:`render_laporan` renders :class:`~kopledger.statements.FinancialStatements` in
  any of ``html``, ``pdf``, ``xlsx``, ``txt`` or ``json`` — markup only through the
  Jinja templates under ``templates/laporan/``.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kopledger.errors import InputError

if TYPE_CHECKING:
    from kopledger.ledger import Koperasi
    from kopledger.statements import FinancialStatements

#: Excel number format for rupiah: ``Rp1.234.567``, negatives in parentheses, zero as "-".
RUPIAH_FORMAT = '"Rp"#,##0;("Rp"#,##0);"-"'
#: Number format for other currencies (two decimals).
NUMBER_FORMAT = '#,##0.00;(#,##0.00);"-"'

FORMATS = ("html", "pdf", "xlsx", "txt", "json")


# ----------------------------------------------------------------------------------
# PDF
# ----------------------------------------------------------------------------------


def html_to_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """PDF bytes of ``html`` through WeasyPrint (A4 and page breaks from the stylesheet)."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # OSError: Pango/GObject libraries missing
        raise InputError(
            f"keluaran PDF memerlukan WeasyPrint dan pustaka Pango, yang belum tersedia ({exc})",
            hint=(
                "Pasang dengan: pip install 'kopledger[pdf]' dan "
                "apt-get install libpango-1.0-0 libpangoft2-1.0-0 (atau pilih --format html)."
            ),
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
            ws.cell(row=r, column=1, value=title).font = title_font
            r += 1
        if sheet.titles:
            r += 1
        if sheet.header:
            for c, text in enumerate(sheet.header, start=1):
                cell = ws.cell(row=r, column=c, value=text)
                cell.font = bold
                cell.border = Border(bottom=Side(style="thin"))
                if c > 1:
                    cell.alignment = Alignment(horizontal="right")
            ws.freeze_panes = ws.cell(row=r + 1, column=1)
            r += 1
        for row in sheet.rows:
            for c, value in enumerate(row.cells, start=1):
                cell = ws.cell(row=r, column=c, value=_cell_value(value))
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
    if isinstance(value, Decimal):
        # Whole amounts as int keep exactness; others as float (Excel has no decimal type).
        return int(value) if value == value.to_integral_value() else float(value)
    return value


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


def laporan_context(kop: Koperasi, fs: FinancialStatements, jenis: Sequence[str]) -> dict[str, Any]:
    """The template context of the statements: ``laporan``, ``kop_info``, ``pengurus``…"""
    from kopledger.config import KoperasiInfo

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
    }


def _tempat(kop: Koperasi, alamat: str) -> str:
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
    kop: Koperasi,
    fs: FinancialStatements,
    fmt: str,
    *,
    jenis: Sequence[str] | None = None,
    lang: str = "id",
    template_dir: str | Path | None = None,
) -> str | bytes:
    """The statements ``jenis`` (default all) as ``html``, ``pdf``, ``xlsx``, ``txt`` or ``json``."""
    from kopledger.render import render
    from kopledger.statements import JENIS, statements_json

    parts = list(jenis or JENIS)
    unknown = [p for p in parts if p not in JENIS]
    if unknown:
        raise InputError(f"laporan tidak dikenal: {unknown[0]!r}; pakai salah satu dari {', '.join(JENIS)} atau semua")
    if fmt == "json":
        from kopledger.jsondata import dumps

        return dumps(statements_json(fs, parts))
    context = laporan_context(kop, fs, parts)
    if fmt == "txt":
        return render("laporan/laporan.txt.j2", context, lang=lang, template_dir=template_dir)
    if fmt == "xlsx":
        return xlsx_bytes(laporan_sheets(fs, parts, lang=lang, nama=context["kop_info"].nama))
    if fmt in ("html", "pdf"):
        html = render("laporan/laporan.html.j2", context, lang=lang, template_dir=template_dir)
        return html if fmt == "html" else html_to_pdf(html)
    raise InputError(f"format tidak dikenal: {fmt!r}; pakai salah satu dari {', '.join(FORMATS)}")


def laporan_sheets(fs: FinancialStatements, jenis: Sequence[str], *, lang: str = "id", nama: str = "") -> list[Sheet]:
    """One sheet per statement (and the notes' account breakdown for ``calk``)."""
    from kopledger.formatting import tanggal
    from kopledger.render import translate

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
    from kopledger.formatting import tanggal
    from kopledger.katalog import EQUITY_COMPONENTS
    from kopledger.render import translate

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
