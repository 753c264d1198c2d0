"""The plugin is its small checks composed: each ``(entries, options_map) -> errors`` on its
own finds exactly what it finds within the plugin's run (one walk, in the books' order)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from beancount import loader
from beancount.core import data

from kopledger.books.checks import plugin
from kopledger.books.checks.closed_years import check_closed_years
from kopledger.books.checks.directive_shapes import check_directives
from kopledger.books.checks.invariants import check_invariants
from kopledger.books.checks.member_accounts import check_member_accounts, open_member_accounts
from kopledger.books.checks.rat_directives import check_rat_directives
from kopledger.books.checks.savings_rules import check_savings
from tests.conftest import ledger_text

BODY = """
2024-01-05 custom "anggota" "A0001" "Siti Aminah"
2024-01-05 custom "anggota" "A0002" "Budi Santoso"
2024-01-05 custom "anggota" "A0003"
2024-01-06 * "Simpanan pokok" #simpanan-pokok
  anggota: "A0001"
  bukti: "KW-1"
  Aset:Kas  100000 IDR
  Ekuitas:SimpananPokok:A0001  -100000 IDR
2024-01-07 * "Simpanan pokok lagi" #simpanan-pokok
  anggota: "A0001"
  bukti: "KW-1"
  Aset:Kas  100000 IDR
  Ekuitas:SimpananPokok:A0001  -100000 IDR
2024-01-08 * "Simpanan pokok kurang" #simpanan-pokok
  anggota: "A0002"
  Aset:Kas  50000 IDR
  Ekuitas:SimpananPokok:A0002  -50000 IDR
2024-02-01 * "Tarik wajib"
  anggota: "A0002"
  Ekuitas:SimpananWajib:A0002  25000 IDR
  Aset:Kas
2024-02-02 * "Setoran" #simpanan-sukarela
  anggota: "A0009"
  Aset:Kas  1000 IDR
  Liabilitas:SimpananSukarela:A0009  -1000 IDR
2024-03-01 * "Pinjaman cair" #pinjaman-cair
  anggota: "A0001"
  pinjaman: "P-1"
  pokok: 100000 IDR
  Aset:Piutang:PinjamanAnggota:A0001  100000 IDR
  Aset:Kas
2024-04-01 * "Angsuran"
  anggota: "A0001"
  pinjaman: "P-1"
  Aset:Kas  150000 IDR
  Aset:Piutang:PinjamanAnggota:A0001  -150000 IDR
2024-05-01 * "Listrik"
  Beban:Usaha:Gaji  1000 IDR
  Aset:Kas
2024-12-31 custom "ringkasan-tahun" "20x"
2025-01-10 balance Aset:Persediaan  0 IDR
  tutup-buku: "2023"
  sidik: "0123456789abcdef"
"""


def raw_books() -> tuple[list[data.Directive], dict[str, Any]]:
    """The books as beancount books them, before kopledger's plugin."""
    text = ledger_text(BODY).replace('plugin "kopledger.plugin"\n', "")
    entries, _errors, options = loader.load_string(text)
    return entries, options


def test_each_check_alone_finds_what_the_plugin_finds() -> None:
    entries, options = raw_books()
    alone = {
        check.__name__: [e.message for e in check(entries, options)]
        for check in (check_directives, check_member_accounts, check_savings, check_invariants,
                      check_closed_years, check_rat_directives)
    }
    assert all(alone.values()), alone  # these books break every check
    assert any("tidak dikenal: A0009" in m for m in alone["check_member_accounts"])
    assert any("sudah dibayar pada 2024-01-06" in m for m in alone["check_savings"])
    assert any("tidak boleh diambil" in m for m in alone["check_savings"])
    assert not any("tidak dikenal" in m for m in alone["check_savings"])
    composed = [e.message for e in plugin.check(entries, options).errors]
    assert Counter(composed) == Counter(m for found in alone.values() for m in found)
    # in the documented order: the directives, then the walks, then the whole-book checks
    directives = alone["check_directives"]
    assert composed[:len(directives)] == directives
    assert composed[-len(alone["check_rat_directives"]):] == alone["check_rat_directives"]


def test_the_plugin_opens_member_accounts_as_the_transformation_alone() -> None:
    entries, options = raw_books()
    opened, errors = open_member_accounts(entries, options)
    assert [e.message for e in errors] == [e.message for e in check_member_accounts(entries, options)]
    made = {e.account for e in opened if isinstance(e, data.Open)} - {e.account for e in entries if isinstance(e, data.Open)}
    assert made == {"Ekuitas:SimpananPokok:A0001", "Ekuitas:SimpananPokok:A0002", "Ekuitas:SimpananWajib:A0002",
                    "Aset:Piutang:PinjamanAnggota:A0001", "Liabilitas:SimpananSukarela:A0009"}
    assert plugin.check(entries, options).entries == opened


def test_the_plugin_returns_the_books_it_was_given_and_keeps_no_state() -> None:
    entries, options = raw_books()
    before = list(entries)
    first = plugin.check(entries, options)
    second = plugin.check(entries, options)
    assert entries == before
    assert [e.message for e in first.errors] == [e.message for e in second.errors]
    assert first.resumable is None and not first.resumed  # state only when a caller keeps it
