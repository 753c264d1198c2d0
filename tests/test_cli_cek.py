"""``kop cek`` / ``kop check``: errors as file:line: message, exit codes 0/1/2, JSON, KOP_LEDGER."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kopledger.cli import main
from tests.conftest import HEADER_ID

CLEAN = '''
2024-01-05 custom "anggota" "A0001" "Siti Aminah"
2024-01-05 * "Simpanan pokok" #simpanan-pokok
  anggota: "A0001"
  Aset:Kas  100000 IDR
  Ekuitas:SimpananPokok:A0001  -100000 IDR
2024-02-01 custom "anggota" "A0002" "Budi"
2024-02-01 * "Simpanan pokok" #simpanan-pokok
  anggota: "A0002"
  Aset:Kas  100000 IDR
  Ekuitas:SimpananPokok:A0002  -100000 IDR
2024-03-01 custom "anggota-keluar" "A0002"
2024-03-01 * "Keluar" #anggota-keluar
  anggota: "A0002"
  Ekuitas:SimpananPokok:A0002  100000 IDR
  Liabilitas:SimpananAnggotaKeluar:A0002  -100000 IDR
2025-12-31 * "Simpanan wajib" #simpanan-wajib
  anggota: "A0001"
  Aset:Kas  25000 IDR
  Ekuitas:SimpananWajib:A0001  -25000 IDR
'''

BROKEN = CLEAN + '''
2026-01-05 * "Tarik wajib"
  Ekuitas:SimpananWajib:A0001  25000 IDR
  Aset:Kas  -25000 IDR
2026-01-06 * "Anggota tak dikenal"
  Aset:Kas  1000 IDR
  Liabilitas:SimpananSukarela:Z9  -1000 IDR
'''


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def write(tmp_path: Path, body: str, name: str = "buku.beancount") -> Path:
    path = tmp_path / name
    path.write_text(HEADER_ID + body, encoding="utf-8")
    return path


def line_number(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


@pytest.mark.parametrize("name", ["cek", "check"])
def test_clean_books_exit_0_with_a_summary(runner: CliRunner, tmp_path: Path, name: str) -> None:
    path = write(tmp_path, CLEAN)
    result = runner.invoke(main, [name, str(path)])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    # 2 members, 1 active at the last transaction date; 4 transactions; the period.
    assert lines[0] == "OK: Koperasi Uji — 2 anggota (1 aktif), 4 transaksi, 5 Januari 2024 – 31 Desember 2025"


def test_books_with_errors_print_file_line_message_and_exit_1(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, BROKEN)
    result = runner.invoke(main, ["cek", str(path)])
    assert result.exit_code == 1
    out = result.stdout.strip().splitlines()
    file = str(path.resolve())
    assert out[0].startswith(f"{file}:{line_number(path, 'Ekuitas:SimpananWajib:A0001  25000 IDR')}: ")
    assert "simpanan wajib tidak boleh diambil selama anggota A0001 masih aktif" in out[0]
    assert out[1].startswith(f"{file}:{line_number(path, 'SimpananSukarela:Z9')}: ")
    assert "anggota tidak dikenal: Z9" in out[1]
    assert len(out) == 2
    assert "2 kesalahan" in result.stderr
    assert "Traceback" not in result.output


def test_json_lists_errors_as_objects(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, BROKEN)
    result = runner.invoke(main, ["cek", str(path), "--format", "json"])
    assert result.exit_code == 1
    errors = json.loads(result.stdout)
    assert isinstance(errors, list) and len(errors) == 2
    assert set(errors[0]) == {"file", "line", "message"}
    assert errors[0]["file"] == str(path.resolve())
    assert errors[0]["line"] == line_number(path, "Ekuitas:SimpananWajib:A0001  25000 IDR")
    assert "simpanan wajib tidak boleh diambil" in errors[0]["message"]


def test_json_of_clean_books_is_an_empty_list(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["check", str(write(tmp_path, CLEAN)), "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_syntax_error_is_a_clear_message(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, CLEAN + '2026-01-01 * "Rusak\n  Aset:Kas 5 IDR\n')
    result = runner.invoke(main, ["cek", str(path)])
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{path.resolve()}:")
    assert ("Traceback" not in result.output and result.exception is None) or isinstance(result.exception, SystemExit)


def test_plugin_internal_failure_is_a_clear_message(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kopledger.books.checks.plugin as plugin

    def boom(*args: object) -> None:
        raise ValueError("kaboom")

    monkeypatch.setattr(plugin, "_run", boom)
    monkeypatch.setenv("BEANCOUNT_DISABLE_LOAD_CACHE", "1")
    result = runner.invoke(main, ["cek", str(write(tmp_path, CLEAN))])
    assert result.exit_code == 1
    assert "kopledger.plugin gagal karena kesalahan internal" in result.stdout and "kaboom" in result.stdout
    assert "kaboom" in result.stdout
    assert isinstance(result.exception, SystemExit)


def test_missing_file_exits_2_with_a_message(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["cek", str(tmp_path / "tidak-ada.beancount")])
    assert result.exit_code == 2
    assert "berkas buku tidak ditemukan" in result.stderr and "tidak-ada.beancount" in result.stderr
    assert "Traceback" not in result.output


def test_folder_instead_of_file_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["cek", str(tmp_path)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_binary_garbage_is_reported_not_a_traceback(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "buku.beancount"
    path.write_bytes(b"\x00\xff\xfe garbage \x89PNG\r\n")
    result = runner.invoke(main, ["cek", str(path)])
    assert result.exit_code in (1, 2)
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output


def test_no_ledger_and_no_env_exits_2(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KOP_LEDGER", raising=False)
    result = runner.invoke(main, ["cek"])
    assert result.exit_code == 2
    assert "berkas buku belum disebut" in result.stderr and "KOP_LEDGER" in result.stderr


def test_kop_ledger_env_is_the_fallback(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, CLEAN)
    monkeypatch.setenv("KOP_LEDGER", str(path))
    result = runner.invoke(main, ["cek"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK: Koperasi Uji")
    other = write(tmp_path, BROKEN, name="lain.beancount")
    assert runner.invoke(main, ["cek", str(other)]).exit_code == 1  # the argument wins


def test_unknown_option_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["cek", str(write(tmp_path, CLEAN)), "--format", "xml"])
    assert result.exit_code == 2


def test_help_lists_commands_with_aliases(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    assert "cek (check)" in result.output
    assert "init" in result.output


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0 and "kop" in result.output


def test_an_unknown_plugin_is_reported_without_a_traceback(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, 'plugin "tidak.ada.plugin"\n' + CLEAN)
    result = runner.invoke(main, ["cek", str(path)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "Error importing \"tidak.ada.plugin\": ModuleNotFoundError: No module named 'tidak'" in result.stdout
    data = json.loads(runner.invoke(main, ["cek", str(path), "--format", "json"]).stdout)
    assert all("\n" not in e["message"] and "Traceback" not in e["message"] for e in data)
