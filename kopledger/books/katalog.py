"""The account catalogue: everything kopledger knows about each account, in one place.

:class:`Katalog` reads the ``open`` and ``close`` directives once and answers, for any
account (opened or not, e.g. a member's sub-account opened by the plugin), an
:class:`Akun`: its kind (root), ``kode`` and ``nama`` (label), the statement line it
rolls up into, open/close dates, current or non-current, cash or not, cash-flow class,
equity component, member sub-ledger and ``unit`` (unit usaha). Statements, indicators,
SHU, savings, loans, closing and the RAT pack ask here; none classifies accounts itself.

Metadata on ``open`` directives (``jangka``, ``arus-kas``, ``unit`` are inherited by
sub-accounts; names in :mod:`kopledger.core.kosakata`):

- ``kode`` orders the statements' lines; ``nama`` labels them (the standard chart of
  :mod:`kopledger.books.bagan_akun` gives both when missing);
- ``jangka: "pendek" | "panjang"`` — current or non-current (default: assets with kode
  below 1-150 and cash are current; liabilities with kode 2-150 and above are long-term);
- ``arus-kas: "kas"`` marks a cash account; any key of :data:`CASH_FLOW_CATEGORIES`
  classifies the account's cash flows;
- ``unit: "NAME"`` — the unit usaha the account belongs to.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from beancount.core import data

from kopledger.books.bagan_akun import MEMBER_PARENT_KODE, STANDARD_CHART
from kopledger.books.balances import account_balances, is_closing_of, weight
from kopledger.core import kosakata as K
from kopledger.core.errors import InputError
from kopledger.core.roots import MemberKind, Roots

#: Cash-flow categories: key → (section, label). Order is the order of the statement.
CASH_FLOW_CATEGORIES: dict[str, tuple[str, str]] = {
    "anggota": ("operasi", "Penerimaan dari anggota (partisipasi)"),
    "non-anggota": ("operasi", "Penerimaan dari non-anggota (pelanggan)"),
    "pendapatan-lain": ("operasi", "Penerimaan pendapatan lain-lain"),
    "angsuran-pinjaman": ("operasi", "Penerimaan angsuran pokok pinjaman anggota"),
    "penyaluran-pinjaman": ("operasi", "Penyaluran pinjaman kepada anggota"),
    "pemasok": ("operasi", "Pembayaran kepada pemasok"),
    "karyawan": ("operasi", "Pembayaran kepada karyawan dan pengurus"),
    "beban": ("operasi", "Pembayaran beban usaha dan perkoperasian"),
    "pajak": ("operasi", "Pembayaran pajak"),
    "operasi-lain": ("operasi", "Arus kas operasi lainnya"),
    "selisih": ("operasi", "Selisih pembulatan transaksi"),
    "aset-tetap": ("investasi", "Perolehan aset tetap (neto)"),
    "penyertaan": ("investasi", "Penyertaan pada badan usaha lain"),
    "investasi-lain": ("investasi", "Arus kas investasi lainnya"),
    "simpanan-pokok-wajib": ("pendanaan", "Penerimaan simpanan pokok dan wajib"),
    "simpanan-keluar": ("pendanaan", "Pengembalian simpanan anggota keluar"),
    "simpanan-sukarela": ("pendanaan", "Simpanan sukarela dan berjangka (neto)"),
    "shu": ("pendanaan", "Pembayaran SHU dan dana SHU"),
    "modal": ("pendanaan", "Modal penyertaan dan hibah"),
    "utang-bank": ("pendanaan", "Pinjaman bank (neto)"),
    "pendanaan-lain": ("pendanaan", "Arus kas pendanaan lainnya"),
}
#: Account components that make an asset account cash by default (any ledger).
CASH_NAMES = frozenset({"Kas", "Bank", "Cash", "Checking", "Savings"})

#: Equity components (the columns of the Laporan Perubahan Ekuitas), in order: key → label.
EQUITY_COMPONENTS: dict[str, str] = {
    "simpanan-pokok": "Simpanan pokok",
    "simpanan-wajib": "Simpanan wajib",
    "modal-penyertaan": "Modal penyertaan",
    "hibah": "Hibah",
    "cadangan": "Cadangan",
    "shu": "SHU",
    "lain": "Ekuitas lain",
}

#: Default ``kode`` of accounts below these standard parents: (root key, path) → kode.
PARENT_KODE: dict[tuple[str, str], str] = {
    ("aset", "Kas"): "1-101",
    ("aset", "Bank"): "1-102",
    ("aset", "Piutang"): "1-120",
    ("aset", "Persediaan"): "1-130",
    ("aset", "Penyertaan"): "1-150",
    ("aset", "AsetTetap"): "1-160",
    ("liabilitas", "DanaSHU"): "2-120",
    ("liabilitas", "Pajak"): "2-140",
    ("liabilitas", "UtangBank"): "2-150",
    ("ekuitas", "Cadangan"): "3-200",
    ("ekuitas", "SHU"): "3-300",
    ("pendapatan", "Anggota"): "4-100",
    ("pendapatan", "NonAnggota"): "4-200",
    ("pendapatan", "Lain"): "4-300",
    ("beban", "PokokPenjualan"): "5-100",
    ("beban", "Usaha"): "5-200",
    ("beban", "Perkoperasian"): "5-300",
    ("beban", "Pajak"): "5-900",
}

#: The five root kinds, as :attr:`Akun.jenis` names them.
ROOT_KINDS = ("aset", "liabilitas", "ekuitas", "pendapatan", "beban")
#: The kinds of the income statement (laba rugi): income and expenses.
LABA_RUGI = ("pendapatan", "beban")

ZERO = Decimal(0)
_KODE_PART = re.compile(r"\d+|[^\W\d_]+")


def kode_key(kode: str) -> tuple[tuple[int, int, str], ...]:
    """``kode`` as a sort key: its numbers compared as numbers ("1-99" before "1-101"),
    words compared case-insensitively after any number at the same place; separators ignored."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p.casefold()) for p in _KODE_PART.findall(kode))


def kode_below(kode: str, limit: str) -> bool:
    """``kode`` orders before ``limit`` (both as :func:`kode_key`)."""
    return kode_key(kode) < kode_key(limit)


@dataclass(frozen=True)
class Akun:
    """One account as the catalogue knows it."""

    akun: str  # the full account name
    jenis: str  # "aset" | "liabilitas" | "ekuitas" | "pendapatan" | "beban" | ""
    kode: str  # kode of its statement line ("" when none is known)
    nama: str  # label of its statement line
    baris: str  # the account of its statement line (a member account's parent)
    dibuka: dt.date | None  # date of its ``open`` (None: never opened)
    ditutup: dt.date | None  # date of its ``close``
    jangka: str  # "pendek" | "panjang" (assets and liabilities) | ""
    kas: bool  # cash or cash equivalent
    arus_kas: str  # cash-flow class (for non-cash accounts), a key of CASH_FLOW_CATEGORIES or "pinjaman"
    komponen_ekuitas: str  # key of EQUITY_COMPONENTS for equity accounts, else ""
    anggota: str | None  # member id of a member sub-ledger account
    jenis_anggota: MemberKind | None  # the member sub-ledger it belongs to
    unit: str | None  # unit usaha (``unit`` metadata, inherited)
    non_anggota: bool = False  # income earned from non-members (under ``Pendapatan:NonAnggota``)

    @property
    def lancar(self) -> bool:
        """Current (an asset or liability due within a year)."""
        return self.jangka == "pendek"

    @property
    def laba_rugi(self) -> bool:
        """An income or expense account."""
        return self.jenis in LABA_RUGI

    def terbuka(self, date: dt.date) -> bool:
        """Open on ``date``: opened on or before it, not closed on or before it."""
        return self.dibuka is not None and self.dibuka <= date and (self.ditutup is None or self.ditutup > date)


class Katalog:
    """The account catalogue of one ledger (see the module docstring)."""

    def __init__(self, entries: Sequence[data.Directive], roots: Roots) -> None:
        self.roots = roots
        self._meta: dict[str, dict[str, Any]] = {}
        self._opened: dict[str, dt.date] = {}
        self._closed: dict[str, dt.date] = {}
        for entry in entries:
            if isinstance(entry, data.Open):
                self._meta[entry.account] = entry.meta or {}
                self._opened[entry.account] = entry.date
            elif isinstance(entry, data.Close):
                self._closed[entry.account] = entry.date
        self._cache: dict[str, Akun] = {}
        self._standard = {a.name(roots): (a.kode, a.nama) for a in STANDARD_CHART}
        self._parent_kode = {f"{getattr(roots, r)}:{p}": k for (r, p), k in PARENT_KODE.items()}
        self._root_keys = {getattr(roots, key): key for key in ROOT_KINDS}

    # --- questions ------------------------------------------------------------------
    def __getitem__(self, account: str) -> Akun:
        found = self._cache.get(account)
        if found is None:
            found = self._cache[account] = self._build(account)
        return found

    def jenis(self, account: str) -> str:
        """The account's kind (its root: ``aset``, ``liabilitas``, ``ekuitas``, ``pendapatan``,
        ``beban``; "" outside them) — what :attr:`Akun.jenis` holds, without building the rest."""
        return self._root_keys.get(account.split(":", 1)[0], "")

    def anggota(self, account: str) -> str | None:
        """The member a member account belongs to (:attr:`Akun.anggota`), else None."""
        split = self.roots.split_member_account(account)
        return split[1] if split is not None else None

    def dibuka(self) -> tuple[str, ...]:
        """Every account opened in the books, in the order of their ``open``."""
        return tuple(self._opened)

    def terbuka(self, account: str, date: dt.date) -> bool:
        """The account is open on ``date``."""
        opened = self._opened.get(account)
        closed = self._closed.get(account)
        return opened is not None and opened <= date and (closed is None or closed > date)

    def ada(self, account: str) -> bool:
        """The account, or an account below it, is opened in the books."""
        prefix = account + ":"
        return account in self._opened or any(a.startswith(prefix) for a in self._opened)

    def meta(self, account: str) -> dict[str, Any]:
        """The metadata of the account's ``open`` (empty when not opened)."""
        return self._meta.get(account, {})

    # --- building -------------------------------------------------------------------
    def _inherited(self, account: str, key: str) -> tuple[str, Any] | None:
        """``(account, value)`` of the nearest ancestor (or itself) with meta ``key``."""
        name = account
        while name:
            value = self._meta.get(name, {}).get(key)
            if value is not None:
                return name, value
            name = name.rpartition(":")[0]
        return None

    def _kode_of_parent(self, account: str) -> str:
        """The kode of the nearest ancestor with one (``open`` metadata or standard parent)."""
        name = account.rpartition(":")[0]
        while name:
            kode = self._meta.get(name, {}).get(K.META_KODE) or self._standard.get(name, ("", ""))[0] \
                or self._parent_kode.get(name)
            if kode:
                return str(kode)
            name = name.rpartition(":")[0]
        return ""

    def _build(self, account: str) -> Akun:
        roots = self.roots
        root = self.jenis(account)
        split = roots.split_member_account(account)
        kind = split[0] if split is not None else None
        if kind is not None:
            line = roots.member_parent(kind)
            kode, label = MEMBER_PARENT_KODE[kind.value]
            own = self._meta.get(line, {})
            kode = str(own.get(K.META_KODE, kode))
            label = str(own.get(K.META_NAMA, label))
        else:
            line = account
            own = self._meta.get(account, {})
            std_kode, std_label = self._standard.get(account, ("", ""))
            kode = str(own.get(K.META_KODE, "")) or std_kode or self._kode_of_parent(account)
            label = str(own.get(K.META_NAMA, "")) or std_label or _default_label(account)
        jangka_meta = self._inherited(line, K.META_JANGKA)
        if jangka_meta is not None:
            jangka = str(jangka_meta[1])
            if jangka not in ("pendek", "panjang"):
                raise _meta_error(self._meta[jangka_meta[0]], jangka_meta[0], K.META_JANGKA, jangka,
                                  ("pendek", "panjang"))
        elif root == "aset":
            jangka = "pendek" if (kode and kode_below(kode, "1-150")) else ("panjang" if kode else "")
        elif root == "liabilitas":
            jangka = "panjang" if (kode and not kode_below(kode, "2-150")) else "pendek"
        else:
            jangka = ""
        flow_meta = self._inherited(account, K.META_ARUS_KAS)
        is_cash = False
        flow = ""
        if flow_meta is not None:
            value = str(flow_meta[1])
            if value == "kas":
                is_cash = root == "aset"
            elif value in CASH_FLOW_CATEGORIES:
                flow = value
            else:
                raise _meta_error(
                    self._meta[flow_meta[0]], flow_meta[0], K.META_ARUS_KAS, value, ("kas", *CASH_FLOW_CATEGORIES)
                )
        elif root == "aset" and split is None:
            is_cash = roots.is_under(account, roots.kas) or roots.is_under(account, roots.bank) or any(
                part in CASH_NAMES for part in account.split(":")[1:]
            )
        if not jangka and root == "aset":
            jangka = "pendek" if is_cash else "panjang"
        if is_cash and jangka_meta is None:
            jangka = "pendek"
        if not is_cash and not flow:
            flow = self._default_flow(account, root, kind, jangka)
        unit_meta = self._inherited(account, K.META_UNIT)
        return Akun(
            akun=account, jenis=root, kode=kode, nama=label, baris=line,
            dibuka=self._opened.get(account), ditutup=self._closed.get(account),
            jangka=jangka, kas=is_cash, arus_kas=flow,
            komponen_ekuitas=self._equity_component(account, kind) if root == "ekuitas" else "",
            anggota=split[1] if split is not None else None, jenis_anggota=kind,
            unit=str(unit_meta[1]) if unit_meta is not None else None,
            non_anggota=root == "pendapatan" and roots.is_under(account, roots.pendapatan_non_anggota),
        )

    def _default_flow(self, account: str, root: str, kind: MemberKind | None, jangka: str) -> str:
        roots = self.roots
        under = roots.is_under
        if kind is not None:
            return {
                MemberKind.POKOK: "simpanan-pokok-wajib",
                MemberKind.WAJIB: "simpanan-pokok-wajib",
                MemberKind.SUKARELA: "simpanan-sukarela",
                MemberKind.BERJANGKA: "simpanan-sukarela",
                MemberKind.PINJAMAN: "pinjaman",
                MemberKind.UTANG_SHU: "shu",
                MemberKind.KELUAR: "simpanan-keluar",
            }[kind]
        if root == "pendapatan":
            if under(account, roots.pendapatan_anggota):
                return "anggota"
            if under(account, roots.pendapatan_non_anggota):
                return "non-anggota"
            return "pendapatan-lain"
        if root == "beban":
            if under(account, f"{roots.beban}:PokokPenjualan"):
                return "pemasok"
            if under(account, f"{roots.beban}:Pajak"):
                return "pajak"
            if under(account, f"{roots.beban}:Usaha:Gaji") or under(account, f"{roots.beban}:Perkoperasian:HonorPengurus"):
                return "karyawan"
            return "beban"
        if root == "aset":
            if under(account, roots.persediaan):
                return "pemasok"
            if under(account, f"{roots.aset}:Piutang:Usaha"):
                return "non-anggota"
            if under(account, f"{roots.aset}:AsetTetap"):
                return "aset-tetap"
            if under(account, f"{roots.aset}:Penyertaan"):
                return "penyertaan"
            return "operasi-lain" if jangka == "pendek" else "investasi-lain"
        if root == "liabilitas":
            if under(account, f"{roots.liabilitas}:Pajak"):
                return "pajak"
            if under(account, roots.dana_shu) or under(account, roots.member_parent(MemberKind.UTANG_SHU)):
                return "shu"
            if under(account, f"{roots.liabilitas}:UtangBank"):
                return "utang-bank"
            return "operasi-lain" if jangka == "pendek" else "pendanaan-lain"
        if root == "ekuitas":
            if under(account, f"{roots.ekuitas}:SHU"):
                return "shu"
            if under(account, f"{roots.ekuitas}:ModalPenyertaan") or under(account, f"{roots.ekuitas}:Hibah"):
                return "modal"
            return "pendanaan-lain"
        return "operasi-lain"

    def _equity_component(self, account: str, kind: MemberKind | None) -> str:
        roots = self.roots
        if kind is MemberKind.POKOK:
            return "simpanan-pokok"
        if kind is MemberKind.WAJIB:
            return "simpanan-wajib"
        if roots.is_under(account, roots.cadangan):
            return "cadangan"
        if roots.is_under(account, f"{roots.ekuitas}:SHU"):
            return "shu"
        if roots.is_under(account, f"{roots.ekuitas}:ModalPenyertaan"):
            return "modal-penyertaan"
        if roots.is_under(account, f"{roots.ekuitas}:Hibah"):
            return "hibah"
        return "lain"


# --- the year's SHU -------------------------------------------------------------------
def shu_of_weights(weights: Iterable[tuple[Akun, Decimal]]) -> Decimal:
    """The SHU of posting weights (beancount signs): income − expenses, i.e. minus the sum
    over income and expense accounts. The one definition of the figure; :class:`ShuByYear`
    (the statements' one-pass scan, the year file) and :func:`surplus` both use it."""
    return -sum((w for akun, w in weights if akun.laba_rugi), ZERO)


@dataclass(frozen=True)
class Surplus:
    """Income (credit positive) and the SHU of a period; expenses are what lies between."""

    pendapatan: Decimal
    shu: Decimal
    pendapatan_non_anggota: Decimal = ZERO

    @property
    def beban(self) -> Decimal:
        """Expenses of the period."""
        return self.pendapatan - self.shu


def surplus(katalog: Katalog, balances: Mapping[str, Decimal]) -> Surplus:
    """Income, non-member income and SHU of ``balances`` (beancount signs), classified by ``katalog``."""
    # only income and expense accounts count: their records are built, the rest skipped
    weights = [(katalog[account], amount) for account, amount in balances.items()
               if katalog.jenis(account) in LABA_RUGI]
    pendapatan = -sum((w for akun, w in weights if akun.jenis == "pendapatan"), ZERO)
    non_anggota = -sum((w for akun, w in weights if akun.non_anggota), ZERO)
    return Surplus(pendapatan, shu_of_weights(weights), non_anggota)


def year_surplus(
    entries: Sequence[data.Directive], katalog: Katalog, currency: str, year: int, *, until: dt.date | None = None,
) -> Surplus:
    """The SHU of tahun buku ``year``: its income − expenses, without its closing entries
    (``#tutup-buku-YEAR``), dated through ``until`` (default: the year end).

    The one definition; statements, the SHU and the closing all ask here.
    """
    end = dt.date(year, 12, 31) if until is None else min(until, dt.date(year, 12, 31))
    balances = account_balances(entries, currency=currency, start=dt.date(year, 1, 1), end=end,
                                exclude=is_closing_of(year))
    return surplus(katalog, balances)


class EntryKind(NamedTuple):
    """What a transaction is, for the year's SHU: its year's own closing (``#tutup-buku-YEAR``),
    an SHU allocation (``#shu-alokasi``), an opening balance (``#saldo-awal…``)."""

    closing: bool
    allocation: bool
    opening: bool


_PLAIN = EntryKind(False, False, False)


@dataclass
class ShuByYear:
    """Each year's SHU and its allocations, added up transaction by transaction in the books'
    order: what of each year's SHU is not yet allocated at a date ("SHU belum dibagi" by year).

    A year's SHU is its income − expenses without its own closing entries (:func:`shu_of_weights`),
    plus what a year file carries for it (:data:`~kopledger.core.kosakata.META_SHU_TAHUN` on its
    opening); an allocation is a ``#shu-alokasi`` entry linked ``^shu-YEAR``, for what it takes
    from the SHU accounts. The statements' one-pass scan and the year file written at closing
    both count here (:func:`shu_unallocated`)."""

    shu: dict[int, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    #: (date, year allocated, amount taken from the SHU accounts)
    alokasi: list[tuple[dt.date, int, Decimal]] = field(default_factory=list)

    #: (year, tags) → what a transaction with these tags is (a few distinct tag sets: decided once each)
    _kinds: dict[tuple[int, frozenset[str]], EntryKind] = field(
        default_factory=dict, init=False, repr=False, compare=False)

    def add(self, entry: data.Transaction, weights: Sequence[tuple[Akun, Decimal]]) -> EntryKind:
        """Count one transaction (``weights``: its postings' weights with their accounts'
        entries); returns what it is, for a caller that adds up more in the same pass."""
        year = entry.date.year
        tags = entry.tags
        kind = _PLAIN
        if tags:
            found = self._kinds.get((year, tags))
            if found is None:
                found = self._kinds[(year, tags)] = EntryKind(
                    K.tag_tutup_buku(year) in tags, K.TAG_SHU_ALOKASI in tags,
                    any(tag.startswith(K.TAG_SALDO_AWAL) for tag in tags))
            kind = found
        if not kind.closing:
            shu = shu_of_weights(weights)
            if shu:
                self.shu[year] += shu
        if kind.allocation:
            years = [y for y in (K.year_of_shu_link(link) for link in entry.links or ()) if y is not None]
            taken = sum((w for akun, w in weights if akun.komponen_ekuitas == "shu"), ZERO)
            if years and taken:
                self.alokasi.append((entry.date, years[0], taken))
        if kind.opening and K.META_SHU_TAHUN in entry.meta:
            for y, left in parse_shu_left(entry.meta[K.META_SHU_TAHUN]).items():
                self.shu[y] += left
        return kind

    def allocated(self, year: int, until: dt.date) -> Decimal:
        """What of ``year``'s SHU was allocated by ``until``."""
        return sum((amount for date, y, amount in self.alokasi if y == year and date <= until), ZERO)

    def left(self, year: int, until: dt.date) -> Decimal:
        """What of ``year``'s SHU was not yet allocated at ``until``."""
        return self.shu.get(year, ZERO) - self.allocated(year, until)

    def unallocated(self, until: dt.date, *, before: int | None = None) -> dict[int, Decimal]:
        """Each year's SHU not yet allocated at ``until``, in year order, zeros left out: every
        year through ``until``'s, or only those before ``before``."""
        last = until.year if before is None else before - 1
        return {y: left for y in sorted(self.shu) if y <= last and (left := self.left(y, until))}


def shu_unallocated(
    transactions: Iterable[data.Transaction], katalog: Katalog, currency: str, until: dt.date,
) -> dict[int, Decimal]:
    """Each year's SHU (``until``'s year included) not yet allocated at ``until``, from the books'
    transactions in date order (:class:`ShuByYear`)."""
    years = ShuByYear()
    for entry in transactions:
        if entry.date > until:
            break
        years.add(entry, [(katalog[p.account], w) for p in entry.postings if (w := weight(p, currency)) is not None])
    return years.unallocated(until)


def parse_shu_left(text: Any) -> dict[int, Decimal]:
    """The :data:`~kopledger.core.kosakata.META_SHU_TAHUN` metadata of a year file's opening, read back."""
    result: dict[int, Decimal] = {}
    for token in str(text).split():
        y, _, v = token.partition("=")
        result[int(y)] = Decimal(v)
    return result


def _default_label(account: str) -> str:
    """A readable label for an account without ``nama``: the path below the root."""
    return account.partition(":")[2] or account


def _meta_error(meta: dict[str, Any], account: str, key: str, value: str, allowed: Iterable[str]) -> InputError:
    where = f"{meta.get('filename')}:{meta.get('lineno')}: " if meta.get("filename") else ""
    return InputError.pesan(
        "{lokasi}{akun}: metadata {kunci}: {nilai!r} tidak dikenal",
        hint="Pakai salah satu dari: {pilihan}.",
        lokasi=where, akun=account, kunci=key, nilai=value, pilihan=', '.join(allowed),
    )
