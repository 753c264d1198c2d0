"""``kop laporan`` (``report``): the financial statements of a tahun buku."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from kopledger.books.periode import hari_ini
from kopledger.cli.common import (
    DATE,
    REPORT_YEAR,
    cached_report,
    handle_library_errors,
    lang_option,
    ledger_argument,
    load_books,
    to_click_error,
    write_output,
)
from kopledger.core.errors import InputError
from kopledger.present.laporan import render_laporan, render_unit
from kopledger.reports.statements import JENIS

JENIS_CHOICES = ("neraca", "phu", "ekuitas", "arus-kas", "calk", "semua")


@click.command("laporan")
@ledger_argument
@click.option("--tahun", type=REPORT_YEAR, default=None, help="Tahun buku (default: tahun terakhir yang ada transaksinya).")
@click.option(
    "--jenis", type=click.Choice(JENIS_CHOICES), default="semua", show_default=True,
    help="Laporan: neraca, phu, ekuitas, arus-kas, calk, atau semua.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["html", "pdf", "xlsx", "txt", "json"]), default="txt",
    show_default=True, help="Bentuk keluaran.",
)
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Tulis ke berkas ini (default: layar; wajib untuk pdf dan xlsx di terminal).")
@lang_option
@click.option("--templat", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Folder templat sendiri yang menggantikan templat bawaan menurut nama.")
@click.option("--sementara", is_flag=True,
              help="Laporan sementara tahun buku yang belum berakhir, per hari kemarin (ditandai SEMENTARA); "
                   "tanpa ini tahun yang belum berakhir ditolak.")
@click.option("--per", "per", type=DATE, default=None,
              help="Laporan sementara per tanggal ini (YYYY-MM-DD, di dalam tahun buku): saldo, pinjaman dan "
                   "tunggakan dinilai pada tanggal itu.")
@click.option("--unit", default=None, help="Hanya unit usaha ini (metadata unit pada akun): PHU dan neraca unit.")
@handle_library_errors
def laporan_command(
    ledger: Path | None, tahun: int | None, jenis: str, fmt: str, out: Path | None, lang: str,
    templat: Path | None, sementara: bool = False, per: dt.date | None = None, unit: str | None = None,
) -> None:
    """Laporan keuangan: neraca, PHU, perubahan ekuitas, arus kas, CALK (financial statements)."""
    if out is None and fmt in ("pdf", "xlsx") and sys.stdout.isatty():
        raise to_click_error(InputError.pesan(
            "keluaran {format} berupa berkas biner: sebutkan berkasnya dengan --out laporan.{akhiran}",
            format=fmt.upper(), akhiran=fmt))

    if tahun is None and per is not None:
        tahun = per.year
    today = hari_ini()

    def compute(tahun: int | None = tahun) -> str | bytes:
        kop = load_books(ledger)
        if tahun is None:
            years = kop.years()
            if not years:
                raise to_click_error(InputError.pesan("buku belum berisi transaksi; belum ada yang bisa dilaporkan"))
            tahun = years[-1]
        # the period is decided by the books (Koperasi.periode): a year not yet ended is provisional,
        # and refused unless --sementara (or an interim --per) says so
        periode = kop.periode(tahun, per=per, today=today, sementara=sementara)
        if unit is not None:
            return render_unit(kop, unit, tahun, fmt, per=periode.per_sementara, lang=lang, template_dir=templat)
        parts = list(JENIS) if jenis == "semua" else [jenis]
        return render_laporan(kop, kop.laporan(periode), fmt, jenis=parts, lang=lang, template_dir=templat)

    # unchanged books: the same report comes from kopledger's cache (kopledger.books.load.cache)
    params = (tahun, jenis, fmt, lang, per, unit, sementara, today.isoformat())
    content = compute() if templat is not None else cached_report(ledger, "laporan", params, compute)
    write_output(content, out)


COMMANDS = [(laporan_command, ["report"])]
