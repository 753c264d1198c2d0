"""Shared pieces of the ``kop`` commands: arguments, options, errors, output."""

from __future__ import annotations

import datetime as dt
import gc
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from kopledger.errors import InputError, KopledgerError, LedgerHasErrors, format_error_line
from kopledger.jsondata import dumps, plain
from kopledger.ledger import Koperasi

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK = 0
EXIT_FAILED = 1  # the books have errors, or a check failed
EXIT_USAGE = 2  # the command was asked something invalid


class KopClickError(click.ClickException):
    """A user-facing error with an exit code of its own."""

    def __init__(self, message: str, exit_code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]  # click declares it on the class

    def show(self, file: Any = None) -> None:
        from kopledger.cli.bahasa import gettext

        click.echo(gettext("Error: {message}").format(message=self.format_message()), err=True)


def to_click_error(exc: KopledgerError) -> KopClickError:
    """Map a library error to the CLI's exit codes (1 for books/checks, 2 for input),
    worded in the command line's language."""
    from kopledger.cli.bahasa import language

    code = EXIT_USAGE if isinstance(exc, InputError) else EXIT_FAILED
    return KopClickError(exc.in_lang(language()), code)


def ledger_argument(func: F) -> F:
    """The ledger file, first positional argument, else ``$KOP_LEDGER``."""
    return click.argument(
        "ledger",
        required=False,
        envvar="KOP_LEDGER",
        type=click.Path(path_type=Path, dir_okay=False),
    )(func)


def require_ledger(ledger: Path | None) -> Path:
    """The ledger path, or a usage error saying how to give one."""
    if ledger is None:
        raise to_click_error(InputError.pesan(
            "berkas buku belum disebut: berikan sebagai argumen pertama (kop cek buku.beancount) "
            "atau atur KOP_LEDGER"))
    return ledger


def load_books(ledger: Path | None, *, require_clean: bool = True) -> Koperasi:
    """Load the books for a command; with ``require_clean``, books with errors are refused."""
    path = require_ledger(ledger)
    try:
        kop = Koperasi.load(path)
    except KopledgerError as exc:
        raise to_click_error(exc) from None
    # A command loads the books once and keeps them to the end: move them out of the cyclic
    # garbage collector's reach, or every later collection rescans millions of loaded objects
    # (docs/performance.md).
    gc.freeze()
    if require_clean and kop.errors:
        error = LedgerHasErrors(
            f"{path} berisi {len(kop.errors)} kesalahan:", kop.errors,
            hint="Perbaiki dulu (kop cek menampilkan semuanya).",
        )
        error.teks, error.nilai = "{berkas} berisi {jumlah} kesalahan:", {"berkas": path, "jumlah": len(kop.errors)}
        error.teks_hint = "Perbaiki dulu (kop cek menampilkan semuanya)."
        raise to_click_error(error)
    return kop


def lang_option(func: F) -> F:
    return click.option(
        "--lang", type=click.Choice(["id", "en"]), default="id", show_default=True,
        help="Bahasa: id (Indonesia) atau en (English).",
    )(func)


def dry_run_option(func: F) -> F:
    return click.option(
        "--dry-run", is_flag=True, help="Tampilkan apa yang akan ditulis, tanpa menulis apa pun.",
    )(func)


def format_option(*choices: str, default: str = "table") -> Callable[[F], F]:
    def decorate(func: F) -> F:
        return click.option(
            "--format", "fmt", type=click.Choice(list(choices)), default=default, show_default=True,
            help="Bentuk keluaran.",
        )(func)

    return decorate


def date_type(value: str | None) -> dt.date | None:
    """Parse ``YYYY-MM-DD``; a usage error names the bad value."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise KopClickError(f"tanggal tidak valid {value!r}: gunakan YYYY-MM-DD", EXIT_USAGE) from None


#: The one JSON serializer (kopledger.jsondata), under the name the commands use.
jsonable = plain


def echo_json(value: Any) -> None:
    """Print ``value`` as indented JSON (exact decimals as strings)."""
    click.echo(dumps(value), nl=False)


def echo_errors(errors: list[Any]) -> None:
    """Print errors as ``file:line: message`` lines on stderr."""
    for error in errors:
        click.echo(format_error_line(error), err=True)


def write_output(content: str | bytes, out: Path | None) -> None:
    """Write to ``out`` (saying where), or print to stdout."""
    if out is None:
        if isinstance(content, bytes):
            sys.stdout.buffer.write(content)
        else:
            click.echo(content, nl=not content.endswith("\n"))
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        out.write_bytes(content)
    else:
        out.write_text(content, encoding="utf-8")
    click.echo(f"Ditulis: {out}", err=True)


def handle_library_errors(func: F) -> F:
    """Turn kopledger's exceptions raised inside a command into clean CLI errors."""
    import functools

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except KopledgerError as exc:
            raise to_click_error(exc) from None

    return wrapper  # type: ignore[return-value]
