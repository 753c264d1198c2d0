"""Shared pieces of the ``kop`` commands: arguments, options, errors, output."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import gc
import os
import sys
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from kopledger.books.load import cache
from kopledger.books.periode import NotYetPassed, decide_period, hari_ini
from kopledger.cli.bahasa import gettext, language, teks
from kopledger.core import inputs
from kopledger.core.errors import (
    InputError,
    KopledgerError,
    LedgerHasErrors,
    sorted_errors,
    translate,
    worded,
)
from kopledger.koperasi import Koperasi
from kopledger.ops.writer import check_bukti, fault_message
from kopledger.present.jsondata import dumps, plain
from kopledger.present.output import books_files, write_report

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

EXIT_FAILED = 1  # the books have errors, or a check failed
EXIT_USAGE = 2  # the command was asked something invalid
EXIT_PIPE = 141  # the reader of the output went away (128 + SIGPIPE, as coreutils under a shell)
EXIT_CANCELLED = 130  # Ctrl-C (128 + SIGINT)


class KopClickError(click.ClickException):
    """A user-facing error with an exit code of its own."""

    def __init__(self, message: str, exit_code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]  # click declares it on the class

    def show(self, file: Any = None) -> None:
        with _stderr_gone():
            click.echo(inputs.terminal_safe(gettext("Error: {message}").format(message=self.format_message())),
                       err=True)


class Cancelled(KopClickError):
    """Ctrl-C: ``Dibatalkan`` on stderr, exit 130 (whatever was running: a load, a write)."""

    def __init__(self) -> None:
        super().__init__(teks("Dibatalkan (Ctrl-C)."), EXIT_CANCELLED)

    def show(self, file: Any = None) -> None:
        with _stderr_gone():
            click.echo("", err=True)  # past the ^C the terminal echoed
            click.echo(self.format_message(), err=True)


@contextlib.contextmanager
def _stderr_gone() -> Iterator[None]:
    """A message to a stderr that cannot be written (full, closed) is dropped, not a traceback."""
    try:
        yield
    except OSError:
        _to_devnull(sys.stderr)


def _to_devnull(stream: Any) -> None:
    """Point ``stream``'s file descriptor at /dev/null, so what is still buffered for it (flushed
    at exit) cannot fail again; nothing for a stream that is not a real file (tests' runners)."""
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):
        return
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, fd)
    finally:
        os.close(null)


#: The functions through which kop prints (click's ``echo``, :func:`write_output`, :func:`finish_output`).
_PRINTING = frozenset({"echo", "write_output", "finish_output"})


def _printing(exc: BaseException) -> bool:
    """True when ``exc`` was raised while printing (a frame of :data:`_PRINTING` in its traceback)."""
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_name in _PRINTING:
            return True
        tb = tb.tb_next
    return False


def output_failed(exc: OSError) -> click.ClickException | click.exceptions.Exit:
    """What ``kop`` does when writing failed with ``exc``: a closed pipe (``kop … | head -1``) ends
    quietly with :data:`EXIT_PIPE`; a full or failing stdout (``kop … > /dev/full``) is a clear
    message and exit 1; any other OSError that reached the command line, its message and exit 1."""
    if exc.errno == errno.EPIPE:
        _to_devnull(sys.stdout)
        return click.exceptions.Exit(EXIT_PIPE)
    if _printing(exc):
        _to_devnull(sys.stdout)
        return KopClickError(teks("keluaran tidak bisa ditulis ke stdout: {sebab}; kosongkan ruang disk atau "
                                  "arahkan keluaran ke berkas lain (--out)", sebab=_oserror_text(exc)), EXIT_FAILED)
    return KopClickError(teks("perintah gagal: {sebab}", sebab=_oserror_text(exc)), EXIT_FAILED)


def _oserror_text(exc: OSError) -> str:
    reason = fault_message(exc) if exc.errno else str(exc)  # "disk penuh"…, worded with the message
    return f"{reason} ({exc.filename})" if exc.filename else reason


def finish_output() -> None:
    """Flush stdout at the end of a run; a failure is handled as :func:`output_failed` (SystemExit)."""
    try:
        sys.stdout.flush()
    except OSError as exc:
        failed = output_failed(exc)
        if isinstance(failed, click.ClickException):
            failed.show()
            raise SystemExit(failed.exit_code) from None
        raise SystemExit(failed.exit_code) from None


def to_click_error(exc: KopledgerError) -> KopClickError:
    """Map a library error to the CLI's exit codes (1 for books/checks, 2 for input),
    worded in the command line's language."""
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


#: Every file the books loaded by this process read (ledger + includes), resolved:
#: ``write_output`` refuses to write a report onto any of them.
BOOK_FILES: set[Path] = set()


def cached_report(ledger: Path | None, name: str, params: Any, compute: Callable[[], T]) -> T:
    """A report of unchanged books from kopledger's cache (:func:`kopledger.books.load.cache.cached_output`);
    on a hit nothing is loaded, so the books' files are still added to :data:`BOOK_FILES`."""
    path = require_ledger(ledger)
    value = cache.cached_output(path, name, params, compute)
    BOOK_FILES.update(p.resolve() for p in cache.book_files(path))
    return value


def remember_books(kop: Koperasi) -> None:
    """Add the files of ``kop`` (ledger and includes) to :data:`BOOK_FILES`."""
    BOOK_FILES.update(books_files(kop.options, kop.path))


def load_books(ledger: Path | None, *, require_clean: bool = True) -> Koperasi:
    """Load the books for a command; with ``require_clean``, books with errors are refused."""
    path = require_ledger(ledger)
    try:
        kop = Koperasi.load(path)
    except KopledgerError as exc:
        raise to_click_error(exc) from None
    remember_books(kop)
    # A command loads the books once and keeps them to the end: move them out of the cyclic
    # garbage collector's reach, or every later collection rescans millions of loaded objects
    # (docs/performance.md).
    gc.freeze()
    if require_clean and kop.errors:
        template, hint = "{berkas} berisi {jumlah} kesalahan:", "Perbaiki dulu (kop cek menampilkan semuanya)."
        values: dict[str, Any] = {"berkas": path, "jumlah": len(kop.errors)}
        error = LedgerHasErrors(template.format(**values), sorted_errors(kop.errors), hint=hint)
        error.teks, error.nilai, error.teks_hint = template, values, hint
        raise to_click_error(error)
    return kop


LANG_HELP = "Bahasa: id (Indonesia) atau en (English); bawaan: KOP_LANG, atau id."


def lang_option(func: F) -> F:
    """``--lang id|en``, passed to the command as ``lang``. :func:`kopledger.cli.bahasa.detect`
    has already read it (or ``KOP_LANG``) before click parses, so the default is the language
    the command line speaks now: ``KOP_LANG=en`` renders English too."""
    return click.option(
        "--lang", type=click.Choice(["id", "en"]), default=language, show_default=False, help=LANG_HELP,
    )(func)


def lang_only_option(func: F) -> F:
    """``--lang id|en`` for a command or group that only needs the language of its messages
    (read by :func:`kopledger.cli.bahasa.detect`; not passed to the function)."""
    return click.option(
        "--lang", type=click.Choice(["id", "en"]), default=None, expose_value=False, help=LANG_HELP,
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


def report_date(per: dt.date | None, today: dt.date | None = None) -> dt.date:
    """``per``, else the date the running year is reported at on ``today`` (default
    :func:`~kopledger.books.periode.hari_ini`): the last day that has passed, as ``kop laporan``,
    the RAT and the web desk value it (:func:`~kopledger.books.periode.decide_period`). A ``per``
    that has not passed (``2999-12-31``) is refused there, as ``kop laporan --per`` refuses it."""
    today = today or hari_ini()
    if per is None:
        return decide_period(today.year, today=today).per
    try:
        return decide_period(per.year, today=today, per=per).per
    except NotYetPassed:
        raise to_click_error(InputError.pesan(
            "tanggal laporan {per} belum lewat (hari ini {hari_ini}); laporan paling akhir per {kemarin}",
            per=per.isoformat(), hari_ini=today.isoformat(), kemarin=(today - dt.timedelta(days=1)).isoformat(),
        )) from None


def not_future(date: dt.date | None, default: dt.date | None = None) -> dt.date:
    """``date`` (else ``default``, else today) unless it is after today: an entry dated in a day
    that has not begun, or a list "per" such a day, is refused (exit 2)."""
    today = hari_ini()
    chosen = date or default or today
    if chosen > today:
        raise to_click_error(InputError.pesan(
            "tanggal {tanggal} ada di masa depan (hari ini {hari_ini}); pakai tanggal hari ini atau sebelumnya",
            tanggal=chosen, hari_ini=today,
        ))
    return chosen


def date_type(value: str | dt.date | None) -> dt.date | None:
    """Parse ``YYYY-MM-DD`` (years 1900–2999); a usage error names the bad value."""
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return inputs.parse_date(value)
    except InputError as exc:
        raise to_click_error(exc) from None


# --- strict parameter types (kopledger.core.inputs): a bad value is exit 2, never a traceback ----
if TYPE_CHECKING:
    _ParamBase = click.ParamType[Any]
else:  # click < 8.5 has no generic ParamType
    _ParamBase = click.ParamType


class _StrictType(_ParamBase):
    """A click type over one of :mod:`kopledger.core.inputs`' parsers."""

    def parse(self, value: str, label: str) -> Any:
        raise NotImplementedError

    def get_metavar(self, param: click.Parameter, ctx: click.Context) -> str | None:
        """The type's name (``TAHUN``, ``JUMLAH`` …) in the command line's language."""
        return translate(self.name.upper(), language())

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not isinstance(value, str):
            return value
        label = "/".join(param.opts) if param is not None and param.opts else self.name
        try:
            return self.parse(value, label)
        except InputError as exc:
            self.fail(exc.in_lang(language()), param, ctx)


class AmountType(_StrictType):
    name = "jumlah"

    def parse(self, value: str, label: str) -> Decimal:
        return inputs.parse_amount(value, label)


class RateType(_StrictType):
    name = "persen"

    def parse(self, value: str, label: str) -> Decimal:
        return inputs.parse_rate(value, label)


class YearType(_StrictType):
    """A year 1900–2999; with ``begun``, a year after the current one is refused too."""

    name = "tahun"

    def __init__(self, *, begun: bool = False) -> None:
        self.begun = begun

    def parse(self, value: str, label: str) -> int:
        year = inputs.parse_year(value, label)
        return inputs.check_year_begun(year, hari_ini(), label=label) if self.begun else year


class MonthType(_StrictType):
    name = "YYYY-MM"

    def parse(self, value: str, label: str) -> str:
        return inputs.parse_month(value, label)


class DateType(_StrictType):
    name = "YYYY-MM-DD"

    def parse(self, value: str, label: str) -> dt.date:
        return inputs.parse_date(value, label)


class TextType(_StrictType):
    """Free text (a name, an address, an id): control characters refused."""

    name = "teks"

    def parse(self, value: str, label: str) -> str:
        return inputs.clean_text(value, label)


class BuktiType(_StrictType):
    name = "nomor"

    def parse(self, value: str, label: str) -> str:
        return check_bukti(inputs.clean_text(value, label))


class CountType(_StrictType):
    """A whole number in a range, ASCII digits only (``--tenor 12``; no ``١٢``, ``1e1`` or ``+12``)."""

    name = "bilangan"

    def __init__(self, low: int, high: int) -> None:
        self.low, self.high = low, high

    def parse(self, value: str, label: str) -> int:
        text = value.strip()
        if not (text.isascii() and text.isdigit()):
            raise InputError.pesan("{label}: {nilai!r} bukan bilangan bulat; tulis angka 0–9 saja, misalnya 12",
                                   label=label, nilai=value)
        number = int(text)
        if not self.low <= number <= self.high:
            raise InputError.pesan("{label}: harus {bawah}–{atas}, tertulis {angka}",
                                   label=label, bawah=self.low, atas=self.high, angka=number)
        return number


AMOUNT = AmountType()
RATE = RateType()
YEAR = YearType()
REPORT_YEAR = YearType(begun=True)
MONTH = MonthType()
DATE = DateType()
TEXT = TextType()
BUKTI = BuktiType()


def bukti_option(func: F) -> F:
    """``--bukti NOMOR``: the receipt number recorded on what is written; a second write with
    the same number is refused (so a retry after a crash writes nothing twice)."""
    return click.option(
        "--bukti", type=BUKTI, default=None,
        help="Nomor bukti/kuitansi; dicatat sebagai metadata bukti. Nomor yang sudah ada di buku ditolak.",
    )(func)


def echo_safe(text: str, *, err: bool = False, nl: bool = True) -> None:
    """``click.echo`` with control characters made visible (no raw terminal escapes)."""
    click.echo(inputs.terminal_safe(text), err=err, nl=nl)


#: The one JSON serializer (kopledger.present.jsondata), under the name the commands use.
jsonable = plain


def echo_json(value: Any) -> None:
    """Print ``value`` as indented JSON (exact decimals as strings)."""
    click.echo(inputs.terminal_safe(dumps(value)), nl=False)


def write_output(content: str | bytes, out: Path | None) -> None:
    """Write to ``out`` (saying where), or print to stdout (text made terminal-safe).

    Every ``--out`` goes through :func:`kopledger.present.output.write_report`: never onto the books
    this process loaded (:data:`BOOK_FILES`), temp file + rename, clear fault messages.
    """
    if out is None:
        if isinstance(content, bytes):
            sys.stdout.buffer.write(content)
            sys.stdout.buffer.flush()  # a full disk or closed pipe shows here, inside the command
        else:
            click.echo(inputs.terminal_safe(content), nl=not content.endswith("\n"))
        return

    try:
        write_report(out, content, protected=BOOK_FILES)
    except KopledgerError as exc:
        raise to_click_error(exc) from None

    echo_safe(teks("Ditulis: {berkas}", berkas=out), err=True)


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


class CommandLine:
    """What ``kop`` gives the commands other packages add to it (entry points
    ``kopledger.commands``), as click's context object: its language, its output, the books."""

    def language(self) -> str:
        return language()

    def teks(self, template: str, /, **nilai: Any) -> str:
        """:func:`kopledger.cli.bahasa.teks`: ``template`` worded in the command line's language."""
        return worded(template, nilai, language())

    def echo(self, text: str, *, err: bool = False) -> None:
        echo_safe(text, err=err)

    def load_books(self, ledger: Path | None) -> Koperasi:
        return load_books(ledger)

    def write_output(self, content: str | bytes, out: Path | None) -> None:
        write_output(content, out)

    def failed(self, message: str) -> click.ClickException:
        return KopClickError(message, EXIT_FAILED)
