"""The beancount plugin ``kopledger.plugin``: kopledger's checks, composed in one order.

Each check is a function ``(entries, options_map) -> errors`` of its own module, as
beancount's plugins are; the opening of member accounts is a transformation
``(entries, options_map) -> (entries, errors)``. In the order their errors are reported:

1. kopledger's ``custom`` directives well formed (:mod:`.directive_shapes`);
2. the member accounts (:mod:`.member_accounts`) and the savings rules (:mod:`.savings_rules`),
   in the books' order — one walk;
3. the books' invariants: one SHU allocation a year, SHU paid within it, loan ids unique,
   loans not repaid beyond their principal, every ``bukti`` once (:mod:`.invariants`) — one walk;
4. the closed years: locks and archived year files (:mod:`.closed_years`), over the output:
   the member accounts opened and closed (the entries this run made, handed to the check by
   identity and marked :data:`~kopledger.books.closed.chain.GENERATED`), the balance
   assertions of closings reopened since dropped;
5. the RAT and examiner directives (:mod:`.rat_directives`); whole rupiah and cash never
   below zero (:mod:`.amounts`). The plugin keeps no state between runs and writes nothing.

:func:`check` is the same run for a caller that owns state kept between runs (kopledger's
cache): given the :class:`Resumable` a clean run left (``keep=True``), a run over the same
books grown by an append walks only the new entries where that gives exactly a full run's
result (:func:`_resume` says when); given a :class:`~kopledger.books.closed.chain.VerifiedCache`,
the closed years it vouches for are not fingerprinted again, and the years verified now are
noted in it for the caller to save.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from beancount.core import data

from kopledger.books.checks.amounts import check_amounts
from kopledger.books.checks.closed_years import check_closed_years
from kopledger.books.checks.directive_shapes import KNOWN, currency_of, parse_register
from kopledger.books.checks.invariants import Walk
from kopledger.books.checks.member_accounts import MemberWalk, open_and_close
from kopledger.books.checks.rat_directives import check_rat_directives
from kopledger.books.checks.savings_rules import SavingsRules
from kopledger.books.closed.chain import VerifiedCache, drop_superseded_assertions
from kopledger.core.errors import KopError
from kopledger.core.roots import Roots

Entries = list[data.Directive]
#: A check: ``(entries, options_map) -> errors``.
Check = Callable[[Entries, dict[str, Any]], list[Any]]


def whole_book_checks(verified: VerifiedCache | None) -> tuple[Check, ...]:
    """The checks that read the whole books after the walks (step 5; step 4 is :func:`closed_years`)."""
    return (check_rat_directives, check_amounts)


def closed_years(verified: VerifiedCache | None, made: list[data.Open | data.Close]) -> Check:
    """Step 4, over the plugin's output: handed the very entries the run made (``made``), so
    what a closed year's lock covers is told by how the load made an entry, never by a flag,
    metadata or file name a user can write."""
    return functools.partial(check_closed_years, verified=verified, generated=frozenset(id(e) for e in made))


@dataclass
class Resumable:
    """What a clean run leaves to resume from: the entries it was given (``inputs``) and the
    walks' state after them. Kept by kopledger's cache with its snapshots; used once
    (a run resumed from it walks on from its state)."""

    inputs: Entries
    options: tuple[Any, ...]
    members: MemberWalk
    invariants: Walk
    opened: set[str]
    closed: set[str]
    made: list[data.Open | data.Close]  # the opens and closes the run added
    spent: bool = False


@dataclass(frozen=True)
class Checked:
    """A run of the plugin: its ``entries`` and ``errors`` (what beancount gets); ``resumable``,
    what a later run may resume from (when asked, and the books were clean); ``resumed``: this
    run walked only the entries new since the state it was given."""

    entries: Entries
    errors: list[Any]
    resumable: Resumable | None = None
    resumed: bool = False


def koperasi(entries: Entries, options_map: dict[str, Any], config: str | None = None) -> tuple[Entries, list[Any]]:
    """The plugin, as beancount runs it: ``(entries, options_map) -> (entries, errors)``.

    The verified closed years kopledger's cache keeps are read, never written."""
    checked = check(entries, options_map, verified=VerifiedCache.for_ledger(options_map))
    return checked.entries, checked.errors


def check(
    entries: Entries,
    options_map: dict[str, Any],
    resume: Resumable | None = None,
    verified: VerifiedCache | None = None,
    *,
    keep: bool = False,
) -> Checked:
    """The plugin's run (see the module doc). Never raises: an internal failure is one error."""
    try:
        return _run(entries, options_map, resume, verified, keep)
    except Exception as exc:  # a plugin must never raise: report it as an error instead
        return Checked(entries, [KopError.pesan(None, (
            "kopledger.plugin gagal karena kesalahan internal: {galat}; "
            "aturan koperasi tidak diperiksa. Laporkan ini sebagai bug (internal error)."
        ), None, galat=repr(exc))])


def _options_key(options_map: dict[str, Any]) -> tuple[Any, ...]:
    """The options a run depends on (root names, operating currency)."""
    return (Roots.from_options(options_map), tuple(options_map.get("operating_currency") or ()))


def _walk(entries: Entries, options_map: dict[str, Any]) -> tuple[Resumable, list[Any]]:
    """Steps 1–3 over every entry: the walks done, and the directives' errors."""
    directives: list[data.Custom] = []
    opened: set[str] = set()
    closed: set[str] = set()
    for entry in entries:  # one pass: kopledger's directives and the hand-written open/close lines
        if isinstance(entry, data.Custom):
            if entry.type in KNOWN:
                directives.append(entry)
        elif isinstance(entry, data.Open):
            opened.add(entry.account)
        elif isinstance(entry, data.Close):
            closed.add(entry.account)
    currency = currency_of(options_map)
    register, errors = parse_register(directives, currency)
    found: list[KopError] = []  # the member accounts' and the savings rules' errors, in the books' order
    savings = SavingsRules(register.policies, currency, found)
    members = MemberWalk(Roots.from_options(options_map), currency, register.members, savings, found)
    for entry in entries:
        members.visit(entry)
    invariants = Walk(options_map)
    for entry in entries:
        invariants.visit(entry)
    return Resumable(entries, _options_key(options_map), members, invariants, opened, closed, []), list(errors)


def _run(
    entries: Entries, options_map: dict[str, Any], resume: Resumable | None, verified: VerifiedCache | None,
    keep: bool,
) -> Checked:
    walked = _resume(entries, options_map, resume)
    resumed = walked is not None
    errors: list[Any] = []
    if walked is None:
        walked, errors = _walk(entries, options_map)
    errors += walked.members.errors
    errors += walked.invariants.errors
    made = open_and_close(walked.members.accounts, walked.opened, walked.closed)
    if resumed and walked.made:
        # the same open or close as the run resumed from: that very object, so the books
        # before and after an append share it (memory, and the snapshot of the append)
        same = {(type(e), e.account, e.date): e for e in walked.made}
        made = [old if (old := same.get((type(e), e.account, e.date))) is not None and old == e else e for e in made]
    result = drop_superseded_assertions(entries)  # assertions of closings reopened since
    if made:
        result = sorted([*result, *made], key=data.entry_sortkey)
    errors += closed_years(verified, made)(result, options_map)
    for whole_book in whole_book_checks(verified):
        errors += whole_book(entries, options_map)
    resumable = None
    if keep and not errors:
        walked.members.slim()
        walked.invariants.slim()
        resumable = Resumable(list(entries), walked.options, walked.members, walked.invariants,
                              walked.opened, walked.closed, made)
    return Checked(result, errors, resumable, resumed)


#: The only old entries that may sort after a new one in a resumed run: directives no walk
#: reads in order (a budget or an RAT text dated ahead), when they carry no ``bukti``.
_OLD_AFTER_NEW = (data.Custom, data.Event, data.Query)


def _resume(entries: Entries, options_map: dict[str, Any], saved: Resumable | None) -> Resumable | None:
    """The walks over ``entries`` resumed from ``saved`` (walking only the entries new since),
    or None where that would not be exactly a full run; ``saved`` is then spent.

    Exact when the earlier run's entries are all here, in the same order, and every new
    entry sorts after each of them that a walk reads (only custom, event and query
    directives without ``bukti`` may follow a new entry), and no new entry is one of
    kopledger's ``custom`` directives, an open, a close or a document: the walks then see
    the same entries in the same order, and their state after the old ones is the saved one.
    """
    if saved is None or saved.spent:
        return None
    if saved.options != _options_key(options_map):
        return None
    old = saved.inputs
    count = len(old)
    new: Entries = []
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
    for entry in new:
        if isinstance(entry, data.Open | data.Close | data.Document) or (
            isinstance(entry, data.Custom) and entry.type in KNOWN
        ):
            return None
    saved.spent = True  # walked on from here: used once
    members, invariants = saved.members, saved.invariants
    for entry in new:
        members.visit(entry)
        invariants.visit(entry)
    return saved
