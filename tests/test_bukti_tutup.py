"""``--bukti`` on closing and reopening, and a strict ``--tenor`` (issue 12's last writing commands)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kopledger import Koperasi
from kopledger.cli import main
from kopledger.core.errors import LedgerHasErrors
from kopledger.ops.writer import append_text

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "mawar" / "buku.beancount"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_closing_and_reopening_record_their_bukti_once(tmp_path: Path) -> None:
    books = tmp_path / "buku.beancount"
    shutil.copy(EXAMPLE, books)
    code, out = run("tutup-buku", str(books), "--tahun", "2024", "--tanggal", "2025-01-20", "--bukti", "TB-2024")
    assert code == 0, out
    kop = Koperasi.load(books)
    assert kop.errors == []
    carrying = [e for e in kop.entries if (e.meta or {}).get("bukti") == "TB-2024"]
    assert [getattr(e, "type", None) for e in carrying] == ["tutup-buku"]  # the lock only: the sidik holds
    before = books.read_bytes()
    # an entry dated in the closed year is refused, and the refusal names the books, not the temp file
    with pytest.raises(LedgerHasErrors) as refused:
        append_text(books, '2024-06-01 * "Terlambat"\n  Aset:Kas  1000 IDR\n  Pendapatan:Lain  -1000 IDR\n')
    messages = [f"{e.source['filename']}: {e.message}" for e in refused.value.errors]
    assert messages and all(".kop-tmp" not in m and str(books) in m for m in messages), messages
    assert books.read_bytes() == before
    code, out = run("buka-buku", str(books), "--tahun", "2024", "--alasan", "koreksi", "--bukti", "TB-2024")
    assert code == 1 and "TB-2024 sudah tercatat" in out and books.read_bytes() == before
    code, out = run("buka-buku", str(books), "--tahun", "2024", "--alasan", "koreksi", "--bukti", "BB-1")
    assert code == 0, out
    assert Koperasi.load(books).errors == []
    assert any((e.meta or {}).get("bukti") == "BB-1" and getattr(e, "type", None) == "buka-buku"
               for e in Koperasi.load(books).entries)


def test_tenor_takes_ascii_digits_only() -> None:
    for bad in ("١٢", "1e1", "+12", "12.0", "0", "601"):
        code, out = run("pinjaman", "jadwal", "--pokok", "1000000", "--bunga", "12", "--tenor", bad, "--metode", "flat")
        assert code == 2 and "--tenor" in out and "Traceback" not in out, (bad, out)
    code, out = run("pinjaman", "jadwal", "--pokok", "1000000", "--bunga", "12", "--tenor", "12", "--metode", "flat")
    assert code == 0, out
