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
(:func:`verify_archives`): the closed file is re-read and its own chain verified
(:func:`archive_facts`; the stored ``sha256`` is not trusted, the verdict is cached under the
bytes' hash), its lock must carry the ``sidik`` and the ``rantai`` named here, and the opening
must equal its closing balances, recomputed from it; the carried entries are checked against
``sidik-bawaan`` (an entry written later, dated up to Y, is named at its own line).

The closed file is sealed by the closing (``custom "segel" "Y" "buku-Y+1.beancount"`` dated
Y-12-31, so its lock covers it; ``lanjutan`` fingerprints what it held dated after Y): an
entry dated after Y written into it since is an error naming the year file
(:func:`verify_seals`), until the year is reopened there.

This module holds what the plugin's checks and the readers of a year file need (the archives'
verification, the carried metadata read back); writing a year file at closing is
``kopledger.ops.year_file``, loading an archived year's books ``kopledger.books.years``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from beancount.core import data
from beancount.core.amount import Amount

from kopledger.books import beancount_api
from kopledger.books.balances import account_balances
from kopledger.books.closed.chain import (
    FINGERPRINT_VERSION,
    LOCK,
    LOCK_TYPES,
    ChainError,
    LockState,
    Span,
    _location,
    _where,
    canonical_text,
    chain_digests,
    lock_state,
    parse_rantai,
)
from kopledger.core.book_files import NotRegularFile, read_regular
from kopledger.core.cache_folder import enabled, folder
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
    return _beside(arsip, written)


def _beside(entry: data.Custom, written: str) -> Path:
    """``written`` (a path in a directive) relative to the folder of the file holding ``entry``."""
    holder = str(entry.meta.get("filename") or "")
    base = Path(holder).parent if holder and not holder.startswith("<") else Path.cwd()
    return (base / written) if not os.path.isabs(written) else Path(written)


def archive_files(arsip: data.Custom) -> dict[int, tuple[Path, str]]:
    """Every closed file an ``arsip`` vouches for: its own year's, and the older ones of the
    chain (``berkas-YYYY`` / ``sha256-YYYY``), each with the hash it had when archived."""
    found: dict[int, tuple[Path, str]] = {}
    for key, value in arsip.meta.items():
        if isinstance(key, str) and key.startswith("berkas-") and key[7:].isdigit():
            found[int(key[7:])] = (_beside(arsip, str(value)), str(arsip.meta.get(f"sha256-{key[7:]}") or ""))
    year = int(str(arsip.values[0].value))
    found[year] = (archive_path(arsip), str(arsip.meta.get("sha256") or ""))
    return dict(sorted(found.items()))


def file_sha256(path: Path) -> str | None:
    """SHA-256 of a regular file's bytes, or None when it cannot be read (or is no regular file)."""
    blob = _read_regular(str(path))
    return None if blob is None else hashlib.sha256(blob).hexdigest()


def _read_regular(path: str) -> bytes | None:
    """The bytes of the regular file ``path`` (None: missing, unreadable, a FIFO or a device)."""
    try:
        return read_regular(path)
    except (OSError, NotRegularFile):
        return None


def carried_digest(entries: Sequence[data.Directive], year: int) -> str:
    """``sidik-bawaan``: the fingerprint of the entries dated up to ``year``'s end (no options)."""
    return chain_digests(entries, [Span(year, None, "")], {})[year].sidik


# --- the archive, re-read: its facts, verified and cached by content -------------------
#: Version of the cached facts of an archive (part of every cache entry).
FACTS_VERSION = "kop-arsip-1"


@dataclass(frozen=True)
class ArchiveFacts:
    """A closed file as its own bytes say, verified by loading it with its plugin (its chain
    and, when it is a year file itself, its own archive, and so on back).

    Kept in kopledger's cache under the file's real path and content hash, with the hash of
    every other file that verification read: the hash only finds the verdict; the bytes read
    now are what it is about. Only a file that verified clean is cached.
    """

    path: str  # the real path
    sha256: str  # of the bytes verified
    tahun: int | None  # the newest year locked in the file itself
    tutup: dict[int, str]  # every closed year it knows (its locks, its own archive's chain), with the sidik
    saldo: dict[str, Decimal]  # balance-sheet balances at ``tahun``'s end, in ``mata_uang``
    mata_uang: str
    arsip: dict[int, str]  # each older closed year -> the real path of the file its verification read
    berkas: tuple[tuple[str, str], ...]  # (real path, sha256, "" when missing) of every other file read
    galat: tuple[ChainError, ...] = ()  # what no longer holds in it (such facts are never cached)


_MEMO: dict[tuple[str, str], ArchiveFacts] = {}  # this process: (real path, sha256) -> facts
_PENDING: dict[Path, str] = {}  # facts verified by a load, for its owner to save (a check writes nothing)


def archive_facts(path: Path) -> ArchiveFacts | None:
    """The verified facts of the closed file at ``path`` (None when it cannot be read).

    The file is always re-read and hashed; its verification is reused (this process, then
    kopledger's cache) only for these very bytes and while every file it read is unchanged.
    """
    real = os.path.realpath(path)
    blob = _read_regular(real)
    if blob is None:
        return None
    sha = hashlib.sha256(blob).hexdigest()
    facts = _MEMO.get((real, sha))
    if facts is None or not _unchanged(facts.berkas):
        facts = _stored(real, sha) or _verified(real, sha)
        _MEMO[(real, sha)] = facts
    return facts


def _unchanged(files: Sequence[tuple[str, str]]) -> bool:
    return all((file_sha256(Path(name)) or "") == sha for name, sha in files)


def _verified(real: str, sha: str) -> ArchiveFacts:
    """Load the closed file cold (its plugin verifies its chain and its own archives) and read its facts."""
    entries, errors, options = beancount_api.load_cold(real)
    state = lock_state(entries)
    files: list[tuple[str, str]] = []
    for name in options.get("include") or []:
        other = os.path.realpath(name)
        if other != real:
            files.append((other, file_sha256(Path(other)) or ""))
    older: dict[int, str] = {}
    for year, arsip in sorted(state.arsip.items()):
        inner = archive_facts(archive_path(arsip))  # verified by the load just done: this process's memo
        if inner is None:
            files.append((os.path.realpath(archive_path(arsip)), ""))
            continue
        older.update(inner.arsip)
        older[year] = inner.path
        files += [(inner.path, inner.sha256), *inner.berkas]
    tahun = max(state.aktif, default=None)
    currency = str((options.get("operating_currency") or ["IDR"])[0])
    facts = ArchiveFacts(
        real, sha, tahun, state.closed(), closing_balances(entries, options, tahun) if tahun else {}, currency,
        older, tuple(dict.fromkeys(files)), tuple(e for e in errors if isinstance(e, ChainError)),
    )
    target = _facts_path(real, sha) if not facts.galat and _cacheable(real) else None
    if target is not None and file_sha256(Path(real)) == sha:
        _PENDING[target] = json.dumps({
            "versi": f"{FACTS_VERSION}/{FINGERPRINT_VERSION}", "path": real, "sha256": sha, "tahun": tahun,
            "tutup": {str(y): s for y, s in facts.tutup.items()},
            "saldo": {a: plain_number(v) for a, v in facts.saldo.items()}, "mata_uang": currency,
            "arsip": {str(y): p for y, p in older.items()}, "berkas": [list(f) for f in facts.berkas],
        })
    return facts


def closing_balances(entries: Sequence[data.Directive], options: dict[str, Any], year: int) -> dict[str, Decimal]:
    """Every balance-sheet account's balance at ``year``'s end (after its closing), in the
    operating currency: what the next year's opening must carry."""
    roots = {str(options.get(k)) for k in ("name_assets", "name_liabilities", "name_equity")}
    currency = str((options.get("operating_currency") or ["IDR"])[0])
    totals = account_balances(entries, currency=currency, end=dt.date(year, 12, 31))
    return {a: v for a, v in sorted(totals.items()) if v and a.split(":", 1)[0] in roots}


def _cacheable(real: str) -> bool:
    """Facts are cached unless every kopledger cache is off, or for a hidden (temporary) file."""
    return enabled() and os.environ.get("KOP_SIDIK_CACHE", "1") != "0" and not os.path.basename(real).startswith(".")


def _facts_path(real: str, sha: str) -> Path | None:
    """Where the facts of these bytes at this path are kept: in the checked cache folder
    (private, the user's own), or None when that folder is off or refused."""
    base = folder("arsip")
    if base is None:
        return None
    key = hashlib.sha256(f"{real}\0{sha}".encode()).hexdigest()[:40]
    return base / f"{key}.json"


def _stored(real: str, sha: str) -> ArchiveFacts | None:
    """The cached facts of these bytes at this path, if every file they were verified with is unchanged."""
    if not _cacheable(real):
        return None
    path = _facts_path(real, sha)
    if path is None:
        return None
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
        if kept["versi"] != f"{FACTS_VERSION}/{FINGERPRINT_VERSION}" or kept["path"] != real or kept["sha256"] != sha:
            return None
        files = tuple((str(n), str(s)) for n, s in kept["berkas"])
        tahun = kept["tahun"]
        facts = ArchiveFacts(
            real, sha, None if tahun is None else int(tahun), {int(y): str(s) for y, s in kept["tutup"].items()},
            {str(a): Decimal(str(v)) for a, v in kept["saldo"].items()}, str(kept["mata_uang"]),
            {int(y): str(p) for y, p in kept["arsip"].items()}, files,
        )
    except (OSError, ValueError, KeyError, TypeError, ArithmeticError):
        return None
    return facts if _unchanged(files) else None


def save_archive_facts() -> None:
    """Save the archives' facts verified by the loads done (called by the owner of a load, after it)."""
    while _PENDING:
        path, text = _PENDING.popitem()
        tmp = None
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(tmp, path)
        except OSError:  # a read-only cache: verify again next time
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)


# --- the checks of a year file (and of a sealed closed file) ------------------------------
def verify_archives(entries: Sequence[data.Directive], options_map: dict[str, Any]) -> list[ChainError]:
    """Errors of the year files in ``entries`` (run by the plugin at every load):

    - for each ``arsip``: the closed file re-read and verified (:func:`archive_facts`): there,
      its lock of the year with the ``sidik`` named, every closed year as the ``rantai`` says;
      the older archives named where its verification found them;
    - the opening equals the archive's closing balances, every account (member ones too);
      any other transaction dated in the archived year is an error at its own line;
    - the carried entries as ``sidik-bawaan`` says (an entry written later is named at its line);
    - a closed file continued in a year file (``segel``) holds nothing new dated after its year.
    """
    state = lock_state(entries)
    errors = verify_seals(entries, state)
    newest = max(state.arsip, default=None)
    for year, arsip in sorted(state.arsip.items()):
        missing = [(y, path) for y, (path, _) in archive_files(arsip).items() if not path.is_file()]
        facts = None if missing else archive_facts(archive_path(arsip))
        errors += _archive_errors(arsip, year, facts, missing)
        if year == newest:
            errors += _opening_errors(entries, options_map, arsip, year, facts)
            errors += _carried_errors(entries, arsip, year)
    return errors


def _archive_errors(
    arsip: data.Custom, year: int, facts: ArchiveFacts | None, missing: list[tuple[int, Path]],
) -> list[ChainError]:
    """The closed file of ``year`` (and the older ones) against what the ``arsip`` says of them."""
    errors: list[ChainError] = []
    for archived_year, path in missing:
        errors.append(ChainError.pesan(arsip.meta, (
            "berkas arsip tahun buku {tahun} tidak ditemukan: {berkas} (disebut di {lokasi}); "
            "kembalikan berkas itu ke tempatnya: tahun yang sudah ditutup tidak bisa diperiksa tanpanya "
            "(archive missing)"
        ), arsip, archived_year, tahun=archived_year, berkas=str(path), lokasi=_where(arsip)))
    path = archive_path(arsip)
    if facts is None:
        return errors
    sidik = str(arsip.meta.get("sidik") or "")
    problem: Pesan | None = None
    if facts.galat:
        problem = Pesan("kuncinya tidak utuh lagi ({galat})", galat=Pesan.dari(facts.galat[0]))
    elif year not in facts.tutup:
        problem = Pesan("kunci tahun buku {tahun} tidak ada lagi di dalamnya", tahun=year)
    elif facts.tutup[year] != sidik:
        problem = Pesan("sidik {tahun} di dalamnya {sekarang}…, bukan {semula}…", tahun=year,
                        sekarang=facts.tutup[year][:16], semula=sidik[:16])
    elif facts.tahun != year:
        problem = Pesan("tahun buku terakhir yang dikunci di dalamnya {akhir}, bukan {tahun}",
                        akhir=facts.tahun or "-", tahun=year)
    if problem is not None:
        return [ChainError.pesan(arsip.meta, (
            "berkas arsip tahun buku {tahun}, {berkas}, berubah sejak ditutup (dibaca ulang dan diperiksa, "
            "disebut di {lokasi}): {masalah}. Kembalikan berkas arsip itu seperti saat ditutup (archive changed)"
        ), arsip, year, tahun=year, berkas=str(path), lokasi=_where(arsip), masalah=problem)]
    stated = parse_rantai(arsip.meta.get("rantai"))
    differ = sorted(y for y in set(stated) | set(facts.tutup) if stated.get(y) != facts.tutup.get(y))
    if differ:
        errors.append(ChainError.pesan(arsip.meta, (
            "rantai di {lokasi} tidak sama dengan tahun-tahun yang ditutup di berkas arsipnya, {berkas}: "
            "sidik {tahun_beda} berbeda atau tidak ada. rantai dibuat oleh kop tutup-buku dan tidak boleh "
            "diubah (chain differs from the archive)"
        ), arsip, year, lokasi=_where(arsip), berkas=str(path), tahun_beda=", ".join(map(str, differ))))
    for older_year, (older, _) in archive_files(arsip).items():
        used = facts.arsip.get(older_year)
        if older_year != year and os.path.realpath(older) != used:
            errors.append(ChainError.pesan(arsip.meta, (
                "berkas-{tahun} di {lokasi} menunjuk {berkas}, tetapi berkas arsip {arsip} diperiksa dengan "
                "{dipakai}; kembalikan berkas-{tahun} seperti dibuat oleh kop tutup-buku (archive path differs)"
            ), arsip, older_year, tahun=older_year, lokasi=_where(arsip), berkas=str(older), arsip=str(path),
                dipakai=used or "-"))
    return errors


def _opening_errors(
    entries: Sequence[data.Directive], options_map: dict[str, Any], arsip: data.Custom, year: int,
    facts: ArchiveFacts | None,
) -> list[ChainError]:
    """The opening ``#saldo-awal-Y+1`` against the archive's closing balances (recomputed from it,
    ``facts``), and every other transaction dated up to ``year``'s end, each at its own line."""
    end = dt.date(year, 12, 31)
    tag = f"{TAG_PREFIX}-{year + 1}"
    early = [e for e in entries if type(e) is data.Transaction and e.date <= end]
    opening = next((e for e in early if e.date == end and tag in (e.tags or ())), None)
    errors = [ChainError.pesan(e.meta, (
        "transaksi bertanggal {tanggal} di berkas tahun {baru}, padahal tahun buku {tahun} sudah ditutup "
        "dan diarsipkan (arsip di {lokasi}); berkas ini hanya membawa saldo awalnya. Catat koreksinya "
        "sesudah {tahun} dengan tag #koreksi (entry in archived year)"
    ), e, year, (f"{e.date.year:04d}-{e.date.month:02d}",), tanggal=e.date, baru=year + 1, tahun=year,
        lokasi=_where(arsip)) for e in early if e is not opening]
    if facts is None or facts.galat or facts.tahun != year:
        return errors  # reported at the arsip: nothing sound to compare with
    currency = str((options_map.get("operating_currency") or [facts.mata_uang])[0])
    have = account_balances([opening], currency=currency) if opening is not None else {}
    want = facts.saldo
    differ = [a for a in sorted(set(have) | set(want)) if have.get(a, ZERO) != want.get(a, ZERO)]
    if differ:
        shown = [Pesan("{akun} {di_sini} di sini, {di_arsip} di arsip", akun=a,
                       di_sini=plain_number(have.get(a, ZERO)), di_arsip=plain_number(want.get(a, ZERO)))
                 for a in differ[:5]]
        if len(differ) > 5:
            shown.append(Pesan("dan {jumlah} akun lagi", jumlah=len(differ) - 5))
        errors.append(ChainError.pesan((opening or arsip).meta, (
            "saldo awal {baru} di berkas ini tidak sama dengan saldo akhir {tahun} yang dihitung ulang dari "
            "berkas arsipnya, {berkas}: {beda}. Saldo awal dibuat oleh kop tutup-buku dan tidak boleh diubah; "
            "catat koreksinya sesudah {tahun} dengan tag #koreksi (opening differs from the archive)"
        ), opening or arsip, year, baru=year + 1, tahun=year, berkas=facts.path, beda=Pesan.gabung("; ", shown)))
    return errors


def _carried_errors(entries: Sequence[data.Directive], arsip: data.Custom, year: int) -> list[ChainError]:
    """The carried entries against ``sidik-bawaan``: an entry written after the carried block,
    dated up to ``year``'s end, at its own line; any other change at the arsip."""
    bawaan = str(arsip.meta.get("sidik-bawaan") or "")
    if carried_digest(entries, year) == bawaan:
        return []
    late = back_dated(entries, arsip, year)
    errors = [ChainError.pesan(e.meta, (
        "catatan bertanggal {tanggal} ditambahkan ke berkas tahun {baru} sesudah dibuat, padahal tahun buku "
        "{tahun} sudah ditutup dan diarsipkan (arsip di {lokasi}); beri tanggal sesudah {tahun} dengan tag "
        "#koreksi (entry in archived year)"
    ), e, year, (f"{e.date.year:04d}-{e.date.month:02d}",), tanggal=e.date, baru=year + 1, tahun=year,
        lokasi=_where(arsip)) for e in late if type(e) is not data.Transaction]  # transactions: _opening_errors
    dropped = {id(e) for e in late}
    if late and carried_digest([e for e in entries if id(e) not in dropped], year) == bawaan:
        return errors
    digest = chain_digests(entries, [Span(year, None, "")], {})[year]
    months = sorted({m for m, _, _ in digest.bulan})
    errors.append(ChainError.pesan(arsip.meta, (
        "catatan bawaan tahun buku {tahun} di berkas ini (saldo awal, daftar anggota, bagan akun, "
        "kebijakan, pinjaman; semua bertanggal sampai {tahun}-12-31) ditambah, diubah atau dihapus sejak "
        "dibuat oleh kop tutup-buku (arsip di {lokasi}); catat perubahan sesudah {tahun} dengan tag "
        "#koreksi (carried entries changed; bulan dengan catatan: {bulan})"
    ), arsip, year, tuple(months), tahun=year, lokasi=_where(arsip), bulan=", ".join(months) or "-"))
    return errors


def back_dated(entries: Sequence[data.Directive], arsip: data.Custom, year: int) -> list[data.Directive]:
    """Entries a user wrote dated up to ``year``'s end outside the block ``kop tutup-buku`` wrote
    right after the ``arsip``: every carried entry is there, the opening last (and before any
    entry dated after the year)."""
    end = dt.date(year, 12, 31)
    tag = f"{TAG_PREFIX}-{year + 1}"
    holder, start = _location(arsip.meta)
    start = start if isinstance(start, int) else 0
    after, openings = [], []
    for entry in entries:
        name, line = _location(entry.meta)
        if name != holder or not isinstance(line, int) or line <= start:
            continue
        if entry.date > end:
            after.append(line)
        elif type(entry) is data.Transaction and entry.date == end and tag in (entry.tags or ()):
            openings.append(line + 1)
    stop = min(openings or after, default=None)
    found = []
    for entry in entries:
        if entry.date > end:
            continue
        name, line = _location(entry.meta)
        if not isinstance(line, int) or line <= 0:
            continue  # made by a plugin
        if name == holder and start < line and (stop is None or line < stop):
            continue
        found.append(entry)
    return found


# --- the seal: a closed file continued in a year file ------------------------------------
#: ``custom "segel" "Y" "buku-Y+1.beancount"`` (dated Y-12-31, so the lock of Y covers it): the
#: file was continued in the named year file; what it holds dated after Y is frozen (``lanjutan``).
SEGEL = "segel"


def sealed_entries(entries: Sequence[data.Directive], year: int) -> list[data.Directive]:
    """What a seal of ``year`` freezes: every entry dated after the year (whoever made it), but
    the closing's own (its lock, reopen records of the year and before, and the closing's
    balance assertions). Accounts opened or closed are not money and are left out (the plugin
    opens member accounts itself), and so are documents beancount finds in a folder."""
    end = dt.date(year, 12, 31)
    found: list[data.Directive] = []
    for entry in entries:
        if entry.date <= end or isinstance(entry, data.Open | data.Close):
            continue
        if isinstance(entry, data.Custom) and entry.type in LOCK_TYPES:
            values = [v.value for v in entry.values]
            if values and str(values[0]).isdigit() and int(str(values[0])) <= year:
                continue
        if isinstance(entry, data.Balance) and entry.meta.get(LOCK) == str(year):
            continue
        if isinstance(entry, data.Document) and not isinstance(entry.meta.get("lineno"), int):
            continue  # found by beancount in a documents folder, not written in the file
        found.append(entry)
    return found


def sealed_digest(entries: Sequence[data.Directive], year: int) -> str:
    """``lanjutan``: SHA-256 over :func:`sealed_entries` (canonical text, in sorted order)."""
    digest = hashlib.sha256(f"{FACTS_VERSION}:{year}".encode())
    for line in sorted(canonical_text(e) for e in sealed_entries(entries, year)):
        digest.update(line.encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def seal_target(seal: data.Custom) -> Path:
    """The year file a seal names, relative to the file that holds the seal."""
    return _beside(seal, str(seal.values[1].value) if len(seal.values) > 1 else "")


def verify_seals(entries: Sequence[data.Directive], state: LockState) -> list[ChainError]:
    """Errors of a closed file continued in a year file: an entry dated after its year written
    since (named at its line when it follows the seal), the seal naming the new file."""
    seals: dict[int, list[data.Custom]] = {}
    for entry in entries:
        if isinstance(entry, data.Custom) and entry.type == SEGEL and entry.values:
            text = str(entry.values[0].value)
            if text.isdigit():
                seals.setdefault(int(text), []).append(entry)
    errors: list[ChainError] = []
    for year, found in sorted(seals.items()):
        seal = max(found, key=_position)
        if year not in state.aktif or any(_position(b) > _position(seal) for b in state.buka.get(year, ())):
            continue  # the year was reopened since: the seal is not in force
        if sealed_digest(entries, year) == str(seal.meta.get("lanjutan") or ""):
            continue
        target = str(seal_target(seal))
        holder = _location(seal.meta)[0]
        later = [e for e in sealed_entries(entries, year)
                 if _location(e.meta)[0] == holder and _position(e) > _position(seal)]
        errors += [ChainError.pesan(e.meta, (
            "catatan bertanggal {tanggal} ditulis di buku yang ditutup sampai {tahun} dan sudah dilanjutkan "
            "di {berkas} (segel di {lokasi}): catatan sesudah {tahun} tidak dibaca dari berkas ini lagi. "
            "Pindahkan catatan ini ke {berkas} (entry after a sealed year)"
        ), e, year, tanggal=e.date, tahun=year, berkas=target, lokasi=_where(seal)) for e in later]
        dropped = {id(e) for e in later}
        if later and sealed_digest([e for e in entries if id(e) not in dropped], year) == str(seal.meta.get("lanjutan")):
            continue
        errors.append(ChainError.pesan(seal.meta, (
            "catatan bertanggal sesudah {tahun} di berkas ini ditambah, diubah atau dihapus sejak tahun buku "
            "{tahun} ditutup dan dilanjutkan di {berkas}: berkas ini tidak menerima catatan baru sesudah {tahun}. "
            "Kembalikan berkas ini seperti saat ditutup, dan catat di {berkas} (sealed file changed)"
        ), seal, year, tahun=year, berkas=target))
    return errors


def _position(entry: data.Directive) -> tuple[str, int]:
    filename, lineno = _location(entry.meta)
    return str(filename or ""), lineno if isinstance(lineno, int) else 0


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
