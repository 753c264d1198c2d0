"""``kop ekspor`` (``export``) and ``kop agregat`` (``aggregate``): the Dinas view."""

from __future__ import annotations

import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path

import click

from kopledger.cli.bahasa import language, teks
from kopledger.cli.common import (
    EXIT_FAILED,
    REPORT_YEAR,
    YEAR,
    KopClickError,
    echo_safe,
    handle_library_errors,
    lang_only_option,
    lang_option,
    ledger_argument,
    load_books,
    to_click_error,
    write_output,
)
from kopledger.core.errors import InputError
from kopledger.dinas.agregat import agregat
from kopledger.dinas.ekspor import build_export, export_json
from kopledger.dinas.laporan import render_agregat
from kopledger.ops.closing import closed_years


@click.command("ekspor")
@ledger_argument
@click.option("--tahun", type=REPORT_YEAR, default=None,
              help="Tahun buku (default: tahun terakhir yang sudah ditutup; dengan --sementara: tahun terakhir di buku).")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Tulis ekspor JSON ke berkas ini (default: layar).")
@click.option("--sementara", is_flag=True,
              help="Ekspor tahun yang belum ditutup (angka sementara, tanpa sidik).")
@lang_only_option
@handle_library_errors
def ekspor_command(ledger: Path | None, tahun: int | None, out: Path | None, sementara: bool) -> None:
    """Ekspor satu tahun buku untuk Dinas Koperasi, dalam skema terbitan (export a closed year for the Dinas)."""
    kop = load_books(ledger)
    if tahun is None:
        closed = sorted(closed_years(kop))
        if sementara:
            years = kop.years()
            tahun = years[-1] if years else None
        else:
            tahun = closed[-1] if closed else None
        if tahun is None:
            raise to_click_error(InputError.pesan(
                "belum ada tahun buku yang ditutup untuk diekspor; tutup dulu dengan kop tutup-buku, "
                "atau sebutkan --tahun dengan --sementara"))
    document = build_export(kop, tahun, sementara=sementara)
    for warning in document["peringatan"]:
        if warning.startswith("wilayah-kosong:"):
            key = warning.split(":", 1)[1].replace("_", "-")
            echo_safe(teks('Peringatan: wilayah belum diisi: tambahkan metadata {kunci}: "…" pada custom "koperasi"',
                           kunci=key), err=True)
    write_output(export_json(document), out)


def _threshold(value: str) -> Decimal:
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise to_click_error(InputError.pesan(
            "--ambang-npl harus angka persen, misalnya 5 atau 7.5 (bukan {nilai!r})", nilai=value)) from None
    if not number.is_finite() or number < 0 or number > 100:
        raise to_click_error(InputError.pesan("--ambang-npl harus antara 0 dan 100 (bukan {nilai})", nilai=value))
    return number


@click.command("agregat")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Folder keluaran: tabel Parquet dan laporan wilayah (HTML/PDF/XLSX).")
@click.option("--tahun", type=YEAR, default=None, help="Tahun buku (default: tahun terakhir dalam ekspor).")
@click.option("--tingkat", type=click.Choice(["provinsi", "kabupaten-kota", "kecamatan"]), default="kabupaten-kota",
              show_default=True, help="Tingkat wilayah pengelompokan.")
@click.option("--ambang-npl", "ambang", default="5", show_default=True,
              help="Ambang NPL (persen): koperasi di atasnya didaftar.")
@click.option("--engine", "--mesin", "engine", type=click.Choice(["duckdb", "spark"]), default="duckdb",
              show_default=True, help="Mesin agregasi: duckdb (tertanam) atau spark (pyspark, lokal atau klaster).")
@click.option("--spark-master", default=None, help="Master Spark (default: $SPARK_MASTER atau local[2]).")
@click.option("--partisi", is_flag=True, help="Tulis Parquet terpartisi provinsi/tahun (tata letak nasional).")
@click.option("--laporan", "reports", type=click.Choice(["html", "pdf", "xlsx"]), multiple=True,
              help="Bentuk laporan wilayah di --out (boleh berulang; default: html, xlsx, dan pdf bila tersedia).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Bentuk angka yang dicetak di layar.")
@lang_option
@handle_library_errors
def agregat_command(
    paths: tuple[Path, ...], out: Path | None, tahun: int | None, tingkat: str, ambang: str, engine: str,
    spark_master: str | None, partisi: bool, reports: tuple[str, ...], fmt: str, lang: str,
) -> None:
    """Gabungkan banyak ekspor koperasi menjadi gambaran wilayah (aggregate many exports by region)."""
    result = agregat(list(paths), out, tahun=tahun, tingkat=tingkat, ambang_npl=_threshold(ambang), engine=engine,
                     partisi=partisi, spark_master=spark_master)
    if out is not None:
        wanted = list(reports) or ["html", "xlsx", "pdf"]
        stem = f"laporan-wilayah-{result.tahun if result.tahun is not None else 'kosong'}"
        for kind in wanted:
            try:
                content = render_agregat(result, kind, lang=lang)
            except InputError as exc:
                if reports:  # asked for explicitly: a failure is an error
                    raise
                echo_safe(teks("Peringatan: laporan {jenis} tidak dibuat: {alasan}", jenis=kind.upper(),
                               alasan=exc.in_lang(language())), err=True)
                continue
            write_output(content, out / f"{stem}.{kind}")
        for table, path in result.tabel.items():
            echo_safe(teks("Tabel {tabel}: {berkas}", tabel=table, berkas=path), err=True)
    write_output(render_agregat(result, "json" if fmt == "json" else "txt", lang=lang), None)
    if result.masalah:
        for problem in result.masalah:
            echo_safe(teks("{berkas}: {pesan}", berkas=problem.berkas, pesan=problem.pesan), err=True)
        raise KopClickError(teks("{jumlah} berkas tidak dihitung (lihat di atas)", jumlah=len(result.masalah)),
                            EXIT_FAILED)
    sys.stdout.flush()


COMMANDS = [(ekspor_command, ["export"]), (agregat_command, ["aggregate"])]
