"""The wheel ships the templates (as ``kopledger/templates``) and ``py.typed``, and works installed."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    wheels = list(out.glob("kopledger-*.whl"))
    assert len(wheels) == 1
    return wheels[0]


def test_wheel_contains_templates_and_py_typed(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "kopledger/py.typed" in names
    assert "kopledger/templates/shu/tabel.txt.j2" in names
    assert "kopledger/templates/base.html.j2" in names
    assert "kopledger/templates/style.css.j2" in names
    assert "kopledger/templates/locale/en/umum.json" in names
    for schema in ("laporan", "shu", "rat"):  # the published JSON schemas
        assert f"kopledger/schemas/{schema}.schema.json" in names
    assert "kopledger/books/checks/plugin.py" in names and "kopledger/cli/cek.py" in names
    # every template of the source tree is in the wheel
    shipped = {n.removeprefix("kopledger/templates/") for n in names if n.startswith("kopledger/templates/")}
    source = {p.relative_to(ROOT / "templates").as_posix() for p in (ROOT / "templates").rglob("*") if p.is_file()}
    assert source <= shipped
    assert not any(n.startswith(("tests/", "templates/")) for n in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "kop = kopledger.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_installed_wheel_renders_its_templates_and_inits_books(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(site)!r})
        import kopledger
        from kopledger.core.errors import templates_dir
        from kopledger.ops.init import create_ledger
        from kopledger import Koperasi
        import datetime as dt, pathlib
        assert kopledger.__file__.startswith({str(site)!r}), kopledger.__file__
        assert str(templates_dir()).startswith({str(site)!r}), templates_dir()
        path = create_ledger(pathlib.Path({str(tmp_path / 'books')!r}), "Kop Wheel", start=dt.date(2025, 1, 1))
        kop = Koperasi.load(path)
        assert kop.errors == [], kop.errors
        print("ok", kop.title)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                            cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "ok Kop Wheel"
