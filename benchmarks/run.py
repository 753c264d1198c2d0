"""Benchmark kopledger's jobs against ``bean-check`` on the same generated ledger.

    .venv/bin/python benchmarks/run.py                       # 2,000 members, 1 year, 3 runs
    .venv/bin/python benchmarks/run.py --members 2000 10000 --runs 3
    .venv/bin/python benchmarks/run.py --scaling 1000 2000 5000 10000 --runs 1
    .venv/bin/python benchmarks/run.py --members 2000 --closed-years 2

Every job runs as a whole process (``bean-check``, ``kop …``). *Cold* runs switch
beancount's pickle cache off (``BEANCOUNT_DISABLE_LOAD_CACHE=1`` and ``bean-check -C``)
and kopledger's own (``KOP_CACHE=0``); *warm* runs use them after one run has filled
them (kopledger's in ``benchmarks/out/kop-cache``). For each job it prints the median wall
time, the median CPU time (user + system, of that process alone, from ``os.wait4``; far
less disturbed than wall time on a shared machine), peak memory (max RSS), and the ratios
to ``bean-check``. Jobs whose command does not exist are reported as "not available".

Ledgers come from :mod:`examples.generator` and are kept in ``benchmarks/out/``.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BIN = Path(sys.executable).parent
OUT = ROOT / "benchmarks" / "out"
KOP_CACHE_HOME = OUT / "kop-cache"

#: Targets of issue 9.
TIME_RATIO = 1.3  # each job's cold time ≤ 1.3 × bean-check's
MEM_RATIO = 1.3  # peak memory ≤ 1.3 × bean-check's
WARM_RATIO = 0.5  # warm run ≤ 0.5 × the cold run


@dataclasses.dataclass(frozen=True)
class Job:
    name: str
    argv: tuple[str, ...]  # {ledger}, {bare}, {year}, {next} (year + 1), {tmp} are filled in
    probe: tuple[str, ...]  # a command that exits 0 when the job exists


def jobs() -> list[Job]:
    kop = str(BIN / "kop")
    return [
        Job("bean-check", (str(BIN / "bean-check"), "{ledger}"), (str(BIN / "bean-check"), "--help")),
        Job("bean-check, no plugin", (str(BIN / "bean-check"), "{bare}"), (str(BIN / "bean-check"), "--help")),
        Job("kop cek", (kop, "cek", "{ledger}"), (kop, "cek", "--help")),
        Job("kop shu", (kop, "shu", "{ledger}", "--tahun", "{year}"), (kop, "shu", "--help")),
        Job("kop laporan json", (kop, "laporan", "{ledger}", "--tahun", "{year}", "--jenis", "semua",
                                 "--format", "json"), (kop, "laporan", "--help")),
        Job("kop rat html", (kop, "rat", "{ledger}", "--tahun", "{year}", "--out", "{tmp}/rat.html", "--diam"),
            (kop, "rat", "--help")),
        Job("kop tutup-buku dry", (kop, "tutup-buku", "{ledger}", "--tahun", "{year}", "--tanggal", "{next}-01-31",
                                   "--dry-run"), (kop, "tutup-buku", "--help")),
    ]


@dataclasses.dataclass(frozen=True)
class Run:
    wall: float
    cpu: float
    rss_mb: float
    code: int
    stderr: str


def run_once(argv: Sequence[str], *, cold: bool) -> Run:
    """Run one process; wall time, its own CPU time and peak RSS (from ``os.wait4``)."""
    env = dict(os.environ)
    argv = list(argv)
    env["XDG_CACHE_HOME"] = str(KOP_CACHE_HOME)  # kopledger's own cache (issue 14), emptied by clear_cache
    if cold:
        env["BEANCOUNT_DISABLE_LOAD_CACHE"] = "1"
        env["KOP_CACHE"] = "0"
        if Path(argv[0]).name == "bean-check":
            argv.insert(1, "-C")
    else:
        env.pop("BEANCOUNT_DISABLE_LOAD_CACHE", None)
        env.pop("KOP_CACHE", None)
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode(errors="replace")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode, stderr)


def available(job: Job) -> bool:
    try:
        return subprocess.run(job.probe, capture_output=True, timeout=120).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def ledger_for(members: int, years: int, seed: int) -> Path:
    """The generated ledger (regenerated when the generator changed)."""
    from examples import generator

    source = Path(generator.__file__).read_bytes()
    digest = hashlib.sha256(source).hexdigest()[:10]
    path = OUT / f"koperasi-{members}x{years}-s{seed}-{digest}.beancount"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        print(f"generating {members} members × {years} year(s) …", file=sys.stderr, flush=True)
        text = generator.generate(members, years, seed)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
        count = text.count(' * "')
        print(f"  {path.name}: {len(text) / 1e6:.1f} MB, {count:,} transactions, "
              f"{time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
    return path


MEMBER_ACCOUNT = re.compile(
    r"(?:Ekuitas:Simpanan(?:Pokok|Wajib)|Liabilitas:(?:SimpananSukarela|SimpananBerjangka|SimpananAnggotaKeluar"
    r"|UtangSHU)|Aset:Piutang:PinjamanAnggota):[A-Z0-9][A-Za-z0-9-]*"
)


def without_plugin(ledger: Path) -> Path:
    """The same ledger for beancount alone: no kopledger plugin, member accounts opened by hand.

    Its ``bean-check`` time is what beancount costs without any kopledger code, so the
    ratio of ``bean-check`` on the real ledger to it is the plugin's own cost.
    """
    bare = ledger.with_name(ledger.stem + "-noplugin.beancount")
    if bare.exists() and bare.stat().st_mtime >= ledger.stat().st_mtime:
        return bare
    text = ledger.read_text(encoding="utf-8")
    accounts = sorted(set(MEMBER_ACCOUNT.findall(text)))
    text = text.replace('plugin "kopledger.plugin"', ';; plugin "kopledger.plugin" (off: beancount-only baseline)')
    opens = "".join(f"2000-01-01 open {a}\n" for a in accounts)
    bare.write_text(text + "\n;; member accounts, opened by hand\n" + opens, encoding="utf-8")
    return bare


def clear_cache(ledger: Path) -> None:
    cache = ledger.with_name(f".{ledger.name}.picklecache")
    cache.unlink(missing_ok=True)
    shutil.rmtree(KOP_CACHE_HOME, ignore_errors=True)


@dataclasses.dataclass
class Result:
    job: str
    status: str = "ok"
    cold: list[Run] = dataclasses.field(default_factory=list)
    warm: list[Run] = dataclasses.field(default_factory=list)

    def median(self, runs: str, attr: str) -> float:
        values = [getattr(r, attr) for r in getattr(self, runs)]
        return statistics.median(values) if values else float("nan")


def measure(
    ledger: Path, year: int, runs: int, *, warm: bool, only: Sequence[str] | None, baseline: bool = True
) -> list[Result]:
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for job in jobs():
            if only and job.name not in only and not job.name.startswith("bean-check"):
                continue
            result = Result(job.name)
            results.append(result)
            if "{bare}" in job.argv and not baseline:
                result.status = "n/a (one-file ledgers only)"
                continue
            if not available(job):
                result.status = "not available"
                print(f"  {job.name}: not available", file=sys.stderr, flush=True)
                continue
            bare = without_plugin(ledger) if "{bare}" in job.argv else None
            argv = [a.format(ledger=ledger, bare=bare, year=year, next=year + 1, tmp=tmp) for a in job.argv]
            for _ in range(runs):
                run = run_once(argv, cold=True)
                result.cold.append(run)
                if run.code != 0:
                    break
            if result.cold and result.cold[-1].code != 0:
                last = result.cold[-1].stderr.strip().splitlines()
                result.status = f"failed (exit {result.cold[-1].code}): {last[-1] if last else ''}"[:120]
            elif warm:
                clear_cache(ledger)
                run_once(argv, cold=False)  # fills the cache
                result.warm = [run_once(argv, cold=False) for _ in range(runs)]
            print(f"  {job.name}: {result.status}, cold cpu {result.median('cold', 'cpu'):.2f} s",
                  file=sys.stderr, flush=True)
    clear_cache(ledger)
    return results


def table(results: list[Result], title: str) -> str:
    """A Markdown table: medians and ratios to bean-check, with the targets marked."""
    base = next(r for r in results if r.job == "bean-check")
    bare = next((r for r in results if r.job == "bean-check, no plugin" and r.status == "ok"), None)
    n_cpu = bare.median("cold", "cpu") if bare else float("nan")
    b_wall, b_cpu, b_rss = (base.median("cold", a) for a in ("wall", "cpu", "rss_mb"))
    lines = [
        f"**{title}**",
        "",
        "| job | cold wall s | wall × bean-check | cold CPU s | CPU × bean-check | CPU × no plugin | peak MB "
        "| mem × bean-check | warm wall s | warm CPU s | warm ÷ cold (CPU) | targets |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        if r.status != "ok":
            lines.append(f"| {r.job} | {r.status} |  |  |  |  |  |  |  |  |  |  |")
            continue
        wall, cpu, rss = (r.median("cold", a) for a in ("wall", "cpu", "rss_mb"))
        w_wall, w_cpu = r.median("warm", "wall"), r.median("warm", "cpu")
        t_ratio, m_ratio, warm_ratio = cpu / b_cpu, rss / b_rss, w_cpu / cpu
        marks = []
        if not r.job.startswith("bean-check"):
            marks.append("time ✓" if t_ratio <= TIME_RATIO else "time ✗")
            marks.append("mem ✓" if m_ratio <= MEM_RATIO else "mem ✗")
        if r.warm:
            marks.append("warm ✓" if warm_ratio <= WARM_RATIO else "warm ✗")
        lines.append(
            f"| {r.job} | {wall:.2f} | {wall / b_wall:.2f} | {cpu:.2f} | {t_ratio:.2f} | {cpu / n_cpu:.2f} | {rss:.0f} | {m_ratio:.2f} | "
            f"{w_wall:.2f} | {w_cpu:.2f} | {warm_ratio:.2f} | {' '.join(marks)} |"
        )
    return "\n".join(lines)


def scaling(sizes: Sequence[int], years: int, seed: int, runs: int) -> str:
    """``bean-check`` and ``kop cek`` (cold) across sizes: is the cost per transaction flat?"""
    check, bare_check, kop = jobs()[:3]
    lines = [
        f"**Scaling, cold, {years} year(s), median of {runs}**",
        "",
        "| members | transactions | bean-check no plugin CPU s | bean-check CPU s | kop cek CPU s "
        "| kop cek ÷ bean-check | kop cek ms per 1k txn | kop cek peak MB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n in sizes:
        ledger = ledger_for(n, years, seed)
        txns = ledger.read_text(encoding="utf-8").count(' * "')
        bare = without_plugin(ledger)
        n_ = [run_once([a.format(bare=bare) for a in bare_check.argv], cold=True) for _ in range(runs)]
        b = [run_once([a.format(ledger=ledger) for a in check.argv], cold=True) for _ in range(runs)]
        k = [run_once([a.format(ledger=ledger) for a in kop.argv], cold=True) for _ in range(runs)]
        b_cpu = statistics.median(r.cpu for r in b)
        k_cpu = statistics.median(r.cpu for r in k)
        rss = statistics.median(r.rss_mb for r in k)
        n_cpu = statistics.median(r.cpu for r in n_)
        lines.append(f"| {n:,} | {txns:,} | {n_cpu:.2f} | {b_cpu:.2f} | {k_cpu:.2f} | {k_cpu / b_cpu:.2f} | "
                     f"{1000 * k_cpu / txns * 1000:.1f} | {rss:.0f} |")
        print(lines[-1], file=sys.stderr, flush=True)
    return "\n".join(lines)


def split_years(text: str, first: int, years: int) -> list[str]:
    """The generated text cut into one piece per year (the first piece has the header)."""
    pieces = []
    rest = text
    for year in range(first + 1, first + years):
        match = re.search(rf"\n\n(?={year}-\d\d-\d\d )", rest)
        if match is None:
            pieces.append(rest)
            rest = ""
            continue
        pieces.append(rest[: match.start() + 1])
        rest = rest[match.start() + 1:]
    pieces.append(rest)
    return pieces


def closed_years_ledger(members: int, years: int, seed: int, closed: int) -> Path | None:
    """The same books kept the way a treasurer would: one file per year, each closed one
    with ``kop tutup-buku --file-baru`` and included by the next.

    The first ``closed`` years are closed; the rest of the transactions are appended to the
    newest file, which is returned (None when the command is missing or fails).
    """
    kop = str(BIN / "kop")
    probe = subprocess.run([kop, "tutup-buku", "--help"], capture_output=True, text=True)
    if probe.returncode != 0 or "--file-baru" not in probe.stdout:
        return None
    if closed >= years:
        raise SystemExit("--closed-years must be smaller than --years")
    source = ledger_for(members, years, seed)
    pieces = split_years(source.read_text(encoding="utf-8"), 2024, years)
    folder = OUT / f"{source.stem}-closed{closed}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    current = folder / "buku-2024.beancount"
    current.write_text(pieces[0], encoding="utf-8")
    for k in range(closed):
        year = 2024 + k
        new = folder / f"buku-{year + 1}.beancount"
        print(f"closing {year} …", file=sys.stderr, flush=True)
        done = subprocess.run([kop, "tutup-buku", str(current), "--tahun", str(year), "--tanggal",
                               f"{year + 1}-01-31", "--file-baru", str(new)], capture_output=True, text=True)
        if done.returncode != 0:
            print(f"tutup-buku {year} failed: {done.stderr.strip()[-300:]}", file=sys.stderr)
            return None
        with new.open("a", encoding="utf-8") as handle:
            handle.write("\n" + pieces[k + 1])
        current = new
    with current.open("a", encoding="utf-8") as handle:
        handle.writelines(pieces[closed + 1:])
    return current


def compile_kopledger() -> None:
    """Byte-compile kopledger, as a normal install (``pip install``) does, so every run
    measures the same code path as beancount's (whose modules pip compiled). An editable
    install on a machine with ``PYTHONDONTWRITEBYTECODE=1`` (this one) would otherwise
    compile kopledger's sources again in every process (≈ 0.08 s of CPU each)."""
    import compileall

    compileall.compile_dir(str(ROOT / "kopledger"), quiet=1)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, nargs="*", default=[2000],
                        help="ledger sizes (members); none: only the scaling table")
    parser.add_argument("--years", type=int, default=1, help="years of transactions (from 2024)")
    parser.add_argument("--runs", type=int, default=3, help="runs per job and mode; the median is shown")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", nargs="+", default=None, help="only these jobs (names as printed)")
    parser.add_argument("--no-warm", action="store_true", help="skip the warm-cache runs")
    parser.add_argument("--scaling", type=int, nargs="*", default=None,
                        help="also a scaling table of kop cek at these sizes (e.g. 1000 2000 5000 10000)")
    parser.add_argument("--closed-years", type=int, default=0,
                        help="also measure a ledger whose first K years were closed (needs --years > K)")
    args = parser.parse_args(argv)
    compile_kopledger()

    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.1f} (timings are noisy on a busy machine; CPU time is steadier)\n")
    year = 2024 + args.years - 1
    for n in args.members:
        ledger = ledger_for(n, args.years, args.seed)
        results = measure(ledger, year, args.runs, warm=not args.no_warm, only=args.jobs)
        print(table(results, f"{n:,} members × {args.years} year(s), tahun {year}, median of {args.runs} runs"))
        print()
        if args.closed_years:
            closed = closed_years_ledger(n, args.years, args.seed, args.closed_years)
            if closed is None:
                print("closed years: kop tutup-buku --file-baru not available or failed; skipped\n")
            else:
                results = measure(closed, year, args.runs, warm=not args.no_warm, only=args.jobs, baseline=False)
                print(table(results, f"{n:,} members, {args.closed_years} closed year(s): {closed.name}"))
                print()
    if args.scaling:
        print(scaling(args.scaling, args.years, args.seed, max(1, min(args.runs, 3))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
