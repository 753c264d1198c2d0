"""One file per year (the "arsip" layout) and the witness of closed years.

A year file starts with ``custom "arsip" "YEAR" "PATH"`` (dated the first day of the new
year) naming the closed file of YEAR, its content hash (``sha256``), the sidik of YEAR
(``sidik``), every lock of the closed chain (``rantai``) and the fingerprint of what the
new file carries dated up to YEAR's end (``sidik-bawaan``). See docs/tutup-buku.md.
"""

from __future__ import annotations

from typing import Any

from kopledger.chain import Verification, lock_state, verify_year


def verify_witness(kop: Any, year: int, sidik: str) -> Verification:
    """The books of ``kop`` against the ``sidik`` printed for ``year`` (``kop verifikasi``)."""
    return verify_year(kop.entries, kop.options, year, sidik)


def closed_sidik(kop: Any, *, until: int | None = None) -> dict[int, str]:
    """The sidik of every closed year these books know, up to ``until`` (printed as the witness)."""
    state = lock_state(kop.entries)
    return {
        year: str(lock.meta.get("sidik")) for year, lock in sorted(state.aktif.items())
        if until is None or year <= until
    }
