"""Start a new koperasi ledger (``kop init``): header, policies, SHU split and chart, as
beancount text (plain text; no template)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from beancount import loader

from kopledger.books.bagan_akun import MEMBER_PARENT_KODE, STANDARD_CHART
from kopledger.books.katalog import kode_key
from kopledger.core.errors import InputError, LedgerHasErrors, Pesan
from kopledger.core.roots import MemberKind, Roots
from kopledger.ops.writer import create_file

#: A valid sample SHU split (sums to exactly 100).
DEFAULT_ALLOCATION: tuple[tuple[str, Decimal], ...] = (
    ("cadangan", Decimal(25)),
    ("jasa-modal", Decimal(20)),
    ("jasa-usaha", Decimal(30)),
    ("dana-pengurus", Decimal(10)),
    ("dana-karyawan", Decimal(5)),
    ("dana-pendidikan", Decimal(5)),
    ("dana-sosial", Decimal(5)),
)

#: The file name ``kop init`` writes.
LEDGER_NAME = "buku.beancount"

#: English root names (``kop init --akun-inggris``).
ENGLISH_ROOTS = Roots("Assets", "Liabilities", "Equity", "Income", "Expenses")


@dataclass(frozen=True)
class ChartLine:
    """One line of the chart as the template prints it."""

    name: str
    kode: str
    nama: str


def _check_text(label: str, value: str) -> None:
    if any(ch in value for ch in '"\\\n\r'):
        raise InputError.pesan(
            "{label} {nilai!r} tidak boleh memuat tanda kutip ganda, garis miring terbalik atau pindah baris",
            hint="Pakai tanda kutip tunggal (') sebagai ganti tanda kutip ganda.",
            label=Pesan.label(label), nilai=value,
        )


def new_ledger_text(
    nama: str,
    *,
    start: dt.date,
    today: dt.date | None = None,
    roots: Roots | None = None,
    badan_hukum: str = "",
    alamat: str = "",
    jenis: str = "serba-usaha",
    pokok: int = 100_000,
    wajib: int = 25_000,
) -> str:
    """The text of a new ledger: header, koperasi, policies, SHU split and chart."""
    roots = roots or Roots()
    if not nama.strip():
        raise InputError.pesan("nama koperasi kosong; isi dengan --nama")
    for label, value in (("nama koperasi", nama), ("alamat", alamat), ("badan hukum", badan_hukum)):
        _check_text(label, value)
    if pokok < 0 or wajib < 0:
        raise InputError.pesan(
            "simpanan pokok dan wajib tidak boleh negatif; isi jumlah 0 atau lebih",
        )
    chart = [ChartLine(a.name(roots), a.kode, a.nama) for a in STANDARD_CHART]
    member_parents = [
        ChartLine(f"{roots.member_parent(kind)}:<ID>", *MEMBER_PARENT_KODE[kind.value])
        for kind in MemberKind
    ]
    day = start.isoformat()
    lines = [
        f";; Buku besar {nama.strip()} — dibuat oleh kop init pada {(today or dt.date.today()).isoformat()}.",
        ";; Format: beancount 3 (https://beancount.github.io). Bisa dibuka dengan Fava dan bean-query.",
        ";; Periksa buku kapan saja dengan: kop cek buku.beancount",
        ';; Akun per anggota (buku pembantu) dibuka otomatis oleh plugin kopledger dari directive "anggota".',
        "",
        f'option "title" "{nama.strip()}"',
        'option "operating_currency" "IDR"',
        f'option "name_assets" "{roots.aset}"',
        f'option "name_liabilities" "{roots.liabilitas}"',
        f'option "name_equity" "{roots.ekuitas}"',
        f'option "name_income" "{roots.pendapatan}"',
        f'option "name_expenses" "{roots.beban}"',
        'plugin "kopledger.plugin"',
        "",
        f'{day} custom "koperasi" "{nama.strip()}"',
        f'  badan-hukum: "{badan_hukum}"',
        f'  alamat: "{alamat}"',
        f'  jenis: "{jenis}"',
        "",
        ";; Meja kerja bendahara di peramban: pip install 'kopledger[web]', lalu fava buku.beancount",
        f'{day} custom "fava-extension" "kopledger.fava"',
        "",
        ";; ---- Kebijakan (AD/ART) ----------------------------------------------------",
        ";; Simpanan pokok dibayar sekali saat masuk; simpanan wajib per bulan.",
        f'{day} custom "kebijakan" "simpanan-pokok" {pokok} IDR',
        f'{day} custom "kebijakan" "simpanan-wajib" {wajib} IDR',
        "",
        ";; Pembagian SHU (keputusan RAT): semua baris bertanggal sama membentuk satu set,",
        ";; dan jumlahnya harus tepat 100.",
        *(f'{day} custom "shu-alokasi" "{component}" {percent}' for component, percent in DEFAULT_ALLOCATION),
        "",
        ";; ---- Bagan akun --------------------------------------------------------------",
        ";; kode mengurutkan baris laporan keuangan; nama adalah label akun.",
    ]
    for line in chart:
        lines += [f"{day} open {line.name} IDR", f'  kode: "{line.kode}"', f'  nama: "{line.nama}"']
    lines += ["", ";; Akun per anggota (dibuka otomatis oleh plugin; jangan ditulis sendiri):"]
    lines += [f";;   {line.name:<48} {line.kode}  {line.nama}"
              for line in sorted(member_parents, key=lambda line: kode_key(line.kode))]
    pokok_account = f"{roots.member_parent(MemberKind.POKOK)}:A0001"
    lines += [
        "",
        ";; ---- Anggota -----------------------------------------------------------------",
        ";; Contoh anggota baru (hapus tanda ;; untuk memakainya):",
        f';; {day} custom "anggota" "A0001" "Nama Lengkap"',
        ';;   nik: "3202XXXXXXXXXXXX"',
        ';;   jenis-kelamin: "P"',
        f';; {day} * "Simpanan pokok A0001" #simpanan-pokok',
        ';;   anggota: "A0001"',
        f";;   {roots.kas}  {pokok} IDR",
        f";;   {pokok_account}  -{pokok} IDR",
    ]
    return "\n".join(lines) + "\n"


def prepare_ledger(
    folder: Path,
    nama: str,
    *,
    start: dt.date,
    filename: str = LEDGER_NAME,
    today: dt.date | None = None,
    roots: Roots | None = None,
    badan_hukum: str = "",
    alamat: str = "",
    jenis: str = "serba-usaha",
    pokok: int = 100_000,
    wajib: int = 25_000,
) -> tuple[Path, str]:
    """The path and text of a new ledger, checked to load with zero errors; writes nothing.

    Refuses a folder that is a file and a ledger that already exists.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise InputError.pesan(
            "{folder} adalah berkas, bukan folder; sebutkan folder untuk buku baru",
            folder=folder,
        )
    path = folder / filename
    if path.exists():
        raise InputError.pesan(
            "{berkas} sudah ada; kop init tidak pernah menimpa buku",
            hint="Pilih folder lain, atau periksa buku yang ada dengan: kop cek {berkas}",
            berkas=path,
        )
    text = new_ledger_text(
        nama, start=start, today=today, roots=roots, badan_hukum=badan_hukum,
        alamat=alamat, jenis=jenis, pokok=pokok, wajib=wajib,
    )
    _, errors, _ = loader.load_string(text)
    if errors:
        raise LedgerHasErrors.pesan(
            "buku baru tidak lolos pemeriksaan; tidak ada yang ditulis:",
            errors,
        )
    return path, text


def create_ledger(
    folder: Path,
    nama: str,
    *,
    start: dt.date,
    filename: str = LEDGER_NAME,
    today: dt.date | None = None,
    roots: Roots | None = None,
    badan_hukum: str = "",
    alamat: str = "",
    jenis: str = "serba-usaha",
    pokok: int = 100_000,
    wajib: int = 25_000,
) -> Path:
    """Write a new ledger ``folder/filename`` (validated, atomic); never overwrites one."""
    path, text = prepare_ledger(
        folder, nama, start=start, filename=filename, today=today, roots=roots,
        badan_hukum=badan_hukum, alamat=alamat, jenis=jenis, pokok=pokok, wajib=wajib,
    )
    try:
        return create_file(path, text)
    except OSError as exc:
        raise InputError.pesan(
            "{berkas} tidak bisa ditulis: {sebab}; periksa izin foldernya",
            berkas=path, sebab=exc.strerror or exc,
        ) from None
