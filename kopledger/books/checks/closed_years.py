"""The check of the closed years: every lock in force still holds (:mod:`kopledger.books.closed.chain`),
every archived year file named by an ``arsip`` is there unchanged (:mod:`kopledger.books.closed.year_files`).

Fingerprinting a closed year is the costly part; a :class:`~kopledger.books.closed.chain.VerifiedCache`
vouches for years already verified from the same source text. The check only reads it and
notes the years it verified in it (in memory): saving it is the caller's business, after the load.
"""

from __future__ import annotations

from typing import Any

from beancount.core import data

from kopledger.books.closed.chain import (
    ARSIP,
    LOCK_TYPES,
    LockState,
    VerifiedCache,
    closings_without_lock,
    lock_state,
    spans_of,
    verify_chain,
)
from kopledger.books.closed.year_files import verify_archives


def check_closed_years(
    entries: list[data.Directive], options_map: dict[str, Any], verified: VerifiedCache | None = None
) -> list[Any]:
    """Check ``(entries, options_map) -> errors``: broken locks, changed archives, closings
    without their lock. ``verified``: years already verified (read; the years verified now are
    remembered in it, not saved)."""
    if not any(isinstance(e, data.Custom) and e.type in LOCK_TYPES | {ARSIP} for e in entries):
        return list(closings_without_lock(entries, LockState({}, {})))
    archive_errors = verify_archives(entries, options_map)
    if verified is None:
        return [*archive_errors, *verify_chain(entries, options_map)]
    state = lock_state(entries)
    spans = {s.tahun: s for s in spans_of(state.chain_locks(), state.aktif)}
    keys = verified.keys(entries, spans.values(), options_map)
    todo = [
        year for year, lock in state.aktif.items()
        if not verified.verified(year, keys.get(year), str(lock.meta.get("sidik")))
    ]
    errors = verify_chain(entries, options_map, years=todo)
    broken = {e.tahun for e in errors}
    for year in todo:
        if year not in broken:
            verified.remember(year, keys.get(year), str(state.aktif[year].meta.get("sidik")))
    return [*archive_errors, *errors]
