"""Safety of the pages that write: a per-session token and a same-origin check.

Fava has no login and binds to 127.0.0.1 by default, but any page open in the treasurer's
browser could still send a form to it. So every writing request must:

- be a POST;
- come from the web desk's own origin: its ``Origin`` header (or, when a browser sends
  none, its ``Referer``) names the same scheme, host and port as the request;
- carry the session's token in the form field ``token``, equal to the token in the
  ``kopledger_token`` cookie. The cookie is set on the first page of a browser session,
  ``HttpOnly`` and ``SameSite=Strict``: another site can neither read it nor make the
  browser send it, so it cannot forge the field.

:func:`tolak` returns why a request is refused (a message) or None; nothing is written
for a refused request.
"""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from flask import Response, after_this_request, g, request

from kopledger.core.errors import Pesan

COOKIE = "kopledger_token"
FIELD = "token"
_TOKEN_LENGTH = 43  # secrets.token_urlsafe(32)


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


def _origin_of(url: str) -> tuple[str, str] | None:
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return parts.scheme.lower(), parts.netloc.lower()


def tolak() -> Pesan | None:
    """Why this writing request is refused (a :class:`~kopledger.core.errors.Pesan`, worded in the
    page's language), or None when it may write."""
    if request.method != "POST":
        return Pesan("formulir hanya diterima lewat POST")
    own = _origin_of(request.host_url)
    origin = request.headers.get("Origin")
    if origin is not None and origin != "null":
        if _origin_of(origin) != own:
            return Pesan("permintaan dari asal lain ditolak (Origin: {asal})", asal=origin)
    else:
        referer = request.headers.get("Referer")
        if not referer:
            return Pesan("permintaan tanpa Origin maupun Referer ditolak")
        if _origin_of(referer) != own:
            return Pesan("permintaan dari asal lain ditolak (Referer: {asal})", asal=referer)
    if origin == "null":
        return Pesan("permintaan dari asal tersembunyi (Origin: null) ditolak")
    cookie = request.cookies.get(COOKIE)
    sent = request.form.get(FIELD)
    if not _valid(cookie) or not _valid(sent):
        return Pesan("token sesi tidak ada; buka ulang formulirnya dari meja kerja lalu kirim lagi")
    assert cookie is not None and sent is not None
    if not hmac.compare_digest(cookie, sent):
        return Pesan("token sesi tidak cocok; buka ulang formulirnya dari meja kerja lalu kirim lagi")
    return None
