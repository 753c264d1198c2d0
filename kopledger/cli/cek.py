"""``kop init`` and ``kop cek``: start books, and check them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from kopledger.cli.common import (
    EXIT_FAILED,
    KopClickError,
    echo_errors,
    echo_json,
    format_option,
    ledger_argument,
    load_books,
)
from kopledger.config import JENIS_KOPERASI
from kopledger.errors import error_location
from kopledger.filters import angka, tanggal


@click.command("init")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option("--nama", required=True, help="Nama koperasi.")
@click.option("--mulai", default=None, help="Tanggal mulai buku (YYYY-MM-DD), default 1 Januari tahun ini.")
@click.option("--jenis", type=click.Choice(JENIS_KOPERASI), default="serba-usaha", show_default=True)
@click.option("--alamat", default="", help="Alamat koperasi.")
@click.option("--badan-hukum", default="", help="Nomor badan hukum.")
@click.option("--akun-inggris", is_flag=True, help="Use English root names (Assets, Liabilities, …).")
def init_command(
    folder: Path, nama: str, mulai: str | None, jenis: str, alamat: str, badan_hukum: str, akun_inggris: bool
) -> None:
    """Buat buku besar koperasi baru (create a new koperasi ledger)."""
    from kopledger.accounts import Roots
    from kopledger.cli.common import date_type
    from kopledger.init import create_ledger

    start = date_type(mulai) or dt.date(dt.date.today().year, 1, 1)
    roots = Roots("Assets", "Liabilities", "Equity", "Income", "Expenses") if akun_inggris else Roots()
    path = create_ledger(
        folder, nama, start=start, roots=roots, jenis=jenis, alamat=alamat, badan_hukum=badan_hukum
    )
    click.echo(f"Buku baru ditulis: {path}")
    click.echo(f"Periksa dengan: kop cek {path}")


@click.command("cek")
@ledger_argument
@format_option("text", "json", default="text")
def cek_command(ledger: Path | None, fmt: str) -> None:
    """Periksa buku: semua kesalahan sebagai file:baris (check the books)."""
    kop = load_books(ledger, require_clean=False)
    if fmt == "json":
        echo_json({
            "ok": not kop.errors,
            "errors": [
                {
                    "file": (getattr(e, "source", None) or {}).get("filename"),
                    "line": (getattr(e, "source", None) or {}).get("lineno"),
                    "location": error_location(e),
                    "message": str(getattr(e, "message", e)).strip(),
                }
                for e in kop.errors
            ],
        })
        if kop.errors:
            raise SystemExit(EXIT_FAILED)
        return
    if kop.errors:
        echo_errors(kop.errors)
        raise KopClickError(f"{len(kop.errors)} kesalahan di {ledger}", EXIT_FAILED)
    period = kop.period()
    today = dt.date.today()
    active = len(kop.active_members(period[1] if period else today))
    span = f", {tanggal(period[0])} – {tanggal(period[1])}" if period else ""
    click.echo(
        f"OK: {kop.title} — {angka(len(kop.members))} anggota ({angka(active)} aktif), "
        f"{angka(len(kop.transactions))} transaksi{span}"
    )


COMMANDS = [(init_command, []), (cek_command, ["check"])]
