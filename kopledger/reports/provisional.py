"""Additions to ``kop laporan``: one business unit's report (``--unit``), provisional when its
period is (decided by :meth:`kopledger.koperasi.Koperasi.periode`)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kopledger.books.ledger import Books


def render_unit(kop: Books, unit: str, year: int, fmt: str, *, per: dt.date | None = None, lang: str = "id",
                template_dir: str | Path | None = None) -> str | bytes:
    """One unit's PHU and balance sheet as ``txt``, ``json``, ``html`` or ``pdf``."""
    from kopledger.books.directives import KoperasiInfo
    from kopledger.cli.common import jsonable
    from kopledger.core.errors import InputError
    from kopledger.present.render import render_document
    from kopledger.reports.unit_usaha import unit_report

    report = unit_report(kop, unit, year)
    if fmt == "json":
        body = jsonable(report)
        body.update(total_pendapatan=jsonable(report.total_pendapatan), total_beban=jsonable(report.total_beban),
                    shu=jsonable(report.shu), total_aset=jsonable(report.total_aset),
                    total_liabilitas=jsonable(report.total_liabilitas), total_ekuitas=jsonable(report.total_ekuitas),
                    selisih_neraca=jsonable(report.selisih_neraca), sementara=per is not None,
                    per=jsonable(per or dt.date(year, 12, 31)))
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

