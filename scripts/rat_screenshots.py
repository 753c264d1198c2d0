"""Screenshots of a RAT pack HTML in Debian's headless Chromium (for looking at it).

    python scripts/rat_screenshots.py build/rat-2025.html OUTDIR [anchor …]

Each anchor (an element id: sampul, keanggotaan, laporan-keuangan, shu, …) gives one
A4-sized PNG ``OUTDIR/rat-<anchor>.png`` of that section alone (a temporary copy of
the page hides the other top-level sections, so no scrolling or script is needed).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

DEFAULT_ANCHORS = ("sampul", "daftar-isi", "keanggotaan", "laporan-keuangan", "shu", "simpanan-pinjaman", "indikator", "pengesahan")


def screenshot(html: Path, out: Path, anchor: str, *, width: int = 1240, height: int = 1754) -> Path:
    target = out / f"rat-{anchor}.png"
    page = html.read_text(encoding="utf-8").replace(
        "</head>", f"<style>body > section:not(#{anchor}) {{ display: none; }}</style></head>", 1
    )
    with tempfile.TemporaryDirectory() as profile:
        copy = Path(profile) / "page.html"
        copy.write_text(page, encoding="utf-8")
        subprocess.run(
            [
                "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars", "--virtual-time-budget=3000",
                f"--user-data-dir={profile}/profile", f"--screenshot={target}", f"--window-size={width},{height}",
                copy.as_uri(),
            ],
            check=True, capture_output=True, timeout=120,
        )
    return target


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    html, out = Path(argv[0]), Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for anchor in argv[2:] or DEFAULT_ANCHORS:
        print(screenshot(html, out, anchor))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
