"""Include problems at the ``include`` line, in Indonesian (issue 13).

beancount reports a missing included file, a file that includes itself and an include loop
as ``<load>:0`` in English; :func:`locate_include_errors` (called by ``Koperasi``) names the
file:line of the offending ``include`` instead.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from typing import Any

from kopledger.core.errors import KopError

_INCLUDE_LINE = re.compile(r'^include\s+"([^"]*)"')
_MISSING = re.compile(r'^File glob "(.*)" does not match any files$')
_DUPLICATE = re.compile(r'^Duplicate filename parsed: "(.*)"$')


def _include_lines(files: Iterable[str]) -> list[tuple[str, int, str, str]]:
    """Every ``include`` line of ``files``: (file, line, as written, resolved path)."""
    found = []
    for name in files:
        try:
            with open(name, encoding="utf-8", errors="replace") as handle:
                lines = handle.read().splitlines()
        except OSError:
            continue
        for number, line in enumerate(lines, start=1):
            match = _INCLUDE_LINE.match(line)
            if match:
                written = match.group(1)
                target = os.path.normpath(os.path.join(os.path.dirname(name), written))
                found.append((name, number, written, target))
    return found


def locate_include_errors(errors: list[Any], options: dict[str, Any]) -> list[Any]:
    """beancount's include problems (``<load>:0``, in English) at the ``include`` line, in Indonesian.

    A missing file, a file that includes itself, and a loop (a file including one that
    includes it back) are reported at the file:line of the offending ``include``; other
    errors are returned unchanged.
    """
    if not any(getattr(e, "source", None) and e.source.get("filename") == "<load>" for e in errors):
        return errors
    import fnmatch

    files = [str(f) for f in options.get("include") or []]
    includes = _include_lines(files)
    main = os.path.normpath(str(options.get("filename") or (files[0] if files else "")))
    graph: dict[str, set[str]] = {}
    for name, _, _, target in includes:
        graph.setdefault(os.path.normpath(name), set()).add(target)

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            node = todo.pop()
            if node == goal:
                return True
            if node not in seen:
                seen.add(node)
                todo.extend(graph.get(node, ()))
        return False

    result: list[Any] = []
    used: set[tuple[str, int]] = set()
    first_include: set[str] = set()
    for error in errors:
        source = getattr(error, "source", None) or {}
        message = str(getattr(error, "message", ""))
        if source.get("filename") != "<load>":
            result.append(error)
            continue
        missing, duplicate = _MISSING.match(message), _DUPLICATE.match(message)
        located = None
        if missing:
            pattern = missing.group(1)
            for name, number, written, target in includes:
                if (name, number) not in used and (written == pattern or fnmatch.fnmatch(target, pattern)):
                    located = KopError.pesan({"filename": name, "lineno": number}, (
                        'berkas yang di-include tidak ditemukan: "{tertulis}" (dicari di {folder}); '
                        "periksa nama dan foldernya, atau hapus baris include ini (include not found)"
                    ), None, tertulis=written, folder=os.path.dirname(target))
                    used.add((name, number))
                    break
        elif duplicate:
            path = os.path.normpath(duplicate.group(1))
            for name, number, written, target in includes:
                if target != path or (name, number) in used:
                    continue
                where = {"filename": name, "lineno": number}
                if os.path.normpath(name) == path:
                    located = KopError.pesan(where, 'berkas ini meng-include dirinya sendiri ("{tertulis}"); hapus baris include ini (self-include)',
                                             None, tertulis=written)
                elif path == main or reaches(path, os.path.normpath(name)):
                    located = KopError.pesan(where, (
                        'include berputar: "{tertulis}" meng-include kembali berkas ini (langsung atau lewat berkas lain); '
                        "hapus salah satu include-nya (include loop)"), None, tertulis=written)
                elif path not in first_include:
                    first_include.add(path)  # the first include of a file included twice is not the problem
                    continue
                else:
                    located = KopError.pesan(where, 'berkas "{tertulis}" sudah di-include sebelumnya; hapus baris include kedua ini (duplicate include)',
                                             None, tertulis=written)
                used.add((name, number))
                break
            if located is None:
                located = KopError.pesan(source, 'berkas "{berkas}" di-include lebih dari sekali; cukup satu include (duplicate include)', None,
                                         berkas=path)
        result.append(located if located is not None else error)
    return result

