"""Closing the books (``kop tutup-buku``): closing entries and the closed-year lock.

Owned by the closing work (issue 6); :func:`check_closed_years` is called by the plugin.
"""

from __future__ import annotations

from typing import Any

from beancount.core import data


def check_closed_years(entries: list[data.Directive], options_map: dict[str, Any]) -> list[Any]:
    """Errors for entries added, changed or removed in a closed year (to be implemented)."""
    return []
