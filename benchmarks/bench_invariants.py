"""Benchmark the plugin's invariants pass (kopledger/books/checks/invariants.py) against a cold load.

    .venv/bin/python benchmarks/bench_invariants.py                  # 2,000 members, 1 year
    .venv/bin/python benchmarks/bench_invariants.py --members 10000 --runs 5

Generates (or reuses, in ``benchmarks/out/``) a ledger with :mod:`examples.generator`,
loads it once without beancount's pickle cache (a cold load: parse, book, plugin — the
invariants included), then times :func:`kopledger.books.checks.invariants.check_invariants` alone on
the loaded entries. Prints the median CPU time of both and their ratio (the share of a
cold load the invariants add); exits 1 when the ratio exceeds ``--max-ratio``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "benchmarks" / "out"


def ledger_path(members: int, years: int, seed: int) -> Path:
    from examples.generator import generate

    path = OUT / f"invariants-{members}x{years}-s{seed}.beancount"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        path.write_text(generate(members, years, seed), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--years", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--max-ratio", type=float, default=0.05)
    args = parser.parse_args(argv)

    from kopledger.books.checks.invariants import check_invariants
    from kopledger.ops.writer import load_uncached

    path = ledger_path(args.members, args.years, args.seed)
    loads, checks = [], []
    for _ in range(args.runs):
        started = time.process_time()
        entries, errors, options = load_uncached(path)
        loads.append(time.process_time() - started)
        assert not errors, errors[:3]
        started = time.process_time()
        found = check_invariants(entries, options)
        checks.append(time.process_time() - started)
        assert not found, found[:3]
    load, check = statistics.median(loads), statistics.median(checks)
    ratio = check / load
    print(f"{path.name}: {len(entries):,} entries")
    print(f"cold load (with the plugin and its invariants): {load:.2f} s CPU")
    print(f"invariants pass alone:                           {check:.3f} s CPU")
    print(f"ratio invariants / cold load:                    {ratio:.3f}")
    return 0 if ratio <= args.max_ratio else 1


if __name__ == "__main__":
    raise SystemExit(main())
