"""Errors: beancount-style error records for the books, exceptions for callers."""

from __future__ import annotations

from typing import Any, NamedTuple


class KopError(NamedTuple):
    """An error found in the books, shaped like beancount's errors.

    ``source`` is the offending entry's meta (``filename``, ``lineno``), so
    ``beancount.parser.printer.format_error`` prints it as ``file:line: message``.
    """

    source: dict[str, Any] | None
    message: str
    entry: Any


def error_location(error: Any) -> str:
    """``file:line`` of a beancount or kopledger error, or ``""`` when unknown."""
    source = getattr(error, "source", None) or {}
    filename = source.get("filename")
    if not filename:
        return ""
    lineno = source.get("lineno")
    return f"{filename}:{lineno}" if lineno is not None else str(filename)


_TRACEBACK = "Traceback (most recent call last):"


def error_message(error: Any) -> str:
    """An error's message on one line, without any Python traceback.

    Beancount puts a whole traceback in some messages (a plugin that fails to import):
    only the text before it and the exception's own last line are kept.
    """
    message = str(getattr(error, "message", error))
    if _TRACEBACK in message:
        head, _, trace = message.partition(_TRACEBACK)
        lines = [line.strip() for line in trace.splitlines() if line.strip()]
        message = f"{head.strip()} {lines[-1]}" if lines else head
    return " ".join(line.strip() for line in message.strip().splitlines() if line.strip())


def format_error_line(error: Any) -> str:
    """One line: ``file:line: message``."""
    message = error_message(error)
    location = error_location(error)
    return f"{location}: {message}" if location else message


class KopledgerError(Exception):
    """Base of the exceptions kopledger raises for things a user can fix.

    Made with :meth:`pesan`, an error keeps its message as data: the Indonesian template
    (``teks``, a key of the message catalogs ``templates/locale/<lang>/*.json``) and its
    values (``nilai``), so the CLI words it in the reader's language (:meth:`in_lang`).
    """

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.teks: str | None = None
        self.nilai: dict[str, Any] = {}
        self.teks_hint: str | None = None

    @classmethod
    def pesan(cls, teks: str, *, hint: str | None = None, **nilai: Any) -> Any:
        """An error from a message template and its values: ``pesan("tahun {tahun} …", tahun=2025)``."""
        error = cls(teks.format(**nilai), hint=hint.format(**nilai) if hint else None)
        error.teks, error.nilai, error.teks_hint = teks, dict(nilai), hint
        return error

    def in_lang(self, lang: str) -> str:
        """The error as a person reads it in ``lang`` (message, then the hint)."""
        if self.teks is None or lang == "id":
            return str(self)
        from kopledger.render import translate

        message = translate(self.teks, lang).format(**self.nilai)
        hint = translate(self.teks_hint, lang).format(**self.nilai) if self.teks_hint else None
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
        if self.teks is None or lang == "id":
            return str(self)
        from kopledger.render import translate

        lines = [translate(self.teks, lang).format(**self.nilai)]
        lines += ["  " + format_error_line(e) for e in self.errors[:50]]
        if len(self.errors) > 50:
            lines.append("  … " + translate("dan {jumlah} kesalahan lain", lang).format(jumlah=len(self.errors) - 50))
        if self.teks_hint:
            lines.append(translate(self.teks_hint, lang).format(**self.nilai))
        return "\n".join(lines)

    def __str__(self) -> str:
        lines = [self.message]
        lines += ["  " + format_error_line(e) for e in self.errors[:50]]
        if len(self.errors) > 50:
            lines.append(f"  … dan {len(self.errors) - 50} kesalahan lain")
        if self.hint:
            lines.append(self.hint)
        return "\n".join(lines)
