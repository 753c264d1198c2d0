"""Warnings as data: a code naming the message and the values that fill it.

Every layer may produce them (the SHU, the notes, the RAT); templates word them
(``templates/peringatan.j2``), so the figures never carry sentences.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Peringatan:
    """Something the reader must know: ``kode`` names the message, ``nilai`` fills it.

    Codes of the notes: ``komoditas-lain`` (``komoditas``: [{``komoditas``, ``jumlah_akun``}]),
    ``selisih-pembulatan`` (``jumlah``, ``mata_uang``), ``tanpa-kode`` (``jumlah_akun``),
    ``pinjaman-tidak-terbaca`` (``jumlah``, ``lokasi``: the first error's file:line).
    """

    kode: str
    nilai: dict[str, Any] = field(default_factory=dict)
    #: The tahun buku a RAT warning concerns (:func:`kopledger.reports.peringatan.peringatan`); None elsewhere.
    tahun: int | None = None
