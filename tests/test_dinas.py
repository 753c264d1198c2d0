"""kop ekspor and kop agregat: three generated koperasi of different sizes, closed, exported,
aggregated — every regional figure equals the sum of each koperasi's own statements."""

from __future__ import annotations

import copy
import datetime as dt
import decimal
import json
import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
from click.testing import CliRunner

from examples.generator import generate
from kopledger import Koperasi
from kopledger.cli import main
from kopledger.dinas.agregat import agregat, agregat_json, money
from kopledger.dinas.ekspor import build_export, schema, schema_errors
from kopledger.dinas.laporan import render_agregat
from kopledger.dinas.periksa import WIDE
from kopledger.ops.closing import close_year, closed_years
from kopledger.reports.kesehatan import assess
from kopledger.reports.membership import membership_stats
from kopledger.reports.statements import build_statements

YEAR = 2024
#: (members, nama, badan hukum, provinsi, kabupaten/kota, kecamatan)
KOPERASI = (
    (10, "Koperasi Melati Cikole", "AHU-0000010.AH.01.26.Tahun 2019", "Jawa Barat", "Kota Sukabumi", "Cikole"),
    (24, "Koperasi <Anggrek> & Co", "AHU-0000024.AH.01.26.Tahun 2018", "Jawa Barat", "Kota Sukabumi", "Lembursitu"),
    (50, "Koperasi Kenanga Cibadak", "AHU-0000050.AH.01.26.Tahun 2017", "Jawa Barat", "Kabupaten Sukabumi", "Cibadak"),
)


def _books(n: int, nama: str, bh: str, prov: str, kab: str, kec: str) -> str:
    text = generate(n, 2, seed=n, start_year=YEAR, nama=nama)
    identity = '  badan-hukum: "AHU-0004127.AH.01.26.Tahun 2016"\n'
    assert identity in text
    return text.replace(identity, (
        f'  badan-hukum: "{bh}"\n  provinsi: "{prov}"\n  kabupaten-kota: "{kab}"\n  kecamatan: "{kec}"\n'
    ), 1)


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> dict[str, object]:
    """Three koperasi, 2024 closed and exported through the CLI; each one's own statements kept."""
    folder = tmp_path_factory.mktemp("dinas")
    exports = folder / "ekspor"
    exports.mkdir()
    runner = CliRunner()
    own = []
    for n, nama, bh, prov, kab, kec in KOPERASI:
        ledger = folder / f"buku-{n}.beancount"
        ledger.write_text(_books(n, nama, bh, prov, kab, kec), encoding="utf-8")
        close_year(ledger, YEAR, today=dt.date(2025, 1, 20))
        out = exports / f"ekspor-{n}.json"
        result = runner.invoke(main, ["ekspor", str(ledger), "--tahun", str(YEAR), "--out", str(out)])
        assert result.exit_code == 0, result.output
        kop = Koperasi.load(ledger)
        assert kop.errors == []
        fs = build_statements(kop, YEAR)
        stats = membership_stats(kop.members.values(), YEAR)
        own.append({
            "kop": kop, "ledger": ledger, "wilayah": (prov, kab, kec), "nama": nama,
            "total_aset": fs.neraca.total("total_aset"), "total_liabilitas": fs.neraca.total("total_liabilitas"),
            "total_ekuitas": fs.neraca.total("total_ekuitas"), "shu": fs.phu.total("shu"),
            "simpanan": fs.calk.simpanan[-1].jumlah,
            "pinjaman": fs.calk.pinjaman.total_saldo if fs.calk.pinjaman else Decimal(0),
            "anggota": stats.jumlah.akhir, "anggota_perempuan": stats.gender("P").akhir,
        })
    return {"folder": folder, "exports": exports, "own": own}


KEYS = ("total_aset", "total_liabilitas", "total_ekuitas", "shu", "anggota", "anggota_perempuan", "simpanan", "pinjaman")


def _expected(rows: list[dict[str, object]]) -> dict[str, object]:
    result: dict[str, object] = {}
    for key in KEYS:
        total = sum((r[key] for r in rows), Decimal(0) if key not in ("anggota", "anggota_perempuan") else 0)
        result[key] = total if isinstance(total, int) else money(total)
    return result


def test_every_regional_total_equals_the_sum_of_each_koperasis_own_statements(books):
    own = books["own"]
    assert len({r["total_aset"] for r in own}) == 3  # three different koperasi, not one copied
    result = agregat([books["exports"]], books["folder"] / "out")
    figures = agregat_json(result)
    assert figures["jumlah_koperasi"] == 3
    assert figures["masalah"] == []
    assert figures["total"] == _expected(own)
    by_kab: dict[tuple[str, str], list[dict[str, object]]] = {}
    for r in own:
        by_kab.setdefault(r["wilayah"][:2], []).append(r)
    assert [(w["provinsi"], w["kabupaten_kota"]) for w in figures["per_wilayah"]] == sorted(by_kab)
    for region in figures["per_wilayah"]:
        rows = by_kab[region["provinsi"], region["kabupaten_kota"]]
        assert region["jumlah_koperasi"] == len(rows)
        assert {k: region[k] for k in KEYS} == _expected(rows)
    # per kecamatan: each koperasi alone is its own wilayah, with its own figures
    per_kec = agregat_json(agregat([books["exports"]], None, tingkat="kecamatan"))
    assert sorted((w["kecamatan"], w["total_aset"]) for w in per_kec["per_wilayah"]) == sorted(
        (r["wilayah"][2], money(r["total_aset"])) for r in own
    )


def test_medians_women_share_and_npl_come_from_the_exports(books):
    own = books["own"]
    result = agregat([books["exports"]], None, tingkat="provinsi", ambang_npl=Decimal(0))
    total = result.total
    assets = sorted(r["total_aset"] for r in own)
    assert total.median["total_aset"] == assets[1]
    members = sum(r["anggota"] for r in own)
    women = sum(r["anggota_perempuan"] for r in own)
    assert total.persen_perempuan == (Decimal(women) * 100 / members).quantize(Decimal("0.01"))
    # with a 0 % threshold, every koperasi with any non-performing loan is listed
    expected = sorted(r["nama"] for r in own if _npl(r) > 0)
    assert sorted(n for n, _ in total.koperasi_npl) == expected
    assert total.tanpa_tutup_buku == 0 and total.koperasi_tanpa_tutup_buku == ()


def _npl(row: dict[str, object]) -> Decimal:
    fs = build_statements(row["kop"], YEAR)
    return fs.calk.pinjaman.npl if fs.calk.pinjaman else Decimal(0)


def test_malformed_duplicated_and_invalid_exports_are_each_reported_by_name(books, tmp_path):
    folder = tmp_path / "masuk"
    shutil.copytree(books["exports"], folder)
    first = folder / "ekspor-24.json"
    shutil.copy(first, folder / "salinan-ekspor-24.json")  # the same koperasi and year again
    (folder / "rusak.json").write_text('{"skema": "kopledger-ekspor/1", ', encoding="utf-8")
    doc = json.loads(first.read_text(encoding="utf-8"))
    wrong = copy.deepcopy(doc)
    wrong["koperasi"]["badan_hukum"] = "AHU-lain"
    wrong["laporan"]["neraca"]["total"]["total_aset"] = "12,5"
    wrong["anggota"]["perempuan"]["akhir"] = -3
    (folder / "salah-skema.json").write_text(json.dumps(wrong), encoding="utf-8")
    unbalanced = copy.deepcopy(doc)
    unbalanced["koperasi"]["badan_hukum"] = "AHU-timpang"
    unbalanced["laporan"]["neraca"]["total"]["total_aset"] = "1"
    (folder / "timpang.json").write_text(json.dumps(unbalanced), encoding="utf-8")
    result = CliRunner().invoke(main, ["agregat", str(folder), "--format", "json"])
    assert result.exit_code == 1
    figures = json.loads(result.stdout)
    problems = {Path(m["berkas"]).name: m["pesan"] for m in figures["masalah"]}
    assert set(problems) == {"rusak.json", "salah-skema.json", "timpang.json"}
    # an identical copy is not a problem: counted once, and named among the files skipped
    skipped = {Path(m["berkas"]).name: m["pesan"] for m in figures["dilewati"]}
    assert set(skipped) == {"salinan-ekspor-24.json"}
    assert "identik" in skipped["salinan-ekspor-24.json"] and "ekspor-24.json" in skipped["salinan-ekspor-24.json"]
    assert "bukan JSON" in problems["rusak.json"]
    assert "2 kesalahan" in problems["salah-skema.json"]
    assert "tidak seimbang" in problems["timpang.json"]
    for name in problems:
        assert name in result.stderr
    # the duplicate is not counted twice: the figures are those of the three koperasi
    assert figures["jumlah_koperasi"] == 3
    assert figures["total"] == _expected(books["own"])


def test_parquet_tables_hold_money_as_decimal_and_one_row_per_koperasi(books, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["agregat", str(books["exports"]), "--out", str(out), "--laporan", "html",
                                       "--laporan", "xlsx"])
    assert result.exit_code == 0, result.output
    con = duckdb.connect()
    for table in ("koperasi", "neraca", "phu", "anggota", "pinjaman", "kesehatan"):
        assert (out / f"{table}.parquet").is_file()
    rows = con.execute(f"SELECT nama, total_aset FROM '{out / 'koperasi.parquet'}' ORDER BY nama").fetchall()
    assert sorted((n, a) for n, a in rows) == sorted((r["nama"], r["total_aset"]) for r in books["own"])
    kinds = {r[0]: r[1] for r in con.execute(f"DESCRIBE SELECT * FROM '{out / 'neraca.parquet'}'").fetchall()}
    assert kinds["jumlah"] == "DECIMAL(38,4)"
    lines = con.execute(f"SELECT COUNT(*) FROM '{out / 'neraca.parquet'}'").fetchone()[0]
    assert lines == sum(len(build_statements(r["kop"], YEAR).neraca.lines) for r in books["own"])
    html = (out / "laporan-wilayah-2024.html").read_text(encoding="utf-8")
    assert "Kabupaten Sukabumi" in html and "Kota Sukabumi" in html
    assert "<Anggrek>" not in html
    assert "<svg" in html  # the charts, drawn by the template from the report's chart data
    for chart in ("dinas-aset", "dinas-anggota", "dinas-kelas-aset"):
        assert f'id="{chart}"' in html
    assert "Simpanan anggota" in html.split('id="dinas-aset"', 1)[1]  # a series of the chart, by name
    from openpyxl import load_workbook

    book = load_workbook(out / "laporan-wilayah-2024.xlsx")
    sheet = book["Per wilayah"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    total_row = next(v for v in values if v[0] == "Jumlah seluruhnya")
    assert total_row[1] == 3 and Decimal(str(total_row[2])) == sum(r["total_aset"] for r in books["own"])


def test_partitioned_layout_by_provinsi_and_tahun(books, tmp_path):
    out = tmp_path / "nasional"
    result = agregat([books["exports"]], out, partisi=True)
    assert (out / "koperasi" / "provinsi=Jawa%20Barat" / "tahun=2024").is_dir()  # hive layout, value escaped
    con = duckdb.connect()
    rows = con.execute(
        f"SELECT provinsi, tahun, COUNT(*) FROM read_parquet('{out}/koperasi/*/*/*.parquet', hive_partitioning = true)"
        " GROUP BY ALL"
    ).fetchall()
    assert rows == [("Jawa Barat", 2024, 3)] and result.jumlah_koperasi == 3


def test_export_is_valid_carries_the_sidik_and_nothing_assessed_is_invented(books):
    for row in books["own"]:
        document = build_export(row["kop"], YEAR)
        assert schema_errors(document) == []
        assert document["skema"] == schema()["properties"]["skema"]["const"]
        assert document["tutup_buku"] == {"ditutup": True, "sidik": closed_years(row["kop"])[YEAR]}
        assert document["koperasi"]["wilayah"] == dict(zip(("provinsi", "kabupaten_kota", "kecamatan"), row["wilayah"],
                                                           strict=True))
        assessment = assess(row["kop"], YEAR)
        health = document["kesehatan"]
        # no questionnaire answers in generated books: no predikat, no skor, and what is missing named
        assert assessment.predikat is None and assessment.lengkap is False
        assert health == {"dinilai": False, "predikat": None, "skor": None, "aspek": [], "lengkap": False,
                          "alasan": "belum dapat ditetapkan: belum ada " + ", ".join(assessment.kurang)}
        assert "prinsip-demokratis" in health["alasan"]
        fs = build_statements(row["kop"], YEAR)
        assert document["laporan"]["phu"]["total"]["shu"] == format(fs.phu.total("shu"), "f")
        assert [b["kode"] for b in document["laporan"]["neraca"]["baris"]] == [line.kode for line in fs.neraca.lines]
    # the schema itself refuses an invented health figure without an assessment
    invented = build_export(books["own"][0]["kop"], YEAR)
    invented["kesehatan"].update(predikat="Sehat", skor="90.00")  # dinilai false: a predikat is invented
    assert any(e.startswith("kesehatan") for e in schema_errors(invented))
    # and a predikat outside Permenkop 9/2020's four categories is refused too
    invented["kesehatan"].update(dinilai=True, lengkap=True, alasan=None, predikat="Kurang Sehat")
    assert any(e.startswith("kesehatan") for e in schema_errors(invented))
    invented["kesehatan"].update(predikat="Dalam Pengawasan Khusus")
    assert schema_errors(invented) == []


def test_only_a_closed_year_is_exported_unless_provisional(books, tmp_path):
    ledger = books["own"][0]["ledger"]
    runner = CliRunner()
    refused = runner.invoke(main, ["ekspor", str(ledger), "--tahun", "2025"])
    assert refused.exit_code == 2 and "belum ditutup" in refused.output
    out = tmp_path / "sementara.json"
    ok = runner.invoke(main, ["export", str(ledger), "--tahun", "2025", "--sementara", "--out", str(out)])
    assert ok.exit_code == 0, ok.output
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["sementara"] is True and document["tutup_buku"] == {"ditutup": False, "sidik": None}
    # aggregated with the others' 2025? no: alone for 2025, listed as without a closed year
    result = agregat([out], None)
    assert result.tahun == 2025 and result.total.koperasi_tanpa_tutup_buku == (KOPERASI[0][1],)


def test_reports_render_in_every_format_with_names_escaped(books, tmp_path):
    folder = tmp_path / "masuk"
    shutil.copytree(books["exports"], folder)
    provisional = json.loads((folder / "ekspor-24.json").read_text(encoding="utf-8"))
    provisional["sementara"] = True
    provisional["tutup_buku"] = {"ditutup": False, "sidik": None}
    (folder / "ekspor-24.json").write_text(json.dumps(provisional), encoding="utf-8")
    result = agregat([folder], None)
    assert result.total.koperasi_tanpa_tutup_buku == ("Koperasi <Anggrek> & Co",)
    html = render_agregat(result, "html")
    assert isinstance(html, str)
    assert "Koperasi &lt;Anggrek&gt; &amp; Co" in html and "<Anggrek>" not in html
    english = render_agregat(result, "html", lang="en")
    assert 'lang="en"' in english
    text = render_agregat(result, "txt")
    assert "Kota Sukabumi" in text
    xlsx = render_agregat(result, "xlsx")
    assert isinstance(xlsx, bytes) and xlsx[:2] == b"PK"
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:
        pytest.skip(f"PDF needs WeasyPrint and Pango, missing here: {exc}")
    pdf = render_agregat(result, "pdf")
    assert isinstance(pdf, bytes) and pdf.startswith(b"%PDF")


def _java() -> str | None:
    java = shutil.which("java") or ("/usr/bin/java" if os.path.exists("/usr/bin/java") else None)
    if java is None:
        return None
    probe = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)
    return java if probe.returncode == 0 else None


def test_the_same_aggregation_on_local_spark_gives_identical_figures(books, tmp_path):
    try:
        import pyspark  # noqa: F401
    except ImportError:
        pytest.skip("pyspark is not installed (pip install 'kopledger[spark]'): the Spark engine cannot run here")
    if _java() is None:
        pytest.skip("no Java runtime (java -version fails): local Spark cannot start here")
    on_duckdb = agregat([books["exports"]], None, ambang_npl=Decimal(0))
    # Spark reads the national layout: Parquet partitioned by provinsi and tahun
    on_spark = agregat([books["exports"]], tmp_path / "nasional", ambang_npl=Decimal(0), engine="spark", partisi=True)
    assert on_spark.mesin == "spark" and on_duckdb.mesin == "duckdb"
    assert on_spark.total == on_duckdb.total
    assert on_spark.per_wilayah == on_duckdb.per_wilayah
    assert agregat_json(on_spark) == agregat_json(on_duckdb)


def test_a_missing_file_is_reported_and_a_bad_threshold_is_a_usage_error(tmp_path):
    runner = CliRunner()
    missing = tmp_path / "tidak-ada.json"
    result = runner.invoke(main, ["aggregate", str(missing), "--format", "json"])
    assert result.exit_code == 1
    figures = json.loads(result.stdout)
    assert figures["jumlah_koperasi"] == 0 and figures["per_wilayah"] == []
    assert figures["masalah"] == [{"berkas": str(missing), "pesan": "berkas atau folder tidak ditemukan"}]
    bad = runner.invoke(main, ["agregat", str(missing), "--ambang-npl", "lima"])
    assert bad.exit_code == 2 and "--ambang-npl" in bad.output


def test_amounts_beyond_sixteen_digits_stay_exact(books, tmp_path):
    document = json.loads((books["exports"] / "ekspor-10.json").read_text(encoding="utf-8"))
    big = scaled(document, Decimal("1000000000000.0001"))  # every amount × 10^12.0001: 21 digits and 4 decimals
    (tmp_path / "besar.json").write_text(json.dumps(big), encoding="utf-8")
    shutil.copy(books["exports"] / "ekspor-24.json", tmp_path / "biasa.json")
    other = books["own"][1]
    figures = agregat_json(agregat([tmp_path], None))
    assert figures["masalah"] == []
    aset = Decimal(big["laporan"]["neraca"]["total"]["total_aset"])
    assert len(str(aset)) > 20 and aset != aset.to_integral_value()
    assert figures["total"]["total_aset"] == money(aset + other["total_aset"])
    assert figures["total"]["simpanan"] == money(Decimal(big["simpanan"]["jumlah"]) + other["simpanan"])


def scaled(document: dict[str, Any], factor: Decimal) -> dict[str, Any]:
    """The same export with every amount × ``factor``: every sum, balance and ratio still holds."""
    doc = copy.deepcopy(document)

    def times(value: str) -> str:
        with decimal.localcontext(WIDE):
            return format(Decimal(value) * factor, "f")

    for statement in doc["laporan"].values():
        statement["total"] = {k: times(v) for k, v in statement["total"].items()}
        for line in statement["baris"]:
            line["jumlah"], line["jumlah_pembanding"] = times(line["jumlah"]), times(line["jumlah_pembanding"])
    shu = doc["shu"]
    if shu["dihitung"]:
        for key in ("shu", "sisa_pembulatan", "total_jasa_modal", "total_jasa_usaha", "shu_non_anggota"):
            shu[key] = times(shu[key])
        for part in shu["alokasi"]:
            part["jumlah"] = times(part["jumlah"])
    doc["simpanan"] = {k: times(v) for k, v in doc["simpanan"].items()}
    loans = doc["pinjaman"]
    for key in ("total_saldo", "ppap_wajib", "ppap_tercatat"):
        loans[key] = times(loans[key])
    for cls in loans["per_kolektibilitas"]:
        cls["saldo"], cls["ppap"] = times(cls["saldo"]), times(cls["ppap"])
    return doc
