"""Where kopledger keeps its caches, and whether they are on (``KOP_CACHE=0`` turns them off)."""

from __future__ import annotations

import os
from pathlib import Path

ENV = "KOP_CACHE"


def enabled() -> bool:
    """False when ``KOP_CACHE=0``: every kopledger cache is off."""
    return os.environ.get(ENV, "1").strip() != "0"


def cache_root() -> Path:
    """``$XDG_CACHE_HOME/kopledger``, else ``~/.cache/kopledger``."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "kopledger"
