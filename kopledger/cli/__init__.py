"""The ``kop`` command line: a thin shell over the library.

Each capability keeps its commands in its own module of this package, listed there as
``COMMANDS = [(command, [aliases…])]`` and here in :data:`COMMAND_MODULES`, so that a run of
``kop`` imports only the module of the command it runs (click's lazily loaded subcommands):
startup stays at what the command needs. Other packages add commands through the entry point
group ``kopledger.commands`` (each entry point names such a list: the Dinas view's ``kop ekspor``
and ``kop agregat``), read when a command is not one of kopledger's own or when help lists them
all; they receive what the command line offers them as click's context object
(:class:`~kopledger.cli.common.CommandLine`).
"""

from __future__ import annotations

import importlib
import sys
from importlib.metadata import entry_points
from typing import Any

import click

from kopledger import __version__
from kopledger.cli import bahasa
from kopledger.cli.common import (
    Cancelled,
    CommandLine,
    KopClickError,
    finish_output,
    lang_only_option,
    output_failed,
    to_click_error,
)
from kopledger.core import interrupt
from kopledger.core.errors import KopledgerError

#: The entry point group through which other packages add commands to ``kop``.
COMMANDS_GROUP = "kopledger.commands"

#: Every command of kopledger's own, with its aliases, by the module that defines it
#: (tests/test_cli_lazy.py checks this against each module's ``COMMANDS``).
COMMAND_MODULES: dict[str, tuple[str, tuple[str, ...]]] = {
    "anggota": ("anggota", ("member",)),
    "buka-buku": ("tutup", ("reopen",)),
    "cek": ("cek", ("check",)),
    "init": ("cek", ()),
    "kesehatan": ("kesehatan", ("health",)),
    "laporan": ("laporan", ("report",)),
    "pinjaman": ("pinjaman", ("loan",)),
    "rat": ("rat", ("annual-report",)),
    "shu": ("shu", ("surplus",)),
    "simpanan": ("simpanan", ("savings",)),
    "tutup-buku": ("tutup", ("close",)),
    "verifikasi": ("verifikasi", ("verify",)),
}

CommandList = list[tuple[click.Command, list[str]]]


class AliasedGroup(click.Group):
    """A click group whose commands also answer to aliases (``cek`` / ``check``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.aliases: dict[str, str] = {}

    def add_alias(self, alias: str, name: str) -> None:
        self.aliases[alias] = name

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return super().get_command(ctx, self.aliases.get(cmd_name, cmd_name))

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        _, cmd, rest = super().resolve_command(ctx, args)
        return (cmd.name if cmd else None), cmd, rest

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        reverse: dict[str, list[str]] = {}
        for alias, name in self.aliases.items():
            reverse.setdefault(name, []).append(alias)
        rows = []
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is None or cmd.hidden:
                continue
            label = name + (f" ({', '.join(reverse[name])})" if name in reverse else "")
            rows.append((label, cmd.get_short_help_str(limit=70)))
        if rows:
            with formatter.section(bahasa.gettext("Commands")):
                formatter.write_dl(rows)

    def main(self, args: Any = None, *pos: Any, **kwargs: Any) -> Any:
        """Run the command line, in the language asked for (click's own words too).

        Ctrl-C at any moment (a beancount parse included: :mod:`kopledger.core.interrupt`) is
        ``Dibatalkan``, exit 130; a closed pipe ends quietly with exit 141; a full stdout is a
        message and exit 1 (:func:`~kopledger.cli.common.output_failed`) — never a traceback.
        """
        bahasa.install()
        token = bahasa.set_language(bahasa.detect(list(args) if args is not None else sys.argv[1:]))
        try:
            with interrupt.caught():
                try:
                    return super().main(args, *pos, **kwargs)
                finally:
                    finish_output()
        finally:  # one run's language does not leak into the next (tests run many in one process)
            bahasa.reset_language(token)

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except KeyboardInterrupt:
            raise Cancelled() from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KopledgerError as exc:
            raise to_click_error(exc) from None
        except KeyboardInterrupt:
            raise Cancelled() from None
        except OSError as exc:
            raise output_failed(exc) from None


class KopGroup(AliasedGroup):
    """``kop`` itself: each command is loaded from its module only when it is asked for."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.aliases.update({alias: name for name, (_module, aliases) in COMMAND_MODULES.items() for alias in aliases})
        self._plugins_read = False

    def _add(self, commands: CommandList) -> None:
        for command, aliases in commands:
            self.add_command(command)
            for alias in aliases:
                self.add_alias(alias, str(command.name))

    def _load_module(self, name: str) -> None:
        module = importlib.import_module(f"{__name__}.{COMMAND_MODULES[name][0]}")
        self._add(getattr(module, "COMMANDS", []))

    def _load_plugins(self) -> None:
        if not self._plugins_read:
            self._plugins_read = True
            for point in sorted(entry_points(group=COMMANDS_GROUP), key=lambda p: p.name):
                self._add(point.load())

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load_plugins()
        return sorted({*COMMAND_MODULES, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        name = self.aliases.get(cmd_name, cmd_name)
        if name not in self.commands:
            if name in COMMAND_MODULES:
                self._load_module(name)
            else:
                self._load_plugins()
                name = self.aliases.get(cmd_name, cmd_name)
        return super().get_command(ctx, name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self._load_plugins()
        super().format_commands(ctx, formatter)


@click.group(cls=KopGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kop", help="Tampilkan versi lalu keluar (show the version).")
@lang_only_option
@click.pass_context
def main(ctx: click.Context) -> None:
    """kop — pembukuan koperasi di atas beancount (bookkeeping for Indonesian cooperatives)."""
    ctx.obj = CommandLine()


__all__ = ["KopClickError", "main"]
