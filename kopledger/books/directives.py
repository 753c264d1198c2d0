"""Parse kopledger's ``custom`` directives into typed records.

Each ``parse_*`` function is pure: it takes beancount entries and returns
``(records, errors)``; errors carry the directive's meta so they print as
``file:line: message``. The plugin reports these errors; the library reads the records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from beancount.core import data
from beancount.core.amount import Amount

from kopledger.books.bagan_akun import SHU_COMPONENTS
from kopledger.core.errors import KopError, Pesan
from kopledger.core.inputs import hidden_problem, is_nik
from kopledger.core.roots import is_valid_member_id

#: The ``custom`` directive types kopledger owns.
DIRECTIVES = (
    "koperasi",
    "anggota",
    "anggota-keluar",
    "kebijakan",
    "shu-alokasi",
    "shu-basis",
    "pengurus",
    "tutup-buku",
    "buka-buku",
    "rat-teks",
    "anggaran",
    "ringkasan-tahun",
    "kesehatan-isian",
    "kesehatan-batas",
)

JENIS_KOPERASI = ("simpan-pinjam", "konsumen", "produsen", "jasa", "serba-usaha", "pemasaran")


@dataclass(frozen=True)
class PolicyKey:
    """A known ``kebijakan`` key: what value it takes and what it means."""

    kind: str  # "amount" (IDR), "number", or "choice"
    description: str
    choices: tuple[str, ...] = ()
    default: Any = None


#: Every ``kebijakan`` key kopledger understands. Values: amount (``100000 IDR``),
#: number (``0.5``), or one of the string choices.
POLICY_KEYS: dict[str, PolicyKey] = {
    "simpanan-pokok": PolicyKey("amount", "simpanan pokok, paid once on joining"),
    "simpanan-wajib": PolicyKey("amount", "simpanan wajib per month"),
    "pembulatan": PolicyKey(
        "choice", "rounding of SHU parts: floor (bawah) or half up (terdekat)",
        ("bawah", "terdekat"), "bawah",
    ),
    "shu-non-anggota": PolicyKey(
        "choice", "SHU from non-member business: shared (bagi) or all to cadangan",
        ("bagi", "cadangan"), "bagi",
    ),
    "shu-anggota-keluar": PolicyKey(
        "choice", "members who left during the year share in SHU (ikut) or not (tidak)",
        ("tidak", "ikut"), "tidak",
    ),
    "kol-dpk": PolicyKey(
        "number", "days past due from which a loan is dalam perhatian khusus (bank class; 0 = not used, the default)",
        default=Decimal(0),
    ),
    "kol-kurang-lancar": PolicyKey("number", "days past due from which a loan is kurang lancar", default=Decimal(91)),
    "kol-diragukan": PolicyKey("number", "days past due from which a loan is diragukan", default=Decimal(181)),
    "kol-macet": PolicyKey("number", "days past due from which a loan is macet", default=Decimal(271)),
    "ppap-lancar": PolicyKey("number", "PPAP rate (%) for lancar loans", default=Decimal("0.5")),
    "ppap-dpk": PolicyKey("number", "PPAP rate (%) for dalam perhatian khusus loans", default=Decimal(10)),
    "ppap-kurang-lancar": PolicyKey("number", "PPAP rate (%) for kurang lancar loans", default=Decimal(10)),
    "ppap-diragukan": PolicyKey("number", "PPAP rate (%) for diragukan loans", default=Decimal(50)),
    "ppap-macet": PolicyKey("number", "PPAP rate (%) for macet loans", default=Decimal(100)),
    "ppap-agunan": PolicyKey(
        "choice", "collateral (agunan) deducted from the balance before the PPAP rate of kurang lancar and worse",
        ("tidak", "kurangi"), "tidak",
    ),
    "tunggakan-peringatan": PolicyKey("number", "NPL (%) above which the RAT pack warns", default=Decimal(5)),
    "bobot-tata-kelola": PolicyKey("number", "health assessment: weight (%) of tata kelola", default=Decimal(30)),
    "bobot-profil-risiko": PolicyKey("number", "health assessment: weight (%) of profil risiko", default=Decimal(15)),
    "bobot-kinerja-keuangan": PolicyKey("number", "health assessment: weight (%) of kinerja keuangan", default=Decimal(40)),
    "bobot-permodalan": PolicyKey("number", "health assessment: weight (%) of permodalan", default=Decimal(15)),
    "kesehatan-npl-macet": PolicyKey(
        "number", "health assessment: NPL (%) above which NPL scores nilai 4 (Modul Tabel 2.45: 15; its text: 12)",
        default=Decimal(15),
    ),
    "kesehatan-bopo-100": PolicyKey(
        "choice", "health assessment: nilai of BOPO at exactly 100 % (3 as Tabel 3.5's bands; 4 as the Juknis text)",
        ("3", "4"), "3",
    ),
    "denda-pinjaman": PolicyKey("number", "late-payment penalty, % a month of the overdue instalment", default=Decimal(0)),
    "bunga-pinjaman-maks": PolicyKey("number", "highest loan rate allowed, % a year", default=Decimal(36)),
    "potong-simpanan-keluar": PolicyKey(
        "choice", "a leaving member's savings are set off against what she owes (ya) or not (tidak)",
        ("ya", "tidak"), "ya",
    ),
    "keluar-sisa-utang": PolicyKey(
        "choice", "a member owing more than her savings leaves with the rest still owed (catat) or not (tolak)",
        ("catat", "tolak"), "catat",
    ),
}


@dataclass(frozen=True)
class KoperasiInfo:
    """Identity of the koperasi (``custom "koperasi"``)."""

    nama: str
    badan_hukum: str = ""
    alamat: str = ""
    jenis: str = ""
    date: dt.date | None = None


@dataclass(frozen=True)
class Member:
    """A member (anggota) from the register: join, exit and their metadata."""

    id: str
    nama: str
    tanggal_masuk: dt.date
    nik: str = ""
    jenis_kelamin: str = ""  # "P" (perempuan) or "L" (laki-laki)
    alamat: str = ""
    telepon: str = ""
    tanggal_keluar: dt.date | None = None
    alasan_keluar: str = ""
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def is_active(self, date: dt.date) -> bool:
        """Member on ``date``: joined on or before it, and not left on or before it."""
        if self.tanggal_masuk > date:
            return False
        return self.tanggal_keluar is None or self.tanggal_keluar > date


@dataclass(frozen=True)
class Policy:
    """One ``kebijakan`` in force from ``date``."""

    key: str
    value: Any  # Amount, Decimal or str
    date: dt.date
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)


@dataclass(frozen=True)
class ShuShare:
    """One component of an SHU split: its percent and the account it is booked to."""

    komponen: str
    persen: Decimal
    akun: str | None
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)


@dataclass(frozen=True)
class ShuSplit:
    """A complete SHU split: all ``shu-alokasi`` directives of one date."""

    date: dt.date
    shares: tuple[ShuShare, ...]

    @property
    def total(self) -> Decimal:
        return sum((s.persen for s in self.shares), Decimal(0))


@dataclass(frozen=True)
class ShuBasis:
    """Which accounts measure a member's capital or patronage for SHU."""

    basis: str  # "jasa-modal" or "jasa-usaha"
    accounts: tuple[str, ...]
    metode: str  # "saldo-akhir" or "rata-rata-bulanan"
    date: dt.date
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)


@dataclass(frozen=True)
class Officer:
    """A pengurus or pengawas (``custom "pengurus" "ROLE" "NAME"``)."""

    role: str
    nama: str
    date: dt.date


def customs(entries: Iterable[data.Directive], *types: str) -> list[data.Custom]:
    """The ``custom`` entries of the given types, in ledger order."""
    return [e for e in entries if isinstance(e, data.Custom) and e.type in types]


def _values(entry: data.Custom) -> list[Any]:
    return [v.value for v in entry.values]


def _err(entry: data.Custom, teks: str, /, **nilai: Any) -> KopError:
    return KopError.pesan(entry.meta, teks, entry, **nilai)


def _meta_str(entry: data.Custom, key: str) -> str:
    value = entry.meta.get(key, "")
    return "" if value is None else str(value)


def _expect(
    entry: data.Custom, types: Sequence[tuple[str, type | tuple[type, ...]]], *, extra: type | None = None
) -> list[Any] | KopError:
    """Check a directive's values against ``(label, type)`` pairs; extra values of ``extra`` allowed."""
    values = _values(entry)
    if len(values) < len(types) or (extra is None and len(values) > len(types)):
        return _err(
            entry,
            'custom "{jenis}" perlu {perlu} nilai ({bentuk}), ada {ada}; '
            'tulis seperti ini: custom "{jenis}" {bentuk} (wrong number of values)',
            jenis=entry.type, perlu=len(types), bentuk=_usage(types), ada=len(values),
        )
    for (label, typ), value in zip(types, values, strict=False):
        if not isinstance(value, typ) or isinstance(value, bool):
            return _err(
                entry,
                'custom "{jenis}": {label} harus {tipe}, tertulis {isi!r}; '
                'tulis seperti ini: custom "{jenis}" {bentuk} (wrong value type)',
                jenis=entry.type, label=Pesan.kata(label), tipe=_type_name(typ), isi=value, bentuk=_usage(types),
            )
    return values


def _usage(types: Sequence[tuple[str, Any]]) -> Pesan:
    """The value labels of a directive (``ID NAMA``), each a word of the catalogs."""
    return Pesan.gabung(" ", (Pesan.kata(label) for label, _ in types))


def _type_name(typ: type | tuple[type, ...]) -> Any:
    names: dict[type, Any] = {
        str: Pesan("teks dalam tanda kutip"), Decimal: Pesan("angka"),
        Amount: Pesan("jumlah uang seperti 100000 IDR"),
    }
    if isinstance(typ, tuple):
        return Pesan.gabung(" atau ", (names.get(t, t.__name__) for t in typ))
    return names.get(typ, typ.__name__)


def parse_koperasi(entries: Iterable[data.Directive]) -> tuple[KoperasiInfo | None, list[KopError]]:
    """The koperasi's identity from the last ``custom "koperasi"`` directive."""
    info: KoperasiInfo | None = None
    errors: list[KopError] = []
    for entry in customs(entries, "koperasi"):
        values = _expect(entry, [("NAMA", str)])
        if isinstance(values, KopError):
            errors.append(values)
            continue
        jenis = _meta_str(entry, "jenis")
        if jenis and jenis not in JENIS_KOPERASI:
            errors.append(_err(entry, "jenis koperasi tidak dikenal: {jenis!r}; pakai salah satu dari {pilihan} (unknown jenis)",
                               jenis=jenis, pilihan=", ".join(JENIS_KOPERASI)))
        info = KoperasiInfo(
            nama=values[0],
            badan_hukum=_meta_str(entry, "badan-hukum"),
            alamat=_meta_str(entry, "alamat"),
            jenis=jenis,
            date=entry.date,
        )
    return info, errors


def parse_members(entries: Iterable[data.Directive]) -> tuple[dict[str, Member], list[KopError]]:
    """The member register from ``anggota`` and ``anggota-keluar`` directives."""
    members: dict[str, Member] = {}
    errors: list[KopError] = []
    exits: list[data.Custom] = []
    for entry in customs(entries, "anggota", "anggota-keluar"):
        if entry.type == "anggota-keluar":
            exits.append(entry)
            continue
        values = _expect(entry, [("ID", str), ("NAMA", str)])
        if isinstance(values, KopError):
            errors.append(values)
            continue
        member_id, nama = values
        if not is_valid_member_id(member_id):
            errors.append(_err(entry, (
                "nomor anggota {anggota!r} tidak sah: harus diawali huruf besar atau angka, "
                "lalu huruf, angka atau '-' (nomor ini menjadi bagian nama akun); "
                "pakai nomor seperti A0001 (invalid member id)"
            ), anggota=member_id))
            continue
        if member_id in members:
            first = members[member_id].meta
            errors.append(_err(entry, (
                "nomor anggota {anggota} didaftarkan dua kali "
                "(pertama di {berkas}:{baris}); "
                "beri anggota baru nomornya sendiri (duplicate member id)"
            ), anggota=member_id, berkas=first.get("filename"), baris=first.get("lineno")))
            continue
        gender = _meta_str(entry, "jenis-kelamin").upper()
        if gender and gender not in ("P", "L"):
            errors.append(_err(entry, "jenis-kelamin {anggota} harus \"P\" (perempuan) atau \"L\" (laki-laki), tertulis {isi!r}; perbaiki nilainya",
                               anggota=member_id, isi=gender))
        nik = _meta_str(entry, "nik")
        if nik and not is_nik(nik):  # 16 ASCII digits: a full-width NIK would step around the duplicate check
            errors.append(_err(entry, "nik {anggota} harus 16 angka nomor KTP, dalam tanda kutip; tertulis {isi!r}; perbaiki nilainya",
                               anggota=member_id, isi=nik))
        for label, text in (("nama", nama), ("alamat", _meta_str(entry, "alamat"))):
            hidden = hidden_problem(text, label)
            if hidden is not None:
                errors.append(_err(entry, "anggota {anggota}: {masalah}", anggota=member_id, masalah=hidden))
        members[member_id] = Member(
            id=member_id,
            nama=nama,
            tanggal_masuk=entry.date,
            nik=nik,
            jenis_kelamin=gender,
            alamat=_meta_str(entry, "alamat"),
            telepon=_meta_str(entry, "telepon"),
            meta=entry.meta,
        )
    for entry in exits:
        values = _expect(entry, [("ID", str)])
        if isinstance(values, KopError):
            errors.append(values)
            continue
        member_id = values[0]
        member = members.get(member_id)
        if member is None:
            errors.append(_err(entry, (
                "anggota-keluar untuk anggota tidak dikenal: {anggota!r}; pakai nomor anggota "
                'yang didaftarkan dengan custom "anggota", atau daftarkan dulu (unknown member)'
            ), anggota=member_id))
        elif member.tanggal_keluar is not None:
            errors.append(_err(entry, (
                "anggota {anggota} sudah keluar pada {keluar}; "
                "hapus anggota-keluar yang kedua ini (already left)"
            ), anggota=member_id, keluar=member.tanggal_keluar))
        elif entry.date < member.tanggal_masuk:
            errors.append(_err(entry, (
                "anggota {anggota} keluar pada {keluar}, sebelum masuk pada {masuk}; "
                "beri tanggal keluar pada atau setelah tanggal masuk (exit before join)"
            ), anggota=member_id, keluar=entry.date, masuk=member.tanggal_masuk))
        else:
            members[member_id] = _replace(member, tanggal_keluar=entry.date, alasan_keluar=_meta_str(entry, "alasan"))
    return members, errors


def _replace(member: Member, **changes: Any) -> Member:
    from dataclasses import replace

    return replace(member, **changes)


def parse_policies(
    entries: Iterable[data.Directive], operating_currency: str = "IDR"
) -> tuple[list[Policy], list[KopError]]:
    """All ``kebijakan`` directives, validated against :data:`POLICY_KEYS`."""
    policies: list[Policy] = []
    errors: list[KopError] = []
    for entry in customs(entries, "kebijakan"):
        values = _values(entry)
        if len(values) != 2 or not isinstance(values[0], str):
            errors.append(_err(entry, 'custom "kebijakan" perlu satu kunci dalam tanda kutip dan satu nilai, misalnya "simpanan-wajib" 25000 IDR'))
            continue
        key, value = values
        spec = POLICY_KEYS.get(key)
        if spec is None:
            errors.append(_err(entry, (
                "kebijakan tidak dikenal: {kunci!r}; pakai salah satu kunci ini: {pilihan} (unknown policy)"
            ), kunci=key, pilihan=", ".join(sorted(POLICY_KEYS))))
            continue
        problem = _check_policy_value(spec, value, operating_currency)
        if problem:
            errors.append(_err(entry, "kebijakan {kunci!r}: {masalah}; perbaiki nilainya", kunci=key, masalah=problem))
            continue
        policies.append(Policy(key, value, entry.date, entry.meta))
    return policies, errors


def _check_policy_value(spec: PolicyKey, value: Any, currency: str) -> Pesan | None:
    if spec.kind == "amount":
        if not isinstance(value, Amount):
            return Pesan("nilainya harus jumlah uang seperti 25000 {mata_uang}, tertulis {isi!r}", mata_uang=currency, isi=value)
        if value.currency != currency:
            return Pesan("jumlahnya harus dalam {mata_uang}, tertulis {tertulis}", mata_uang=currency, tertulis=value.currency)
        if value.number is None or value.number < 0:
            return Pesan("jumlahnya tidak boleh negatif")
    elif spec.kind == "number":
        if not isinstance(value, Decimal) or isinstance(value, bool):
            return Pesan("nilainya harus angka, tertulis {isi!r}", isi=value)
        if value < 0:
            return Pesan("angkanya tidak boleh negatif")
    elif spec.kind == "choice" and value not in spec.choices:
        return Pesan("nilainya harus salah satu dari {pilihan}, tertulis {isi!r}", pilihan=", ".join(spec.choices), isi=value)
    return None


class Policies:
    """Policies by key, each a list sorted by date; answers 'what is in force on date'."""

    def __init__(self, policies: Iterable[Policy]) -> None:
        self._by_key: dict[str, list[Policy]] = {}
        for policy in sorted(policies, key=lambda p: p.date):
            self._by_key.setdefault(policy.key, []).append(policy)

    def at(self, key: str, date: dt.date) -> Policy | None:
        """The policy of ``key`` in force on ``date`` (the latest dated on or before it)."""
        found = None
        for policy in self._by_key.get(key, []):
            if policy.date <= date:
                found = policy
            else:
                break
        return found

    def value(self, key: str, date: dt.date) -> Any:
        """The value of ``key`` in force on ``date``, else the key's default."""
        policy = self.at(key, date)
        if policy is not None:
            return policy.value
        return POLICY_KEYS[key].default

    def amount(self, key: str, date: dt.date) -> Decimal | None:
        """The number of an amount policy in force on ``date`` (None if none)."""
        policy = self.at(key, date)
        if policy is None:
            return None
        number = policy.value.number
        assert isinstance(number, Decimal)
        return number

    def kunci(self) -> list[str]:
        """The keys set in the books, sorted."""
        return sorted(self._by_key)

    def history(self, key: str) -> list[Policy]:
        """Every policy of ``key``, oldest first."""
        return list(self._by_key.get(key, []))

    def in_force(self, date: dt.date) -> dict[str, Any]:
        """Every known key's value in force on ``date`` (defaults where none was set)."""
        return {key: self.value(key, date) for key in POLICY_KEYS}


def parse_shu_splits(entries: Iterable[data.Directive]) -> tuple[list[ShuSplit], list[KopError]]:
    """SHU splits: the ``shu-alokasi`` directives of one date form one complete split.

    A split replaces any earlier one. Its percents must sum to exactly 100.
    """
    by_date: dict[dt.date, list[ShuShare]] = {}
    errors: list[KopError] = []
    for entry in customs(entries, "shu-alokasi"):
        values = _expect(entry, [("KOMPONEN", str), ("PERSEN", Decimal)])
        if isinstance(values, KopError):
            errors.append(values)
            continue
        component, percent = values
        akun = entry.meta.get("akun")
        if percent < 0 or percent > 100:
            errors.append(_err(entry, (
                "shu-alokasi {komponen!r}: persennya harus antara 0 dan 100, tertulis {persen}; "
                "perbaiki persennya"
            ), komponen=component, persen=percent))
            continue
        if component not in SHU_COMPONENTS and not akun:
            errors.append(_err(entry, (
                "komponen SHU tidak dikenal: {komponen!r}; tambahkan metadata akun: \"…\" berisi nama "
                "akunnya, atau pakai salah satu dari {pilihan} (unknown component)"
            ), komponen=component, pilihan=", ".join(SHU_COMPONENTS)))
            continue
        shares = by_date.setdefault(entry.date, [])
        if any(s.komponen == component for s in shares):
            errors.append(_err(entry, (
                "shu-alokasi {komponen!r} muncul dua kali pada {tanggal}; "
                "satu komponen cukup satu baris dalam satu pembagian (duplicate component)"
            ), komponen=component, tanggal=entry.date))
            continue
        shares.append(ShuShare(component, percent, str(akun) if akun else None, entry.meta))
    splits = [ShuSplit(date, tuple(shares)) for date, shares in sorted(by_date.items())]
    for split in splits:
        if split.total != 100:
            first = split.shares[0]
            lines = ", ".join(str(s.meta.get("lineno")) for s in split.shares)
            errors.append(KopError.pesan(first.meta, (
                "shu-alokasi tanggal {tanggal} berjumlah {jumlah}%, bukan 100% "
                "(baris {baris}); perbaiki persennya agar jumlahnya tepat 100 (split must sum to 100)"
            ), None, tanggal=split.date, jumlah=split.total, baris=lines))
    return splits, errors


def split_in_force(splits: Sequence[ShuSplit], date: dt.date) -> ShuSplit | None:
    """The SHU split in force on ``date`` (the latest dated on or before it)."""
    found = None
    for split in splits:
        if split.date <= date:
            found = split
    return found


def parse_shu_bases(entries: Iterable[data.Directive]) -> tuple[list[ShuBasis], list[KopError]]:
    """``shu-basis`` directives: the accounts measuring jasa modal or jasa usaha."""
    bases: list[ShuBasis] = []
    errors: list[KopError] = []
    for entry in customs(entries, "shu-basis"):
        values = _values(entry)
        if len(values) < 2 or not all(isinstance(v, str) for v in values):
            errors.append(_err(entry, 'custom "shu-basis" perlu "jasa-modal" atau "jasa-usaha" lalu satu nama akun atau lebih'))
            continue
        basis, *accounts = values
        if basis not in ("jasa-modal", "jasa-usaha"):
            errors.append(_err(entry, 'shu-basis harus "jasa-modal" atau "jasa-usaha", tertulis {isi!r}; perbaiki nilainya', isi=basis))
            continue
        metode = _meta_str(entry, "metode") or "saldo-akhir"
        if metode not in ("saldo-akhir", "rata-rata-bulanan"):
            errors.append(_err(entry, 'metode shu-basis harus "saldo-akhir" atau "rata-rata-bulanan", tertulis {isi!r}; perbaiki nilainya',
                               isi=metode))
            continue
        bases.append(ShuBasis(basis, tuple(accounts), metode, entry.date, entry.meta))
    return bases, errors


def parse_officers(entries: Iterable[data.Directive]) -> tuple[list[Officer], list[KopError]]:
    """Officers (pengurus, pengawas), for signature blocks; a later one replaces the role."""
    by_role: dict[str, Officer] = {}
    errors: list[KopError] = []
    for entry in customs(entries, "pengurus"):
        values = _expect(entry, [("JABATAN", str), ("NAMA", str)])
        if isinstance(values, KopError):
            errors.append(values)
            continue
        by_role[values[0]] = Officer(values[0], values[1], entry.date)
    return list(by_role.values()), errors


def check_directive_shapes(entries: Iterable[data.Directive]) -> list[KopError]:
    """Shape checks of the directives not parsed elsewhere (``rat-teks``).

    ``tutup-buku`` and ``buka-buku`` are checked by :mod:`kopledger.ops.closing`.
    """
    errors: list[KopError] = []
    for entry in customs(entries, "rat-teks"):
        values = _values(entry)
        if not values or not all(isinstance(v, str) for v in values):
            errors.append(_err(entry, 'custom "{jenis}" hanya menerima teks dalam tanda kutip', jenis=entry.type))
    return errors
