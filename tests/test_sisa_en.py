"""The last places that printed Indonesian under ``--lang en`` (issue #15 part 5).

Each through the real command line (``kopledger.cli.main`` with ``--lang en``) or, for the web
desk, Fava's own test client with Fava's ``language`` option set to English:

- ``kop agregat``: the files not counted, and why (a :class:`~kopledger.core.errors.Pesan` each);
- ``kop ekspor``: the export is Indonesian data whatever ``--lang`` (deliberately: the published
  schema's language), its messages on the terminal follow ``--lang``;
- health and budget: malformed directives kept as data, worded where they are shown;
- ``kop tutup-buku`` / ``kop buka-buku``: the English texts name the English commands;
- the web desk: the books' errors, refused requests and form messages in English.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kopledger import Koperasi
from kopledger.cli import main
from kopledger.core.errors import Pesan
from tests.conftest import HEADER_ID

#: Common Indonesian words of kopledger's messages: none may be left in an English text.
INDONESIAN = re.compile(r"\b(tidak|sudah|bukan|berkas|duplikat|dihitung|kesalahan|akar|perbaiki|harus|wajib|"
                        r"dibaca|lagi|pakai|ditolak|tertulis)\b")

BODY = """
2024-03-01 * "Penjualan"
  Aset:Kas                           10000 IDR
  Pendapatan:Anggota:Penjualan      -10000 IDR
"""

ID: dict[str, str | None] = {"KOP_LANG": None}


def _kop(args: list[str], *, lang: str = "id") -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [*args, "--lang", lang], env=ID)
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def books(tmp_path: Path) -> Path:
    path = tmp_path / "buku.beancount"
    path.write_text(HEADER_ID + BODY, encoding="utf-8")
    return path


# --- kop agregat ----------------------------------------------------------------------------
@pytest.fixture
def exports(books: Path, tmp_path: Path) -> Path:
    """A folder of exports: one valid, the same again, an empty object, broken JSON, an unbalanced one."""
    folder = tmp_path / "ekspor"
    folder.mkdir()
    code, _out, err = _kop(["ekspor", str(books), "--tahun", "2024", "--sementara", "--out", str(folder / "a.json")])
    assert code == 0, err
    shutil.copy(folder / "a.json", folder / "b-salinan.json")
    (folder / "c-kosong.json").write_text("{}", encoding="utf-8")
    (folder / "d-rusak.json").write_text('{"skema": ', encoding="utf-8")
    document = json.loads((folder / "a.json").read_text(encoding="utf-8"))
    document["koperasi"]["nama"] = "Koperasi Timpang"
    document["laporan"]["neraca"]["total"]["total_aset"] = "1"
    (folder / "e-timpang.json").write_text(json.dumps(document), encoding="utf-8")
    return folder


def _problems(stderr: str) -> dict[str, str]:
    found = {}
    for line in stderr.splitlines():
        name, sep, why = line.partition(": ")
        if sep and name.endswith(".json"):
            found[Path(name).name] = why
    return found


def test_kop_agregat_says_why_files_are_not_counted_in_english(exports: Path, tmp_path: Path) -> None:
    missing = str(tmp_path / "hilang.json")
    code_id, out_id, err_id = _kop(["agregat", str(exports), missing])
    code_en, out_en, err_en = _kop(["agregat", str(exports), missing], lang="en")
    assert code_id == code_en == 1
    english, indonesian = _problems(err_en), _problems(err_id)
    assert set(english) == set(indonesian) == {"c-kosong.json", "d-rusak.json", "e-timpang.json", "hilang.json"}
    assert english["hilang.json"] == "file or folder not found"
    assert indonesian["hilang.json"] == "berkas atau folder tidak ditemukan"
    # an identical copy is counted once and listed as skipped, in the reader's language
    assert "b-salinan.json: an identical copy of " in out_en and "(Koperasi Uji, year 2024); counted once" in out_en
    assert "b-salinan.json: salinan identik dari " in out_id
    assert english["c-kosong.json"].startswith("does not match the export schema (")
    assert "(root): 'skema' is a required property" in english["c-kosong.json"]
    assert english["c-kosong.json"].endswith(" more")  # "… and N more"
    assert "(akar): 'skema' is a required property" in indonesian["c-kosong.json"]
    assert english["d-rusak.json"].startswith("not valid JSON: ")
    assert english["e-timpang.json"].startswith("implausible figures (")
    assert "the balance sheet does not balance: total assets: 1 ≠ liabilities + equity" in english["e-timpang.json"]
    assert "neraca tidak seimbang: total aset: 1 ≠ liabilitas + ekuitas" in indonesian["e-timpang.json"]
    # jsonschema's own words ("is a required property") are English in both languages; nothing else is Indonesian
    assert not INDONESIAN.search(err_en), err_en
    assert "Error: 4 files not counted (see above)" in err_en
    # the report printed on the screen lists them in English too
    assert "Files not counted:" in out_en and "file or folder not found" in out_en
    assert "berkas atau folder tidak ditemukan" in out_id


def test_kop_agregat_json_words_the_problems_in_its_language(exports: Path) -> None:
    _code, out_en, _err = _kop(["agregat", str(exports), "--format", "json"], lang="en")
    _code, out_id, _err = _kop(["agregat", str(exports), "--format", "json"])
    english = {Path(m["berkas"]).name: m["pesan"] for m in json.loads(out_en)["masalah"]}
    indonesian = {Path(m["berkas"]).name: m["pesan"] for m in json.loads(out_id)["masalah"]}
    assert english["d-rusak.json"].startswith("not valid JSON") and indonesian["d-rusak.json"].startswith("bukan JSON")
    assert json.loads(out_en)["jumlah_koperasi"] == json.loads(out_id)["jumlah_koperasi"] == 1


def test_the_regional_report_lists_the_problems_in_english(exports: Path, tmp_path: Path) -> None:
    out = tmp_path / "laporan"
    code, _out, err = _kop(["agregat", str(exports), "--out", str(out), "--laporan", "html", "--laporan", "xlsx"],
                           lang="en")
    assert code == 1, err
    page = html.unescape(next(out.glob("*.html")).read_text(encoding="utf-8"))
    assert "does not match the export schema" in page and "counted once" in page
    assert "tidak dihitung" not in page and "dihitung sekali" not in page
    from openpyxl import load_workbook

    book = load_workbook(next(out.glob("*.xlsx")))
    cells = [str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value]
    assert any(c.startswith("not valid JSON") for c in cells)
    assert not any(c.startswith("bukan JSON") for c in cells)


# --- kop ekspor -----------------------------------------------------------------------------
def test_the_export_is_indonesian_data_whatever_the_language(books: Path) -> None:
    """No SHU split in force: the export says why in Indonesian (the schema's language) with
    --lang en too; only the command's own messages on the terminal follow --lang."""
    code_en, out_en, err_en = _kop(["ekspor", str(books), "--tahun", "2024", "--sementara"], lang="en")
    code_id, out_id, err_id = _kop(["ekspor", str(books), "--tahun", "2024", "--sementara"])
    assert code_en == code_id == 0
    english, indonesian = json.loads(out_en), json.loads(out_id)
    assert english["shu"] == indonesian["shu"] == {
        "dihitung": False,
        "alasan": "belum ada shu-alokasi yang berlaku untuk 2024: pembagian SHU menurut AD/ART belum dicatat di buku",
    }
    assert "Warning: region not filled in" in err_en and "Peringatan: wilayah belum diisi" in err_id


def test_a_schema_error_of_the_export_is_worded_around_the_validators_words() -> None:
    from kopledger.dinas.ekspor import schema_errors

    errors = schema_errors({})
    assert errors and all(isinstance(e, Pesan) for e in errors)
    assert "(akar): 'skema' is a required property" in errors
    assert "(root): 'skema' is a required property" in [e.in_lang("en") for e in errors]


# --- health and budget: errors kept as data -------------------------------------------------
def test_health_and_budget_errors_are_data_worded_where_shown(books: Path) -> None:
    from kopledger.reports.anggaran import realisasi_anggaran
    from kopledger.reports.kesehatan import assess
    from kopledger.reports.rat import build_rat

    text = HEADER_ID + BODY + (
        '2024-06-01 custom "anggaran" "Beban:Tidak:Ada" 1000 IDR\n'
        '2025-01-10 custom "kesehatan-isian" "prinsip-koprasi" 1 TRUE\n'
    )
    kop = Koperasi.from_string(text)
    budget = realisasi_anggaran(kop, 2024).errors
    health = assess(kop, 2024).errors
    assert len(budget) == len(health) == 1 and all(isinstance(e, Pesan) for e in (*budget, *health))
    assert budget[0].endswith("anggaran: akun Beban:Tidak:Ada (atau sub-akunnya) tidak dibuka di buku; periksa ejaannya")
    assert budget[0].in_lang("en").endswith(
        "anggaran: account Beban:Tidak:Ada (or a sub-account) is not open in the books; check the spelling")
    assert re.match(r"<string>:\d+: anggaran: account", budget[0].in_lang("en"))  # file:line kept
    assert health[0].in_lang("en").endswith("kesehatan-isian: unknown indicator 'prinsip-koprasi'; use one of "
                                            + health[0].split("pakai salah satu dari ")[1])
    # the RAT pack (built by the library over such books) names the budget problem in its language
    assert "is not open in the books" in build_rat(kop, 2024, lang="en").belum_tersedia["anggaran"]
    assert "tidak dibuka di buku" in build_rat(kop, 2024).belum_tersedia["anggaran"]
    # the command line refuses such books, with every error in English
    books.write_text(text, encoding="utf-8")
    for command in (["kesehatan", str(books), "--tahun", "2024"], ["rat", str(books), "--tahun", "2024"]):
        code, _out, err = _kop(command, lang="en")
        assert code == 1
        assert "anggaran: account Beban:Tidak:Ada (or a sub-account) is not open in the books" in err
        assert "kesehatan-isian: unknown indicator 'prinsip-koprasi'" in err
        assert "Fix them first (kop check lists them all)." in err
        assert not re.search(r"\b(tidak|perbaiki|pakai)\b", err), err


# --- closing: the English texts name the English commands -----------------------------------
def test_closing_and_reopening_name_the_english_commands(books: Path) -> None:
    with books.open("a", encoding="utf-8") as f:
        f.write('2020-01-01 custom "shu-alokasi" "cadangan" 100\n')
    code, english, _err = _kop(["tutup-buku", str(books), "--tahun", "2024", "--dry-run"], lang="en")
    assert code == 0
    assert "check the books against it: kop verify BOOKS --tahun YEAR --sidik SIDIK" in english
    assert "kop verifikasi" not in english
    code, indonesian, _err = _kop(["tutup-buku", str(books), "--tahun", "2024"])
    assert code == 0 and "cocokkan buku dengannya: kop verifikasi BUKU --tahun TAHUN --sidik SIDIK" in indonesian
    code, reopened, _err = _kop(["buka-buku", str(books), "--tahun", "2024", "--alasan", "salah catat", "--dry-run"],
                                lang="en")
    assert code == 0
    assert f"When the correction is done, close it again with: kop close {books} --tahun 2024" in reopened
    code, dibuka, _err = _kop(["buka-buku", str(books), "--tahun", "2024", "--alasan", "salah catat", "--dry-run"])
    assert code == 0 and f"tutup lagi dengan: kop tutup-buku {books} --tahun 2024" in dibuka


def test_the_sidik_page_names_the_english_command(books: Path, tmp_path: Path) -> None:
    with books.open("a", encoding="utf-8") as f:
        f.write('2020-01-01 custom "shu-alokasi" "cadangan" 100\n')
    assert _kop(["tutup-buku", str(books), "--tahun", "2024"])[0] == 0
    code, report, err = _kop(["laporan", str(books), "--tahun", "2024", "--format", "html"], lang="en")
    assert code == 0, err
    assert "kop verify BOOKS --tahun YEAR --sidik SIDIK" in report and "kop verifikasi" not in report


# --- the web desk in English ----------------------------------------------------------------
@pytest.fixture
def desk(tmp_path: Path) -> tuple[Path, Any]:
    from tests.test_fava import EXAMPLE, client_for

    path = tmp_path / "buku.beancount"
    path.write_text(EXAMPLE.read_text(encoding="utf-8") + '\n2016-03-12 custom "fava-option" "language" "en"\n',
                    encoding="utf-8")
    return path, client_for(path)


def _page(response: Any) -> str:
    from tests.test_fava import text_of

    return html.unescape(text_of(response))


def _field_messages(page: str) -> dict[str, str]:
    return {name: text.strip() for name, text in
            re.findall(r'<span class="salah" id="salah-([^"]+)">(.*?)</span>', page, re.S)}


def test_the_web_desk_words_form_messages_in_english(desk: tuple[Path, Any]) -> None:
    from tests.test_fava import BASE, post

    path, client = desk
    before = path.read_bytes()
    bad = post(client, "setor", {"anggota": "A0001", "jumlah": "50.000", "tanggal": "", "jenis": "emas",
                                 "bukti": 'a"b'})
    assert bad.status_code == 400
    fields = _field_messages(_page(bad))
    assert fields == {
        "jumlah": "amount '50.000': write whole rupiah without dots or commas, for example 50000",
        "tanggal": "Date is required",
        "jenis": "--jenis: 'emas' is not one of sukarela, berjangka",
        "bukti": "bukti must not contain quotes, backslashes or line breaks: 'a\"b'",
    }
    unknown = _page(post(client, "setor", {"anggota": "X9999", "jumlah": "5000", "tanggal": "2026-01-05",
                                           "jenis": "sukarela", "bukti": ""}))
    assert _field_messages(unknown)["anggota"].startswith("unknown member: 'X9999'")
    preview = _page(post(client, "setor", {"anggota": "A0001", "jumlah": "5000", "tanggal": "2026-01-05",
                                           "jenis": "sukarela", "bukti": ""}))
    assert "(deposit to simpanan sukarela of A0001)" in preview and "<code>kop savings deposit</code>" in preview
    forged = client.post(BASE + "setor", data={"anggota": "A0001", "token": "x" * 43, "aksi": "tulis"},
                         headers={"Origin": "http://evil.example"})
    assert forged.status_code == 403
    assert "request from another origin refused (Origin: http://evil.example); nothing was written" in _page(forged)
    assert path.read_bytes() == before
    for page in (fields.values(), [unknown, preview, _page(forged)]):
        assert not any(INDONESIAN.search(re.sub(r"<[^>]+>", "", text)) for text in page if "salah-blok" not in text)


def test_the_web_desk_words_refusals_and_the_books_errors_in_english(desk: tuple[Path, Any]) -> None:
    from tests.test_fava import BASE, client_for

    path, client = desk
    refused = {
        "unduh?berkas=x": "unknown download: 'x'; use one of rat.html",
        "shu?tahun=20x5": "invalid year '20x5': use four digits, e.g. 2025",
        "laporan?tahun=2025&jenis=x": "unknown statement: 'x'; use one of neraca",
        "shu?tahun=1999": "no transactions in 1999",
    }
    for url, english in refused.items():
        response = client.get(BASE + url)
        assert response.status_code == 400
        shown = re.search(r'id="gagal">(.*?)</div>', _page(response), re.S)
        assert shown and shown.group(1).startswith(english), (url, shown and shown.group(1))
    with path.open("a", encoding="utf-8") as f:
        f.write('\n2025-12-30 custom "anggota-keluar" "Z9999"\n')
    page = _page(client_for(path).get(BASE + "anggota"))
    # the web desk's own list (Fava's Errors page keeps the books' Indonesian message, as bean-check does)
    shown = re.search(r'<div class="salah-blok">(.*?)</div>', page, re.S)
    assert shown is not None
    assert "The books have errors; fix them first" in shown.group(1)
    assert "anggota-keluar for an unknown member: 'Z9999'; use a member id registered with custom" in shown.group(1)
    assert "anggota-keluar untuk anggota tidak dikenal" not in shown.group(1)
