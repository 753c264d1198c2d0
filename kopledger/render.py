"""Rendering through Jinja: the environment, its filters, languages, and template folders.

All markup lives in ``templates/`` (shipped inside the package as
``kopledger/templates``). A user's own folder, given as ``template_dir``, overrides
any template by name. Autoescape is on for HTML/XML/SVG templates.

Templates are written in Bahasa Indonesia. ``_("…")`` translates a label for
``lang="en"`` through the catalogs in ``templates/locale/en/*.json`` (Indonesian text
→ English text); in Indonesian it returns the text unchanged.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

from kopledger import filters

LANGS = ("id", "en")


def templates_dir() -> Path:
    """The folder of kopledger's own templates (in the wheel, or the source tree)."""
    packaged = resources.files("kopledger") / "templates"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "templates"


@functools.lru_cache(maxsize=4)
def catalog(lang: str) -> dict[str, str]:
    """The merged translation catalog for ``lang`` (empty for Indonesian)."""
    if lang == "id":
        return {}
    merged: dict[str, str] = {}
    folder = templates_dir() / "locale" / lang
    if folder.is_dir():
        for file in sorted(folder.glob("*.json")):
            merged.update(json.loads(file.read_text(encoding="utf-8")))
    return merged


def translate(text: str, lang: str = "id") -> str:
    """``text`` (Indonesian) in ``lang``; unchanged where no translation exists."""
    if lang == "id":
        return text
    return catalog(lang).get(text, text)


def translator(lang: str) -> Callable[[str], str]:
    """A one-argument translate function for ``lang`` (the templates' ``_``)."""
    return functools.partial(translate, lang=lang)


def environment(lang: str = "id", template_dir: str | Path | None = None) -> jinja2.Environment:
    """A Jinja environment with kopledger's filters, for ``lang``; ``template_dir`` overrides."""
    if lang not in LANGS:
        from kopledger.errors import InputError

        raise InputError(f"unknown language {lang!r}; use one of {', '.join(LANGS)}")
    loaders: list[jinja2.BaseLoader] = []
    if template_dir is not None:
        folder = Path(template_dir)
        if not folder.is_dir():
            from kopledger.errors import InputError

            raise InputError(f"template folder not found: {folder}")
        loaders.append(jinja2.FileSystemLoader(str(folder)))
    loaders.append(jinja2.FileSystemLoader(str(templates_dir())))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(["html", "htm", "xml", "svg"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        rupiah=lambda v, blank_zero=False: filters.rupiah(v, lang, blank_zero=blank_zero),
        angka=lambda v, decimals=None: filters.angka(v, lang, decimals=decimals),
        akuntansi=lambda v: filters.akuntansi(v, lang),
        persen=lambda v, decimals=2: filters.persen(v, lang, decimals=decimals),
        tanggal=lambda v, bentuk="long": filters.tanggal(v, lang, bentuk=bentuk),
        terbilang=lambda v, satuan=True: filters.terbilang(v, lang, satuan=satuan),
        ljust=lambda v, n: str(v).ljust(n),
        rjust=lambda v, n: str(v).rjust(n),
    )
    env.globals.update(_=translator(lang), lang=lang)
    return env


def render(
    template: str, context: dict[str, Any], *, lang: str = "id", template_dir: str | Path | None = None
) -> str:
    """Render ``template`` (a name under ``templates/``) with ``context``."""
    try:
        return environment(lang, template_dir).get_template(template).render(**context)
    except jinja2.TemplateNotFound as exc:
        from kopledger.errors import InputError

        raise InputError(f"template not found: {exc.name}") from None
