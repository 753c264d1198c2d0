"""The records the statements and their notes share: a statement, its lines, and the scan of the books."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from kopledger.books.katalog import ShuByYear

ZERO = Decimal(0)


@dataclass(frozen=True)
class StatementLine:
    """One line of a statement: a section heading, an account line or a (sub)total."""

    label: str
    kode: str
    akun: str
    jumlah: Decimal
    jumlah_pembanding: Decimal
    level: int = 0
    jenis: str = "baris"  # "baris" | "bagian" | "subtotal" | "total"


@dataclass(frozen=True)
class EquityRow:
    """One row of the statement of changes in equity by component (SAK EP)."""

    label: str
    tahun: int
    jenis: str  # "saldo" (opening/closing balance) | "baris" (a movement)
    per_kolom: tuple[Decimal, ...]  # in the order of :attr:`Statement.kolom`

    @property
    def jumlah(self) -> Decimal:
        return sum(self.per_kolom, ZERO)


@dataclass(frozen=True)
class Statement:
    """A statement: its lines and named totals ``{key: (current, prior)}``.

    The equity statement also has ``kolom`` (its components, keys of
    :data:`kopledger.books.katalog.EQUITY_COMPONENTS`) and ``tabel`` (its rows by component, prior year first).
    """

    jenis: str  # "neraca" | "phu" | "ekuitas" | "arus_kas"
    judul: str
    lines: tuple[StatementLine, ...]
    totals: dict[str, tuple[Decimal, Decimal]] = field(default_factory=dict)
    kolom: tuple[str, ...] = ()
    tabel: tuple[EquityRow, ...] = ()

    def total(self, key: str, *, pembanding: bool = False) -> Decimal:
        """The total ``key`` of the year (or of the prior year)."""
        current, prior = self.totals[key]
        return prior if pembanding else current

    def saldo_akhir_per_kolom(self, *, pembanding: bool = False) -> dict[str, Decimal]:
        """Closing balance of each component (equity statement): adds up to the closing equity."""
        rows = [r for r in self.tabel if r.jenis == "saldo"]
        if not rows:
            return {}
        row = rows[-2] if pembanding else rows[-1]
        return dict(zip(self.kolom, row.per_kolom, strict=True))


@dataclass
class PeriodSums:
    """What one year's transactions add up to."""

    flows: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    pl: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))  # excl. closing
    #: (movement, component) → amount, credit positive
    equity: dict[tuple[str, str], Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    cash: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    cash_opening: Decimal = ZERO  # cash brought in by opening-balance entries (#saldo-awal…)
    residual: Decimal = ZERO


@dataclass
class Scan:
    """The books up to the end of a year, added up in one pass (used by the notes too)."""

    opening: dict[str, Decimal]  # balances at the end of the year before the prior year
    opening_residual: Decimal
    periods: tuple[PeriodSums, PeriodSums]  # prior year, year
    other_commodities: dict[str, set[str]]
    #: Each year's SHU and its allocations, every year up to ``year``.
    shu: ShuByYear
