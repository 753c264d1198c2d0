"""Start a new koperasi ledger (``kop init``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from kopledger.accounts import Roots
from kopledger.chart import STANDARD_CHART
from kopledger.errors import InputError

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


@dataclass(frozen=True)
class ChartLine:
    name: str
    kode: str
    nama: str


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
    from kopledger.render import render

    roots = roots or Roots()
    if '"' in nama or "\n" in nama:
        raise InputError("the koperasi name may not contain quotes or line breaks")
    chart = [ChartLine(a.name(roots), a.kode, a.nama) for a in STANDARD_CHART]
    return render(
        "init/buku.beancount.j2",
        {
            "nama": nama,
            "today": today or dt.date.today(),
            "start": start,
            "roots": roots,
            "badan_hukum": badan_hukum,
            "alamat": alamat,
            "jenis": jenis,
            "pokok": pokok,
            "wajib": wajib,
            "alokasi": DEFAULT_ALLOCATION,
            "chart": chart,
        },
    )


def create_ledger(folder: Path, nama: str, *, filename: str = "buku.beancount", **kwargs: object) -> Path:
    """Write a new ledger in ``folder``; refuses to overwrite an existing one."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / filename
    if path.exists():
        raise InputError(f"{path} already exists; kop init never overwrites a ledger")
    text = new_ledger_text(nama, **kwargs)  # type: ignore[arg-type]
    with open(path, "x", encoding="utf-8") as handle:
        handle.write(text)
    return path
