"""A beancount plugin for the writer's concurrency tests (tests/test_writer_guard.py): holds a
real ``kop`` process in the middle of a write, between its read and its rename.

When ``$KOP_TEST_JEDA`` names a folder and the books being validated hold an entry with
metadata ``bukti`` equal to ``$KOP_TEST_JEDA_BUKTI`` (the entry the write adds: so only the
candidate's validation pauses, never the load the write decides from), the plugin creates
``FOLDER/paused`` and waits until ``FOLDER/go`` exists (at most a minute), once per folder.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

__plugins__ = ("jeda",)

#: The longest a paused write waits for ``go`` (a failing test never hangs).
PATIENCE = 60.0


def jeda(entries: list[Any], options_map: dict[str, Any]) -> tuple[list[Any], list[Any]]:
    """Returns the books unchanged, after pausing as the module doc says."""
    folder = os.environ.get("KOP_TEST_JEDA")
    bukti = os.environ.get("KOP_TEST_JEDA_BUKTI")
    if not folder or not bukti:
        return entries, []
    where = Path(folder)
    if (where / "done").exists() or not any((e.meta or {}).get("bukti") == bukti for e in entries):
        return entries, []
    (where / "paused").write_text(str(os.getpid()))
    deadline = time.monotonic() + PATIENCE
    while not (where / "go").exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    (where / "done").write_text("")
    return entries, []
