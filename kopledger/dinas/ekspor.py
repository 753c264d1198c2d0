"""One koperasi's tahun buku in the published export schema, for a Dinas Koperasi.

:func:`build_export` reads every figure from the library's own computations — the five
statements (:func:`kopledger.reports.statements.build_statements`), the SHU
(:func:`kopledger.ops.shu.compute.compute_shu`), the loan portfolio of the statements' notes
(:func:`kopledger.ops.loans.entries.portfolio`), the member register
(:func:`kopledger.reports.membership.membership_stats`) and the closed-year lock
(:func:`kopledger.ops.closing.closed_years`) — and never computes a figure again. It returns
plain JSON data that :func:`validate_export` checks against
``kopledger/schemas/ekspor.schema.json``.

Nothing personal leaves the koperasi: no member names, NIK, ids, phones or addresses,
and no per-member or per-loan rows. The wilayah (provinsi / kabupaten-kota / kecamatan)
comes from the metadata of ``custom "koperasi"``.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from decimal import Decimal
from importlib import resources
from typing import Any

from kopledger import __version__
from kopledger.books.directives import customs
from kopledger.books.periode import Periode
from kopledger.core.errors import InputError, Pesan
from kopledger.koperasi import Koperasi
from kopledger.ops.closing import closed_years
from kopledger.ops.shu.compute import existing_allocation
from kopledger.reports.kesehatan import assess
from kopledger.reports.membership import membership_stats
from kopledger.reports.statements import FinancialStatements, Statement

#: The schema's name and version (the ``skema`` field of every export).
SKEMA = "kopledger-ekspor/1"

#: ``custom "koperasi"`` metadata keys of the wilayah → the export's field names.
WILAYAH_KEYS = {"provinsi": "provinsi", "kabupaten-kota": "kabupaten_kota", "kecamatan": "kecamatan"}

#: Why an export carries no health assessment (see :func:`kesehatan_section`).
KESEHATAN_BELUM = "belum dinilai: tidak ada aspek yang bisa dinilai dari buku maupun isian pengurus"
#: Why there is no predikat yet: some applicable indicator is neither in the books nor answered
#: (Permenkop 9/2020: every aspect is assessed before a predikat is set).
KESEHATAN_BELUM_LENGKAP = "belum dapat ditetapkan: belum ada {kurang}"


def _dec(value: Decimal) -> str:
    return format(value, "f")


@functools.lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    """The published export schema (JSON Schema 2020-12), as shipped in the package."""
    text = (resources.files("kopledger") / "schemas" / "ekspor.schema.json").read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@functools.lru_cache(maxsize=1)
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)


@functools.lru_cache(maxsize=1)
def _fast_check() -> Any:
    """The schema compiled to Python by fastjsonschema: about 8× faster than jsonschema on a valid export.

    The schema uses only keywords whose meaning is the same in draft-07 (what
    fastjsonschema implements) and 2020-12 (``type``, ``properties``, ``required``,
    ``additionalProperties``, ``items`` with one schema, ``enum``, ``const``, ``pattern``,
    bounds, ``oneOf``, ``if``/``then``/``else``, ``$ref`` into ``$defs``), so it accepts
    exactly what jsonschema accepts; jsonschema (the reference) still lists the errors of
    a file it rejects. ``tests/test_dinas_schema.py`` checks that the two agree.
    """
    import fastjsonschema

    plain = {k: v for k, v in schema().items() if k != "$schema"}
    return fastjsonschema.compile(plain, formats={"date": _is_date})


def _is_date(value: str) -> bool:
    """The ``date`` format as jsonschema checks it: ``YYYY-MM-DD`` and a real day."""
    if len(value) != 10 or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def fast_valid(document: Any) -> bool:
    """True when ``document`` is valid (the compiled check only)."""
    from fastjsonschema import JsonSchemaException

    try:
        _fast_check()(document)
    except JsonSchemaException:
        return False
    return True


def schema_errors(document: Any) -> list[Pesan]:
    """Every way ``document`` breaks the export schema, as ``path: message`` lines (empty: valid).

    Each is a :class:`Pesan` (worded in the reader's language where it is shown); the message
    itself is the validator's own (jsonschema's English, naming the schema's keywords), in
    both languages."""
    if fast_valid(document):
        return []
    errors = sorted(_validator().iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path])
    result = []
    for error in errors:
        where = "/".join(str(p) for p in error.absolute_path) or Pesan("(akar)")
        text = error.message if len(error.message) <= 300 else error.message[:300] + "…"  # it quotes the value
        result.append(Pesan("{lokasi}: {pesan}", lokasi=where, pesan=text))
    return result


def validate_export(document: Any) -> None:
    """Raise :class:`InputError` listing every schema violation of ``document``."""
    problems = schema_errors(document)
    if problems:
        raise InputError.pesan("ekspor tidak sesuai skema {skema}:\n  {masalah}", skema=SKEMA, masalah=Pesan.gabung("\n  ", problems))


# --- sections ------------------------------------------------------------------------------
def wilayah(kop: Koperasi) -> dict[str, str]:
    """provinsi / kabupaten_kota / kecamatan from the last ``custom "koperasi"`` directive."""
    entries = customs(kop.entries, "koperasi")
    meta = entries[-1].meta if entries else {}
    return {field: str(meta.get(key) or "").strip() for key, field in WILAYAH_KEYS.items()}


def _statement(statement: Statement) -> dict[str, Any]:
    return {
        "total": {key: _dec(current) for key, (current, _prior) in statement.totals.items()},
        "baris": [
            {
                "kode": line.kode, "label": line.label, "jenis": line.jenis, "level": line.level,
                "jumlah": _dec(line.jumlah), "jumlah_pembanding": _dec(line.jumlah_pembanding),
            }
            for line in statement.lines
        ],
    }


def _shu(kop: Koperasi, year: int, today: dt.date | None) -> dict[str, Any]:
    try:
        result = kop.shu(year, today=today)  # provisional when Koperasi.periode says so
    except InputError as exc:  # e.g. no SHU split in force: say so, invent nothing
        # The export is data in the published schema's language (Indonesian, as its keys and the
        # other reasons such as KESEHATAN_BELUM), whatever --lang the command runs with: the
        # reason is the error's Indonesian message, without its hint.
        return {"dihitung": False, "alasan": str(Pesan.dari(exc))}
    return {
        "dihitung": True,
        "shu": _dec(result.shu),
        "rugi": result.rugi,
        "alokasi": [
            {"komponen": c.komponen, "persen": _dec(c.persen), "jumlah": _dec(c.jumlah)} for c in result.alokasi
        ],
        "sisa_pembulatan": _dec(result.sisa_pembulatan),
        "jumlah_anggota_penerima": sum(1 for m in result.anggota if m.jumlah > 0),
        "total_jasa_modal": _dec(result.total_jasa_modal),
        "total_jasa_usaha": _dec(result.total_jasa_usaha),
        "shu_non_anggota": _dec(result.shu_non_anggota),
    }


def _anggota(kop: Koperasi, year: int, per: dt.date | None) -> dict[str, Any]:
    stats = membership_stats(kop.members.values(), year, years=[year], per=per)

    def moves(code: str | None) -> dict[str, int]:
        count = stats.jumlah if code is None else stats.gender(code)
        return {"awal": count.awal, "masuk": count.masuk, "keluar": count.keluar, "akhir": count.akhir}

    share = stats.persen_perempuan
    return {
        "jumlah": moves(None), "perempuan": moves("P"), "laki_laki": moves("L"), "tidak_tercatat": moves(""),
        "persen_perempuan": None if share is None else _dec(share),
    }


def _simpanan(fs: FinancialStatements) -> dict[str, str]:
    lines = fs.calk.simpanan  # pokok, wajib, sukarela, berjangka, then the total
    names = ("pokok", "wajib", "sukarela", "berjangka", "jumlah")
    return {name: _dec(line.jumlah) for name, line in zip(names, lines, strict=True)}


def _pinjaman(fs: FinancialStatements) -> dict[str, Any]:
    book = fs.calk.pinjaman  # kopledger.ops.loans.entries.Portfolio at year end, or None without loans
    if book is None:
        zero = "0"
        return {"jumlah_pinjaman": 0, "total_saldo": zero, "npl": zero, "ppap_wajib": zero,
                "ppap_tercatat": zero, "per_kolektibilitas": []}
    return {
        "jumlah_pinjaman": book.jumlah_pinjaman,
        "total_saldo": _dec(book.total_saldo),
        "npl": _dec(book.npl),
        "ppap_wajib": _dec(book.ppap_wajib),
        "ppap_tercatat": _dec(book.ppap_tercatat),
        "per_kolektibilitas": [
            {"kolektibilitas": c.kolektibilitas, "jumlah_pinjaman": c.jumlah_pinjaman, "saldo": _dec(c.saldo),
             "tarif_ppap": _dec(c.tarif_ppap), "ppap": _dec(c.ppap)}
            for c in book.per_kolektibilitas
        ],
    }


def kesehatan_section(kop: Koperasi, year: int, periode: Periode | None = None) -> dict[str, Any]:
    """The health assessment section of the export — the ONE place it is filled.

    Taken from :func:`kopledger.reports.kesehatan.assess`, never computed again. ``dinilai`` is
    false, with no predikat and no skor, until every aspect is assessed (``lengkap``); its
    ``alasan`` then names what is missing, as the RAT pack and ``kop kesehatan`` do.
    ``periode``: the export's (default: ``kop.periode(year)``).
    """
    assessment = assess(kop, year, periode=periode or kop.periode(year))
    if assessment.nilai_akhir is None or assessment.predikat is None:
        alasan = (KESEHATAN_BELUM_LENGKAP.format(kurang=", ".join(assessment.kurang)) if assessment.kurang
                  else KESEHATAN_BELUM)
        return {"dinilai": False, "predikat": None, "skor": None, "aspek": [], "lengkap": False, "alasan": alasan}
    return {
        "dinilai": True,
        "predikat": assessment.predikat,
        "skor": _dec(assessment.nilai_akhir),
        "aspek": [{"aspek": a.kode, "skor": _dec(a.nilai), "bobot": _dec(a.bobot)}
                  for a in assessment.aspek if a.nilai is not None],
        "lengkap": assessment.lengkap,
        "alasan": None,
    }


def _rat(kop: Koperasi, year: int) -> dict[str, Any]:
    entry = existing_allocation(kop, year)
    return {"alokasi_shu_dibukukan": entry is not None,
            "tanggal_alokasi": entry.date.isoformat() if entry is not None else None}


# --- the export ----------------------------------------------------------------------------
def build_export(
    kop: Koperasi, year: int, *, sementara: bool = False, today: dt.date | None = None
) -> dict[str, Any]:
    """The export of ``year`` (plain JSON data, valid against the schema).

    Only a closed year (a ``custom "tutup-buku"`` lock in force) is exported, unless
    ``sementara`` is set: the export is then marked provisional and carries no sidik. Its
    period is the books' (``kop.periode(year, today=today)``): a year not yet ended has its
    statements, loans and health at the period's date (``per``), and is refused without
    ``sementara`` (the message says the year has not ended and to add ``--sementara``).
    Raises :class:`InputError` for a year without transactions or not closed.
    """
    if year not in kop.years():
        raise InputError.pesan(
            "tahun {tahun} tidak punya transaksi di buku ini; tahun yang ada: {tahun_ada}",
            tahun=year, tahun_ada=", ".join(map(str, kop.years())) or Pesan("(tidak ada)"),
        )
    # a year not yet ended is refused unless the export says it is provisional (Koperasi.periode)
    periode = kop.periode(year, today=today, sementara=sementara)
    locks = closed_years(kop)
    sidik = locks.get(year)
    if sidik is None and not sementara:
        raise InputError.pesan(
            "tahun buku {tahun} belum ditutup: hanya tahun yang sudah ditutup yang bisa diekspor",
            hint="Tutup dulu dengan kop tutup-buku --tahun {tahun}, atau ekspor angka sementara dengan "
                 "--sementara.",
            tahun=year,
        )
    fs = kop.laporan(periode)
    info = kop.info
    area = wilayah(kop)
    warnings = [f"wilayah-kosong:{key}" for key, value in area.items() if not value]
    document: dict[str, Any] = {
        "skema": SKEMA,
        "dibuat_dengan": f"kopledger {__version__}",
        "tahun": fs.tahun,
        "pembanding": fs.pembanding,
        "mata_uang": fs.mata_uang,
        "sementara": sidik is None or periode.sementara,
        "per": periode.per.isoformat(),
        "koperasi": {
            "nama": kop.title,
            "badan_hukum": info.badan_hukum if info else "",
            "alamat": info.alamat if info else "",
            "jenis": info.jenis if info else "",
            "wilayah": area,
        },
        "tutup_buku": {"ditutup": sidik is not None, "sidik": sidik},
        "laporan": {
            "neraca": _statement(fs.neraca), "phu": _statement(fs.phu),
            "ekuitas": _statement(fs.ekuitas), "arus_kas": _statement(fs.arus_kas),
        },
        "shu": _shu(kop, year, today),
        "anggota": _anggota(kop, year, periode.per_sementara),
        "simpanan": _simpanan(fs),
        "pinjaman": _pinjaman(fs),
        "kesehatan": kesehatan_section(kop, year, periode),
        "rat": _rat(kop, year),
        "peringatan": warnings,
    }
    return document


def export_json(document: dict[str, Any]) -> str:
    """The export as text (validated first: an invalid export is never written)."""
    validate_export(document)
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
