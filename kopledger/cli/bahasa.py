"""The language of the command line, click's own words included.

``kop`` speaks Indonesian unless ``--lang en`` is on the command line (or ``KOP_LANG=en``
is set): :func:`detect` reads it from the arguments before click parses them, and
:func:`install` routes click's gettext calls ("Usage:", "Options", its error messages)
through the catalog ``templates/locale/id/click.json`` when the language is Indonesian.
"""

from __future__ import annotations

import contextvars
import functools
import importlib
import inspect
import json
import os
from collections.abc import Callable, Sequence
from typing import Any

from kopledger.core.errors import templates_dir, translate, worded

LANGS = ("id", "en")
_LANG: contextvars.ContextVar[str] = contextvars.ContextVar("kop_lang", default="id")

#: click's modules that call gettext (``_``) and ``ngettext``.
_CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "types", "termui", "utils",
                  "shell_completion")


def detect(args: Sequence[str]) -> str:
    """The language asked for by ``--lang X`` / ``--lang=X`` in ``args``, else ``KOP_LANG``, else id."""
    found = os.environ.get("KOP_LANG", "id")
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            found = args[i + 1]
        elif arg.startswith("--lang="):
            found = arg.partition("=")[2]
    return found if found in LANGS else "id"


def set_language(lang: str) -> contextvars.Token[str]:
    """Use ``lang`` for click's words and kopledger's messages from now on (in this context);
    the token undoes it (``_LANG.reset``)."""
    return _LANG.set(lang if lang in LANGS else "id")


def reset_language(token: contextvars.Token[str]) -> None:
    """Back to the language before :func:`set_language` gave ``token``."""
    _LANG.reset(token)


def language() -> str:
    """The command line's language now."""
    return _LANG.get()


@functools.cache
def _catalog() -> dict[str, str]:
    data = json.loads((templates_dir() / "locale" / "id" / "click.json").read_text(encoding="utf-8"))
    return {str(k): str(v) for k, v in data.items()}


def gettext(message: str) -> str:
    """click's ``message`` in the command line's language."""
    if _LANG.get() == "id":
        return _catalog().get(message, message)
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """click's singular or plural ``message`` in the command line's language."""
    return gettext(singular if n == 1 else plural)


def teks(template: str, /, **nilai: Any) -> str:
    """A message the command line prints, in its language: ``template`` (Indonesian, a key of
    the catalogs ``templates/locale/<lang>/*.json``) translated, then filled with ``nilai``.

    ``teks("Ditulis ke {berkas}", berkas=path)`` — the template must be a literal, with an
    English entry that has the same placeholders (``tests/test_cli_teks.py`` checks both).
    A value that is itself words (a :class:`~kopledger.core.errors.Pesan`, an error) is worded in
    the same language (:func:`kopledger.core.errors.worded`).
    """
    return worded(template, nilai, _LANG.get())


def help_key(text: str) -> str:
    """The catalog key of a help text: click keeps docstrings as written, indented."""
    return inspect.cleandoc(text)


@functools.cache
def _click_originals() -> dict[str, str]:
    """click's own words back from Indonesian (``Tampilkan bantuan ini lalu keluar.`` → click's text)."""
    return {indonesian: original for original, indonesian in _catalog().items()}


def _english(text: str | None) -> str | None:
    """A help ``text`` in the command line's language: kopledger's own (Indonesian) help in
    English for ``en``. click builds some texts once and keeps them (the ``--help`` option's
    help), worded in the language of the first run in this process: those are worded again."""
    if text is None:
        return text
    if _LANG.get() != "en":
        return _catalog().get(text, text)

    key = help_key(text)
    english = translate(key, "en")
    return english if english != key else _click_originals().get(text, text)


def _help_in_language(method: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a click method that reads ``self.help``: it reads the help in the command line's language."""
    if getattr(method, "_kop_bahasa", False):
        return method

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        original = self.help, getattr(self, "short_help", None)
        self.help = _english(original[0])
        if original[1] is not None:
            self.short_help = _english(original[1])
        try:
            return method(self, *args, **kwargs)
        finally:
            self.help = original[0]
            if original[1] is not None:
                self.short_help = original[1]

    wrapper._kop_bahasa = True  # type: ignore[attr-defined]
    return wrapper


def install() -> None:
    """Route click's gettext calls through :func:`gettext`, and kopledger's help texts
    through the English catalog (``templates/locale/en/cli.json``) for ``--lang en``
    (idempotent)."""
    import click

    click.Option.get_help_record = _help_in_language(click.Option.get_help_record)  # type: ignore[method-assign]
    click.Argument.get_help_record = _help_in_language(click.Argument.get_help_record)  # type: ignore[method-assign]
    click.Command.format_help_text = _help_in_language(click.Command.format_help_text)  # type: ignore[method-assign]
    click.Command.get_short_help_str = _help_in_language(click.Command.get_short_help_str)  # type: ignore[method-assign]
    for name in _CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]
