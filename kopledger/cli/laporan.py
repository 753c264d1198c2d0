"""``kop laporan`` (``report``): the financial statements of a tahun buku."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kopledger.cli.common import (
    handle_library_errors,
    lang_option,
    ledger_argument,
    load_books,
    to_click_error,
    write_output,
)
from kopledger.errors import InputError

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
    from kopledger.statements import JENIS

    kop = load_books(ledger)
    if tahun is None:
        years = kop.years()
        if not years:
            raise to_click_error(InputError.pesan("buku belum berisi transaksi; belum ada yang bisa dilaporkan"))
        tahun = years[-1]
    if out is None and fmt in ("pdf", "xlsx") and sys.stdout.isatty():
        raise to_click_error(InputError.pesan(
            "keluaran {format} berupa berkas biner: sebutkan berkasnya dengan --out laporan.{akhiran}",
            format=fmt.upper(), akhiran=fmt))
    parts = list(JENIS) if jenis == "semua" else [jenis]
    fs = kop.statements(tahun)
    content = render_laporan(kop, fs, fmt, jenis=parts, lang=lang, template_dir=templat)
    write_output(content, out)


COMMANDS = [(laporan_command, ["report"])]
