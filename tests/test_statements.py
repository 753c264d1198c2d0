"""The five statements as data: balance, reconciliation, closing, classification.

bean-query (beanquery) is the independent oracle for the totals.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from beanquery.query import run_query
from hypothesis import given, settings
from hypothesis import strategies as st

from kopledger import Koperasi
from kopledger.core.errors import InputError
from kopledger.present.laporan import statements_json
from kopledger.reports.statements import build_statements
from tests.conftest import HEADER_ID

D = Decimal

#: A small koperasi over two years: 2024 is closed (#tutup-buku-2024), 2025 is not.
SMALL = """
2020-01-01 custom "koperasi" "Koperasi Uji Sejahtera"
  alamat: "Jl. Mawar 1, Sukabumi"
2020-01-01 open Aset:Bank:BRI IDR
  kode: "1-102"
  nama: "Bank BRI"
2020-01-01 open Aset:AsetTetap:Peralatan IDR
  kode: "1-161"
2020-01-01 open Aset:AsetTetap:AkumulasiPenyusutan IDR
  kode: "1-169"
2020-01-01 open Beban:Usaha:Penyusutan IDR
2020-01-01 open Beban:Pajak IDR
2020-01-01 open Liabilitas:UtangBank IDR
2020-01-01 open Aset:Piutang:Usaha IDR
2024-01-05 custom "anggota" "A0001" "Siti Aminah"
2024-01-05 custom "anggota" "A0002" "Budi Santoso"
2024-01-05 * "Simpanan pokok" #simpanan-pokok
  Aset:Kas  200000 IDR
  Ekuitas:SimpananPokok:A0001  -100000 IDR
    anggota: "A0001"
  Ekuitas:SimpananPokok:A0002  -100000 IDR
    anggota: "A0002"
2024-02-05 * "Simpanan wajib Januari 2024" #simpanan-wajib
  anggota: "A0001"
  bulan: "2024-01"
  Aset:Kas  25000 IDR
  Ekuitas:SimpananWajib:A0001  -25000 IDR
2024-02-10 * "Setor sukarela" #simpanan-sukarela
  anggota: "A0002"
  Aset:Kas  70000 IDR
  Liabilitas:SimpananSukarela:A0002  -70000 IDR
2024-03-01 * "Beli barang"
  Aset:Persediaan  50000 IDR
  Aset:Kas  -50000 IDR
2024-03-02 * "Jual ke anggota"
  anggota: "A0001"
  Aset:Kas  40000 IDR
  Pendapatan:Anggota:Penjualan  -40000 IDR
2024-03-02 * "HPP"
  Beban:PokokPenjualan  30000 IDR
  Aset:Persediaan  -30000 IDR
2024-12-31 * "Tutup buku 2024" #tutup-buku-2024
  Pendapatan:Anggota:Penjualan  40000 IDR
  Beban:PokokPenjualan  -30000 IDR
  Ekuitas:SHU:TahunBerjalan  -10000 IDR
2025-01-10 * "Setor ke bank"
  Aset:Bank:BRI  20000 IDR
  Aset:Kas  -20000 IDR
2025-02-01 * "Beli peralatan"
  Aset:AsetTetap:Peralatan  12000 IDR
  Aset:Kas  -12000 IDR
2025-02-15 * "Pinjaman bank"
  Aset:Bank:BRI  50000 IDR
  Liabilitas:UtangBank  -50000 IDR
2025-03-02 * "Jual ke non-anggota, sebagian kredit"
  Aset:Kas  30000 IDR
  Aset:Piutang:Usaha  5000 IDR
  Pendapatan:NonAnggota:Penjualan  -35000 IDR
2025-03-05 * "Gaji"
  Beban:Usaha:Gaji  5000 IDR
  Aset:Kas  -5000 IDR
2025-04-01 * "Alokasi SHU 2024" #shu-alokasi ^shu-2024
  Ekuitas:SHU:TahunBerjalan  10000 IDR
  Ekuitas:Cadangan:Umum  -2500 IDR
  Liabilitas:DanaSHU:Pengurus  -1000 IDR
  Liabilitas:UtangSHU:A0001  -6500 IDR
2025-04-10 * "Bayar SHU" #shu-bayar
  anggota: "A0001"
  Liabilitas:UtangSHU:A0001  6500 IDR
  Aset:Kas  -6500 IDR
2025-05-01 * "Tarik sukarela" #simpanan-sukarela
  anggota: "A0002"
  Liabilitas:SimpananSukarela:A0002  20000 IDR
  Aset:Kas  -20000 IDR
2025-06-30 * "Penyusutan"
  Beban:Usaha:Penyusutan  1000 IDR
  Aset:AsetTetap:AkumulasiPenyusutan  -1000 IDR
2025-07-30 * "Pajak"
  Beban:Pajak  500 IDR
  Aset:Kas  -500 IDR
2025-09-01 custom "anggota-keluar" "A0002"
2025-09-01 * "A0002 keluar" #anggota-keluar
  anggota: "A0002"
  Ekuitas:SimpananPokok:A0002  100000 IDR
  Liabilitas:SimpananAnggotaKeluar:A0002  -100000 IDR
2025-09-05 * "Bayar A0002"
  anggota: "A0002"
  Liabilitas:SimpananAnggotaKeluar:A0002  100000 IDR
  Liabilitas:SimpananSukarela:A0002  50000 IDR
  Aset:Kas  -150000 IDR
"""


def small() -> Koperasi:
    kop = Koperasi.from_string(HEADER_ID + SMALL)
    assert kop.errors == []
    return kop


def bql_sums(kop: Koperasi, what: str, where: str = "TRUE") -> dict[tuple, Decimal]:
    """bean-query, the independent oracle: operating-currency weights summed by ``what``."""
    query = (f"SELECT {what}, sum(number(weight)) WHERE currency(weight) = '{kop.currency}' AND ({where}) "
             f"GROUP BY {what}")
    _, rows = run_query(kop.entries, kop.options, query)
    return {tuple(row[:-1]): D(str(row[-1] or 0)) for row in rows}


def line(statement, akun: str):
    return next(x for x in statement.lines if x.akun == akun)


def check_invariants(fs, kop: Koperasi) -> None:
    """Balance, reconciliation, cash — for both columns."""
    for prior in (False, True):
        n = fs.neraca
        assert n.total("total_aset", pembanding=prior) == n.total("total_liabilitas_ekuitas", pembanding=prior)
        assert n.total("total_liabilitas_ekuitas", pembanding=prior) == (
            n.total("total_liabilitas", pembanding=prior) + n.total("total_ekuitas", pembanding=prior)
        )
        assert fs.ekuitas.total("saldo_akhir", pembanding=prior) == n.total("total_ekuitas", pembanding=prior)
        assert fs.arus_kas.total("kas_akhir", pembanding=prior) == n.total("kas_dan_setara_kas", pembanding=prior)
        assert fs.phu.total("shu", pembanding=prior) == (
            fs.phu.total("total_pendapatan", pembanding=prior) - fs.phu.total("total_beban", pembanding=prior)
        )
    # The prior column's closing is this year's opening.
    assert fs.ekuitas.total("saldo_awal") == fs.neraca.total("total_ekuitas", pembanding=True)
    assert fs.arus_kas.total("kas_awal") == fs.neraca.total("kas_dan_setara_kas", pembanding=True)


def check_oracle(fs, kop: Koperasi, cash_where: str) -> None:
    """Every total against bean-query over the same accounts and dates (three queries)."""
    r = kop.roots
    years = (fs.pembanding, fs.tahun)
    by_year_root = bql_sums(kop, "year, root(account, 1)")
    closing = bql_sums(kop, "year, root(account, 1)", " OR ".join(
        f"(year = {y} AND 'tutup-buku-{y}' IN tags)" for y in years))
    cash = bql_sums(kop, "year", cash_where)

    def upto(year: int, root: str | None = None) -> Decimal:
        return sum((v for (y, rt), v in by_year_root.items() if y <= year and root in (None, rt)), D(0))

    def in_year(year: int, root: str) -> Decimal:
        return by_year_root.get((year, root), D(0)) - closing.get((year, root), D(0))

    for year, prior in ((fs.tahun, False), (fs.pembanding, True)):
        assert fs.neraca.total("total_aset", pembanding=prior) == upto(year, r.aset)
        assert fs.neraca.total("total_liabilitas", pembanding=prior) == -upto(year, r.liabilitas)
        # Equity: everything not asset or liability, plus what tolerance left unbalanced (0 in IDR books).
        equity_like = upto(year, r.ekuitas) + upto(year, r.pendapatan) + upto(year, r.beban)
        assert fs.neraca.total("total_ekuitas", pembanding=prior) == upto(year) - equity_like
        income, expenses = in_year(year, r.pendapatan), in_year(year, r.beban)
        assert fs.phu.total("total_pendapatan", pembanding=prior) == -income
        assert fs.phu.total("total_beban", pembanding=prior) == expenses
        assert fs.phu.total("shu", pembanding=prior) == -(income + expenses)
        cash_end = sum((v for (y,), v in cash.items() if y <= year), D(0))
        assert fs.arus_kas.total("kas_akhir", pembanding=prior) == cash_end


def test_small_ledger_statements_balance_and_reconcile():
    kop = small()
    fs = build_statements(kop, 2025)
    check_invariants(fs, kop)
    check_oracle(fs, kop, "account ~ '^Aset:(Kas|Bank)'")
    n = fs.neraca
    assert line(n, "Aset:Kas").jumlah == D(
        200000 + 25000 + 70000 - 50000 + 40000 - 20000 - 12000 + 30000 - 5000 - 6500 - 20000 - 500 - 150000
    )
    assert line(n, "Aset:Kas").kode == "1-101"
    # Member sub-accounts summed into their parent line.
    pokok = line(n, "Ekuitas:SimpananPokok")
    assert (pokok.jumlah, pokok.jumlah_pembanding, pokok.kode) == (D(100000), D(200000), "3-101")
    assert not any("A0001" in x.akun for x in n.lines)
    # Lines ordered by kode inside each section.
    kodes = [x.kode for x in n.lines if x.jenis == "baris" and x.kode.startswith("1-")]
    assert kodes == sorted(kodes)
    # Liabilities by maturity: UtangBank (2-150) is long-term.
    labels = [x.label for x in n.lines]
    assert labels.index("Liabilitas jangka panjang") < labels.index("Utang Bank")
    # 2025 is not closed: its SHU appears as SHU tahun berjalan (computed); 2024's is booked.
    shu_line = line(n, "Ekuitas:SHU:TahunBerjalan")
    assert fs.phu.total("shu") == D(35000 - 5000 - 1000 - 500)
    assert shu_line.jumlah == fs.phu.total("shu")  # 2024's 10000 was allocated in 2025
    assert shu_line.jumlah_pembanding == D(10000)  # booked by the closing entry, not doubled


def test_phu_excludes_closing_and_splits_members_from_non_members():
    fs = build_statements(small(), 2025)
    phu = fs.phu
    assert phu.totals["partisipasi_anggota"] == (D(0), D(40000))
    assert phu.totals["pendapatan_non_anggota"] == (D(35000), D(0))
    assert phu.totals["beban_pokok"] == (D(0), D(30000))
    assert phu.totals["beban_pajak"] == (D(500), D(0))
    assert phu.total("shu_sebelum_pajak") - phu.total("beban_pajak") == phu.total("shu")
    assert phu.total("shu", pembanding=True) == D(10000)  # the closing entry is not in the PHU


def test_equity_movements_by_kind():
    fs = build_statements(small(), 2025)
    eq = fs.ekuitas
    assert eq.totals["pokok_setor"] == (D(0), D(200000))
    assert eq.totals["wajib_setor"] == (D(0), D(25000))
    assert eq.totals["pokok_kembali"] == (D(-100000), D(0))
    assert eq.total("cadangan_shu") == D(2500)
    assert eq.total("shu_dibagi") == D(-10000)
    assert eq.totals["shu"] == (fs.phu.total("shu"), fs.phu.total("shu", pembanding=True))
    assert eq.totals["saldo_awal"] == (D(235000), D(0))


def test_cash_flow_direct_method():
    fs = build_statements(small(), 2025)
    ak = fs.arus_kas
    amounts = {x.label: x.jumlah for x in ak.lines if x.jenis == "baris"}
    assert amounts["Penerimaan dari non-anggota (pelanggan)"] == D(30000)  # cash part only
    assert amounts["Pembayaran kepada karyawan dan pengurus"] == D(-5000)
    assert amounts["Pembayaran pajak"] == D(-500)
    assert amounts["Perolehan aset tetap (neto)"] == D(-12000)
    assert amounts["Pinjaman bank (neto)"] == D(50000)
    assert amounts["Pembayaran SHU dan dana SHU"] == D(-6500)
    assert amounts["Pengembalian simpanan anggota keluar"] == D(-100000)
    assert amounts["Simpanan sukarela dan berjangka (neto)"] == D(-70000)
    assert "Setor ke bank" not in amounts  # a transfer between cash accounts is no flow
    assert ak.total("operasi") + ak.total("investasi") + ak.total("pendanaan") == ak.total("kenaikan_kas")


def test_notes_follow_from_the_books():
    fs = build_statements(small(), 2025)
    calk = fs.calk
    simpanan = {x.label: (x.jumlah, x.jumlah_pembanding) for x in calk.simpanan}
    assert simpanan["Simpanan Pokok"] == (D(100000), D(200000))
    assert simpanan["Simpanan Sukarela"] == (D(0), D(70000))
    assert calk.anggota_aktif == (1, 2)
    assert {p.kunci for p in calk.kebijakan} == {"simpanan-pokok", "simpanan-wajib"}
    book = next(x for x in calk.aset_tetap if x.label == "Nilai buku")
    assert (book.jumlah, book.jumlah_pembanding) == (D(11000), D(0))
    member_line = next(d for d in calk.rincian if d.akun == "Ekuitas:SimpananPokok:*")
    assert member_line.jumlah_akun == 2
    assert calk.pinjaman is None  # this koperasi does not lend


def test_json_contract():
    fs = build_statements(small(), 2025)
    data = statements_json(fs, ["neraca", "phu", "ekuitas", "arus-kas"])
    assert set(data) >= {"tahun", "pembanding", "neraca", "phu", "ekuitas", "arus_kas"}
    assert (data["tahun"], data["pembanding"]) == (2025, 2024)
    assert data["neraca"]["total_aset"] == str(fs.neraca.total("total_aset"))
    for key in ("total_aset", "total_liabilitas", "total_ekuitas"):
        assert isinstance(data["neraca"][key], str)
    for key in ("total_pendapatan", "total_beban", "shu"):
        assert D(data["phu"][key]) == fs.phu.total(key)
    first = data["neraca"]["lines"][2]
    assert set(first) >= {"label", "kode", "akun", "jumlah", "jumlah_pembanding"}
    assert "calk" not in data
    only = statements_json(fs, ["phu"])
    assert "neraca" not in only and "phu" in only


def test_english_roots_and_no_standard_chart():
    header = HEADER_ID.replace('"Aset"', '"Assets"').replace('"Liabilitas"', '"Liabilities"').replace(
        '"Ekuitas"', '"Equity"').replace('"Pendapatan"', '"Income"').replace('"Beban"', '"Expenses"')
    body = """
2020-01-01 open Assets:Kas IDR
2020-01-01 open Assets:Bank:Mandiri IDR
2020-01-01 open Equity:Cadangan:Umum IDR
2020-01-01 open Income:Anggota:Penjualan IDR
2020-01-01 open Expenses:Usaha:Gaji IDR
2024-01-05 custom "anggota" "A0001" "Siti"
2024-01-05 * "pokok"
  Assets:Kas  100000 IDR
  Equity:SimpananPokok:A0001  -100000 IDR
2025-02-01 * "jual"
  anggota: "A0001"
  Assets:Bank:Mandiri  60000 IDR
  Income:Anggota:Penjualan  -60000 IDR
2025-03-01 * "gaji"
  Expenses:Usaha:Gaji  10000 IDR
  Assets:Kas  -10000 IDR
"""
    text = "\n".join(x for x in header.splitlines() if " open " not in x and "custom" not in x) + body
    kop = Koperasi.from_string(text)
    assert [e for e in kop.errors if "plugin" not in e.message] == []
    fs = build_statements(kop, 2025)
    check_invariants(fs, kop)
    check_oracle(fs, kop, "account ~ '^Assets:(Kas|Bank)'")
    assert fs.phu.total("partisipasi_anggota") == D(60000)
    assert line(fs.neraca, "Equity:SimpananPokok").jumlah == D(100000)
    assert fs.arus_kas.total("kas_akhir") == D(150000)


def test_errors_are_input_errors():
    kop = small()
    with pytest.raises(InputError, match="tidak ada transaksi pada atau sebelum 2019"):
        build_statements(kop, 2019)
    bad = Koperasi.from_string(HEADER_ID + '2020-01-01 open Aset:Lain IDR\n  arus-kas: "entah"\n'
                               '2024-01-01 * "x"\n  Aset:Lain 1 IDR\n  Aset:Kas -1 IDR\n')
    with pytest.raises(InputError, match="arus-kas"):
        build_statements(bad, 2024)


def test_arus_kas_metadata_overrides_the_default():
    kop = Koperasi.from_string(HEADER_ID + """
2020-01-01 open Aset:Deposito IDR
  arus-kas: "kas"
2020-01-01 open Aset:Lain IDR
  arus-kas: "investasi-lain"
2024-01-01 * "x"
  Aset:Deposito 5 IDR
  Aset:Lain 7 IDR
  Ekuitas:Cadangan:Umum -12 IDR
2024-02-01 * "y"
  Aset:Lain -3 IDR
  Aset:Deposito 3 IDR
""")
    fs = build_statements(kop, 2024)
    assert fs.arus_kas.total("kas_akhir") == D(8)
    assert fs.arus_kas.total("investasi") == D(-4)
    assert fs.arus_kas.total("pendanaan") == D(12)
    check_invariants(fs, kop)


# ----------------------------------------------------------------------------------
# Property: any balanced books give balanced, reconciled statements
# ----------------------------------------------------------------------------------

ACCOUNTS = (
    "Aset:Kas", "Aset:Bank:BRI", "Aset:Persediaan", "Aset:AsetTetap:Peralatan",
    "Aset:Piutang:PinjamanAnggota:A0001", "Liabilitas:SimpananSukarela:A0001", "Liabilitas:UtangBank",
    "Ekuitas:SimpananPokok:A0001", "Ekuitas:SimpananWajib:A0001", "Ekuitas:Cadangan:Umum",
    "Ekuitas:SHU:TahunBerjalan", "Pendapatan:Anggota:Penjualan", "Pendapatan:NonAnggota:Penjualan",
    "Beban:PokokPenjualan", "Beban:Usaha:Gaji",
)
OPEN = "".join(f"2020-01-01 open {a} IDR\n" for a in ACCOUNTS if f" open {a} " not in HEADER_ID)
PROPERTY_HEADER = HEADER_ID.replace('plugin "kopledger.plugin"\n', "") + OPEN

transaction = st.tuples(
    st.dates(min_value=dt.date(2023, 1, 1), max_value=dt.date(2025, 12, 31)),
    st.lists(st.tuples(st.sampled_from(ACCOUNTS), st.integers(-500_000, 500_000)), min_size=1, max_size=4),
    st.sampled_from(ACCOUNTS),
    st.sampled_from(["", "#tutup-buku-2024", "#tutup-buku-2025", "#shu-alokasi", "#saldo-awal", "#koreksi"]),
)


def books_of(txns) -> Koperasi:
    lines = []
    for date, postings, balancing, tag in sorted(txns, key=lambda t: t[0]):
        lines.append(f'{date} * "t" {tag}'.rstrip())
        total = 0
        for account, amount in postings:
            lines.append(f"  {account}  {amount} IDR")
            total += amount
        lines.append(f"  {balancing}  {-total} IDR")
    kop = Koperasi.from_string(PROPERTY_HEADER + "\n".join(lines) + "\n")
    assert [e for e in kop.errors if "plugin" not in e.message] == []
    return kop


books = st.lists(transaction, min_size=1, max_size=12)


@settings(max_examples=60, deadline=None)
@given(books, st.sampled_from([2024, 2025]))
def test_property_any_books_balance_and_reconcile(txns, year):
    kop = books_of(txns)
    if min(t[0] for t in txns).year > year:
        with pytest.raises(InputError):
            build_statements(kop, year)
        return
    check_invariants(build_statements(kop, year), kop)


@settings(max_examples=10, deadline=None)
@given(books, st.sampled_from([2024, 2025]))
def test_property_totals_equal_bean_query(txns, year):
    kop = books_of(txns)
    if min(t[0] for t in txns).year > year:
        return
    check_oracle(build_statements(kop, year), kop, "account ~ '^Aset:(Kas|Bank)'")
