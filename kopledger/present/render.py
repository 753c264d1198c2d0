"""Rendering through Jinja: the environment, its filters, languages, and template folders.

All markup lives in ``templates/`` (shipped inside the package as
``kopledger/templates``). A user's own folder, given as ``template_dir``, overrides
any template by name. Autoescape is on for HTML/XML/SVG templates, with or without a
``.j2`` suffix (``laporan.html.j2``), and off for text templates (``.beancount.j2``).

Templates are written in Bahasa Indonesia. ``_("…")`` translates a label for
``lang="en"`` through the catalogs in ``templates/locale/en/*.json`` (Indonesian text
→ English text; a user's ``template_dir/locale/en/*.json`` adds or overrides entries);
in Indonesian it returns the text unchanged.
"""

from __future__ import annotations

import contextvars
import functools
import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

from kopledger.books.katalog import EQUITY_COMPONENTS
from kopledger.core.errors import InputError, in_language
from kopledger.present import formatting, grafik

LANGS = ("id", "en")

#: Template name endings rendered with HTML autoescape.
AUTOESCAPE_SUFFIXES = tuple(
    f".{ext}{j2}" for ext in ("html", "htm", "xml", "svg") for j2 in ("", ".j2", ".jinja", ".jinja2")
)


def templates_dir() -> Path:
    """The folder of kopledger's own templates (in the wheel, or the source tree)."""
    packaged = resources.files("kopledger") / "templates"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent.parent / "templates"


def autoescape_for(template_name: str | None) -> bool:
    """True when ``template_name`` is markup (HTML, XML, SVG), so values are escaped."""
    if template_name is None:  # templates from strings: escape, to be safe
        return True
    return template_name.lower().endswith(AUTOESCAPE_SUFFIXES)


def _read_catalogs(folder: Path) -> dict[str, str]:
    merged: dict[str, str] = {}
    if folder.is_dir():
        for file in sorted(folder.glob("*.json")):
            try:
                data = json.loads(file.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise InputError.pesan(
                    "{berkas}: bukan katalog terjemahan JSON yang sah ({sebab}); perbaiki isi berkasnya",
                    berkas=file, sebab=exc,
                ) from None
            if not isinstance(data, dict):
                raise InputError.pesan(
                    "{berkas}: katalog terjemahan harus objek JSON teks → teks; perbaiki isi berkasnya",
                    berkas=file,
                )
            merged.update({str(k): str(v) for k, v in data.items()})
    return merged


@functools.lru_cache(maxsize=16)
def catalog(lang: str, template_dir: str | None = None) -> dict[str, str]:
    """The merged translation catalog for ``lang`` (empty for Indonesian).

    kopledger's catalogs first, then the user's ``template_dir/locale/<lang>`` ones.
    """
    if lang == "id":
        return {}
    merged = _read_catalogs(templates_dir() / "locale" / lang)
    if template_dir is not None:
        merged.update(_read_catalogs(Path(template_dir) / "locale" / lang))
    return merged


#: The user's template folder whose catalogs also word a message kept as data while a
#: document is rendered (:func:`translator`): a message's own wording reaches
#: :func:`translate` without a ``template_dir`` argument.
_USER_FOLDER: contextvars.ContextVar[str | None] = contextvars.ContextVar("kop_user_folder", default=None)


def translate(text: str, lang: str = "id", template_dir: str | Path | None = None) -> str:
    """``text`` (Indonesian) in ``lang``; unchanged where no translation exists. Without
    ``template_dir``, the folder of the document being rendered (if any) is used."""
    if lang == "id":
        return text
    folder = str(template_dir) if template_dir is not None else _USER_FOLDER.get()
    return catalog(lang, folder).get(text, text)


def translator(lang: str, template_dir: str | Path | None = None) -> Callable[[Any], str]:
    """A one-argument translate function for ``lang`` (the templates' ``_``): a catalog text
    translated, and a message kept as data (a :class:`~kopledger.core.errors.Pesan`, an error)
    worded in ``lang`` — through the user's catalogs in ``template_dir`` too."""

    def _(text: Any) -> str:
        if hasattr(text, "in_lang"):
            token = _USER_FOLDER.set(str(template_dir) if template_dir is not None else None)
            try:
                return str(in_language(text, lang))
            finally:
                _USER_FOLDER.reset(token)
        return translate(text, lang, template_dir)

    return _


def environment(lang: str = "id", template_dir: str | Path | None = None) -> jinja2.Environment:
    """A Jinja environment with kopledger's filters, for ``lang``; ``template_dir`` overrides."""
    if lang not in LANGS:
        raise InputError.pesan(
            "bahasa tidak dikenal: {lang!r}; pakai salah satu dari {pilihan}",
            lang=lang, pilihan=', '.join(LANGS),
        )
    loaders: list[jinja2.BaseLoader] = []
    if template_dir is not None:
        folder = Path(template_dir)
        if not folder.is_dir():
            raise InputError.pesan(
                "folder templat tidak ditemukan: {folder}",
                hint="Sebutkan folder yang ada; templat di dalamnya menggantikan templat kopledger yang "
                     "bernama sama.",
                folder=folder,
            )
        loaders.append(jinja2.FileSystemLoader(str(folder)))
    loaders.append(jinja2.FileSystemLoader(str(templates_dir())))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=autoescape_for,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        rupiah=lambda v, blank_zero=False: formatting.rupiah(v, lang, blank_zero=blank_zero),
        angka=lambda v, decimals=None: formatting.angka(v, lang, decimals=decimals),
        akuntansi=lambda v: formatting.akuntansi(v, lang),
        persen=lambda v, decimals=2: formatting.persen(v, lang, decimals=decimals),
        tanggal=lambda v, bentuk="long": formatting.tanggal(v, lang, bentuk=bentuk),
        terbilang=lambda v, satuan=True: formatting.terbilang(v, lang, satuan=satuan),
        ljust=lambda v, n: str(v).ljust(n),
        rjust=lambda v, n: str(v).rjust(n),
    )
    env.globals.update(
        _=translator(lang, template_dir), lang=lang, komponen_ekuitas=EQUITY_COMPONENTS,
        grafik_svg=lambda chart: grafik.svg(chart, lang),
    )
    return env


@functools.lru_cache(maxsize=8)
def _shared_environment(lang: str, template_dir: str | None) -> jinja2.Environment:
    """One environment per language and folder, so parsed templates are reused."""
    return environment(lang, template_dir)


def render(
    template: str, context: dict[str, Any], *, lang: str = "id", template_dir: str | Path | None = None
) -> str:
    """Render ``template`` (a name under ``templates/``) with ``context``.

    Environments are shared between calls (templates are parsed once and reloaded when
    their file changes); :func:`environment` gives a fresh one to customise.
    """
    try:
        env = _shared_environment(lang, str(template_dir) if template_dir is not None else None)
        return env.get_template(template).render(**context)
    except jinja2.TemplateNotFound as exc:
        raise InputError.pesan(
            "templat tidak ditemukan: {templat}; periksa nama templat atau folder --templat",
            templat=exc.name,
        ) from None
    except jinja2.TemplateSyntaxError as exc:
        raise InputError.pesan(
            "{berkas}:{baris}: kesalahan tulis di templat: {sebab}; perbaiki baris itu",
            berkas=exc.filename or exc.name, baris=exc.lineno, sebab=exc.message,
        ) from None


def render_document(
    base: str, context: dict[str, Any], fmt: str, *, lang: str = "id", template_dir: str | Path | None = None
) -> str | bytes:
    """A document in ``fmt``: ``txt`` from ``BASE.txt.j2``, ``html`` from ``BASE.html.j2``, ``pdf``
    from that HTML through WeasyPrint (bytes). Another format is an :class:`InputError`."""
    if fmt == "txt":
        return render(f"{base}.txt.j2", context, lang=lang, template_dir=template_dir)
    if fmt in ("html", "pdf"):
        html = render(f"{base}.html.j2", context, lang=lang, template_dir=template_dir)
        if fmt == "html":
            return html
        from kopledger.present.output import html_to_pdf

        return html_to_pdf(html)
    raise InputError.pesan("format tidak dikenal: {fmt!r}; pakai txt, html atau pdf", fmt=fmt)
