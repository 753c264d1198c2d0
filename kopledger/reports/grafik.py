"""A chart as data: the reports hold these; :mod:`kopledger.present.grafik` draws them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Grafik:
    """A chart as data: reports hold these, templates draw them (:func:`svg`, the
    ``grafik_svg`` global of the Jinja environment) in the reader's language.

    ``jenis`` is ``"batang"`` (bars: one group per ``label``, one series per ``seri``
    entry) or ``"lingkaran"`` (a donut: each ``seri`` entry ``(name, (value,))`` is a
    slice, shown with its share in percent). Series names are Indonesian and translated
    when drawn. ``satuan`` formats the values: ``"rupiah"`` or ``"orang"`` (whole numbers).
    """

    id: str
    judul: str
    jenis: str
    label: tuple[str, ...]
    seri: tuple[tuple[str, tuple[Decimal | int | None, ...]], ...]
    satuan: str = "rupiah"
    bertumpuk: bool = False
