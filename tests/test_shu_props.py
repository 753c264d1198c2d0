"""Property tests (hypothesis) of the SHU money invariants: exact splits, exact allocation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kopledger import Koperasi
from kopledger.ops.shu.compute import (
    allocate_components,
    allocation_entry,
    compute_shu,
    distribute,
    split_by_basis,
)
from kopledger.ops.writer import format_directives
from tests.test_shu import HEADER, expense, income, ledger, member

D = Decimal
SETTINGS = settings(max_examples=80, deadline=None)

amounts = st.integers(min_value=0, max_value=10**13).map(D)
bases = st.dictionaries(
    st.from_regex(r"A[0-9]{4}", fullmatch=True),
    st.one_of(st.integers(min_value=0, max_value=10**11).map(D),
              st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)),
    max_size=30,
)
roundings = st.sampled_from(["bawah", "terdekat"])
COMPONENTS = ["cadangan", "jasa-modal", "jasa-usaha", "dana-pengurus", "dana-karyawan",
              "dana-pendidikan", "dana-sosial", "dana-pembangunan-daerah-kerja"]


@st.composite
def percents(draw) -> list[tuple[str, Decimal]]:
    """A split of some standard components whose percents (halves allowed) sum to 100."""
    names = draw(st.lists(st.sampled_from(COMPONENTS), min_size=1, max_size=len(COMPONENTS), unique=True))
    cuts = sorted(draw(st.lists(st.integers(0, 200), min_size=len(names) - 1, max_size=len(names) - 1)))
    edges = [0, *cuts, 200]
    return [(name, D(edges[i + 1] - edges[i]) / 2) for i, name in enumerate(names)]


@SETTINGS
@given(total=amounts, bases=bases, rounding=roundings)
def test_split_by_basis_is_exact(total, bases, rounding):
    shares, remainder = split_by_basis(total, bases, rounding)
    assert list(shares) == list(bases)
    assert sum(shares.values(), D(0)) + remainder == total
    sum_bases = sum(bases.values(), D(0))
    for key, share in shares.items():
        assert share == share.to_integral_value()
        exact = Fraction(total) * Fraction(bases[key]) / Fraction(sum_bases) if sum_bases else Fraction(0)
        if rounding == "bawah":
            assert Fraction(share) <= exact < Fraction(share) + 1  # never more than the exact share
        else:
            assert abs(Fraction(share) - exact) <= Fraction(1, 2)
        if bases[key] == 0:
            assert share == 0
    if rounding == "bawah":
        positive = sum(1 for v in bases.values() if v > 0)
        assert 0 <= remainder < max(positive, 1) or sum_bases == 0
    if sum_bases == 0:
        assert remainder == total


@SETTINGS
@given(shu=st.integers(1, 10**13).map(D), persen=percents(), rounding=roundings)
def test_components_sum_exactly_to_the_shu(shu, persen, rounding):
    amounts = allocate_components(shu, persen, rounding)
    assert sum(amounts.values(), D(0)) == shu
    for name, pct in persen:
        if name != "cadangan":
            exact = Fraction(shu) * Fraction(pct) / 100
            assert abs(Fraction(amounts[name]) - exact) < 1


@SETTINGS
@given(
    shu=st.integers(1, 10**12).map(D),
    persen=percents(),
    modal=bases,
    usaha=bases,
    rounding=roundings,
    non_member=st.fractions(0, 1),
)
def test_distribution_members_plus_remainder_equal_each_component(shu, persen, modal, usaha, rounding, non_member):
    non = D(int(Fraction(shu) * non_member))
    dist = distribute(shu, persen, modal, usaha, rounding, non_anggota=non)
    assert sum(dist.komponen.values(), D(0)) == shu
    assert sum(dist.jasa_modal.values(), D(0)) + dist.sisa_jasa_modal == dist.komponen.get("jasa-modal", D(0))
    assert sum(dist.jasa_usaha.values(), D(0)) + dist.sisa_jasa_usaha == dist.komponen.get("jasa-usaha", D(0))
    paid = sum(dist.jasa_modal.values(), D(0)) + sum(dist.jasa_usaha.values(), D(0))
    funds = sum((v for k, v in dist.komponen.items() if k not in ("cadangan", "jasa-modal", "jasa-usaha")), D(0))
    assert dist.cadangan_dibukukan + funds + paid == shu
    if rounding == "bawah":
        for key, share in dist.jasa_modal.items():
            total_basis = sum(modal.values(), D(0))
            exact = Fraction(dist.komponen.get("jasa-modal", D(0))) * Fraction(modal[key]) / Fraction(total_basis) if total_basis else 0
            assert share <= exact


def test_split_rejects_negative_input():
    with pytest.raises(ValueError):
        split_by_basis(D(10), {"A": D(-1)})
    with pytest.raises(ValueError):
        split_by_basis(D(-10), {"A": D(1)})
    with pytest.raises(ValueError):
        distribute(D(0), [("cadangan", D(100))], {}, {})


# --- end to end: random small koperasi, computed from the ledger and booked -------------------
@st.composite
def koperasi(draw):
    n = draw(st.integers(1, 5))
    body = draw(percents())
    lines = "".join(f'2024-01-01 custom "shu-alokasi" "{name}" {pct}\n' for name, pct in body)
    if draw(st.booleans()):
        lines += '2024-01-01 custom "kebijakan" "pembulatan" "terdekat"\n'
    total_income = 0
    for i in range(n):
        mid = f"A{i + 1:04d}"
        pokok = draw(st.integers(0, 5_000_000))
        wajib = draw(st.integers(0, 50_000_000))
        lines += member(mid, f"Anggota {i + 1}", pokok=pokok, wajib=wajib)
        sales = draw(st.integers(0, 90_000_000))
        if sales:
            lines += income(mid, sales)
            total_income += sales
    other = draw(st.integers(1, 30_000_000))
    lines += income(None, other, "Pendapatan:Lain")
    lines += expense(draw(st.integers(0, (total_income + other) - 1)), "Beban:Usaha:Gaji")
    return lines


@settings(max_examples=30, deadline=None)
@given(body=koperasi())
def test_ledger_computation_and_allocation_entry_balance(body):
    text = ledger(body, HEADER)
    kop = Koperasi.from_string(text)
    assert kop.errors == []
    r = compute_shu(kop, 2024, today=dt.date(2026, 1, 1))
    assert r.shu > 0
    assert sum(c.jumlah for c in r.alokasi) == r.shu
    for component, sisa in (("jasa-modal", r.sisa_jasa_modal), ("jasa-usaha", r.sisa_jasa_usaha)):
        paid = r.total_jasa_modal if component == "jasa-modal" else r.total_jasa_usaha
        assert paid + sisa == r.jumlah_komponen(component)
    if r.pembulatan == "bawah":
        for m in r.anggota:
            if r.total_basis_modal:
                assert Fraction(m.jasa_modal) <= Fraction(r.jumlah_komponen("jasa-modal")) * Fraction(m.basis_modal) / Fraction(r.total_basis_modal)
            if r.total_basis_usaha:
                assert Fraction(m.jasa_usaha) <= Fraction(r.jumlah_komponen("jasa-usaha")) * Fraction(m.basis_usaha) / Fraction(r.total_basis_usaha)
    entry = allocation_entry(kop, r, dt.date(2025, 3, 1))
    assert sum(p.units.number for p in entry.postings) == 0
    booked = Koperasi.from_string(text + "\n" + format_directives([entry]))
    assert booked.errors == [], [e.message for e in booked.errors]
