"""Deterministic generator of koperasi ledgers in kopledger's ledger language.

One simulation, day by day, of a *koperasi serba usaha* with a shop (toko) and a
savings-and-loan unit (unit simpan pinjam): members joining and leaving, simpanan
pokok, monthly simpanan wajib (some members late or in arrears), simpanan sukarela,
shop purchases and sales (cost of goods booked with each sale), loans with their
instalments (flat, efektif, anuitas — the schedule rounding rule of CONTRACTS.md),
operating expenses, depreciation, a bank account, a year-end loan-loss provision.

It writes beancount text directly (fast enough for 10,000 members). The example
koperasi ``examples/mawar/buku.beancount`` and the benchmarks both use it::

    from examples.generator import generate
    text = generate(120, 2, seed=2024)

Everything depends only on the arguments (a seeded ``random.Random``; no clock).
Cash, bank and stock never go negative; no year-end closing or SHU entries are
written (``kop tutup-buku`` and ``kop shu`` write those).
"""

from __future__ import annotations

import calendar
import datetime as dt
import heapq
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from kopledger.books.bagan_akun import STANDARD_CHART

BULAN = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)

# --- names and places (fictional people; common Sundanese / Indonesian names) ----------
FIRST_P = (
    "Siti", "Euis", "Neng", "Dewi", "Ai", "Iis", "Yuyun", "Rina", "Lilis", "Cucu", "Enok",
    "Imas", "Nining", "Entin", "Tati", "Wati", "Yati", "Eti", "Heni", "Nia", "Rika", "Santi",
    "Ratna", "Sri", "Teti", "Yeni", "Elis", "Cicih", "Popon", "Atikah", "Dedeh", "Nunung",
    "Eem", "Ida", "Titin", "Lina", "Mimin", "Ani", "Yanti", "Rosita", "Fitri", "Nurul", "Ela",
    "Asih", "Aan", "Nendah", "Pipin", "Uum", "Cici", "Rini", "Wiwin", "Kokom", "Onah", "Tuti",
)
LAST_P = (
    "Nurhaliza", "Kurniasih", "Lestari", "Rohayati", "Suryani", "Rahmawati", "Sulastri",
    "Wulandari", "Hasanah", "Komalasari", "Nurjanah", "Fitriani", "Handayani", "Maryani",
    "Rosmiati", "Sumiati", "Kartika", "Permatasari", "Setiawati", "Mulyani", "Sartika",
    "Hayati", "Sopiah", "Aisyah", "Puspitasari", "Ratnasari", "Kusmawati", "Rukmini",
    "Yulianti", "Nurlela", "Marlina", "Herlina", "Susanti", "Apriani", "Juariah", "Halimah",
)
FIRST_L = (
    "Asep", "Ujang", "Dede", "Cecep", "Wawan", "Agus", "Dadang", "Yayat", "Endang", "Ade",
    "Iwan", "Jajang", "Deden", "Enjang", "Yusuf", "Mamat", "Ohan", "Aceng", "Encep", "Rudi",
)
LAST_L = (
    "Saepudin", "Suryana", "Hidayat", "Supriatna", "Setiawan", "Salim", "Sunarya", "Ruhiyat",
    "Kusnadi", "Firmansyah", "Gunawan", "Nurjaman", "Permana", "Rohmat", "Mulyana", "Sodikin",
)
#: The first members of the example, named in its brief.
FOUNDERS = (
    ("Siti Nurhaliza", "P"), ("Euis Kurniasih", "P"), ("Neng Yuyun", "P"), ("Dewi Lestari", "P"),
    ("Ai Rohayati", "P"), ("Iis Suryani", "P"), ("Asep Saepudin", "L"), ("Cucu Komalasari", "P"),
)
#: (NIK prefix: province+regency+kecamatan, kecamatan, kota/kabupaten)
PLACES = (
    ("320201", "Cisaat", "Kab. Sukabumi"), ("320202", "Sukaraja", "Kab. Sukabumi"),
    ("320207", "Cibadak", "Kab. Sukabumi"), ("320215", "Kadudampit", "Kab. Sukabumi"),
    ("320222", "Gunungguruh", "Kab. Sukabumi"), ("320231", "Sukalarang", "Kab. Sukabumi"),
    ("327201", "Baros", "Kota Sukabumi"), ("327202", "Citamiang", "Kota Sukabumi"),
    ("327203", "Warudoyong", "Kota Sukabumi"), ("327204", "Gunung Puyuh", "Kota Sukabumi"),
    ("327205", "Cikole", "Kota Sukabumi"), ("327206", "Lembursitu", "Kota Sukabumi"),
    ("327207", "Cibeureum", "Kota Sukabumi"),
)
KAMPUNG = (
    "Kp. Cibolang", "Kp. Pasirhalang", "Kp. Cijambe", "Kp. Babakan", "Kp. Sindangsari",
    "Kp. Cipanengah", "Kp. Selabatu", "Kp. Nyomplong", "Kp. Sukamaju", "Kp. Cikondang",
    "Jl. Pelabuhan II Gg. Melati", "Jl. Siliwangi Gg. Mawar", "Jl. Bhayangkara Gg. Anggrek",
)
EXIT_REASONS = ("mengundurkan diri", "pindah domisili", "meninggal dunia", "pindah ke luar kota")

ONE = Decimal(1)
#: The day the koperasi was founded (its first members joined; its policies date from it).
FOUNDED = dt.date(2016, 3, 12)

#: Extra metadata on the chart's ``open`` lines: business units and depreciation (metadata only).
ACCOUNT_META: dict[str, tuple[tuple[str, str], ...]] = {
    "Persediaan": (("unit", '"toko"'),),
    "Piutang:PenyisihanPinjaman": (("unit", '"usp"'),),
    "AsetTetap:Peralatan": (("penyusutan", '"garis lurus"'),),
    "AsetTetap:Kendaraan": (("penyusutan", '"garis lurus"'), ("umur", "96")),
    "Anggota:Penjualan": (("unit", '"toko"'),),
    "NonAnggota:Penjualan": (("unit", '"toko"'),),
    "PokokPenjualan": (("unit", '"toko"'),),
    "Anggota:JasaPinjaman": (("unit", '"usp"'),),
    "Anggota:BiayaAdmin": (("unit", '"usp"'),),
    "Anggota:Denda": (("unit", '"usp"'),),
    "Usaha:PenyisihanPinjaman": (("unit", '"usp"'),),
}

#: The budget of the last year and the plan (RAPB) of the next: (account, rupiah).
BUDGET_LAST = (
    ("Pendapatan:Anggota:Penjualan", 135_000_000), ("Pendapatan:NonAnggota:Penjualan", 110_000_000),
    ("Pendapatan:Anggota:JasaPinjaman", 70_000_000), ("Pendapatan:Anggota:BiayaAdmin", 6_000_000),
    ("Beban:PokokPenjualan", 196_000_000), ("Beban:Usaha", 80_000_000), ("Beban:Usaha:Gaji", 45_600_000),
    ("Beban:Perkoperasian", 15_000_000), ("Aset:AsetTetap:Peralatan", 10_000_000),
)
BUDGET_NEXT = (
    ("Pendapatan:Anggota:Penjualan", 150_000_000), ("Pendapatan:NonAnggota:Penjualan", 112_000_000),
    ("Pendapatan:Anggota:JasaPinjaman", 80_000_000), ("Pendapatan:Anggota:BiayaAdmin", 6_000_000),
    ("Beban:PokokPenjualan", 212_000_000), ("Beban:Usaha", 82_000_000), ("Beban:Perkoperasian", 16_000_000),
)
PENGAWAS_TEKS = (
    "Pengawas telah memeriksa pembukuan, kas, dan pelaksanaan keputusan Rapat Anggota selama tahun buku. "
    "Kas dan saldo bank sesuai dengan buku pada pemeriksaan triwulanan.\n\n"
    "Pengawas mencatat tunggakan pinjaman beberapa anggota dan meminta pengurus menagihnya secara teratur, "
    "serta mengingatkan bahwa SHU tahun buku sebelumnya belum dibagi."
)
#: Key figures of years before the books (old printed RAT reports): year, members, assets,
#: equity, volume, SHU.
RINGKASAN_LAMA = (
    (2022, 94, 318_400_000, 262_150_000, 215_300_000, 14_820_000),
    (2023, 102, 349_900_000, 289_600_000, 228_750_000, 16_410_000),
)


def round_half_up(value: Decimal) -> int:
    """Whole rupiah, half up (the schedule rounding rule)."""
    return int(value.quantize(ONE, rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Instalment:
    ke: int
    tanggal: dt.date
    angsuran: int
    pokok: int
    bunga: int
    sisa: int


def schedule(pokok: int, bunga: Decimal, tenor: int, metode: str, mulai: dt.date) -> tuple[Instalment, ...]:
    """The instalment schedule of CONTRACTS.md (first due date ``mulai``, then monthly)."""
    i = Decimal(bunga) / 100 / 12
    base = pokok // tenor
    rows = []
    outstanding = pokok
    annuity = 0
    if metode == "anuitas" and i:
        annuity = round_half_up(Decimal(pokok) * i / (1 - (1 + i) ** -tenor))
    for k in range(1, tenor + 1):
        last = k == tenor
        if metode == "flat":
            interest = round_half_up(Decimal(pokok) * i)
            principal = outstanding if last else base
        elif metode == "efektif" or (metode == "anuitas" and not i):
            interest = round_half_up(Decimal(outstanding) * i)
            principal = outstanding if last else base
        elif metode == "anuitas":
            interest = round_half_up(Decimal(outstanding) * i)
            principal = outstanding if last else annuity - interest
        else:
            raise ValueError(f"unknown metode {metode!r}")
        outstanding -= principal
        rows.append(Instalment(k, add_months(mulai, k - 1), principal + interest,
                               principal, interest, outstanding))
    return tuple(rows)


def add_months(date: dt.date, months: int) -> dt.date:
    """``date`` plus whole months, the day clipped to the month's end (as relativedelta)."""
    index = date.year * 12 + date.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(date.day, calendar.monthrange(year, month)[1]))


def month_key(date: dt.date) -> str:
    return f"{date.year:04d}-{date.month:02d}"


def first_of_month(key: str) -> dt.date:
    return dt.date(int(key[:4]), int(key[5:7]), 1)


@dataclass
class Loan:
    id: str
    member: str
    pokok: int
    rows: tuple[Instalment, ...]
    paid: int = 0  # instalments paid
    principal_paid: int = 0
    settled: bool = False
    stop_at: int | None = None  # the borrower stops paying before this instalment (arrears)

    @property
    def outstanding(self) -> int:
        return 0 if self.settled else self.pokok - self.principal_paid


@dataclass
class MemberState:
    id: str
    nama: str
    gender: str
    joined: dt.date
    left: dt.date | None = None
    pokok: int = 0
    wajib: int = 0
    sukarela: int = 0
    loan: Loan | None = None
    officer: bool = False
    habit: str = "rajin"  # wajib habit: rajin (on time), telat (late), nunggak (arrears)


@dataclass
class Economy:
    """Sizes that scale with the number of members (``s`` = members / 120)."""

    s: float

    def rp(self, amount: float, step: int = 1000) -> int:
        return round(amount * self.s / step) * step


class LedgerGenerator:
    """The simulation; :func:`generate` is the way to use it."""

    def __init__(self, n_members: int, years: int, seed: int, start_year: int, nama: str) -> None:
        if n_members < 10:
            raise ValueError("at least 10 members")
        self.rng = random.Random(seed)
        self.n = n_members
        self.start = dt.date(start_year, 1, 1)
        self.end = dt.date(start_year + years - 1, 12, 31)
        self.nama = nama
        self.eco = Economy(n_members / 120)
        self.width = max(4, len(str(n_members)))
        self.out: list[str] = []
        self.events: dict[dt.date, list[tuple[int, int, Callable[[], None]]]] = defaultdict(list)
        self.seq = 0
        self.members: dict[str, MemberState] = {}
        self.kas = 0
        self.bank = 0
        self.stock = 0
        self.ppap = 0
        self.loan_seq: dict[int, int] = defaultdict(int)
        self.loans: list[Loan] = []
        self.income: dict[int, int] = defaultdict(int)  # SHU by year, for the summary
        # problem loans wanted at the end: (first unpaid due date window, class)
        self.problem_windows = self._problem_windows()
        self.raise_month = f"{start_year + 1}-01" if years >= 2 else ""
        self._today = self.start
        self.names: set[str] = {n for n, _ in FOUNDERS}

    # --- plumbing -------------------------------------------------------------------
    def at(self, date: dt.date, prio: int, action: Callable[[], None]) -> None:
        if self.start <= date <= self.end:
            self.seq += 1
            self.events[date].append((prio, self.seq, action))

    def mid(self, i: int) -> str:
        return f"A{i:0{self.width}d}"

    def emit(self, text: str) -> None:
        self.out.append(text)

    def new_day(self, day: dt.date) -> None:
        """A blank line before each day's entries."""
        self._today = day
        self.out.append("\n")

    def txn(self, date: dt.date, narration: str, postings: list[tuple[str, int]], *,
            tags: str = "", meta: tuple[tuple[str, str], ...] = (), payee: str | None = None) -> None:
        """Write one transaction; postings are (account, amount) and must balance."""
        assert sum(a for _, a in postings) == 0, (narration, postings)
        head = f'{date} * "{payee}" "{narration}"' if payee else f'{date} * "{narration}"'
        lines = [head + (" " + tags if tags else "")]
        lines += [f"  {k}: {v}" for k, v in meta]
        for account, amount in postings:
            lines.append(f"  {account}  {amount} IDR")
            self._move(account, amount, date)
        self.emit("\n".join(lines) + "\n")

    def _move(self, account: str, amount: int, date: dt.date) -> None:
        if account == "Aset:Kas":
            self.kas += amount
            assert self.kas >= 0, (date, "kas negative")
        elif account == "Aset:Bank:BRI":
            self.bank += amount
            assert self.bank >= 0, (date, "bank negative")
        elif account == "Aset:Persediaan":
            self.stock += amount
            assert self.stock >= 0, (date, "stock negative")
        elif account.startswith(("Pendapatan:", "Beban:")):
            self.income[date.year] -= amount

    def active(self, m: MemberState, date: dt.date) -> bool:
        return m.joined <= date and (m.left is None or m.left > date)

    def need_cash(self, date: dt.date, amount: int) -> bool:
        """Make ``amount`` available in Kas (drawing from the bank); False if impossible."""
        if self.kas >= amount:
            return True
        short = amount - self.kas
        draw = min(self.bank, -(-(short + self.eco.rp(2_000_000)) // 100_000) * 100_000)
        if self.kas + draw < amount:
            return False
        self.txn(date, "Penarikan tunai dari Bank BRI untuk kas", [("Aset:Kas", draw), ("Aset:Bank:BRI", -draw)])
        return True

    # --- the ledger --------------------------------------------------------------------
    def header(self) -> None:
        start = self.start
        e = self.emit
        e(f";; Buku besar {self.nama}\n")
        e(";; Koperasi fiktif, dibuat oleh examples/generator.py (deterministik). Jangan disunting:\n")
        e(";; jalankan ulang generatornya. Fictional books, generated; regenerate, do not edit.\n\n")
        e(f'option "title" "{self.nama}"\n')
        e('option "operating_currency" "IDR"\n')
        for key, root in (("assets", "Aset"), ("liabilities", "Liabilitas"), ("equity", "Ekuitas"),
                          ("income", "Pendapatan"), ("expenses", "Beban")):
            e(f'option "name_{key}" "{root}"\n')
        e('plugin "kopledger.plugin"\n\n')
        founded = FOUNDED
        e(f'{founded} custom "koperasi" "{self.nama}"\n')
        e('  badan-hukum: "AHU-0004127.AH.01.26.Tahun 2016"\n')
        e('  alamat: "Jl. Pelabuhan II No. 45, Kel. Cipanengah, Kec. Lembursitu, Kota Sukabumi, Jawa Barat 43169"\n')
        e('  jenis: "serba-usaha"\n\n')
        e(";; Meja kerja bendahara di peramban: fava buku.beancount (docs/fava.md)\n")
        e(f'{founded} custom "fava-extension" "kopledger.fava"\n\n')
        e(";; ---- Kebijakan (AD/ART dan keputusan RAT) ----\n")
        e(f'{founded} custom "kebijakan" "simpanan-pokok" 100000 IDR\n')
        e(f'{founded} custom "kebijakan" "simpanan-wajib" 25000 IDR\n')
        e(f'{founded} custom "kebijakan" "denda-pinjaman" 1\n')
        e(';; Koperasi ini memakai kelas "dalam perhatian khusus" (1-90 hari): pilihan, bukan bawaan\n')
        e(';; kopledger (bawaan: lancar, kurang lancar, diragukan, macet). Dengan kol-dpk berlaku aturan\n')
        e(';; bank (DPK 5 %, KL 91-120 hari 15 %, D 121-180 hari 50 %, M > 180 hari 100 %), kecuali yang\n')
        e(';; ditetapkan RAT sendiri di bawah ini: batas dan tarif koperasi ini.\n')
        e(f'{founded} custom "kebijakan" "kol-dpk" 1\n')
        e(f'{founded} custom "kebijakan" "ppap-dpk" 10\n')
        e(f'{founded} custom "kebijakan" "ppap-kurang-lancar" 10\n')
        e(f'{founded} custom "kebijakan" "kol-diragukan" 181\n')
        e(f'{founded} custom "kebijakan" "kol-macet" 271\n')
        if self.raise_month:
            e(f';; RAT tahun buku {start.year} menaikkan simpanan wajib mulai Januari {start.year + 1}.\n')
            e(f'{start.year + 1}-01-01 custom "kebijakan" "simpanan-wajib" 30000 IDR\n')
        e("\n;; Pembagian SHU (jumlah tepat 100)\n")
        for component, percent in (("cadangan", 40), ("jasa-modal", 20), ("jasa-usaha", 25),
                                   ("dana-pengurus", 5), ("dana-karyawan", 5), ("dana-pendidikan", 2.5),
                                   ("dana-sosial", 2.5)):
            e(f'{start} custom "shu-alokasi" "{component}" {percent}\n')
        e("\n;; ---- Bagan akun ----\n")
        e(';; unit: unit usaha (toko, usp = unit simpan pinjam); akun tanpa unit adalah akun bersama.\n')
        for account in STANDARD_CHART:
            roots = {"aset": "Aset", "liabilitas": "Liabilitas", "ekuitas": "Ekuitas",
                     "pendapatan": "Pendapatan", "beban": "Beban"}
            e(f"{start} open {roots[account.root]}:{account.path} IDR\n")
            e(f'  kode: "{account.kode}"\n  nama: "{account.nama}"\n')
            for key, value in ACCOUNT_META.get(account.path, ()):
                e(f"  {key}: {value}\n")
        e(';; Induk piutang pinjaman anggota (akun per anggota dibuka oleh plugin), unit simpan pinjam.\n')
        e(f'{start} open Aset:Piutang:PinjamanAnggota IDR\n  unit: "usp"\n')
        e("\n")

    # --- budget, supervisors' report, old reports (directives only: no figure changes) ---
    def rat_plan(self) -> None:
        """Budgets (anggaran) of the last year and the next (RAPB) and the supervisors' report
        of the last year."""
        e = self.emit
        last = self.end.year
        e(f"\n;; ---- Anggaran tahun buku {last} (disahkan RAT) dan RAPB {last + 1} ----\n")
        for year, lines in ((last, BUDGET_LAST), (last + 1, BUDGET_NEXT)):
            for account, amount in lines:
                e(f'{year}-01-02 custom "anggaran" "{account}" {amount} IDR\n')
        e(f"\n;; ---- Laporan pengawas tahun buku {last} ----\n")
        e(f'{last + 1}-02-20 custom "rat-teks" "laporan-pengawas" "{PENGAWAS_TEKS}"\n  tahun: {last}\n')

    # --- members -----------------------------------------------------------------------
    def person(self, i: int) -> tuple[str, str]:
        """A name and gender; unique while the name lists allow it."""
        if i <= len(FOUNDERS):
            return FOUNDERS[i - 1]
        for _ in range(30):
            nama, gender = self._name()
            if nama not in self.names:
                break
        self.names.add(nama)
        return nama, gender

    def _name(self) -> tuple[str, str]:
        rng = self.rng
        if rng.random() < 0.12:
            return f"{rng.choice(FIRST_L)} {rng.choice(LAST_L)}", "L"
        first = rng.choice(FIRST_P)
        if rng.random() < 0.15:
            return f"Neng {first}" if first != "Neng" else f"Neng {rng.choice(LAST_P)}", "P"
        return f"{first} {rng.choice(LAST_P)}", "P"

    def anggota_text(self, m: MemberState) -> str:
        rng = self.rng
        prefix, kec, kota = rng.choice(PLACES)
        birth = dt.date(rng.randint(1960, 2001), rng.randint(1, 12), rng.randint(1, 28))
        day = birth.day + (40 if m.gender == "P" else 0)
        nik = f"{prefix}{day:02d}{birth.month:02d}{birth.year % 100:02d}{rng.randint(1, 2999):04d}"
        alamat = f"{rng.choice(KAMPUNG)} RT {rng.randint(1, 9):02d}/RW {rng.randint(1, 12):02d}, Kec. {kec}, {kota}"
        telepon = f"08{rng.choice(('12', '13', '52', '57', '77', '95'))}-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"
        return (f'{m.joined} custom "anggota" "{m.id}" "{m.nama}"\n  nik: "{nik}"\n'
                f'  jenis-kelamin: "{m.gender}"\n  alamat: "{alamat}"\n  telepon: "{telepon}"\n')

    def register_founding_members(self) -> None:
        """Members who joined before the books start; the others join during the years."""
        rng = self.rng
        founded = FOUNDED
        n_new = max(2, round(self.n * 0.15 * (self.end.year - self.start.year + 1) / 2))
        n_old = self.n - n_new
        self.new_join_dates = sorted(
            self.start + dt.timedelta(days=rng.randint(10, (self.end - self.start).days - 20)) for _ in range(n_new)
        )
        self.emit(";; ---- Anggota yang masuk sebelum pembukuan ini dimulai ----\n")
        olds = []
        for i in range(1, n_old + 1):
            nama, gender = self.person(i)
            if i <= 8:
                joined = founded
            else:
                joined = founded + dt.timedelta(days=rng.randint(30, (self.start - founded).days - 5))
            olds.append((joined, i, nama, gender))
        olds.sort()
        for number, (joined, _, nama, gender) in enumerate(olds, start=1):
            m = MemberState(self.mid(number), nama, gender, joined)
            self.members[m.id] = m
            self.emit(self.anggota_text(m))
        self.emit("\n")
        founders = list(self.members.values())[:8]
        for role, m in zip(("ketua", "sekretaris", "bendahara", "pengawas"), founders[:4], strict=True):
            m.officer = True
            self.emit(f'{self.start} custom "pengurus" "{role}" "{m.nama}"\n  anggota: "{m.id}"\n')
        self.emit("\n")
        self.old_summaries()

    def old_summaries(self) -> None:
        """Key figures of years before the books began (from old printed RAT reports)."""
        e = self.emit
        old = [row for row in RINGKASAN_LAMA if row[0] < self.start.year]
        if not old:
            return
        e(";; ---- Ringkasan tahun sebelum pembukuan ini (dari laporan RAT tercetak) ----\n")
        for year, anggota, aset, ekuitas, volume, shu in old:
            e(f'{self.start} custom "ringkasan-tahun" "{year}"\n  anggota: {anggota}\n  aset: {aset} IDR\n'
              f'  ekuitas: {ekuitas} IDR\n  volume: {volume} IDR\n  shu: {shu} IDR\n')
        e("\n")

    def opening_balances(self) -> None:
        """One ``#saldo-awal`` transaction: the balances carried in on the first day."""
        rng = self.rng
        eco = self.eco
        postings: list[tuple[str, int]] = []
        members: list[tuple[str, str, int]] = []
        for m in self.members.values():
            months = (self.start.year - m.joined.year) * 12 + self.start.month - m.joined.month
            m.pokok = 100_000
            short = rng.choice((0, 0, 0, 0, 1, 2, 3))  # months of wajib owed from before the books
            m.wajib = max(0, months - (short if int(m.id[1:]) % 3 == 0 else 0)) * 25_000
            m.sukarela = rng.randint(5, 400) * 10_000 if rng.random() < 0.35 else 0
            members.append(("Ekuitas:SimpananPokok:" + m.id, m.id, -m.pokok))
            if m.wajib:
                members.append(("Ekuitas:SimpananWajib:" + m.id, m.id, -m.wajib))
            if m.sukarela:
                members.append(("Liabilitas:SimpananSukarela:" + m.id, m.id, -m.sukarela))
        member_total = sum(a for _, _, a in members)
        kas = eco.rp(18_500_000)
        stock = eco.rp(21_750_000)
        alat, motor = eco.rp(24_000_000, 10_000), eco.rp(19_200_000, 10_000)
        self.assets = {"Aset:AsetTetap:Peralatan": alat, "Aset:AsetTetap:Kendaraan": motor}
        self.dep_monthly = {"Aset:AsetTetap:Peralatan": alat // 96, "Aset:AsetTetap:Kendaraan": motor // 96}
        accum = 36 * (alat // 96) + 24 * (motor // 96)
        hibah = eco.rp(15_000_000)
        bank = -member_total + eco.rp(95_000_000)
        postings = [("Aset:Kas", kas), ("Aset:Bank:BRI", bank), ("Aset:Persediaan", stock),
                    ("Aset:AsetTetap:Peralatan", alat), ("Aset:AsetTetap:Kendaraan", motor),
                    ("Aset:AsetTetap:AkumulasiPenyusutan", -accum), ("Ekuitas:Hibah", -hibah)]
        cadangan = -(sum(a for _, a in postings) + member_total)
        postings.append(("Ekuitas:Cadangan:Umum", cadangan))
        lines = [f'{self.start} * "Saldo awal pembukuan per {self.start}" #saldo-awal']
        for account, amount in postings:
            lines.append(f"  {account}  {amount} IDR")
            self._move(account, amount, self.start)
        for account, member_id, amount in members:
            lines.append(f'  {account}  {amount} IDR\n    anggota: "{member_id}"')
        self.emit(";; ---- Saldo awal ----\n" + "\n".join(lines) + "\n\n;; ---- Transaksi ----\n")

    # --- planning ------------------------------------------------------------------------
    def plan(self) -> None:
        rng = self.rng
        for m in list(self.members.values()):
            self.plan_member(m, self.start)
            if rng.random() < 0.6:
                self.at(self.start + dt.timedelta(days=rng.randint(2, 200)), 40, self.apply_loan_fn(m.id))
        for k, joined in enumerate(self.new_join_dates):
            self.at(joined, 10, self.join_fn(len(self.members) + k + 1, joined))
        self.plan_exits()
        self.plan_business()

    def plan_member(self, m: MemberState, since: dt.date, *, joining: bool = False) -> None:
        """Wajib payments, sukarela habits and shop purchases of one member.

        A member who joins pays the wajib of the joining month with the pokok.
        """
        rng = self.rng
        m.habit = rng.choices(("rajin", "telat", "nunggak"), (78, 14, 8))[0]
        payday = rng.randint(1, 26)
        month = dt.date(since.year, since.month, 1)
        stop = self.end - dt.timedelta(days=rng.randint(20, 250)) if m.habit == "nunggak" else None
        while month <= self.end:
            key = month_key(month)
            if joining and month <= since:
                pay = since
            elif m.habit == "rajin" or (m.habit == "telat" and rng.random() < 0.5):
                pay = month.replace(day=min(28, max(1, payday + rng.randint(-2, 2))))
            elif m.habit == "telat":
                pay = add_months(month, rng.choice((1, 1, 2))).replace(day=payday)
            elif stop and month < stop:
                pay = month.replace(day=payday)
            elif rng.random() < 0.15:  # a late catch-up near the end of the books
                pay = self.end - dt.timedelta(days=rng.randint(0, 10))
            else:
                pay = self.end + dt.timedelta(days=1)  # never paid: arrears
            self.at(max(pay, since), 20, self.wajib_fn(m.id, key))
            self.plan_month_extras(m, month, since)
            month = add_months(month, 1)

    def plan_month_extras(self, m: MemberState, month: dt.date, since: dt.date) -> None:
        rng = self.rng
        days = (add_months(month, 1) - month).days
        saver = int(m.id[1:]) % 10 < 3  # about 30% of members keep sukarela
        if saver and rng.random() < 0.35:
            day = max(since, month.replace(day=rng.randint(1, days)))
            self.at(day, 21, self.sukarela_fn(m.id, rng.randint(5, 100) * 10_000))
        if (saver or m.sukarela) and rng.random() < 0.1:
            day = max(since, month.replace(day=rng.randint(1, days)))
            self.at(day, 50, self.tarik_fn(m.id, rng.choice((0.2, 0.3, 0.5, 1.0))))
        if rng.random() < 0.18:
            day = max(since, month.replace(day=rng.randint(1, days)))
            self.at(day, 30, self.belanja_fn(m.id, rng.randint(200, 2200) * 500))

    def plan_exits(self) -> None:
        rng = self.rng
        years = self.end.year - self.start.year + 1
        n_exit = max(2, round(self.n * 0.02 * years))
        n_setoff = max(1, n_exit // 4)
        for k in range(n_exit):
            date = self.start + dt.timedelta(days=rng.randint(60, (self.end - self.start).days - 15))
            self.at(date, 60, self.exit_fn(with_loan=k < n_setoff))

    def plan_business(self) -> None:
        """Shop sales to non-members, expenses, depreciation, bank, RAT, provisions."""
        rng = self.rng
        eco = self.eco
        day = self.start
        while day <= self.end:
            if day.weekday() == 5:  # Saturday: the week's cash sales to non-members
                self.at(day, 31, self.non_member_sales_fn(eco.rp(rng.randint(1_400, 2_600) * 1000, 500)))
            day += dt.timedelta(days=1)
        month = self.start
        while month <= self.end:
            y, mo = month.year, month.month
            last = add_months(month, 1) - dt.timedelta(days=1)
            self.at(month.replace(day=5), 70, self.expense_fn(
                "Beban:Usaha:Sewa", "Sewa kios toko bulan " + f"{BULAN[mo - 1]} {y}", eco.rp(1_250_000)))
            self.at(month.replace(day=12), 70, self.expense_fn(
                "Beban:Usaha:Listrik", f"Listrik dan air {BULAN[mo - 1]} {y}", eco.rp(rng.randint(330, 480) * 1000)))
            self.at(month.replace(day=15), 70, self.expense_fn(
                "Beban:Usaha:ATK", f"Alat tulis dan fotokopi {BULAN[mo - 1]} {y}", eco.rp(rng.randint(90, 260) * 1000)))
            self.at(month.replace(day=25), 70, self.expense_fn(
                "Beban:Usaha:Gaji", f"Gaji karyawan toko dan USP {BULAN[mo - 1]} {y}", eco.rp(3_800_000)))
            self.at(month.replace(day=25), 70, self.expense_fn(
                "Beban:Perkoperasian:HonorPengurus", f"Honor pengurus dan pengawas {BULAN[mo - 1]} {y}",
                eco.rp(600_000)))
            self.at(last, 80, self.depreciation_fn(month))
            self.at(last, 81, self.bank_month_fn(month))
            self.at(month.replace(day=20), 75, self.bank_deposit_fn())
            self.at(last, 75, self.bank_deposit_fn())
            if mo == 3:
                self.at(month.replace(day=16), 70, self.expense_fn(
                    "Beban:Perkoperasian:RapatAnggota", f"Konsumsi dan perlengkapan RAT tahun buku {y - 1}",
                    eco.rp(rng.randint(6_000, 8_000) * 1000)))
            if mo in (6, 11):
                self.at(month.replace(day=18), 70, self.expense_fn(
                    "Beban:Perkoperasian:Pembinaan", "Pelatihan anggota: pembukuan usaha rumah tangga",
                    eco.rp(rng.randint(600, 1_200) * 1000)))
            if mo == 12:
                self.at(last, 90, self.ppap_fn(last))
            month = add_months(month, 1)
        if self.end >= dt.date(2025, 2, 10) > self.start:
            self.at(dt.date(2025, 2, 10), 72, self.buy_asset_fn())
        # monthly balance assertions on cash and bank (checked by bean-check)
        month = add_months(self.start, 1)
        while month <= self.end + dt.timedelta(days=1):
            self.at(min(month, self.end), -1, self.assert_fn(month))
            month = add_months(month, 1)

    # --- actions (closures run on their day, in priority order) ---------------------------
    def join_fn(self, number: int, date: dt.date) -> Callable[[], None]:
        def run() -> None:
            nama, gender = self.person(number)
            m = MemberState(self.mid(number), nama, gender, date)
            self.members[m.id] = m
            self.emit(self.anggota_text(m))
            self.txn(date, f"Simpanan pokok {m.nama}", [("Aset:Kas", 100_000), ("Ekuitas:SimpananPokok:" + m.id, -100_000)],
                     tags="#simpanan-pokok", meta=(("anggota", f'"{m.id}"'),))
            m.pokok = 100_000
            self.plan_member(m, date, joining=True)
            if self.rng.random() < 0.4:
                self.at(date + dt.timedelta(days=self.rng.randint(90, 300)), 40, self.apply_loan_fn(m.id))
        return run

    def wajib_amount(self, key: str) -> int:
        """The policy amount in force in the month paid for."""
        return 30_000 if self.raise_month and key >= self.raise_month else 25_000

    def wajib_fn(self, member_id: str, key: str) -> Callable[[], None]:
        def run() -> None:
            m = self.members[member_id]
            date = self.today
            if not self.active(m, date):
                return
            amount = self.wajib_amount(key)
            month = first_of_month(key)
            m.wajib += amount
            self.txn(date, f"Simpanan wajib {BULAN[month.month - 1]} {month.year}",
                     [("Aset:Kas", amount), ("Ekuitas:SimpananWajib:" + member_id, -amount)],
                     tags="#simpanan-wajib", meta=(("anggota", f'"{member_id}"'), ("bulan", f'"{key}"')))
        return run

    @property
    def today(self) -> dt.date:
        return self._today

    def sukarela_fn(self, member_id: str, amount: int) -> Callable[[], None]:
        def run() -> None:
            m = self.members[member_id]
            if not self.active(m, self.today):
                return
            m.sukarela += amount
            self.txn(self.today, "Setoran simpanan sukarela",
                     [("Aset:Kas", amount), ("Liabilitas:SimpananSukarela:" + member_id, -amount)],
                     tags="#simpanan-sukarela", meta=(("anggota", f'"{member_id}"'),))
        return run

    def tarik_fn(self, member_id: str, share: float) -> Callable[[], None]:
        def run() -> None:
            m = self.members[member_id]
            amount = int(m.sukarela * share) // 10_000 * 10_000
            if not self.active(m, self.today) or amount < 50_000 or not self.need_cash(self.today, amount):
                return
            m.sukarela -= amount
            self.txn(self.today, "Penarikan simpanan sukarela",
                     [("Liabilitas:SimpananSukarela:" + member_id, amount), ("Aset:Kas", -amount)],
                     tags="#simpanan-sukarela", meta=(("anggota", f'"{member_id}"'),))
        return run

    def restock(self, need: int) -> None:
        """Buy stock when what is left would not cover ``need`` (from the bank if it can)."""
        if self.stock >= need + self.eco.rp(3_000_000):
            return
        amount = self.eco.rp(self.rng.randint(15_000, 22_000) * 1000)
        amount = max(amount, need - self.stock + self.eco.rp(5_000_000))
        source = "Aset:Bank:BRI" if self.bank >= amount else "Aset:Kas"
        if source == "Aset:Kas" and not self.need_cash(self.today, amount):
            amount = self.kas // 1000 * 1000
        if amount <= 0:
            return
        supplier = self.rng.choice(("CV Sumber Rejeki", "Toko Grosir Sinar Jaya", "PT Indogrosir Sukabumi",
                                    "UD Beras Cianjur Makmur"))
        self.txn(self.today, "Pembelian barang dagangan", [("Aset:Persediaan", amount), (source, -amount)],
                 payee=supplier)

    def belanja_fn(self, member_id: str, amount: int) -> Callable[[], None]:
        def run() -> None:
            m = self.members[member_id]
            if not self.active(m, self.today):
                return
            cost = round(amount * self.rng.uniform(0.78, 0.84))
            self.restock(cost)
            if self.stock < cost:
                return
            self.txn(self.today, "Belanja anggota di toko koperasi",
                     [("Aset:Kas", amount), ("Pendapatan:Anggota:Penjualan", -amount),
                      ("Beban:PokokPenjualan", cost), ("Aset:Persediaan", -cost)],
                     meta=(("anggota", f'"{member_id}"'),))
        return run

    def non_member_sales_fn(self, amount: int) -> Callable[[], None]:
        def run() -> None:
            cost = round(amount * self.rng.uniform(0.8, 0.85))
            self.restock(cost)
            if self.stock < cost:
                return
            self.txn(self.today, "Penjualan tunai toko kepada umum (non-anggota) sepekan",
                     [("Aset:Kas", amount), ("Pendapatan:NonAnggota:Penjualan", -amount),
                      ("Beban:PokokPenjualan", cost), ("Aset:Persediaan", -cost)])
        return run

    def expense_fn(self, account: str, narration: str, amount: int) -> Callable[[], None]:
        def run() -> None:
            if self.need_cash(self.today, amount):
                self.txn(self.today, narration, [(account, amount), ("Aset:Kas", -amount)])
        return run

    def depreciation_fn(self, month: dt.date) -> Callable[[], None]:
        def run() -> None:
            total = sum(self.dep_monthly.values())
            self.txn(self.today, f"Penyusutan aset tetap {BULAN[month.month - 1]} {month.year}",
                     [("Beban:Usaha:Penyusutan", total), ("Aset:AsetTetap:AkumulasiPenyusutan", -total)])
        return run

    def buy_asset_fn(self) -> Callable[[], None]:
        def run() -> None:
            cost = self.eco.rp(7_200_000, 48_000)
            if not self.bank >= cost:
                return
            self.txn(self.today, "Pembelian lemari pendingin (showcase) untuk toko",
                     [("Aset:AsetTetap:Peralatan", cost), ("Aset:Bank:BRI", -cost)], payee="Toko Elektronik Surya")
            self.dep_monthly["Aset:AsetTetap:Peralatan"] += cost // 48
        return run

    def bank_month_fn(self, month: dt.date) -> Callable[[], None]:
        def run() -> None:
            interest = int(self.bank * 0.0125 / 12)
            if interest > 0:
                self.txn(self.today, f"Jasa giro Bank BRI {BULAN[month.month - 1]} {month.year}",
                         [("Aset:Bank:BRI", interest), ("Pendapatan:Lain", -interest)])
            fee = 15_000
            if self.bank >= fee:
                self.txn(self.today, f"Biaya administrasi Bank BRI {BULAN[month.month - 1]} {month.year}",
                         [("Beban:Usaha:Lain", fee), ("Aset:Bank:BRI", -fee)])
        return run

    def bank_deposit_fn(self) -> Callable[[], None]:
        def run() -> None:
            keep = self.eco.rp(12_000_000)
            if self.kas > keep + self.eco.rp(5_000_000):
                amount = (self.kas - keep) // 100_000 * 100_000
                self.txn(self.today, "Setor kelebihan kas ke Bank BRI", [("Aset:Bank:BRI", amount), ("Aset:Kas", -amount)])
        return run

    def assert_fn(self, month: dt.date) -> Callable[[], None]:
        def run() -> None:
            # runs first on its day: the balances are those of the end of the day before
            self.emit(f"{self.today} balance Aset:Kas  {self.kas} IDR\n"
                      f"{self.today} balance Aset:Bank:BRI  {self.bank} IDR\n")
        return run

    # --- loans ---------------------------------------------------------------------------
    def _problem_windows(self) -> list[list]:
        """Loans that should be in arrears at the end: [window start, window end, count]."""
        end = self.end
        k = max(1, round(self.n / 120))
        return [[end - dt.timedelta(days=d1), end - dt.timedelta(days=d0), c] for d0, d1, c in (
            (20, 80, 3 * k),     # dalam perhatian khusus
            (100, 170, 2 * k),   # kurang lancar
            (190, 260, 1 * k),   # diragukan
            (290, 420, 2 * k),   # macet
        )]

    def apply_loan_fn(self, member_id: str) -> Callable[[], None]:
        def run() -> None:
            m = self.members[member_id]
            date = self.today
            if not self.active(m, date) or (m.loan and m.loan.outstanding > 0):
                return
            rng = self.rng
            pokok = rng.choice((2, 3, 4, 5, 5, 6, 7, 8, 10, 10, 12, 15, 15, 20, 25)) * 1_000_000
            metode = rng.choices(("flat", "anuitas", "efektif"), (75, 15, 10))[0]
            bunga = Decimal(rng.choice((18, 18, 21, 24))) if metode == "flat" else Decimal(rng.choice((18, 21, 24)))
            tenor = rng.choice((10, 12, 12, 18, 24)) if pokok >= 5_000_000 else rng.choice((6, 10, 12))
            admin = pokok // 100
            provisi = pokok // 200 if pokok >= 5_000_000 else 0
            cash_out = pokok - admin - provisi
            reserve = self.eco.rp(25_000_000)  # keep enough for wages and withdrawals
            if self.kas + self.bank - cash_out < reserve or not self.need_cash(date, cash_out):
                self.at(date + dt.timedelta(days=14), 40, self.apply_loan_fn(member_id))
                return
            self.loan_seq[date.year] += 1
            loan_id = f"PJ-{date.year}-{self.loan_seq[date.year]:0{max(3, self.width - 1)}d}"
            first_due = add_months(date, 1)
            rows = schedule(pokok, bunga, tenor, metode, first_due)
            loan = Loan(loan_id, member_id, pokok, rows)
            m.loan = loan
            self.loans.append(loan)
            meta = [("anggota", f'"{member_id}"'), ("pinjaman", f'"{loan_id}"'), ("pokok", f"{pokok} IDR"),
                    ("bunga", str(bunga)), ("tenor", str(tenor)), ("metode", f'"{metode}"'),
                    ("jatuh-tempo", str(first_due)), ("biaya-admin", f"{admin} IDR")]
            if provisi:
                meta.append(("provisi", f"{provisi} IDR"))
            self.txn(date, f"Pencairan pinjaman {loan_id} {m.nama}",
                     [("Aset:Piutang:PinjamanAnggota:" + member_id, pokok),
                      ("Pendapatan:Anggota:BiayaAdmin", -(admin + provisi)), ("Aset:Kas", -cash_out)],
                     tags="#pinjaman-cair", meta=tuple(meta))
            self.plan_repayments(loan, m)
        return run

    def plan_repayments(self, loan: Loan, m: MemberState) -> None:
        rng = self.rng
        rows = loan.rows
        if not m.officer and loan.pokok <= 5_000_000:
            for window in self.problem_windows:
                start, stop, count = window
                candidates = [r.ke for r in rows if start <= r.tanggal <= stop and r.ke > 1]
                if count > 0 and candidates and rng.random() < 0.5:
                    loan.stop_at = candidates[0]
                    window[2] -= 1
                    break
        late = rng.random() < 0.12
        prev = self.start
        for row in rows:
            if loan.stop_at is not None and row.ke >= loan.stop_at:
                break
            delay = rng.randint(5, 40) if late and rng.random() < 0.6 else -rng.randint(0, 3)
            pay = max(prev, row.tanggal + dt.timedelta(days=delay))
            prev = pay
            self.at(pay, 25, self.angsuran_fn(loan, row))

    def angsuran_fn(self, loan: Loan, row: Instalment) -> Callable[[], None]:
        def run() -> None:
            if loan.settled or loan.paid != row.ke - 1:
                return
            date = self.today
            days_late = (date - row.tanggal).days
            denda = round_half_up(Decimal(row.angsuran) / 100 * -(-days_late // 30)) if days_late > 7 else 0
            postings = [("Aset:Kas", row.angsuran + denda),
                        ("Aset:Piutang:PinjamanAnggota:" + loan.member, -row.pokok)]
            if row.bunga:
                postings.append(("Pendapatan:Anggota:JasaPinjaman", -row.bunga))
            if denda:
                postings.append(("Pendapatan:Anggota:Denda", -denda))
            self.txn(date, f"Angsuran ke-{row.ke} pinjaman {loan.id}", postings, tags="#angsuran",
                     meta=(("anggota", f'"{loan.member}"'), ("pinjaman", f'"{loan.id}"'), ("angsuran-ke", str(row.ke))))
            loan.paid = row.ke
            loan.principal_paid += row.pokok
            if row.ke == len(loan.rows):
                m = self.members[loan.member]
                if self.rng.random() < 0.8:
                    self.at(date + dt.timedelta(days=self.rng.randint(7, 60)), 40, self.apply_loan_fn(m.id))
        return run

    def days_past_due(self, loan: Loan, date: dt.date) -> int:
        if loan.outstanding <= 0 or loan.paid >= len(loan.rows):
            return 0
        due = loan.rows[loan.paid].tanggal
        return max(0, (date - due).days)

    def ppap_fn(self, date: dt.date) -> Callable[[], None]:
        def run() -> None:
            required = 0
            for loan in self.loans:
                if loan.outstanding <= 0:
                    continue
                days = self.days_past_due(loan, date)
                rate = (Decimal("0.5") if days < 1 else Decimal(10) if days < 181
                        else Decimal(50) if days < 271 else Decimal(100))
                required += round_half_up(Decimal(loan.outstanding) * rate / 100)
            change = required - self.ppap
            if change:
                self.ppap = required
                self.txn(date, f"Penyesuaian penyisihan penghapusan pinjaman per {date}",
                         [("Beban:Usaha:PenyisihanPinjaman", change), ("Aset:Piutang:PenyisihanPinjaman", -change)])
        return run

    # --- exits ---------------------------------------------------------------------------
    def exit_fn(self, with_loan: bool) -> Callable[[], None]:
        def run() -> None:
            date = self.today
            rng = self.rng
            candidates = []
            for m in self.members.values():
                if not self.active(m, date) or m.officer or (date - m.joined).days < 200:
                    continue
                loan = m.loan
                owes = loan is not None and loan.outstanding > 0
                if with_loan:
                    if (owes and loan.stop_at is None and loan.paid >= 1
                            and 0 < loan.outstanding <= m.pokok + m.wajib):
                        candidates.append(m)
                elif not owes:
                    candidates.append(m)
            if not candidates:
                return
            m = rng.choice(candidates)
            self.member_exit(m, date, rng.choice(EXIT_REASONS))
        return run

    def member_exit(self, m: MemberState, date: dt.date, alasan: str) -> None:
        anggota = (("anggota", f'"{m.id}"'),)
        if m.sukarela:
            if not self.need_cash(date, m.sukarela):
                return
            self.txn(date, "Penarikan seluruh simpanan sukarela (keluar)",
                     [("Liabilitas:SimpananSukarela:" + m.id, m.sukarela), ("Aset:Kas", -m.sukarela)],
                     tags="#simpanan-sukarela", meta=anggota)
            m.sukarela = 0
        m.left = date
        self.emit(f'{date} custom "anggota-keluar" "{m.id}"\n  alasan: "{alasan}"\n')
        modal = m.pokok + m.wajib
        postings = [("Ekuitas:SimpananPokok:" + m.id, m.pokok)]
        if m.wajib:
            postings.append(("Ekuitas:SimpananWajib:" + m.id, m.wajib))
        postings.append(("Liabilitas:SimpananAnggotaKeluar:" + m.id, -modal))
        self.txn(date, f"Anggota keluar: {m.nama}, simpanan pokok dan wajib menjadi utang",
                 postings, tags="#anggota-keluar", meta=anggota)
        m.pokok = m.wajib = 0
        payable = modal
        loan = m.loan
        if loan is not None and loan.outstanding > 0:
            owed = loan.outstanding
            self.txn(date, f"Pelunasan sisa pinjaman {loan.id} dengan simpanan anggota keluar",
                     [("Liabilitas:SimpananAnggotaKeluar:" + m.id, owed), ("Aset:Piutang:PinjamanAnggota:" + m.id, -owed)],
                     tags="#anggota-keluar", meta=(*anggota, ("pinjaman", f'"{loan.id}"')))
            loan.settled = True
            payable -= owed
        if payable > 0:
            pay_date = min(self.end, date + dt.timedelta(days=self.rng.choice((0, 7, 14))))
            self.at(pay_date, 65, self.refund_fn(m, payable))

    def refund_fn(self, m: MemberState, amount: int) -> Callable[[], None]:
        def run() -> None:
            if self.need_cash(self.today, amount):
                self.txn(self.today, f"Pengembalian simpanan anggota keluar: {m.nama}",
                         [("Liabilitas:SimpananAnggotaKeluar:" + m.id, amount), ("Aset:Kas", -amount)],
                         tags="#anggota-keluar", meta=(("anggota", f'"{m.id}"'),))
        return run


def _run_days(gen: LedgerGenerator) -> str:
    gen.header()
    gen.register_founding_members()
    gen.opening_balances()
    gen.plan()
    day = gen.start
    while day <= gen.end:
        todays = gen.events.pop(day, [])
        if todays:
            gen.new_day(day)
        heapq.heapify(todays)
        while todays:
            _, _, action = heapq.heappop(todays)
            action()
            for event in gen.events.pop(day, ()):  # actions may add events for today
                heapq.heappush(todays, event)
        day += dt.timedelta(days=1)
    gen.rat_plan()
    return "".join(gen.out)


def generate(
    n_members: int = 120,
    years: int = 2,
    seed: int = 2024,
    *,
    start_year: int = 2024,
    nama: str = "Koperasi Wanita Mawar Sukabumi",
) -> str:
    """Beancount text of a koperasi with ``n_members`` members over ``years`` years.

    Deterministic: the same arguments always give the same text.
    """
    gen = LedgerGenerator(n_members, years, seed, start_year, nama)
    text = _run_days(gen)
    generate.last = gen  # type: ignore[attr-defined]  # for summaries and tests
    return text


def summary(gen: LedgerGenerator) -> dict[str, object]:
    """A few facts about the last generated ledger (for the generate scripts)."""
    return {
        "members": len(gen.members),
        "left": sum(1 for m in gen.members.values() if m.left),
        "loans": len(gen.loans),
        "shu_by_year": dict(sorted(gen.income.items())),
        "kas": gen.kas,
        "bank": gen.bank,
    }
