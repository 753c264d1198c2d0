"""Every message kopledger's library words is a catalog template (issue #15 part 5): one
static scan of the source (AST), for every way a message is made.

- ``XError.pesan("template {x}", hint="…", x=…)`` — a library error (template: 1st argument);
- ``KopError.pesan(source, "template", entry, …)`` / ``ChainError.pesan(…)`` — an error found
  in the books (template: 2nd argument), also through a module's small wrapper (``_err``);
- ``Pesan("template", …)``, ``Pesan.kata("phrase")`` — words as a value;
- ``Pesan.gabung(" atau ", items)`` — a separator with words is a catalog key too;
- ``_expect(entry, [("NAMA", str)])`` — the labels of a directive's values.

Each such text must have an English entry in ``templates/locale/en/*.json`` with the same
placeholders, and no message is built from a finished sentence (``InputError(f"…")``,
``Pesan("a " + x)``, a ``KopError(...)`` without its template). The command line
(``kopledger/cli``) is checked by ``tests/test_cli_teks.py``.
"""

from __future__ import annotations

import ast
import json
import re
import string
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import kopledger
from kopledger.core.errors import catalog, templates_dir

PACKAGE = Path(kopledger.__file__).resolve().parent
BUKU = templates_dir() / "locale" / "en" / "buku.json"

#: Parts of the package this scan leaves to their own checks, with the reason.
NOT_SCANNED = {
    "cli": "the command line's own messages (teks(), KopClickError, click's words): tests/test_cli_teks.py",
}

#: Classes whose ``.pesan(source, TEMPLATE, entry, …)`` builds an error found in the books.
BOOK_ERRORS = {"KopError", "ChainError"}


@dataclass(frozen=True)
class Template:
    text: str
    where: str


@dataclass
class Scan:
    templates: list[Template] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _literal(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _callee(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _params(func: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    names = [a.arg for a in [*func.args.posonlyargs, *func.args.args]]
    return names[1:] if names and names[0] in ("self", "cls") else names


def template_index(call: ast.Call) -> int | None:
    """The position of the template among a call's arguments, if the call makes a message."""
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr == "pesan":
        return 1 if isinstance(func.value, ast.Name) and func.value.id in BOOK_ERRORS else 0
    if isinstance(func, ast.Name) and func.id == "Pesan":
        return 0
    return None


def _is_pesan_method(call: ast.Call, name: str) -> bool:
    func = call.func
    return (isinstance(func, ast.Attribute) and func.attr == name and isinstance(func.value, ast.Name)
            and func.value.id == "Pesan")


def _wrappers(tree: ast.AST) -> dict[str, int]:
    """Functions that pass one of their parameters on as a message's template: name -> its position."""
    found: dict[str, int] = {}
    for func in ast.walk(tree):
        if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        params = _params(func)
        for call in ast.walk(func):
            if not isinstance(call, ast.Call):
                continue
            index = template_index(call)
            if index is None or len(call.args) <= index:
                continue
            arg = call.args[index]
            if isinstance(arg, ast.Name) and arg.id in params:
                found[func.name] = params.index(arg.id)
    return found


def error_classes(root: Path = PACKAGE) -> set[str]:
    """Names of every KopledgerError subclass defined under ``root`` (and the base)."""
    bases: dict[str, set[str]] = {}
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases[node.name] = {b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases}
    found = {"KopledgerError"}
    changed = True
    while changed:
        changed = False
        for name, parents in bases.items():
            if name not in found and parents & found:
                found.add(name)
                changed = True
    return found


def scan_tree(tree: ast.AST, where: str, classes: set[str]) -> Scan:
    """The templates of one module, and every message in it built without one."""
    scan = Scan()
    wrappers = _wrappers(tree)
    enclosing: dict[int, ast.FunctionDef | ast.AsyncFunctionDef] = {}  # node -> the innermost function
    for func in ast.walk(tree):
        if isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
            enclosing.update({id(node): func for node in ast.walk(func)})

    def at(node: ast.AST) -> str:
        func = enclosing.get(id(node))
        return f"{where}:{getattr(node, 'lineno', 0)}" + (f" ({func.name})" if func else "")

    def own_parameter(call: ast.Call, arg: ast.expr) -> bool:
        """A wrapper passing its own template parameter on (its callers are checked)."""
        func = enclosing.get(id(call))
        return (isinstance(arg, ast.Name) and func is not None and func.name in wrappers
                and _params(func)[wrappers[func.name]] == arg.id)

    def template(call: ast.Call, arg: ast.expr, name: str) -> None:
        text = _literal(arg)
        if text is not None:
            scan.templates.append(Template(text, at(call)))
        elif isinstance(arg, ast.Attribute) and arg.attr in ("teks", "teks_hint"):
            pass  # another message's template passed on: XError.pesan(p.teks, **p.nilai)
        elif not own_parameter(call, arg):
            scan.problems.append(f"{at(call)}: the template of {name}(…) is not a literal text")

    for call in ast.walk(tree):
        if not isinstance(call, ast.Call):
            continue
        name = _callee(call) or ""
        if isinstance(call.func, ast.Name) and (name in BOOK_ERRORS or name in classes):
            # A direct construction is allowed only to carry another error's template on
            # (teks and nilai given: seven positional values for ChainError).
            if not (name == "ChainError" and len(call.args) >= 7):
                scan.problems.append(f"{at(call)}: {name}(…) without a template; use {name}.pesan")
            continue
        index = template_index(call)
        if index is None and name in wrappers:
            index = wrappers[name]
        if index is not None:
            if len(call.args) <= index:
                scan.problems.append(f"{at(call)}: {name}(…) without its template")
                continue
            template(call, call.args[index], name)
            for keyword in call.keywords:
                if keyword.arg == "hint" and not (isinstance(keyword.value, ast.Constant)
                                                  and keyword.value.value is None):
                    template(call, keyword.value, f"{name}(hint=)")
            continue
        if _is_pesan_method(call, "kata") and call.args and (text := _literal(call.args[0])) is not None:
            scan.templates.append(Template(text, at(call)))
        # the separator of Pesan.gabung is a catalog key when it has words (" atau " → " or ")
        if _is_pesan_method(call, "gabung") and call.args:
            separator = _literal(call.args[0])
            if separator is None:
                scan.problems.append(f"{at(call)}: the separator of Pesan.gabung(…) is not a literal text")
            elif re.search(r"\w", separator):
                scan.templates.append(Template(separator, at(call)))
        # the labels of a directive's values (``_expect(entry, [("NAMA", str)])``) are words too
        if name == "_expect" and len(call.args) > 1 and isinstance(call.args[1], ast.List):
            for item in call.args[1].elts:
                if isinstance(item, ast.Tuple) and isinstance(item.elts[0], ast.Constant):
                    label = item.elts[0].value
                    if isinstance(label, str) and label.upper() != label.lower() and label != "ID":
                        scan.templates.append(Template(label, at(call)))
    return scan


def scan_source(root: Path = PACKAGE, skip: dict[str, str] | None = None) -> Scan:
    """Every message template in kopledger (but the parts in ``skip``), and every message without one."""
    skip = NOT_SCANNED if skip is None else skip
    classes = error_classes(root)
    result = Scan()
    for path in sorted(root.rglob("*.py")):
        if path.relative_to(root).parts[0] in skip:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        found = scan_tree(tree, f"{root.name}/{path.relative_to(root)}", classes)
        result.templates += found.templates
        result.problems += found.problems
    return result


def fields(template: str) -> set[tuple[str, str | None]]:
    """The placeholders of a ``str.format`` template: (name, conversion)."""
    return {(name, conversion) for _, name, _, conversion in string.Formatter().parse(template) if name is not None}


def has_words(template: str) -> bool:
    """A template with words outside its placeholders (``"{lokasi}: {pesan}"`` has none: no entry needed)."""
    return bool(re.search(r"[^\W\d_]", re.sub(r"\{[^{}]*\}", "", template)))


SCAN = scan_source()


# --- the scan reads the package ------------------------------------------------------------
def test_the_scan_finds_every_kind_of_message() -> None:
    texts = {t.text for t in SCAN.templates}
    assert len(SCAN.templates) > 300
    assert any("anggota tidak dikenal" in t for t in texts)  # the plugin, through its wrapper
    assert any(t.startswith("bukti {bukti} sudah dipakai") for t in texts)  # invariants
    assert any("yang dikuncinya tidak utuh lagi" in t for t in texts)  # the chain
    assert any("#pinjaman-cair perlu metadata pinjaman" in t for t in texts)  # loan_book's wrapper
    assert "anggota tidak dikenal: {anggota!r}" in texts  # a library error
    assert "Lihat daftar anggota dengan: kop anggota daftar BUKU" in texts  # its hint
    assert "catatan ditambah, diubah atau dihapus: {bulan}" in texts  # a Pesan value
    assert {"NAMA", " atau "} <= texts  # labels and separators
    assert "teks dalam tanda kutip" in texts
    assert {"InputError", "LedgerHasErrors", "WriteFault", "LedgerLocked", "AlreadyWritten",
            "ClosingRefused"} <= error_classes()


def test_no_message_is_built_from_a_finished_sentence() -> None:
    assert SCAN.problems == []


def test_every_template_has_an_english_entry_with_the_same_placeholders() -> None:
    english = catalog("en")
    worded = [t for t in SCAN.templates if has_words(t.text)]
    missing = sorted({f"{t.where}: {t.text}" for t in worded if t.text not in english})
    assert missing == [], "templates without English:\n" + "\n".join(missing)
    different = sorted({
        f"{t.where}: {t.text!r} → {english[t.text]!r}" for t in worded if fields(t.text) != fields(english[t.text])
    })
    assert different == [], "placeholders differ:\n" + "\n".join(different)


def test_label_entries_have_the_same_placeholders_too() -> None:
    labels = {k: v for k, v in catalog("en").items() if k.startswith("label|")}
    assert labels  # the labels inputs quote ("jumlah", "tanggal" …) are translated
    assert all(fields(k) == fields(v) for k, v in labels.items())


def test_the_books_catalog_holds_only_templates_in_use() -> None:
    entries = json.loads(BUKU.read_text(encoding="utf-8"))
    used = {t.text for t in SCAN.templates}
    assert sorted(set(entries) - used) == []
    assert all(english.strip() and english != indonesian for indonesian, english in entries.items())


def test_english_entries_of_the_books_do_not_keep_the_indonesian_sentence() -> None:
    """An English entry is English: none of the common Indonesian words of the templates."""
    words = re.compile(r"\b(tidak|sudah|harus|dengan|sebelum|sesudah|catat|perbaiki|hapus|tertulis|berkas)\b")
    entries = json.loads(BUKU.read_text(encoding="utf-8"))
    # placeholders and quoted ledger text (directives, metadata) may be Indonesian
    prose = {k: re.sub(r'\{[^}]*\}|"[^"]*"', "", v) for k, v in entries.items()}
    left = {k: v for k, v in prose.items() if words.search(v)}
    assert left == {}
    assert words.search(re.sub(r"\{[^}]*\}", "", "tahun buku {tahun} belum ditutup; hapus baris"))  # the check can fail


# --- the scan can fail ---------------------------------------------------------------------
def _scan(source: str) -> Scan:
    return scan_tree(ast.parse(source), "m.py", error_classes())


def test_the_scan_flags_book_errors_without_a_template(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "bad.py").write_text(
        "from kopledger.core.errors import KopError\n"
        "def _err(meta, teks, /, **nilai):\n"
        "    return KopError.pesan(meta, teks, None, **nilai)\n"
        "def check(meta, x):\n"
        "    text = 'dinamis'\n"
        "    teks = 'nama parameter _err, tetapi bukan parameter di sini ' + x\n"
        "    return [KopError(meta, f'salah {x}', None), KopError.pesan(meta, text, None),\n"
        "            _err(meta, f'juga {x}'), _err(meta, 'baik {x}', x=x), KopError.pesan(meta, teks, None)]\n",
        encoding="utf-8",
    )
    scan = scan_source(package)
    assert [t.text for t in scan.templates] == ["baik {x}"]
    assert len(scan.problems) == 4, scan.problems


@pytest.mark.parametrize("bad", [
    "raise InputError(f'bukan {x}')",
    "raise InputError('bukan angka')",
    "raise WriteFault('disk penuh', hint='x')",
    "raise InputError.pesan(f'bukan {x}')",
    "raise InputError.pesan('bukan {x}', hint=f'coba {x}', x=x)",
    "return Pesan('a ' + x)",
    "return Pesan.gabung(x, [])",
    "return ChainError.pesan(meta, 'tahun {x}' + x, None, x=x)",
])
def test_the_scan_catches_a_finished_sentence(bad: str) -> None:
    scan = _scan(f"def f(x, meta):\n    {bad}\n")
    assert len(scan.problems) == 1, scan.problems
    assert scan.problems[0].startswith("m.py:2 (f): ")


def test_the_scan_lets_templates_through_and_reads_them() -> None:
    scan = _scan(
        "def f(x, p, meta, items):\n"
        "    raise InputError.pesan('bukan {x}', hint='coba', x=x)\n"
        "    raise InputError.pesan(p.teks, **p.nilai)\n"
        "    a = KopError.pesan(meta, 'salah {x}', None, x=x)\n"
        "    b = Pesan.gabung(' atau ', items), Pesan.gabung(', ', items), Pesan.kata('angka'), Pesan.kata(x)\n"
    )
    assert scan.problems == []
    assert [t.text for t in scan.templates] == ["bukan {x}", "coba", "salah {x}", " atau ", "angka"]


def test_has_words_and_fields() -> None:
    assert not has_words("{lokasi}: {pesan}") and not has_words("  - {p0}") and has_words("dan {jumlah} lagi")
    assert fields("{a!r} dan {b}") == {("a", "r"), ("b", None)} != fields("{a} and {b}")
