"""``kop pinjaman``: member loans — schedule simulation, disbursement, instalments, portfolio, PPAP."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import click
from dateutil.relativedelta import relativedelta

from kopledger.cache import cached_output
from kopledger.cli import AliasedGroup
from kopledger.cli.common import (
    EXIT_USAGE,
    KopClickError,
    date_type,
    dry_run_option,
    echo_json,
    format_option,
    handle_library_errors,
    jsonable,
    lang_option,
    ledger_argument,
    load_books,
    require_ledger,
    write_output,
)
from kopledger.schedule import METODE


def _decimal(value: str | None, label: str) -> Decimal | None:
    if value is None:
        return None
    try:
        number = Decimal(value.replace("_", ""))
    except InvalidOperation:
        raise KopClickError(f"{label} bukan angka: {value!r}", EXIT_USAGE) from None
    if not number.is_finite():
        raise KopClickError(f"{label} bukan angka: {value!r}", EXIT_USAGE)
    return number


def _required_decimal(value: str, label: str) -> Decimal:
    number = _decimal(value, label)
    assert number is not None
    return number


def _date(value: str | None, default: dt.date) -> dt.date:
    return date_type(value) or default


def _koperasi_name(kop: Any) -> str:
    return str(kop.title)


def _write_result(result: Any, dry_run: bool) -> None:
    click.echo(result.text.rstrip("\n"))
    if dry_run:
        click.echo("(dry-run: tidak ditulis)", err=True)
    else:
        click.echo(f"Ditulis ke {result.path}", err=True)


@click.group("pinjaman", cls=AliasedGroup)
def pinjaman_group() -> None:
    """Simpan pinjam: jadwal, pencairan, angsuran, portofolio, PPAP (member loans)."""


@pinjaman_group.command("jadwal")
@click.option("--pokok", required=True, help="Pokok pinjaman, rupiah (mis. 5000000).")
@click.option("--bunga", required=True, help="Bunga setahun dalam persen (12 = 12% setahun).")
@click.option("--tenor", required=True, type=int, help="Jangka waktu, bulan.")
@click.option("--metode", type=click.Choice(METODE), default="flat", show_default=True,
              help="Metode bunga: flat, efektif atau anuitas.")
@click.option("--mulai", default=None, help="Jatuh tempo angsuran pertama YYYY-MM-DD (default: sebulan dari hari ini).")
@click.option("--nama", default="", help="Nama calon peminjam (untuk cetakan).")
@click.option("--koperasi", "koperasi_nama", default="", help="Nama koperasi (untuk cetakan).")
@format_option("table", "json", "html", default="table")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), default=None, help="Tulis ke berkas ini.")
@lang_option
@handle_library_errors
def jadwal_command(
    pokok: str, bunga: str, tenor: int, metode: str, mulai: str | None, nama: str, koperasi_nama: str,
    fmt: str, out: Path | None, lang: str,
) -> None:
    """Simulasi jadwal angsuran tanpa buku (loan schedule simulation, no ledger)."""
    from kopledger.render import render
    from kopledger.schedule import schedule, schedule_totals

    first_due = _date(mulai, dt.date.today() + relativedelta(months=1))
    principal = _required_decimal(pokok, "--pokok")
    rate = _required_decimal(bunga, "--bunga")
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
@click.option("--anggota", required=True, help="Id anggota peminjam (mis. A0001).")
@click.option("--pokok", required=True, help="Pokok pinjaman, rupiah.")
@click.option("--bunga", required=True, help="Bunga setahun dalam persen.")
@click.option("--tenor", required=True, type=int, help="Jangka waktu, bulan.")
@click.option("--metode", type=click.Choice(METODE), required=True, help="Metode bunga: flat, efektif atau anuitas.")
@click.option("--tanggal", default=None, help="Tanggal pencairan YYYY-MM-DD (default hari ini).")
@click.option("--jatuh-tempo", default=None, help="Jatuh tempo angsuran pertama (default sebulan setelah pencairan).")
@click.option("--id", "loan_id", default=None, help="Id pinjaman (default PJ-TAHUN-NNN berikutnya).")
@click.option("--biaya-admin", default="0", show_default=True, help="Biaya administrasi, rupiah.")
@click.option("--provisi", default="0", show_default=True, help="Provisi, rupiah.")
@click.option("--dari", "akun_kas", default=None, help="Akun kas/bank pembayar (default Aset:Kas).")
@dry_run_option
@handle_library_errors
def cair_command(
    ledger: Path | None, anggota: str, pokok: str, bunga: str, tenor: int, metode: str, tanggal: str | None,
    jatuh_tempo: str | None, loan_id: str | None, biaya_admin: str, provisi: str, akun_kas: str | None,
    dry_run: bool,
) -> None:
    """Cairkan pinjaman anggota (disburse a loan)."""
    from kopledger.filters import rupiah
    from kopledger.filters import tanggal as tanggal_filter
    from kopledger.loans import disbursement_entries
    from kopledger.schedule import schedule
    from kopledger.writer import append_directives

    kop = load_books(ledger)
    entries = disbursement_entries(
        kop, anggota=anggota, pokok=_required_decimal(pokok, "--pokok"), bunga=_required_decimal(bunga, "--bunga"),
        tenor=tenor, metode=metode, tanggal=_date(tanggal, dt.date.today()),
        jatuh_tempo=date_type(jatuh_tempo), pinjaman=loan_id,
        biaya_admin=_required_decimal(biaya_admin, "--biaya-admin"), provisi=_required_decimal(provisi, "--provisi"),
        akun_kas=akun_kas,
    )
    _write_result(append_directives(require_ledger(ledger), entries, dry_run=dry_run), dry_run)
    txn = entries[-1]
    rows = schedule(txn.meta["pokok"].number, txn.meta["bunga"], tenor, metode, txn.meta["jatuh-tempo"])
    click.echo(
        f"Pinjaman {txn.meta['pinjaman']}: {tenor} angsuran, yang pertama {tanggal_filter(rows[0].tanggal)} "
        f"sebesar {rupiah(rows[0].angsuran)} (lihat: kop pinjaman jadwal)",
        err=True,
    )


@pinjaman_group.command("bayar")
@ledger_argument
@click.option("--pinjaman", "loan_id", required=True, help="Id pinjaman (mis. PJ-2025-001).")
@click.option("--jumlah", default=None, help="Jumlah dibayar, rupiah.")
@click.option("--lunas", is_flag=True, help="Lunasi seluruh pinjaman (pelunasan dipercepat).")
@click.option("--tanggal", default=None, help="Tanggal bayar YYYY-MM-DD (default hari ini).")
@click.option("--denda", default=None, help="Denda, rupiah (default dihitung dari kebijakan denda-pinjaman; 0 = dibebaskan).")
@click.option("--ke", "akun_kas", default=None, help="Akun kas/bank penerima (default Aset:Kas).")
@dry_run_option
@handle_library_errors
def bayar_command(
    ledger: Path | None, loan_id: str, jumlah: str | None, lunas: bool, tanggal: str | None, denda: str | None,
    akun_kas: str | None, dry_run: bool,
) -> None:
    """Catat angsuran: dibagi denda, bunga, pokok (record an instalment)."""
    from kopledger.filters import rupiah
    from kopledger.loans import payment_entries
    from kopledger.writer import append_directives

    if lunas == (jumlah is not None):
        raise KopClickError("berikan --jumlah JUMLAH atau --lunas (salah satu)", EXIT_USAGE)
    kop = load_books(ledger)
    split, entries = payment_entries(
        kop, pinjaman=loan_id, tanggal=_date(tanggal, dt.date.today()), jumlah=_decimal(jumlah, "--jumlah"),
        denda=_decimal(denda, "--denda"), akun_kas=akun_kas,
    )
    result = append_directives(require_ledger(ledger), entries, dry_run=dry_run)
    _write_result(result, dry_run)
    click.echo(
        f"Denda {rupiah(split.denda)}, bunga {rupiah(split.bunga)}, pokok {rupiah(split.pokok)}; "
        f"sisa pokok {rupiah(split.sisa_sesudah)}" + (" — LUNAS" if split.lunas else ""),
        err=True,
    )


def _portfolio_context(kop: Any, date: dt.date) -> dict[str, Any]:
    from kopledger.loans import portfolio

    return {"portofolio": portfolio(kop, date), "koperasi": _koperasi_name(kop)}


@pinjaman_group.command("portofolio")
@ledger_argument
@click.option("--per", default=None, help="Per tanggal YYYY-MM-DD (default hari ini).")
@format_option("table", "json", "html", default="table")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), default=None, help="Tulis ke berkas ini.")
@lang_option
@handle_library_errors
def portofolio_command(ledger: Path | None, per: str | None, fmt: str, out: Path | None, lang: str) -> None:
    """Portofolio pinjaman: kolektibilitas, PPAP, NPL, tunggakan (loan portfolio)."""
    from kopledger.render import render

    date = _date(per, dt.date.today())

    def compute() -> str:
        context = _portfolio_context(load_books(ledger), date)
        if fmt == "json":
            result = context["portofolio"]
            return json.dumps(jsonable({
                **vars_of(result),
                "selisih_ppap": result.selisih_ppap,
                "tunggakan": [s.id for s in result.tunggakan],
            }), ensure_ascii=False, indent=2)
        name = "pinjaman/portofolio.html.j2" if fmt == "html" else "pinjaman/portofolio.txt.j2"
        return render(name, context, lang=lang)

    # unchanged books: the same portfolio comes from kopledger's cache (kopledger.cache)
    text = cached_output(require_ledger(ledger), "portofolio", (date.isoformat(), fmt, lang), compute)
    if fmt == "json":
        click.echo(text)
        return
    write_output(text, out)


def vars_of(value: Any) -> dict[str, Any]:
    """A dataclass's fields as a dict (not recursing: echo_json handles nested ones)."""
    import dataclasses

    return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}


@pinjaman_group.command("daftar")
@ledger_argument
@click.option("--per", default=None, help="Per tanggal YYYY-MM-DD (default hari ini).")
@click.option("--semua", is_flag=True, help="Termasuk pinjaman yang sudah lunas.")
@format_option("table", "json", default="table")
@lang_option
@handle_library_errors
def daftar_command(ledger: Path | None, per: str | None, semua: bool, fmt: str, lang: str) -> None:
    """Daftar pinjaman dan statusnya (list loans)."""
    from kopledger.loans import loan_statuses
    from kopledger.render import render

    kop = load_books(ledger)
    date = _date(per, dt.date.today())
    rows = [s for s in loan_statuses(kop, date) if semua or s.sisa > 0]
    if fmt == "json":
        echo_json([{**vars_of(s), "lunas": s.lunas} for s in rows])
        return
    click.echo(render("pinjaman/daftar.txt.j2", {"pinjaman": rows, "tanggal": date, "koperasi": _koperasi_name(kop)},
                      lang=lang), nl=False)


@pinjaman_group.command("ppap")
@ledger_argument
@click.option("--per", required=True, help="Per tanggal YYYY-MM-DD (biasanya akhir tahun buku).")
@dry_run_option
@handle_library_errors
def ppap_command(ledger: Path | None, per: str, dry_run: bool) -> None:
    """Jurnal penyesuaian PPAP: wajib − tercatat (book the loan-loss provision)."""
    from kopledger.filters import rupiah
    from kopledger.loans import portfolio, ppap_entries
    from kopledger.writer import append_directives

    kop = load_books(ledger)
    date = date_type(per)
    assert date is not None
    result = portfolio(kop, date)
    click.echo(
        f"PPAP wajib {rupiah(result.ppap_wajib)}, tercatat {rupiah(result.ppap_tercatat)}, "
        f"selisih {rupiah(result.selisih_ppap)}",
        err=True,
    )
    entries = ppap_entries(kop, date, result=result)
    if not entries:
        click.echo("PPAP di buku sudah sesuai; tidak ada jurnal.", err=True)
        return
    _write_result(append_directives(require_ledger(ledger), entries, dry_run=dry_run), dry_run)


for _alias, _name in {
    "schedule": "jadwal", "disburse": "cair", "pay": "bayar", "portfolio": "portofolio", "list": "daftar",
    "provision": "ppap",
}.items():
    pinjaman_group.add_alias(_alias, _name)

COMMANDS = [(pinjaman_group, ["loan"])]
