"""``kop simpanan`` (``savings``): wajib of a month, deposits, withdrawals, arrears, statements."""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path

import click
from beancount.core import data

from kopledger.books.periode import hari_ini
from kopledger.cli import AliasedGroup
from kopledger.cli.anggota import report_write, today_or
from kopledger.cli.bahasa import language, teks
from kopledger.cli.common import (
    AMOUNT,
    DATE,
    MONTH,
    TEXT,
    bukti_option,
    date_type,
    dry_run_option,
    echo_json,
    echo_safe,
    format_option,
    handle_library_errors,
    jsonable,
    lang_only_option,
    lang_option,
    ledger_argument,
    load_books,
    report_date,
    require_ledger,
    write_output,
)
from kopledger.core.errors import translate
from kopledger.koperasi import Koperasi
from kopledger.ops.savings import (
    WajibRun,
    deposit_entries,
    member_statements,
    month_name,
    wajib_arrears,
    wajib_entries,
    withdrawal_entries,
)
from kopledger.ops.writer import append_built
from kopledger.present.formatting import rupiah
from kopledger.present.render import render

#: From this many members on, ``kop simpanan wajib`` shows a progress bar (on stderr).
PROGRESS_FROM = 50


@click.group("simpanan", cls=AliasedGroup)
@lang_only_option
def simpanan_group() -> None:
    """Simpanan: wajib, setor, tarik, tunggakan, kartu (savings)."""


@simpanan_group.command("wajib")
@ledger_argument
@click.option("--bulan", type=MONTH, required=True, help="Bulan yang dibayar (YYYY-MM).")
@click.option("--tanggal", type=DATE, default=None,
              help="Tanggal bayar (YYYY-MM-DD); default hari ini bila dalam bulan itu, atau akhir bulan.")
@click.option("--ke", "akun_kas", type=TEXT, default=None, help="Akun kas/bank penerima (default Aset:Kas).")
@bukti_option
@dry_run_option
@lang_only_option
@handle_library_errors
def wajib_command(
    ledger: Path | None, bulan: str, tanggal: dt.date | None, akun_kas: str | None, bukti: str | None, dry_run: bool
) -> None:
    """Posting simpanan wajib satu bulan untuk semua anggota aktif (post a month's simpanan wajib).

    Anggota yang sudah membayar bulan itu dilewati dan dilaporkan, jadi menjalankannya dua
    kali tidak memposting apa pun untuk kedua kalinya.
    """
    path = require_ledger(ledger)
    date = date_type(tanggal)
    runs: list[WajibRun] = []

    def build(kop: Koperasi) -> list[data.Directive]:
        if len(kop.members) >= PROGRESS_FROM:
            with click.progressbar(
                length=len(kop.members), label=teks("Simpanan wajib {bulan}", bulan=bulan), file=sys.stderr
            ) as bar:
                run = wajib_entries(kop, bulan, tanggal=date, kas=akun_kas, progress=lambda _m: bar.update(1))
        else:
            run = wajib_entries(kop, bulan, tanggal=date, kas=akun_kas)
        runs.append(run)
        return list(run.entries)

    result = append_built(path, build, books=Koperasi, dry_run=dry_run, bukti=bukti)
    run = runs[0]
    lang = language()
    for member_id, template, values in run.alasan:
        reason = translate(template, lang).format(**dict(values))
        echo_safe(teks("Dilewati {anggota}: {alasan}", anggota=member_id, alasan=reason), err=True)
    report_write(result, teks(
        "simpanan wajib {bulan}: {jumlah} anggota, {total}; {dilewati} dilewati",
        bulan=month_name(run.bulan, lang), jumlah=len(run.entries), total=rupiah(run.total, lang),
        dilewati=len(run.dilewati),
    ))


def _money_command(withdraw: bool):  # type: ignore[no-untyped-def]
    kinds = ["sukarela", "berjangka", "pokok", "wajib"] if withdraw else ["sukarela", "berjangka"]
    cash_option = (
        click.option("--dari", "akun_kas", type=TEXT, default=None, help="Akun kas/bank pembayar (default Aset:Kas).")
        if withdraw else
        click.option("--ke", "akun_kas", type=TEXT, default=None, help="Akun kas/bank penerima (default Aset:Kas).")
    )

    @ledger_argument
    @click.option("--anggota", "member_id", type=TEXT, required=True, help="Nomor anggota.")
    @click.option("--jumlah", type=AMOUNT, required=True, help="Jumlah rupiah (bilangan bulat > 0).")
    @click.option("--tanggal", type=DATE, default=None, help="Tanggal (YYYY-MM-DD), default hari ini.")
    @click.option("--jenis", type=click.Choice(kinds), default="sukarela", show_default=True, help="Jenis simpanan.")
    @cash_option
    @bukti_option
    @dry_run_option
    @lang_only_option
    @handle_library_errors
    def command(
        ledger: Path | None, member_id: str, jumlah: Decimal, tanggal: dt.date | None, jenis: str,
        akun_kas: str | None, bukti: str | None, dry_run: bool,
    ) -> None:
        path = require_ledger(ledger)
        builder = withdrawal_entries if withdraw else deposit_entries
        date = today_or(tanggal)
        result = append_built(
            path, lambda kop: builder(kop, member_id, jumlah, date, jenis=jenis, kas=akun_kas), books=Koperasi,
            dry_run=dry_run,
            bukti=bukti
        )
        amount = rupiah(jumlah, language())
        if withdraw:
            summary = teks("penarikan simpanan {jenis} {anggota} {jumlah}", jenis=jenis, anggota=member_id, jumlah=amount)
        else:
            summary = teks("setoran simpanan {jenis} {anggota} {jumlah}", jenis=jenis, anggota=member_id, jumlah=amount)
        report_write(result, summary)

    return command


setor_command = simpanan_group.command(
    "setor", help="Setoran simpanan sukarela/berjangka (deposit)."
)(_money_command(False))
tarik_command = simpanan_group.command(
    "tarik", help="Penarikan simpanan sukarela/berjangka, tidak melebihi saldo (withdraw)."
)(_money_command(True))


@simpanan_group.command("tunggakan")
@ledger_argument
@click.option("--per", type=DATE, default=None,
              help="Per tanggal (YYYY-MM-DD), default hari terakhir yang sudah lewat, seperti kop laporan.")
@format_option("table", "json")
@lang_option
@handle_library_errors
def tunggakan_command(ledger: Path | None, per: dt.date | None, fmt: str, lang: str) -> None:
    """Anggota yang menunggak simpanan wajib: bulan dan jumlahnya (wajib arrears)."""
    kop = load_books(ledger)
    date = report_date(per)  # the period's date, as kop laporan, the RAT and the web desk
    arrears = wajib_arrears(kop, date)
    if fmt == "json":
        echo_json({"tanggal": date, "tunggakan": arrears})
        return
    write_output(
        render("kartu/tunggakan.txt.j2", {"rows": arrears, "tanggal": date, "koperasi": kop.title}, lang=lang),
        None,
    )


@simpanan_group.command("kartu")
@ledger_argument
@click.option("--anggota", "member_id", default=None, help="Nomor anggota (default: semua anggota).")
@click.option("--dari", type=DATE, default=None, help="Dari tanggal (YYYY-MM-DD), default awal buku.")
@click.option("--sampai", type=DATE, default=None, help="Sampai tanggal (YYYY-MM-DD), default hari ini.")
@format_option("txt", "html", "json", default="txt")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), default=None, help="Tulis ke berkas ini.")
@click.option("--templat", "--template-dir", "template_dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Folder templat sendiri yang menggantikan templat bawaan menurut nama.")
@lang_option
@handle_library_errors
def kartu_command(
    ledger: Path | None, member_id: str | None, dari: dt.date | None, sampai: dt.date | None, fmt: str,
    out: Path | None, template_dir: Path | None, lang: str,
) -> None:
    """Kartu simpanan: mutasi dan saldo berjalan per jenis simpanan (member savings statement)."""
    kop = load_books(ledger)
    end = today_or(sampai)
    start = date_type(dari)
    statements = member_statements(kop, end, dari=start, member_ids=[member_id] if member_id else None)
    if fmt == "json":
        data = jsonable(statements)
        for item in data:
            item["anggota"] = {k: v for k, v in item["anggota"].items() if k != "meta"}
        echo_json(data)
        return
    context = {
        "kartu": statements,
        "koperasi": kop.title,
        "dari": start,
        "sampai": end,
        "dicetak": hari_ini(),
    }
    text = render(f"kartu/kartu.{fmt}.j2", context, lang=lang, template_dir=template_dir)
    write_output(text, out)


simpanan_group.add_alias("mandatory", "wajib")
simpanan_group.add_alias("deposit", "setor")
simpanan_group.add_alias("withdraw", "tarik")
simpanan_group.add_alias("arrears", "tunggakan")
simpanan_group.add_alias("statement", "kartu")

COMMANDS = [(simpanan_group, ["savings"])]
