"""Include problems are reported at the ``include`` line, in Indonesian (not ``<load>:0``)."""

from __future__ import annotations

from click.testing import CliRunner

from kopledger import Koperasi
from kopledger.cli import main
from kopledger.core.errors import format_error_line
from tests.conftest import HEADER_ID


def lines(path) -> list[str]:
    return [format_error_line(e) for e in Koperasi.load(path).errors]


def test_a_missing_file_is_named_at_its_include_line(tmp_path):
    main_file = tmp_path / "buku.beancount"
    main_file.write_text(HEADER_ID + 'include "arsip/buku-2024.beancount"\n')
    assert lines(main_file) == [
        f'{main_file}:{HEADER_ID.count(chr(10)) + 1}: berkas yang di-include tidak ditemukan: '
        f'"arsip/buku-2024.beancount" (dicari di {tmp_path / "arsip"}); periksa nama dan foldernya, '
        "atau hapus baris include ini (include not found)"
    ]


def test_a_file_including_itself(tmp_path):
    main_file = tmp_path / "buku.beancount"
    main_file.write_text(HEADER_ID + 'include "buku.beancount"\n')
    (error,) = lines(main_file)
    assert error.startswith(f"{main_file}:{HEADER_ID.count(chr(10)) + 1}: berkas ini meng-include dirinya sendiri")
    assert "<load>" not in error


def test_a_loop_is_named_where_it_closes(tmp_path):
    main_file = tmp_path / "buku.beancount"
    other = tmp_path / "lain.beancount"
    main_file.write_text(HEADER_ID + 'include "lain.beancount"\n')
    other.write_text('\n\ninclude "buku.beancount"\n')
    (error,) = lines(main_file)
    assert error.startswith(f"{other}:3: include berputar")
    result = CliRunner().invoke(main, ["cek", str(main_file)])
    assert result.exit_code == 1 and f"{other}:3: include berputar" in result.output


def test_a_file_included_twice_names_the_second_include(tmp_path):
    main_file = tmp_path / "buku.beancount"
    (tmp_path / "a.beancount").write_text("")
    main_file.write_text(HEADER_ID + 'include "a.beancount"\ninclude "a.beancount"\n')
    errors = Koperasi.load(main_file).errors
    assert len(errors) == 1 and "<load>" not in format_error_line(errors[0])
