"""kopledger inside Fava: the treasurer's web desk.

Enable it in the books (``kop init`` writes this line)::

    2025-01-01 custom "fava-extension" "kopledger.fava"

then run ``fava buku.beancount`` and open "Koperasi" in Fava's sidebar. The extension
computes from the books Fava has already loaded: one :class:`~kopledger.books.ledger.Koperasi`
is built from Fava's entries once per Fava load (and dropped when Fava reloads), and every
page's figures come from the library's computations kept on it (:mod:`.halaman`). Pages
render through kopledger's own Jinja templates (``templates/fava/``) and filters, in
Bahasa Indonesia, or English when Fava's ``language`` option is English: errors included
(the library's and the books' errors kept as data, worded in the page's language).

Forms write through :func:`kopledger.ops.writer.append_built` (the CLI's one safe writer):
a preview (dry run) first, then the treasurer confirms; every writing request is a POST
checked by :mod:`.keamanan` (allowed origin, per-session token, one-time nonce) and answered
with a redirect to the page of what was written (Post/Redirect/Get); a form sent twice writes
once. While the extension is on, every request Fava serves must name an allowed address in
its ``Host`` header, and Fava's own writes (editor, JSON API) are refused. After a write Fava
reloads the books at once. See docs/fava.md.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlencode

import jinja2
from fava.ext import FavaExtensionBase, extension_endpoint
from flask import (
    Response,
    abort,
    current_app,
    has_app_context,
    make_response,
    redirect,
    render_template,
    request,
)
from markupsafe import Markup

from kopledger.books.periode import hari_ini
from kopledger.core.errors import InputError, KopledgerError, Pesan, format_error_line, templates_dir
from kopledger.fava import halaman
from kopledger.fava.formulir import (
    FORMULIR,
    MasukanSalah,
    SudahDitulis,
    baca_masukan,
    dengan_nonce,
    ditulis_dengan,
    pesan_per_isian,
)
from kopledger.fava.halaman import Buku
from kopledger.fava.keamanan import NONCE_FIELD, alamat_tambahan, jaga, nonce_baru, pasang, token_sesi, tolak
from kopledger.koperasi import Koperasi
from kopledger.ops.savings import member_statements
from kopledger.ops.writer import BooksBusy, append_built, format_directives, lock_wait
from kopledger.present.kesehatan import render_assessment
from kopledger.present.laporan import laporan_context, render_laporan
from kopledger.present.rat import render_rat
from kopledger.present.render import render, translator
from kopledger.present.shu import render_slips
from kopledger.reports.kesehatan import assess
from kopledger.reports.rat import build_rat

#: The statements a ``laporan`` page can show (``jenis=``).
JENIS_LAPORAN = ("neraca", "phu", "ekuitas", "arus-kas", "calk")

#: Downloads: ``berkas`` → (mimetype, file name pattern).
UNDUHAN = {
    "rat.html": ("text/html", "rat-{tahun}.html"),
    "rat.pdf": ("application/pdf", "rat-{tahun}.pdf"),
    "laporan.pdf": ("application/pdf", "laporan-{tahun}.pdf"),
    "laporan.xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "laporan-{tahun}.xlsx"),
    "slip.html": ("text/html", "slip-shu-{tahun}{anggota}.html"),
    "kesehatan.html": ("text/html", "kesehatan-{tahun}.html"),
    "kesehatan.pdf": ("application/pdf", "kesehatan-{tahun}.pdf"),
    "kartu.html": ("text/html", "kartu-simpanan{anggota}.html"),
}

#: The longest a form waits for the books' lock (seconds; a shorter ``$KOP_LOCK_TIMEOUT`` wins):
#: then it answers "busy" (503) and writes nothing, neither now nor later.
BATAS_KUNCI = 10.0

_View = Callable[["KopLedger"], Response]


def _endpoint(name: str, methods: list[str] | None = None) -> Callable[[_View], _View]:
    """Fava's ``extension_endpoint(name, methods)``, typed for mypy."""
    return cast(Callable[[_View], _View], extension_endpoint(name, methods))


class KopLedger(FavaExtensionBase):
    """The web desk: dashboard, members, SHU, statements, loans, arrears, downloads, forms."""

    report_title = "Koperasi"

    def __init__(self, ledger: Any, config: str | None = None) -> None:
        super().__init__(ledger, config)
        self._buku: Buku | None = None
        self._buku_lock = threading.Lock()
        #: How many times the books were built from Fava's entries (once per Fava load).
        self.muatan = 0
        #: Addresses added to the allow-list (config ``{'alamat': [...]}``, ``$KOP_FAVA_ALAMAT``).
        self.alamat, self.salah_konfigurasi = alamat_tambahan(self.config)
        if has_app_context():  # Fava loads the books (so this extension) in its first request
            pasang(current_app._get_current_object(), self.alamat)  # type: ignore[attr-defined]

    def before_request(self) -> None:
        """Before every request of these books (Fava's hook): install the guards on Fava's app
        (when the books were loaded outside a request) and apply them now: Host, Fava's writes."""
        pasang(current_app._get_current_object(), self.alamat)  # type: ignore[attr-defined]
        refused = jaga()
        if refused is not None:
            abort(refused)

    # --- the books, once per Fava load -------------------------------------------------------------
    def after_load_file(self) -> None:
        """Fava (re)loaded the books: forget what was computed on the previous load."""
        with self._buku_lock:
            self._buku = None

    def buku(self) -> Buku:
        """The books as Fava loaded them, as a :class:`Koperasi` (built once per load)."""
        entries = self.ledger.all_entries
        key = (id(entries), self.ledger.mtime)
        with self._buku_lock:
            if self._buku is None or self._buku.kunci != key:
                kop = Koperasi.from_entries(
                    entries,  # type: ignore[arg-type]  # Fava's Directive protocol is beancount's
                    list(self.ledger.load_errors),
                    self.ledger.options,  # type: ignore[arg-type]
                    path=Path(self.ledger.beancount_file_path),
                )
                self._buku = Buku(kop, key)
                self.muatan += 1
            return self._buku

    # --- rendering ---------------------------------------------------------------------------------
    @cached_property
    def jinja_env(self) -> jinja2.Environment:
        """Fava's environment, finding this extension's report template in ``templates/fava``."""
        loader = jinja2.FileSystemLoader(str(templates_dir() / "fava"))
        assert current_app.jinja_loader is not None
        return current_app.jinja_env.overlay(loader=jinja2.ChoiceLoader([loader, current_app.jinja_loader]))

    def lang(self) -> str:
        """``en`` when Fava's ``language`` option is English, else Indonesian (``id``)."""
        language = self.ledger.fava_options.language
        return "en" if language and language.lower().startswith("en") else "id"

    def today(self) -> dt.date:
        """Today (``$KOP_TODAY`` or the system date: the clock every front end reads)."""
        return hari_ini()

    def tautan(self, endpoint: str = "", **params: Any) -> str:
        """The URL of one of this extension's pages (``""``: the dashboard)."""
        from fava.application import url_for

        clean = {k: str(v) for k, v in params.items() if v is not None and v != ""}
        # Fava's extension_endpoint route has a parameter named like url_for's first one:
        # build from the report's URL instead.
        base = url_for("extension_report", extension_name=self.name)
        return base + endpoint + (f"?{urlencode(clean)}" if clean else "")

    def _umum(self, halaman_ini: str) -> dict[str, Any]:
        buku = self.buku()
        return {
            "koperasi": buku.kop.title,
            "halaman_ini": halaman_ini,
            "tautan": self.tautan,
            "formulir_semua": FORMULIR,
            "kesalahan_buku": [format_error_line(e, self.lang()) for e in buku.kop.errors],
            "salah_konfigurasi": [e.in_lang(self.lang()) for e in self.salah_konfigurasi],
            "today": self.today(),
        }

    def _html(self, template: str, context: dict[str, Any], halaman_ini: str) -> Markup:
        return Markup(render(f"fava/{template}", {**self._umum(halaman_ini), **self._periode_halaman(context),
                                                  **context}, lang=self.lang()))

    def _periode_halaman(self, context: dict[str, Any]) -> dict[str, Any]:
        """The period of a page about a year (``tahun`` in its context), for the frame's notice: a
        year not yet ended is shown "SEMENTARA per <date>" on every page, as the CLI needs
        ``--sementara`` for it (:meth:`Koperasi.periode`, the one decision)."""
        tahun = context.get("tahun")
        if not isinstance(tahun, int) or not self._books_clean():
            return {}
        try:
            return {"periode_halaman": halaman.periode(self.buku(), tahun, self.today())}
        except KopledgerError:  # a year outside the books: the page itself says why
            return {}

    def _halaman(self, template: str, context: dict[str, Any], judul: str, status: int = 200) -> Response:
        """A page of the desk in Fava's layout; ``judul`` (Indonesian, or a :class:`Pesan`) is
        its title in Fava's header and the browser's tab, in the desk's language."""
        name = template.split(".")[0]
        content = self._html(template, context, {"daftar": "anggota"}.get(name, name))
        title = translator(self.lang())(judul)
        return make_response(render_template("_layout.html", content=content, page_title=title), status)

    def _gagal(self, error: KopledgerError, status: int = 400) -> Response:
        """A page saying why nothing can be shown or done: ``error`` in the page's language."""
        return self._halaman("gagal.html.j2", {"pesan": error.in_lang(self.lang())}, "Koperasi", status)

    def _tahun(self) -> int:
        text = request.args.get("tahun", "")
        if not text:
            return halaman.tahun_default(self.buku().kop, self.today())
        if not (text.isascii() and text.isdigit()) or len(text) != 4:  # ASCII 0-9 only (core.inputs)
            raise InputError.pesan("tahun tidak valid {tahun!r}: gunakan empat angka, mis. 2025", tahun=text)
        return int(text)

    def _books_clean(self) -> bool:
        return not self.buku().kop.errors

    # --- the dashboard (Fava's report page of this extension) --------------------------------------------
    def halaman_dasbor(self) -> Markup:
        """The dashboard's HTML (called by ``templates/fava/KopLedger.html``)."""
        try:
            tahun = self._tahun()
            context = halaman.dasbor(self.buku(), tahun, self.today()) if self._books_clean() else {}
        except KopledgerError as exc:
            return self._html("gagal.html.j2", {"pesan": exc.in_lang(self.lang())}, "dasbor")
        token_sesi()
        return self._html("dasbor.html.j2", context, "dasbor")

    # --- pages -------------------------------------------------------------------------------------------
    def _page(self, template: str, judul: str, build: Any) -> Response:
        try:
            context = build() if self._books_clean() else {}
        except KopledgerError as exc:
            return self._gagal(exc)
        token_sesi()
        return self._halaman(template, context, judul)

    @_endpoint("anggota")
    def anggota(self) -> Response:
        """The member list (``?q=`` searches), or one member's page (``?id=``)."""
        member_id = request.args.get("id", "").strip()
        if member_id:
            return self._page(
                "anggota.html.j2", Pesan("Anggota {id}", id=member_id),
                lambda: halaman.halaman_anggota(self.buku(), member_id, self.today()),
            )
        q = request.args.get("q", "")

        def build() -> dict[str, Any]:
            rows = halaman.daftar(self.buku(), self.today())
            return {"q": q, "baris": halaman.cari_anggota(rows, q), "jumlah_semua": len(rows)}

        return self._page("daftar.html.j2", "Anggota", build)

    @_endpoint("shu")
    def shu(self) -> Response:
        """The SHU of ``?tahun=`` and its distribution to members."""
        def build() -> dict[str, Any]:
            tahun = self._tahun()
            return {"tahun": tahun, "r": halaman.shu_tahun(self.buku(), tahun, self.today())}

        return self._page("shu.html.j2", "SHU", build)

    @_endpoint("laporan")
    def laporan(self) -> Response:
        """One statement of ``?tahun=``: ``?jenis=neraca|phu|ekuitas|arus-kas|calk``."""
        def build() -> dict[str, Any]:
            tahun = self._tahun()
            jenis = request.args.get("jenis", "neraca")
            if jenis not in JENIS_LAPORAN:
                raise InputError.pesan("laporan tidak dikenal: {jenis!r}; pakai salah satu dari {pilihan}",
                                       jenis=jenis, pilihan=", ".join(JENIS_LAPORAN))
            fs = halaman.laporan_tahun(self.buku(), tahun, self.today())
            return {**laporan_context(self.buku().kop, fs, [jenis]), "tahun": tahun, "jenis": jenis,
                    "jenis_semua": JENIS_LAPORAN}

        return self._page("laporan.html.j2", "Laporan keuangan", build)

    @_endpoint("portofolio")
    def portofolio(self) -> Response:
        """The loan portfolio at the date of ``?tahun=``'s period (its end, or the last day passed)."""
        def build() -> dict[str, Any]:
            tahun = self._tahun()
            periode = halaman.periode(self.buku(), tahun, self.today())
            return {"tahun": tahun, "periode": periode, "portofolio": halaman.portofolio(self.buku(), periode.per)}

        return self._page("portofolio.html.j2", "Portofolio pinjaman", build)

    @_endpoint("tunggakan")
    def tunggakan(self) -> Response:
        """Members in arrears on simpanan wajib at the date of ``?tahun=``'s period."""
        def build() -> dict[str, Any]:
            tahun = self._tahun()
            periode = halaman.periode(self.buku(), tahun, self.today())
            return {"tahun": tahun, "per": periode.per, "periode": periode,
                    "baris": halaman.tunggakan_wajib(self.buku(), periode.per)}

        return self._page("tunggakan.html.j2", "Tunggakan simpanan wajib", build)

    @_endpoint("unduhan")
    def unduhan(self) -> Response:
        """The downloads of ``?tahun=``: RAT pack, statements, SHU slips."""
        def build() -> dict[str, Any]:
            return {"tahun": self._tahun(), "tahun_tahun": self.buku().kop.years()}

        return self._page("unduhan.html.j2", "Unduhan", build)

    @_endpoint("unduh")
    def unduh(self) -> Response:
        """One download: ``?berkas=`` one of :data:`UNDUHAN`, ``?tahun=``, ``?anggota=``."""
        berkas = request.args.get("berkas", "")
        if berkas not in UNDUHAN:
            return self._gagal(InputError.pesan("unduhan tidak dikenal: {berkas!r}; pakai salah satu dari {pilihan}",
                                                berkas=berkas, pilihan=", ".join(UNDUHAN)))
        if not self._books_clean():
            return self._gagal(InputError.pesan("buku berisi kesalahan; perbaiki dulu (lihat halaman Errors di Fava)"))
        anggota = request.args.get("anggota", "").strip()
        try:
            tahun = self._tahun()
            content = self._berkas(berkas, tahun, anggota)
        except KopledgerError as exc:
            return self._gagal(exc)
        mimetype, pattern = UNDUHAN[berkas]
        name = pattern.format(tahun=tahun, anggota=f"-{anggota}" if anggota else "")
        response = Response(content, mimetype=mimetype)
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def _berkas(self, berkas: str, tahun: int, anggota: str) -> str | bytes:
        buku, lang, today = self.buku(), self.lang(), self.today()
        kop = buku.kop
        if berkas.startswith("rat."):
            periode = halaman.periode(buku, tahun, today)
            pack = buku.sekali(("rat", tahun, lang, today),
                               lambda: build_rat(kop, tahun, lang=lang, periode=periode))
            return render_rat(pack, berkas.split(".")[1], lang)
        if berkas.startswith("laporan."):
            return render_laporan(kop, halaman.laporan_tahun(buku, tahun, today), berkas.split(".")[1], lang=lang)
        if berkas.startswith("kesehatan."):
            assessment = assess(kop, tahun, periode=halaman.periode(buku, tahun, today))
            return render_assessment(assessment, berkas.split(".")[1], kop=kop, lang=lang)
        if berkas == "slip.html":
            result = halaman.shu_tahun(buku, tahun, today)
            return render_slips(kop, result, "html", lang, anggota=[anggota] if anggota else None)

        kartu = member_statements(kop, today, member_ids=[anggota] if anggota else None)
        return render("kartu/kartu.html.j2", {"kartu": kartu, "koperasi": kop.title, "dari": None,
                                              "sampai": today, "dicetak": today}, lang=lang)

    # --- forms -------------------------------------------------------------------------------------------
    def _formulir(self, nama: str) -> Response:
        form = FORMULIR[nama]
        names = [i.nama for i in form.isian]
        context: dict[str, Any] = {"formulir": form, "kesalahan": {}, "pratinjau": None, "ditulis": None}
        if request.method == "GET":
            if "ditulis" in request.args:
                return self._hasil(nama, request.args.get("ditulis", ""), ulang=bool(request.args.get("ulang")))
            raw = {n: request.args.get(n, "") for n in names}
            if "tanggal" in raw and not raw["tanggal"] and next(i for i in form.isian if i.nama == "tanggal").wajib:
                raw["tanggal"] = self.today().isoformat()
            context.update(nilai=raw, token=token_sesi(), nonce=nonce_baru())
            return self._halaman("formulir.html.j2", context, form.judul)
        refusal = tolak()
        if refusal is not None:
            return self._gagal(InputError.pesan("{alasan}; tidak ada yang ditulis", alasan=refusal), 403)
        nonce = request.form.get(NONCE_FIELD, "")
        raw = {n: request.form.get(n, "") for n in names}
        context.update(nilai=raw, token=token_sesi(), nonce=nonce)
        menulis = request.form.get("aksi") == "tulis"
        try:
            values = baca_masukan(form, raw)
        except MasukanSalah as exc:
            context["kesalahan"] = exc.per_isian
            return self._halaman("formulir.html.j2", context, form.judul, 400)

        path = Path(self.ledger.beancount_file_path)
        try:
            result = append_built(path, lambda kop: dengan_nonce(kop, nonce, lambda: form.bangun(kop, values)),
                                  books=Koperasi, dry_run=not menulis, lock_timeout=min(BATAS_KUNCI, lock_wait()))
        except SudahDitulis:
            # sent again (double click, Back, Reload): the page of what the first one wrote
            return self._alihkan(nama, nonce, ulang=True)
        except BooksBusy as exc:
            # the wait is over: this request never writes; sending the form again (same nonce) may
            context["kesalahan"] = {"": [Pesan(
                "buku sedang sibuk: {sebab}. Formulir ini tidak ditulis, juga tidak nanti; kirim lagi sebentar lagi",
                sebab=Pesan.dari(exc, saran=True)).in_lang(self.lang())]}
            return self._halaman("formulir.html.j2", context, form.judul, 503)
        except KopledgerError as exc:
            context["kesalahan"] = pesan_per_isian(form, exc, self.lang())
            return self._halaman("formulir.html.j2", context, form.judul, 400)
        if result.written:
            # Fava reloads the books now, not at the watcher's next look.
            self.ledger.watcher.notify(path)
            self.ledger.changed()
            return self._alihkan(nama, nonce)
        context["pratinjau"] = result
        context["ringkasan"] = form.ringkas(values)
        return self._halaman("formulir.html.j2", context, form.judul)

    def _alihkan(self, nama: str, nonce: str, *, ulang: bool = False) -> Response:
        """Post/Redirect/Get: 303 to the page of what the form sent with ``nonce`` wrote."""
        return cast(Response, redirect(self.tautan(nama, ditulis=nonce, ulang=1 if ulang else None), 303))

    def _hasil(self, nama: str, nonce: str, *, ulang: bool) -> Response:
        """The page of what a form wrote (found in the books by its nonce); reloading it writes nothing."""
        form = FORMULIR[nama]
        entries = ditulis_dengan(self.buku().kop.entries, nonce) if nonce else []
        if not entries:
            return self._gagal(InputError.pesan("tidak ada catatan formulir ini di buku"), 404)
        anggota = next((e.meta["anggota"] for e in entries if isinstance(e.meta.get("anggota"), str)), "")
        context: dict[str, Any] = {
            "formulir": form, "kesalahan": {}, "pratinjau": None, "ulang": ulang, "anggota": anggota,
            "ditulis": {"text": format_directives(entries)}, "nilai": {}, "token": "", "nonce": "",
        }
        return self._halaman("formulir.html.j2", context, form.judul)

    @_endpoint("tambah-anggota", ["GET", "POST"])
    def tambah_anggota(self) -> Response:
        """Register a member (with NIK and gender) and their simpanan pokok."""
        return self._formulir("tambah-anggota")

    @_endpoint("setor", ["GET", "POST"])
    def setor(self) -> Response:
        """A deposit into simpanan sukarela or berjangka."""
        return self._formulir("setor")

    @_endpoint("tarik", ["GET", "POST"])
    def tarik(self) -> Response:
        """A withdrawal from simpanan sukarela or berjangka."""
        return self._formulir("tarik")

    @_endpoint("wajib", ["GET", "POST"])
    def wajib(self) -> Response:
        """Post a month's simpanan wajib for every member who owes it."""
        return self._formulir("wajib")

    @_endpoint("angsuran", ["GET", "POST"])
    def angsuran(self) -> Response:
        """Record a loan instalment."""
        return self._formulir("angsuran")

    @_endpoint("cair", ["GET", "POST"])
    def cair(self) -> Response:
        """Disburse a loan."""
        return self._formulir("cair")


__all__ = ["KopLedger"]
