"""What must always hold of the books, checked by the plugin (so ``kop cek`` and
``bean-check`` see hand edits and hand-copied entries too).

One pass over the entries (:func:`check_invariants`, step 3 of :mod:`kopledger.books.checks.plugin`):

- one SHU allocation per tahun buku: at most one ``#shu-alokasi ^shu-YEAR`` transaction
  (a ``#koreksi`` entry is a correction, not a second allocation);
- SHU payments (``#shu-bayar ^shu-YEAR``) never exceed what was allocated to that member
  in ``Liabilitas:UtangSHU:<ID>`` for that year;
- loan ids unique: one ``#pinjaman-cair`` per ``pinjaman:`` id;
- a loan never repaid beyond its principal: postings to ``Aset:Piutang:PinjamanAnggota:<ID>``
  that name a loan (``pinjaman:``) never credit more than its ``pokok``, and no member's
  loan account is ever repaid below zero;
- every ``bukti`` unique: a receipt number (with ``bukti-ke`` inside one write) appears
  once in the books.

Each error carries the offending entry's meta, so it prints as ``file:line: message``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, NamedTuple

from beancount.core import data

from kopledger.core.errors import KopError
from kopledger.core.roots import MemberKind, Roots

ZERO = Decimal(0)
TAG_ALOKASI = "shu-alokasi"
TAG_BAYAR = "shu-bayar"
TAG_CAIR = "pinjaman-cair"
TAG_KOREKSI = "koreksi"
_SHU_LINK = "shu-"


def _where(meta: dict[str, Any] | None) -> str:
    meta = meta or {}
    return f"{meta.get('filename')}:{meta.get('lineno')}"


def _shu_year(links: frozenset[str] | None) -> str | None:
    for link in links or ():
        if link.startswith(_SHU_LINK) and link[len(_SHU_LINK):].isdigit():
            return link[len(_SHU_LINK):]
    return None


def check_invariants(entries: list[data.Directive], options_map: dict[str, Any]) -> list[KopError]:
    """Plugin check ``f(entries, options_map)``: the invariants above, as errors with file:line."""
    walk = Walk(options_map)
    for entry in entries:
        walk.visit(entry)
    return walk.errors


class Walk:
    """The invariants' running state over entries visited in order (a walk can be resumed
    with more entries that sort after every one it has seen: :mod:`kopledger.books.checks.plugin`)."""

    def __init__(self, options_map: dict[str, Any]) -> None:
        roots = Roots.from_options(options_map)
        self.loan_parent = roots.member_parent(MemberKind.PINJAMAN) + ":"
        self.utang_parent = roots.member_parent(MemberKind.UTANG_SHU) + ":"
        self.errors: list[KopError] = []
        self.bukti_seen: dict[tuple[str, Any], dict[str, Any]] = {}
        self.allocations: dict[str, Any] = {}  # year -> the allocation entry
        self.allocated: dict[tuple[str, str], Decimal] = {}  # (year, member) -> allocated - paid
        self.loans: dict[str, tuple[Any, Decimal, str]] = {}  # id -> (entry, pokok, member)
        self.repaid: dict[str, Decimal] = {}  # loan id -> principal repaid
        self.loan_balance: dict[str, Decimal] = {}  # member -> balance of the loan account

    def slim(self) -> Walk:
        """This walk, made to remember of each entry only its date and file:line (what the
        messages name), to be kept with a snapshot and resumed later."""
        self.bukti_seen = {key: location(meta) for key, meta in self.bukti_seen.items()}
        self.allocations = {year: seen(entry) for year, entry in self.allocations.items()}
        self.loans = {key: (seen(entry), pokok, member) for key, (entry, pokok, member) in self.loans.items()}
        return self

    def visit(self, entry: data.Directive) -> None:
        """Check one entry against everything visited before it."""
        errors = self.errors
        loans = self.loans
        meta = entry.meta
        bukti = meta.get("bukti") if meta else None
        if bukti is not None:
            key = (str(bukti), meta.get("bukti-ke"))
            first = self.bukti_seen.get(key)
            if first is None:
                self.bukti_seen[key] = meta
            else:
                errors.append(KopError.pesan(meta, (
                    "bukti {bukti} sudah dipakai di {lokasi}; setiap nomor bukti hanya boleh sekali "
                    "(catatan tersalin dua kali?) (duplicate bukti)"
                ), entry, bukti=bukti, lokasi=_where(first)))
        if not isinstance(entry, data.Transaction):
            return
        tags = entry.tags or frozenset()
        if TAG_ALOKASI in tags or TAG_BAYAR in tags:
            _shu(entry, tags, self.utang_parent, self.allocations, self.allocated, errors)
        if TAG_CAIR in tags and TAG_KOREKSI not in tags:
            loan_id = meta.get("pinjaman")
            if isinstance(loan_id, str):
                if loan_id in loans:
                    errors.append(KopError.pesan(meta, (
                        "pinjaman {pinjaman} dicairkan dua kali (pertama di {lokasi}); "
                        "setiap pinjaman perlu id sendiri (duplicate loan id)"
                    ), entry, pinjaman=loan_id, lokasi=_where(loans[loan_id][0].meta)))
                else:
                    pokok = meta.get("pokok")
                    number = getattr(pokok, "number", pokok)
                    loans[loan_id] = (entry, number if isinstance(number, Decimal) else ZERO, "")
        loan_parent = self.loan_parent
        loan_balance = self.loan_balance
        repaid = self.repaid
        for posting in entry.postings:
            if not posting.account.startswith(loan_parent):
                continue
            units = posting.units
            if units is None or not isinstance(units.number, Decimal):
                continue
            member = posting.account[len(loan_parent):]
            before = loan_balance.get(member, ZERO)
            after = loan_balance[member] = before + units.number
            if after < 0 <= before or (after < before < 0):
                errors.append(KopError.pesan(meta, (
                    "{akun}: pinjaman anggota {anggota} dibayar melebihi pokoknya "
                    "(saldo menjadi {saldo}); catat kelebihannya di akun lain (loan overpaid)"
                ), entry, akun=posting.account, anggota=member, saldo=after))
            loan_id = (posting.meta or {}).get("pinjaman", meta.get("pinjaman"))
            if units.number < 0 and isinstance(loan_id, str) and loan_id in loans and TAG_CAIR not in tags:
                total = repaid[loan_id] = repaid.get(loan_id, ZERO) - units.number
                pokok = loans[loan_id][1]
                if pokok and total > pokok:
                    errors.append(KopError.pesan(meta, (
                        "pinjaman {pinjaman}: pokok dibayar {dibayar} seluruhnya, melebihi pokok pinjaman {pokok} "
                        "(dicairkan di {lokasi}) (loan repaid beyond its principal)"
                    ), entry, pinjaman=loan_id, dibayar=total, pokok=pokok, lokasi=_where(loans[loan_id][0].meta)))


class Seen(NamedTuple):
    """An entry remembered for a message: its date and where it is."""

    date: dt.date
    meta: dict[str, Any]


def location(meta: dict[str, Any] | None) -> dict[str, Any]:
    meta = meta or {}
    return {"filename": meta.get("filename"), "lineno": meta.get("lineno")}


def seen(entry: Any) -> Seen:
    return Seen(entry.date, location(entry.meta))


def _shu(
    entry: data.Transaction,
    tags: frozenset[str],
    utang_parent: str,
    allocations: dict[str, Any],
    allocated: dict[tuple[str, str], Decimal],
    errors: list[KopError],
) -> None:
    year = _shu_year(entry.links)
    if year is None:
        return
    if TAG_ALOKASI in tags and TAG_KOREKSI not in tags:
        first = allocations.get(year)
        if first is not None:
            errors.append(KopError.pesan(entry.meta, (
                "SHU tahun buku {tahun} sudah dialokasikan di {lokasi}; satu tahun buku hanya "
                "satu jurnal alokasi SHU (koreksi dengan tag #koreksi) (duplicate SHU allocation)"
            ), entry, tahun=year, lokasi=_where(first.meta)))
            return
        allocations[year] = entry
    paying = TAG_BAYAR in tags and TAG_ALOKASI not in tags
    for posting in entry.postings:
        if not posting.account.startswith(utang_parent):
            continue
        units = posting.units
        if units is None or not isinstance(units.number, Decimal):
            continue
        member = posting.account[len(utang_parent):]
        key = (year, member)
        owed = allocated[key] = allocated.get(key, ZERO) - units.number
        if paying and owed < 0:
            left = max(owed + units.number, ZERO)
            errors.append(KopError.pesan(entry.meta, (
                "SHU {tahun} anggota {anggota}: dibayar {dibayar}, padahal sisa alokasinya {sisa}; "
                "pembayaran SHU tidak boleh melebihi alokasi (SHU paid beyond its allocation)"
            ), entry, tahun=year, anggota=member, dibayar=units.number, sisa=left))
