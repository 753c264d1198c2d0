"""A line of a financial statement: the record the statements and their notes share."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


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
