"""The ledger's vocabulary: every tag, link and metadata name kopledger reads or writes.

The ledger language is a contract with users (docs/ledger-language.md): these names are
spelled here once, and every module imports them from here.
"""

from __future__ import annotations

# --- tags -------------------------------------------------------------------------------
TAG_SIMPANAN_POKOK = "simpanan-pokok"
TAG_SIMPANAN_WAJIB = "simpanan-wajib"
TAG_SIMPANAN_SUKARELA = "simpanan-sukarela"
TAG_SIMPANAN_BERJANGKA = "simpanan-berjangka"
TAG_ANGGOTA_KELUAR = "anggota-keluar"
TAG_PINJAMAN_CAIR = "pinjaman-cair"
TAG_ANGSURAN = "angsuran"
TAG_PPAP = "ppap"
TAG_SHU_ALOKASI = "shu-alokasi"
TAG_SHU_BAYAR = "shu-bayar"
#: Prefix of the tags of opening-balance transactions (``#saldo-awal``, ``#saldo-awal-2024``…).
TAG_SALDO_AWAL = "saldo-awal"
#: Prefix of a year's closing tag: ``#tutup-buku-2025``.
TAG_TUTUP_BUKU = "tutup-buku"


def tag_tutup_buku(year: int) -> str:
    """The tag of a year's closing entries (``tutup-buku-2025``)."""
    return f"{TAG_TUTUP_BUKU}-{year}"


def link_shu(year: int) -> str:
    """The link of a year's SHU allocation and payments (``shu-2025``)."""
    return f"shu-{year}"


def year_of_shu_link(link: str) -> int | None:
    """The year of an SHU link (``shu-2025`` → 2025), or None for any other link."""
    prefix, _, year = link.partition("-")
    if prefix == "shu" and len(year) == 4 and year.isdigit():
        return int(year)
    return None


# --- metadata on transactions and postings -----------------------------------------------
META_ANGGOTA = "anggota"
#: On a year file's opening (``#saldo-awal-Y+1``): each year's SHU not yet allocated at the closed
#: year's end (``"2023=5973594 2024=..."``), so the notes of later year files break "SHU belum
#: dibagi" down by year as one long file does, without loading every older archive.
META_SHU_TAHUN = "shu-tahun"
META_BULAN = "bulan"
META_PINJAMAN = "pinjaman"
META_ALASAN = "alasan"

# --- metadata on ``open`` directives (the account catalogue) ------------------------------
META_KODE = "kode"
META_NAMA = "nama"
META_JANGKA = "jangka"
META_ARUS_KAS = "arus-kas"
META_UNIT = "unit"

# --- metadata on custom directives ---------------------------------------------------------
META_SIDIK = "sidik"
META_AKUN = "akun"
META_METODE = "metode"
META_TAHUN = "tahun"
META_TEMPAT = "tempat"
