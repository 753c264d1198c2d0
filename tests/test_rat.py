"""The RAT pack: its numbers against the library's own statements, SHU and register.

The document is rendered, parsed back (tests/rat_html.py) by the ids and data
attributes of the templates, and every figure is compared with what
``build_statements`` / ``compute_shu`` / the register say, formatted through
``kopledger.present.formatting``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from kopledger import Koperasi
from kopledger.cli import main
from kopledger.core.errors import InputError
from kopledger.present import formatting
from kopledger.present.rat import render_rat
from kopledger.reports.rat import build_rat, rat_texts
from tests.conftest import ledger_text
from tests.rat_html import RatDocument

D = Decimal
EVIL = "Siti <script>alert('x')</script> & Co"

BODY = f'''
2020-01-01 custom "koperasi" "Koperasi Wanita Uji Sejahtera"
  badan-hukum: "AHU-0000001.AH.01.26.Tahun 2020"
  alamat: "Jl. Mawar 1, Sukabumi"
  jenis: "serba-usaha"
2020-01-01 open Aset:Bank:BRI IDR
  kode: "1-102"
  nama: "Bank BRI"
2020-01-01 open Aset:AsetTetap:Peralatan IDR
  kode: "1-161"
2020-01-01 open Pendapatan:Anggota:BiayaAdmin IDR
2020-01-01 open Beban:Usaha:Sewa IDR
2020-01-01 custom "shu-alokasi" "cadangan" 40
2020-01-01 custom "shu-alokasi" "jasa-modal" 20
2020-01-01 custom "shu-alokasi" "jasa-usaha" 25
2020-01-01 custom "shu-alokasi" "dana-pengurus" 5
2020-01-01 custom "shu-alokasi" "dana-karyawan" 5
2020-01-01 custom "shu-alokasi" "dana-pendidikan" 2.5
2020-01-01 custom "shu-alokasi" "dana-sosial" 2.5
2020-01-01 custom "pengurus" "ketua" "Ibu Ketua"
2020-01-01 custom "pengurus" "sekretaris" "Ibu Sekretaris"
2020-01-01 custom "pengurus" "bendahara" "Ibu Bendahara"
2020-01-01 custom "pengurus" "pengawas" "Bapak Pengawas"

2024-01-05 custom "anggota" "A0001" "{EVIL}"
  jenis-kelamin: "P"
2024-01-05 custom "anggota" "A0002" "Budi Santoso"
  jenis-kelamin: "L"
2024-01-05 custom "anggota" "A0003" "Citra Lestari"
  jenis-kelamin: "P"
2024-01-05 * "Simpanan pokok" #simpanan-pokok
  Aset:Kas  300000 IDR
  Ekuitas:SimpananPokok:A0001  -100000 IDR
    anggota: "A0001"
  Ekuitas:SimpananPokok:A0002  -100000 IDR
    anggota: "A0002"
  Ekuitas:SimpananPokok:A0003  -100000 IDR
    anggota: "A0003"
2024-02-05 * "Simpanan wajib Januari 2024" #simpanan-wajib
  anggota: "A0001"
  bulan: "2024-01"
  Aset:Kas  25000 IDR
  Ekuitas:SimpananWajib:A0001  -25000 IDR
2024-02-06 * "Simpanan wajib Januari 2024" #simpanan-wajib
  anggota: "A0002"
  bulan: "2024-01"
  Aset:Kas  25000 IDR
  Ekuitas:SimpananWajib:A0002  -25000 IDR
2024-02-10 * "Setor sukarela" #simpanan-sukarela
  anggota: "A0003"
  Aset:Kas  500000 IDR
  Liabilitas:SimpananSukarela:A0003  -500000 IDR
2024-03-01 * "Beli peralatan"
  Aset:AsetTetap:Peralatan  200000 IDR
  Aset:Kas  -200000 IDR
2024-04-02 * "Jual ke anggota"
  anggota: "A0001"
  Aset:Kas  400000 IDR
  Pendapatan:Anggota:Penjualan  -400000 IDR
2024-04-03 * "Jual ke umum"
  Aset:Kas  100000 IDR
  Pendapatan:NonAnggota:Penjualan  -100000 IDR
2024-05-01 * "Sewa"
  Aset:Kas  -150000 IDR
  Beban:Usaha:Sewa  150000 IDR

2025-02-01 custom "anggota" "A0004" "Dewi Anggraini"
  jenis-kelamin: "P"
2025-02-01 * "Simpanan pokok" #simpanan-pokok
  anggota: "A0004"
  Aset:Kas  100000 IDR
  Ekuitas:SimpananPokok:A0004  -100000 IDR
2025-03-05 * "Simpanan wajib Februari 2025" #simpanan-wajib
  anggota: "A0004"
  bulan: "2025-02"
  Aset:Kas  25000 IDR
  Ekuitas:SimpananWajib:A0004  -25000 IDR
2025-04-02 * "Jual ke anggota"
  anggota: "A0001"
  Aset:Kas  600000 IDR
  Pendapatan:Anggota:Penjualan  -600000 IDR
2025-04-03 * "Jual ke anggota"
  anggota: "A0004"
  Aset:Kas  333333 IDR
  Pendapatan:Anggota:Penjualan  -333333 IDR
2025-04-04 * "Jual ke umum"
  Aset:Kas  250000 IDR
  Pendapatan:NonAnggota:Penjualan  -250000 IDR
2025-05-02 * "Sewa"
  Aset:Kas  -150000 IDR
  Beban:Usaha:Sewa  150000 IDR
2025-06-30 custom "anggota-keluar" "A0002"
  alasan: "pindah"
2025-06-30 * "Anggota keluar" #anggota-keluar
  anggota: "A0002"
  Ekuitas:SimpananPokok:A0002  100000 IDR
  Ekuitas:SimpananWajib:A0002  25000 IDR
  Liabilitas:SimpananAnggotaKeluar:A0002  -125000 IDR
2025-07-01 * "Bayar anggota keluar"
  anggota: "A0002"
  Liabilitas:SimpananAnggotaKeluar:A0002  125000 IDR
  Aset:Kas  -125000 IDR
'''


@pytest.fixture(scope="module")
def kop() -> Koperasi:
    books = Koperasi.from_string(ledger_text(BODY))
    assert books.errors == [], [e.message for e in books.errors]
    return books


@pytest.fixture(scope="module")
def pack(kop):
    return build_rat(kop, 2025)


@pytest.fixture(scope="module")
def html(pack) -> str:
    out = render_rat(pack)
    assert isinstance(out, str)
    return out


@pytest.fixture(scope="module")
def doc(html) -> RatDocument:
    return RatDocument(html)


def test_all_sections_are_there(pack, doc):
    assert pack.belum_tersedia == {}
    for section in ("sampul", "daftar-isi", "kata-pengantar", "keanggotaan", "laporan-keuangan", "shu",
                    "simpanan-pinjaman", "indikator", "pengesahan"):
        assert section in doc.texts, section
    cover = doc.texts["sampul"]
    assert "Laporan Pertanggungjawaban Pengurus" in cover
    assert "Tahun Buku 2025" in cover
    assert "Koperasi Wanita Uji Sejahtera" in cover
    assert "AHU-0000001.AH.01.26.Tahun 2020" in cover
    assert "Jl. Mawar 1, Sukabumi" in cover


def test_shu_table_matches_compute_shu(kop, doc):
    from kopledger.ops.shu.compute import compute_shu

    result = compute_shu(kop, 2025)
    assert result.shu > 0 and result.anggota
    assert doc.texts["shu-tahun"] == formatting.rupiah(result.shu)
    components = doc.rows_with("data-komponen")
    assert list(components) == [c.komponen for c in result.alokasi]
    for c in result.alokasi:
        cells = components[c.komponen].cells
        assert cells[1] == formatting.persen(c.persen)
        assert cells[2] == formatting.rupiah(c.jumlah)
    assert doc.texts["alokasi-total"] == formatting.rupiah(result.shu)
    members = {r.attrs["data-anggota"]: r for r in doc.table("tabel-shu-anggota") if "data-anggota" in r.attrs}
    assert list(members) == [m.id for m in result.anggota]
    for number, m in enumerate(result.anggota, start=1):
        assert members[m.id].cells == [
            str(number), m.id, m.nama,
            formatting.rupiah(m.jasa_modal), formatting.rupiah(m.jasa_usaha), formatting.rupiah(m.jumlah),
        ]
    assert doc.texts["shu-anggota-jm"] == formatting.rupiah(sum(m.jasa_modal for m in result.anggota))
    assert doc.texts["shu-anggota-ju"] == formatting.rupiah(sum(m.jasa_usaha for m in result.anggota))
    assert doc.texts["shu-anggota-total"] == formatting.rupiah(sum(m.jumlah for m in result.anggota))
    if result.sisa_pembulatan:
        assert doc.texts["sisa-pembulatan"] == formatting.rupiah(result.sisa_pembulatan)


@pytest.mark.parametrize("scope, name", [("neraca", "neraca"), ("phu", "phu"), ("ekuitas", "ekuitas"),
                                         ("arus-kas", "arus_kas")])
def test_statements_match_build_statements(kop, doc, scope, name):
    from kopledger.reports.statements import build_statements

    statement = getattr(build_statements(kop, 2025), name)
    body = [r for r in doc.in_scope(scope) if r.cells and r.cells[0] != "Uraian"]  # skip the header row
    if statement.kolom:  # the equity statement: a table by component, prior year first
        check_equity_table(body, statement)
        return
    assert [r.cells[0] for r in body] == [line.label for line in statement.lines]
    assert any(line.jumlah != 0 for line in statement.lines)
    for row, line in zip(body, statement.lines, strict=True):
        if line.jenis == "bagian":
            continue
        assert row.cells[1:3] == [formatting.akuntansi(line.jumlah), formatting.akuntansi(line.jumlah_pembanding)]


def test_statement_totals_agree_with_indicators(kop, pack):
    """Two computations of the same books: the balance sheet's total assets and the indicators'."""
    from kopledger.reports.statements import build_statements

    neraca = build_statements(kop, 2025).neraca
    totals = [line for line in neraca.lines if line.jenis == "total"]
    assert totals[0].jumlah == pack.angka.total_aset  # JUMLAH ASET
    assert totals[-1].jumlah == pack.angka.total_liabilitas + pack.angka.ekuitas


def test_member_counts_match_the_register(kop, doc):
    end, start = dt.date(2025, 12, 31), dt.date(2024, 12, 31)
    active_end = kop.active_members(end)
    assert doc.texts["anggota-akhir"] == str(len(active_end)) == "3"
    assert doc.texts["anggota-awal"] == str(len(kop.active_members(start))) == "3"
    joined = [m for m in kop.members.values() if m.tanggal_masuk.year == 2025]
    left = [m for m in kop.members.values() if m.tanggal_keluar and m.tanggal_keluar.year == 2025]
    assert doc.texts["anggota-masuk"] == str(len(joined)) == "1"
    assert doc.texts["anggota-keluar"] == str(len(left)) == "1"
    women = [m for m in active_end if m.jenis_kelamin == "P"]
    assert doc.texts["anggota-akhir-P"] == str(len(women)) == "3"
    assert doc.texts["anggota-akhir-L"] == "0"
    assert doc.texts["anggota-keluar-L"] == "1"
    assert doc.texts["persen-perempuan"] == formatting.persen(D(100), decimals=1)
    assert doc.texts["ringkas-anggota-akhir"] == "3"
    history = doc.rows_with("data-tahun")
    assert history["2024"].cells[1:5] == ["0", "3", "0", "3"]
    assert history["2025"].cells[1:5] == ["3", "1", "1", "3"]


def test_savings_table_matches_the_member_balances(kop, doc):
    balances = kop.member_balances(dt.date(2025, 12, 31)).values()
    rows = doc.rows_with("data-simpanan")
    pokok = sum(b.pokok for b in balances)
    wajib = sum(b.wajib for b in balances)
    sukarela = sum(b.sukarela for b in balances)
    assert rows["pokok"].cells[2] == formatting.rupiah(pokok) == "Rp300.000"
    assert rows["wajib"].cells[2] == formatting.rupiah(wajib)
    assert rows["sukarela"].cells[2] == formatting.rupiah(sukarela)
    assert rows["total"].cells[2] == formatting.rupiah(pokok + wajib + sukarela)
    prior = kop.member_balances(dt.date(2024, 12, 31)).values()
    assert rows["pokok"].cells[1] == formatting.rupiah(sum(b.pokok for b in prior))


def test_wajib_arrears_are_listed(kop, pack, doc):
    from kopledger.ops.savings import wajib_arrears

    arrears = wajib_arrears(kop, dt.date(2025, 12, 31))
    assert pack.tunggakan_wajib == arrears
    if arrears:
        assert doc.texts["tunggakan-total"] == formatting.rupiah(sum(a.jumlah for a in arrears))
        listed = {r.attrs["data-anggota"] for r in doc.table("tabel-tunggakan") if "data-anggota" in r.attrs}
        assert listed == {a.id for a in arrears}


def test_indicator_rows(pack, doc):
    rows = doc.rows_with("data-indikator")
    assert list(rows) == [i.kode for i in pack.indikator]
    members = rows["anggota"]
    assert members.cells[1:3] == ["3", "3"]
    shu = rows["shu"]
    assert shu.cells[1] == formatting.rupiah(pack.angka_pembanding.shu)
    assert shu.cells[2] == formatting.rupiah(pack.angka.shu)


def test_member_name_with_script_is_text(html, doc):
    assert "<script" not in html.lower()  # not from the name, and no script from the charts either
    assert "&lt;script&gt;" in html
    row = doc.rows_with("data-anggota")["A0001"]
    assert EVIL in row.cells


def test_document_is_self_contained(doc, html):
    for tag, name, value in doc.attributes:
        if name in ("href", "src", "xlink:href"):
            assert value.startswith("#") or value.startswith("data:"), (tag, name, value)
    assert "link" not in doc.tags and "script" not in doc.tags
    urls = set(re.findall(r"https?://[^\s\"'<>]+", html))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


def test_charts_are_inline_svg_and_deterministic(kop, pack, html):
    ids = [c.id for c in pack.grafik]
    assert ids == ["grafik-anggota", "grafik-modal", "grafik-shu", "grafik-pendapatan"]
    from kopledger.present.grafik import svg

    for chart in pack.grafik:  # charts are data in the pack, drawn by the templates
        assert svg(chart).startswith("<svg")
        assert f'id="{chart.id}"' in html
    assert html.count("<svg") == len(pack.grafik)
    again = render_rat(build_rat(kop, 2025))
    assert again == html


def test_signature_blocks_from_pengurus(doc):
    pengurus = doc.texts["ttd-pengurus"]
    assert pengurus.index("Ketua") < pengurus.index("Sekretaris") < pengurus.index("Bendahara")
    for name in ("Ibu Ketua", "Ibu Sekretaris", "Ibu Bendahara"):
        assert name in pengurus
    assert "Bapak Pengawas" in doc.texts["ttd-pengawas"]


def test_kata_pengantar_placeholder_and_rat_teks(kop):
    html = render_rat(build_rat(kop, 2025))
    assert "custom &#34;rat-teks&#34;" in html or 'custom "rat-teks"' in html  # the hint to replace it
    books = Koperasi.from_string(ledger_text(BODY + '''
2026-02-01 custom "rat-teks" "kata-pengantar" "Paragraf <b>pertama</b>.\n\nParagraf kedua."
2026-02-01 custom "rat-teks" "tempat" "Sukabumi"
2026-02-01 custom "rat-teks" "tanggal" "2026-03-14"
2025-01-10 custom "rat-teks" "penutup" "Untuk tahun lain"
  tahun: 2024
'''))
    assert books.errors == []
    texts = rat_texts(books, 2025)
    assert texts == {"kata-pengantar": "Paragraf <b>pertama</b>.\n\nParagraf kedua.", "tempat": "Sukabumi",
                     "tanggal": "2026-03-14"}
    pack = build_rat(books, 2025)
    assert pack.tanggal == dt.date(2026, 3, 14) and pack.tempat == "Sukabumi"
    doc = RatDocument(render_rat(pack))
    assert "Paragraf <b>pertama</b>." in doc.texts["kata-pengantar"]  # shown as text, escaped
    assert "Paragraf kedua." in doc.texts["kata-pengantar"]
    assert "contoh" not in doc.texts["kata-pengantar"]
    assert doc.texts["tempat-tanggal"] == "Sukabumi, 14 Maret 2026"


def test_bad_rat_date_is_an_input_error(kop):
    books = Koperasi.from_string(ledger_text(BODY + '2026-02-01 custom "rat-teks" "tanggal" "14 Maret"\n'))
    with pytest.raises(InputError, match="rat-teks"):
        build_rat(books, 2025)


def test_user_template_overrides_one_part(pack, tmp_path):
    folder = tmp_path / "templat" / "rat"
    folder.mkdir(parents=True)
    (folder / "_kata_pengantar.html.j2").write_text(
        '<section class="bab" id="kata-pengantar"><p>Sambutan khusus {{ pack.nama }}</p></section>\n',
        encoding="utf-8",
    )
    doc = RatDocument(render_rat(pack, template_dir=tmp_path / "templat"))
    assert doc.texts["kata-pengantar"] == "Sambutan khusus Koperasi Wanita Uji Sejahtera"
    assert "shu-tahun" in doc.texts  # the rest comes from the built-in templates


def test_english(pack):
    doc = RatDocument(render_rat(pack, lang="en"))
    assert "Management Accountability Report" in doc.texts["sampul"]
    assert "Financial Year 2025" in doc.texts["sampul"]
    assert "Membership" in doc.texts["keanggotaan"]


def test_the_pack_reads_what_the_books_computed_once(kop):
    """Koperasi is the composition root: the pack holds the very statements, SHU and portfolio."""
    pack = build_rat(kop, 2025)
    assert pack.laporan is kop.statements(2025)
    assert pack.shu is kop.shu(2025)
    assert pack.pinjaman is kop.portfolio(dt.date(2025, 12, 31))
    assert build_rat(kop, 2025).laporan is pack.laporan


def test_shu_that_cannot_be_computed_leaves_a_note():
    body = BODY.replace('custom "shu-alokasi"', 'custom "shu-alokasi-lama"')
    books = Koperasi.from_string(ledger_text(body))
    pack = build_rat(books, 2025)
    assert "shu" in pack.belum_tersedia
    doc = RatDocument(render_rat(pack))
    assert "Bagian ini belum tersedia" in doc.texts["shu"]
    assert "shu-alokasi" in doc.texts["shu"]  # the reason is shown


def test_unknown_year_is_an_input_error(kop):
    with pytest.raises(InputError, match="2019"):
        build_rat(kop, 2019)


def test_progress_messages(kop):
    steps: list[str] = []
    build_rat(kop, 2025, progress=steps.append)
    assert steps[0] == "Keanggotaan" and len(steps) >= 5


def test_ten_thousand_member_rows_render_quickly(pack):
    from kopledger.ops.shu.compute import MemberShu

    members = tuple(
        MemberShu(f"A{i:05d}", f"Anggota {i}", D(100000), D(i), D(1000 + i), D(i), D(1000 + 2 * i))
        for i in range(10_000)
    )
    big = replace(pack, shu=replace(pack.shu, anggota=members))
    start = time.perf_counter()
    html = render_rat(big)
    elapsed = time.perf_counter() - start
    assert html.count('<tr data-anggota="A') >= 10_000
    assert elapsed < 20, elapsed  # linear: about 3 filtered amounts a row, no per-row includes


# --- the command line ------------------------------------------------------------------------------------
@pytest.fixture
def ledger_file(tmp_path: Path) -> Path:
    path = tmp_path / "buku.beancount"
    path.write_text(ledger_text(BODY), encoding="utf-8")
    return path


def test_cli_writes_html(ledger_file, tmp_path):
    out = tmp_path / "keluar" / "rat-2025.html"
    result = CliRunner().invoke(main, ["rat", str(ledger_file), "--tahun", "2025", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Keanggotaan" in result.stderr and str(out) in result.stderr
    doc = RatDocument(out.read_text(encoding="utf-8"))
    assert doc.texts["anggota-akhir"] == "3"


def test_cli_defaults_to_latest_year_and_alias(ledger_file, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["annual-report", str(ledger_file), "--diam"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "rat-2025.html").exists()
    assert "[rat]" not in result.stderr


def test_cli_json(ledger_file):
    result = CliRunner().invoke(main, ["rat", str(ledger_file), "--format", "json", "--diam"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["tahun"] == 2025
    assert data["anggota"]["jumlah"] == {"awal": 3, "masuk": 1, "keluar": 1, "akhir": 3}
    assert [g["id"] for g in data["grafik"]][:1] == ["grafik-anggota"]


def test_cli_slip(ledger_file, tmp_path):
    slip = tmp_path / "slip.html"
    result = CliRunner().invoke(
        main, ["rat", str(ledger_file), "--out", str(tmp_path / "r.html"), "--slip", str(slip), "--diam"]
    )
    assert result.exit_code == 0, result.output
    assert "Dewi Anggraini" in slip.read_text(encoding="utf-8")


def test_cli_bad_year_exits_2(ledger_file, tmp_path):
    result = CliRunner().invoke(main, ["rat", str(ledger_file), "--tahun", "1999", "--out", str(tmp_path / "x.html")])
    assert result.exit_code == 2
    assert "1999" in result.output
    assert "Traceback" not in result.output


def test_booked_allocation_dates_the_pack(kop):
    from beancount.core import data

    from kopledger.ops.shu.compute import allocation_entry, compute_shu

    pending = build_rat(kop, 2024)
    assert pending.shu_dibukukan is None and pending.tanggal is None
    assert "Usulan pembagian SHU" in RatDocument(render_rat(pending)).texts["shu"]

    rat_day = dt.date(2025, 3, 1)
    entry = allocation_entry(kop, compute_shu(kop, 2024), rat_day)
    books = Koperasi.from_entries(sorted([*kop.entries, entry], key=data.entry_sortkey), [], kop.options)
    pack = build_rat(books, 2024)
    assert pack.shu_dibukukan == rat_day == pack.tanggal
    doc = RatDocument(render_rat(pack))
    assert doc.texts["shu-status"].endswith("1 Maret 2025.")
    assert "1 Maret 2025" in doc.texts["sampul"]
    assert doc.texts["tempat-tanggal"].endswith("1 Maret 2025")


def test_loss_year_distributes_nothing():
    books = Koperasi.from_string(ledger_text(BODY + '''
2025-11-01 * "Beban sewa besar, dibayar dengan utang (kas tidak boleh minus)"
  Liabilitas:UtangSewa  -5000000 IDR
  Beban:Usaha:Sewa  5000000 IDR
2025-01-01 open Liabilitas:UtangSewa IDR
'''))
    assert books.errors == []
    pack = build_rat(books, 2025)
    assert pack.shu.shu < 0 and pack.angka.shu == pack.shu.shu
    doc = RatDocument(render_rat(pack))
    assert doc.texts["shu-tahun"] == formatting.rupiah(pack.shu.shu)
    assert formatting.rupiah(pack.shu.shu).startswith("(")
    assert "kerugian" in doc.texts["shu"]
    assert doc.rows_with("data-komponen") == {}
    assert "tabel-shu-anggota" not in doc.texts
    shu_row = doc.rows_with("data-indikator")["shu"]
    assert "merugi" in shu_row.cells[-1]


def check_equity_table(body, statement) -> None:
    """Every row of the equity table by component as the statement holds it."""
    rows = [r for r in body if len(r.cells) > 1]
    assert len(rows) == len(statement.tabel)
    for row, data in zip(rows, statement.tabel, strict=True):
        label = f"{data.label} {data.tahun}" if data.jenis == "saldo" else data.label
        assert row.cells[0] == label
        assert row.cells[1:] == [formatting.akuntansi(v) for v in (*data.per_kolom, data.jumlah)]
    closing = statement.saldo_akhir_per_kolom()
    assert sum(closing.values()) == statement.total("saldo_akhir")
