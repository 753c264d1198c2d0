"""What ``kop cek`` checks, as one function: the CLI's ``kop cek`` and the writer's validation of
every candidate (:mod:`kopledger.ops.writer`) run the same checks, so nothing is written that
``kop cek`` would then refuse."""

from __future__ import annotations

from typing import Any

from kopledger.books.checks.amounts import bank_warnings
from kopledger.books.checks.pengurus import check_officers
from kopledger.books.ledger import Books
from kopledger.ops.loans.book import loan_errors


def book_errors(kop: Books) -> list[Any]:
    """Every error ``kop cek`` reports for loaded books: the load's (beancount's and kopledger's
    plugin); when there are none, the checks too costly for every load (bean-check included):
    malformed, duplicate or misdirected loan entries, and officers that name no member."""
    errors = list(kop.errors)
    if errors:
        return errors
    return [*loan_errors(kop), *check_officers(kop.entries, kop.options)]


def book_warnings(kop: Books) -> list[Any]:
    """What ``kop cek`` prints as warnings (books still clean): a bank account below zero at a
    day's end whose ``open`` has no ``cerukan`` (:mod:`kopledger.books.checks.amounts`)."""
    return bank_warnings(kop.entries, kop.options)
