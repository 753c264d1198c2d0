"""Formatting for people: rupiah, numbers, dates, percent, terbilang (Babel, num2words).

Pure functions; the Jinja environment exposes them as filters, and the CLI's text
output uses them too. ``lang`` is ``"id"`` (default) or ``"en"``.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal

LOCALES = {"id": "id_ID", "en": "en_US"}


def _locale(lang: str) -> str:
    return LOCALES.get(lang, "id_ID")


def _decimal(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if value is None or value == "":
        return Decimal(0)
    return Decimal(str(value))


def angka(value: Any, lang: str = "id", *, decimals: int | None = None) -> str:
    """A number with thousands separators: ``1.234.567`` (id) or ``1,234,567`` (en).

    Whole numbers show no decimals; others show up to 2, unless ``decimals`` is given.
    Babel would round to the currency's digits, so the pattern is explicit here.
    """
    number = _decimal(value)
    if decimals is None:
        pattern = "#,##0" if number == number.to_integral_value() else "#,##0.##"
    else:
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(number, format=pattern, locale=_locale(lang), decimal_quantization=decimals is not None)


def rupiah(value: Any, lang: str = "id", *, blank_zero: bool = False) -> str:
    """Rupiah: ``Rp1.234.567``; negatives in parentheses ``(Rp1.234.567)``."""
    number = _decimal(value)
    if blank_zero and number == 0:
        return "-"
    text = "Rp" + angka(abs(number), lang)
    return f"({text})" if number < 0 else text


def akuntansi(value: Any, lang: str = "id") -> str:
    """A statement figure without the currency: ``1.234.567``, ``(1.234.567)``, ``-`` for zero."""
    number = _decimal(value)
    if number == 0:
        return "-"
    text = angka(abs(number), lang)
    return f"({text})" if number < 0 else text


def persen(value: Any, lang: str = "id", *, decimals: int = 2) -> str:
    """A percent: ``12,5%``; trailing zero decimals dropped."""
    number = _decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    number = number.normalize() if number != 0 else Decimal(0)
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    return angka(number, lang) + "%"


def tanggal(value: dt.date | str | None, lang: str = "id", *, bentuk: str = "long") -> str:
    """A date: ``31 Desember 2025`` (id, long), ``31/12/2025`` (short), ``Desember 2025`` (bulan)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    patterns = {"long": "d MMMM y", "short": "dd/MM/y", "bulan": "MMMM y", "medium": "d MMM y"}
    pattern = patterns.get(bentuk, bentuk)
    return format_date(value, format=pattern, locale=_locale(lang))


def terbilang(value: Any, lang: str = "id", *, satuan: bool = True) -> str:
    """An amount in words: ``sembilan puluh juta rupiah`` (whole rupiah; sen dropped)."""
    from num2words import num2words

    number = int(_decimal(value).to_integral_value(rounding=ROUND_HALF_UP))
    words = num2words(abs(number), lang="id" if lang == "id" else "en")
    if number < 0:
        words = "minus " + words
    if satuan:
        words += " rupiah"
    return str(words)
