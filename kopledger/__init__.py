"""kopledger: double-entry bookkeeping for Indonesian cooperatives on beancount 3.

The front door is :class:`Koperasi`::

    from kopledger import Koperasi
    kop = Koperasi.load("buku.beancount")
    kop.members["A0001"].nama
    kop.member_balance("A0001").modal

See docs/api.md for a tour and docs/ledger-language.md for the ledger language.
"""

from kopledger.books.directives import KoperasiInfo, Member, Officer, Policies, Policy, ShuSplit
from kopledger.books.ledger import MemberBalance
from kopledger.core.errors import InputError, KopError, KopledgerError, LedgerHasErrors
from kopledger.core.roots import MemberKind, Roots
from kopledger.koperasi import Koperasi

__version__ = "0.1.0"

__all__ = [
    "InputError",
    "KopError",
    "Koperasi",
    "KoperasiInfo",
    "KopledgerError",
    "LedgerHasErrors",
    "Member",
    "MemberBalance",
    "MemberKind",
    "Officer",
    "Policies",
    "Policy",
    "Roots",
    "ShuSplit",
    "__version__",
]
