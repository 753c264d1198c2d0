"""Writing a year file at closing (``kop tutup-buku --file-baru``): the standalone file of the
next year, with what it carries from the closed year (see :mod:`kopledger.books.closed.year_files`
for the layout, the checks and the reading of the carried metadata)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from beancount.core import data
from beancount.core.amount import Amount
from beancount.parser import parser
from beancount.parser.grammar import ValueType

from kopledger.books.closed.chain import ARSIP, LOCK_TYPES, lock_state, user_written
from kopledger.books.closed.year_files import (
    SEGEL,
    TAG_PREFIX,
    ZERO,
    archive_files,
    carried_digest,
    months_text,
    plain_number,
    sealed_digest,
)
from kopledger.books.directives import DIRECTIVES, Member, Policies
from kopledger.books.katalog import shu_unallocated
from kopledger.books.ledger import Books
from kopledger.core import kosakata as K
from kopledger.core.roots import MemberKind
from kopledger.ops.loans.book import loan_book
from kopledger.ops.savings import allocate_wajib, month_key, owed_months, wajib_payments
from kopledger.ops.writer import format_directives


def _meta(**values: Any) -> dict[str, Any]:
    meta = data.new_metadata("<kopledger.ops.year_file>", 0)
    meta.update(values)
    return meta


def _clean(entry: data.Directive) -> data.Directive:
    """``entry`` without its source location (to be written into another file)."""
    meta = {k: v for k, v in (entry.meta or {}).items() if k not in ("filename", "lineno") and not str(k).startswith("__")}
    return entry._replace(meta=_meta(**meta))


def _register(kop: Books, year: int, balances: dict[str, Decimal]) -> set[str]:
    """Members carried: active at the year end, with any balance left on a member account, or a
    member at any time of a year whose SHU is still to allocate (its allocation and payment, booked
    from the year file, reach them — a member who left since included), as in one long file."""
    end = dt.date(year, 12, 31)
    keep = {m.id for m in kop.members.values() if m.is_active(end)}
    for account, amount in balances.items():
        split = kop.roots.split_member_account(account)
        if split and amount:
            keep.add(split[1])
    for pending in shu_unallocated(kop.transactions, kop.katalog, kop.currency, end):
        start, stop = dt.date(pending, 1, 1), dt.date(pending, 12, 31)
        keep |= {m.id for m in kop.members.values()
                 if m.tanggal_masuk <= stop and (m.tanggal_keluar is None or m.tanggal_keluar >= start)}
    return keep


def carried_entries(kop: Books, year: int, balances: dict[str, Decimal]) -> list[data.Directive]:
    """What a year file carries dated up to ``year``'s end (see the module docstring)."""
    end = dt.date(year, 12, 31)
    written = user_written(kop.entries)
    register = _register(kop, year, balances)
    carried: list[data.Directive] = []
    ours = frozenset(DIRECTIVES) - LOCK_TYPES
    for entry in kop.entries:
        if entry.date > end:
            continue
        if isinstance(entry, data.Open | data.Close):
            if written(entry):
                carried.append(_clean(entry))
        elif isinstance(entry, data.Custom) and (entry.type in ours or entry.type == "fava-extension"):
            if entry.type in ("anggota", "anggota-keluar") and (
                not entry.values or str(entry.values[0].value) not in register
            ):
                continue
            carried.append(_clean(entry))
        elif isinstance(entry, data.Commodity) and entry.meta.get("lineno"):
            carried.append(_clean(entry))
    carried.append(opening_transaction(kop, year, balances))
    return carried


def opening_transaction(kop: Books, year: int, balances: dict[str, Decimal]) -> data.Transaction:
    """``#saldo-awal-Y+1`` dated Y-12-31: every balance-sheet balance after closing, with the
    state of outstanding loans and of simpanan wajib on their postings."""
    end = dt.date(year, 12, 31)
    currency = kop.currency
    roots = kop.roots
    book = loan_book(kop)
    by_account: dict[str, list[Any]] = {}
    for loan in book.pinjaman:
        if loan.tanggal > end:
            continue
        moves = [m for m in book.angsuran.get(loan.id, ()) if m.tanggal <= end]
        pokok = sum((m.pokok for m in moves), ZERO)
        if loan.pokok - pokok <= 0:
            continue
        by_account.setdefault(roots.member_account(MemberKind.PINJAMAN, loan.anggota), []).append(
            (loan, pokok, sum((m.bunga for m in moves), ZERO), sum((m.denda for m in moves), ZERO))
        )
    by_month, pool = wajib_payments(kop, end)
    through = month_key(year, 12)
    postings: list[data.Posting] = []
    for account, amount in balances.items():
        split = roots.split_member_account(account)
        if split and split[0] is MemberKind.PINJAMAN and account in by_account:
            left = amount
            for loan, pokok, bunga, denda in by_account[account]:
                sisa = loan.pokok - pokok
                postings.append(data.Posting(account, Amount(sisa, currency), None, None, None, {
                    "pinjaman-bawaan": loan.id, "tanggal-cair": loan.tanggal,
                    "pokok": Amount(loan.pokok, currency), "bunga": loan.bunga, "tenor": Decimal(loan.tenor),
                    "metode": loan.metode, "jatuh-tempo": loan.jatuh_tempo,
                    "biaya-admin": Amount(loan.biaya_admin, currency), "provisi": Amount(loan.provisi, currency),
                    "agunan": Amount(loan.agunan, currency),
                    "dibayar-pokok": pokok, "dibayar-bunga": bunga, "dibayar-denda": denda,
                }))
                left -= sisa
            if left:
                postings.append(data.Posting(account, Amount(left, currency), None, None, None, None))
            continue
        meta = None
        if split and split[0] is MemberKind.WAJIB:
            member = kop.members.get(split[1])
            if member is not None:
                meta = wajib_state(member, through, by_month.get(member.id, {}), pool.get(member.id, ZERO),
                                   kop.policies)
        postings.append(data.Posting(account, Amount(amount, currency), None, None, None, meta))
    meta = _meta()
    shu_left = shu_unallocated(kop.transactions, kop.katalog, kop.currency, end)
    if shu_left:
        meta[K.META_SHU_TAHUN] = " ".join(f"{y}={plain_number(v)}" for y, v in sorted(shu_left.items()))
    return data.Transaction(
        meta, end, "*", None, f"Saldo awal {year + 1}: saldo akhir {year} setelah tutup buku",
        frozenset({f"{TAG_PREFIX}-{year + 1}"}), data.EMPTY_SET, postings,
    )


def wajib_state(
    member: Member, through: str, paid: dict[str, Decimal], unassigned: Decimal, policies: Policies,
) -> dict[str, Any]:
    """The opening metadata of a member's simpanan wajib through month ``through``: months still
    short (allocated by :func:`kopledger.ops.savings.allocate_wajib`), months paid ahead, credits left."""
    months, left = allocate_wajib(owed_months(member, through), policies, paid, unassigned)
    short = {bulan: due - got for bulan, due, got in months if due > got}
    later = {b: v for b, v in paid.items() if b > through and v}
    meta: dict[str, Any] = {"wajib-sampai": through, "wajib-kurang": months_text(short)}
    if later:
        meta["wajib-dimuka"] = months_text(later)
    if left:
        meta["wajib-lebih"] = left
    return meta


def later_entries(kop: Books, year: int) -> list[data.Directive]:
    """What the closed file holds dated after ``year`` (moved into the year file)."""
    end = dt.date(year, 12, 31)
    written = user_written(kop.entries)
    moved = []
    for entry in kop.entries:
        if entry.date <= end:
            continue
        meta = entry.meta or {}
        if not meta.get("lineno"):
            continue
        if isinstance(entry, data.Custom) and entry.type in LOCK_TYPES | {ARSIP, SEGEL}:
            continue
        if not written(entry):
            continue
        if isinstance(entry, data.Balance) and meta.get("tutup-buku"):
            continue
        moved.append(_clean(entry))
    return moved


def seal_directive(entries: Sequence[data.Directive], year: int, written: str) -> data.Custom:
    """``custom "segel" "Y" "buku-Y+1.beancount"`` dated Y-12-31, written with the closing into
    the closed file: it is continued in the year file ``written`` (relative to the closed file's
    folder), and what it holds dated after Y is frozen (``lanjutan``, over ``entries`` as they are
    before the closing). Dated in Y, it is covered by the lock of Y: it cannot be removed unseen."""
    return data.Custom(
        _meta(lanjutan=sealed_digest(entries, year)), dt.date(year, 12, 31), SEGEL,
        [ValueType(str(year), str), ValueType(written, str)],
    )


def arsip_directive(
    year: int, written: str, sha256: str, sidik: str, rantai: dict[int, str], bawaan: str,
    older: dict[int, tuple[str, str]] | None = None,
) -> data.Custom:
    files: dict[str, str] = {}
    for older_year, (name, digest) in sorted((older or {}).items()):
        files[f"berkas-{older_year}"] = name
        files[f"sha256-{older_year}"] = digest
    return data.Custom(
        _meta(**{
            "sha256": sha256, "sidik": sidik,
            "rantai": " ".join(f"{y}={s}" for y, s in sorted(rantai.items())),
            "sidik-bawaan": bawaan, **files,
        }),
        dt.date(year + 1, 1, 1), ARSIP, [ValueType(str(year), str), ValueType(written, str)],
    )


def year_file_text(
    kop: Books, *, source: Path, target: Path, year: int, sha256: str, sidik: str,
    balances: dict[str, Decimal], extra: Sequence[data.Directive] = (), today: dt.date,
    written: str | None = None,
) -> str:
    """The text of the standalone file for ``year + 1`` (``kop tutup-buku --file-baru``)."""
    header = [
        line.rstrip("\n") for line in source.read_text(encoding="utf-8").splitlines()
        if line.startswith(("option ", "plugin "))
    ]
    carried = carried_entries(kop, year, balances)
    carried_text = format_directives(carried)
    parsed, _, _ = parser.parse_string(carried_text)
    bawaan = carried_digest(parsed, year)
    state = lock_state(kop.entries)
    rantai = dict(state.closed())
    rantai[year] = sidik
    folder = target.resolve().parent
    name = written if written is not None else os.path.relpath(source.resolve(), folder)
    older: dict[int, tuple[str, str]] = {}
    for previous in state.arsip.values():  # the closed file was a year file: carry its archives on
        for older_year, (path, digest) in archive_files(previous).items():
            older[older_year] = (os.path.relpath(path.resolve(), folder), digest)
    arsip = arsip_directive(year, name, sha256, sidik, rantai, bawaan, older)
    return _text(kop.title, year, today, header, format_directives([arsip]), carried_text,
                 format_directives([*later_entries(kop, year), *extra]))


def _text(judul: str, year: int, today: dt.date, header: list[str], arsip: str, bawaan: str, lanjutan: str) -> str:
    """The year file: a header saying what it is, the options, the arsip, the carried entries
    and the entries moved from the closed file."""
    new, old = year + 1, year
    lines = [
        f";; Buku tahun {new} — {judul}",
        f";; Dibuat oleh kop tutup-buku pada {today.isoformat()}, setelah tahun buku {old} ditutup.",
        f";; Berkas ini berdiri sendiri: buku {old} tidak di-include, hanya disebut (custom \"arsip\")",
        f";; dengan sha256 isinya dan sidik {old}; kop cek memeriksa keduanya setiap kali buku dibuka.",
        f";; Catat transaksi {new} di berkas ini. Koreksi atas {old} dicatat di {new} dengan tag #koreksi.",
        f";; Jangan ubah catatan bawaan di bawah (bertanggal sampai {old}-12-31): sidik-bawaan menguncinya.",
        "",
        *header,
        "",
        arsip,
        f";; ---- Bawaan dari buku {old}: bagan akun, identitas, kebijakan, anggota, saldo awal {new} ----",
        bawaan,
    ]
    if lanjutan.strip():
        lines += [f";; ---- Catatan sesudah {old} yang sudah ada di buku lama, dipindahkan ke sini ----", lanjutan]
    return "\n".join(lines) + "\n"
