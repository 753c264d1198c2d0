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
    """Base of the exceptions kopledger raises for things a user can fix."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n{self.hint}" if self.hint else self.message


class InputError(KopledgerError):
    """What the caller asked for is not valid (unknown member, bad amount, bad date…)."""


class LedgerHasErrors(KopledgerError):
    """The books (or the books with new directives) do not load cleanly."""

    def __init__(self, message: str, errors: list[Any], *, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.errors = list(errors)

    def __str__(self) -> str:
        lines = [self.message]
        lines += ["  " + format_error_line(e) for e in self.errors[:50]]
        if len(self.errors) > 50:
            lines.append(f"  … dan {len(self.errors) - 50} kesalahan lain")
        if self.hint:
            lines.append(self.hint)
        return "\n".join(lines)
