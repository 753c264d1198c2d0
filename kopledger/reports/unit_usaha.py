"""Business units (unit usaha): per-unit PHU and balances from ``unit:`` metadata on ``open``.

An account belongs to the unit named by the ``unit`` metadata of its own ``open`` line, or
else of its nearest opened parent (so the plugin-opened member accounts under
``Aset:Piutang:PinjamanAnggota`` follow their parent). Accounts with no unit are the
koperasi's shared accounts (*bersama*): per-unit PHU lists them on their own row, so the
units and the shared row always add up to the whole SHU of the year.

A koperasi serba usaha with a savings-and-loan unit (``unit: "usp"``) reports that unit on
its own with ``kop laporan --unit usp``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from beancount.core import data

from kopledger.books.balances import account_balances, is_closing_of
from kopledger.books.years import holder
from kopledger.core.errors import InputError

if TYPE_CHECKING:
    from kopledger.books.ledger import Books

ZERO = Decimal(0)

#: The row of accounts without a unit.
BERSAMA = ""


def account_units(kop: Books) -> dict[str, str]:
    """Unit of every account that has one (own ``open`` metadata, else the nearest opened parent's)."""
    declared: dict[str, str] = {}
    accounts: set[str] = set()
    for entry in kop.entries:
        if isinstance(entry, data.Open):
            accounts.add(entry.account)
            unit = (entry.meta or {}).get("unit")
            if isinstance(unit, str) and unit:
                declared[entry.account] = unit
    result: dict[str, str] = {}
    for account in accounts:
        parts = account.split(":")
        for n in range(len(parts), 0, -1):
            unit = declared.get(":".join(parts[:n]))
            if unit:
                result[account] = unit
                break
    return result


def unit_of(units: dict[str, str], account: str) -> str:
    """The unit of ``account`` (also for an account never opened: its nearest parent's)."""
    if account in units:
        return units[account]
    parts = account.split(":")
    for n in range(len(parts) - 1, 0, -1):
        unit = units.get(":".join(parts[:n]))
        if unit:
            return unit
    return BERSAMA


def units(kop: Books) -> tuple[str, ...]:
    """The units named in the books, sorted."""
    return tuple(sorted(set(account_units(kop).values())))


@dataclass(frozen=True)
class UnitLine:
    """One account of a unit's report (amounts as people read them: positive)."""

    akun: str
    nama: str
    jumlah: Decimal


@dataclass(frozen=True)
class UnitPhu:
    """One row of PHU per unit: income, expenses, and their difference."""

    unit: str  # "" = bersama (accounts without a unit)
    pendapatan: Decimal
    beban: Decimal

    @property
    def shu(self) -> Decimal:
        return self.pendapatan - self.beban


@dataclass(frozen=True)
class UnitSummary:
    """PHU per unit for tahun buku ``tahun``; ``total`` is the whole koperasi's."""

    tahun: int
    baris: tuple[UnitPhu, ...]
    total: UnitPhu


@dataclass(frozen=True)
class UnitReport:
    """One unit's PHU and balance sheet lines for tahun buku ``tahun``.

    ``selisih_neraca`` = aset − liabilitas − ekuitas of the unit's own accounts: what the
    unit owes to (or is owed by) the rest of the koperasi, plus its SHU not yet closed.
    """

    unit: str
    tahun: int
    pendapatan: tuple[UnitLine, ...]
    beban: tuple[UnitLine, ...]
    aset: tuple[UnitLine, ...]
    liabilitas: tuple[UnitLine, ...]
    ekuitas: tuple[UnitLine, ...]

    @property
    def total_pendapatan(self) -> Decimal:
        return sum((x.jumlah for x in self.pendapatan), ZERO)

    @property
    def total_beban(self) -> Decimal:
        return sum((x.jumlah for x in self.beban), ZERO)

    @property
    def shu(self) -> Decimal:
        return self.total_pendapatan - self.total_beban

    @property
    def total_aset(self) -> Decimal:
        return sum((x.jumlah for x in self.aset), ZERO)

    @property
    def total_liabilitas(self) -> Decimal:
        return sum((x.jumlah for x in self.liabilitas), ZERO)

    @property
    def total_ekuitas(self) -> Decimal:
        return sum((x.jumlah for x in self.ekuitas), ZERO)

    @property
    def selisih_neraca(self) -> Decimal:
        return self.total_aset - self.total_liabilitas - self.total_ekuitas


def _end(year: int, per: dt.date | None) -> dt.date:
    """The report date: ``per`` (a provisional period's date), else 31 December of ``year``."""
    return dt.date(year, 12, 31) if per is None else min(per, dt.date(year, 12, 31))


def _flows(kop: Books, year: int, per: dt.date | None) -> dict[str, Decimal]:
    return account_balances(kop.entries, currency=kop.currency, start=dt.date(year, 1, 1),
                            end=_end(year, per), exclude=is_closing_of(year))


def phu_per_unit(kop: Books, year: int, *, per: dt.date | None = None) -> UnitSummary:
    """The year's income and expenses by unit through ``per`` (default: the year end), the
    shared row last; rows add up to ``total``. Read from the books that hold ``year``
    (:func:`~kopledger.books.years.holder`: an archived year from its own closed file)."""
    kop = holder(kop, year)
    roots = kop.roots
    mapping = account_units(kop)
    income: dict[str, Decimal] = {}
    expense: dict[str, Decimal] = {}
    for account, amount in _flows(kop, year, per).items():
        unit = unit_of(mapping, account)
        if roots.is_under(account, roots.pendapatan):
            income[unit] = income.get(unit, ZERO) - amount
        elif roots.is_under(account, roots.beban):
            expense[unit] = expense.get(unit, ZERO) + amount
    named = sorted(set(mapping.values()) | (set(income) | set(expense)) - {BERSAMA})
    rows = [UnitPhu(u, income.get(u, ZERO), expense.get(u, ZERO)) for u in named]
    if income.get(BERSAMA) or expense.get(BERSAMA):
        rows.append(UnitPhu(BERSAMA, income.get(BERSAMA, ZERO), expense.get(BERSAMA, ZERO)))
    total = UnitPhu("total", sum(income.values(), ZERO), sum(expense.values(), ZERO))
    return UnitSummary(year, tuple(rows), total)


def unit_report(kop: Books, unit: str, year: int, *, per: dt.date | None = None) -> UnitReport:
    """One unit's PHU (the year's flows) and its balance sheet accounts at ``per`` — a
    provisional period's date, as the statements of that period — or else 31 December. Read from
    the books that hold ``year`` (:func:`~kopledger.books.years.holder`)."""
    kop = holder(kop, year)
    mapping = account_units(kop)
    known = set(mapping.values())
    if unit not in known:
        if known:
            raise InputError.pesan("unit usaha {unit!r} tidak ada di buku", hint="Unit yang ada: {unit_ada}",
                                   unit=unit, unit_ada=", ".join(sorted(known)))
        raise InputError.pesan(
            "unit usaha {unit!r} tidak ada di buku",
            hint='Tandai akun dengan metadata unit pada baris open, misalnya: 2024-01-01 open Pendapatan:Anggota:Toko\n'
                 '  unit: "toko"',
            unit=unit,
        )
    roots = kop.roots
    labels: dict[str, str] = {}
    for entry in kop.entries:
        if isinstance(entry, data.Open):
            nama = (entry.meta or {}).get("nama")
            labels[entry.account] = str(nama) if nama else entry.account.split(":", 1)[-1].replace(":", " ")

    def lines(amounts: dict[str, Decimal], root: str, sign: int) -> tuple[UnitLine, ...]:
        return tuple(
            UnitLine(a, labels.get(a, a.split(":", 1)[-1].replace(":", " ")), sign * v)
            for a, v in sorted(amounts.items())
            if v != 0 and roots.is_under(a, root) and unit_of(mapping, a) == unit
        )

    flows = _flows(kop, year, per)
    balances = account_balances(kop.entries, currency=kop.currency, end=_end(year, per),
                                exclude=is_closing_of(year))
    return UnitReport(
        unit=unit, tahun=year,
        pendapatan=lines(flows, roots.pendapatan, -1),
        beban=lines(flows, roots.beban, 1),
        aset=lines(balances, roots.aset, 1),
        liabilitas=lines(balances, roots.liabilitas, -1),
        ekuitas=lines(balances, roots.ekuitas, -1),
    )
