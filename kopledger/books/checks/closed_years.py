"""The check of the closed years: every lock in force still holds (:mod:`kopledger.books.closed.chain`),
every archived year file named by an ``arsip`` is there unchanged (:mod:`kopledger.books.closed.year_files`),
and no metadata ``lineno``/``filename`` is written by hand.

It reads the plugin's *output* (the books as loaded), handed the ``id()`` of the entries the
plugin made in this run (``generated``): what a lock covers is every directive dated up to
its year's end except those — told by how the load made them, never by anything a user can
write. Fingerprinting a closed year is the costly part; a
:class:`~kopledger.books.closed.chain.VerifiedCache` vouches for years already verified from
the same source text. The check only reads it and notes the years it verified in it (in
memory): saving it is the caller's business, after the load.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from beancount.core import data

from kopledger.books.closed.chain import (
    ARSIP,
    LOCK_TYPES,
    LockState,
    VerifiedCache,
    closings_without_lock,
    location_metadata_errors,
    lock_state,
    spans_of,
    verify_chain,
)
from kopledger.books.closed.year_files import verify_archives


def check_closed_years(
    entries: list[data.Directive], options_map: dict[str, Any], verified: VerifiedCache | None = None,
    generated: Collection[int] | None = None,
) -> list[Any]:
    """Check ``(entries, options_map) -> errors``: metadata ``lineno``/``filename`` written by
    hand, broken locks, changed archives, closings without their lock. ``verified``: years
    already verified (read; the years verified now are remembered in it, not saved);
    ``generated``: ``id()`` of the entries the plugin made in this run (None: after the load,
    known by their mark)."""
    errors: list[Any] = list(location_metadata_errors(entries, options_map))
    if not any(isinstance(e, data.Custom) and e.type in LOCK_TYPES | {ARSIP} for e in entries):
        return [*errors, *closings_without_lock(entries, LockState({}, {}))]
    errors += verify_archives(entries, options_map)
    if verified is None:
        return [*errors, *verify_chain(entries, options_map, generated=generated)]
    state = lock_state(entries)
    spans = {s.tahun: s for s in spans_of(state.chain_locks(), state.aktif)}
    keys = verified.keys(entries, spans.values(), options_map)
    todo = [
        year for year, lock in state.aktif.items()
        if not verified.verified(year, keys.get(year), str(lock.meta.get("sidik")))
    ]
    chain_errors = verify_chain(entries, options_map, years=todo, generated=generated)
    broken = {e.tahun for e in chain_errors}
    for year in todo:
        if year not in broken:
            verified.remember(year, keys.get(year), str(state.aktif[year].meta.get("sidik")))
    return [*errors, *chain_errors]
