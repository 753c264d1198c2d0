"""The beancount plugin ``kopledger.plugin`` (ledgers declare ``plugin "kopledger.plugin"``).

A few lines handing on to :mod:`kopledger.books.checks.plugin`, where the checks are composed.
"""

from kopledger.books.checks.plugin import koperasi

__plugins__ = ["koperasi"]
__all__ = ["koperasi"]
