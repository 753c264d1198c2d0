"""``kop pinjaman``: member loans — schedule simulation, disbursement, instalments, portfolio, PPAP."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import click
from beancount.core import data
from dateutil.relativedelta import relativedelta

from kopledger.books.periode import hari_ini
from kopledger.cli import AliasedGroup
from kopledger.cli.bahasa import language, teks
from kopledger.cli.common import (
    AMOUNT,
    DATE,
    RATE,
    TEXT,
    CountType,
    bukti_option,
    cached_report,
    date_type,
    dry_run_option,
    echo_json,
    echo_safe,
    format_option,
    handle_library_errors,
    lang_only_option,
    lang_option,
    ledger_argument,
    load_books,
    not_future,
    report_date,
    require_ledger,
    to_click_error,
    write_output,
)
from kopledger.core.errors import InputError
from kopledger.koperasi import Koperasi
from kopledger.ops.loans.entries import (
    disbursement_entries,
    loan_statuses,
    payment_entries,
    portfolio,
    ppap_entries,
)
from kopledger.ops.loans.schedule import METODE, schedule, schedule_totals
from kopledger.ops.writer import append_built
from kopledger.present.formatting import rupiah
from kopledger.present.formatting import tanggal as tanggal_filter
from kopledger.present.jsondata import dumps
from kopledger.present.render import render

TENOR = CountType(1, 600)


def _date(value: str | dt.date | None, default: dt.date) -> dt.date:
    return date_type(value) or default


def _koperasi_name(kop: Koperasi) -> str:
    return str(kop.title)


def _write_result(result: Any, dry_run: bool) -> None:
    echo_safe(result.text.rstrip("\n"))
    if dry_run:
        echo_safe(teks("(dry-run: tidak ditulis)"), err=True)
    else:
        echo_safe(teks("Ditulis ke {berkas}", berkas=result.path), err=True)


@click.group("pinjaman", cls=AliasedGroup)
@lang_only_option
def pinjaman_group() -> None:
    """Simpan pinjam: jadwal, pencairan, angsuran, portofolio, PPAP (member loans)."""


@pinjaman_group.command("jadwal")
@click.option("--pokok", required=True, type=AMOUNT, help="Pokok pinjaman, rupiah (mis. 5000000).")
@click.option("--bunga", required=True, type=RATE, help="Bunga setahun dalam persen (12 = 12% setahun).")
@click.option("--tenor", required=True, type=TENOR, help="Jangka waktu, bulan.")
@click.option("--metode", type=click.Choice(METODE), default="flat", show_default=True,
              help="Metode bunga: flat, efektif atau anuitas.")
@click.option("--mulai", type=DATE, default=None,
              help="Jatuh tempo angsuran pertama YYYY-MM-DD (default: sebulan dari hari ini).")
@click.option("--nama", type=TEXT, default="", help="Nama calon peminjam (untuk cetakan).")
@click.option("--koperasi", "koperasi_nama", type=TEXT, default="", help="Nama koperasi (untuk cetakan).")
@format_option("table", "json", "html", default="table")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), default=None, help="Tulis ke berkas ini.")
@lang_option
@handle_library_errors
def jadwal_command(
    pokok: Decimal, bunga: Decimal, tenor: int, metode: str, mulai: dt.date | None, nama: str, koperasi_nama: str,
    fmt: str, out: Path | None, lang: str,
) -> None:
    """Simulasi jadwal angsuran tanpa buku (loan schedule simulation, no ledger)."""
    first_due = _date(mulai, hari_ini() + relativedelta(months=1))
    principal = pokok
    rate = bunga
    rows = schedule(principal, rate, tenor, metode, first_due)
    if fmt == "json":
        echo_json([
            {"ke": r.ke, "tanggal": r.tanggal, "angsuran": r.angsuran, "pokok": r.pokok, "bunga": r.bunga, "sisa": r.sisa}
            for r in rows
        ])
        return
    total, total_pokok, total_bunga = schedule_totals(rows)
    context = {
        "jadwal": rows, "pokok": principal, "bunga": rate, "tenor": tenor, "metode": metode, "mulai": first_due,
        "total_angsuran": total, "total_pokok": total_pokok, "total_bunga": total_bunga,
        "nama": nama, "koperasi": koperasi_nama, "pinjaman": None,
    }
    name = "pinjaman/jadwal.html.j2" if fmt == "html" else "pinjaman/jadwal.txt.j2"
    write_output(render(name, context, lang=lang), out)


@pinjaman_group.command("cair")
@ledger_argument
@click.option("--anggota", required=True, type=TEXT, help="Id anggota peminjam (mis. A0001).")
@click.option("--pokok", required=True, type=AMOUNT, help="Pokok pinjaman, rupiah.")
@click.option("--bunga", required=True, type=RATE, help="Bunga setahun dalam persen.")
@click.option("--tenor", required=True, type=TENOR, help="Jangka waktu, bulan.")
@click.option("--metode", type=click.Choice(METODE), required=True, help="Metode bunga: flat, efektif atau anuitas.")
@click.option("--tanggal", type=DATE, default=None, help="Tanggal pencairan YYYY-MM-DD (default hari ini).")
@click.option("--jatuh-tempo", type=DATE, default=None,
              help="Jatuh tempo angsuran pertama (default sebulan setelah pencairan).")
@click.option("--id", "loan_id", type=TEXT, default=None, help="Id pinjaman (default PJ-TAHUN-NNN berikutnya).")
@click.option("--biaya-admin", type=AMOUNT, default="0", show_default=True, help="Biaya administrasi, rupiah.")
@click.option("--provisi", type=AMOUNT, default="0", show_default=True, help="Provisi, rupiah.")
@click.option("--dari", "akun_kas", type=TEXT, default=None, help="Akun kas/bank pembayar (default Aset:Kas).")
@bukti_option
@dry_run_option
@lang_only_option
@handle_library_errors
def cair_command(
    ledger: Path | None, anggota: str, pokok: Decimal, bunga: Decimal, tenor: int, metode: str,
    tanggal: dt.date | None, jatuh_tempo: dt.date | None, loan_id: str | None, biaya_admin: Decimal,
    provisi: Decimal, akun_kas: str | None, bukti: str | None, dry_run: bool,
) -> None:
    """Cairkan pinjaman anggota (disburse a loan)."""
    path = require_ledger(ledger)
    built: list[Any] = []

    def build(kop: Koperasi) -> list[data.Directive]:
        # decided from the books under the writer's lock: the next loan id cannot be taken twice
        entries = disbursement_entries(
            kop, anggota=anggota, pokok=pokok, bunga=bunga, tenor=tenor, metode=metode,
            tanggal=not_future(date_type(tanggal)), jatuh_tempo=jatuh_tempo, pinjaman=loan_id,
            biaya_admin=biaya_admin, provisi=provisi, akun_kas=akun_kas,
        )
        built[:] = entries
        return entries

    _write_result(append_built(path, build, books=Koperasi, dry_run=dry_run, bukti=bukti), dry_run)
    txn = built[-1]
    rows = schedule(txn.meta["pokok"].number, txn.meta["bunga"], tenor, metode, txn.meta["jatuh-tempo"])
    lang = language()
    echo_safe(teks(
        "Pinjaman {pinjaman}: {tenor} angsuran, yang pertama {tanggal} sebesar {jumlah} (lihat: kop pinjaman jadwal)",
        pinjaman=txn.meta["pinjaman"], tenor=tenor, tanggal=tanggal_filter(rows[0].tanggal, lang),
        jumlah=rupiah(rows[0].angsuran, lang),
    ), err=True)


@pinjaman_group.command("bayar")
@ledger_argument
@click.option("--pinjaman", "loan_id", required=True, type=TEXT, help="Id pinjaman (mis. PJ-2025-001).")
@click.option("--jumlah", type=AMOUNT, default=None, help="Jumlah dibayar, rupiah.")
@click.option("--lunas", is_flag=True, help="Lunasi seluruh pinjaman (pelunasan dipercepat).")
@click.option("--tanggal", type=DATE, default=None, help="Tanggal bayar YYYY-MM-DD (default hari ini).")
@click.option("--denda", type=AMOUNT, default=None,
              help="Denda, rupiah (default dihitung dari kebijakan denda-pinjaman; 0 = dibebaskan).")
@click.option("--ke", "akun_kas", type=TEXT, default=None, help="Akun kas/bank penerima (default Aset:Kas).")
@click.option("--dari-sukarela", "dari_sukarela", is_flag=True,
              help="Bayar dari simpanan sukarela peminjam sendiri (paling banyak saldonya), bukan tunai.")
@bukti_option
@dry_run_option
@lang_only_option
@handle_library_errors
def bayar_command(
    ledger: Path | None, loan_id: str, jumlah: Decimal | None, lunas: bool, tanggal: dt.date | None,
    denda: Decimal | None, akun_kas: str | None, dari_sukarela: bool, bukti: str | None, dry_run: bool,
) -> None:
    """Catat angsuran: dibagi denda, bunga, pokok (record an instalment)."""
    if lunas == (jumlah is not None):
        raise to_click_error(InputError.pesan("berikan --jumlah JUMLAH atau --lunas (salah satu)"))
    path = require_ledger(ledger)
    splits: list[Any] = []

    def build(kop: Koperasi) -> list[data.Directive]:
        # decided under the lock: what is still owed is read from the books as they are now
        split, entries = payment_entries(
            kop, pinjaman=loan_id, tanggal=not_future(date_type(tanggal)), jumlah=jumlah,
            denda=denda, akun_kas=akun_kas, dari_sukarela=dari_sukarela,
        )
        splits[:] = [split]
        return list(entries)

    result = append_built(path, build, books=Koperasi, dry_run=dry_run, bukti=bukti)
    _write_result(result, dry_run)
    split = splits[0]
    lang = language()
    amounts = {"denda": rupiah(split.denda, lang), "bunga": rupiah(split.bunga, lang),
               "pokok": rupiah(split.pokok, lang), "sisa": rupiah(split.sisa_sesudah, lang)}
    if split.lunas:
        line = teks("Denda {denda}, bunga {bunga}, pokok {pokok}; sisa pokok {sisa} — LUNAS", **amounts)
    else:
        line = teks("Denda {denda}, bunga {bunga}, pokok {pokok}; sisa pokok {sisa}", **amounts)
    echo_safe(line, err=True)


def _portfolio_context(kop: Koperasi, date: dt.date) -> dict[str, Any]:
    return {"portofolio": portfolio(kop, date), "koperasi": _koperasi_name(kop)}


@pinjaman_group.command("portofolio")
@ledger_argument
@click.option("--per", type=DATE, default=None, help="Per tanggal YYYY-MM-DD (default: hari terakhir yang sudah lewat, seperti kop laporan).")
@format_option("table", "json", "html", default="table")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), default=None, help="Tulis ke berkas ini.")
@lang_option
@handle_library_errors
def portofolio_command(ledger: Path | None, per: dt.date | None, fmt: str, out: Path | None, lang: str) -> None:
    """Portofolio pinjaman: kolektibilitas, PPAP, NPL, tunggakan (loan portfolio)."""
    today = hari_ini()
    date = report_date(per, today)  # the period's date, as kop laporan's notes value the loans

    def compute() -> str:
        context = _portfolio_context(load_books(ledger), date)
        if fmt == "json":
            result = context["portofolio"]
            return dumps({
                **vars_of(result),
                "selisih_ppap": result.selisih_ppap,
                "tunggakan": [s.id for s in result.tunggakan],
            })
        name = "pinjaman/portofolio.html.j2" if fmt == "html" else "pinjaman/portofolio.txt.j2"
        return render(name, context, lang=lang)

    # unchanged books: the same portfolio comes from kopledger's cache (kopledger.books.load.cache)
    text = cached_report(ledger, "portofolio", (date.isoformat(), fmt, lang, today.isoformat()), compute)
    if fmt == "json" and out is None:
        echo_safe(text, nl=False)
    else:
        write_output(text, out)


def vars_of(value: Any) -> dict[str, Any]:
    """A dataclass's fields as a dict (not recursing: echo_json handles nested ones)."""
    import dataclasses

    return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}


@pinjaman_group.command("daftar")
@ledger_argument
@click.option("--per", type=DATE, default=None, help="Per tanggal YYYY-MM-DD (default hari ini).")
@click.option("--semua", is_flag=True, help="Termasuk pinjaman yang sudah lunas.")
@format_option("table", "json", default="table")
@lang_option
@handle_library_errors
def daftar_command(ledger: Path | None, per: dt.date | None, semua: bool, fmt: str, lang: str) -> None:
    """Daftar pinjaman dan statusnya (list loans)."""
    kop = load_books(ledger)
    date = not_future(date_type(per))
    rows = [s for s in loan_statuses(kop, date) if semua or s.sisa > 0]
    if fmt == "json":
        echo_json([{**vars_of(s), "lunas": s.lunas} for s in rows])
        return
    write_output(render("pinjaman/daftar.txt.j2", {"pinjaman": rows, "tanggal": date, "koperasi": _koperasi_name(kop)},
                        lang=lang), None)


@pinjaman_group.command("ppap")
@ledger_argument
@click.option("--per", required=True, type=DATE, help="Per tanggal YYYY-MM-DD (biasanya akhir tahun buku).")
@bukti_option
@dry_run_option
@lang_only_option
@handle_library_errors
def ppap_command(ledger: Path | None, per: dt.date, bukti: str | None, dry_run: bool) -> None:
    """Jurnal penyesuaian PPAP: wajib − tercatat (book the loan-loss provision)."""
    path = require_ledger(ledger)
    date = report_date(per)  # a provision per a day that has passed (decide_period)

    def build(kop: Koperasi) -> list[data.Directive]:
        # decided under the lock: the provision already booked is read from the books as they are now
        result = portfolio(kop, date)
        lang = language()
        echo_safe(teks(
            "PPAP wajib {wajib}, tercatat {tercatat}, selisih {selisih}", wajib=rupiah(result.ppap_wajib, lang),
            tercatat=rupiah(result.ppap_tercatat, lang), selisih=rupiah(result.selisih_ppap, lang),
        ), err=True)
        return list(ppap_entries(kop, date, result=result))

    written = append_built(path, build, books=Koperasi, dry_run=dry_run, bukti=bukti)
    if not written.text:
        echo_safe(teks("PPAP di buku sudah sesuai; tidak ada jurnal."), err=True)
        return
    _write_result(written, dry_run)


for _alias, _name in {
    "schedule": "jadwal", "disburse": "cair", "pay": "bayar", "portfolio": "portofolio", "list": "daftar",
    "provision": "ppap",
}.items():
    pinjaman_group.add_alias(_alias, _name)

COMMANDS = [(pinjaman_group, ["loan"])]
