"""One file per year (the "arsip" layout) and the witness of closed years.

``kop tutup-buku --tahun Y --file-baru PATH`` starts a standalone file for Y+1. It does not
``include`` the closed file; it names it::

    2025-01-01 custom "arsip" "2024" "buku-2024.beancount"
      sha256: "…"          ; the closed file's bytes after closing
      sidik: "…"           ; the sidik of 2024 (its lock)
      rantai: "2023=… 2024=…"  ; every closed year of the chain, with its sidik
      sidik-bawaan: "…"    ; fingerprint of what this file carries dated up to 2024-12-31

and carries, dated up to 31 December Y (original dates): the chart of accounts (``open`` /
``close`` written by hand), the koperasi's identity, policies, SHU split and basis, officers
and other kopledger directives, the register (``anggota``/``anggota-keluar`` of every member
active at the year end or with a balance), and one opening transaction ``#saldo-awal-Y+1``
dated Y-12-31 with every balance-sheet balance after closing. Two kinds of opening postings
carry state as metadata, read by small hooks:

- a loan still outstanding: one posting per loan on the member's loan account with its terms
  (``pinjaman-bawaan``, ``tanggal-cair``, ``pokok``, ``bunga``, ``tenor``, ``metode``,
  ``jatuh-tempo``, fees) and what was repaid by the year end (``dibayar-pokok``,
  ``dibayar-bunga``, ``dibayar-denda``): :func:`carried_loans` reads them and ``kopledger.ops.loans.book``
  rebuilds the loan, its schedule and one repayment, so balances, schedules and days in arrears
  continue unchanged;
- a member's simpanan wajib: ``wajib-sampai`` (the last month settled into the opening),
  ``wajib-kurang`` (months through then still short, with the shortfall), ``wajib-dimuka``
  (months after then already paid) and ``wajib-lebih`` (credits not yet assigned to a
  month): :func:`carried_wajib` reads them and ``kopledger.ops.savings`` turns them back into
  payments by month, so arrears are still counted from the join month.

Reports of Y+1 read the prior year's comparatives from the closed file itself
(``kopledger.books.years.archived_books``), which is standalone too: a load costs
two years at most, whatever the history. The plugin checks each ``arsip`` at every load
(:func:`verify_archives`): the file's hash, else (a cosmetic edit) its own chain and sidik;
and the carried entries against ``sidik-bawaan``.

This module holds what the plugin's checks and the readers of a year file need (the archives'
verification, the carried metadata read back); writing a year file at closing is
``kopledger.ops.year_file``, loading an archived year's books ``kopledger.books.years``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from beancount.core import data
from beancount.core.amount import Amount

from kopledger.books import beancount_api
from kopledger.books.closed.chain import (
    ChainError,
    Span,
    _where,
    chain_digests,
    lock_state,
)
from kopledger.core.errors import Pesan

ZERO = Decimal(0)
TAG_PREFIX = "saldo-awal"

class _WithEntries(Protocol):
    @property
    def entries(self) -> Sequence[data.Directive]: ...


def closed_sidik(kop: _WithEntries, *, until: int | None = None) -> dict[int, str]:
    """The sidik of every closed year the books ``kop`` know, up to ``until`` (printed as the witness)."""
    return {
        year: sidik for year, sidik in lock_state(kop.entries).closed().items()
        if until is None or year <= until
    }


# --- checking an arsip at every load -----------------------------------------------
def archive_path(arsip: data.Custom) -> Path:
    """The closed file an ``arsip`` directive names, relative to the file that holds it."""
    written = str(arsip.values[1].value) if len(arsip.values) > 1 else ""
    holder = str(arsip.meta.get("filename") or "")
    base = Path(holder).parent if holder and not holder.startswith("<") else Path.cwd()
    return (base / written) if not os.path.isabs(written) else Path(written)


def archive_files(arsip: data.Custom) -> dict[int, tuple[Path, str]]:
    """Every closed file an ``arsip`` vouches for: its own year's, and the older ones of the
    chain (``berkas-YYYY`` / ``sha256-YYYY``), each with the hash it had when archived."""
    holder = str(arsip.meta.get("filename") or "")
    base = Path(holder).parent if holder and not holder.startswith("<") else Path.cwd()
    found: dict[int, tuple[Path, str]] = {}
    for key, value in arsip.meta.items():
        if isinstance(key, str) and key.startswith("berkas-") and key[7:].isdigit():
            found[int(key[7:])] = (base / str(value), str(arsip.meta.get(f"sha256-{key[7:]}") or ""))
    year = int(str(arsip.values[0].value))
    found[year] = (archive_path(arsip), str(arsip.meta.get("sha256") or ""))
    return dict(sorted(found.items()))


def file_sha256(path: Path) -> str | None:
    """SHA-256 of a file's bytes, or None when it cannot be read."""
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None


def carried_digest(entries: Sequence[data.Directive], year: int) -> str:
    """``sidik-bawaan``: the fingerprint of the entries dated up to ``year``'s end (no options)."""
    return chain_digests(entries, [Span(year, None, "")], {})[year].sidik


def verify_archives(entries: Sequence[data.Directive], options_map: dict[str, Any]) -> list[ChainError]:
    """Errors for each ``arsip`` whose closed file is missing or changed, or whose carried
    entries (dated up to the archived year's end) were edited. Run by the plugin."""
    state = lock_state(entries)
    errors: list[ChainError] = []
    for year, arsip in sorted(state.arsip.items()):
        for archived_year, (path, expected) in archive_files(arsip).items():
            actual = file_sha256(path)
            if actual is None:
                errors.append(ChainError.pesan(arsip.meta, (
                    "berkas arsip tahun buku {tahun} tidak ditemukan: {berkas} (disebut di {lokasi}); "
                    "kembalikan berkas itu ke tempatnya: tahun yang sudah ditutup tidak bisa diperiksa tanpanya "
                    "(archive missing)"
                ), arsip, archived_year, tahun=archived_year, berkas=str(path), lokasi=_where(arsip)))
            elif actual != expected:
                problem = _changed_archive(path, archived_year, state.rantai.get(archived_year, ""))
                if problem:
                    errors.append(ChainError.pesan(arsip.meta, (
                        "berkas arsip tahun buku {tahun}, {berkas}, berubah sejak ditutup (sha256 tidak sama "
                        "dengan {lokasi}): {masalah}. Kembalikan berkas arsip itu seperti saat ditutup "
                        "(archive changed)"
                    ), arsip, archived_year, tahun=archived_year, berkas=str(path), lokasi=_where(arsip),
                        masalah=problem))
        bawaan = str(arsip.meta.get("sidik-bawaan") or "")
        if carried_digest(entries, year) != bawaan:
            digest = chain_digests(entries, [Span(year, None, "")], {})[year]
            months = sorted({m for m, _, _ in digest.bulan})
            errors.append(ChainError.pesan(arsip.meta, (
                "catatan bawaan tahun buku {tahun} di berkas ini (saldo awal, daftar anggota, bagan akun, "
                "kebijakan, pinjaman; semua bertanggal sampai {tahun}-12-31) ditambah, diubah atau dihapus sejak "
                "dibuat oleh kop tutup-buku (arsip di {lokasi}); catat perubahan sesudah {tahun} dengan tag "
                "#koreksi (carried entries changed; bulan dengan catatan: {bulan})"
            ), arsip, year, tuple(months), tahun=year, lokasi=_where(arsip), bulan=", ".join(months) or "-"))
    return errors


def _load_archive(path: Path) -> tuple[list[data.Directive], list[Any], dict[str, Any]]:
    """The archived file at ``path`` loaded cold (no cache read or written: a check writes nothing)."""
    return beancount_api.load_cold(str(path.resolve()))


def _changed_archive(path: Path, year: int, sidik: str) -> Pesan | None:
    """Why a changed archive no longer holds (None when only cosmetic: its lock still holds)."""
    entries, errors, _ = _load_archive(path)
    broken = [e for e in errors if isinstance(e, ChainError)]
    if broken:
        return Pesan("kuncinya tidak utuh lagi ({galat})", galat=Pesan.dari(broken[0]))
    now = lock_state(entries).closed().get(year)
    if now is None:
        return Pesan("kunci tahun buku {tahun} tidak ada lagi di dalamnya", tahun=year)
    if now != sidik:
        return Pesan("sidik {tahun} di dalamnya {sekarang}…, bukan {semula}…", tahun=year, sekarang=now[:16], semula=sidik[:16])
    return None


# --- reading a year file's opening: carried loans, wajib state and SHU -------------------
@dataclass(frozen=True)
class CarriedLoan:
    """A loan carried by a year file's opening posting: its terms and what was repaid by the year end."""

    id: str
    anggota: str
    tanggal: dt.date  # disbursement date
    pokok: Decimal
    bunga: Decimal
    tenor: int
    metode: str
    jatuh_tempo: dt.date
    biaya_admin: Decimal
    provisi: Decimal
    agunan: Decimal
    dibayar_pokok: Decimal
    dibayar_bunga: Decimal
    dibayar_denda: Decimal
    meta: dict[str, Any]


def carried_loans(entry: data.Transaction) -> list[CarriedLoan]:
    """Each loan carried by an opening transaction (postings with ``pinjaman-bawaan``)."""
    found = []
    for posting in entry.postings:
        meta = posting.meta or {}
        loan_id = meta.get("pinjaman-bawaan")
        if not isinstance(loan_id, str):
            continue
        first_due = meta.get("jatuh-tempo")
        disbursed = meta.get("tanggal-cair")
        assert isinstance(first_due, dt.date) and isinstance(disbursed, dt.date)
        found.append(CarriedLoan(
            id=loan_id, anggota=posting.account.rpartition(":")[2], tanggal=disbursed,
            pokok=meta_number(meta.get("pokok")), bunga=meta_number(meta.get("bunga")),
            tenor=int(meta_number(meta.get("tenor"))), metode=str(meta.get("metode")), jatuh_tempo=first_due,
            biaya_admin=meta_number(meta.get("biaya-admin")), provisi=meta_number(meta.get("provisi")),
            agunan=meta_number(meta.get("agunan")), dibayar_pokok=meta_number(meta.get("dibayar-pokok")),
            dibayar_bunga=meta_number(meta.get("dibayar-bunga")), dibayar_denda=meta_number(meta.get("dibayar-denda")),
            meta=meta,
        ))
    return found


@dataclass(frozen=True)
class CarriedWajib:
    """A member's simpanan wajib state carried by a year file's opening posting."""

    sampai: str  # the last month settled into the opening (``wajib-sampai``)
    kurang: dict[str, Decimal]  # months through then still short, with the shortfall
    dimuka: dict[str, Decimal]  # months after then already paid
    lebih: Decimal  # credits not yet assigned to a month


def carried_wajib(meta: dict[str, Any]) -> CarriedWajib:
    """The wajib state on an opening posting (metadata ``wajib-sampai`` and the rest)."""
    return CarriedWajib(
        sampai=str(meta.get("wajib-sampai")),
        kurang=parse_months_text(meta.get("wajib-kurang")),
        dimuka=parse_months_text(meta.get("wajib-dimuka")),
        lebih=meta_number(meta.get("wajib-lebih")),
    )


def meta_number(value: Any) -> Decimal:
    """A metadata number or amount as a Decimal (0 when absent)."""
    if isinstance(value, Amount):
        return Decimal(value.number) if value.number is not None else ZERO
    if value is None:
        return ZERO
    return Decimal(str(value))


def months_text(values: dict[str, Decimal]) -> str:
    """``{"2025-01": 5000}`` as ``"2025-01=5000"`` (months in order)."""
    return " ".join(f"{m}={plain_number(v)}" for m, v in sorted(values.items()))


def parse_months_text(text: Any) -> dict[str, Decimal]:
    """:func:`months_text` read back."""
    found: dict[str, Decimal] = {}
    for token in str(text or "").split():
        month, _, value = token.partition("=")
        if month and value:
            found[month] = Decimal(value)
    return found


def plain_number(number: Decimal) -> str:
    """``number`` without exponent or trailing zeros."""
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
