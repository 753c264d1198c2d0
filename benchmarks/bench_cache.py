"""Daily work on large books: writes and reports through kopledger's cache (issue 14).

    .venv/bin/python benchmarks/bench_cache.py                    # 2,000 members
    .venv/bin/python benchmarks/bench_cache.py --members 2000 10000 --rounds 1

For each size, on a fresh copy of the generated ledger (``benchmarks/run.py``'s
generator, one year) and an empty kopledger cache (``XDG_CACHE_HOME`` in a temporary
folder), it runs, each as a whole process, in this order:

1. ``bean-check -C`` (beancount's cache off) — the reference;
2. a **cold write**: ``kop simpanan setor`` with no cache of any kind;
3. the **next write**: another ``kop simpanan setor``;
4. a **report right after a write**: ``kop laporan --jenis semua --format json``;
5. the **same report again**;
6. ``kop cek`` after the writes (for information).

It prints CPU seconds (user + system of the process, ``os.wait4``), peak memory (max
RSS) and the ratios to ``bean-check -C``, against the targets of issue 14. With
``--rounds N`` steps 1–5 are repeated N times on new copies and the medians reported.
Every run must exit 0; the reports of step 4 and 5 must be byte-identical to the same
report with ``KOP_CACHE=0`` (checked once, at the end, on the 2,000-member books only
when ``--verify`` is given: it costs another cold load).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import run as bench_run  # noqa: E402

BIN = Path(sys.executable).parent

TARGETS = {"cold write": 1.0, "next write": 0.25, "report after write": 0.5, "report again": 0.15}
MEM_TARGET = 1.3
YEAR = 2024


def step(argv: list[str], env: dict[str, str], out: Path | None = None) -> tuple[float, float, bytes]:
    """Run one process: (CPU seconds, peak MB, stdout)."""
    with tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as stdout:
        proc = subprocess.Popen(argv, stdout=stdout, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        code = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stdout.seek(0)
        if code != 0:
            raise SystemExit(f"{' '.join(argv)} failed ({code}): {err.read().decode(errors='replace')[-600:]}")
        return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, stdout.read()


def active_members(source: Path, count: int = 2) -> list[str]:
    """The first ``count`` members who never left (the writes deposit for them)."""
    text = source.read_text(encoding="utf-8")
    left = set(re.findall(r'custom "anggota-keluar" "([^"]+)"', text))
    joined = re.findall(r'custom "anggota" "([^"]+)"', text)
    return [m for m in joined if m not in left][:count]


def one_round(source: Path, verify: bool) -> dict[str, tuple[float, float]]:
    kop = str(BIN / "kop")
    first, second = active_members(source)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "buku"
        folder.mkdir()
        ledger = folder / "buku.beancount"
        shutil.copyfile(source, ledger)
        env = dict(os.environ, XDG_CACHE_HOME=str(Path(tmp) / "cache"), BEANCOUNT_DISABLE_LOAD_CACHE="1")
        env.pop("KOP_CACHE", None)
        report = [kop, "laporan", str(ledger), "--tahun", str(YEAR), "--jenis", "semua", "--format", "json"]

        def setor(member: str) -> list[str]:
            return [kop, "simpanan", "setor", str(ledger), "--anggota", member, "--jumlah", "50000",
                    "--tanggal", f"{YEAR}-12-31"]

        got: dict[str, tuple[float, float]] = {}
        cpu, mb, _ = step([str(BIN / "bean-check"), "-C", str(ledger)], env)
        got["bean-check -C"] = (cpu, mb)
        got["cold write"] = step(setor(first), env)[:2]
        got["next write"] = step(setor(second), env)[:2]
        cpu, mb, first = step(report, env)
        got["report after write"] = (cpu, mb)
        cpu, mb, again = step(report, env)
        got["report again"] = (cpu, mb)
        got["kop cek after writes"] = step([kop, "cek", str(ledger)], env)[:2]
        if first != again:
            raise SystemExit("the cached report differs from the one computed")
        if verify:
            _, _, cold = step(report, dict(env, KOP_CACHE="0"))
            if cold != first:
                raise SystemExit("the report through the cache differs from a cold one (KOP_CACHE=0)")
            print("  verified: reports equal a cold load's (KOP_CACHE=0)", file=sys.stderr)
        return got


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, nargs="+", default=[2000])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--verify", action="store_true", help="also compare the report with KOP_CACHE=0")
    args = parser.parse_args()
    bench_run.compile_kopledger()
    for members in args.members:
        source = bench_run.ledger_for(members, 1, args.seed)
        start = time.perf_counter()
        rounds = [one_round(source, args.verify) for _ in range(args.rounds)]
        names = list(rounds[0])
        med = {n: (statistics.median(r[n][0] for r in rounds), statistics.median(r[n][1] for r in rounds))
               for n in names}
        ref_cpu, ref_mb = med["bean-check -C"]
        print(f"\n**{members:,} members × 1 year, tahun {YEAR}, median of {args.rounds} round(s)** "
              f"({time.perf_counter() - start:.0f} s wall)\n")
        print("| step | CPU s | × bean-check -C | target | peak MB | mem × | mem ≤ 1.3 |")
        print("|---|---:|---:|---|---:|---:|---|")
        for name in names:
            cpu, mb = med[name]
            ratio, mem = cpu / ref_cpu, mb / ref_mb
            target = TARGETS.get(name)
            verdict = "" if target is None else f"≤ {target} {'✓' if ratio <= target else '✗'}"
            mem_ok = "" if name == "bean-check -C" else ("✓" if mem <= MEM_TARGET else "✗")
            print(f"| {name} | {cpu:.2f} | {ratio:.2f} | {verdict} | {mb:.0f} | {mem:.2f} | {mem_ok} |")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
