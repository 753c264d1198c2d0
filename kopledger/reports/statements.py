"""The five financial statements of Permenkop UKM 2/2024, as data (no formatting).

:func:`build_statements` reads a koperasi's books once, up to the end of the tahun
buku, and returns :class:`FinancialStatements`: the Laporan Posisi Keuangan (neraca),
the Laporan Perhitungan Hasil Usaha (PHU), the Laporan Perubahan Ekuitas (by component),
the Laporan Arus Kas (direct method) and the Catatan atas Laporan Keuangan (built by
:mod:`kopledger.reports.catatan`), each with the prior year beside it. ``kop.statements(year)``
computes them once per loaded books.

Conventions
-----------
- Amounts are in the ledger's operating currency, each posting at its weight
  (:func:`kopledger.books.balances.weight`); holdings of other commodities without a cost or
  price in the operating currency are left out and named in the notes.
- What beancount's tolerance leaves unbalanced in a transaction (a few sen) is shown
  as its own equity line, "Selisih pembulatan transaksi", never hidden.
- Amounts are shown in their natural sign: assets and expenses as debits, liabilities,
  equity and income as credits; contra accounts (penyisihan, akumulasi penyusutan)
  therefore show negative.
- Lines are one per statement line of the account catalogue (:mod:`kopledger.books.katalog`),
  ordered by ``kode``; a member's sub-accounts roll up into their parent line.
- The neraca is at 31 December including every entry up to that date. Everything the
  SHU accounts (``Ekuitas:SHU:*``) and the income and expenses not yet closed hold is
  shown in two lines: "SHU tahun berjalan" = the year's SHU less what of it was already
  allocated by year end, and "SHU belum dibagi" = the rest (earlier years' SHU not yet
  allocated, per year in the notes). Closing a year (``#tutup-buku-YEAR``) or allocating
  its SHU before or after closing therefore never changes a line.
- The PHU excludes the year's closing entries.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING

from beancount.core import data

from kopledger.books.balances import weight
from kopledger.books.katalog import (
    CASH_FLOW_CATEGORIES,
    EQUITY_COMPONENTS,
    Akun,
    Katalog,
    ShuByYear,
    kode_key,
)
from kopledger.books.years import archived_books
from kopledger.core import kosakata as K
from kopledger.core.errors import InputError, KopError, LedgerHasErrors
from kopledger.core.peringatan import Peringatan
from kopledger.core.roots import MemberKind, Roots
from kopledger.ops.loans.book import read_book
from kopledger.ops.loans.quality import maturity_split
from kopledger.reports.catatan import (
    AccountDetail,
    Notes,
    PolicyNote,
    ShuBelumDibagi,
    build_notes,
)
from kopledger.reports.lines import EquityRow, PeriodSums, Scan, Statement, StatementLine
from kopledger.reports.policy_notes import policy_notes

if TYPE_CHECKING:
    from kopledger.books.ledger import Books

__all__ = [
    "CASH_FLOW_CATEGORIES", "CASH_FLOW_SECTIONS", "EQUITY_COMPONENTS", "EQUITY_MOVEMENTS", "JENIS",
    "AccountDetail", "EquityRow", "FinancialStatements", "Notes", "Peringatan", "PolicyNote", "ShuBelumDibagi",
    "Statement", "StatementLine", "build_statements",
]

ZERO = Decimal(0)

#: The statements, in the order of the report; ``semua`` asks for all of them.
JENIS = ("neraca", "phu", "ekuitas", "arus-kas", "calk")

# ----------------------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------------------


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
    #: Provisional statements (a year not yet ended, or an interim report): the date they are
    #: at — balances through ``per``, loans and arrears valued at ``per``. None at the year end.
    per: dt.date | None = None

    @property
    def sementara(self) -> bool:
        """True for provisional statements (at a date before the year end)."""
        return self.per is not None

    @property
    def tanggal(self) -> dt.date:
        return self.per or dt.date(self.tahun, 12, 31)

    @property
    def tanggal_pembanding(self) -> dt.date:
        return dt.date(self.pembanding, 12, 31)

    def statement(self, jenis: str) -> Statement:
        """A statement by its ``jenis`` (``arus-kas`` or ``arus_kas``)."""
        key = jenis.replace("-", "_")
        found: Statement = {"neraca": self.neraca, "phu": self.phu, "ekuitas": self.ekuitas,
                            "arus_kas": self.arus_kas}[key]
        return found


# ----------------------------------------------------------------------------------
# Classification
# ----------------------------------------------------------------------------------

CASH_FLOW_SECTIONS = {
    "operasi": ("Arus kas dari aktivitas operasi", "Arus kas bersih dari aktivitas operasi"),
    "investasi": ("Arus kas dari aktivitas investasi", "Arus kas bersih dari aktivitas investasi"),
    "pendanaan": ("Arus kas dari aktivitas pendanaan", "Arus kas bersih dari aktivitas pendanaan"),
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


# ----------------------------------------------------------------------------------
# One pass over the postings
# ----------------------------------------------------------------------------------


def _scan(entries: Sequence[data.Directive], katalog: Katalog, currency: str, year: int,
          end: dt.date | None = None) -> Scan:
    """Balances and flows for the year (through ``end``, default 31 December) and the prior year
    in one pass over the postings."""
    start_prior = dt.date(year - 1, 1, 1)
    start_year = dt.date(year, 1, 1)
    end = end or dt.date(year, 12, 31)
    opening: dict[str, Decimal] = defaultdict(Decimal)
    opening_residual = ZERO
    periods = (PeriodSums(), PeriodSums())
    others: dict[str, set[str]] = defaultdict(set)
    shu = ShuByYear()
    info = katalog.__getitem__

    for entry in entries:
        if not isinstance(entry, data.Transaction):
            continue
        date = entry.date
        if date > end:
            break
        weights: list[tuple[Akun, Decimal]] = []
        residual = ZERO
        for posting in entry.postings:
            w = weight(posting, currency)
            if w is None:
                units = posting.units
                if units is not None:
                    others[units.currency].add(posting.account)
                continue
            weights.append((info(posting.account), w))
            residual += w
        closing, allocation, opening_entry = shu.add(entry, weights)  # closing: its year's own closing
        if date < start_prior:
            for acc, w in weights:
                opening[acc.akun] += w
            opening_residual += residual
            continue
        period = periods[0 if date < start_year else 1]
        has_cash = False
        for acc, w in weights:
            period.flows[acc.akun] += w
            if closing and acc.jenis in ("pendapatan", "beban", "ekuitas"):
                period.equity[("lain", acc.komponen_ekuitas or "shu")] -= w
            elif acc.laba_rugi:
                period.pl[acc.akun] += w
                period.equity[("shu", "shu")] -= w
            elif acc.jenis == "ekuitas":
                kind = "saldo-awal-dibukukan" if opening_entry else _equity_movement(acc.komponen_ekuitas, w, allocation)
                period.equity[(kind, acc.komponen_ekuitas)] -= w
            if acc.kas:
                has_cash = True
        period.residual += residual
        if residual:
            period.equity[("selisih", "lain")] += residual
        if has_cash and opening_entry:
            period.cash_opening += sum((w for acc, w in weights if acc.kas), ZERO)
        elif has_cash:
            for acc, w in weights:
                if acc.kas:
                    continue
                flow = acc.arus_kas
                if flow == "pinjaman":
                    flow = "penyaluran-pinjaman" if w > 0 else "angsuran-pinjaman"
                period.cash[flow] -= w
            if residual:
                period.cash["selisih"] += residual
    return Scan(dict(opening), opening_residual, periods, {c: a for c, a in others.items()}, shu)


def _equity_movement(component: str, w: Decimal, allocation: bool) -> str:
    if component in ("simpanan-pokok", "simpanan-wajib"):
        kind = component.removeprefix("simpanan-")
        return f"{kind}-setor" if w < 0 else f"{kind}-kembali"
    if allocation:
        if component == "cadangan":
            return "cadangan-shu"
        if component == "shu":
            return "shu-dibagi"
    if component == "cadangan":
        return "cadangan-lain"
    if component == "modal-penyertaan":
        return "penyertaan"
    if component == "hibah":
        return "hibah"
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
    katalog: Katalog, cur: dict[str, Decimal], prior: dict[str, Decimal], roots_keys: tuple[str, ...],
    sign: int, keep: Callable[[Akun], bool] = lambda _a: True,
) -> list[_Row]:
    """Account lines of ``roots_keys`` (member accounts rolled up), ordered by kode."""
    acc_cur: dict[str, Decimal] = defaultdict(Decimal)
    acc_prior: dict[str, Decimal] = defaultdict(Decimal)
    members: dict[str, set[str]] = defaultdict(set)
    meta: dict[str, Akun] = {}
    for balances, target in ((cur, acc_cur), (prior, acc_prior)):
        for account, amount in balances.items():
            acc = katalog[account]
            if acc.jenis not in roots_keys or not keep(acc):
                continue
            target[acc.baris] += amount
            members[acc.baris].add(account)
            meta.setdefault(acc.baris, acc)
    rows = []
    for line, acc in meta.items():
        c, p = acc_cur.get(line, ZERO), acc_prior.get(line, ZERO)
        if sign < 0:
            c, p = ZERO - c, ZERO - p
        if c == 0 and p == 0:
            continue
        rows.append(_Row(line, acc.kode, acc.nama, c, p, len(members[line])))
    rows.sort(key=_row_order)
    return rows


def _row_order(row: _Row) -> tuple[int, tuple[tuple[int, int, str], ...], str]:
    return (0 if row.kode else 1, kode_key(row.kode), row.line)


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


def shu_equity(katalog: Katalog, balances: dict[str, Decimal]) -> Decimal:
    """What the SHU accounts and the income and expenses not yet closed hold (credit positive)."""
    return ZERO - sum(
        (v for k, v in balances.items() if katalog[k].laba_rugi or katalog[k].komponen_ekuitas == "shu"), ZERO
    )


#: The neraca line of member-loan principal due after twelve months (non-current).
PINJAMAN_JANGKA_PANJANG = "Piutang pinjaman anggota jangka panjang"


def _split_loans(roots: Roots, lancar: list[_Row], tetap: list[_Row],
                 later: tuple[Decimal, Decimal]) -> tuple[list[_Row], list[_Row]]:
    """Move the member-loan principal due after twelve months (``later``: per column, never more
    than the line) from the current loan line to a non-current line of the same account."""
    for i, row in enumerate(lancar):
        if row.line != roots.member_parent(MemberKind.PINJAMAN):
            continue
        cur = min(max(later[0], ZERO), max(row.cur, ZERO))
        prior = min(max(later[1], ZERO), max(row.prior, ZERO))
        lancar = [*lancar[:i], replace(row, cur=row.cur - cur, prior=row.prior - prior), *lancar[i + 1:]]
        tetap = sorted([*tetap, _Row(row.line, row.kode, PINJAMAN_JANGKA_PANJANG, cur, prior, row.accounts)],
                       key=_row_order)
        break
    return lancar, tetap


def _neraca(
    katalog: Katalog, roots: Roots, end_bal: tuple[dict[str, Decimal], dict[str, Decimal]],
    shu_lines: tuple[tuple[Decimal, Decimal], tuple[Decimal, Decimal]],
    residual: tuple[Decimal, Decimal],
    loans_later: tuple[Decimal, Decimal] = (ZERO, ZERO),
) -> Statement:
    """Laporan Posisi Keuangan. ``shu_lines``: (tahun berjalan, belum dibagi) per column;
    ``loans_later``: member-loan principal due more than twelve months after each column's date
    (:func:`~kopledger.ops.loans.quality.maturity_split`), shown as a non-current asset."""
    prior_bal, cur_bal = end_bal[1], end_bal[0]
    lines: list[StatementLine] = [StatementLine("ASET", "", "", ZERO, ZERO, 0, "bagian")]
    assets = _rows(katalog, cur_bal, prior_bal, ("aset",), 1)
    lancar = [r for r in assets if katalog[r.line].jangka == "pendek"]
    tetap = [r for r in assets if katalog[r.line].jangka != "pendek"]
    if loans_later[0] or loans_later[1]:
        lancar, tetap = _split_loans(roots, lancar, tetap, loans_later)
    a1 = _section(lines, "Aset lancar", lancar, "Jumlah aset lancar")
    a2 = _section(lines, "Aset tidak lancar", tetap, "Jumlah aset tidak lancar")
    total_aset = (a1[0] + a2[0], a1[1] + a2[1])
    lines.append(StatementLine("JUMLAH ASET", "", "", *total_aset, 0, "total"))

    lines.append(StatementLine("LIABILITAS DAN EKUITAS", "", "", ZERO, ZERO, 0, "bagian"))
    liab = _rows(katalog, cur_bal, prior_bal, ("liabilitas",), -1)
    pendek = [r for r in liab if katalog[r.line].jangka != "panjang"]
    panjang = [r for r in liab if katalog[r.line].jangka == "panjang"]
    lines.append(StatementLine("Liabilitas", "", "", ZERO, ZERO, 1, "bagian"))
    l1 = _section(lines, "Liabilitas jangka pendek", pendek, "Jumlah liabilitas jangka pendek", 2)
    l2 = _section(lines, "Liabilitas jangka panjang", panjang, "Jumlah liabilitas jangka panjang", 2)
    total_liab = (l1[0] + l2[0], l1[1] + l2[1])
    lines.append(StatementLine("Jumlah liabilitas", "", "", *total_liab, 1, "subtotal"))

    equity = _rows(katalog, cur_bal, prior_bal, ("ekuitas",), -1, keep=lambda a: a.komponen_ekuitas != "shu")
    year_shu, earlier_shu = shu_lines
    computed = [
        (roots.shu_tahun_berjalan, "3-301", "SHU Tahun Berjalan", year_shu),
        (roots.shu_belum_dibagi, "3-302", "SHU Belum Dibagi", earlier_shu),
        (f"{roots.ekuitas}:SelisihPembulatan", "3-909", "Selisih pembulatan transaksi", residual),
    ]
    for account, kode, label, (cur, prior) in computed:
        if cur == 0 and prior == 0:
            continue
        meta = katalog.meta(account)
        equity.append(_Row(account, str(meta.get(K.META_KODE, kode)), str(meta.get(K.META_NAMA, label)),
                           cur, prior, 0))
    equity.sort(key=_row_order)
    lines.append(StatementLine("Ekuitas", "", "", ZERO, ZERO, 1, "bagian"))
    for r in equity:
        lines.append(StatementLine(r.label, r.kode, r.line, r.cur, r.prior, 2, "baris"))
    total_eq = (sum((r.cur for r in equity), ZERO), sum((r.prior for r in equity), ZERO))
    lines.append(StatementLine("Jumlah ekuitas", "", "", *total_eq, 1, "subtotal"))
    total_le = (total_liab[0] + total_eq[0], total_liab[1] + total_eq[1])
    lines.append(StatementLine("JUMLAH LIABILITAS DAN EKUITAS", "", "", *total_le, 0, "total"))

    cash = tuple(sum((v for k, v in bal.items() if katalog[k].kas), ZERO) for bal in (cur_bal, prior_bal))
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
        "shu_tahun_berjalan": year_shu,
        "shu_belum_dibagi": earlier_shu,
    }
    return Statement("neraca", "Laporan Posisi Keuangan", tuple(lines), totals)


def _phu(katalog: Katalog, roots: Roots, cur: dict[str, Decimal], prior: dict[str, Decimal]) -> Statement:
    """Laporan Perhitungan Hasil Usaha (closing entries already excluded from the flows)."""
    under = roots.is_under
    income = _rows(katalog, cur, prior, ("pendapatan",), -1)
    expense = _rows(katalog, cur, prior, ("beban",), 1)
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


def _equity_columns(katalog: Katalog, balances: dict[str, Decimal], residual: Decimal) -> dict[str, Decimal]:
    """Equity by component from balances (income and expenses not yet closed count as SHU)."""
    columns: dict[str, Decimal] = defaultdict(Decimal)
    for account, amount in balances.items():
        acc = katalog[account]
        if acc.laba_rugi:
            columns["shu"] -= amount
        elif acc.jenis == "ekuitas":
            columns[acc.komponen_ekuitas] -= amount
    columns["lain"] += residual
    return columns


def _ekuitas(
    years: tuple[int, int],
    moves: tuple[dict[tuple[str, str], Decimal], dict[tuple[str, str], Decimal]],
    opening: tuple[dict[str, Decimal], dict[str, Decimal]],
) -> Statement:
    """Laporan Perubahan Ekuitas: opening, movements by kind, closing — each by component.

    ``moves`` and ``opening``: (year, prior year).
    """
    def by_kind(m: dict[tuple[str, str], Decimal]) -> dict[str, Decimal]:
        total: dict[str, Decimal] = defaultdict(Decimal)
        for (kind, _component), amount in m.items():
            total[kind] += amount
        return total

    cur, prior = by_kind(moves[0]), by_kind(moves[1])
    open_total = (sum(opening[0].values(), ZERO), sum(opening[1].values(), ZERO))
    lines = [StatementLine("Saldo ekuitas awal tahun", "", "", open_total[0], open_total[1], 0, "subtotal")]
    totals: dict[str, tuple[Decimal, Decimal]] = {"saldo_awal": open_total}
    for key, label in EQUITY_MOVEMENTS.items():
        c, p = cur.get(key, ZERO), prior.get(key, ZERO)
        totals[key.replace("-", "_")] = (c, p)
        if c == 0 and p == 0 and key != "shu":
            continue
        lines.append(StatementLine(label, "", "", c, p, 1, "baris"))
    change = (sum(cur.values(), ZERO), sum(prior.values(), ZERO))
    lines.append(StatementLine("Jumlah perubahan ekuitas", "", "", *change, 0, "subtotal"))
    closing = (open_total[0] + change[0], open_total[1] + change[1])
    lines.append(StatementLine("Saldo ekuitas akhir tahun", "", "", *closing, 0, "total"))
    totals.update(perubahan=change, saldo_akhir=closing)

    # By component: the prior year, then the year (SAK EP's statement of changes in equity).
    used = {c for m in moves for (_k, c) in m} | {c for o in opening for c, v in o.items() if v}
    kolom = tuple(c for c in EQUITY_COMPONENTS if c in used or c in ("simpanan-pokok", "simpanan-wajib", "shu"))
    tabel: list[EquityRow] = []
    for year, m, start in ((years[1], moves[1], opening[1]), (years[0], moves[0], opening[0])):
        balance = [start.get(c, ZERO) for c in kolom]
        tabel.append(EquityRow("Saldo ekuitas awal tahun", year, "saldo", tuple(balance)))
        for key, label in EQUITY_MOVEMENTS.items():
            row = tuple(m.get((key, c), ZERO) for c in kolom)
            if any(row):
                tabel.append(EquityRow(label, year, "baris", row))
                balance = [b + r for b, r in zip(balance, row, strict=True)]
        tabel.append(EquityRow("Saldo ekuitas akhir tahun", year, "saldo", tuple(balance)))
    return Statement("ekuitas", "Laporan Perubahan Ekuitas", tuple(lines), totals, kolom, tuple(tabel))


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


def _interim(year: int, per: dt.date | None) -> dt.date | None:
    """``per`` when it falls before the year end (the statements are then provisional), else None."""
    if per is None or per >= dt.date(year, 12, 31):
        return None
    if per.year != year:
        raise InputError.pesan("tanggal laporan {per} tidak termasuk tahun buku {tahun}", per=per.isoformat(),
                               tahun=year)
    return per


def _booked_opening(moves: dict[tuple[str, str], Decimal]) -> dict[str, Decimal]:
    """Equity by component that opening-balance entries (``#saldo-awal…``) brought in."""
    result: dict[str, Decimal] = defaultdict(Decimal)
    for (kind, component), amount in moves.items():
        if kind == "saldo-awal-dibukukan":
            result[component] += amount
    return dict(result)


def _loans_later(kop: Books, end: dt.date, end_prior: dt.date) -> tuple[Decimal, Decimal]:
    """Member-loan principal due after twelve months at ``end`` and ``end_prior`` — the one split
    the neraca and the notes show (:func:`maturity_split`); none when the loan book cannot be read
    (the notes then warn)."""
    book = read_book(kop)
    if book.errors or not book.pinjaman:
        return ZERO, ZERO
    return maturity_split(kop, end)[1], maturity_split(kop, end_prior)[1]


def statements_of(kop: Books, year: int, per: dt.date | None = None) -> FinancialStatements:
    """The five statements of tahun buku ``year`` at ``per`` (default: the year end;
    :func:`build_statements`), computed once per books."""
    per = _interim(year, per)
    return kop.computed(("statements", year, per), lambda: build_statements(kop, year, per))


def build_statements(kop: Books, year: int, per: dt.date | None = None) -> FinancialStatements:
    """The five statements of tahun buku ``year`` with ``year - 1`` beside it.

    One pass over the postings up to 31 December of ``year`` — or up to ``per``, a date
    before the year end: the statements are then provisional (``FinancialStatements.per``),
    with balances through ``per`` and the notes' loans and member counts at ``per``. Raises
    :class:`~kopledger.core.errors.InputError` when there is nothing to report and
    :class:`~kopledger.core.errors.LedgerHasErrors` when the neraca does not balance.
    Prefer :func:`statements_of`, which computes them once per loaded books.
    """
    own = archived_books(kop, year)
    if own is not None:  # issue 13/24: that year's statements are in the file holding it
        return build_statements(own, year, per)
    first = next((e.date for e in kop.transactions), None)
    if first is None or first.year > year:
        raise InputError.pesan(
            "tidak ada transaksi pada atau sebelum {tahun}",
            hint="Pilih tahun buku yang ada transaksinya (kop cek menampilkan periode buku).", tahun=year,
        )
    roots = kop.roots
    currency = kop.currency
    katalog = kop.katalog
    per = _interim(year, per)
    scan = _scan(kop.entries, katalog, currency, year, per)
    archived = archived_books(kop, year - 1)
    if archived is not None:  # issue 13: a year file reads its prior year from the closed file
        old = _scan(archived.entries, archived.katalog, currency, year - 1)
        scan = Scan(_add(old.opening, old.periods[0].flows), old.opening_residual + old.periods[0].residual,
                    (old.periods[1], scan.periods[1]), {**old.other_commodities, **scan.other_commodities},
                    ShuByYear({**old.shu.shu, **{y: v for y, v in scan.shu.shu.items() if y >= year}},
                              [*old.shu.alokasi, *scan.shu.alokasi]))
    prior_p, cur_p = scan.periods
    end_prior = _add(scan.opening, prior_p.flows)
    end_cur = _add(end_prior, cur_p.flows)
    res_prior = scan.opening_residual + prior_p.residual
    res_cur = res_prior + cur_p.residual

    shu_lines: list[tuple[Decimal, Decimal]] = []
    for y, bal in ((year, end_cur), (year - 1, end_prior)):
        total = shu_equity(katalog, bal)
        this_year = scan.shu.left(y, dt.date(y, 12, 31))
        shu_lines.append((this_year, total - this_year))
    year_shu = (shu_lines[0][0], shu_lines[1][0])
    earlier_shu = (shu_lines[0][1], shu_lines[1][1])
    neraca = _neraca(katalog, roots, (end_cur, end_prior), (year_shu, earlier_shu), (res_cur, res_prior),
                     _loans_later(kop, per or dt.date(year, 12, 31), dt.date(year - 1, 12, 31)))
    for col, label in ((0, str(year)), (1, str(year - 1))):
        aset = neraca.totals["total_aset"][col]
        le = neraca.totals["total_liabilitas_ekuitas"][col]
        if aset != le:
            raise LedgerHasErrors.pesan(
                "neraca {tahun} tidak seimbang: aset {aset} ≠ liabilitas + ekuitas {liabilitas_ekuitas}",
                [KopError.pesan(None, "selisih {selisih} {mata_uang}", None, selisih=aset - le, mata_uang=currency)],
                hint="Ini bug di kopledger atau susunan buku yang belum didukung; mohon laporkan.",
                tahun=label, aset=aset, liabilitas_ekuitas=le,
            )
    phu = _phu(katalog, roots, cur_p.pl, prior_p.pl)
    opening_cols = (_equity_columns(katalog, end_prior, res_prior),
                    _equity_columns(katalog, scan.opening, scan.opening_residual))
    moves = (dict(cur_p.equity), dict(prior_p.equity))

    def cash_of(bal: dict[str, Decimal]) -> Decimal:
        return sum((v for k, v in bal.items() if katalog[k].kas), ZERO)

    cash_open = [cash_of(end_prior), cash_of(scan.opening)]
    cash_booked = [cur_p.cash_opening, prior_p.cash_opening]
    if not any(scan.opening.values()):
        # The books begin in the comparative year: what they brought in is that column's opening
        # (no earlier column must reconcile to it). The year's own column keeps its opening equal
        # to the comparative column's closing.
        opening_cols[1].update(_booked_opening(moves[1]))
        moves[1].update({k: ZERO for k in moves[1] if k[0] == "saldo-awal-dibukukan"})
        cash_open[1], cash_booked[1] = cash_booked[1], ZERO
    ekuitas = _ekuitas((year, year - 1), moves, opening_cols)
    arus_kas = _arus_kas((dict(cur_p.cash), dict(prior_p.cash)), (cash_open[0], cash_open[1]),
                         (cash_booked[0], cash_booked[1]))
    calk = build_notes(kop, year, neraca, phu, (end_cur, end_prior), (cur_p.pl, prior_p.pl), scan,
                       (res_cur, res_prior), end=per)
    calk = replace(calk, pengungkapan=policy_notes(kop, year, end=per))  # the notes an examiner reads (issue 16)
    return FinancialStatements(year, year - 1, neraca, phu, ekuitas, arus_kas, calk, currency, per)


