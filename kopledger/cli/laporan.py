"""``kop laporan`` (``report``): the financial statements of a tahun buku."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from kopledger.cache import cached_output
from kopledger.cli.common import (
    EXIT_USAGE,
    KopClickError,
    handle_library_errors,
    lang_option,
    ledger_argument,
    load_books,
    require_ledger,
    write_output,
)

JENIS_CHOICES = ("neraca", "phu", "ekuitas", "arus-kas", "calk", "semua")


@click.command("laporan")
@ledger_argument
@click.option("--tahun", type=int, default=None, help="Tahun buku (default: tahun terakhir yang ada transaksinya).")
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
@handle_library_errors
def laporan_command(
    ledger: Path | None, tahun: int | None, jenis: str, fmt: str, out: Path | None, lang: str,
    templat: Path | None,
) -> None:
    """Laporan keuangan: neraca, PHU, perubahan ekuitas, arus kas, CALK (financial statements)."""
    from kopledger.output import render_laporan
    from kopledger.statements import JENIS, build_statements

    if out is None and fmt in ("pdf", "xlsx") and sys.stdout.isatty():
        raise KopClickError(f"keluaran {fmt.upper()} berupa berkas biner: sebutkan berkasnya dengan --out laporan.{fmt}", EXIT_USAGE)

    def compute(tahun: int | None = tahun) -> str | bytes:
        kop = load_books(ledger)
        if tahun is None:
            years = kop.years()
            if not years:
                raise KopClickError("buku belum berisi transaksi; belum ada yang bisa dilaporkan", EXIT_USAGE)
            tahun = years[-1]
        parts = list(JENIS) if jenis == "semua" else [jenis]
        fs = build_statements(kop, tahun)
        return render_laporan(kop, fs, fmt, jenis=parts, lang=lang, template_dir=templat)

    # unchanged books: the same report comes from kopledger's cache (kopledger.cache)
    params = (tahun, jenis, fmt, lang, dt.date.today().isoformat())
    content = compute() if templat is not None else cached_output(require_ledger(ledger), "laporan", params, compute)
    write_output(content, out)


COMMANDS = [(laporan_command, ["report"])]
