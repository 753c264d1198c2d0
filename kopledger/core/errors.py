"""Errors: beancount-style error records for the books, exceptions for callers, and the
one way a message is kept as data and worded in the reader's language.

A message a person reads is an Indonesian template (a key of the message catalogs
``templates/locale/<lang>/*.json``) and its values. :func:`worded` fills a template in a
language; :func:`in_language` words one value (a :class:`Pesan`, an :class:`Angka`, a :class:`Rupiah`, an
error, a list of them); :class:`Pesan` is a message kept as a value (it *is* its Indonesian
text). Errors made with ``.pesan`` keep their template and values the same way:
:class:`KopledgerError` (raised by the library), :class:`KopError` (found in the books).
The catalogs are read here (:func:`catalog`, :func:`translate`); numbers are written by
:mod:`kopledger.core.numerals`. Nothing here renders a document.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import json
import string
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple, Self

from kopledger.core.numerals import rupiah_text

#: A book error's values, in order: ``(("tahun", 2025), ("akun", "Aset:Kas"))`` (a tuple, so a
#: :class:`KopError` stays a cheap, hashable, picklable record).
Nilai = tuple[tuple[str, Any], ...]


class Angka(NamedTuple):
    """A number written the reader's way: ``1.234.567,5`` in Indonesian, ``1,234,567.5`` in English."""

    angka: Decimal

    def in_lang(self, lang: str) -> str:
        text = f"{self.angka:,f}"
        return text if lang == "en" else text.translate(_ID_DIGITS)


_ID_DIGITS = str.maketrans({",": ".", ".": ","})


class Rupiah(NamedTuple):
    """An amount of rupiah written the reader's way: ``Rp1.234.567`` in Indonesian,
    ``Rp1,234,567`` in English, negatives in parentheses (:func:`kopledger.core.numerals.rupiah_text`)."""

    jumlah: Decimal

    def in_lang(self, lang: str) -> str:
        return rupiah_text(Decimal(self.jumlah), lang)


# ----------------------------------------------------------------------------------
# The message catalogs: Indonesian text → the text in another language
# ----------------------------------------------------------------------------------


def templates_dir() -> Path:
    """The folder of kopledger's own templates and catalogs (in the wheel, or the source tree)."""
    packaged = resources.files("kopledger") / "templates"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent.parent / "templates"


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
#: document is rendered (:func:`user_catalogs`): a message's own wording reaches
#: :func:`translate` without a ``template_dir`` argument.
_USER_FOLDER: contextvars.ContextVar[str | None] = contextvars.ContextVar("kop_user_folder", default=None)


@contextlib.contextmanager
def user_catalogs(template_dir: str | Path | None) -> Iterator[None]:
    """While inside, :func:`translate` without a folder also reads ``template_dir``'s catalogs."""
    token = _USER_FOLDER.set(str(template_dir) if template_dir is not None else None)
    try:
        yield
    finally:
        _USER_FOLDER.reset(token)


def translate(text: str, lang: str = "id", template_dir: str | Path | None = None) -> str:
    """``text`` (Indonesian) in ``lang``; unchanged where no translation exists. Without
    ``template_dir``, the folder of the document being rendered (if any) is used."""
    if lang == "id":
        return text
    folder = str(template_dir) if template_dir is not None else _USER_FOLDER.get()
    return catalog(lang, folder).get(text, text)




class _PlainFields(string.Formatter):
    """A formatter that fills only plain names: ``{nama}``, never ``{x.attr}`` or ``{x[0]}``.

    Catalog entries may come from a user's ``--templat`` folder; attribute and index lookups
    would let such an entry copy Python internals into a document."""

    def get_field(self, field_name: str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> Any:
        if not field_name.isidentifier():
            raise KeyError(field_name)
        return kwargs[field_name], field_name


_PLAIN = _PlainFields()


def worded(teks: str, nilai: Mapping[str, Any], lang: str = "id") -> str:
    """The template ``teks`` in ``lang`` (Indonesian: the template itself), filled with ``nilai``,
    each value worded in ``lang`` too (:func:`in_language`).

    A translation that does not fit its values (a catalog entry with other placeholders)
    falls back to the Indonesian text rather than failing. Indonesian nouns have one form
    for any number; where the other language's has two, the catalog holds the form for
    one thing under the key ``teks + "|1"``, used when the value ``jumlah`` is 1."""
    values = {key: in_language(value, lang) for key, value in nilai.items()}
    if lang == "id":
        return teks.format(**values)
    try:
        template = translate(teks, lang)
        if nilai.get("jumlah") == 1 and (one := translate(teks + SATU, lang)) != teks + SATU:
            template = one
        return _PLAIN.vformat(template, (), values)
    except (KeyError, IndexError, ValueError, AttributeError):
        return worded(teks, nilai, "id")


#: The suffix of a catalog key holding the form of a message for one thing (:func:`worded`).
SATU = "|1"


def in_language(value: Any, lang: str) -> Any:
    """``value`` as a message shows it in ``lang``: words (anything with ``in_lang``: a
    :class:`Pesan`, an :class:`Angka`, a :class:`Rupiah`, an error; or a list or tuple of them) are worded;
    numbers, dates, amounts and names are left as they are."""
    in_lang = getattr(value, "in_lang", None)
    if in_lang is not None and not isinstance(value, type):
        return in_lang(lang)
    if type(value) in (list, tuple) and any(hasattr(v, "in_lang") for v in value):
        return type(value)(in_language(v, lang) for v in value)
    return value


def _escaped(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


class Pesan(str):
    """A piece of text a person reads, kept as data: an Indonesian template and its values.

    It *is* the Indonesian text (a ``str``), so code that joins, sorts or tests texts keeps
    working; :meth:`in_lang` words it in another language through the message catalogs.
    Use it for every value that is itself words (a reason inside a sentence, a label, one
    problem of a list), so it is translated with the message around it::

        Pesan("tanggal {tanggal} ada di masa depan", tanggal=date)   # a template and its values
        Pesan.kata(text)              # a phrase of kopledger's, translated when the catalogs know it
        Pesan.label("jumlah")         # a field's name: the catalog key is "label|jumlah"
        Pesan.gabung(" atau ", items)  # several, joined; the separator is translated too (" or ")
        Pesan.dari(error)             # an error's message (without its hint) as a value
    """

    teks: str
    nilai: dict[str, Any]
    konteks: str | None
    pemisah: str | None

    def __new__(cls, teks: str, /, **nilai: Any) -> Pesan:
        return _made(worded(teks, nilai), teks, nilai)

    @classmethod
    def kata(cls, text: str) -> Pesan:
        """``text`` as it is (a word, a label, an option name): translated where a catalog has it."""
        if isinstance(text, Pesan):
            return text
        return _made(text, _escaped(text), {})

    @classmethod
    def label(cls, text: str) -> Pesan:
        """The name of a field or option as a message quotes it (``jumlah``, ``--bulan``, ``kolom nik``).

        A bare word means different things in different places ("jumlah" is a total in a report,
        an amount in an input), so a label's catalog key is ``"label|<text>"``; a label without
        an entry (an option name such as ``--jumlah``) stays as it is."""
        if isinstance(text, Pesan):
            return text
        return _made(text, _escaped(text), {}, konteks="label")

    @classmethod
    def gabung(cls, pemisah: str, items: Iterable[Any]) -> Pesan:
        """``items`` joined by ``pemisah``, each worded in the reader's language in its turn; the
        separator is a catalog key too when it has words (``" atau "`` → ``" or "``)."""
        values = {f"p{i}": item for i, item in enumerate(items)}
        text = pemisah.join(str(in_language(v, "id")) for v in values.values())
        template = _escaped(pemisah).join("{" + key + "}" for key in values)
        return _made(text, template, values, pemisah=pemisah)

    @classmethod
    def dari(cls, error: Any, *, saran: bool = False) -> Pesan:
        """An error's message as a value of another message: its template and values when it
        has them (a :class:`KopledgerError`, :class:`KopError`, ``ChainError`` made with
        ``.pesan``), else its text. ``saran``: with the error's hint on the next line."""
        if isinstance(error, Pesan):
            return error
        teks = getattr(error, "teks", None)
        nilai = dict(getattr(error, "nilai", ()) or ())
        if teks is None:
            message = getattr(error, "message", None)
            made = cls.kata(message if isinstance(message, str) else str(error))
        else:
            made = cls(teks, **nilai)
        if not saran:
            return made
        teks_hint = getattr(error, "teks_hint", None)
        hint = getattr(error, "hint", None)
        if teks_hint:
            return cls.gabung("\n", (made, cls(teks_hint, **nilai)))
        if hint:
            return cls.gabung("\n", (made, cls.kata(str(hint))))
        return made

    def in_lang(self, lang: str) -> str:
        """The text in ``lang`` (unchanged in Indonesian or where no catalog entry exists)."""
        if lang == "id":
            return str(self)
        if self.pemisah is not None:
            pemisah = translate(self.pemisah, lang)
            return pemisah.join(str(in_language(v, lang)) for v in self.nilai.values())
        if self.konteks is not None:
            key = f"{self.konteks}|{self.teks}"
            found = translate(key, lang)
            return str(self) if found == key else worded(found, self.nilai, "id")
        return worded(self.teks, self.nilai, lang)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_made, (str(self), self.teks, self.nilai, self.konteks, self.pemisah))


def _made(text: str, teks: str, nilai: dict[str, Any], konteks: str | None = None,
          pemisah: str | None = None) -> Pesan:
    """A :class:`Pesan` whose Indonesian ``text`` is known (no formatting again: also unpickling)."""
    made = str.__new__(Pesan, text)
    made.teks, made.nilai, made.konteks, made.pemisah = teks, nilai, konteks, pemisah
    return made


class KopError(NamedTuple):
    """An error found in the books, shaped like beancount's errors.

    ``source`` is the offending entry's meta (``filename``, ``lineno``), so
    ``beancount.parser.printer.format_error`` prints it as ``file:line: message``.
    Made with :meth:`pesan`, it also keeps the message as data: the Indonesian template
    ``teks`` (a key of the message catalogs) and its values ``nilai``; ``message`` stays the
    Indonesian text (what bean-check and Fava show), and :meth:`in_lang` words it in
    another language (what ``kop cek --lang en`` shows).
    """

    source: dict[str, Any] | None
    message: str
    entry: Any
    teks: str | None = None
    nilai: Nilai = ()

    @classmethod
    def pesan(cls, source: dict[str, Any] | None, teks: str, entry: Any, /, **nilai: Any) -> KopError:
        """``KopError.pesan(entry.meta, "anggota {id} sudah keluar pada {tanggal}; …", entry, id=…, tanggal=…)``."""
        return cls(source, worded(teks, nilai), entry, teks, tuple(nilai.items()))

    def in_lang(self, lang: str) -> str:
        """The message in ``lang``."""
        return self.message if lang == "id" else Pesan.dari(self).in_lang(lang)


def error_location(error: Any) -> str:
    """``file:line`` of a beancount or kopledger error, or ``""`` when unknown."""
    source = getattr(error, "source", None) or {}
    filename = source.get("filename")
    if not filename:
        return ""
    lineno = source.get("lineno")
    return f"{filename}:{lineno}" if lineno is not None else str(filename)


def error_order(error: Any) -> tuple[str, int, str]:
    """The sort key of an error as ``kop cek`` prints it: file, line, then message (Indonesian).
    An error without a file sorts by an empty name (first); without a line, as line 0."""
    source = getattr(error, "source", None) or {}
    filename = source.get("filename")
    lineno = source.get("lineno")
    return (str(filename) if filename else "", lineno if isinstance(lineno, int) else 0,
            error_message(error))


def sorted_errors(errors: Iterable[Any]) -> list[Any]:
    """``errors`` in file:line order (then by message): the same order on every run, whatever
    order the checks found them in (:func:`error_order`)."""
    return sorted(errors, key=error_order)


_TRACEBACK = "Traceback (most recent call last):"


def error_message(error: Any, lang: str = "id") -> str:
    """An error's message on one line, in ``lang``, without any Python traceback.

    A kopledger error with a template is worded in ``lang``; another error's message is
    kept as it is (beancount's own are English already). Beancount puts a whole traceback
    in some messages (a plugin that fails to import): only the text before it and the
    exception's own last line are kept.
    """
    if lang == "id" or getattr(error, "teks", None) is None:
        message = str(getattr(error, "message", error))
    else:
        message = Pesan.dari(error).in_lang(lang)
    if _TRACEBACK in message:
        head, _, trace = message.partition(_TRACEBACK)
        lines = [line.strip() for line in trace.splitlines() if line.strip()]
        message = f"{head.strip()} {lines[-1]}" if lines else head
    return " ".join(line.strip() for line in message.strip().splitlines() if line.strip())


def format_error_line(error: Any, lang: str = "id") -> str:
    """One line: ``file:line: message``, the message in ``lang`` when it has a template."""
    message = error_message(error, lang)
    location = error_location(error)
    return f"{location}: {message}" if location else message


def error_line(error: Any) -> Pesan:
    """``file:line: message`` of an error found in the books, kept as a :class:`Pesan` (for a
    report's data: worded in the reader's language where it is shown)."""
    location = error_location(error)
    message = Pesan.dari(error)
    return Pesan("{lokasi}: {pesan}", lokasi=location, pesan=message) if location else message


class KopledgerError(Exception):
    """Base of the exceptions kopledger raises for things a user can fix.

    Made with :meth:`pesan`, an error keeps its message as data: the Indonesian template
    (``teks``, a key of the message catalogs ``templates/locale/<lang>/*.json``) and its
    values (``nilai``), so the CLI words it in the reader's language (:meth:`in_lang`).
    A value that is itself words (a :class:`Pesan`, an :class:`Angka`, another error) is
    worded in the same language. To quote an error inside another message, pass
    ``Pesan.dari(error)`` (its message without the hint).
    """

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.teks: str | None = None
        self.nilai: dict[str, Any] = {}
        self.teks_hint: str | None = None

    @classmethod
    def pesan(cls, teks: str, *args: Any, hint: str | None = None, **nilai: Any) -> Self:
        """An error from a message template and its values: ``pesan("tahun {tahun} …", tahun=2025)``.

        ``args`` go to the constructor after the message, for the subclasses that take more
        (``LedgerHasErrors.pesan("…", errors, berkas=path)``)."""
        error = cls(worded(teks, nilai), *args, hint=worded(hint, nilai) if hint else None)
        error.teks, error.nilai, error.teks_hint = teks, dict(nilai), hint
        return error

    def _hint_in(self, lang: str) -> str | None:
        """The hint in ``lang`` (None without one)."""
        if lang == "id" or not self.hint:
            return self.hint
        if self.teks_hint:
            return worded(self.teks_hint, self.nilai, lang)
        return Pesan.kata(self.hint).in_lang(lang)

    def in_lang(self, lang: str) -> str:
        """The error as a person reads it in ``lang`` (message, then the hint)."""
        if lang == "id":
            return str(self)
        return Pesan.dari(self, saran=True).in_lang(lang)

    def __str__(self) -> str:
        return f"{self.message}\n{self.hint}" if self.hint else self.message


class InputError(KopledgerError):
    """What the caller asked for is not valid (unknown member, bad amount, bad date…)."""


class LedgerHasErrors(KopledgerError):
    """The books (or the books with new directives) do not load cleanly."""

    def __init__(self, message: str, errors: list[Any], *, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.errors = list(errors)

    def in_lang(self, lang: str) -> str:
        """The error with the books' errors under it, everything in ``lang``."""
        lines = [self.message if lang == "id" else Pesan.dari(self).in_lang(lang)]
        lines += ["  " + format_error_line(e, lang) for e in self.errors[:50]]
        if len(self.errors) > 50:
            lines.append("  … " + Pesan("dan {jumlah} kesalahan lain", jumlah=len(self.errors) - 50).in_lang(lang))
        hint = self._hint_in(lang)
        if hint:
            lines.append(hint)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.in_lang("id")
