"""docs/keamanan-data.md names, for each guarantee, the test that checks it: every test it
names exists (a renamed or deleted test would leave a guarantee unchecked)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "keamanan-data.md"
#: ``tests/test_x.py::name``, or ``::name`` meaning the file named last before it.
REFERENCE = re.compile(r"`(tests/[\w/]+\.py)?(?:::([A-Za-z_]\w*))?(?:\[[^\]`]*\])?`")


def named_tests(text: str) -> list[tuple[str, str | None]]:
    """(file, test name or None) for each test reference, in order."""
    found: list[tuple[str, str | None]] = []
    current: str | None = None
    for match in REFERENCE.finditer(text):
        file, name = match.group(1), match.group(2)
        if file:
            current = file
        if current and (file or name):
            found.append((current, name))
    return found


def test_every_test_the_guarantees_name_exists() -> None:
    references = named_tests(DOC.read_text(encoding="utf-8"))
    section = DOC.read_text(encoding="utf-8").split("## Jaminan dan ujiannya", 1)[1]
    assert len(named_tests(section)) >= 60  # the issue-23 guarantees, each with its test
    missing = []
    for file, name in references:
        path = ROOT / file
        if not path.is_file():
            missing.append(file)
        elif name and not re.search(rf"^(?:async )?def {name}\(", path.read_text(encoding="utf-8"), re.M):
            missing.append(f"{file}::{name}")
    assert missing == []


def test_the_reference_reader_follows_the_last_file() -> None:
    text = "`tests/a.py::one`, `::two` and `tests/b.py` then `::three[x]`"
    assert named_tests(text) == [("tests/a.py", "one"), ("tests/a.py", "two"), ("tests/b.py", None), ("tests/b.py", "three")]
