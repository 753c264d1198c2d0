"""``kop init`` and ``kop cek``: start books, and check them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import click

from kopledger.books.directives import JENIS_KOPERASI
from kopledger.books.periode import hari_ini
from kopledger.cli.bahasa import language, teks
from kopledger.cli.common import (
    AMOUNT,
    EXIT_FAILED,
    TEXT,
    KopClickError,
    date_type,
    dry_run_option,
    echo_json,
    echo_safe,
    format_option,
    handle_library_errors,
    lang_only_option,
    ledger_argument,
    load_books,
)
from kopledger.core.errors import error_message, format_error_line, sorted_errors
from kopledger.core.inputs import terminal_safe
from kopledger.core.roots import Roots
from kopledger.ops.cek import book_errors, book_warnings
from kopledger.ops.init import ENGLISH_ROOTS, create_ledger, prepare_ledger
from kopledger.present.formatting import angka, tanggal


@click.command("init")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option("--nama", type=TEXT, required=True, help="Nama koperasi.")
@click.option("--mulai", default=None, help="Tanggal mulai buku (YYYY-MM-DD), default 1 Januari tahun ini.")
@click.option("--jenis", type=click.Choice(JENIS_KOPERASI), default="serba-usaha", show_default=True,
              help="Jenis koperasi.")
@click.option("--alamat", type=TEXT, default="", help="Alamat koperasi.")
@click.option("--badan-hukum", type=TEXT, default="", help="Nomor badan hukum.")
@click.option("--simpanan-pokok", "pokok", type=AMOUNT, default="100000", show_default=True,
              help="Simpanan pokok (rupiah, sekali saat masuk).")
@click.option("--simpanan-wajib", "wajib", type=AMOUNT, default="25000", show_default=True,
              help="Simpanan wajib per bulan (rupiah).")
@click.option("--akun-inggris", is_flag=True, help="Pakai nama akun induk berbahasa Inggris (English root names: Assets, Liabilities, …).")
@dry_run_option
@lang_only_option
@handle_library_errors
def init_command(
    folder: Path, nama: str, mulai: str | None, jenis: str, alamat: str, badan_hukum: str,
    pokok: Decimal, wajib: Decimal, akun_inggris: bool, dry_run: bool,
) -> None:
    """Buat buku besar koperasi baru (create a new koperasi ledger)."""
    start = date_type(mulai) or dt.date(hari_ini().year, 1, 1)
    build = prepare_ledger if dry_run else create_ledger
    made = build(
        folder, nama, start=start, roots=ENGLISH_ROOTS if akun_inggris else Roots(), jenis=jenis,
        alamat=alamat, badan_hukum=badan_hukum, pokok=int(pokok), wajib=int(wajib),
    )
    if isinstance(made, tuple):
        path, text = made
        click.echo(text, nl=False)
        echo_safe(teks("(dry-run: {berkas} tidak ditulis)", berkas=path), err=True)
        return
    path = made
    echo_safe(teks("Buku baru ditulis: {berkas}", berkas=path))
    echo_safe(teks("Periksa dengan: kop cek {berkas}", berkas=path))


def error_record(error: Any) -> dict[str, Any]:
    """An error as a JSON object: ``file``, ``line``, ``message``."""
    source = getattr(error, "source", None) or {}
    line = source.get("lineno")
    return {
        "file": source.get("filename"),
        "line": line if isinstance(line, int) else None,
        "message": error_message(error, language()),
    }


@click.command("cek")
@ledger_argument
@format_option("text", "json", default="text")
@lang_only_option
@handle_library_errors
def cek_command(ledger: Path | None, fmt: str) -> None:
    """Periksa buku: semua kesalahan sebagai file:baris: pesan (check the books).

    Kode keluar 0 bila buku bersih (dengan ringkasan satu baris), 1 bila ada kesalahan,
    2 bila buku tidak bisa dibaca. ``--format json`` mencetak kesalahan sebagai daftar
    objek dengan ``file``, ``line`` dan ``message`` (daftar kosong bila bersih).
    """
    kop = load_books(ledger, require_clean=False)
    # the same checks the writer runs on every candidate, in file:line order (the same on every run)
    errors = sorted_errors(book_errors(kop))
    # warnings (a bank account below zero): printed after the errors, the exit code unchanged;
    # with --format json on stderr, so the JSON list stays the errors
    warnings = [terminal_safe(format_error_line(w, language())) for w in sorted_errors(book_warnings(kop))]
    if fmt == "json":
        for line in warnings:
            click.echo(line, err=True)
        echo_json([error_record(e) for e in errors])
        if errors:
            raise SystemExit(EXIT_FAILED)
        return
    for error in errors:
        click.echo(terminal_safe(format_error_line(error, language())))
    for line in warnings:
        click.echo(line)
    if errors:
        raise KopClickError(teks("{jumlah} kesalahan di {berkas}", jumlah=len(errors), berkas=kop.path or ledger),
                            EXIT_FAILED)
    lang = language()
    period = kop.period()
    counts = {
        "koperasi": kop.title, "anggota": angka(len(kop.members), lang),
        "aktif": angka(len(kop.active_members(period[1])) if period else 0, lang),
        "transaksi": angka(len(kop.transactions), lang),
    }
    if period:
        echo_safe(teks("OK: {koperasi} — {anggota} anggota ({aktif} aktif), {transaksi} transaksi, {awal} – {akhir}",
                       awal=tanggal(period[0], lang), akhir=tanggal(period[1], lang), **counts))
    else:
        echo_safe(teks("OK: {koperasi} — {anggota} anggota ({aktif} aktif), {transaksi} transaksi", **counts))


COMMANDS = [(init_command, []), (cek_command, ["check"])]
