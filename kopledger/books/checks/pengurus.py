"""Officers are members: each ``custom "pengurus"`` names the member it is.

Pengurus and pengawas are chosen from and by the members (UU 25/1992 Pasal 29 and 39), and the notes
disclose their savings and loans as related parties. An officer is linked to a member by
``anggota: "ID"`` on the ``pengurus`` directive, else by a name equal to exactly one member's name
(case and spacing aside). :func:`officer_member` is that one rule (the notes read it);
:func:`check_officers` reports, with file:line, an ``anggota:`` naming no member and a name that
matches no member (or several): a name spelled differently would otherwise drop the officer's loans
from the notes without a word.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from beancount.core import data

from kopledger.core.errors import KopError


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _members(entries: Iterable[data.Directive]) -> tuple[set[str], dict[str, set[str]]]:
    """Member ids, and ids by normalised name, from the ``anggota`` directives."""
    ids: set[str] = set()
    by_name: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        if isinstance(entry, data.Custom) and entry.type == "anggota" and len(entry.values) >= 2:
            member, name = entry.values[0].value, entry.values[1].value
            if isinstance(member, str) and isinstance(name, str):
                ids.add(member)
                by_name[_key(name)].add(member)
    return ids, by_name


def officer_member(entry: data.Custom, ids: set[str], by_name: dict[str, set[str]]) -> str | None:
    """The member id an officer directive names (``anggota:``, else its one matching name), or None."""
    explicit = (entry.meta or {}).get("anggota")
    if isinstance(explicit, str):
        return explicit if explicit in ids else None
    if len(entry.values) < 2 or not isinstance(entry.values[1].value, str):
        return None
    found = by_name.get(_key(entry.values[1].value), set())
    return next(iter(found)) if len(found) == 1 else None


def officer_members(entries: Iterable[data.Directive]) -> dict[tuple[str, str], str]:
    """(role, name) → member id of every ``pengurus`` directive linked to a member."""
    entries = list(entries)
    ids, by_name = _members(entries)
    result: dict[tuple[str, str], str] = {}
    for entry in entries:
        if isinstance(entry, data.Custom) and entry.type == "pengurus" and len(entry.values) >= 2:
            member = officer_member(entry, ids, by_name)
            if member is not None:
                result[(str(entry.values[0].value), str(entry.values[1].value))] = member
    return result


def check_officers(entries: list[data.Directive], options_map: dict[str, Any]) -> list[KopError]:
    """Check ``f(entries, options_map)``: every officer directive names one member."""
    ids, by_name = _members(entries)
    errors: list[KopError] = []
    for entry in entries:
        if not (isinstance(entry, data.Custom) and entry.type == "pengurus" and len(entry.values) >= 2):
            continue
        role, name = entry.values[0].value, entry.values[1].value
        if not isinstance(name, str):
            continue  # the directive's shape is checked where it is parsed
        explicit = (entry.meta or {}).get("anggota")
        if explicit is not None:
            if not (isinstance(explicit, str) and explicit in ids):
                errors.append(KopError.pesan(
                    entry.meta, 'pengurus {jabatan} "{nama}": anggota: "{anggota}" bukan nomor anggota yang terdaftar; '
                    'tulis nomor anggota pengurus ini (custom "anggota")', entry,
                    jabatan=role, nama=name, anggota=explicit))
            continue
        found = by_name.get(_key(name), set())
        if len(found) == 1:
            continue
        if found:
            errors.append(KopError.pesan(
                entry.meta, 'pengurus {jabatan} "{nama}": nama ini dipakai oleh beberapa anggota ({daftar}); '
                'tulis anggota: "ID" pada baris pengurus', entry,
                jabatan=role, nama=name, daftar=", ".join(sorted(found))))
        else:
            errors.append(KopError.pesan(
                entry.meta, 'pengurus {jabatan} "{nama}" tidak cocok dengan nama anggota mana pun; pengurus dan '
                'pengawas dipilih dari anggota: tulis anggota: "ID" pada baris pengurus (atau perbaiki ejaan namanya)',
                entry, jabatan=role, nama=name))
    return errors
