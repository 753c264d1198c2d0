"""The loaded books (:class:`Books`): entries, options, errors, the register and the catalogue.

A plain record of what was loaded, with the balance primitives and a per-books memo. What
is computed *for a period* (statements, SHU, loans) is asked of :class:`kopledger.Koperasi`,
the composition root above the reports; lower layers take a :class:`Books`.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Self, TypeVar, cast

from beancount import loader
from beancount.core import data

from kopledger.books.balances import EntryFilter, account_balances, weight
from kopledger.books.closed.chain import location_metadata_in_files
from kopledger.books.directives import (
    DIRECTIVES,
    KoperasiInfo,
    Member,
    Officer,
    Policies,
    ShuBasis,
    ShuSplit,
    customs,
    parse_koperasi,
    parse_members,
    parse_officers,
    parse_policies,
    parse_shu_bases,
    parse_shu_splits,
    split_in_force,
)
from kopledger.books.katalog import Katalog
from kopledger.books.load import cache
from kopledger.books.load.include_errors import locate_include_errors
from kopledger.core.book_files import require_regular
from kopledger.core.errors import InputError, KopError, KopledgerError
from kopledger.core.roots import MemberKind, Roots

ZERO = Decimal(0)
T = TypeVar("T")


@dataclass(frozen=True)
class MemberBalance:
    """A member's balances by kind, signed as the member sees them (savings and loans ≥ 0)."""

    id: str
    pokok: Decimal = ZERO
    wajib: Decimal = ZERO
    sukarela: Decimal = ZERO
    berjangka: Decimal = ZERO
    pinjaman: Decimal = ZERO
    utang_shu: Decimal = ZERO
    keluar: Decimal = ZERO

    @property
    def modal(self) -> Decimal:
        """Member capital: simpanan pokok + simpanan wajib."""
        return self.pokok + self.wajib

    @property
    def simpanan(self) -> Decimal:
        """All savings: pokok + wajib + sukarela + berjangka."""
        return self.pokok + self.wajib + self.sukarela + self.berjangka


_KIND_FIELD = {
    MemberKind.POKOK: "pokok",
    MemberKind.WAJIB: "wajib",
    MemberKind.SUKARELA: "sukarela",
    MemberKind.BERJANGKA: "berjangka",
    MemberKind.PINJAMAN: "pinjaman",
    MemberKind.UTANG_SHU: "utang_shu",
    MemberKind.KELUAR: "keluar",
}


def member_balances(
    entries: Iterable[data.Directive],
    roots: Roots,
    *,
    date: dt.date | None = None,
    currency: str = "IDR",
) -> dict[str, MemberBalance]:
    """Every member's balances by kind at ``date`` (inclusive), in one pass over postings.

    Signed as the member sees them: savings and payables positive when the koperasi owes
    the member, ``pinjaman`` positive when the member owes the koperasi. Only postings in
    ``currency`` count, at their weight (:func:`kopledger.books.balances.weight`). Members
    without any posting are absent from the result.
    """
    parents = roots.member_parents()
    kinds: dict[str, tuple[str, str] | None] = {}  # account -> (member id, field) or None
    sums: dict[str, dict[str, Decimal]] = {}
    for entry in entries:
        if not isinstance(entry, data.Transaction):
            continue
        if date is not None and entry.date > date:
            break  # entries are sorted by date
        for posting in entry.postings:
            account = posting.account
            try:
                target = kinds[account]
            except KeyError:
                parent, _, member_id = account.rpartition(":")
                kind = parents.get(parent)
                target = kinds[account] = (member_id, _KIND_FIELD[kind]) if kind is not None else None
            if target is None:
                continue
            weighed = weight(posting, currency)
            if weighed is None:
                continue
            number: Decimal = weighed
            fields = sums.setdefault(target[0], {})
            fields[target[1]] = fields.get(target[1], ZERO) + number
    result = {}
    for member_id, fields in sums.items():
        signed = {k: (v if k == "pinjaman" else -v) for k, v in fields.items()}
        result[member_id] = MemberBalance(member_id, **signed)
    return result


PLUGIN = "kopledger.plugin"


def missing_plugin_error(options: dict[str, Any], path: Path | None) -> KopError | None:
    """An error when the ledger does not declare ``plugin "kopledger.plugin"``."""
    declared = {name for name, _config in options.get("plugin") or []}
    if PLUGIN in declared:
        return None
    source = {"filename": str(path.resolve()) if path else "<string>", "lineno": 1}
    return KopError.pesan(source, (
        'buku ini tidak memuat plugin "{plugin}", jadi akun anggota tidak dibuka dan '
        'aturan koperasi tidak diperiksa; tambahkan baris: plugin "{plugin}" (plugin missing)'
    ), None, plugin=PLUGIN)


@dataclass(frozen=True)
class Books:
    """A koperasi's loaded books: entries, options, errors and the register.

    Load with :meth:`load` (a file, through beancount's loader and its cache) or
    :meth:`from_string` (ledger text, e.g. in tests). ``entries`` are beancount's
    directives after the plugin ran (member accounts opened); ``errors`` are beancount's
    and the plugin's errors, each with ``source`` (file, line) and ``message``.

    It holds the account catalogue (:attr:`katalog`), the balance primitives
    (:meth:`balances`, :meth:`member_balances`) and a memo (:meth:`computed`) where each
    figure's one function keeps its result for these books. ``content_key`` is the content
    hash of the files it was loaded from (None: not from kopledger's cache).
    """

    entries: list[data.Directive]
    errors: list[Any]
    options: dict[str, Any]
    path: Path | None = None
    roots: Roots = field(default_factory=Roots)
    info: KoperasiInfo | None = None
    members: dict[str, Member] = field(default_factory=dict)
    policies: Policies = field(default_factory=lambda: Policies([]))
    shu_splits: list[ShuSplit] = field(default_factory=list)
    shu_bases: list[ShuBasis] = field(default_factory=list)
    officers: list[Officer] = field(default_factory=list)
    content_key: str | None = field(default=None, repr=False, compare=False)
    _memo: dict[Any, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Self:
        """Load the ledger at ``path`` (its includes too) with beancount's loader, through
        kopledger's own cache (:mod:`kopledger.books.load.cache`; ``KOP_CACHE=0``: always cold).

        Raises :class:`InputError` when ``path`` is missing, a folder or unreadable;
        problems inside the books are in ``errors``.
        """
        file = Path(path)
        if not file.exists():
            raise InputError.pesan(
                "berkas buku tidak ditemukan: {berkas}",
                hint="Sebutkan path berkas .beancount utama, atau atur KOP_LEDGER.",
                berkas=file,
            )
        if file.is_dir():
            raise InputError.pesan(
                "{berkas} adalah folder; sebutkan berkas .beancount utama di dalamnya",
                berkas=file,
            )
        require_regular(file)  # a FIFO or a device is refused, never opened (it would hang)
        try:
            with open(file, "rb"):
                pass
        except OSError as exc:
            raise InputError.pesan(
                "buku {berkas} tidak bisa dibaca: {sebab}; periksa path dan izin berkasnya",
                berkas=file, sebab=exc.strerror or exc,
            ) from None
        # through kopledger's own cache, with the cyclic GC paused while loading
        try:
            entries, errors, options = cache.load_books(str(file.resolve()))
        except KopledgerError:
            raise
        except Exception:  # beancount's own sort fails on a lineno written by hand (TypeError, AttributeError)
            _raise_location_metadata(location_metadata_in_files(file))
            raise
        return cls.from_entries(entries, errors, options, path=file, content_key=cache.loaded_key(file))

    @classmethod
    def from_string(cls, text: str) -> Self:
        """Load ledger text (no includes), e.g. a small ledger in a test."""
        try:
            entries, errors, options = loader.load_string(text)
        except KopledgerError:
            raise
        except Exception:  # beancount's own sort fails on a lineno written by hand (TypeError, AttributeError)
            _raise_location_metadata(location_metadata_in_files("<string>", text.encode()))
            raise
        return cls.from_entries(entries, errors, options)

    @classmethod
    def from_entries(
        cls,
        entries: list[data.Directive],
        errors: list[Any],
        options: dict[str, Any],
        *,
        path: Path | None = None,
        content_key: str | None = None,
    ) -> Self:
        """Build from already loaded entries (the plugin has reported any errors)."""
        currency = (options.get("operating_currency") or ["IDR"])[0]
        ours = customs(entries, *DIRECTIVES)
        members, _ = parse_members(ours)
        policies, _ = parse_policies(ours, currency)
        all_errors = locate_include_errors(list(errors), options)  # issue 13: file:line of an include
        missing = missing_plugin_error(options, path)
        if missing is not None:
            all_errors.insert(0, missing)
        return cls(
            entries=entries,
            errors=all_errors,
            options=options,
            path=path,
            roots=Roots.from_options(options),
            info=parse_koperasi(ours)[0],
            members=members,
            policies=Policies(policies),
            shu_splits=parse_shu_splits(ours)[0],
            shu_bases=parse_shu_bases(ours)[0],
            officers=parse_officers(ours)[0],
            content_key=content_key,
        )

    # --- simple facts -----------------------------------------------------------
    @property
    def currency(self) -> str:
        """The operating currency (IDR)."""
        return str((self.options.get("operating_currency") or ["IDR"])[0])

    @property
    def title(self) -> str:
        """The koperasi's name: the ``koperasi`` directive, else the ledger title."""
        if self.info is not None:
            return self.info.nama
        return str(self.options.get("title") or "Koperasi")

    @functools.cached_property
    def transactions(self) -> list[data.Transaction]:
        """The transactions, in date order."""
        return [e for e in self.entries if isinstance(e, data.Transaction)]

    def period(self) -> tuple[dt.date, dt.date] | None:
        """First and last date of the transactions, or None for empty books."""
        txns = self.transactions
        return (txns[0].date, txns[-1].date) if txns else None

    def years(self) -> list[int]:
        """The calendar years that have transactions."""
        return sorted({e.date.year for e in self.transactions})

    def active_members(self, date: dt.date) -> list[Member]:
        """Members on ``date`` (joined on or before it, not yet left), by id."""
        return sorted((m for m in self.members.values() if m.is_active(date)), key=lambda m: m.id)

    def member(self, member_id: str) -> Member:
        """The member with ``member_id``; :class:`InputError` if there is none."""
        try:
            return self.members[member_id]
        except KeyError:
            raise InputError.pesan(
                "anggota tidak dikenal: {anggota!r}",
                hint="Lihat daftar anggota dengan: kop anggota daftar BUKU", anggota=member_id,
            ) from None

    def policies_at(self, date: dt.date) -> dict[str, Any]:
        """Every ``kebijakan`` value in force on ``date`` (defaults where none was set)."""
        return self.policies.in_force(date)

    def shu_split(self, date: dt.date) -> ShuSplit | None:
        """The SHU split (``shu-alokasi`` set) in force on ``date``."""
        return split_in_force(self.shu_splits, date)

    def member_balances(self, date: dt.date | None = None) -> dict[str, MemberBalance]:
        """Every member's balances by kind at ``date`` (inclusive; None: all entries)."""
        return member_balances(self.entries, self.roots, date=date, currency=self.currency)

    def member_balance(self, member_id: str, date: dt.date | None = None) -> MemberBalance:
        """One member's balances by kind at ``date``; :class:`InputError` for an unknown id."""
        self.member(member_id)
        return self.member_balances(date).get(member_id, MemberBalance(member_id))

    # --- the composition root ------------------------------------------------------------
    def computed(self, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
        """``compute()``, once per loaded books and ``key`` (kept on this instance)."""
        try:
            return cast(T, self._memo[key])
        except KeyError:
            value = self._memo[key] = compute()
            return value

    @functools.cached_property
    def katalog(self) -> Katalog:
        """The account catalogue: kind, kode, nama, dates, jangka, cash, flow, member, unit."""
        return Katalog(self.entries, self.roots)

    def balances(
        self, *, start: dt.date | None = None, end: dt.date | None = None, exclude: EntryFilter | None = None
    ) -> dict[str, Decimal]:
        """Each account's balance (sum of posting weights in the operating currency),
        dated ``start`` to ``end`` inclusive; beancount's signs."""
        return account_balances(self.entries, currency=self.currency, start=start, end=end, exclude=exclude)


def _raise_location_metadata(found: list[tuple[str, int, str]]) -> None:
    """Raise :class:`InputError` naming the metadata ``lineno``/``filename`` written by hand
    (beancount cannot parse such books: its own sort fails), if there are any."""
    if found:
        raise InputError.pesan(
            "buku tidak bisa dibaca: metadata lineno/filename ditulis sendiri di {letak}; beancount "
            "mengisinya dengan letak catatan. Hapus baris metadata itu",
            letak=", ".join(f"{name}:{line} ({key})" for name, line, key in found),
        ) from None
