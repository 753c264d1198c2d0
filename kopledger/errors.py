"""Errors: beancount-style error records for the books, exceptions for callers."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any, NamedTuple, Self

#: A message's values, in order: ``(("tahun", 2025), ("akun", "Aset:Kas"))``.
Nilai = tuple[tuple[str, Any], ...]


class Frasa(NamedTuple):
    """A part of a message worded in the reader's language: an Indonesian template (a key
    of the message catalogs ``templates/locale/<lang>/*.json``) and its values. A value of
    another message's template (a reason inside a sentence) is a ``Frasa``."""

    teks: str
    nilai: Nilai = ()

    @classmethod
    def of(cls, teks: str, /, **nilai: Any) -> Frasa:
        """``Frasa.of("tahun {tahun} …", tahun=2025)``."""
        return cls(teks, tuple(nilai.items()))

    def in_lang(self, lang: str) -> str:
        return wording(self.teks, self.nilai, lang)


class Daftar(NamedTuple):
    """Values written one after another, each worded, with ``pisah`` between them (itself a
    catalog key: ``" atau "`` becomes ``" or "``)."""

    isi: tuple[Any, ...]
    pisah: str = ", "


class Angka(NamedTuple):
    """A number written the reader's way: ``1.234.567,5`` in Indonesian, ``1,234,567.5`` in English."""

    angka: Decimal

    def in_lang(self, lang: str) -> str:
        text = f"{self.angka:,f}"
        return text if lang == "en" else text.translate(_ID_DIGITS)


_ID_DIGITS = str.maketrans({",": ".", ".": ","})


def _worded(value: Any, lang: str) -> Any:
    """A value ready for ``str.format`` in ``lang``: words (anything with ``in_lang``: a
    :class:`Frasa`, an :class:`Angka`, a library error) worded, a :class:`Daftar` joined,
    others (names, dates, amounts) as they are."""
    if type(value) is Daftar:
        pisah = value.pisah if lang == "id" else _translate(value.pisah, lang)
        return pisah.join(str(_worded(v, lang)) for v in value.isi)
    in_lang = getattr(value, "in_lang", None)
    return in_lang(lang) if callable(in_lang) else value


def _translate(teks: str, lang: str) -> str:
    from kopledger.render import translate  # lazily: kopledger.render imports this module

    return translate(teks, lang)


def wording(teks: str, nilai: Nilai, lang: str = "id") -> str:
    """The template ``teks`` with its values, in ``lang`` (Indonesian: the template itself).

    A translation that does not fit its values (a catalog entry with other placeholders)
    falls back to the Indonesian text rather than failing."""
    template = teks if lang == "id" else _translate(teks, lang)
    if not nilai:
        return template
    try:
        return template.format(**{key: _worded(value, lang) for key, value in nilai})
    except (KeyError, IndexError, ValueError, AttributeError):
        if lang == "id":
            raise
        return wording(teks, nilai, "id")


def frasa_of(exc: Any) -> Any:
    """A library error's message as a value of another message: its template when it has
    one (worded in the reader's language), else its text."""
    teks = getattr(exc, "teks", None)
    if teks is None:
        return str(getattr(exc, "message", exc))
    nilai = getattr(exc, "nilai", ())
    return Frasa(teks, tuple(nilai.items() if isinstance(nilai, dict) else nilai))


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
        values = tuple(nilai.items())
        return cls(source, wording(teks, values), entry, teks, values)

    def in_lang(self, lang: str) -> str:
        """The message in ``lang``."""
        return message_in_lang(self, lang)


def message_in_lang(error: Any, lang: str) -> str:
    """The message of a kopledger error with a template (``teks``, ``nilai``) in ``lang``;
    any other error's message as it is (beancount's own are English already)."""
    teks = getattr(error, "teks", None)
    if teks is None or lang == "id":
        return str(getattr(error, "message", error))
    nilai = getattr(error, "nilai", ())
    return wording(teks, tuple(nilai.items() if isinstance(nilai, dict) else nilai), lang)


def error_location(error: Any) -> str:
    """``file:line`` of a beancount or kopledger error, or ``""`` when unknown."""
    source = getattr(error, "source", None) or {}
    filename = source.get("filename")
    if not filename:
        return ""
    lineno = source.get("lineno")
    return f"{filename}:{lineno}" if lineno is not None else str(filename)


_TRACEBACK = "Traceback (most recent call last):"


def error_message(error: Any, lang: str = "id") -> str:
    """An error's message on one line, in ``lang``, without any Python traceback.

    Beancount puts a whole traceback in some messages (a plugin that fails to import):
    only the text before it and the exception's own last line are kept.
    """
    message = message_in_lang(error, lang)
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


class Pesan(str):
    """A piece of text a person reads, kept as data: an Indonesian template and its values.

    It *is* the Indonesian text (a ``str``), so code that joins, sorts or tests problem
    texts keeps working; :meth:`in_lang` words it in another language through the message
    catalogs. Use it for a value of an error that is itself words (a label such as
    ``"jumlah"``, one problem of a list), so the value is translated with the error::

        Pesan("tanggal {tanggal} ada di masa depan", tanggal=date)
        Pesan.kata(text)       # a phrase of kopledger's, translated when the catalogs know it
        Pesan.label(label)     # a field's name ("jumlah"): the catalog key is "label|jumlah"
        Pesan.gabung("\n  ", problems)   # several, joined
    """

    teks: str
    nilai: dict[str, Any]
    konteks: str | None

    def __new__(cls, teks: str, /, **nilai: Any) -> Pesan:
        self = super().__new__(cls, teks.format(**nilai))
        self.teks, self.nilai, self.konteks = teks, dict(nilai), None
        return self

    @classmethod
    def kata(cls, text: str) -> Pesan:
        """``text`` as it is (a word, a label, an option name): translated where a catalog has it."""
        if isinstance(text, Pesan):
            return text
        return cls(text.replace("{", "{{").replace("}", "}}"))

    @classmethod
    def label(cls, text: str) -> Pesan:
        """The name of a field or option as a message quotes it (``jumlah``, ``--bulan``, ``kolom nik``).

        A bare word means different things in different places ("jumlah" is a total in a report,
        an amount in an input), so a label's catalog key is ``"label|<text>"``; a label without
        an entry (an option name such as ``--jumlah``) stays as it is."""
        if isinstance(text, Pesan):
            return text
        made = cls.kata(text)
        made.konteks = "label"
        return made

    @classmethod
    def gabung(cls, pemisah: str, items: Iterable[Any]) -> Pesan:
        """``items`` joined by ``pemisah``, each worded in the reader's language in its turn."""
        values = {f"p{i}": item for i, item in enumerate(items)}
        glue = pemisah.replace("{", "{{").replace("}", "}}")
        return cls(glue.join("{" + key + "}" for key in values), **values)

    def in_lang(self, lang: str) -> str:
        """The text in ``lang`` (unchanged in Indonesian or where no catalog entry exists)."""
        if self.konteks is not None and lang != "id":
            from kopledger.render import translate

            key = f"{self.konteks}|{self.teks}"
            found = translate(key, lang)
            return str(self) if found == key else worded(found, self.nilai, "id")
        return worded(self.teks, self.nilai, lang)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_pesan, (self.teks, self.nilai, self.konteks))


def _pesan(teks: str, nilai: dict[str, Any], konteks: str | None = None) -> Pesan:
    made = Pesan(teks, **nilai)
    made.konteks = konteks
    return made


def worded(teks: str, nilai: dict[str, Any], lang: str) -> str:
    """Template ``teks`` in ``lang`` filled with ``nilai``; values that are words themselves
    (a :class:`Pesan`, a wrapped :class:`KopledgerError`) are worded in ``lang`` too."""
    if lang == "id":
        return teks.format(**nilai)
    from kopledger.render import translate

    return translate(teks, lang).format(**{key: in_language(value, lang) for key, value in nilai.items()})


def in_language(value: Any, lang: str) -> Any:
    """``value`` as a message shows it in ``lang``: words (a :class:`Pesan`, an error, a list
    or tuple of them) are translated; numbers, dates and names are left as they are."""
    if isinstance(value, (Pesan, KopledgerError)):
        return value.in_lang(lang)
    if isinstance(value, (list, tuple)) and any(isinstance(v, (Pesan, KopledgerError)) for v in value):
        return type(value)(in_language(v, lang) for v in value)
    return value


class KopledgerError(Exception):
    """Base of the exceptions kopledger raises for things a user can fix.

    Made with :meth:`pesan`, an error keeps its message as data: the Indonesian template
    (``teks``, a key of the message catalogs ``templates/locale/<lang>/*.json``) and its
    values (``nilai``), so the CLI words it in the reader's language (:meth:`in_lang`).
    A value that is itself words (a :class:`Pesan`, or a wrapped :class:`KopledgerError`)
    is worded in the same language.
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
        error = cls(teks.format(**nilai), *args, hint=hint.format(**nilai) if hint else None)
        error.teks, error.nilai, error.teks_hint = teks, dict(nilai), hint
        return error

    def inti(self) -> Pesan:
        """The message without its hint, as a :class:`Pesan` (to quote this error in another one)."""
        if self.teks is None:
            return Pesan.kata(self.message)
        return Pesan(self.teks, **self.nilai)

    def message_in(self, lang: str) -> str:
        """The message without its hint, in ``lang``."""
        return self.inti().in_lang(lang)

    def in_lang(self, lang: str) -> str:
        """The error as a person reads it in ``lang`` (message, then the hint)."""
        if self.teks is None or lang == "id":
            return str(self)
        message = worded(self.teks, self.nilai, lang)
        hint = worded(self.teks_hint, self.nilai, lang) if self.teks_hint else None
        return f"{message}\n{hint}" if hint else message

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
        """The error with the books' errors under it, its own words in ``lang``."""
        if lang == "id":
            return str(self)
        from kopledger.render import translate

        lines = [translate(self.teks, lang).format(**self.nilai) if self.teks is not None else self.message]
        lines += ["  " + format_error_line(e, lang) for e in self.errors[:50]]
        if len(self.errors) > 50:
            lines.append("  … " + translate("dan {jumlah} kesalahan lain", lang).format(jumlah=len(self.errors) - 50))
        if self.teks_hint:
            lines.append(translate(self.teks_hint, lang).format(**self.nilai))
        elif self.hint:
            lines.append(self.hint)
        return "\n".join(lines)

    def __str__(self) -> str:
        lines = [self.message]
        lines += ["  " + format_error_line(e) for e in self.errors[:50]]
        if len(self.errors) > 50:
            lines.append(f"  … dan {len(self.errors) - 50} kesalahan lain")
        if self.hint:
            lines.append(self.hint)
        return "\n".join(lines)
