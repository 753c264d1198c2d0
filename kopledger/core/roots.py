"""Account names of the koperasi chart, built from the ledger's root names.

Nothing else in kopledger spells a root name: every account is made here from the
options map, so a ledger with English roots (``Assets``, ``Equity`` …) works too.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

MEMBER_ID_RE = re.compile(r"^[A-Z0-9][A-Za-z0-9-]*$")


class MemberKind(StrEnum):
    """The kinds of per-member (subsidiary ledger) accounts."""

    POKOK = "pokok"
    WAJIB = "wajib"
    SUKARELA = "sukarela"
    BERJANGKA = "berjangka"
    PINJAMAN = "pinjaman"
    UTANG_SHU = "utang-shu"
    KELUAR = "keluar"


# (root option key, path below the root) of each member kind's parent account.
_MEMBER_PARENTS: dict[MemberKind, tuple[str, str]] = {
    MemberKind.POKOK: ("name_equity", "SimpananPokok"),
    MemberKind.WAJIB: ("name_equity", "SimpananWajib"),
    MemberKind.SUKARELA: ("name_liabilities", "SimpananSukarela"),
    MemberKind.BERJANGKA: ("name_liabilities", "SimpananBerjangka"),
    MemberKind.PINJAMAN: ("name_assets", "Piutang:PinjamanAnggota"),
    MemberKind.UTANG_SHU: ("name_liabilities", "UtangSHU"),
    MemberKind.KELUAR: ("name_liabilities", "SimpananAnggotaKeluar"),
}

#: Kinds that are member capital (modal) and may not be withdrawn while active.
CAPITAL_KINDS = (MemberKind.POKOK, MemberKind.WAJIB)
#: Kinds that are payables to a member who has left; they may still grow after exit.
LEAVER_PAYABLE_KINDS = (MemberKind.KELUAR, MemberKind.UTANG_SHU)


@dataclass(frozen=True)
class Roots:
    """The five root account names of a ledger."""

    aset: str = "Aset"
    liabilitas: str = "Liabilitas"
    ekuitas: str = "Ekuitas"
    pendapatan: str = "Pendapatan"
    beban: str = "Beban"

    @classmethod
    def from_options(cls, options_map: dict[str, Any]) -> Roots:
        """Read the root names from a beancount options map."""
        return cls(
            aset=options_map.get("name_assets", "Aset"),
            liabilitas=options_map.get("name_liabilities", "Liabilitas"),
            ekuitas=options_map.get("name_equity", "Ekuitas"),
            pendapatan=options_map.get("name_income", "Pendapatan"),
            beban=options_map.get("name_expenses", "Beban"),
        )

    def _root(self, option_key: str) -> str:
        return {
            "name_assets": self.aset,
            "name_liabilities": self.liabilitas,
            "name_equity": self.ekuitas,
            "name_income": self.pendapatan,
            "name_expenses": self.beban,
        }[option_key]

    # --- member (subsidiary) accounts -------------------------------------------
    def member_parent(self, kind: MemberKind) -> str:
        """Parent account of a member kind, e.g. ``Ekuitas:SimpananPokok``."""
        key, path = _MEMBER_PARENTS[kind]
        return f"{self._root(key)}:{path}"

    def member_account(self, kind: MemberKind, member_id: str) -> str:
        """A member's own account of a kind, e.g. ``Ekuitas:SimpananPokok:A0001``."""
        return f"{self.member_parent(kind)}:{member_id}"

    def member_parents(self) -> dict[str, MemberKind]:
        """Map of parent account name to member kind (a fresh dict)."""
        return dict(self._parent_kinds)

    @functools.cached_property
    def _parent_kinds(self) -> dict[str, MemberKind]:
        return {self.member_parent(kind): kind for kind in MemberKind}

    def split_member_account(self, account: str) -> tuple[MemberKind, str] | None:
        """``(kind, member id)`` for a member account, or None for any other account."""
        parent, _, leaf = account.rpartition(":")
        kind = self._parent_kinds.get(parent)
        if kind is None or not leaf:
            return None
        return kind, leaf

    # --- the rest of the standard chart ------------------------------------------
    @property
    def kas(self) -> str:
        return f"{self.aset}:Kas"

    @property
    def bank(self) -> str:
        return f"{self.aset}:Bank"

    @property
    def ppap(self) -> str:
        return f"{self.aset}:Piutang:PenyisihanPinjaman"

    @property
    def persediaan(self) -> str:
        return f"{self.aset}:Persediaan"

    @property
    def cadangan_umum(self) -> str:
        return f"{self.ekuitas}:Cadangan:Umum"

    @property
    def cadangan(self) -> str:
        return f"{self.ekuitas}:Cadangan"

    @property
    def shu_tahun_berjalan(self) -> str:
        return f"{self.ekuitas}:SHU:TahunBerjalan"

    @property
    def shu_belum_dibagi(self) -> str:
        return f"{self.ekuitas}:SHU:BelumDibagi"

    @property
    def dana_shu(self) -> str:
        return f"{self.liabilitas}:DanaSHU"

    @property
    def pendapatan_anggota(self) -> str:
        return f"{self.pendapatan}:Anggota"

    @property
    def pendapatan_non_anggota(self) -> str:
        return f"{self.pendapatan}:NonAnggota"

    @property
    def jasa_pinjaman(self) -> str:
        """Interest income on member loans (patronage, jasa usaha)."""
        return f"{self.pendapatan}:Anggota:JasaPinjaman"

    def is_under(self, account: str, parent: str) -> bool:
        """True when ``account`` is ``parent`` or below it."""
        return account == parent or account.startswith(parent + ":")


def is_valid_member_id(member_id: str) -> bool:
    """True when the id can be a beancount account component (``A0001``)."""
    return bool(MEMBER_ID_RE.match(member_id))
