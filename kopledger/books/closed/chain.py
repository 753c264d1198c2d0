"""The closed-year chain: fingerprints (``sidik``), the locks, and their verification.

A closed year ``Y`` carries a lock, ``custom "tutup-buku" "Y"``, whose ``sidik`` is a
SHA-256 over

- the canonical text of every directive of the books dated after the previous lock's year
  and on or before 31 December ``Y`` — entries of every kind, earlier locks and
  ``buka-buku`` records included (for the first lock: everything dated up to ``Y``'s end);
- the ledger's options and plugins (:func:`options_text`);
- the ``sidik`` stored in the previous lock in force (``sebelumnya``).

So each lock covers, through its predecessor, everything dated up to its year's end: a
chain. Deleting or editing a lock, or anything dated before a closed year's end, breaks
the first lock that covers it. :func:`verify_chain` is the pure check (entries, options)
→ errors; the plugin runs it at every load
(:func:`kopledger.books.checks.closed_years.check_closed_years`), skipping the years a
:class:`VerifiedCache` vouches for. Nothing here writes during a load: the verified years
are saved by whoever owns the load (kopledger's cache layer, after it), never by the check.

**Provenance** (what is *not* covered) rests on how the load made an entry, never on
anything a user can write (a flag, metadata, a file name): only

- the member accounts' ``open``/``close`` kopledger's plugin makes in this load: the plugin
  hands the check the very objects it made (``generated``); after the load they are known by
  the metadata key :data:`GENERATED`, which beancount's lexer refuses in a user's text (a key
  must start with a lower-case letter);
- the padding transactions beancount's ``pad`` plugin makes (it runs after kopledger's):
  their postings share the very metadata object of the ``balance`` they pad to, which no
  parsed posting does. The ``pad`` and the ``balance`` are covered, and a ``pad`` in a closed
  year must be resolved by a ``balance`` dated at the latest on the next year's first day
  (:func:`padding_errors`), so the padding is a function of covered entries only.

Metadata ``lineno``/``filename`` written by a user is an error (:func:`location_metadata_errors`).

What the fingerprint ignores (docs/tutup-buku.md): comments, blank lines, whitespace and
formatting (the text is not hashed, the parsed entries are); the order of entries (so the
order of entries of the same date); which file an entry is written in and at which line;
automatic metadata (``filename``, ``lineno``, ``__…__``); the way an amount is written
(``180000.00`` = ``180000``; an interpolated amount = the same amount written out); the
order of postings, tags and links. A ``document`` counts with its path relative to the
folder of the file that names it (what the user wrote): moving the whole folder keeps it,
pointing it at another file does not.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import glob
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

from beancount.core import data
from beancount.core.amount import Amount
from beancount.core.position import Cost

from kopledger.core.book_files import NotRegularFile, read_regular
from kopledger.core.cache_folder import cache_root, enabled
from kopledger.core.errors import KopError, Nilai, Pesan, worded

LOCK = "tutup-buku"
UNLOCK = "buka-buku"
ARSIP = "arsip"
#: Fingerprint format; part of every hash so a future change cannot collide with it.
FINGERPRINT_VERSION = "kop-sidik-2"
#: Custom directives that are about the lock itself.
LOCK_TYPES = frozenset({LOCK, UNLOCK})
#: Length of the short fingerprint carried by a closing's balance assertions.
SHORT = 16
_SKIP_META = frozenset({"filename", "lineno"})
#: Metadata key on the ``open``/``close`` kopledger's plugin makes. beancount's lexer refuses a
#: key that does not start with a lower-case letter, so no user's text can carry it.
GENERATED = "__kopledger__"
#: The metadata a user may not write: the parser's own source location.
LOCATION_KEYS = ("filename", "lineno")
#: Version of the rules of what the fingerprint covers, for the verified-years cache: a year
#: verified under older (forgeable) rules is fingerprinted again.
_RULES = "asal-2"
_CACHE_VERSION = f"{FINGERPRINT_VERSION}/{_RULES}"
#: Options that describe where the books are, not what they say: left out of the fingerprint.
_SKIP_OPTIONS = frozenset({"filename", "include", "input_hash", "dcontext", "commodities"})


# --- the fingerprint -----------------------------------------------------------------
@dataclass(frozen=True)
class YearDigest:
    """The fingerprint of one lock, with what it is made of, to locate a change.

    ``bulan`` holds, for each month with entries in the lock's span, ``(YYYY-MM, digest,
    count)``: the first 8 hex digits of the month's hash and its number of entries.
    ``sebelumnya`` is the previous lock's ``sidik`` ("" for the first lock), ``dari`` the
    first day the span covers (None: from the beginning), ``opsi`` a short hash of the
    options and plugins.
    """

    tahun: int
    sidik: str
    bulan: tuple[tuple[str, str, int], ...]
    sebelumnya: str = ""
    opsi: str = ""
    dari: dt.date | None = None

    @property
    def jumlah(self) -> int:
        """Number of entries fingerprinted in the lock's span."""
        return sum(count for _, _, count in self.bulan)

    def bulan_text(self) -> str:
        """The month breakdown as stored in the lock: ``"2024-01=3f2a9c1e/152 …"``."""
        return " ".join(f"{m}={d}/{n}" for m, d, n in self.bulan)


def _num(number: Decimal) -> str:
    """A number in canonical text: ``100000.00`` and ``100000`` are the same amount."""
    text = str(number)
    if "." in text or "E" in text:
        text = format(number, "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _canon(value: Any) -> str:
    """Canonical text of a directive field or metadata value."""
    if isinstance(value, str):
        return repr(value)
    if value is None:
        return "~"
    if isinstance(value, Decimal):
        return _num(value)
    if isinstance(value, Amount):
        return f"{_canon(value.number)} {value.currency}"
    if isinstance(value, bool):
        return "T" if value else "F"
    if isinstance(value, int | float):
        return _num(Decimal(str(value)))
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Cost):
        return f"{{{_canon(value.number)} {value.currency} {_canon(value.date)} {_canon(value.label)}}}"
    if isinstance(value, set | frozenset):
        return "{" + ",".join(sorted(_canon(v) for v in value)) + "}"
    if isinstance(value, dict):
        return _meta(value)
    if isinstance(value, data.Posting):
        return _posting_text(value)
    fields = getattr(value, "_fields", None)
    if fields is not None:  # other NamedTuples (ValueType, CostSpec…)
        return type(value).__name__ + "(" + ",".join(_canon(getattr(value, f)) for f in fields) + ")"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_canon(v) for v in value) + "]"
    return repr(value)


def _meta(meta: dict[str, Any] | None) -> str:
    """Metadata that matters: everything a user wrote, not the source location or ``__x__``."""
    if not meta:
        return ""
    items = []
    for key, value in meta.items():
        if key in _SKIP_META or str(key).startswith("__"):
            continue
        items.append(f"{key}={value!r}" if type(value) is str else f"{key}={_canon(value)}")
    if len(items) > 1:
        items.sort()
    return ";".join(items)


def _posting_text(posting: data.Posting) -> str:
    units = posting.units
    if units is not None and units.number is not None:
        text = f"{posting.account} {_num(units.number)} {units.currency}"
    else:
        text = f"{posting.account} {_canon(units)}"
    if posting.cost is not None or posting.price is not None or posting.flag:
        text += f" {posting.flag or ''}|{_canon(posting.cost)}|{_canon(posting.price)}"
    meta = posting.meta
    if meta and (len(meta) > 2 or "lineno" not in meta or "filename" not in meta):
        extra = _meta(meta)
        if extra:
            text += " " + extra
    return text


def canonical_text(entry: data.Directive) -> str:
    """One entry as canonical text: what it says, not where it is written.

    Source location and automatic metadata are left out, numbers are normalised, tags,
    links and postings are sorted. Postings carry their booked amounts, so an amount left
    to interpolation and the same amount written out give the same text.
    """
    if type(entry) is data.Transaction:
        parts = [
            "T", str(entry.date), entry.flag or "", "~" if entry.payee is None else repr(entry.payee),
            repr(entry.narration), ",".join(sorted(entry.tags)) if entry.tags else "",
            ",".join(sorted(entry.links)) if entry.links else "", _meta(entry.meta),
        ]
        postings = []
        for posting in entry.postings:
            units = posting.units
            meta = posting.meta
            if (units is None or units.number is None or posting.cost is not None or posting.price is not None or posting.flag
                    or (meta and len(meta) > 2)):
                postings.append(_posting_text(posting))
                continue
            number = str(units.number)
            if "." in number or "E" in number or number == "-0":
                number = _num(units.number)
            postings.append(f"{posting.account} {number} {units.currency}")
        postings.sort()
        parts += postings
        return "\t".join(parts)
    kind = type(entry).__name__
    if isinstance(entry, data.Document):
        entry = entry._replace(filename=_document_path(entry))
    parts = [kind]
    for name in entry._fields:
        if name == "meta" or (kind == "Balance" and name == "diff_amount"):
            continue
        parts.append(_canon(getattr(entry, name)))
    parts.append(_meta(entry.meta))
    return "\t".join(parts)


def _document_path(entry: data.Document) -> str:
    """A document's path as its file names it: relative to the folder of that file.

    Moving the whole folder keeps it; pointing the directive at another file changes it.
    (A document directive names its file relative to the file it is written in.)
    """
    holder = (entry.meta or {}).get("filename")
    target = str(entry.filename)
    if isinstance(holder, str) and os.path.isabs(holder) and os.path.isabs(target):
        return os.path.relpath(target, os.path.dirname(holder)).replace(os.sep, "/")
    return target.replace(os.sep, "/")


def _location(meta: dict[str, Any] | None) -> tuple[Any, Any]:
    meta = meta or {}
    return meta.get("filename"), meta.get("lineno")


def is_generated(entry: data.Directive) -> bool:
    """Made by kopledger's plugin in the load (the member accounts' open/close): :data:`GENERATED`."""
    meta = entry.meta
    return bool(meta) and meta.get(GENERATED) is True


def generated_metadata(filename: Any, lineno: Any) -> dict[str, Any]:
    """Metadata for an entry kopledger's plugin makes: a location, and the mark :data:`GENERATED`."""
    meta = data.new_metadata(filename, lineno)
    meta[GENERATED] = True
    return meta


class _Provenance:
    """Tells the entries a lock covers from those the load made (see the module docstring).

    ``generated``: ``id()`` of the entries kopledger's plugin made in this run; those it made
    are marked :data:`GENERATED` too (how they are known after the load, or when the plugin
    is run again over books it already ran on). Padding transactions are known by their postings sharing
    the metadata object of a ``balance`` in ``entries``.
    """

    def __init__(self, entries: Sequence[data.Directive], generated: Collection[int] | None = None) -> None:
        self.entries = entries
        self.generated = generated
        self._balances: set[int] | None = None

    def covered(self, entry: data.Directive) -> bool:
        if is_generated(entry) or (self.generated is not None and id(entry) in self.generated):
            return False
        if type(entry) is data.Transaction and entry.flag == "P" and entry.postings:
            return not self._padding(entry)
        return True

    def _padding(self, entry: data.Transaction) -> bool:
        if self._balances is None:
            self._balances = {id(e.meta) for e in self.entries if type(e) is data.Balance}
        return all(p.meta is not None and id(p.meta) in self._balances for p in entry.postings)


def user_written(entries: Sequence[data.Directive]) -> Callable[[data.Directive], bool]:
    """The test "a person wrote it" over the loaded ``entries``: neither made by kopledger's
    plugin nor beancount's padding of a ``pad`` (what a lock covers, :class:`_Provenance`)."""
    return _Provenance(entries).covered


def options_text(options_map: dict[str, Any]) -> str:
    """Canonical text of the options and plugins (not where the books are stored)."""
    parts = []
    for key in sorted(options_map):
        if key in _SKIP_OPTIONS:
            continue
        parts.append(f"{key}={_canon(options_map[key])}")
    return "\n".join(parts)


def _options_hash(options_map: dict[str, Any]) -> str:
    return hashlib.sha256(options_text(options_map).encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Span:
    """What one lock covers: entries dated after ``dari`` (exclusive) up to ``tahun``'s end."""

    tahun: int
    dari: dt.date | None  # None: from the beginning of the books
    sebelumnya: str  # the previous lock's sidik, "" for the first lock


def chain_digests(
    entries: Sequence[data.Directive],
    spans: Sequence[Span],
    options_map: dict[str, Any],
    *,
    new: Sequence[data.Directive] = (),
    generated: Collection[int] | None = None,
) -> dict[int, YearDigest]:
    """Fingerprint each span in one pass over ``entries`` (see the module docstring).

    ``new`` are entries about to be written (no source location yet), always covered;
    ``generated``: ``id()`` of the entries kopledger's plugin made in this run (None: after
    the load, by their mark).
    """
    if not spans:
        return {}
    ordered = sorted(spans, key=lambda s: s.tahun)
    ends = [dt.date(s.tahun, 12, 31) for s in ordered]
    starts = [s.dari for s in ordered]
    months: list[dict[str, list[str]]] = [{} for _ in ordered]
    provenance = _Provenance(entries, generated)

    def add(entry: data.Directive) -> None:
        index = bisect.bisect_left(ends, entry.date)
        if index >= len(ends):
            return
        start = starts[index]
        if start is not None and entry.date <= start:
            return
        months[index].setdefault(f"{entry.date.year:04d}-{entry.date.month:02d}", []).append(canonical_text(entry))

    transaction = data.Transaction
    last = ends[-1]
    covered = provenance.covered
    for entry in entries:
        if entry.date > last:
            continue
        if type(entry) is transaction and entry.flag != "P":
            add(entry)  # the common case, first: a user's transaction
        elif covered(entry):
            add(entry)
    for entry in new:
        add(entry)
    opsi = _options_hash(options_map)
    result = {}
    for span, span_months in zip(ordered, months, strict=True):
        parts = []
        for month in sorted(span_months):
            lines = span_months[month]
            lines.sort()
            digest = hashlib.sha256()
            for line in lines:
                digest.update(line.encode("utf-8"))
                digest.update(b"\n")
            parts.append((month, digest.hexdigest(), len(lines)))
        head = f"{FINGERPRINT_VERSION}:{span.tahun}:{span.dari or '-'}:{span.sebelumnya}:{opsi}"
        total = hashlib.sha256((head + ":" + ":".join(f"{m}={h}" for m, h, _ in parts)).encode()).hexdigest()
        result[span.tahun] = YearDigest(
            span.tahun, total, tuple((m, h[:8], n) for m, h, n in parts), span.sebelumnya, opsi, span.dari
        )
    return result


def legacy_digest(
    entries: Sequence[data.Directive], year: int, generated: Collection[int] | None = None
) -> YearDigest:
    """The fingerprint of a lock written before the chain (``kop-sidik-1``): the year's own
    entries, months 1–12, locks excluded. Such a lock is verified as it was written; the
    next lock chains from its stored sidik."""
    months: list[list[str]] = [[] for _ in range(12)]
    provenance = _Provenance(entries, generated)
    for entry in entries:
        if entry.date.year != year:
            continue
        if isinstance(entry, data.Custom) and entry.type in LOCK_TYPES:
            continue
        if not provenance.covered(entry):
            continue
        months[entry.date.month - 1].append(canonical_text(entry))
    hashes = []
    for lines in months:
        lines.sort()
        digest = hashlib.sha256()
        for line in lines:
            digest.update(line.encode("utf-8"))
            digest.update(b"\n")
        hashes.append(digest.hexdigest())
    total = hashlib.sha256(f"kop-sidik-1:{year}:{':'.join(hashes)}".encode()).hexdigest()
    return YearDigest(year, total, tuple(
        (f"{year:04d}-{m:02d}", h[:8], len(ls)) for m, (h, ls) in enumerate(zip(hashes, months, strict=True), start=1)
    ))


def is_legacy(lock: data.Custom) -> bool:
    """A lock written before the chain (no ``opsi``): verified per year (:func:`legacy_digest`)."""
    return "opsi" not in (lock.meta or {})


def spans_of(locks: dict[int, data.Custom], years: Iterable[int] | None = None) -> list[Span]:
    """The span of each lock in force: from its predecessor's year end (exclusive) to its own."""
    ordered = sorted(locks)
    wanted = set(ordered if years is None else years)
    spans = []
    for i, year in enumerate(ordered):
        if year not in wanted:
            continue
        if i == 0:
            spans.append(Span(year, None, ""))
        else:
            before = ordered[i - 1]
            spans.append(Span(year, dt.date(before, 12, 31), str(locks[before].meta.get("sidik") or "")))
    return spans


def next_span(locks: dict[int, data.Custom], year: int) -> Span:
    """The span a new lock of ``year`` would cover, given the locks in force."""
    earlier = [y for y in locks if y < year]
    if not earlier:
        return Span(year, None, "")
    before = max(earlier)
    return Span(year, dt.date(before, 12, 31), str(locks[before].meta.get("sidik") or ""))


def fingerprint(entries: Sequence[data.Directive], year: int, options_map: dict[str, Any] | None = None) -> str:
    """The ``sidik`` a lock of ``year`` would carry for these entries (given the earlier locks)."""
    state = lock_state(entries)
    span = next_span({y: lock for y, lock in state.chain_locks().items() if y < year}, year)
    return chain_digests(entries, [span], options_map or {})[year].sidik


# --- the lock: closed years ----------------------------------------------------------
@dataclass(frozen=True)
class LockState:
    """The lock directives read in order: which years are closed now, and what went wrong."""

    aktif: dict[int, data.Custom]  # year -> the lock in force
    dibatalkan: dict[int, list[data.Custom]]  # year -> locks cancelled by buka-buku
    errors: tuple[KopError, ...] = ()
    buka: dict[int, list[data.Custom]] = field(default_factory=dict)
    #: year files: the closed year each ``arsip`` directive names -> that directive
    arsip: dict[int, data.Custom] = field(default_factory=dict)
    #: year files: the sidik of every archived closed year (the ``rantai`` of the arsip)
    rantai: dict[int, str] = field(default_factory=dict)

    def closed(self) -> dict[int, str]:
        """Every closed year these books know, with its sidik: archived ones, then locks here."""
        found = dict(self.rantai)
        found.update({year: str(lock.meta.get("sidik") or "") for year, lock in self.aktif.items()})
        return dict(sorted(found.items()))

    def chain_locks(self) -> dict[int, data.Custom]:
        """The locks a new lock may follow: the newest archived year's ``arsip``, then the locks here."""
        locks = {year: arsip for year, arsip in self.arsip.items() if year not in self.aktif}
        locks.update(self.aktif)
        return locks


def parse_rantai(text: Any) -> dict[int, str]:
    """``"2023=ab12… 2024=cd34…"`` → ``{2023: "ab12…", 2024: "cd34…"}`` (the arsip's chain)."""
    found: dict[int, str] = {}
    for token in str(text or "").split():
        year, _, sidik = token.partition("=")
        if year.isdigit() and len(sidik) == 64:
            found[int(year)] = sidik
    return found


def _year_of(entry: data.Custom) -> int | None:
    values = [v.value for v in entry.values]
    if len(values) != 1 or not isinstance(values[0], str) or not values[0].isdigit() or len(values[0]) != 4:
        return None
    return int(values[0])


def _sort_key(entry: data.Custom) -> tuple[Any, ...]:
    filename, lineno = _location(entry.meta)
    return (entry.date, str(filename or ""), lineno or 0)


def lock_state(entries: Iterable[data.Directive]) -> LockState:
    """Read ``tutup-buku`` and ``buka-buku`` directives in date order (then file position).

    A ``buka-buku`` cancels the lock in force for its year; closing a year that is
    already closed, or reopening one that is not, is an error.
    """
    archives: dict[int, data.Custom] = {}
    chain: dict[int, str] = {}
    events = []
    for entry in entries:
        if isinstance(entry, data.Custom):
            if entry.type in LOCK_TYPES:
                events.append(entry)
            elif entry.type == ARSIP and entry.values and str(entry.values[0].value).isdigit():
                archives[int(entry.values[0].value)] = entry
                chain.update(parse_rantai(entry.meta.get("rantai")))
    events.sort(key=_sort_key)
    active: dict[int, data.Custom] = {}
    cancelled: dict[int, list[data.Custom]] = {}
    reopened: dict[int, list[data.Custom]] = {}
    errors: list[KopError] = []
    for event in events:
        year = _year_of(event)
        if year is None:
            errors.append(KopError.pesan(event.meta, 'custom "{jenis}" perlu satu tahun dalam tanda kutip, misalnya "2024" (bad year)', event, jenis=event.type))
            continue
        if event.type == LOCK:
            sidik = event.meta.get("sidik")
            if not isinstance(sidik, str) or len(sidik) != 64:
                errors.append(KopError.pesan(event.meta, (
                    "tutup-buku {tahun} tidak punya sidik yang sah; baris ini harus ditulis oleh "
                    "kop tutup-buku, bukan diketik sendiri (bad fingerprint)"
                ), event, tahun=year))
                continue
            if event.date <= dt.date(year, 12, 31):
                errors.append(KopError.pesan(event.meta, (
                    "tutup-buku {tahun} bertanggal {tanggal}, sebelum tahun buku berakhir; "
                    "tutup buku dengan kop tutup-buku sesudah 31 Desember (closed too early)"
                ), event, tahun=year, tanggal=event.date))
                continue
            if year in active:
                first = active[year]
                errors.append(KopError.pesan(event.meta, (
                    "tahun buku {tahun} sudah ditutup (di {lokasi}); buka dulu dengan "
                    "kop buka-buku sebelum menutupnya lagi (already closed)"
                ), event, tahun=year, lokasi=_where(first)))
                continue
            active[year] = event
        else:
            if year not in active:
                errors.append(KopError.pesan(event.meta, "buka-buku {tahun}: tahun buku {tahun} belum ditutup; hapus baris buka-buku ini (not closed)", event, tahun=year))
                continue
            if not str(event.meta.get("alasan") or "").strip():
                errors.append(KopError.pesan(event.meta, 'buka-buku {tahun} perlu alasan: tambahkan metadata alasan: "…" (reason missing)', event, tahun=year))
            cancelled.setdefault(year, []).append(active.pop(year))
            reopened.setdefault(year, []).append(event)
    return LockState(active, cancelled, tuple(errors), reopened, archives, chain)




def _where(entry: Any) -> str:
    filename, lineno = _location(getattr(entry, "meta", None))
    return f"{filename}:{lineno}"


def locks_in_force(entries: Iterable[data.Directive]) -> dict[int, str]:
    """The years closed now (a lock in force here, or archived by a year file), each with its ``sidik``."""
    return lock_state(entries).closed()


def _parse_months(text: Any) -> dict[str, tuple[str, int]]:
    months: dict[str, tuple[str, int]] = {}
    for token in str(text or "").split():
        try:
            month, rest = token.split("=")
            digest, count = rest.split("/")
            months[month] = (digest, int(count))
        except ValueError:
            continue
    return months


class ChainError(NamedTuple):
    """A lock that no longer holds, or closing entries without their lock.

    ``source`` is the file:line metadata (of the lock, or of the stray entry), ``tahun``
    the closed year, ``bulan`` the months (``YYYY-MM``) whose entries changed, ``message``
    the Indonesian text, and ``teks``/``nilai`` the same as data (template and values, as
    :class:`kopledger.core.errors.KopError`). Shaped like beancount's errors, so
    ``printer.format_error`` and ``kop cek`` print it as ``file:line: message``.
    """

    source: dict[str, Any] | None
    message: str
    entry: Any
    tahun: int = 0
    bulan: tuple[str, ...] = ()
    teks: str | None = None
    nilai: Nilai = ()

    @classmethod
    def pesan(
        cls, source: dict[str, Any] | None, teks: str, entry: Any, tahun: int = 0, bulan: tuple[str, ...] = (), /,
        **nilai: Any,
    ) -> ChainError:
        """An error from a message template and its values (see ``KopError.pesan``)."""
        return cls(source, worded(teks, nilai), entry, tahun, bulan, teks, tuple(nilai.items()))


def closings_without_lock(entries: Sequence[data.Directive], state: LockState) -> list[ChainError]:
    """Closing entries of a year never locked: what ``kop tutup-buku`` writes — the
    ``#tutup-buku-Y`` transaction with ``tahun: "Y"``, the assertions with ``tutup-buku``
    and ``sidik`` — without the lock. (A hand-made ``#tutup-buku-Y`` transaction without
    ``tahun``, e.g. books closed by other software, is not a kopledger closing.)"""
    locked = set(state.aktif) | set(state.dibatalkan)
    errors = []
    seen: set[int] = set()
    for entry in entries:
        year: int | None = None
        if type(entry) is data.Transaction and entry.tags:
            marked = entry.meta.get("tahun")  # kop tutup-buku writes tahun: "Y" on its closing
            for tag in entry.tags:
                if tag.startswith(LOCK + "-") and tag[len(LOCK) + 1:] == marked:
                    year = int(marked)
        elif type(entry) is data.Balance:
            value = entry.meta.get(LOCK)
            if isinstance(value, str) and value.isdigit() and entry.meta.get("sidik"):
                year = int(value)
        if year is None or year in locked or year in seen:
            continue
        seen.add(year)  # one error a year, at its first closing entry
        errors.append(ChainError.pesan(entry.meta, (
            "catatan penutupan tahun buku {tahun} (tutup-buku) ada, tetapi kuncinya "
            '(custom "tutup-buku" "{tahun}") tidak ada: kunci itu dihapus. Kembalikan baris kuncinya, '
            "atau hapus seluruh penutupan itu bila tahun ini memang belum ditutup (closing entries without lock)"
        ), entry, year, tahun=year))
    return errors


def verify_chain(
    entries: Sequence[data.Directive],
    options_map: dict[str, Any],
    *,
    years: Iterable[int] | None = None,
    generated: Collection[int] | None = None,
) -> list[ChainError]:
    """Every lock in force that no longer holds, closing entries without their lock, and a
    closed year's padding resolved after it (:func:`padding_errors`).

    Pure: ``entries`` the plugin's output (as loaded), ``options_map`` beancount's options;
    ``generated``: ``id()`` of the entries kopledger's plugin made in this run (None: after
    the load). ``years`` limits the fingerprinting to those locks (the others are taken as
    verified, e.g. by a cache). Each error names the year, the months that changed and the
    lock's file:line. A lock is checked against the ``sidik`` *stored* in its predecessor,
    so an edit breaks only the first lock that covers it.
    """
    state = lock_state(entries)
    errors: list[ChainError] = [
        ChainError(e.source, e.message, e.entry, _year_of(e.entry) or 0, (), e.teks, e.nilai) for e in state.errors
    ]
    errors += closings_without_lock(entries, state)
    errors += padding_errors(entries, state)
    wanted = set(state.aktif if years is None else years) & set(state.aktif)
    spans = spans_of(state.chain_locks(), wanted)
    digests = chain_digests(entries, spans, options_map, generated=generated)
    options_reported = False
    for span in spans:
        lock = state.aktif[span.tahun]
        digest = legacy_digest(entries, span.tahun, generated) if is_legacy(lock) else digests[span.tahun]
        if digest.sidik == lock.meta.get("sidik"):
            continue
        options_changed = str(lock.meta.get("opsi") or "") != digest.opsi
        if options_changed and options_reported and _only_options_changed(lock, digest):
            continue  # the same option change, already reported at the first lock
        options_reported = options_reported or options_changed
        errors.extend(_tamper_errors(entries, lock, digest, generated))
    return errors


def padding_errors(entries: Sequence[data.Directive], state: LockState | None = None) -> list[ChainError]:
    """A ``pad`` dated in a closed year whose ``balance`` comes after the next year's first day.

    beancount's padding transaction is dated at the ``pad`` and pads up to the first later
    ``balance`` of its account: its amount depends on every entry up to that balance. Within
    the closed year (or a balance on the next year's first day, which counts entries up to
    the year end only) the padding is a function of what the lock covers; later, entries
    of an open year would change a closed year's figures unseen.
    """
    pads = [e for e in entries if type(e) is data.Pad]
    if not pads:
        return []
    state = state or lock_state(entries)
    closed = sorted(state.closed())
    if not closed:
        return []
    firsts: dict[int, data.Balance] = {}  # id(pad) -> the balance that resolves it
    waiting: dict[str, list[data.Pad]] = {}
    newest_end = dt.date(closed[-1], 12, 31)
    for pad in pads:
        if pad.date <= newest_end:
            waiting.setdefault(pad.account, []).append(pad)
    if not waiting:
        return []
    for entry in entries:
        if type(entry) is data.Balance and entry.account in waiting:
            for pad in waiting[entry.account]:
                if id(pad) not in firsts and entry.date > pad.date:
                    firsts[id(pad)] = entry
    errors = []
    for pads_of in waiting.values():
        for pad in pads_of:
            balance = firsts.get(id(pad))
            year = next((y for y in closed if y >= pad.date.year), None)
            if balance is None or year is None or balance.date <= dt.date(year + 1, 1, 1):
                continue
            errors.append(ChainError.pesan(pad.meta, (
                "pad {akun} bertanggal {tanggal} ada di tahun buku {tahun} yang sudah ditutup, tetapi balance "
                "yang menyelesaikannya bertanggal {tanggal_balance}, sesudah tahun itu: jumlah padding-nya bisa "
                "diubah oleh catatan sesudah {tahun} ditutup. Tulis balance-nya paling lambat 1 Januari tahun "
                "berikutnya, atau beri pad itu tanggal sesudah {tahun} (closed-year pad resolved later)"
            ), pad, year, (f"{pad.date.year:04d}-{pad.date.month:02d}",), akun=pad.account, tanggal=pad.date,
                tahun=year, tanggal_balance=balance.date))
    return errors


#: A metadata line naming ``lineno``/``filename`` (or a ``pushmeta`` of them): written by a user.
_LOCATION_LINE = re.compile(rb"^(?:[ \t]+|pushmeta[ \t]+)(lineno|filename)[ \t]*:", re.M)


def location_metadata_lines(text: bytes) -> list[tuple[int, str]]:
    """``(line, key)`` of each ``lineno:``/``filename:`` metadata line in a ledger text."""
    if b"lineno" not in text and b"filename" not in text:
        return []
    return [(text.count(b"\n", 0, m.start()) + 1, m.group(1).decode()) for m in _LOCATION_LINE.finditer(text)]


def location_metadata_errors(entries: Sequence[data.Directive], options_map: dict[str, Any]) -> list[ChainError]:
    """Metadata ``lineno``/``filename`` written by a user: an error at its file:line.

    beancount lets such a line replace the parser's own source location, so an entry could
    pass for another one (or for one a plugin made) and be reported in the wrong place.
    Found in the text of every file of the books; a ``lineno`` that is not the parser's
    number (a books text not read from files) at the entry.
    """
    errors = []
    files = [str(f) for f in options_map.get("include") or () if isinstance(f, str) and os.path.isabs(f)]
    for name in files:
        try:
            with open(name, "rb") as handle:
                text = handle.read()
        except OSError:
            continue
        for line, key in location_metadata_lines(text):
            errors.append(_location_error({"filename": name, "lineno": line}, key))
    if files:
        return errors
    for entry in entries:
        metas = [entry.meta] + [p.meta for p in entry.postings] if type(entry) is data.Transaction else [entry.meta]
        for meta in metas:
            if meta and "lineno" in meta and type(meta["lineno"]) is not int:
                errors.append(_location_error({"filename": meta.get("filename"), "lineno": 0}, "lineno"))
    return errors


_INCLUDE = re.compile(rb'^include[ \t]+"([^"\n]*)"', re.M)


def location_metadata_in_files(main: str | os.PathLike[str], text: bytes | None = None) -> list[tuple[str, int, str]]:
    """``(file, line, key)`` of each ``lineno:``/``filename:`` metadata line in the books whose
    main file is ``main`` (its includes followed through the text), or in ``text`` (a books text).

    For the one case beancount cannot parse at all (such a value that does not compare with a
    line number ends in a ``TypeError`` in beancount's sort): the load reports these instead.
    """
    found: list[tuple[str, int, str]] = []
    if text is not None:
        return [(str(main), line, key) for line, key in location_metadata_lines(text)]
    todo, seen = [os.path.abspath(main)], set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            content = read_regular(name)
        except (OSError, NotRegularFile):  # never a FIFO or a device: it would hang
            continue
        found += [(name, line, key) for line, key in location_metadata_lines(content)]
        for match in _INCLUDE.finditer(content):
            pattern = os.path.join(os.path.dirname(name), os.fsdecode(match.group(1)))
            todo += sorted(glob.glob(pattern, recursive=True))
    return sorted(found)


def _location_error(source: dict[str, Any], key: str) -> ChainError:
    return ChainError.pesan(source, (
        "metadata {kunci}: tidak boleh ditulis sendiri; beancount mengisinya dengan letak catatan "
        "(berkas dan baris). Hapus baris metadata ini (location metadata written by hand)"
    ), None, kunci=key)


def _only_options_changed(lock: data.Custom, digest: YearDigest) -> bool:
    stored = _parse_months(lock.meta.get("bulan"))
    return (str(lock.meta.get("sebelumnya") or "") == digest.sebelumnya
            and stored == {m: (d, n) for m, d, n in digest.bulan})


def _tamper_errors(
    entries: Sequence[data.Directive], lock: data.Custom, digest: YearDigest, generated: Collection[int] | None = None
) -> list[ChainError]:
    year = digest.tahun
    stored = _parse_months(lock.meta.get("bulan"))
    if is_legacy(lock):  # months written as "01=…" by kop-sidik-1
        stored = {(f"{year:04d}-{m}" if len(m) == 2 else m): v for m, v in stored.items()}
        digest = YearDigest(year, digest.sidik, digest.bulan, str(lock.meta.get("sebelumnya") or ""),
                            "", digest.dari)
    now = {m: (d, n) for m, d, n in digest.bulan}
    reasons = []
    if str(lock.meta.get("sebelumnya") or "") != digest.sebelumnya:
        if digest.sebelumnya:
            reasons.append(Pesan("kunci tahun sebelumnya tidak sama dengan saat {tahun} ditutup (dihapus, diubah, atau dibuka kembali)", tahun=year))
        else:
            reasons.append(Pesan("kunci tahun sebelumnya yang disebut kunci ini tidak ada lagi (dihapus atau dibuka kembali)"))
    if not is_legacy(lock) and str(lock.meta.get("opsi") or "") != digest.opsi:
        reasons.append(Pesan("option atau plugin buku berubah (mis. nama koperasi di option \"title\")"))
    changed = []
    for month in sorted(set(stored) | set(now)):
        then, current = stored.get(month), now.get(month)
        if then is not None and current is not None and then[0] == current[0]:
            continue
        was = Pesan("{bulan} ({dulu} catatan saat ditutup, {kini} sekarang)", bulan=month,
                       dulu=then[1] if then else 0, kini=current[1] if current else 0)
        changed.append((month, was))
    if changed:
        reasons.append(Pesan("catatan ditambah, diubah atau dihapus: {bulan}", bulan=Pesan.gabung(", ", (w for _, w in changed))))
    if not reasons:
        reasons.append(Pesan("isi yang dikunci berubah (bulan tidak diketahui)"))
    errors = [ChainError.pesan(lock.meta, (
        "tahun buku {tahun} sudah ditutup (tutup-buku di {lokasi}) tetapi yang dikuncinya tidak utuh lagi: "
        "{alasan}. Batalkan perubahan itu, atau catat koreksinya sesudah tahun yang ditutup "
        'dengan tag #koreksi; untuk mengubah {tahun} sendiri, buka dulu: kop buka-buku BUKU --tahun {tahun} --alasan "…" '
        "(closed year changed)"
    ), lock, year, tuple(m for m, _ in changed), tahun=year, lokasi=_where(lock), alasan=Pesan.gabung("; ", reasons))]
    lock_file, lock_line = _location(lock.meta)
    start = digest.dari
    provenance = _Provenance(entries, generated)
    for entry in entries:
        if entry.date > dt.date(year, 12, 31) or (start is not None and entry.date <= start):
            continue
        if not provenance.covered(entry):
            continue
        filename, lineno = _location(entry.meta)
        if filename == lock_file and isinstance(lineno, int) and isinstance(lock_line, int) and lineno > lock_line:
            errors.append(ChainError.pesan(entry.meta, (
                "catatan bertanggal {tanggal} ditambahkan setelah tahun buku {tahun} ditutup "
                "(tutup-buku di {lokasi}); beri tanggal sesudah {tahun} dengan tag #koreksi (entry in closed year)"
            ), entry, year, (f"{entry.date.year:04d}-{entry.date.month:02d}",), tanggal=entry.date, tahun=year,
                lokasi=_where(lock)))
    return errors


def verified_cache_path(main: Path) -> Path:
    """Where the verified years of the books whose main file is ``main`` are kept: kopledger's
    cache folder (``$XDG_CACHE_HOME/kopledger/sidik/``), keyed by the file's real path."""
    key = hashlib.sha256(os.path.realpath(main).encode("utf-8")).hexdigest()[:32]
    return cache_root() / "sidik" / f"{key}.json"


class VerifiedCache:
    """Years already verified, keyed by the exact source text that holds their entries.

    Stored in kopledger's cache folder (:func:`verified_cache_path`; never beside the books,
    so a dry run leaves the books' folder untouched): for each closed year, a
    key and the fingerprint that matched its lock. The key is a SHA-256 over the ledger's
    options and plugins, the predecessor's sidik and, for every file with an entry dated up to
    the year's end, the bytes from the start of the file through the last such entry there (up to the
    next entry). The same text gives the same entries, so hashing it (far cheaper than
    canonicalising every entry) proves the year unchanged; entries appended after it, like
    the next year's, do not touch it. Editing any of that text, an entry of the year
    appearing anywhere else, or a different plugin list changes the key, and the year is
    fingerprinted again. The cache only skips work for a year whose fingerprint equalled
    its lock; it holds nothing a forger could not equally write into the lock itself.
    Disabled with ``KOP_SIDIK_CACHE=0`` or ``KOP_CACHE=0``, for ledgers not read from files, and for hidden
    (temporary) main files. A check reads it and :meth:`remember` s in memory; only the owner of a
    load (kopledger's cache layer, once the load is done) calls :meth:`save`.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.changed = False
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
            self.years: dict[str, list[str]] = (
                loaded.get("tahun", {}) if loaded.get("versi") == _CACHE_VERSION else {}
            )
        except (OSError, ValueError, AttributeError):
            self.years = {}

    @classmethod
    def for_ledger(cls, options_map: dict[str, Any]) -> VerifiedCache | None:
        if os.environ.get("KOP_SIDIK_CACHE", "1") == "0" or not enabled():
            return None
        filename = options_map.get("filename")
        if not filename or not os.path.isfile(filename) or os.path.basename(filename).startswith("."):
            return None
        return cls(verified_cache_path(Path(filename)))

    def keys(
        self, entries: Sequence[data.Directive], spans: Iterable[Span], options_map: dict[str, Any]
    ) -> dict[int, str]:
        """Cache key of each lock: the source text that holds what it covers, options, predecessor.

        For each file with an entry dated on or before the lock's year end, the key covers
        the file's lines from the start up to the next entry after the last such entry
        there (the whole file when there is none): entries appended later, e.g. the next
        year's, leave it unchanged.
        """
        wanted = {span.tahun: span for span in spans}
        if not wanted:
            return {}
        years = sorted(wanted)
        ends = [dt.date(y, 12, 31) for y in years]
        last: dict[tuple[int, str], int] = {}  # (year, file) -> line of the last entry dated up to its end
        starts: dict[str, list[int]] = {}  # file -> lines where entries start
        unknown: set[int] = set()
        by_index: dict[tuple[int, str], int] = {}
        for entry in entries:
            meta = entry.meta
            name, line = meta.get("filename"), meta.get("lineno")
            index = bisect.bisect_left(ends, entry.date)
            if not name or type(line) is not int or line <= 0:
                if index < len(ends) and not is_generated(entry):
                    unknown.update(years[index:])
                continue
            starts.setdefault(name, []).append(line)
            if index < len(years) and line > by_index.get((index, name), 0):
                by_index[(index, name)] = line
        for (index, name), line in by_index.items():
            for year in years[index:]:
                if line > last.get((year, name), 0):
                    last[(year, name)] = line
        context = "|".join([_CACHE_VERSION, options_text(options_map)])
        digests = {
            year: hashlib.sha256(f"{context}|{year}|{wanted[year].dari}|{wanted[year].sebelumnya}".encode())
            for year in years if year not in unknown
        }
        texts: dict[str, list[bytes] | None] = {}
        for name in starts:
            starts[name].sort()
        for (year, name), line in sorted(last.items()):
            digest = digests.get(year)
            if digest is None:
                continue
            if name not in texts:
                texts[name] = _file_lines(name)
            lines = texts[name]
            if lines is None:
                del digests[year]
                continue
            following = starts[name][bisect.bisect_right(starts[name], line):]
            end = following[0] - 1 if following else len(lines)
            digest.update(f"|{name}|{end}|".encode())
            digest.update(hashlib.sha256(b"\n".join(lines[:end])).digest())
        return {year: digest.hexdigest() for year, digest in digests.items()}

    def verified(self, year: int, key: str | None, sidik: str) -> bool:
        return key is not None and self.years.get(str(year)) == [key, sidik]

    def remember(self, year: int, key: str | None, sidik: str) -> None:
        if key is not None and self.years.get(str(year)) != [key, sidik]:
            self.years[str(year)] = [key, sidik]
            self.changed = True

    def save(self) -> None:
        if not self.changed:
            return
        text = json.dumps({"versi": _CACHE_VERSION, "tahun": self.years}, indent=1)
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=self.path.name, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(tmp, self.path)
            self.changed = False
        except OSError:  # a read-only folder: verify every time instead
            with contextlib.suppress(OSError, UnboundLocalError):
                os.unlink(tmp)


def _file_lines(name: str) -> list[bytes] | None:
    try:
        with open(name, "rb") as handle:
            return handle.read().split(b"\n")
    except OSError:
        return None



def superseded_assertions(entries: Sequence[data.Directive]) -> set[int]:
    """``id()`` of the balance assertions written by closings that were reopened since.

    A closing's assertions carry ``tutup-buku: "YEAR"`` and the start of its ``sidik``.
    Once the year is reopened they no longer hold after a correction, so the plugin drops
    them: only the assertions of the lock in force (if any) are checked.
    """
    state = lock_state(entries)
    if not state.buka:
        return set()
    dropped: set[int] = set()
    for entry in entries:
        if not isinstance(entry, data.Balance):
            continue
        year_text = entry.meta.get(LOCK)
        if not isinstance(year_text, str) or not year_text.isdigit():
            continue
        year = int(year_text)
        if year not in state.buka:
            continue
        lock = state.aktif.get(year)
        current = str(lock.meta["sidik"])[:SHORT] if lock is not None else None
        if entry.meta.get("sidik") != current:
            dropped.add(id(entry))
    return dropped


def drop_superseded_assertions(entries: list[data.Directive]) -> list[data.Directive]:
    """``entries`` without the assertions of reopened closings (see :func:`superseded_assertions`)."""
    dropped = superseded_assertions(entries)
    if not dropped:
        return entries
    return [e for e in entries if id(e) not in dropped]



# --- the witness: a printed sidik against the books --------------------------------------
@dataclass(frozen=True)
class Verification:
    """The books of ``tahun`` against a ``sidik`` printed outside them (``kop verifikasi``).

    ``cocok`` only when the year is locked, every lock up to it still holds (each recomputed
    from the entries, the whole chain from the start: ``dihitung`` of the year equals
    ``tercatat`` in its lock), nothing the chain cannot vouch for is dated up to its end, and
    the printed value is that sidik. ``masalah`` lists codes: ``belum-ditutup`` (the year was
    never closed in these books: no lock, no reopening, no closing entries of it, the chain
    whole), ``tidak-terkunci`` (no lock in force for the year, but it was closed: reopened, or
    its lock removed), ``kunci-tidak-utuh`` (what a lock up to the year covers changed:
    ``tahun_rusak`` the years, ``bulan`` the months of the first), ``catatan-tidak-sah``
    (metadata ``lineno``/``filename`` written by hand, or a closed year's padding resolved
    after it: ``catatan``, their file:line), ``buku-tidak-terbaca`` (text of the books beancount
    could not read into entries — a syntax error, a missing include — which no lock can vouch
    for: ``catatan``) and ``beda-dengan-cetakan`` (the books' sidik is not the printed one).
    """

    tahun: int
    dicetak: str
    tercatat: str | None
    dihitung: str | None
    kunci: str | None  # file:line of the lock
    bulan: tuple[str, ...] = ()
    masalah: tuple[str, ...] = ()
    tahun_terkunci: tuple[int, ...] = ()
    tahun_rusak: tuple[int, ...] = ()
    catatan: tuple[str, ...] = ()

    @property
    def cocok(self) -> bool:
        return not self.masalah

    @property
    def belum_ditutup(self) -> bool:
        """The year was never closed in these books (``kop verifikasi`` exits 3)."""
        return self.masalah == ("belum-ditutup",)


def verify_year(
    entries: Sequence[data.Directive], options_map: dict[str, Any], year: int, sidik: str,
    load_errors: Iterable[Any] = (),
) -> Verification:
    """Check the books' ``year`` against a printed ``sidik`` (full, or its first 16+ hex digits).

    Every lock up to ``year`` is recomputed from the entries (as loaded), not taken from
    the stored sidik of its predecessor: a change anywhere before the year's end is caught
    and located. ``load_errors``: the load's errors; those of beancount's reading of the text
    (:func:`unread_errors`) mean entries the chain cannot see.
    """
    printed = sidik.strip().lower()
    state = lock_state(entries)
    lock = state.aktif.get(year)
    locked = tuple(sorted(state.aktif))
    end = dt.date(year, 12, 31)
    upto = year if lock is not None else max(state.aktif, default=year)
    broken, months, digests = _recompute(entries, options_map, state, upto)
    doubtful = tuple(
        f"{e.source.get('filename')}:{e.source.get('lineno')}"
        for e in [*location_metadata_errors(entries, options_map), *padding_errors(entries, state)]
        if e.source and (not isinstance(e.entry, data.Pad) or e.entry.date <= end)
    )
    unread = tuple(f"{(e.source or {}).get('filename')}:{(e.source or {}).get('lineno')}"
                   for e in unread_errors(load_errors))
    doubtful += unread
    if lock is None:
        reopened = year in state.dibatalkan or any(e.tahun == year for e in closings_without_lock(entries, state))
        never = not reopened and not broken and not doubtful
        return Verification(year, printed, None, None, None, months, ("belum-ditutup",) if never else (
            "tidak-terkunci", *(("kunci-tidak-utuh",) if broken else ()),
            *(("catatan-tidak-sah",) if len(doubtful) > len(unread) else ()), *(("buku-tidak-terbaca",) if unread else ()),
        ), locked, tuple(broken), doubtful)
    stored = str(lock.meta.get("sidik") or "")
    computed = digests[year].sidik
    problems = []
    if broken:
        problems.append("kunci-tidak-utuh")
    if len(doubtful) > len(unread):
        problems.append("catatan-tidak-sah")
    if unread:
        problems.append("buku-tidak-terbaca")
    if not (len(printed) >= SHORT and computed.startswith(printed) and stored.startswith(printed)):
        problems.append("beda-dengan-cetakan")
    return Verification(year, printed, stored, computed, _where(lock), months, tuple(problems), locked,
                        tuple(broken), doubtful)


#: beancount's errors of reading the text (the parser's, the lexer's, a missing include).
_UNREAD = frozenset({"ParserError", "LexerError", "LoadError"})


def unread_errors(errors: Iterable[Any]) -> list[Any]:
    """The errors of beancount's reading of the books' text: what they name is in no entry."""
    return [e for e in errors if type(e).__name__ in _UNREAD]


def _recompute(
    entries: Sequence[data.Directive], options_map: dict[str, Any], state: LockState, upto: int
) -> tuple[list[int], tuple[str, ...], dict[int, YearDigest]]:
    """Every lock in force up to ``upto`` fingerprinted again: the years whose lock no longer
    holds, the changed months of the first, and each year's digest."""
    spans = spans_of(state.chain_locks(), [y for y in state.aktif if y <= upto])
    chained = chain_digests(entries, [s for s in spans if not is_legacy(state.aktif[s.tahun])], options_map)
    digests: dict[int, YearDigest] = {}
    broken: list[int] = []
    months: tuple[str, ...] = ()
    for span in spans:
        lock = state.aktif[span.tahun]
        digest = legacy_digest(entries, span.tahun) if is_legacy(lock) else chained[span.tahun]
        digests[span.tahun] = digest
        if digest.sidik != lock.meta.get("sidik"):
            if not broken:
                errors = _tamper_errors([], lock, digest)
                months = errors[0].bulan if errors else ()
            broken.append(span.tahun)
    return broken, months, digests
