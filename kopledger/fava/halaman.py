"""What each page of the web desk shows, as data: pure functions over a loaded :class:`Koperasi`.

Nothing here knows Flask or Fava. Every figure comes from the library's own computations
(:mod:`kopledger.ops.savings`, :mod:`kopledger.ops.loans.entries`, :mod:`kopledger.ops.shu.compute`,
:mod:`kopledger.reports.statements`, :mod:`kopledger.reports.membership`), the same the CLI prints as JSON;
this module only chooses the year, asks the books for its period (:meth:`Koperasi.periode`: the
same decision as the CLI's) and gathers them for a template.

:class:`Buku` holds one load of the books (built once per Fava load from Fava's entries)
and remembers what was computed on it, so a page asked twice computes nothing twice.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from kopledger.books.periode import Periode
from kopledger.core.errors import KopledgerError, Pesan
from kopledger.koperasi import Koperasi
from kopledger.ops.loans.entries import loan_book, loan_statuses
from kopledger.ops.loans.entries import portfolio as compute
from kopledger.ops.loans.schedule import schedule_totals
from kopledger.ops.members import closed_years, member_list
from kopledger.ops.savings import member_statement, savings_summary, wajib_arrears
from kopledger.reports.kesehatan import assess
from kopledger.reports.membership import membership_stats
from kopledger.reports.peringatan import peringatan

T = TypeVar("T")
ZERO = Decimal(0)


@dataclass
class Buku:
    """One load of the books and what has been computed on it (per Fava load)."""

    kop: Koperasi
    kunci: Hashable = None
    _memo: dict[Hashable, Any] = field(default_factory=dict, repr=False)
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def sekali(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()`` the first time ``key`` is asked for on this load; the kept value after."""
        with self._lock:
            if key in self._memo:
                value: T = self._memo[key]
                return value
        value = compute()
        with self._lock:
            self._memo.setdefault(key, value)
            kept: T = self._memo[key]
            return kept


# --- years and dates ------------------------------------------------------------------------
def tahun_default(kop: Koperasi, today: dt.date) -> int:
    """The year a page shows by default: the last year with transactions (else this year)."""
    years = kop.years()
    return years[-1] if years else today.year


def periode(buku: Buku, tahun: int, today: dt.date) -> Periode:
    """The period of ``tahun`` asked for on ``today`` (:meth:`Koperasi.periode`): its date, and
    whether it is provisional (SEMENTARA)."""
    return buku.kop.periode(tahun, today=today)


# --- computations kept per load ------------------------------------------------------------------
def shu_tahun(buku: Buku, tahun: int, today: dt.date) -> Any:
    """The SHU of ``tahun`` (``Koperasi.shu``; provisional while the year runs), kept per load."""
    return buku.sekali(("shu", tahun, today), lambda: buku.kop.shu(tahun, today=today))


def laporan_tahun(buku: Buku, tahun: int, today: dt.date) -> Any:
    """The five statements of ``tahun``'s period (``Koperasi.laporan``: at its date, provisional
    while the year runs), kept per load."""
    return buku.sekali(("laporan", tahun, today), lambda: buku.kop.laporan(periode(buku, tahun, today)))


def portofolio(buku: Buku, per: dt.date) -> Any:
    """The loan portfolio at ``per`` (``kopledger.ops.loans.entries.portfolio``), kept per load."""
    return buku.sekali(("portofolio", per), lambda: compute(buku.kop, per))


def tunggakan_wajib(buku: Buku, per: dt.date) -> tuple[Any, ...]:
    """Members in arrears on simpanan wajib at ``per`` (``wajib_arrears``), kept per load."""
    return buku.sekali(("tunggakan-wajib", per), lambda: wajib_arrears(buku.kop, per))


def daftar(buku: Buku, per: dt.date) -> tuple[Any, ...]:
    """The register with balances at ``per`` (``member_list``), kept per load."""
    return buku.sekali(("daftar", per), lambda: member_list(buku.kop, per))


# --- health and RAT warnings ------------------------------------------------------------------
@dataclass(frozen=True)
class KesehatanPeringatan:
    """The health predikat and the RAT warnings of a year, as the dashboard shows them.

    ``predikat`` is None when no aspect could be scored; ``lengkap`` is False when some
    applicable indicator has no figure or self-assessment answer (the predikat is then
    provisional). ``peringatan`` are :class:`kopledger.reports.peringatan.Peringatan` codes.
    """

    tahun: int
    predikat: str | None = None
    skor: Decimal | None = None
    lengkap: bool = False
    peringatan: tuple[Any, ...] = ()
    alasan: str | None = None  # why the year cannot be assessed (e.g. no transactions yet)


def _kesehatan_dan_peringatan(kop: Koperasi, periode: Periode) -> KesehatanPeringatan:
    """The ONE place the dashboard takes the health predikat and the RAT warnings from: the
    same :func:`kopledger.reports.kesehatan.assess` and :func:`kopledger.reports.peringatan.peringatan` as the
    RAT pack and ``kop kesehatan``, for the same period."""
    tahun = periode.tahun
    try:
        assessment = assess(kop, tahun, periode=periode)
    except KopledgerError as exc:
        return KesehatanPeringatan(tahun, alasan=Pesan.dari(exc, saran=True))
    return KesehatanPeringatan(tahun, predikat=assessment.predikat, skor=assessment.nilai_akhir,
                               lengkap=assessment.lengkap, peringatan=tuple(peringatan(kop, tahun, periode=periode)))


# --- pages -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Hasil:
    """A computation that may be refused with a reason (e.g. a year without books)."""

    nilai: Any = None
    alasan: str | None = None


def _coba(compute: Callable[[], Any]) -> Hasil:
    try:
        return Hasil(compute())
    except KopledgerError as exc:
        return Hasil(None, Pesan.dari(exc, saran=True))


def dasbor(buku: Buku, tahun: int, today: dt.date) -> dict[str, Any]:
    """The dashboard's data for ``tahun`` (members, savings, loans, SHU, health, warnings)."""
    kop = buku.kop
    period = periode(buku, tahun, today)
    per = period.per
    aktif = kop.active_members(per)
    per_jenis_kelamin = {"P": 0, "L": 0, "": 0}
    for member in aktif:
        code = (member.jenis_kelamin or "").upper()
        per_jenis_kelamin[code if code in ("P", "L") else ""] += 1
    ditutup = sorted(closed_years(kop))
    tahun_ditutup = ditutup[-1] if ditutup else None
    arrears = tunggakan_wajib(buku, per)
    porto = _coba(lambda: portofolio(buku, per))
    return {
        "tahun": tahun,
        "per": per,
        "sementara": period.sementara,
        "tahun_tahun": kop.years(),
        "anggota_aktif": len(aktif),
        "per_jenis_kelamin": per_jenis_kelamin,
        "keanggotaan": buku.sekali(("keanggotaan", tahun, period.per_sementara),
                                   lambda: membership_stats(kop.members.values(), tahun, per=period.per_sementara)),
        "simpanan": buku.sekali(("simpanan", per), lambda: savings_summary(kop, per)),
        "portofolio": porto,
        "tunggakan_pinjaman": (
            sum((s.tunggakan for s in porto.nilai.tunggakan), ZERO) if porto.nilai is not None else ZERO
        ),
        "tunggakan_wajib": arrears,
        "tunggakan_wajib_jumlah": sum((a.jumlah for a in arrears), ZERO),
        "shu_berjalan": _coba(lambda: shu_tahun(buku, tahun, today)),
        "tahun_ditutup": tahun_ditutup,
        "shu_ditutup": _coba(lambda: shu_tahun(buku, tahun_ditutup, today)) if tahun_ditutup else None,
        "kesehatan": _kesehatan_dan_peringatan(kop, period),
    }


def cari_anggota(rows: tuple[Any, ...], q: str) -> list[Any]:
    """Members whose id, name, NIK, address or phone contains ``q`` (case-insensitive)."""
    needle = q.strip().casefold()
    if not needle:
        return list(rows)
    return [
        r for r in rows
        if any(needle in str(v).casefold() for v in (r.id, r.nama, r.nik, r.alamat, r.telepon))
    ]


@dataclass(frozen=True)
class PinjamanAnggota:
    """One loan of a member: its status at a date and its schedule."""

    status: Any
    jadwal: tuple[Any, ...]
    total_angsuran: Decimal
    total_pokok: Decimal
    total_bunga: Decimal


@dataclass(frozen=True)
class ShuAnggota:
    """A member's share of one year's SHU (None when the member did not share)."""

    tahun: int
    sementara: bool
    bagian: Any


def halaman_anggota(buku: Buku, member_id: str, today: dt.date) -> dict[str, Any]:
    """A member's page: savings card with running balances, loans with schedules and
    arrears, wajib arrears, and the SHU of every year of the books. Unknown id: InputError."""
    kop = buku.kop
    member = kop.member(member_id)
    per = today
    kartu = member_statement(kop, member_id, per)
    book = buku.sekali("loan-book", lambda: loan_book(kop))
    statuses = buku.sekali(("loan-statuses", per), lambda: loan_statuses(kop, per, book=book))
    loans = []
    for status in statuses:
        if status.anggota != member_id:
            continue
        jadwal = book.loan(status.id).jadwal
        total, total_pokok, total_bunga = schedule_totals(jadwal)
        loans.append(PinjamanAnggota(status, tuple(jadwal), total, total_pokok, total_bunga))
    wajib = next((a for a in tunggakan_wajib(buku, per) if a.id == member_id), None)
    riwayat = []
    for year in kop.years():
        result = _coba(lambda y=year: shu_tahun(buku, y, today))  # type: ignore[misc]
        if result.nilai is None or result.nilai.rugi:
            continue
        bagian = next((m for m in result.nilai.anggota if m.id == member_id), None)
        riwayat.append(ShuAnggota(year, result.nilai.sementara, bagian))
    return {
        "anggota": member,
        "per": per,
        "kartu": kartu,
        "pinjaman": loans,
        "tunggakan_wajib": wajib,
        "riwayat_shu": riwayat,
        "saldo": kop.member_balance(member_id, per),
    }
