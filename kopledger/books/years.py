"""Other years' books: the closed files a year file archives, loaded as :class:`Books`.

A year file (:mod:`kopledger.books.closed.year_files`) names the closed file of the year
before with an ``arsip`` directive instead of including it. What needs an archived year
(the prior year's comparatives, the RAT's history, the witness of ``kop verifikasi``)
loads it here, once per loaded books (kept in the books' memo, not in a module cache).
"""

from __future__ import annotations

from beancount.core import data

from kopledger.books.closed.chain import LockState, Verification, lock_state, verify_year
from kopledger.books.closed.year_files import archive_path
from kopledger.books.directives import Member
from kopledger.books.ledger import Books


def archived_books(kop: Books, year: int) -> Books | None:
    """The closed file of ``year`` when ``kop`` is a year file that archives it (else None),
    loaded once per loaded books."""
    arsip = lock_state(kop.entries).arsip.get(year)
    if arsip is None:
        return None
    path = archive_path(arsip)
    if not path.is_file():
        return None
    return kop.computed(("archived-books", year, str(path)), lambda: Books.load(path))


def year_books(kop: Books) -> dict[int, Books]:
    """For each year with transactions, the books that hold it: ``kop`` for its own years and,
    in a year file, the archived files (loaded) for the years before — for reports with a
    multi-year history (the RAT pack). A year file's opening (dated in the archived year) is
    not a year of its own."""
    archived = lock_state(kop.entries).arsip
    if not archived:
        return {y: kop for y in kop.years()}
    last = max(archived)
    books = {y: kop for y in kop.years() if y > last}
    older = archived_books(kop, last)
    if older is not None:
        books.update({y: b for y, b in year_books(older).items() if y <= last})
    return dict(sorted(books.items()))


def all_members(books: dict[int, Books]) -> dict[str, Member]:
    """The register over every file of :func:`year_books` (the newest file's record wins)."""
    members: dict[str, Member] = {}
    for kop in sorted({id(b): b for b in books.values()}.values(), key=lambda b: max(
            (y for y, held in books.items() if held is b), default=0)):
        members.update(kop.members)
    return members


def verify_witness(kop: Books, year: int, sidik: str) -> Verification:
    """The books of ``kop`` against the ``sidik`` printed for ``year`` (``kop verifikasi``).

    In a year file, an archived year is checked in its own (archived) file.
    """
    state = lock_state(kop.entries)
    if year not in state.aktif:
        archived = _archive_for(state, year)
        if archived is not None:
            path = archive_path(archived)
            if path.is_file():
                return verify_witness(Books.load(path), year, sidik)
    return verify_year(kop.entries, kop.options, year, sidik, kop.errors)


def _archive_for(state: LockState, year: int) -> data.Custom | None:
    """The ``arsip`` directive through which ``year`` is reached (its own, or the newest one)."""
    if year in state.arsip:
        return state.arsip[year]
    if year in state.rantai and state.arsip:
        return state.arsip[max(state.arsip)]
    return None


__all__ = ["all_members", "archived_books", "verify_witness", "year_books"]
