"""Validate kopledger's JSON documents against the published schemas (kopledger/schemas)."""

from __future__ import annotations

import functools
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from kopledger import schemas


@functools.cache
def _validator(name: str) -> Draft202012Validator:
    registry: Registry = Registry().with_resources(
        (schemas.load(n)["$id"], Resource.from_contents(schemas.load(n))) for n in schemas.NAMES
    )
    schema = schemas.load(name)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, registry=registry)


def validate(name: str, document: Any) -> None:
    """Raise ``jsonschema.ValidationError`` (the first error) when ``document`` breaks schema ``name``."""
    errors = sorted(_validator(name).iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        raise AssertionError(f"{name}: {'/'.join(map(str, first.absolute_path))}: {first.message}")
