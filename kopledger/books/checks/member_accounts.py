"""Member accounts (the subsidiary ledger): opened by the plugin, and the rules of their use.

The plugin opens each member's sub-accounts on the member's join date (``custom "anggota"``)
— only the kinds the member actually uses, in a transaction or a ``balance``/``pad``/
``note``/``document`` directive — and closes them once the member has left
(``custom "anggota-keluar"``) and the account is settled to zero (:func:`open_and_close`).

Rules (docs/ledger-language.md explains each), checked by one walk over the entries in
order (:class:`MemberWalk`, resumable with entries that sort after every one it has seen):

- a member account belongs to a registered member, is used on or after the join date,
  and after the exit date only moves toward zero (payables to leavers —
  ``SimpananAnggotaKeluar``, ``UtangSHU`` — may still grow);
- ``anggota:`` metadata names a registered member;
- member accounts hold the operating currency only.

The walk hands each posting that passes these to a :class:`PostingRule` (the savings rules,
:mod:`kopledger.books.checks.savings_rules`), so the books are walked once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import operator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from beancount.core import data

from kopledger.books.checks.directive_shapes import currency_of, ours, parse_register
from kopledger.books.checks.invariants import Seen, location
from kopledger.books.closed.chain import generated_metadata
from kopledger.books.directives import Member
from kopledger.core.errors import Angka, KopError
from kopledger.core.roots import LEAVER_PAYABLE_KINDS, MemberKind, Roots

ZERO = Decimal(0)


@dataclass(slots=True)
class MemberAccount:
    """What the walk tracks for one member account."""

    account: str
    kind: MemberKind
    member_id: str
    member: Member | None
    first_date: dt.date
    first_meta: dict[str, Any]
    last_date: dt.date
    balance: Decimal = ZERO
    other_currency: bool = False
    last_credit: data.Transaction | Seen | None = None  # last payment into simpanan pokok


class PostingRule(Protocol):
    """A rule judging postings on member accounts of ``kinds`` (see :meth:`MemberWalk.transaction`)."""

    kinds: frozenset[MemberKind]

    def posting(
        self, state: MemberAccount, member: Member, number: Decimal, before: Decimal,
        meta: dict[str, Any], entry: data.Transaction,
    ) -> None:
        """Judge one posting of ``number`` (the balance was ``before``), by an active or exiting member."""


_NO_META: dict[str, Any] = {}

#: A member account's fields as a tuple, in the order of the dataclass.
_account_fields = operator.attrgetter(*(f.name for f in dataclasses.fields(MemberAccount)))

#: Marker of an account not seen yet (``None`` marks a seen non-member account).
_UNSEEN: Any = object()


def posting_meta(posting: data.Posting, entry: data.Transaction) -> dict[str, Any]:
    """Where a posting is: its own meta (file, line) when it has one, else the entry's."""
    meta = posting.meta
    return meta if meta and "lineno" in meta else entry.meta


def where(meta: dict[str, Any] | None) -> str:
    """``file:line`` of ``meta``."""
    meta = meta or {}
    return f"{meta.get('filename')}:{meta.get('lineno')}"


def toward_zero(before: Decimal, after: Decimal) -> bool:
    """The balance moved toward zero without crossing it (or did not move)."""
    if after == before:
        return True
    if after == 0:
        return True
    return abs(after) < abs(before) and (after > 0) == (before > 0)


class MemberWalk:
    """One walk over the books in order: member-account bookkeeping and the posting rules.

    ``errors`` may be shared with ``rule`` (so errors come in the books' order).
    """

    def __init__(
        self, roots: Roots, currency: str, members: dict[str, Member],
        rule: PostingRule | None = None, errors: list[KopError] | None = None,
    ) -> None:
        self.parents = roots.member_parents()
        self.currency = currency
        self.members = members
        self.rule = rule
        self.watched = rule.kinds if rule is not None else frozenset()
        self.accounts: dict[str, MemberAccount | None] = {}
        self.errors: list[KopError] = [] if errors is None else errors
        self.keluar_parent = roots.member_parent(MemberKind.KELUAR)

    def __getstate__(self) -> dict[str, Any]:
        # kept with every snapshot: the member accounts as plain tuples pickle and load at
        # C speed (thousands of them); they become objects again when a walk resumes
        state = dict(self.__dict__)
        state["accounts"] = {k: None if v is None else _account_fields(v) for k, v in self.accounts.items()}
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.accounts = {k: None if v is None else MemberAccount(*v) for k, v in state["accounts"].items()}

    def track(
        self, account: str, date: dt.date, meta: dict[str, Any], *, extend: bool = True
    ) -> MemberAccount | None:
        """The state of ``account`` if it is a member account (None otherwise).

        ``extend``: the use keeps the account open until ``date`` (transactions and pads;
        beancount allows balance, note and document directives after a close).
        """
        try:
            state = self.accounts[account]
        except KeyError:
            parent, _, member_id = account.rpartition(":")
            kind = self.parents.get(parent)
            state = None
            if kind is not None:
                state = MemberAccount(account, kind, member_id, self.members.get(member_id), date, meta, date)
            self.accounts[account] = state
            return state
        if state is not None and extend:
            state.last_date = date
        return state

    def visit(self, entry: data.Directive) -> None:
        """Walk one entry (entries are visited in the books' order)."""
        if isinstance(entry, data.Transaction):
            self.transaction(entry)
        elif isinstance(entry, data.Balance | data.Note | data.Document):
            self.other_entry(entry, (entry.account,), extend=False)
        elif isinstance(entry, data.Pad):
            self.other_entry(entry, (entry.account, entry.source_account), extend=True)

    def slim(self) -> MemberWalk:
        """This walk, done, made to remember of each entry only its date and file:line
        (what the messages name), to be kept with a snapshot and resumed."""
        for state in self.accounts.values():
            if state is None:
                continue
            if state.last_credit is not None:
                state.last_credit = Seen(state.last_credit.date, location(state.last_credit.meta))
            if state.member is not None:
                state.first_meta = _NO_META  # read only to open an unknown member's account
        return self

    def error(self, meta: dict[str, Any] | None, teks: str, entry: Any, /, **nilai: Any) -> None:
        self.errors.append(KopError.pesan(meta, teks, entry, **nilai))

    def unknown_member(self, state: MemberAccount, date: dt.date, meta: dict[str, Any], entry: Any) -> None:
        self.error(meta, (
            "{akun}: anggota tidak dikenal: {anggota}; daftarkan dulu dengan "
            'custom "anggota" "{anggota}" "NAMA" bertanggal {tanggal} atau sebelumnya, '
            "atau perbaiki nomor anggota (unknown member)"
        ), entry, akun=state.account, anggota=state.member_id, tanggal=date)

    def other_entry(self, entry: data.Directive, accounts: tuple[str, ...], *, extend: bool) -> None:
        """A balance/pad/note/document directive: the accounts it names are used."""
        for account in accounts:
            state = self.track(account, entry.date, entry.meta, extend=extend)
            if state is not None and state.member is None:
                self.unknown_member(state, entry.date, entry.meta, entry)

    def anggota_meta(self, value: Any, meta: dict[str, Any], entry: data.Transaction) -> None:
        if not isinstance(value, str) or value not in self.members:
            self.error(meta, (
                "anggota: {isi!r} bukan anggota terdaftar; pakai nomor anggota yang didaftarkan "
                'dengan custom "anggota" (misalnya anggota: "A0001"), atau daftarkan dulu (unknown member)'
            ), entry, isi=value)

    def transaction(self, entry: data.Transaction) -> None:
        members = self.members
        accounts = self.accounts
        tagged = entry.meta.get("anggota")
        if tagged is not None and (not isinstance(tagged, str) or tagged not in members):
            self.anggota_meta(tagged, entry.meta, entry)
        date = entry.date
        for posting in entry.postings:
            pmeta = posting.meta
            if pmeta and "anggota" in pmeta:
                self.anggota_meta(pmeta["anggota"], posting_meta(posting, entry), entry)
            state = accounts.get(posting.account, _UNSEEN)
            if state is None:  # not a member account (the common case)
                continue
            if state is _UNSEEN:
                state = self.track(posting.account, date, posting_meta(posting, entry))
                if state is None:
                    continue
            else:
                state.last_date = date
            member = state.member
            meta = posting_meta(posting, entry)
            if member is None:
                self.unknown_member(state, date, meta, entry)
                continue
            units = posting.units
            if units is None or units.number is None:
                continue
            if units.currency != self.currency:
                state.other_currency = True
                self.error(meta, (
                    "{akun}: akun anggota hanya boleh dalam {mata_uang}, tetapi posting ini "
                    "{jumlah} {mata_uang_posting}; catat jumlahnya dalam {mata_uang} (wrong currency)"
                ), entry, akun=state.account, mata_uang=self.currency, jumlah=units.number,
                    mata_uang_posting=units.currency)
                continue
            number = units.number
            before = state.balance
            after = before + number
            state.balance = after

            if date < member.tanggal_masuk:
                self.error(meta, (
                    "{akun}: posting tanggal {tanggal} sebelum anggota {anggota} masuk pada "
                    "{masuk} ({lokasi}); beri tanggal pada atau setelah tanggal "
                    "masuk, atau perbaiki tanggal masuk (posting before join date)"
                ), entry, akun=state.account, tanggal=date, anggota=member.id, masuk=member.tanggal_masuk,
                    lokasi=where(member.meta))
                continue
            left = member.tanggal_keluar
            if left is not None and date > left:
                if state.kind not in LEAVER_PAYABLE_KINDS and not toward_zero(before, after):
                    self.error(meta, (
                        "{akun}: anggota {anggota} sudah keluar pada {keluar}; setelah keluar "
                        "saldo hanya boleh diselesaikan menuju nol, tetapi posting ini mengubah saldo "
                        "dari {sebelum} menjadi {sesudah}; selesaikan saldonya (misalnya lewat "
                        "{induk_keluar}:{anggota}) (posting after exit)"
                    ), entry, akun=state.account, anggota=member.id, keluar=left, sebelum=Angka(before),
                        sesudah=Angka(after), induk_keluar=self.keluar_parent)
                continue
            if state.kind in self.watched:
                self.rule.posting(state, member, number, before, meta, entry)  # type: ignore[union-attr]


def _open(meta: dict[str, Any], date: dt.date, account: str) -> data.Open:
    """An ``open`` without currency constraint or booking method, as the parser makes it."""
    return data.Open(meta, date, account, None, None)  # type: ignore[arg-type]


def open_and_close(
    accounts: dict[str, MemberAccount | None], opened: set[str], closed: set[str]
) -> list[data.Open | data.Close]:
    """Open each used member account on the join date (unless ``opened`` by hand); close it
    once the leaver is settled (unless ``closed`` by hand). In the books' order."""
    new_entries: list[data.Open | data.Close] = []
    for state in accounts.values():
        if state is None or state.account in opened:
            continue
        member = state.member
        if member is None:  # unknown member (reported): open it anyway, to avoid a second error
            meta = generated_metadata(state.first_meta.get("filename", "<kopledger>"), state.first_meta.get("lineno", 0))
            new_entries.append(_open(meta, state.first_date, state.account))
            continue
        meta = generated_metadata(member.meta.get("filename", "<kopledger>"), member.meta.get("lineno", 0))
        open_date = min(member.tanggal_masuk, state.first_date)
        new_entries.append(_open(meta, open_date, state.account))
        left = member.tanggal_keluar
        if left is not None and state.balance == 0 and not state.other_currency and state.account not in closed:
            new_entries.append(data.Close(meta, max(left, state.last_date), state.account))
    new_entries.sort(key=data.entry_sortkey)  # as they come in the books (a stable sort)
    return new_entries


def hand_written(entries: list[data.Directive]) -> tuple[set[str], set[str]]:
    """The accounts opened and closed by hand (``open``/``close`` lines)."""
    opened: set[str] = set()
    closed: set[str] = set()
    for entry in entries:
        if isinstance(entry, data.Open):
            opened.add(entry.account)
        elif isinstance(entry, data.Close):
            closed.add(entry.account)
    return opened, closed


def walk_members(entries: list[data.Directive], options_map: dict[str, Any]) -> MemberWalk:
    """The member walk (without posting rule) over ``entries``."""
    register, _ = parse_register(ours(entries), currency_of(options_map))
    walk = MemberWalk(Roots.from_options(options_map), currency_of(options_map), register.members)
    for entry in entries:
        walk.visit(entry)
    return walk


def check_member_accounts(entries: list[data.Directive], options_map: dict[str, Any]) -> list[KopError]:
    """Check ``(entries, options_map) -> errors``: the member-account rules above."""
    return walk_members(entries, options_map).errors


def open_member_accounts(
    entries: list[data.Directive], options_map: dict[str, Any]
) -> tuple[list[data.Directive], list[KopError]]:
    """Transformation ``(entries, options_map) -> (entries, errors)``: ``entries`` with the
    member accounts opened and closed, and the member-account rules' errors."""
    walk = walk_members(entries, options_map)
    made = open_and_close(walk.accounts, *hand_written(entries))
    return (sorted([*entries, *made], key=data.entry_sortkey) if made else entries), walk.errors
