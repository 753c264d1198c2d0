"""``kop tutup-buku`` (close) and ``kop buka-buku`` (reopen): closing the books of a year."""

from __future__ import annotations

from pathlib import Path

import click

from kopledger.cli.common import (
    TEXT,
    YEAR,
    bukti_option,
    date_type,
    dry_run_option,
    echo_json,
    format_option,
    handle_library_errors,
    lang_option,
    ledger_argument,
    require_ledger,
)
from kopledger.ops.closing import close_year, reopen_year
from kopledger.present.render import render


@click.command("tutup-buku")
@ledger_argument
@click.option("--tahun", type=YEAR, required=True, help="Tahun buku yang ditutup (mis. 2024).")
@click.option("--file-baru", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Mulai berkas baru untuk tahun berikutnya (saldo awal; buku lama disebut sebagai arsip "
                   "dan disegel). Nama berkas saja: dibuat di folder buku lama.")
@click.option("--tanggal", default=None, help="Tanggal penutupan (YYYY-MM-DD), default hari ini.")
@click.option("--shu-tanggal", default=None,
              help="Tanggal RAT (YYYY-MM-DD): sekaligus catat jurnal alokasi SHU tahun itu.")
@bukti_option
@dry_run_option
@format_option("text", "json", default="text")
@lang_option
@handle_library_errors
def tutup_buku_command(
    ledger: Path | None, tahun: int, file_baru: Path | None, tanggal: str | None, shu_tanggal: str | None,
    bukti: str | None, dry_run: bool, fmt: str, lang: str,
) -> None:
    """Tutup buku satu tahun: jurnal penutup ke SHU, kunci bersidik (close a financial year)."""
    path = require_ledger(ledger)
    result = close_year(path, tahun, dry_run=dry_run, new_file=file_baru, today=date_type(tanggal),
                        shu_date=date_type(shu_tanggal), bukti=bukti)
    if fmt == "json":
        echo_json({
            "tahun": result.tahun,
            "ditulis": result.written,
            "path": str(result.path),
            "shu": result.shu,
            "sidik": result.sidik,
            "akun": [{"akun": a.akun, "saldo": a.saldo} for a in result.akun],
            "teks": result.text,
            "file_baru": None if result.file_baru is None else {
                "path": str(result.file_baru.path),
                "saldo_awal": dict(result.file_baru.saldo_awal),
            },
        })
        return
    click.echo(render("tutup/ringkasan.txt.j2", {
        "tahun": result.tahun,
        "koperasi": result.judul,
        "ditulis": result.written,
        "path": result.path,
        "shu": result.shu,
        "akun": result.akun,
        "sidik": result.sidik,
        "teks": result.text,
        "file_baru": result.file_baru,
    }, lang=lang), nl=False)


@click.command("buka-buku")
@ledger_argument
@click.option("--tahun", type=YEAR, required=True, help="Tahun buku yang dibuka kembali.")
@click.option("--alasan", type=TEXT, required=True, help="Alasan membuka kembali (tercatat di buku).")
@click.option("--tanggal", default=None, help="Tanggal pembukaan (YYYY-MM-DD), default hari ini.")
@bukti_option
@dry_run_option
@format_option("text", "json", default="text")
@lang_option
@handle_library_errors
def buka_buku_command(
    ledger: Path | None, tahun: int, alasan: str, tanggal: str | None, bukti: str | None, dry_run: bool, fmt: str,
    lang: str,
) -> None:
    """Buka kembali tahun buku yang sudah ditutup, dengan alasan (reopen a closed year)."""
    path = require_ledger(ledger)
    result = reopen_year(path, tahun, alasan, dry_run=dry_run, today=date_type(tanggal), bukti=bukti)
    if fmt == "json":
        echo_json({"tahun": result.tahun, "ditulis": result.written, "path": str(result.path), "teks": result.text})
        return
    click.echo(render("tutup/buka.txt.j2", {
        "tahun": result.tahun, "ditulis": result.written, "path": result.path, "teks": result.text,
    }, lang=lang), nl=False)


COMMANDS = [(tutup_buku_command, ["close"]), (buka_buku_command, ["reopen"])]
