"""Loading the books: ``Koperasi.load`` with Indonesian and English roots, the register,
policies in force, and member balances at a date (cross-checked with bean-query)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from pathlib import Path

import beanquery
import pytest

from kopledger import InputError, Koperasi, MemberBalance, MemberKind, Roots
from tests.conftest import HEADER_ID, load_doc

HEADER_EN = """\
option "title" "Koperasi English"
option "operating_currency" "IDR"
plugin "kopledger.plugin"

2020-01-01 open Assets:Kas IDR
2020-01-01 open Income:Anggota:JasaPinjaman IDR
2020-01-01 custom "kebijakan" "simpanan-pokok" 100000 IDR
2020-01-01 custom "kebijakan" "simpanan-wajib" 25000 IDR
"""

BOOKS = '''
2020-01-01 custom "koperasi" "Koperasi Wanita Mawar"
  badan-hukum: "AHU-0001234.AH.01.26.2020"
  alamat: "Jl. Mawar 1, Sukabumi"
  jenis: "simpan-pinjam"
2020-01-01 custom "pengurus" "ketua" "Ibu Ratna"
2020-01-01 custom "pengurus" "bendahara" "Ibu Wati"
2024-07-01 custom "kebijakan" "simpanan-wajib" 30000 IDR
2024-07-01 custom "kebijakan" "pembulatan" "terdekat"
2020-01-01 open {li}:UtangBank IDR

2024-01-05 custom "anggota" "A0001" "Siti Aminah"
  nik: "3202011234567890"
  jenis-kelamin: "P"
  alamat: "Kp. Cibeureum"
  telepon: "0812-1111-2222"
2024-01-05 * "Simpanan pokok A0001" #simpanan-pokok
  anggota: "A0001"
  {kas}  100000 IDR
  {eq}:SimpananPokok:A0001  -100000 IDR
2024-02-10 custom "anggota" "A0002" "Budi Santoso"
  jenis-kelamin: "L"
2024-02-10 * "Simpanan pokok A0002" #simpanan-pokok
  anggota: "A0002"
  {kas}  100000 IDR
  {eq}:SimpananPokok:A0002  -100000 IDR
2024-03-10 * "Simpanan wajib Maret 2024" #simpanan-wajib
  anggota: "A0001"
  bulan: "2024-03"
  {kas}  25000 IDR
  {eq}:SimpananWajib:A0001  -25000 IDR
2024-03-15 * "Setor sukarela" #simpanan-sukarela
  anggota: "A0002"
  {kas}  40000 IDR
  {li}:SimpananSukarela:A0002  -40000 IDR
2024-04-01 * "Pinjaman" #pinjaman-cair
  anggota: "A0001"
  pinjaman: "PJ-2024-001"
  {as}:Piutang:PinjamanAnggota:A0001  600000 IDR
  {kas}  -265000 IDR
  {li}:UtangBank  -335000 IDR
2024-05-01 * "Angsuran 1" #angsuran
  anggota: "A0001"
  pinjaman: "PJ-2024-001"
  {kas}  110000 IDR
  {as}:Piutang:PinjamanAnggota:A0001  -100000 IDR
  {inc}:Anggota:JasaPinjaman  -10000 IDR
2024-06-30 custom "anggota-keluar" "A0002"
  alasan: "pindah"
2024-06-30 * "Anggota keluar A0002" #anggota-keluar
  anggota: "A0002"
  {eq}:SimpananPokok:A0002  100000 IDR
  {li}:SimpananAnggotaKeluar:A0002  -100000 IDR
2024-07-10 * "Tarik sukarela A0002"
  anggota: "A0002"
  {li}:SimpananSukarela:A0002  15000 IDR
  {kas}  -15000 IDR
'''

ROOTS = {
    "id": dict(kas="Aset:Kas", eq="Ekuitas", li="Liabilitas", inc="Pendapatan", **{"as": "Aset"}),
    "en": dict(kas="Assets:Kas", eq="Equity", li="Liabilities", inc="Income", **{"as": "Assets"}),
}


@pytest.fixture(params=["id", "en"])
def books(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, Path]:
    lang = request.param
    header = HEADER_ID if lang == "id" else HEADER_EN
    path = tmp_path / "buku.beancount"
    path.write_text(header + BOOKS.format(**ROOTS[lang]), encoding="utf-8")
    return lang, path


def test_load_reads_identity_register_and_roots(books: tuple[str, Path]) -> None:
    lang, path = books
    kop = Koperasi.load(path)
    assert kop.errors == []
    assert kop.path == path
    expected_roots = Roots() if lang == "id" else Roots("Assets", "Liabilities", "Equity", "Income", "Expenses")
    assert kop.roots == expected_roots
    assert kop.roots.member_account(MemberKind.WAJIB, "A0001") == f"{ROOTS[lang]['eq']}:SimpananWajib:A0001"
    assert kop.currency == "IDR"
    assert kop.info is not None
    assert (kop.info.nama, kop.info.jenis, kop.info.badan_hukum) == (
        "Koperasi Wanita Mawar", "simpan-pinjam", "AHU-0001234.AH.01.26.2020")
    assert kop.title == "Koperasi Wanita Mawar"
    assert {o.role: o.nama for o in kop.officers} == {"ketua": "Ibu Ratna", "bendahara": "Ibu Wati"}

    siti, budi = kop.members["A0001"], kop.members["A0002"]
    assert (siti.nama, siti.tanggal_masuk, siti.tanggal_keluar) == ("Siti Aminah", dt.date(2024, 1, 5), None)
    assert (siti.nik, siti.jenis_kelamin, siti.alamat, siti.telepon) == (
        "3202011234567890", "P", "Kp. Cibeureum", "0812-1111-2222")
    assert siti.meta["lineno"] > 0 and siti.meta["filename"] == str(path.resolve())
    assert (budi.tanggal_keluar, budi.alasan_keluar) == (dt.date(2024, 6, 30), "pindah")
    assert [m.id for m in kop.active_members(dt.date(2024, 6, 29))] == ["A0001", "A0002"]
    assert [m.id for m in kop.active_members(dt.date(2024, 6, 30))] == ["A0001"]
    assert kop.active_members(dt.date(2024, 1, 4)) == []
    assert kop.period() == (dt.date(2024, 1, 5), dt.date(2024, 7, 10))
    assert kop.years() == [2024]
    assert len(kop.transactions) == 8


def test_policies_in_force_at_a_date(books: tuple[str, Path]) -> None:
    kop = Koperasi.load(books[1])
    assert kop.policies.amount("simpanan-wajib", dt.date(2024, 6, 30)) == 25000
    assert kop.policies.amount("simpanan-wajib", dt.date(2024, 7, 1)) == 30000
    assert kop.policies.amount("simpanan-wajib", dt.date(2019, 12, 31)) is None
    june, july = kop.policies_at(dt.date(2024, 6, 30)), kop.policies_at(dt.date(2024, 7, 1))
    assert (june["pembulatan"], july["pembulatan"]) == ("bawah", "terdekat")  # default, then set
    assert july["simpanan-pokok"].number == 100000
    assert july["ppap-macet"] == 100  # default
    assert kop.policies.value("shu-anggota-keluar", dt.date(2024, 7, 1)) == "tidak"


def test_member_balances_by_kind_at_a_date(books: tuple[str, Path]) -> None:
    kop = Koperasi.load(books[1])
    assert kop.member_balance("A0001", dt.date(2024, 1, 4)) == MemberBalance("A0001")
    assert kop.member_balance("A0001", dt.date(2024, 3, 31)) == MemberBalance(
        "A0001", pokok=Decimal(100000), wajib=Decimal(25000))
    siti = kop.member_balance("A0001")
    assert (siti.pokok, siti.wajib, siti.sukarela, siti.pinjaman) == (100000, 25000, 0, 500000)
    assert siti.modal == 125000 and siti.simpanan == 125000
    budi_before = kop.member_balance("A0002", dt.date(2024, 6, 29))
    assert (budi_before.pokok, budi_before.sukarela, budi_before.keluar) == (100000, 40000, 0)
    budi = kop.member_balance("A0002")
    assert (budi.pokok, budi.sukarela, budi.keluar) == (0, 25000, 100000)
    with pytest.raises(InputError, match="anggota tidak dikenal: 'A0404'"):
        kop.member_balance("A0404")


def _bean_query_member_balances(path: Path, date: dt.date, roots: Roots) -> dict[tuple[str, MemberKind], Decimal]:
    """Independent oracle: bean-query's sums of member accounts up to ``date``."""
    connection = beanquery.connect("beancount:" + str(path))
    assert connection.errors == []
    rows = connection.execute(
        f"SELECT account, sum(number) AS total WHERE date <= {date.isoformat()} "
        "AND currency = 'IDR' GROUP BY account"
    ).fetchall()
    result: dict[tuple[str, MemberKind], Decimal] = {}
    for account, total in rows:
        split = roots.split_member_account(account)
        if split is not None and total:
            kind, member_id = split
            result[(member_id, kind)] = total if kind is MemberKind.PINJAMAN else -total
    return result


def _ours(kop: Koperasi, date: dt.date) -> dict[tuple[str, MemberKind], Decimal]:
    fields = {MemberKind.POKOK: "pokok", MemberKind.WAJIB: "wajib", MemberKind.SUKARELA: "sukarela",
              MemberKind.BERJANGKA: "berjangka", MemberKind.PINJAMAN: "pinjaman",
              MemberKind.UTANG_SHU: "utang_shu", MemberKind.KELUAR: "keluar"}
    result = {}
    for member_id, balance in kop.member_balances(date).items():
        for kind, name in fields.items():
            value = getattr(balance, name)
            if value:
                result[(member_id, kind)] = value
    return result


def test_member_balances_agree_with_bean_query(books: tuple[str, Path]) -> None:
    kop = Koperasi.load(books[1])
    for date in (dt.date(2024, 1, 4), dt.date(2024, 3, 10), dt.date(2024, 6, 30), dt.date(2025, 1, 1)):
        assert _ours(kop, date) == _bean_query_member_balances(books[1], date, kop.roots)


def _random_books(seed: int, members: int = 12, transactions: int = 300) -> str:
    """A ledger with random savings and loan movements that keeps every plugin rule."""
    rng = random.Random(seed)
    lines = []
    start = dt.date(2024, 1, 1)
    for i in range(members):
        join = start + dt.timedelta(days=i * 3)
        lines.append(f'{join} custom "anggota" "A{i:04d}" "Anggota {i}"')
        lines.append(f'{join} * "Pokok" #simpanan-pokok\n  anggota: "A{i:04d}"\n'
                     f"  Aset:Kas  100000 IDR\n  Ekuitas:SimpananPokok:A{i:04d}  -100000 IDR")
    sukarela = [0] * members
    for n in range(transactions):
        i = rng.randrange(members)
        date = start + dt.timedelta(days=40 + n)
        amount = rng.randrange(1, 500) * 1000
        mid = f"A{i:04d}"
        choice = rng.random()
        if choice < 0.4:
            lines.append(f'{date} * "Wajib"\n  anggota: "{mid}"\n  Aset:Kas  {amount} IDR\n'
                         f"  Ekuitas:SimpananWajib:{mid}  -{amount} IDR")
        elif choice < 0.7 or sukarela[i] == 0:
            sukarela[i] += amount
            lines.append(f'{date} * "Sukarela"\n  anggota: "{mid}"\n  Aset:Kas  {amount} IDR\n'
                         f"  Liabilitas:SimpananSukarela:{mid}  -{amount} IDR")
        else:
            take = min(amount, sukarela[i])
            sukarela[i] -= take
            lines.append(f'{date} * "Tarik"\n  anggota: "{mid}"\n  Liabilitas:SimpananSukarela:{mid}  {take} IDR\n'
                         f"  Aset:Kas  -{take} IDR")
        if rng.random() < 0.1:
            lines.append(f'{date} * "Pinjaman"\n  anggota: "{mid}"\n  Aset:Piutang:PinjamanAnggota:{mid}  {amount} IDR\n'
                         f"  Aset:Kas  -{amount} IDR")
    return HEADER_ID + "\n" + "\n".join(lines) + "\n"


@pytest.mark.parametrize("seed", [1, 2])
def test_random_books_member_balances_agree_with_bean_query(seed: int, tmp_path: Path) -> None:
    path = tmp_path / "acak.beancount"
    path.write_text(_random_books(seed), encoding="utf-8")
    kop = Koperasi.load(path)
    assert kop.errors == []
    last = kop.period()[1]
    dates = [dt.date(2024, 1, 10), dt.date(2024, 3, 1), dt.date(2024, 6, 15), last]
    for date in dates:
        ours = _ours(kop, date)
        assert ours == _bean_query_member_balances(path, date, kop.roots)
    assert ours  # the oracle compared something


def test_load_never_uses_beancounts_pickle_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """kopledger's own cache (kopledger/books/load/cache.py) replaces beancount's, which is keyed on file times."""
    from beancount import loader

    monkeypatch.setattr(loader, "PICKLE_CACHE_THRESHOLD", 0)
    loader.initialize(use_cache=True)
    try:
        path = tmp_path / "buku.beancount"
        path.write_text(HEADER_ID + BOOKS.format(**ROOTS["id"]), encoding="utf-8")
        first = Koperasi.load(path)
        assert not (tmp_path / ".buku.beancount.picklecache").exists()
        second = Koperasi.load(path)
        assert second.members == first.members and second.entries == first.entries
    finally:
        monkeypatch.undo()
        loader.initialize(use_cache=True)


def test_from_string_and_load_agree(tmp_path: Path) -> None:
    text = HEADER_ID + BOOKS.format(**ROOTS["id"])
    path = tmp_path / "b.beancount"
    path.write_text(text, encoding="utf-8")
    assert Koperasi.from_string(text).member_balances() == Koperasi.load(path).member_balances()


def test_include_files_are_loaded(tmp_path: Path) -> None:
    (tmp_path / "anggota.beancount").write_text(
        '2024-01-05 custom "anggota" "A0001" "Siti"\n', encoding="utf-8")
    main = tmp_path / "buku.beancount"
    main.write_text(HEADER_ID + 'include "anggota.beancount"\n2024-01-06 * "Wajib"\n'
                    "  Aset:Kas  25000 IDR\n  Ekuitas:SimpananWajib:A0001  -25000 IDR\n", encoding="utf-8")
    kop = Koperasi.load(main)
    assert kop.errors == []
    assert kop.member_balance("A0001").wajib == 25000
    assert kop.members["A0001"].meta["filename"] == str(tmp_path / "anggota.beancount")


# --- bad input ----------------------------------------------------------------------


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"berkas buku tidak ditemukan: .*nope\.beancount"):
        Koperasi.load(tmp_path / "nope.beancount")


def test_folder_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="adalah folder"):
        Koperasi.load(tmp_path)


def test_syntax_error_is_reported_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "buku.beancount"
    path.write_text(HEADER_ID + "2024-01-05 * \"Rusak\"\n  Aset:Kas  25000 IDR IDR\n", encoding="utf-8")
    kop = Koperasi.load(path)
    assert kop.errors
    assert kop.errors[0].source["filename"] == str(path.resolve())
    assert kop.errors[0].source["lineno"] == len(HEADER_ID.splitlines()) + 2


def test_ledger_without_the_plugin_says_how_to_add_it(tmp_path: Path) -> None:
    path = tmp_path / "buku.beancount"
    path.write_text('option "operating_currency" "IDR"\n2024-01-01 open Assets:Cash\n', encoding="utf-8")
    kop = Koperasi.load(path)
    assert len(kop.errors) == 1
    assert 'tambahkan baris: plugin "kopledger.plugin"' in kop.errors[0].message
    assert kop.errors[0].source == {"filename": str(path.resolve()), "lineno": 1}


def test_from_string_of_small_doc() -> None:
    kop = load_doc('2024-01-05 custom "anggota" "A0001" "Siti"\n')
    assert kop.errors == [] and kop.period() is None and kop.years() == []
    assert kop.member_balances() == {}


def test_the_api_doc_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    import re

    text = (Path(__file__).resolve().parent.parent / "docs" / "api.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks
    exec(compile(blocks[0], "docs/api.md", "exec"), {})
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "Koperasi Contoh 2025-01-06 2025-02-10",
        "Siti Aminah 6 Januari 2025",
        "Rp100.000 Rp25.000 Rp125.000",
        "25000 IDR",
        "Ekuitas:SimpananWajib:A0001",
        "['A0001']",
    ]
