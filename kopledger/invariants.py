"""What must always hold of the books, checked by the plugin (so ``kop cek`` and
``bean-check`` see hand edits and hand-copied entries too).

One pass over the entries (:func:`check_invariants`, registered in ``plugin.CHECKS``):

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

from decimal import Decimal
from typing import Any

from beancount.core import data

from kopledger.accounts import MemberKind, Roots
from kopledger.errors import KopError

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
    roots = Roots.from_options(options_map)
    loan_parent = roots.member_parent(MemberKind.PINJAMAN) + ":"
    utang_parent = roots.member_parent(MemberKind.UTANG_SHU) + ":"
    errors: list[KopError] = []
    bukti_seen: dict[tuple[str, Any], dict[str, Any]] = {}
    allocations: dict[str, data.Transaction] = {}
    allocated: dict[tuple[str, str], Decimal] = {}  # (year, member) -> allocated - paid
    loans: dict[str, tuple[data.Transaction, Decimal, str]] = {}  # id -> (entry, pokok, member)
    repaid: dict[str, Decimal] = {}  # loan id -> principal repaid
    loan_balance: dict[str, Decimal] = {}  # member -> balance of the loan account

    for entry in entries:
        meta = entry.meta
        bukti = meta.get("bukti") if meta else None
        if bukti is not None:
            key = (str(bukti), meta.get("bukti-ke"))
            first = bukti_seen.get(key)
            if first is None:
                bukti_seen[key] = meta
            else:
                errors.append(KopError.pesan(meta, (
                    "bukti {bukti} sudah dipakai di {lokasi}; setiap nomor bukti hanya boleh sekali "
                    "(catatan tersalin dua kali?) (duplicate bukti)"
                ), entry, bukti=bukti, lokasi=_where(first)))
        if not isinstance(entry, data.Transaction):
            continue
        tags = entry.tags or frozenset()
        if TAG_ALOKASI in tags or TAG_BAYAR in tags:
            _shu(entry, tags, utang_parent, allocations, allocated, errors)
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
    return errors


def _shu(
    entry: data.Transaction,
    tags: frozenset[str],
    utang_parent: str,
    allocations: dict[str, data.Transaction],
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
