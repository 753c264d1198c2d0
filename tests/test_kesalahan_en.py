"""The library's errors speak the reader's language (issue #15 part 5).

Every error a user can cause is made with ``XError.pesan("Indonesian template {name}", hint=…,
name=value)``; the template is a key of the English catalogs ``templates/locale/en/*.json``, so
``kop … --lang en`` prints it in English and ``str(error)`` stays the Indonesian text.

- static (``tests/test_katalog_pesan.py``, one scan for every kind of message): every literal
  template given to ``.pesan(`` (and ``hint=``) or to ``Pesan(`` has an English entry with the
  same placeholders; no kopledger error is built from a finished sentence (``raise InputError(f"…")``);
- behaviour: the real CLI (``kopledger.cli.main``) on a small ledger, each error in English with
  ``--lang en`` and in Indonesian without it, with the same exit code.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kopledger.cli import main
from kopledger.core import errors as errors_module
from kopledger.core.errors import InputError, KopledgerError, LedgerHasErrors, Pesan, translate

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "mawar" / "buku.beancount"


# --- the mechanism -----------------------------------------------------------------
def test_pesan_keeps_the_indonesian_text_and_words_english() -> None:
    error = InputError.pesan("anggota tidak dikenal: {anggota!r}",
                             hint="Lihat daftar anggota dengan: kop anggota daftar BUKU", anggota="Z9")
    assert str(error) == "anggota tidak dikenal: 'Z9'\nLihat daftar anggota dengan: kop anggota daftar BUKU"
    assert error.in_lang("id") == str(error)
    assert error.in_lang("en") == "unknown member: 'Z9'\nList the members with: kop member list BOOKS"
    assert Pesan.dari(error).in_lang("en") == "unknown member: 'Z9'"


def test_a_wrapped_error_and_a_list_of_texts_are_worded_in_the_same_language() -> None:
    cause = InputError.pesan("anggota tidak dikenal: {anggota!r}", anggota="Z9")
    outer = InputError.pesan("SHU {tahun} tidak bisa dihitung: {sebab}", tahun=2025, sebab=cause)
    assert str(outer) == "SHU 2025 tidak bisa dihitung: anggota tidak dikenal: 'Z9'"
    assert outer.in_lang("en") == "SHU 2025 cannot be computed: unknown member: 'Z9'"
    many = InputError.pesan("anggota tidak bisa didaftarkan; tidak ada yang ditulis:\n  {masalah}",
                            masalah=Pesan.gabung("\n  ", [Pesan("id kosong"), Pesan("nama kosong")]))
    assert str(many) == "anggota tidak bisa didaftarkan; tidak ada yang ditulis:\n  id kosong\n  nama kosong"
    assert many.in_lang("en") == "members cannot be registered; nothing was written:\n  id is empty\n  nama is empty"
    listed = InputError.pesan("SHU {tahun} tidak bisa dihitung: {sebab}", tahun=2025, sebab=[cause])
    assert listed.in_lang("en").endswith("[\"unknown member: 'Z9'\"]")


def test_one_value_type_for_every_kind_of_error() -> None:
    """``Pesan.dari`` takes the message of a library error, an error found in the books and the
    chain's error alike (template and values), and of any other error its text."""
    from kopledger.books.closed.chain import ChainError
    from kopledger.core.errors import KopError

    library = InputError.pesan("anggota tidak dikenal: {anggota!r}", hint="Lihat daftar anggota dengan: "
                               "kop anggota daftar BUKU", anggota="Z9")
    books = KopError.pesan({"filename": "b", "lineno": 1}, 'pinjaman {pinjaman}: anggota tidak dikenal: {anggota}; '
                           'daftarkan dulu dengan custom "anggota" (unknown member)', None, pinjaman="PJ-1", anggota="B1")
    chain = ChainError.pesan(None, "kunci tahun buku {tahun} tidak ada lagi di dalamnya", None, 2024, (), tahun=2024)
    plain = ValueError("bukan pesan kopledger")
    assert [Pesan.dari(e) for e in (library, books, chain, plain)] == [
        "anggota tidak dikenal: 'Z9'", books.message,
        "kunci tahun buku 2024 tidak ada lagi di dalamnya", "bukan pesan kopledger"]
    assert [Pesan.dari(e).in_lang("en") for e in (library, books, chain, plain)] == [
        "unknown member: 'Z9'", 'loan PJ-1: unknown member: B1; register the member first with custom "anggota"',
        "the lock of financial year 2024 is no longer in it",
        "bukan pesan kopledger"]
    assert Pesan.dari(library, saran=True).in_lang("en") == library.in_lang("en")
    assert Pesan.dari(library, saran=True) == str(library)


def test_a_joined_list_translates_its_separator() -> None:
    kinds = Pesan.gabung(" atau ", [Pesan("angka"), Pesan("teks dalam tanda kutip"), "Amount"])
    assert kinds == "angka atau teks dalam tanda kutip atau Amount"
    assert kinds.in_lang("en") == "a number or quoted text or Amount"
    assert Pesan.gabung(", ", []) == "" and Pesan.gabung(", ", []).in_lang("en") == ""


def test_a_translation_that_does_not_fit_falls_back_to_indonesian(monkeypatch: pytest.MonkeyPatch) -> None:
    error = InputError.pesan("anggota tidak dikenal: {anggota!r}", anggota="Z9")
    monkeypatch.setattr(errors_module, "translate", lambda text, lang="id", template_dir=None: "unknown {nama}")
    assert error.in_lang("en") == "anggota tidak dikenal: 'Z9'"
    assert errors_module.worded("anggota tidak dikenal: {anggota!r}", {"anggota": "Z9"}, "en") == str(error)


def test_ledger_has_errors_words_its_values_and_the_books_errors() -> None:
    from kopledger.core.errors import KopError

    found = KopError.pesan({"filename": "b", "lineno": 2}, 'pinjaman {pinjaman}: anggota tidak dikenal: {anggota}; '
                           'daftarkan dulu dengan custom "anggota" (unknown member)', None, pinjaman="PJ-1", anggota="B1")
    error = LedgerHasErrors.pesan("catatan baru ini akan menimbulkan kesalahan di buku; tidak ada yang ditulis:",
                                  [found] * 52, hint="Perbaiki dulu kesalahannya (lihat: kop cek BUKU).")
    english = error.in_lang("en").splitlines()
    assert english[0] == "these new records would cause errors in the books; nothing was written:"
    assert english[1] == '  b:2: loan PJ-1: unknown member: B1; register the member first with custom "anggota"'
    assert len(english) == 53
    assert english[-2:] == ["  … and 2 more errors", "Fix the errors first (see: kop check BOOKS)."]
    assert str(error).splitlines()[-2:] == ["  … dan 2 kesalahan lain", "Perbaiki dulu kesalahannya (lihat: kop cek BUKU)."]
    wrapped = LedgerHasErrors.pesan("SHU {tahun} tidak bisa dihitung: {sebab}", [], tahun=2025,
                                    sebab=Pesan("tahun itu rugi {rugi}", rugi="Rp1"))
    assert wrapped.in_lang("en") == "SHU 2025 cannot be computed: that year made a loss of Rp1"


def test_a_label_is_translated_by_its_own_key_and_left_alone_without_one() -> None:
    assert translate("jumlah", "en") == "total"  # a report's word …
    assert Pesan.label("jumlah").in_lang("en") == "amount"  # … and an input's label
    assert Pesan.label("--jumlah").in_lang("en") == "--jumlah"
    assert Pesan.label("{x}") == "{x}"


def test_subclasses_with_their_own_constructor_support_pesan() -> None:
    from kopledger.ops.closing import ClosingRefused, Problem
    from kopledger.ops.writer import AlreadyWritten

    written = AlreadyWritten.pesan(
        "bukti {bukti} sudah tercatat di buku ({lokasi}, tanggal {tanggal}); tidak ada yang ditulis",
        "b.beancount:7", bukti="KW-1", lokasi="b.beancount:7", tanggal=dt.date(2025, 1, 2))
    assert written.where == "b.beancount:7"
    assert written.in_lang("en").startswith("bukti KW-1 is already in the books (b.beancount:7, dated 2025-01-02)")
    refused = ClosingRefused.pesan("tahun buku {tahun} tidak bisa ditutup; tidak ada yang ditulis:",
                                   [Problem("kosong", Pesan("tidak ada transaksi pada atau sebelum {tahun}: "
                                                            "tidak ada yang ditutup", tahun=2025))], tahun=2025)
    assert str(refused) == ("tahun buku 2025 tidak bisa ditutup; tidak ada yang ditulis:\n"
                            "  - tidak ada transaksi pada atau sebelum 2025: tidak ada yang ditutup")
    assert refused.in_lang("en") == ("financial year 2025 cannot be closed; nothing was written:\n"
                                     "  - no transactions in or before 2025: nothing to close")
    books = LedgerHasErrors.pesan("buku baru tidak lolos pemeriksaan; tidak ada yang ditulis:", [])
    assert books.errors == [] and isinstance(books, KopledgerError)


def test_a_pesan_survives_pickling() -> None:
    import pickle

    text = Pesan("tahun {tahun} sudah ditutup (tutup-buku); catat di tahun yang masih terbuka", tahun=2024)
    again = pickle.loads(pickle.dumps(text))
    assert again == text and again.in_lang("en") == text.in_lang("en") != str(text)
    assert errors_module.in_language(Pesan.label("tanggal"), "en") == "date"


# --- through the command line --------------------------------------------------------
TODAY = dt.date.today()


@pytest.fixture
def books(tmp_path: Path) -> Path:
    """Three members joined 2024-01-02 (pokok and wajib paid), a year of sales, an SHU split."""
    from tests.test_shu import EXAMPLE_1, HEADER, ledger

    path = tmp_path / "buku.beancount"
    path.write_text(ledger(EXAMPLE_1, HEADER), encoding="utf-8")
    return path


def _run(args: list[str], lang: str) -> tuple[int, str]:
    """``kop ARGS`` with ``KOP_LANG=lang`` (every command; ``--lang`` is only on the reports)."""
    result = CliRunner().invoke(main, args, env={"KOP_LANG": lang})
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.output


def _both(args: list[str]) -> tuple[int, str, int, str]:
    code_id, text_id = _run(args, "id")
    code_en, text_en = _run(args, "en")
    return code_id, text_id, code_en, text_en


CASES = [
    pytest.param(
        ["simpanan", "tarik", "{b}", "--anggota", "Z9", "--jumlah", "1000", "--tanggal", "2024-12-01"], 2,
        ["anggota tidak dikenal: 'Z9'", "Lihat daftar anggota dengan: kop anggota daftar BUKU"],
        ["unknown member: 'Z9'", "List the members with: kop member list BOOKS"],
        id="unknown-member"),
    pytest.param(
        ["simpanan", "tarik", "{b}", "--anggota", "A0001", "--jumlah", "99999999", "--tanggal", "2024-12-01"], 2,
        ["penarikan Rp99.999.999 melebihi saldo simpanan sukarela A0001 (Rp0); tarik paling banyak sebesar saldonya"],
        ["the withdrawal of Rp99,999,999 exceeds the voluntary savings balance of A0001 (Rp0); "
         "withdraw at most the balance"],
        id="withdraw-over-balance"),
    pytest.param(
        ["simpanan", "tarik", "{b}", "--anggota", "A0001", "--jumlah", "1000", "--tanggal", "2024-12-01",
         "--jenis", "pokok"], 2,
        ["simpanan pokok A0001 tidak boleh diambil selama masih menjadi anggota",
         "Simpanan ini dibayarkan saat keluar: kop anggota keluar BUKU --anggota ID"],
        ["simpanan pokok of A0001 cannot be withdrawn while the member is still a member",
         "These savings are paid out when the member leaves: kop member exit BOOKS --anggota ID"],
        id="withdraw-pokok"),
    pytest.param(
        ["anggota", "tambah", "{b}", "--id", "A0001", "--nama", "Ani", "--tanggal", "2024-12-01"], 2,
        ["anggota tidak bisa didaftarkan; tidak ada yang ditulis:",
         "A0001: id A0001 sudah terdaftar (Siti Aminah, sejak 2024-01-02); pakai id lain"],
        ["members cannot be registered; nothing was written:",
         "A0001: id A0001 is already registered (Siti Aminah, since 2024-01-02); use another id"],
        id="member-registered-twice"),
    pytest.param(
        ["simpanan", "setor", "{b}", "--anggota", "A0001", "--jumlah", "1000",
         "--tanggal", f"{TODAY.year + 1}-01-02"], 2,
        [f"tanggal {TODAY.year + 1}-01-02 ada di masa depan (hari ini {TODAY}); pakai tanggal hari ini atau sebelumnya"],
        [f"date {TODAY.year + 1}-01-02 is in the future (today is {TODAY}); use today or an earlier date"],
        id="date-in-the-future"),
    pytest.param(
        ["pinjaman", "cair", "{b}", "--anggota", "A0001", "--pokok", "1000000", "--bunga", "99", "--tenor", "12",
         "--metode", "flat", "--tanggal", "2024-12-01"], 2,
        ["bunga 99% setahun melebihi batas koperasi 36% (kebijakan bunga-pinjaman-maks)",
         'Turunkan bunga, atau ubah batasnya: custom "kebijakan" "bunga-pinjaman-maks" N'],
        ["interest of 99% a year exceeds the koperasi's limit of 36% (kebijakan bunga-pinjaman-maks)",
         'Lower the interest, or change the limit: custom "kebijakan" "bunga-pinjaman-maks" N'],
        id="loan-over-the-limit"),
    pytest.param(
        ["pinjaman", "cair", "{b}", "--anggota", "A0001", "--pokok", "1000000", "--bunga", "12", "--tenor", "12",
         "--metode", "flat", "--tanggal", "2024-12-01", "--biaya-admin", "1000000"], 2,
        ["biaya admin + provisi (Rp1.000.000) harus lebih kecil dari pokok (Rp1.000.000)"],
        ["the admin fee + provision (Rp1,000,000) must be less than the principal (Rp1,000,000)"],
        id="loan-fees-over-principal"),
    pytest.param(
        # a year not ended is no longer refused (Koperasi.periode: provisional); one without books is
        ["shu", "{b}", "--tahun", "2019"], 2,
        ["tidak ada transaksi pada tahun 2019", "periksa --tahun"],
        ["no transactions in 2019", "check --tahun"],
        id="shu-of-a-year-without-transactions"),
    pytest.param(
        ["shu", "bayar", "{b}", "--tahun", "2024", "--tanggal", "2025-03-01"], 2,
        ["SHU 2024 belum dibagi (dialokasikan) di buku",
         "Tulis dulu pembagiannya: kop shu BUKU --tahun 2024 --tulis --tanggal YYYY-MM-DD"],
        ["SHU 2024 has not been allocated in the books",
         "Write the allocation first: kop surplus BOOKS --tahun 2024 --tulis --tanggal YYYY-MM-DD"],
        id="shu-paid-before-allocated"),
    pytest.param(
        ["tutup-buku", "{b}", "--tahun", str(TODAY.year)], 1,
        [f"tahun buku {TODAY.year} tidak bisa ditutup; tidak ada yang ditulis:",
         f"  - tahun buku {TODAY.year} belum berakhir (hari ini {TODAY}); tutup buku mulai {TODAY.year + 1}-01-01"],
        [f"financial year {TODAY.year} cannot be closed; nothing was written:",
         f"  - financial year {TODAY.year} has not ended (today is {TODAY}); it can be closed from {TODAY.year + 1}-01-01",
         "  - SHU", "cannot be computed: no transactions in"],
        id="close-a-year-not-ended"),
    pytest.param(
        ["anggota", "impor", "{b}", "{b}"], 2,
        ["buku.beancount: berikan berkas .csv atau .xlsx"],
        ["buku.beancount: give a .csv or .xlsx file"],
        id="import-not-a-table"),
]


@pytest.mark.parametrize(("args", "code", "indonesian", "english"), CASES)
def test_errors_through_the_cli_in_both_languages(
    books: Path, args: list[str], code: int, indonesian: list[str], english: list[str],
) -> None:
    argv = [a.replace("{b}", str(books)) for a in args]
    before = books.read_bytes()
    code_id, text_id, code_en, text_en = _both(argv)
    assert (code_id, code_en) == (code, code)  # the exit code does not depend on the language
    assert text_id.startswith("Kesalahan: ") and text_en.startswith("Error: ")
    for line in indonesian:
        assert line in text_id
    for line in english:
        assert line in text_en
    assert books.read_bytes() == before  # a refused command writes nothing


def test_a_closed_year_refuses_new_records_in_both_languages(books: Path) -> None:
    closed = CliRunner().invoke(main, ["tutup-buku", str(books), "--tahun", "2024"], env={"KOP_LANG": "id"})
    assert closed.exit_code == 0, closed.output
    argv = ["simpanan", "setor", str(books), "--anggota", "A0001", "--jumlah", "5000", "--tanggal", "2024-12-01"]
    code_id, text_id, code_en, text_en = _both(argv)
    assert code_id == code_en == 2
    assert "tahun 2024 sudah ditutup (tutup-buku); catat di tahun yang masih terbuka" in text_id
    assert "year 2024 is closed (tutup-buku); record it in a year that is still open" in text_en
    again = ["tutup-buku", str(books), "--tahun", "2024"]
    code_id, text_id, code_en, text_en = _both(again)
    assert code_id == code_en == 1
    assert "tahun buku 2024 sudah ditutup; untuk mengubahnya, buka dulu dengan kop buka-buku BUKU" in text_id
    assert "financial year 2024 is already closed; to change it, reopen it first with kop reopen BOOKS" in text_en


def test_a_locked_ledger_file_is_refused_in_both_languages(books: Path) -> None:
    books.chmod(0o444)
    try:
        argv = ["simpanan", "setor", str(books), "--anggota", "A0001", "--jumlah", "5000", "--tanggal", "2024-12-01"]
        code_id, text_id, code_en, text_en = _both(argv)
    finally:
        books.chmod(0o644)
    assert code_id == code_en == 1
    assert f"buku {books} dikunci (izin berkas 444, tanpa izin tulis)" in text_id
    assert f"Bila memang boleh ditulis, buka kuncinya dulu: chmod u+w {books}" in text_id
    assert f"the books {books} are locked (file permissions 444, no write permission)" in text_en
    assert f"If they may be written, unlock them first: chmod u+w {books}" in text_en


def test_a_bad_amount_in_the_library_names_the_label_in_english(books: Path) -> None:
    from kopledger import Koperasi
    from kopledger.ops.savings import deposit_entries

    kop = Koperasi.load(books)
    with pytest.raises(InputError) as caught:
        deposit_entries(kop, "A0001", "50.000", dt.date(2024, 12, 1), today=dt.date(2024, 12, 2))
    assert str(caught.value) == "jumlah '50.000': tulis rupiah bulat tanpa titik atau koma, misalnya 50000"
    assert caught.value.in_lang("en") == "amount '50.000': write whole rupiah without dots or commas, for example 50000"
    with pytest.raises(InputError) as pokok:  # simpanan pokok is paid once, on joining: not deposited again
        deposit_entries(kop, "A0001", 100000, dt.date(2024, 12, 1), jenis="pokok", today=dt.date(2024, 12, 2))
    assert str(pokok.value).startswith("simpanan pokok tidak disetor dengan perintah setor\nSimpanan pokok dibayar")
    assert pokok.value.in_lang("en").startswith(
        "simpanan pokok is not paid in with the deposit command\nSimpanan pokok is paid on joining (kop member add)")


def test_the_example_koperasi_speaks_english_for_an_unknown_loan(tmp_path: Path) -> None:
    target = tmp_path / "buku.beancount"
    shutil.copy(EXAMPLE, target)
    argv = ["pinjaman", "bayar", str(target), "--pinjaman", "PJ-1999-999", "--jumlah", "1000",
            "--tanggal", "2025-06-01"]
    code_id, text_id, code_en, text_en = _both(argv)
    assert code_id == code_en == 2
    assert "pinjaman 'PJ-1999-999' tidak ada di buku" in text_id
    assert "Lihat daftar pinjaman: kop pinjaman daftar BUKU (mis. " in text_id
    assert "loan 'PJ-1999-999' is not in the books" in text_en
    assert "List the loans with: kop loan list BOOKS (e.g. " in text_en


def test_a_message_about_one_thing_takes_the_english_form_for_one() -> None:
    """Indonesian nouns have one form; the English catalog holds the form for one thing under
    ``key|1``, used when the value ``jumlah`` is 1 (``errors.worded``)."""
    import string

    from kopledger.core.errors import SATU, catalog, worded

    def _fields(template: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(template) if name}

    template = "{jumlah} kesalahan di {berkas}"
    assert worded(template, {"jumlah": 1, "berkas": "b"}, "en") == "1 error in b"
    assert worded(template, {"jumlah": 2, "berkas": "b"}, "en") == "2 errors in b"
    assert worded(template, {"jumlah": 1, "berkas": "b"}, "id") == "1 kesalahan di b"
    merged = catalog("en")
    singles = {k: v for k, v in merged.items() if k.endswith(SATU)}
    assert len(singles) >= 10
    for key, english in singles.items():
        base = key[: -len(SATU)]
        assert base in merged, f"{key!r}: the form for one thing of a message the catalogs do not have"
        assert _fields(english) == _fields(base) == _fields(merged[base]), key
        # (a hint has no placeholder of its own: it is worded with its error's values, jumlah too)
