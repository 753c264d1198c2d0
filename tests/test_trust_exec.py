"""Issue 23 §4: nothing executes from a file the user does not control.

- the cache folder is made 0700 at every level, and refused (one line on stderr, no cache,
  the command still works) when another user owns it or others can write to it — with a
  real second user;
- every snapshot and result is signed (HMAC-SHA256 under a key in a 0600 file of the
  user's) and checked before it is unpickled: a planted pickle never runs;
- the cache key covers every module of a plugin's package;
- a ``--templat`` folder is rendered in Jinja's sandbox, and a PDF fetches only files of
  the template folder and ``data:`` URLs (real WeasyPrint).
"""

from __future__ import annotations

import io
import os
import pickle
import pwd
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from kopledger import Koperasi
from kopledger.books.load import cache
from kopledger.cli import main
from kopledger.core import cache_folder
from kopledger.core.errors import InputError
from kopledger.present import render as render_mod
from tests.conftest import HEADER_ID, ledger_text
from tests.test_cache import BODY, assert_same, cold
from tests.test_laporan import IDENTITY, SMALL

SECOND_USER = "kopexecuji"
KOP = [str(Path(sys.executable).with_name("kop"))]


# --- fixtures -------------------------------------------------------------------------


@pytest.fixture
def books(tmp_path: Path) -> Path:
    folder = tmp_path / "koperasi"
    folder.mkdir()
    path = folder / "buku.beancount"
    path.write_text(ledger_text(BODY), encoding="utf-8")
    return path


@pytest.fixture
def xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh XDG cache base for this test (in this process and the ``kop`` it runs)."""
    base = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CACHE_HOME", str(base))
    cache._MEMORY.clear()
    return base


@pytest.fixture(scope="session")
def second_user() -> pwd.struct_passwd:
    """A real second user of this machine (made with ``useradd``, removed at the end)."""
    if os.geteuid() != 0 or shutil.which("useradd") is None:
        pytest.skip("making a second user needs root and useradd (this platform has neither)")
    made = False
    try:
        pwd.getpwnam(SECOND_USER)
    except KeyError:
        subprocess.run(["useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", SECOND_USER], check=True)
        made = True
    yield pwd.getpwnam(SECOND_USER)
    if made:
        subprocess.run(["userdel", SECOND_USER], check=False)


class Planted:
    """What an attacker pickles: unpickling it makes the folder ``marker`` (as the victim)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.mkdir, (str(self.marker),))


def kop(*args: str | Path, xdg: Path, extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``kop`` as a real process with this test's cache base."""
    env = {**os.environ, "XDG_CACHE_HOME": str(xdg), "KOP_LANG": "id", **(extra or {})}
    return subprocess.run([*KOP, *map(str, args)], capture_output=True, text=True, env=env, check=False)


def snapshot_of(books: Path, xdg: Path) -> Path:
    return xdg / "kopledger" / "books" / cache._snapshot_path(os.path.realpath(books)).name


# --- 1. the cache folder --------------------------------------------------------------


def test_the_cache_folder_is_made_0700_at_every_level(books: Path, tmp_path: Path, monkeypatch) -> None:
    base = tmp_path / "a" / "b"
    monkeypatch.setenv("XDG_CACHE_HOME", str(base))
    cache._MEMORY.clear()
    old = os.umask(0o022)
    try:
        Koperasi.load(books)
    finally:
        os.umask(old)
    made = [tmp_path / "a", base, base / "kopledger", base / "kopledger" / "books"]
    assert snapshot_of(books, base).is_file()
    assert {str(p): oct(p.stat().st_mode & 0o777) for p in made} == {str(p): "0o700" for p in made}
    key = base / "kopledger" / cache_folder.KEY_FILE
    assert oct(key.stat().st_mode & 0o777) == "0o600" and len(key.read_bytes()) == cache_folder.KEY_BYTES


def plant(books: Path, xdg: Path, marker: Path) -> Path:
    """A planted pickle where the snapshot of ``books`` is looked for."""
    target = snapshot_of(books, xdg)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(pickle.dumps(Planted(marker)))
    return target


@pytest.mark.parametrize("how", ["root-of-another-user", "books-of-another-user", "root-0777", "books-0777"])
def test_a_cache_folder_not_the_users_alone_is_refused(
    how: str, books: Path, xdg: Path, tmp_path: Path, second_user: pwd.struct_passwd
) -> None:
    marker = tmp_path / "ran-as-the-user"
    planted = plant(books, xdg, marker)
    root = xdg / "kopledger"
    folder = root if how.startswith("root") else root / "books"
    root.chmod(0o700)
    (root / "books").chmod(0o700)
    if "another-user" in how:
        for path in (folder, *folder.rglob("*")):
            os.chown(path, second_user.pw_uid, second_user.pw_gid)
        folder.chmod(0o755)
    else:
        folder.chmod(0o777)
    result = kop("cek", books, xdg=xdg)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK"), result.stdout
    assert not marker.exists(), "the planted pickle ran"
    lines = [line for line in result.stderr.splitlines() if "peringatan" in line]
    reason = "milik pengguna lain" if "another-user" in how else "dapat ditulis pengguna lain"
    assert len(lines) == 1 and str(folder) in lines[0] and reason in lines[0], result.stderr
    assert planted.read_bytes() == pickle.dumps(Planted(marker))  # left alone: not ours to touch
    # and in English
    english = kop("cek", books, "--lang", "en", xdg=xdg)
    assert "warning: cache" in english.stderr and "peringatan" not in english.stderr


def test_the_key_file_must_be_the_users_alone(
    books: Path, xdg: Path, tmp_path: Path, second_user: pwd.struct_passwd
) -> None:
    Koperasi.load(books)  # a signed snapshot and the key
    key = xdg / "kopledger" / cache_folder.KEY_FILE
    key.chmod(0o644)
    cache._MEMORY.clear()
    assert cache_folder.key() is None
    assert_same(cache.load_books(books), cold(books))
    assert cache.last_load == "cold"
    key.chmod(0o600)
    os.chown(key, second_user.pw_uid, second_user.pw_gid)
    result = kop("cek", books, xdg=xdg)
    assert result.returncode == 0 and "milik pengguna lain" in result.stderr, result.stderr


# --- 2. signed snapshots ----------------------------------------------------------------


def test_a_pickle_planted_in_the_users_own_folder_never_runs(books: Path, xdg: Path, tmp_path: Path) -> None:
    Koperasi.load(books)  # the folder, the key, a snapshot: all the user's
    marker = tmp_path / "ran-as-the-user"
    planted = plant(books, xdg, marker)
    cache._MEMORY.clear()
    assert_same(cache.load_books(books), cold(books))
    assert not marker.exists(), "the planted pickle ran"
    assert cache.last_load == "cold"
    assert planted.read_bytes().startswith(cache.MAGIC)  # removed, then a signed snapshot written again
    cache._MEMORY.clear()
    cache.load_books(books)
    assert cache.last_load == "hit"


def test_a_snapshot_with_a_forged_body_is_not_unpickled(books: Path, xdg: Path, tmp_path: Path) -> None:
    """A genuine signed header with another body: the body's signature fails before unpickling."""
    Koperasi.load(books)
    snapshot = snapshot_of(books, xdg)
    blob = snapshot.read_bytes()
    start = len(cache.MAGIC) + 8
    length = int.from_bytes(blob[len(cache.MAGIC):start], "big")
    head_end = start + 32 + length
    marker = tmp_path / "ran-as-the-user"
    snapshot.write_bytes(blob[:head_end] + pickle.dumps(Planted(marker)) + blob[-32:])
    cache._MEMORY.clear()
    assert_same(cache.load_books(books), cold(books))
    assert cache.last_load == "cold"
    assert not marker.exists()
    # a snapshot signed with another key (another user's cache copied in) is not used either
    cache._MEMORY.clear()
    key = xdg / "kopledger" / cache_folder.KEY_FILE
    key.write_bytes(os.urandom(cache_folder.KEY_BYTES))
    cache.load_books(books)
    assert cache.last_load == "cold"


def test_a_planted_result_never_runs(books: Path, xdg: Path, tmp_path: Path) -> None:
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        Koperasi.load(books)
        return 42

    assert cache.cached_output(books, "uji", (), compute) == 42
    assert cache.cached_output(books, "uji", (), compute) == 42 and len(calls) == 1  # kept, signed
    results = list((xdg / "kopledger" / "results").glob("*.pickle"))
    assert len(results) == 1
    marker = tmp_path / "ran-as-the-user"
    results[0].write_bytes(pickle.dumps(("k", "uji", "()", Planted(marker))))
    assert cache.cached_output(books, "uji", (), compute) == 42
    assert not marker.exists() and len(calls) == 2
    assert results[0].read_bytes().startswith(cache.RESULT_MAGIC)  # written again, signed


def test_beancounts_pickle_cache_beside_the_books_is_never_read(books: Path, xdg: Path, tmp_path: Path) -> None:
    marker = tmp_path / "ran-as-the-user"
    (books.parent / f".{books.name}.picklecache").write_bytes(pickle.dumps(Planted(marker)))
    result = kop("cek", books, xdg=xdg)
    assert result.returncode == 0, result.stderr
    Koperasi.load(books)
    assert not marker.exists()


# --- 3. plugin packages in the key ------------------------------------------------------

PLUGIN_INIT = """\
from pluguji.aturan import periksa
__plugins__ = ("periksa",)
"""
RULES_OK = """\
def periksa(entries, options):
    return entries, []
"""
RULES_STRICT = """\
import collections
from beancount.core import data
Salah = collections.namedtuple("Salah", "source message entry")
def periksa(entries, options):
    found = [e for e in entries if isinstance(e, data.Transaction)]
    return entries, [Salah(found[0].meta, "aturan baru pluguji: transaksi ditolak", found[0])]
"""


def test_a_plugins_submodule_is_in_the_cache_key(tmp_path: Path, xdg: Path) -> None:
    code = tmp_path / "kode"
    (code / "pluguji").mkdir(parents=True)
    (code / "pluguji" / "__init__.py").write_text(PLUGIN_INIT, encoding="utf-8")
    rules = code / "pluguji" / "aturan.py"
    rules.write_text(RULES_OK, encoding="utf-8")
    books = tmp_path / "buku.beancount"
    books.write_text(ledger_text(BODY).replace('plugin "kopledger.plugin"\n',
                                               'plugin "kopledger.plugin"\nplugin "pluguji"\n'), encoding="utf-8")
    extra = {"PYTHONPATH": f"{os.environ.get('PYTHONPATH', '')}{os.pathsep}{code}", "PYTHONDONTWRITEBYTECODE": "1"}
    first = kop("cek", books, xdg=xdg, extra=extra)
    assert first.returncode == 0 and first.stdout.startswith("OK"), first.stdout + first.stderr
    assert snapshot_of(books, xdg).is_file()  # the books are cached
    rules.write_text(RULES_STRICT, encoding="utf-8")  # the rules change, in the submodule only
    second = kop("cek", books, xdg=xdg, extra=extra)
    assert second.returncode != 0 and "aturan baru pluguji" in second.stdout + second.stderr, second.stdout


# --- 4. --templat: Jinja's sandbox, PDF fetches only the folder ---------------------------

ESCAPES = {
    "subclasses": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "globals": "{{ cycler.__init__.__globals__.os.system('mkdir " + "{marker}') }}",
    "format": "{{ '{0.__class__.__mro__[1].__subclasses__}'.format('') }}",
}


@pytest.mark.parametrize("how", sorted(ESCAPES))
def test_a_template_folder_cannot_run_python(how: str, tmp_path: Path) -> None:
    folder = tmp_path / "templat"
    folder.mkdir()
    marker = tmp_path / "ran-as-the-user"
    (folder / "uji.html.j2").write_text(ESCAPES[how].replace("{marker}", str(marker)), encoding="utf-8")
    render_mod._shared_environment.cache_clear()
    try:
        out = render_mod.render("uji.html.j2", {}, template_dir=folder)
    except InputError as exc:
        out = str(exc)
        assert "--templat" in out
    for leak in ("subprocess", "<class", "&lt;class", "built-in method"):
        assert leak not in out, out
    assert not marker.exists()


def test_kopledgers_own_templates_render_the_same_in_the_sandbox(tmp_path: Path) -> None:
    """An empty ``--templat`` folder: every template is kopledger's, rendered sandboxed — the same report."""
    books = tmp_path / "buku.beancount"
    books.write_text(HEADER_ID + IDENTITY + SMALL, encoding="utf-8")
    (tmp_path / "kosong").mkdir()
    outs = []
    for extra in ([], ["--templat", str(tmp_path / "kosong")]):
        out = tmp_path / f"l{len(outs)}.html"
        result = CliRunner().invoke(main, ["laporan", str(books), "--tahun", "2025", "--format", "html",
                                           "--out", str(out), *extra])
        assert result.exit_code == 0, result.output
        outs.append(out.read_text(encoding="utf-8"))
    assert outs[0] == outs[1] and "LAPORAN POSISI KEUANGAN" in outs[0]


@pytest.fixture
def secret_outside(tmp_path: Path) -> Path:
    path = tmp_path / "rahasia.txt"
    path.write_text("RAHASIA-DI-LUAR-FOLDER\n", encoding="utf-8")
    return path


def kop_pdf(books: Path, folder: Path, html: str, out: Path) -> PdfReader:
    """``kop laporan --format pdf --templat folder`` whose report template is ``html``."""
    (folder / "laporan").mkdir(parents=True, exist_ok=True)
    (folder / "laporan" / "laporan.html.j2").write_text(html, encoding="utf-8")
    result = CliRunner().invoke(main, ["laporan", str(books), "--format", "pdf", "--templat", str(folder),
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    return PdfReader(io.BytesIO(out.read_bytes()))


def test_a_pdf_attaches_only_files_of_the_template_folder(books: Path, tmp_path: Path, secret_outside: Path) -> None:
    folder = tmp_path / "templat"
    folder.mkdir()
    (folder / "lampiran.txt").write_text("LAMPIRAN-DI-DALAM-FOLDER\n", encoding="utf-8")
    (folder / "tautan.txt").symlink_to(secret_outside)  # a symlink out of the folder
    html = (
        "<html><head>"
        f'<link rel="attachment" href="file://{secret_outside}">'
        '<link rel="attachment" href="file:///etc/passwd">'
        '<link rel="attachment" href="/etc/passwd">'
        '<link rel="attachment" href="../rahasia.txt">'
        '<link rel="attachment" href="tautan.txt">'
        '<link rel="attachment" href="lampiran.txt">'
        '<link rel="attachment" href="data:text/plain,DATA-URL-BOLEH">'
        "</head><body><p>isi</p></body></html>"
    )
    reader = kop_pdf(books, folder, html, tmp_path / "l.pdf")
    attached = sorted(b"".join(blobs) for blobs in reader.attachments.values())
    assert attached == [b"DATA-URL-BOLEH", b"LAMPIRAN-DI-DALAM-FOLDER\n"]  # no secret, no /etc/passwd


MM = 72 / 25.4


def test_a_stylesheet_reads_only_files_of_the_template_folder(books: Path, tmp_path: Path) -> None:
    """A stylesheet outside the folder (linked, ``@import``-ed, by an absolute path or through a
    symlink) is never read: its ``@page`` size never reaches the PDF; the same one inside is."""
    outside = tmp_path / "luar.css"
    outside.write_text("@page { size: 123mm 77mm }", encoding="utf-8")
    folder = tmp_path / "templat"
    folder.mkdir()
    (folder / "tautan.css").symlink_to(outside)

    def page_size(head: str, name: str) -> tuple[int, int]:
        reader = kop_pdf(books, folder, f"<html><head>{head}</head><body><p>isi</p></body></html>", tmp_path / name)
        box = reader.pages[0].mediabox
        return round(float(box.width) / MM), round(float(box.height) / MM)

    assert page_size(f'<link rel="stylesheet" href="file://{outside}">', "1.pdf") != (123, 77)
    assert page_size(f"<style>@import url('{outside}');</style>", "2.pdf") != (123, 77)
    assert page_size('<link rel="stylesheet" href="../luar.css">', "3.pdf") != (123, 77)
    assert page_size('<link rel="stylesheet" href="tautan.css">', "4.pdf") != (123, 77)
    (folder / "dalam.css").write_text(outside.read_text(encoding="utf-8"), encoding="utf-8")
    assert page_size('<link rel="stylesheet" href="dalam.css">', "5.pdf") == (123, 77)  # inside: used
