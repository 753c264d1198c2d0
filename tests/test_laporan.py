"""``kop laporan``: rendering the statements as text, HTML, PDF, XLSX and JSON.

Golden files live in tests/golden/laporan/; regenerate them after an intended change
with ``UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_laporan.py``.
"""

from __future__ import annotations

import io
import json
import os
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from kopledger.cli import main
from tests.conftest import HEADER_ID
from tests.test_statements import SMALL

GOLDEN = Path(__file__).parent / "golden" / "laporan"

IDENTITY = """
2021-01-01 custom "koperasi" "Koperasi <b>Uji</b> Sejahtera"
  badan-hukum: "123/BH/KDK.10/2020"
  alamat: "Jl. Mawar 1, Sukabumi"
  jenis: "serba-usaha"
2020-01-01 custom "pengurus" "ketua" "Siti Aminah"
2020-01-01 custom "pengurus" "sekretaris" "Rina <script>alert(1)</script>"
2020-01-01 custom "pengurus" "bendahara" "Budi Santoso"
2020-01-01 custom "pengurus" "pengawas" "Dedi Kurnia"
"""


@pytest.fixture
def books(tmp_path: Path) -> Path:
    path = tmp_path / "buku.beancount"
    path.write_text(HEADER_ID + IDENTITY + SMALL, encoding="utf-8")
    return path


def run(*args: str) -> tuple[int, str, bytes]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output, result.stdout_bytes


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if not os.environ.get("UPDATE_GOLDEN"):
            pytest.fail(f"golden file {path} was missing and has been written; check it and run again")
    assert text == path.read_text(encoding="utf-8")


def test_text_golden(books: Path):
    code, out, _ = run("laporan", str(books), "--tahun", "2025")
    assert code == 0, out
    golden("small.txt", out)


def test_html_golden_and_escaping(books: Path, tmp_path: Path):
    out_file = tmp_path / "laporan.html"
    code, out, _ = run("laporan", str(books), "--tahun", "2025", "--format", "html", "--out", str(out_file))
    assert code == 0, out
    html = out_file.read_text(encoding="utf-8")
    golden("small.html", html)
    # Autoescape: names holding HTML are shown as text.
    assert "<b>Uji</b>" not in html and "Koperasi &lt;b&gt;Uji&lt;/b&gt; Sejahtera" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    # Signature blocks of the pengurus, not the pengawas; place and date.
    signatures = "".join(part.split("</div>\n</div>")[0] for part in html.split('<div class="ttd-blok">')[1:])
    assert "Siti Aminah" in signatures and "Budi Santoso" in signatures and "Dedi Kurnia" not in signatures
    # the pengawas is in the notes' related parties (issue 16), not among the signatures
    assert "Sukabumi, 31 Desember 2025" in html
    for title in ("LAPORAN POSISI KEUANGAN", "LAPORAN PERHITUNGAN HASIL USAHA", "LAPORAN PERUBAHAN EKUITAS",
                  "LAPORAN ARUS KAS", "CATATAN ATAS LAPORAN KEUANGAN"):
        assert title in html


def test_json_contract_from_the_cli(books: Path):
    code, out, _ = run("report", str(books), "--tahun", "2025", "--format", "json")
    assert code == 0, out
    data = json.loads(out)
    assert (data["tahun"], data["pembanding"]) == (2025, 2024)
    assert {"neraca", "phu", "ekuitas", "arus_kas"} <= set(data)
    neraca = data["neraca"]
    assert Decimal(neraca["total_aset"]) == Decimal(neraca["total_liabilitas"]) + Decimal(neraca["total_ekuitas"])
    assert Decimal(data["phu"]["shu"]) == Decimal(data["phu"]["total_pendapatan"]) - Decimal(data["phu"]["total_beban"])
    assert data["ekuitas"]["saldo_akhir"] == neraca["total_ekuitas"]
    assert data["arus_kas"]["kas_akhir"] == neraca["kas_dan_setara_kas"]
    kas = next(x for x in neraca["lines"] if x["akun"] == "Aset:Kas")
    assert kas == {**kas, "label": "Kas", "kode": "1-101", "jumlah": "101000", "jumlah_pembanding": "285000"}
    code, out, _ = run("laporan", str(books), "--tahun", "2025", "--format", "json", "--jenis", "phu")
    only = json.loads(out)
    assert "phu" in only and "neraca" not in only


def test_english_labels(books: Path):
    code, out, _ = run("laporan", str(books), "--tahun", "2025", "--lang", "en", "--jenis", "arus-kas")
    assert code == 0, out
    assert "STATEMENT OF CASH FLOWS" in out
    assert "Net cash from operating activities" in out
    assert "Arus kas" not in out


def test_user_template_folder_overrides_by_name(books: Path, tmp_path: Path):
    own = tmp_path / "templat" / "laporan"
    own.mkdir(parents=True)
    (own / "_phu.html.j2").write_text("<div id='phu-sendiri'>SHU {{ laporan.phu.total('shu') | rupiah }}</div>\n")
    out_file = tmp_path / "l.html"
    code, out, _ = run("laporan", str(books), "--tahun", "2025", "--format", "html", "--out", str(out_file),
                       "--templat", str(tmp_path / "templat"))
    assert code == 0, out
    html = out_file.read_text(encoding="utf-8")
    assert "<div id='phu-sendiri'>SHU Rp28.500</div>" in html
    assert "LAPORAN POSISI KEUANGAN" in html  # the other partials are still the built-in ones


def test_xlsx_numbers_equal_the_json(books: Path, tmp_path: Path):
    from openpyxl import load_workbook

    out_file = tmp_path / "laporan.xlsx"
    code, out, _ = run("laporan", str(books), "--tahun", "2025", "--format", "xlsx", "--out", str(out_file))
    assert code == 0, out
    data = json.loads(run("laporan", str(books), "--tahun", "2025", "--format", "json")[1])
    wb = load_workbook(out_file)
    assert wb.sheetnames[:4] == ["Laporan Posisi Keuangan", "Laporan Perhitungan Hasil Usaha",
                                 "Laporan Perubahan Ekuitas", "Laporan Arus Kas"]
    for sheet, key in zip(wb.sheetnames[:4], ("neraca", "phu", "ekuitas", "arus_kas"), strict=True):
        rows = [r for r in wb[sheet].iter_rows(values_only=True)]
        header = rows.index(next(r for r in rows if r[0] == "Uraian"))
        body = [r for r in rows[header + 1:]]
        if key == "ekuitas":  # a table by component: each row as the JSON's tabel holds it
            table = data["ekuitas"]["tabel"]
            numbers = [r for r in body if len(r) > 1 and r[1] is not None]
            assert len(numbers) == len(table)
            for row, entry in zip(numbers, table, strict=True):
                assert [Decimal(str(v)) for v in row[1:]] == [
                    Decimal(entry["per_kolom"][k]) for k in data["ekuitas"]["kolom"]] + [Decimal(entry["jumlah"])]
            continue
        lines = data[key]["lines"]
        assert len(body) == len(lines)
        for row, line in zip(body, lines, strict=True):
            assert row[0] == line["label"]
            if line["jenis"] == "bagian":
                continue
            assert isinstance(row[2], int | float) and isinstance(row[3], int | float)
            assert Decimal(str(row[2])) == Decimal(line["jumlah"])
            assert Decimal(str(row[3])) == Decimal(line["jumlah_pembanding"])
        number_cells = [c for row in wb[sheet].iter_rows() for c in row if isinstance(c.value, int | float)]
        assert number_cells and all('"Rp"#,##0' in c.number_format for c in number_cells)


def test_pdf_has_one_page_per_statement(books: Path, tmp_path: Path):
    from pypdf import PdfReader

    out_file = tmp_path / "laporan.pdf"
    code, out, _ = run("laporan", str(books), "--tahun", "2025", "--format", "pdf", "--out", str(out_file))
    assert code == 0, out
    reader = PdfReader(io.BytesIO(out_file.read_bytes()))
    texts = [page.extract_text() for page in reader.pages]
    titles = ["LAPORAN POSISI KEUANGAN", "LAPORAN PERHITUNGAN HASIL USAHA", "LAPORAN PERUBAHAN EKUITAS",
              "LAPORAN ARUS KAS", "CATATAN ATAS LAPORAN KEUANGAN"]
    starts = [next(i for i, t in enumerate(texts) if title in t) for title in titles]
    assert starts == [0, 1, 2, 3, 4]  # each statement starts on its own page, in order
    assert 5 <= len(texts) <= 7
    assert "JUMLAH ASET" in texts[0] and "Siti Aminah" in texts[0]


def test_usage_errors_exit_2(books: Path, tmp_path: Path):
    code, out, _ = run("laporan", str(books), "--tahun", "2010")
    assert code == 2 and "tidak ada transaksi pada atau sebelum 2010" in out
    code, out, _ = run("laporan", str(tmp_path / "tidak-ada.beancount"))
    assert code == 2 and "berkas buku tidak ditemukan" in out
    code, out, _ = run("laporan", str(books), "--templat", str(tmp_path / "tidak-ada"))
    assert code == 2 and "folder templat tidak ditemukan" in out
    code, out, _ = run("laporan", str(books), "--format", "docx")
    assert code == 2


def test_books_with_errors_exit_1(tmp_path: Path):
    path = tmp_path / "rusak.beancount"
    path.write_text(HEADER_ID + '2024-01-01 * "x"\n  Aset:Kas 1 IDR\n  Aset:TidakAda -1 IDR\n', encoding="utf-8")
    code, out, _ = run("laporan", str(path), "--tahun", "2024")
    assert code == 1 and "berisi 1 kesalahan" in out and "TidakAda" in out


def test_default_year_is_the_last_with_transactions(books: Path):
    code, out, _ = run("laporan", str(books), "--format", "json", "--jenis", "neraca")
    assert code == 0, out
    assert json.loads(out)["tahun"] == 2025


def test_html_to_pdf_error_message_without_weasyprint(monkeypatch: pytest.MonkeyPatch):
    import builtins

    from kopledger.core.errors import InputError
    from kopledger.present.output import html_to_pdf

    real_import = builtins.__import__

    def no_weasyprint(name, *args, **kwargs):
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_weasyprint)
    with pytest.raises(InputError, match="memerlukan WeasyPrint dan pustaka Pango") as exc:
        html_to_pdf("<p>x</p>")
    assert "apt-get install libpango" in str(exc.value)
