"""SHU arithmetic over plain numbers (no ledger): shares in proportion to bases, the split by
percentages, and one stated rounding to whole rupiah. Exact rational arithmetic throughout.

Rounding rule (``kebijakan "pembulatan"``): ``bawah`` (default) floors every component
except cadangan, and every member's jasa modal and jasa usaha, to the whole rupiah;
``terdekat`` rounds them half up instead. Cadangan takes the SHU minus every other
component, so the components sum exactly to the SHU.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

ZERO = Decimal(0)

CADANGAN = "cadangan"
JASA_MODAL = "jasa-modal"
JASA_USAHA = "jasa-usaha"

#: Rounding rules of ``kebijakan "pembulatan"``.
ROUNDINGS = ("bawah", "terdekat")


def round_rupiah(value: Fraction | Decimal | int, rounding: str = "bawah") -> Decimal:
    """``value`` to the whole rupiah: floor (``bawah``) or half up (``terdekat``)."""
    exact = Fraction(value)
    if rounding == "bawah":
        return Decimal(math.floor(exact))
    if rounding == "terdekat":
        return Decimal(math.floor(exact + Fraction(1, 2)))
    raise ValueError(f"unknown rounding {rounding!r}; use one of {', '.join(ROUNDINGS)}")


def split_by_basis(
    total: Decimal, bases: Mapping[str, Decimal], rounding: str = "bawah"
) -> tuple[dict[str, Decimal], Decimal]:
    """Share ``total`` in proportion to ``bases``: ``(shares, remainder)``.

    Each share is ``total × basis / Σ bases`` (exact), rounded to the whole rupiah by
    ``rounding``; ``remainder = total − Σ shares``, so shares plus remainder are exactly
    ``total``. With floor rounding no share exceeds its exact value and
    ``0 ≤ remainder < number of bases with a positive basis``. When every basis is zero
    every share is zero and the remainder is the whole total. Bases must not be negative.
    """
    if rounding not in ROUNDINGS:
        raise ValueError(f"unknown rounding {rounding!r}; use one of {', '.join(ROUNDINGS)}")
    if total < 0:
        raise ValueError(f"cannot share a negative total {total}")
    negative = [k for k, v in bases.items() if v < 0]
    if negative:
        raise ValueError(f"negative basis for {', '.join(negative)}")
    # exact integer arithmetic: basis_i = n_i / L, total = tn / td,
    # share_i = total × basis_i / Σ basis = tn × n_i / (td × Σ n)
    ratios = {k: v.as_integer_ratio() for k, v in bases.items()}
    common = math.lcm(*(d for _, d in ratios.values())) if ratios else 1
    scaled = {k: n * (common // d) for k, (n, d) in ratios.items()}
    sum_scaled = sum(scaled.values())
    if sum_scaled == 0:
        return {k: ZERO for k in bases}, total
    tn, td = total.as_integer_ratio()
    denominator = td * sum_scaled
    if rounding == "bawah":
        shares = {k: Decimal((tn * b) // denominator) for k, b in scaled.items()}
    else:
        shares = {k: Decimal((2 * tn * b + denominator) // (2 * denominator)) for k, b in scaled.items()}
    return shares, total - sum(shares.values(), ZERO)


def allocate_components(
    dibagi: Decimal,
    persen: Sequence[tuple[str, Decimal]],
    rounding: str = "bawah",
    *,
    shu: Decimal | None = None,
) -> dict[str, Decimal]:
    """Split the SHU into components: ``{component: amount}`` in the order given.

    Every component but ``cadangan`` is ``dibagi × percent / 100`` rounded by
    ``rounding``; ``cadangan`` (added if absent) takes ``shu`` (default: ``dibagi``)
    minus all the others, so the amounts sum exactly to ``shu``. ``dibagi`` is the part
    of the SHU the percentages apply to (less than ``shu`` when the SHU from
    non-members goes to cadangan in full).
    """
    total = dibagi if shu is None else shu
    amounts: dict[str, Decimal] = {}
    for component, percent in persen:
        if component != CADANGAN:
            amounts[component] = round_rupiah(Fraction(dibagi) * Fraction(percent) / 100, rounding)
    others = sum(amounts.values(), ZERO)
    ordered = {c: amounts.get(c, ZERO) for c, _ in persen}
    ordered[CADANGAN] = total - others
    return ordered


@dataclass(frozen=True)
class Distribution:
    """A year's SHU split into components and member shares (plain numbers)."""

    komponen: dict[str, Decimal]
    jasa_modal: dict[str, Decimal]
    jasa_usaha: dict[str, Decimal]
    sisa_jasa_modal: Decimal
    sisa_jasa_usaha: Decimal
    #: Member components moved to cadangan because no member had a basis for them.
    dialihkan: dict[str, Decimal] = field(default_factory=dict)

    @property
    def sisa_pembulatan(self) -> Decimal:
        """Rupiah of jasa modal and jasa usaha that rounding gave to no member."""
        return self.sisa_jasa_modal + self.sisa_jasa_usaha

    @property
    def cadangan_dibukukan(self) -> Decimal:
        """What the allocation entry credits to cadangan: its component plus the remainder."""
        return self.komponen[CADANGAN] + self.sisa_pembulatan


def distribute(
    shu: Decimal,
    persen: Sequence[tuple[str, Decimal]],
    bases_modal: Mapping[str, Decimal],
    bases_usaha: Mapping[str, Decimal],
    rounding: str = "bawah",
    *,
    non_anggota: Decimal = ZERO,
) -> Distribution:
    """The whole split of a positive ``shu``: components, then each member's shares.

    ``non_anggota`` is the part of the SHU that goes to cadangan in full before the
    percentages apply. A member component with no positive basis at all goes to
    cadangan (reported in ``dialihkan``).
    """
    if shu <= 0:
        raise ValueError(f"nothing to distribute from SHU {shu}")
    if not ZERO <= non_anggota <= shu:
        raise ValueError(f"non-member SHU {non_anggota} must be between 0 and the SHU {shu}")
    komponen = allocate_components(shu - non_anggota, persen, rounding, shu=shu)
    dialihkan: dict[str, Decimal] = {}
    splits: dict[str, tuple[dict[str, Decimal], Decimal]] = {}
    for component, bases in ((JASA_MODAL, bases_modal), (JASA_USAHA, bases_usaha)):
        allocated = komponen.get(component, ZERO)
        if component in komponen and allocated != 0 and sum(bases.values(), ZERO) == 0:
            dialihkan[component] = allocated
            komponen[component] = ZERO
            komponen[CADANGAN] += allocated
            allocated = ZERO
        splits[component] = split_by_basis(allocated, bases, rounding)
    return Distribution(
        komponen=komponen,
        jasa_modal=splits[JASA_MODAL][0],
        jasa_usaha=splits[JASA_USAHA][0],
        sisa_jasa_modal=splits[JASA_MODAL][1],
        sisa_jasa_usaha=splits[JASA_USAHA][1],
        dialihkan=dialihkan,
    )


def non_member_part(shu: Decimal, pendapatan_non_anggota: Decimal, pendapatan: Decimal) -> Decimal:
    """The part of the SHU earned from non-members, in proportion to income.

    ``SHU × non-member income / total income`` of the year, rounded half up to the
    whole rupiah (0 when the SHU or the income is not positive; at most the SHU).
    """
    if shu <= 0 or pendapatan <= 0 or pendapatan_non_anggota <= 0:
        return ZERO
    part = round_rupiah(Fraction(shu) * Fraction(pendapatan_non_anggota) / Fraction(pendapatan), "terdekat")
    return min(part, shu)


