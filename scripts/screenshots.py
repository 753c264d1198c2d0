#!/usr/bin/env python3
"""Screenshots of kopledger's HTML reports in Debian's headless Chromium.

Usage::

    python scripts/screenshots.py build/                 # every *.html in build/ (not recursive)
    python scripts/screenshots.py build/laporan.html --out shots/ --height 3600
    python scripts/screenshots.py --ledger examples/mawar/buku.beancount --tahun 2025 --out shots/

With ``--ledger`` the financial statements are rendered first (``kop laporan
--format html``) into the output folder. Each HTML file becomes a PNG of the same name
(A4 width at 96 dpi: 794 px; the height is ``--height``). Chromium runs headless with
a fresh profile and no network services::

    chromium --headless --no-sandbox --disable-gpu --disable-background-networking
             --disable-component-update --disable-sync --no-first-run
             --user-data-dir=<fresh temp dir> --screenshot=OUT.png --window-size=W,H URL

Install Chromium on Debian with ``apt-get update && apt-get install -y chromium``.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
)


def find_chromium() -> str:
    """The path of a Chromium executable, or exit with how to install one."""
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    sys.exit("chromium not found: install it with `apt-get update && apt-get install -y chromium`")


def screenshot(chromium: str, html: Path, png: Path, *, width: int = 794, height: int = 1123,
               timeout: int = 120) -> Path:
    """Render ``html`` to ``png`` in headless Chromium with a fresh profile."""
    png.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kop-chromium-") as profile:
        cmd = [
            chromium, *FLAGS, f"--user-data-dir={profile}", f"--screenshot={png.resolve()}",
            f"--window-size={width},{height}", html.resolve().as_uri(),
        ]
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    if result.returncode != 0 or not png.exists():
        sys.exit(f"chromium failed on {html} (exit {result.returncode}):\n{result.stderr[-2000:]}")
    return png


def render_statements(ledger: Path, tahun: int | None, out: Path, lang: str) -> Path:
    """Write the statements of ``ledger`` as HTML into ``out`` with ``kop laporan``."""
    out.mkdir(parents=True, exist_ok=True)
    html = out / (f"laporan-{tahun}.html" if tahun else "laporan.html")
    cmd = [sys.executable, "-c", "from kopledger.cli import main; main()", "laporan", str(ledger), "--format", "html",
           "--out", str(html), "--lang", lang]
    if tahun:
        cmd += ["--tahun", str(tahun)]
    subprocess.run(cmd, check=True)
    return html


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, help="HTML files or folders of HTML files")
    parser.add_argument("--out", type=Path, default=None, help="folder of the PNGs (default: beside each HTML)")
    parser.add_argument("--ledger", type=Path, default=None, help="render this ledger's statements first")
    parser.add_argument("--tahun", type=int, default=None, help="tahun buku of --ledger")
    parser.add_argument("--lang", default="id", choices=["id", "en"])
    parser.add_argument("--width", type=int, default=794, help="window width in px (A4 at 96 dpi: 794)")
    parser.add_argument("--height", type=int, default=1123, help="window height in px (one A4 page: 1123)")
    args = parser.parse_args(argv)

    files: list[Path] = []
    if args.ledger is not None:
        files.append(render_statements(args.ledger, args.tahun, args.out or Path("build"), args.lang))
    for path in args.paths:
        files += sorted(path.glob("*.html")) if path.is_dir() else [path]
    if not files:
        parser.error("no HTML files given (pass files, folders, or --ledger)")
    chromium = find_chromium()
    for html in files:
        png = (args.out or html.parent) / (html.stem + ".png")
        screenshot(chromium, html, png, width=args.width, height=args.height)
        print(png)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
