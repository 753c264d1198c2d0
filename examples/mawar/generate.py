"""Regenerate the example koperasi: ``python examples/mawar/generate.py``.

Koperasi Wanita Mawar Sukabumi — a fictional koperasi serba usaha (shop and savings and
loans) with 120 members over 2024 and 2025. The text depends only on the parameters
below, so running this again rewrites ``buku.beancount`` byte for byte.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from examples.generator import generate, summary  # noqa: E402

#: The example's parameters (tests/test_example.py regenerates with these).
MEMBERS = 120
YEARS = 2
SEED = 2024
START_YEAR = 2024
NAMA = "Koperasi Wanita Mawar Sukabumi"
LEDGER = HERE / "buku.beancount"


def text() -> str:
    """The example ledger's text."""
    return generate(MEMBERS, YEARS, SEED, start_year=START_YEAR, nama=NAMA)


def main() -> None:
    content = text()
    LEDGER.write_text(content, encoding="utf-8")
    facts = summary(generate.last)  # type: ignore[attr-defined]
    print(f"Ditulis / written: {LEDGER} ({len(content.encode()):,} bytes)")
    for key, value in facts.items():
        print(f"  {key}: {value}")


if __name__ == "__main__":
    main()
