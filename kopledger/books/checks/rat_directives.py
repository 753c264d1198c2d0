"""The plugin's check of the RAT and examiner directives, so ``kop cek`` and ``bean-check``
report a malformed one with its file:line: ``anggaran``, ``ringkasan-tahun``, ``kesehatan-isian``
and ``kesehatan-batas``. Each directive is parsed by the same function the reports use
(:mod:`kopledger.books.rat_directives`), so a directive the check accepts is one the reports read.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from beancount.core import data

from kopledger.books.rat_directives import parse_answers, parse_band_overrides, parse_budgets, parse_summaries

TYPES = frozenset({"anggaran", "ringkasan-tahun", "kesehatan-isian", "kesehatan-batas"})


def check_rat_directives(entries: list[data.Directive], options_map: dict[str, Any]) -> list[Any]:
    """Plugin check ``f(entries, options_map)``: errors of malformed RAT/examiner directives."""
    ours = [e for e in entries if isinstance(e, data.Custom) and e.type in TYPES]
    if not ours:
        return []
    currency = str((options_map.get("operating_currency") or ["IDR"])[0])
    errors: list[Any] = []
    if any(e.type == "anggaran" for e in ours):
        opens = [e for e in entries if isinstance(e, data.Open)]
        errors += parse_budgets([*opens, *ours], currency)[1]
    errors += parse_summaries(ours, currency)[1]
    errors += parse_band_overrides(ours, dt.date.max)[1]
    years = {e.date.year for e in ours if e.type == "kesehatan-isian"}
    years |= {y for e in ours if e.type == "kesehatan-isian"
              for y in [_year(e.meta.get("tahun"))] if y is not None}
    for year in sorted(years):
        errors += parse_answers(ours, year)[1]
    unique: dict[tuple[Any, Any, str], Any] = {}
    for error in errors:
        source = error.source or {}
        unique.setdefault((source.get("filename"), source.get("lineno"), error.message), error)
    return list(unique.values())


def _year(value: Any) -> int | None:
    try:
        return int(str(value).split(".")[0])
    except ValueError:
        return None
