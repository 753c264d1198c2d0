"""``kop shu``: compute the SHU, book its allocation, pay it out, print member slips.

``kop shu LEDGER --tahun 2025`` computes (the default subcommand ``hitung``);
``kop shu bayar …`` books the payout; ``kop shu slip …`` renders member slips.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, ClassVar

import click

from kopledger.books.periode import hari_ini
from kopledger.cli import AliasedGroup
from kopledger.cli.bahasa import teks
from kopledger.cli.common import (
    DATE,
    TEXT,
    YEAR,
    bukti_option,
    cached_report,
    dry_run_option,
    echo_safe,
    format_option,
    handle_library_errors,
    lang_only_option,
    lang_option,
    ledger_argument,
    load_books,
    not_future,
    require_ledger,
    to_click_error,
    write_output,
)
from kopledger.core.errors import InputError
from kopledger.koperasi import Koperasi
from kopledger.ops.shu.compute import (
    allocation_entry,
    compute_shu,
    existing_allocation,
    payout_entries,
)
from kopledger.ops.writer import append_built, format_directives
from kopledger.present.jsondata import dumps
from kopledger.present.shu import render_slips, render_table, shu_json, to_csv


class ShuGroup(click.Group):
    """``kop shu``: a group whose default subcommand is ``hitung``, with English aliases."""

    default_command = "hitung"
    aliases: ClassVar[dict[str, str]] = {"compute": "hitung", "pay": "bayar", "slips": "slip"}

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return super().get_command(ctx, self.aliases.get(cmd_name, cmd_name))

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        first = args[0] if args else None
        if first is None or (
            first not in self.commands and first not in self.aliases and first not in ctx.help_option_names
        ):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)

    format_commands = AliasedGroup.format_commands  # list commands with their English aliases


def _tahun_option(func: Any) -> Any:
    return click.option("--tahun", type=YEAR, required=True, help="Tahun buku, mis. 2025.")(func)


def _per_option(func: Any) -> Any:
    return click.option(
        "--per", "per", type=DATE, default=None,
        help="SHU sementara per tanggal ini (YYYY-MM-DD, di dalam tahun buku): pendapatan, beban, anggota dan "
             "basisnya sampai tanggal itu, sama dengan PHU kop laporan --per.",
    )(func)


def _sementara_option(func: Any) -> Any:
    return click.option(
        "--sementara", is_flag=True,
        help="SHU sementara tahun buku yang belum berakhir, per hari kemarin (ditandai SEMENTARA); "
             "tanpa ini tahun yang belum berakhir ditolak.",
    )(func)


@click.group("shu", cls=ShuGroup, context_settings={"help_option_names": ["-h", "--help"]})
@lang_only_option
def shu_group() -> None:
    """Hitung dan bagikan SHU (compute and distribute the surplus, SHU).

    \b
    kop shu LEDGER --tahun 2025              tabel alokasi dan anggota
    kop shu LEDGER --tahun 2025 --per 2025-06-30   SHU sementara per tanggal itu
    kop shu LEDGER --tahun 2025 --tulis --tanggal 2026-03-15
    kop shu bayar LEDGER --tahun 2025 --tanggal 2026-04-01 [--ke sukarela]
    kop shu slip LEDGER --tahun 2025 [--anggota A0001] [--format html|txt]
    """


@shu_group.command("hitung")
@ledger_argument
@_tahun_option
@format_option("table", "json", "csv", default="table")
@click.option("--posting", is_flag=True, help="Cetak jurnal alokasi SHU (tanpa menulis).")
@click.option("--tulis", is_flag=True, help="Tulis jurnal alokasi SHU ke buku (perlu --tanggal).")
@click.option("--tanggal", type=DATE, default=None, help="Tanggal RAT untuk jurnal alokasi (YYYY-MM-DD).")
@bukti_option
@dry_run_option
@_sementara_option
@_per_option
@lang_option
@handle_library_errors
def hitung_command(
    ledger: Path | None, tahun: int, fmt: str, posting: bool, tulis: bool, tanggal: dt.date | None,
    bukti: str | None, dry_run: bool, sementara: bool, per: dt.date | None, lang: str,
) -> None:
    """Hitung SHU tahun buku dan pembagiannya (compute the year's SHU)."""
    # The period is the one `kop laporan --tahun --per` reports (Koperasi.periode): without --per,
    # the year end of an ended year, or the last day that has passed in a running one.
    if tulis:
        if tanggal is None:
            raise to_click_error(InputError.pesan("--tulis perlu --tanggal YYYY-MM-DD (tanggal RAT)"))
        rat_date = tanggal
        path = require_ledger(ledger)

        def build(kop: Koperasi) -> list[Any]:
            # decided under the writer's lock: a concurrent --tulis finds this one's allocation
            found = existing_allocation(kop, tahun)
            if found is not None:
                raise InputError.pesan(
                    "SHU {tahun} sudah dibagi di buku ({tanggal}, {berkas}:{baris}); tidak ada yang ditulis",
                    hint="Untuk mengubahnya, koreksi catatan itu sendiri (tag #koreksi) setelah RAT memutuskan.",
                    tahun=tahun, tanggal=found.date, berkas=found.meta.get("filename"),
                    baris=found.meta.get("lineno"),
                )
            # a provisional SHU is refused by allocation_entry itself, with or without --sementara
            entries = [allocation_entry(kop, kop.shu(tahun, per=per), rat_date)]
            not_future(rat_date)  # after the library's own refusals (a provisional SHU is not booked)
            return entries

        written = append_built(path, build, books=Koperasi, dry_run=dry_run, bukti=bukti)
        echo_safe(written.text)
        if written.written:
            echo_safe(teks("Ditulis ke {berkas}", berkas=written.path), err=True)
        else:
            echo_safe(teks("(dry-run: tidak ada yang ditulis)"), err=True)
        return
    if posting:
        kop = load_books(ledger)
        entry = allocation_entry(kop, kop.shu(tahun, per=per, sementara=sementara), tanggal or hari_ini())
        echo_safe(format_directives([entry]))
        return

    today = hari_ini()

    def compute() -> str:
        kop = load_books(ledger)
        # provisional, through the period's date, when Koperasi.periode says the year has not
        # ended or --per falls before its end
        result = kop.shu(tahun, per=per, today=today, sementara=sementara)
        if fmt == "json":
            return dumps(shu_json(result))
        return to_csv(result) if fmt == "csv" else render_table(kop, result, lang)

    # unchanged books: the same SHU comes from kopledger's cache (kopledger.books.load.cache)
    text = cached_report(ledger, "shu", (tahun, fmt, lang, per, sementara, today.isoformat()), compute)
    if fmt == "json":
        echo_safe(text, nl=False)
    else:
        write_output(text, None)


@shu_group.command("bayar")
@ledger_argument
@_tahun_option
@click.option("--tanggal", type=DATE, required=True, help="Tanggal pembayaran (YYYY-MM-DD).")
@click.option(
    "--ke", type=click.Choice(["kas", "sukarela"]), default="kas", show_default=True,
    help="Dibayar tunai dari kas, atau masuk simpanan sukarela anggota.",
)
@click.option("--dari", "akun_kas", type=TEXT, default=None,
              help="Akun kas/bank yang membayar (default Aset:Kas), mis. Aset:Bank:BRI untuk transfer.")
@bukti_option
@dry_run_option
@lang_only_option
@handle_library_errors
def bayar_command(
    ledger: Path | None, tahun: int, tanggal: dt.date, ke: str, akun_kas: str | None, bukti: str | None,
    dry_run: bool,
) -> None:
    """Bayar SHU yang sudah dialokasikan (pay out the allocated SHU)."""
    path = require_ledger(ledger)
    paid: list[Any] = []

    def build(kop: Koperasi) -> list[Any]:
        # decided under the writer's lock: what is still owed is read from the books as they are now
        paid[:] = payout_entries(kop, compute_shu(kop, tahun), not_future(tanggal), ke=ke, akun_kas=akun_kas)
        return paid

    written = append_built(path, build, books=Koperasi, dry_run=dry_run, bukti=bukti)
    echo_safe(written.text)
    count = len(paid)
    if written.written:
        echo_safe(teks("Ditulis ke {berkas}: {jumlah} pembayaran SHU", berkas=written.path, jumlah=count), err=True)
    else:
        echo_safe(teks("(dry-run: tidak ada yang ditulis)"), err=True)


@shu_group.command("slip")
@ledger_argument
@_tahun_option
@click.option("--anggota", "anggota", multiple=True, help="Hanya anggota ini (boleh diulang).")
@format_option("html", "txt", default="html")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), default=None, help="Tulis ke berkas ini.")
@click.option(
    "--templat", "--template-dir", "template_dir", type=click.Path(path_type=Path, file_okay=False), default=None,
    help="Folder templat sendiri yang menggantikan templat bawaan menurut nama.",
)
@_sementara_option
@_per_option
@lang_option
@handle_library_errors
def slip_command(
    ledger: Path | None, tahun: int, anggota: tuple[str, ...], fmt: str, out: Path | None,
    template_dir: Path | None, sementara: bool, per: dt.date | None, lang: str,
) -> None:
    """Slip SHU per anggota, satu halaman per anggota (member SHU slips)."""
    kop = load_books(ledger)
    result = kop.shu(tahun, per=per, sementara=sementara)
    text = render_slips(kop, result, fmt, lang, anggota=list(anggota) or None, template_dir=template_dir)
    write_output(text, out)


COMMANDS = [(shu_group, ["surplus"])]
