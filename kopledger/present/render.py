"""Rendering through Jinja: the environment, its filters, languages, and template folders.

All markup lives in ``templates/`` (shipped inside the package as
``kopledger/templates``). A user's own folder, given as ``template_dir``, overrides
any template by name. Autoescape is on for HTML/XML/SVG templates, with or without a
``.j2`` suffix (``laporan.html.j2``), and off for text templates (``.beancount.j2``).

Templates are written in Bahasa Indonesia. ``_("…")`` translates a label for
``lang="en"`` through the catalogs in ``templates/locale/en/*.json`` (Indonesian text
→ English text; a user's ``template_dir/locale/en/*.json`` adds or overrides entries);
in Indonesian it returns the text unchanged (:func:`translate` and :func:`catalog` are
:mod:`kopledger.core.errors`', where messages are worded).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
import jinja2.sandbox

from kopledger.books.katalog import EQUITY_COMPONENTS
from kopledger.core.errors import InputError, in_language, templates_dir, translate, user_catalogs
from kopledger.present import formatting, grafik
from kopledger.present.output import html_to_pdf

LANGS = ("id", "en")


#: Template name endings rendered with HTML autoescape.
AUTOESCAPE_SUFFIXES = tuple(
    f".{ext}{j2}" for ext in ("html", "htm", "xml", "svg") for j2 in ("", ".j2", ".jinja", ".jinja2")
)


def autoescape_for(template_name: str | None) -> bool:
    """True when ``template_name`` is markup (HTML, XML, SVG), so values are escaped."""
    if template_name is None:  # templates from strings: escape, to be safe
        return True
    return template_name.lower().endswith(AUTOESCAPE_SUFFIXES)


def translator(lang: str, template_dir: str | Path | None = None) -> Callable[[Any], str]:
    """A one-argument translate function for ``lang`` (the templates' ``_``): a catalog text
    translated, and a message kept as data (a :class:`~kopledger.core.errors.Pesan`, an error)
    worded in ``lang`` — through the user's catalogs in ``template_dir`` too."""

    def _(text: Any) -> str:
        if hasattr(text, "in_lang"):
            with user_catalogs(template_dir):
                return str(in_language(text, lang))
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
    # a user's folder is code from anywhere: rendered in Jinja's sandbox (no attribute of
    # Python's internals, no mutation of the values handed to the template)
    kind = jinja2.sandbox.ImmutableSandboxedEnvironment if template_dir is not None else jinja2.Environment
    env = kind(
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
    except (jinja2.exceptions.SecurityError, jinja2.UndefinedError) as exc:
        # a sandboxed template reaching for Python's internals gets an undefined value or this
        raise InputError.pesan(
            "templat {templat} memakai sesuatu yang tidak ada atau tidak diizinkan ({sebab}); templat "
            "folder --templat hanya boleh menampilkan data laporan",
            templat=template, sebab=str(exc),
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
        return html_to_pdf(html, template_dir=template_dir)
    raise InputError.pesan("format tidak dikenal: {fmt!r}; pakai txt, html atau pdf", fmt=fmt)
