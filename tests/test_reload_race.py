"""The web desk reloading books on one thread while a form writes on another (issue 22).

Fava serves requests on threads. Here real threads race: one posts the web desk's deposit
form again and again (the form path: ``append_built``, validated incrementally, then Fava's
reload), the other reloads books with Fava's ``FavaLedger`` meanwhile — also at the very
moment the write runs the plugins over the extended books (a plugin of the written
ledger holds the write there until the other thread has reloaded). Every reload reports
beancount's own checks exactly as a cold load does (a failing balance assertion, a pad,
an unbalanced entry), the written books load clean, and every write landed once.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from fava.core import FavaLedger

from kopledger.books import beancount_api
from kopledger.ops.writer import load_uncached
from tests import race_plugin
from tests.conftest import HEADER_ID
from tests.test_fava import client_for, nonce_of, token_of

#: The web desk's forms of books titled "Koperasi Uji" (HEADER_ID).
BASE = "/koperasi-uji/extension/KopLedger/"
WRITES = 12
#: Seconds any thread waits for the other before the test fails (never reached when it passes).
PATIENCE = 60.0

BOOKS = HEADER_ID + """\
plugin "tests.race_plugin"
2020-01-01 open Ekuitas:SimpananPokok
2020-01-01 open Liabilitas:SimpananSukarela
2020-01-01 custom "fava-extension" "kopledger.fava"

2024-01-10 custom "anggota" "A0001" "Siti Aminah"
  nik: "3201234567890001"
  jenis_kelamin: "P"
2024-01-10 * "Simpanan pokok Siti Aminah" #simpanan-pokok
  anggota: "A0001"
  Aset:Kas                      100000 IDR
  Ekuitas:SimpananPokok:A0001  -100000 IDR
"""

#: Books whose every load must report beancount's own errors.
WRONG = HEADER_ID + """\
2020-01-01 open Ekuitas:Modal IDR
2024-01-02 pad Aset:Kas Ekuitas:Modal
2024-01-03 balance Aset:Kas  1000 IDR
2024-01-05 balance Aset:Kas  5 IDR
2024-01-06 * "Tidak seimbang"
  Aset:Kas       1000 IDR
  Ekuitas:Modal  -999 IDR
"""


def messages(errors: list[Any]) -> list[str]:
    return sorted(str(e.message).splitlines()[0] for e in errors)


def inside_extension() -> bool:
    """The calling thread is extending loaded books (``incremental.extend``)."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == "extend" and frame.f_globals.get("__name__") == "kopledger.books.load.incremental":
            return True
        frame = frame.f_back  # type: ignore[assignment]
    return False


def bukti_of(entries: list[Any]) -> list[str]:
    """The receipt numbers of the race's writes, in the books' order."""
    return [e.meta["bukti"] for e in entries if str(e.meta.get("bukti", "")).startswith("RACE-")]


def test_a_fava_reload_racing_form_writes_runs_every_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    books = tmp_path / "buku.beancount"
    books.write_text(BOOKS, encoding="utf-8")
    wrong = tmp_path / "salah.beancount"
    wrong.write_text(WRONG, encoding="utf-8")
    expected = messages(beancount_api.load_cold(str(wrong))[1])
    assert any(m.startswith("Balance failed") for m in expected)
    assert any(m.startswith("Transaction does not balance") for m in expected)
    assert beancount_api.load_cold(str(books))[1] == []

    client = client_for(books)  # the desk that takes the form posts
    page = client.get(BASE + "setor")
    assert page.status_code == 200, page.get_data(as_text=True)[:2000]
    token = token_of(page.get_data(as_text=True))
    desk_books = FavaLedger(str(books))  # the desk that reloads meanwhile (its own ledger)
    desk_wrong = FavaLedger(str(wrong))

    writer: list[threading.Thread] = []
    inside = threading.Event()  # the writer is running the plugins
    reloaded = threading.Event()  # … and the other thread has reloaded meanwhile
    finished = threading.Event()
    failures: list[str] = []
    held = {"extension": 0, "other": 0}
    reloads = {"during a write": 0, "free": 0}

    def hold() -> None:
        if not writer or threading.current_thread() is not writer[0]:
            return
        held["extension" if inside_extension() else "other"] += 1
        reloaded.clear()
        inside.set()
        if not reloaded.wait(PATIENCE):
            failures.append("the reloading thread did not answer")

    def check_reload() -> None:
        desk_wrong.load_file()
        if messages(list(desk_wrong.load_errors)) != expected:
            failures.append(f"a reload of salah.beancount reported {messages(list(desk_wrong.load_errors))}")
        desk_books.load_file()
        if list(desk_books.load_errors):
            failures.append(f"a reload of buku.beancount reported {messages(list(desk_books.load_errors))}")
        found = bukti_of(list(desk_books.all_entries))
        if len(found) != len(set(found)):
            failures.append(f"a write landed twice: {found}")

    def reload_meanwhile() -> None:
        for _ in range(100 * WRITES):  # bounded: the writes end long before
            if finished.is_set():
                return
            during = inside.wait(0.01)
            try:
                check_reload()
            except Exception as exc:  # reported by the main thread
                failures.append(f"reload failed: {exc!r}")
            reloads["during a write" if during else "free"] += 1
            if during:
                inside.clear()
                reloaded.set()
        failures.append("the reloading thread gave up")

    answers: list[str] = []

    def write() -> None:
        try:
            for i in range(WRITES):
                fields = {"anggota": "A0001", "jumlah": str(1000 + i), "tanggal": "2025-06-01",
                          "jenis": "sukarela", "bukti": f"RACE-{i:03d}"}
                nonce = nonce_of(client.get(BASE + "setor").get_data(as_text=True))  # each form its own
                response = client.post(BASE + "setor", data={**fields, "token": token, "nonce": nonce, "aksi": "tulis"},
                                       headers={"Origin": "http://localhost"}, follow_redirects=True)
                answers.append(response.get_data(as_text=True) if response.status_code == 200 else
                               f"{response.status_code}: {response.get_data(as_text=True)[:500]}")
        except Exception as exc:  # reported by the main thread
            failures.append(f"write failed: {exc!r}")
        finally:
            finished.set()

    writer.append(threading.Thread(target=write, name="form-writes"))
    reloader = threading.Thread(target=reload_meanwhile, name="fava-reloads")
    monkeypatch.setattr(race_plugin, "hook", hold)
    reloader.start()
    writer[0].start()
    writer[0].join(PATIENCE * WRITES)
    finished.set()
    reloader.join(PATIENCE)
    assert not writer[0].is_alive() and not reloader.is_alive()
    assert failures == []
    assert len(answers) == WRITES and all('id="ditulis"' in a for a in answers), answers[-1][:2000]
    # every write was validated by extending the loaded books, while the other thread reloaded
    assert held["extension"] == WRITES
    assert reloads["during a write"] == held["extension"] + held["other"]
    # afterwards: the books load clean, every write landed exactly once, beancount still checks
    loaded = load_uncached(books)
    assert loaded[1] == []
    assert bukti_of(loaded[0]) == [f"RACE-{i:03d}" for i in range(WRITES)]
    assert messages(beancount_api.load_cold(str(wrong))[1]) == expected
