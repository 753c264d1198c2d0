"""``kop rat``: the RAT pack (Laporan Pertanggungjawaban Pengurus) in one document."""

from __future__ import annotations

from pathlib import Path

import click

from kopledger.books.periode import hari_ini
from kopledger.cli.bahasa import language, teks
from kopledger.cli.common import (
    REPORT_YEAR,
    TEXT,
    cached_report,
    date_type,
    echo_json,
    echo_safe,
    handle_library_errors,
    lang_option,
    ledger_argument,
    load_books,
    to_click_error,
    write_output,
)
from kopledger.core.errors import InputError, translate
from kopledger.present.jsondata import dumps
from kopledger.present.rat import rat_json, render_rat
from kopledger.present.shu import render_slips
from kopledger.reports.rat import build_rat


@click.command("rat")
@ledger_argument
@click.option("--tahun", type=REPORT_YEAR, default=None, help="Tahun buku (default: tahun terakhir di buku).")
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
@click.option("--tempat", type=TEXT, default=None, help="Tempat penandatanganan (default: rat-teks \"tempat\").")
@click.option("--tanggal", default=None, help="Tanggal RAT/penandatanganan, YYYY-MM-DD.")
@click.option(
    "--slip", type=click.Path(path_type=Path, dir_okay=False), default=None,
    help="Tulis juga slip SHU per anggota ke berkas ini (HTML).",
)
@click.option("--sementara", is_flag=True,
              help="Paket RAT sementara tahun buku yang belum berakhir, per hari kemarin (ditandai SEMENTARA); "
                   "tanpa ini tahun yang belum berakhir ditolak.")
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
    sementara: bool = False,
) -> None:
    """Buat paket RAT: laporan pertanggungjawaban pengurus (build the annual meeting report)."""
    def progress(message: str) -> None:
        # build_rat names its steps in Indonesian (catalog keys); the CLI's own steps come as teks(…)
        if not quiet:
            echo_safe(teks("[rat] {langkah} …", langkah=translate(message, language())), err=True)

    today = hari_ini()
    by_suffix = {".pdf": "pdf", ".html": "html", ".htm": "html"}
    cacheable = (slip is None and templat is None and tahun is not None and out is not None and str(out) != "-"
                 and out.suffix.lower() in by_suffix and fmt in (None, by_suffix.get(out.suffix.lower())))
    if cacheable:
        assert out is not None and tahun is not None
        # unchanged books: the same pack comes from kopledger's cache (kopledger.books.load.cache)
        kind = by_suffix[out.suffix.lower()]
        year_ = tahun

        def compute() -> str | bytes:
            progress(teks("Membaca buku"))
            kop = load_books(ledger)
            pack = build_rat(kop, year_, lang=lang, tempat=tempat, tanggal=date_type(tanggal), progress=progress,
                             periode=kop.periode(year_, today=today, sementara=sementara))
            progress(teks("Menyusun dokumen PDF") if kind == "pdf" else teks("Menyusun dokumen"))
            return render_rat(pack, kind, lang, templat)

        params = (tahun, kind, lang, tempat, tanggal, sementara, today.isoformat())
        content = cached_report(ledger, "rat", params, compute)
        write_output(content, out)
        return
    progress(teks("Membaca buku"))
    kop = load_books(ledger)
    years = kop.years()
    year = tahun if tahun is not None else (years[-1] if years else None)
    if year is None:
        raise to_click_error(InputError.pesan("buku belum berisi transaksi: tidak ada yang dilaporkan"))
    if out is not None and str(out) != "-":
        # -- the format follows the --out suffix; an unknown suffix is refused --
        suffix = out.suffix.lower()
        by_suffix = {".pdf": "pdf", ".html": "html", ".htm": "html", ".json": "json"}
        if suffix not in by_suffix:
            raise to_click_error(InputError.pesan(
                "akhiran --out tidak dikenal: {nama!r}; pakai .html, .pdf atau .json", nama=out.name))
        if fmt is None:
            fmt = by_suffix[suffix]
    if fmt is None:
        fmt = "html"
    if out is None and fmt != "json":
        out = Path(f"rat-{year}.{fmt}")
    # a year not yet ended is provisional, and refused unless --sementara says so (Koperasi.periode)
    periode = kop.periode(year, today=today, sementara=sementara)
    pack = build_rat(kop, year, lang=lang, tempat=tempat, tanggal=date_type(tanggal), progress=progress,
                     periode=periode)
    if fmt == "json":
        if out is None or str(out) == "-":
            echo_json(rat_json(pack))
        else:
            write_output(dumps(rat_json(pack)), out)
        return
    progress(teks("Menyusun dokumen PDF") if fmt == "pdf" else teks("Menyusun dokumen"))
    content = render_rat(pack, fmt, lang, templat)
    write_output(content, None if out is not None and str(out) == "-" else out)
    if slip is not None:
        if pack.shu is None:
            # build_rat words the reason in the pack's language already
            reason = pack.belum_tersedia.get("shu") or teks("SHU tidak tersedia")
            raise to_click_error(InputError.pesan("slip SHU tidak dapat dibuat: {alasan}", alasan=reason))

        progress(teks("Slip SHU"))
        write_output(render_slips(kop, pack.shu, "html", lang, template_dir=templat), slip)


COMMANDS = [(rat_command, ["annual-report"])]
