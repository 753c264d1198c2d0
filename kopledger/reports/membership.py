"""Member statistics for the RAT: start of year, joined, left, end, by gender, by year.

Pure functions over the member register (:class:`kopledger.books.directives.Member`). Counting
rules, consistent with :meth:`Member.is_active`:

- *awal* (start of year YEAR): members active on 31 December of YEAR − 1;
- *masuk* (joined): members whose join date falls in YEAR;
- *keluar* (left): members whose exit date falls in YEAR;
- *akhir* (end of year): members active on 31 December of YEAR.

So ``awal + masuk − keluar == akhir`` always holds (a member who joins and leaves in the
same year counts in both *masuk* and *keluar*).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from kopledger.books.directives import Member

#: Gender codes in display order; ``""`` is "not recorded".
GENDERS = ("P", "L", "")


@dataclass(frozen=True)
class MemberCount:
    """Member movement of one year (all members, or one gender)."""

    awal: int
    masuk: int
    keluar: int
    akhir: int

    @property
    def pertumbuhan(self) -> Decimal | None:
        """Growth of the member count over the year, percent (None when the year began at 0)."""
        return growth_percent(Decimal(self.akhir), Decimal(self.awal))


@dataclass(frozen=True)
class GenderCount:
    """Member movement of one gender (``P`` perempuan, ``L`` laki-laki, ``""`` not recorded)."""

    jenis_kelamin: str
    jumlah: MemberCount


@dataclass(frozen=True)
class YearMembers:
    """Members of one year, for the growth chart: the movement and the women at year end."""

    tahun: int
    jumlah: MemberCount
    perempuan_akhir: int
    laki_laki_akhir: int


@dataclass(frozen=True)
class MembershipStats:
    """The RAT's member statistics for ``tahun``."""

    tahun: int
    jumlah: MemberCount
    per_jenis_kelamin: tuple[GenderCount, ...]
    riwayat: tuple[YearMembers, ...]  # every year of the books, oldest first

    @property
    def persen_perempuan(self) -> Decimal | None:
        """Women's share of the members at year end, percent (2 places, half up)."""
        return share_percent(self.gender("P").akhir, self.jumlah.akhir)

    def gender(self, code: str) -> MemberCount:
        """The movement of one gender code (zeros when there is none)."""
        for row in self.per_jenis_kelamin:
            if row.jenis_kelamin == code:
                return row.jumlah
        return MemberCount(0, 0, 0, 0)


def growth_percent(current: Decimal, prior: Decimal) -> Decimal | None:
    """``(current − prior) / |prior| × 100`` rounded half up to 2 places; None when prior is 0."""
    if prior == 0:
        return None
    return ((current - prior) / abs(prior) * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def share_percent(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """``part / whole × 100`` rounded half up to 2 places; None when whole is 0."""
    if whole == 0:
        return None
    return (Decimal(part) / Decimal(whole) * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def member_count(members: Iterable[Member], year: int, per: dt.date | None = None) -> MemberCount:
    """Start, joined, left and end of ``year`` for ``members``; through ``per`` (an interim
    period's date) instead of the year end when given."""
    prior_end = dt.date(year - 1, 12, 31)
    year_end = per or dt.date(year, 12, 31)
    awal = masuk = keluar = akhir = 0
    for member in members:
        if member.is_active(prior_end):
            awal += 1
        if member.tanggal_masuk.year == year and member.tanggal_masuk <= year_end:
            masuk += 1
        if member.tanggal_keluar is not None and member.tanggal_keluar.year == year and member.tanggal_keluar <= year_end:
            keluar += 1
        if member.is_active(year_end):
            akhir += 1
    return MemberCount(awal, masuk, keluar, akhir)


def _end(y: int, year: int, per: dt.date | None) -> dt.date:
    """The day year ``y`` of a history ending at ``year`` is counted at (``per`` for ``year``)."""
    return per if per is not None and y == year else dt.date(y, 12, 31)


def _gender(member: Member) -> str:
    code = (member.jenis_kelamin or "").upper()
    return code if code in ("P", "L") else ""


def membership_stats(
    members: Iterable[Member], year: int, years: Iterable[int] | None = None, *, per: dt.date | None = None,
) -> MembershipStats:
    """Member statistics of ``year``, and the history over ``years``.

    ``years`` defaults to every year from the first join up to ``year``; the history
    always ends at ``year``. ``per``: an interim period's date, at which ``year`` is counted.
    """
    register = list(members)
    by_gender: dict[str, list[Member]] = {code: [] for code in GENDERS}
    for member in register:
        by_gender[_gender(member)].append(member)
    genders = tuple(
        GenderCount(code, member_count(group, year, per))
        for code, group in by_gender.items()
        if group or code != ""
    )
    if years is None:
        first = min((m.tanggal_masuk.year for m in register), default=year)
        history_years = list(range(min(first, year), year + 1))
    else:
        history_years = sorted({y for y in years if y <= year} | {year})
    riwayat = tuple(
        YearMembers(
            tahun=y,
            jumlah=member_count(register, y, per if y == year else None),
            perempuan_akhir=sum(1 for m in by_gender["P"] if m.is_active(_end(y, year, per))),
            laki_laki_akhir=sum(1 for m in by_gender["L"] if m.is_active(_end(y, year, per))),
        )
        for y in history_years
    )
    return MembershipStats(
        tahun=year,
        jumlah=member_count(register, year, per),
        per_jenis_kelamin=genders,
        riwayat=riwayat,
    )
