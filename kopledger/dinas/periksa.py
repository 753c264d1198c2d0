"""What a Dinas accepts from an export file it did not write: bounds, then plausibility.

An export comes from outside (e-mail, a flash disk, an upload): it may be hostile or just
wrong. :func:`read_document` reads one file within fixed bounds — its size, its nesting
depth, the members of each object and array, the length of each text, the size of each
whole number — so no file can exhaust memory or the parser's recursion;
:func:`plausibility_problems` checks that the figures hold together (parts ≤ wholes,
subtotals sum to their totals, balances and counts non-negative) before anything is
counted. All arithmetic on amounts runs in :data:`WIDE`, a decimal context wide enough
for every amount the schema allows (34 digits before the point, 4 after) and for the
sums of many of them: nothing is rounded.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import re
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from kopledger.core.errors import Pesan
from kopledger.core.rasio import persen, tampil
from kopledger.ops.loans.entries import KOLEKTIBILITAS, NPL_CLASSES
from kopledger.reports.membership import share_percent

#: Bounds of one export file (a real export is about 25 KB, nested 5 deep, ~100 lines a statement).
MAKS_UKURAN = 2 * 1024 * 1024  # bytes
MAKS_KEDALAMAN = 16  # nested objects/arrays
MAKS_ANGGOTA = 5_000  # members of one object or elements of one array
MAKS_TEKS = 1_000  # characters of one string (a name, a label, an address)
MAKS_BULAT = 1_000_000_000  # any whole number (a count, a year, a level)

#: Exact decimal arithmetic for amounts: 100 significant digits hold every amount the schema
#: allows (≤ 38 digits) and every sum of them below the aggregation's capacity
#: (:data:`KAPASITAS`), so adding and subtracting never round (Python's default is 28 digits).
WIDE = decimal.Context(prec=100, rounding=decimal.ROUND_HALF_EVEN,
                       traps=[decimal.InvalidOperation, decimal.Overflow, decimal.DivisionByZero])

#: The context the export's percents were computed in (Python's default), to recompute them alike.
_PERCENT = decimal.Context()

#: What DECIMAL(38,4) — the money columns in DuckDB, Parquet and Spark — holds: a sum of
#: amounts over all counted exports stays below this, or the file that would pass it is refused.
KAPASITAS = Decimal(10) ** 34

_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_ASCII_NOT_BRACKET = str.maketrans("", "", "".join(chr(c) for c in range(128) if chr(c) not in "[]{}"))
_INNERMOST = re.compile(r"\[\]|\{\}")


class Ditolak(Exception):
    """A file refused before it is parsed or counted; ``pesan`` says why."""

    def __init__(self, pesan: Pesan) -> None:
        super().__init__(str(pesan))
        self.pesan = pesan


def _too_deep(text: str) -> bool:
    """Whether ``text``'s objects and arrays nest deeper than :data:`MAKS_KEDALAMAN` (strings
    skipped), without recursion: each round removes the innermost empty pairs, one level.
    Brackets left unpaired (not JSON anyway) count as deep when more than the bound remain."""
    if "\\" in text:
        text = text.replace("\\\\", "").replace('\\"', "")  # escaped backslashes, then escaped quotes
    outside = "".join(text.split('"')[::2]).translate(_ASCII_NOT_BRACKET)  # outside the strings only
    brackets = _NOT_BRACKET.sub("", outside)
    for _level in range(MAKS_KEDALAMAN):
        if not brackets:
            return False
        brackets = _INNERMOST.sub("", brackets)
    return bool(_INNERMOST.search(brackets)) or len(brackets) > MAKS_KEDALAMAN


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise Ditolak(Pesan("kunci {kunci!r} muncul dua kali dalam satu objek", kunci=key))
        result[key] = value
    return result


def _constant(name: str) -> Any:
    raise Ditolak(Pesan("{nilai} bukan angka JSON yang sah", nilai=name))


def _walk(document: Any) -> None:
    """Every member count, string length and whole number within bounds (iteratively)."""
    stack = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            if len(value) > MAKS_ANGGOTA:
                raise Ditolak(Pesan("objek dengan {jumlah} anggota melebihi batas {batas}",
                                    jumlah=len(value), batas=MAKS_ANGGOTA))
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            if len(value) > MAKS_ANGGOTA:
                raise Ditolak(Pesan("daftar dengan {jumlah} butir melebihi batas {batas}",
                                    jumlah=len(value), batas=MAKS_ANGGOTA))
            stack.extend(value)
        elif isinstance(value, str):
            if len(value) > MAKS_TEKS:
                raise Ditolak(Pesan("teks sepanjang {jumlah} karakter melebihi batas {batas}",
                                    jumlah=len(value), batas=MAKS_TEKS))
        elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAKS_BULAT:
            raise Ditolak(Pesan("bilangan bulat {nilai} melebihi batas {batas}", nilai=value, batas=MAKS_BULAT))


def read_document(path: Path) -> Any:
    """The JSON document of ``path``, read within the bounds above.

    Raises :class:`Ditolak` for a file beyond a bound, not UTF-8, or not JSON (also a key
    twice in one object, or ``NaN``/``Infinity``), and :class:`OSError` when it cannot be read.
    """
    with open(path, "rb") as handle:
        raw = handle.read(MAKS_UKURAN + 1)
    if len(raw) > MAKS_UKURAN:
        raise Ditolak(Pesan("berkas lebih besar dari batas {batas} byte", batas=MAKS_UKURAN))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Ditolak(Pesan("bukan teks UTF-8: {sebab}", sebab=str(exc))) from None
    if _too_deep(text):
        raise Ditolak(Pesan("bersarang lebih dari {batas} tingkat", batas=MAKS_KEDALAMAN))
    try:
        document = json.loads(text, object_pairs_hook=_pairs, parse_constant=_constant)
    except ValueError as exc:  # json.JSONDecodeError, or a number too long to convert
        raise Ditolak(Pesan("bukan JSON yang sah: {sebab}", sebab=str(exc))) from None
    _walk(document)
    return document


# --- plausibility -----------------------------------------------------------------------------
def _d(value: Any) -> Decimal:
    return Decimal(str(value))


def _sum(values: Sequence[Decimal] | Iterator[Decimal]) -> Decimal:
    return sum(values, Decimal(0))


def _totals(statement: dict[str, Any], name: str, keys: Sequence[str], found: list[Pesan]) -> dict[str, Decimal] | None:
    total = statement["total"]
    missing = [k for k in keys if k not in total]
    if missing:
        found.append(Pesan("laporan {laporan}: total {kunci} tidak ada", laporan=name, kunci=", ".join(missing)))
        return None
    return {k: _d(total[k]) for k in keys}


def _equal(found: list[Pesan], what: Pesan, left: Decimal, right: Decimal, rumus: Pesan) -> None:
    if left != right:
        found.append(Pesan("{apa}: {kiri} ≠ {rumus} {kanan}", apa=what, kiri=left, rumus=rumus, kanan=right))


def _lines(statement: dict[str, Any], name: str, found: list[Pesan]) -> None:
    """Each subtotal or total that closes a section (``bagian``) of its level equals the sum
    of that section's lines and subsections, in both columns."""
    for column in ("jumlah", "jumlah_pembanding"):
        open_sections: list[tuple[int, list[Decimal]]] = []
        for index, line in enumerate(statement["baris"]):
            level, kind, amount = int(line["level"]), line["jenis"], _d(line[column])
            if kind == "bagian":
                while open_sections and open_sections[-1][0] >= level:
                    open_sections.pop()
                open_sections.append((level, [Decimal(0)]))
            elif kind == "baris":
                while open_sections and open_sections[-1][0] >= level:
                    open_sections.pop()
                if open_sections and open_sections[-1][0] == level - 1:
                    open_sections[-1][1][0] += amount
            else:  # subtotal or total
                while open_sections and open_sections[-1][0] > level:
                    open_sections.pop()
                if open_sections and open_sections[-1][0] == level:
                    _level, (inside,) = open_sections.pop()
                    if inside != amount:
                        found.append(Pesan(
                            "laporan {laporan} baris {nomor} ({label}, {kolom}): {jumlah} ≠ jumlah bagiannya {isi}",
                            laporan=name, nomor=index + 1, label=line["label"], kolom=column, jumlah=amount, isi=inside,
                        ))
                    if open_sections and open_sections[-1][0] == level - 1:
                        open_sections[-1][1][0] += amount


def _leaves(statement: dict[str, Any]) -> Decimal:
    return _sum(_d(line["jumlah"]) for line in statement["baris"] if line["jenis"] == "baris")


def _statements(doc: dict[str, Any], found: list[Pesan]) -> None:
    laporan = doc["laporan"]
    for name in ("neraca", "phu", "ekuitas", "arus_kas"):
        _lines(laporan[name], name, found)
    n = _totals(laporan["neraca"], "neraca", ("aset_lancar", "aset_tidak_lancar", "total_aset",
                                              "liabilitas_jangka_pendek", "liabilitas_jangka_panjang",
                                              "total_liabilitas", "total_ekuitas", "total_liabilitas_ekuitas",
                                              "kas_dan_setara_kas"), found)
    if n is not None:
        _equal(found, Pesan("neraca tidak seimbang: total aset"), n["total_aset"], n["total_liabilitas"] + n["total_ekuitas"],
               Pesan("liabilitas + ekuitas"))
        _equal(found, Pesan("neraca: total aset"), n["total_aset"], n["aset_lancar"] + n["aset_tidak_lancar"],
               Pesan("aset lancar + tidak lancar"))
        _equal(found, Pesan("neraca: total liabilitas"), n["total_liabilitas"],
               n["liabilitas_jangka_pendek"] + n["liabilitas_jangka_panjang"], Pesan("jangka pendek + jangka panjang"))
        _equal(found, Pesan("neraca: total liabilitas dan ekuitas"), n["total_liabilitas_ekuitas"],
               n["total_liabilitas"] + n["total_ekuitas"], Pesan("liabilitas + ekuitas"))
        _equal(found, Pesan("neraca: jumlah baris akun"), _leaves(laporan["neraca"]), 2 * n["total_aset"],
               Pesan("aset + liabilitas + ekuitas"))
    p = _totals(laporan["phu"], "phu", ("partisipasi_anggota", "pendapatan_non_anggota", "pendapatan_lain",
                                        "beban_pokok", "beban_usaha", "beban_perkoperasian", "beban_lain",
                                        "total_pendapatan", "beban_sebelum_pajak", "shu_sebelum_pajak",
                                        "beban_pajak", "total_beban", "shu"), found)
    if p is not None:
        _equal(found, Pesan("phu: total pendapatan"), p["total_pendapatan"],
               p["partisipasi_anggota"] + p["pendapatan_non_anggota"] + p["pendapatan_lain"], Pesan("jumlah kelompoknya"))
        _equal(found, Pesan("phu: beban sebelum pajak"), p["beban_sebelum_pajak"],
               p["beban_pokok"] + p["beban_usaha"] + p["beban_perkoperasian"] + p["beban_lain"], Pesan("jumlah kelompoknya"))
        _equal(found, Pesan("phu: total beban"), p["total_beban"], p["beban_sebelum_pajak"] + p["beban_pajak"],
               Pesan("sebelum pajak + pajak"))
        _equal(found, Pesan("phu: SHU sebelum pajak"), p["shu_sebelum_pajak"],
               p["total_pendapatan"] - p["beban_sebelum_pajak"], Pesan("pendapatan − beban sebelum pajak"))
        _equal(found, Pesan("phu: SHU"), p["shu"], p["total_pendapatan"] - p["total_beban"], Pesan("pendapatan − beban"))
        _equal(found, Pesan("phu: jumlah baris akun"), _leaves(laporan["phu"]), p["total_pendapatan"] + p["total_beban"],
               Pesan("pendapatan + beban"))
    e = laporan["ekuitas"]["total"]
    ends = ("saldo_awal", "perubahan", "saldo_akhir")
    if all(k in e for k in ends):
        moves = _sum(_d(v) for k, v in e.items() if k not in ends)
        _equal(found, Pesan("ekuitas: perubahan"), _d(e["perubahan"]), moves, Pesan("jumlah gerakannya"))
        _equal(found, Pesan("ekuitas: saldo akhir"), _d(e["saldo_akhir"]), _d(e["saldo_awal"]) + _d(e["perubahan"]),
               Pesan("saldo awal + perubahan"))
        _equal(found, Pesan("ekuitas: jumlah baris gerakan"), _leaves(laporan["ekuitas"]), _d(e["perubahan"]), Pesan("perubahan"))
        if n is not None:
            _equal(found, Pesan("neraca: total ekuitas"), n["total_ekuitas"], _d(e["saldo_akhir"]),
                   Pesan("saldo akhir laporan perubahan ekuitas"))
    else:
        found.append(Pesan("laporan {laporan}: total {kunci} tidak ada", laporan="ekuitas", kunci=", ".join(ends)))
    k = _totals(laporan["arus_kas"], "arus_kas", ("operasi", "investasi", "pendanaan", "kenaikan_kas", "kas_awal",
                                                  "saldo_awal_kas", "kas_akhir"), found)
    if k is not None:
        _equal(found, Pesan("arus kas: kenaikan kas"), k["kenaikan_kas"], k["operasi"] + k["investasi"] + k["pendanaan"],
               Pesan("operasi + investasi + pendanaan"))
        _equal(found, Pesan("arus kas: kas akhir"), k["kas_akhir"], k["kas_awal"] + k["saldo_awal_kas"] + k["kenaikan_kas"],
               Pesan("kas awal + kenaikan"))
        _equal(found, Pesan("arus kas: jumlah baris"), _leaves(laporan["arus_kas"]), k["kas_akhir"], Pesan("kas akhir"))
        if n is not None:
            _equal(found, Pesan("neraca: kas dan setara kas"), n["kas_dan_setara_kas"], k["kas_akhir"],
                   Pesan("kas akhir laporan arus kas"))


_MOVES = ("awal", "masuk", "keluar", "akhir")
_GROUPS = ("perempuan", "laki_laki", "tidak_tercatat")


def _members(doc: dict[str, Any], found: list[Pesan]) -> None:
    members = doc["anggota"]
    for move in _MOVES:
        parts = sum(int(members[g][move]) for g in _GROUPS)
        if parts != int(members["jumlah"][move]):
            found.append(Pesan(
                "anggota {gerak}: perempuan + laki-laki + tidak tercatat = {bagian} ≠ jumlah {jumlah}",
                gerak=move, bagian=parts, jumlah=members["jumlah"][move]))
    for group in ("jumlah", *_GROUPS):
        m = members[group]
        if int(m["awal"]) + int(m["masuk"]) - int(m["keluar"]) != int(m["akhir"]):
            found.append(Pesan("anggota {kelompok}: awal {awal} + masuk {masuk} − keluar {keluar} ≠ akhir {akhir}",
                               kelompok=group, awal=m["awal"], masuk=m["masuk"], keluar=m["keluar"], akhir=m["akhir"]))
        if int(m["keluar"]) > int(m["awal"]) + int(m["masuk"]):
            found.append(Pesan("anggota {kelompok}: keluar {keluar} > awal + masuk", kelompok=group, keluar=m["keluar"]))
    with decimal.localcontext(_PERCENT):
        share = share_percent(int(members["perempuan"]["akhir"]), int(members["jumlah"]["akhir"]))
    stated = members["persen_perempuan"]
    if (None if stated is None else _d(stated)) != share:
        found.append(Pesan("anggota: persen perempuan {tertulis} ≠ {hitung}", tertulis=stated, hitung=share))
    shu = doc["shu"]
    if shu.get("dihitung") and int(shu["jumlah_anggota_penerima"]) > int(members["jumlah"]["awal"]) + int(
            members["jumlah"]["masuk"]):
        found.append(Pesan("SHU: {penerima} anggota penerima, lebih dari anggota tahun itu",
                           penerima=shu["jumlah_anggota_penerima"]))


def _savings(doc: dict[str, Any], found: list[Pesan]) -> None:
    s = doc["simpanan"]
    parts = ("pokok", "wajib", "sukarela", "berjangka")
    for part in (*parts, "jumlah"):
        if _d(s[part]) < 0:
            found.append(Pesan("simpanan {jenis} negatif: {jumlah}", jenis=part, jumlah=s[part]))
    _equal(found, Pesan("simpanan: jumlah"), _d(s["jumlah"]), _sum(_d(s[p]) for p in parts), Pesan("pokok + wajib + sukarela + berjangka"))


def _loans(doc: dict[str, Any], found: list[Pesan]) -> None:
    loans = doc["pinjaman"]
    classes = loans["per_kolektibilitas"]
    names = [c["kolektibilitas"] for c in classes]
    unknown = sorted({n for n in names if n not in KOLEKTIBILITAS})
    if unknown or len(set(names)) != len(names):
        found.append(Pesan("pinjaman: kolektibilitas tidak dikenal atau berulang: {nama}",
                           nama=", ".join(unknown) or ", ".join(names)))
    for c in classes:
        for key in ("saldo", "ppap", "tarif_ppap"):
            if _d(c[key]) < 0:
                found.append(Pesan("pinjaman {kelas}: {kunci} negatif", kelas=c["kolektibilitas"], kunci=key))
        if _d(c["tarif_ppap"]) > 100:
            found.append(Pesan("pinjaman {kelas}: tarif PPAP {tarif}% > 100%", kelas=c["kolektibilitas"],
                               tarif=c["tarif_ppap"]))
        if int(c["jumlah_pinjaman"]) == 0 and _d(c["saldo"]) != 0:
            found.append(Pesan("pinjaman {kelas}: saldo {saldo} tanpa satu pinjaman pun", kelas=c["kolektibilitas"],
                               saldo=c["saldo"]))
    for key in ("total_saldo", "ppap_wajib", "ppap_tercatat"):
        if _d(loans[key]) < 0:
            found.append(Pesan("pinjaman: {kunci} negatif", kunci=key))
    count = sum(int(c["jumlah_pinjaman"]) for c in classes)
    if count != int(loans["jumlah_pinjaman"]):
        found.append(Pesan("pinjaman: jumlah per kolektibilitas {bagian} ≠ jumlah pinjaman {jumlah}",
                           bagian=count, jumlah=loans["jumlah_pinjaman"]))
    balance = _sum(_d(c["saldo"]) for c in classes)
    _equal(found, Pesan("pinjaman: total saldo"), _d(loans["total_saldo"]), balance, Pesan("jumlah saldo per kolektibilitas"))
    _equal(found, Pesan("pinjaman: PPAP wajib"), _d(loans["ppap_wajib"]), _sum(_d(c["ppap"]) for c in classes),
           Pesan("jumlah PPAP per kolektibilitas"))
    bad = _sum(_d(c["saldo"]) for c in classes if c["kolektibilitas"] in NPL_CLASSES)
    with decimal.localcontext(_PERCENT):
        ratio = persen(bad, balance)
        npl = tampil(ratio) if ratio is not None else Decimal(0)
    if _d(loans["npl"]) != npl:
        found.append(Pesan("pinjaman: NPL {tertulis}% ≠ {hitung}% dari saldo per kolektibilitas",
                           tertulis=loans["npl"], hitung=npl))


def _rest(doc: dict[str, Any], today: dt.date, found: list[Pesan]) -> None:
    year = int(doc["tahun"])
    if year > today.year:
        found.append(Pesan("tahun buku {tahun} belum dimulai (hari ini {hari_ini})", tahun=year, hari_ini=today))
    if int(doc["pembanding"]) != year - 1:
        found.append(Pesan("tahun pembanding {pembanding} bukan {tahun} − 1", pembanding=doc["pembanding"], tahun=year))
    closed = doc["tutup_buku"]
    if closed["ditutup"] != (closed["sidik"] is not None) or (not closed["ditutup"] and not doc["sementara"]):
        found.append(Pesan("tutup buku: ditutup, sidik dan sementara tidak cocok satu sama lain"))
    rat = doc["rat"]
    if rat["alokasi_shu_dibukukan"] != (rat["tanggal_alokasi"] is not None):
        found.append(Pesan("rat: alokasi SHU dibukukan tanpa tanggal, atau tanggal tanpa alokasi"))
    shu = doc["shu"]
    if shu.get("dihitung"):
        amount = _d(shu["shu"])
        if bool(shu["rugi"]) != (amount <= 0):
            found.append(Pesan("SHU {shu}: tanda rugi tidak cocok", shu=amount))
        if amount > 0:
            _equal(found, Pesan("SHU: jumlah alokasi"), _sum(_d(a["jumlah"]) for a in shu["alokasi"]), amount, Pesan("SHU"))
        elif shu["alokasi"]:
            found.append(Pesan("SHU {shu}: tahun rugi atau nol tidak punya alokasi", shu=amount))
    health = doc["kesehatan"]
    scores = [health["skor"]] + [a["skor"] for a in health["aspek"]]
    for score in scores:
        if score is not None and not Decimal(0) <= _d(score) <= Decimal(100):
            found.append(Pesan("kesehatan: skor {skor} di luar 0–100", skor=score))


def plausibility_problems(doc: dict[str, Any], today: dt.date) -> list[Pesan]:
    """Every way a schema-valid export ``doc`` does not hold together (empty: plausible).

    Parts never exceed or differ from their whole (members by gender, savings by kind,
    loans by kolektibilitas, the statements' groups), every subtotal that closes a section
    equals its lines, the balance sheet balances, balances and counts are non-negative,
    the year has begun by ``today``. Exact: every sum runs in :data:`WIDE`.
    """
    found: list[Pesan] = []
    with decimal.localcontext(WIDE):
        _statements(doc, found)
        _members(doc, found)
        _savings(doc, found)
        _loans(doc, found)
        _rest(doc, today, found)
    return found


#: The per-export amounts the aggregation sums (the koperasi table's money columns).
SUMMED = ("total_aset", "total_liabilitas", "total_ekuitas", "shu", "simpanan", "pinjaman", "ppap_wajib")


def summed_amounts(doc: dict[str, Any]) -> dict[str, Decimal]:
    """The absolute value of each amount the aggregation sums for ``doc`` (for :class:`Kapasitas`)."""
    neraca = doc["laporan"]["neraca"]["total"]
    return {
        "total_aset": abs(_d(neraca["total_aset"])), "total_liabilitas": abs(_d(neraca["total_liabilitas"])),
        "total_ekuitas": abs(_d(neraca["total_ekuitas"])), "shu": abs(_d(doc["laporan"]["phu"]["total"]["shu"])),
        "simpanan": abs(_d(doc["simpanan"]["jumlah"])), "pinjaman": abs(_d(doc["pinjaman"]["total_saldo"])),
        "ppap_wajib": abs(_d(doc["pinjaman"]["ppap_wajib"])),
    }


class Kapasitas:
    """The running sums of absolute amounts over the exports counted so far: a file that
    would take any of them to :data:`KAPASITAS` is refused, so no sum overflows DECIMAL(38,4)."""

    def __init__(self) -> None:
        self.sums = dict.fromkeys(SUMMED, Decimal(0))

    def take(self, doc: dict[str, Any]) -> Pesan | None:
        """Add ``doc``'s amounts, or say why they do not fit (nothing added then)."""
        with decimal.localcontext(WIDE):
            amounts = summed_amounts(doc)
            after = {k: self.sums[k] + v for k, v in amounts.items()}
        over = [k for k, v in after.items() if v >= KAPASITAS]
        if over:
            return Pesan("angka {kolom} terlalu besar: jumlahnya dengan ekspor lain melampaui kapasitas "
                         "DECIMAL(38,4) (< 10^34)", kolom=", ".join(over))
        self.sums = after
        return None
