"""A period of the books: a tahun buku and the date its figures are valued at.

:func:`decide_period` is the one place that decides whether a year's figures are final or
provisional (*sementara*) and at which date they are valued; :meth:`kopledger.Koperasi.periode`
calls it, and every front end asks the root instead of deciding again.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from kopledger.core.errors import InputError

#: Environment variable that fixes "today" (``YYYY-MM-DD``) for every front end: tests, and
#: reproducing a report as it was asked for on a given day.
KOP_TODAY = "KOP_TODAY"


def hari_ini() -> dt.date:
    """Today: ``$KOP_TODAY`` when set (``YYYY-MM-DD``), else the system date. The one clock the
    period decision reads."""
    fixed = os.environ.get(KOP_TODAY, "").strip()
    if not fixed:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(fixed)
    except ValueError:
        raise InputError.pesan(
            "{nama}={nilai!r} bukan tanggal YYYY-MM-DD", hint="Hapus {nama} atau tulis tanggal seperti 2025-12-31.",
            nama=KOP_TODAY, nilai=fixed,
        ) from None


@dataclass(frozen=True)
class Periode:
    """Tahun buku ``tahun`` reported at ``per`` (1 January ≤ ``per`` ≤ 31 December).

    ``sementara``: the figures are provisional — the year had not ended on the day they were
    asked for, or they are valued before the year end (an interim report). Loans, arrears and
    provisions are then valued at ``per``, not at the year end.
    """

    tahun: int
    per: dt.date
    sementara: bool

    @property
    def sesudah(self) -> dt.date:
        """The day after ``per``: the day this period's figures are asked on (a computation that
        takes a ``today``, such as the SHU, is provisional for it exactly when the period is)."""
        return self.per + dt.timedelta(days=1)

    @property
    def per_sementara(self) -> dt.date | None:
        """``per`` when the figures are provisional, None for a finished year (the statements'
        :attr:`~kopledger.reports.statements.FinancialStatements.per`)."""
        return self.per if self.sementara else None


class OutsideYear(ValueError):
    """A report date asked for outside its tahun buku."""


class NotYetPassed(ValueError):
    """A report date asked for that has not passed yet (today or later)."""


class NotEnded(ValueError):
    """A year not yet ended reported without saying its figures are provisional (``sementara``)."""


def decide_period(
    tahun: int, *, today: dt.date, per: dt.date | None = None, sementara: bool | None = None
) -> Periode:
    """The period of ``tahun`` asked for on ``today``, valued at ``per`` (default: the year end).

    The report date is never after the year end nor after the last day that has passed (the
    day before ``today``: a day still going is not reported as closed); a year is provisional
    when its report date falls before its end.
    Raises :class:`OutsideYear` when ``per`` falls outside the tahun buku and
    :class:`NotYetPassed` when it has not passed yet; without ``per``, a year still running
    is reported at its last day that has passed.

    ``sementara``: whether the asker accepts provisional figures. ``False`` (a report that did
    not say so, e.g. without ``--sementara``) raises :class:`NotEnded` for a year running on
    ``today`` (a year not begun yet is refused by its callers for having no transactions); an explicit ``per`` is an interim report by request and needs no flag.
    ``None`` (a page that says so itself) and ``True`` accept either.
    """
    akhir = dt.date(tahun, 12, 31)
    kemarin = today - dt.timedelta(days=1)
    if per is not None and per.year != tahun:
        raise OutsideYear(f"{per.isoformat()} is not in tahun buku {tahun}")
    if per is not None and per > kemarin:
        raise NotYetPassed(f"{per.isoformat()} has not passed on {today.isoformat()}")
    if sementara is False and per is None and today.year == tahun:  # begun, not ended (a later year: not here)
        raise NotEnded(f"tahun buku {tahun} has not ended on {today.isoformat()}")
    date = min(per or akhir, akhir, max(kemarin, dt.date(tahun, 1, 1)))
    return Periode(tahun=tahun, per=date, sementara=date < akhir)
