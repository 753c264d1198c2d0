"""Read many exports: validate each, drop duplicates, and load them into DuckDB tables.

:func:`read_exports` checks every file against the export schema and reports every bad
file by name (it never stops at the first); a second export of the same koperasi for
the same year is reported and left out, so nothing is counted twice.
:func:`load_duckdb` flattens the accepted exports into six tables (``koperasi``,
``neraca``, ``phu``, ``anggota``, ``pinjaman``, ``kesehatan``) in an embedded DuckDB
database — money as ``DECIMAL(38,4)``, never a float — and :func:`write_parquet` writes
them as Parquet (optionally partitioned by provinsi and tahun, the national layout).
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from kopledger.core.errors import InputError, Pesan
from kopledger.dinas.ekspor import schema_errors
from kopledger.ops.loans.entries import NPL_CLASSES

#: The tables, in the order they are written.
TABLES = ("koperasi", "neraca", "phu", "anggota", "pinjaman", "kesehatan")

MONEY = "DECIMAL(38,4)"
_WILAYAH = (("provinsi", "VARCHAR"), ("kabupaten_kota", "VARCHAR"), ("kecamatan", "VARCHAR"), ("tahun", "INTEGER"))
_LINE = (("urutan", "INTEGER"), ("kode", "VARCHAR"), ("label", "VARCHAR"), ("jenis", "VARCHAR"),
         ("level", "INTEGER"), ("jumlah", MONEY), ("jumlah_pembanding", MONEY))

#: Each table's columns and their DuckDB types (every table but koperasi starts with kunci + wilayah + tahun).
COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "koperasi": (
        ("kunci", "VARCHAR"), *_WILAYAH, ("berkas", "VARCHAR"), ("nama", "VARCHAR"), ("badan_hukum", "VARCHAR"),
        ("jenis", "VARCHAR"), ("sementara", "BOOLEAN"), ("ditutup", "BOOLEAN"), ("sidik", "VARCHAR"),
        ("rat", "BOOLEAN"), ("total_aset", MONEY), ("total_liabilitas", MONEY), ("total_ekuitas", MONEY),
        ("shu", MONEY), ("simpanan", MONEY), ("pinjaman", MONEY), ("npl_saldo", MONEY), ("npl", MONEY),
        ("ppap_wajib", MONEY), ("anggota", "INTEGER"), ("anggota_perempuan", "INTEGER"),
        ("anggota_laki_laki", "INTEGER"), ("predikat", "VARCHAR"),
    ),
    "neraca": (("kunci", "VARCHAR"), *_WILAYAH, *_LINE),
    "phu": (("kunci", "VARCHAR"), *_WILAYAH, *_LINE),
    "anggota": (("kunci", "VARCHAR"), *_WILAYAH, ("jenis_kelamin", "VARCHAR"), ("awal", "INTEGER"),
                ("masuk", "INTEGER"), ("keluar", "INTEGER"), ("akhir", "INTEGER")),
    "pinjaman": (("kunci", "VARCHAR"), *_WILAYAH, ("kolektibilitas", "VARCHAR"), ("jumlah_pinjaman", "INTEGER"),
                 ("saldo", MONEY), ("tarif_ppap", MONEY), ("ppap", MONEY)),
    "kesehatan": (("kunci", "VARCHAR"), *_WILAYAH, ("dinilai", "BOOLEAN"), ("predikat", "VARCHAR"),
                  ("skor", MONEY), ("alasan", "VARCHAR"), ("aspek", "VARCHAR")),
}

_GENDERS = (("perempuan", "P"), ("laki_laki", "L"), ("tidak_tercatat", "-"))


@dataclass(frozen=True)
class Masalah:
    """A file that was not aggregated (or not fully): its name and why (a :class:`Pesan`:
    the Indonesian text, worded in the reader's language where it is shown)."""

    berkas: str
    pesan: Pesan


@dataclass(frozen=True)
class Ekspor:
    """An accepted export: the file it came from, its koperasi key, and the document."""

    berkas: str
    kunci: str
    dokumen: dict[str, Any]

    @property
    def tahun(self) -> int:
        return int(self.dokumen["tahun"])


def list_files(paths: Iterable[str | os.PathLike[str]]) -> tuple[list[Path], list[Masalah]]:
    """The export files named, folders expanded to their ``*.json`` (recursively), sorted.

    A path that does not exist is a problem of its own, reported by name.
    """
    files: list[Path] = []
    problems: list[Masalah] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.json") if p.is_file()))
        elif path.is_file():
            files.append(path)
        else:
            problems.append(Masalah(str(path), Pesan("berkas atau folder tidak ditemukan")))
    seen: set[Path] = set()
    unique = []
    for file in files:
        real = file.resolve()
        if real not in seen:
            seen.add(real)
            unique.append(file)
    return unique, problems


def koperasi_key(document: dict[str, Any]) -> str:
    """Who the export is about: the badan hukum number, else the name and wilayah (case-folded)."""
    kop = document["koperasi"]
    badan_hukum = " ".join(str(kop["badan_hukum"]).split()).casefold()
    if badan_hukum:
        return "bh:" + badan_hukum
    area = kop["wilayah"]
    parts = (kop["nama"], area["provinsi"], area["kabupaten_kota"], area["kecamatan"])
    return "nama:" + "|".join(" ".join(str(p).split()).casefold() for p in parts)


def _balance_problem(document: dict[str, Any]) -> Pesan | None:
    total = document["laporan"]["neraca"]["total"]
    try:
        aset = Decimal(total["total_aset"])
        other = Decimal(total["total_liabilitas"]) + Decimal(total["total_ekuitas"])
    except (KeyError, InvalidOperation):
        return Pesan("laporan/neraca/total: total_aset, total_liabilitas dan total_ekuitas wajib ada")
    if aset != other:
        return Pesan("neraca tidak seimbang: total aset {aset} ≠ liabilitas + ekuitas {lain}", aset=aset, lain=other)
    return None


def iter_exports(files: Iterable[Path], problems: list[Masalah]) -> Iterator[Ekspor]:
    """Read and validate each file in turn, yielding the valid, first-seen export of each
    koperasi and year and appending every other file to ``problems`` with the reason.

    One document at a time: only the keys seen are kept, so memory does not grow with
    the exports' size.
    """
    first: dict[tuple[str, int], str] = {}
    for file in files:
        name = str(file)
        try:
            document = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Masalah(name, Pesan("tidak bisa dibaca: {sebab}", sebab=str(exc))))
            continue
        except ValueError as exc:
            problems.append(Masalah(name, Pesan("bukan JSON yang sah: {sebab}", sebab=str(exc))))
            continue
        errors = schema_errors(document)
        if errors:
            shown = errors[:5] + ([Pesan("… dan {jumlah} lagi", jumlah=len(errors) - 5)] if len(errors) > 5 else [])
            problems.append(Masalah(name, Pesan("tidak sesuai skema ekspor ({jumlah} kesalahan): {rincian}",
                                                jumlah=len(errors), rincian=Pesan.gabung("; ", shown))))
            continue
        unbalanced = _balance_problem(document)
        if unbalanced:
            problems.append(Masalah(name, unbalanced))
            continue
        key = koperasi_key(document)
        year = int(document["tahun"])
        if (key, year) in first:
            problems.append(Masalah(name, Pesan(
                "duplikat: {nama} tahun {tahun} sudah dibaca dari {berkas}; berkas ini tidak dihitung",
                nama=document["koperasi"]["nama"], tahun=year, berkas=first[key, year],
            )))
            continue
        first[key, year] = name
        yield Ekspor(name, key, document)


def read_exports(files: Sequence[Path]) -> tuple[list[Ekspor], list[Masalah]]:
    """Every valid, first-seen export and every problem (see :func:`iter_exports`)."""
    problems: list[Masalah] = []
    accepted = list(iter_exports(files, problems))
    return accepted, problems


# --- flattening ----------------------------------------------------------------------------
def _area(export: Ekspor) -> tuple[str, str, str, int]:
    area = export.dokumen["koperasi"]["wilayah"]
    return (area["provinsi"], area["kabupaten_kota"], area["kecamatan"], export.tahun)


def _rows(exports: Iterable[Ekspor]) -> Iterator[tuple[str, tuple[Any, ...]]]:
    npl_classes = set(NPL_CLASSES)
    for export in exports:
        doc = export.dokumen
        key = export.kunci
        area = _area(export)
        neraca = doc["laporan"]["neraca"]["total"]
        phu = doc["laporan"]["phu"]["total"]
        loans = doc["pinjaman"]
        members = doc["anggota"]
        health = doc["kesehatan"]
        npl_saldo = sum((Decimal(c["saldo"]) for c in loans["per_kolektibilitas"] if c["kolektibilitas"] in npl_classes),
                        Decimal(0))
        yield "koperasi", (
            key, *area, export.berkas, doc["koperasi"]["nama"], doc["koperasi"]["badan_hukum"], doc["koperasi"]["jenis"],
            doc["sementara"], doc["tutup_buku"]["ditutup"], doc["tutup_buku"]["sidik"], doc["rat"]["alokasi_shu_dibukukan"],
            neraca["total_aset"], neraca["total_liabilitas"], neraca["total_ekuitas"], phu.get("shu", "0"),
            doc["simpanan"]["jumlah"], loans["total_saldo"], npl_saldo, loans["npl"], loans["ppap_wajib"],
            members["jumlah"]["akhir"], members["perempuan"]["akhir"], members["laki_laki"]["akhir"],
            health["predikat"],
        )
        for table in ("neraca", "phu"):
            for i, line in enumerate(doc["laporan"][table]["baris"]):
                yield table, (key, *area, i, line["kode"], line["label"], line["jenis"], line["level"],
                              line["jumlah"], line["jumlah_pembanding"])
        for field, code in _GENDERS:
            moves = members[field]
            yield "anggota", (key, *area, code, moves["awal"], moves["masuk"], moves["keluar"], moves["akhir"])
        for cls in loans["per_kolektibilitas"]:
            yield "pinjaman", (key, *area, cls["kolektibilitas"], cls["jumlah_pinjaman"], cls["saldo"],
                               cls["tarif_ppap"], cls["ppap"])
        yield "kesehatan", (key, *area, health["dinilai"], health["predikat"], health["skor"], health["alasan"],
                            json.dumps(health["aspek"], ensure_ascii=False))


def _csv_value(value: Any) -> Any:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def _cast(name: str, kind: str) -> str:
    """The SQL turning a text column into its type. Money goes through DECIMAL(18,4) first
    (DuckDB parses it several times faster than DECIMAL(38,4)), and only values beyond
    its range (±10^14) take the wide parse; both are exact, and the column is DECIMAL(38,4)."""
    if kind == MONEY:
        return f"COALESCE(TRY_CAST({name} AS DECIMAL(18,4)), CAST({name} AS {MONEY}))"
    return f"CAST({name} AS {kind})"


def load_duckdb(exports: Iterable[Ekspor], connection: Any = None) -> Any:
    """An embedded DuckDB connection holding the six tables of ``exports``.

    Rows go through one CSV file per table (read by DuckDB with declared types), so money
    is parsed from its exact decimal text straight into ``DECIMAL(38,4)``.
    """
    import duckdb

    con = connection if connection is not None else duckdb.connect(":memory:")
    con.execute("SET enable_progress_bar = false")
    with tempfile.TemporaryDirectory(prefix="kop-agregat-") as folder:
        paths = {table: Path(folder) / f"{table}.csv" for table in TABLES}
        with contextlib.ExitStack() as stack:
            writers = {
                table: csv.writer(stack.enter_context(open(path, "w", encoding="utf-8", newline="")))
                for table, path in paths.items()
            }
            for table, row in _rows(exports):
                writers[table].writerow([_csv_value(v) for v in row])
        for table in TABLES:
            text = ", ".join(f"'{name}': 'VARCHAR'" for name, _kind in COLUMNS[table])
            typed = ", ".join(f"{_cast(name, kind)} AS {name}" for name, kind in COLUMNS[table])
            con.execute(
                f"CREATE OR REPLACE TABLE {table} AS SELECT {typed} FROM read_csv(?, auto_detect = false, "
                f"header = false, nullstr = '\\N', quote = '\"', escape = '\"', delim = ',', columns = {{{text}}})",
                [str(paths[table])],
            )
    return con


def write_parquet(con: Any, out: Path, *, partisi: bool = False) -> dict[str, Path]:
    """Write the six tables as Parquet under ``out``: ``TABLE.parquet`` each, or with ``partisi``
    a folder per table partitioned by provinsi and tahun (hive layout)."""
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for table in TABLES:
        if partisi:
            target = out / table
            con.execute(f"COPY {table} TO ? (FORMAT PARQUET, PARTITION_BY (provinsi, tahun), OVERWRITE_OR_IGNORE)",
                        [str(target)])
        else:
            target = out / f"{table}.parquet"
            con.execute(f"COPY {table} TO ? (FORMAT PARQUET)", [str(target)])
        written[table] = target
    return written


def require_files(files: Sequence[Path], problems: Sequence[Masalah]) -> None:
    """Refuse an aggregation with nothing to read at all."""
    if not files and not problems:
        raise InputError.pesan(
            "tidak ada berkas ekspor (*.json) untuk diagregasi; sebutkan berkas atau folder ekspor",
        )
