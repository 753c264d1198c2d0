"""The safe writer: append only, validate first, atomic, locked, crash-safe."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from kopledger.core.errors import InputError, LedgerHasErrors
from kopledger.ops.members import NewMember, join_entries
from kopledger.ops.writer import (
    _separator,
    append_built,
    append_directives,
    append_text,
    format_directives,
    load_uncached,
)
from tests.conftest import load_doc

ROOT = Path(__file__).resolve().parent.parent

BODY = """\
2020-01-01 open Ekuitas:Modal IDR
2024-01-02 * "Modal awal"
  Aset:Kas        1000000 IDR
  Ekuitas:Modal  -1000000 IDR
"""


def tx(label: str) -> str:
    return f'2024-02-01 * "{label}"\n  Aset:Kas 1 IDR\n  Ekuitas:Modal -1 IDR\n'


def test_append_keeps_old_bytes_and_loads(write_ledger):
    path = write_ledger(BODY)
    old = path.read_bytes()
    result = append_text(path, tx("satu"))
    assert result.written
    new = path.read_bytes()
    assert new.startswith(old)
    assert new == old + _separator(old) + tx("satu").encode()
    entries, errors, _ = load_uncached(path)
    assert errors == []
    assert [e.narration for e in entries if getattr(e, "narration", None) == "satu"] == ["satu"]


def test_dry_run_is_byte_identical_and_returns_text(write_ledger):
    path = write_ledger(BODY)
    old = path.read_bytes()
    stat = path.stat()
    result = append_text(path, tx("uji"), dry_run=True)
    assert not result.written
    assert result.text == tx("uji")
    assert path.read_bytes() == old
    assert path.stat().st_mtime_ns == stat.st_mtime_ns
    assert not list(path.parent.glob("*.kop-tmp"))


def test_refuses_ledger_that_already_has_errors(write_ledger):
    path = write_ledger(BODY + '2024-01-03 * "rusak"\n  Aset:TidakAda 5 IDR\n  Ekuitas:Modal -5 IDR\n')
    old = path.read_bytes()
    with pytest.raises(LedgerHasErrors) as info:
        append_text(path, tx("x"))
    assert "sudah berisi 1 kesalahan; tidak ada yang ditulis" in str(info.value)
    assert "TidakAda" in str(info.value)  # its errors are shown
    assert path.read_bytes() == old


def test_refuses_entries_that_add_errors_and_names_the_ledger(write_ledger):
    path = write_ledger(BODY)
    old = path.read_bytes()
    with pytest.raises(LedgerHasErrors) as info:
        append_text(path, '2024-02-01 * "tidak seimbang"\n  Aset:Kas 5 IDR\n  Ekuitas:Modal -4 IDR\n')
    assert path.read_bytes() == old
    assert info.value.errors
    assert str(path) in str(info.value)  # errors point at the ledger, not the temp file
    assert ".kop-tmp" not in str(info.value)
    assert not list(path.parent.glob("*.kop-tmp"))


def test_empty_text_writes_nothing(write_ledger):
    path = write_ledger(BODY)
    old = path.read_bytes()
    assert not append_text(path, "  \n").written
    assert path.read_bytes() == old


def test_missing_ledger_is_input_error(tmp_path):
    with pytest.raises(InputError):
        append_text(tmp_path / "tidak-ada.beancount", tx("x"))


def test_symlinked_ledger_is_written_through(write_ledger, tmp_path):
    path = write_ledger(BODY)
    link = tmp_path / "link.beancount"
    link.symlink_to(path)
    append_text(link, tx("lewat-link"))
    assert link.is_symlink()
    assert b"lewat-link" in path.read_bytes()


def test_stale_temp_files_of_a_killed_writer_are_removed(write_ledger):
    path = write_ledger(BODY)
    stale = path.parent / f".{path.name}.abc123.kop-tmp"
    stale.write_text("setengah")
    other = path.parent / "milik-orang-lain.tmp"
    other.write_text("jangan dihapus")
    append_text(path, tx("y"))
    assert not stale.exists()
    assert other.exists()


def test_file_mode_is_kept(write_ledger):
    path = write_ledger(BODY)
    os.chmod(path, 0o640)
    append_text(path, tx("z"))
    assert path.stat().st_mode & 0o777 == 0o640


def test_format_directives_round_trips_builder_output(write_ledger):
    path = write_ledger(BODY)
    kop = load_doc(BODY)
    import datetime as dt

    entries = join_entries(kop, NewMember("A0001", "Siti", dt.date(2024, 3, 1), nik="3201234567890123"),
                           today=dt.date(2025, 1, 1))
    text = format_directives(entries)
    assert text.endswith("\n") and not text.endswith("\n\n")
    append_directives(path, entries)
    loaded, errors, _ = load_uncached(path)
    assert errors == []
    assert any(getattr(e, "type", None) == "anggota" for e in loaded)


WRITER_SCRIPT = textwrap.dedent("""
    import os, sys, time
    sys.path.insert(0, {root!r})
    real_replace, real_fsync = os.replace, os.fsync
    def slow_replace(a, b):
        time.sleep(0.01)
        return real_replace(a, b)
    def slow_fsync(fd):
        time.sleep(0.005)
        return real_fsync(fd)
    os.replace, os.fsync = slow_replace, slow_fsync
    from kopledger.ops.writer import append_text
    path, label, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    print("ready", flush=True)
    for i in range(count):
        append_text(path, '2024-02-01 * "%s-%d"\\n  Aset:Kas 1 IDR\\n  Ekuitas:Modal -1 IDR\\n' % (label, i))
""")


def _writer(tmp_path: Path, ledger: Path, label: str, count: int) -> subprocess.Popen[str]:
    script = tmp_path / "writer_script.py"
    script.write_text(WRITER_SCRIPT.format(root=str(ROOT)))
    return subprocess.Popen(
        [sys.executable, str(script), str(ledger), label, str(count)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def test_killed_writer_leaves_old_or_new_whole_file(write_ledger, tmp_path):
    path = write_ledger(BODY)
    rng = random.Random(20250101)
    # every state the file may legally be in: the start plus k whole appends
    states = [path.read_bytes()]
    for i in range(200):
        old = states[-1]
        states.append(old + _separator(old) + tx(f"w-{i}").encode())
    seen_counts = set()
    killed_mid_write = 0
    for _round in range(8):
        proc = _writer(tmp_path, path, "w", 200)
        assert proc.stdout is not None
        proc.stdout.readline()  # imports done; now writing
        time.sleep(rng.uniform(0.0, 0.6))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if list(path.parent.glob("*.kop-tmp")):
            killed_mid_write += 1  # the kill landed between writing the temp file and the rename
        content = path.read_bytes()
        assert content in states, "the ledger is neither the old nor a new whole file"
        count = states.index(content)
        seen_counts.add(count)
        _, errors, _ = load_uncached(path)
        assert errors == []
        # the next writer restarts from this state: rebuild the legal states from here
        states = [content]
        for i in range(200):
            old = states[-1]
            states.append(old + _separator(old) + tx(f"w-{i}").encode())
    assert max(seen_counts) > 0, "no append ever completed: the test did not exercise the writer"
    assert killed_mid_write > 0, "no kill landed mid-write: the test did not exercise the crash window"
    # a later write still works and cleans what the killed writers left behind
    append_text(path, tx("sesudah"))
    assert not list(path.parent.glob("*.kop-tmp"))
    assert load_uncached(path)[1] == []


def test_two_concurrent_writers_lose_nothing(write_ledger, tmp_path):
    path = write_ledger(BODY)
    count = 12
    procs = [_writer(tmp_path, path, label, count) for label in ("a", "b")]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    entries, errors, _ = load_uncached(path)
    assert errors == []
    narrations = sorted(e.narration for e in entries if getattr(e, "narration", "")[:2] in ("a-", "b-"))
    assert narrations == sorted([f"a-{i}" for i in range(count)] + [f"b-{i}" for i in range(count)])
    text = path.read_text()
    for label in ("a", "b"):
        for i in range(count):
            assert text.count(tx(f"{label}-{i}")) == 1  # each append whole, once, not interleaved


def test_append_built_sees_the_books_as_they_are_under_the_lock(write_ledger):
    path = write_ledger(BODY)
    seen = []

    def build(kop):
        seen.append(len(kop.transactions))
        return []

    assert not append_built(path, build).written  # nothing built: nothing written
    append_text(path, tx("baru"))
    append_built(path, build)
    assert seen == [1, 2]
    assert not list(path.parent.glob("*.kop-tmp"))


def test_ledger_with_includes(tmp_path):
    # beancount checks account names per file, so an included file repeats the root options
    (tmp_path / "akun.beancount").write_text(
        'option "name_equity" "Ekuitas"\noption "name_assets" "Aset"\n2020-01-01 open Ekuitas:Modal IDR\n'
    )
    from tests.conftest import ledger_text

    path = tmp_path / "buku.beancount"
    path.write_text(ledger_text('include "akun.beancount"\n'))
    append_text(path, tx("pakai-include"))
    assert load_uncached(path)[1] == []
    with pytest.raises(LedgerHasErrors):
        append_text(path, '2024-02-01 * "x"\n  Aset:Lain 1 IDR\n  Ekuitas:Modal -1 IDR\n')


def test_two_concurrent_wajib_runs_post_each_month_once(write_ledger):
    members = "".join(f'2025-01-02 custom "anggota" "M{i:02d}" "Anggota {i}"\n' for i in range(12))
    path = write_ledger(members)
    code = "import sys; from kopledger.cli import main; sys.exit(main())"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, "simpanan", "wajib", str(path), "--bulan", "2025-01",
             "--tanggal", "2025-01-31"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        )
        for _ in range(2)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    entries, errors, _ = load_uncached(path)
    assert errors == []
    paid = [e.meta["anggota"] for e in entries if "simpanan-wajib" in getattr(e, "tags", ())]
    assert sorted(paid) == [f"M{i:02d}" for i in range(12)]  # once each, not twice
