"""Errors found in the books, in English (issue #15 part 5).

Every error the plugin and kopledger's checks find in the books is data: a ``KopError``
(or the chain's ``ChainError``) made with ``.pesan``, keeping the Indonesian template and
its values. ``message`` stays the Indonesian text (what ``bean-check`` and Fava show);
``kop cek --lang en`` words it in English through ``templates/locale/en/buku.json``.

The static checks (no error of the books built from a finished sentence, every template
with an English entry with the same placeholders) are in ``tests/test_katalog_pesan.py``,
one scan for every kind of message. The behaviour tests here run ``kop cek`` on small real
ledgers.
"""

from __future__ import annotations

import json
import pickle
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from kopledger.cli import main
from kopledger.core import errors
from kopledger.core.errors import Angka, KopError, LedgerHasErrors, Pesan, format_error_line
from tests.conftest import HEADER_ID


# --- the record: message, template, values ---------------------------------------------
def test_pesan_keeps_the_indonesian_message_and_the_template() -> None:
    error = KopError.pesan({"filename": "b.beancount", "lineno": 3}, "anggota {anggota} sudah keluar pada {keluar}; "
                           "hapus anggota-keluar yang kedua ini (already left)", None, anggota="A0001", keluar="2025-03-01")
    assert error.message == "anggota A0001 sudah keluar pada 2025-03-01; hapus anggota-keluar yang kedua ini (already left)"
    assert error.teks is not None and error.nilai == (("anggota", "A0001"), ("keluar", "2025-03-01"))
    assert format_error_line(error) == f"b.beancount:3: {error.message}"
    assert format_error_line(error, "en") == "b.beancount:3: member A0001 already left on 2025-03-01; remove this second anggota-keluar"
    assert (error.source, error.message, error.entry) == tuple(error)[:3]  # beancount's shape
    from beancount.parser import printer

    assert printer.format_error(error).startswith(f"b.beancount:3: {error.message}")


def test_a_kop_error_without_a_template_stays_as_it_is() -> None:
    error = KopError(None, "pesan lama", None)
    assert error.in_lang("en") == "pesan lama" and format_error_line(error, "en") == "pesan lama"


def test_nested_parts_are_worded_in_the_language() -> None:
    kinds = Pesan.gabung(" atau ", (Pesan("angka"), Pesan("teks dalam tanda kutip")))
    usage = Pesan.gabung(" ", (Pesan.kata("ID"), Pesan.kata("NAMA")))
    error = KopError.pesan(None, 'custom "{jenis}": {label} harus {tipe}, tertulis {isi!r}; tulis seperti ini: '
                           'custom "{jenis}" {bentuk} (wrong value type)', None,
                           jenis="anggota", label=Pesan.kata("NAMA"), tipe=kinds, isi=1, bentuk=usage)
    assert error.message == ('custom "anggota": NAMA harus angka atau teks dalam tanda kutip, tertulis 1; '
                             'tulis seperti ini: custom "anggota" ID NAMA (wrong value type)')
    assert error.in_lang("en") == ('custom "anggota": NAME must be a number or quoted text, not 1; '
                                   'write it like this: custom "anggota" ID NAME')
    nested = KopError.pesan(None, "kebijakan {kunci!r}: {masalah}; perbaiki nilainya", None,
                            kunci="x", masalah=Pesan("nilainya harus angka, tertulis {isi!r}", isi="y"))
    assert nested.message == "kebijakan 'x': nilainya harus angka, tertulis 'y'; perbaiki nilainya"
    assert nested.in_lang("en") == "kebijakan 'x': the value must be a number, not 'y'; correct the value"


def test_a_translation_that_does_not_fit_falls_back_to_indonesian(monkeypatch: pytest.MonkeyPatch) -> None:
    teks = "anggota {anggota} sudah keluar pada {keluar}; hapus anggota-keluar yang kedua ini (already left)"
    error = KopError.pesan(None, teks, None, anggota="A1", keluar="2025-01-01")
    monkeypatch.setattr(errors, "translate", lambda text, lang="id", template_dir=None: "member {nama} left")
    assert error.in_lang("en") == error.message


def test_numbers_are_written_the_readers_way() -> None:
    assert Angka(__import__("decimal").Decimal("1234567.5")).in_lang("id") == "1.234.567,5"
    assert Angka(__import__("decimal").Decimal("1234567.5")).in_lang("en") == "1,234,567.5"


def test_a_kop_error_with_a_template_survives_pickle() -> None:
    error = KopError.pesan({"filename": "b", "lineno": 1}, "kebijakan {kunci!r}: {masalah}; perbaiki nilainya", None,
                           kunci="x", masalah=Pesan("angkanya tidak boleh negatif"))
    back = pickle.loads(pickle.dumps(error))
    assert back == error and type(back) is KopError
    assert back.in_lang("en") == error.in_lang("en") == "kebijakan 'x': the number may not be negative; correct the value"


def test_ledger_has_errors_words_the_books_errors_in_english() -> None:
    error = KopError.pesan({"filename": "b", "lineno": 2}, "buka-buku {tahun}: tahun buku {tahun} belum ditutup; "
                           "hapus baris buka-buku ini (not closed)", None, tahun=2024)
    exc = LedgerHasErrors("b berisi 1 kesalahan:", [error], hint="Perbaiki dulu (kop cek menampilkan semuanya).")
    exc.teks, exc.nilai = "{berkas} berisi {jumlah} kesalahan:", {"berkas": "b", "jumlah": 1}
    exc.teks_hint = "Perbaiki dulu (kop cek menampilkan semuanya)."
    assert "  b:2: buka-buku 2024: tahun buku 2024 belum ditutup" in str(exc)
    english = exc.in_lang("en")
    assert english.splitlines() == [
        "b has 1 error:",  # the form for one thing (catalog key "…|1")
        "  b:2: buka-buku 2024: financial year 2024 is not closed; remove this buka-buku line",
        "Fix it first (kop check shows it).",
    ]
    plain = LedgerHasErrors("buku salah:", [error], hint="Perbaiki.")
    assert plain.in_lang("en").splitlines()[1:] == [english.splitlines()[1], "Perbaiki."]


# --- behaviour: kop cek on real small ledgers --------------------------------------------
BODY = HEADER_ID + """
2020-01-01 custom "shu-alokasi" "cadangan" 40
2020-01-01 custom "shu-alokasi" "jasa-modal" 30
2020-01-01 custom "shu-alokasi" "jasa-usaha" 35
2024-01-02 custom "anggota" "A0001" "Siti Aminah"

2024-01-02 * "Simpanan pokok Siti"
  anggota: "A0001"
  Aset:Kas                          100000 IDR
  Ekuitas:SimpananPokok:A0001      -100000 IDR

2024-02-02 * "Simpanan pokok lagi"
  anggota: "A0001"
  Aset:Kas                          100000 IDR
  Ekuitas:SimpananPokok:A0001      -100000 IDR

2024-03-01 * "Setor wajib"
  Aset:Kas                           25000 IDR
  Ekuitas:SimpananWajib:A0001       -25000 IDR

2024-04-01 * "Ambil wajib"
  Ekuitas:SimpananWajib:A0001        25000 IDR
  Aset:Kas                          -25000 IDR

2024-05-01 * "Setor sukarela orang asing"
  Aset:Kas                           50000 IDR
  Liabilitas:SimpananSukarela:B0009 -50000 IDR

2024-06-01 * "Penjualan" #bukti
  bukti: "KW-0001"
  Aset:Kas                           10000 IDR
  Pendapatan:Anggota:Penjualan      -10000 IDR

2024-06-02 * "Penjualan tersalin"
  bukti: "KW-0001"
  Aset:Kas                           10000 IDR
  Pendapatan:Anggota:Penjualan      -10000 IDR

2024-07-01 custom "anggaran" "Beban:Fiktif" 1000 IDR
2024-07-01 custom "kebijakan" "bonus-aneh" 1
include "hilang.beancount"
"""

#: The Indonesian message and the English one of each error of BODY.
EXPECTED = [
    ("simpanan pokok A0001 sudah dibayar pada 2024-01-02", "simpanan pokok of A0001 was already paid on 2024-01-02"),
    ("simpanan wajib tidak boleh diambil selama anggota A0001 masih aktif",
     "simpanan wajib may not be withdrawn while member A0001 is active"),
    ("anggota tidak dikenal: B0009", "unknown member: B0009"),
    ("berjumlah 105%, bukan 100%", "adds up to 105%, not 100%"),
    ("bukti KW-0001 sudah dipakai di", "bukti KW-0001 is already used at"),
    ("anggaran: akun Beban:Fiktif (atau sub-akunnya) tidak dibuka di buku",
     "anggaran: account Beban:Fiktif (or a sub-account) is not open in the books"),
    ("kebijakan tidak dikenal: 'bonus-aneh'", "unknown kebijakan (policy): 'bonus-aneh'"),
    ('berkas yang di-include tidak ditemukan: "hilang.beancount"', 'included file not found: "hilang.beancount"'),
]


#: The command line's language: ``--lang en`` and ``KOP_LANG=en`` both set it before click parses
#: anything (:func:`kopledger.cli.bahasa.detect`); the environment works on every command.
EN = {"KOP_LANG": "en"}
ID: dict[str, str | None] = {"KOP_LANG": None}


def test_lang_en_and_kop_lang_set_the_same_language() -> None:
    from kopledger.cli.bahasa import detect

    assert detect(["cek", "buku.beancount", "--lang", "en"]) == "en"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def books(tmp_path: Path) -> Path:
    path = tmp_path / "buku.beancount"
    path.write_text(BODY, encoding="utf-8")
    return path


def _lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.strip()]


def test_kop_cek_in_indonesian_by_default(runner: CliRunner, books: Path) -> None:
    result = runner.invoke(main, ["cek", str(books)], env=ID)
    assert result.exit_code == 1, result.output
    for indonesian, english in EXPECTED:
        assert indonesian in result.stdout, indonesian
        assert english not in result.stdout
    assert "Traceback" not in result.output


def test_kop_cek_lang_en_in_english(runner: CliRunner, books: Path) -> None:
    indonesian = runner.invoke(main, ["cek", str(books)], env=ID)
    result = runner.invoke(main, ["cek", str(books)], env=EN)
    assert result.exit_code == 1, result.output
    for id_text, english in EXPECTED:
        assert english in result.stdout, english
        assert id_text not in result.stdout
    # the same errors, at the same places, in the same order
    where = re.compile(r"^(\S+:\d+): ")
    assert [where.match(x).group(1) if where.match(x) else None for x in _lines(indonesian.stdout)] == [
        where.match(x).group(1) if where.match(x) else None for x in _lines(result.stdout)]
    assert len(_lines(result.stdout)) == len(_lines(indonesian.stdout)) >= len(EXPECTED)
    # no Indonesian sentence is left in the error lines
    assert not re.search(r"\b(tidak|sudah|harus|perbaiki|hapus|daftarkan|catat)\b", result.stdout)


def test_kop_cek_json_lang_en(runner: CliRunner, books: Path) -> None:
    result = runner.invoke(main, ["cek", str(books), "--format", "json"], env=EN)
    assert result.exit_code == 1
    messages = [e["message"] for e in json.loads(result.stdout)]
    assert any("unknown member: B0009" in m for m in messages)
    default = runner.invoke(main, ["cek", str(books), "--format", "json"], env=ID)
    assert any("anggota tidak dikenal: B0009" in e["message"] for e in json.loads(default.stdout))


def test_a_command_refusing_books_with_errors_words_them_in_english(runner: CliRunner, books: Path) -> None:
    english = runner.invoke(main, ["shu", str(books), "--tahun", "2024", "--lang", "en"], env=ID)
    indonesian = runner.invoke(main, ["shu", str(books), "--tahun", "2024"], env=ID)
    assert english.exit_code == indonesian.exit_code == 1
    assert "unknown member: B0009" in english.stderr and "anggota tidak dikenal: B0009" not in english.stderr
    assert "anggota tidak dikenal: B0009" in indonesian.stderr
    assert "Traceback" not in english.output


def test_bean_check_shows_the_indonesian_messages(books: Path) -> None:
    bean_check = Path(sys.executable).with_name("bean-check")
    result = subprocess.run([str(bean_check), str(books)], capture_output=True, text=True, check=False)
    assert result.returncode == 1
    output = result.stdout + result.stderr
    for indonesian, english in EXPECTED[:-1]:  # (beancount reports a missing include itself)
        assert indonesian in output, indonesian
        assert english not in output


def _cek_en(runner: CliRunner, tmp_path: Path, body: str) -> tuple[str, str]:
    path = tmp_path / "buku.beancount"
    path.write_text(HEADER_ID + body, encoding="utf-8")
    english = runner.invoke(main, ["cek", str(path)], env=EN)
    indonesian = runner.invoke(main, ["cek", str(path)], env=ID)
    assert english.exit_code == indonesian.exit_code == 1, (english.output, indonesian.output)
    return english.stdout, indonesian.stdout


def test_a_bad_rat_directive_in_english(runner: CliRunner, tmp_path: Path) -> None:
    english, indonesian = _cek_en(runner, tmp_path, """
2024-01-01 custom "ringkasan-tahun" "20x"
2024-01-01 custom "kesehatan-isian" "tidak-ada" 1 TRUE
""")
    assert "ringkasan-tahun needs a year such as \"2022\", not ['20x']" in english
    assert "kesehatan-isian: unknown indicator 'tidak-ada'; use one of" in english
    assert "ringkasan-tahun perlu tahun seperti \"2022\", tertulis ['20x']" in indonesian


def test_a_malformed_directive_names_its_values_in_english(runner: CliRunner, tmp_path: Path) -> None:
    english, indonesian = _cek_en(runner, tmp_path, '2024-01-01 custom "anggota" "A0001"\n')
    assert 'custom "anggota" needs 2 values (ID NAME), got 1; write it like this: custom "anggota" ID NAME' in english
    assert 'custom "anggota" perlu 2 nilai (ID NAMA), ada 1; tulis seperti ini: custom "anggota" ID NAMA' in indonesian


def test_a_tampered_closed_year_in_english(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "buku.beancount"
    path.write_text(HEADER_ID + """
2020-01-01 custom "shu-alokasi" "cadangan" 40
2020-01-01 custom "shu-alokasi" "jasa-modal" 30
2020-01-01 custom "shu-alokasi" "jasa-usaha" 30
2024-01-02 custom "anggota" "A0001" "Siti Aminah"

2024-03-01 * "Penjualan"
  anggota: "A0001"
  Aset:Kas                           10000 IDR
  Pendapatan:Anggota:Penjualan      -10000 IDR
""", encoding="utf-8")
    closed = runner.invoke(main, ["tutup-buku", str(path), "--tahun", "2024"], env=ID)
    assert closed.exit_code == 0, closed.output
    text = path.read_text(encoding="utf-8").replace("10000 IDR", "12000 IDR", 1).replace("-10000 IDR", "-12000 IDR", 1)
    path.write_text(text, encoding="utf-8")
    english = runner.invoke(main, ["cek", str(path)], env=EN)
    indonesian = runner.invoke(main, ["cek", str(path)], env=ID)
    assert english.exit_code == indonesian.exit_code == 1
    assert "financial year 2024 is closed (tutup-buku at " in english.stdout
    assert "but what it locks is no longer intact: entries added, changed or removed: 2024-03 (" in english.stdout
    assert "(entries: 1 when closed, 1 now)" in english.stdout
    assert "tahun buku 2024 sudah ditutup (tutup-buku di " in indonesian.stdout
    assert "catatan ditambah, diubah atau dihapus: 2024-03 (" in indonesian.stdout


def test_a_missing_plugin_and_include_in_english(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "buku.beancount"
    path.write_text(HEADER_ID.replace('plugin "kopledger.plugin"\n', "") + 'include "lain.beancount"\n', encoding="utf-8")
    result = runner.invoke(main, ["cek", str(path)], env=EN)
    assert result.exit_code == 1
    assert 'these books do not load the plugin "kopledger.plugin"' in result.stdout
    assert 'included file not found: "lain.beancount"' in result.stdout


def test_every_error_of_the_example_style_checks_is_english(runner: CliRunner, tmp_path: Path) -> None:
    """A spread of further errors: each comes out English, none falls back to Indonesian."""
    english, _ = _cek_en(runner, tmp_path, """
2024-01-02 custom "anggota" "A0001" "Siti Aminah"
  nik: "123"
  jenis-kelamin: "X"
2024-01-02 custom "anggota" "a b" "Salah"
2024-02-01 custom "anggota-keluar" "A0001"
2024-03-01 custom "anggota-keluar" "A0001"
2024-01-01 custom "koperasi" "Uji"
  jenis: "aneh"
2024-01-01 custom "kebijakan" "simpanan-wajib" -5 IDR
2024-01-01 custom "shu-basis" "jasa-lain" "Aset:Kas"
2023-06-01 custom "tutup-buku" "2023"
2024-01-01 custom "buka-buku" "2022"

2024-03-05 * "Sesudah keluar"
  Aset:Kas                         -5000 IDR
  Ekuitas:SimpananWajib:A0001       5000 IDR

2023-12-01 * "Sebelum masuk"
  Aset:Kas                          1000 IDR
  Liabilitas:SimpananSukarela:A0001 -1000 IDR
""")
    assert "nik A0001 must be the 16 digits of the KTP number" in english
    assert 'jenis-kelamin A0001 must be "P" (female) or "L" (male)' in english
    assert "member id 'a b' is not valid" in english
    assert "member A0001 already left on 2024-02-01" in english
    assert "unknown jenis (type of koperasi): 'aneh'" in english
    assert "kebijakan 'simpanan-wajib': the amount may not be negative" in english
    assert 'shu-basis must be "jasa-modal" or "jasa-usaha", not' in english
    assert "tutup-buku 2023 has no valid sidik (fingerprint)" in english
    assert "buka-buku 2022: financial year 2022 is not closed" in english
    assert "posting dated 2023-12-01, before member A0001 joined on 2024-01-02" in english
    assert "after leaving, a balance may only be settled toward zero" in english
    assert not re.search(r"\b(tidak|sudah|harus|perbaiki|hapus|daftarkan|catat|tertulis)\b", english), english


def _errors_of(kop_path: Path) -> Iterator[KopError]:
    from kopledger.ops.writer import load_uncached

    for error in load_uncached(kop_path)[1]:
        if isinstance(error, KopError):
            yield error


def test_errors_in_the_cache_keep_their_template(books: Path) -> None:
    errors = list(_errors_of(books))
    assert errors and all(e.teks for e in errors)
    back = pickle.loads(pickle.dumps(errors))
    assert [e.in_lang("en") for e in back] == [e.in_lang("en") for e in errors]
    assert [e.message for e in back] == [e.message for e in errors]
