"""The financial statements presented: the JSON contract (kopledger/schemas/laporan.schema.json),
the documents through the templates under ``templates/laporan/`` (``html``, ``pdf``, ``txt``),
the XLSX workbook, and one business unit's report (``kop laporan --unit``, ``templates/unit/``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from kopledger.books.closed.year_files import closed_sidik
from kopledger.books.directives import KoperasiInfo
from kopledger.books.katalog import EQUITY_COMPONENTS
from kopledger.books.ledger import Books
from kopledger.core.errors import InputError, translate
from kopledger.present.formatting import tanggal
from kopledger.present.jsondata import decimal_text, dumps, plain
from kopledger.present.output import (
    FORMATS,
    NUMBER_FORMAT,
    RUPIAH_FORMAT,
    Row,
    Sheet,
    html_to_pdf,
    xlsx_bytes,
)
from kopledger.present.render import render, render_document
from kopledger.reports.catatan import Notes
from kopledger.reports.statements import JENIS, FinancialStatements, Statement
from kopledger.reports.unit_usaha import unit_report

#: Version of the JSON documents (``skema``); see kopledger/schemas/laporan.schema.json.
SKEMA = "1"

_JSON_KEYS = {"neraca": "neraca", "phu": "phu", "ekuitas": "ekuitas", "arus-kas": "arus_kas"}


def total_json(value: tuple[Decimal, Decimal]) -> dict[str, str]:
    """The one shape of a statement total everywhere: ``{"jumlah", "jumlah_pembanding"}``."""
    return {"jumlah": decimal_text(value[0]), "jumlah_pembanding": decimal_text(value[1])}


def statement_json(statement: Statement) -> dict[str, Any]:
    """One statement as plain JSON data (amounts as exact decimal strings)."""
    result: dict[str, Any] = {
        "jenis": statement.jenis,
        "judul": statement.judul,
        "lines": [plain(line) for line in statement.lines],
        "totals": {k: total_json(v) for k, v in statement.totals.items()},
    }
    for key, (current, _) in statement.totals.items():
        result.setdefault(key, decimal_text(current))
    if statement.kolom:
        result["kolom"] = list(statement.kolom)
        result["saldo_akhir_per_kolom"] = plain(statement.saldo_akhir_per_kolom())
        result["tabel"] = [
            {"label": r.label, "tahun": r.tahun, "jenis": r.jenis,
             "per_kolom": plain(dict(zip(statement.kolom, r.per_kolom, strict=True))), "jumlah": plain(r.jumlah)}
            for r in statement.tabel
        ]
    return result


def statements_json(fs: FinancialStatements, jenis: Iterable[str] = JENIS) -> dict[str, Any]:
    """The JSON contract (kopledger/schemas/laporan.schema.json): ``{"skema", "tahun",
    "pembanding", "mata_uang", "neraca", "phu", "ekuitas", "arus_kas", "calk"}``, with
    ``"sementara": true`` and ``"per"`` for provisional statements.

    Only the parts in ``jenis`` are included. Amounts are strings of exact decimals.
    """
    wanted = list(jenis)
    result: dict[str, Any] = {"skema": SKEMA, "tahun": fs.tahun, "pembanding": fs.pembanding,
                              "mata_uang": fs.mata_uang}
    if fs.per is not None:  # provisional: marked, with the date (a year-end document is unchanged)
        result.update(sementara=True, per=fs.per.isoformat())
    for key in wanted:
        if key in _JSON_KEYS:
            result[_JSON_KEYS[key]] = statement_json(fs.statement(key))
        elif key == "calk":
            result["calk"] = notes_json(fs.calk)
    return result


def notes_json(notes: Notes) -> dict[str, Any]:
    """The notes as plain JSON data (the ``calk`` part of laporan.schema.json; the policy
    notes, ``pengungkapan``, under their published key ``tambahan``)."""
    return {("tambahan" if key == "pengungkapan" else key): value for key, value in plain(notes).items()}


# ----------------------------------------------------------------------------------
# The financial statements
# ----------------------------------------------------------------------------------

#: Signature roles of the statements, in order (pengawas sign their own report).
TTD_ROLES = ("ketua", "sekretaris", "bendahara")


def laporan_context(kop: Books, fs: FinancialStatements, jenis: Sequence[str]) -> dict[str, Any]:
    """The template context of the statements: ``laporan``, ``kop_info``, ``pengurus``…"""
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
    parts = list(jenis or JENIS)
    unknown = [p for p in parts if p not in JENIS]
    if unknown:
        raise InputError.pesan(
            "laporan tidak dikenal: {laporan!r}; pakai salah satu dari {pilihan} atau semua",
            laporan=unknown[0], pilihan=', '.join(JENIS),
        )
    if fmt == "json":
        return dumps(statements_json(fs, parts))
    context = laporan_context(kop, fs, parts)
    if fmt == "txt":
        return render("laporan/laporan.txt.j2", context, lang=lang, template_dir=template_dir)
    if fmt == "xlsx":
        return xlsx_bytes(laporan_sheets(fs, parts, lang=lang, nama=context["kop_info"].nama))
    if fmt in ("html", "pdf"):
        html = render("laporan/laporan.html.j2", context, lang=lang, template_dir=template_dir)
        return html if fmt == "html" else html_to_pdf(html, template_dir=template_dir)
    raise InputError.pesan(
        "format tidak dikenal: {fmt!r}; pakai salah satu dari {pilihan}",
        fmt=fmt, pilihan=', '.join(FORMATS),
    )


def period_text(fs: FinancialStatements, *, posisi: bool, lang: str = "id") -> str:
    """The period line under a statement's title (the templates' ``kepala`` says the same): an
    interim report names its date, before the year end — whether or not the year has ended since."""
    def _(text: str) -> str:
        return translate(text, lang)

    date = tanggal(fs.tanggal, lang)
    if fs.sementara:
        return f"{_('Laporan interim per')} {date} ({_('sebelum akhir tahun buku')} {fs.tahun}) {_('dan')} {fs.pembanding}"
    if posisi:
        return f"{_('Per')} {date} {_('dan')} {fs.pembanding}"
    return f"{_('Untuk tahun yang berakhir pada')} {date} {_('dan')} {fs.pembanding}"


def laporan_sheets(fs: FinancialStatements, jenis: Sequence[str], *, lang: str = "id", nama: str = "") -> list[Sheet]:
    """One sheet per statement (and the notes' account breakdown for ``calk``)."""
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
        periode = period_text(fs, posisi=posisi, lang=lang)
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
    periode = period_text(fs, posisi=False, lang=lang)
    return Sheet(
        _(st.judul), (nama, _(st.judul).upper(), periode),
        (_("Uraian"), *(_(EQUITY_COMPONENTS[k]) for k in st.kolom), _("Jumlah ekuitas")),
        tuple(rows), (40, *(18 for _k in st.kolom), 18), number_format,
    )


def render_unit(kop: Books, unit: str, year: int, fmt: str, *, per: dt.date | None = None, lang: str = "id",
                template_dir: str | Path | None = None) -> str | bytes:
    """One unit's PHU and balance sheet through ``per`` (a provisional period's date; default the
    year end) as ``txt``, ``json``, ``html`` or ``pdf``."""
    report = unit_report(kop, unit, year, per=per)
    if fmt == "json":
        body = plain(report)
        body.update(total_pendapatan=plain(report.total_pendapatan), total_beban=plain(report.total_beban),
                    shu=plain(report.shu), total_aset=plain(report.total_aset),
                    total_liabilitas=plain(report.total_liabilitas), total_ekuitas=plain(report.total_ekuitas),
                    selisih_neraca=plain(report.selisih_neraca), sementara=per is not None,
                    per=plain(per or dt.date(year, 12, 31)))
        return json.dumps(body, ensure_ascii=False, indent=2) + "\n"
    info = kop.info if kop.info is not None else KoperasiInfo(nama=kop.title)
    context = {"unit": report, "kop_info": info, "per": per or dt.date(year, 12, 31), "sementara": per is not None,
               "judul": f"Laporan Unit {unit} {year} — {info.nama}"}
    if fmt not in ("txt", "html", "pdf"):
        raise InputError.pesan(
            "laporan unit tersedia sebagai txt, json, html atau pdf, bukan {fmt}",
            fmt=fmt,
        )
    return render_document("unit/unit", context, fmt, lang=lang, template_dir=template_dir)

