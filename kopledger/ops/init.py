"""Start a new koperasi ledger (``kop init``): header, policies, SHU split and chart."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from kopledger.books.bagan_akun import MEMBER_PARENT_KODE, STANDARD_CHART
from kopledger.core.errors import InputError, Pesan
from kopledger.core.roots import MemberKind, Roots

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
    from kopledger.present.render import render

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
    return render(
        "init/buku.beancount.j2",
        {
            "nama": nama.strip(),
            "today": today or dt.date.today(),
            "start": start,
            "roots": roots,
            "MemberKind": MemberKind,
            "badan_hukum": badan_hukum,
            "alamat": alamat,
            "jenis": jenis,
            "pokok": pokok,
            "wajib": wajib,
            "alokasi": DEFAULT_ALLOCATION,
            "chart": chart,
            "member_parents": sorted(member_parents, key=lambda line: line.kode),
        },
    )


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
    from beancount import loader

    from kopledger.core.errors import LedgerHasErrors

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
    from kopledger.ops.writer import create_file

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
