"""``kop cek`` (the plugin) reports malformed RAT and examiner directives with file:line."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from click.testing import CliRunner

from kopledger import Koperasi
from kopledger.cli import main
from kopledger.ops.init import create_ledger

GOOD = '''
2025-01-02 custom "anggaran" "Beban:Usaha" 1000000 IDR
2025-01-01 custom "ringkasan-tahun" "2023"
  anggota: 40
  aset: 100000000 IDR
2025-01-01 custom "kesehatan-batas" "npl" 5 10 15
'''

BAD = {
    "anggaran": '2025-01-02 custom "anggaran" "Beban:TidakAda" 1000000 IDR\n',
    "anggaran-jumlah": '2025-01-02 custom "anggaran" "Beban:Usaha" -5 IDR\n',
    "ringkasan": '2025-01-01 custom "ringkasan-tahun" "2023"\n  aset: "banyak"\n',
    "batas": '2025-01-01 custom "kesehatan-batas" "npl" 5\n',
    "isian": '2025-12-31 custom "kesehatan-isian" "tidak-ada" 1 TRUE\n',
    "isian-nilai": '2025-12-31 custom "kesehatan-isian" "prinsip-koperasi" 1\n',
}


def books(tmp_path: Path, extra: str) -> Path:
    path = create_ledger(tmp_path, "Koperasi Uji", start=dt.date(2025, 1, 1))
    with path.open("a", encoding="utf-8") as handle:
        handle.write(extra)
    return path


def test_well_formed_directives_load_clean(tmp_path: Path) -> None:
    assert Koperasi.load(books(tmp_path, GOOD)).errors == []


def test_each_malformed_directive_is_an_error_at_its_line(tmp_path: Path) -> None:
    for n, (name, text) in enumerate(BAD.items()):
        folder = tmp_path / str(n)
        folder.mkdir()
        path = books(folder, GOOD + text)
        line = path.read_text(encoding="utf-8").count("\n") - text.count("\n") + 1
        result = CliRunner().invoke(main, ["cek", str(path), "--format", "json"])
        assert result.exit_code == 1, (name, result.output)
        errors = json.loads(result.output)
        assert [e["line"] for e in errors] == [line], (name, errors)
        assert errors[0]["file"].endswith("buku.beancount")
