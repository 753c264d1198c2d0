"""SHU of the example koperasi (examples/mawar): 2024 and 2025, checked against bean-query."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from beanquery import query

from kopledger import Koperasi
from kopledger.ops.shu.compute import allocation_entry, compute_shu, payout_entries
from kopledger.ops.writer import format_directives
from kopledger.present.shu import render_slips

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "mawar" / "buku.beancount"
YEARS = (2024, 2025)
TODAY = dt.date(2026, 6, 1)


@pytest.fixture(scope="module")
def kop() -> Koperasi:
    books = Koperasi.load(EXAMPLE)
    assert books.errors == []
    return books


@pytest.fixture(scope="module")
def results(kop: Koperasi) -> dict[int, object]:
    return {year: compute_shu(kop, year, today=TODAY) for year in YEARS}


def _by_member(rows) -> dict[str, Decimal]:
    return {str(k): -v for k, v in rows if k is not None}


@pytest.mark.parametrize("year", YEARS)
def test_shu_equals_bean_query_income_minus_expenses(kop, results, year):
    _, rows = query.run_query(
        kop.entries, kop.options,
        f"SELECT sum(number) WHERE year = {year} AND account ~ '^(Pendapatan|Beban):' "
        f"AND NOT ('tutup-buku-{year}' IN tags)",
    )
    r = results[year]
    assert r.shu == -rows[0][0]
    assert r.shu > 0


@pytest.mark.parametrize("year", YEARS)
def test_bases_and_shares_match_an_independent_computation(kop, results, year):
    r = results[year]
    _, modal_rows = query.run_query(
        kop.entries, kop.options,
        f"SELECT leaf(account) AS m, sum(number) WHERE date <= {year}-12-31 "
        "AND account ~ '^Ekuitas:Simpanan(Pokok|Wajib):' GROUP BY m",
    )
    _, usaha_rows = query.run_query(
        kop.entries, kop.options,
        "SELECT coalesce(meta('anggota'), entry_meta('anggota')) AS m, sum(number) "
        f"WHERE year = {year} AND account ~ '^Pendapatan:Anggota' GROUP BY m",
    )
    modal, usaha = _by_member(modal_rows), _by_member(usaha_rows)
    active = [m.id for m in kop.active_members(dt.date(year, 12, 31))]
    assert [m.id for m in r.anggota] == active
    total_modal = sum(modal.get(i, 0) for i in active)
    total_usaha = sum(usaha.get(i, 0) for i in active)
    assert r.total_basis_modal == total_modal and r.total_basis_usaha == total_usaha
    jm, ju = r.jumlah_komponen("jasa-modal"), r.jumlah_komponen("jasa-usaha")
    for m in r.anggota:
        assert m.basis_modal == modal.get(m.id, 0)
        assert m.basis_usaha == usaha.get(m.id, 0)
        # floor(component × basis / total), in integers
        assert m.jasa_modal == (jm * m.basis_modal) // total_modal
        assert m.jasa_usaha == (ju * m.basis_usaha) // total_usaha
        assert m.jumlah == m.jasa_modal + m.jasa_usaha
    assert sum(c.jumlah for c in r.alokasi) == r.shu
    assert r.total_jasa_modal + r.sisa_jasa_modal == jm
    assert r.total_jasa_usaha + r.sisa_jasa_usaha == ju
    assert 0 <= r.sisa_pembulatan < 2 * len(r.anggota)


def test_allocation_entries_of_both_years_load_with_zero_errors(kop, results):
    text = EXAMPLE.read_text(encoding="utf-8")
    entries = [allocation_entry(kop, results[year], dt.date(year + 1, 3, 20)) for year in YEARS]
    for entry in entries:
        assert sum(p.units.number for p in entry.postings) == 0
    booked = Koperasi.from_string(text + "\n" + format_directives(entries))
    assert booked.errors == [], [e.message for e in booked.errors[:5]]
    balances = booked.member_balances()
    for m in results[2025].anggota:
        earlier = next((x.jumlah for x in results[2024].anggota if x.id == m.id), Decimal(0))
        owed = balances[m.id].utang_shu if m.id in balances else Decimal(0)
        assert owed == m.jumlah + earlier
    # the computation is unchanged by booking the allocations
    assert compute_shu(booked, 2024, today=TODAY).anggota == results[2024].anggota
    payouts = payout_entries(booked, results[2024], dt.date(2025, 4, 1), ke="sukarela")
    assert sum(e.postings[0].units.number for e in payouts) == results[2024].total_anggota


def test_slips_for_every_member(kop, results):
    html = render_slips(kop, results[2025], "html", "id")
    assert html.count('class="page slip"') == len(results[2025].anggota)
