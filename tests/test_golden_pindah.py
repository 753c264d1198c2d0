"""Issue 22: the move into layers changes no figure of the example's closed year 2025.

The golden files were written by ``kop laporan``/``kop shu --format json`` on main ca934ee,
before the first change of the move; every later commit must print them byte for byte.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kopledger.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "mawar" / "buku.beancount"
GOLDEN = Path(__file__).parent / "golden" / "pindah"


@pytest.mark.parametrize("command", ["laporan", "shu"])
def test_closed_year_figures_unchanged_by_the_move(command: str) -> None:
    result = CliRunner().invoke(main, [command, str(EXAMPLE), "--tahun", "2025", "--format", "json"])
    assert result.exit_code == 0, result.output
    expected = (GOLDEN / f"{command}-2025.json").read_text(encoding="utf-8")
    assert result.output == expected
