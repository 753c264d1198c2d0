"""The beancount plugin ``kopledger.plugin`` (ledgers declare ``plugin "kopledger.plugin"``).

A few lines handing on to :mod:`kopledger.books.checks`, where the rules live.
"""

from kopledger.books.checks.member_rules import koperasi

__plugins__ = ["koperasi"]
__all__ = ["koperasi"]
