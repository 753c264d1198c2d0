"""Benchmark: cost of the closed-year chain check against a whole uncached load (issues 9, 13).

The year file started with ``--file-baru`` only hashes the closed file; the chain itself is
fingerprinted when the closed file is loaded, which is what this measures.

Not a test. CPU time of this process (``time.process_time``), so other load on the machine
does not skew the ratio. Run: ``.venv/bin/python benchmarks/bench_closing.py [MEMBERS]``.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path

from kopledger.books.checks.closed_years import check_closed_years
from kopledger.books.closed.chain import VerifiedCache
from kopledger.ops import closing
from kopledger.ops.writer import load_uncached

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.conftest import HEADER_ID

MEMBERS = int(sys.argv[1]) if len(sys.argv) > 1 else int(os.environ.get("KOP_PERF_ANGGOTA", "1000"))


def synthetic_year(folder: Path, members: int) -> Path:
    """One year of a koperasi: per member simpanan pokok, 12 × wajib and 4 sales."""
    rng = random.Random(1)
    parts = [HEADER_ID, '2020-01-01 custom "shu-alokasi" "cadangan" 100\n']
    for i in range(members):
        mid = f"A{i:05d}"
        parts.append(f'2024-01-02 custom "anggota" "{mid}" "Anggota {i}"\n')
        parts.append(f'2024-01-02 * "Simpanan pokok" #simpanan-pokok\n  anggota: "{mid}"\n'
                     f'  Aset:Kas  100000 IDR\n  Ekuitas:SimpananPokok:{mid}  -100000 IDR\n')
        for m in range(1, 13):
            parts.append(f'2024-{m:02d}-10 * "Simpanan wajib" #simpanan-wajib\n  anggota: "{mid}"\n'
                         f'  bulan: "2024-{m:02d}"\n  Aset:Kas  25000 IDR\n  Ekuitas:SimpananWajib:{mid}  -25000 IDR\n')
        for _ in range(4):
            parts.append(f'2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} * "Penjualan"\n'
                         f'  anggota: "{mid}"\n  Aset:Kas  {rng.randint(10, 500) * 1000} IDR\n'
                         '  Pendapatan:Anggota:Penjualan\n')
    path = folder / "buku-2024.beancount"
    path.write_text("".join(parts), encoding="utf-8")
    return path


def main() -> None:
    tmp_path = Path(tempfile.mkdtemp(prefix="kop-bench-closing-"))
    old = synthetic_year(tmp_path, MEMBERS)
    new = tmp_path / "buku-2025.beancount"
    closing.close_year(old, 2024, new_file=new, today=dt.date(2025, 1, 10))
    os.environ["KOP_SIDIK_CACHE"] = "0"
    start = time.process_time()
    entries, errors, options = load_uncached(old)  # the closed year's own file: its chain is checked here
    load = time.process_time() - start
    assert errors == []
    start = time.process_time()
    assert check_closed_years(entries, options) == []  # no verified years: every lock fingerprinted
    full = time.process_time() - start
    os.environ["KOP_SIDIK_CACHE"] = "1"
    verified = VerifiedCache.for_ledger(options)
    check_closed_years(entries, options, verified)  # verifies and remembers 2024
    start = time.process_time()
    assert check_closed_years(entries, options, verified) == []
    cached = time.process_time() - start
    n = sum(1 for e in entries if e.date.year == 2024)
    print(f"\n{n} entries in 2024: load {load:.2f}s, full check {full:.3f}s ({full / load:.1%}), "
          f"verified-cache check {cached:.4f}s ({cached / load:.2%})")


if __name__ == "__main__":
    main()
