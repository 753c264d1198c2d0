"""Property (issue 23): any directive added to a closed year — of every kind, with every flag
and any metadata a user can write (``lineno``, ``filename`` and ``__x__``-like names too) —
and any flag or metadata changed on a closed year's entry is caught by the load's errors
(``kop cek``) and by the verification of the newest closed year (``kop verifikasi``)."""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kopledger import Koperasi
from kopledger.books.closed.chain import verify_year
from kopledger.core.errors import InputError
from kopledger.ops.closing import closed_years, plan_closing
from kopledger.ops.writer import format_directives
from tests.conftest import ledger_text
from tests.test_chain_property import BODY

#: Every flag beancount's lexer reads, and ``txn``.
FLAGS = ["*", "!", "&", "#", "?", "%", "P", "S", "T", "C", "U", "R", "M", "txn"]
KEYS = ["lineno", "filename", "catatan", "x-y_z", "bukti", "tahun", "sidik", "anggota", "__x__", "_x", "Lineno"]
VALUES = ['"<kopledger>"', "0", "5", '""', "TRUE", "FALSE", '"buku.beancount"', "2024-01-01", "Aset:Kas", "1 IDR"]
KINDS = ["open", "close", "balance", "pad", "note", "document", "event", "price", "commodity", "custom", "query",
         "transaction"]


def _closed_text() -> str:
    text = ledger_text(BODY)
    for year, today in ((2023, dt.date(2024, 1, 10)), (2024, dt.date(2025, 1, 15))):
        kop = Koperasi.from_string(text)
        assert kop.errors == []
        text += "\n" + format_directives(plan_closing(kop, year, tanggal=today).entries)
    return text


CLOSED = _closed_text()
LINES = CLOSED.splitlines()
STARTS = [i for i, line in enumerate(LINES) if re.match(r"\d{4}-\d\d-\d\d ", line)]
CLOSED_STARTS = [i for i in STARTS if LINES[i][:10] <= "2024-12-31"]
TRANSACTIONS = [i for i in CLOSED_STARTS if re.match(r"\d{4}-\d\d-\d\d [*!] ", LINES[i])]
NEWEST = 2024


def directive(kind: str, day: dt.date, flag: str, n: int) -> str:
    return {
        "open": f"{day} open Aset:Baru{n} IDR",
        "close": f"{day} close Pendapatan:NonAnggota:Penjualan",
        "balance": f"{day} balance Aset:Kas {n} IDR",
        "pad": f"{day} pad Aset:Kas Ekuitas:Cadangan:Umum",
        "note": f'{day} note Aset:Kas "catatan {n}"',
        "document": f'{day} document Aset:Kas "nota-{n}.pdf"',
        "event": f'{day} event "lokasi" "Sukabumi {n}"',
        "price": f"{day} price USD {n} IDR",
        "commodity": f"{day} commodity USD{n % 10}",
        "custom": f'{day} custom "catatan-rapat" "rapat {n}"',
        "query": f'{day} query "q{n}" "SELECT account"',
        "transaction": f'{day} {flag} "Pindah {n}"\n  Aset:Kas  {n} IDR\n  Ekuitas:Cadangan:Umum',
    }[kind]


@st.composite
def closed_year_edit(draw: st.DrawFn) -> str:
    lines = list(LINES)
    meta = f"  {draw(st.sampled_from(KEYS))}: {draw(st.sampled_from(VALUES))}"
    edit = draw(st.sampled_from(["tambah", "flag", "meta"]))
    if edit == "tambah":
        kind = draw(st.sampled_from(KINDS))
        day = draw(st.dates(dt.date(2021, 1, 1), dt.date(2024, 12, 31)))
        text = directive(kind, day, draw(st.sampled_from(FLAGS)), draw(st.integers(1, 10**7)))
        if draw(st.booleans()):
            head, _, rest = text.partition("\n")
            text = head + "\n" + meta + ("\n" + rest if rest else "")
        where = draw(st.sampled_from([*STARTS, len(lines)]))
        lines[where:where] = [text, ""]
    elif edit == "flag":
        i = draw(st.sampled_from(TRANSACTIONS))
        flag = draw(st.sampled_from([f for f in FLAGS if f not in ("*", "txn", LINES[i][11])]))
        lines[i] = lines[i][:11] + flag + lines[i][12:]
    else:
        i = draw(st.sampled_from(CLOSED_STARTS))
        following = [j for j in STARTS if j > i]
        block = LINES[i:following[0] if following else len(LINES)]
        # a key the entry already has: beancount keeps the later line, so the entry is unchanged
        key = draw(st.sampled_from([k for k in KEYS if not any(line.startswith(f"  {k}:") for line in block)]))
        lines.insert(i + 1, f"  {key}: {draw(st.sampled_from(VALUES))}")
    return "\n".join(lines) + "\n"


def caught(text: str) -> tuple[bool, bool]:
    """(the load has errors, the newest closed year does not verify), from a real file."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "buku.beancount"
        path.write_text(text, encoding="utf-8")
        try:
            kop = Koperasi.load(path)
        except InputError:
            return True, True  # books beancount cannot parse: refused with a message
        result = verify_year(kop.entries, kop.options, NEWEST, SIDIK, kop.errors)
        return bool(kop.errors), not result.cocok


def _sidik() -> str:
    previous = os.environ.get("KOP_CACHE")
    os.environ["KOP_CACHE"] = "0"
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "buku.beancount"
            path.write_text(CLOSED, encoding="utf-8")
            kop = Koperasi.load(path)
            assert kop.errors == []
            return closed_years(kop)[NEWEST]
    finally:
        if previous is None:
            del os.environ["KOP_CACHE"]
        else:
            os.environ["KOP_CACHE"] = previous


SIDIK = _sidik()


def test_the_unedited_books_verify(monkeypatch):
    monkeypatch.setenv("KOP_CACHE", "0")
    assert caught(CLOSED) == (False, False)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(closed_year_edit())
def test_every_addition_flag_and_metadata_in_a_closed_year_is_caught(monkeypatch, text):
    monkeypatch.setenv("KOP_CACHE", "0")
    assert text != CLOSED
    assert caught(text) == (True, True)
