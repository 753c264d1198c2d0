"""The aggregation, written once in SQL that DuckDB and Spark both run unchanged.

Why SQL and not the PySpark DataFrame API on ``duckdb.experimental.spark``: that API is
marked experimental, needs numpy and pandas on top of DuckDB, and has no window
functions (``row_number``/``Window``) — exact medians need them — nor
``countDistinct``; its ``median`` returns what each engine chooses (a double on Spark).
The statements below use only what both dialects share: ``CAST``, ``CASE``, ``SUM``,
``COUNT``, ``MIN``/``MAX``, ``ROW_NUMBER() OVER``, ``UNION ALL`` and ``WITH``.
Medians are exact: the query returns the two middle values and Python averages them
in :class:`~decimal.Decimal`.

An engine is anything with ``rows(sql) -> list[tuple]`` over the six tables:
:class:`DuckDBEngine` (the embedded default) or :class:`SparkEngine` (``--engine
spark``: local or a cluster, reading the Parquet tables).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from kopledger.core.errors import InputError

#: Grouping levels: the wilayah columns each one groups by.
TINGKAT = {
    "provinsi": ("provinsi",),
    "kabupaten-kota": ("provinsi", "kabupaten_kota"),
    "kecamatan": ("provinsi", "kabupaten_kota", "kecamatan"),
}

#: The tables the statements read (neraca and phu are for the Dinas's own queries).
TABLES_USED = ("koperasi", "anggota", "pinjaman", "kesehatan")

#: Sums per wilayah (column of the koperasi table → result key).
SUMS = ("total_aset", "total_liabilitas", "total_ekuitas", "shu", "simpanan", "pinjaman", "npl_saldo",
        "ppap_wajib", "anggota", "anggota_perempuan", "anggota_laki_laki")
#: Figures whose median per wilayah is reported.
MEDIANS = ("total_aset", "total_ekuitas", "shu", "simpanan", "pinjaman", "anggota")
#: Asset size classes (upper bounds in rupiah, exclusive); the last class is open.
KELAS_ASET = (Decimal(500_000_000), Decimal(1_000_000_000), Decimal(5_000_000_000), Decimal(25_000_000_000))


class Engine(Protocol):
    name: str

    def rows(self, sql: str) -> list[tuple[Any, ...]]: ...


class DuckDBEngine:
    """The embedded default: the tables of a DuckDB connection (:func:`~kopledger.dinas.muat.load_duckdb`)."""

    name = "duckdb"

    def __init__(self, connection: Any) -> None:
        self.connection = connection

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self.connection.execute(sql).fetchall()]


class SparkEngine:
    """Spark SQL over the Parquet tables (a folder written by :func:`~kopledger.dinas.muat.write_parquet`)."""

    name = "spark"

    def __init__(self, session: Any, tables: dict[str, Path]) -> None:
        self.session = session
        for table, path in tables.items():
            if table in TABLES_USED:  # each registration reads the Parquet footers: only what the SQL reads
                session.read.parquet(str(path)).createOrReplaceTempView(table)

    @classmethod
    def local(cls, tables: dict[str, Path], master: str | None = None) -> SparkEngine:
        """A Spark session (``master`` or ``$SPARK_MASTER``, else ``local[2]``) over ``tables``."""
        import os

        try:
            from pyspark.sql import SparkSession
        except ImportError:
            raise InputError.pesan(
                "--engine spark memerlukan pyspark, yang belum terpasang",
                hint="Pasang dengan: pip install 'kopledger[spark]' (dan Java 17), atau pakai --engine "
                     "duckdb.",
            ) from None
        builder = (
            SparkSession.builder.appName("kop-agregat")
            .master(master or os.environ.get("SPARK_MASTER") or "local[2]")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.driver.memory", "1g")
            .config("spark.sql.session.timeZone", "UTC")
        )
        return cls(builder.getOrCreate(), tables)

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self.session.sql(sql).collect()]


# --- the statements --------------------------------------------------------------------------
def _money(value: Decimal) -> str:
    return f"CAST('{format(value, 'f')}' AS DECIMAL(38,4))"


def _lead(group: Sequence[str]) -> str:
    """``a, b, `` for a group (empty for the whole region)."""
    return "".join(f"{g}, " for g in group)


def _by(group: Sequence[str], *more: str) -> str:
    cols = [*group, *more]
    return f" GROUP BY {', '.join(cols)}" if cols else ""


def _order(group: Sequence[str], *more: str) -> str:
    cols = [*group, *more]
    return f" ORDER BY {', '.join(cols)}" if cols else ""


def sums_sql(group: Sequence[str], tahun: int, ambang_npl: Decimal) -> str:
    sums = ", ".join(f"SUM({c}) AS {c}" for c in SUMS)
    return (
        f"SELECT {_lead(group)}COUNT(*) AS jumlah_koperasi, {sums}, "
        "SUM(CASE WHEN ditutup THEN 0 ELSE 1 END) AS tanpa_tutup_buku, "
        "SUM(CASE WHEN rat THEN 1 ELSE 0 END) AS rat, "
        f"SUM(CASE WHEN npl > {_money(ambang_npl)} THEN 1 ELSE 0 END) AS npl_di_atas_ambang "
        f"FROM koperasi WHERE tahun = {int(tahun)}{_by(group)}{_order(group)}"
    )


def medians_sql(group: Sequence[str], tahun: int) -> str:
    """The one or two middle values of each figure per group (row numbers, no engine-specific median)."""
    long = " UNION ALL ".join(
        f"SELECT {_lead(group)}'{c}' AS ukuran, CAST({c} AS DECIMAL(38,4)) AS nilai FROM koperasi WHERE tahun = {int(tahun)}"
        for c in MEDIANS
    )
    part = ", ".join([*group, "ukuran"])
    return (
        f"WITH panjang AS ({long}), "
        f"urut AS (SELECT {_lead(group)}ukuran, nilai, ROW_NUMBER() OVER (PARTITION BY {part} ORDER BY nilai) AS rn, "
        f"COUNT(*) OVER (PARTITION BY {part}) AS n FROM panjang) "
        f"SELECT {_lead(group)}ukuran, MIN(nilai) AS bawah, MAX(nilai) AS atas FROM urut "
        f"WHERE rn * 2 >= n AND rn * 2 <= n + 2{_by(group, 'ukuran')}{_order(group, 'ukuran')}"
    )


def watch_list_sql(group: Sequence[str], tahun: int, ambang_npl: Decimal) -> str:
    """Koperasi to watch: NPL above the threshold, or no closed year (both flags returned)."""
    above = f"npl > {_money(ambang_npl)}"
    return (
        f"SELECT {_lead(group)}nama, npl, CASE WHEN {above} THEN 1 ELSE 0 END AS npl_tinggi, "
        f"CASE WHEN ditutup THEN 0 ELSE 1 END AS tanpa_tutup FROM koperasi "
        f"WHERE tahun = {int(tahun)} AND ({above} OR NOT ditutup){_order(group, 'npl DESC', 'nama')}"
    )


def distributions_sql(group: Sequence[str], tahun: int) -> str:
    """Every distribution in one statement (one pass per table, one job on Spark):
    rows ``(jenis, kunci, n, jumlah, masuk, keluar)`` where ``jenis`` is ``kolektibilitas``
    (loans, balance), ``predikat`` (koperasi; ``''`` not assessed), ``kelas-aset`` (koperasi
    per asset class index) or ``jenis-kelamin`` (members at year end, joined, left)."""
    zero = "CAST(0 AS DECIMAL(38,4))"
    where = f"WHERE tahun = {int(tahun)}"
    cases = " ".join(f"WHEN total_aset < {_money(bound)} THEN '{i}'" for i, bound in enumerate(KELAS_ASET))
    kelas = f"CASE {cases} ELSE '{len(KELAS_ASET)}' END"
    predikat = "COALESCE(predikat, '')"
    parts = (
        f"SELECT {_lead(group)}'kolektibilitas' AS jenis, kolektibilitas AS kunci, SUM(jumlah_pinjaman) AS n, "
        f"SUM(saldo) AS jumlah, 0 AS masuk, 0 AS keluar FROM pinjaman {where}{_by(group, 'kolektibilitas')}",
        f"SELECT {_lead(group)}'predikat' AS jenis, {predikat} AS kunci, COUNT(*) AS n, {zero} AS jumlah, "
        f"0 AS masuk, 0 AS keluar FROM kesehatan {where}{_by(group, predikat)}",
        f"SELECT {_lead(group)}'kelas-aset' AS jenis, {kelas} AS kunci, COUNT(*) AS n, {zero} AS jumlah, "
        f"0 AS masuk, 0 AS keluar FROM koperasi {where}{_by(group, kelas)}",
        f"SELECT {_lead(group)}'jenis-kelamin' AS jenis, jenis_kelamin AS kunci, SUM(akhir) AS n, {zero} AS jumlah, "
        f"SUM(masuk) AS masuk, SUM(keluar) AS keluar FROM anggota {where}{_by(group, 'jenis_kelamin')}",
    )
    cols = [f"c.{g}" for g in group]
    return (
        f"SELECT * FROM ({' UNION ALL '.join(parts)}) c"
        f"{_order(cols, 'c.jenis', 'c.kunci') if cols else ' ORDER BY jenis, kunci'}"
    )


def years_sql() -> str:
    return "SELECT tahun, COUNT(*) AS jumlah FROM koperasi GROUP BY tahun ORDER BY tahun"


def other_years_sql(tahun: int) -> str:
    """The counted exports of years other than ``tahun``: (berkas, tahun), by file name."""
    return f"SELECT berkas, tahun FROM koperasi WHERE tahun <> {int(tahun)} ORDER BY berkas"
