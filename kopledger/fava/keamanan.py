"""Safety of the web desk: the addresses it answers on, Fava's own writes, tokens and nonces.

Fava has no login and binds to 127.0.0.1 by default, but any page open in the treasurer's
browser could still send a request to it, and a site whose name is re-pointed at 127.0.0.1
(DNS rebinding) is, to the browser, the same origin as that site. So, while the kopledger
extension is on:

- **every** request Fava serves (its own pages and JSON API too, not only the desk's) must name
  an address of the allow-list in its ``Host`` header (:func:`periksa_host`), else 400: by
  default ``localhost``, ``127.0.0.1`` and ``::1`` on the port Fava serves; more addresses (a
  reverse proxy's name) from the extension's config ``{'alamat': [...]}`` or ``$KOP_FAVA_ALAMAT``;
- Fava's own write endpoints (its JSON API's PUT and DELETE: the editor, ``add_entries``,
  documents, imports) are refused with 403 (:func:`tolak_api`): they would write the books with
  no lock and no kopledger validation; the desk's forms and ``kop`` write instead;
- a writing request of the desk (:func:`tolak`) must be a POST; come from an allowed origin
  (its ``Origin`` header or, when a browser sends none, its ``Referer``); carry the session's
  token in the form field ``token``, equal to the ``kopledger_token`` cookie (``HttpOnly``,
  ``SameSite=Strict``: another site can neither read it nor make the browser send it); and
  carry a one-time nonce issued with the form (:func:`nonce_baru`) and signed with that
  session's token. The nonce is consumed in the books themselves, under the writer's lock:
  it is written as the metadata ``formulir`` of what the form writes, so a form sent twice
  (double click, Back, Reload, two Fava processes) writes at most once
  (:func:`kopledger.fava.formulir.dengan_nonce`).

The guards are installed on Fava's Flask app (:func:`pasang`) by the extension.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import secrets
import threading
from base64 import urlsafe_b64encode
from collections.abc import Iterable
from dataclasses import dataclass
from hashlib import sha256
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, after_this_request, current_app, g, jsonify, request

from kopledger.core.errors import InputError, Pesan

COOKIE = "kopledger_token"
FIELD = "token"
NONCE_FIELD = "nonce"
#: Environment variable adding addresses to the allow-list (comma or space separated).
ENV_ALAMAT = "KOP_FAVA_ALAMAT"
#: The names of this computer, allowed on the port Fava serves.
LOKAL = ("localhost", "127.0.0.1", "::1")
_TOKEN_LENGTH = 43  # secrets.token_urlsafe(32)
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _valid(token: str | None) -> bool:
    return bool(token) and len(token or "") == _TOKEN_LENGTH and all(
        ch.isalnum() or ch in "-_" for ch in token or ""
    )


def token_sesi() -> str:
    """The token of this browser session; a new one (set as a cookie on the response) if none."""
    existing = request.cookies.get(COOKIE)
    if _valid(existing):
        assert existing is not None
        return existing
    made: str | None = getattr(g, "kopledger_token", None)
    if made is None:
        made = secrets.token_urlsafe(32)
        g.kopledger_token = made

        @after_this_request
        def _set_cookie(response: Response) -> Response:
            response.set_cookie(COOKIE, made, httponly=True, samesite="Strict", path="/")
            return response

    return made


# --- the one-time nonce of a form --------------------------------------------------------------------
def _tanda(token: str, acak: str) -> str:
    digest = hmac.new(token.encode("ascii"), acak.encode("ascii"), sha256).digest()
    return urlsafe_b64encode(digest[:18]).decode("ascii")


def nonce_baru() -> str:
    """A fresh one-time nonce for a form of this session: random, signed with the session's token."""
    acak = secrets.token_urlsafe(18)
    return f"{acak}.{_tanda(token_sesi(), acak)}"


def nonce_sah(nonce: str | None) -> bool:
    """Whether ``nonce`` was issued by this desk to this browser session (:func:`nonce_baru`)."""
    token = request.cookies.get(COOKIE)
    if not nonce or not _valid(token) or nonce.count(".") != 1 or len(nonce) > 64:
        return False
    assert token is not None
    acak, tanda = nonce.split(".")
    if len(acak) != 24 or not all(ch.isalnum() or ch in "-_" for ch in acak):
        return False
    return hmac.compare_digest(_tanda(token, acak), tanda)


# --- the allow-list of addresses ---------------------------------------------------------------------
@dataclass(frozen=True)
class Alamat:
    """An address the desk answers on: a host name or IP, and a port (``None``: any port)."""

    host: str
    port: int | None = None

    def cocok(self, host: str, port: int) -> bool:
        """Whether ``host:port`` is this address."""
        return self.host == host and (self.port is None or self.port == port)


def _host_bersih(host: str) -> str:
    host = host.strip().lower().rstrip(".")
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return host


def _pisah(netloc: str, scheme: str) -> tuple[str, int] | None:
    """``host[:port]`` (``[v6]:port`` too) as (host, port); the scheme's port when none is named."""
    if not netloc or any(ch in netloc for ch in "/@\\?# \t") or netloc != netloc.strip():
        return None
    try:
        parts = urlsplit(f"//{netloc}")
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname:
        return None
    if port is None:
        port = 443 if scheme == "https" else 80
    return _host_bersih(parts.hostname), port


def baca_alamat(text: str) -> Alamat:
    """One configured address: ``host``, ``host:port``, ``[v6]:port`` or a URL ``http://host:port/``."""
    raw = text.strip()
    if "://" in raw:
        parts = urlsplit(raw)
        raw = parts.netloc
    try:
        parts = urlsplit(f"//{raw}")
        port = parts.port
    except ValueError:
        parts, port = None, None  # type: ignore[assignment]
    if parts is None or not parts.hostname or any(ch in raw for ch in "/@\\?# \t"):
        raise InputError.pesan(
            "alamat meja kerja tidak sah: {alamat!r}; tulis nama atau IP, boleh dengan :port, "
            "misalnya koperasi.example atau 192.168.1.10:5000",
            alamat=text,
        )
    return Alamat(_host_bersih(parts.hostname), port)


def alamat_tambahan(config: Any, env: str | None = None) -> tuple[frozenset[Alamat], list[InputError]]:
    """The addresses added to the allow-list by the extension's config (``{'alamat': [...]}``) and
    by ``$KOP_FAVA_ALAMAT``, with the problems of entries that cannot be read (those are ignored)."""
    texts: list[str] = []
    problems: list[InputError] = []
    if config is not None:
        listed = config.get("alamat") if isinstance(config, dict) else None
        if isinstance(listed, str):
            listed = [listed]
        if not isinstance(listed, list | tuple) or not all(isinstance(a, str) for a in listed):
            problems.append(InputError.pesan(
                "konfigurasi ekstensi kopledger.fava tidak sah: {konfigurasi!r}; tulis misalnya "
                "\"{{'alamat': ['koperasi.example']}}\"",
                konfigurasi=config,
            ))
        else:
            texts.extend(listed)
    env_text = os.environ.get(ENV_ALAMAT, "") if env is None else env
    texts.extend(t for t in env_text.replace(",", " ").split() if t)
    found: set[Alamat] = set()
    for text in texts:
        try:
            found.add(baca_alamat(text))
        except InputError as exc:
            problems.append(exc)
    return frozenset(found), problems


@dataclass
class Penjaga:
    """The guards installed on one Fava app: the addresses added by every kopledger extension."""

    tambahan: set[Alamat]

    def diizinkan(self, host: str, port: int) -> bool:
        """Whether ``host:port`` is an address the desk serves."""
        served = _port_dilayani()
        if any(Alamat(name, served).cocok(host, port) for name in LOKAL):
            return True
        return any(a.cocok(host, port) for a in self.tambahan)


def _port_dilayani() -> int | None:
    try:
        return int(request.environ.get("SERVER_PORT", ""))
    except ValueError:
        return None


def _penjaga(app: Flask) -> Penjaga | None:
    found = app.extensions.get("kopledger")
    return found if isinstance(found, Penjaga) else None


def periksa_host(penjaga: Penjaga) -> Pesan | None:
    """Why this request's ``Host`` is refused (it names no address of the allow-list), or None."""
    host = request.headers.get("Host")
    if not host:
        return Pesan("permintaan tanpa header Host ditolak")
    scheme = request.environ.get("wsgi.url_scheme", "http")
    parsed = _pisah(host, scheme)
    if parsed is None or not penjaga.diizinkan(*parsed):
        return Pesan(
            "alamat {host} bukan alamat meja kerja ini; permintaan ditolak. Buka Fava lewat "
            "http://127.0.0.1:{port}/ atau tambahkan alamat itu ke {env} (atau konfigurasi ekstensi "
            "{{'alamat': [...]}})",
            host=host[:100], port=_port_dilayani() or "", env=ENV_ALAMAT,
        )
    return None


def asal_diizinkan(url: str) -> bool:
    """Whether ``url`` (an ``Origin`` or ``Referer``) is an address the desk serves."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return False
    parsed = _pisah(parts.netloc, parts.scheme)
    penjaga = _penjaga(_app())
    return parsed is not None and penjaga is not None and penjaga.diizinkan(*parsed)


def _app() -> Flask:
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    return app


def _lang() -> str:
    ledger = getattr(g, "ledger", None)
    language = getattr(getattr(ledger, "fava_options", None), "language", None) if ledger is not None else None
    return "en" if isinstance(language, str) and language.lower().startswith("en") else "id"


def _kop_aktif() -> bool:
    ledger = getattr(g, "ledger", None)
    return ledger is not None and ledger.extensions.get_extension("KopLedger") is not None


def tolak_api() -> Pesan | None:
    """Why this request to Fava's own JSON API is refused (it would write), or None."""
    if request.blueprint != "json_api" or request.method in _SAFE_METHODS or not _kop_aktif():
        return None
    return Pesan(
        "Fava tidak boleh menulis buku ini langsung ({metode} {endpoint}): penulisan lewat Fava tidak "
        "memakai kunci dan pemeriksaan kopledger. Pakai formulir di halaman Koperasi, atau kop di "
        "terminal, atau sunting berkasnya saat Fava dan kop tidak menulis",
        metode=request.method, endpoint=request.path.rsplit("/", 1)[-1] or request.path,
    )


def _ditolak_host() -> Response | None:
    if getattr(g, "kopledger_host_ditolak", None) is not None:
        response: Response = g.kopledger_host_ditolak
        return response
    penjaga = _penjaga(_app())
    if penjaga is None:
        return None
    alasan = periksa_host(penjaga)
    if alasan is None:
        return None
    response = Response(alasan.in_lang(_lang()) + "\n", status=400, mimetype="text/plain")
    g.kopledger_host_ditolak = response
    return response


def jaga() -> Response | None:
    """The guard run before every request of the app: Host, then Fava's own writes."""
    refused = _ditolak_host()
    if refused is not None:
        return refused
    alasan = tolak_api()
    if alasan is not None:
        response = jsonify({"error": alasan.in_lang(_lang())})
        response.status_code = 403
        return response
    return None


def _setelah(response: Response) -> Response:
    """After every request: a response to a refused Host is the refusal (this also covers the
    request during which the books, and so the extension, were first loaded)."""
    refused = _ditolak_host()
    return refused if refused is not None else response


def pasang(app: Flask, tambahan: Iterable[Alamat]) -> Penjaga:
    """Install the guards on Fava's ``app`` once (more addresses from a later extension are added)."""
    with _PASANG:
        penjaga = _penjaga(app)
        if penjaga is None:
            penjaga = Penjaga(set())
            app.extensions["kopledger"] = penjaga
            # Appended to the lists directly: Flask's decorators refuse once the app has served
            # a request, and the books (so this extension) are loaded during the first request.
            app.before_request_funcs.setdefault(None, []).append(jaga)
            app.after_request_funcs.setdefault(None, []).append(_setelah)
        penjaga.tambahan.update(tambahan)
        return penjaga


_PASANG = threading.Lock()


def tolak() -> Pesan | None:
    """Why this writing request is refused (a :class:`~kopledger.core.errors.Pesan`, worded in the
    page's language), or None when it may write."""
    if request.method != "POST":
        return Pesan("formulir hanya diterima lewat POST")
    origin = request.headers.get("Origin")
    if origin == "null":
        return Pesan("permintaan dari asal tersembunyi (Origin: null) ditolak")
    if origin is not None:
        if not asal_diizinkan(origin):
            return Pesan("permintaan dari asal lain ditolak (Origin: {asal})", asal=origin[:200])
    else:
        referer = request.headers.get("Referer")
        if not referer:
            return Pesan("permintaan tanpa Origin maupun Referer ditolak")
        if not asal_diizinkan(referer):
            return Pesan("permintaan dari asal lain ditolak (Referer: {asal})", asal=referer[:200])
    cookie = request.cookies.get(COOKIE)
    sent = request.form.get(FIELD)
    if not _valid(cookie) or not _valid(sent):
        return Pesan("token sesi tidak ada; buka ulang formulirnya dari meja kerja lalu kirim lagi")
    assert cookie is not None and sent is not None
    if not hmac.compare_digest(cookie, sent):
        return Pesan("token sesi tidak cocok; buka ulang formulirnya dari meja kerja lalu kirim lagi")
    if not nonce_sah(request.form.get(NONCE_FIELD)):
        return Pesan("formulir ini tidak membawa kode sekali-pakai yang sah; buka ulang formulirnya dari "
                     "meja kerja lalu kirim lagi")
    return None
