"""The whole command line in English with ``--lang en`` (or ``KOP_LANG=en``), Indonesian unchanged without.

Every command group runs a representative success path and a usage error on a copy of the
example koperasi. What the CLI prints itself must be English; a broad guard looks for frequent
Indonesian words in it (option names, which stay Indonesian, are removed first). Messages that
come from the library's own errors are converted elsewhere; the usage errors here are the CLI's
and click's own.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kopledger.cli import main

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "mawar" / "buku.beancount"

#: Frequent Indonesian words of the CLI's own messages; none may be left in ``--lang en`` output.
INDONESIAN = re.compile(
    r"\b(Ditulis|ditulis|tidak|belum|sudah|Dilewati|dilewati|berkas|dengan|atau|yang|dari|Peringatan|"
    r"Kesalahan|Cara pakai|sebesar|angsuran|sisa|anggota tidak|anggota dari|\d+ anggota|keluar|bayar|Tabel|Denda|bunga|tercatat|selisih|"
    r"transaksi|aktif|lihat|berikan|harus|bukan|perlu|Membaca|Menyusun|Periksa|Buku baru)\b"
)


def leftover_indonesian(text: str) -> list[str]:
    """Indonesian words in ``text``, after removing option names (``--anggota``), file paths and
    click's usage lines (which name the commands, Indonesian names with English aliases)."""
    text = re.sub(r"^(Usage: |Try ').*$", " ", text, flags=re.M)
    text = re.sub(r"--[\w-]+|(?:/[\w.@+-]+)+", " ", text)
    return INDONESIAN.findall(text)


def kop(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


def kop_en(*args: str | Path) -> Result:
    """Run in English; what the CLI printed on stderr has no Indonesian words left."""
    result = kop(*args, "--lang", "en")
    assert leftover_indonesian(result.stderr) == [], result.stderr
    return result


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the example books that no test writes to (dry runs and reports only)."""
    path = tmp_path_factory.mktemp("mawar") / "buku.beancount"
    shutil.copyfile(EXAMPLE, path)
    return path


@pytest.fixture
def writable(tmp_path: Path) -> Path:
    path = tmp_path / "buku.beancount"
    shutil.copyfile(EXAMPLE, path)
    return path


def test_the_guard_finds_indonesian_and_leaves_names_and_options_alone() -> None:
    assert leftover_indonesian("Ditulis ke /tmp/x/buku.beancount: 3 anggota dari x") == ["Ditulis", "3 anggota", "dari"]
    assert leftover_indonesian("Usage: kop anggota keluar [OPTIONS]\nError: anggota tidak dikenal") == ["anggota tidak"]
    assert leftover_indonesian("Written to /tmp/berkas-dengan/buku.beancount --anggota A0001") == []


# --- anggota --------------------------------------------------------------------------------------
def test_anggota_en(books: Path, writable: Path) -> None:
    result = kop_en("anggota", "tambah", books, "--id", "Z0001", "--nama", "Uji Coba", "--tanggal", "2026-01-05",
                    "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stderr == "--dry-run: nothing written (member Z0001 Uji Coba)\n"
    result = kop_en("anggota", "keluar", books, "--anggota", "A0005", "--tanggal", "2026-01-15", "--dry-run")
    assert result.exit_code == 0 and (
        "(member A0005 leaves on 2026-01-15; savings Rp1,475,000 set off against what is owed; paid out Rp1,635,000)"
        in result.stderr)
    result = kop_en("member", "add", writable, "--id", "Z0002", "--nama", "Uji Dua", "--tanggal", "2026-01-05")
    assert result.exit_code == 0, result.output
    assert result.stderr == f"Written to {writable}: member Z0002 Uji Dua\n"
    result = kop_en("anggota", "daftar", books, "--per", "2025-12-31")
    assert result.exit_code == 0 and "Members of Koperasi Wanita Mawar Sukabumi — as of 31 December 2025" in result.stdout


def test_anggota_usage_errors_en(books: Path, tmp_path: Path) -> None:
    result = kop_en("anggota", "impor", books, tmp_path / "a.csv", tmp_path / "b.csv")
    assert result.exit_code == 2
    assert result.stderr == "Error: give LEDGER FILE (or set KOP_LEDGER and give FILE only)\n"
    result = kop_en("anggota", "tambah", books, "--id", "Z0001")
    assert result.exit_code == 2 and "Error: Missing option '--nama'" in result.stderr


def test_anggota_id_unchanged(books: Path, tmp_path: Path) -> None:
    result = kop("anggota", "tambah", books, "--id", "Z0001", "--nama", "Uji Coba", "--tanggal", "2026-01-05",
                 "--dry-run")
    assert result.stderr == "--dry-run: tidak ada yang ditulis (anggota Z0001 Uji Coba)\n"
    result = kop("anggota", "keluar", books, "--anggota", "A0005", "--tanggal", "2026-01-15", "--dry-run")
    assert ("(anggota A0005 keluar 2026-01-15; simpanan Rp1.475.000 dipotong untuk utangnya; dibayar Rp1.635.000)"
            in result.stderr)
    result = kop("anggota", "impor", books, tmp_path / "a.csv", tmp_path / "b.csv")
    assert result.exit_code == 2
    assert result.stderr == "Kesalahan: berikan BUKU BERKAS (atau atur KOP_LEDGER dan berikan BERKAS saja)\n"


# --- simpanan -------------------------------------------------------------------------------------
def test_simpanan_en(books: Path) -> None:
    result = kop_en("simpanan", "wajib", books, "--bulan", "2025-12", "--dry-run")
    assert result.exit_code == 0, result.output
    assert re.search(r"^Skipped A\d{4}: already paid$", result.stderr, re.M)
    assert re.search(r"^--dry-run: nothing written \(simpanan wajib December 2025: \d+ members, Rp[\d,]+; "
                     r"\d+ skipped\)$", result.stderr, re.M)
    result = kop_en("savings", "deposit", books, "--anggota", "A0001", "--jumlah", "50000", "--tanggal", "2026-01-10",
                    "--dry-run")
    assert result.stderr == "--dry-run: nothing written (deposit into simpanan sukarela A0001 Rp50,000)\n"
    result = kop_en("simpanan", "tarik", books, "--anggota", "A0001", "--jumlah", "50000", "--tanggal", "2026-01-10",
                    "--dry-run")
    assert result.stderr == "--dry-run: nothing written (withdrawal from simpanan sukarela A0001 Rp50,000)\n"
    result = kop_en("simpanan", "setor", books, "--anggota", "A0001", "--jumlah", "1", "--jenis", "pokok")
    assert result.exit_code == 2
    assert "Error: Invalid value for '--jenis': 'pokok' is not one of 'sukarela', 'berjangka'." in result.stderr


def test_simpanan_id_unchanged(books: Path) -> None:
    result = kop("simpanan", "wajib", books, "--bulan", "2025-12", "--dry-run")
    assert re.search(r"^Dilewati A\d{4}: sudah dibayar$", result.stderr, re.M)
    assert re.search(r"^--dry-run: tidak ada yang ditulis \(simpanan wajib Desember 2025: \d+ anggota, Rp[\d.]+; "
                     r"\d+ dilewati\)$", result.stderr, re.M)
    result = kop("simpanan", "setor", books, "--anggota", "A0001", "--jumlah", "50000", "--tanggal", "2026-01-10",
                 "--dry-run")
    assert result.stderr == "--dry-run: tidak ada yang ditulis (setoran simpanan sukarela A0001 Rp50.000)\n"


# --- pinjaman -------------------------------------------------------------------------------------
def test_pinjaman_en(books: Path) -> None:
    result = kop_en("pinjaman", "jadwal", "--pokok", "1000000", "--bunga", "12", "--tenor", "3", "--mulai", "2026-01-01")
    assert result.exit_code == 0 and "LOAN REPAYMENT SCHEDULE" in result.stdout
    assert leftover_indonesian(result.stdout) == []
    result = kop_en("pinjaman", "cair", books, "--anggota", "A0001", "--pokok", "1000000", "--bunga", "12",
                    "--tenor", "10", "--metode", "flat", "--tanggal", "2026-01-10", "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stderr == ("(dry-run: not written)\nLoan PJ-2026-001: 10 instalments, the first on 10 February 2026 "
                             "of Rp110,000 (see: kop loan schedule)\n")
    result = kop_en("loan", "provision", books, "--per", "2025-12-31", "--dry-run")
    assert result.exit_code == 0
    assert re.match(r"PPAP required Rp[\d,]+, booked Rp[\d,]+, difference Rp[\d,]+\n", result.stderr)


def test_pinjaman_usage_errors_en(books: Path) -> None:
    result = kop_en("pinjaman", "bayar", books, "--pinjaman", "PJ-2024-002")
    assert result.exit_code == 2 and result.stderr == "Error: give --jumlah AMOUNT or --lunas (one of them)\n"
    result = kop_en("pinjaman", "jadwal", "--pokok", "1000000", "--bunga", "12", "--tenor", "1e1")
    assert result.exit_code == 2
    assert ("Error: Invalid value for '--tenor': --tenor: '1e1' is not a whole number; write digits 0–9 only, "
            "for example 12") in result.stderr
    result = kop_en("pinjaman", "jadwal", "--pokok", "1000000", "--bunga", "12", "--tenor", "601")
    assert "--tenor: must be 1–600, got 601" in result.stderr


def test_pinjaman_id_unchanged(books: Path) -> None:
    result = kop("pinjaman", "cair", books, "--anggota", "A0001", "--pokok", "1000000", "--bunga", "12",
                 "--tenor", "10", "--metode", "flat", "--tanggal", "2026-01-10", "--dry-run")
    assert result.stderr == ("(dry-run: tidak ditulis)\nPinjaman PJ-2026-001: 10 angsuran, yang pertama "
                             "10 Februari 2026 sebesar Rp110.000 (lihat: kop pinjaman jadwal)\n")
    result = kop("pinjaman", "bayar", books, "--pinjaman", "PJ-2024-002")
    assert result.stderr == "Kesalahan: berikan --jumlah JUMLAH atau --lunas (salah satu)\n"
    result = kop("pinjaman", "jadwal", "--pokok", "1000000", "--bunga", "12", "--tenor", "1e1")
    assert "--tenor: '1e1' bukan bilangan bulat; tulis angka 0–9 saja, misalnya 12" in result.stderr


def test_pinjaman_bayar_en(books: Path) -> None:
    listed = json.loads(kop("pinjaman", "daftar", books, "--per", "2025-12-31", "--format", "json").stdout)
    loan = listed[0]["id"]
    result = kop_en("pinjaman", "bayar", books, "--pinjaman", loan, "--jumlah", "100000", "--tanggal", "2026-01-10",
                    "--dry-run")
    assert result.exit_code == 0, result.output
    assert re.search(r"^Penalty Rp[\d,]+, interest Rp[\d,]+, principal Rp[\d,]+; principal outstanding Rp[\d,]+$",
                     result.stderr, re.M)


# --- shu --------------------------------------------------------------------------------------------
def test_shu_en(books: Path) -> None:
    result = kop_en("shu", books, "--tahun", "2025")
    assert result.exit_code == 0 and "SHU allocation" in result.stdout
    result = kop_en("shu", books, "--tahun", "2025", "--tulis", "--tanggal", "2026-03-15", "--dry-run")
    assert result.exit_code == 0 and result.stderr == "(dry-run: nothing written)\n"
    result = kop_en("shu", books, "--tahun", "2025", "--tulis")
    assert result.exit_code == 2
    assert result.stderr == "Error: --tulis needs --tanggal YYYY-MM-DD (the date of the RAT)\n"
    result = kop("shu", books, "--tahun", "2025", "--tulis")
    assert result.stderr == "Kesalahan: --tulis perlu --tanggal YYYY-MM-DD (tanggal RAT)\n"


def test_shu_allocated_twice_en(writable: Path) -> None:
    first = kop_en("shu", writable, "--tahun", "2025", "--tulis", "--tanggal", "2026-03-15")
    assert first.exit_code == 0, first.output
    assert first.stderr == f"Written to {writable}\n"
    again = kop_en("shu", writable, "--tahun", "2025", "--tulis", "--tanggal", "2026-03-16")
    assert again.exit_code == 2
    assert re.match(r"Error: the SHU of 2025 is already allocated in the books \(2026-03-15, .+:\d+\); nothing written\n"
                    r"To change it, correct that entry itself \(tag #koreksi\) after the RAT decides\.\n$", again.stderr)
    # into voluntary savings: the example's cash (12,005,099) cannot pay the SHU out in cash
    paid = kop_en("shu", "bayar", writable, "--tahun", "2025", "--tanggal", "2026-04-01", "--ke", "sukarela",
                  "--dry-run")
    assert paid.exit_code == 0 and paid.stderr == "(dry-run: nothing written)\n"
    indonesian = kop("shu", writable, "--tahun", "2025", "--tulis", "--tanggal", "2026-03-16")
    assert "Kesalahan: SHU 2025 sudah dibagi di buku (2026-03-15, " in indonesian.stderr
    assert "Untuk mengubahnya, koreksi catatan itu sendiri (tag #koreksi) setelah RAT memutuskan." in indonesian.stderr


# --- laporan and rat --------------------------------------------------------------------------------
def test_laporan_en(books: Path) -> None:
    result = kop_en("laporan", books, "--tahun", "2025", "--jenis", "neraca")
    assert result.exit_code == 0 and "STATEMENT OF FINANCIAL POSITION" in result.stdout
    result = kop_en("report", books, "--jenis", "semuanya")
    assert result.exit_code == 2 and "Error: Invalid value for '--jenis': 'semuanya' is not one of" in result.stderr


def test_rat_en(books: Path, tmp_path: Path) -> None:
    result = kop_en("rat", books, "--tahun", "2025", "--format", "json")
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("[rat] Reading the books …\n[rat] Membership …\n")
    result = kop_en("rat", books, "--tahun", "2025", "--out", tmp_path / "rat.doc")
    assert result.exit_code == 2
    assert "Error: unknown --out suffix: 'rat.doc'; use .html, .pdf or .json" in result.stderr
    result = kop("rat", books, "--tahun", "2025", "--out", tmp_path / "rat.doc")
    assert "Kesalahan: akhiran --out tidak dikenal: 'rat.doc'; pakai .html, .pdf atau .json" in result.stderr
    assert "[rat] Membaca buku …" in result.stderr


# --- tutup-buku, verifikasi, buka-buku ------------------------------------------------------------
def test_closing_chain_en(writable: Path) -> None:
    closed = kop("tutup-buku", writable, "--tahun", "2024", "--tanggal", "2026-03-01", "--format", "json")
    assert closed.exit_code == 0, closed.output
    sidik = json.loads(closed.stdout)["sidik"]
    result = kop_en("verifikasi", writable, "--tahun", "2024", "--sidik", sidik)
    assert result.exit_code == 0, result.output
    assert leftover_indonesian(result.stdout) == [], result.stdout
    result = kop_en("verify", writable, "--tahun", "2024", "--sidik", "zz")
    assert result.exit_code == 2
    assert result.stderr == "Error: --sidik must be 16 to 64 hexadecimal digits (0-9, a-f), not 'zz'\n"
    result = kop("verifikasi", writable, "--tahun", "2024", "--sidik", "zz")
    assert result.stderr == "Kesalahan: --sidik harus 16 sampai 64 digit heksadesimal (0-9, a-f), bukan 'zz'\n"
    result = kop_en("buka-buku", writable, "--tahun", "2024", "--alasan", "koreksi", "--dry-run", "--tanggal",
                    "2026-03-02")
    assert result.exit_code == 0, result.output
    result = kop_en("reopen", writable, "--tahun", "2024")
    assert result.exit_code == 2 and "Error: Missing option '--alasan'" in result.stderr


def test_tutup_buku_en(books: Path) -> None:
    result = kop_en("tutup-buku", books, "--tahun", "2024", "--dry-run", "--tanggal", "2026-03-01")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Dry run (--dry-run): nothing was written.")
    result = kop_en("close", books)
    assert result.exit_code == 2 and "Error: Missing option '--tahun'" in result.stderr


# --- cek and init -----------------------------------------------------------------------------------
def test_cek_en_and_id(books: Path) -> None:
    result = kop_en("cek", books)
    assert result.exit_code == 0
    assert result.stdout == ("OK: Koperasi Wanita Mawar Sukabumi — 120 members (115 active), 4,898 transactions, "
                             "1 January 2024 – 31 December 2025\n")
    result = kop("cek", books)
    assert result.stdout == ("OK: Koperasi Wanita Mawar Sukabumi — 120 anggota (115 aktif), 4.898 transaksi, "
                             "1 Januari 2024 – 31 Desember 2025\n")
    result = kop("cek", books, env={"KOP_LANG": "en"})
    assert result.stdout.startswith("OK: Koperasi Wanita Mawar Sukabumi — 120 members")
    result = kop("--lang", "en", "check", books)
    assert result.stdout.startswith("OK: Koperasi Wanita Mawar Sukabumi — 120 members")


def test_cek_with_errors_en(tmp_path: Path) -> None:
    from tests.conftest import ledger_text

    path = tmp_path / "rusak.beancount"
    path.write_text(ledger_text("""
        2024-01-05 * "tidak seimbang"
          Aset:Kas  1000 IDR
          Beban:Usaha:Gaji  -900 IDR
    """), encoding="utf-8")
    result = kop_en("cek", path)
    assert result.exit_code == 1
    assert result.stderr == f"Error: 1 error in {path}\n"  # the form for one thing (key|1)
    result = kop("cek", path)
    assert result.stderr == f"Kesalahan: 1 kesalahan di {path}\n"
    result = kop_en("cek")
    assert result.exit_code == 2 and "no ledger file given" in result.stderr


def test_init_en(tmp_path: Path) -> None:
    result = kop_en("init", tmp_path / "baru", "--nama", "Koperasi Uji", "--mulai", "2026-01-01")
    assert result.exit_code == 0, result.output
    path = tmp_path / "baru" / "buku.beancount"
    assert result.stdout == f"New books written: {path}\nCheck them with: kop check {path}\n"
    result = kop_en("init", tmp_path / "kering", "--nama", "Koperasi Uji", "--dry-run")
    assert result.stderr == f"(dry-run: {tmp_path / 'kering' / 'buku.beancount'} not written)\n"
    result = kop_en("init", tmp_path / "x", "--nama", "Koperasi Uji", "--jenis", "bank")
    assert result.exit_code == 2 and "Error: Invalid value for '--jenis': 'bank' is not one of" in result.stderr
    result = kop("init", tmp_path / "lagi", "--nama", "Koperasi Uji", "--mulai", "2026-01-01")
    path = tmp_path / "lagi" / "buku.beancount"
    assert result.stdout == f"Buku baru ditulis: {path}\nPeriksa dengan: kop cek {path}\n"


# --- kesehatan ----------------------------------------------------------------------------------------
def test_kesehatan_en(books: Path, tmp_path: Path) -> None:
    result = kop_en("kesehatan", books, "--tahun", "2025")
    assert result.exit_code == 0 and "Cooperative Health Assessment 2025" in result.stdout
    result = kop_en("health", books, "--out", tmp_path / "x.doc")
    assert result.exit_code == 2
    assert result.stderr == "Error: unknown --out suffix: .doc; use .txt, .json, .html or .pdf\n"
    result = kop("kesehatan", books, "--out", tmp_path / "x.doc")
    assert result.stderr == "Kesalahan: akhiran --out tidak dikenal: .doc; pakai .txt, .json, .html atau .pdf\n"


# --- ekspor and agregat (Dinas) -------------------------------------------------------------------
def test_dinas_en(books: Path, tmp_path: Path) -> None:
    result = kop_en("ekspor", books)
    assert result.exit_code == 2
    assert result.stderr == ("Error: no closed financial year to export yet; close one first with kop close, "
                             "or give --tahun with --sementara\n")
    export = tmp_path / "ekspor.json"
    result = kop_en("export", books, "--tahun", "2025", "--sementara", "--out", export)
    assert result.exit_code == 0, result.output
    assert 'Warning: region not filled in: add the metadata provinsi: "…" to custom "koperasi"' in result.stderr
    assert result.stderr.endswith(f"Written: {export}\n")
    out = tmp_path / "wilayah"
    result = kop_en("agregat", export, "--out", out, "--laporan", "html")
    assert result.exit_code == 0, result.output
    assert f"Written: {out / 'laporan-wilayah-2025.html'}" in result.stderr
    assert f"Table koperasi: {out / 'koperasi.parquet'}" in result.stderr
    result = kop_en("aggregate", export, "--ambang-npl", "x")
    assert result.exit_code == 2
    assert result.stderr == "Error: --ambang-npl must be a percentage, for example 5 or 7.5 (not 'x')\n"
    result = kop("agregat", export, "--ambang-npl", "x")
    assert result.stderr == "Kesalahan: --ambang-npl harus angka persen, misalnya 5 atau 7.5 (bukan 'x')\n"
    result = kop("agregat", export, "--ambang-npl", "101", "--lang", "en")
    assert result.stderr == "Error: --ambang-npl must be between 0 and 100 (not 101)\n"
