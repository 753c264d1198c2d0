"""Issue 23, the Dinas view under hostile files: every case of the review as a test.

A Dinas aggregates files it did not write. Each test below builds the hostile file from
a real export (three generated koperasi, closed and exported through ``kop ekspor``) and
checks that the aggregation reports it by name, counts the others, and never ends in a
traceback.
"""

from __future__ import annotations

import copy
import datetime as dt
import decimal
import json
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kopledger.cli import main
from kopledger.dinas import periksa
from kopledger.dinas.agregat import agregat, agregat_json, money
from kopledger.dinas.ekspor import schema_errors
from kopledger.dinas.periksa import plausibility_problems
from kopledger.ops.closing import close_year
from tests.faults import fill, small_tmpfs
from tests.test_dinas import KOPERASI, YEAR, _books, scaled

TODAY = dt.date(2026, 6, 1)
KEYS = ("total_aset", "total_liabilitas", "total_ekuitas", "shu", "simpanan", "pinjaman")


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Three real exports of 2024 (files and parsed documents)."""
    folder = tmp_path_factory.mktemp("dinas-hostile")
    runner = CliRunner()
    files = []
    for n, nama, bh, prov, kab, kec in KOPERASI:
        ledger = folder / f"buku-{n}.beancount"
        ledger.write_text(_books(n, nama, bh, prov, kab, kec), encoding="utf-8")
        close_year(ledger, YEAR, today=dt.date(2025, 1, 20))
        out = folder / f"ekspor-{n}.json"
        result = runner.invoke(main, ["ekspor", str(ledger), "--tahun", str(YEAR), "--out", str(out)])
        assert result.exit_code == 0, result.output
        files.append(out)
    documents = [json.loads(f.read_text(encoding="utf-8")) for f in files]
    for document in documents:
        assert schema_errors(document) == [] and plausibility_problems(document, TODAY) == []
    return {"files": files, "documents": documents}


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KOP_TODAY", TODAY.isoformat())


def _folder(tmp_path: Path, exports: dict[str, Any], name: str = "masuk") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for file in exports["files"]:
        shutil.copy(file, folder / file.name)
    return folder


def _write(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def _total(documents: list[dict[str, Any]]) -> dict[str, Any]:
    """The region's total, computed here from the documents themselves (exactly)."""
    with decimal.localcontext(periksa.WIDE):
        def amount(key: str) -> Decimal:
            values = {
                "total_aset": lambda d: d["laporan"]["neraca"]["total"]["total_aset"],
                "total_liabilitas": lambda d: d["laporan"]["neraca"]["total"]["total_liabilitas"],
                "total_ekuitas": lambda d: d["laporan"]["neraca"]["total"]["total_ekuitas"],
                "shu": lambda d: d["laporan"]["phu"]["total"]["shu"],
                "simpanan": lambda d: d["simpanan"]["jumlah"],
                "pinjaman": lambda d: d["pinjaman"]["total_saldo"],
            }[key]
            return sum((Decimal(values(d)) for d in documents), Decimal(0))

        result: dict[str, Any] = {k: money(amount(k)) for k in KEYS}
    result["anggota"] = sum(d["anggota"]["jumlah"]["akhir"] for d in documents)
    result["anggota_perempuan"] = sum(d["anggota"]["perempuan"]["akhir"] for d in documents)
    return result


def _run(*args: object) -> Any:
    return CliRunner().invoke(main, [str(a) for a in args])


def _figures(result: Any) -> dict[str, Any]:
    assert "Traceback" not in result.output, result.output
    return json.loads(result.stdout)


def _named(entries: list[dict[str, str]]) -> dict[str, str]:
    return {Path(m["berkas"]).name: m["pesan"] for m in entries}


def _other(document: dict[str, Any], bh: str) -> dict[str, Any]:
    doc = copy.deepcopy(document)
    doc["koperasi"]["badan_hukum"] = bh
    return doc


# --- 1. bounded depth and size --------------------------------------------------------------------
def test_a_deeply_nested_export_is_refused_by_name_and_the_others_are_aggregated(exports, tmp_path):
    folder = _folder(tmp_path, exports)
    depth = 200_000
    (folder / "dalam.json").write_text("[" * depth + "]" * depth, encoding="utf-8")
    (folder / "terbuka.json").write_text('{"a": ' + "[" * depth, encoding="utf-8")  # never closed
    inside = copy.deepcopy(exports["documents"][0])  # a valid export with one nested extra field
    inside["peringatan"] = json.loads("[" * (periksa.MAKS_KEDALAMAN + 1) + "]" * (periksa.MAKS_KEDALAMAN + 1))
    _write(folder / "dalam-ekspor.json", inside)
    result = _run("agregat", folder, "--format", "json")
    assert result.exit_code == 1
    figures = _figures(result)
    problems = _named(figures["masalah"])
    assert set(problems) == {"dalam.json", "dalam-ekspor.json", "terbuka.json"}
    for name in ("dalam.json", "dalam-ekspor.json", "terbuka.json"):
        assert problems[name] == f"bersarang lebih dari {periksa.MAKS_KEDALAMAN} tingkat"
    assert figures["jumlah_koperasi"] == 3 and figures["total"] == _total(exports["documents"])
    for name in problems:
        assert name in result.stderr


def test_files_beyond_the_size_member_and_text_bounds_are_refused_by_name(exports, tmp_path):
    folder = _folder(tmp_path, exports)
    base = exports["documents"][0]
    big = json.dumps(_other(base, "AHU-besar"))
    (folder / "besar.json").write_text(big + " " * (periksa.MAKS_UKURAN + 1 - len(big.encode())), encoding="utf-8")
    many = _other(base, "AHU-banyak")
    many["peringatan"] = ["x"] * (periksa.MAKS_ANGGOTA + 1)
    _write(folder / "banyak.json", many)
    long = _other(base, "AHU-panjang")
    long["koperasi"]["alamat"] = "J" * (periksa.MAKS_TEKS + 1)
    _write(folder / "panjang.json", long)
    huge = _other(base, "AHU-bulat")
    huge["pinjaman"]["jumlah_pinjaman"] = 10 ** 40
    _write(folder / "bulat.json", huge)
    (folder / "kunci-ganda.json").write_text('{"tahun": 2024, "tahun": 2999}', encoding="utf-8")
    (folder / "nan.json").write_text('{"tahun": NaN}', encoding="utf-8")
    result = _run("agregat", folder, "--format", "json")
    assert result.exit_code == 1
    figures = _figures(result)
    problems = _named(figures["masalah"])
    assert set(problems) == {"besar.json", "banyak.json", "panjang.json", "bulat.json", "kunci-ganda.json",
                             "nan.json"}
    assert str(periksa.MAKS_UKURAN) in problems["besar.json"]
    assert str(periksa.MAKS_ANGGOTA) in problems["banyak.json"]
    assert str(periksa.MAKS_TEKS) in problems["panjang.json"]
    assert str(periksa.MAKS_BULAT) in problems["bulat.json"]
    assert "dua kali" in problems["kunci-ganda.json"] and "NaN" in problems["nan.json"]
    assert figures["jumlah_koperasi"] == 3 and figures["total"] == _total(exports["documents"])


def test_a_file_just_within_the_bounds_is_counted(exports, tmp_path):
    doc = _other(exports["documents"][0], "AHU-batas")
    doc["koperasi"]["alamat"] = "J" * periksa.MAKS_TEKS
    doc["peringatan"] = ["x"] * periksa.MAKS_ANGGOTA
    text = json.dumps(doc)
    path = tmp_path / "batas.json"
    path.write_text(text + " " * (periksa.MAKS_UKURAN - len(text.encode())), encoding="utf-8")
    assert path.stat().st_size == periksa.MAKS_UKURAN
    result = agregat([path], None)
    assert result.masalah == () and result.jumlah_koperasi == 1


# --- 2. the year: asked, or the majority; never moved by one file --------------------------------------
def test_one_export_of_another_year_never_moves_the_year(exports, tmp_path):
    folder = _folder(tmp_path, exports)
    future = _other(exports["documents"][0], "AHU-2999")
    future.update(tahun=2999, pembanding=2998)
    _write(folder / "tahun-2999.json", future)
    later = copy.deepcopy(exports["documents"][1])  # the same koperasi's next year: plausible, but not 2024
    later.update(tahun=2025, pembanding=2024)
    _write(folder / "ekspor-24-2025.json", later)
    result = _run("agregat", folder, "--format", "json")
    assert result.exit_code == 1  # the 2999 file is a problem: that year has not begun
    figures = _figures(result)
    assert figures["tahun"] == YEAR and figures["aturan_tahun"] == "mayoritas"
    assert figures["per_tahun"] == [{"tahun": 2024, "jumlah_koperasi": 3}, {"tahun": 2025, "jumlah_koperasi": 1}]
    assert figures["jumlah_koperasi"] == 3 and figures["total"] == _total(exports["documents"])
    assert "belum dimulai" in _named(figures["masalah"])["tahun-2999.json"]
    skipped = _named(figures["dilewati"])
    assert set(skipped) == {"ekspor-24-2025.json"} and "bukan tahun yang diagregasi (2024)" in skipped[
        "ekspor-24-2025.json"]
    text = _run("agregat", folder)
    assert "tahun 2024 dipilih menurut mayoritas: 3 dari 4 ekspor yang dihitung; per tahun: 2024: 3, 2025: 1" \
        in text.stdout
    assert "ekspor-24-2025.json" in text.stdout


def test_without_a_majority_the_year_is_asked(exports, tmp_path):
    folder = tmp_path / "dua"
    folder.mkdir()
    shutil.copy(exports["files"][0], folder / "a.json")
    later = _other(exports["documents"][1], "AHU-lain")
    later.update(tahun=2025, pembanding=2024)
    _write(folder / "b.json", later)
    refused = _run("agregat", folder)
    assert refused.exit_code == 2 and "sebutkan --tahun" in refused.output and "2024: 1, 2025: 1" in refused.output
    asked = _run("agregat", folder, "--tahun", "2025", "--format", "json")
    assert asked.exit_code == 0, asked.output
    figures = _figures(asked)
    assert figures["tahun"] == 2025 and figures["aturan_tahun"] == "diminta" and figures["jumlah_koperasi"] == 1
    assert set(_named(figures["dilewati"])) == {"a.json"}


# --- 3. plausibility --------------------------------------------------------------------------------------
def _women(doc: dict[str, Any]) -> None:
    doc["anggota"]["perempuan"]["akhir"] = 100_000


def _members_moved(doc: dict[str, Any]) -> None:  # parts sum to the whole, but the year's movement does not
    for group in ("jumlah", "perempuan"):
        doc["anggota"][group]["akhir"] += 100_000
    doc["anggota"]["persen_perempuan"] = None


def _savings(doc: dict[str, Any]) -> None:
    doc["simpanan"]["sukarela"] = str(Decimal(doc["simpanan"]["sukarela"]) + 1)


def _line(doc: dict[str, Any]) -> None:  # one account line changed, the totals left alone
    line = next(b for b in doc["laporan"]["neraca"]["baris"] if b["jenis"] == "baris")
    line["jumlah"] = str(Decimal(line["jumlah"]) + 1_000_000)


def _balanced_totals(doc: dict[str, Any]) -> None:  # balanced totals that its lines do not support
    total = doc["laporan"]["neraca"]["total"]
    for key in ("total_aset", "total_ekuitas", "total_liabilitas_ekuitas"):
        total[key] = str(Decimal(total[key]) * 1000)


def _loan_class(doc: dict[str, Any]) -> None:
    doc["pinjaman"]["per_kolektibilitas"][0]["saldo"] = str(Decimal(doc["pinjaman"]["per_kolektibilitas"][0]["saldo"]) + 1)


def _negative_loans(doc: dict[str, Any]) -> None:  # sums hold, but a balance is negative
    classes = doc["pinjaman"]["per_kolektibilitas"]
    classes[0]["saldo"] = str(Decimal(classes[0]["saldo"]) + 5)
    classes[1]["jumlah_pinjaman"] = max(classes[1]["jumlah_pinjaman"], 1)
    doc["pinjaman"]["jumlah_pinjaman"] = sum(c["jumlah_pinjaman"] for c in classes)
    classes[1]["saldo"] = str(Decimal(classes[1]["saldo"]) * -1 - 5) if Decimal(classes[1]["saldo"]) else "-5"


def _shu(doc: dict[str, Any]) -> None:
    doc["laporan"]["phu"]["total"]["shu"] = str(Decimal(doc["laporan"]["phu"]["total"]["shu"]) * 10)


IMPLAUSIBLE = {"perempuan-100000": _women, "anggota-bergerak": _members_moved, "simpanan": _savings,
               "baris-neraca": _line, "total-seimbang-baris-tidak": _balanced_totals, "kolektibilitas": _loan_class,
               "saldo-negatif": _negative_loans, "shu": _shu}


@pytest.mark.parametrize("name", sorted(IMPLAUSIBLE))
def test_impossible_figures_are_a_reported_problem_and_not_counted(exports, tmp_path, name):
    folder = _folder(tmp_path, exports)
    doc = _other(exports["documents"][2], "AHU-mustahil")
    IMPLAUSIBLE[name](doc)
    assert schema_errors(doc) == []  # valid by the schema: only plausibility catches it
    _write(folder / f"{name}.json", doc)
    result = _run("agregat", folder, "--format", "json")
    assert result.exit_code == 1
    figures = _figures(result)
    problems = _named(figures["masalah"])
    assert set(problems) == {f"{name}.json"} and "angka tidak masuk akal" in problems[f"{name}.json"]
    assert figures["jumlah_koperasi"] == 3 and figures["total"] == _total(exports["documents"])


def test_women_beyond_the_members_are_named_in_the_problem(exports):
    doc = copy.deepcopy(exports["documents"][0])
    _women(doc)
    found = [str(p) for p in plausibility_problems(doc, TODAY)]
    assert any(p.startswith("anggota akhir: perempuan + laki-laki + tidak tercatat = 1000") for p in found), found


#: Every figure the aggregation counts, as a path into the export.
COUNTED = (
    ("laporan", "neraca", "total", "total_aset"), ("laporan", "neraca", "total", "total_liabilitas"),
    ("laporan", "neraca", "total", "total_ekuitas"), ("laporan", "phu", "total", "shu"), ("simpanan", "jumlah"),
    ("pinjaman", "total_saldo"), ("pinjaman", "ppap_wajib"), ("pinjaman", "npl"),
    ("anggota", "jumlah", "akhir"), ("anggota", "perempuan", "akhir"), ("anggota", "laki_laki", "akhir"),
    ("pinjaman", "per_kolektibilitas", 0, "saldo"), ("pinjaman", "per_kolektibilitas", 0, "jumlah_pinjaman"),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(which=st.integers(0, 2), path=st.sampled_from(COUNTED),
       delta=st.integers(-10**12, 10**12).filter(bool))
def test_any_counted_figure_changed_alone_is_caught(exports, which, path, delta):
    doc = copy.deepcopy(exports["documents"][which])
    *parents, last = path
    holder: Any = doc
    for key in parents:
        holder = holder[key]
    value = holder[last]
    if isinstance(value, int):
        holder[last] = value + delta
    else:
        holder[last] = str(Decimal(value) + Decimal(delta) / 100)
    assert plausibility_problems(doc, TODAY) or schema_errors(doc)


# --- 4. duplicates: identical counted once; different = a conflict, neither counted --------------------------
def test_two_different_exports_of_one_koperasi_are_a_conflict_and_neither_is_counted(exports, tmp_path):
    folder = _folder(tmp_path, exports)
    original = exports["documents"][1]
    _write(folder / "a-ekspor-24-lain.json", scaled(original, Decimal(2)))  # plausible, other figures; sorts first
    result = _run("agregat", folder, "--format", "json")
    assert result.exit_code == 1
    figures = _figures(result)
    problems = _named(figures["masalah"])
    assert set(problems) == {"a-ekspor-24-lain.json", "ekspor-24.json"}
    assert "konflik" in problems["ekspor-24.json"] and "a-ekspor-24-lain.json" in problems["ekspor-24.json"]
    assert "ekspor-24.json" in problems["a-ekspor-24-lain.json"]
    assert "tidak satu pun dihitung" in problems["ekspor-24.json"]
    others = [d for d in exports["documents"] if d is not original]
    assert figures["jumlah_koperasi"] == 2 and figures["total"] == _total(others)
    # the Parquet tables hold no row of the conflict either
    out = tmp_path / "out"
    agregat([folder], out)
    import duckdb

    names = duckdb.connect().execute(f"SELECT nama FROM '{out / 'koperasi.parquet'}' ORDER BY nama").fetchall()
    assert [n for (n,) in names] == sorted(d["koperasi"]["nama"] for d in others)


def test_identical_duplicates_are_counted_once_and_noted(exports, tmp_path):
    folder = _folder(tmp_path, exports)
    copy_doc = copy.deepcopy(exports["documents"][0])
    copy_doc["dibuat_dengan"] = "kopledger 9.9"  # written by another version: the same export
    _write(folder / "salinan.json", copy_doc)
    shutil.copy(exports["files"][0], folder / "salinan-2.json")
    result = _run("agregat", folder, "--format", "json")
    assert result.exit_code == 0, result.output
    figures = _figures(result)
    assert figures["masalah"] == []
    skipped = _named(figures["dilewati"])
    assert set(skipped) == {"salinan.json", "salinan-2.json"}
    assert all("identik" in m and "dihitung sekali" in m for m in skipped.values())
    assert figures["jumlah_koperasi"] == 3 and figures["total"] == _total(exports["documents"])


# --- 5. arithmetic wide enough for any valid figure ------------------------------------------------------------
def test_balanced_figures_of_thirty_digits_are_balanced(exports, tmp_path):
    big = scaled(exports["documents"][0], Decimal(10) ** 22)
    assert len(big["laporan"]["neraca"]["total"]["total_aset"]) > 28
    assert plausibility_problems(big, TODAY) == []
    _write(tmp_path / "besar.json", big)
    shutil.copy(exports["files"][1], tmp_path / "biasa.json")
    result = _run("agregat", tmp_path, "--format", "json")
    assert result.exit_code == 0, result.output
    figures = _figures(result)
    assert figures["masalah"] == [] and figures["total"] == _total([big, exports["documents"][1]])
    text = _run("agregat", tmp_path)  # the text report formats the 30-digit sums too
    assert text.exit_code == 0 and text.exception is None, text.output
    html = _run("agregat", tmp_path, "--out", tmp_path / "out", "--laporan", "html", "--laporan", "xlsx")
    assert html.exit_code == 0 and html.exception is None, html.output


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(which=st.integers(0, 2), factor=st.integers(1, 10**24), cents=st.integers(0, 99))
def test_scaled_exports_stay_balanced_and_sum_exactly(exports, tmp_path_factory, which, factor, cents):
    scale = Decimal(factor) + Decimal(cents) / 100
    big = scaled(exports["documents"][which], scale)
    assert schema_errors(big) == [] and plausibility_problems(big, TODAY) == []
    folder = tmp_path_factory.mktemp("skala")
    _write(folder / "besar.json", big)
    other = exports["documents"][(which + 1) % 3]
    _write(folder / "lain.json", other)
    figures = agregat_json(agregat([folder], None))
    assert figures["masalah"] == [] and figures["total"] == _total([big, other])


def test_sums_beyond_the_columns_capacity_refuse_the_file_that_would_overflow(exports, tmp_path):
    base = exports["documents"][0]
    aset = Decimal(base["laporan"]["neraca"]["total"]["total_aset"])
    factor = (Decimal(4) * Decimal(10) ** 33 / aset).to_integral_value(rounding=decimal.ROUND_FLOOR)
    for i in range(3):
        _write(tmp_path / f"besar-{i}.json", _other(scaled(base, factor), f"AHU-besar-{i}"))
    result = _run("agregat", tmp_path, "--format", "json")
    assert result.exit_code == 1
    figures = _figures(result)
    problems = _named(figures["masalah"])
    assert set(problems) == {"besar-2.json"} and "kapasitas" in problems["besar-2.json"]
    assert figures["jumlah_koperasi"] == 2


# --- 6. --out on a full or read-only folder ---------------------------------------------------------------------
def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.name != "filler")


@pytest.mark.parametrize("partisi", [False, True])
def test_out_on_a_full_disk_says_so_and_leaves_no_partial_file(exports, tmp_path, partisi):
    with small_tmpfs(tmp_path / "disk", "64k") as disk:
        (disk / "out").mkdir()
        fill(disk)
        args = ["agregat", *exports["files"], "--out", disk / "out", *(["--partisi"] if partisi else [])]
        result = _run(*args)
        assert result.exit_code == 1, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert "Traceback" not in result.output
        assert "disk penuh" in result.output and "koperasi" in result.output
        assert str(disk / "out" / ("koperasi" if partisi else "koperasi.parquet")) in result.output
        assert _leftovers(disk / "out") == []


def test_out_on_a_read_only_folder_says_so_and_leaves_no_file(exports, tmp_path):
    with small_tmpfs(tmp_path / "ro", "1m") as disk:
        done = subprocess.run(["mount", "-o", "remount,ro", str(disk)], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            pytest.skip(f"cannot remount the tmpfs read-only here: {done.stderr.strip()}")
        for out in (disk, disk / "baru"):  # the folder itself, and a folder to be made in it
            result = _run("agregat", *exports["files"], "--out", out)
            assert result.exit_code == 1, result.output
            assert result.exception is None or isinstance(result.exception, SystemExit)
            assert "hanya-baca" in result.output and str(out) in result.output
            assert list(disk.iterdir()) == []


def _nesting(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_nesting(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_nesting(v) for v in value), default=0)
    return 0


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet='[]{}"\\ab,:'),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(alphabet='[]{}"\\a'), inner, max_size=3),
    max_leaves=60,
)


@settings(max_examples=300, deadline=None)
@given(value=_JSON, wrap=st.integers(0, 20))
def test_the_depth_bound_counts_nesting_exactly_whatever_the_strings_hold(value, wrap):
    for _ in range(wrap):
        value = [value]
    text = json.dumps(value, indent=wrap % 3 or None, ensure_ascii=bool(wrap % 2))
    assert periksa._too_deep(text) == (_nesting(value) > periksa.MAKS_KEDALAMAN)
