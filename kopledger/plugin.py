"""The beancount plugin ``kopledger.plugin``.

Declared in a ledger as ``plugin "kopledger.plugin"``. It

- opens each member's sub-accounts (the subsidiary ledger) from the ``anggota``
  directive — only the kinds the member actually uses — and closes them once the
  member has left and the account is settled to zero;
- enforces the cooperative rules of DESIGN.md and returns every breach as an error
  carrying the offending entry's file and line;
- runs the extra checks registered in :data:`CHECKS` (e.g. the closed-year lock).

Like every beancount plugin it never raises: it returns ``(entries, errors)``.
Entries tagged ``#koreksi`` or ``#saldo-awal…`` are exempt from the simpanan-pokok
amount/once rule and from the no-withdrawal rule (corrections and opening balances).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from beancount.core import data

from kopledger.accounts import CAPITAL_KINDS, LEAVER_PAYABLE_KINDS, MemberKind, Roots
from kopledger.config import (
    Policies,
    check_directive_shapes,
    parse_koperasi,
    parse_members,
    parse_officers,
    parse_policies,
    parse_shu_bases,
    parse_shu_splits,
)
from kopledger.errors import KopError

__plugins__ = ["koperasi"]

ZERO = Decimal(0)

#: Extra whole-ledger checks: ``f(entries, options_map) -> list of errors``.
CHECKS: list[Callable[[list[data.Directive], dict[str, Any]], list[Any]]] = []


def is_exempt(entry: data.Transaction) -> bool:
    """Corrections and opening balances are exempt from the savings rules."""
    return any(tag == "koreksi" or tag.startswith("saldo-awal") for tag in entry.tags or ())


def koperasi(
    entries: list[data.Directive], options_map: dict[str, Any], config: str | None = None
) -> tuple[list[data.Directive], list[Any]]:
    """Open member accounts, check the cooperative rules, run the registered checks."""
    try:
        return _run(entries, options_map)
    except Exception as exc:  # a plugin must never raise: report it as an error instead
        return entries, [KopError(None, f"kopledger.plugin failed: {exc!r}", None)]


def _run(entries: list[data.Directive], options_map: dict[str, Any]) -> tuple[list[data.Directive], list[Any]]:
    roots = Roots.from_options(options_map)
    currency = (options_map.get("operating_currency") or ["IDR"])[0]
    errors: list[Any] = []

    _, errs = parse_koperasi(entries)
    errors += errs
    members, errs = parse_members(entries)
    errors += errs
    policy_list, errs = parse_policies(entries, currency)
    errors += errs
    policies = Policies(policy_list)
    errors += parse_shu_splits(entries)[1]
    errors += parse_shu_bases(entries)[1]
    errors += parse_officers(entries)[1]
    errors += check_directive_shapes(entries)

    parents = roots.member_parents()
    opened = {e.account for e in entries if isinstance(e, data.Open)}
    first_use: dict[str, tuple[dt.date, MemberKind, str]] = {}
    last_use: dict[str, dt.date] = {}
    balances: dict[str, Decimal] = {}
    pokok_paid: dict[str, data.Transaction] = {}

    for entry in entries:
        if not isinstance(entry, data.Transaction):
            continue
        exempt: bool | None = None
        for posting in entry.postings:
            account = posting.account
            parent, _, member_id = account.rpartition(":")
            kind = parents.get(parent)
            if kind is None:
                continue
            date = entry.date
            if account not in first_use:
                first_use[account] = (date, kind, member_id)
            last_use[account] = date
            units = posting.units
            number = units.number if units is not None else None
            meta = posting.meta if posting.meta and "lineno" in posting.meta else entry.meta

            if units is not None and units.currency != currency:
                errors.append(KopError(meta, (
                    f"{account}: member accounts hold {currency} only, got {units.currency}"
                ), entry))
            member = members.get(member_id)
            if member is None:
                errors.append(KopError(meta, (
                    f"{account}: unknown member {member_id}; register them first with "
                    f'custom "anggota" "{member_id}" "NAME"'
                ), entry))
                continue
            if number is None:
                continue
            before = balances.get(account, ZERO)
            after = before + number
            balances[account] = after

            if date < member.tanggal_masuk:
                errors.append(KopError(meta, (
                    f"{account}: posting on {date} is before member {member_id} joined "
                    f"on {member.tanggal_masuk}"
                ), entry))
                continue
            left = member.tanggal_keluar
            if left is not None and date > left and kind not in LEAVER_PAYABLE_KINDS and abs(after) > abs(before):
                errors.append(KopError(meta, (
                    f"{account}: posting on {date} is after member {member_id} left on {left}; "
                    "after leaving only settlements toward zero are allowed"
                ), entry))
                continue
            if kind not in CAPITAL_KINDS:
                continue
            if exempt is None:
                exempt = is_exempt(entry)
            if exempt:
                continue
            if number > 0 and (left is None or date < left):
                label = "pokok" if kind is MemberKind.POKOK else "wajib"
                errors.append(KopError(meta, (
                    f"{account}: simpanan {label} cannot be withdrawn while member {member_id} "
                    "is active; record their exit (anggota-keluar) first"
                ), entry))
            elif number < 0 and kind is MemberKind.POKOK:
                previous = pokok_paid.get(account)
                if previous is not None:
                    errors.append(KopError(meta, (
                        f"{account}: simpanan pokok of {member_id} is paid once, already paid on "
                        f"{previous.date} ({previous.meta.get('filename')}:{previous.meta.get('lineno')})"
                    ), entry))
                    continue
                pokok_paid[account] = entry
                required = policies.amount("simpanan-pokok", date)
                if required is not None and -number != required:
                    errors.append(KopError(meta, (
                        f"{account}: simpanan pokok paid {-number:,} {currency} but the policy in "
                        f"force on {date} is {required:,} {currency}"
                    ), entry))

    new_entries: list[data.Directive] = []
    for account, (date, _kind, member_id) in first_use.items():
        if account in opened:
            continue
        member = members.get(member_id)
        open_date = min(member.tanggal_masuk, date) if member else date
        meta = data.new_metadata(
            member.meta.get("filename", "<kopledger>") if member else "<kopledger>",
            member.meta.get("lineno", 0) if member else 0,
        )
        new_entries.append(data.Open(meta, open_date, account, None, None))
        if member and member.tanggal_keluar and balances.get(account, ZERO) == ZERO:
            close_date = max(member.tanggal_keluar, last_use[account])
            new_entries.append(data.Close(meta, close_date, account))

    from kopledger.closing import check_closed_years

    for check in [check_closed_years, *CHECKS]:
        errors += check(entries, options_map)

    if new_entries:
        entries = sorted(entries + new_entries, key=data.entry_sortkey)
    return entries, errors
