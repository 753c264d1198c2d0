"""Read a rendered RAT pack back: texts by element id and table rows, with html.parser.

Shared by the RAT tests (not a test module itself).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"br", "meta", "img", "hr", "input", "link", "col", "area", "base", "wbr", "source"}


@dataclass
class Row:
    attrs: dict[str, str]
    scope: str  # the id of the nearest ancestor element that has one
    table: str  # the id of the table, or ""
    cells: list[str] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)


class RatDocument(HTMLParser):
    """Texts of elements with an id, every table row, every attribute seen."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: dict[str, str] = {}
        self.rows: list[Row] = []
        self.attributes: list[tuple[str, str, str]] = []  # (tag, name, value)
        self.tags: list[str] = []
        self._stack: list[tuple[str, str | None]] = []
        self._buffers: dict[str, list[str]] = {}
        self._tables: list[str] = []
        self._row: Row | None = None
        self._cell: list[str] | None = None
        self.feed(html)
        self.close()

    # --- parser callbacks ---------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: (v or "") for k, v in attrs}
        self.tags.append(tag)
        for name, value in values.items():
            self.attributes.append((tag, name, value))
        if tag in VOID:
            return
        element_id = values.get("id")
        self._stack.append((tag, element_id))
        if element_id:
            self._buffers[element_id] = []
        if tag == "table":
            self._tables.append(element_id or "")
        elif tag == "tr":
            self._row = Row(values, self._scope(), self._tables[-1] if self._tables else "")
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
            self._row.classes.append(values.get("class", ""))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            self.attributes.append((tag, name, value or ""))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.cells.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None
        elif tag == "table" and self._tables:
            self._tables.pop()
        # Pop up to the matching start tag.
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == tag:
                for _tag, element_id in self._stack[i:]:
                    if element_id:
                        self.texts[element_id] = " ".join("".join(self._buffers.pop(element_id, [])).split())
                del self._stack[i:]
                break

    def handle_data(self, data: str) -> None:
        for _tag, element_id in self._stack:
            if element_id and element_id in self._buffers:
                self._buffers[element_id].append(data)
        if self._cell is not None:
            self._cell.append(data)

    # --- queries ----------------------------------------------------------------------------
    def _scope(self) -> str:
        for _tag, element_id in reversed(self._stack):
            if element_id:
                return element_id
        return ""

    def table(self, table_id: str) -> list[Row]:
        return [r for r in self.rows if r.table == table_id]

    def rows_with(self, attribute: str) -> dict[str, Row]:
        return {r.attrs[attribute]: r for r in self.rows if attribute in r.attrs}

    def in_scope(self, scope: str) -> list[Row]:
        return [r for r in self.rows if r.scope == scope]
