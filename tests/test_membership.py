"""Member statistics of the RAT: start, joined, left, end, by gender, by year."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from kopledger.books.directives import Member
from kopledger.reports.membership import growth_percent, member_count, membership_stats, share_percent
from tests.conftest import load_doc

REGISTER = '''
2023-05-01 custom "anggota" "A0001" "Siti"
  jenis-kelamin: "P"
2024-01-01 custom "anggota" "A0002" "Budi"
  jenis-kelamin: "L"
2024-06-01 custom "anggota" "A0003" "Citra"
  jenis-kelamin: "P"
2024-07-01 custom "anggota" "A0004" "Tanpa Keterangan"
2024-12-31 custom "anggota-keluar" "A0002"
  alasan: "pindah"
2025-02-01 custom "anggota" "A0005" "Dewi"
  jenis-kelamin: "P"
2025-03-01 custom "anggota-keluar" "A0005"
2025-04-01 custom "anggota-keluar" "A0003"
2025-12-31 custom "anggota" "A0006" "Eko"
  jenis-kelamin: "L"
'''


def test_counts_of_a_year_match_the_register():
    kop = load_doc(REGISTER)
    assert kop.errors == []
    stats = membership_stats(kop.members.values(), 2025)
    # Start of 2025: active on 2024-12-31 — A0002 left that day, so A0001, A0003, A0004.
    assert stats.jumlah.awal == len(kop.active_members(dt.date(2024, 12, 31))) == 3
    # Joined in 2025: A0005 and A0006 (joined on the last day still counts).
    assert stats.jumlah.masuk == 2
    # Left in 2025: A0005 (joined and left the same year) and A0003.
    assert stats.jumlah.keluar == 2
    assert stats.jumlah.akhir == len(kop.active_members(dt.date(2025, 12, 31))) == 3
    assert {m.id for m in kop.active_members(dt.date(2025, 12, 31))} == {"A0001", "A0004", "A0006"}


def test_by_gender_and_womens_share():
    kop = load_doc(REGISTER)
    stats = membership_stats(kop.members.values(), 2025)
    assert [g.jenis_kelamin for g in stats.per_jenis_kelamin] == ["P", "L", ""]
    assert stats.gender("P").akhir == 1  # A0001
    assert stats.gender("L").akhir == 1  # A0006
    assert stats.gender("").akhir == 1  # A0004, no jenis-kelamin
    assert stats.gender("P").keluar == 2
    assert stats.persen_perempuan == Decimal("33.33")
    for key in ("awal", "masuk", "keluar", "akhir"):
        assert sum(getattr(g.jumlah, key) for g in stats.per_jenis_kelamin) == getattr(stats.jumlah, key)


def test_no_unknown_gender_row_when_everyone_has_one():
    kop = load_doc('''
    2024-01-01 custom "anggota" "A0001" "Siti"
      jenis-kelamin: "P"
    ''')
    stats = membership_stats(kop.members.values(), 2024)
    assert [g.jenis_kelamin for g in stats.per_jenis_kelamin] == ["P", "L"]
    assert stats.persen_perempuan == Decimal(100)


def test_history_runs_from_the_first_join_and_chains():
    kop = load_doc(REGISTER)
    stats = membership_stats(kop.members.values(), 2025)
    assert [y.tahun for y in stats.riwayat] == [2023, 2024, 2025]
    for before, after in zip(stats.riwayat, stats.riwayat[1:], strict=False):
        assert before.jumlah.akhir == after.jumlah.awal
    y2024 = stats.riwayat[1]
    assert (y2024.jumlah.awal, y2024.jumlah.masuk, y2024.jumlah.keluar, y2024.jumlah.akhir) == (1, 3, 1, 3)
    assert y2024.perempuan_akhir == 2 and y2024.laki_laki_akhir == 0
    assert y2024.jumlah.pertumbuhan == Decimal(200)
    assert stats.riwayat[0].jumlah.pertumbuhan is None  # began at zero


def test_history_limited_to_given_years():
    kop = load_doc(REGISTER)
    stats = membership_stats(kop.members.values(), 2025, years=[2024, 2025, 2026])
    assert [y.tahun for y in stats.riwayat] == [2024, 2025]


def test_empty_register():
    stats = membership_stats([], 2025)
    assert stats.jumlah.akhir == 0
    assert stats.persen_perempuan is None
    assert [y.tahun for y in stats.riwayat] == [2025]


def test_percent_helpers():
    assert growth_percent(Decimal(110), Decimal(100)) == Decimal("10.00")
    assert growth_percent(Decimal(-50), Decimal(-100)) == Decimal("50.00")  # a smaller loss is growth
    assert growth_percent(Decimal(5), Decimal(0)) is None
    assert share_percent(1, 3) == Decimal("33.33")
    assert share_percent(2, 3) == Decimal("66.67")
    assert share_percent(1, 0) is None


_dates = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2026, 12, 31))


@st.composite
def _members(draw):
    count = draw(st.integers(min_value=0, max_value=25))
    result = []
    for i in range(count):
        joined = draw(_dates)
        left = draw(st.one_of(st.none(), st.dates(min_value=joined, max_value=dt.date(2026, 12, 31))))
        gender = draw(st.sampled_from(["P", "L", ""]))
        result.append(Member(f"A{i:04d}", f"Anggota {i}", joined, jenis_kelamin=gender, tanggal_keluar=left))
    return result


@settings(max_examples=60, deadline=None)
@given(_members(), st.integers(min_value=2020, max_value=2026))
def test_movement_adds_up(members, year):
    stats = membership_stats(members, year)
    count = stats.jumlah
    assert count.awal + count.masuk - count.keluar == count.akhir
    assert count.akhir == sum(1 for m in members if m.is_active(dt.date(year, 12, 31)))
    assert count.awal == sum(1 for m in members if m.is_active(dt.date(year - 1, 12, 31)))
    for key in ("awal", "masuk", "keluar", "akhir"):
        assert sum(getattr(g.jumlah, key) for g in stats.per_jenis_kelamin) == getattr(count, key)
    for y in stats.riwayat:
        assert y.jumlah == member_count(members, y.tahun)
        assert y.perempuan_akhir + y.laki_laki_akhir <= y.jumlah.akhir
