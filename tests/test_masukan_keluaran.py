"""Inputs and outputs (issue 23, "Inputs and outputs"): ASCII digits only in numbers and NIK,
hidden characters refused in free text, CSV cells that are never formulas whichever separator a
spreadsheet splits on, a full stdout / closed pipe / Ctrl-C that end cleanly (real processes),
errors in file:line order, a bounded member import (zip bombs), no report or entry dated in a
day that has not begun."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import os
import re
import resource
import signal
import subprocess
import sys
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from kopledger.cli import main
from kopledger.cli.common import CountType
from kopledger.core import inputs
from kopledger.core.errors import InputError
from kopledger.fava.formulir import FORMULIR, MasukanSalah, baca_masukan
from kopledger.ops import member_import
from kopledger.ops.members import NewMember, member_problems
from kopledger.present.output import FORMULA_STARTS, csv_cell, csv_text
from tests.conftest import HEADER_ID
from tests.test_loans import HEADER as LOAN_HEADER
from tests.test_loans import member, scenario_body

ROOT = Path(__file__).resolve().parent.parent
CODE = "import sys; from kopledger.cli import main; sys.exit(main())"
NIK = "3201012345678901"
FULLWIDTH_NIK = "".join(chr(0xFF10 + int(d)) for d in NIK)  # '３２０１…': looks the same, is not


def run(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def kop(*args: object, env: dict[str, str] | None = None, **popen: object) -> subprocess.Popen[str]:
    """``kop`` as a real process (this worktree's code: PYTHONPATH is passed on)."""
    return subprocess.Popen(
        [sys.executable, "-c", CODE, *(str(a) for a in args)], cwd=ROOT, text=True,
        env={**os.environ, **(env or {})}, **popen,  # type: ignore[call-overload]
    )


@pytest.fixture
def books(tmp_path: Path) -> Path:
    path = tmp_path / "buku.beancount"
    path.write_text(LOAN_HEADER + scenario_body(), encoding="utf-8")
    return path


@pytest.fixture
def nik_books(tmp_path: Path) -> Path:
    """A0001 registered with NIK 3201012345678901 (ASCII digits)."""
    path = tmp_path / "buku.beancount"
    text = HEADER_ID + member("A0001", "Siti Aminah")
    path.write_text(text.replace('"Siti Aminah"\n', f'"Siti Aminah"\n  nik: "{NIK}"\n', 1), encoding="utf-8")
    return path


# --- 1. ASCII digits only: NIK and numbers ---------------------------------------------------------
def test_a_fullwidth_nik_is_refused_so_the_duplicate_check_cannot_be_stepped_around(nik_books, tmp_path):
    assert inputs.nik_problem(FULLWIDTH_NIK) is not None and inputs.is_nik(NIK)
    with pytest.raises(InputError, match="angka lebar penuh"):
        inputs.parse_nik(FULLWIDTH_NIK)
    problems = member_problems(NewMember("A0002", "Siti", dt.date(2025, 1, 1), nik=FULLWIDTH_NIK))
    assert any("NIK harus 16 angka 0-9 biasa" in p for p in problems)

    before = nik_books.read_bytes()
    added = run("anggota", "tambah", nik_books, "--id", "A0002", "--nama", "Siti A", "--nik", FULLWIDTH_NIK,
                "--tanggal", "2024-02-01")
    assert added.exit_code == 2 and "lebar penuh" in added.output and "Traceback" not in added.output
    assert nik_books.read_bytes() == before

    sheet = tmp_path / "anggota.csv"
    sheet.write_text("id,nama,nik,jenis_kelamin,tanggal_masuk,alamat,telepon\n"
                     f"A0002,Siti A,{FULLWIDTH_NIK},P,2024-02-01,,\n", encoding="utf-8")
    imported = run("anggota", "impor", nik_books, sheet, "--dry-run")
    assert imported.exit_code == 2 and "baris 2" in imported.output and "lebar penuh" in imported.output
    assert nik_books.read_bytes() == before

    # the web desk's form goes through the same library check
    from kopledger import Koperasi
    form = FORMULIR["tambah-anggota"]
    values = baca_masukan(form, {"id": "A0002", "nama": "Siti A", "nik": FULLWIDTH_NIK, "jenis_kelamin": "P",
                                 "tanggal": "2024-02-01"})
    with pytest.raises(InputError, match="lebar penuh"):
        form.bangun(Koperasi.load(nik_books), values)

    # written by hand into the books: an error of kop cek
    nik_books.write_text(nik_books.read_text().replace(NIK, FULLWIDTH_NIK), encoding="utf-8")
    checked = run("cek", nik_books)
    assert checked.exit_code == 1 and "nik A0001 harus 16 angka" in checked.output


#: Digits of other scripts that ``str.isdigit`` and ``int()`` accept.
OTHER_DIGITS = st.sampled_from([0xFF10, 0x0660, 0x06F0, 0x0966, 0x09E6, 0x0E50, 0x1D7CE, 0x1D7EC])


def _parsers() -> list[tuple[str, object]]:
    from kopledger.fava import formulir

    count = CountType(1, 99999)
    return [
        ("2025", lambda t: inputs.parse_year(t)), ("50000", lambda t: inputs.parse_amount(t)),
        ("18", lambda t: inputs.parse_rate(t)), ("2025-03", lambda t: inputs.parse_month(t)),
        ("2025-03-31", lambda t: inputs.parse_date(t)), (NIK, lambda t: inputs.parse_nik(t)),
        ("12", lambda t: count.parse(t, "--tenor")), ("12", lambda t: formulir._bulat(t, "tenor")),
        ("50000", lambda t: formulir._jumlah(t, "jumlah")),
        ("2025-03-31", lambda t: _import_date(t)),
    ]


def _import_date(text: str) -> object:
    found = member_import.parse_date(text)
    if found is None:
        raise InputError("no date")
    return found


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 9), OTHER_DIGITS, st.integers(0, 100))
def test_every_number_parser_takes_ascii_digits_only(which, base, position):
    for valid, parse in _parsers():
        parse(valid)  # type: ignore[operator]
        digits = [i for i, ch in enumerate(valid) if ch.isdigit()]
        at = digits[position % len(digits)]
        other = valid[:at] + chr(base + int(valid[at])) + valid[at + 1:]
        with pytest.raises(InputError):
            parse(other)  # type: ignore[operator]


# --- 2. hidden characters ----------------------------------------------------------------------------
HIDDEN = [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x200E, 0x200F, 0x061C,
          0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD, 0x2028, 0x2029]


@pytest.mark.parametrize("code", HIDDEN, ids=lambda c: f"U+{c:04X}")
def test_hidden_characters_are_refused_naming_the_field_and_the_character(code):
    text = f"Siti{chr(code)} Aminah"
    with pytest.raises(InputError) as caught:
        inputs.clean_text(text, "--nama")
    message = str(caught.value)
    assert f"U+{code:04X}" in message and "--nama" in message and "posisi 5" in message
    assert chr(code) not in inputs.terminal_safe(text) and f"\\u{code:04x}" in inputs.terminal_safe(text)


def test_hidden_characters_are_refused_by_the_cli_the_import_the_desk_and_kop_cek(books, tmp_path):
    before = books.read_bytes()
    rlo = "Siti \u202eNIMDA"
    added = run("anggota", "tambah", books, "--id", "A0009", "--nama", rlo, "--tanggal", "2024-02-01")
    assert added.exit_code == 2 and "U+202E" in added.output and "--nama" in added.output
    assert books.read_bytes() == before

    sheet = tmp_path / "anggota.csv"
    sheet.write_text("id,nama,nik,jenis_kelamin,tanggal_masuk,alamat,telepon\n"
                     "A0009,Budi\u200bSantoso,,L,2024-02-01,Jl. Mawar \u2066 1,\n", encoding="utf-8")
    imported = run("anggota", "impor", books, sheet, "--dry-run")
    assert imported.exit_code == 2, imported.output
    assert "kolom nama" in imported.output and "U+200B" in imported.output and "U+2066" in imported.output
    assert "\u200b" not in imported.output

    with pytest.raises(MasukanSalah) as caught:
        baca_masukan(FORMULIR["tambah-anggota"], {"id": "A0009", "nama": rlo, "tanggal": "2024-02-01"})
    assert any("U+202E" in m for m in caught.value.per_isian["nama"])

    books.write_text(books.read_text().replace('"Budi Santoso"', '"Budi \u202eSantoso"', 1), encoding="utf-8")
    checked = run("cek", books)
    assert checked.exit_code == 1 and "U+202E" in checked.output and "\u202e" not in checked.output


# --- 3. CSV cells are never formulas, whichever separator -------------------------------------------
def _fields(line: str, separator: str) -> list[str]:
    """Fields a spreadsheet may see: csv's reading with ``separator`` and a naive split ignoring quotes."""
    by_csv = [f for row in csv.reader(io.StringIO(line, newline=""), delimiter=separator) for f in row]
    return by_csv + re.split(f"[{re.escape(separator)}\r\n]", line)


def _formula(field: str) -> bool:
    """A field a spreadsheet may evaluate: after the spaces, quotes, tabs and line breaks some trim,
    ``= + - @`` (or a full-width form) — unless it is a plain number."""
    shown = field.lstrip(' "\t\r\n')
    return shown.startswith(FORMULA_STARTS) and not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", shown)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("=+-@;,\t\r\n \"'ab1.\uff1d")), max_size=10),
                min_size=1, max_size=4))
def test_no_csv_field_is_a_formula_under_any_separator(cells):
    text = csv_text(["id"] + ["x"] * (len(cells) - 1), [cells])
    for separator in (",", ";", "\t"):
        for field in _fields(text, separator):
            assert not _formula(field), (separator, field, text)
    back = list(csv.reader(io.StringIO(text, newline="")))[1] or [""]
    assert [c.replace("'", "") for c in back] == [c.replace("'", "") for c in cells]


def test_a_name_that_is_a_formula_after_a_semicolon_is_neutralised(books):
    books.write_text(books.read_text().replace('"Siti Aminah"', "\";=cmd|' /C calc'!A0\"", 1), encoding="utf-8")
    listed = run("anggota", "daftar", books, "--per", "2024-12-31", "--format", "csv")
    assert listed.exit_code == 0, listed.output
    for separator in (",", ";", "\t"):
        assert not [f for f in _fields(listed.output, separator) if _formula(f)]
    assert "\";'=cmd|' /C calc'!A0\"" in listed.output


def test_numbers_stay_numbers():
    """The rule: a plain number (``-?[0-9]+(.[0-9]+)?``) is written as it is — it holds no
    separator and a spreadsheet reads it as a number — except as a line's first cell (kopledger's
    first column is an id or a name); every other cell is neutralised where a field could begin."""
    text = csv_text(["id", "saldo", "catatan"], [["A0001", Decimal("-5000"), "-5000"], ["-1", -2, "x;-3"]])
    assert text.splitlines() == ["id,saldo,catatan", "A0001,-5000,-5000", "\"'-1\",-2,\"x;'-3\""]
    assert csv_cell("a;=1+1") == "\"a;'=1+1\"" and csv_cell("Budi") == "Budi"


# --- 4. a full stdout, a closed pipe: real processes ----------------------------------------------
def test_a_full_stdout_is_a_message_and_exit_1(books):
    for fmt in ("table", "csv", "json", "xlsx"):
        with open("/dev/full", "w") as full:
            proc = kop("anggota", "daftar", books, "--per", "2024-12-31", "--format", fmt,
                       stdout=full, stderr=subprocess.PIPE)
            _, err = proc.communicate(timeout=120)
        assert proc.returncode == 1, err
        assert "keluaran tidak bisa ditulis ke stdout" in err
        assert "Traceback" not in err and "Exception ignored" not in err


def test_a_closed_pipe_ends_quietly_with_141(books):
    proc = kop("anggota", "daftar", books, "--per", "2024-12-31", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None
    proc.stdout.close()  # the reader went away before kop printed
    err = proc.stderr.read() if proc.stderr else ""
    proc.wait(timeout=120)
    assert proc.returncode == 141 and err == ""


def test_kop_piped_into_head_one(tmp_path):
    """``kop cek | head -1``: one line per error, so kop is still writing when head exits."""
    path = tmp_path / "buku.beancount"
    path.write_text(HEADER_ID + "".join(
        f'2024-02-01 * "x"\n  Aset:Kas  1000 IDR\n  Liabilitas:SimpananSukarela:Z{i}  -1000 IDR\n' for i in range(3000)
    ), encoding="utf-8")
    shell = f"set -o pipefail; {sys.executable} -c '{CODE}' cek {path} | head -1"
    done = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 141 and "Z0: anggota tidak dikenal" in done.stdout and done.stderr == ""


# --- 5. Ctrl-C at any moment -----------------------------------------------------------------------
@pytest.fixture(scope="module")
def big_books(tmp_path_factory: pytest.TempPathFactory) -> Path:
    sys.path.insert(0, str(ROOT))
    from examples.generator import generate

    path = tmp_path_factory.mktemp("besar") / "buku.beancount"
    path.write_text(generate(400, 2, seed=7), encoding="utf-8")
    return path


def _wait_open(proc: subprocess.Popen[str], path: Path, timeout: float = 120) -> None:
    """Until ``proc`` has ``path`` open (beancount's parser is reading it)."""
    end = time.monotonic() + timeout
    target = str(path.resolve())
    while time.monotonic() < end:
        assert proc.poll() is None, "finished before it read the books"
        try:
            for fd in os.listdir(f"/proc/{proc.pid}/fd"):
                with contextlib.suppress(OSError):
                    if os.readlink(f"/proc/{proc.pid}/fd/{fd}") == target:
                        return
        except FileNotFoundError:
            pass
        time.sleep(0.005)
    raise AssertionError("the books were never opened")


@pytest.mark.parametrize("delay", [0.0, 0.05, 0.3, 1.0])
def test_ctrl_c_during_the_load_is_cancelled_not_errors(big_books, delay):
    proc = kop("cek", big_books, env={"KOP_CACHE": "0"}, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _wait_open(proc, big_books)
    time.sleep(delay)
    assert proc.poll() is None
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, (out, err)
    assert "Dibatalkan" in err and "kesalahan" not in err + out and "Traceback" not in err and out == ""


@pytest.mark.parametrize("delay", [0.0, 0.2])
def test_ctrl_c_during_a_write_leaves_the_books_whole(big_books, tmp_path, delay):
    path = tmp_path / "buku.beancount"
    path.write_bytes(big_books.read_bytes())
    before = path.read_bytes()
    proc = kop("simpanan", "setor", path, "--anggota", "A0001", "--jumlah", "5000", "--tanggal", "2025-12-31",
               env={"KOP_CACHE": "0"}, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    end = time.monotonic() + 180
    while not list(tmp_path.glob(".buku.beancount.*.kop-tmp")):  # the writer's candidate: it is validating
        assert proc.poll() is None and time.monotonic() < end, proc.communicate()
        time.sleep(0.005)
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=180)
    after = path.read_bytes()
    assert "Traceback" not in err and "kesalahan" not in err
    assert proc.returncode in (0, 130), err
    if proc.returncode == 130:
        assert "Dibatalkan" in err
    assert after == before or (after.startswith(before) and b'"A0001"' in after[len(before):])
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith((".kop-tmp", ".tmp"))]


# --- 6. errors in file:line order ----------------------------------------------------------------
DISORDER = '''
2024-01-05 custom "anggota" "A0001" "Siti"
2024-01-05 * "Simpanan pokok" #simpanan-pokok
  anggota: "A0001"
  Aset:Kas  100000 IDR
  Ekuitas:SimpananPokok:A0001  -100000 IDR
2024-02-01 * "Tarik wajib"
  Ekuitas:SimpananWajib:A0001  25000 IDR
  Aset:Kas  -25000 IDR
2024-02-02 * "tak dikenal"
  Aset:Kas  1000 IDR
  Liabilitas:SimpananSukarela:Z9  -1000 IDR
2024-02-03 custom "anggota" "a-b" "X"
2024-02-03 custom "anggota" "A0001" "Dua kali"
include "tambahan.beancount"
'''


def test_cek_prints_errors_in_file_line_order_on_every_run(tmp_path):
    path = tmp_path / "buku.beancount"
    path.write_text(HEADER_ID + DISORDER, encoding="utf-8")
    (tmp_path / "tambahan.beancount").write_text(
        '2024-03-01 * "tak dikenal"\n  Aset:Kas  1000 IDR\n  Liabilitas:SimpananSukarela:Z7  -1000 IDR\n',
        encoding="utf-8")
    seen: dict[str, set[str]] = {"text": set(), "json": set()}
    for seed, cache in (("0", "0"), ("1", "1"), ("2", "1"), ("3", "0")):
        for fmt in ("text", "json"):
            proc = kop("cek", path, "--format", fmt, env={"PYTHONHASHSEED": seed, "KOP_CACHE": cache},
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            out, _ = proc.communicate(timeout=120)
            assert proc.returncode == 1
            seen[fmt].add(out)
    assert len(seen["text"]) == 1 and len(seen["json"]) == 1
    records = json.loads(seen["json"].pop())
    keys = [(r["file"] or "", r["line"] or 0) for r in records]
    assert len(records) >= 5 and keys == sorted(keys)
    lines = [line for line in seen["text"].pop().splitlines() if line]
    located = [(m.group(1), int(m.group(2))) for m in (re.match(r"(.*?):(\d+): ", line) for line in lines) if m]
    assert located == sorted(located) and len(located) == len(lines)


# --- 7. a bounded member import --------------------------------------------------------------------
HEADER_ROW = ["id", "nama", "nik", "jenis_kelamin", "tanggal_masuk", "alamat", "telepon"]


def _xlsx_with_sheet(path: Path, rewrite) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(HEADER_ROW)
    book.active.append(["A0009", "Budi", "", "L", "2024-02-01", "", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(buffer)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = rewrite(data.decode()).encode()
            out.writestr(info.filename, data)


def _size_bomb(text: str) -> str:
    """64 MB of one repeated row: a few hundred kilobytes compressed."""
    row = '<row r="3"><c r="A3" t="inlineStr"><is><t>A</t></is></c></row>'
    return text.replace("</sheetData>", row * (64 * 1024 * 1024 // len(row)) + "</sheetData>")


def _gap_bomb(text: str) -> str:
    """One cell at the last row and column a sheet can have, declared over the whole sheet."""
    text = re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD1048576"/>', text)
    cell = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    return text.replace("</sheetData>", cell + "</sheetData>")


def _limited(seconds: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (1536 * 1024 * 1024, 1536 * 1024 * 1024))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))


@pytest.mark.parametrize("bomb", [_size_bomb, _gap_bomb], ids=["size", "gap"])
def test_a_zip_bomb_import_is_refused_quickly(books, tmp_path, bomb):
    sheet = tmp_path / "bom.xlsx"
    _xlsx_with_sheet(sheet, bomb)
    assert sheet.stat().st_size < 1024 * 1024
    before = books.read_bytes()
    started = time.monotonic()
    proc = kop("anggota", "impor", books, sheet, "--dry-run", stdout=subprocess.PIPE, stderr=subprocess.PIPE,
               preexec_fn=lambda: _limited(30))
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 2, (out, err[-2000:])
    assert ("terlalu besar untuk diimpor" in err or "lebih dari 10000 baris anggota" in err), err
    assert "Traceback" not in err and books.read_bytes() == before
    assert time.monotonic() - started < 60


def test_import_limits_rows_and_entries(tmp_path):
    rows = tmp_path / "banyak.csv"
    rows.write_text(",".join(HEADER_ROW) + "\n" + "".join(f"A{i},N,,P,2024-01-01,,\n" for i in range(10_001)),
                    encoding="utf-8")
    with pytest.raises(InputError, match="lebih dari 10000 baris anggota"):
        member_import.read_rows(rows)
    parts = tmp_path / "bagian.xlsx"
    with zipfile.ZipFile(parts, "w") as archive:
        for i in range(member_import.MAX_ENTRIES + 1):
            archive.writestr(f"x/{i}.xml", "")
    with pytest.raises(InputError, match="bagian di dalamnya"):
        member_import.read_rows(parts)
    ok = tmp_path / "pas.csv"
    ok.write_text(",".join(HEADER_ROW) + "\n" + "".join(f"A{i},N,,P,2024-01-01,,\n" for i in range(10_000)) + "\n,,,\n",
                  encoding="utf-8")
    assert len(member_import.read_rows(ok)) == 10_000


# --- 8. no report or entry dated in a day that has not begun --------------------------------------
@pytest.mark.parametrize("args", [
    ["pinjaman", "portofolio", "{b}", "--per", "2999-12-31"],
    ["simpanan", "tunggakan", "{b}", "--per", "2999-12-31"],
    ["pinjaman", "ppap", "{b}", "--per", "2999-12-31"],
    ["pinjaman", "daftar", "{b}", "--per", "2999-12-31"],
    ["anggota", "daftar", "{b}", "--per", "2999-12-31"],
    ["pinjaman", "bayar", "{b}", "--pinjaman", "PJ-2024-001", "--jumlah", "1000", "--tanggal", "2999-01-01"],
], ids=lambda a: " ".join(a[:2]))
def test_a_date_that_has_not_begun_is_refused(books, args):
    before = books.read_bytes()
    result = run(*[str(books) if a == "{b}" else a for a in args])
    assert result.exit_code == 2, result.output
    assert ("belum lewat" in result.output or "masa depan" in result.output) and "Traceback" not in result.output
    assert books.read_bytes() == before


def test_an_shu_allocation_or_payout_dated_after_today_is_refused(tmp_path):
    from tests.test_shu import EXAMPLE_1, ledger

    path = tmp_path / "buku.beancount"
    path.write_text(ledger(EXAMPLE_1), encoding="utf-8")
    before = path.read_bytes()
    future = run("shu", path, "--tahun", "2024", "--tulis", "--tanggal", "2999-03-01")
    assert future.exit_code == 2 and "masa depan" in future.output and path.read_bytes() == before
    assert run("shu", path, "--tahun", "2024", "--tulis", "--tanggal", "2025-03-15").exit_code == 0
    allocated = path.read_bytes()
    paid = run("shu", "bayar", path, "--tahun", "2024", "--tanggal", "2999-04-01")
    assert paid.exit_code == 2 and "masa depan" in paid.output and path.read_bytes() == allocated
