"""kop finds the Dinas view's commands through the entry point group ``kopledger.commands``
(the shells never import each other)."""

from __future__ import annotations

import tomllib
from importlib.metadata import EntryPoint
from pathlib import Path

import click

from kopledger.cli import COMMANDS_GROUP, main

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def test_the_dinas_commands_are_declared_as_an_entry_point_of_kop() -> None:
    declared = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["entry-points"][COMMANDS_GROUP]
    commands = EntryPoint("dinas", declared["dinas"], COMMANDS_GROUP).load()
    assert {(command.name, tuple(aliases)) for command, aliases in commands} == {
        ("ekspor", ("export",)), ("agregat", ("aggregate",))}
    assert all(isinstance(command, click.Command) for command, _aliases in commands)


def test_kop_has_the_commands_of_the_installed_entry_points() -> None:
    ctx = click.Context(main)
    assert {"ekspor", "agregat"} <= set(main.list_commands(ctx))
    assert main.get_command(ctx, "export") is main.get_command(ctx, "ekspor") is not None
