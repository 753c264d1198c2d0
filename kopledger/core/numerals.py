"""Numbers written the reader's way, the one rule for every message and document.

``1.234.567,5`` in Indonesian, ``1,234,567.5`` in English; figures with decimals are rounded
half up (``ROUND_HALF_UP``) at any size. :class:`~kopledger.core.errors.Rupiah` words an
amount inside a message with :func:`rupiah_text`; :mod:`kopledger.present.formatting` (the
templates' filters) calls the same functions.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext

#: (thousands separator, decimal separator) by language (CLDR's id_ID and en_US); another
#: language is written the Indonesian way.
SYMBOLS = {"id": (".", ","), "en": (",", ".")}


def symbols(lang: str) -> tuple[str, str]:
    """(thousands separator, decimal separator) of ``lang``."""
    return SYMBOLS.get(lang, SYMBOLS["id"])


def round_half_up(number: Decimal, decimals: int) -> Decimal:
    """``number`` rounded half up to ``decimals`` places, at any size."""
    with localcontext() as ctx:
        ctx.prec = max(28, number.adjusted() + decimals + 3)
        return number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _group(digits: str, symbol: str) -> str:
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return symbol.join(parts)


def number_text(number: Decimal, lang: str = "id", *, decimals: int | None = None) -> str:
    """A finite number with thousands separators: whole numbers without decimals, others with
    up to 2 (trailing zeros dropped), unless ``decimals`` fixes the count."""
    places = 2 if decimals is None else decimals
    number = round_half_up(number, places)
    text = format(number.copy_abs(), "f")
    whole, _, fraction = text.partition(".")
    if decimals is None:
        fraction = fraction.rstrip("0")
    group, decimal = symbols(lang)
    result = _group(whole, group)
    if fraction:
        result += decimal + fraction
    return f"-{result}" if number < 0 else result


def rupiah_text(number: Decimal, lang: str = "id") -> str:
    """Rupiah: ``Rp1.234.567``; negatives in parentheses ``(Rp1.234.567)``."""
    text = "Rp" + number_text(number.copy_abs(), lang)
    return f"({text})" if number < 0 and text != "Rp0" else text
