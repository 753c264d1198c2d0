"""The SHU for people: the JSON document, the member list as CSV, the text table and the
members' slips (``templates/shu/``). The figures are :mod:`kopledger.ops.shu.compute`'s."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from kopledger.books.closed.year_files import closed_sidik
from kopledger.books.ledger import Books
from kopledger.core.errors import InputError
from kopledger.ops.shu.arithmetic import JASA_MODAL, JASA_USAHA, ZERO
from kopledger.ops.shu.compute import ShuResult, existing_allocation, loss_text
from kopledger.present.jsondata import plain
from kopledger.present.output import csv_text
from kopledger.present.render import render

#: Version of the SHU JSON document (``skema``); see kopledger/schemas/shu.schema.json.
SKEMA = "1"


def shu_json(result: ShuResult) -> dict[str, Any]:
    """The JSON contract of an SHU result (kopledger/schemas/shu.schema.json); ``"per"``, the
    date a provisional SHU is valued at, only when it is provisional."""
    result_json = {
        "skema": SKEMA,
        "tahun": result.tahun,
        "shu": plain(result.shu),
        "alokasi": plain(list(result.alokasi)),
        "anggota": [
            plain({"id": m.id, "nama": m.nama, "basis_modal": m.basis_modal, "basis_usaha": m.basis_usaha,
                   "jasa_modal": m.jasa_modal, "jasa_usaha": m.jasa_usaha, "jumlah": m.jumlah})
            for m in result.anggota
        ],
        "sisa_pembulatan": plain(result.sisa_pembulatan),
        "sementara": result.sementara,
        "pembulatan": result.pembulatan,
        "shu_non_anggota": plain(result.shu_non_anggota),
        "total_basis_modal": plain(result.total_basis_modal),
        "total_basis_usaha": plain(result.total_basis_usaha),
        "peringatan": plain(list(result.peringatan)),
    }
    if result.per is not None:
        result_json["per"] = result.per.isoformat()
    return result_json


def to_csv(result: ShuResult) -> str:
    """The member list as CSV (one row per member; amounts as exact decimals; text cells
    neutralised against formula injection, :func:`kopledger.present.output.csv_text`)."""
    columns = ["id", "nama", "basis_modal", "basis_usaha", "jasa_modal", "jasa_usaha", "jumlah"]
    return csv_text(columns, ([m.id, m.nama, *(format(getattr(m, c), "f") for c in columns[2:])] for m in result.anggota))


def _rate(part: Decimal, basis: Decimal) -> Decimal:
    """``part / basis`` as a percent (for display), 0 when there is no basis."""
    if basis <= 0:
        return ZERO
    return (part * 100 / basis).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def _context(kop: Books, result: ShuResult) -> dict[str, Any]:
    officers = {o.role: o.nama for o in kop.officers}
    jm = result.jumlah_komponen(JASA_MODAL)
    ju = result.jumlah_komponen(JASA_USAHA)
    return {
        "koperasi": kop.title,
        "alamat": kop.info.alamat if kop.info else "",
        "r": result,
        "jasa_modal": jm,
        "jasa_usaha": ju,
        "tarif_modal": _rate(jm, result.total_basis_modal),
        "tarif_usaha": _rate(ju, result.total_basis_usaha),
        "pengurus": officers,
        "sidik_tahun": closed_sidik(kop, until=result.tahun),  # issue 13: the witness of closed years
        # a proposal (usulan) until the year's allocation entry is booked after the RAT approves it
        "usulan": result.sementara or existing_allocation(kop, result.tahun) is None,
    }


def render_table(
    kop: Books, result: ShuResult, lang: str = "id", *, template_dir: str | Path | None = None
) -> str:
    """The readable text table: the allocation, then the members by id, then totals."""
    context = _context(kop, result)
    width = max([len(m.nama) for m in result.anggota] + [4])
    context["lebar_nama"] = min(width, 28)
    return render("shu/tabel.txt.j2", context, lang=lang, template_dir=template_dir)


def render_slips(
    kop: Books,
    result: ShuResult,
    fmt: str = "html",
    lang: str = "id",
    *,
    anggota: Sequence[str] | None = None,
    template_dir: str | Path | None = None,
) -> str:
    """Per-member SHU slips (one page each), ``fmt`` ``html`` or ``txt``.

    ``anggota`` limits them to the given member ids (in that order).
    """
    if fmt not in ("html", "txt"):
        raise InputError.pesan(
            "format slip tidak dikenal: {fmt!r}; pakai html atau txt",
            fmt=fmt,
        )
    if result.rugi:
        raise InputError.pesan(
            "tidak ada SHU yang dibagi untuk {tahun} ({hasil}): tidak ada slip",
            tahun=result.tahun, hasil=loss_text(result.shu),
        )
    members = list(result.anggota)
    if anggota:
        by_id = {m.id: m for m in result.anggota}
        missing = [i for i in anggota if i not in by_id]
        if missing:
            raise InputError.pesan(
                "tidak ada slip SHU untuk {anggota}: bukan anggota penerima SHU {tahun}",
                anggota=', '.join(missing), tahun=result.tahun,
            )
        members = [by_id[i] for i in anggota]
    context = _context(kop, result)
    context["slips"] = members
    return render(f"shu/slip.{fmt}.j2", context, lang=lang, template_dir=template_dir)
