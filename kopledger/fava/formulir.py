"""The web desk's forms: fields, input parsing, and the library builders they call.

Each form turns the treasurer's text fields into the same library call as its CLI command
(``kop anggota tambah``, ``kop simpanan setor/tarik``, ``kop simpanan wajib``,
``kop pinjaman bayar``, ``kop pinjaman cair``), run inside
:func:`kopledger.ops.writer.append_built`'s build callback, so the decision is taken on the
books as they are under the writer's lock. Nothing here knows Flask.

Input parsing goes through ONE function, :func:`baca_masukan`: every field's text becomes
a typed value or a message for that field (the same message the CLI prints, kept as a
:class:`~kopledger.core.errors.Pesan` and worded in the page's language): the per-kind parsers
(:data:`PARSERS`) are the CLI's own, :mod:`kopledger.core.inputs`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from beancount.core import data

from kopledger.core import inputs
from kopledger.core.errors import InputError, KopledgerError, Pesan
from kopledger.koperasi import Koperasi
from kopledger.ops.loans.entries import disbursement_entries, payment_entries
from kopledger.ops.members import NewMember, check_amount, join_entries
from kopledger.ops.savings import deposit_entries, wajib_entries, withdrawal_entries
from kopledger.ops.writer import _refuse_known_bukti, check_bukti, stamp_bukti


@dataclass(frozen=True)
class Isian:
    """One field of a form."""

    nama: str  # the form field's name (and the CLI option's, without --)
    label: str
    jenis: str = "teks"  # teks, jumlah, tanggal, bulan, angka, pilihan, persen
    wajib: bool = True
    pilihan: tuple[str, ...] = ()
    bantuan: str = ""


@dataclass(frozen=True)
class Formulir:
    """A form: its fields and how it builds directives from the parsed values."""

    nama: str  # endpoint name
    judul: str
    perintah: str  # the equivalent CLI command, shown on the page
    isian: tuple[Isian, ...]
    bangun: Callable[[Koperasi, Mapping[str, Any]], list[data.Directive]]
    #: keywords of a library message → the field it belongs to (checked in order)
    kata_kunci: tuple[tuple[str, str], ...] = ()
    #: what was (or would be) written, in a few words (a :class:`~kopledger.core.errors.Pesan`)
    ringkas: Callable[[Mapping[str, Any]], str] = field(default=lambda v: "")


class MasukanSalah(Exception):
    """Some fields are wrong: ``per_isian`` maps a field (or ``""`` for the form) to messages."""

    def __init__(self, per_isian: Mapping[str, Sequence[str]]) -> None:
        super().__init__("; ".join(m for ms in per_isian.values() for m in ms))
        self.per_isian = {k: list(v) for k, v in per_isian.items()}


# --- parsing: the one entry point ------------------------------------------------------------------
def _tanggal(text: str, label: str) -> dt.date:
    return inputs.parse_date(text, f"--{label}")


def _jumlah(text: str, label: str) -> Decimal:
    return check_amount(text, label)


def _angka(text: str, label: str) -> Decimal:
    return inputs.parse_rate(text, f"--{label}")


def _bulat(text: str, label: str) -> int:
    if not (text.isascii() and re.fullmatch(r"\d{1,4}", text)):
        raise InputError.pesan("{label}: {nilai!r} bukan bilangan bulat; tulis angka 0–9 saja, misalnya 12",
                               label=f"--{label}", nilai=text)
    return int(text)


def _bulan(text: str, label: str) -> str:
    return inputs.parse_month(text, f"--{label}")


def _pilihan(choices: tuple[str, ...]) -> Callable[[str, str], str]:
    def parse(text: str, label: str) -> str:
        if text not in choices:
            raise InputError.pesan("{label}: {nilai!r} bukan salah satu dari {pilihan}",
                                   label=f"--{label}", nilai=text, pilihan=", ".join(choices))
        return text

    return parse


def _teks(text: str, label: str) -> str:
    text = inputs.clean_text(text, f"--{label}")  # control characters refused and named, as in the CLI
    if any(ch in text for ch in '"\\\n\r'):
        raise InputError.pesan(
            "{label} tidak boleh memuat tanda kutip, garis miring terbalik atau pindah baris: {nilai!r}",
            label=label, nilai=text)
    return text


#: Parser of each field kind: ``(text, label) -> value``, raising InputError with the CLI's message.
PARSERS: dict[str, Callable[[str, str], Any]] = {
    "teks": _teks,
    "jumlah": _jumlah,
    "tanggal": _tanggal,
    "bulan": _bulan,
    "angka": _angka,
    "bulat": _bulat,
}


def baca_masukan(formulir: Formulir, raw: Mapping[str, str]) -> dict[str, Any]:
    """Parse the form's text fields into values; :class:`MasukanSalah` names every bad field.

    Empty optional fields are None. The one place the web desk parses input (see module doc).
    """
    values: dict[str, Any] = {}
    problems: dict[str, list[str]] = {}
    for isian in formulir.isian:
        text = (raw.get(isian.nama) or "").strip()
        if not text:
            if isian.wajib:
                problems.setdefault(isian.nama, []).append(Pesan("{label} wajib diisi", label=Pesan.kata(isian.label)))
            values[isian.nama] = None
            continue
        parse = _pilihan(isian.pilihan) if isian.jenis == "pilihan" else PARSERS[isian.jenis]
        try:
            values[isian.nama] = parse(text, isian.nama)
        except InputError as exc:
            problems.setdefault(isian.nama, []).append(Pesan.dari(exc, saran=True))
    if problems:
        raise MasukanSalah(problems)
    return values


def pesan_per_isian(formulir: Formulir, exc: KopledgerError, lang: str = "id") -> dict[str, list[str]]:
    """Attach a library error's lines, worded in ``lang``, to the fields they are about (the rest
    to the form). A line's field is found by the keywords of its Indonesian text."""
    text = str(exc)
    shown = exc.in_lang(lang)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    shown_lines = [line.strip() for line in shown.splitlines() if line.strip()]
    result: dict[str, list[str]] = {}
    head = lines[0] if lines else text
    details = lines[1:] if len(lines) > 1 and head.endswith(":") else []
    if not details:
        return {_isian_dari_pesan(formulir, text): [shown]}
    if len(shown_lines) != len(lines):  # worded with other lines: all of it for the form
        return {"": [shown]}
    for line, worded in zip(details, shown_lines[1:], strict=True):
        result.setdefault(_isian_dari_pesan(formulir, line), []).append(worded)
    result.setdefault("", []).insert(0, shown_lines[0])
    return result


def _isian_dari_pesan(formulir: Formulir, message: str) -> str:
    lowered = message.casefold()
    for word, name in formulir.kata_kunci:
        if word.casefold() in lowered:
            return name
    return ""


# --- bukti (receipt number) ------------------------------------------------------------------------
def dengan_bukti(kop: Koperasi, entries: list[data.Directive], bukti: str | None) -> list[data.Directive]:
    """``entries`` stamped with ``bukti`` exactly as the CLI's ``--bukti`` stamps them
    (:func:`kopledger.ops.writer.stamp_bukti`); a ``bukti`` already in the books is refused with
    its file:line (decided under the writer's lock, inside the build callback)."""
    if not bukti:
        return entries

    check_bukti(bukti)
    _refuse_known_bukti(kop.entries, bukti)
    return stamp_bukti(entries, bukti)


# --- the form's one-time nonce, consumed in the books ----------------------------------------------
#: The metadata key recording, on every directive a form wrote, the nonce the form was sent with.
META_NONCE = "formulir"


class SudahDitulis(KopledgerError):
    """This form (its one-time nonce) was already written: nothing is written again."""

    def __init__(self, message: str, nonce: str, *, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.nonce = nonce


def ditulis_dengan(entries: Sequence[data.Directive], nonce: str) -> list[data.Directive]:
    """The directives of the books a form sent with ``nonce`` wrote (empty: not written)."""
    return [e for e in entries if e.meta and e.meta.get(META_NONCE) == nonce]


def dengan_nonce(kop: Koperasi, nonce: str, build: Callable[[], list[data.Directive]]) -> list[data.Directive]:
    """``build()``'s directives stamped with the form's ``nonce`` (metadata ``formulir``), or
    :class:`SudahDitulis` when the books already hold it. Called in the writer's build callback,
    under the lock, on the books as they are: the nonce is consumed by the same atomic write as
    the directives, so a form sent twice, from any number of Fava processes, writes once."""
    if any(e.meta and e.meta.get(META_NONCE) == nonce for e in kop.entries):
        raise SudahDitulis.pesan("formulir ini sudah ditulis ke buku; tidak ditulis lagi", nonce)
    return [e._replace(meta={**(e.meta or {}), META_NONCE: nonce}) for e in build()]


# --- the forms ---------------------------------------------------------------------------------------
_BUKTI = Isian("bukti", "Nomor bukti", wajib=False, bantuan="Nomor kuitansi/slip, dicatat sebagai metadata bukti.")
_TANGGAL = Isian("tanggal", "Tanggal", "tanggal", bantuan="YYYY-MM-DD")
_ANGGOTA_KUNCI = (("bukti", "bukti"), ("simpanan pokok", "jenis"), ("simpanan wajib", "jenis"), ("jenis", "jenis"),
                  ("saldo", "jumlah"), ("jumlah", "jumlah"), ("masa depan", "tanggal"), ("ditutup", "tanggal"),
                  ("tanggal", "tanggal"), ("anggota", "anggota"))


def _tambah(kop: Koperasi, v: Mapping[str, Any]) -> list[data.Directive]:
    member = NewMember(
        id=v["id"], nama=v["nama"], tanggal_masuk=v["tanggal"], nik=v["nik"] or "",
        jenis_kelamin=(v["jenis_kelamin"] or "").upper(), alamat=v["alamat"] or "", telepon=v["telepon"] or "",
    )
    return dengan_bukti(kop, join_entries(kop, member), v["bukti"])


def _uang(withdraw: bool) -> Callable[[Koperasi, Mapping[str, Any]], list[data.Directive]]:
    def build(kop: Koperasi, v: Mapping[str, Any]) -> list[data.Directive]:
        builder = withdrawal_entries if withdraw else deposit_entries
        entries = builder(kop, v["anggota"], v["jumlah"], v["tanggal"], jenis=v["jenis"])
        return dengan_bukti(kop, entries, v["bukti"])

    return build


def _wajib(kop: Koperasi, v: Mapping[str, Any]) -> list[data.Directive]:
    run = wajib_entries(kop, v["bulan"], tanggal=v["tanggal"])
    return dengan_bukti(kop, list(run.entries), v["bukti"])


def _angsuran(kop: Koperasi, v: Mapping[str, Any]) -> list[data.Directive]:
    _split, entries = payment_entries(
        kop, pinjaman=v["pinjaman"], tanggal=v["tanggal"], jumlah=v["jumlah"], denda=v["denda"],
    )
    return dengan_bukti(kop, entries, v["bukti"])


def _cair(kop: Koperasi, v: Mapping[str, Any]) -> list[data.Directive]:
    entries = disbursement_entries(
        kop, anggota=v["anggota"], pokok=v["pokok"], bunga=v["bunga"], tenor=v["tenor"], metode=v["metode"],
        tanggal=v["tanggal"], jatuh_tempo=v["jatuh_tempo"], biaya_admin=v["biaya_admin"] or Decimal(0),
        provisi=v["provisi"] or Decimal(0),
    )
    return dengan_bukti(kop, entries, v["bukti"])


FORMULIR: dict[str, Formulir] = {
    f.nama: f
    for f in (
        Formulir(
            "tambah-anggota", "Pendaftaran anggota", "kop anggota tambah",
            (
                Isian("id", "Nomor anggota", bantuan="Misalnya A0121"),
                Isian("nama", "Nama lengkap"),
                Isian("nik", "NIK", wajib=False, bantuan="16 angka"),
                Isian("jenis_kelamin", "Jenis kelamin", "pilihan", wajib=False, pilihan=("P", "L")),
                _TANGGAL,
                Isian("alamat", "Alamat", wajib=False),
                Isian("telepon", "Telepon", wajib=False),
                _BUKTI,
            ),
            _tambah,
            (("bukti", "bukti"), ("nik", "nik"), ("jenis_kelamin", "jenis_kelamin"), ("id ", "id"), ("id", "id"),
             ("nama", "nama"), ("alamat", "alamat"), ("telepon", "telepon"), ("tanggal", "tanggal"),
             ("tahun", "tanggal"), ("kebijakan", "tanggal")),
            lambda v: Pesan("anggota {id} {nama}", id=v["id"], nama=v["nama"]),
        ),
        Formulir(
            "setor", "Setoran simpanan", "kop simpanan setor",
            (Isian("anggota", "Nomor anggota"), Isian("jumlah", "Jumlah (rupiah)", "jumlah", bantuan="Rupiah bulat, mis. 50000"),
             _TANGGAL, Isian("jenis", "Jenis simpanan", "pilihan", pilihan=("sukarela", "berjangka")), _BUKTI),
            _uang(False), _ANGGOTA_KUNCI,
            lambda v: Pesan("setoran simpanan {jenis} {anggota}", jenis=v["jenis"], anggota=v["anggota"]),
        ),
        Formulir(
            "tarik", "Penarikan simpanan", "kop simpanan tarik",
            (Isian("anggota", "Nomor anggota"), Isian("jumlah", "Jumlah (rupiah)", "jumlah", bantuan="Rupiah bulat, mis. 50000"),
             _TANGGAL, Isian("jenis", "Jenis simpanan", "pilihan", pilihan=("sukarela", "berjangka", "pokok", "wajib")),
             _BUKTI),
            _uang(True), _ANGGOTA_KUNCI,
            lambda v: Pesan("penarikan simpanan {jenis} {anggota}", jenis=v["jenis"], anggota=v["anggota"]),
        ),
        Formulir(
            "wajib", "Simpanan wajib sebulan", "kop simpanan wajib",
            (Isian("bulan", "Bulan", "bulan", bantuan="YYYY-MM"),
             Isian("tanggal", "Tanggal bayar", "tanggal", wajib=False,
                   bantuan="Kosongkan: hari ini bila dalam bulan itu, atau akhir bulan"),
             _BUKTI),
            _wajib,
            (("bukti", "bukti"), ("bulan", "bulan"), ("tanggal", "tanggal"), ("kebijakan", "bulan")),
            lambda v: Pesan("simpanan wajib {bulan}", bulan=v["bulan"]),
        ),
        Formulir(
            "angsuran", "Angsuran pinjaman", "kop pinjaman bayar",
            (Isian("pinjaman", "Nomor pinjaman", bantuan="Misalnya PJ-2025-001"),
             Isian("jumlah", "Jumlah dibayar (rupiah)", "jumlah"), _TANGGAL,
             Isian("denda", "Denda (rupiah)", "angka", wajib=False,
                   bantuan="Kosongkan: dihitung dari kebijakan denda-pinjaman; 0 = dibebaskan"),
             _BUKTI),
            _angsuran,
            (("bukti", "bukti"), ("pinjaman", "pinjaman"), ("denda", "denda"), ("tanggal", "tanggal"),
             ("jumlah", "jumlah"), ("melebihi", "jumlah")),
            lambda v: Pesan("angsuran {pinjaman}", pinjaman=v["pinjaman"]),
        ),
        Formulir(
            "cair", "Pencairan pinjaman", "kop pinjaman cair",
            (Isian("anggota", "Nomor anggota"), Isian("pokok", "Pokok (rupiah)", "jumlah"),
             Isian("bunga", "Bunga setahun (%)", "angka"), Isian("tenor", "Tenor (bulan)", "bulat"),
             Isian("metode", "Metode bunga", "pilihan", pilihan=("flat", "efektif", "anuitas")),
             _TANGGAL,
             Isian("jatuh_tempo", "Jatuh tempo pertama", "tanggal", wajib=False, bantuan="Kosongkan: sebulan setelah pencairan"),
             Isian("biaya_admin", "Biaya administrasi (rupiah)", "angka", wajib=False),
             Isian("provisi", "Provisi (rupiah)", "angka", wajib=False),
             _BUKTI),
            _cair,
            (("bukti", "bukti"), ("anggota", "anggota"), ("bunga", "bunga"), ("tenor", "tenor"), ("metode", "metode"),
             ("jatuh tempo", "jatuh_tempo"), ("biaya admin", "biaya_admin"), ("provisi", "provisi"),
             ("pokok", "pokok"), ("tanggal", "tanggal")),
            lambda v: Pesan("pencairan pinjaman {anggota}", anggota=v["anggota"]),
        ),
    )
}
