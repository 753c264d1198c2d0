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
    from kopledger.core.errors import InputError

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
    from kopledger.core.errors import catalog

    english = catalog("en")
    for command in (laporan_command, rat_command):
        texts = [command.help] + [p.help for p in command.params if getattr(p, "help", None)]
        assert [t for t in texts if t and t not in english] == []


# --- the whole command tree ------------------------------------------------------------------
import re  # noqa: E402
from collections.abc import Iterator  # noqa: E402

import click  # noqa: E402

from kopledger.cli.bahasa import help_key  # noqa: E402
from kopledger.cli.common import _StrictType  # noqa: E402

#: Explicit metavars that read the same in both languages (click does not translate metavars).
NEUTRAL_METAVARS = {"[LEDGER] FILE"}


def commands(command: click.Command = main, path: tuple[str, ...] = ("kop",)) -> Iterator[tuple[str, click.Command]]:
    """Every command and group under ``command``, recursively, with its path."""
    yield " ".join(path), command
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        for name in command.list_commands(ctx):  # kop loads each command's module when asked
            sub = command.get_command(ctx, name)
            assert sub is not None
            yield from commands(sub, (*path, name))


def help_texts(command: click.Command) -> list[str]:
    """Every text of ``command`` a person reads in its help (catalog keys)."""
    texts = [command.help, command.short_help, command.epilog]
    for param in command.params:
        texts.append(getattr(param, "help", None))
        show_default = getattr(param, "show_default", None)
        if isinstance(show_default, str):
            texts.append(show_default)
        if isinstance(param.type, _StrictType):  # shown as the metavar: --tahun TAHUN
            texts.append(param.type.name.upper())
    return [help_key(t) for t in texts if t]


def test_the_walk_reaches_every_command() -> None:
    paths = {path for path, _ in commands()}
    assert {"kop", "kop anggota tambah", "kop simpanan wajib", "kop pinjaman ppap", "kop shu slip", "kop cek",
            "kop tutup-buku", "kop agregat", "kop kesehatan"} <= paths
    assert len(paths) > 30


def test_every_help_text_in_the_command_tree_has_an_english_entry() -> None:
    from kopledger.core.errors import catalog

    english = catalog("en")
    missing = [(path, text) for path, command in commands() for text in help_texts(command) if text not in english]
    assert missing == []
    metavars = [(path, p.metavar) for path, command in commands() for p in command.params
                if p.metavar and p.metavar not in NEUTRAL_METAVARS]
    assert metavars == []


def test_the_help_check_can_fail() -> None:
    from kopledger.core.errors import catalog

    @click.command()
    @click.option("--x", help="Teks bantuan tanpa terjemahan.")
    def orphan() -> None:
        """Perintah tanpa terjemahan."""

    assert [t for t in help_texts(orphan) if t not in catalog("en")] == [
        "Perintah tanpa terjemahan.", "Teks bantuan tanpa terjemahan."]


def test_every_command_and_group_takes_lang() -> None:
    without = [path for path, command in commands() if not any(p.name == "lang" or "--lang" in getattr(p, "opts", [])
                                                                   for p in command.params)]
    assert without == []


#: Indonesian words that must not be left in English help (option names and choices are removed first).
INDONESIAN_HELP_WORDS = re.compile(
    r"\b(yang|atau|dengan|untuk|dari|dan|tidak|belum|sudah|berkas|bila|hari ini|Tulis|Tanggal|Tahun|Jumlah|Nomor|"
    r"Bentuk|keluaran|Cara pakai|Opsi|Perintah|bawaan|Tampilkan|bantuan|lalu|mis\.|TAHUN|JUMLAH|TEKS|PERSEN|BILANGAN|NOMOR)\b"
)


def _words_of(help_text: str) -> str:
    return re.sub(r"--[\w-]+|\[[^\]]*\]|\{[^}]*\}", " ", help_text)


def test_every_help_page_is_english_with_lang_en_and_unchanged_without() -> None:
    for path, command in commands():
        args = [*path.split()[1:], "--help"]
        code, english = run(*args, "--lang", "en")
        assert code == 0, (path, english)
        assert "Usage:" in english
        left = INDONESIAN_HELP_WORDS.findall(_words_of(english))
        assert left == [], (path, left, english)
        code, indonesian = run(*args)
        assert code == 0 and "Cara pakai:" in indonesian and "Show this message" not in indonesian
        first = help_key(command.help or "").splitlines()[0] if command.help else ""
        assert first[:40] in " ".join(indonesian.split()), (path, first)


def test_kop_lang_environment_variable_works_like_the_option(monkeypatch) -> None:
    monkeypatch.setenv("KOP_LANG", "en")
    code, out = run("pinjaman", "jadwal", "--help")
    assert code == 0 and "Usage:" in out and "Annual interest in percent" in out and "--pokok AMOUNT" in out
    monkeypatch.delenv("KOP_LANG")
    code, out = run("pinjaman", "jadwal", "--help")
    assert "Bunga setahun dalam persen" in out and "--pokok JUMLAH" in out


def test_lang_before_the_command_and_on_a_group() -> None:
    code, out = run("--lang", "en", "anggota", "--help")
    assert code == 0 and "Members: add, import, list, exit." in out
    code, out = run("shu", "--help", "--lang", "en")
    assert code == 0 and "Compute and distribute the surplus (SHU)." in out and "Commands:" in out


def test_one_runs_language_does_not_leak_into_the_next() -> None:
    run("cek", "--help", "--lang", "en")
    code, out = run("cek", "--help")
    assert code == 0
    assert "Cara pakai:" in out and "Periksa buku" in out
