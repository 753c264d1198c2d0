"""The regional report of an :class:`~kopledger.dinas.agregat.Agregat`: HTML, PDF, XLSX, text, JSON.

Markup only in ``templates/dinas/``; charts are data (:class:`kopledger.present.grafik.Grafik`), drawn
by the templates;
PDF through :func:`kopledger.present.output.html_to_pdf`, XLSX through
:func:`kopledger.present.output.xlsx_bytes`.
"""

from __future__ import annotations

import functools
import json
from decimal import Decimal, localcontext
from pathlib import Path
from typing import Any

from kopledger.core.errors import translate
from kopledger.dinas import mesin
from kopledger.dinas.agregat import Agregat, Angka, agregat_json
from kopledger.dinas.periksa import WIDE
from kopledger.ops.loans.entries import KOLEKTIBILITAS
from kopledger.present import formatting
from kopledger.present.output import Row, Sheet, html_to_pdf, xlsx_bytes
from kopledger.present.render import render, translator
from kopledger.reports.grafik import Grafik

FORMATS = ("html", "pdf", "xlsx", "txt", "json")


def kelas_aset_label(index: int, lang: str = "id") -> str:
    """The label of asset class ``index`` (``< Rp500.000.000``, …, ``≥ Rp25.000.000.000``)."""
    bounds = mesin.KELAS_ASET
    if index == 0:
        return f"< {formatting.rupiah(bounds[0], lang)}"
    if index >= len(bounds):
        return f"≥ {formatting.rupiah(bounds[-1], lang)}"
    return f"{formatting.rupiah(bounds[index - 1], lang)} – < {formatting.rupiah(bounds[index], lang)}"


def sorted_kolektibilitas(angka: Angka) -> list[tuple[str, int, Decimal]]:
    """The kolektibilitas rows in the order of the classes (lancar first)."""
    order = {name: i for i, name in enumerate(KOLEKTIBILITAS)}
    return sorted(angka.kolektibilitas, key=lambda row: order.get(row[0], len(order)))


def build_charts(result: Agregat, lang: str = "id") -> dict[str, Grafik]:
    """The report's charts as data (drawn by the templates in the reader's language): assets
    and members per wilayah, loan quality, asset classes, predikat."""
    names = tuple(w.nama or translate("(tanpa wilayah)", lang) for w in result.per_wilayah)
    found: dict[str, Grafik] = {}
    if result.per_wilayah:
        others = tuple(w.angka.anggota - w.angka.anggota_perempuan - w.angka.anggota_laki_laki
                       for w in result.per_wilayah)
        unrecorded = (("Tidak tercatat", others),) if any(others) else ()
        found["aset"] = Grafik("dinas-aset", "Aset, simpanan dan pinjaman per wilayah", "batang", names, (
            ("Total aset", tuple(w.angka.total_aset for w in result.per_wilayah)),
            ("Simpanan anggota", tuple(w.angka.simpanan for w in result.per_wilayah)),
            ("Pinjaman beredar", tuple(w.angka.pinjaman for w in result.per_wilayah)),
        ))
        found["anggota"] = Grafik("dinas-anggota", "Anggota per wilayah menurut jenis kelamin", "batang", names, (
            ("Perempuan", tuple(w.angka.anggota_perempuan for w in result.per_wilayah)),
            ("Laki-laki", tuple(w.angka.anggota_laki_laki for w in result.per_wilayah)),
            *unrecorded,
        ), satuan="orang", bertumpuk=True)
    kol = tuple((k, (s,)) for k, _n, s in sorted_kolektibilitas(result.total) if s > 0)
    if kol:
        found["kolektibilitas"] = Grafik("dinas-kolektibilitas", "Saldo pinjaman menurut kolektibilitas",
                                         "lingkaran", (), kol)
    if result.total.kelas_aset:
        found["kelas-aset"] = Grafik(
            "dinas-kelas-aset", "Sebaran koperasi menurut besar aset", "batang",
            tuple(kelas_aset_label(k, lang) for k, _n in result.total.kelas_aset),
            (("Jumlah koperasi", tuple(n for _k, n in result.total.kelas_aset)),), satuan="orang")
    assessed = tuple((p, (n,)) for p, n in result.total.predikat if p)
    if assessed:
        found["predikat"] = Grafik("dinas-predikat", "Koperasi menurut predikat kesehatan", "lingkaran", (), assessed,
                                   satuan="orang")
    return found


def context(result: Agregat, lang: str = "id", *, with_charts: bool = True) -> dict[str, Any]:
    """The templates' context: the aggregation, its charts, and a few helpers."""
    return {
        "agregat": result,
        "grafik": build_charts(result, lang) if with_charts else {},
        "kolektibilitas": sorted_kolektibilitas,
        "kelas_aset_label": functools.partial(kelas_aset_label, lang=lang),
        "tingkat": result.tingkat,
    }


def xlsx_sheets(result: Agregat, lang: str = "id") -> list[Any]:
    _ = translator(lang)
    title = (f"{_('Gambaran koperasi per wilayah')} — {_('tahun buku')} {result.tahun}",
             *([_(result.keterangan_tahun)] if result.keterangan_tahun else []))
    header = (_("Wilayah"), _("Jumlah koperasi"), _("Total aset"), _("Total liabilitas"), _("Total ekuitas"),
              "SHU", _("Simpanan"), _("Pinjaman"), _("Anggota"), _("Anggota perempuan"), _("Perempuan (%)"),
              "NPL (%)", _("Tanpa tutup buku"))

    def row(label: str, a: Angka, bold: bool = False) -> Any:
        return Row((label, a.jumlah_koperasi, a.total_aset, a.total_liabilitas, a.total_ekuitas, a.shu, a.simpanan,
                    a.pinjaman, a.anggota, a.anggota_perempuan, a.persen_perempuan, a.npl, a.tanpa_tutup_buku),
                   bold=bold, border=bold)

    rows = [row(w.nama or _("(tanpa wilayah)"), w.angka) for w in result.per_wilayah]
    rows.append(row(_("Jumlah seluruhnya"), result.total, bold=True))
    sheets = [Sheet(_("Per wilayah"), title, header, tuple(rows), (34, 10, *([18] * 6), 10, 12, 10, 9, 10),
                    number_format='#,##0;(#,##0);"-"')]
    kol_rows = []
    for w in result.per_wilayah:
        for k, n, s in sorted_kolektibilitas(w.angka):
            kol_rows.append(Row((w.nama or _("(tanpa wilayah)"), _(k), n, s)))
    sheets.append(Sheet(_("Kolektibilitas"), title, (_("Wilayah"), _("Kolektibilitas"), _("Jumlah pinjaman"),
                                                       _("Saldo")), tuple(kol_rows), (34, 24, 14, 18)))
    flagged = [Row((w.nama, nama, npl)) for w in result.per_wilayah for nama, npl in w.angka.koperasi_npl]
    sheets.append(Sheet(_("NPL tinggi"), (*title, f"NPL > {result.ambang_npl}%"), (_("Wilayah"), _("Koperasi"), "NPL (%)"),
                        tuple(flagged), (34, 40, 10), number_format="0.00"))
    unclosed = [Row((w.nama, nama)) for w in result.per_wilayah for nama in w.angka.koperasi_tanpa_tutup_buku]
    sheets.append(Sheet(_("Tanpa tutup buku"), title, (_("Wilayah"), _("Koperasi")), tuple(unclosed), (34, 40)))
    sheets.append(Sheet(_("Masalah"), title, (_("Berkas"), _("Pesan")),
                        tuple(Row((m.berkas, _(m.pesan))) for m in result.masalah), (50, 100)))
    sheets.append(Sheet(_("Dilewati"), title, (_("Berkas"), _("Alasan")),
                        tuple(Row((m.berkas, _(m.pesan))) for m in result.dilewati), (50, 100)))
    return sheets


def render_agregat(result: Agregat, fmt: str, *, lang: str = "id", template_dir: str | Path | None = None) -> str | bytes:
    """The report in ``fmt``: html, pdf, xlsx, txt or json (amounts formatted in the wide
    decimal context: a national sum may pass Python's default 28 digits)."""
    with localcontext(WIDE):
        return _render(result, fmt, lang=lang, template_dir=template_dir)


def _render(result: Agregat, fmt: str, *, lang: str, template_dir: str | Path | None) -> str | bytes:
    if fmt == "json":
        return json.dumps(agregat_json(result, lang), ensure_ascii=False, indent=2) + "\n"
    if fmt == "xlsx":
        return xlsx_bytes(xlsx_sheets(result, lang))
    if fmt == "txt":
        return render("dinas/agregat.txt.j2", context(result, lang, with_charts=False), lang=lang, template_dir=template_dir)
    html = render("dinas/agregat.html.j2", context(result, lang), lang=lang, template_dir=template_dir)
    if fmt == "pdf":
        return html_to_pdf(html)
    return html
