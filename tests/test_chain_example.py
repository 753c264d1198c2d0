"""The closed-year chain on the example (examples/mawar) with 2024 and 2025 closed.

Every tamper of issue 13 is caught, with the year and the lock's (or entry's) location;
what a treasurer may still do (comments, formatting, reordering a day's entries) is not.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from kopledger import Koperasi
from kopledger.books.closed.chain import ChainError, verify_chain
from kopledger.ops.closing import close_year, closed_years

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "mawar" / "buku.beancount"


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("rantai")
    path = folder / "buku.beancount"
    shutil.copy(EXAMPLE, path)
    first = close_year(path, 2024, today=dt.date(2025, 1, 20))
    second = close_year(path, 2025, today=dt.date(2026, 1, 15))
    text = path.read_text(encoding="utf-8")
    kop = Koperasi.load(path)
    assert kop.errors == []
    assert set(closed_years(kop)) == {2024, 2025}
    return {"text": text, "first": first, "second": second, "sidik": closed_years(kop)}


def load_variant(tmp_path: Path, text: str) -> Koperasi:
    path = tmp_path / "buku.beancount"
    path.write_text(text, encoding="utf-8")
    return Koperasi.load(path)


def chain_errors(kop: Koperasi) -> list[ChainError]:
    return [e for e in kop.errors if isinstance(e, ChainError)]


def kop_line(kop: Koperasi, error: ChainError) -> str:
    assert kop.path is not None
    return kop.path.read_text(encoding="utf-8").splitlines()[error.source["lineno"] - 1]


def lock_line(text: str, year: int) -> int:
    lines = text.splitlines()
    return next(i for i, line in enumerate(lines, start=1) if line.endswith(f'custom "tutup-buku" "{year}"'))


def test_the_closed_example_verifies_as_a_pure_function(books, tmp_path):
    kop = load_variant(tmp_path, books["text"])
    assert verify_chain(kop.entries, kop.options) == []
    # the 2025 lock names the 2024 lock's sidik
    lock_2025 = next(e for e in books["second"].entries if getattr(e, "type", None) == "tutup-buku")
    assert lock_2025.meta["sebelumnya"] == books["sidik"][2024]


def test_deleting_the_2024_lock_block_breaks_the_2025_lock(books, tmp_path):
    text = books["text"].replace(books["first"].text.strip(), ";; (dihapus)")
    kop = load_variant(tmp_path, text)
    errors = chain_errors(kop)
    assert [e.tahun for e in errors] == [2025]
    assert errors[0].source["lineno"] == lock_line(text, 2025)
    assert "kunci tahun sebelumnya" in errors[0].message and "2024-12" in errors[0].bulan


def test_deleting_only_the_2024_lock_leaves_closing_entries_without_it(books, tmp_path):
    lock = re.search(r'\n2025-01-20 custom "tutup-buku" "2024"\n(  .*\n)+', books["text"])
    assert lock is not None
    kop = load_variant(tmp_path, books["text"].replace(lock.group(0), "\n"))
    errors = chain_errors(kop)
    stray = [e for e in errors if "catatan penutupan tahun buku" in e.message]
    assert [e.tahun for e in stray] == [2024]
    assert "#tutup-buku-2024" in kop_line(kop, stray[0])
    assert any(e.tahun == 2025 and "tutup-buku di" in e.message for e in errors)


def test_deleting_the_newest_lock_while_its_closing_entries_stay(books, tmp_path):
    lock = re.search(r'\n2026-01-15 custom "tutup-buku" "2025"\n(  .*\n?)+', books["text"])
    assert lock is not None
    text = books["text"].replace(lock.group(0), "\n")
    kop = load_variant(tmp_path, text)
    errors = chain_errors(kop)
    assert errors and {e.tahun for e in errors} == {2025}
    closing_line = next(i for i, line in enumerate(text.splitlines(), start=1) if "#tutup-buku-2025" in line)
    assert errors[0].source["lineno"] == closing_line
    assert "catatan penutupan tahun buku 2025" in errors[0].message


def test_an_entry_dated_2023_moving_wajib_between_members(books, tmp_path):
    text = books["text"] + (
        '\n2023-12-31 * "Pindah simpanan wajib" #koreksi\n'
        '  Ekuitas:SimpananWajib:A0002  500000 IDR\n  Ekuitas:SimpananWajib:A0001  -500000 IDR\n'
    )
    kop = load_variant(tmp_path, text)
    errors = chain_errors(kop)
    first = [e for e in errors if e.source and e.source.get("lineno") == lock_line(text, 2024)]
    assert first and first[0].tahun == 2024 and first[0].bulan == ("2023-12",)
    # written after the lock in the same file: named at its own line too
    assert any(e.source and e.source.get("lineno") == len(text.splitlines()) - 2 for e in errors)
    assert not any(e.tahun == 2025 for e in errors)  # only the first lock covering it breaks


@pytest.mark.parametrize(("old", "new", "month"), [
    ('2016-03-12 custom "kebijakan" "simpanan-wajib" 25000 IDR',
     '2016-03-12 custom "kebijakan" "simpanan-wajib" 20000 IDR', "2016-03"),
    ('custom "anggota" "A0001" "Siti Nurhaliza"', 'custom "anggota" "A0001" "Siti Nurhalisa"', "2016-03"),
    ('custom "koperasi" "Koperasi Wanita Mawar Sukabumi"', 'custom "koperasi" "Koperasi Wanita Melati"', "2016-03"),
])
def test_editing_the_register_policies_or_identity_of_2016(books, tmp_path, old, new, month):
    assert old in books["text"]
    text = books["text"].replace(old, new, 1)
    errors = chain_errors(load_variant(tmp_path, text))
    assert [e.tahun for e in errors] == [2024]
    assert errors[0].bulan == (month,) and errors[0].source["lineno"] == lock_line(text, 2024)


def test_changing_the_title_option_or_the_plugins(books, tmp_path):
    text = books["text"].replace('option "title" "Koperasi Wanita Mawar Sukabumi"', 'option "title" "Koperasi Lain"')
    errors = chain_errors(load_variant(tmp_path, text))
    assert [e.tahun for e in errors] == [2024] and "option" in errors[0].message


def test_comments_whitespace_and_same_day_order_are_allowed(books, tmp_path):
    text = books["text"]
    # comments between entries, and at the end of a line
    text = text.replace('\n2024-06-', '\n; dicek bendahara\n2024-06-', 3)
    text = text.replace('custom "kebijakan" "simpanan-wajib" 25000 IDR', 'custom "kebijakan"   "simpanan-wajib"  25000  IDR ; AD/ART')
    # indentation and spacing of postings, blank lines
    text = re.sub(r"\n  (Aset:Kas) +", r"\n    \1      ", text)
    text = text.replace("\n2023-", "\n\n2023-")
    # swap the first two adjacent transactions of the same day in 2024
    blocks = re.split(r"\n(?=\d{4}-\d\d-\d\d )", text)
    for i in range(len(blocks) - 1):
        a, b = blocks[i], blocks[i + 1]
        if a.startswith("2024-") and a[:10] == b[:10] and " * " in a[:14] and " * " in b[:14] and a != b:
            blocks[i], blocks[i + 1] = b, a
            break
    else:
        pytest.fail("no two transactions of one day in 2024")
    changed = "\n".join(blocks)
    assert changed != books["text"]
    kop = load_variant(tmp_path, changed)
    assert kop.errors == []
