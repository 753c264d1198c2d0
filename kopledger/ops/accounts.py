"""Account options of the writing operations, checked by kind in one place.

Where money comes into or goes out of the koperasi (a deposit, a withdrawal, a loan
disbursed or repaid, simpanan pokok on joining, a leaver's payout), the account named
for it must be **cash or bank**: an asset the account catalogue
(:class:`~kopledger.books.katalog.Katalog`, the one classifier) marks as cash — below
``Aset:Kas`` or ``Aset:Bank``, or opened with ``arus-kas: "kas"``. Never a member's
own sub-ledger account (another member's savings or loan), never income, expenses,
equity or liabilities. Every builder in :mod:`kopledger.ops` asks here, so the command
line and the web desk refuse the same things, before anything is built.
"""

from __future__ import annotations

import datetime as dt

from kopledger.books.bagan_akun import STANDARD_CHART
from kopledger.books.ledger import Books
from kopledger.core.errors import InputError, Pesan

#: How a refused account is named in the message, by its kind (the katalog's ``jenis``).
_KIND_WORDS: dict[str, Pesan] = {
    "aset": Pesan("akun aset yang bukan kas atau bank"),
    "liabilitas": Pesan("akun liabilitas"),
    "ekuitas": Pesan("akun ekuitas"),
    "pendapatan": Pesan("akun pendapatan"),
    "beban": Pesan("akun beban"),
    "": Pesan("bukan akun di bawah akar buku ini"),
}


def cash_problem(kop: Books, account: str, date: dt.date, *, opens_standard: bool = False) -> Pesan | None:
    """Why money cannot move in or out through ``account`` on ``date``, or None when it can.
    ``opens_standard``: the caller opens a standard-chart account the books lack (loans do)."""
    katalog = kop.katalog
    owner = katalog.anggota(account)
    if owner is not None:
        split = kop.roots.split_member_account(account)
        kind = split[0].value if split is not None else ""
        return Pesan(
            "akun {akun} adalah akun {jenis} milik anggota {anggota}, bukan akun kas atau bank",
            akun=account, jenis=kind, anggota=owner,
        )
    kind = katalog.jenis(account)
    if kind != "aset" or not katalog[account].kas:
        return Pesan("akun {akun} bukan akun kas atau bank ({jenis})", akun=account, jenis=_KIND_WORDS[kind])
    if account in katalog.dibuka():
        if not katalog.terbuka(account, date):
            return Pesan("akun {akun} tidak terbuka pada {tanggal}", akun=account, tanggal=date)
    elif not (opens_standard and account in {a.name(kop.roots) for a in STANDARD_CHART}):
        return Pesan("akun {akun} belum dibuka di buku", akun=account)
    return None


def cash_account(kop: Books, account: str | None, date: dt.date, *, opens_standard: bool = False) -> str:
    """The cash or bank account money moves through on ``date``: ``account``, default the
    books' ``Aset:Kas``; :class:`InputError` naming what it is when it is not cash or bank."""
    chosen = (account or "").strip() or kop.roots.kas
    problem = cash_problem(kop, chosen, date, opens_standard=opens_standard)
    if problem is not None:
        raise InputError.pesan(
            "{masalah}; uang hanya masuk atau keluar lewat akun kas atau bank",
            hint='Pakai {kas} atau akun di bawah {bank} (atau akun aset yang dibuka dengan arus-kas: "kas").',
            masalah=problem, kas=kop.roots.kas, bank=kop.roots.bank,
        )
    return chosen


__all__ = ["cash_account", "cash_problem"]
