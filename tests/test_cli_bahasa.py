"""click's own words (usage, options, its errors) follow the command line's language."""

from __future__ import annotations

from click.testing import CliRunner

from kopledger.cli import main
from kopledger.cli.bahasa import detect


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_help_is_indonesian_by_default_and_english_with_lang_en() -> None:
    code, out = run("laporan", "--help")
    assert code == 0 and "Cara pakai:" in out and "Opsi:" in out and "Usage:" not in out
    code, out = run("laporan", "--help", "--lang", "en")
    assert code == 0 and "Usage:" in out and "Options:" in out and "Cara pakai" not in out
    code, out = run("--help")
    assert "Perintah:" in out


def test_click_errors_follow_the_language() -> None:
    code, out = run("laporan", "buku.beancount", "--tahun", "dua")
    assert code == 2 and "Kesalahan: Nilai tidak sah untuk '--tahun'" in out
    code, out = run("laporan", "buku.beancount", "--tahun", "dua", "--lang=en")
    assert code == 2 and "Error: Invalid value for '--tahun'" in out


def test_detect_reads_the_lang_option() -> None:
    assert detect(["laporan", "--lang", "en"]) == "en"
    assert detect(["laporan", "--lang=en"]) == "en"
    assert detect(["laporan"]) == "id"
    assert detect(["--lang", "fr"]) == "id"


def test_kopledger_errors_follow_the_language(tmp_path) -> None:
    from pathlib import Path

    example = Path(__file__).resolve().parent.parent / "examples" / "mawar" / "buku.beancount"
    code, out = run("laporan", str(example), "--tahun", "2019", "--lang", "en")
    assert code == 2
    assert "Error: no transactions in or before 2019" in out and "Choose a financial year" in out
    code, out = run("laporan", str(example), "--tahun", "2019")
    assert code == 2 and "Kesalahan: tidak ada transaksi pada atau sebelum 2019" in out
    code, out = run("laporan", "--lang", "en")
    assert code == 2 and "no ledger file given" in out


def test_an_error_keeps_its_message_as_data() -> None:
    from kopledger.errors import InputError

    error = InputError.pesan("anggota tidak dikenal: {anggota!r}", hint="Lihat daftar anggota dengan: kop anggota daftar BUKU",
                             anggota="Z9")
    assert str(error) == "anggota tidak dikenal: 'Z9'\nLihat daftar anggota dengan: kop anggota daftar BUKU"
    assert error.in_lang("en") == "unknown member: 'Z9'\nList the members with: kop member list BOOKS"
    assert error.nilai == {"anggota": "Z9"}


def test_help_texts_follow_the_language() -> None:
    code, out = run("laporan", "--help", "--lang", "en")
    assert code == 0 and "Financial year (default: the last year with" in out and "Tahun buku" not in out
    code, out = run("laporan", "--help")
    assert "Tahun buku (default: tahun terakhir" in out


def test_every_help_text_of_the_reporting_commands_has_an_english_entry() -> None:
    from kopledger.cli.laporan import laporan_command
    from kopledger.cli.rat import rat_command
    from kopledger.render import catalog

    english = catalog("en")
    for command in (laporan_command, rat_command):
        texts = [command.help] + [p.help for p in command.params if getattr(p, "help", None)]
        assert [t for t in texts if t and t not in english] == []
