"""Benchmark ``kop agregat``: many synthetic exports aggregated on this machine.

    .venv/bin/python benchmarks/bench_agregat.py                       # 1,000 → 10,000 exports
    .venv/bin/python benchmarks/bench_agregat.py --sizes 1000,2000 --engine duckdb

One real export is made first (a generated koperasi of 30 members, 2024 closed with
``kop tutup-buku``, exported with ``kop ekspor``); the synthetic exports are copies of it
with their own name, badan hukum and wilayah (34 provinsi, 15 kabupaten/kota each, 7
kecamatan), every amount and member count multiplied by a whole factor (1–40, so each
statement still balances and every sum stays exact), and one in twenty provisional (no
closed year). They are written once to ``benchmarks/out/agregat-N/``.

Each size runs in a fresh process (so peak memory is its own): the whole job — read and
validate every file, load DuckDB, write the six Parquet tables, aggregate by
kabupaten/kota — timed by phase, with the peak resident memory of the process. The
script prints a table and the growth from the smallest to the largest size.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "benchmarks" / "out"

PROVINSI = (
    "Aceh", "Sumatera Utara", "Sumatera Barat", "Riau", "Jambi", "Sumatera Selatan", "Bengkulu", "Lampung",
    "Kepulauan Bangka Belitung", "Kepulauan Riau", "DKI Jakarta", "Jawa Barat", "Jawa Tengah", "DI Yogyakarta",
    "Jawa Timur", "Banten", "Bali", "Nusa Tenggara Barat", "Nusa Tenggara Timur", "Kalimantan Barat",
    "Kalimantan Tengah", "Kalimantan Selatan", "Kalimantan Timur", "Kalimantan Utara", "Sulawesi Utara",
    "Sulawesi Tengah", "Sulawesi Selatan", "Sulawesi Tenggara", "Gorontalo", "Sulawesi Barat", "Maluku",
    "Maluku Utara", "Papua Barat", "Papua",
)
NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
#: string fields that are rates or percents, not amounts: never scaled
NOT_MONEY = {"npl", "persen", "tarif_ppap", "persen_perempuan", "skor"}
#: integer fields that are counts: scaled
COUNTS = {"awal", "masuk", "keluar", "akhir", "jumlah_pinjaman", "jumlah_anggota_penerima"}


def template() -> dict[str, Any]:
    """One real export (generated, closed, exported), made once."""
    path = OUT / "agregat-template.json"
    if path.exists():
        loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return loaded
    from examples.generator import generate
    from kopledger import Koperasi
    from kopledger.dinas.ekspor import build_export
    from kopledger.ops.closing import close_year

    OUT.mkdir(parents=True, exist_ok=True)
    ledger = OUT / "agregat-template.beancount"
    ledger.write_text(generate(30, 2, seed=18, start_year=2024), encoding="utf-8")
    close_year(ledger, 2024, today=dt.date(2025, 1, 20))
    document = build_export(Koperasi.load(ledger), 2024)
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return document


def _scale(node: Any, k: int, key: str = "") -> Any:
    if isinstance(node, dict):
        return {name: _scale(value, k, name) for name, value in node.items()}
    if isinstance(node, list):
        return [_scale(value, k, key) for value in node]
    if isinstance(node, str) and key not in NOT_MONEY and NUMBER.match(node):
        from decimal import Decimal

        return format(Decimal(node) * k, "f")
    if isinstance(node, int) and not isinstance(node, bool) and key in COUNTS:
        return node * k
    return node


def synthetic(base: dict[str, Any], i: int) -> dict[str, Any]:
    """The ``i``-th synthetic export: its own identity and wilayah, amounts × a whole factor."""
    k = 1 + (i * 7919) % 40
    document = _scale(copy.deepcopy(base), k)
    document["koperasi"]["nama"] = f"Koperasi Sintetis {i:06d}"
    document["koperasi"]["badan_hukum"] = f"AHU-SINTETIS-{i:06d}"
    document["koperasi"]["wilayah"] = {
        "provinsi": PROVINSI[i % len(PROVINSI)],
        "kabupaten_kota": f"Kabupaten {(i // len(PROVINSI)) % 15 + 1:02d}",
        "kecamatan": f"Kecamatan {i % 7 + 1}",
    }
    if i % 20 == 19:
        document["sementara"] = True
        document["tutup_buku"] = {"ditutup": False, "sidik": None}
    return document


def exports(n: int) -> Path:
    folder = OUT / f"agregat-{n}"
    done = folder / ".lengkap"
    if done.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    base = template()
    started = time.perf_counter()
    for i in range(n):
        (folder / f"ekspor-{i:06d}.json").write_text(json.dumps(synthetic(base, i), ensure_ascii=False), encoding="utf-8")
    done.touch()
    print(f"wrote {n} exports in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return folder


CHILD = r"""
import json, resource, sys, tempfile, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from kopledger.dinas import mesin
from kopledger.dinas.agregat import figures
from kopledger.dinas.muat import Pembacaan, drop_conflicts, list_files, load_duckdb, write_parquet
folder, engine = Path(sys.argv[2]), sys.argv[3]
times = {}
t = time.perf_counter(); files, problems = list_files([folder]); bad = []
reading = Pembacaan(files, bad); con = load_duckdb(reading.ekspor()); drop_conflicts(con, reading.konflik)
times["baca+validasi+muat"] = time.perf_counter() - t
with tempfile.TemporaryDirectory() as out:
    t = time.perf_counter(); tables = write_parquet(con, Path(out)); times["parquet"] = time.perf_counter() - t
    t = time.perf_counter()
    run = mesin.DuckDBEngine(con) if engine == "duckdb" else mesin.SparkEngine.local(tables)
    result = figures(run, masalah=[*problems, *bad])
    times["agregasi"] = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"koperasi": result.jumlah_koperasi, "masalah": len(result.masalah), "times": times,
                  "cpu": time.process_time(), "peak_mb": peak, "wilayah": len(result.per_wilayah)}))
"""


def run(n: int, engine: str) -> dict[str, Any]:
    folder = exports(n)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CHILD, str(ROOT), str(folder), engine],
                          capture_output=True, text=True, check=True)
    measured: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    measured["wall"] = time.perf_counter() - started
    return measured


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,2500,5000,10000")
    parser.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    for n in sizes:
        measured = run(n, args.engine)
        assert measured["koperasi"] == n and measured["masalah"] == 0, measured
        rows.append((n, measured))
        phases = "  ".join(f"{k} {v:.1f}s" for k, v in measured["times"].items())
        print(f"{n:>6} exports: {sum(measured['times'].values()):6.1f} s (process {measured['wall']:.1f} s, "
              f"CPU {measured['cpu']:.1f} s), peak {measured['peak_mb']:.0f} MB, "
              f"{measured['wilayah']} kabupaten/kota — {phases}", flush=True)
    if len(rows) > 1:
        (n0, first), (n1, last) = rows[0], rows[-1]
        t0, t1 = sum(first["times"].values()), sum(last["times"].values())
        print(f"growth {n0} → {n1} ({n1 / n0:.0f}×): time {t1 / t0:.2f}×, "
              f"per export {t1 / n1 * 1000:.2f} ms vs {t0 / n0 * 1000:.2f} ms, peak memory {last['peak_mb'] / first['peak_mb']:.2f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
