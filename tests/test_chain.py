"""The chain's pure function and its compatibility with locks written before it."""

from __future__ import annotations

import datetime as dt
import re

from kopledger import Koperasi
from kopledger.books.closed.chain import ChainError, legacy_digest, verify_chain
from kopledger.ops.closing import plan_closing
from kopledger.ops.writer import format_directives
from tests.conftest import ledger_text
from tests.test_closing import YEAR_2024, YEAR_2025


def closed(text: str, year: int, today: dt.date) -> str:
    kop = Koperasi.from_string(text)
    assert kop.errors == []
    return text + "\n" + format_directives(plan_closing(kop, year, tanggal=today).entries)


def test_verify_chain_is_pure_over_entries_and_options():
    text = closed(ledger_text(YEAR_2024 + YEAR_2025), 2024, dt.date(2025, 1, 20))
    kop = Koperasi.from_string(text)
    assert verify_chain(kop.entries, kop.options) == []
    edited = [e._replace(narration=e.narration + "!") if getattr(e, "narration", None) == "Gaji April" else e
              for e in kop.entries]
    (error,) = verify_chain(edited, kop.options)
    assert isinstance(error, ChainError) and error.tahun == 2024 and error.bulan == ("2024-04",)
    assert "tutup-buku di <string>:" in error.message
    other = {**kop.options, "title": "Lain"}
    assert [e.tahun for e in verify_chain(kop.entries, other)] == [2024]


def test_a_lock_written_before_the_chain_still_verifies_and_the_next_lock_chains_from_it():
    text = closed(ledger_text(YEAR_2024 + YEAR_2025), 2024, dt.date(2025, 1, 20))
    kop = Koperasi.from_string(text)
    legacy = legacy_digest(kop.entries, 2024)
    months = " ".join(f"{m[5:]}={d}/{n}" for m, d, n in legacy.bulan)
    old_lock = (f'2025-01-20 custom "tutup-buku" "2024"\n  sidik: "{legacy.sidik}"\n'
                f'  bulan: "{months}"\n  entri: {legacy.jumlah}\n')
    text = re.sub(r'2025-01-20 custom "tutup-buku" "2024"\n(  .*\n)+', old_lock, text)
    assert Koperasi.from_string(text).errors == []
    # a change inside 2024 is still caught by the old lock, naming the month
    broken = Koperasi.from_string(text.replace("Beban:Usaha:Gaji  40000 IDR", "Beban:Usaha:Gaji  40001 IDR"))
    assert [(e.tahun, e.bulan) for e in broken.errors if isinstance(e, ChainError)] == [(2024, ("2024-04",))]
    # closing 2025 chains from the old lock's stored sidik
    text = closed(text, 2025, dt.date(2026, 1, 20))
    kop = Koperasi.from_string(text)
    assert kop.errors == []
    lock = next(e for e in kop.entries if getattr(e, "type", None) == "tutup-buku" and e.values[0].value == "2025")
    assert lock.meta["sebelumnya"] == legacy.sidik


def test_the_reopen_record_is_covered_by_the_next_lock(tmp_path):
    from kopledger.ops.closing import close_year, reopen_year
    from tests.test_closing import write

    path = write(tmp_path, YEAR_2024 + YEAR_2025)
    close_year(path, 2024, today=dt.date(2025, 1, 20))
    reopen_year(path, 2024, "Salah catat gaji", today=dt.date(2025, 2, 1))
    close_year(path, 2024, today=dt.date(2025, 2, 2))
    close_year(path, 2025, today=dt.date(2026, 1, 20))
    assert Koperasi.load(path).errors == []
    record = re.search(r'\n2025-02-01 custom "buka-buku" "2024"\n(  .*\n)+', path.read_text())
    assert record is not None
    path.write_text(path.read_text().replace(record.group(0), "\n"))
    errors = [e for e in Koperasi.load(path).errors if isinstance(e, ChainError)]
    assert errors and {e.tahun for e in errors} >= {2025} and any("2025-02" in e.bulan for e in errors)


def test_a_hand_written_member_open_in_a_closed_year_is_caught():
    text = closed(ledger_text(YEAR_2024 + YEAR_2025), 2024, dt.date(2025, 1, 20))
    assert Koperasi.from_string(text).errors == []
    edited = text.replace('2024-01-05 custom "anggota"', '2024-01-05 open Ekuitas:SimpananPokok:A0001\n2024-01-05 custom "anggota"')
    errors = [e for e in Koperasi.from_string(edited).errors if isinstance(e, ChainError)]
    assert [(e.tahun, e.bulan) for e in errors] == [(2024, ("2024-01",))]


def test_an_archived_year_is_reopened_in_its_own_file(tmp_path):
    from kopledger.ops.closing import ClosingRefused, close_year, reopen_year
    from tests.test_closing import write

    path = write(tmp_path, YEAR_2024)
    new = tmp_path / "buku-2025.beancount"
    close_year(path, 2024, today=dt.date(2025, 1, 20), new_file=new)
    try:
        reopen_year(new, 2024, "koreksi", today=dt.date(2025, 2, 1))
    except ClosingRefused as exc:
        assert [p.kode for p in exc.problems] == ["arsip"]
    else:
        raise AssertionError("reopening an archived year in the year file must be refused")
    # the carried entries are locked by sidik-bawaan: a carried policy edited is caught at the arsip
    text = new.read_text()
    new.write_text(text.replace('"simpanan-wajib" 25000 IDR', '"simpanan-wajib" 20000 IDR'))
    errors = [e for e in Koperasi.load(new).errors if isinstance(e, ChainError)]
    assert len(errors) == 1 and "catatan bawaan tahun buku 2024" in errors[0].message
    assert errors[0].source["lineno"] == next(
        i for i, line in enumerate(text.splitlines(), start=1) if line.startswith('2025-01-01 custom "arsip"'))
