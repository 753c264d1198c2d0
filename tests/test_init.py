"""``kop init``: a new ledger with header, chart (kode), policies and a valid SHU split."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from beancount.core import data
from click.testing import CliRunner

from kopledger import InputError, Koperasi, Roots
from kopledger.books.bagan_akun import STANDARD_CHART
from kopledger.cli import main
from kopledger.ops.init import ENGLISH_ROOTS, create_ledger, new_ledger_text


def test_kop_init_writes_books_that_load_with_zero_errors(tmp_path: Path) -> None:
    folder = tmp_path / "kop-mawar"
    result = CliRunner().invoke(main, ["init", str(folder), "--nama", "Koperasi Wanita Mawar",
                                       "--mulai", "2025-01-01", "--alamat", "Sukabumi"])
    assert result.exit_code == 0, result.output
    path = folder / "buku.beancount"
    assert str(path) in result.output
    kop = Koperasi.load(path)
    assert kop.errors == []
    assert kop.title == "Koperasi Wanita Mawar"
    assert kop.info is not None and kop.info.alamat == "Sukabumi"
    assert kop.roots == Roots()
    assert ('kopledger.plugin', None) in kop.options["plugin"]
    day = dt.date(2025, 1, 1)
    assert kop.policies.amount("simpanan-pokok", day) == 100000
    assert kop.policies.amount("simpanan-wajib", day) == 25000
    split = kop.shu_split(day)
    assert split is not None and split.total == 100
    opens = {e.account: e for e in kop.entries if isinstance(e, data.Open)}
    for account in STANDARD_CHART:
        name = account.name(kop.roots)
        assert name in opens, name
        assert opens[name].meta["kode"] == account.kode
        assert opens[name].currencies == ["IDR"]
    # every opened account of the chart has a kode, and the kodes are distinct
    kodes = [e.meta["kode"] for e in opens.values()]
    assert len(kodes) == len(set(kodes))
    # then `kop cek` agrees
    check = CliRunner().invoke(main, ["cek", str(path)])
    assert check.exit_code == 0 and check.output.startswith("OK: Koperasi Wanita Mawar — 0 anggota")


def test_the_standard_chart_matches_design_kodes() -> None:
    by_name = {a.name(Roots()): a.kode for a in STANDARD_CHART}
    for name, kode in [("Aset:Kas", "1-101"), ("Aset:Piutang:PenyisihanPinjaman", "1-119"),
                       ("Aset:Persediaan", "1-130"), ("Aset:AsetTetap:AkumulasiPenyusutan", "1-169"),
                       ("Liabilitas:DanaSHU:Pengurus", "2-121"), ("Liabilitas:Pajak", "2-140"),
                       ("Liabilitas:UtangBank", "2-150"), ("Ekuitas:Cadangan:Umum", "3-201"),
                       ("Ekuitas:SHU:TahunBerjalan", "3-301"), ("Ekuitas:SHU:BelumDibagi", "3-302"),
                       ("Beban:PokokPenjualan", "5-101"), ("Beban:Pajak", "5-901")]:
        assert by_name[name] == kode


def test_init_with_english_roots_loads(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["init", str(tmp_path), "--nama", "Kop", "--akun-inggris",
                                       "--simpanan-pokok", "50000", "--simpanan-wajib", "10000"])
    assert result.exit_code == 0, result.output
    kop = Koperasi.load(tmp_path / "buku.beancount")
    assert kop.errors == []
    assert kop.roots == ENGLISH_ROOTS
    assert "Assets:Kas" in {e.account for e in kop.entries if isinstance(e, data.Open)}
    start = dt.date(dt.date.today().year, 1, 1)
    assert kop.policies.amount("simpanan-pokok", start) == 50000
    assert kop.policies.amount("simpanan-wajib", start) == 10000


def test_a_member_can_be_added_to_new_books(tmp_path: Path) -> None:
    path = create_ledger(tmp_path, "Kop", start=dt.date(2025, 1, 1))
    with open(path, "a", encoding="utf-8") as handle:
        handle.write('\n2025-02-01 custom "anggota" "A0001" "Siti"\n'
                     '2025-02-01 * "Simpanan pokok" #simpanan-pokok\n  anggota: "A0001"\n'
                     "  Aset:Kas  100000 IDR\n  Ekuitas:SimpananPokok:A0001  -100000 IDR\n")
    kop = Koperasi.load(path)
    assert kop.errors == []
    assert kop.member_balance("A0001").pokok == Decimal(100000)


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "buku.beancount"
    path.write_text("; my precious books\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["init", str(tmp_path), "--nama", "Kop"])
    assert result.exit_code == 2
    assert "sudah ada" in result.stderr and "tidak pernah menimpa buku" in result.stderr
    assert path.read_text(encoding="utf-8") == "; my precious books\n"
    with pytest.raises(InputError, match="sudah ada; kop init tidak pernah menimpa buku"):
        create_ledger(tmp_path, "Kop", start=dt.date(2025, 1, 1))


def test_init_into_a_file_path_is_a_usage_error(tmp_path: Path) -> None:
    target = tmp_path / "file.txt"
    target.write_text("x", encoding="utf-8")
    assert CliRunner().invoke(main, ["init", str(target), "--nama", "Kop"]).exit_code == 2
    with pytest.raises(InputError, match="adalah berkas, bukan folder"):
        create_ledger(target, "Kop", start=dt.date(2025, 1, 1))


@pytest.mark.parametrize("nama", ['Kop "Mawar"', "Kop\nMawar", "Kop \\ Mawar", "  "])
def test_unsafe_names_are_refused(nama: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["init", str(tmp_path), "--nama", nama])
    assert result.exit_code == 2
    assert not (tmp_path / "buku.beancount").exists()


def test_requires_a_name(tmp_path: Path) -> None:
    assert CliRunner().invoke(main, ["init", str(tmp_path)]).exit_code == 2


def test_bad_start_date_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["init", str(tmp_path), "--nama", "Kop", "--mulai", "31-12-2025"])
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.stderr


def test_template_text_is_deterministic() -> None:
    kwargs = dict(start=dt.date(2025, 1, 1), today=dt.date(2025, 1, 2))
    text = new_ledger_text("Kop", **kwargs)
    assert text == new_ledger_text("Kop", **kwargs)
    assert text.startswith(";; Buku besar Kop — dibuat oleh kop init pada 2025-01-02.")
    assert 'plugin "kopledger.plugin"' in text
    assert "&" not in text.replace("&&", "")  # a text template: nothing HTML-escaped
    assert "Ekuitas:SimpananPokok:<ID>" in text  # the member sub-accounts are documented


def test_init_dry_run_prints_the_ledger_and_writes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "baru"
    result = CliRunner().invoke(main, ["init", str(folder), "--nama", "Koperasi Uji", "--mulai", "2025-01-01", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert 'option "title" "Koperasi Uji"' in result.stdout
    assert "tidak ditulis" in result.stderr
    assert not (folder / "buku.beancount").exists()
    # what the dry run printed is exactly what a real run writes, and it loads clean
    real = CliRunner().invoke(main, ["init", str(folder), "--nama", "Koperasi Uji", "--mulai", "2025-01-01"])
    assert real.exit_code == 0, real.output
    written = (folder / "buku.beancount").read_text(encoding="utf-8")
    assert written == result.stdout
    assert Koperasi.load(folder / "buku.beancount").errors == []


def test_create_file_never_overwrites_and_leaves_no_temp(tmp_path: Path) -> None:
    from kopledger.ops.writer import create_file

    path = tmp_path / "a.beancount"
    path.write_text("lama\n", encoding="utf-8")
    with pytest.raises(InputError, match="sudah ada"):
        create_file(path, "baru\n")
    assert path.read_text(encoding="utf-8") == "lama\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.beancount"]
