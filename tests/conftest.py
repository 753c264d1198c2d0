"""Shared test helpers: small ledgers written inline, loaded through kopledger."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from kopledger import Koperasi

HEADER_ID = """\
option "title" "Koperasi Uji"
option "operating_currency" "IDR"
option "name_assets" "Aset"
option "name_liabilities" "Liabilitas"
option "name_equity" "Ekuitas"
option "name_income" "Pendapatan"
option "name_expenses" "Beban"
plugin "kopledger.plugin"

2020-01-01 open Aset:Kas IDR
2020-01-01 open Aset:Persediaan IDR
2020-01-01 open Ekuitas:Cadangan:Umum IDR
2020-01-01 open Ekuitas:SHU:TahunBerjalan IDR
2020-01-01 open Pendapatan:Anggota:Penjualan IDR
2020-01-01 open Pendapatan:Anggota:JasaPinjaman IDR
2020-01-01 open Pendapatan:NonAnggota:Penjualan IDR
2020-01-01 open Beban:PokokPenjualan IDR
2020-01-01 open Beban:Usaha:Gaji IDR
2020-01-01 open Liabilitas:DanaSHU:Pengurus IDR
2020-01-01 open Liabilitas:DanaSHU:Karyawan IDR
2020-01-01 open Liabilitas:DanaSHU:Pendidikan IDR
2020-01-01 open Liabilitas:DanaSHU:Sosial IDR
2020-01-01 custom "kebijakan" "simpanan-pokok" 100000 IDR
2020-01-01 custom "kebijakan" "simpanan-wajib" 25000 IDR
"""

#: The same books with English root names (``Assets``, ``Liabilities``, ``Equity``, ``Income``,
#: ``Expenses`` — beancount's defaults), for tests that must work under any roots.
HEADER_EN = (
    HEADER_ID.replace('option "name_assets" "Aset"\n', "")
    .replace('option "name_liabilities" "Liabilitas"\n', "")
    .replace('option "name_equity" "Ekuitas"\n', "")
    .replace('option "name_income" "Pendapatan"\n', "")
    .replace('option "name_expenses" "Beban"\n', "")
    .replace(" Aset:", " Assets:")
    .replace(" Liabilitas:", " Liabilities:")
    .replace(" Ekuitas:", " Equity:")
    .replace(" Pendapatan:", " Income:")
    .replace(" Beban:", " Expenses:")
)


def ledger_text(body: str, header: str = HEADER_ID) -> str:
    """A full ledger: the standard test header plus ``body`` (dedented)."""
    return header + "\n" + textwrap.dedent(body)


def load_doc(body: str, header: str = HEADER_ID) -> Koperasi:
    """Load ``body`` under the standard Indonesian header."""
    return Koperasi.from_string(ledger_text(body, header))


@pytest.fixture
def write_ledger(tmp_path: Path):
    """Write a ledger file in ``tmp_path`` and return its path."""

    def write(body: str, header: str = HEADER_ID, name: str = "buku.beancount") -> Path:
        path = tmp_path / name
        path.write_text(ledger_text(body, header), encoding="utf-8")
        return path

    return write


@pytest.fixture(autouse=True, scope="session")
def _kop_cache_home(tmp_path_factory: pytest.TempPathFactory) -> None:
    """kopledger's cache (kopledger/books/load/cache.py) of the whole run in a temporary folder, not ~/.cache."""
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
