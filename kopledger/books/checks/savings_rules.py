"""The savings rules, judged on member accounts as the member walk meets their postings:

- simpanan pokok is paid once, in the amount of the policy in force;
- simpanan pokok and wajib are not withdrawn (debited) while the member is active.

Entries tagged ``#koreksi`` or ``#saldo-awal…`` are exempt (corrections and opening balances).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from beancount.core import data

from kopledger.books.checks.directive_shapes import currency_of, ours, parse_register
from kopledger.books.checks.member_accounts import MemberAccount, MemberWalk, where
from kopledger.books.directives import Member, Policies
from kopledger.core.errors import Angka, KopError
from kopledger.core.roots import CAPITAL_KINDS, MemberKind, Roots

#: Tags that exempt a transaction from the savings rules.
EXEMPT_TAG = "koreksi"
EXEMPT_TAG_PREFIX = "saldo-awal"


def is_exempt(entry: data.Transaction) -> bool:
    """Corrections (``#koreksi``) and opening balances (``#saldo-awal…``) are exempt."""
    return any(tag == EXEMPT_TAG or tag.startswith(EXEMPT_TAG_PREFIX) for tag in entry.tags or ())


class SavingsRules:
    """The rules above, as a :class:`~kopledger.books.checks.member_accounts.PostingRule`."""

    kinds = frozenset(CAPITAL_KINDS)

    def __init__(self, policies: Policies, currency: str, errors: list[KopError]) -> None:
        self.policies = policies
        self.currency = currency
        self.errors = errors

    def posting(
        self, state: MemberAccount, member: Member, number: Decimal, before: Decimal,
        meta: dict[str, Any], entry: data.Transaction,
    ) -> None:
        kind = state.kind
        left = member.tanggal_keluar
        withdrawal = number > 0 and (left is None or entry.date < left)
        pokok_paid = number < 0 and kind is MemberKind.POKOK
        if not (withdrawal or pokok_paid):
            return
        if is_exempt(entry):
            if pokok_paid:
                state.last_credit = entry
        elif withdrawal:
            label = "pokok" if kind is MemberKind.POKOK else "wajib"
            self.errors.append(KopError.pesan(meta, (
                "{akun}: simpanan {jenis} tidak boleh diambil selama anggota {anggota} "
                'masih aktif; catat dulu keluarnya (custom "anggota-keluar" "{anggota}" bertanggal '
                "sama dengan transaksi keluar), atau beri tag #koreksi bila ini koreksi (withdrawal while active)"
            ), entry, akun=state.account, jenis=label, anggota=member.id))
        else:
            self.pokok_payment(state, member, -number, before, meta, entry)

    def pokok_payment(
        self, state: MemberAccount, member: Member, paid: Decimal, before: Decimal,
        meta: dict[str, Any], entry: data.Transaction,
    ) -> None:
        previous = state.last_credit
        state.last_credit = entry
        if before < 0:
            if previous is not None:
                self.errors.append(KopError.pesan(meta, (
                    "{akun}: simpanan pokok {anggota} sudah dibayar pada {tanggal} ({lokasi}); "
                    "simpanan pokok hanya dibayar sekali; hapus pembayaran ini, atau beri tag #koreksi "
                    "bila ini koreksi (paid twice)"
                ), entry, akun=state.account, anggota=member.id, tanggal=previous.date, lokasi=where(previous.meta)))
                return
            self.errors.append(KopError.pesan(meta, (
                "{akun}: simpanan pokok {anggota} sudah dibayar; "
                "simpanan pokok hanya dibayar sekali; hapus pembayaran ini, atau beri tag #koreksi "
                "bila ini koreksi (paid twice)"
            ), entry, akun=state.account, anggota=member.id))
            return
        policy = self.policies.at("simpanan-pokok", entry.date)
        if policy is None:
            return
        required = policy.value.number
        if paid != required:
            self.errors.append(KopError.pesan(meta, (
                "{akun}: simpanan pokok dibayar {dibayar} {mata_uang}, padahal "
                "kebijakan yang berlaku pada {tanggal} adalah {ketentuan} {mata_uang} "
                '(kebijakan "simpanan-pokok" tanggal {tanggal_kebijakan}, {lokasi}); '
                "catat tepat sebesar itu (wrong amount)"
            ), entry, akun=state.account, dibayar=Angka(paid), mata_uang=self.currency, tanggal=entry.date,
                ketentuan=Angka(required), tanggal_kebijakan=policy.date, lokasi=where(policy.meta)))


def check_savings(entries: list[data.Directive], options_map: dict[str, Any]) -> list[KopError]:
    """Check ``(entries, options_map) -> errors``: the savings rules above."""
    currency = currency_of(options_map)
    register, _ = parse_register(ours(entries), currency)
    errors: list[KopError] = []
    walk = MemberWalk(Roots.from_options(options_map), currency, register.members,
                      SavingsRules(register.policies, currency, errors))
    for entry in entries:
        walk.visit(entry)
    return errors
