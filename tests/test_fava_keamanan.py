"""The web desk as safe as the CLI (issue 23, part 3), over real HTTP.

Fava runs in a real subprocess (``fava``, its cheroot server, several threads) on a copy of the
example; the tests speak HTTP to it with :mod:`http.client`, setting the headers an attacker or a
browser would (``Host``, ``Origin``, cookies):

- a form sent twice (double click: two requests at once; Back and submit; Reload) writes once,
  with no ``bukti`` typed, the loan form included; the answer is a redirect (Post/Redirect/Get);
- a request naming another address in its ``Host`` (DNS rebinding) is refused everywhere Fava
  answers (the desk, Fava's pages and JSON API), so it neither writes nor reads a member's NIK;
  ``Origin`` must be an address of the allow-list, which the extension's config or
  ``$KOP_FAVA_ALAMAT`` can extend;
- Fava's own write endpoints (editor, ``add_entries``, documents, imports) are refused: the
  books stay byte for byte as they were (closed years included);
- a form that cannot get the books' lock in time (10 s) answers "busy" (503) and never writes
  later, also when the treasurer gave up waiting; sent again, it writes once.
"""

from __future__ import annotations

import hashlib
import html
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest

from kopledger import Koperasi

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "mawar" / "buku.beancount"
SLUG = "koperasi-wanita-mawar-sukabumi"
DESK = f"/{SLUG}/extension/KopLedger/"
#: Every NIK of the example's members (what a DNS-rebinding page would read).
NIKS = re.findall(r'nik: "(\d{16})"', EXAMPLE.read_text(encoding="utf-8"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: str


@dataclass
class Fava:
    """A Fava subprocess serving ``path`` on 127.0.0.1:``port``, and a browser's cookies."""

    path: Path
    port: int
    process: subprocess.Popen[bytes]
    cookies: dict[str, str] = field(default_factory=dict)

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def request(self, method: str, url: str, *, host: str | None = None, headers: dict[str, str] | None = None,
                body: bytes | str | None = None, cookies: bool = True, timeout: float = 60) -> Answer:
        """One HTTP request as a client would send it (``host``: the Host header, ``""``: none)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        sent = {**({} if host == "" else {"Host": host or self.host}), **(headers or {})}  # "": no Host
        if cookies and self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            connection.putrequest(method, url, skip_host=True, skip_accept_encoding=True)
            data = body.encode("utf-8") if isinstance(body, str) else body
            if data is not None:
                sent.setdefault("Content-Length", str(len(data)))
            for key, value in sent.items():
                connection.putheader(key, value)
            connection.endheaders(data)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            if cookies:
                for name, value in response.getheaders():
                    if name.lower() == "set-cookie":
                        key, _, rest = value.partition("=")
                        self.cookies[key.strip()] = rest.split(";", 1)[0]
            return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, text)
        finally:
            connection.close()

    def form(self, endpoint: str, *, host: str | None = None) -> tuple[str, str]:
        """Open a desk form: its session token and its one-time nonce (empty when absent)."""
        page = self.request("GET", DESK + endpoint, host=host)
        assert page.status == 200, page.body[:2000]
        token = re.search(r'name="token" value="([^"]*)"', page.body)
        nonce = re.search(r'name="nonce" value="([^"]*)"', page.body)
        assert token, page.body[:2000]
        return token.group(1), nonce.group(1) if nonce else ""

    def post(self, endpoint: str, fields: dict[str, str], *, host: str | None = None,
             origin: str | None = None, timeout: float = 60) -> Answer:
        """POST a desk form as the browser sends it (``Origin`` of the address it was opened at)."""
        origin = origin or f"http://{host or self.host}"
        return self.request("POST", DESK + endpoint, host=host, body=urlencode(fields), timeout=timeout,
                            headers={"Origin": origin, "Content-Type": "application/x-www-form-urlencoded"})


def _start(path: Path, env: dict[str, str] | None = None) -> Fava:
    port = _free_port()
    fava = shutil.which("fava", path=str(Path(sys.executable).parent)) or "fava"
    process = subprocess.Popen(
        [fava, "--host", "127.0.0.1", "--port", str(port), str(path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, **(env or {})},
    )
    deadline = time.monotonic() + 60
    while True:  # listening (nothing asked yet: the first request loads the books)
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return Fava(path, port, process)
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"fava did not start: {process.stderr.read() if process.stderr else b''!r}") from None
            time.sleep(0.2)


def _stop(fava: Fava) -> None:
    fava.process.terminate()
    fava.process.wait(timeout=20)


def _ready(fava: Fava) -> Fava:
    assert fava.request("GET", DESK).status == 200
    return fava


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Fava]:
    """Fava on a fresh copy of the example (for the tests that write)."""
    path = tmp_path / "buku.beancount"
    shutil.copy(EXAMPLE, path)
    fava = _start(path)
    try:
        yield _ready(fava)
    finally:
        _stop(fava)


@pytest.fixture(scope="module")
def untouched(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fava]:
    """Fava on a copy nothing may change: each test checks that its requests wrote nothing."""
    path = tmp_path_factory.mktemp("untouched") / "buku.beancount"
    shutil.copy(EXAMPLE, path)
    fava = _start(path)
    try:
        yield _ready(fava)
    finally:
        _stop(fava)


DEPOSIT = {"anggota": "A0001", "jumlah": "75000", "tanggal": "2026-01-05", "jenis": "sukarela", "bukti": ""}
LOAN = {"anggota": "A0002", "pokok": "3000000", "bunga": "12", "tenor": "10", "metode": "flat",
        "tanggal": "2026-01-02", "jatuh_tempo": "", "biaya_admin": "", "provisi": "", "bukti": ""}


def _deposits(path: Path) -> int:
    kop = Koperasi.load(path)
    assert kop.errors == []
    return sum(1 for t in kop.transactions if t.date.isoformat() == "2026-01-05" and t.meta.get("anggota") == "A0001")


def _loans(path: Path) -> int:
    from kopledger.ops.loans.entries import loans

    kop = Koperasi.load(path)
    assert kop.errors == []
    return sum(1 for loan in loans(kop) if loan.anggota == "A0002" and loan.tanggal.isoformat() == "2026-01-02")


def _at_once(*calls: Any) -> list[Any]:
    """Run ``calls`` in threads released together (a double click sends two requests at once)."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int) -> None:
        barrier.wait()
        results[i] = calls[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


# --- 1. a form writes at most once; the answer is a redirect --------------------------------------------
@pytest.mark.parametrize(("endpoint", "fields", "count"), [("setor", DEPOSIT, _deposits), ("cair", LOAN, _loans)])
def test_a_form_sent_twice_writes_once_without_bukti(served: Fava, endpoint: str, fields: dict[str, str],
                                                      count: Any) -> None:
    before = count(served.path)
    token, nonce = served.form(endpoint)
    sent = {**fields, "token": token, "nonce": nonce, "aksi": "tulis"}
    preview = served.post(endpoint, {**sent, "aksi": "pratinjau"})
    assert preview.status == 200 and 'id="pratinjau"' in preview.body
    # double click on "write": two requests at once
    first, second = _at_once(lambda: served.post(endpoint, sent), lambda: served.post(endpoint, sent))
    assert count(served.path) == before + 1
    for answer in (first, second):
        assert answer.status == 303, answer.body[:2000]  # Post/Redirect/Get
        location = urlsplit(answer.headers["location"])
        assert location.path == DESK + endpoint and f"ditulis={nonce}" in location.query
    # Back, then submit the same page again: still once, and told so
    again = served.post(endpoint, sent)
    assert again.status == 303 and "ulang=1" in again.headers["location"]
    assert count(served.path) == before + 1
    # the page redirected to, reloaded: shows what was written, writes nothing
    written = served.path.read_bytes()
    for _ in range(2):
        page = served.request("GET", urlsplit(again.headers["location"])._replace(scheme="", netloc="").geturl())
        assert page.status == 200 and 'id="ditulis"' in page.body and 'id="ulang"' in page.body
        assert f'formulir: "{nonce}"' in html.unescape(page.body)
    assert served.path.read_bytes() == written
    # a new form is a new nonce: a second deposit is a deliberate second write
    token2, nonce2 = served.form(endpoint)
    assert nonce2 != nonce
    if endpoint == "setor":
        assert served.post(endpoint, {**sent, "token": token2, "nonce": nonce2}).status == 303
        assert count(served.path) == before + 2


def test_a_form_sent_to_two_fava_processes_at_once_writes_once(served: Fava) -> None:
    """Two Fava processes serve the same books (two windows, or a server with several workers):
    the nonce is consumed in the books under the writer's lock, so the same form written through
    both at once lands once."""
    other = _ready(_start(served.path))
    try:
        before = _deposits(served.path)
        token, nonce = served.form("setor")
        other.cookies = dict(served.cookies)  # the same browser session
        sent = {**DEPOSIT, "token": token, "nonce": nonce, "aksi": "tulis"}
        answers = _at_once(lambda: served.post("setor", sent), lambda: other.post("setor", sent))
        assert [a.status for a in answers] == [303, 303], [a.body[-1000:] for a in answers]
        assert sorted("ulang=1" in a.headers["location"] for a in answers) == [False, True]
        assert _deposits(served.path) == before + 1
    finally:
        _stop(other)


@pytest.mark.parametrize("forge", ["none", "made-up", "other-session", "altered"])
def test_a_form_without_its_own_nonce_is_refused(untouched: Fava, forge: str) -> None:
    before = untouched.path.read_bytes()
    token, nonce = untouched.form("setor")
    other = Fava(untouched.path, untouched.port, untouched.process)
    _, nonce_other = other.form("setor")
    sent = {
        "none": "",
        "made-up": "a" * 24 + "." + "b" * 24,
        "other-session": nonce_other,
        "altered": ("B" if nonce[0] != "B" else "C") + nonce[1:],
    }[forge]
    answer = untouched.post("setor", {**DEPOSIT, "token": token, "nonce": sent, "aksi": "tulis"})
    assert answer.status == 403 and "kode sekali-pakai" in answer.body
    assert untouched.path.read_bytes() == before


# --- 2. Host and Origin against the allow-list -------------------------------------------------------------
#: Pages an attacker's page could read after re-pointing its own name at 127.0.0.1.
READS = [
    DESK, DESK + "anggota", DESK + "anggota?id=A0001", DESK + "unduh?berkas=kartu.html",
    f"/{SLUG}/income_statement/", f"/{SLUG}/api/source", f"/{SLUG}/api/query?query_string=SELECT%20*",
    f"/{SLUG}/download-journal/", f"/{SLUG}/api/errors", f"/{SLUG}/api/changed", "/", f"/{SLUG}/",
    "/jump?time=2025",
]


def test_dns_rebinding_neither_reads_nor_writes(untouched: Fava) -> None:
    before = untouched.path.read_bytes()
    evil = f"rebind.evil.example:{untouched.port}"
    for url in READS:
        answer = untouched.request("GET", url, host=evil, cookies=False)
        assert answer.status == 400, (url, answer.status, answer.body[:300])
        assert "bukan alamat meja kerja ini" in answer.body
        assert not [nik for nik in NIKS if nik in answer.body], url
    # the attacker's page posts the form as the desk's own origin would (same Host, same Origin)
    attacker = Fava(untouched.path, untouched.port, untouched.process)
    page = attacker.request("GET", DESK + "setor", host=evil)
    assert page.status == 400
    answer = attacker.post("setor", {**DEPOSIT, "aksi": "tulis", "token": "t" * 43, "nonce": "n"}, host=evil)
    assert answer.status == 400
    assert untouched.path.read_bytes() == before
    # this computer's names on the served port are the desk's addresses; another port is not
    for host in (f"127.0.0.1:{untouched.port}", f"localhost:{untouched.port}", f"[::1]:{untouched.port}",
                 f"LOCALHOST:{untouched.port}"):
        assert untouched.request("GET", DESK + "anggota?id=A0001", host=host).status == 200, host
    for host in ("127.0.0.1", f"127.0.0.1:{untouched.port + 1}", f"127.0.0.1.evil.example:{untouched.port}",
                 f"127.0.0.1:{untouched.port}@evil.example", ""):
        assert untouched.request("GET", DESK, host=host).status == 400, host


def test_the_first_request_with_another_host_is_refused_too(tmp_path: Path) -> None:
    """The books (so the extension) are loaded by Fava's first request: that one is refused as well."""
    path = tmp_path / "buku.beancount"
    shutil.copy(EXAMPLE, path)
    fava = _start(path)
    try:
        first = fava.request("GET", "/", host=f"evil.example:{fava.port}", cookies=False)
        assert first.status == 400 and "bukan alamat meja kerja ini" in first.body
        assert fava.request("GET", f"/{SLUG}/api/source", host=f"evil.example:{fava.port}").status == 400
        assert fava.request("GET", "/").status == 302
    finally:
        _stop(fava)


@pytest.mark.parametrize("origin", ["http://evil.example", "http://127.0.0.1:1", "https://localhost.evil.example",
                                    "null", "file://"])
def test_a_form_from_another_origin_is_refused(untouched: Fava, origin: str) -> None:
    before = untouched.path.read_bytes()
    token, nonce = untouched.form("setor")
    answer = untouched.post("setor", {**DEPOSIT, "aksi": "tulis", "token": token, "nonce": nonce}, origin=origin)
    assert answer.status == 403 and "tidak ada yang ditulis" in answer.body
    assert untouched.path.read_bytes() == before


def test_more_addresses_from_the_environment(tmp_path: Path) -> None:
    """Behind a reverse proxy (``Host: koperasi.example``, ``Origin: https://koperasi.example``)."""
    path = tmp_path / "buku.beancount"
    shutil.copy(EXAMPLE, path)
    fava = _start(path, env={"KOP_FAVA_ALAMAT": "koperasi.example, 192.168.1.10:8080"})
    try:
        assert fava.request("GET", DESK).status == 200  # still on this computer
        assert fava.request("GET", DESK, host="koperasi.example").status == 200
        assert fava.request("GET", DESK, host="192.168.1.10:8080").status == 200
        assert fava.request("GET", DESK, host="192.168.1.10:8081").status == 400
        assert fava.request("GET", DESK, host="evil.example").status == 400
        before = _deposits(path)
        token, nonce = fava.form("setor", host="koperasi.example")
        answer = fava.post("setor", {**DEPOSIT, "aksi": "tulis", "token": token, "nonce": nonce},
                           host="koperasi.example", origin="https://koperasi.example")
        assert answer.status == 303, answer.body[:2000]
        assert _deposits(path) == before + 1
    finally:
        _stop(fava)


def test_more_addresses_from_the_extension_config(tmp_path: Path) -> None:
    path = tmp_path / "buku.beancount"
    text = EXAMPLE.read_text(encoding="utf-8")
    line = 'custom "fava-extension" "kopledger.fava"'
    assert line in text
    path.write_text(text.replace(line, line + ' "{\'alamat\': [\'koperasi.example:8443\']}"'), encoding="utf-8")
    fava = _start(path)
    try:
        assert fava.request("GET", DESK, host="koperasi.example:8443").status == 200
        assert fava.request("GET", DESK, host="koperasi.example").status == 400
    finally:
        _stop(fava)


# --- 3. Fava's own writes are refused ---------------------------------------------------------------------
def _json(fava: Fava, method: str, endpoint: str, payload: Any = None, query: str = "") -> Answer:
    body = json.dumps(payload) if payload is not None else None
    return fava.request(method, f"/{SLUG}/api/{endpoint}{query}", body=body,
                        headers={"Content-Type": "application/json", "Origin": f"http://{fava.host}"})


def test_favas_own_writes_are_refused(untouched: Fava) -> None:
    path = untouched.path
    before = path.read_bytes()
    source = _json(untouched, "GET", "source")
    assert source.status == 200
    data = json.loads(source.body)["data"]
    assert data["sha256sum"] == hashlib.sha256(before).hexdigest()
    # the source editor replacing a closed year (2024) with other figures, with the right checksum
    edited = before.decode("utf-8").replace("2024-", "2023-", 1)
    txn = {"t": "Transaction", "date": "2026-01-05", "flag": "*", "payee": "", "narration": "lewat Fava",
           "meta": {}, "tags": [], "links": [],
           "postings": [{"account": "Aset:Kas", "amount": "1000 IDR"},
                        {"account": "Pendapatan:Anggota:Penjualan", "amount": "-1000 IDR"}]}
    attempts = [
        ("PUT", "source", {"file_path": str(path), "source": edited, "sha256sum": data["sha256sum"]}, ""),
        ("PUT", "add_entries", {"entries": [txn]}, ""),
        ("PUT", "source_slice", {"entry_hash": "x", "source": "", "sha256sum": "x"}, ""),
        ("DELETE", "source_slice", None, "?entry_hash=x&sha256sum=x"),
        ("PUT", "attach_document", {"filename": "x.pdf", "entry_hash": "x"}, ""),
        ("DELETE", "document", None, f"?filename={path}"),
        ("PUT", "move", {"account": "Aset:Kas", "new_name": "x", "filename": str(path)}, ""),
        ("PUT", "add_document", None, ""),
        ("PUT", "upload_import_file", None, ""),
        ("PUT", "format_source", {"source": "x"}, ""),
    ]
    for method, endpoint, payload, query in attempts:
        answer = _json(untouched, method, endpoint, payload, query)
        assert answer.status == 403, (endpoint, answer.status, answer.body[:500])
        error = json.loads(answer.body)["error"]
        assert "Fava tidak boleh menulis buku ini langsung" in error and "halaman Koperasi" in error
        assert path.read_bytes() == before, endpoint
    # reading through Fava's API still works
    assert _json(untouched, "GET", "source").status == 200


# --- 4. busy books: 503, and never a write later -----------------------------------------------------------
#: A process holding the books' lock (as a long ``kop`` write does) for ``argv[2]`` seconds.
HOLD = """
import sys, time
from pathlib import Path
from kopledger.ops.writer import ledger_lock
with ledger_lock(Path(sys.argv[1]).resolve()):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def test_a_form_that_cannot_get_the_lock_answers_busy_and_never_writes_later(served: Fava) -> None:
    from kopledger.fava import BATAS_KUNCI

    assert BATAS_KUNCI == 10.0
    path = served.path
    before = path.read_bytes()
    count = _deposits(path)
    token, nonce = served.form("setor")
    sent = {**DEPOSIT, "token": token, "nonce": nonce, "aksi": "tulis"}
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(path), str(BATAS_KUNCI + 3)],
                              stdout=subprocess.PIPE, env={**os.environ, "KOP_LOCK_TIMEOUT": "600"})
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"held"
        gave_up: list[BaseException] = []

        def impatient() -> None:  # a treasurer who closes the tab after a second
            try:
                served.post("setor", sent, timeout=1)
            except OSError as exc:
                gave_up.append(exc)

        started = time.monotonic()
        thread = threading.Thread(target=impatient)
        thread.start()
        busy = served.post("setor", sent)
        waited = time.monotonic() - started
        thread.join()
        assert gave_up, "the impatient client was answered within a second"
        assert busy.status == 503, busy.body[-2000:]
        assert BATAS_KUNCI - 0.5 < waited < BATAS_KUNCI + 10  # the desk's bound, not the writer's minute
        message = html.unescape(busy.body)
        assert "buku sedang sibuk" in message and "tidak ditulis, juga tidak nanti" in message
        assert f"pid {holder.pid}" in message  # who holds the books
        assert 'name="nonce" value="' + nonce in busy.body  # the form, to send again
    finally:
        holder.wait(timeout=60)
    time.sleep(1.0)  # the books are free now: nothing that waited writes afterwards
    assert path.read_bytes() == before
    again = served.post("setor", sent)
    assert again.status == 303
    assert _deposits(path) == count + 1


def test_a_config_that_cannot_be_read_is_shown_and_the_default_addresses_stay(tmp_path: Path) -> None:
    from fava.application import create_app

    path = tmp_path / "buku.beancount"
    text = EXAMPLE.read_text(encoding="utf-8")
    line = 'custom "fava-extension" "kopledger.fava"'
    path.write_text(text.replace(line, line + ' "{\'alamat\': [\'koperasi example\', \'ok.example\']}"'),
                    encoding="utf-8")
    client = create_app([str(path)], load=True).test_client()
    page = client.get(DESK, headers={"Host": "localhost"})
    assert page.status_code == 200
    shown = html.unescape(page.get_data(as_text=True))
    assert "alamat meja kerja tidak sah: 'koperasi example'" in shown and 'id="salah-konfigurasi"' in shown
    assert "Anggota aktif" in shown  # the desk still works
    assert client.get(DESK, headers={"Host": "ok.example"}).status_code == 200
    assert client.get(DESK, headers={"Host": "koperasi example"}).status_code == 400
    assert client.get(DESK, headers={"Host": "evil.example"}).status_code == 400
