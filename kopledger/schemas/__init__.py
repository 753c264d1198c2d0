"""The published JSON schemas (JSON Schema 2020-12) of kopledger's JSON documents.

``laporan.schema.json`` (``kop laporan --format json``), ``shu.schema.json`` (``kop shu
--format json``), ``rat.schema.json`` (``kop rat --format json``). Each document carries
a ``skema`` version field. :func:`load` reads one from the installed package.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

#: The schemas by document name.
NAMES = ("laporan", "shu", "rat")


def load(name: str) -> dict[str, Any]:
    """The JSON schema of document ``name`` (one of :data:`NAMES`)."""
    if name not in NAMES:
        raise ValueError(f"unknown schema {name!r}; one of {', '.join(NAMES)}")
    text = resources.files(__package__).joinpath(f"{name}.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
