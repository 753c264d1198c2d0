"""Property: any edit of what is dated inside a closed year breaks the chain; comments,
whitespace and formatting never do."""

from __future__ import annotations

import datetime as dt
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kopledger import Koperasi
from kopledger.books.closed.chain import ChainError
from kopledger.ops.closing import plan_closing
from kopledger.ops.writer import format_directives
from tests.conftest import ledger_text

BODY = """\
2020-01-01 custom "shu-alokasi" "cadangan" 40
2020-01-01 custom "shu-alokasi" "jasa-modal" 30
2020-01-01 custom "shu-alokasi" "jasa-usaha" 30
2023-01-05 custom "anggota" "A0001" "Siti Aminah"
  alamat: "Sukabumi"
2023-01-05 * "Simpanan pokok Siti" #simpanan-pokok
  anggota: "A0001"
  Aset:Kas  100000 IDR
  Ekuitas:SimpananPokok:A0001  -100000 IDR
2023-03-10 * "Penjualan kepada anggota"
  anggota: "A0001"
  Aset:Kas  250000 IDR
  Pendapatan:Anggota:Penjualan
2023-03-10 * "Pokok penjualan"
  Beban:PokokPenjualan  180000 IDR
  Aset:Persediaan  -180000 IDR
2023-06-01 * "Beli barang"
  Aset:Persediaan  300000 IDR
  Aset:Kas
2024-02-01 * "Simpanan wajib Februari" #simpanan-wajib
  anggota: "A0001"
  Aset:Kas  25000 IDR
  Ekuitas:SimpananWajib:A0001  -25000 IDR
2024-04-30 * "Gaji April"
  Beban:Usaha:Gaji  40000 IDR
  Aset:Kas
2024-11-15 * "Penjualan non-anggota"
  Aset:Kas  90000 IDR
  Pendapatan:NonAnggota:Penjualan
2024-11-15 note Aset:Kas "Kas dihitung ulang"
2025-02-10 * "Penjualan kepada anggota"
  anggota: "A0001"
  Aset:Kas  120000 IDR
  Pendapatan:Anggota:Penjualan
"""


def _closed_text() -> str:
    text = ledger_text(BODY)
    for year, today in ((2023, dt.date(2024, 1, 10)), (2024, dt.date(2025, 1, 15))):
        kop = Koperasi.from_string(text)
        assert kop.errors == []
        text += "\n" + format_directives(plan_closing(kop, year, tanggal=today).entries)
    assert Koperasi.from_string(text).errors == []
    return text


CLOSED = _closed_text()
LINES = CLOSED.splitlines()
#: Entry starts (line index) dated inside a closed year (up to 2024-12-31).
STARTS = [i for i, line in enumerate(LINES) if re.match(r"\d{4}-\d\d-\d\d ", line)]
CLOSED_STARTS = [i for i in STARTS if LINES[i][:10] <= "2024-12-31"]


def chain_errors(text: str) -> list[ChainError]:
    return [e for e in Koperasi.from_string(text).errors if isinstance(e, ChainError)]


def block(start: int) -> tuple[int, int]:
    following = [i for i in STARTS if i > start]
    end = following[0] if following else len(LINES)
    while end > start + 1 and not LINES[end - 1].strip():
        end -= 1
    return start, end


@st.composite
def closed_edit(draw: st.DrawFn) -> str:
    lines = list(LINES)
    start = draw(st.sampled_from(CLOSED_STARTS))
    begin, end = block(start)
    kind = draw(st.sampled_from(["hapus", "tanggal", "teks", "angka", "tambah", "meta"]))
    if kind == "hapus":
        del lines[begin:end]
    elif kind == "tanggal":
        day = draw(st.dates(dt.date(2021, 1, 1), dt.date(2024, 12, 31)).filter(lambda d: str(d) != lines[begin][:10]))
        lines[begin] = str(day) + lines[begin][10:]
    elif kind == "teks":
        quoted = [i for i in range(begin, end) if '"' in lines[i]]
        if not quoted:
            lines[begin] += ' ; tidak ada teks'
            day = draw(st.dates(dt.date(2021, 1, 1), dt.date(2024, 12, 31)))
            lines.insert(begin, f'{day} * "Sisipan"\n  Aset:Kas  1 IDR\n  Aset:Persediaan')
        else:
            i = draw(st.sampled_from(quoted))
            lines[i] = lines[i].replace('"', '"x', 1)
    elif kind == "angka":
        numbered = [i for i in range(begin, end) if re.search(r"\s-?\d+(\.\d+)? IDR", lines[i])]
        if not numbered:
            day = draw(st.dates(dt.date(2021, 1, 1), dt.date(2024, 12, 31)))
            lines.insert(begin, f'{day} price IDR 1 USD')
        else:
            i = draw(st.sampled_from(numbered))
            delta = draw(st.integers(1, 10**6))
            lines[i] = re.sub(r"(\s)(-?\d+)", lambda m: f"{m.group(1)}{int(m.group(2)) + delta}", lines[i], count=1)
    elif kind == "tambah":
        day = draw(st.dates(dt.date(2021, 1, 1), dt.date(2024, 12, 31)))
        amount = draw(st.integers(1, 10**7))
        where = draw(st.sampled_from(STARTS))
        lines.insert(where, f'{day} * "Tambahan"\n  Beban:Usaha:Gaji  {amount} IDR\n  Aset:Kas')
    else:
        lines.insert(begin + 1, f'  catatan: "{draw(st.text("abc", min_size=1, max_size=5))}"')
    return "\n".join(lines) + "\n"


@st.composite
def cosmetic_edit(draw: st.DrawFn) -> str:
    lines = list(LINES)
    out = []
    for i, line in enumerate(lines):
        if i in STARTS and draw(st.booleans()):
            out.append("; " + draw(st.text("abc xyz", max_size=12)))
            if draw(st.booleans()):
                out.append("")
        if line.startswith("  ") and re.match(r"  [A-Z]", line):
            indent = " " * draw(st.integers(1, 6))
            spaced = re.sub(r"(\S)  +(-?\d)", lambda m: m.group(1) + " " * draw(st.integers(1, 8)) + m.group(2), line.strip())
            line = indent + spaced
            if draw(st.booleans()):
                line += "   ; " + draw(st.text("abc", max_size=5))
        elif line and draw(st.integers(0, 4)) == 0:
            line += " " * draw(st.integers(1, 3))
        out.append(line)
    return "\n".join(out) + "\n" * draw(st.integers(1, 3))


def test_the_unedited_books_verify():
    assert chain_errors(CLOSED) == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(closed_edit())
def test_every_edit_inside_a_closed_year_is_caught(text):
    assert text != CLOSED
    errors = chain_errors(text)
    assert errors, "an edit dated in a closed year went through"
    assert all(e.tahun in (2023, 2024) for e in errors)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cosmetic_edit())
def test_comments_and_whitespace_are_never_flagged(text):
    kop = Koperasi.from_string(text)
    assert [e for e in kop.errors if isinstance(e, ChainError)] == []
    assert kop.errors == []
