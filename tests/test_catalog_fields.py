"""A catalog entry from a user's template folder fills plain names only (issue 23 §5)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from kopledger.core.errors import user_catalogs, worded


def _folder(tmp_path: Path, english: str) -> Path:
    (tmp_path / "locale" / "en").mkdir(parents=True)
    (tmp_path / "locale" / "en" / "pesan.json").write_text(
        json.dumps({"Tanggal {tanggal}": english}), encoding="utf-8"
    )
    return tmp_path


def test_attribute_lookup_in_a_user_catalog_is_not_followed(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "Date {tanggal.__class__.__init__.__globals__}")
    with user_catalogs(folder):
        text = worded("Tanggal {tanggal}", {"tanggal": dt.date(2025, 12, 31)}, "en")
    assert text == "Tanggal 2025-12-31"
    assert "__" not in text


def test_index_lookup_and_positional_fields_fall_back(tmp_path: Path) -> None:
    for english in ("Date {tanggal[0]}", "Date {0}", "Date {tanggal:{tanggal.year}}"):
        folder = _folder(tmp_path / str(abs(hash(english))), english)
        with user_catalogs(folder):
            assert worded("Tanggal {tanggal}", {"tanggal": "31 Desember 2025"}, "en") == "Tanggal 31 Desember 2025"


def test_a_plain_user_entry_is_used(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "Date {tanggal!r:>20}")
    with user_catalogs(folder):
        assert worded("Tanggal {tanggal}", {"tanggal": "x"}, "en") == "Date " + repr("x").rjust(20)
