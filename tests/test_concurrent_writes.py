"""Concurrent writing commands, as real ``kop`` processes: each decision is made under the
writer's lock, so every write lands exactly once (issue #12)."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner

from kopledger.cli import main
from kopledger.ops.writer import load_uncached
from tests.test_loans import HEADER as LOAN_HEADER
from tests.test_loans import scenario_body
from tests.test_shu import EXAMPLE_1, ledger

ROOT = Path(__file__).resolve().parent.parent
CODE = "import sys; from kopledger.cli import main; sys.exit(main())"


def run_parallel(*commands: list[str]) -> list[tuple[int, str]]:
    """Start every command as its own ``kop`` process at once; (exit code, stderr) of each."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", CODE, *command],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        )
        for command in commands
    ]
    results = []
    for proc in procs:
        _, err = proc.communicate(timeout=180)
        results.append((proc.returncode, err))
    return results


def shu_books(tmp_path: Path) -> Path:
    path = tmp_path / "buku.beancount"
    path.write_text(ledger(EXAMPLE_1), encoding="utf-8")
    return path


def loan_books(tmp_path: Path) -> Path:
    path = tmp_path / "buku.beancount"
    path.write_text(LOAN_HEADER + scenario_body(), encoding="utf-8")
    return path


def tagged(path: Path, tag: str) -> list:
    entries, errors, _ = load_uncached(path)
    assert errors == [], errors
    return [e for e in entries if tag in (getattr(e, "tags", None) or ())]


def test_three_concurrent_shu_allocations_land_once(tmp_path):
    path = shu_books(tmp_path)
    args = ["shu", str(path), "--tahun", "2024", "--tulis", "--tanggal", "2025-03-15"]
    results = run_parallel(args, args, args)
    codes = sorted(code for code, _ in results)
    assert codes == [0, 2, 2], results
    assert all("sudah dibagi" in err for code, err in results if code == 2)
    assert len(tagged(path, "shu-alokasi")) == 1


def test_three_concurrent_shu_payouts_pay_each_member_once(tmp_path):
    path = shu_books(tmp_path)
    done = CliRunner().invoke(main, ["shu", str(path), "--tahun", "2024", "--tulis", "--tanggal", "2025-03-15"])
    assert done.exit_code == 0, done.output
    args = ["shu", "bayar", str(path), "--tahun", "2024", "--tanggal", "2025-04-01"]
    results = run_parallel(args, args, args)
    assert sorted(code for code, _ in results) == [0, 2, 2], results
    assert all("sudah dibayarkan seluruhnya" in err for code, err in results if code == 2)
    payments = tagged(path, "shu-bayar")
    members = [e.meta["anggota"] for e in payments]
    assert sorted(members) == sorted(set(members)) and len(members) == 3
    allocation = tagged(path, "shu-alokasi")[0]
    owed = -sum((p.units.number for p in allocation.postings if ":UtangSHU:" in p.account), Decimal(0))
    paid = sum((p.units.number for e in payments for p in e.postings if ":UtangSHU:" in p.account), Decimal(0))
    assert paid == owed


def test_four_concurrent_disbursements_get_four_ids(tmp_path):
    path = loan_books(tmp_path)
    args = ["pinjaman", "cair", str(path), "--anggota", "A0002", "--pokok", "1000000", "--bunga", "12",
            "--tenor", "6", "--metode", "flat", "--tanggal", "2024-12-20"]
    results = run_parallel(args, args, args, args)
    assert [code for code, _ in results] == [0, 0, 0, 0], results
    new = [e.meta["pinjaman"] for e in tagged(path, "pinjaman-cair") if e.date.isoformat() == "2024-12-20"]
    assert sorted(new) == ["PJ-2024-004", "PJ-2024-005", "PJ-2024-006", "PJ-2024-007"]


def test_four_concurrent_payoffs_pay_the_loan_once(tmp_path):
    path = loan_books(tmp_path)
    args = ["pinjaman", "bayar", str(path), "--pinjaman", "PJ-2024-002", "--lunas", "--tanggal", "2025-01-20"]
    results = run_parallel(args, args, args, args)
    assert sorted(code for code, _ in results) == [0, 2, 2, 2], results
    assert all("lunas" in err for code, err in results if code == 2)
    entries, errors, _ = load_uncached(path)
    assert errors == []
    principal = sum(
        (-p.units.number for e in entries if "angsuran" in (getattr(e, "tags", None) or ())
         and e.meta.get("pinjaman") == "PJ-2024-002"
         for p in e.postings if p.account == "Aset:Piutang:PinjamanAnggota:A0002"),
        Decimal(0),
    )
    assert principal == Decimal(2400000)  # the whole principal, once


def test_a_writer_killed_after_its_rename_is_not_written_twice_with_the_same_bukti(tmp_path):
    path = loan_books(tmp_path)
    # the writer is SIGKILLed right after its rename, before it can print a confirmation
    crash = (
        "import os, signal, sys\n"
        "import kopledger.ops.writer as w\n"
        "w._fsync_dir = lambda folder: os.kill(os.getpid(), signal.SIGKILL)\n"
        "from kopledger.cli import main\n"
        "sys.exit(main())\n"
    )
    args = ["simpanan", "setor", str(path), "--anggota", "A0001", "--jumlah", "75000", "--tanggal", "2024-12-02",
            "--bukti", "KW-77"]
    proc = subprocess.run([sys.executable, "-c", crash, *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=120, check=False)
    assert proc.returncode == -9 and "Ditulis" not in proc.stderr
    assert 'bukti: "KW-77"' in path.read_text()  # the rename had happened
    [(code, err)] = run_parallel(args)
    assert code == 1 and "bukti KW-77 sudah tercatat" in err, err
    assert path.read_text().count('bukti: "KW-77"') == 1
