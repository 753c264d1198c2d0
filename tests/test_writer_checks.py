"""The writer refuses what ``kop cek`` refuses, keeps the file's owner and mode, and reads only
regular files as books (issue 23 part 2)."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from kopledger.core.book_files import NotRegularFile
from kopledger.core.errors import LedgerHasErrors
from kopledger.ops.writer import append_text, load_uncached, lock_path
from tests.conftest import ledger_text
from tests.test_loans import HEADER as LOAN_HEADER
from tests.test_loans import scenario_body

ROOT = Path(__file__).resolve().parent.parent
CODE = "import sys; from kopledger.cli import main; sys.exit(main())"
#: Seconds a ``kop`` process may take: a hang (a FIFO, /dev/zero) fails the test instead of hanging it.
PATIENCE = 60


def kop(*args: str, cwd: Path = ROOT, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "KOP_TODAY": "2025-06-30", "KOP_LANG": "id", **extra}
    return subprocess.run([sys.executable, "-c", CODE, *args], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=PATIENCE)


# --- whatever kop cek refuses, the writer refuses --------------------------------------------------

#: A repayment of A0001's loan PJ-2024-001 booked on A0002's loan account: the plugin lets it
#: through, ``kop cek``'s loan checks do not.
MISDIRECTED = """\
2024-07-20 * "Angsuran PJ-2024-001" #angsuran
  anggota: "A0001"
  pinjaman: "PJ-2024-001"
  Aset:Kas  112000 IDR
  Aset:Piutang:PinjamanAnggota:A0002  -100000 IDR
  Pendapatan:Anggota:JasaPinjaman  -12000 IDR
"""


def test_a_repayment_on_another_members_loan_account_is_refused(tmp_path):
    path = tmp_path / "buku.beancount"
    path.write_text(LOAN_HEADER + scenario_body(), encoding="utf-8")
    assert kop("cek", str(path)).returncode == 0
    before = path.read_bytes()
    with pytest.raises(LedgerHasErrors) as info:
        append_text(path, MISDIRECTED)
    assert "catatan baru ini akan menimbulkan kesalahan" in str(info.value)
    assert "bukan pinjaman anggota A0002" in str(info.value)
    assert str(path) in str(info.value) and ".kop-tmp" not in str(info.value)  # named at the ledger
    assert path.read_bytes() == before
    with pytest.raises(LedgerHasErrors):  # a dry run refuses it the same
        append_text(path, MISDIRECTED, dry_run=True)
    cold = kop("cek", str(path), KOP_CACHE="0")
    assert cold.returncode == 0, cold.stdout + cold.stderr  # the books stay what kop cek accepts
    assert kop("pinjaman", "daftar", str(path)).returncode == 0


def test_books_already_failing_kop_cek_are_refused_as_such(tmp_path):
    path = tmp_path / "buku.beancount"
    path.write_text(LOAN_HEADER + scenario_body() + MISDIRECTED, encoding="utf-8")  # written by hand
    assert kop("cek", str(path)).returncode == 1
    before = path.read_bytes()
    with pytest.raises(LedgerHasErrors) as info:
        append_text(path, '2024-05-02 * "x"\n  Aset:Kas 1 IDR\n  Ekuitas:Modal -1 IDR\n')
    assert "sudah berisi 1 kesalahan" in str(info.value)
    assert "bukan pinjaman anggota A0002" in str(info.value)
    assert path.read_bytes() == before


# --- owner and mode ---------------------------------------------------------------------------------

TREASURER = "kopbendahara"


@pytest.fixture
def treasurer() -> Iterator[pwd.struct_passwd]:
    """A second user on this machine (the treasurer), made for the test and removed after it."""
    if os.geteuid() != 0 or shutil.which("useradd") is None:
        pytest.skip("needs root and useradd to make a second user")
    subprocess.run(["userdel", TREASURER], capture_output=True, check=False)
    subprocess.run(["useradd", "--no-create-home", "--user-group", TREASURER], check=True, capture_output=True)
    try:
        yield pwd.getpwnam(TREASURER)
    finally:
        subprocess.run(["userdel", TREASURER], capture_output=True, check=False)


BODY = """\
2020-01-01 open Ekuitas:Modal IDR
2020-01-01 open Liabilitas:SimpananSukarela
2025-01-02 custom "anggota" "A0001" "Siti Aminah"
"""


@pytest.mark.parametrize("mode", [0o600, 0o664])
def test_a_write_as_root_keeps_the_owner_and_the_mode(treasurer, mode):
    folder = Path(tempfile.mkdtemp(prefix="kop-bendahara-"))  # a folder she can reach (pytest's is root's only)
    folder.chmod(0o755)
    try:
        _write_as_root(folder / "buku.beancount", treasurer, mode)
    finally:
        shutil.rmtree(folder)


def _write_as_root(path: Path, treasurer: pwd.struct_passwd, mode: int) -> None:
    path.write_text(ledger_text(BODY), encoding="utf-8")
    os.chown(path, treasurer.pw_uid, treasurer.pw_gid)
    path.chmod(mode)
    old = os.umask(0o027)  # sudo's root, whose new files would be root's, 640
    try:
        append_text(path, '2025-02-01 * "satu"\n  Aset:Kas 1 IDR\n  Ekuitas:Modal -1 IDR\n')
        done = kop("simpanan", "setor", str(path), "--anggota", "A0001", "--jumlah", "5000", "--tanggal",
                   "2025-02-01", "--bukti", "K1", KOP_LOCK_TIMEOUT="10")
    finally:
        os.umask(old)
    assert done.returncode == 0, done.stderr  # a real `kop` write as root too
    stat = path.stat()
    assert (stat.st_uid, stat.st_gid) == (treasurer.pw_uid, treasurer.pw_gid), "the books became root's"
    assert stat.st_mode & 0o7777 == mode
    assert "satu" in path.read_text(encoding="utf-8")
    assert "K1" in path.read_text(encoding="utf-8")
    lock = lock_path(path).stat()  # the lock file root made is hers too: her own `kop` can take it
    assert (lock.st_uid, lock.st_gid) == (treasurer.pw_uid, treasurer.pw_gid)
    # … and she can still read and write them herself
    hers = subprocess.run(["runuser", "-u", TREASURER, "--", "/bin/sh", "-c", 'test -r "$1" && test -w "$1"', "-",
                           str(path)], capture_output=True, timeout=PATIENCE)
    assert hers.returncode == 0


# --- only regular files are books --------------------------------------------------------------------


def test_a_fifo_as_the_ledger_is_refused_not_waited_on(tmp_path):
    fifo = tmp_path / "buku.beancount"
    os.mkfifo(fifo)
    for extra in ({}, {"KOP_CACHE": "0"}):
        result = kop("cek", str(fifo), **extra)  # a hang fails here (TimeoutExpired)
        assert result.returncode == 2, result.stderr
        assert "bukan berkas biasa (FIFO" in result.stderr and "Traceback" not in result.stderr
        written = kop("simpanan", "setor", str(fifo), "--anggota", "A0001", "--jumlah", "5000", **extra)
        assert written.returncode == 2 and "bukan berkas biasa (FIFO" in written.stderr
    with pytest.raises(NotRegularFile):
        append_text(fifo, '2025-02-01 * "x"\n  Aset:Kas 1 IDR\n  Ekuitas:Modal -1 IDR\n')


@pytest.mark.parametrize("target", ["/dev/zero", "pipa.beancount"])
def test_an_included_device_or_fifo_is_refused_at_its_include_line(tmp_path, target):
    if target == "pipa.beancount":
        os.mkfifo(tmp_path / target)
    path = tmp_path / "buku.beancount"
    path.write_text(ledger_text(BODY + f'include "{target}"\n'), encoding="utf-8")
    line = path.read_text(encoding="utf-8").splitlines().index(f'include "{target}"') + 1
    for extra in ({}, {"KOP_CACHE": "0"}):
        result = kop("cek", str(path), **extra)
        assert result.returncode == 2, result.stderr
        assert f"{path}:{line}: include" in result.stderr and "bukan berkas biasa" in result.stderr
        assert "Traceback" not in result.stderr
        written = kop("anggota", "daftar", str(path), **extra)
        assert written.returncode == 2 and "bukan berkas biasa" in written.stderr
    script = ("import sys; from kopledger.ops.writer import append_text\n"
              "append_text(sys.argv[1], '2025-02-01 * \"x\"\\n  Aset:Kas 1 IDR\\n  Ekuitas:Modal -1 IDR\\n')\n")
    writer = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=PATIENCE)
    assert writer.returncode == 1 and "NotRegularFile" in writer.stderr


def test_an_included_file_replaced_by_a_fifo_after_it_was_cached_is_refused(tmp_path):
    (tmp_path / "akun.beancount").write_text('option "name_equity" "Ekuitas"\n2020-01-01 open Ekuitas:Lain IDR\n')
    path = tmp_path / "buku.beancount"
    path.write_text(ledger_text(BODY + 'include "akun.beancount"\n'), encoding="utf-8")
    cache = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    assert kop("cek", str(path), **cache).returncode == 0  # its snapshot now lists akun.beancount
    (tmp_path / "akun.beancount").unlink()
    os.mkfifo(tmp_path / "akun.beancount")
    result = kop("cek", str(path), **cache)
    assert result.returncode == 2, result.stderr
    assert "bukan berkas biasa (FIFO" in result.stderr
    assert load_uncached  # (the cold load refuses the same: test above)
