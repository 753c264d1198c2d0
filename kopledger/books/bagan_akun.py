"""The standard koperasi chart of accounts (DESIGN.md section 1) and SHU components.

`kop init` writes this chart; the example generator and the tests use it too. Each
account carries ``kode`` metadata, which orders the lines of the statements, and
``nama``, its Indonesian label.
"""

from __future__ import annotations

from dataclasses import dataclass

from kopledger.core.roots import Roots


@dataclass(frozen=True)
class ChartAccount:
    """One account of the standard chart: root key, path under the root, kode, label."""

    root: str  # one of: aset, liabilitas, ekuitas, pendapatan, beban
    path: str
    kode: str
    nama: str

    def name(self, roots: Roots) -> str:
        """Full account name under the ledger's own root names."""
        return f"{getattr(roots, self.root)}:{self.path}"


STANDARD_CHART: tuple[ChartAccount, ...] = (
    ChartAccount("aset", "Kas", "1-101", "Kas"),
    ChartAccount("aset", "Bank:BRI", "1-102", "Bank BRI"),
    ChartAccount("aset", "Piutang:PenyisihanPinjaman", "1-119", "Penyisihan Penghapusan Pinjaman"),
    ChartAccount("aset", "Piutang:Usaha", "1-120", "Piutang Usaha"),
    ChartAccount("aset", "Persediaan", "1-130", "Persediaan Barang"),
    ChartAccount("aset", "Penyertaan", "1-150", "Penyertaan"),
    ChartAccount("aset", "AsetTetap:Peralatan", "1-161", "Peralatan"),
    ChartAccount("aset", "AsetTetap:Kendaraan", "1-162", "Kendaraan"),
    ChartAccount("aset", "AsetTetap:Bangunan", "1-163", "Bangunan"),
    ChartAccount("aset", "AsetTetap:AkumulasiPenyusutan", "1-169", "Akumulasi Penyusutan"),
    ChartAccount("liabilitas", "DanaSHU:Pengurus", "2-121", "Dana Pengurus"),
    ChartAccount("liabilitas", "DanaSHU:Karyawan", "2-122", "Dana Karyawan"),
    ChartAccount("liabilitas", "DanaSHU:Pendidikan", "2-123", "Dana Pendidikan"),
    ChartAccount("liabilitas", "DanaSHU:Sosial", "2-124", "Dana Sosial"),
    ChartAccount("liabilitas", "DanaSHU:PembangunanDaerahKerja", "2-125", "Dana Pembangunan Daerah Kerja"),
    ChartAccount("liabilitas", "Pajak", "2-140", "Utang Pajak"),
    ChartAccount("liabilitas", "UtangBank", "2-150", "Utang Bank"),
    ChartAccount("ekuitas", "ModalPenyertaan", "3-103", "Modal Penyertaan"),
    ChartAccount("ekuitas", "Hibah", "3-104", "Hibah"),
    ChartAccount("ekuitas", "Cadangan:Umum", "3-201", "Cadangan Umum"),
    ChartAccount("ekuitas", "Cadangan:Risiko", "3-202", "Cadangan Risiko"),
    ChartAccount("ekuitas", "SHU:TahunBerjalan", "3-301", "SHU Tahun Berjalan"),
    ChartAccount("ekuitas", "SHU:BelumDibagi", "3-302", "SHU Belum Dibagi"),
    ChartAccount("pendapatan", "Anggota:Penjualan", "4-101", "Penjualan kepada Anggota"),
    ChartAccount("pendapatan", "Anggota:JasaPinjaman", "4-102", "Jasa Pinjaman Anggota"),
    ChartAccount("pendapatan", "Anggota:BiayaAdmin", "4-103", "Biaya Administrasi Pinjaman"),
    ChartAccount("pendapatan", "Anggota:Denda", "4-104", "Denda Keterlambatan"),
    ChartAccount("pendapatan", "NonAnggota:Penjualan", "4-201", "Penjualan kepada Non-Anggota"),
    ChartAccount("pendapatan", "Lain", "4-301", "Pendapatan Lain-lain"),
    ChartAccount("beban", "PokokPenjualan", "5-101", "Harga Pokok Penjualan"),
    ChartAccount("beban", "Usaha:Gaji", "5-201", "Beban Gaji Karyawan"),
    ChartAccount("beban", "Usaha:Listrik", "5-202", "Beban Listrik dan Air"),
    ChartAccount("beban", "Usaha:Sewa", "5-203", "Beban Sewa"),
    ChartAccount("beban", "Usaha:ATK", "5-204", "Beban Alat Tulis Kantor"),
    ChartAccount("beban", "Usaha:Penyusutan", "5-205", "Beban Penyusutan"),
    ChartAccount("beban", "Usaha:PenyisihanPinjaman", "5-206", "Beban Penyisihan Pinjaman"),
    ChartAccount("beban", "Usaha:BungaBank", "5-207", "Beban Bunga Bank"),
    ChartAccount("beban", "Usaha:Lain", "5-209", "Beban Usaha Lain-lain"),
    ChartAccount("beban", "Perkoperasian:RapatAnggota", "5-301", "Beban Rapat Anggota"),
    ChartAccount("beban", "Perkoperasian:Pembinaan", "5-302", "Beban Pembinaan Anggota"),
    ChartAccount("beban", "Perkoperasian:HonorPengurus", "5-303", "Honor Pengurus dan Pengawas"),
    ChartAccount("beban", "Pajak", "5-901", "Beban Pajak"),
)

#: ``kode`` of the parent lines of member (subsidiary) accounts.
MEMBER_PARENT_KODE = {
    "pokok": ("3-101", "Simpanan Pokok"),
    "wajib": ("3-102", "Simpanan Wajib"),
    "sukarela": ("2-101", "Simpanan Sukarela"),
    "berjangka": ("2-102", "Simpanan Berjangka"),
    "pinjaman": ("1-110", "Piutang Pinjaman Anggota"),
    "utang-shu": ("2-110", "Utang SHU Anggota"),
    "keluar": ("2-130", "Simpanan Anggota Keluar"),
}

#: Standard SHU components and the account (root key, path) each is credited to.
#: ``jasa-modal`` and ``jasa-usaha`` go to each member's ``UtangSHU`` account.
SHU_COMPONENTS: dict[str, tuple[str, str] | None] = {
    "cadangan": ("ekuitas", "Cadangan:Umum"),
    "jasa-modal": None,
    "jasa-usaha": None,
    "dana-pengurus": ("liabilitas", "DanaSHU:Pengurus"),
    "dana-karyawan": ("liabilitas", "DanaSHU:Karyawan"),
    "dana-pendidikan": ("liabilitas", "DanaSHU:Pendidikan"),
    "dana-sosial": ("liabilitas", "DanaSHU:Sosial"),
    "dana-pembangunan-daerah-kerja": ("liabilitas", "DanaSHU:PembangunanDaerahKerja"),
}

#: Member components: shared among members rather than booked to one account.
MEMBER_SHU_COMPONENTS = ("jasa-modal", "jasa-usaha")


def shu_component_account(component: str, roots: Roots) -> str | None:
    """Default account of a standard SHU component (None for member components)."""
    target = SHU_COMPONENTS.get(component)
    if target is None:
        return None
    return f"{getattr(roots, target[0])}:{target[1]}"
