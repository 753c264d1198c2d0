"""Benchmark the SHU computation against loading the ledger it reads.

    .venv/bin/python benchmarks/bench_shu.py                 # 10,000 members, 1 year
    .venv/bin/python benchmarks/bench_shu.py --members 2000 --years 2 --runs 5

Generates (or reuses, in ``benchmarks/out/``) a koperasi ledger with
:mod:`examples.generator`, loads it once without beancount's pickle cache (the load every
report pays), then times :func:`kopledger.ops.shu.compute.compute_shu` for the last full year, plus
building the allocation entry. The computation is one pass over the postings, so it
should take a small fraction of the load; the script prints that ratio (CPU time of this
process, median of ``--runs``) and exits 1 when it exceeds ``--max-ratio``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "benchmarks" / "out"


def ledger_path(members: int, years: int, seed: int, start_year: int) -> Path:
    """The generated ledger for these parameters (generated once, then reused)."""
    from examples.generator import generate

    path = OUT / f"shu-{members}x{years}-s{seed}-{start_year}.beancount"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        path.write_text(generate(members, years, seed, start_year=start_year), encoding="utf-8")
        print(f"generated {path.name} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return path


def cpu() -> float:
    return time.process_time()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--years", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--start-year", type=int, default=2024)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--max-ratio", type=float, default=0.25, help="fail above this SHU/load ratio")
    args = parser.parse_args(argv)

    from kopledger.books.ledger import Koperasi
    from kopledger.ops.shu.compute import allocation_entry, compute_shu
    from kopledger.ops.writer import load_uncached

    path = ledger_path(args.members, args.years, args.seed, args.start_year)
    year = args.start_year + args.years - 1

    start_cpu, start_wall = cpu(), time.perf_counter()
    entries, errors, options = load_uncached(path)
    kop = Koperasi.from_entries(entries, errors, options, path=path)
    load_cpu, load_wall = cpu() - start_cpu, time.perf_counter() - start_wall
    if errors:
        print(f"the generated ledger has {len(errors)} error(s)", file=sys.stderr)
        return 1

    shu_cpu: list[float] = []
    shu_wall: list[float] = []
    result = None
    for _ in range(args.runs):
        c, w = cpu(), time.perf_counter()
        result = compute_shu(kop, year, today=dt.date(year + 1, 6, 1))
        allocation_entry(kop, result, dt.date(year + 1, 3, 15))
        shu_cpu.append(cpu() - c)
        shu_wall.append(time.perf_counter() - w)
    assert result is not None

    n_postings = sum(len(e.postings) for e in kop.transactions)
    ratio = statistics.median(shu_cpu) / load_cpu
    print(f"ledger:   {path.name}: {len(kop.members):,} members, {len(kop.transactions):,} transactions, "
          f"{n_postings:,} postings")
    print(f"load:     {load_cpu:8.3f} s CPU  {load_wall:8.3f} s wall  (beancount, no cache, with the plugin)")
    print(f"SHU {year}: {statistics.median(shu_cpu):8.3f} s CPU  {statistics.median(shu_wall):8.3f} s wall  "
          f"(median of {args.runs}; {len(result.anggota):,} members sharing, SHU {result.shu:,} IDR)")
    print(f"ratio SHU / load (CPU): {ratio:.3f}  (limit {args.max_ratio})")
    return 0 if ratio <= args.max_ratio else 1


if __name__ == "__main__":
    raise SystemExit(main())
