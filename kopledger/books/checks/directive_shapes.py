"""The check of kopledger's own ``custom`` directives: well formed (values, keys, the SHU
split adds up to 100 %), each parsed by the function the rest of kopledger reads it with.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from beancount.core import data

from kopledger.books.directives import (
    DIRECTIVES,
    Member,
    Policies,
    check_directive_shapes,
    parse_koperasi,
    parse_members,
    parse_officers,
    parse_policies,
    parse_shu_bases,
    parse_shu_splits,
)
from kopledger.core.errors import KopError

#: The ``custom`` directive types that are kopledger's own.
KNOWN = frozenset(DIRECTIVES)


@dataclass(frozen=True)
class Register:
    """What the member-account rules read of the directives: the register and the policies."""

    members: dict[str, Member]
    policies: Policies


def ours(entries: list[data.Directive]) -> list[data.Custom]:
    """kopledger's own ``custom`` directives, in order."""
    return [e for e in entries if isinstance(e, data.Custom) and e.type in KNOWN]


def currency_of(options_map: dict[str, Any]) -> str:
    """The books' operating currency (IDR when none is declared)."""
    return str((options_map.get("operating_currency") or ["IDR"])[0])


def parse_register(directives: list[data.Custom], currency: str) -> tuple[Register, list[KopError]]:
    """The register and policies of ``directives`` (kopledger's own), and every directive's errors."""
    errors = list(parse_koperasi(directives)[1])
    members, errs = parse_members(directives)
    errors += errs
    policy_list, errs = parse_policies(directives, currency)
    errors += errs
    errors += parse_shu_splits(directives)[1]
    errors += parse_shu_bases(directives)[1]
    errors += parse_officers(directives)[1]
    errors += check_directive_shapes(directives)
    return Register(members, Policies(policy_list)), errors


def check_directives(entries: list[data.Directive], options_map: dict[str, Any]) -> list[KopError]:
    """Check ``(entries, options_map) -> errors``: kopledger's malformed ``custom`` directives."""
    return parse_register(ours(entries), currency_of(options_map))[1]
