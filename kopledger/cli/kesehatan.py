"""``kop kesehatan`` (``health``): the health assessment of a tahun buku."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from kopledger.cli.bahasa import teks
from kopledger.cli.common import (
    EXIT_FAILED,
    REPORT_YEAR,
    KopClickError,
    echo_safe,
    handle_library_errors,
    lang_option,
    ledger_argument,
    load_books,
    to_click_error,
    write_output,
)
from kopledger.core.errors import InputError
from kopledger.present.kesehatan import answers_template, assessment_json, render_assessment
from kopledger.reports.kesehatan import assess


@click.command("kesehatan")
@ledger_argument
@click.option("--tahun", type=REPORT_YEAR, default=None, help="Tahun buku (default: tahun terakhir yang ada transaksinya).")
@click.option("--format", "fmt", type=click.Choice(["txt", "json", "html", "pdf"]), default=None,
              help="Bentuk keluaran (default: dari akhiran --out, atau txt).")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Tulis ke berkas ini (default: layar).")
@lang_option
@click.option("--templat", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Folder templat sendiri yang menggantikan templat bawaan menurut nama.")
@click.option("--sementara", is_flag=True,
              help="Penilaian sementara tahun buku yang belum berakhir, per hari kemarin (ditandai SEMENTARA); "
                   "tanpa ini tahun yang belum berakhir ditolak.")
@click.option("--templat-isian", "isian", is_flag=True,
              help="Cetak templat isian penilaian mandiri pengurus untuk tahun itu, lalu selesai.")
@handle_library_errors
def kesehatan_command(
    ledger: Path | None, tahun: int | None, fmt: str | None, out: Path | None, lang: str,
    templat: Path | None, isian: bool, sementara: bool = False,
) -> None:
    """Penilaian kesehatan koperasi (Permenkop UKM 9/2020, Juknis 15/2021) (health assessment)."""
    if isian and ledger is None and tahun is not None:
        write_output(answers_template(tahun, lang=lang), out)
        return
    kop = load_books(ledger)
    years = kop.years()
    if tahun is None:
        if not years:
            raise to_click_error(InputError.pesan("buku belum berisi transaksi; belum ada yang bisa dinilai"))
        tahun = years[-1]
    if isian:
        write_output(answers_template(tahun, lang=lang), out)
        return
    if tahun not in years:
        raise to_click_error(InputError.pesan("buku tidak berisi transaksi pada tahun {tahun}", tahun=tahun))
    if fmt is None:
        suffix = out.suffix.lower().lstrip(".") if out is not None else "txt"
        if suffix not in ("txt", "json", "html", "pdf"):
            raise to_click_error(InputError.pesan(
                "akhiran --out tidak dikenal: .{akhiran}; pakai .txt, .json, .html atau .pdf", akhiran=suffix))
        fmt = suffix
    if fmt == "pdf" and out is None and sys.stdout.isatty():
        raise to_click_error(InputError.pesan(
            "keluaran PDF berupa berkas biner: sebutkan berkasnya dengan --out kesehatan.pdf"))
    # provisional while the year runs: refused unless --sementara says so (Koperasi.periode)
    result = assess(kop, tahun, periode=kop.periode(tahun, sementara=sementara))
    if result.errors:
        for line in result.errors:
            echo_safe(line.in_lang(lang), err=True)
        raise KopClickError(teks("isian atau batas penilaian kesehatan tidak valid; perbaiki baris di atas"),
                            EXIT_FAILED)
    if fmt == "json":
        write_output(json.dumps(assessment_json(result), ensure_ascii=False, indent=2) + "\n", out)
        return
    write_output(render_assessment(result, fmt, kop=kop, lang=lang, template_dir=templat), out)


COMMANDS = [(kesehatan_command, ["health"])]
