"""The writer under real concurrency (issue 23 part 2): a bounded lock that names its holder, a
write that never overwrites a change it did not read, one lock over every file the books read.

The writes are real ``kop`` processes; tests/jeda_plugin.py holds one of them between its read
and its rename (in the validation of its candidate), so a test can act at that moment.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kopledger.ops.writer import BooksBusy, append_text, ledger_lock, load_uncached
from tests.conftest import ledger_text

ROOT = Path(__file__).resolve().parent.parent
CODE = "import sys; from kopledger.cli import main; sys.exit(main())"
#: Seconds a test waits for a process (never reached when it passes): a regression fails, never hangs.
PATIENCE = 90

BODY = """\
plugin "tests.jeda_plugin"
2020-01-01 open Liabilitas:SimpananSukarela
2025-01-02 custom "anggota" "A0001" "Siti Aminah"
2025-01-02 custom "anggota" "A0002" "Budi Santoso"
"""


def env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "KOP_TODAY": "2025-06-30", "KOP_LANG": "id", **extra}


def kop(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", CODE, *args], capture_output=True, text=True, cwd=ROOT,
                          env=env(**extra), timeout=PATIENCE)


def setor(path: Path, bukti: str, jumlah: int = 5000, anggota: str = "A0001") -> list[str]:
    return ["simpanan", "setor", str(path), "--anggota", anggota, "--jumlah", str(jumlah),
            "--tanggal", "2025-02-01", "--bukti", bukti]


class Paused:
    """A real ``kop`` write held between its read and its rename (tests/jeda_plugin.py)."""

    def __init__(self, folder: Path, args: list[str], bukti: str) -> None:
        folder.mkdir()
        self.folder = folder
        self.proc = subprocess.Popen(
            [sys.executable, "-c", CODE, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            cwd=ROOT, env=env(KOP_TEST_JEDA=str(folder), KOP_TEST_JEDA_BUKTI=bukti),
        )
        deadline = time.monotonic() + PATIENCE
        while not (folder / "paused").exists():
            assert self.proc.poll() is None, self.proc.communicate()
            assert time.monotonic() < deadline, "the write never reached its validation"
            time.sleep(0.02)

    def go(self) -> tuple[int, str, str]:
        (self.folder / "go").write_text("")
        out, err = self.proc.communicate(timeout=PATIENCE)
        return self.proc.returncode, out, err

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.kill()
            self.proc.communicate(timeout=PATIENCE)


@pytest.fixture
def paused(tmp_path: Path) -> Iterator[list[Paused]]:
    started: list[Paused] = []
    yield started
    for write in started:
        write.kill()


@pytest.fixture
def books(tmp_path: Path) -> Path:
    path = tmp_path / "buku.beancount"
    path.write_text(ledger_text(BODY), encoding="utf-8")
    return path


def bukti_in(path: Path) -> list[str]:
    entries, errors, _ = load_uncached(path)
    assert errors == [], errors
    return sorted(str(e.meta["bukti"]) for e in entries if "bukti" in (e.meta or {}))


# --- the bounded lock ---------------------------------------------------------------------------


def test_a_busy_lock_is_refused_in_bounded_time_naming_its_holder(books, tmp_path, paused):
    holder = Paused(tmp_path / "jeda", setor(books, "K1"), "K1")
    paused.append(holder)
    before = books.read_bytes()
    started = time.monotonic()
    result = kop(*setor(books, "K2"), KOP_LOCK_TIMEOUT="1")
    assert time.monotonic() - started < 30
    assert result.returncode == 1, result.stderr
    assert f"pid {holder.proc.pid}" in result.stderr
    assert "simpanan setor" in result.stderr and "--bukti K1" in result.stderr  # the holder's command line
    assert "tidak lepas dalam 1 detik" in result.stderr
    assert "Traceback" not in result.stderr
    assert books.read_bytes() == before
    # --dry-run waits the same bounded time
    dry = kop(*setor(books, "K3"), "--dry-run", KOP_LOCK_TIMEOUT="0.5")
    assert dry.returncode == 1 and f"pid {holder.proc.pid}" in dry.stderr
    code, _, err = holder.go()
    assert code == 0, err
    assert bukti_in(books) == ["K1"]
    # the holder's name left the lock file with its lock: the next write just works
    assert kop(*setor(books, "K2"), KOP_LOCK_TIMEOUT="1").returncode == 0
    assert bukti_in(books) == ["K1", "K2"]


def test_a_writer_stopped_with_ctrl_z_holding_the_lock_does_not_make_others_wait(books, tmp_path, paused):
    holder = Paused(tmp_path / "jeda", setor(books, "K1"), "K1")
    paused.append(holder)
    holder.proc.send_signal(signal.SIGSTOP)  # Ctrl-Z
    (holder.folder / "go").write_text("")  # it would go on, but it is stopped
    try:
        for extra in ([], ["--dry-run"]):
            started = time.monotonic()
            result = kop(*setor(books, "K2"), *extra)  # the default wait (a minute) is not waited out
            assert time.monotonic() - started < 30
            assert result.returncode == 1, result.stderr
            assert "dihentikan sementara (Ctrl-Z)" in result.stderr
            assert f"pid {holder.proc.pid}" in result.stderr
    finally:
        holder.proc.send_signal(signal.SIGCONT)
    code, _, err = holder.go()
    assert code == 0, err
    assert bukti_in(books) == ["K1"]


def test_the_lock_wait_is_a_parameter_and_a_busy_lock_changes_nothing(books, tmp_path):
    script = ("import sys, time\nfrom pathlib import Path\nfrom kopledger.ops.writer import ledger_lock\n"
              "with ledger_lock(Path(sys.argv[1])):\n    print('held', flush=True)\n    time.sleep(60)\n")
    holder = subprocess.Popen([sys.executable, "-c", script, str(books.resolve())], stdout=subprocess.PIPE,
                              text=True, cwd=ROOT, env=env())
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        before = books.read_bytes()
        started = time.monotonic()
        with pytest.raises(BooksBusy) as info:
            append_text(books, '2025-02-01 * "x"\n  Aset:Kas 1 IDR\n  Ekuitas:Cadangan:Umum -1 IDR\n',
                        lock_timeout=0.3)
        assert 0.3 <= time.monotonic() - started < 10
        assert f"pid {holder.pid}" in str(info.value)
        assert books.read_bytes() == before
        with pytest.raises(BooksBusy), ledger_lock(books.resolve(), 0):
            pass
    finally:
        holder.kill()
        holder.wait(timeout=PATIENCE)
    with ledger_lock(books.resolve(), 0):  # released by the kernel when its holder died
        pass


def test_a_malformed_lock_wait_is_a_clear_error(books):
    result = kop(*setor(books, "K1"), KOP_LOCK_TIMEOUT="sebentar")
    assert result.returncode == 2
    assert "KOP_LOCK_TIMEOUT" in result.stderr and "Traceback" not in result.stderr


# --- a change the write did not read is never overwritten ------------------------------------------


def editor_save(path: Path, text: str) -> None:
    """Save ``text`` over ``path`` as an editor does (a new file renamed over it), in its own process."""
    script = ("import os, sys\nfrom pathlib import Path\np = Path(sys.argv[1])\ntmp = p.with_name(p.name + '.swp')\n"
              "tmp.write_text(sys.stdin.read(), encoding='utf-8')\nos.replace(tmp, p)\n")
    subprocess.run([sys.executable, "-c", script, str(path)], input=text, text=True, check=True, timeout=PATIENCE)


HAND = """
2025-03-01 * "Ditulis tangan di editor"
  Aset:Kas                 7000 IDR
  Ekuitas:Cadangan:Umum   -7000 IDR
"""


def test_a_hand_edit_saved_while_a_write_runs_is_kept(books, tmp_path, paused):
    write = Paused(tmp_path / "jeda", setor(books, "K1"), "K1")
    paused.append(write)
    edited = books.read_text(encoding="utf-8") + HAND
    editor_save(books, edited)  # saved between the write's read and its rename
    code, _, err = write.go()
    assert code == 0, err
    text = books.read_text(encoding="utf-8")
    assert text.startswith(edited), "the hand edit was erased"
    assert text.count('bukti: "K1"') == 1
    assert bukti_in(books) == ["K1"]


def test_a_duplicate_deleted_while_a_write_runs_does_not_come_back(books, tmp_path, paused):
    twice = '\n2025-03-02 * "Setoran tercatat dua kali"\n  Aset:Kas 3000 IDR\n  Ekuitas:Cadangan:Umum -3000 IDR\n'
    books.write_text(books.read_text(encoding="utf-8") + twice + twice, encoding="utf-8")
    write = Paused(tmp_path / "jeda", setor(books, "K1"), "K1")
    paused.append(write)
    editor_save(books, books.read_text(encoding="utf-8").replace(twice + twice, twice))
    code, _, err = write.go()
    assert code == 0, err
    text = books.read_text(encoding="utf-8")
    assert text.count("Setoran tercatat dua kali") == 1, "the deleted duplicate came back"
    assert bukti_in(books) == ["K1"]


def test_an_appended_hand_entry_with_the_same_bukti_makes_the_write_decide_again(books, tmp_path, paused):
    write = Paused(tmp_path / "jeda", setor(books, "K1"), "K1")
    paused.append(write)
    with open(books, "a", encoding="utf-8") as handle:  # appended in place (no rename), bukti K1 by hand
        handle.write(HAND.replace('"Ditulis tangan di editor"', '"Ditulis tangan di editor"\n  bukti: "K1"'))
    code, _, err = write.go()
    assert code == 1, err
    assert "bukti K1 sudah tercatat" in err  # decided again from the books as they are now
    assert bukti_in(books) == ["K1"]
    assert books.read_text(encoding="utf-8").count("Ditulis tangan") == 1


# --- one lock over every file the books read ----------------------------------------------------------


def test_two_books_sharing_a_file_serialize_and_never_write_a_bukti_twice(tmp_path, paused):
    shared = tmp_path / "bersama.beancount"
    shared.write_text(ledger_text(BODY), encoding="utf-8")  # a book of its own …
    main = tmp_path / "utama.beancount"  # … and included by another
    options = "".join(line + "\n" for line in ledger_text(BODY).splitlines() if line.startswith(("option", "plugin")))
    main.write_text(options + 'include "bersama.beancount"\n', encoding="utf-8")
    assert bukti_in(main) == [] and bukti_in(shared) == []
    first = Paused(tmp_path / "jeda", setor(shared, "K1"), "K1")  # holds bersama's lock
    paused.append(first)
    second = subprocess.Popen([sys.executable, "-c", CODE, *setor(main, "K1")], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env(KOP_LOCK_TIMEOUT="60"))
    time.sleep(3)  # the second write has read the books meanwhile, and waits for the shared file's lock
    assert second.poll() is None, second.communicate()
    code, _, err = first.go()
    assert code == 0, err
    _, err2 = second.communicate(timeout=PATIENCE)
    assert second.returncode == 1, err2
    assert "bukti K1 sudah tercatat" in err2 and "bersama.beancount" in err2
    assert bukti_in(main) == ["K1"]  # once, in the shared file
    assert bukti_in(shared) == ["K1"]
