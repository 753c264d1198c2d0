"""``kop ekspor`` (``export``) and ``kop agregat`` (``aggregate``): the Dinas view's commands.

``kop`` finds them through the package entry point ``kopledger.commands`` (pyproject.toml);
they import nothing of the ``kop`` shell: what the command line offers them (its language,
its output, the loaded books) comes as click's context object, a :class:`Shell`.
"""

from __future__ import annotations

import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import click

from kopledger.books.periode import hari_ini
from kopledger.core import inputs
from kopledger.core.errors import InputError, translate
from kopledger.dinas.agregat import agregat
from kopledger.dinas.ekspor import build_export, export_json
from kopledger.dinas.laporan import render_agregat
from kopledger.koperasi import Koperasi
from kopledger.ops.closing import closed_years

LANG_HELP = "Bahasa: id (Indonesia) atau en (English); bawaan: KOP_LANG, atau id."


class Shell(Protocol):
    """What the command line gives a command added to it (``ctx.obj``)."""

    def language(self) -> str: ...

    def teks(self, template: str, /, **nilai: Any) -> str: ...

    def echo(self, text: str, *, err: bool = False) -> None: ...

    def load_books(self, ledger: Path | None) -> Koperasi: ...

    def write_output(self, content: str | bytes, out: Path | None) -> None: ...

    def failed(self, message: str) -> click.ClickException: ...


if TYPE_CHECKING:
    _ParamBase = click.ParamType[Any]
else:  # click < 8.5 has no generic ParamType
    _ParamBase = click.ParamType


class YearType(_ParamBase):
    """A year 1900–2999 (:func:`kopledger.core.inputs.parse_year`); with ``begun``, not after this one."""

    name = "tahun"

    def __init__(self, *, begun: bool = False) -> None:
        self.begun = begun

    def get_metavar(self, param: click.Parameter, ctx: click.Context) -> str | None:
        return translate(self.name.upper(), _language(ctx))

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not isinstance(value, str):
            return value
        label = "/".join(param.opts) if param is not None and param.opts else self.name
        try:
            year = inputs.parse_year(value, label)
            return inputs.check_year_begun(year, hari_ini(), label=label) if self.begun else year
        except InputError as exc:
            self.fail(exc.in_lang(_language(ctx)), param, ctx)


def _language(ctx: click.Context | None) -> str:
    language = getattr(ctx.obj, "language", None) if ctx is not None else None
    return str(language()) if language is not None else "id"


@click.command("ekspor")
@click.argument("ledger", required=False, envvar="KOP_LEDGER", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--tahun", type=YearType(begun=True), default=None,
              help="Tahun buku (default: tahun terakhir yang sudah ditutup; dengan --sementara: tahun terakhir di buku).")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Tulis ekspor JSON ke berkas ini (default: layar).")
@click.option("--sementara", is_flag=True,
              help="Ekspor tahun yang belum ditutup (angka sementara, tanpa sidik).")
@click.option("--lang", type=click.Choice(["id", "en"]), default=None, expose_value=False, help=LANG_HELP)
@click.pass_obj
def ekspor_command(shell: Shell, ledger: Path | None, tahun: int | None, out: Path | None, sementara: bool) -> None:
    """Ekspor satu tahun buku untuk Dinas Koperasi, dalam skema terbitan (export a closed year for the Dinas)."""
    kop = shell.load_books(ledger)
    if tahun is None:
        closed = sorted(closed_years(kop))
        if sementara:
            years = kop.years()
            tahun = years[-1] if years else None
        else:
            tahun = closed[-1] if closed else None
        if tahun is None:
            raise InputError.pesan(
                "belum ada tahun buku yang ditutup untuk diekspor; tutup dulu dengan kop tutup-buku, "
                "atau sebutkan --tahun dengan --sementara")
    document = build_export(kop, tahun, sementara=sementara)
    for warning in document["peringatan"]:
        if warning.startswith("wilayah-kosong:"):
            key = warning.split(":", 1)[1].replace("_", "-")
            shell.echo(shell.teks('Peringatan: wilayah belum diisi: tambahkan metadata {kunci}: "…" pada custom "koperasi"',
                                  kunci=key), err=True)
    shell.write_output(export_json(document), out)


def _threshold(value: str) -> Decimal:
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise InputError.pesan(
            "--ambang-npl harus angka persen, misalnya 5 atau 7.5 (bukan {nilai!r})", nilai=value) from None
    if not number.is_finite() or number < 0 or number > 100:
        raise InputError.pesan("--ambang-npl harus antara 0 dan 100 (bukan {nilai})", nilai=value)
    return number


@click.command("agregat")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Folder keluaran: tabel Parquet dan laporan wilayah (HTML/PDF/XLSX).")
@click.option("--tahun", type=YearType(), default=None, help="Tahun buku (default: tahun mayoritas ekspor; tanpa mayoritas wajib disebut).")
@click.option("--tingkat", type=click.Choice(["provinsi", "kabupaten-kota", "kecamatan"]), default="kabupaten-kota",
              show_default=True, help="Tingkat wilayah pengelompokan.")
@click.option("--ambang-npl", "ambang", default="5", show_default=True,
              help="Ambang NPL (persen): koperasi di atasnya didaftar.")
@click.option("--engine", "--mesin", "engine", type=click.Choice(["duckdb", "spark"]), default="duckdb",
              show_default=True, help="Mesin agregasi: duckdb (tertanam) atau spark (pyspark, lokal atau klaster).")
@click.option("--spark-master", default=None, help="Master Spark (default: $SPARK_MASTER atau local[2]).")
@click.option("--partisi", is_flag=True, help="Tulis Parquet terpartisi provinsi/tahun (tata letak nasional).")
@click.option("--laporan", "reports", type=click.Choice(["html", "pdf", "xlsx"]), multiple=True,
              help="Bentuk laporan wilayah di --out (boleh berulang; default: html, xlsx, dan pdf bila tersedia).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Bentuk angka yang dicetak di layar.")
@click.option("--lang", type=click.Choice(["id", "en"]), default=None, show_default=False, help=LANG_HELP)
@click.pass_obj
def agregat_command(
    shell: Shell, paths: tuple[Path, ...], out: Path | None, tahun: int | None, tingkat: str, ambang: str, engine: str,
    spark_master: str | None, partisi: bool, reports: tuple[str, ...], fmt: str, lang: str | None,
) -> None:
    """Gabungkan banyak ekspor koperasi menjadi gambaran wilayah (aggregate many exports by region)."""
    lang = lang or shell.language()
    result = agregat(list(paths), out, tahun=tahun, tingkat=tingkat, ambang_npl=_threshold(ambang), engine=engine,
                     partisi=partisi, spark_master=spark_master)
    if out is not None:
        wanted = list(reports) or ["html", "xlsx", "pdf"]
        stem = f"laporan-wilayah-{result.tahun if result.tahun is not None else 'kosong'}"
        for kind in wanted:
            try:
                content = render_agregat(result, kind, lang=lang)
            except InputError as exc:
                if reports:  # asked for explicitly: a failure is an error
                    raise
                shell.echo(shell.teks("Peringatan: laporan {jenis} tidak dibuat: {alasan}", jenis=kind.upper(),
                                      alasan=exc.in_lang(shell.language())), err=True)
                continue
            shell.write_output(content, out / f"{stem}.{kind}")
        for table, path in result.tabel.items():
            shell.echo(shell.teks("Tabel {tabel}: {berkas}", tabel=table, berkas=path), err=True)
    shell.write_output(render_agregat(result, "json" if fmt == "json" else "txt", lang=lang), None)
    if result.masalah:
        for problem in result.masalah:
            shell.echo(shell.teks("{berkas}: {pesan}", berkas=problem.berkas, pesan=problem.pesan), err=True)
        raise shell.failed(shell.teks("{jumlah} berkas tidak dihitung (lihat di atas)", jumlah=len(result.masalah)))
    sys.stdout.flush()


#: The commands ``kop`` adds (entry point ``kopledger.commands``): (command, aliases).
COMMANDS = [(ekspor_command, ["export"]), (agregat_command, ["aggregate"])]
