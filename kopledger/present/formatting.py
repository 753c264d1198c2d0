"""Formatting for people: rupiah, numbers, dates, percent, terbilang (Babel, num2words).

Pure functions; the Jinja environment exposes them as filters, and the CLI's text
output uses them too. ``lang`` is ``"id"`` (default) or ``"en"``.

Rounding rule: figures shown with decimals are rounded half up (``ROUND_HALF_UP``,
:mod:`kopledger.core.numerals`, the one rule messages use too);
``terbilang`` speaks whole rupiah, rounded half up. Numbers of any size are formatted
exactly (Babel's own rounding is never used, since it quantizes IDR to 0 decimals and
fails beyond 28 digits).
"""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal, InvalidOperation
from typing import Any

from babel import Locale
from babel.dates import format_date

from kopledger.core.errors import InputError
from kopledger.core.numerals import number_text, round_half_up, rupiah_text, symbols

LOCALES = {"id": "id_ID", "en": "en_US"}


def _locale(lang: str) -> str:
    return LOCALES.get(lang, "id_ID")


@functools.cache
def _babel_locale(lang: str) -> Locale:
    """The parsed Babel locale of ``lang``, once per process (parsing reads the CLDR data)."""
    return Locale.parse(_locale(lang))


def _decimal(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if value is None or value == "":
        return Decimal(0)
    if isinstance(value, float):
        return Decimal(repr(value))
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise InputError.pesan("bukan angka: {nilai!r}", nilai=value) from None


def angka(value: Any, lang: str = "id", *, decimals: int | None = None) -> str:
    """A number with thousands separators: ``1.234.567`` (id) or ``1,234,567`` (en).

    Whole numbers show no decimals; others show up to 2 (trailing zeros dropped),
    unless ``decimals`` fixes the count. Rounded half up.
    """
    number = _decimal(value)
    if not number.is_finite():
        raise InputError.pesan("bukan angka terhingga: {nilai!r}", nilai=value)
    return number_text(number, lang, decimals=decimals)


def rupiah(value: Any, lang: str = "id", *, blank_zero: bool = False) -> str:
    """Rupiah: ``Rp1.234.567``; negatives in parentheses ``(Rp1.234.567)``."""
    number = _decimal(value)
    if blank_zero and number == 0:
        return "-"
    return rupiah_text(number, lang)


def akuntansi(value: Any, lang: str = "id") -> str:
    """A statement figure without the currency: ``1.234.567``, ``(1.234.567)``, ``-`` for zero."""
    number = _decimal(value)
    if number == 0:
        return "-"
    text = angka(number.copy_abs(), lang)
    return f"({text})" if number < 0 else text


def persen(value: Any, lang: str = "id", *, decimals: int = 2) -> str:
    """A percent: ``12,5%`` (at most ``decimals`` places, trailing zeros dropped).

    ``persen(x, decimals=4)`` shows a rate like ``0,0125%`` without losing its last places.
    """
    number = round_half_up(_decimal(value), decimals)
    text = angka(number, lang, decimals=decimals)
    separator = symbols(lang)[1]
    if separator in text:
        text = text.rstrip("0").rstrip(separator)
    return text + "%"


def tanggal(value: dt.date | str | None, lang: str = "id", *, bentuk: str = "long") -> str:
    """A date: ``31 Desember 2025`` (id, long), ``31/12/2025`` (short), ``Desember 2025`` (bulan)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            raise InputError.pesan("bukan tanggal (YYYY-MM-DD): {nilai!r}", nilai=value) from None
    patterns = {"long": "d MMMM y", "short": "dd/MM/y", "bulan": "MMMM y", "medium": "d MMM y"}
    pattern = patterns.get(bentuk, bentuk)
    return str(format_date(value, format=pattern, locale=_babel_locale(lang)))


def terbilang(value: Any, lang: str = "id", *, satuan: bool = True) -> str:
    """An amount in words: ``sembilan puluh juta rupiah`` (whole rupiah, rounded half up)."""
    from num2words import num2words  # lazily: 0.1 s to import, only for amounts in words

    number = int(round_half_up(_decimal(value), 0))
    try:
        words = str(num2words(abs(number), lang="id" if lang == "id" else "en"))
    except OverflowError:
        raise InputError.pesan(
            "jumlah terlalu besar untuk ditulis dengan huruf: {jumlah}",
            jumlah=number,
        ) from None
    if number < 0:
        words = "minus " + words
    if satuan:
        words += " rupiah"
    return words
