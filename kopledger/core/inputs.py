"""Strict parsing of what a person types: amounts, rates, years, months, dates, names.

Every parser returns the value or raises :class:`~kopledger.core.errors.InputError` with a
message that says what was wrong and what to write instead. The CLI uses them through the
click parameter types in :mod:`kopledger.cli.common` (so a bad value is a usage error,
exit 2, never a traceback); the library's builders use them too.

- amounts: ASCII digits only (``1e6``, ``1_000``, ``5.000``, Arabic-Indic digits are
  refused), an optional leading minus only where a sign makes sense, at most 15 digits;
- years 1900–2999, months ``YYYY-MM``, dates ``YYYY-MM-DD`` in those years;
- a NIK is exactly 16 ASCII digits (:func:`parse_nik`): full-width ``３２０１…`` or Arabic-Indic
  digits are refused, so one NIK has one spelling and the duplicate check cannot be stepped around;
- names, addresses and ids refuse control characters (C0, DEL, C1: NUL, ESC…) and invisible
  format characters — bidi controls such as U+202E RIGHT-TO-LEFT OVERRIDE, zero-width spaces and
  joiners, U+FEFF, soft hyphen, line/paragraph separators (:func:`hidden_char`) — and name the
  field, the character (``U+202E``) and its position; :func:`terminal_safe` makes any text
  harmless to print on a terminal (those characters shown as ``\\uXXXX``).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal

from kopledger.core.errors import InputError, Pesan

MIN_YEAR = 1900
MAX_YEAR = 2999
MAX_DIGITS = 15

_AMOUNT = re.compile(r"[0-9]{1,15}", re.ASCII)
_SIGNED_AMOUNT = re.compile(r"-?[0-9]{1,15}", re.ASCII)
_RATE = re.compile(r"[0-9]{1,3}(\.[0-9]{1,4})?", re.ASCII)
_YEAR = re.compile(r"[0-9]{4}", re.ASCII)
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})", re.ASCII)
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", re.ASCII)
NIK_DIGITS = 16
_NIK = re.compile(r"[0-9]{16}", re.ASCII)

_NAMES = {0x00: "NUL", 0x07: "BEL", 0x08: "BS", 0x09: "TAB", 0x0A: "LF", 0x0D: "CR", 0x1B: "ESC", 0x7F: "DEL",
          0x9B: "CSI"}


def is_control(ch: str) -> bool:
    """C0 (U+0000–U+001F), DEL (U+007F) or C1 (U+0080–U+009F)."""
    code = ord(ch)
    return code < 0x20 or 0x7F <= code <= 0x9F


def describe_char(ch: str) -> str:
    """``U+001B (ESC)``: a character named so that a person can find it."""
    code = ord(ch)
    name = _NAMES.get(code) or unicodedata.name(ch, "")
    return f"U+{code:04X}" + (f" ({name})" if name else "")


#: Unicode categories of characters that show nothing yet change what a reader sees: format
#: characters (Cf: bidi controls U+202A–U+202E, U+2066–U+2069, U+200E/U+200F, U+061C; zero-width
#: U+200B–U+200D, U+2060, U+FEFF; soft hyphen …), surrogates (Cs), line and paragraph separators.
HIDDEN_CATEGORIES = frozenset({"Cf", "Cs", "Zl", "Zp"})


def hidden_char(ch: str) -> bool:
    """A character that is invisible or reorders the text around it (bidi override, zero-width
    space or joiner, BOM …): every character of :data:`HIDDEN_CATEGORIES`."""
    return unicodedata.category(ch) in HIDDEN_CATEGORIES


def text_problem(value: str, label: str | Pesan) -> Pesan | None:
    """What is wrong with free text ``value`` (a control or hidden character, named with its
    ``U+`` code and position), or None."""
    for position, ch in enumerate(value, start=1):
        if is_control(ch):
            return Pesan(
                "{label} berisi karakter kendali {karakter} pada posisi {posisi}; tulis teks biasa saja "
                "(control character refused)",
                label=Pesan.label(label), karakter=describe_char(ch), posisi=position,
            )
    return hidden_problem(value, label)


def hidden_problem(value: str, label: str | Pesan) -> Pesan | None:
    """The first hidden character of ``value`` (:func:`hidden_char`), named with its ``U+`` code and
    position, or None."""
    for position, ch in enumerate(value, start=1):
        if hidden_char(ch):
            return Pesan(
                "{label} berisi karakter tak terlihat {karakter} pada posisi {posisi} (pembalik arah teks atau "
                "spasi/penyambung lebar nol); ketik ulang teksnya tanpa karakter itu",
                label=Pesan.label(label), karakter=describe_char(ch), posisi=position,
            )
    return None


def clean_text(value: str, label: str | Pesan) -> str:
    """``value`` stripped, or :class:`InputError` naming the first control or hidden character in it
    (:func:`text_problem`)."""
    problem = text_problem(value, label)
    if problem is not None:
        raise InputError.pesan(problem.teks, **problem.nilai)
    return value.strip()


def terminal_safe(text: str) -> str:
    """``text`` with every control character but newline and tab shown as ``\\xNN`` / ``\\u00NN``,
    and every hidden character (:func:`hidden_char`) as ``\\uXXXX``, so printing it can never move
    the cursor, change colours, retitle a terminal or reorder what is shown."""
    return _UNSAFE.sub(_escaped, text)


#: The control characters of :func:`is_control` but newline and tab, and the hidden characters.
#: (A superset of the hidden ones is matched; :func:`_escaped` keeps the visible.)
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\xad\u0600-\u070f\u0890-\u08ff\u180e\u2000-\u206f\ufeff\ufff0-\uffff"
    "\U00011000-\U0001ffff\U000e0000-\U000e0fff\ud800-\udfff]"
)


def _escaped(match: re.Match[str]) -> str:
    ch = match.group()
    code = ord(ch)
    if code >= 0xA0 and not hidden_char(ch):
        return ch
    return f"\\x{code:02x}" if code < 0x80 else f"\\u{code:04x}"


def parse_nik(value: str, label: str = "NIK") -> str:
    """A NIK (nomor induk kependudukan): exactly 16 ASCII digits 0–9; surrounding spaces dropped."""
    text = value.strip()
    problem = nik_problem(text, label)
    if problem is not None:
        raise InputError.pesan(problem.teks, **problem.nilai)
    return text


def is_nik(value: str) -> bool:
    """True when ``value`` is exactly 16 ASCII digits (never full-width or other scripts' digits)."""
    return bool(_NIK.fullmatch(value))


def nik_problem(value: str, label: str = "NIK") -> Pesan | None:
    """Why ``value`` is not a NIK (16 ASCII digits), or None."""
    if is_nik(value):
        return None
    if any(ch.isdigit() and not ch.isascii() for ch in value):
        return Pesan("{label} harus {jumlah} angka 0-9 biasa, tertulis {nilai} dengan angka lain (misalnya "
                     "angka lebar penuh)", label=Pesan.label(label), nilai=_shown(value), jumlah=NIK_DIGITS)
    return Pesan("{label} harus {jumlah} angka, tertulis {nilai}",
                 label=Pesan.label(label), nilai=_shown(value), jumlah=NIK_DIGITS)


def parse_amount(value: str, label: str = "jumlah", *, signed: bool = False) -> Decimal:
    """A whole-rupiah amount typed as ASCII digits (``50000``; ``-50000`` when ``signed``)."""
    text = value.strip()
    pattern = _SIGNED_AMOUNT if signed else _AMOUNT
    if pattern.fullmatch(text):
        return Decimal(text)
    digits = sum(ch.isdigit() for ch in text)
    if digits > MAX_DIGITS and text.lstrip("-").isascii() and text.lstrip("-").isdigit():
        raise InputError.pesan(
            "{label} {nilai} terlalu besar: paling banyak {max_digits} angka",
            label=Pesan.label(label), nilai=_shown(value), max_digits=MAX_DIGITS,
        )
    if text.startswith("-") and not signed:
        raise InputError.pesan(
            "{label} harus lebih dari nol, tertulis {nilai}",
            label=Pesan.label(label), nilai=_shown(value),
        )
    raise InputError.pesan(
        "{label} {nilai} bukan angka rupiah yang sah: tulis rupiah bulat dengan angka 0-9 saja, tanpa "
        "titik, koma, garis bawah atau eksponen, misalnya 50000",
        label=Pesan.label(label), nilai=_shown(value),
    )


def parse_rate(value: str, label: str = "bunga") -> Decimal:
    """A percentage such as ``18`` or ``1.5`` (at most 999.9999)."""
    text = value.strip()
    if _RATE.fullmatch(text):
        return Decimal(text)
    raise InputError.pesan(
        "{label} {nilai} tidak sah: tulis persen dengan angka 0-9 dan titik, misalnya 18 atau 1.5",
        label=Pesan.label(label), nilai=_shown(value),
    )


def check_year(year: int, label: str = "tahun") -> int:
    """``year`` if it is within 1900–2999."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InputError.pesan(
            "{label} {tahun} di luar jangkauan: pakai tahun {min_year}–{max_year}",
            label=Pesan.label(label), tahun=year, min_year=MIN_YEAR, max_year=MAX_YEAR,
        )
    return year


def parse_year(value: str | int, label: str = "tahun") -> int:
    """A year 1900–2999 typed as four ASCII digits."""
    if isinstance(value, int):
        return check_year(value, label)
    text = value.strip()
    if not _YEAR.fullmatch(text):
        raise InputError.pesan(
            "{label} {nilai} tidak sah: tulis empat angka, misalnya 2025",
            label=Pesan.label(label), nilai=_shown(value),
        )
    return check_year(int(text), label)


def check_year_begun(year: int, today: dt.date, label: str = "tahun buku") -> int:
    """``year`` if it has begun by ``today`` (the caller's clock,
    :func:`kopledger.books.periode.hari_ini`): a report of a future year is refused."""
    if year > today.year:
        raise InputError.pesan(
            "{label} {tahun} belum dimulai (hari ini {hari_ini}); pilih tahun {tahun_ini} atau sebelumnya",
            label=Pesan.label(label), tahun=year, hari_ini=today.isoformat(), tahun_ini=today.year,
        )
    return year


def parse_month(value: str, label: str = "bulan") -> str:
    """``YYYY-MM`` with a year 1900–2999 and a month 01–12; returned normalised."""
    match = _MONTH.fullmatch(value.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise InputError.pesan(
            "{label} {nilai} tidak sah: tulis YYYY-MM, misalnya 2025-01",
            label=Pesan.label(label), nilai=_shown(value),
        )
    check_year(int(match.group(1)), Pesan("{label} {nilai}: tahun", label=Pesan.label(label), nilai=match.group(0)))
    return match.group(0)


def parse_date(value: str, label: str = "tanggal") -> dt.date:
    """``YYYY-MM-DD`` of a real day in 1900–2999."""
    match = _DATE.fullmatch(value.strip())
    if not match:
        raise InputError.pesan(
            "{label} {nilai} tidak valid: tulis YYYY-MM-DD, misalnya 2025-03-31",
            label=Pesan.label(label), nilai=_shown(value),
        )
    check_year(int(match.group(1)), Pesan("{label} {nilai}: tahun", label=Pesan.label(label), nilai=match.group(0)))
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        raise InputError.pesan(
            "{label} {nilai} tidak valid: bukan tanggal yang ada di kalender",
            label=Pesan.label(label), nilai=_shown(value),
        ) from None


def _shown(value: object) -> str:
    """A value quoted for a message, its control characters made visible."""
    return terminal_safe(repr(value) if isinstance(value, str) else str(value))
