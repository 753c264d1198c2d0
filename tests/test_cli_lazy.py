"""``kop`` imports only the module of the command it runs (click's lazily loaded subcommands)."""

from __future__ import annotations

import importlib
import subprocess
import sys

from click.testing import CliRunner

from kopledger.cli import COMMAND_MODULES, main


def test_the_table_names_each_modules_commands_and_aliases() -> None:
    modules = {module for module, _aliases in COMMAND_MODULES.values()}
    found: dict[str, tuple[str, tuple[str, ...]]] = {}
    for module in modules:
        for command, aliases in importlib.import_module(f"kopledger.cli.{module}").COMMANDS:
            found[command.name] = (module, tuple(aliases))
    assert found == COMMAND_MODULES


def test_a_command_loads_only_its_own_module() -> None:
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from kopledger.cli import main\n"
        "result = CliRunner().invoke(main, ['verifikasi', '--help'])\n"
        "assert result.exit_code == 0, result.output\n"
        "print(sorted(m for m in sys.modules if m.startswith('kopledger.cli.')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    loaded = eval(out)  # a list of module names printed by the child
    assert "kopledger.cli.verifikasi" in loaded
    assert not {"kopledger.cli.rat", "kopledger.cli.pinjaman", "kopledger.cli.simpanan"} & set(loaded)


def test_aliases_and_help_list_every_command_with_the_plugins() -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["report", "--help"]).exit_code == 0
    listed = runner.invoke(main, ["--help"]).output
    for name, (_module, aliases) in COMMAND_MODULES.items():
        assert name in listed
        for alias in aliases:
            assert alias in listed
    assert "ekspor (export)" in listed and "agregat (aggregate)" in listed
    unknown = runner.invoke(main, ["tidak-ada"])
    assert unknown.exit_code == 2
