"""The ``kop`` command line: a thin shell over the library.

Every module in this package that defines ``COMMANDS = [(command, [aliases…])]`` is
registered on the main group, so each capability keeps its commands in its own module. Other
packages add theirs through the entry point group ``kopledger.commands`` (each entry point
names such a list: the Dinas view's ``kop ekspor`` and ``kop agregat``); they receive what the
command line offers them as click's context object (:class:`~kopledger.cli.common.CommandLine`).
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from importlib.metadata import entry_points
from typing import Any

import click

from kopledger import __version__
from kopledger.cli import bahasa
from kopledger.cli.common import CommandLine, KopClickError, lang_only_option, to_click_error
from kopledger.core.errors import KopledgerError


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
        """Run the command line, in the language asked for (click's own words too)."""
        bahasa.install()
        token = bahasa.set_language(bahasa.detect(list(args) if args is not None else sys.argv[1:]))
        try:
            return super().main(args, *pos, **kwargs)
        finally:  # one run's language does not leak into the next (tests run many in one process)
            bahasa.reset_language(token)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KopledgerError as exc:
            raise to_click_error(exc) from None


@click.group(cls=AliasedGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kop", help="Tampilkan versi lalu keluar (show the version).")
@lang_only_option
@click.pass_context
def main(ctx: click.Context) -> None:
    """kop — pembukuan koperasi di atas beancount (bookkeeping for Indonesian cooperatives)."""
    ctx.obj = CommandLine()


#: The entry point group through which other packages add commands to ``kop``.
COMMANDS_GROUP = "kopledger.commands"


def _register() -> None:
    group = main
    assert isinstance(group, AliasedGroup)
    lists = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name == "common":
            continue
        lists.append(getattr(importlib.import_module(f"{__name__}.{info.name}"), "COMMANDS", []))
    lists += [point.load() for point in sorted(entry_points(group=COMMANDS_GROUP), key=lambda p: p.name)]
    for commands in lists:
        for command, aliases in commands:
            group.add_command(command)
            for alias in aliases:
                group.add_alias(alias, command.name)


_register()

__all__ = ["KopClickError", "main"]
