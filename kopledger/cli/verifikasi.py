"""``kop verifikasi``: check books against the sidik printed for a closed year."""

from __future__ import annotations

import re
from pathlib import Path

import click

from kopledger.books.years import verify_witness
from kopledger.cli.common import (
    EXIT_FAILED,
    YEAR,
    echo_json,
    format_option,
    handle_library_errors,
    lang_option,
    ledger_argument,
    load_books,
    to_click_error,
)
from kopledger.core.errors import InputError
from kopledger.present.render import render

_HEX = re.compile(r"[0-9a-fA-F]{16,64}")
#: Exit code when the year was never closed in these books (nothing to match the print against).
EXIT_NOT_CLOSED = 3


@click.command("verifikasi")
@ledger_argument
@click.option("--tahun", type=YEAR, required=True, help="Tahun buku yang sidiknya dicetak (mis. 2024).")
@click.option("--sidik", required=True,
              help="Sidik yang tercetak (paket RAT, halaman tanda tangan laporan, slip SHU); minimal 16 digit heksa.")
@format_option("text", "json", default="text")
@lang_option
@handle_library_errors
def verifikasi_command(ledger: Path | None, tahun: int, sidik: str, fmt: str, lang: str) -> None:
    """Cocokkan buku dengan sidik tahun buku yang tercetak (verify books against a printed sidik).

    Setiap kunci sampai tahun itu dihitung ulang dari isi buku (seluruh rantai). Keluar 0 bila
    cocok, 1 bila tidak (dengan apa yang berbeda), 2 bila perintahnya salah, 3 bila tahun itu
    belum pernah ditutup di buku ini.
    """
    printed = sidik.strip().replace(" ", "")
    if not _HEX.fullmatch(printed):
        raise to_click_error(InputError.pesan(
            "--sidik harus 16 sampai 64 digit heksadesimal (0-9, a-f), bukan {sidik!r}", sidik=sidik))
    kop = load_books(ledger, require_clean=False)
    result = verify_witness(kop, tahun, printed)
    if fmt == "json":
        echo_json({
            "tahun": result.tahun, "cocok": result.cocok, "dicetak": result.dicetak,
            "tercatat": result.tercatat, "dihitung": result.dihitung, "kunci": result.kunci,
            "bulan": list(result.bulan), "masalah": list(result.masalah),
            "tahun_terkunci": list(result.tahun_terkunci), "tahun_rusak": list(result.tahun_rusak),
            "catatan": list(result.catatan),
        })
    else:
        click.echo(render("tutup/verifikasi.txt.j2", {"v": result, "path": kop.path}, lang=lang), nl=False)
    if result.belum_ditutup:
        raise SystemExit(EXIT_NOT_CLOSED)
    if not result.cocok:
        raise SystemExit(EXIT_FAILED)


COMMANDS = [(verifikasi_command, ["verify"])]
