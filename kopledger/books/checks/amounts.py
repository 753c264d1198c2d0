"""Amounts and balances nobody can have (issue 24), checked by the plugin so ``kop cek``,
``bean-check`` and Fava see them:

- **Rupiah are whole.** Every IDR amount a user wrote — a posting's units, a ``balance``
  assertion, an amount in a ``custom`` directive — has no fractional part (``100000.00`` is
  allowed: its fraction is zero). Any IDR number written with exactly three decimals
  (``260.000``: the Indonesian thousands dot, which beancount reads as a decimal point, so
  Rp260) is refused even where its value is whole, in prices and costs too; a price or cost
  per unit may otherwise carry a fraction (a rate). Postings beancount interpolates
  (``__automatic__``) are skipped: the written leg is the one named. A ``pad``'s amount comes
  from the written ``balance``, so it is whole when they are (its flag is no way around the rule).
- **Cash never below zero.** A cash account — of the catalogue's cash accounts, those under
  ``Aset:Kas``, named ``…:Kas…`` or marked ``arus-kas: "kas"``, and not a bank account — below
  zero at the end of a day is an error, once per stretch below zero, at the last posting to it
  of the first such day.
- **A bank account below zero** at a day's end — ``Aset:Bank…``, an account named ``Bank``,
  ``Checking`` or ``Savings``, or cash only by an English name (``Assets:…:Cash``, e.g. a
  broker's cash) — is a warning (:func:`saldo_minus`, shown by ``kop cek``, the RAT warnings
  and the web desk), unless its ``open`` (or a parent's) says ``cerukan: TRUE`` (an overdraft).

Balances are per account and currency, over every transaction in the books' order (one
pass: per-day end balances of the accounts a day touched).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from beancount.core import amount as bc_amount
from beancount.core import data
from beancount.core.position import Cost

from kopledger.books.katalog import Katalog
from kopledger.core import kosakata as K
from kopledger.core.errors import Angka, InputError, KopError, Rupiah
from kopledger.core.roots import Roots

ZERO = Decimal(0)
ONE = Decimal(1)
RUPIAH = "IDR"
#: ``open`` metadata allowing a bank account below zero (an overdraft facility).
META_CERUKAN = "cerukan"
#: Account components that make a cash account a bank account (besides ``Aset:Bank``).
BANK_NAMES = frozenset({"Bank", "Checking", "Savings"})
_AUTOMATIC = "__automatic__"
_UNKNOWN: Any = object()


@dataclass(frozen=True)
class Minus:
    """A stretch of days a cash or bank account ended below zero.

    ``tanggal``: the first such day, ``saldo`` its end balance, ``lokasi`` the meta
    (file:line) of that day's last entry posting to the account; ``terendah`` the lowest
    end-of-day balance of the stretch (on ``tanggal_terendah``); ``pulih`` the first day it
    ended at zero or above again (None: still below zero at the end of the books).
    """

    akun: str
    jenis: str  # "kas" | "bank"
    mata_uang: str
    tanggal: dt.date
    saldo: Decimal
    lokasi: dict[str, Any]
    entry: Any
    terendah: Decimal
    tanggal_terendah: dt.date
    pulih: dt.date | None
    cerukan: bool  # a bank account whose open allows an overdraft

    def dalam(self, start: dt.date, end: dt.date) -> bool:
        """Below zero on some day end between ``start`` and ``end`` (inclusive)."""
        return self.tanggal <= end and (self.pulih is None or self.pulih > start)


def check_amounts(entries: list[data.Directive], options_map: dict[str, Any]) -> list[Any]:
    """Plugin check ``f(entries, options_map)``: fractional rupiah and cash below zero (see the
    module doc), as errors with file:line."""
    errors: list[Any] = []
    minus = _walk(entries, options_map, errors)
    for stretch in minus:
        if stretch.jenis == "kas":
            errors.append(KopError.pesan(stretch.lokasi, (
                "{akun}: kas menjadi minus {saldo} pada akhir {tanggal} setelah entri ini; "
                "kas tidak bisa kurang dari nol — catat penerimaannya lebih dulu atau periksa "
                "jumlah dan tanggalnya (cash below zero)"
            ), stretch.entry, akun=stretch.akun, saldo=uang(-stretch.saldo, stretch.mata_uang), tanggal=stretch.tanggal))
    return errors


def saldo_minus(entries: list[data.Directive], options_map: dict[str, Any]) -> tuple[Minus, ...]:
    """Every stretch a cash or bank account ended a day below zero, in the books' order
    (those of cash accounts are also the plugin's errors)."""
    return tuple(_walk(entries, options_map, None))


def bank_minus(minus: tuple[Minus, ...]) -> tuple[Minus, ...]:
    """Of ``minus``, the stretches a bank account without ``cerukan`` ended a day below zero:
    the warnings."""
    return tuple(m for m in minus if m.jenis == "bank" and not m.cerukan)


def bank_warnings(entries: list[data.Directive], options_map: dict[str, Any]) -> list[KopError]:
    """The warnings ``kop cek`` prints (shaped as errors, for ``file:line: message``): each
    stretch a bank account without ``cerukan`` ended a day below zero."""
    return [KopError.pesan(m.lokasi, (
        "peringatan: {akun}: saldo rekening bank minus {saldo} pada akhir {tanggal} setelah entri ini "
        "(terendah minus {terendah} pada {tanggal_terendah}); bila bank memberi fasilitas cerukan, "
        "tulis cerukan: TRUE pada open akun ini (bank account below zero)"
    ), m.entry, akun=m.akun, saldo=uang(-m.saldo, m.mata_uang), tanggal=m.tanggal, terendah=uang(-m.terendah, m.mata_uang),
        tanggal_terendah=m.tanggal_terendah) for m in bank_minus(saldo_minus(entries, options_map))]


def uang(jumlah: Decimal, mata_uang: str) -> Any:
    """An amount as a message shows it: ``Rp1.295.000`` for rupiah, else ``12.5 USD``."""
    return Rupiah(jumlah) if mata_uang == RUPIAH else f"{jumlah} {mata_uang}"


# --- the walk -------------------------------------------------------------------------------------
class _Kinds:
    """Which accounts are cash or bank, and which may be overdrawn (from the catalogue)."""

    def __init__(self, entries: list[data.Directive], options_map: dict[str, Any],
                 errors: list[Any] | None) -> None:
        self.roots = Roots.from_options(options_map)
        self.katalog = Katalog([e for e in entries if isinstance(e, data.Open | data.Close)], self.roots)
        self.errors = errors
        self.known: dict[str, tuple[str, bool] | None] = {}

    def __call__(self, account: str) -> tuple[str, bool] | None:
        try:
            return self.known[account]
        except KeyError:
            found = self.known[account] = self._kind(account)
            return found

    def _kind(self, account: str) -> tuple[str, bool] | None:
        if self.katalog.jenis(account) != "aset" or self.roots.split_member_account(account) is not None:
            return None  # not an asset, or a member's account (a loan): never cash
        try:
            if not self.katalog[account].kas:
                return None
        except InputError:  # malformed open metadata: the reports say so; not classified here
            return None
        roots = self.roots
        parts = account.split(":")[1:]
        if roots.is_under(account, roots.bank) or any(p in BANK_NAMES for p in parts):
            return "bank", self._cerukan(account)
        if roots.is_under(account, roots.kas) or "Kas" in parts or self._marked_cash(account):
            return "kas", False
        return "bank", self._cerukan(account)  # cash by an English name only (``Cash``): a bank's rule

    def _marked_cash(self, account: str) -> bool:
        """``arus-kas: "kas"`` on the account's open or a parent's."""
        name = account
        while name:
            value = self.katalog.meta(name).get(K.META_ARUS_KAS)
            if value is not None:
                return str(value) == "kas"
            name = name.rpartition(":")[0]
        return False

    def _cerukan(self, account: str) -> bool:
        name = account
        while name:
            meta = self.katalog.meta(name)
            if META_CERUKAN in meta:
                value = meta[META_CERUKAN]
                if value is True or value == "ya":
                    return True
                if not (value is False or value == "tidak") and self.errors is not None:
                    self.errors.append(KopError.pesan(meta, (
                        "{akun}: metadata cerukan: {nilai!r} tidak dikenal; tulis cerukan: TRUE bila "
                        "rekening ini boleh bersaldo minus (fasilitas cerukan/overdraft) (unknown cerukan)"
                    ), None, akun=name, nilai=str(value)))
                return False
            name = name.rpartition(":")[0]
        return False


class _Open:
    """A stretch below zero being followed."""

    __slots__ = ("first", "low")

    def __init__(self, first: Minus) -> None:
        self.first = first
        self.low = (first.saldo, first.tanggal)


def _walk(entries: list[data.Directive], options_map: dict[str, Any], errors: list[Any] | None) -> list[Minus]:
    """One pass: the fraction errors (appended to ``errors`` when given) and the stretches below zero."""
    kinds = _Kinds(entries, options_map, errors)
    known = kinds.known
    balances: dict[tuple[str, str], Decimal] = {}
    today: dt.date | None = None
    # (account, currency) -> the day's last entry posting to it, and that posting's meta
    touched: dict[tuple[str, str], tuple[Any, dict[str, Any] | None]] = {}
    below: dict[tuple[str, str], _Open] = {}
    done: list[Minus] = []

    def day_end(date: dt.date) -> None:
        for key, (entry, where) in touched.items():
            saldo = balances[key]
            open_ = below.get(key)
            if saldo < 0:
                if open_ is None:
                    kind, cerukan = kinds(key[0]) or ("kas", False)
                    meta = where or entry.meta or {}
                    first = Minus(key[0], kind, key[1], date, saldo,
                                  {"filename": meta.get("filename"), "lineno": meta.get("lineno")},
                                  entry, saldo, date, None, cerukan)
                    below[key] = _Open(first)
                elif saldo < open_.low[0]:
                    open_.low = (saldo, date)
            elif open_ is not None:
                done.append(_closed(open_, date))
                del below[key]
        touched.clear()

    check = errors is not None
    for entry in entries:
        if isinstance(entry, data.Transaction):
            if entry.date != today:
                if touched:
                    day_end(today)  # type: ignore[arg-type]
                today = entry.date
            for posting in entry.postings:
                units = posting.units
                if units is None or not isinstance(number := units.number, Decimal):
                    continue
                # the fast path inline: whole rupiah written without decimals, no price or cost
                if check and (units.currency != RUPIAH or not number.same_quantum(ONE)
                             or posting.price is not None or posting.cost is not None) \
                        and not (posting.meta and _AUTOMATIC in posting.meta):
                    _posting_fractions(posting, entry, errors)  # type: ignore[arg-type]
                account = posting.account
                kind = known.get(account, _UNKNOWN)
                if kind is _UNKNOWN:
                    kind = kinds(account)
                if kind is not None:
                    key = (account, units.currency)
                    balances[key] = balances.get(key, ZERO) + number
                    touched[key] = (entry, posting.meta)
        elif check:
            if isinstance(entry, data.Balance):
                _amount(entry.amount, entry.meta, entry, errors, whole=True)  # type: ignore[arg-type]
            elif isinstance(entry, data.Price):
                _amount(entry.amount, entry.meta, entry, errors, whole=False)  # type: ignore[arg-type]
            elif isinstance(entry, data.Custom):
                for value in entry.values:
                    if isinstance(value.value, bc_amount.Amount):
                        _amount(value.value, entry.meta, entry, errors, whole=True)  # type: ignore[arg-type]
    if touched and today is not None:
        day_end(today)
    done.extend(_closed(open_, None) for open_ in below.values())
    done.sort(key=lambda m: (m.tanggal, m.akun, m.mata_uang))
    return done


def _closed(open_: _Open, pulih: dt.date | None) -> Minus:
    first = open_.first
    return Minus(first.akun, first.jenis, first.mata_uang, first.tanggal, first.saldo, first.lokasi, first.entry,
                 open_.low[0], open_.low[1], pulih, first.cerukan)


# --- fractional rupiah ----------------------------------------------------------------------------
def _posting_fractions(posting: data.Posting, entry: data.Transaction, errors: list[Any]) -> None:
    meta = posting.meta or entry.meta
    _amount(posting.units, meta, entry, errors, whole=True)
    price = posting.price
    if price is not None:
        _amount(price, meta, entry, errors, whole=False)
    cost = posting.cost
    if isinstance(cost, Cost) and isinstance(cost.number, Decimal):
        _amount(bc_amount.Amount(cost.number, str(cost.currency)), meta, entry, errors, whole=False)


def _amount(value: Any, meta: dict[str, Any] | None, entry: Any, errors: list[Any], *, whole: bool) -> None:
    """An error when the IDR ``value`` shows the thousands dot, or (``whole``) has a fraction."""
    number = getattr(value, "number", None)
    if getattr(value, "currency", None) != RUPIAH or not isinstance(number, Decimal) or number.same_quantum(ONE):
        return
    if not number.is_finite():
        return
    exponent = number.as_tuple().exponent
    if exponent == -3:
        errors.append(KopError.pesan(meta, (
            "{tertulis} {mata_uang} dibaca sebagai {dibaca} (titik adalah tanda desimal); rupiah tidak "
            "berpecahan — tulis {maksud} {mata_uang} tanpa titik ribuan (thousands dot read as a decimal point)"
        ), entry, tertulis=str(number), mata_uang=RUPIAH, dibaca=_dibaca(number), maksud=str(number.scaleb(3))))
    elif whole and number != number.to_integral_value():
        errors.append(KopError.pesan(meta, (
            "{tertulis} {mata_uang}: rupiah tidak berpecahan (tanpa sen); tulis jumlah bulat, "
            "misalnya {bulat} {mata_uang} (fractional rupiah)"
        ), entry, tertulis=str(number), mata_uang=RUPIAH,
            bulat=str(number.quantize(ONE, rounding=ROUND_HALF_UP))))


def _dibaca(number: Decimal) -> Any:
    """What beancount read: ``Rp260`` for a whole value, else the number the reader's way."""
    if number == number.to_integral_value():
        return Rupiah(number.quantize(ONE))
    return Angka(number.normalize())
