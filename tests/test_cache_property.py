"""Correctness first: through kopledger's cache, every report equals a cold load's.

Random sequences of daily work (deposits, withdrawals, wajib months, loans, instalments,
new members, backdated entries, edits in the middle of the file, copies of the folder),
each through the real ``kop`` commands. After every step each report — and every error
— through the cache (snapshots on disk, in memory, incremental appends, cached results)
is byte-identical to the same command with every cache off (``KOP_CACHE=0``).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kopledger.books.load import cache
from kopledger.cli import main
from tests.conftest import ledger_text
from tests.test_cache import BODY

STEPS = st.lists(
    st.tuples(
        st.sampled_from([
            "setor", "tarik", "wajib", "pinjam", "angsur", "anggota", "mundur", "edit", "salin", "setor",
        ]),
        st.integers(min_value=0, max_value=3),  # which member / loan
        st.integers(min_value=1, max_value=40),  # amount, in thousands
        st.booleans(),  # forget the in-memory snapshots (a new process)
    ),
    min_size=1,
    max_size=5,
)


def _run(runner: CliRunner, argv: list[str], *, cached: bool) -> tuple[int, str]:
    if cached:
        os.environ.pop("KOP_CACHE", None)
    else:
        os.environ["KOP_CACHE"] = "0"
    try:
        result = runner.invoke(main, argv)
    finally:
        os.environ.pop("KOP_CACHE", None)
    return result.exit_code, result.output


def _reports(ledger: Path, day: dt.date) -> list[list[str]]:
    books = str(ledger)
    return [
        ["cek", books],
        ["laporan", books, "--tahun", "2024", "--jenis", "semua", "--format", "json"],
        ["anggota", "daftar", books, "--per", day.isoformat(), "--format", "csv"],
        ["pinjaman", "portofolio", books, "--per", day.isoformat(), "--format", "json"],
        ["simpanan", "tunggakan", books, "--per", day.isoformat()],
    ]


def _step(runner: CliRunner, ledger: Path, kind: str, who: int, amount: int, day: dt.date, members: list[str],
          loans: list[str]) -> Path:
    books = str(ledger)
    member = members[who % len(members)]
    rupiah = str(amount * 1000)
    date = day.isoformat()
    if kind == "setor":
        runner.invoke(main, ["simpanan", "setor", books, "--anggota", member, "--jumlah", rupiah, "--tanggal", date])
    elif kind == "tarik":
        runner.invoke(main, ["simpanan", "tarik", books, "--anggota", member, "--jumlah", rupiah, "--tanggal", date])
    elif kind == "wajib":
        runner.invoke(main, ["simpanan", "wajib", books, "--bulan", date[:7], "--tanggal", date])
    elif kind == "pinjam":
        loan = f"PJ-2024-{len(loans) + 1:03d}"
        result = runner.invoke(main, ["pinjaman", "cair", books, "--anggota", member, "--pokok", str(amount * 100000),
                                      "--bunga", "12", "--tenor", "6", "--metode", "flat", "--tanggal", date,
                                      "--id", loan])
        if result.exit_code == 0:
            loans.append(loan)
    elif kind == "angsur" and loans:
        runner.invoke(main, ["pinjaman", "bayar", books, "--pinjaman", loans[who % len(loans)], "--jumlah",
                             str(amount * 10000), "--tanggal", date])
    elif kind == "anggota":
        new_id = f"B{len(members):04d}"
        result = runner.invoke(main, ["anggota", "tambah", books, "--id", new_id, "--nama", f"Anggota {new_id}",
                                      "--jenis-kelamin", "P", "--tanggal", date])
        if result.exit_code == 0:
            members.append(new_id)
    elif kind == "mundur":  # a backdated entry, appended by hand
        with ledger.open("a", encoding="utf-8") as handle:
            handle.write(
                f'\n2024-01-{10 + who:02d} * "Setoran susulan"\n  anggota: "{member}"\n'
                f"  Aset:Kas  {rupiah} IDR\n  Liabilitas:SimpananSukarela:{member}  -{rupiah} IDR\n"
            )
    elif kind == "edit":  # an edit in the middle of the file
        text = ledger.read_text(encoding="utf-8")
        ledger.write_text(text.replace("300000 IDR", f"{300000 + amount} IDR", 1), encoding="utf-8")
    elif kind == "salin":  # cp -a the folder, then work on the copy
        target = ledger.parent.with_name(ledger.parent.name + "-salin")
        shutil.copytree(ledger.parent, target, copy_function=shutil.copy2)
        return target / ledger.name
    return ledger


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(STEPS)
def test_every_report_through_the_cache_equals_a_cold_load(steps: list[tuple[str, int, int, bool]]) -> None:
    runner = CliRunner()
    cache._MEMORY.clear()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "koperasi"
        folder.mkdir()
        ledger = folder / "buku.beancount"
        ledger.write_text(ledger_text(BODY.replace("2024-02-02 balance Aset:Kas  500000 IDR\n", "")
                                      + "2024-02-29 balance Aset:Kas  500000 IDR\n"), encoding="utf-8")
        members = ["A0001", "A0002"]
        loans: list[str] = []
        day = dt.date(2024, 3, 1)
        for kind, who, amount, forget in steps:
            ledger = _step(runner, ledger, kind, who, amount, day, members, loans)
            if forget:
                cache._MEMORY.clear()
            for argv in _reports(ledger, day):
                cached = _run(runner, argv, cached=True)
                again = _run(runner, argv, cached=True)
                reference = _run(runner, argv, cached=False)
                assert cached == reference, (argv, steps)
                assert again == reference, (argv, steps)
            day += dt.timedelta(days=9)
