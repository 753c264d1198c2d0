"""Static checks over ``kopledger/cli``: everything the command line prints itself is a
catalog template (``teks("…", …)``, ``InputError.pesan("…", …)``) with an English entry that
has the same placeholders, and no finished sentence is printed or raised as a bare string."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from kopledger.core.errors import catalog

CLI = Path(__file__).resolve().parent.parent / "kopledger" / "cli"
#: Commands kop finds through the entry point group kopledger.commands (they word messages the same way).
ADDED = (CLI.parent / "dinas" / "commands.py",)

#: Calls whose first argument a person reads; it must not be a literal sentence (use teks()).
PRINTING = {"echo", "echo_safe", "secho", "KopClickError", "InputError", "KopledgerError", "LedgerHasErrors",
            "BadParameter", "UsageError", "ClickException", "fail", "progress"}


def _modules() -> list[tuple[str, ast.Module]]:
    return [(path.name, ast.parse(path.read_text(encoding="utf-8"))) for path in [*sorted(CLI.glob("*.py")), *ADDED]]


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def placeholders(template: str) -> set[str]:
    """The field names of a ``str.format`` template (``{nama!r}`` → ``nama``)."""
    names = set()
    for _, field, _, _ in string.Formatter().parse(template):
        if field is not None:
            names.add(field.split(".")[0].split("[")[0])
    return names


def _templates(call: ast.Call) -> list[ast.expr]:
    """The template arguments of a ``teks(…)`` or ``X.pesan(…)`` call: the first one, and ``hint=``."""
    found = list(call.args[:1])
    found += [k.value for k in call.keywords if k.arg == "hint"]
    return found


def catalog_calls() -> list[tuple[str, int, ast.expr]]:
    calls = []
    for name, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _name(node.func) in ("teks", "pesan"):
                calls += [(name, node.lineno, arg) for arg in _templates(node)]
    return calls


def test_the_cli_words_messages_through_its_helper() -> None:
    assert len(catalog_calls()) > 40  # the walk finds the calls


def test_every_cli_template_is_a_literal_with_an_english_entry_and_the_same_placeholders() -> None:
    english = catalog("en")
    problems = []
    for name, line, arg in catalog_calls():
        if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
            problems.append(f"{name}:{line}: template is not a string literal")
            continue
        template = arg.value
        if template not in english:
            problems.append(f"{name}:{line}: no English entry for {template!r}")
        elif placeholders(english[template]) != placeholders(template):
            problems.append(f"{name}:{line}: placeholders differ: {template!r} → {english[template]!r}")
    assert problems == []


def _has_words(node: ast.expr) -> bool:
    """A string literal or f-string whose own text has letters (a sentence, not ``"{a}: {b}"``)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return any(c.isalpha() for c in node.value)
    if isinstance(node, ast.JoinedStr):
        return any(_has_words(v) for v in node.values if isinstance(v, ast.Constant))
    if isinstance(node, ast.BinOp):  # "…" + "…"
        return _has_words(node.left) or _has_words(node.right)
    return False


def test_no_finished_sentence_is_printed_or_raised_in_the_cli() -> None:
    problems = []
    for name, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _name(node.func) in PRINTING:
                for arg in [*node.args[:1], *(k.value for k in node.keywords if k.arg in ("message", "hint"))]:
                    if _has_words(arg):
                        problems.append(f"{name}:{node.lineno}: {ast.unparse(arg)[:70]}")
    assert problems == []


@pytest.mark.parametrize("source, expected", [
    ('echo_safe(f"Ditulis ke {path}")', 1),
    ('click.echo("(dry-run: tidak ditulis)", err=True)', 1),
    ('raise KopClickError("berikan --jumlah", 2)', 1),
    ('self.fail(f"{label} salah", param, ctx)', 1),
    ('echo_safe(teks("Ditulis ke {berkas}", berkas=path))', 0),
    ('echo_safe(f"{a}: {b}")', 0),
])
def test_the_sentence_guard_can_fail(source: str, expected: int) -> None:
    tree = ast.parse(source)
    hits = [node for node in ast.walk(tree)
            if isinstance(node, ast.Call) and _name(node.func) in PRINTING and node.args and _has_words(node.args[0])]
    assert len(hits) == expected


def test_placeholders_are_read_like_str_format() -> None:
    assert placeholders("{anggota!r} di {berkas}:{baris} {x:>5}") == {"anggota", "berkas", "baris", "x"}
    assert placeholders("tanpa {{kurung}}") == set()
