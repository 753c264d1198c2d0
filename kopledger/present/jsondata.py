"""The one JSON serializer: kopledger's data as plain JSON values.

Every JSON document kopledger prints (``kop laporan``, ``kop shu``, ``kop rat``, the
CLI's ``--format json``) goes through :func:`plain`: Decimals as exact decimal strings,
dates in ISO form, enums by value, dataclasses as objects of their fields, tuples and
sets as arrays. The documents' shapes are published in ``kopledger/schemas/``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
from decimal import Decimal
from typing import Any


def decimal_text(value: Decimal) -> str:
    """An exact decimal as text, never in exponent form (``1E+3`` → ``1000``)."""
    return format(value, "f")


def plain(value: Any) -> Any:
    """``value`` as plain JSON data (see the module docstring)."""
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return plain(value.value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    return str(value)


def dumps(value: Any) -> str:
    """``value`` as indented JSON text (UTF-8 characters kept), ending in a newline."""
    return json.dumps(plain(value), ensure_ascii=False, indent=2) + "\n"
