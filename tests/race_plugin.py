"""A beancount plugin for tests/test_reload_race.py: calls :data:`hook` (when a test set it)
each time a load runs the plugins, so a test can hold a load at that point."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__plugins__ = ("pause",)

#: Called with no argument while a load runs this plugin (None: nothing happens).
hook: Callable[[], None] | None = None


def pause(entries: list[Any], options_map: dict[str, Any]) -> tuple[list[Any], list[Any]]:
    """Returns the books unchanged, after calling :data:`hook`."""
    if hook is not None:
        hook()
    return entries, []
