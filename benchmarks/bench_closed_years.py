"""Benchmark: a year's report does not cost more with more closed years behind it (issue 13).

Not a test. Generated books (``examples/generator.py``) of MEMBERS members over 6 years
(2024–2029) are kept the way a treasurer would: one file per year, each year closed with
``kop tutup-buku --file-baru`` (a standalone file that names the closed one, no include).
Then, cold (beancount's cache off), the CPU time (user + system of the process, from
``os.wait4``) of ``kop laporan --jenis semua --format json`` for the newest year:

- 1 closed year: the 2025 file (2024 closed behind it), reporting 2025;
- 5 closed years: the 2029 file (2024–2028 closed behind it), reporting 2029.

Run::

    .venv/bin/python benchmarks/bench_closed_years.py            # 300 members, 3 runs
    .venv/bin/python benchmarks/bench_closed_years.py 2000 --runs 1

The two newest years are not the same size (the generated koperasi grows), so the table
also shows each year's transactions and the cost per 1,000 transactions of the two files
read (the year and its prior year's archive, which gives the comparatives).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "benchmarks" / "out"
BIN = Path(sys.executable).parent
FIRST, YEARS = 2024, 6


def split_years(text: str) -> list[str]:
    """The generated text cut at each year's first entry (the first piece has the header)."""
    pieces, rest = [], text
    for year in range(FIRST + 1, FIRST + YEARS):
        match = re.search(rf"\n\n(?={year}-\d\d-\d\d )", rest)
        assert match is not None, year
        pieces.append(rest[: match.start() + 1])
        rest = rest[match.start() + 1:]
    pieces.append(rest)
    return pieces


def build(members: int, seed: int) -> dict[int, Path]:
    """Year files buku-2024 … buku-2029, each closed year closed into the next."""
    from examples.generator import generate
    from kopledger.ops.closing import close_year

    folder = OUT / f"tahunan-{members}x{YEARS}-s{seed}"
    files = {year: folder / f"buku-{year}.beancount" for year in range(FIRST, FIRST + YEARS)}
    if all(f.exists() for f in files.values()):
        return files
    folder.mkdir(parents=True, exist_ok=True)
    for f in folder.glob("*"):
        f.unlink()
    start = time.perf_counter()
    pieces = split_years(generate(members, YEARS, seed))
    files[FIRST].write_text(pieces[0], encoding="utf-8")
    for k, year in enumerate(range(FIRST, FIRST + YEARS - 1)):
        print(f"  closing {year} …", file=sys.stderr, flush=True)
        close_year(files[year], year, today=dt.date(year + 1, 1, 31), new_file=files[year + 1])
        with files[year + 1].open("a", encoding="utf-8") as handle:
            handle.write("\n" + pieces[k + 1])
    print(f"  built in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    return files


def cpu_of(argv: list[str]) -> float:
    env = {**os.environ, "BEANCOUNT_DISABLE_LOAD_CACHE": "1"}
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {proc.stderr.read().decode()[-500:] if proc.stderr else ''}")
    return usage.ru_utime + usage.ru_stime


def transactions(path: Path, year: int) -> int:
    return len(re.findall(rf"^{year}-\d\d-\d\d \*", path.read_text(encoding="utf-8"), flags=re.M))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("members", type=int, nargs="?", default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    files = build(args.members, args.seed)
    kop = str(BIN / "kop")
    rows = []
    for closed, year in ((1, FIRST + 1), (5, FIRST + 5)):
        argv = [kop, "laporan", str(files[year]), "--tahun", str(year), "--jenis", "semua", "--format", "json"]
        times = [cpu_of(argv) for _ in range(args.runs)]
        read = transactions(files[year], year) + transactions(files[year - 1], year - 1)
        rows.append((closed, year, statistics.median(times), transactions(files[year], year), read))
    base = rows[0][2]
    base_per = rows[0][2] / rows[0][4]
    print(f"{args.members:,} members, one file per year, `kop laporan --jenis semua --format json`, cold, "
          f"median CPU of {args.runs} run(s); load average {os.getloadavg()[0]:.1f}")
    print("| closed years behind | year | transactions in the year | CPU | ÷ 1 closed year | per 1,000 tx read, ÷ |")
    print("|---:|---:|---:|---:|---:|---:|")
    for closed, year, cpu, count, read in rows:
        print(f"| {closed} | {year} | {count:,} | {cpu:.2f} s | {cpu / base:.2f} | {cpu / read / base_per:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
