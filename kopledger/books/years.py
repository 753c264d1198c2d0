"""Other years' books: the closed files a year file archives, loaded as :class:`Books`.

A year file (:mod:`kopledger.books.closed.year_files`) names the closed file of the year
before with an ``arsip`` directive instead of including it. What needs an archived year
(the prior year's comparatives, the RAT's history, units, budget and SHU of an archived year,
the witness of ``kop verifikasi``) finds the books holding it with :func:`holder` — the one
decision of which file holds a year — each archived file loaded once per loaded books (kept
in the books' memo, not in a module cache).
"""

from __future__ import annotations

from kopledger.books.closed.chain import Verification, lock_state, verify_year
from kopledger.books.closed.year_files import archive_path
from kopledger.books.directives import Member
from kopledger.books.ledger import Books


def holder(kop: Books, year: int) -> Books:
    """The books that hold ``year``'s entries — the one decision of which file holds a year.

    ``kop`` itself for its own years (and in books that archive nothing); in a year file, for
    the archived year and every year before it, the archived file reached through the chain of
    ``arsip`` directives (each file loaded once per loaded books). A year file's opening
    (dated in the archived year) does not make that year its own. When an archived file is
    missing (an error ``kop cek`` names), ``kop`` is returned.
    """
    older = _older(kop)
    if older is None or year > older[0]:
        return kop
    return holder(older[1], year)


def archived_books(kop: Books, year: int) -> Books | None:
    """The archived file holding ``year`` (:func:`holder`) when it is not ``kop`` itself, else None."""
    held = holder(kop, year)
    return None if held is kop else held


def year_books(kop: Books) -> dict[int, Books]:
    """For each year with transactions, the books that hold it (:func:`holder`): ``kop`` for its
    own years and, in a year file, the archived files (loaded) for the years before — for
    reports with a multi-year history (the RAT pack)."""
    older = _older(kop)
    if older is None:
        return {y: kop for y in kop.years()}
    last, books = older
    held = {y: kop for y in kop.years() if y > last}
    held.update({y: b for y, b in year_books(books).items() if y <= last})
    return dict(sorted(held.items()))


def _older(kop: Books) -> tuple[int, Books] | None:
    """The newest archived year of a year file and its closed file, loaded once per books
    (None in books that archive nothing, or when that file is missing)."""
    archived = lock_state(kop.entries).arsip
    if not archived:
        return None
    last = max(archived)
    path = archive_path(archived[last])
    if not path.is_file():
        return None
    return last, kop.computed(("archived-books", last, str(path)), lambda: Books.load(path))


def all_members(books: dict[int, Books]) -> dict[str, Member]:
    """The register over every file of :func:`year_books` (the newest file's record wins)."""
    members: dict[str, Member] = {}
    for kop in sorted({id(b): b for b in books.values()}.values(), key=lambda b: max(
            (y for y, held in books.items() if held is b), default=0)):
        members.update(kop.members)
    return members


def verify_witness(kop: Books, year: int, sidik: str) -> Verification:
    """The books of ``kop`` against the ``sidik`` printed for ``year`` (``kop verifikasi``).

    In a year file, an archived year is checked in its own (archived) file (:func:`holder`).
    """
    held = archived_books(kop, year)
    if held is not None:
        return verify_witness(held, year, sidik)
    return verify_year(kop.entries, kop.options, year, sidik, kop.errors)


__all__ = ["all_members", "archived_books", "holder", "verify_witness", "year_books"]
