"""The regional picture: many koperasi's exports aggregated by wilayah.

:func:`agregat` is the whole job: read and validate the exports
(:mod:`kopledger.dinas.muat`), load them into DuckDB, write the Parquet tables, and run
the aggregation (:mod:`kopledger.dinas.mesin`) on DuckDB or Spark. :func:`figures` runs
the aggregation alone on any engine and returns a frozen :class:`Agregat`;
:func:`agregat_json` gives the published JSON shape (amounts as exact decimal strings).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from pathlib import Path
from typing import Any

from kopledger.core.errors import InputError, Pesan, in_language
from kopledger.dinas import mesin
from kopledger.dinas.muat import (
    Masalah,
    Pembacaan,
    drop_conflicts,
    list_files,
    load_duckdb,
    require_files,
    write_parquet,
)
from kopledger.dinas.periksa import WIDE
from kopledger.reports.membership import share_percent

ZERO = Decimal(0)
TWO = Decimal("0.01")


@dataclass(frozen=True)
class Angka:
    """The figures of one wilayah (or of the whole region)."""

    jumlah_koperasi: int
    total_aset: Decimal
    total_liabilitas: Decimal
    total_ekuitas: Decimal
    shu: Decimal
    simpanan: Decimal
    pinjaman: Decimal
    npl_saldo: Decimal
    ppap_wajib: Decimal
    anggota: int
    anggota_perempuan: int
    anggota_laki_laki: int
    tanpa_tutup_buku: int
    rat: int
    npl_di_atas_ambang: int
    median: dict[str, Decimal] = field(default_factory=dict)
    #: (kolektibilitas, number of loans, balance)
    kolektibilitas: tuple[tuple[str, int, Decimal], ...] = ()
    #: (predikat, number of koperasi); "" = not assessed
    predikat: tuple[tuple[str, int], ...] = ()
    #: (asset class index, number of koperasi), see :data:`mesin.KELAS_ASET`
    kelas_aset: tuple[tuple[int, int], ...] = ()
    #: (jenis kelamin P/L/-, at year end, joined, left)
    jenis_kelamin: tuple[tuple[str, int, int, int], ...] = ()
    #: (nama, npl %) of koperasi above the NPL threshold, worst first
    koperasi_npl: tuple[tuple[str, Decimal], ...] = ()
    #: names of koperasi whose export is provisional (no closed year)
    koperasi_tanpa_tutup_buku: tuple[str, ...] = ()

    @property
    def persen_perempuan(self) -> Decimal | None:
        """Women's share of the members, percent (2 places, half up)."""
        return share_percent(self.anggota_perempuan, self.anggota)

    @property
    def npl(self) -> Decimal | None:
        """Non-performing share of the loan balance, percent (2 places, half up)."""
        return share_percent(self.npl_saldo, self.pinjaman)


@dataclass(frozen=True)
class Wilayah:
    """One wilayah at the chosen level (deeper levels are ``""``) and its figures."""

    provinsi: str
    kabupaten_kota: str
    kecamatan: str
    angka: Angka

    @property
    def nama(self) -> str:
        parts = [p for p in (self.kecamatan, self.kabupaten_kota, self.provinsi) if p]
        return ", ".join(parts)


@dataclass(frozen=True)
class Agregat:
    """The aggregation of one year: the region's total, each wilayah, and the problems found."""

    tahun: int | None
    tingkat: str
    ambang_npl: Decimal
    mesin: str
    total: Angka
    per_wilayah: tuple[Wilayah, ...]
    masalah: tuple[Masalah, ...]
    jumlah_berkas: int = 0
    tahun_lain: tuple[tuple[int, int], ...] = ()  # (year, koperasi) of other years in the data
    tabel: dict[str, str] = field(default_factory=dict)  # table -> Parquet path
    #: how the year was chosen: "diminta" (--tahun), "mayoritas" (most counted exports), "" (no data)
    aturan_tahun: str = ""
    #: (year, counted exports) of every year in the data, the chosen one included
    per_tahun: tuple[tuple[int, int], ...] = ()
    #: files read but not counted in this year's figures, harmlessly: another year, an identical copy
    dilewati: tuple[Masalah, ...] = ()

    @property
    def jumlah_koperasi(self) -> int:
        return self.total.jumlah_koperasi

    @property
    def keterangan_tahun(self) -> Pesan | None:
        """How the year was chosen, with the counted exports of every year (None without data)."""
        rincian = ", ".join(f"{y}: {n}" for y, n in self.per_tahun) or "–"
        if self.aturan_tahun == "diminta":
            return Pesan("tahun {tahun} diminta dengan --tahun; ekspor yang dihitung per tahun: {rincian}",
                         tahun=self.tahun, rincian=rincian)
        if self.aturan_tahun == "mayoritas":
            count = dict(self.per_tahun).get(self.tahun or 0, 0)
            return Pesan("tahun {tahun} dipilih menurut mayoritas: {jumlah} dari {semua} ekspor yang dihitung; "
                         "per tahun: {rincian}", tahun=self.tahun, jumlah=count,
                         semua=sum(n for _y, n in self.per_tahun), rincian=rincian)
        return None


# --- running the statements -----------------------------------------------------------------
def _int(value: Any) -> int:
    return int(value or 0)


def _dec(value: Any) -> Decimal:
    return ZERO if value is None else Decimal(value)


def _middle(low: Any, high: Any) -> Decimal:
    """The mean of the two middle values, exactly (in the wide context)."""
    with localcontext(WIDE):
        return (_dec(low) + _dec(high)) / 2


def _grouped(rows: Iterable[tuple[Any, ...]], width: int) -> dict[tuple[str, ...], list[tuple[Any, ...]]]:
    result: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
    for row in rows:
        result.setdefault(tuple(str(v or "") for v in row[:width]), []).append(row[width:])
    return result


def _level(engine: mesin.Engine, group: Sequence[str], tahun: int, ambang: Decimal) -> dict[tuple[str, ...], Angka]:
    width = len(group)
    sums = _grouped(engine.rows(mesin.sums_sql(group, tahun, ambang)), width)
    medians = _grouped(engine.rows(mesin.medians_sql(group, tahun)), width)
    watch = _grouped(engine.rows(mesin.watch_list_sql(group, tahun, ambang)), width)
    spread = _grouped(engine.rows(mesin.distributions_sql(group, tahun)), width)
    result: dict[tuple[str, ...], Angka] = {}
    for key, rows in sums.items():
        (count, *values, unclosed_n, rat, above) = rows[0]
        named = dict(zip(mesin.SUMS, values, strict=True))
        result[key] = Angka(
            jumlah_koperasi=_int(count),
            total_aset=_dec(named["total_aset"]), total_liabilitas=_dec(named["total_liabilitas"]),
            total_ekuitas=_dec(named["total_ekuitas"]), shu=_dec(named["shu"]), simpanan=_dec(named["simpanan"]),
            pinjaman=_dec(named["pinjaman"]), npl_saldo=_dec(named["npl_saldo"]),
            ppap_wajib=_dec(named["ppap_wajib"]), anggota=_int(named["anggota"]),
            anggota_perempuan=_int(named["anggota_perempuan"]), anggota_laki_laki=_int(named["anggota_laki_laki"]),
            tanpa_tutup_buku=_int(unclosed_n), rat=_int(rat), npl_di_atas_ambang=_int(above),
            median={str(name): _middle(low, high) for name, low, high in medians.get(key, [])},
            kolektibilitas=tuple((str(k), _int(n), _dec(s)) for j, k, n, s, _m, _k in spread.get(key, [])
                                 if j == "kolektibilitas"),
            predikat=tuple((str(k or ""), _int(n)) for j, k, n, _s, _m, _k in spread.get(key, []) if j == "predikat"),
            kelas_aset=tuple(sorted((_int(k), _int(n)) for j, k, n, _s, _m, _k in spread.get(key, [])
                                    if j == "kelas-aset")),
            jenis_kelamin=tuple((str(k), _int(n), _int(m), _int(x)) for j, k, n, _s, m, x in spread.get(key, [])
                                if j == "jenis-kelamin"),
            koperasi_npl=tuple((str(n), _dec(v)) for n, v, high, _u in watch.get(key, []) if _int(high)),
            koperasi_tanpa_tutup_buku=tuple(sorted(str(n) for n, _v, _h, unclosed in watch.get(key, [])
                                                   if _int(unclosed))),
        )
    return result


def _empty() -> Angka:
    return Angka(0, ZERO, ZERO, ZERO, ZERO, ZERO, ZERO, ZERO, ZERO, 0, 0, 0, 0, 0, 0)


def choose_year(per_tahun: Sequence[tuple[int, int]], tahun: int | None) -> tuple[int | None, str]:
    """The year to aggregate and the rule that chose it: ``tahun`` when asked ("diminta"),
    else the year of more than half the counted exports ("mayoritas"); no data: (None, "").

    Never the latest year in the data: one file of a later (or wrong) year cannot move
    everyone else out. Without a majority the year must be asked: :class:`InputError`.
    """
    if tahun is not None:
        return tahun, "diminta"
    total = sum(n for _y, n in per_tahun)
    if not total:
        return None, ""
    year, count = max(per_tahun, key=lambda yn: (yn[1], -yn[0]))
    if count * 2 > total:
        return year, "mayoritas"
    raise InputError.pesan(
        "ekspor berasal dari beberapa tahun dan tidak ada yang mayoritas ({rincian}); sebutkan --tahun",
        rincian=", ".join(f"{y}: {n}" for y, n in per_tahun),
    )


def figures(
    engine: mesin.Engine,
    *,
    tahun: int | None = None,
    tingkat: str = "kabupaten-kota",
    ambang_npl: Decimal = Decimal(5),
    masalah: Sequence[Masalah] = (),
    jumlah_berkas: int = 0,
    tabel: dict[str, str] | None = None,
    dilewati: Sequence[Masalah] = (),
    aturan_tahun: str | None = None,
) -> Agregat:
    """Run the aggregation on ``engine`` for ``tahun`` (default: :func:`choose_year`'s majority);
    the exports of other years are listed in ``dilewati``, after the given ones. ``aturan_tahun``:
    the rule that chose a given ``tahun`` (default "diminta")."""
    if tingkat not in mesin.TINGKAT:
        raise InputError.pesan(
            "tingkat wilayah tidak dikenal: {tingkat!r}; pakai {pilihan}",
            tingkat=tingkat, pilihan=', '.join(mesin.TINGKAT),
        )
    years = tuple((int(y), int(n)) for y, n in engine.rows(mesin.years_sql()))
    tahun, aturan = choose_year(years, tahun)
    aturan = aturan_tahun or aturan
    if tahun is None:
        return Agregat(None, tingkat, ambang_npl, engine.name, _empty(), (), tuple(masalah), jumlah_berkas, (),
                       dict(tabel or {}), aturan, years, tuple(dilewati))
    other = tuple(
        Masalah(str(berkas), Pesan("tahun {tahun_berkas}, bukan tahun yang diagregasi ({tahun}); tidak dihitung "
                                   "di sini", tahun_berkas=int(y), tahun=tahun))
        for berkas, y in engine.rows(mesin.other_years_sql(tahun))
    )
    group = mesin.TINGKAT[tingkat]
    total = _level(engine, (), tahun, ambang_npl).get((), _empty())
    regions = []
    for key, angka in sorted(_level(engine, group, tahun, ambang_npl).items()):
        names = [*key, "", "", ""][:3]
        regions.append(Wilayah(names[0], names[1], names[2], angka))
    return Agregat(
        tahun=tahun, tingkat=tingkat, ambang_npl=ambang_npl, mesin=engine.name, total=total,
        per_wilayah=tuple(regions), masalah=tuple(masalah), jumlah_berkas=jumlah_berkas,
        tahun_lain=tuple((y, n) for y, n in years if y != tahun), tabel=dict(tabel or {}),
        aturan_tahun=aturan, per_tahun=years, dilewati=(*dilewati, *other),
    )


def agregat(
    paths: Sequence[str | os.PathLike[str]],
    out: Path | None,
    *,
    tahun: int | None = None,
    tingkat: str = "kabupaten-kota",
    ambang_npl: Decimal = Decimal(5),
    engine: str = "duckdb",
    partisi: bool = False,
    spark_master: str | None = None,
) -> Agregat:
    """The whole job: read, validate and de-duplicate ``paths``; load into DuckDB; write the
    Parquet tables to ``out`` (when given); aggregate on ``engine`` (``duckdb`` or ``spark``)."""
    files, problems = list_files(paths)
    require_files(files, problems)
    reading = Pembacaan(files, problems)
    con = load_duckdb(reading.ekspor())  # one document at a time; problems recorded as it reads
    try:
        drop_conflicts(con, reading.konflik)
        local = mesin.DuckDBEngine(con)
        tahun, rule = choose_year([(int(y), int(n)) for y, n in local.rows(mesin.years_sql())], tahun)
        tables: dict[str, Path] = {}
        if out is not None:
            tables = write_parquet(con, out, partisi=partisi)
        shown = {k: str(v) for k, v in tables.items()}
        common: dict[str, Any] = {"tahun": tahun, "tingkat": tingkat, "ambang_npl": ambang_npl,
                                  "masalah": problems, "jumlah_berkas": len(files), "tabel": shown,
                                  "dilewati": reading.dilewati, "aturan_tahun": rule}
        if engine == "duckdb":
            return figures(local, **common)
        if engine != "spark":
            raise InputError.pesan(
                "mesin tidak dikenal: {mesin!r}; pakai duckdb atau spark",
                mesin=engine,
            )
        with tempfile.TemporaryDirectory(prefix="kop-agregat-spark-") as scratch:
            source = tables or write_parquet(con, Path(scratch))
            return figures(mesin.SparkEngine.local(source, spark_master), **common)
    finally:
        con.close()


# --- JSON --------------------------------------------------------------------------------------
def money(value: Decimal) -> str:
    """An amount as an exact decimal string: two places when that is exact, else as stored."""
    with localcontext(WIDE):  # a national sum may pass 28 digits, Python's default precision
        if value == value.quantize(TWO):
            return format(value.quantize(TWO), "f")
        return format(value.normalize(), "f")


def _figures_json(angka: Angka) -> dict[str, Any]:
    return {
        "total_aset": money(angka.total_aset), "total_liabilitas": money(angka.total_liabilitas),
        "total_ekuitas": money(angka.total_ekuitas), "shu": money(angka.shu), "anggota": angka.anggota,
        "anggota_perempuan": angka.anggota_perempuan, "simpanan": money(angka.simpanan),
        "pinjaman": money(angka.pinjaman),
    }


def _share(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def agregat_json(result: Agregat, lang: str = "id") -> dict[str, Any]:
    """``{"tahun", "aturan_tahun", "per_tahun", "jumlah_koperasi", "total", "per_wilayah", "masalah",
    "dilewati"}`` — amounts as exact decimal strings; each problem's ``pesan`` worded in ``lang``."""
    regions = []
    for region in result.per_wilayah:
        a = region.angka
        regions.append({
            "provinsi": region.provinsi, "kabupaten_kota": region.kabupaten_kota, "kecamatan": region.kecamatan,
            "jumlah_koperasi": a.jumlah_koperasi,
            **_figures_json(a),
            "persen_perempuan": _share(a.persen_perempuan),
            "npl": _share(a.npl),
            "median": {k: money(v) for k, v in sorted(a.median.items())},
            "koperasi_npl_di_atas_ambang": [{"nama": n, "npl": format(v, "f")} for n, v in a.koperasi_npl],
            "koperasi_tanpa_tutup_buku": list(a.koperasi_tanpa_tutup_buku),
            "kolektibilitas": [{"kolektibilitas": k, "jumlah_pinjaman": n, "saldo": money(s)}
                               for k, n, s in a.kolektibilitas],
            "predikat": [{"predikat": p or None, "jumlah": n} for p, n in a.predikat],
        })
    return {
        "tahun": result.tahun,
        "aturan_tahun": result.aturan_tahun or None,
        "per_tahun": [{"tahun": y, "jumlah_koperasi": n} for y, n in result.per_tahun],
        "jumlah_koperasi": result.jumlah_koperasi,
        "total": _figures_json(result.total),
        "per_wilayah": regions,
        "masalah": [{"berkas": m.berkas, "pesan": str(in_language(m.pesan, lang))} for m in result.masalah],
        "dilewati": [{"berkas": m.berkas, "pesan": str(in_language(m.pesan, lang))} for m in result.dilewati],
    }
