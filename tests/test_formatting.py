"""Formatting filters: rupiah, angka, akuntansi, persen, tanggal, terbilang (id and en)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from babel import Locale
from babel.numbers import get_decimal_symbol, get_group_symbol
from hypothesis import given, settings
from hypothesis import strategies as st

from kopledger import InputError
from kopledger.core.numerals import SYMBOLS
from kopledger.present.formatting import akuntansi, angka, persen, rupiah, tanggal, terbilang


@pytest.mark.parametrize(("value", "lang", "expected"), [
    (1234567, "id", "Rp1.234.567"),
    (-1234567, "id", "(Rp1.234.567)"),
    (Decimal("1234567"), "en", "Rp1,234,567"),
    (-1234567, "en", "(Rp1,234,567)"),
    (0, "id", "Rp0"),
    (Decimal("-0.00"), "id", "Rp0"),
    (999, "id", "Rp999"),
    (Decimal("1500.5"), "id", "Rp1.500,5"),
    (Decimal("1500.505"), "id", "Rp1.500,51"),  # half up
    ("25000", "id", "Rp25.000"),
    (None, "id", "Rp0"),
])
def test_rupiah(value: object, lang: str, expected: str) -> None:
    assert rupiah(value, lang) == expected


def test_rupiah_blank_zero() -> None:
    assert rupiah(0, blank_zero=True) == "-"
    assert rupiah(5, blank_zero=True) == "Rp5"


@given(st.integers(min_value=-(10**60), max_value=10**60))
@settings(max_examples=300, deadline=None)
def test_rupiah_round_trips_any_integer(n: int) -> None:
    for lang, group in (("id", "."), ("en", ",")):
        text = rupiah(n, lang)
        negative = text.startswith("(") and text.endswith(")")
        digits = text.strip("()").removeprefix("Rp").replace(group, "")
        assert digits.isdigit()
        assert (-int(digits) if negative else int(digits)) == n
        assert negative == (n < 0)


@given(st.decimals(min_value=-(10**15), max_value=10**15, places=2, allow_nan=False))
@settings(max_examples=200, deadline=None)
def test_angka_keeps_two_decimal_amounts_exact(value: Decimal) -> None:
    text = angka(value, "id")
    back = Decimal(text.replace(".", "").replace(",", "."))
    assert back == value


@pytest.mark.parametrize(("value", "lang", "expected"), [
    (1234567, "id", "1.234.567"),
    (1234567, "en", "1,234,567"),
    (Decimal("1234.567"), "id", "1.234,57"),
    (Decimal("0.5"), "en", "0.5"),
    (Decimal("-0.001"), "id", "0"),
    (Decimal("-1234.5"), "id", "-1.234,5"),
])
def test_angka(value: object, lang: str, expected: str) -> None:
    assert angka(value, lang) == expected


def test_angka_fixed_decimals() -> None:
    assert angka(5, decimals=2) == "5,00"
    assert angka(Decimal("2.345"), "en", decimals=2) == "2.35"
    assert angka(Decimal("2.5"), decimals=0) == "3"


def test_akuntansi() -> None:
    assert akuntansi(Decimal("-1234567")) == "(1.234.567)"
    assert akuntansi(1234567, "en") == "1,234,567"
    assert akuntansi(0) == "-"


@pytest.mark.parametrize(("value", "lang", "expected"), [
    (Decimal("12.5"), "id", "12,5%"),
    (Decimal("12.5"), "en", "12.5%"),
    (100, "id", "100%"),
    (Decimal("33.3333"), "id", "33,33%"),
    (0, "id", "0%"),
])
def test_persen(value: object, lang: str, expected: str) -> None:
    assert persen(value, lang) == expected


@pytest.mark.parametrize(("value", "lang", "bentuk", "expected"), [
    (dt.date(2025, 12, 31), "id", "long", "31 Desember 2025"),
    (dt.date(2025, 12, 31), "en", "long", "31 December 2025"),
    ("2025-03-01", "id", "long", "1 Maret 2025"),
    (dt.date(2025, 8, 17), "id", "short", "17/08/2025"),
    (dt.date(2025, 2, 1), "id", "bulan", "Februari 2025"),
    (dt.date(2025, 2, 1), "en", "bulan", "February 2025"),
    (None, "id", "long", ""),
])
def test_tanggal(value: object, lang: str, bentuk: str, expected: str) -> None:
    assert tanggal(value, lang, bentuk=bentuk) == expected  # type: ignore[arg-type]


def test_tanggal_bad_string_is_an_input_error() -> None:
    with pytest.raises(InputError, match="YYYY-MM-DD"):
        tanggal("31-12-2025")


def test_terbilang_indonesian() -> None:
    assert terbilang(397058) == "tiga ratus sembilan puluh tujuh ribu lima puluh delapan rupiah"
    assert terbilang(1000000, satuan=False) == "satu juta"
    assert terbilang(Decimal("-1500")) == "minus seribu lima ratus rupiah"
    assert terbilang(0) == "nol rupiah"


def test_terbilang_english() -> None:
    assert terbilang(397058, "en") == "three hundred and ninety-seven thousand and fifty-eight rupiah"
    assert terbilang(21, "en", satuan=False) == "twenty-one"


def test_terbilang_rounds_half_up_to_whole_rupiah() -> None:
    assert terbilang(Decimal("10.5"), satuan=False) == "sebelas"
    assert terbilang(Decimal("10.49"), satuan=False) == "sepuluh"


def test_terbilang_of_an_absurd_amount_is_an_input_error() -> None:
    with pytest.raises(InputError, match="terlalu besar untuk ditulis dengan huruf"):
        terbilang(10**40)


def test_not_a_number_is_an_input_error() -> None:
    with pytest.raises(InputError, match="bukan angka: 'seribu'"):
        rupiah("seribu")


def test_message_numbers_use_the_separators_of_the_locales() -> None:
    """core.numerals writes numbers without Babel: its separators are CLDR's for each language."""
    for lang, locale in (("id", "id_ID"), ("en", "en_US")):
        parsed = Locale.parse(locale)
        assert SYMBOLS[lang] == (get_group_symbol(parsed), get_decimal_symbol(parsed))
