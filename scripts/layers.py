"""kopledger's import graph, counting imports inside functions too.

    python scripts/layers.py            # kopledger imports inside functions, and import cycles
    python scripts/layers.py --edges    # every import edge (F: inside a function)

Used by tests/test_layers.py; ``lint-imports`` (contracts in pyproject.toml) checks the layers.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "kopledger"


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    in_function: bool
    where: str


def modules(package: Path = PACKAGE) -> dict[str, Path]:
    """Every module of the package by dotted name."""
    found = {}
    for path in package.rglob("*.py"):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _targets(module: str, node: ast.Import | ast.ImportFrom, is_package: bool, known: dict[str, Path]) -> Iterator[str]:
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            parts = module.split(".") if is_package else module.split(".")[:-1]
            parts = parts[: len(parts) - (node.level - 1)]
            base = ".".join(parts + ([node.module] if node.module else []))
        names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
    for name in names:
        while name and name not in known and "." in name:
            name = name.rsplit(".", 1)[0]
        if name in known and name != module:
            yield name


def edges(package: Path = PACKAGE) -> list[Edge]:
    """Every import of one kopledger module by another, with where it stands."""
    known = modules(package)
    found = []
    for module, path in sorted(known.items()):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        inside = {
            id(node)
            for func in ast.walk(tree) if isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            for node in ast.walk(func) if isinstance(node, (ast.Import, ast.ImportFrom))
        }
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for target in _targets(module, node, path.name == "__init__.py", known):
                    where = f"{path.relative_to(package.parent)}:{node.lineno}"
                    found.append(Edge(module, target, id(node) in inside, where))
    return found


def cycles(found: list[Edge]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    graph: dict[str, set[str]] = {}
    for edge in found:
        graph.setdefault(edge.source, set()).add(edge.target)
        graph.setdefault(edge.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def main() -> int:
    found = edges()
    if "--edges" in sys.argv:
        for edge in found:
            print(("F " if edge.in_function else "  ") + f"{edge.source} -> {edge.target}  {edge.where}")
        return 0
    lazy = [e for e in found if e.in_function]
    for edge in lazy:
        print(f"import inside a function: {edge.where} ({edge.source} -> {edge.target})")
    loops = cycles(found)
    for component in loops:
        print(f"import cycle of {len(component)} modules: {' '.join(component)}")
    return 1 if lazy or loops else 0


if __name__ == "__main__":
    raise SystemExit(main())
