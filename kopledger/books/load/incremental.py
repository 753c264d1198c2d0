"""Loading the books in stages, and extending a loaded state by appended text.

A cold load is beancount's own pipeline (``beancount.loader._load``): parse every file,
sort, book, run the plugins (``run_transformations``: beancount's documents, pad and
balance plugins around the ledger's own, ``kopledger.plugin`` among them), validate.
:func:`full_load` runs the same stages with beancount's own functions, keeping the
booked entries *before* the plugins ran (``raw``) beside the result, so that
:func:`extend` can later add entries appended to the main file:

- parse only the appended text (with the main file's name and its true line numbers),
  book only the new entries;
- run **every plugin over the whole books** (old booked entries + new ones) — so
  kopledger's checks (:mod:`kopledger.books.checks.plugin`: the cooperative rules, the
  closed-year chain, the RAT directives) and beancount's balance assertions and padding
  judge the new entries against the whole state, exactly as in a cold load. kopledger's
  plugin is run as :func:`kopledger.books.checks.plugin.check`, handed the state its
  previous run left (``State.plugin``, kept here and in the cache's snapshots) to resume
  its walks (the member-account rules and the invariants) from, where that is exactly a
  full run, walking only the new entries;
- run beancount's validations over the result, narrowed where exact: the
  per-transaction check (``validate_check_transaction_balances``, the costliest, a pure
  function of one transaction) skips transactions already validated clean, and while
  the books' structure (open, close, commodity, balance, document directives) is the
  very same objects, the checks that judge entries by that structure see only the
  structure and the new entries (:func:`_validate`).

What is saved is the parse and the booking of the old text, the walks over the old
entries and the validation of what they cannot change: most of a cold load.

The extension is *exactly* a cold load of the longer file, or it is refused (``None``)
and the caller loads cold. It is refused when the old state had any error, when the
appended text does not start a fresh directive at column 0 of a fresh line, has an
``include``/``option``/``plugin``/``push…``/``pop…`` line, does not parse or book
cleanly on its own, holds a posting that booking would complete from the running
balances (a cost, or a missing currency), or when one of its entries sorts before (or
together with) an old entry other than a ``custom``/``note``/``event``/``query`` directive —
a backdated entry, which could break a later balance assertion or change what a plugin
computed before it.

The contract for a plugin check to stay correct here is the one a beancount plugin has
anyway: it is a function of the whole entry list and the options (no state kept between
runs, nothing read from outside the books but what its own cache verifies), and it does
not mutate entries it was given.
"""

from __future__ import annotations

import copy
import dataclasses
import operator
import re
from typing import Any

from beancount.core import data
from beancount.core.number import MISSING

from kopledger.books import beancount_api as api
from kopledger.books.checks import plugin
from kopledger.books.checks.plugin import Checked, Resumable
from kopledger.books.closed.chain import VerifiedCache

Entries = list[data.Directive]


@dataclasses.dataclass
class State:
    """Loaded books: the result of a load, plus what :func:`extend` needs.

    ``raw``: the booked entries before the plugins ran (sorted); ``entries``, ``errors``,
    ``options``: what beancount's loader returns; ``main``: the real path of the main
    file; ``size``: how many bytes of it the state holds (as read before the load);
    ``plugin``: the state kopledger's plugin left, to resume its walks from
    (:class:`kopledger.books.checks.plugin.Resumable`), when its input was ``raw`` itself;
    ``resumed``: this load's run of kopledger's plugin walked only the new entries;
    ``verified``: the closed years known verified, with those this load verified, for the
    owner of the load to save (never saved during it).
    """

    main: str
    size: int
    raw: Entries
    entries: Entries
    errors: list[Any]
    options: dict[str, Any]
    plugin: Resumable | None = None
    resumed: bool = False
    verified: VerifiedCache | None = dataclasses.field(default=None, compare=False, repr=False)


def content_only(state: State) -> bool:
    """The books depend on the text of their files only, so a snapshot can stand for them.

    Not so with beancount's documents: an ``option "documents"`` folder is scanned for
    files at each load, and a ``document`` directive is checked against the file system.
    """
    return not state.options.get("documents") and not any(isinstance(e, data.Document) for e in state.raw)


def full_load(main: str, size: int) -> State:
    """beancount's cold load of ``main`` (a real path), stage by stage, no pickle cache.

    Same functions, same order, same result as :func:`~kopledger.books.beancount_api.load_cold`
    (tests/test_cache.py compares the two); only the booked entries are kept as well.
    """
    entries, parse_errors, options = api.parse_files(main)
    entries, balance_errors = api.book(entries, options)
    parse_errors.extend(balance_errors)
    verified = VerifiedCache.for_ledger(options)
    final, errors, checked = _transform(entries, parse_errors, options, api.plugins(options), None, verified)
    errors.extend(api.validate(final, options))
    options["input_hash"] = api.input_hash(options["include"])
    return State(main, size, entries, final, errors, options, _own(checked, entries), False, verified)


def _own(checked: Checked | None, raw: Entries) -> Resumable | None:
    """The plugin's state, when the entries it walked were the booked entries themselves
    (no other plugin before it replaced any), so a later extension can resume it."""
    recorded = checked.resumable if checked is not None else None
    if recorded is None or len(recorded.inputs) != len(raw):
        return None
    if not all(a is b for a, b in zip(recorded.inputs, raw, strict=True)):
        return None
    return recorded


#: The plugin line of kopledger's checks: run here as :func:`kopledger.books.checks.plugin.check`.
OWN_PLUGIN = "kopledger.plugin"


def _transform(
    entries: Entries, parse_errors: list[Any], options: dict[str, Any], run: list[api.Plugin],
    resume: Resumable | None, verified: VerifiedCache | None,
) -> tuple[Entries, list[Any], Checked | None]:
    """The plugins of ``run`` (:func:`~kopledger.books.beancount_api.plugins`, maybe narrowed)
    as ``run_transformations`` runs them: those before kopledger's, kopledger's own (the first
    ``plugin "kopledger.plugin"``) as :func:`kopledger.books.checks.plugin.check`, handed
    ``resume`` and ``verified``, then the rest. Returns the entries, the errors and kopledger's run."""
    names = [spec.name for spec in run]
    if OWN_PLUGIN not in names:
        final, errors = api.run_plugins(entries, parse_errors, options, run)
        return final, errors, None
    at = names.index(OWN_PLUGIN)
    entries, errors = api.run_plugins(entries, parse_errors, options, run[:at])
    checked = plugin.check(entries, options, resume, verified, keep=True)
    errors.extend(checked.errors)
    entries = checked.entries
    entries.sort(key=data.entry_sortkey)
    final, errors = api.run_plugins(entries, errors, options, run[at + 1:])
    return final, errors, checked


#: Lines that change the parser's state or the set of files: never appended incrementally.
_STATEFUL = re.compile(rb"^[ \t]*(include|option|plugin|pushtag|poptag|pushmeta|popmeta)\b", re.M)
#: An appended text must begin a new directive: a date or a keyword at column 0.
_FRESH_START = re.compile(rb"\A(?:[ \t]*\r?\n)*[0-9A-Za-z]")


def simple_tail(prefix_ends_with_newline: bool, tail: bytes) -> bool:
    """``tail`` can be parsed on its own and appended: see the module doc."""
    if not tail:
        return True
    if not prefix_ends_with_newline:
        return False
    return _FRESH_START.match(tail) is not None and _STATEFUL.search(tail) is None


def _balances_unchanged(old: Entries, final: Entries, known: set[int]) -> bool:
    """beancount's balance check of ``final`` returns it unchanged, without errors.

    True when the old books passed it (they had no error) and it would see the same
    thing: every balance assertion is an old one, every old transaction is still there,
    no ``pad`` (its padding is rebuilt at each run), and every new transaction sorts
    after the last assertion, so no asserted balance can include it.
    """
    old_balances = {id(e) for e in old if isinstance(e, data.Balance)}
    last_balance = None
    kept = 0
    newest_first = None
    for entry in final:
        if isinstance(entry, data.Balance):
            if id(entry) not in old_balances:
                return False
            last_balance = entry
        elif isinstance(entry, data.Transaction):
            if id(entry) in known:
                kept += 1
            elif newest_first is None:
                newest_first = entry
        elif isinstance(entry, data.Pad):
            return False
    if kept != len(known):
        return False
    if newest_first is None or last_balance is None:
        return True
    return bool(data.entry_sortkey(newest_first) > data.entry_sortkey(last_balance))


#: Directives that hold no amounts and that booking and the balance checks never read: new
#: entries may sort before old ones of these kinds (e.g. a next year's ``anggaran`` or an RAT
#: text dated ahead) and the extension is still exactly a cold load.
_INERT = (data.Custom, data.Note, data.Event, data.Query)


#: The directives beancount's validations read to judge the others.
_STRUCTURE = (data.Open, data.Close, data.Commodity, data.Balance, data.Document)


def _validate(old: Entries, final: Entries, options: dict[str, Any], known: set[int]) -> list[Any]:
    """beancount's validations of ``final``, which extends the clean books ``old``.

    The per-transaction balance check runs on the new transactions only (``known``: the
    old transactions, already validated). When the books' structure (their open, close,
    commodity, balance and document directives) is the very same objects as before, each
    other validation that reads only that structure to judge an entry runs on the
    structure and the new entries: the old entries' verdicts cannot change (they were
    clean). A validation this module does not know runs on everything.
    """
    before = [e for e in old if isinstance(e, _STRUCTURE)]
    seen = {id(e) for e in old}
    structure: Entries = []
    subset_active: Entries = []  # opens and closes, and the new entries, in order
    subset_currency: Entries = []  # opens, and the new entries, in order
    for entry in final:
        if isinstance(entry, _STRUCTURE):
            structure.append(entry)
            if isinstance(entry, data.Open | data.Close):
                subset_active.append(entry)
                if isinstance(entry, data.Open):
                    subset_currency.append(entry)
        elif id(entry) not in seen:
            subset_active.append(entry)
            subset_currency.append(entry)
    same = len(before) == len(structure) and all(map(operator.is_, before, structure))
    narrowed: dict[str, Entries] = {
        "validate_open_close": [], "validate_active_accounts": subset_active,
        "validate_currency_constraints": subset_currency, "validate_duplicate_balances": [],
        "validate_duplicate_commodities": [], "validate_documents_paths": [],
    } if same else {}
    errors: list[Any] = []
    for name, check in api.validations():
        if name == "validate_check_transaction_balances":
            new_transactions: Entries = [e for e in final if isinstance(e, data.Transaction) and id(e) not in known]
            errors.extend(check(new_transactions, options))
        elif name in narrowed:
            errors.extend(check(narrowed[name], options))
        else:
            errors.extend(check(final, options))
    return errors


def extend(state: State, tail: bytes, prefix_ends_with_newline: bool, first_line: int) -> State | None:
    """The state of the main file with ``tail`` appended, or None where only a cold load is exact.

    ``first_line``: the line number of the tail's first line in the main file.
    """
    if state.errors or not simple_tail(prefix_ends_with_newline, tail):
        return None
    new, parse_errors, new_options = api.parse_tail(tail, state.main, first_line, state.options)
    if parse_errors:
        return None
    if not new:  # comments or blank lines only
        return dataclasses.replace(state, size=state.size + len(tail))
    new.sort(key=data.entry_sortkey)
    if any(isinstance(e, data.Document) for e in new):
        return None  # checked against the file system: only a cold load is exact
    keep = len(state.raw)  # old entries before the first new one
    if state.raw and data.entry_sortkey(new[0]) <= data.entry_sortkey(state.raw[-1]):
        first = data.entry_sortkey(new[0])
        while keep and data.entry_sortkey(state.raw[keep - 1]) >= first:
            keep -= 1
        if not all(isinstance(e, _INERT) for e in state.raw[keep:]):
            return None  # backdated before something a balance could depend on: full load
    for entry in new:
        if isinstance(entry, data.Transaction):
            for posting in entry.postings:
                units: Any = posting.units
                if (
                    posting.cost is not None
                    or units is MISSING
                    or units is None
                    or units.currency is MISSING
                    or units.number is MISSING
                ):
                    return None
    options = dict(state.options)
    options["dcontext"] = copy.deepcopy(state.options["dcontext"])
    options["dcontext"].update_from(new_options["dcontext"])
    booked, booking_errors = api.book(new, options)
    if booking_errors:
        return None
    # after the old entries, or among old directives that hold no amounts (a budget or a
    # supervisors' text dated ahead): sorted as a cold load sorts them
    raw = state.raw + booked if keep == len(state.raw) else [
        *state.raw[:keep], *sorted([*state.raw[keep:], *booked], key=data.entry_sortkey)]
    known = {id(entry) for entry in state.entries if isinstance(entry, data.Transaction)}
    # every plugin a cold load runs, in its order — less what cannot change the result (the
    # list is passed along: beancount's own lists are never touched, loads on other threads
    # run them all)
    run = api.plugins(options)
    if not any(isinstance(e, data.Pad) for e in raw):
        # beancount's pad returns the books unchanged when they hold no pad
        run = [p for p in run if not (p.builtin and p.name == api.PAD)]
    check_balances = False
    if run and run[-1].builtin and run[-1].name == api.BALANCE and not any(isinstance(e, data.Balance) for e in new):
        # beancount's balance check only where the balances it checks could differ from
        # the cold load that validated the old books (below)
        run = run[:-1]
        check_balances = True
    # kopledger's plugin resumes its walks from the old state where that is exact
    verified = VerifiedCache.for_ledger(options)
    final, errors, checked = _transform(raw, [], options, run, state.plugin, verified)
    if check_balances and not _balances_unchanged(state.entries, final, known):
        final, balance_errors = api.check_balances(final, options)
        errors.extend(balance_errors)
        final.sort(key=data.entry_sortkey)
    errors.extend(_validate(state.entries, final, options, known))
    options["input_hash"] = api.input_hash(options["include"])
    return State(state.main, state.size + len(tail), raw, final, errors, options, _own(checked, raw),
                 checked is not None and checked.resumed, verified)
