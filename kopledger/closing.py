"""Closing the books (``kop tutup-buku``): closing entries, the closed-year lock, reopening.

A year is closed by three kinds of directives, written together through the safe writer:

- one transaction dated ``YEAR-12-31``, tagged ``#tutup-buku-YEAR``, that moves every income
  and expense balance of the year into ``Ekuitas:SHU:TahunBerjalan`` (hledger's
  ``close --retain``); statements of YEAR exclude it, later years see its effect;
- ``balance`` assertions on ``YEAR+1-01-01``: zero for each account it zeroed, and the SHU
  account's new balance (metadata ``tutup-buku: "YEAR"`` and ``sidik`` tie them to the lock);
- the lock, ``custom "tutup-buku" "YEAR"`` dated the day of closing, whose ``sidik`` is a
  fingerprint of every entry dated in the year (:func:`fingerprint`), the closing
  transaction included.

The plugin recomputes the fingerprint at every load (:func:`check_closed_years`): an entry
added, changed or removed in a closed year is an error naming the year. Reopening is an
appended ``custom "buka-buku" "YEAR"`` with an ``alasan``: it cancels the latest earlier
lock of that year and the balance assertions of that closing (the file stays append-only,
and the reason stays in the books). See docs/tutup-buku.md.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from beancount.core import data
from beancount.core.amount import Amount
from beancount.core.position import Cost
from beancount.parser.grammar import ValueType

from kopledger.balances import account_balances, closing_tag
from kopledger.config import split_in_force
from kopledger.errors import InputError, KopError, KopledgerError
from kopledger.ledger import Koperasi

ZERO = Decimal(0)

LOCK = "tutup-buku"
UNLOCK = "buka-buku"
#: Fingerprint format; part of every hash so a future change cannot collide with it.
FINGERPRINT_VERSION = "kop-sidik-1"
#: Custom directives that are about the lock itself, never part of a fingerprint.
LOCK_TYPES = frozenset({LOCK, UNLOCK})
#: Length of the short fingerprint carried by a closing's balance assertions.
SHORT = 16
_SKIP_META = frozenset({"filename", "lineno"})
#: Options that change how the same text is booked: part of the verified-cache key.
_KEY_OPTIONS = ("plugin", "booking_method", "inferred_tolerance_default", "inferred_tolerance_multiplier",
                "infer_tolerance_from_cost", "operating_currency")


# --- the fingerprint -----------------------------------------------------------------
@dataclass(frozen=True)
class YearDigest:
    """The fingerprint of one year, with a per-month breakdown to locate a change.

    ``bulan`` holds, for months 1–12, ``(digest, count)``: the first 8 hex digits of the
    month's hash and its number of entries. ``sidik`` is the hash of the twelve full
    month hashes, so both come from one pass.
    """

    tahun: int
    sidik: str
    bulan: tuple[tuple[str, int], ...]

    @property
    def jumlah(self) -> int:
        """Number of entries fingerprinted."""
        return sum(count for _, count in self.bulan)

    def bulan_text(self) -> str:
        """The month breakdown as stored in the lock: ``"01=3f2a9c1e/152 02=…"``."""
        return " ".join(f"{m:02d}={d}/{n}" for m, (d, n) in enumerate(self.bulan, start=1))


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
        entry = entry._replace(filename=os.path.basename(entry.filename))
    parts = [kind]
    for name in entry._fields:
        if name == "meta" or (kind == "Balance" and name == "diff_amount"):
            continue
        parts.append(_canon(getattr(entry, name)))
    parts.append(_meta(entry.meta))
    return "\t".join(parts)


def _location(meta: dict[str, Any] | None) -> tuple[Any, Any]:
    meta = meta or {}
    return meta.get("filename"), meta.get("lineno")


def _generated_locations(entries: Iterable[data.Directive]) -> set[tuple[Any, Any]]:
    """Source locations of other directives: an Open/Close sharing one was made by a plugin.

    (kopledger's plugin opens member accounts with the location of the ``anggota``
    directive; every directive a user writes has a location of its own.)
    """
    return {_location(e.meta) for e in entries if not isinstance(e, data.Open | data.Close)}


def _fingerprinted(entry: data.Directive, generated: set[tuple[Any, Any]] | None = None) -> bool:
    """True for the entries a user wrote (what a fingerprint covers)."""
    meta = entry.meta or {}
    if not meta.get("lineno"):  # made by a plugin (auto accounts, documents…)
        return False
    if isinstance(entry, data.Custom):
        return entry.type not in LOCK_TYPES
    if isinstance(entry, data.Transaction):
        return entry.flag != "P"  # padding is derived from a Pad directive
    if isinstance(entry, data.Open | data.Close):
        return meta.get("filename") != "<kopledger>" and _location(meta) not in (generated or set())
    return True


def year_digests(
    entries: Sequence[data.Directive], years: Iterable[int], *, new: Sequence[data.Directive] = ()
) -> dict[int, YearDigest]:
    """Fingerprints of ``years`` in one pass over ``entries`` (see :func:`fingerprint`).

    ``new`` are entries about to be written (no source location yet), always covered.
    """
    wanted = set(years)
    if not wanted:
        return {}
    lines: dict[int, list[list[str]]] = {y: [[] for _ in range(12)] for y in wanted}
    opens: list[data.Directive] = []
    transaction = data.Transaction
    for entry in entries:
        year = entry.date.year
        if year not in wanted:
            continue
        if type(entry) is transaction:
            if entry.flag != "P" and entry.meta.get("lineno"):
                lines[year][entry.date.month - 1].append(canonical_text(entry))
        elif isinstance(entry, data.Open | data.Close):
            opens.append(entry)
        elif _fingerprinted(entry):
            lines[year][entry.date.month - 1].append(canonical_text(entry))
    if opens:
        generated = _generated_locations(entries)
        for entry in opens:
            if _fingerprinted(entry, generated):
                lines[entry.date.year][entry.date.month - 1].append(canonical_text(entry))
    for entry in new:
        if entry.date.year in wanted:
            lines[entry.date.year][entry.date.month - 1].append(canonical_text(entry))
    result = {}
    for year, months in lines.items():
        hashes = []
        for month_lines in months:
            month_lines.sort()
            digest = hashlib.sha256()
            for line in month_lines:
                digest.update(line.encode("utf-8"))
                digest.update(b"\n")
            hashes.append(digest.hexdigest())
        total = hashlib.sha256(f"{FINGERPRINT_VERSION}:{year}:{':'.join(hashes)}".encode()).hexdigest()
        result[year] = YearDigest(
            year, total, tuple((h[:8], len(ls)) for h, ls in zip(hashes, months, strict=True))
        )
    return result


def year_digest(entries: Sequence[data.Directive], year: int) -> YearDigest:
    """The fingerprint of ``year`` with its per-month breakdown."""
    return year_digests(entries, [year])[year]


def fingerprint(entries: Sequence[data.Directive], year: int) -> str:
    """SHA-256 over the canonical text of every entry dated in ``year`` a user wrote.

    Covers transactions, balances, pads, notes, documents, prices, events, opens, closes
    and custom directives (not the ``tutup-buku``/``buka-buku`` lock itself, nor what
    plugins generate). Independent of file names, line numbers and order, so moving
    entries between files does not change it; any change of a date, narration, flag,
    tag, account, amount or user metadata does.
    """
    return year_digest(entries, year).sidik


# --- the lock: closed years ----------------------------------------------------------
@dataclass(frozen=True)
class LockState:
    """The lock directives read in order: which years are closed now, and what went wrong."""

    aktif: dict[int, data.Custom]  # year -> the lock in force
    dibatalkan: dict[int, list[data.Custom]]  # year -> locks cancelled by buka-buku
    errors: tuple[KopError, ...] = ()
    buka: dict[int, list[data.Custom]] = field(default_factory=dict)


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
    events = sorted(
        (e for e in entries if isinstance(e, data.Custom) and e.type in LOCK_TYPES), key=_sort_key
    )
    active: dict[int, data.Custom] = {}
    cancelled: dict[int, list[data.Custom]] = {}
    reopened: dict[int, list[data.Custom]] = {}
    errors: list[KopError] = []
    for event in events:
        year = _year_of(event)
        if year is None:
            errors.append(KopError(event.meta, f'custom "{event.type}" perlu satu tahun dalam tanda kutip, misalnya "2024" (bad year)', event))
            continue
        if event.type == LOCK:
            sidik = event.meta.get("sidik")
            if not isinstance(sidik, str) or len(sidik) != 64:
                errors.append(KopError(event.meta, (
                    f"tutup-buku {year} tidak punya sidik yang sah; baris ini harus ditulis oleh "
                    "kop tutup-buku, bukan diketik sendiri (bad fingerprint)"
                ), event))
                continue
            if event.date <= dt.date(year, 12, 31):
                errors.append(KopError(event.meta, (
                    f"tutup-buku {year} bertanggal {event.date}, sebelum tahun buku berakhir; "
                    "tutup buku dengan kop tutup-buku sesudah 31 Desember (closed too early)"
                ), event))
                continue
            if year in active:
                first = active[year]
                errors.append(KopError(event.meta, (
                    f"tahun buku {year} sudah ditutup (di {_where(first)}); buka dulu dengan "
                    "kop buka-buku sebelum menutupnya lagi (already closed)"
                ), event))
                continue
            active[year] = event
        else:
            if year not in active:
                errors.append(KopError(event.meta, f"buka-buku {year}: tahun buku {year} belum ditutup; hapus baris buka-buku ini (not closed)", event))
                continue
            if not str(event.meta.get("alasan") or "").strip():
                errors.append(KopError(event.meta, f'buka-buku {year} perlu alasan: tambahkan metadata alasan: "…" (reason missing)', event))
            cancelled.setdefault(year, []).append(active.pop(year))
            reopened.setdefault(year, []).append(event)
    return LockState(active, cancelled, tuple(errors), reopened)


def _where(entry: Any) -> str:
    filename, lineno = _location(getattr(entry, "meta", None))
    return f"{filename}:{lineno}"


def closed_years(kop: Koperasi) -> dict[int, str]:
    """The years closed now (a lock in force), each with its fingerprint."""
    return {year: str(lock.meta["sidik"]) for year, lock in sorted(lock_state(kop.entries).aktif.items())}


def _parse_months(text: Any) -> dict[int, tuple[str, int]]:
    months: dict[int, tuple[str, int]] = {}
    for token in str(text or "").split():
        try:
            month, rest = token.split("=")
            digest, count = rest.split("/")
            months[int(month)] = (digest, int(count))
        except ValueError:
            continue
    return months


def check_closed_years(entries: list[data.Directive], options_map: dict[str, Any]) -> list[Any]:
    """Errors for entries added, changed or removed in a closed year (run by the plugin).

    One pass hashing the canonical text of the closed years' entries. A mismatch is
    reported at the lock, naming the year and the months that changed; an entry dated in
    the closed year and written after the lock in the same file is named at its own line.
    A year whose source files are byte-for-byte those last verified is not hashed again
    (see :class:`VerifiedCache`).
    """
    if not any(isinstance(e, data.Custom) and e.type in LOCK_TYPES for e in entries):
        return []
    state = lock_state(entries)
    errors: list[Any] = list(state.errors)
    cache = VerifiedCache.for_ledger(options_map)
    keys = cache.keys(entries, state.aktif, options_map) if cache else {}
    todo = {
        year: lock for year, lock in state.aktif.items()
        if not (cache and cache.verified(year, keys.get(year), str(lock.meta.get("sidik"))))
    }
    digests = year_digests(entries, todo)
    for year, lock in sorted(todo.items()):
        digest = digests[year]
        if digest.sidik == lock.meta.get("sidik"):
            if cache:
                cache.remember(year, keys.get(year), digest.sidik)
            continue
        errors.extend(_tamper_errors(entries, year, lock, digest))
    if cache:
        cache.save()
    return errors


class VerifiedCache:
    """Years already verified, keyed by the exact source text that holds their entries.

    Stored beside the main ledger as ``.NAME.sidik-cache.json``: for each closed year, a
    key and the fingerprint that matched its lock. The key is a SHA-256 over the ledger's
    plugin list and booking options and, for every file with an entry dated in the year,
    the bytes from the start of the file through the year's last entry there (up to the
    next entry). The same text gives the same entries, so hashing it (far cheaper than
    canonicalising every entry) proves the year unchanged; entries appended after it, like
    the next year's, do not touch it. Editing any of that text, an entry of the year
    appearing anywhere else, or a different plugin list changes the key, and the year is
    fingerprinted again. The cache only skips work for a year whose fingerprint equalled
    its lock; it holds nothing a forger could not equally write into the lock itself.
    Disabled with ``KOP_SIDIK_CACHE=0``, for ledgers not read from files, and for hidden
    (temporary) main files.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.changed = False
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
            self.years: dict[str, list[str]] = (
                loaded.get("tahun", {}) if loaded.get("versi") == FINGERPRINT_VERSION else {}
            )
        except (OSError, ValueError, AttributeError):
            self.years = {}

    @classmethod
    def for_ledger(cls, options_map: dict[str, Any]) -> VerifiedCache | None:
        if os.environ.get("KOP_SIDIK_CACHE", "1") == "0" or os.environ.get("KOP_CACHE", "1").strip() == "0":
            return None
        filename = options_map.get("filename")
        if not filename or not os.path.isfile(filename) or os.path.basename(filename).startswith("."):
            return None
        main = Path(filename)
        return cls(main.with_name(f".{main.name}.sidik-cache.json"))

    def keys(
        self, entries: Sequence[data.Directive], years: Iterable[int], options_map: dict[str, Any]
    ) -> dict[int, str]:
        """Cache key of each year: the source text that holds its entries, plugins, booking.

        For each file with an entry of the year, the key covers the file's lines from the
        start up to the next entry after the year's last one there (the whole file when
        there is none): entries appended later, e.g. the next year's, leave it unchanged.
        """
        wanted = set(years)
        last: dict[tuple[int, str], int] = {}  # (year, file) -> line of the year's last entry
        starts: dict[str, list[int]] = {}  # file -> lines where entries start
        unknown: set[int] = set()
        for entry in entries:
            meta = entry.meta
            name, line = meta.get("filename"), meta.get("lineno")
            if not name or not isinstance(line, int) or line <= 0:
                if entry.date.year in wanted:
                    unknown.add(entry.date.year)
                continue
            starts.setdefault(name, []).append(line)
            year = entry.date.year
            if year in wanted and line > last.get((year, name), 0):
                last[(year, name)] = line
        context = "|".join([FINGERPRINT_VERSION, *(repr(options_map.get(key)) for key in _KEY_OPTIONS)])
        digests = {year: hashlib.sha256(f"{context}|{year}".encode()) for year in wanted - unknown}
        texts: dict[str, list[bytes] | None] = {}
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
            following = [start for start in starts[name] if start > line]
            end = min(following) - 1 if following else len(lines)
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
        text = json.dumps({"versi": FINGERPRINT_VERSION, "tahun": self.years}, indent=1)
        try:
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=self.path.name, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(tmp, self.path)
        except OSError:  # a read-only folder: verify every time instead
            with contextlib.suppress(OSError, UnboundLocalError):
                os.unlink(tmp)


def _file_lines(name: str) -> list[bytes] | None:
    try:
        with open(name, "rb") as handle:
            return handle.read().split(b"\n")
    except OSError:
        return None


def _tamper_errors(
    entries: Sequence[data.Directive], year: int, lock: data.Custom, digest: YearDigest
) -> list[KopError]:
    stored = _parse_months(lock.meta.get("bulan"))
    changes = []
    for month, (now_hash, now_count) in enumerate(digest.bulan, start=1):
        then = stored.get(month)
        if then is None or then[0] != now_hash:
            was = f"{then[1]} catatan saat ditutup, {now_count} sekarang" if then else f"{now_count} catatan sekarang"
            changes.append(f"{year}-{month:02d} ({was})")
    where = ", ".join(changes) if changes else "bulan tidak diketahui"
    errors = [KopError(lock.meta, (
        f"tahun buku {year} sudah ditutup (tutup-buku di {_where(lock)}) tetapi catatannya ditambah, "
        f"diubah atau dihapus: {where}. Batalkan perubahan itu, atau catat koreksinya di {year + 1} "
        f'dengan tag #koreksi; untuk mengubah {year} sendiri, buka dulu: kop buka-buku BUKU --tahun {year} --alasan "…" '
        "(closed year changed)"
    ), lock)]
    lock_file, lock_line = _location(lock.meta)
    for entry in entries:
        if entry.date.year != year or isinstance(entry, data.Open | data.Close) or not _fingerprinted(entry):
            continue
        filename, lineno = _location(entry.meta)
        if filename == lock_file and isinstance(lineno, int) and isinstance(lock_line, int) and lineno > lock_line:
            errors.append(KopError(entry.meta, (
                f"catatan bertanggal {entry.date} ditambahkan setelah tahun buku {year} ditutup "
                f"(tutup-buku di {_where(lock)}); beri tanggal di {year + 1} dengan tag #koreksi (entry in closed year)"
            ), entry))
    return errors


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


# --- closing entries ---------------------------------------------------------------
@dataclass(frozen=True)
class ClosedAccount:
    """An income or expense account the closing zeroes, with its balance for the year."""

    akun: str
    saldo: Decimal  # beancount sign: income negative, expenses positive


@dataclass(frozen=True)
class ClosingPlan:
    """Everything a closing writes, before it is written."""

    tahun: int
    tanggal: dt.date  # the day of closing (the lock's date)
    shu: Decimal  # income − expenses of the year, before closing
    akun: tuple[ClosedAccount, ...]
    transaksi: data.Transaction | None  # None when nothing is left to close
    asersi: tuple[data.Balance, ...]
    kunci: data.Custom
    digest: YearDigest

    @property
    def sidik(self) -> str:
        return self.digest.sidik

    @property
    def entries(self) -> list[data.Directive]:
        """In the order they are written; the lock comes last."""
        head: list[data.Directive] = [self.transaksi] if self.transaksi is not None else []
        return [*head, *self.asersi, self.kunci]


def _new_meta(**values: Any) -> dict[str, Any]:
    meta = data.new_metadata("<kopledger.closing>", 0)
    meta.update(values)
    return meta


def income_expense_balances(kop: Koperasi, year: int) -> dict[str, Decimal]:
    """Each income and expense account's balance for ``year`` (closing entries included)."""
    totals = account_balances(
        kop.entries, currency=kop.currency, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31)
    )
    roots = kop.roots.income_roots
    return {
        account: amount
        for account, amount in sorted(totals.items())
        if amount != ZERO and any(kop.roots.is_under(account, root) for root in roots)
    }


def shu_before_closing(kop: Koperasi, year: int) -> Decimal:
    """Income − expenses of ``year``, without its closing entries (SHU, Pasal 45)."""
    tag = closing_tag(year)
    totals = account_balances(
        kop.entries, currency=kop.currency, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31),
        exclude=lambda e: tag in (e.tags or ()),
    )
    roots = kop.roots.income_roots
    return -sum(
        (v for k, v in totals.items() if any(kop.roots.is_under(k, r) for r in roots)), ZERO
    )


def plan_closing(kop: Koperasi, year: int, *, tanggal: dt.date | None = None) -> ClosingPlan:
    """The closing of ``year``: transaction, assertions and lock (pure; nothing is written).

    ``tanggal`` is the day of closing (default today). Balances already moved by an
    earlier closing of the year (reopened since) are not moved again: only what is left.
    """
    tanggal = tanggal or dt.date.today()
    end = dt.date(year, 12, 31)
    next_day = end + dt.timedelta(days=1)
    currency = kop.currency
    shu_account = kop.roots.shu_tahun_berjalan
    balances = income_expense_balances(kop, year)
    closed = tuple(ClosedAccount(a, b) for a, b in balances.items())
    transaction = None
    if closed:
        total = sum((c.saldo for c in closed), ZERO)
        postings = [
            data.Posting(c.akun, Amount(-c.saldo, currency), None, None, None, None) for c in closed
        ]
        postings.append(data.Posting(shu_account, Amount(total, currency), None, None, None, None))
        transaction = data.Transaction(
            _new_meta(tahun=str(year)), end, "*", None,
            f"Tutup buku {year}: pendapatan dan beban dipindahkan ke SHU tahun berjalan",
            frozenset({closing_tag(year)}), data.EMPTY_SET, postings,
        )
    new = [transaction] if transaction is not None else []
    with_closing = sorted([*kop.entries, *new], key=data.entry_sortkey)
    digest = year_digests(kop.entries, [year], new=new)[year]
    short = digest.sidik[:SHORT]
    shu_balance = account_balances(with_closing, currency=currency, end=end).get(shu_account, ZERO)
    assertions = [
        data.Balance(_new_meta(**{LOCK: str(year), "sidik": short}), next_day, c.akun,
                     Amount(ZERO, currency), None, None)
        for c in closed
    ]
    assertions.append(data.Balance(
        _new_meta(**{LOCK: str(year), "sidik": short}), next_day, shu_account,
        Amount(shu_balance, currency), None, None,
    ))
    lock = data.Custom(
        _new_meta(sidik=digest.sidik, bulan=digest.bulan_text(), entri=Decimal(digest.jumlah)),
        tanggal, LOCK, [ValueType(str(year), str)],
    )
    return ClosingPlan(
        tahun=year, tanggal=tanggal, shu=shu_before_closing(kop, year), akun=closed,
        transaksi=transaction, asersi=tuple(assertions), kunci=lock, digest=digest,
    )


def closing_entries(kop: Koperasi, year: int, *, tanggal: dt.date | None = None) -> list[data.Directive]:
    """The directives that close ``year``: closing transaction, assertions, then the lock."""
    return plan_closing(kop, year, tanggal=tanggal).entries


def reopen_entry(year: int, alasan: str, tanggal: dt.date) -> data.Custom:
    """``custom "buka-buku" "YEAR"`` with its reason: cancels the lock in force for ``year``."""
    return data.Custom(_new_meta(alasan=alasan), tanggal, UNLOCK, [ValueType(str(year), str)])


# --- preconditions -----------------------------------------------------------------
@dataclass(frozen=True)
class Problem:
    """A reason the year cannot be closed now: a code for programs, a message for people."""

    kode: str
    pesan: str

    def __str__(self) -> str:
        return self.pesan


def check_preconditions(kop: Koperasi, year: int, *, today: dt.date | None = None) -> list[Problem]:
    """Every reason ``year`` cannot be closed now (empty: it can)."""
    from beancount.core.interpolate import BalanceError

    today = today or dt.date.today()
    end = dt.date(year, 12, 31)
    problems: list[Problem] = []
    balance_errors = [e for e in kop.errors if isinstance(e, BalanceError)]
    other_errors = [e for e in kop.errors if not isinstance(e, BalanceError)]
    if other_errors:
        problems.append(Problem("kesalahan", (
            f"buku berisi {len(other_errors)} kesalahan; perbaiki dulu (kop cek menampilkan semuanya)"
        )))
    if balance_errors:
        first = balance_errors[0]
        problems.append(Problem("asersi", (
            f"{len(balance_errors)} asersi saldo (balance) gagal, misalnya {_where(first.entry)}: "
            f"{str(first.message).strip()}"
        )))
    closed = closed_years(kop)
    if year in closed:
        problems.append(Problem("sudah-ditutup", (
            f"tahun buku {year} sudah ditutup; untuk mengubahnya, buka dulu dengan "
            f'kop buka-buku BUKU --tahun {year} --alasan "…"'
        )))
    if today <= end:
        problems.append(Problem("belum-berakhir", (
            f"tahun buku {year} belum berakhir (hari ini {today}); tutup buku mulai {end + dt.timedelta(days=1)}"
        )))
    years = sorted({e.date.year for e in kop.entries if isinstance(e, data.Transaction)})
    if not years or years[0] > year:
        problems.append(Problem("kosong", f"tidak ada transaksi pada atau sebelum {year}: tidak ada yang ditutup"))
    elif year > years[0] and (year - 1) not in closed:
        problems.append(Problem("tahun-sebelumnya", (
            f"tahun buku sebelumnya, {year - 1}, belum ditutup; tutup dulu: "
            f"kop tutup-buku BUKU --tahun {year - 1}"
        )))
    later = [y for y in closed if y > year]
    if later and year not in closed:
        problems.append(Problem("tahun-berikutnya", (
            f"tahun buku sesudahnya sudah ditutup ({', '.join(map(str, sorted(later)))}); buka dulu tahun itu"
        )))
    shu_account = kop.roots.shu_tahun_berjalan
    if not _is_open(kop, shu_account, end):
        problems.append(Problem("akun-shu", (
            f"akun SHU {shu_account} belum dibuka pada {end}; tambahkan: "
            f"{years[0] if years else year}-01-01 open {shu_account} {kop.currency}"
        )))
    imbalance = sum(account_balances(kop.entries, currency=kop.currency, end=end).values(), ZERO)
    if imbalance != ZERO:
        problems.append(Problem("neraca", (
            f"neraca per {end} tidak seimbang: aset − liabilitas − ekuitas berselisih "
            f"{imbalance} {kop.currency} dari pendapatan − beban"
        )))
    others = _other_currencies(kop, year)
    if others:
        problems.append(Problem("mata-uang", (
            f"akun pendapatan atau beban berisi mata uang selain {kop.currency} pada {year} "
            f"({', '.join(others)}); hanya {kop.currency} yang bisa ditutup ke SHU"
        )))
    problems += _shu_policy_problems(kop, year)
    return problems


def _is_open(kop: Koperasi, account: str, date: dt.date) -> bool:
    opened = any(isinstance(e, data.Open) and e.account == account and e.date <= date for e in kop.entries)
    closed = any(isinstance(e, data.Close) and e.account == account and e.date <= date for e in kop.entries)
    return opened and not closed


def _other_currencies(kop: Koperasi, year: int) -> list[str]:
    found: set[str] = set()
    roots = kop.roots.income_roots
    for entry in kop.entries:
        if isinstance(entry, data.Transaction) and entry.date.year == year:
            for p in entry.postings:
                if (p.units is not None and p.units.currency != kop.currency
                        and any(kop.roots.is_under(p.account, r) for r in roots)):
                    found.add(p.units.currency)
    return sorted(found)


def _shu_policy_problems(kop: Koperasi, year: int) -> list[Problem]:
    split = split_in_force(kop.shu_splits, dt.date(year, 12, 31))
    if split is None:
        return [Problem("kebijakan-shu", (
            f'belum ada pembagian SHU (custom "shu-alokasi") yang berlaku pada {year}-12-31; tambahkan '
            "pembagian yang persennya berjumlah 100"
        ))]
    if split.total != 100:
        return [Problem("kebijakan-shu", (
            f"pembagian SHU yang berlaku pada {year}-12-31 (tanggal {split.date}) berjumlah {split.total}%, bukan 100%; "
            "perbaiki persennya agar tepat 100"
        ))]
    try:
        from kopledger import shu
    except ImportError:
        return []
    try:
        shu.compute_shu(kop, year, sementara=True)
    except KopledgerError as exc:
        return [Problem("kebijakan-shu", f"SHU {year} tidak bisa dihitung: {exc.message}")]
    return []


# --- closing a ledger file ---------------------------------------------------------
class ClosingRefused(KopledgerError):
    """The year cannot be closed (or reopened) now; nothing was written."""

    def __init__(self, message: str, problems: Sequence[Problem], *, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.problems = list(problems)

    def __str__(self) -> str:
        lines = [self.message, *(f"  - {p.pesan}" for p in self.problems)]
        if self.hint:
            lines.append(self.hint)
        return "\n".join(lines)


@dataclass(frozen=True)
class NewYearFile:
    """The file started for the next year: its path and text."""

    path: Path
    text: str
    saldo_awal: tuple[tuple[str, Decimal], ...]  # carried balances (beancount sign)


@dataclass(frozen=True)
class ClosingResult:
    """What ``close_year`` did (or, with ``dry_run``, would do)."""

    path: Path
    tahun: int
    shu: Decimal
    sidik: str
    akun: tuple[ClosedAccount, ...]
    entries: tuple[data.Directive, ...]
    text: str  # what was (or would be) appended to the ledger
    written: bool
    file_baru: NewYearFile | None = None
    judul: str = ""  # the koperasi's name


def carried_balances(kop: Koperasi, year: int, plan: ClosingPlan | None = None) -> dict[str, Decimal]:
    """Balance-sheet balances at the end of ``year`` after closing (next year's opening)."""
    entries: list[data.Directive] = list(kop.entries)
    if plan is not None and plan.transaksi is not None:
        entries = sorted([*entries, plan.transaksi], key=data.entry_sortkey)
    totals = account_balances(entries, currency=kop.currency, end=dt.date(year, 12, 31))
    roots = kop.roots
    sheet = (roots.aset, roots.liabilitas, roots.ekuitas)
    return {
        account: amount
        for account, amount in sorted(totals.items())
        if amount != ZERO and any(roots.is_under(account, r) for r in sheet)
    }


def new_year_text(
    kop: Koperasi, source: Path, target: Path, year: int, balances: dict[str, Decimal], *, today: dt.date
) -> str:
    """Text of the next year's main file: the old header, an include of ``source``, and
    the carried balances as assertions on the first day (tagged ``saldo-awal``)."""
    from kopledger.render import render

    header = [
        line.rstrip("\n") for line in source.read_text(encoding="utf-8").splitlines()
        if line.startswith(("option ", "plugin "))
    ]
    opening = dt.date(year + 1, 1, 1)
    assertions = [
        data.Balance(_new_meta(**{"saldo-awal": str(year + 1)}), opening, account, Amount(amount, kop.currency), None, None)
        for account, amount in balances.items()
    ]
    from kopledger.writer import format_directives

    return render("tutup/buku-baru.beancount.j2", {
        "judul": kop.title,
        "tahun": year + 1,
        "tahun_lalu": year,
        "dibuat": today,
        "header": header,
        "include": os.path.relpath(source.resolve(), target.resolve().parent),
        "saldo_awal": format_directives(assertions),
    })


def close_year(
    path: str | os.PathLike[str],
    year: int,
    *,
    dry_run: bool = False,
    new_file: str | os.PathLike[str] | None = None,
    today: dt.date | None = None,
    shu_date: dt.date | None = None,
) -> ClosingResult:
    """Close ``year`` of the ledger at ``path``: check, then append the closing entries.

    Nothing is written when a precondition fails (:class:`ClosingRefused`), or with
    ``dry_run``. ``new_file`` also starts the next year's main file (see
    :func:`new_year_text`); it must not exist yet. ``shu_date`` (the RAT date, after the
    year) also books the SHU allocation entry (``kopledger.shu``) in the same write.
    """
    from kopledger.writer import append_directives, create_file, format_directives, load_uncached

    ledger = Path(path)
    today = today or dt.date.today()
    kop = Koperasi.load(ledger)
    target = Path(new_file) if new_file is not None else None
    problems = check_preconditions(kop, year, today=today)
    if target is not None and target.exists():
        problems.append(Problem("file-baru-ada", f"{target} sudah ada; kop tutup-buku tidak pernah menimpa berkas"))
    if target is not None and target.resolve() == ledger.resolve():
        problems.append(Problem("file-baru-ada", "--file-baru harus berkas baru, bukan buku itu sendiri"))
    if problems:
        raise ClosingRefused(f"tahun buku {year} tidak bisa ditutup; tidak ada yang ditulis:", problems)
    plan = plan_closing(kop, year, tanggal=today)
    shu_total, lock_sidik, closed_accounts = plan.shu, plan.sidik, plan.akun
    entries: list[data.Directive] = list(plan.entries)
    if shu_date is not None:
        entries.append(_allocation(kop, year, shu_date, today))
    text = format_directives(entries)
    new_year: NewYearFile | None = None
    if target is not None:
        balances = carried_balances(kop, year, plan)
        new_text = new_year_text(kop, ledger, target, year, balances, today=today)
        new_year = NewYearFile(target, new_text, tuple(balances.items()))
        _validate_new_year(ledger, target, text, new_text, load_uncached)
    title = kop.title
    if dry_run:
        # The books were loaded once above, clean (check_preconditions refuses otherwise):
        # free them and load only the candidate, so a dry run costs two loads, not three,
        # and holds one set of books in memory at a time (docs/performance.md).
        del kop, plan
        result = _check_candidate(ledger, text, load_uncached)
    else:
        result = append_directives(ledger, entries, dry_run=False)
    if new_year is not None and result.written:
        try:
            create_file(new_year.path, new_year.text, mode=ledger.stat().st_mode & 0o7777)
        except OSError as exc:
            raise InputError(
                f"tahun buku {year} sudah ditutup di {ledger}, tetapi berkas baru {new_year.path} tidak "
                f"bisa dibuat ({exc.strerror or exc}); tidak ada perubahan lain",
                hint="Kosongkan path itu, lalu buka lagi tahunnya (kop buka-buku) dan tutup lagi dengan --file-baru.",
            ) from None
    return ClosingResult(
        path=ledger, tahun=year, shu=shu_total, sidik=lock_sidik, akun=closed_accounts,
        entries=tuple(entries), text=text, written=result.written, file_baru=new_year,
        judul=title,
    )


def _check_candidate(ledger: Path, text: str, load: Any) -> Any:
    """The writer's validation without its write (``--dry-run``): load the ledger with ``text``
    appended, from a temp file next to it, and refuse on any error."""
    from kopledger.errors import LedgerHasErrors
    from kopledger.writer import _TMP_SUFFIX, AppendResult, _rename_source, _separator, ledger_lock

    path = ledger.resolve()
    if not text.strip():
        return AppendResult(ledger, "", False)
    addition = text.rstrip("\n").encode("utf-8") + b"\n"
    with ledger_lock(path):
        old = path.read_bytes()
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=_TMP_SUFFIX)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(old + _separator(old) + addition)
            enabled = gc.isenabled()
            gc.disable()  # as Koperasi.load: no cyclic collections while a ledger's objects pile up
            try:
                _, errors, _ = load(tmp)
            finally:
                if enabled:
                    gc.enable()
            if errors:
                raise LedgerHasErrors(
                    "catatan baru ini akan menimbulkan kesalahan di buku; tidak ada yang ditulis:",
                    [_rename_source(e, tmp, ledger) for e in errors],
                )
        finally:
            if tmp.exists():
                tmp.unlink()
    return AppendResult(ledger, text, False)


def _allocation(kop: Koperasi, year: int, date: dt.date, today: dt.date) -> data.Directive:
    """The SHU allocation entry of ``year`` dated ``date`` (after the year: the RAT)."""
    from kopledger import shu

    if date <= dt.date(year, 12, 31):
        raise InputError(
            f"tanggal pembagian SHU {date} harus sesudah tahun buku {year} (tanggal RAT), "
            "agar tidak mengubah tahun yang sudah ditutup"
        )
    return shu.allocation_entry(kop, shu.compute_shu(kop, year, today=today), date)


def _validate_new_year(ledger: Path, target: Path, closing_text: str, new_text: str, load: Any) -> None:
    """Load the new year's file against a closed copy of the ledger; refuse on any error."""
    from kopledger.errors import LedgerHasErrors

    folder = ledger.parent
    fd, closed_name = tempfile.mkstemp(dir=folder, prefix=f".{ledger.name}.", suffix=".tmp")
    closed_copy = Path(closed_name)
    new_copy = target.parent / f".{target.name}.check.tmp"
    if not target.parent.is_dir():
        os.close(fd)
        closed_copy.unlink()
        raise InputError(f"folder untuk --file-baru tidak ditemukan: {target.parent}")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(ledger.read_bytes() + b"\n" + closing_text.encode("utf-8") + b"\n")
        include = os.path.relpath(ledger.resolve(), target.resolve().parent)
        copy_include = os.path.relpath(closed_copy.resolve(), target.resolve().parent)
        new_copy.write_text(new_text.replace(f'include "{include}"', f'include "{copy_include}"'), encoding="utf-8")
        _, errors, _ = load(new_copy)
        if errors:
            raise LedgerHasErrors(f"berkas baru {target} akan berisi kesalahan; tidak ada yang ditulis", errors)
    finally:
        for tmp in (closed_copy, new_copy):
            if tmp.exists():
                tmp.unlink()


@dataclass(frozen=True)
class ReopenResult:
    """What ``reopen_year`` did (or would do)."""

    path: Path
    tahun: int
    entry: data.Custom
    text: str
    written: bool


def reopen_year(
    path: str | os.PathLike[str], year: int, alasan: str, *, dry_run: bool = False, today: dt.date | None = None
) -> ReopenResult:
    """Reopen a closed ``year`` on purpose: append ``custom "buka-buku"`` with the reason."""
    from kopledger.writer import append_directives, format_directives

    if not alasan.strip():
        raise InputError("membuka tahun yang sudah ditutup perlu alasan: --alasan \"…\"")
    ledger = Path(path)
    kop = Koperasi.load(ledger)
    state = lock_state(kop.entries)
    if year not in state.aktif:
        raise ClosingRefused(f"tahun buku {year} tidak bisa dibuka; tidak ada yang ditulis:", [
            Problem("belum-ditutup", f"tahun buku {year} belum ditutup")
        ])
    later = sorted(y for y in state.aktif if y > year)
    if later:
        raise ClosingRefused(f"tahun buku {year} tidak bisa dibuka; tidak ada yang ditulis:", [
            Problem("tahun-berikutnya", f"tahun buku sesudahnya sudah ditutup ({', '.join(map(str, later))}); buka dulu tahun itu")
        ])
    lock = state.aktif[year]
    tanggal = max(today or dt.date.today(), lock.date)
    entry = reopen_entry(year, alasan.strip(), tanggal)
    result = append_directives(ledger, [entry], dry_run=dry_run)
    return ReopenResult(ledger, year, entry, format_directives([entry]), result.written)
