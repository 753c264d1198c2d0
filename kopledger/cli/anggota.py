"""``kop anggota`` (``member``): add, import, list and remove members."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import click
from beancount.core import data

from kopledger.cli import AliasedGroup
from kopledger.cli.bahasa import language, teks
from kopledger.cli.common import (
    DATE,
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
    not_future,
    require_ledger,
    to_click_error,
    write_output,
)
from kopledger.core.errors import InputError
from kopledger.koperasi import Koperasi
from kopledger.ops.member_import import import_entries
from kopledger.ops.members import (
    ExitPlan,
    NewMember,
    exit_entries,
    exit_plan,
    join_entries,
    leaver_payout_entries,
    member_list,
)
from kopledger.ops.writer import AppendResult, append_built
from kopledger.present.formatting import rupiah
from kopledger.present.output import csv_text, member_sheet, xlsx_bytes
from kopledger.present.render import render


def report_write(result: AppendResult, summary: str) -> None:
    """Print what was (or would be) appended on stdout, and a one-line summary on stderr."""
    if result.text:
        echo_safe(result.text, nl=not result.text.endswith("\n"))
    if result.written:
        echo_safe(teks("Ditulis ke {berkas}: {ringkasan}", berkas=result.path, ringkasan=summary), err=True)
    elif result.text:
        echo_safe(teks("--dry-run: tidak ada yang ditulis ({ringkasan})", ringkasan=summary), err=True)
    else:
        echo_safe(teks("Tidak ada yang perlu ditulis ({ringkasan})", ringkasan=summary), err=True)


def today_or(value: str | dt.date | None) -> dt.date:
    return not_future(date_type(value))  # a day that has begun


@click.group("anggota", cls=AliasedGroup)
@lang_only_option
def anggota_group() -> None:
    """Anggota: tambah, impor, daftar, keluar (members: add, import, list, exit)."""


@anggota_group.command("tambah")
@ledger_argument
@click.option("--id", "member_id", type=TEXT, required=True, help="Nomor anggota, mis. A0001.")
@click.option("--nama", type=TEXT, required=True, help="Nama lengkap.")
@click.option("--nik", type=TEXT, default="", help="NIK (16 angka).")
@click.option("--jenis-kelamin", "jenis_kelamin", type=TEXT, default="", help="P (perempuan) atau L (laki-laki).")
@click.option("--tanggal", type=DATE, default=None, help="Tanggal masuk (YYYY-MM-DD), default hari ini.")
@click.option("--alamat", type=TEXT, default="", help="Alamat.")
@click.option("--telepon", type=TEXT, default="", help="Nomor telepon.")
@click.option("--ke", "akun_kas", type=TEXT, default=None,
              help="Akun kas/bank penerima simpanan pokok (default Aset:Kas).")
@bukti_option
@dry_run_option
@lang_only_option
@handle_library_errors
def tambah_command(
    ledger: Path | None, member_id: str, nama: str, nik: str, jenis_kelamin: str, tanggal: dt.date | None,
    alamat: str, telepon: str, akun_kas: str | None, bukti: str | None, dry_run: bool,
) -> None:
    """Daftarkan anggota baru dan simpanan pokoknya (add a member and their simpanan pokok)."""
    path = require_ledger(ledger)
    member = NewMember(
        id=member_id.strip(), nama=nama.strip(), tanggal_masuk=today_or(tanggal), nik=nik.strip(),
        jenis_kelamin=jenis_kelamin.strip().upper(), alamat=alamat.strip(), telepon=telepon.strip(),
    )
    result = append_built(path, lambda kop: join_entries(kop, member, kas=akun_kas), books=Koperasi, dry_run=dry_run,
                          bukti=bukti)
    report_write(result, teks("anggota {anggota} {nama}", anggota=member.id, nama=member.nama))


@anggota_group.command("impor")
@click.argument("paths", nargs=-1, required=True, metavar="[LEDGER] FILE")
@bukti_option
@dry_run_option
@lang_only_option
@handle_library_errors
def impor_command(paths: tuple[str, ...], bukti: str | None, dry_run: bool) -> None:
    """Impor anggota dari FILE .csv atau .xlsx (import members).

    Kolom: id, nama, nik, jenis_kelamin, tanggal_masuk, alamat, telepon. Semua baris
    diperiksa dulu; bila ada baris salah, semuanya dilaporkan dan tidak ada yang ditulis.
    """
    if len(paths) == 2:
        ledger: Path | None = Path(paths[0])
        file = Path(paths[1])
    elif len(paths) == 1:
        env = os.environ.get("KOP_LEDGER")
        ledger = Path(env) if env else None
        file = Path(paths[0])
    else:
        raise to_click_error(InputError.pesan(
            "berikan BUKU BERKAS (atau atur KOP_LEDGER dan berikan BERKAS saja)"))
    path = require_ledger(ledger)
    imported: list[int] = []

    def build(kop: Koperasi) -> list[data.Directive]:
        members, entries = import_entries(kop, file)
        imported.append(len(members))
        return entries

    result = append_built(path, build, books=Koperasi, dry_run=dry_run, bukti=bukti)
    report_write(result, teks("{jumlah} anggota dari {berkas}", jumlah=imported[0] if imported else 0,
                              berkas=file.name))


@anggota_group.command("daftar")
@ledger_argument
@click.option("--per", type=DATE, default=None, help="Per tanggal (YYYY-MM-DD), default hari ini.")
@click.option("--aktif", "only_active", is_flag=True, help="Hanya anggota aktif.")
@format_option("table", "json", "csv", "xlsx")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Tulis ke berkas ini (untuk xlsx).")
@lang_option
@handle_library_errors
def daftar_command(
    ledger: Path | None, per: dt.date | None, only_active: bool, fmt: str, out: Path | None, lang: str
) -> None:
    """Daftar anggota dengan simpanannya (list members with their savings)."""
    import dataclasses

    kop = load_books(ledger)
    date = today_or(per)
    rows = member_list(kop, date, include_exited=not only_active)
    if fmt == "json":
        echo_json({"tanggal": date, "anggota": rows})
    elif fmt == "xlsx":
        write_output(xlsx_bytes([member_sheet(rows, kop.title, date)]), out)
    elif fmt == "csv":
        names = [f.name for f in dataclasses.fields(rows[0])] if rows else ["id"]
        plain = [jsonable(row) for row in rows]
        write_output(csv_text(names, ([item.get(name) for name in names] for item in plain)), None)
    else:
        write_output(render("kartu/daftar.txt.j2", {"rows": rows, "tanggal": date, "koperasi": kop.title},
                            lang=lang), None)


@anggota_group.command("keluar")
@ledger_argument
@click.option("--anggota", "member_id", type=TEXT, required=True, help="Nomor anggota.")
@click.option("--tanggal", type=DATE, default=None, help="Tanggal keluar (YYYY-MM-DD), default hari ini.")
@click.option("--alasan", type=TEXT, default="", help="Alasan keluar.")
@click.option("--potong-pinjaman/--tanpa-potong-pinjaman", "set_off", default=None,
              help="Potongkan simpanan ke utang pinjaman atau tidak (default: kebijakan potong-simpanan-keluar, "
                   "bawaan ya).")
@click.option("--tanpa-bayar", "no_payout", is_flag=True,
              help="Jangan bayar tunai sekarang; bayar nanti dengan: kop anggota bayar-keluar.")
@click.option("--dari", "akun_kas", type=TEXT, default=None, help="Akun kas/bank pembayar (default Aset:Kas).")
@bukti_option
@dry_run_option
@lang_only_option
@handle_library_errors
def keluar_command(
    ledger: Path | None, member_id: str, tanggal: dt.date | None, alasan: str, set_off: bool | None,
    no_payout: bool, akun_kas: str | None, bukti: str | None, dry_run: bool,
) -> None:
    """Catat anggota keluar: simpanan dipotong utangnya, sisanya dibayar (member exit, savings set off)."""
    path = require_ledger(ledger)
    date = today_or(tanggal)
    plans: list[ExitPlan] = []

    def build(kop: Koperasi) -> list[data.Directive]:
        plans.append(exit_plan(kop, member_id, date, set_off_loan=set_off, payout=not no_payout))
        return exit_entries(
            kop, member_id, date, alasan=alasan.strip(), set_off_loan=set_off, payout=not no_payout, kas=akun_kas,
        )

    result = append_built(path, build, books=Koperasi, dry_run=dry_run, bukti=bukti)
    summary = teks("anggota {anggota} keluar {tanggal}", anggota=member_id, tanggal=date)
    if plans:
        plan, lang = plans[0], language()
        if plan.potong_pinjaman:
            summary += teks("; simpanan {jumlah} dipotong untuk utangnya", jumlah=rupiah(plan.potong_pinjaman, lang))
        if plan.dibayar:
            summary += teks("; dibayar {jumlah}", jumlah=rupiah(plan.dibayar, lang))
        if plan.sisa_pinjaman:
            summary += teks("; sisa pinjaman {jumlah} masih terutang", jumlah=rupiah(plan.sisa_pinjaman, lang))
    report_write(result, summary)


@anggota_group.command("bayar-keluar")
@ledger_argument
@click.option("--anggota", "member_id", type=TEXT, required=True, help="Nomor anggota yang sudah keluar.")
@click.option("--tanggal", type=DATE, default=None, help="Tanggal bayar (YYYY-MM-DD), default hari ini.")
@click.option("--dari", "akun_kas", type=TEXT, default=None, help="Akun kas/bank pembayar (default Aset:Kas).")
@bukti_option
@dry_run_option
@lang_only_option
@handle_library_errors
def bayar_keluar_command(
    ledger: Path | None, member_id: str, tanggal: dt.date | None, akun_kas: str | None, bukti: str | None,
    dry_run: bool,
) -> None:
    """Bayar simpanan anggota yang sudah keluar (pay out a leaver's savings)."""
    path = require_ledger(ledger)
    date = today_or(tanggal)
    result = append_built(
        path, lambda kop: leaver_payout_entries(kop, member_id, date, kas=akun_kas), books=Koperasi, dry_run=dry_run,
        bukti=bukti,
    )
    report_write(result, teks("pembayaran anggota keluar {anggota}", anggota=member_id))


anggota_group.add_alias("add", "tambah")
anggota_group.add_alias("import", "impor")
anggota_group.add_alias("list", "daftar")
anggota_group.add_alias("exit", "keluar")
anggota_group.add_alias("pay-exit", "bayar-keluar")

COMMANDS = [(anggota_group, ["member"])]
