"""The web desk (kopledger.fava) through Fava's own Flask test client.

Pages on the example koperasi show the same figures as the CLI's JSON; forms preview,
write through the one safe writer, refuse bad input with the CLI's message next to the
field, and refuse forged requests without writing anything.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fava.application import create_app
from flask.testing import FlaskClient

from kopledger import Koperasi
from kopledger.books.periode import Periode
from kopledger.cli import main
from kopledger.present.formatting import akuntansi, angka, persen, rupiah

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "mawar" / "buku.beancount"
SLUG = "koperasi-wanita-mawar-sukabumi"
BASE = f"/{SLUG}/extension/KopLedger/"


def cli_json(*args: str) -> Any:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def client_for(path: Path) -> FlaskClient:
    app = create_app([str(path)], load=True)
    app.testing = True
    return app.test_client()


def extension(client: FlaskClient) -> Any:
    app = client.application
    ledger = app.config["LEDGERS"].ledgers[0]
    return ledger.extensions.get_extension("KopLedger")


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("mawar")
    shutil.copy(EXAMPLE, folder / "buku.beancount")
    return folder / "buku.beancount"


@pytest.fixture(scope="module")
def client(example: Path) -> FlaskClient:
    return client_for(example)


def text_of(response: Any) -> str:
    body: str = response.get_data(as_text=True)
    return body


def get(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(BASE + url)
    assert response.status_code == status, text_of(response)[:2000]
    return text_of(response)


# --- the extension is found and computes once per load -------------------------------------------------
def test_the_example_enables_the_extension_and_fava_finds_it(client: FlaskClient) -> None:
    assert 'custom "fava-extension" "kopledger.fava"' in EXAMPLE.read_text(encoding="utf-8")
    app = client.application
    ledger = app.config["LEDGERS"].ledgers[0]
    assert not ledger.extensions.errors
    assert [d.report_title for d in ledger.extensions.extension_details] == ["Koperasi"]


def test_books_are_built_once_per_fava_load(example: Path) -> None:
    client = client_for(example)
    ext = extension(client)
    for url in ("", "anggota", "shu?tahun=2025", "anggota?id=A0001", "portofolio"):
        get(client, url)
    assert ext.muatan == 1
    # a reload by Fava (what happens after a write) builds them once again
    ext.ledger.load_file()
    get(client, "")
    get(client, "anggota")
    assert ext.muatan == 2


# --- pages: the CLI's figures ---------------------------------------------------------------------------
def test_dashboard_shows_the_cli_figures(client: FlaskClient, example: Path) -> None:
    page = get(client, "?tahun=2025")
    shu = cli_json("shu", str(example), "--tahun", "2025", "--format", "json")
    assert rupiah(Decimal(shu["shu"])) in page
    porto = cli_json("pinjaman", "portofolio", str(example), "--per", "2025-12-31", "--format", "json")
    assert rupiah(Decimal(porto["total_saldo"])) in page
    assert persen(Decimal(porto["npl"])) in page
    arrears = cli_json("simpanan", "tunggakan", str(example), "--per", "2025-12-31", "--format", "json")
    assert rupiah(sum((Decimal(a["jumlah"]) for a in arrears["tunggakan"]), Decimal(0))) in page
    members = cli_json("anggota", "daftar", str(example), "--per", "2025-12-31", "--format", "json")["anggota"]
    active = [m for m in members if m["status"] == "aktif"]
    assert re.search(rf'id="anggota">\s*<h3>Anggota aktif</h3>\s*<div class="besar">{len(active)}</div>', page)
    women = sum(1 for m in active if m["jenis_kelamin"] == "P")
    assert f"Perempuan {angka(women)}" in page
    total = sum((Decimal(m[k]) for m in members for k in ("pokok", "wajib", "sukarela", "berjangka")), Decimal(0))
    assert rupiah(total) in page
    # health and RAT warnings: the same assessment and warnings as kop kesehatan and the RAT pack
    health = cli_json("kesehatan", str(example), "--tahun", "2025", "--format", "json")
    # the example has no questionnaire: no predikat (Permenkop 9/2020), the same as kop kesehatan
    assert health["predikat"] is None and health["lengkap"] is False
    assert re.search(r'id="kesehatan-belum">Belum dapat ditetapkan<', page)
    warnings = cli_json("rat", str(example), "--tahun", "2025", "--format", "json", "--diam")["peringatan"]
    shown = re.findall(r'data-peringatan="([a-z-]+)"', page)
    assert shown == [w["kode"] for w in warnings] and "shu-belum-dibagi" in shown
    # links to everything
    for link in ("anggota", "shu?tahun=2025", "laporan?tahun=2025&amp;jenis=neraca", "portofolio?tahun=2025",
                 "tunggakan?tahun=2025", "unduhan?tahun=2025"):
        assert f'href="{BASE}{link}"' in page


def test_dashboard_of_a_running_year_marks_the_shu_sementara(example: Path) -> None:
    from kopledger.fava.halaman import Buku, dasbor

    buku = Buku(Koperasi.load(example))
    data = dasbor(buku, 2025, dt.date(2025, 6, 30))
    result = data["shu_berjalan"].nilai
    assert result.sementara
    assert data["per"] == dt.date(2025, 6, 29) and data["sementara"]  # the last day that has passed
    assert dasbor(buku, 2024, dt.date(2025, 6, 30))["shu_berjalan"].nilai.sementara is False


def test_member_list_is_searchable(client: FlaskClient, example: Path) -> None:
    members = cli_json("anggota", "daftar", str(example), "--format", "json")["anggota"]
    page = get(client, "anggota")
    for m in members[:5]:
        assert f"?id={m['id']}" in page and rupiah(Decimal(m["sukarela"])) in page
    name = members[3]["nama"]
    found = get(client, f"anggota?q={name.split()[0].lower()}")
    assert name in found
    assert members[0]["nama"] not in found or members[0]["nama"].split()[0] == name.split()[0]
    assert "0 dari" in get(client, "anggota?q=tidak-ada-yang-begini")


def test_member_page_has_card_loans_and_shu(client: FlaskClient, example: Path) -> None:
    from kopledger.ops.loans.entries import loans

    kop = Koperasi.load(example)
    borrower = next(loan.anggota for loan in loans(kop))
    page = get(client, f"anggota?id={borrower}")
    card = cli_json("simpanan", "kartu", str(example), "--anggota", borrower, "--format", "json")[0]
    for kind in card["simpanan"]:
        assert rupiah(Decimal(kind["saldo_akhir"])) in page
        for row in kind["baris"][-3:]:
            assert rupiah(Decimal(row["saldo"])) in page
    statuses = cli_json("pinjaman", "daftar", str(example), "--semua", "--format", "json")
    mine = [s for s in statuses if s["anggota"] == borrower]
    assert mine
    for s in mine:
        assert s["id"] in page
    assert "Jatuh tempo" in page  # the schedule table
    shu = cli_json("shu", str(example), "--tahun", "2025", "--format", "json")
    share = next(m for m in shu["anggota"] if m["id"] == borrower)
    assert rupiah(Decimal(share["jumlah"])) in page
    assert f"berkas=slip.html&amp;tahun=2025&amp;anggota={borrower}" in page


def test_unknown_member_is_a_clear_400(client: FlaskClient) -> None:
    page = get(client, "anggota?id=X9999", status=400)
    assert "anggota tidak dikenal: &#39;X9999&#39;" in page


def test_shu_page_matches_the_cli(client: FlaskClient, example: Path) -> None:
    page = get(client, "shu?tahun=2025")
    shu = cli_json("shu", str(example), "--tahun", "2025", "--format", "json")
    for part in shu["alokasi"]:
        assert rupiah(Decimal(part["jumlah"])) in page
    for m in shu["anggota"]:
        assert f"?id={m['id']}" in page
    assert rupiah(sum((Decimal(m["jumlah"]) for m in shu["anggota"]), Decimal(0))) in page


@pytest.mark.parametrize("jenis", ["neraca", "phu", "ekuitas", "arus-kas", "calk"])
def test_statement_pages_match_the_cli(client: FlaskClient, example: Path, jenis: str) -> None:
    page = get(client, f"laporan?tahun=2025&jenis={jenis}")
    data = cli_json("laporan", str(example), "--tahun", "2025", "--jenis", jenis, "--format", "json")
    key = next(k for k in data if k.replace("_", "-") == jenis)
    statement = data[key]
    lines = [line for line in statement.get("lines", []) if line.get("jenis") != "bagian"]
    if jenis == "ekuitas":  # SAK EP: a table of components, each row with its total
        lines = [{"label": row["label"], "jumlah": row["jumlah"]} for row in statement["tabel"] if row["jumlah"] != "0"]
        for row in statement["tabel"]:
            for amount in row["per_kolom"].values():
                if amount != "0":
                    assert akuntansi(Decimal(amount)) in page.replace("&nbsp;", " "), (row["label"], amount)
    assert lines or jenis == "calk"
    shown = page.replace("&nbsp;", " ")
    for line in lines:
        assert line["label"].replace("&", "&amp;") in shown
        value = Decimal(line["jumlah"])
        assert akuntansi(value) in shown or akuntansi(-value) in shown, line


def test_bad_statement_kind_is_refused(client: FlaskClient) -> None:
    assert "laporan tidak dikenal" in get(client, "laporan?tahun=2025&jenis=rugi", status=400)


def test_portfolio_and_arrears_match_the_cli(client: FlaskClient, example: Path) -> None:
    page = get(client, "portofolio?tahun=2025")
    porto = cli_json("pinjaman", "portofolio", str(example), "--per", "2025-12-31", "--format", "json")
    assert rupiah(Decimal(porto["ppap_wajib"])) in page
    for loan_id in porto["tunggakan"]:
        assert loan_id in page
    page = get(client, "tunggakan?tahun=2025")
    arrears = cli_json("simpanan", "tunggakan", str(example), "--per", "2025-12-31", "--format", "json")
    for a in arrears["tunggakan"]:
        assert f"?id={a['id']}" in page and rupiah(Decimal(a["jumlah"])) in page


def test_downloads(client: FlaskClient) -> None:
    page = get(client, "unduhan?tahun=2025")
    for berkas in ("rat.html", "rat.pdf", "laporan.pdf", "laporan.xlsx", "slip.html", "kartu.html"):
        assert f"berkas={berkas}" in page
    rat = client.get(BASE + "unduh?berkas=rat.html&tahun=2025")
    assert rat.status_code == 200 and rat.mimetype == "text/html"
    assert 'filename="rat-2025.html"' in rat.headers["Content-Disposition"]
    assert "Laporan Pertanggungjawaban" in text_of(rat)
    xlsx = client.get(BASE + "unduh?berkas=laporan.xlsx&tahun=2025")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    slip = client.get(BASE + "unduh?berkas=slip.html&tahun=2025&anggota=A0001")
    assert slip.status_code == 200 and "A0001" in text_of(slip)
    assert client.get(BASE + "unduh?berkas=semua.exe").status_code == 400


def test_pdf_downloads(client: FlaskClient) -> None:
    pytest.importorskip("weasyprint", reason="PDF needs WeasyPrint (pip install 'kopledger[pdf]')")
    from kopledger.present.output import html_to_pdf

    try:
        html_to_pdf("<p>x</p>")
    except Exception as exc:  # pragma: no cover - depends on the machine's Pango
        pytest.skip(f"WeasyPrint cannot render here ({exc}); make test installs Pango as root")
    pdf = client.get(BASE + "unduh?berkas=laporan.pdf&tahun=2025")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_english_when_favas_language_is_english(tmp_path: Path) -> None:
    path = tmp_path / "buku.beancount"
    path.write_text(EXAMPLE.read_text(encoding="utf-8") + '\n2016-03-12 custom "fava-option" "language" "en"\n',
                    encoding="utf-8")
    client = client_for(path)
    page = get(client, "?tahun=2025")
    assert "Active members" in page and "Anggota aktif" not in page
    assert "Register a new member" in get(client, "anggota")


# --- forms: preview, write, bad input, forged requests ---------------------------------------------------
@pytest.fixture
def books(tmp_path: Path) -> Iterator[tuple[Path, FlaskClient]]:
    path = tmp_path / "buku.beancount"
    shutil.copy(EXAMPLE, path)
    yield path, client_for(path)


@pytest.fixture(scope="module")
def untouched(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, FlaskClient]:
    """Books shared by the tests of refused requests: each checks that nothing was written."""
    path = tmp_path_factory.mktemp("refused") / "buku.beancount"
    shutil.copy(EXAMPLE, path)
    return path, client_for(path)


def token_of(page: str) -> str:
    match = re.search(r'name="token" value="([^"]+)"', page)
    assert match, page[:2000]
    return match.group(1)


def nonce_of(page: str) -> str:
    match = re.search(r'name="nonce" value="([^"]+)"', page)
    assert match, page[:2000]
    return match.group(1)


def post(client: FlaskClient, endpoint: str, fields: dict[str, str], *, aksi: str = "pratinjau",
         token: str | None = None, headers: dict[str, str] | None = None) -> Any:
    """Send a form as the browser does: a fresh form page (its token and one-time nonce), then the
    POST, following the redirect to the page of what was written (Post/Redirect/Get)."""
    page = get(client, endpoint)
    if token is None:
        token = token_of(page)
    return client.post(
        BASE + endpoint, data={**fields, "token": token, "nonce": nonce_of(page), "aksi": aksi},
        headers=headers if headers is not None else {"Origin": "http://localhost"}, follow_redirects=True,
    )


def test_deposit_preview_then_write(books: tuple[Path, FlaskClient]) -> None:
    path, client = books
    before = path.read_bytes()
    fields = {"anggota": "A0001", "jumlah": "75000", "tanggal": "2026-01-05", "jenis": "sukarela", "bukti": "KW-0917"}
    preview = post(client, "setor", fields)
    assert preview.status_code == 200
    page = html.unescape(text_of(preview))
    assert "Pratinjau" in page and "Aset:Kas" in page and "75000 IDR" in page and 'bukti: "KW-0917"' in page
    assert path.read_bytes() == before  # a preview writes nothing
    written = post(client, "setor", fields, aksi="tulis")
    assert written.status_code == 200, text_of(written)[:2000]
    assert 'id="ditulis"' in text_of(written)
    kop = Koperasi.load(path)
    assert kop.errors == []
    txn = kop.transactions[-1] if kop.transactions[-1].meta.get("bukti") else next(
        t for t in kop.transactions if t.meta.get("bukti") == "KW-0917")
    assert txn.meta["bukti"] == "KW-0917" and txn.meta["anggota"] == "A0001"
    assert kop.member_balance("A0001").sukarela == Koperasi.load(EXAMPLE).member_balance("A0001").sukarela + 75000
    # Fava reloaded: the member page already shows the new balance
    assert rupiah(kop.member_balance("A0001").sukarela) in get(client, "anggota?id=A0001")
    # the same bukti again is refused next to its field
    again = post(client, "setor", fields)
    assert again.status_code == 400 and 'id="salah-bukti"' in text_of(again)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"jumlah": "50.000"}, "jumlah", "tulis rupiah bulat tanpa titik atau koma"),
        ({"jumlah": "-5"}, "jumlah", "jumlah harus lebih dari nol"),
        ({"jumlah": ""}, "jumlah", "wajib diisi"),
        ({"tanggal": "30-12-2025"}, "tanggal", "tulis YYYY-MM-DD"),
        ({"tanggal": "2099-01-01"}, "tanggal", "ada di masa depan"),
        ({"anggota": "X9999"}, "anggota", "anggota tidak dikenal"),
        ({"jenis": "emas"}, "jenis", "bukan salah satu dari"),
        ({"bukti": 'a"b'}, "bukti", "tidak boleh memuat tanda kutip"),
    ],
)
def test_deposit_bad_input_shows_the_message_by_the_field_and_writes_nothing(
    untouched: tuple[Path, FlaskClient], fields: dict[str, str], field: str, message: str
) -> None:
    path, client = untouched
    before = path.read_bytes()
    base = {"anggota": "A0001", "jumlah": "75000", "tanggal": "2026-01-05", "jenis": "sukarela", "bukti": ""}
    for aksi in ("pratinjau", "tulis"):
        response = post(client, "setor", {**base, **fields}, aksi=aksi)
        assert response.status_code == 400
        page = text_of(response)
        match = re.search(rf'<span class="salah" id="salah-{field}">(.*?)</span>', page, re.S)
        assert match and message in match.group(1).replace("&#39;", "'"), page[-3000:]
    assert path.read_bytes() == before


def test_withdrawal_over_the_balance_is_refused(untouched: tuple[Path, FlaskClient]) -> None:
    path, client = untouched
    before = path.read_bytes()
    response = post(client, "tarik", {"anggota": "A0001", "jumlah": "999999999", "tanggal": "2026-01-05",
                                      "jenis": "sukarela", "bukti": ""}, aksi="tulis")
    assert response.status_code == 400
    assert re.search(r'id="salah-jumlah">penarikan Rp999\.999\.999 melebihi saldo', text_of(response))
    assert path.read_bytes() == before
    pokok = post(client, "tarik", {"anggota": "A0001", "jumlah": "1000", "tanggal": "2026-01-05", "jenis": "pokok"})
    assert pokok.status_code == 400 and 'id="salah-jenis"' in text_of(pokok)


def test_add_member_with_nik_and_gender(books: tuple[Path, FlaskClient]) -> None:
    path, client = books
    fields = {"id": "B0001", "nama": "Dewi Lestari", "nik": "3202011234567899", "jenis_kelamin": "P",
              "tanggal": "2026-01-05", "alamat": "Sukabumi", "telepon": "", "bukti": ""}
    bad = post(client, "tambah-anggota", {**fields, "nik": "12345"}, aksi="tulis")
    assert bad.status_code == 400 and re.search(r'id="salah-nik">[^<]*NIK harus 16 angka', text_of(bad))
    taken = post(client, "tambah-anggota", {**fields, "id": "A0001"}, aksi="tulis")
    assert taken.status_code == 400 and re.search(r'id="salah-id">[^<]*sudah terdaftar', text_of(taken))
    gender = post(client, "tambah-anggota", {**fields, "jenis_kelamin": "X"})
    assert gender.status_code == 400 and 'id="salah-jenis_kelamin"' in text_of(gender)
    assert post(client, "tambah-anggota", fields).status_code == 200
    assert post(client, "tambah-anggota", fields, aksi="tulis").status_code == 200
    kop = Koperasi.load(path)
    member = kop.members["B0001"]
    assert (member.nik, member.jenis_kelamin) == ("3202011234567899", "P")
    assert kop.member_balance("B0001").pokok == 100000
    assert "Dewi Lestari" in get(client, "anggota?q=dewi")


def test_post_a_months_wajib(books: tuple[Path, FlaskClient]) -> None:
    path, client = books
    arrears = cli_json("simpanan", "tunggakan", str(path), "--per", "2026-01-31", "--format", "json")["tunggakan"]
    owing = [a["id"] for a in arrears if "2026-01" in a["bulan"]]
    assert owing  # the example's books end in 2025: every active member owes January 2026
    response = post(client, "wajib", {"bulan": "2026-01", "tanggal": "2026-01-31", "bukti": ""}, aksi="tulis")
    assert response.status_code == 200, text_of(response)[-2000:]
    after = cli_json("simpanan", "tunggakan", str(path), "--per", "2026-01-31", "--format", "json")["tunggakan"]
    assert not [a for a in after if "2026-01" in a["bulan"]]
    again = post(client, "wajib", {"bulan": "2026-01", "tanggal": "2026-01-31", "bukti": ""})
    assert "Tidak ada yang perlu ditulis" in text_of(again)
    bad = post(client, "wajib", {"bulan": "2025-13", "tanggal": "", "bukti": ""})
    assert bad.status_code == 400 and 'id="salah-bulan"' in text_of(bad)


def test_loan_disbursement_and_instalment(books: tuple[Path, FlaskClient]) -> None:
    path, client = books
    fields = {"anggota": "A0001", "pokok": "3000000", "bunga": "12", "tenor": "10", "metode": "flat",
              "tanggal": "2026-01-02", "jatuh_tempo": "", "biaya_admin": "", "provisi": "", "bukti": "PJ-BUKTI-1"}
    too_high = post(client, "cair", {**fields, "bunga": "999"})
    assert too_high.status_code == 400 and 'id="salah-bunga"' in text_of(too_high)
    response = post(client, "cair", fields, aksi="tulis")
    assert response.status_code == 200, text_of(response)[-2000:]
    from kopledger.ops.loans.entries import loans

    loan = next(loan for loan in loans(Koperasi.load(path)) if loan.anggota == "A0001" and loan.tanggal == dt.date(2026, 1, 2))
    paid = post(client, "angsuran", {"pinjaman": loan.id, "jumlah": "330000", "tanggal": "2026-02-02", "denda": "",
                                     "bukti": ""}, aksi="tulis")
    assert paid.status_code == 200, text_of(paid)[-2000:]
    statuses = cli_json("pinjaman", "daftar", str(path), "--per", "2026-02-28", "--format", "json")
    status = next(s for s in statuses if s["id"] == loan.id)
    assert Decimal(status["pokok_dibayar"]) == 300000
    unknown = post(client, "angsuran", {"pinjaman": "PJ-1999-001", "jumlah": "1000", "tanggal": "2026-02-02",
                                        "denda": "", "bukti": ""})
    assert unknown.status_code == 400 and 'id="salah-pinjaman"' in text_of(unknown)


@pytest.mark.parametrize(
    "forge",
    ["no-token", "wrong-token", "other-origin", "other-referer", "no-origin-no-referer", "null-origin", "get"],
)
def test_forged_requests_are_refused_and_write_nothing(untouched: tuple[Path, FlaskClient], forge: str) -> None:
    path, client = untouched
    before = path.read_bytes()
    token = token_of(get(client, "setor"))
    fields = {"anggota": "A0001", "jumlah": "75000", "tanggal": "2026-01-05", "jenis": "sukarela", "bukti": "",
              "aksi": "tulis"}
    headers = {"Origin": "http://localhost"}
    if forge == "get":
        response = client.get(BASE + "setor", query_string={**fields, "token": token})
        assert response.status_code == 200 and 'id="ditulis"' not in text_of(response)
        assert path.read_bytes() == before
        return
    if forge == "no-token":
        data = fields
    elif forge == "wrong-token":
        data = {**fields, "token": "x" * 43}
    else:
        data = {**fields, "token": token}
        headers = {
            "other-origin": {"Origin": "http://evil.example"},
            "other-referer": {"Referer": "http://evil.example/page"},
            "no-origin-no-referer": {},
            "null-origin": {"Origin": "null"},
        }[forge]
    response = client.post(BASE + "setor", data=data, headers=headers)
    assert response.status_code == 403
    assert "tidak ada yang ditulis" in text_of(response)
    assert path.read_bytes() == before


def test_a_token_from_another_session_is_refused(untouched: tuple[Path, FlaskClient]) -> None:
    path, client = untouched
    before = path.read_bytes()
    other = client_for(path)
    stolen = token_of(get(other, "setor"))
    get(client, "setor")  # this browser has its own session token
    fields = {"anggota": "A0001", "jumlah": "75000", "tanggal": "2026-01-05", "jenis": "sukarela", "bukti": ""}
    response = post(client, "setor", fields, aksi="tulis", token=stolen)
    assert response.status_code == 403
    assert path.read_bytes() == before


def test_kop_init_writes_the_extension_line_and_fava_loads_it(tmp_path: Path) -> None:
    from kopledger.ops.init import create_ledger

    path = create_ledger(tmp_path, "Koperasi Baru", start=dt.date(2025, 1, 1))
    assert '2025-01-01 custom "fava-extension" "kopledger.fava"' in path.read_text(encoding="utf-8")
    client = client_for(path)
    page = client.get("/koperasi-baru/extension/KopLedger/")
    assert page.status_code == 200 and "Anggota aktif" in text_of(page)


def test_health_and_warnings_come_from_one_function(example: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kopledger.fava import halaman
    from kopledger.reports.peringatan import Peringatan

    seen: list[int] = []

    def assessed(kop: Koperasi, periode: Periode) -> halaman.KesehatanPeringatan:
        tahun = periode.tahun
        seen.append(tahun)
        return halaman.KesehatanPeringatan(tahun, predikat="Cukup Sehat", skor=Decimal("72.5"), lengkap=True,
                                           peringatan=(Peringatan("rugi", {"jumlah": Decimal(1500)}, tahun),))

    monkeypatch.setattr(halaman, "_kesehatan_dan_peringatan", assessed)
    page = get(client_for(example), "?tahun=2025")
    assert seen == [2025]
    assert "Cukup Sehat" in page and "72,5" in page and "Rp1.500" in page
    assert 'data-peringatan="rugi"' in page and "Sementara" not in page


def test_health_download_is_the_kop_kesehatan_document(example: Path) -> None:
    client = client_for(example)
    response = client.get(f"{BASE}unduh?berkas=kesehatan.html&tahun=2025")
    assert response.status_code == 200
    cli = CliRunner().invoke(main, ["kesehatan", str(example), "--tahun", "2025", "--format", "html"])
    assert cli.exit_code == 0 and response.get_data(as_text=True).strip() == cli.output.strip()


def test_books_with_errors_show_them_and_forms_write_nothing(tmp_path: Path) -> None:
    path = tmp_path / "buku.beancount"
    text = EXAMPLE.read_text(encoding="utf-8")
    path.write_text(text + "\n2025-12-31 * \"Tidak seimbang\"\n  Aset:Kas  1000 IDR\n  Aset:Bank:BRI  -999 IDR\n",
                    encoding="utf-8")
    client = client_for(path)
    page = get(client, "")
    assert "Buku berisi kesalahan" in page and "buku.beancount:" in page
    before = path.read_bytes()
    assert 'id="formulir"' not in get(client, "setor")  # no form over books with errors
    cookie = client.get_cookie("kopledger_token")
    assert cookie is not None
    from kopledger.fava.keamanan import _tanda

    nonce = "n" * 24 + "." + _tanda(cookie.value, "n" * 24)  # what the form would carry
    response = client.post(BASE + "setor", data={"anggota": "A0001", "jumlah": "75000", "tanggal": "2026-01-05",
                                                 "jenis": "sukarela", "bukti": "", "aksi": "tulis",
                                                 "token": cookie.value, "nonce": nonce},
                           headers={"Origin": "http://localhost"})
    assert response.status_code == 400
    assert path.read_bytes() == before


def test_input_parsing_names_every_bad_field_at_once() -> None:
    from kopledger.core.errors import InputError
    from kopledger.fava.formulir import FORMULIR, MasukanSalah, baca_masukan, pesan_per_isian

    form = FORMULIR["cair"]
    with pytest.raises(MasukanSalah) as caught:
        baca_masukan(form, {"anggota": "A0001", "pokok": "5.000.000", "bunga": "dua", "tenor": "12x",
                            "metode": "bunga-berbunga", "tanggal": "kemarin"})
    assert set(caught.value.per_isian) == {"pokok", "bunga", "tenor", "metode", "tanggal"}
    values = baca_masukan(form, {"anggota": "A0001", "pokok": "5000000", "bunga": "18", "tenor": "12",
                                 "metode": "flat", "tanggal": "2026-01-02"})
    assert values["pokok"] == Decimal(5000000) and values["tenor"] == 12 and values["jatuh_tempo"] is None
    # a library message listing several problems goes line by line to the fields
    member = FORMULIR["tambah-anggota"]
    message = ("anggota tidak bisa didaftarkan; tidak ada yang ditulis:\n  B1: NIK harus 16 angka, tertulis '1'\n"
               "  B1: jenis_kelamin harus P atau L, tertulis 'X'")
    per_field = pesan_per_isian(member, InputError(message))
    assert per_field["nik"] == ["B1: NIK harus 16 angka, tertulis '1'"]
    assert per_field["jenis_kelamin"] == ["B1: jenis_kelamin harus P atau L, tertulis 'X'"]
    assert per_field[""] == ["anggota tidak bisa didaftarkan; tidak ada yang ditulis:"]
