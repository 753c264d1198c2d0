"""Budget (anggaran) and next year's plan (RAPB) from ``custom "anggaran"`` directives.

``YYYY-MM-DD custom "anggaran" "ACCOUNT" AMOUNT IDR`` is the budget of ACCOUNT and its
sub-accounts for the tahun buku containing the date (the latest directive for an account
and year wins: a revised budget replaces the first). Amounts are written as people read
them: income and expenses both positive.

:func:`realisasi_anggaran` compares a year's budget with what the books show (the year's
flows, closing entries excluded: the same balance primitive as the statements);
:func:`rapb` lists the budget of the next year. Both total per group (pendapatan, beban,
other accounts such as planned investments), without counting an account twice when both
it and a parent are budgeted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from beancount.core import data

from kopledger.books.balances import account_balances, is_closing_of, rollup
from kopledger.books.rat_directives import is_under, parse_budgets
from kopledger.books.years import holder
from kopledger.core.errors import Pesan, error_line

if TYPE_CHECKING:
    from kopledger.books.ledger import Books

ZERO = Decimal(0)

#: Groups in the order shown.
KELOMPOK = ("pendapatan", "beban", "lain")


@dataclass(frozen=True)
class BudgetLine:
    """One budgeted account: budget, actual, difference (actual − budget), actual in % of budget."""

    akun: str
    nama: str
    kelompok: str
    anggaran: Decimal
    realisasi: Decimal
    selisih: Decimal
    persen: Decimal | None
    rinci: bool = False  # a sub-account of another budgeted account (not counted again in totals)
    #: an income or expense account of the PHU with no budget: shown so the realised totals are the PHU's
    tanpa_anggaran: bool = False


@dataclass(frozen=True)
class GroupTotal:
    """Totals of one group (``pendapatan`` | ``beban`` | ``lain``)."""

    kelompok: str
    anggaran: Decimal
    realisasi: Decimal | None = None
    selisih: Decimal | None = None
    persen: Decimal | None = None


@dataclass(frozen=True)
class Budget:
    """Realisasi vs anggaran of tahun buku ``tahun``. Every income and expense account of the
    PHU is a line (unbudgeted ones ``tanpa_anggaran``), so the realised pendapatan and beban are the
    PHU's; ``shu`` = pendapatan − beban (budget: of the budgeted lines; realised: the PHU's SHU)."""

    tahun: int
    baris: tuple[BudgetLine, ...]
    total: tuple[GroupTotal, ...]
    shu: GroupTotal | None = None
    #: Malformed ``anggaran`` directives, as ``file:line: message`` lines (left out of the figures;
    #: each a :class:`~kopledger.core.errors.Pesan`: worded in the reader's language where shown).
    errors: tuple[Pesan, ...] = field(default=(), compare=False, repr=False)


@dataclass(frozen=True)
class PlanLine:
    """One line of the RAPB."""

    akun: str
    nama: str
    kelompok: str
    anggaran: Decimal
    rinci: bool = False


@dataclass(frozen=True)
class Plan:
    """Rencana anggaran (RAPB) of tahun buku ``tahun``."""

    tahun: int
    baris: tuple[PlanLine, ...]
    total: tuple[GroupTotal, ...]


def _labels(entries: list[Any]) -> dict[str, str]:
    labels: dict[str, str] = {}
    for entry in entries:
        if isinstance(entry, data.Open):
            nama = (entry.meta or {}).get("nama")
            labels[entry.account] = str(nama) if nama else entry.account.split(":", 1)[-1].replace(":", " ")
    return labels


def _label(account: str) -> str:
    """A readable name for an account without ``nama`` metadata (often a parent that is never
    opened, e.g. ``Beban:Usaha``): its path, e.g. "Beban Usaha"."""
    return account.replace(":", " ")


def _under_another(account: str, accounts: Any) -> bool:
    return any(b != account and is_under(account, b) for b in accounts)


def _group(kop: Books, account: str) -> str:
    if kop.roots.is_under(account, kop.roots.pendapatan):
        return "pendapatan"
    if kop.roots.is_under(account, kop.roots.beban):
        return "beban"
    return "lain"


def _percent(actual: Decimal, budget: Decimal) -> Decimal | None:
    if budget == 0:
        return None
    return (actual * 100 / budget).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _top_level(accounts: list[str]) -> list[str]:
    """Accounts not under another account of the list (so totals count nothing twice)."""
    return [a for a in accounts if not any(b != a and is_under(a, b) for b in accounts)]


def realisasi_anggaran(kop: Books, year: int, *, per: dt.date | None = None) -> Budget:
    """The year's budget against the books that hold ``year`` (an archived year's own file),
    realised through ``per``, an interim period's date, when given: the PHU of that period."""
    kop = holder(kop, year)
    budgets, errors = parse_budgets(kop.entries, kop.currency)
    lines = budgets.get(year, {})
    flows = account_balances(kop.entries, currency=kop.currency, start=dt.date(year, 1, 1),
                             end=per or dt.date(year, 12, 31), exclude=is_closing_of(year))
    labels = _labels(kop.entries)
    rows = []
    if not lines:
        return Budget(year, (), (), None, tuple(error_line(e) for e in errors))
    # Income and expense accounts of the year under no budgeted account: shown as unbudgeted.
    unbudgeted = sorted({a for a, v in flows.items() if v and _group(kop, a) != "lain"
                         and not any(is_under(a, b) for b in lines)})
    for account in sorted([*lines, *unbudgeted], key=lambda a: (KELOMPOK.index(_group(kop, a)), a)):
        group = _group(kop, account)
        flow = rollup(flows, account)
        actual = -flow if group == "pendapatan" else flow
        if account not in lines:
            rows.append(BudgetLine(account, labels.get(account, _label(account)), group, ZERO, actual, actual,
                                   None, tanpa_anggaran=True))
            continue
        budget = lines[account]
        rows.append(BudgetLine(account, labels.get(account, _label(account)), group, budget, actual,
                               actual - budget, _percent(actual, budget), _under_another(account, lines)))
    totals = []
    for group in KELOMPOK:
        mine = [r for r in rows if r.kelompok == group]
        if not mine:
            continue
        top = set(_top_level([r.akun for r in mine]))
        b = sum((r.anggaran for r in mine if r.akun in top), ZERO)
        a = sum((r.realisasi for r in mine if r.akun in top), ZERO)
        totals.append(GroupTotal(group, b, a, a - b, _percent(a, b)))
    by_group = {t.kelompok: t for t in totals}
    income, expense = by_group.get("pendapatan"), by_group.get("beban")
    plan = (income.anggaran if income else ZERO) - (expense.anggaran if expense else ZERO)
    actual_shu = (income.realisasi or ZERO if income else ZERO) - (expense.realisasi or ZERO if expense else ZERO)
    shu = GroupTotal("shu", plan, actual_shu, actual_shu - plan, _percent(actual_shu, plan) if plan > 0 else None)
    return Budget(year, tuple(rows), tuple(totals), shu, tuple(error_line(e) for e in errors))


def rapb(kop: Books, year: int) -> Plan:
    """The budget plan (RAPB) of tahun buku ``year`` (usually the year after the RAT's)."""
    budgets, _errors = parse_budgets(kop.entries, kop.currency)
    lines = budgets.get(year, {})
    labels = _labels(kop.entries)
    rows = [PlanLine(a, labels.get(a, _label(a)), _group(kop, a), lines[a], _under_another(a, lines))
            for a in sorted(lines, key=lambda a: (KELOMPOK.index(_group(kop, a)), a))]
    totals = []
    for group in KELOMPOK:
        mine = [r for r in rows if r.kelompok == group]
        if mine:
            top = set(_top_level([r.akun for r in mine]))
            totals.append(GroupTotal(group, sum((r.anggaran for r in mine if r.akun in top), ZERO)))
    return Plan(year, tuple(rows), tuple(totals))
