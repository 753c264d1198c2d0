"""The health assessment presented: its JSON data, its documents through ``templates/kesehatan/``
(``txt``, ``html``, ``pdf``), and the self-assessment file to start from."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from kopledger.books.directives import KoperasiInfo
from kopledger.books.ledger import Books
from kopledger.books.rat_directives import INDIKATOR
from kopledger.core.errors import InputError
from kopledger.present.render import render, render_document
from kopledger.reports.kesehatan import HealthAssessment, HealthIndicator


def render_assessment(assessment: HealthAssessment, fmt: str, *, kop: Books | None = None, lang: str = "id",
                      template_dir: Any = None) -> str | bytes:
    """``txt``, ``html`` or ``pdf`` through ``templates/kesehatan/``."""
    info = (kop.info if kop is not None and kop.info is not None
            else KoperasiInfo(nama=kop.title if kop is not None else ""))
    context = {"penilaian": assessment, "kop_info": info, "judul": f"Penilaian Kesehatan {assessment.tahun} — {info.nama}"}
    if fmt not in ("txt", "html", "pdf"):
        raise InputError.pesan(
            "format tidak dikenal: {fmt!r}; pakai json, txt, html atau pdf",
            fmt=fmt,
        )
    return render_document("kesehatan/kesehatan", context, fmt, lang=lang, template_dir=template_dir)


def assessment_json(assessment: HealthAssessment) -> dict[str, Any]:
    """Plain JSON data of an assessment (decimals as exact strings)."""

    def num(value: Decimal | None) -> str | None:
        return None if value is None else format(value, "f")

    def line(i: HealthIndicator) -> dict[str, Any]:
        return {
            "kode": i.kode, "aspek": i.aspek, "nama": i.nama, "sumber": i.sumber, "status": i.status,
            "rasio": num(i.rasio), "pembilang": num(i.pembilang), "penyebut": num(i.penyebut),
            "nilai": i.nilai, "kategori": i.kategori, "skor": i.skor,
            "batas": [num(b) for b in i.batas], "arah": i.arah or None, "sumber_batas": i.sumber_batas or None,
            "butir": {k: (v if isinstance(v, bool) else num(v)) for k, v in i.butir},
            "catatan": i.catatan or None, "tabel": i.tabel or None,
        }

    return {
        "tahun": assessment.tahun,
        "sementara": assessment.sementara,
        "per": assessment.tanggal.isoformat(),
        "nilai_akhir": num(assessment.nilai_akhir),
        "predikat": assessment.predikat,
        "lengkap": assessment.lengkap,
        "kurang": list(assessment.kurang),
        "simpan_pinjam": assessment.simpan_pinjam,
        "isian_ada": assessment.isian_ada,
        "aspek": [
            {"kode": a.kode, "nama": a.nama, "bobot": num(a.bobot), "skor_rata": num(a.skor_rata),
             "nilai": num(a.nilai), "kategori": a.kategori, "lengkap": a.lengkap,
             "indikator": [i.kode for i in a.indikator]}
            for a in assessment.aspek
        ],
        "indikator": [line(i) for i in assessment.indikator],
    }


def answers_template(year: int, date: dt.date | None = None, *, lang: str = "id") -> str:
    """The self-assessment file to start from (every answer still to be filled in)."""
    return render("kesehatan/isian.beancount.j2", {"tahun": year, "tanggal": (date or dt.date(year + 1, 1, 15)).isoformat(),
                                                   "indikator": INDIKATOR},
                  lang=lang)
