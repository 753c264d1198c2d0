"""Read many exports: validate each, resolve duplicates, and load them into DuckDB tables.

:class:`Pembacaan` reads each file within fixed bounds, checks it against the export
schema and for plausibility (:mod:`kopledger.dinas.periksa`), and reports every bad file
by name (it never stops at the first); duplicates of one koperasi and year are counted
once when identical and not at all when they differ (a conflict, both files named).
:func:`load_duckdb` flattens the accepted exports into six tables (``koperasi``,
``neraca``, ``phu``, ``anggota``, ``pinjaman``, ``kesehatan``) in an embedded DuckDB
database — money as ``DECIMAL(38,4)``, never a float — and :func:`write_parquet` writes
them as Parquet (optionally partitioned by provinsi and tahun, the national layout).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import errno
import hashlib
import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from kopledger.books.periode import hari_ini
from kopledger.core.errors import InputError, Pesan
from kopledger.dinas.ekspor import schema_errors
from kopledger.dinas.periksa import Ditolak, Kapasitas, plausibility_problems, read_document
from kopledger.ops.loans.entries import NPL_CLASSES
from kopledger.ops.writer import WriteFault, fault_message

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


def _digest(document: dict[str, Any]) -> str:
    """What two exports of one koperasi and year must share to be the same export: every
    field but the kopledger version that wrote it."""
    same = {k: v for k, v in document.items() if k != "dibuat_dengan"}
    return hashlib.sha256(json.dumps(same, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


class Pembacaan:
    """One reading of many export files, one document at a time.

    :meth:`ekspor` yields each export that passes every check — read within the bounds of
    :mod:`kopledger.dinas.periksa`, valid against the schema, plausible, within the
    aggregation's capacity — once per koperasi and year, and records every other file:
    ``masalah`` (problems: not counted, named with the reason) and ``dilewati`` (skipped but
    harmless: an identical copy of an export already counted). Only keys and digests are
    kept, so memory does not grow with the exports' size.

    Duplicates (one koperasi, one year — :func:`koperasi_key`): identical ones (equal but
    for ``dibuat_dengan``) are counted once; differing ones are a **conflict**: every file of
    it is a problem naming the others, and none is counted until the Dinas keeps one.
    Exports have no timestamp a Dinas could trust to pick the newer, and a file name is
    no evidence, so no rule picks one. A conflict is known only when the last file is read:
    :attr:`konflik` lists the (koperasi, year) pairs whose rows :func:`drop_conflicts`
    removes after loading.
    """

    def __init__(self, files: Sequence[Path], masalah: list[Masalah] | None = None,
                 today: dt.date | None = None) -> None:
        self.files = list(files)
        self.masalah: list[Masalah] = masalah if masalah is not None else []
        self.dilewati: list[Masalah] = []
        self.konflik: set[tuple[str, int]] = set()
        self.today = today or hari_ini()
        self._seen: dict[tuple[str, int], list[tuple[str, str, str]]] = {}

    def _problem(self, name: str, document: Any) -> Pesan | None:
        errors = schema_errors(document)
        if errors:
            shown = errors[:5] + ([Pesan("… dan {jumlah} lagi", jumlah=len(errors) - 5)] if len(errors) > 5 else [])
            return Pesan("tidak sesuai skema ekspor ({jumlah} kesalahan): {rincian}",
                         jumlah=len(errors), rincian=Pesan.gabung("; ", shown))
        try:
            found = plausibility_problems(document, self.today)
        except (LookupError, TypeError, ValueError, ArithmeticError) as exc:  # a shape the schema let through
            return Pesan("angka tidak bisa diperiksa: {sebab}", sebab=repr(exc)[:200])
        if found:
            return Pesan("angka tidak masuk akal ({jumlah} pemeriksaan gagal): {rincian}",
                         jumlah=len(found), rincian=Pesan.gabung("; ", found[:5]))
        return None

    def ekspor(self) -> Iterator[Ekspor]:
        """Each counted export, in file order (see the class)."""
        capacity = Kapasitas()
        for file in self.files:
            name = str(file)
            try:
                document = read_document(file)
            except OSError as exc:
                self.masalah.append(Masalah(name, Pesan("tidak bisa dibaca: {sebab}", sebab=exc.strerror or str(exc))))
                continue
            except Ditolak as exc:
                self.masalah.append(Masalah(name, exc.pesan))
                continue
            problem = self._problem(name, document)
            if problem is not None:
                self.masalah.append(Masalah(name, problem))
                continue
            key, year = koperasi_key(document), int(document["tahun"])
            digest = _digest(document)
            group = self._seen.get((key, year))
            if group is not None:
                group.append((name, digest, str(document["koperasi"]["nama"])))
                continue
            too_big = capacity.take(document)
            if too_big is not None:
                self.masalah.append(Masalah(name, too_big))
                continue
            self._seen[key, year] = [(name, digest, str(document["koperasi"]["nama"]))]
            yield Ekspor(name, key, document)
        self._duplicates()

    def _duplicates(self) -> None:
        for (key, year), group in self._seen.items():
            if len(group) == 1:
                continue
            first_name, first_digest, nama = group[0]
            if all(digest == first_digest for _n, digest, _k in group):
                for name, _digest, _nama in group[1:]:
                    self.dilewati.append(Masalah(name, Pesan(
                        "salinan identik dari {berkas} ({nama} tahun {tahun}); dihitung sekali",
                        berkas=first_name, nama=nama, tahun=year)))
                continue
            self.konflik.add((key, year))
            names = [n for n, _d, _k in group]
            for name in names:
                others = ", ".join(n for n in names if n != name)
                self.masalah.append(Masalah(name, Pesan(
                    "konflik: {nama} tahun {tahun} juga ada di {lain} dengan angka berbeda; tidak satu pun "
                    "dihitung sampai hanya satu yang tersisa",
                    nama=nama, tahun=year, lain=others)))


def drop_conflicts(con: Any, konflik: Iterable[tuple[str, int]]) -> None:
    """Remove from every table the rows of each conflicting (koperasi, year)."""
    pairs = sorted(konflik)
    if not pairs:
        return
    for table in TABLES:
        con.executemany(f"DELETE FROM {table} WHERE kunci = ? AND tahun = ?", [list(p) for p in pairs])


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
    scratch = Path(tempfile.gettempdir())
    try:
        _load(con, exports, scratch)
    except OSError as exc:
        raise _fault(Path(exc.filename) if exc.filename else scratch, exc) from None
    return con


def _load(con: Any, exports: Iterable[Ekspor], scratch: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="kop-agregat-", dir=scratch) as folder:
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


#: strerror texts DuckDB puts in its I/O errors → their errno (for :func:`fault_message`).
_DUCKDB_FAULTS = {os.strerror(code): code for code in (errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EPERM,
                                                      errno.EDQUOT, errno.EFBIG)}


def _fault(target: Path, exc: Exception) -> WriteFault:
    """A write of ``target`` refused by the file system (an OSError, or DuckDB's error text)."""
    if isinstance(exc, OSError):
        reason = fault_message(exc)
    else:
        text = str(exc)
        code = next((c for s, c in _DUCKDB_FAULTS.items() if s in text), None)
        reason = fault_message(OSError(code, text)) if code is not None else text
    return WriteFault.pesan(
        "{out} tidak bisa ditulis: {sebab}; tidak ada berkas setengah jadi yang tertinggal",
        hint="Periksa izin folder dan sisa ruang disk, atau pilih --out di tempat lain.",
        out=target, sebab=reason,
    )


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            path.unlink()


def _copy_table(con: Any, table: str, target: Path, partisi: bool) -> None:
    """``COPY`` one table to a temp name beside ``target``, then rename it into place: a
    reader (or a fault) never leaves a half-written or empty table behind."""
    import duckdb

    token = uuid.uuid4().hex[:12]
    temp = target.with_name(f".{target.name}.{token}.kop-tmp")
    try:
        try:
            if partisi:
                con.execute(f"COPY {table} TO ? (FORMAT PARQUET, PARTITION_BY (provinsi, tahun))", [str(temp)])
            else:
                con.execute(f"COPY {table} TO ? (FORMAT PARQUET)", [str(temp)])
        except duckdb.Error as exc:
            raise _fault(target, exc) from None
        try:
            if partisi and target.exists():  # a folder: move the old one aside, then swap
                old = target.with_name(f".{target.name}.{token}.kop-lama")
                os.rename(target, old)
                os.rename(temp, target)
                _remove(old)
            else:
                os.replace(temp, target)
        except OSError as exc:
            raise _fault(target, exc) from None
    finally:
        if temp.exists():
            _remove(temp)


def write_parquet(con: Any, out: Path, *, partisi: bool = False) -> dict[str, Path]:
    """Write the six tables as Parquet under ``out``: ``TABLE.parquet`` each, or with ``partisi``
    a folder per table partitioned by provinsi and tahun (hive layout).

    Each table is written under a temp name in ``out`` and renamed into place; a file-system
    fault (read-only, full, no permission) is a :class:`WriteFault` naming the file and the
    reason, and leaves no partial file (tables renamed into place before it stay whole).
    """
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _fault(out, exc) from None
    written: dict[str, Path] = {}
    for table in TABLES:
        target = out / table if partisi else out / f"{table}.parquet"
        _copy_table(con, table, target, partisi)
        written[table] = target
    return written


def require_files(files: Sequence[Path], problems: Sequence[Masalah]) -> None:
    """Refuse an aggregation with nothing to read at all."""
    if not files and not problems:
        raise InputError.pesan(
            "tidak ada berkas ekspor (*.json) untuk diagregasi; sebutkan berkas atau folder ekspor",
        )
