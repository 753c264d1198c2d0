"""One figure, one definition: every figure shown in two outputs is the same number.

On the example koperasi, a small hand-made koperasi with non-current assets, and generated
books (property): the RAT indicators, the statements, the SHU, the members' cards, the loan
portfolio and the notes agree; every balance-sheet line is unchanged by closing the year
and by allocating its SHU before or after closing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from beancount.core import data
from hypothesis import given, settings
from hypothesis import strategies as st

from kopledger import Koperasi
from kopledger.books.katalog import shu_unallocated, year_surplus
from kopledger.core.roots import MemberKind
from kopledger.ops.closing import plan_closing
from kopledger.ops.savings import member_statements, savings_summary
from kopledger.ops.shu.compute import allocation_entry
from kopledger.present.laporan import statements_json
from kopledger.present.shu import shu_json
from kopledger.reports.indicators import year_figures
from kopledger.reports.rat import build_rat
from kopledger.reports.statements import FinancialStatements
from tests.conftest import HEADER_ID
from tests.schema_check import validate

D = Decimal
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "mawar" / "buku.beancount"


def with_entries(kop: Koperasi, new: list[data.Directive]) -> Koperasi:
    """The same books with ``new`` directives added (already plugin-processed entries)."""
    return Koperasi.from_entries(sorted([*kop.entries, *new], key=data.entry_sortkey), [], kop.options)


def neraca_lines(fs: FinancialStatements) -> dict[str, tuple[Decimal, Decimal]]:
    return {f"{x.label}|{x.akun}": (x.jumlah, x.jumlah_pembanding) for x in fs.neraca.lines if x.jenis != "bagian"}


def every_figure(fs: FinancialStatements) -> tuple[object, ...]:
    """Every line and total of the four statements, the equity table by component included."""
    return tuple(
        (st.lines, st.totals, st.kolom, st.tabel) for st in (fs.neraca, fs.phu, fs.ekuitas, fs.arus_kas)
    )


def check_figures_agree(kop: Koperasi, year: int) -> None:
    """Every figure that two outputs show, for ``year`` (and its comparative column)."""
    fs = kop.statements(year)
    end = dt.date(year, 12, 31)
    n, phu, eq, calk = fs.neraca, fs.phu, fs.ekuitas, fs.calk
    # Indicators = statements.
    f = year_figures(kop, year)
    assert (f.total_aset, f.aset_lancar) == (n.total("total_aset"), n.total("aset_lancar"))
    assert (f.total_liabilitas, f.liabilitas_lancar) == (n.total("total_liabilitas"),
                                                          n.total("liabilitas_jangka_pendek"))
    assert f.ekuitas == n.total("total_ekuitas") == eq.total("saldo_akhir")
    assert f.shu == phu.total("shu") == year_surplus(kop.entries, kop.katalog, kop.currency, year).shu
    assert f.volume_usaha == phu.total("partisipasi_anggota") + phu.total("pendapatan_non_anggota")
    # Equity statement by component adds up to the closing equity, both years.
    for prior in (False, True):
        per_kolom = eq.saldo_akhir_per_kolom(pembanding=prior)
        assert sum(per_kolom.values(), D(0)) == n.total("total_ekuitas", pembanding=prior)
        opening = next(r for r in eq.tabel if r.jenis == "saldo" and r.tahun == (fs.pembanding if prior else year))
        assert opening.jumlah == eq.total("saldo_awal", pembanding=prior)
    assert eq.totals["shu"] == phu.totals["shu"]
    # SHU belum dibagi per year adds up to its line.
    assert sum((b.jumlah for b in calk.shu_belum_dibagi), D(0)) == n.total("shu_belum_dibagi")
    assert sum((b.jumlah_pembanding for b in calk.shu_belum_dibagi), D(0)) == n.total(
        "shu_belum_dibagi", pembanding=True)
    # Members' cards = notes = neraca lines.
    cards = kop.member_balances(end).values()
    notes = {x.akun: (x.jumlah, x.jumlah_pembanding) for x in calk.simpanan if x.akun}
    summary = savings_summary(kop, end)
    for kind, total in ((MemberKind.POKOK, summary.pokok), (MemberKind.WAJIB, summary.wajib),
                        (MemberKind.SUKARELA, summary.sukarela), (MemberKind.BERJANGKA, summary.berjangka)):
        parent = kop.roots.member_parent(kind)
        on_cards = sum((getattr(c, kind.name.lower()) for c in cards), D(0))
        assert notes[parent][0] == on_cards == total
        line = next((x for x in n.lines if x.akun == parent), None)
        assert (line.jumlah if line else D(0)) == on_cards
    assert f.simpanan_pokok == summary.pokok and f.simpanan_sukarela == summary.sukarela
    # Each member's kartu simpanan ends where the member's balances (and so the notes) are.
    balances = kop.member_balances(end)
    for card in member_statements(kop, end):
        mine = balances.get(card.anggota.id)
        for kind in card.simpanan:
            expected = getattr(mine, kind.jenis.replace("-", "_"), D(0)) if mine else D(0)
            assert kind.saldo_akhir == expected, (card.anggota.id, kind.jenis)
    # Loan portfolio = neraca's receivable and provision lines (notes show the same portfolio).
    if calk.pinjaman is not None:
        portfolio = kop.portfolio(end)
        assert calk.pinjaman is portfolio
        # issue 24: the loan account shows as a current and a non-current line (maturity_split)
        loans = sum((x.jumlah for x in n.lines if x.akun == kop.roots.member_parent(MemberKind.PINJAMAN)), D(0))
        assert portfolio.total_saldo + portfolio.tidak_teralokasi == loans
        ppap_line = next((x for x in n.lines if x.akun == kop.roots.ppap), None)
        assert portfolio.ppap_tercatat == -(ppap_line.jumlah if ppap_line else D(0))
    # The prior column is the prior year's statement, line by line.
    if year - 1 in kop.years():
        before = kop.statements(year - 1)
        for mine, theirs in ((n, before.neraca), (phu, before.phu)):
            prior_col = {x.akun: x.jumlah_pembanding for x in mine.lines if x.jenis == "baris"}
            current = {x.akun: x.jumlah for x in theirs.lines if x.jenis == "baris"}
            assert {k: v for k, v in prior_col.items() if v} == {k: v for k, v in current.items() if v}
            assert {k: p for k, (_c, p) in mine.totals.items()} == {k: c for k, (c, _p) in theirs.totals.items()}
    # JSON = data, one shape for totals, valid against the published schema.
    doc = statements_json(fs)
    validate("laporan", doc)
    for key, (cur, prior) in n.totals.items():
        assert doc["neraca"]["totals"][key] == {"jumlah": format(cur, "f"), "jumlah_pembanding": format(prior, "f")}
    assert doc["ekuitas"]["saldo_akhir_per_kolom"] == {k: format(v, "f") for k, v in eq.saldo_akhir_per_kolom().items()}


def check_closing_and_allocation_invariance(kop: Koperasi, year: int, allocation: data.Transaction) -> None:
    """Closing ``year`` changes no balance-sheet line; allocating before or after closing neither."""
    transaction = plan_closing(kop, year, tanggal=dt.date(year + 1, 1, 20)).transaksi
    closing = [transaction] if transaction is not None else []  # nothing to close: no income or expense
    years = [y for y in (year, year + 1) if y <= max(kop.years())]
    base = {y: neraca_lines(kop.statements(y)) for y in years}
    closed = with_entries(kop, closing)
    assert {y: neraca_lines(closed.statements(y)) for y in years} == base
    for y in years:  # no statement changes by closing: PHU, equity by component, cash flow included
        assert every_figure(closed.statements(y)) == every_figure(kop.statements(y))
    open_then_allocated = with_entries(kop, [allocation])
    closed_then_allocated = with_entries(kop, [*closing, allocation])
    for y in years:
        assert neraca_lines(open_then_allocated.statements(y)) == neraca_lines(closed_then_allocated.statements(y))
        assert every_figure(open_then_allocated.statements(y)) == every_figure(closed_then_allocated.statements(y))
    assert neraca_lines(open_then_allocated.statements(year)) == base[year]  # dated in the next year
    # The year's SHU stays "SHU tahun berjalan" in its own year, whatever the order.
    for books in (kop, closed, open_then_allocated, closed_then_allocated):
        fs = books.statements(year)
        assert fs.neraca.total("shu_tahun_berjalan") == fs.phu.total("shu")


# --- the example koperasi -------------------------------------------------------------------
@pytest.fixture(scope="module")
def mawar() -> Koperasi:
    kop = Koperasi.load(EXAMPLE)
    assert kop.errors == []
    return kop


@pytest.mark.parametrize("year", [2024, 2025])
def test_example_figures_agree(mawar: Koperasi, year: int) -> None:
    check_figures_agree(mawar, year)


def test_example_closing_and_allocation_change_no_line(mawar: Koperasi) -> None:
    result = mawar.shu(2024)
    allocation = allocation_entry(mawar, result, dt.date(2025, 3, 15))
    check_closing_and_allocation_invariance(mawar, 2024, allocation)
    fs = mawar.statements(2025)
    # The figures of the issue: before any closing, 2025's SHU and 2024's undistributed SHU apart.
    assert fs.neraca.total("shu_tahun_berjalan") == D("36284933")
    assert fs.neraca.total("shu_belum_dibagi") == D("19133392")
    assert [(b.tahun, b.jumlah) for b in fs.calk.shu_belum_dibagi] == [(2024, D("19133392"))]
    allocated = with_entries(mawar, [allocation]).statements(2025)
    assert allocated.neraca.total("shu_tahun_berjalan") == D("36284933")
    assert allocated.neraca.total("shu_belum_dibagi") == 0


def test_each_years_shu_not_yet_allocated_is_one_function(mawar: Koperasi) -> None:
    """The notes' "SHU belum dibagi" by year and the year file's carried ``shu-tahun`` both ask
    :func:`kopledger.books.katalog.shu_unallocated` (one count, :class:`ShuByYear`)."""
    end = dt.date(2025, 12, 31)
    left = shu_unallocated(mawar.transactions, mawar.katalog, mawar.currency, end)
    assert left == {2024: D("19133392"), 2025: D("36284933")}
    assert shu_unallocated(mawar.transactions, mawar.katalog, mawar.currency, dt.date(2024, 12, 31)) == {
        2024: D("19133392")}
    notes = mawar.statements(2025).calk.shu_belum_dibagi
    assert {b.tahun: b.jumlah for b in notes} == {y: v for y, v in left.items() if y < 2025}
    allocated = with_entries(mawar, [allocation_entry(mawar, mawar.shu(2024), dt.date(2025, 3, 15))])
    assert shu_unallocated(allocated.transactions, allocated.katalog, allocated.currency, end) == {
        2025: D("36284933")}
    before = shu_unallocated(allocated.transactions, allocated.katalog, allocated.currency, dt.date(2025, 3, 14))
    assert before[2024] == D("19133392")  # the day before the allocation


def test_example_rat_pack_shows_the_statements_figures(mawar: Koperasi) -> None:
    pack = build_rat(mawar, 2025)
    fs = mawar.statements(2025)
    assert pack.angka.aset_lancar == fs.neraca.total("aset_lancar")
    assert pack.simpanan.total == fs.calk.simpanan[-1].jumlah
    assert pack.shu is not None and pack.shu.shu == fs.phu.total("shu")
    assert shu_json(pack.shu)["shu"] == statements_json(fs, ["phu"])["phu"]["totals"]["shu"]["jumlah"]


# --- a small hand-made koperasi with non-current assets ------------------------------------
SMALL = """
2024-01-01 custom "koperasi" "Koperasi Uji Jangka"
2024-01-01 custom "shu-alokasi" "cadangan" 50
2024-01-01 custom "shu-alokasi" "jasa-modal" 30
2024-01-01 custom "shu-alokasi" "dana-pendidikan" 20
2024-01-01 open Aset:Deposito:BRI IDR
  kode: "1-105"
  nama: "Deposito dua tahun"
  jangka: "panjang"
2024-01-01 open Aset:Penyertaan IDR
  kode: "1-150"
2024-01-02 custom "anggota" "A0001" "Siti Aminah"
2024-01-02 custom "anggota" "A0002" "Budi Santoso"
2024-01-02 * "Simpanan pokok" #simpanan-pokok
  Aset:Kas  200000 IDR
  Ekuitas:SimpananPokok:A0001  -100000 IDR
    anggota: "A0001"
  Ekuitas:SimpananPokok:A0002  -100000 IDR
    anggota: "A0002"
2024-02-01 * "Setor sukarela" #simpanan-sukarela
  anggota: "A0002"
  Aset:Kas  1300000 IDR
  Liabilitas:SimpananSukarela:A0002  -1300000 IDR
2024-03-01 * "Deposito dua tahun di BRI"
  Aset:Deposito:BRI  300000 IDR
  Aset:Kas  -300000 IDR
2024-03-02 * "Penyertaan pada koperasi sekunder"
  Aset:Penyertaan  200000 IDR
  Aset:Kas  -200000 IDR
2024-06-01 * "Jual ke anggota"
  anggota: "A0001"
  Aset:Kas  90000 IDR
  Pendapatan:Anggota:Penjualan  -90000 IDR
2024-07-01 * "Gaji"
  Beban:Usaha:Gaji  30000 IDR
  Aset:Kas  -30000 IDR
2025-02-01 * "Jual ke non-anggota"
  Aset:Kas  50000 IDR
  Pendapatan:NonAnggota:Penjualan  -50000 IDR
"""


@pytest.fixture(scope="module")
def small() -> Koperasi:
    kop = Koperasi.from_string(HEADER_ID + SMALL)
    assert kop.errors == []
    return kop


def test_small_non_current_assets_one_classification(small: Koperasi) -> None:
    fs = small.statements(2024)
    # Kas 200.000 + 1.300.000 − 300.000 − 200.000 + 90.000 − 30.000: the only current asset.
    assert fs.neraca.total("aset_lancar") == D(1060000)
    assert fs.neraca.total("aset_tidak_lancar") == D(500000)
    assert small.katalog["Aset:Deposito:BRI"].jangka == "panjang"
    assert not small.katalog["Aset:Penyertaan"].lancar
    assert small.katalog["Aset:Kas"].kas and small.katalog["Aset:Kas"].lancar
    assert year_figures(small, 2024).aset_lancar == D(1060000)
    pack = build_rat(small, 2024)
    likuiditas = next(i for i in pack.indikator if i.kode == "likuiditas")
    assert likuiditas.nilai == D("81.54")  # 1.060.000 / 1.300.000


@pytest.mark.parametrize("year", [2024, 2025])
def test_small_figures_agree(small: Koperasi, year: int) -> None:
    check_figures_agree(small, year)


def test_small_closing_and_allocation_change_no_line(small: Koperasi) -> None:
    result = small.shu(2024)
    assert result.shu == D(60000)
    check_closing_and_allocation_invariance(small, 2024, allocation_entry(small, result, dt.date(2025, 3, 15)))


# --- generated books ---------------------------------------------------------------------------
ACCOUNTS = (
    "Aset:Kas", "Aset:Bank:BRI", "Aset:Persediaan", "Aset:AsetTetap:Peralatan", "Aset:Penyertaan",
    "Aset:Deposito", "Liabilitas:SimpananSukarela:A0001", "Liabilitas:UtangBank",
    "Ekuitas:SimpananPokok:A0001", "Ekuitas:SimpananWajib:A0001", "Ekuitas:Cadangan:Umum", "Ekuitas:Hibah",
    "Ekuitas:SHU:TahunBerjalan", "Pendapatan:Anggota:Penjualan", "Pendapatan:NonAnggota:Penjualan",
    "Beban:PokokPenjualan", "Beban:Usaha:Gaji",
)
OPENS = "".join(
    f"2020-01-01 open {a} IDR\n" + ('  jangka: "panjang"\n' if a == "Aset:Deposito" else "")
    for a in ACCOUNTS if f" open {a} " not in HEADER_ID
)
GENERATED_HEADER = (HEADER_ID + OPENS + '2020-01-01 custom "anggota" "A0001" "Siti Aminah"\n')

transaction = st.tuples(
    st.dates(min_value=dt.date(2023, 6, 1), max_value=dt.date(2025, 12, 31)),
    st.lists(st.tuples(st.sampled_from(ACCOUNTS), st.integers(-500_000, 500_000)), min_size=1, max_size=4),
    st.sampled_from(ACCOUNTS),
)


def generated(txns: list[tuple[dt.date, list[tuple[str, int]], str]]) -> Koperasi:
    lines = []
    for date, postings, balancing in sorted(txns, key=lambda t: t[0]):
        lines.append(f'{date} * "t"')
        total = 0
        for account, amount in postings:
            lines.append(f"  {account}  {amount} IDR")
            total += amount
        lines.append(f"  {balancing}  {-total} IDR")
    return Koperasi.from_string(GENERATED_HEADER + "\n".join(lines) + "\n")


@settings(max_examples=25, deadline=None)
@given(st.lists(transaction, min_size=2, max_size=10).filter(lambda t: any(d.year == 2024 for d, _p, _b in t)))
def test_generated_books_figures_agree_and_closing_changes_nothing(txns) -> None:
    kop = generated(txns)
    for year in (2024, 2025):
        if min(kop.years()) <= year:
            check_figures_agree(kop, year)
    shu = kop.statements(2024).phu.total("shu")
    half = (shu / 2).quantize(D(1))
    allocation = data.Transaction(
        data.new_metadata("<test>", 0), dt.date(2025, 3, 15), "*", None, "Alokasi SHU 2024",
        frozenset({"shu-alokasi"}), frozenset({"shu-2024"}), [
            data.Posting("Ekuitas:SHU:TahunBerjalan", data.Amount(shu, "IDR"), None, None, None, None),
            data.Posting("Ekuitas:Cadangan:Umum", data.Amount(-half, "IDR"), None, None, None, None),
            data.Posting("Liabilitas:DanaSHU:Pendidikan", data.Amount(half - shu, "IDR"), None, None, None, None),
        ])
    if any(e for e in kop.transactions if e.date.year == 2024):
        check_closing_and_allocation_invariance(kop, 2024, allocation)


def test_example_notes_show_each_years_kolektibilitas_under_its_year(mawar: Koperasi) -> None:
    from kopledger.present.formatting import akuntansi
    from kopledger.present.laporan import render_laporan

    fs = mawar.statements(2025)
    now, before = mawar.portfolio(dt.date(2025, 12, 31)), mawar.portfolio(dt.date(2024, 12, 31))
    assert fs.calk.pinjaman is now and fs.calk.pinjaman_pembanding is before
    assert now.total_saldo != before.total_saldo  # the two years really differ
    doc = statements_json(fs, ["calk"])
    assert doc["calk"]["pinjaman_pembanding"]["total_saldo"] == format(before.total_saldo, "f")
    text = render_laporan(mawar, fs, "txt", jenis=["calk"])
    assert isinstance(text, str)
    for c_now, c_before in zip(now.per_kolektibilitas, before.per_kolektibilitas, strict=True):
        row = next(line for line in text.splitlines() if line.strip().lower().startswith(
            c_now.kolektibilitas.replace("-", " ")))
        assert row.split()[-2:] == [akuntansi(c_now.saldo), akuntansi(c_before.saldo)]  # 2025, then 2024
    html = render_laporan(mawar, fs, "html", jenis=["calk"])
    assert isinstance(html, str) and akuntansi(before.ppap_wajib) in html
