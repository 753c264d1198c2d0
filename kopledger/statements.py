"""The five financial statements of Permenkop UKM 2/2024, as data (no formatting).

:func:`build_statements` reads a koperasi's books once, up to the end of the tahun
buku, and returns :class:`FinancialStatements`: the Laporan Posisi Keuangan (neraca),
the Laporan Perhitungan Hasil Usaha (PHU), the Laporan Perubahan Ekuitas, the Laporan
Arus Kas (direct method) and the Catatan atas Laporan Keuangan, each with the prior
year beside it.

Conventions
-----------
- Amounts are in the ledger's operating currency. A posting in another commodity
  counts at its *weight* in the operating currency (units × cost, or units × price),
  exactly as beancount balances transactions; holdings of other commodities without a
  cost or price in the operating currency are left out and named in the warnings.
- What beancount's tolerance leaves unbalanced in a transaction (a few sen) is shown
  as its own equity line, "Selisih pembulatan transaksi", never hidden.
- Amounts are shown in their natural sign: assets and expenses as debits, liabilities,
  equity and income as credits; contra accounts (penyisihan, akumulasi penyusutan)
  therefore show negative.
- Lines are one per account, ordered by the ``kode`` metadata of the ``open``
  directive; a member's sub-accounts (``Ekuitas:SimpananPokok:A0001``) roll up into
  their parent line (kode from :data:`kopledger.bagan_akun.MEMBER_PARENT_KODE`).
- The neraca is at 31 December including every entry up to that date. Income and
  expenses not yet closed into equity appear as computed equity lines: the year's as
  "SHU tahun berjalan", earlier years' as "SHU belum dibagi"; once a year is closed
  (``#tutup-buku-YEAR``) the booked balance holds it, so nothing is counted twice.
- The PHU excludes the year's closing entries (:func:`kopledger.balances.is_closing_of`).
- Classification metadata on ``open`` directives (inherited by sub-accounts):
  ``kode``, ``nama`` (label), ``jangka: "pendek"|"panjang"`` (current or not), and
  ``arus-kas`` (``"kas"`` marks a cash account, or one of :data:`CASH_FLOW_CATEGORIES`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from decimal import Decimal
from typing import Any

from beancount.core import data

from kopledger.accounts import MemberKind, Roots
from kopledger.bagan_akun import MEMBER_PARENT_KODE, STANDARD_CHART
from kopledger.balances import closing_tag
from kopledger.errors import InputError, KopError, KopledgerError, LedgerHasErrors

ZERO = Decimal(0)

#: The statements, in the order of the report; ``semua`` asks for all of them.
JENIS = ("neraca", "phu", "ekuitas", "arus-kas", "calk")

# ----------------------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------------------


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
class Statement:
    """A statement: its lines and named totals ``{key: (current, prior)}``."""

    jenis: str  # "neraca" | "phu" | "ekuitas" | "arus_kas"
    judul: str
    lines: tuple[StatementLine, ...]
    totals: dict[str, tuple[Decimal, Decimal]] = field(default_factory=dict)

    def total(self, key: str, *, pembanding: bool = False) -> Decimal:
        """The total ``key`` of the year (or of the prior year)."""
        current, prior = self.totals[key]
        return prior if pembanding else current


@dataclass(frozen=True)
class PolicyNote:
    """A ``kebijakan`` in force at year end, for the notes."""

    key: str
    nilai: Any  # Decimal (an amount's number or a number) or str (a choice)
    satuan: str  # the amount's currency, or "" for numbers and choices
    sejak: dt.date


@dataclass(frozen=True)
class AccountDetail:
    """The accounts behind one statement line (for the notes)."""

    statement: str
    label: str
    kode: str
    akun: str  # the line's account, or ``Parent:*`` for a member line
    jumlah_akun: int  # how many accounts the line sums
    jumlah: Decimal
    jumlah_pembanding: Decimal


@dataclass(frozen=True)
class Warning:
    """Something the reader must know: ``kode`` names the sentence, ``detail`` fills it."""

    kode: str  # "komoditas-lain" | "selisih-pembulatan" | "tanpa-kode"
    detail: str


@dataclass(frozen=True)
class Notes:
    """Catatan atas Laporan Keuangan: the notes that follow from the books."""

    tahun: int
    pembanding: int
    mata_uang: str
    kebijakan: tuple[PolicyNote, ...]
    rincian: tuple[AccountDetail, ...]
    simpanan: tuple[StatementLine, ...]  # pokok, wajib, sukarela, berjangka, total
    anggota_aktif: tuple[int, int]  # at year end, prior year end
    aset_tetap: tuple[StatementLine, ...]  # cost, accumulated depreciation, book value, expense
    pinjaman: Any | None  # kopledger.loans.Portfolio at year end, when loans exist
    peringatan: tuple[Warning, ...]


@dataclass(frozen=True)
class FinancialStatements:
    """The five statements of one tahun buku with the prior year (``pembanding``)."""

    tahun: int
    pembanding: int
    neraca: Statement
    phu: Statement
    ekuitas: Statement
    arus_kas: Statement
    calk: Notes
    mata_uang: str = "IDR"

    @property
    def tanggal(self) -> dt.date:
        return dt.date(self.tahun, 12, 31)

    @property
    def tanggal_pembanding(self) -> dt.date:
        return dt.date(self.pembanding, 12, 31)

    def statement(self, jenis: str) -> Statement:
        """A statement by its ``jenis`` (``arus-kas`` or ``arus_kas``)."""
        return getattr(self, jenis.replace("-", "_"))  # type: ignore[no-any-return]


# ----------------------------------------------------------------------------------
# Classification
# ----------------------------------------------------------------------------------

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
CASH_FLOW_SECTIONS = {
    "operasi": ("Arus kas dari aktivitas operasi", "Arus kas bersih dari aktivitas operasi"),
    "investasi": ("Arus kas dari aktivitas investasi", "Arus kas bersih dari aktivitas investasi"),
    "pendanaan": ("Arus kas dari aktivitas pendanaan", "Arus kas bersih dari aktivitas pendanaan"),
}
#: Account components that make an asset account cash by default (any ledger).
CASH_NAMES = frozenset({"Kas", "Bank", "Cash", "Checking", "Savings"})

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

#: Equity movements: key → label, in the order of the statement.
EQUITY_MOVEMENTS: dict[str, str] = {
    "saldo-awal-dibukukan": "Saldo awal yang dibukukan",
    "pokok-setor": "Setoran simpanan pokok",
    "pokok-kembali": "Pengembalian simpanan pokok",
    "wajib-setor": "Setoran simpanan wajib",
    "wajib-kembali": "Pengembalian simpanan wajib",
    "penyertaan": "Modal penyertaan",
    "hibah": "Hibah",
    "shu": "SHU tahun berjalan",
    "cadangan-shu": "Penyisihan cadangan dari SHU",
    "shu-dibagi": "Pembagian SHU",
    "cadangan-lain": "Perubahan cadangan lainnya",
    "lain": "Perubahan ekuitas lainnya",
    "selisih": "Selisih pembulatan transaksi",
}


@dataclass(frozen=True)
class _AccountInfo:
    """What the statements need to know about one account (cached per account)."""

    line: str  # the account of the statement line (a member account's parent)
    kode: str
    label: str
    root: str  # "aset" | "liabilitas" | "ekuitas" | "pendapatan" | "beban" | ""
    is_cash: bool
    flow: str  # cash-flow category (for non-cash accounts)
    equity: str  # equity movement kind for equity accounts: "pokok", "wajib", "cadangan", …
    jangka: str  # "pendek" | "panjang"
    member: bool


class _Chart:
    """Account metadata from the ``open`` directives, with defaults for the standard chart."""

    def __init__(self, entries: Sequence[data.Directive], roots: Roots) -> None:
        self.roots = roots
        self.meta: dict[str, dict[str, Any]] = {}
        self.open_meta_source: dict[str, dict[str, Any]] = {}
        for entry in entries:
            if isinstance(entry, data.Open):
                self.meta[entry.account] = entry.meta or {}
        self._cache: dict[str, _AccountInfo] = {}
        self.standard = {a.name(roots): (a.kode, a.nama) for a in STANDARD_CHART}
        self.parent_kode = {f"{getattr(roots, r)}:{p}": k for (r, p), k in PARENT_KODE.items()}
        self._root_keys = {
            roots.aset: "aset", roots.liabilitas: "liabilitas", roots.ekuitas: "ekuitas",
            roots.pendapatan: "pendapatan", roots.beban: "beban",
        }

    def _inherited(self, account: str, key: str) -> tuple[str, Any] | None:
        """``(account, value)`` of the nearest ancestor (or itself) with meta ``key``."""
        name = account
        while name:
            value = self.meta.get(name, {}).get(key)
            if value is not None:
                return name, value
            name = name.rpartition(":")[0]
        return None

    def _parent_kode(self, account: str) -> str:
        """The kode of the nearest ancestor with one (``open`` metadata or standard parent)."""
        name = account.rpartition(":")[0]
        while name:
            kode = self.meta.get(name, {}).get("kode") or self.standard.get(name, ("", ""))[0] \
                or self.parent_kode.get(name)
            if kode:
                return str(kode)
            name = name.rpartition(":")[0]
        return ""

    def info(self, account: str) -> _AccountInfo:
        cached = self._cache.get(account)
        if cached is None:
            cached = self._cache[account] = self._build(account)
        return cached

    def _build(self, account: str) -> _AccountInfo:
        roots = self.roots
        root = self._root_keys.get(account.split(":", 1)[0], "")
        split = roots.split_member_account(account)
        if split is not None:
            kind = split[0]
            line = roots.member_parent(kind)
            kode, label = MEMBER_PARENT_KODE[kind.value]
            own = self.meta.get(line, {})
            kode = str(own.get("kode", kode))
            label = str(own.get("nama", label))
        else:
            line = account
            own = self.meta.get(account, {})
            std_kode, std_label = self.standard.get(account, ("", ""))
            kode = str(own.get("kode", "")) or std_kode or self._parent_kode(account)
            label = str(own.get("nama", "")) or std_label or _default_label(account)
        kode_str = kode
        jangka_meta = self._inherited(line, "jangka")
        if jangka_meta is not None:
            jangka = str(jangka_meta[1])
            if jangka not in ("pendek", "panjang"):
                raise _meta_error(self.meta[jangka_meta[0]], jangka_meta[0], "jangka", jangka, ("pendek", "panjang"))
        elif root == "aset":
            jangka = "pendek" if (kode_str and kode_str < "1-150") else ("panjang" if kode_str else "")
        elif root == "liabilitas":
            jangka = "panjang" if (kode_str and kode_str >= "2-150") else "pendek"
        else:
            jangka = ""
        flow_meta = self._inherited(account, "arus-kas")
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
                    self.meta[flow_meta[0]], flow_meta[0], "arus-kas", value, ("kas", *CASH_FLOW_CATEGORIES)
                )
        elif root == "aset" and split is None:
            is_cash = roots.is_under(account, roots.kas) or roots.is_under(account, roots.bank) or any(
                part in CASH_NAMES for part in account.split(":")[1:]
            )
        if not jangka and root == "aset":
            jangka = "pendek" if is_cash else "panjang"
        if not is_cash and not flow:
            flow = self._default_flow(account, root, split[0] if split else None, jangka)
        equity = self._equity_kind(account, split[0] if split else None) if root == "ekuitas" else ""
        return _AccountInfo(line, kode, label, root, is_cash, flow, equity, jangka, split is not None)

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

    def _equity_kind(self, account: str, kind: MemberKind | None) -> str:
        roots = self.roots
        if kind is MemberKind.POKOK:
            return "pokok"
        if kind is MemberKind.WAJIB:
            return "wajib"
        if roots.is_under(account, roots.cadangan):
            return "cadangan"
        if roots.is_under(account, f"{roots.ekuitas}:SHU"):
            return "shu"
        if roots.is_under(account, f"{roots.ekuitas}:ModalPenyertaan"):
            return "penyertaan"
        if roots.is_under(account, f"{roots.ekuitas}:Hibah"):
            return "hibah"
        return "lain"

    def kode_of(self, account: str, default: str) -> str:
        return str(self.meta.get(account, {}).get("kode", default))


def _default_label(account: str) -> str:
    """A readable label for an account without ``nama``: the path below the root."""
    return account.partition(":")[2] or account


def _meta_error(meta: dict[str, Any], account: str, key: str, value: str, allowed: Iterable[str]) -> InputError:
    where = f"{meta.get('filename')}:{meta.get('lineno')}: " if meta.get("filename") else ""
    return InputError(
        f"{where}{account}: metadata {key}: {value!r} tidak dikenal",
        hint=f"Pakai salah satu dari: {', '.join(allowed)}.",
    )


# ----------------------------------------------------------------------------------
# One pass over the postings
# ----------------------------------------------------------------------------------


@dataclass
class _Period:
    """What one year's transactions add up to."""

    flows: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    pl: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))  # excl. closing
    equity: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    cash: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    cash_opening: Decimal = ZERO  # cash brought in by opening-balance entries (#saldo-awal…)
    residual: Decimal = ZERO


@dataclass
class _Scan:
    opening: dict[str, Decimal]  # balances at the end of the year before the prior year
    opening_residual: Decimal
    periods: tuple[_Period, _Period]  # prior year, year
    other_commodities: dict[str, set[str]]


def _weight(posting: data.Posting, currency: str) -> Decimal | None:
    """The posting's weight in ``currency`` (units, units × cost, or units × price)."""
    units = posting.units
    if units is None or units.number is None:
        return None
    cost = posting.cost
    cost_number = getattr(cost, "number", None)
    if cost is not None and isinstance(cost_number, Decimal):
        return units.number * cost_number if cost.currency == currency else None
    if units.currency == currency:
        return units.number
    price = posting.price
    if price is not None and price.number is not None and price.currency == currency:
        return units.number * price.number
    return None


def _scan(entries: Sequence[data.Directive], chart: _Chart, currency: str, year: int) -> _Scan:
    """Balances and flows for the year and the prior year in one pass over the postings."""
    start_prior = dt.date(year - 1, 1, 1)
    start_year = dt.date(year, 1, 1)
    end = dt.date(year, 12, 31)
    opening: dict[str, Decimal] = defaultdict(Decimal)
    opening_residual = ZERO
    periods = (_Period(), _Period())
    others: dict[str, set[str]] = defaultdict(set)
    tags_closing = (closing_tag(year - 1), closing_tag(year))
    cache = chart._cache

    def info(account: str) -> _AccountInfo:
        return cache.get(account) or chart.info(account)

    opening_tags: dict[frozenset[str], bool] = {}  # a few distinct tag sets: decide each once

    def is_opening_tags(tags: frozenset[str]) -> bool:
        found = opening_tags.get(tags)
        if found is None:
            found = opening_tags[tags] = any(tag.startswith("saldo-awal") for tag in tags)
        return found

    for entry in entries:
        if not isinstance(entry, data.Transaction):
            continue
        date = entry.date
        if date > end:
            break
        weights: list[tuple[str, Decimal]] = []
        residual = ZERO
        for posting in entry.postings:
            if posting.cost is None and posting.price is None and posting.units is not None \
                    and posting.units.currency == currency:
                w = posting.units.number
            else:
                w = _weight(posting, currency)
            if w is None:
                if posting.units is not None:
                    others[posting.units.currency].add(posting.account)
                continue
            weights.append((posting.account, w))
            residual += w
        if date < start_prior:
            for account, w in weights:
                opening[account] += w
            opening_residual += residual
            continue
        k = 0 if date < start_year else 1
        period = periods[k]
        tags = entry.tags or frozenset()
        closing = bool(tags) and tags_closing[k] in tags
        allocation = bool(tags) and "shu-alokasi" in tags
        opening_entry = bool(tags) and is_opening_tags(tags)
        has_cash = False
        closed = ZERO  # a closing entry only moves income and expenses into equity: nets to zero
        for account, w in weights:
            period.flows[account] += w
            acc = cache.get(account) or chart.info(account)
            if closing and acc.root in ("pendapatan", "beban", "ekuitas"):
                closed += w
            elif acc.root in ("pendapatan", "beban"):
                period.pl[account] += w
                period.equity["shu"] -= w
            elif acc.root == "ekuitas":
                kind = "saldo-awal-dibukukan" if opening_entry else _equity_movement(acc.equity, w, allocation)
                period.equity[kind] -= w
            if acc.is_cash:
                has_cash = True
        if closed:
            period.equity["lain"] -= closed
        period.residual += residual
        if residual:
            period.equity["selisih"] += residual
        if has_cash and opening_entry:
            period.cash_opening += sum((w for account, w in weights if info(account).is_cash), ZERO)
        elif has_cash:
            for account, w in weights:
                acc = info(account)
                if acc.is_cash:
                    continue
                flow = acc.flow
                if flow == "pinjaman":
                    flow = "penyaluran-pinjaman" if w > 0 else "angsuran-pinjaman"
                period.cash[flow] -= w
            if residual:
                period.cash["selisih"] += residual
    return _Scan(dict(opening), opening_residual, periods, {c: a for c, a in others.items()})


def _equity_movement(kind: str, w: Decimal, allocation: bool) -> str:
    if kind in ("pokok", "wajib"):
        return f"{kind}-setor" if w < 0 else f"{kind}-kembali"
    if allocation:
        if kind == "cadangan":
            return "cadangan-shu"
        if kind == "shu":
            return "shu-dibagi"
    if kind == "cadangan":
        return "cadangan-lain"
    if kind in ("penyertaan", "hibah"):
        return kind
    return "lain"


# ----------------------------------------------------------------------------------
# Building the statements
# ----------------------------------------------------------------------------------


def _add(*dicts: dict[str, Decimal]) -> dict[str, Decimal]:
    total: dict[str, Decimal] = defaultdict(Decimal)
    for d in dicts:
        for k, v in d.items():
            total[k] += v
    return dict(total)


@dataclass(frozen=True)
class _Row:
    line: str
    kode: str
    label: str
    cur: Decimal
    prior: Decimal
    accounts: int


def _rows(
    chart: _Chart, cur: dict[str, Decimal], prior: dict[str, Decimal], roots_keys: tuple[str, ...],
    sign: int,
) -> list[_Row]:
    """Account lines of ``roots_keys`` (member accounts rolled up), ordered by kode."""
    acc_cur: dict[str, Decimal] = defaultdict(Decimal)
    acc_prior: dict[str, Decimal] = defaultdict(Decimal)
    members: dict[str, set[str]] = defaultdict(set)
    meta: dict[str, _AccountInfo] = {}
    for balances, target in ((cur, acc_cur), (prior, acc_prior)):
        for account, amount in balances.items():
            info = chart.info(account)
            if info.root not in roots_keys:
                continue
            target[info.line] += amount
            members[info.line].add(account)
            meta.setdefault(info.line, info)
    rows = []
    for line, info in meta.items():
        c, p = acc_cur.get(line, ZERO), acc_prior.get(line, ZERO)
        if sign < 0:
            c, p = ZERO - c, ZERO - p
        if c == 0 and p == 0:
            continue
        rows.append(_Row(line, info.kode, info.label, c, p, len(members[line])))
    rows.sort(key=_row_order)
    return rows


def _row_order(row: _Row) -> tuple[int, str, str]:
    return (0 if row.kode else 1, row.kode, row.line)


def _section(
    lines: list[StatementLine], heading: str, rows: list[_Row], subtotal: str | None, level: int = 1
) -> tuple[Decimal, Decimal]:
    """Append a heading, its rows and (if ``subtotal``) a subtotal line; return the sum."""
    cur = sum((r.cur for r in rows), ZERO)
    prior = sum((r.prior for r in rows), ZERO)
    if not rows:
        return cur, prior
    lines.append(StatementLine(heading, "", "", ZERO, ZERO, level, "bagian"))
    for r in rows:
        lines.append(StatementLine(r.label, r.kode, r.line, r.cur, r.prior, level + 1, "baris"))
    if subtotal:
        lines.append(StatementLine(subtotal, "", "", cur, prior, level, "subtotal"))
    return cur, prior


def _pl_total(balances: dict[str, Decimal], chart: _Chart) -> Decimal:
    return sum((v for k, v in balances.items() if chart.info(k).root in ("pendapatan", "beban")), ZERO)


def _neraca(
    chart: _Chart, roots: Roots, end_bal: tuple[dict[str, Decimal], dict[str, Decimal]],
    unclosed: tuple[tuple[Decimal, Decimal], tuple[Decimal, Decimal]],
    residual: tuple[Decimal, Decimal],
) -> Statement:
    """Laporan Posisi Keuangan. ``unclosed``: (year's, earlier) unclosed P&L per column."""
    prior_bal, cur_bal = end_bal[1], end_bal[0]
    lines: list[StatementLine] = [StatementLine("ASET", "", "", ZERO, ZERO, 0, "bagian")]
    assets = _rows(chart, cur_bal, prior_bal, ("aset",), 1)
    lancar = [r for r in assets if chart.info(r.line).jangka == "pendek"]
    tetap = [r for r in assets if chart.info(r.line).jangka != "pendek"]
    a1 = _section(lines, "Aset lancar", lancar, "Jumlah aset lancar")
    a2 = _section(lines, "Aset tidak lancar", tetap, "Jumlah aset tidak lancar")
    total_aset = (a1[0] + a2[0], a1[1] + a2[1])
    lines.append(StatementLine("JUMLAH ASET", "", "", *total_aset, 0, "total"))

    lines.append(StatementLine("LIABILITAS DAN EKUITAS", "", "", ZERO, ZERO, 0, "bagian"))
    liab = _rows(chart, cur_bal, prior_bal, ("liabilitas",), -1)
    pendek = [r for r in liab if chart.info(r.line).jangka != "panjang"]
    panjang = [r for r in liab if chart.info(r.line).jangka == "panjang"]
    lines.append(StatementLine("Liabilitas", "", "", ZERO, ZERO, 1, "bagian"))
    l1 = _section(lines, "Liabilitas jangka pendek", pendek, "Jumlah liabilitas jangka pendek", 2)
    l2 = _section(lines, "Liabilitas jangka panjang", panjang, "Jumlah liabilitas jangka panjang", 2)
    total_liab = (l1[0] + l2[0], l1[1] + l2[1])
    lines.append(StatementLine("Jumlah liabilitas", "", "", *total_liab, 1, "subtotal"))

    equity = _rows(chart, cur_bal, prior_bal, ("ekuitas",), -1)
    # Computed lines: income and expenses not yet closed into equity, and rounding residue.
    year_shu, earlier_shu = unclosed
    computed = [
        (roots.shu_tahun_berjalan, "3-301", "SHU Tahun Berjalan", ZERO - year_shu[0], ZERO - year_shu[1]),
        (roots.shu_belum_dibagi, "3-302", "SHU Belum Dibagi", ZERO - earlier_shu[0], ZERO - earlier_shu[1]),
        (f"{roots.ekuitas}:SelisihPembulatan", "3-909", "Selisih pembulatan transaksi", residual[0], residual[1]),
    ]
    by_line = {r.line: r for r in equity}
    for account, kode, label, cur, prior in computed:
        if cur == 0 and prior == 0:
            continue
        row = by_line.get(account)
        if row is None:
            by_line[account] = _Row(account, chart.kode_of(account, kode),
                                    str(chart.meta.get(account, {}).get("nama", label)), cur, prior, 0)
        else:
            by_line[account] = _Row(row.line, row.kode, row.label, row.cur + cur, row.prior + prior, row.accounts)
    equity = sorted((r for r in by_line.values() if r.cur or r.prior), key=_row_order)
    lines.append(StatementLine("Ekuitas", "", "", ZERO, ZERO, 1, "bagian"))
    for r in equity:
        lines.append(StatementLine(r.label, r.kode, r.line, r.cur, r.prior, 2, "baris"))
    total_eq = (sum((r.cur for r in equity), ZERO), sum((r.prior for r in equity), ZERO))
    lines.append(StatementLine("Jumlah ekuitas", "", "", *total_eq, 1, "subtotal"))
    total_le = (total_liab[0] + total_eq[0], total_liab[1] + total_eq[1])
    lines.append(StatementLine("JUMLAH LIABILITAS DAN EKUITAS", "", "", *total_le, 0, "total"))

    cash = tuple(
        sum((v for k, v in bal.items() if chart.info(k).is_cash), ZERO) for bal in (cur_bal, prior_bal)
    )
    totals = {
        "aset_lancar": a1,
        "aset_tidak_lancar": a2,
        "total_aset": total_aset,
        "liabilitas_jangka_pendek": l1,
        "liabilitas_jangka_panjang": l2,
        "total_liabilitas": total_liab,
        "total_ekuitas": total_eq,
        "total_liabilitas_ekuitas": total_le,
        "kas_dan_setara_kas": (cash[0], cash[1]),
    }
    return Statement("neraca", "Laporan Posisi Keuangan", tuple(lines), totals)


def _phu(chart: _Chart, roots: Roots, cur: dict[str, Decimal], prior: dict[str, Decimal]) -> Statement:
    """Laporan Perhitungan Hasil Usaha (closing entries already excluded from the flows)."""
    under = roots.is_under
    income = _rows(chart, cur, prior, ("pendapatan",), -1)
    expense = _rows(chart, cur, prior, ("beban",), 1)
    lines: list[StatementLine] = [StatementLine("PENDAPATAN", "", "", ZERO, ZERO, 0, "bagian")]
    groups_in: list[tuple[str, str, Callable[[str], bool]]] = [
        ("Partisipasi anggota", "Jumlah partisipasi anggota", lambda a: under(a, roots.pendapatan_anggota)),
        ("Pendapatan dari non-anggota", "Jumlah pendapatan dari non-anggota",
         lambda a: under(a, roots.pendapatan_non_anggota)),
        ("Pendapatan lain-lain", "Jumlah pendapatan lain-lain", lambda a: True),
    ]
    totals: dict[str, tuple[Decimal, Decimal]] = {}
    keys_in = ("partisipasi_anggota", "pendapatan_non_anggota", "pendapatan_lain")
    rest = income
    for (heading, sub, test), key in zip(groups_in, keys_in, strict=True):
        rows = [r for r in rest if test(r.line)]
        rest = [r for r in rest if not test(r.line)]
        totals[key] = _section(lines, heading, rows, sub)
    total_in = (sum((r.cur for r in income), ZERO), sum((r.prior for r in income), ZERO))
    lines.append(StatementLine("Jumlah pendapatan", "", "", *total_in, 0, "total"))

    pajak_root = f"{roots.beban}:Pajak"
    lines.append(StatementLine("BEBAN", "", "", ZERO, ZERO, 0, "bagian"))
    groups_ex: list[tuple[str, str, str, Callable[[str], bool]]] = [
        ("Beban pokok penjualan", "Jumlah beban pokok penjualan", "beban_pokok",
         lambda a: under(a, f"{roots.beban}:PokokPenjualan")),
        ("Beban usaha", "Jumlah beban usaha", "beban_usaha", lambda a: under(a, f"{roots.beban}:Usaha")),
        ("Beban perkoperasian", "Jumlah beban perkoperasian", "beban_perkoperasian",
         lambda a: under(a, f"{roots.beban}:Perkoperasian")),
        ("Beban lain-lain", "Jumlah beban lain-lain", "beban_lain", lambda a: not under(a, pajak_root)),
    ]
    rest = expense
    for heading, sub, key, test in groups_ex:
        rows = [r for r in rest if test(r.line)]
        rest = [r for r in rest if not test(r.line)]
        totals[key] = _section(lines, heading, rows, sub)
    tax_rows = rest
    before_tax_ex = (
        sum((r.cur for r in expense if r not in tax_rows), ZERO),
        sum((r.prior for r in expense if r not in tax_rows), ZERO),
    )
    lines.append(StatementLine("Jumlah beban sebelum pajak", "", "", *before_tax_ex, 0, "total"))
    shu_before = (total_in[0] - before_tax_ex[0], total_in[1] - before_tax_ex[1])
    lines.append(StatementLine("SHU SEBELUM PAJAK", "", "", *shu_before, 0, "total"))
    tax = _section(lines, "Beban pajak", tax_rows, None)
    total_ex = (before_tax_ex[0] + tax[0], before_tax_ex[1] + tax[1])
    shu = (total_in[0] - total_ex[0], total_in[1] - total_ex[1])
    lines.append(StatementLine("SISA HASIL USAHA (SHU) TAHUN BERJALAN", "", "", *shu, 0, "total"))
    totals.update(
        total_pendapatan=total_in,
        beban_sebelum_pajak=before_tax_ex,
        shu_sebelum_pajak=shu_before,
        beban_pajak=tax,
        total_beban=total_ex,
        shu=shu,
    )
    return Statement("phu", "Laporan Perhitungan Hasil Usaha", tuple(lines), totals)


def _ekuitas(moves: tuple[dict[str, Decimal], dict[str, Decimal]], opening: tuple[Decimal, Decimal]) -> Statement:
    """Laporan Perubahan Ekuitas: opening, movements by kind, closing. ``moves``: (cur, prior)."""
    cur, prior = moves
    lines = [StatementLine("Saldo ekuitas awal tahun", "", "", opening[0], opening[1], 0, "subtotal")]
    totals: dict[str, tuple[Decimal, Decimal]] = {"saldo_awal": opening}
    for key, label in EQUITY_MOVEMENTS.items():
        c, p = cur.get(key, ZERO), prior.get(key, ZERO)
        totals[key.replace("-", "_")] = (c, p)
        if c == 0 and p == 0 and key not in ("shu",):
            continue
        lines.append(StatementLine(label, "", "", c, p, 1, "baris"))
    change = (sum(cur.values(), ZERO), sum(prior.values(), ZERO))
    lines.append(StatementLine("Jumlah perubahan ekuitas", "", "", *change, 0, "subtotal"))
    closing = (opening[0] + change[0], opening[1] + change[1])
    lines.append(StatementLine("Saldo ekuitas akhir tahun", "", "", *closing, 0, "total"))
    totals.update(perubahan=change, saldo_akhir=closing)
    return Statement("ekuitas", "Laporan Perubahan Ekuitas", tuple(lines), totals)


def _arus_kas(
    flows: tuple[dict[str, Decimal], dict[str, Decimal]], opening: tuple[Decimal, Decimal],
    booked_opening: tuple[Decimal, Decimal],
) -> Statement:
    """Laporan Arus Kas (direct method). ``flows``: (cur, prior) by category;
    ``booked_opening``: cash brought in by opening-balance entries (``#saldo-awal…``)."""
    cur, prior = flows
    lines: list[StatementLine] = []
    totals: dict[str, tuple[Decimal, Decimal]] = {}
    net = [ZERO, ZERO]
    for section, (heading, subtotal) in CASH_FLOW_SECTIONS.items():
        lines.append(StatementLine(heading, "", "", ZERO, ZERO, 0, "bagian"))
        s = [ZERO, ZERO]
        for key, (sec, label) in CASH_FLOW_CATEGORIES.items():
            if sec != section:
                continue
            c, p = cur.get(key, ZERO), prior.get(key, ZERO)
            s[0] += c
            s[1] += p
            if c or p:
                lines.append(StatementLine(label, "", "", c, p, 1, "baris"))
        lines.append(StatementLine(subtotal, "", "", s[0], s[1], 0, "subtotal"))
        totals[section] = (s[0], s[1])
        net[0] += s[0]
        net[1] += s[1]
    closing = (opening[0] + booked_opening[0] + net[0], opening[1] + booked_opening[1] + net[1])
    lines.append(StatementLine("Kenaikan (penurunan) bersih kas dan setara kas", "", "", net[0], net[1], 0, "subtotal"))
    lines.append(StatementLine("Kas dan setara kas awal tahun", "", "", *opening, 0, "baris"))
    if booked_opening[0] or booked_opening[1]:
        lines.append(StatementLine("Saldo awal kas yang dibukukan", "", "", *booked_opening, 0, "baris"))
    lines.append(StatementLine("Kas dan setara kas akhir tahun", "", "", *closing, 0, "total"))
    totals.update(kenaikan_kas=(net[0], net[1]), kas_awal=opening, saldo_awal_kas=booked_opening,
                  kas_akhir=closing)
    return Statement("arus_kas", "Laporan Arus Kas", tuple(lines), totals)


def build_statements(kop: Any, year: int) -> FinancialStatements:
    """The five statements of tahun buku ``year`` with ``year - 1`` beside it.

    One pass over the postings up to 31 December of ``year``. Raises
    :class:`~kopledger.errors.InputError` when there is nothing to report and
    :class:`~kopledger.errors.LedgerHasErrors` when the neraca does not balance.
    """
    first = next((e.date for e in kop.entries if isinstance(e, data.Transaction)), None)
    if first is None or first.year > year:
        raise InputError(
            f"tidak ada transaksi pada atau sebelum {year}",
            hint="Pilih tahun buku yang ada transaksinya (kop cek menampilkan periode buku).",
        )
    roots: Roots = kop.roots
    currency: str = kop.currency
    chart = _Chart(kop.entries, roots)
    scan = _scan(kop.entries, chart, currency, year)
    prior_p, cur_p = scan.periods
    end_prior = _add(scan.opening, prior_p.flows)
    end_cur = _add(end_prior, cur_p.flows)
    res_prior = scan.opening_residual + prior_p.residual
    res_cur = res_prior + cur_p.residual

    pl_opening = _pl_total(scan.opening, chart)
    pl_prior_all = _pl_total(prior_p.flows, chart)  # incl. closing entries
    pl_cur_all = _pl_total(cur_p.flows, chart)
    unclosed = ((pl_cur_all, pl_prior_all), (pl_opening + pl_prior_all, pl_opening))
    neraca = _neraca(chart, roots, (end_cur, end_prior), unclosed, (res_cur, res_prior))
    for col, label in ((0, str(year)), (1, str(year - 1))):
        aset = neraca.totals["total_aset"][col]
        le = neraca.totals["total_liabilitas_ekuitas"][col]
        if aset != le:
            raise LedgerHasErrors(
                f"neraca {label} tidak seimbang: aset {aset} ≠ liabilitas + ekuitas {le}",
                [KopError(None, f"selisih {aset - le} {currency}", None)],
                hint="Ini bug di kopledger atau susunan buku yang belum didukung; mohon laporkan.",
            )
    phu = _phu(chart, roots, cur_p.pl, prior_p.pl)

    def equity_ish(bal: dict[str, Decimal], residual: Decimal) -> Decimal:
        return residual - sum(
            (v for k, v in bal.items() if chart.info(k).root in ("ekuitas", "pendapatan", "beban")), ZERO
        )

    opening_eq = (equity_ish(end_prior, res_prior), equity_ish(scan.opening, scan.opening_residual))
    ekuitas = _ekuitas((dict(cur_p.equity), dict(prior_p.equity)), opening_eq)

    def cash_of(bal: dict[str, Decimal]) -> Decimal:
        return sum((v for k, v in bal.items() if chart.info(k).is_cash), ZERO)

    arus_kas = _arus_kas((dict(cur_p.cash), dict(prior_p.cash)), (cash_of(end_prior), cash_of(scan.opening)),
                         (cur_p.cash_opening, prior_p.cash_opening))
    calk = _notes(kop, chart, year, neraca, phu, (end_cur, end_prior), (cur_p.pl, prior_p.pl), scan,
                  (res_cur, res_prior))
    return FinancialStatements(year, year - 1, neraca, phu, ekuitas, arus_kas, calk, currency)


# ----------------------------------------------------------------------------------
# Notes
# ----------------------------------------------------------------------------------


def _notes(
    kop: Any, chart: _Chart, year: int, neraca: Statement, phu: Statement,
    end_bal: tuple[dict[str, Decimal], dict[str, Decimal]],
    pl: tuple[dict[str, Decimal], dict[str, Decimal]], scan: _Scan, residual: tuple[Decimal, Decimal],
) -> Notes:
    roots: Roots = kop.roots
    end = dt.date(year, 12, 31)
    end_prior = dt.date(year - 1, 12, 31)
    # Policies in force at year end.
    policies = []
    for key in sorted(getattr(kop.policies, "_by_key", {})):
        policy = kop.policies.at(key, end)
        if policy is not None:
            value = policy.value
            if hasattr(value, "currency"):
                policies.append(PolicyNote(key, value.number, str(value.currency), policy.date))
            else:
                policies.append(PolicyNote(key, value, "", policy.date))
    # The accounts behind each line.
    counts: dict[str, set[str]] = defaultdict(set)
    for bal in (*end_bal, *pl):
        for account in bal:
            counts[chart.info(account).line].add(account)
    rincian = []
    for st in (neraca, phu):
        for line in st.lines:
            if line.jenis != "baris" or not line.akun:
                continue
            n = len(counts.get(line.akun, ()))
            akun = f"{line.akun}:*" if n and chart.info(next(iter(counts[line.akun]))).member else line.akun
            rincian.append(AccountDetail(st.jenis, line.label, line.kode, akun, n, line.jumlah,
                                         line.jumlah_pembanding))
    # Member savings.
    simpanan = []
    total = [ZERO, ZERO]
    for kind in (MemberKind.POKOK, MemberKind.WAJIB, MemberKind.SUKARELA, MemberKind.BERJANGKA):
        parent = roots.member_parent(kind)
        values = [ZERO - sum((v for k, v in bal.items() if k.startswith(parent + ":")), ZERO) for bal in end_bal]
        kode, label = MEMBER_PARENT_KODE[kind.value]
        simpanan.append(StatementLine(label, kode, parent, values[0], values[1], 1, "baris"))
        total[0] += values[0]
        total[1] += values[1]
    simpanan.append(StatementLine("Jumlah simpanan anggota", "", "", total[0], total[1], 0, "total"))
    anggota = (len(kop.active_members(end)), len(kop.active_members(end_prior)))
    # Fixed assets and depreciation.
    fixed_root = f"{roots.aset}:AsetTetap"
    cost_rows: list[StatementLine] = []
    dep_rows: list[StatementLine] = []
    for line in neraca.lines:
        if line.jenis == "baris" and roots.is_under(line.akun, fixed_root):
            (dep_rows if "Akumulasi" in line.akun or line.kode == "1-169" else cost_rows).append(line)
    aset_tetap: list[StatementLine] = []
    if cost_rows or dep_rows:
        cost = (sum((r.jumlah for r in cost_rows), ZERO), sum((r.jumlah_pembanding for r in cost_rows), ZERO))
        dep = (sum((r.jumlah for r in dep_rows), ZERO), sum((r.jumlah_pembanding for r in dep_rows), ZERO))
        aset_tetap += [StatementLine(r.label, r.kode, r.akun, r.jumlah, r.jumlah_pembanding, 1, "baris")
                       for r in cost_rows]
        aset_tetap.append(StatementLine("Jumlah harga perolehan", "", "", *cost, 0, "subtotal"))
        aset_tetap += [StatementLine(r.label, r.kode, r.akun, r.jumlah, r.jumlah_pembanding, 1, "baris")
                       for r in dep_rows]
        aset_tetap.append(StatementLine("Nilai buku", "", "", cost[0] + dep[0], cost[1] + dep[1], 0, "total"))
        expense = [sum((v for k, v in bal.items() if "Penyusutan" in k and roots.is_under(k, roots.beban)
                        and "PenyisihanPinjaman" not in k), ZERO) for bal in pl]
        aset_tetap.append(StatementLine("Beban penyusutan tahun berjalan", "", "", expense[0], expense[1], 0,
                                        "baris"))
    # Loans by kolektibilitas (the loans module may not exist, or the koperasi may not lend).
    pinjaman = None
    peringatan = []
    try:
        from kopledger import loans  # type: ignore[attr-defined, unused-ignore]

        portfolio = loans.portfolio(kop, end)
        if getattr(portfolio, "pinjaman", None):
            pinjaman = portfolio
    except (ImportError, AttributeError, NotImplementedError):
        pinjaman = None
    except KopledgerError as exc:  # loan entries the loans module cannot read: say so in the notes
        peringatan.append(Warning("pinjaman-tidak-terbaca", str(exc).splitlines()[0]))
    # Warnings.
    if scan.other_commodities:
        names = ", ".join(f"{c} ({len(a)} akun)" for c, a in sorted(scan.other_commodities.items()))
        peringatan.append(Warning("komoditas-lain", names))
    if residual[0] or residual[1]:
        peringatan.append(Warning("selisih-pembulatan", f"{residual[0]} {kop.currency}"))
    no_kode = sorted({line.akun for st in (neraca, phu) for line in st.lines
                      if line.jenis == "baris" and line.akun and not line.kode})
    if no_kode:
        peringatan.append(Warning("tanpa-kode", str(len(no_kode))))
    return Notes(
        tahun=year, pembanding=year - 1, mata_uang=kop.currency, kebijakan=tuple(policies),
        rincian=tuple(rincian), simpanan=tuple(simpanan), anggota_aktif=anggota,
        aset_tetap=tuple(aset_tetap), pinjaman=pinjaman, peringatan=tuple(peringatan),
    )


# ----------------------------------------------------------------------------------
# JSON
# ----------------------------------------------------------------------------------

_JSON_KEYS = {"neraca": "neraca", "phu": "phu", "ekuitas": "ekuitas", "arus-kas": "arus_kas"}


def _dec(value: Decimal) -> str:
    return format(value, "f")


def statement_json(statement: Statement) -> dict[str, Any]:
    """One statement as plain JSON data (amounts as exact decimal strings)."""
    result: dict[str, Any] = {
        "jenis": statement.jenis,
        "judul": statement.judul,
        "lines": [
            {
                "label": line.label, "kode": line.kode, "akun": line.akun,
                "jumlah": _dec(line.jumlah), "jumlah_pembanding": _dec(line.jumlah_pembanding),
                "level": line.level, "jenis": line.jenis,
            }
            for line in statement.lines
        ],
        "totals": {k: {"jumlah": _dec(c), "jumlah_pembanding": _dec(p)} for k, (c, p) in statement.totals.items()},
        "pembanding": {k: _dec(p) for k, (_, p) in statement.totals.items()},
    }
    for key, (current, _) in statement.totals.items():
        result.setdefault(key, _dec(current))
    return result


def statements_json(fs: FinancialStatements, jenis: Iterable[str] = JENIS) -> dict[str, Any]:
    """The JSON contract: ``{"tahun", "pembanding", "neraca", "phu", "ekuitas", "arus_kas"}``.

    Only the parts in ``jenis`` are included (``calk`` adds the notes). Amounts are
    strings of exact decimals.
    """
    wanted = list(jenis)
    result: dict[str, Any] = {"tahun": fs.tahun, "pembanding": fs.pembanding, "mata_uang": fs.mata_uang}
    for key in wanted:
        if key in _JSON_KEYS:
            result[_JSON_KEYS[key]] = statement_json(fs.statement(key))
        elif key == "calk":
            result["calk"] = _plain(fs.calk)
    return result


def _plain(value: Any) -> Any:
    """Plain JSON data: Decimals as exact strings, dates ISO, dataclasses as dicts."""
    if isinstance(value, Decimal):
        return _dec(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if hasattr(value, "value") and isinstance(getattr(value, "value", None), str):  # enums
        return value.value
    return value
