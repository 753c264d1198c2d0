"""kopledger: double-entry bookkeeping for Indonesian cooperatives on beancount 3.

The front door is :class:`Koperasi`::

    from kopledger import Koperasi
    kop = Koperasi.load("buku.beancount")
    kop.members["A0001"].nama
    kop.member_balance("A0001").modal
"""

from kopledger.accounts import MemberKind, Roots
from kopledger.config import Member, Policy
from kopledger.errors import InputError, KopledgerError, LedgerHasErrors
from kopledger.ledger import Koperasi, MemberBalance

__version__ = "0.1.0"

__all__ = [
    "InputError",
    "Koperasi",
    "KopledgerError",
    "LedgerHasErrors",
    "Member",
    "MemberBalance",
    "MemberKind",
    "Policy",
    "Roots",
    "__version__",
]
