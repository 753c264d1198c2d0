"""The RAT pack presented: the document through the templates under ``templates/rat/`` (HTML,
self-contained, charts drawn as inline SVG at render time, or PDF) and its figures as the
JSON contract (kopledger/schemas/rat.schema.json).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kopledger.books.directives import KoperasiInfo
from kopledger.core.errors import InputError, translate
from kopledger.present.jsondata import plain
from kopledger.present.kesehatan import assessment_json
from kopledger.present.laporan import statements_json
from kopledger.present.output import html_to_pdf
from kopledger.present.render import render
from kopledger.present.shu import shu_json
from kopledger.reports.rat import RatPack

#: Sections of the document, in order: (id, title). Titles are Indonesian; templates translate.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("kata-pengantar", "Kata Pengantar"),
    ("keanggotaan", "Keanggotaan"),
    ("laporan-keuangan", "Laporan Keuangan"),
    ("shu", "Sisa Hasil Usaha"),
    ("simpanan-pinjaman", "Simpanan dan Pinjaman"),
    ("unit-usaha", "Unit Usaha"),
    ("indikator", "Indikator Utama"),
    ("kesehatan", "Penilaian Kesehatan"),
    ("anggaran", "Anggaran dan Rencana Anggaran"),
    ("laporan-pengawas", "Laporan Pengawas"),
    ("pengesahan", "Pengesahan"),
)


def render_rat(
    pack: RatPack,
    fmt: str = "html",
    lang: str | None = None,
    template_dir: str | Path | None = None,
) -> str | bytes:
    """Render the pack: ``"html"`` (a self-contained page, str) or ``"pdf"`` (bytes).

    ``lang`` defaults to the pack's language; ``template_dir`` overrides any template
    under ``rat/`` (e.g. ``rat/_kata_pengantar.html.j2``) by name.
    """
    if fmt not in ("html", "pdf"):
        raise InputError.pesan(
            "format RAT tidak dikenal: {fmt!r}; pakai html atau pdf",
            fmt=fmt,
        )
    lang = lang or pack.lang
    context = {
        "pack": pack,
        "judul": f"{translate('Laporan Pertanggungjawaban Pengurus', lang)} {pack.tahun} — {pack.nama}",
        "sections": SECTIONS,
        "laporan": pack.laporan,
        "kop_info": pack.info or KoperasiInfo(nama=pack.nama),
        "pdf": fmt == "pdf",
    }
    html = render("rat/rat.html.j2", context, lang=lang, template_dir=template_dir)
    if fmt == "html":
        return html

    return html_to_pdf(html, template_dir=template_dir)


#: Version of the RAT JSON document (``skema``); see kopledger/schemas/rat.schema.json.
SKEMA = "1"


def rat_json(pack: RatPack) -> dict[str, Any]:
    """The pack's figures as the JSON contract (kopledger/schemas/rat.schema.json): the
    statements and the SHU in their own documents' shapes, every total as
    ``{"jumlah", "jumlah_pembanding"}``, charts as data."""
    result: dict[str, Any] = {"skema": SKEMA, "sementara": pack.sementara,
                              "per": pack.periode.per.isoformat() if pack.periode else None}
    for name in ("tahun", "lang", "nama", "info", "pengurus", "pengawas", "tempat", "tanggal", "anggota", "angka",
                 "angka_pembanding", "indikator", "simpanan", "simpanan_pembanding"):
        result[name] = plain(getattr(pack, name))
    result["laporan"] = statements_json(pack.laporan) if pack.laporan is not None else None
    result["shu"] = shu_json(pack.shu) if pack.shu is not None else None
    result["shu_dibukukan"] = plain(pack.shu_dibukukan)
    result["tunggakan_wajib"] = plain(pack.tunggakan_wajib)
    result["pinjaman"] = plain(pack.pinjaman)
    result["grafik"] = plain(pack.grafik)
    result["teks"] = plain(pack.teks)
    result["belum_tersedia"] = plain(pack.belum_tersedia)
    result["peringatan"] = plain(pack.peringatan)

    result["kesehatan"] = assessment_json(pack.kesehatan) if pack.kesehatan is not None else None
    for name in ("anggaran", "rapb", "unit_usaha", "riwayat", "sidik"):
        result[name] = plain(getattr(pack, name))
    return result
