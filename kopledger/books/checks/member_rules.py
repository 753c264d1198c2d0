"""The member-account rules of the beancount plugin ``kopledger.plugin`` (declared in ledgers).

Declared in a ledger as ``plugin "kopledger.plugin"``. It

- opens each member's sub-accounts (the subsidiary ledger) on the member's join date
  (``custom "anggota"``) — only the kinds the member actually uses, in a transaction or
  a ``balance``/``pad``/``note``/``document`` directive — and closes them once the
  member has left (``custom "anggota-keluar"``) and the account is settled to zero;
- enforces the cooperative rules of DESIGN.md and returns every breach as an error
  carrying the offending entry's (or posting's) file and line;
- runs the extra checks registered in :data:`CHECKS` (e.g. the closed-year lock).

Rules checked (docs/ledger-language.md explains each):

- the kopledger ``custom`` directives are well formed (values, keys, SHU split = 100%);
- a member account belongs to a registered member, is used on or after the join date,
  and after the exit date only moves toward zero (payables to leavers —
  ``SimpananAnggotaKeluar``, ``UtangSHU`` — may still grow);
- ``anggota:`` metadata names a registered member;
- member accounts hold the operating currency only;
- simpanan pokok is paid once, in the amount of the policy in force;
- simpanan pokok and wajib are not withdrawn (debited) while the member is active.

Entries tagged ``#koreksi`` or ``#saldo-awal…`` are exempt from the simpanan-pokok
amount/once rule and from the no-withdrawal rule (corrections and opening balances).

Like every beancount plugin it never raises: it returns ``(entries, errors)``. It makes
one pass over the directives to collect kopledger's ``custom`` directives and one pass
over the postings, with a per-account cache, so its cost grows linearly with the books.

Within :func:`recording` (kopledger's cache does this), a run over clean books keeps the
state its walks reached (:class:`Resumable`), and a later run over the same books grown
by an append resumes from it, walking only the new entries, where that gives exactly a
full run's result (:func:`_resume` says when).
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import datetime as dt
import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from beancount.core import data

from kopledger.books.checks.invariants import Seen, Walk, check_invariants, location
from kopledger.books.checks.rat_directives import check_rat_directives
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
from kopledger.core.errors import Angka, KopError
from kopledger.core.roots import CAPITAL_KINDS, LEAVER_PAYABLE_KINDS, MemberKind, Roots

__plugins__ = ["koperasi"]

ZERO = Decimal(0)

#: Extra whole-ledger checks: ``f(entries, options_map) -> list of errors``.
CHECKS: list[Callable[[list[data.Directive], dict[str, Any]], list[Any]]] = []

#: Tags that exempt a transaction from the savings rules.
EXEMPT_TAG = "koreksi"
EXEMPT_TAG_PREFIX = "saldo-awal"


def is_exempt(entry: data.Transaction) -> bool:
    """Corrections (``#koreksi``) and opening balances (``#saldo-awal…``) are exempt."""
    return any(tag == EXEMPT_TAG or tag.startswith(EXEMPT_TAG_PREFIX) for tag in entry.tags or ())


def koperasi(
    entries: list[data.Directive], options_map: dict[str, Any], config: str | None = None
) -> tuple[list[data.Directive], list[Any]]:
    """Open member accounts, check the cooperative rules, run the registered checks."""
    try:
        return _run(entries, options_map)
    except Exception as exc:  # a plugin must never raise: report it as an error instead
        return entries, [KopError.pesan(None, (
            "kopledger.plugin gagal karena kesalahan internal: {galat}; "
            "aturan koperasi tidak diperiksa. Laporkan ini sebagai bug (internal error)."
        ), None, galat=repr(exc))]


@dataclass(slots=True)
class _MemberAccount:
    """What the plugin tracks for one member account while it walks the postings."""

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


_NO_META: dict[str, Any] = {}

#: A member account's fields as a tuple, in the order of the dataclass.
_account_fields = operator.attrgetter(*(f.name for f in dataclasses.fields(_MemberAccount)))

#: Marker of an account not seen yet (``None`` marks a seen non-member account).
_UNSEEN: Any = object()


def _posting_meta(posting: data.Posting, entry: data.Transaction) -> dict[str, Any]:
    """Where a posting is: its own meta (file, line) when it has one, else the entry's."""
    meta = posting.meta
    return meta if meta and "lineno" in meta else entry.meta


def _where(meta: dict[str, Any] | None) -> str:
    meta = meta or {}
    return f"{meta.get('filename')}:{meta.get('lineno')}"


class _Checker:
    """One walk over the books: member-account bookkeeping and the posting rules."""

    def __init__(self, roots: Roots, currency: str, members: dict[str, Member], policies: Policies) -> None:
        self.parents = roots.member_parents()
        self.currency = currency
        self.members = members
        self.policies = policies
        self.accounts: dict[str, _MemberAccount | None] = {}
        self.errors: list[KopError] = []
        self.keluar_parent = roots.member_parent(MemberKind.KELUAR)

    def __getstate__(self) -> dict[str, Any]:
        # kept with every snapshot: the member accounts as plain tuples pickle and load at
        # C speed (thousands of them); they become objects again when a run resumes
        state = dict(self.__dict__)
        state["accounts"] = {k: None if v is None else _account_fields(v) for k, v in self.accounts.items()}
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.accounts = {k: None if v is None else _MemberAccount(*v) for k, v in state["accounts"].items()}

    def track(
        self, account: str, date: dt.date, meta: dict[str, Any], *, extend: bool = True
    ) -> _MemberAccount | None:
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
                state = _MemberAccount(
                    account, kind, member_id, self.members.get(member_id), date, meta, date
                )
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

    def slim(self) -> _Checker:
        """This checker, done walking, made to remember of each entry only its date and
        file:line (what the messages name), to be kept with a snapshot and resumed."""
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

    def unknown_member(self, state: _MemberAccount, date: dt.date, meta: dict[str, Any], entry: Any) -> None:
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
        exempt: bool | None = None
        date = entry.date
        for posting in entry.postings:
            pmeta = posting.meta
            if pmeta and "anggota" in pmeta:
                self.anggota_meta(pmeta["anggota"], _posting_meta(posting, entry), entry)
            state = accounts.get(posting.account, _UNSEEN)
            if state is None:  # not a member account (the common case)
                continue
            if state is _UNSEEN:
                state = self.track(posting.account, date, _posting_meta(posting, entry))
                if state is None:
                    continue
            else:
                state.last_date = date
            member = state.member
            meta = _posting_meta(posting, entry)
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
                    lokasi=_where(member.meta))
                continue
            left = member.tanggal_keluar
            if left is not None and date > left:
                if state.kind not in LEAVER_PAYABLE_KINDS and not _toward_zero(before, after):
                    self.error(meta, (
                        "{akun}: anggota {anggota} sudah keluar pada {keluar}; setelah keluar "
                        "saldo hanya boleh diselesaikan menuju nol, tetapi posting ini mengubah saldo "
                        "dari {sebelum} menjadi {sesudah}; selesaikan saldonya (misalnya lewat "
                        "{induk_keluar}:{anggota}) (posting after exit)"
                    ), entry, akun=state.account, anggota=member.id, keluar=left, sebelum=Angka(before),
                        sesudah=Angka(after), induk_keluar=self.keluar_parent)
                continue
            kind = state.kind
            withdrawal = number > 0 and kind in CAPITAL_KINDS and (left is None or date < left)
            pokok_paid = number < 0 and kind is MemberKind.POKOK
            if not (withdrawal or pokok_paid):
                continue
            if exempt is None:
                exempt = is_exempt(entry)
            if exempt:
                if pokok_paid:
                    state.last_credit = entry
            elif withdrawal:
                label = "pokok" if kind is MemberKind.POKOK else "wajib"
                self.error(meta, (
                    "{akun}: simpanan {jenis} tidak boleh diambil selama anggota {anggota} "
                    'masih aktif; catat dulu keluarnya (custom "anggota-keluar" "{anggota}" bertanggal '
                    "sama dengan transaksi keluar), atau beri tag #koreksi bila ini koreksi (withdrawal while active)"
                ), entry, akun=state.account, jenis=label, anggota=member.id)
            else:
                self.pokok_payment(state, member, -number, before, meta, entry)

    def pokok_payment(
        self,
        state: _MemberAccount,
        member: Member,
        paid: Decimal,
        before: Decimal,
        meta: dict[str, Any],
        entry: data.Transaction,
    ) -> None:
        previous = state.last_credit
        state.last_credit = entry
        if before < 0:
            if previous is not None:
                self.error(meta, (
                    "{akun}: simpanan pokok {anggota} sudah dibayar pada {tanggal} ({lokasi}); "
                    "simpanan pokok hanya dibayar sekali; hapus pembayaran ini, atau beri tag #koreksi "
                    "bila ini koreksi (paid twice)"
                ), entry, akun=state.account, anggota=member.id, tanggal=previous.date, lokasi=_where(previous.meta))
                return
            self.error(meta, (
                "{akun}: simpanan pokok {anggota} sudah dibayar; "
                "simpanan pokok hanya dibayar sekali; hapus pembayaran ini, atau beri tag #koreksi "
                "bila ini koreksi (paid twice)"
            ), entry, akun=state.account, anggota=member.id)
            return
        policy = self.policies.at("simpanan-pokok", entry.date)
        if policy is None:
            return
        required = policy.value.number
        if paid != required:
            self.error(meta, (
                "{akun}: simpanan pokok dibayar {dibayar} {mata_uang}, padahal "
                "kebijakan yang berlaku pada {tanggal} adalah {ketentuan} {mata_uang} "
                '(kebijakan "simpanan-pokok" tanggal {tanggal_kebijakan}, {lokasi}); '
                "catat tepat sebesar itu (wrong amount)"
            ), entry, akun=state.account, dibayar=Angka(paid), mata_uang=self.currency, tanggal=entry.date,
                ketentuan=Angka(required), tanggal_kebijakan=policy.date, lokasi=_where(policy.meta))


def _toward_zero(before: Decimal, after: Decimal) -> bool:
    """The balance moved toward zero without crossing it (or did not move)."""
    if after == before:
        return True
    if after == 0:
        return True
    return abs(after) < abs(before) and (after > 0) == (before > 0)


#: How the last run walked the books: "full", or "resumed" (only the new entries: :func:`recording`).
last_run = ""


def _run(entries: list[data.Directive], options_map: dict[str, Any]) -> tuple[list[data.Directive], list[Any]]:
    global last_run
    resumed = _resume(entries, options_map)
    if resumed is not None:
        last_run = "resumed"
        return resumed
    last_run = "full"
    roots = Roots.from_options(options_map)
    currency = (options_map.get("operating_currency") or ["IDR"])[0]

    # Pass 1: kopledger's custom directives and the hand-written open/close lines.
    ours: list[data.Directive] = []
    opened: set[str] = set()
    closed: set[str] = set()
    known = frozenset(DIRECTIVES)
    for entry in entries:
        if isinstance(entry, data.Custom):
            if entry.type in known:
                ours.append(entry)
        elif isinstance(entry, data.Open):
            opened.add(entry.account)
        elif isinstance(entry, data.Close):
            closed.add(entry.account)

    errors: list[Any] = []
    errors += parse_koperasi(ours)[1]
    members, errs = parse_members(ours)
    errors += errs
    policy_list, errs = parse_policies(ours, currency)
    errors += errs
    errors += parse_shu_splits(ours)[1]
    errors += parse_shu_bases(ours)[1]
    errors += parse_officers(ours)[1]
    errors += check_directive_shapes(ours)

    # Pass 2: every posting (and balance/pad/note/document) on a member account.
    checker = _Checker(roots, currency, members, Policies(policy_list))
    for entry in entries:
        checker.visit(entry)
    walk = Walk(options_map)
    for entry in entries:
        walk.visit(entry)
    return _finish(entries, options_map, checker, walk, opened, closed, errors)


def _finish(
    entries: list[data.Directive],
    options_map: dict[str, Any],
    checker: _Checker,
    walk: Walk,
    opened: set[str],
    closed: set[str],
    errors: list[Any],
    made_before: list[data.Open | data.Close] | None = None,
) -> tuple[list[data.Directive], list[Any]]:
    """The rest of a run once the walks are done: their errors, the whole-book checks, the
    member accounts opened and closed; the state is kept for :func:`_resume` when asked."""
    errors += checker.errors
    new_entries = _open_and_close(checker.accounts, opened, closed)
    if made_before:
        # the same open or close as the run resumed from: that very object, so the books
        # before and after an append share it (memory, and the snapshot of the append)
        same = {(type(e), e.account, e.date): e for e in made_before}
        new_entries = [
            old if (old := same.get((type(e), e.account, e.date))) is not None and old == e else e
            for e in new_entries
        ]

    from kopledger.books.closed.chain import check_closed_years, drop_superseded_assertions

    for check in [check_closed_years, *CHECKS]:
        errors += walk.errors if check is check_invariants else check(entries, options_map)
    new_entries.sort(key=data.entry_sortkey)  # as they come in the books (a stable sort)
    if _RECORD.get() is not None and not errors:
        _RECORD.set(Resumable(
            list(entries), _options_key(options_map), checker.slim(), walk.slim(), opened, closed, new_entries))
    entries = drop_superseded_assertions(entries)  # assertions of closings reopened since

    if new_entries:
        entries = sorted([*entries, *new_entries], key=data.entry_sortkey)
    return entries, errors


# --- resuming a run over books that only grew -----------------------------------------


@dataclass
class Resumable:
    """What a clean run leaves to resume from: the entries it was given (``inputs``) and the
    walks' state after them. Kept with kopledger's cache snapshots (:mod:`kopledger.books.load.incremental`)."""

    inputs: list[data.Directive]
    options: tuple[Any, ...]
    checker: _Checker
    walk: Walk
    opened: set[str]
    closed: set[str]
    made: list[data.Open | data.Close]  # the opens and closes the run added


#: Set by :func:`recording`: the state a clean run leaves (``Resumable``), else ``False``.
_RECORD: contextvars.ContextVar[Resumable | bool | None] = contextvars.ContextVar("kop_record", default=None)
#: Set by :func:`recording`: the state to resume from.
_RESUME: contextvars.ContextVar[Resumable | None] = contextvars.ContextVar("kop_resume", default=None)


@contextlib.contextmanager
def recording(previous: Resumable | None = None) -> Iterator[Callable[[], Resumable | None]]:
    """Within the block, a run of the plugin over clean books keeps its state; the function
    yielded returns it, also after the block (None when the books had errors or the plugin
    did not run). With ``previous`` (the state of a run over a prefix of these books), a
    run may resume from it instead of walking every entry again, with the same result
    (:func:`_resume`)."""
    kept: list[Resumable] = []
    record = _RECORD.set(False)
    resume = _RESUME.set(previous)
    try:
        yield lambda: kept[0] if kept else None
    finally:
        found = _RECORD.get()
        if isinstance(found, Resumable):
            kept.append(found)
        _RECORD.reset(record)
        _RESUME.reset(resume)


def _options_key(options_map: dict[str, Any]) -> tuple[Any, ...]:
    """The options a run depends on (root names, operating currency)."""
    return (Roots.from_options(options_map), tuple(options_map.get("operating_currency") or ()))


#: The only old entries that may sort after a new one in a resumed run: directives no walk
#: reads in order (a budget or an RAT text dated ahead), when they carry no ``bukti``.
_OLD_AFTER_NEW = (data.Custom, data.Event, data.Query)


def _resume(entries: list[data.Directive], options_map: dict[str, Any]) -> tuple[list[data.Directive], list[Any]] | None:
    """The plugin's result for ``entries``, walking only the entries new since the run whose
    state :func:`recording` was given — or None where that would not be exactly a full run.

    Exact when the earlier run's entries are all here, in the same order, and every new
    entry sorts after each of them that a walk reads (only custom, event and query
    directives without ``bukti`` may follow a new entry), and no new entry is one of
    kopledger's ``custom`` directives, an open or a close: the walks then see the same
    entries in the same order, and their state after the old ones is the saved one.
    """
    saved = _RESUME.get()
    if saved is None or saved.checker is None:
        return None
    _RESUME.set(None)  # one run only: later plugins in the same load start afresh
    if saved.options != _options_key(options_map):
        return None
    old = saved.inputs
    count = len(old)
    new: list[data.Directive] = []
    j = 0
    for entry in entries:
        if j < count and entry is old[j]:
            j += 1
            if new and (not isinstance(entry, _OLD_AFTER_NEW) or (entry.meta and "bukti" in entry.meta)):
                return None
        else:
            new.append(entry)
    if j != count:
        return None
    known = frozenset(DIRECTIVES)
    for entry in new:
        if isinstance(entry, data.Open | data.Close | data.Document) or (
            isinstance(entry, data.Custom) and entry.type in known
        ):
            return None
    checker, walk = saved.checker, saved.walk
    saved.checker = saved.walk = None  # type: ignore[assignment]  # walked on: used once
    for entry in new:
        checker.visit(entry)
        walk.visit(entry)
    return _finish(entries, options_map, checker, walk, saved.opened, saved.closed, [], saved.made)


def _open(meta: dict[str, Any], date: dt.date, account: str) -> data.Open:
    """An ``open`` without currency constraint or booking method, as the parser makes it."""
    return data.Open(meta, date, account, None, None)  # type: ignore[arg-type]


def _open_and_close(
    accounts: dict[str, _MemberAccount | None], opened: set[str], closed: set[str]
) -> list[data.Open | data.Close]:
    """Open each used member account on the join date; close it once the leaver is settled."""
    new_entries: list[data.Open | data.Close] = []
    for state in accounts.values():
        if state is None or state.account in opened:
            continue
        member = state.member
        if member is None:  # unknown member (reported): open it anyway, to avoid a second error
            meta = data.new_metadata(state.first_meta.get("filename", "<kopledger>"), state.first_meta.get("lineno", 0))
            new_entries.append(_open(meta, state.first_date, state.account))
            continue
        meta = data.new_metadata(member.meta.get("filename", "<kopledger>"), member.meta.get("lineno", 0))
        open_date = min(member.tanggal_masuk, state.first_date)
        new_entries.append(_open(meta, open_date, state.account))
        left = member.tanggal_keluar
        if left is not None and state.balance == 0 and not state.other_currency and state.account not in closed:
            new_entries.append(data.Close(meta, max(left, state.last_date), state.account))
    return new_entries


CHECKS.append(check_invariants)  # the books' invariants (issue #12): kopledger/books/checks/invariants.py
CHECKS.append(check_rat_directives)  # budget, old-year summaries, health inputs: kopledger/books/checks/rat_directives.py
