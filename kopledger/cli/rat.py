"""``kop rat``: the RAT pack (Laporan Pertanggungjawaban Pengurus) in one document."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from kopledger.cache import cached_output
from kopledger.cli.common import (
    EXIT_USAGE,
    KopClickError,
    date_type,
    echo_json,
    handle_library_errors,
    lang_option,
    ledger_argument,
    load_books,
    require_ledger,
    write_output,
)


@click.command("rat")
@ledger_argument
@click.option("--tahun", type=int, default=None, help="Tahun buku (default: tahun terakhir di buku).")
@click.option(
    "--out", type=click.Path(path_type=Path, dir_okay=False), default=None,
    help="Berkas keluaran: .html atau .pdf (default: rat-TAHUN.html). '-' untuk layar (stdout).",
)
@click.option(
    "--format", "fmt", type=click.Choice(["html", "pdf", "json"]), default=None,
    help="Bentuk keluaran (default: dari akhiran --out, atau html). json: angka-angkanya saja.",
)
@lang_option
@click.option(
    "--templat", type=click.Path(path_type=Path, file_okay=False), default=None,
    help="Folder templat sendiri yang menggantikan templat bawaan (mis. rat/_kata_pengantar.html.j2).",
)
@click.option("--tempat", default=None, help="Tempat penandatanganan (default: rat-teks \"tempat\").")
@click.option("--tanggal", default=None, help="Tanggal RAT/penandatanganan, YYYY-MM-DD.")
@click.option(
    "--slip", type=click.Path(path_type=Path, dir_okay=False), default=None,
    help="Tulis juga slip SHU per anggota ke berkas ini (HTML).",
)
@click.option("--diam", "quiet", is_flag=True, help="Tanpa pesan kemajuan di stderr.")
@handle_library_errors
def rat_command(
    ledger: Path | None,
    tahun: int | None,
    out: Path | None,
    fmt: str | None,
    lang: str,
    templat: Path | None,
    tempat: str | None,
    tanggal: str | None,
    slip: Path | None,
    quiet: bool,
) -> None:
    """Buat paket RAT: laporan pertanggungjawaban pengurus (build the annual meeting report)."""
    from kopledger.rat import build_rat, render_rat

    def progress(message: str) -> None:
        if not quiet:
            click.echo(f"[rat] {message} …", err=True)

    if slip is None and templat is None and fmt != "json" and tahun is not None and out is not None:
        # unchanged books: the same pack comes from kopledger's cache (kopledger.cache)
        kind = fmt or ("pdf" if out.suffix.lower() == ".pdf" else "html")
        year_ = tahun

        def compute() -> str | bytes:
            progress("Membaca buku")
            kop = load_books(ledger)
            pack = build_rat(kop, year_, lang=lang, tempat=tempat, tanggal=date_type(tanggal), progress=progress)
            progress("Menyusun dokumen" + (" PDF" if kind == "pdf" else ""))
            return render_rat(pack, kind, lang, templat)

        params = (tahun, kind, lang, tempat, tanggal, dt.date.today().isoformat())
        content = cached_output(require_ledger(ledger), "rat", params, compute)
        write_output(content, None if str(out) == "-" else out)
        return
    progress("Membaca buku")
    kop = load_books(ledger)
    years = kop.years()
    year = tahun if tahun is not None else (years[-1] if years else None)
    if year is None:
        raise KopClickError("buku belum berisi transaksi: tidak ada yang dilaporkan", EXIT_USAGE)
    if fmt is None:
        fmt = "pdf" if out is not None and out.suffix.lower() == ".pdf" else "html"
    if out is None and fmt != "json":
        out = Path(f"rat-{year}.{fmt}")
    pack = build_rat(kop, year, lang=lang, tempat=tempat, tanggal=date_type(tanggal), progress=progress)
    if fmt == "json":
        from dataclasses import replace

        echo_json(replace(pack, grafik=()))
        return
    progress("Menyusun dokumen" + (" PDF" if fmt == "pdf" else ""))
    content = render_rat(pack, fmt, lang, templat)
    write_output(content, None if out is not None and str(out) == "-" else out)
    if slip is not None:
        if pack.shu is None:
            raise KopClickError(
                f"slip SHU tidak dapat dibuat: {pack.belum_tersedia.get('shu', 'SHU tidak tersedia')}",
                EXIT_USAGE,
            )
        from kopledger.shu import render_slips

        progress("Slip SHU")
        write_output(render_slips(kop, pack.shu, "html", lang, template_dir=templat), slip)


COMMANDS = [(rat_command, ["annual-report"])]
