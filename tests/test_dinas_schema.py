"""The export schema: shipped in the package, and its fast compiled check accepts exactly
what the reference validator (jsonschema, draft 2020-12) accepts."""

from __future__ import annotations

import copy
import datetime as dt
import json
from importlib import resources
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from kopledger import Koperasi
from kopledger.dinas.ekspor import SKEMA, build_export, fast_valid, schema, schema_errors
from kopledger.ops.init import new_ledger_text

START = dt.date(2025, 1, 1)


def _document() -> dict[str, Any]:
    text = new_ledger_text("Koperasi Skema", start=START, today=START, badan_hukum="AHU-9")
    text += (
        '\n2025-01-05 custom "anggota" "A0001" "Siti"\n  jenis-kelamin: "P"\n'
        '2025-01-05 * "Simpanan pokok" #simpanan-pokok\n  anggota: "A0001"\n'
        "  Aset:Kas  100000 IDR\n  Ekuitas:SimpananPokok:A0001  -100000 IDR\n"
    )
    kop = Koperasi.from_string(text)
    assert kop.errors == []
    return build_export(kop, 2025, sementara=True, today=dt.date(2026, 1, 10))


DOCUMENT = _document()
REFERENCE = Draft202012Validator(schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)


def test_the_schema_is_shipped_in_the_package_and_is_a_valid_2020_12_schema():
    text = (resources.files("kopledger") / "schemas" / "ekspor.schema.json").read_text(encoding="utf-8")
    loaded = json.loads(text)
    Draft202012Validator.check_schema(loaded)
    assert loaded["properties"]["skema"]["const"] == SKEMA
    assert schema_errors(DOCUMENT) == [] and fast_valid(DOCUMENT)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _paths(value, (*prefix, i))
    return found


PATHS = _paths(DOCUMENT)
values = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 5), st.sampled_from(["", "12", "-1.5", "1,5", "abc", "2025-13-01",
                                                                    "lancar", "a" * 64, "SEHAT"]),
    st.just([]), st.just({}), st.just([{"aspek": "x", "skor": "1"}]),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(PATHS), values, st.booleans()), min_size=1, max_size=3))
def test_fast_check_and_reference_agree_on_mutated_exports(mutations):
    document = copy.deepcopy(DOCUMENT)
    for path, value, delete in mutations:
        node: Any = document
        try:
            for key in path[:-1]:
                node = node[key]
            if delete and isinstance(node, dict):
                node.pop(path[-1], None)
            else:
                node[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue
    reference_valid = not any(True for _ in REFERENCE.iter_errors(document))
    assert fast_valid(document) == reference_valid
    assert (schema_errors(document) == []) == reference_valid


def test_a_date_that_does_not_exist_is_refused_by_both():
    document = copy.deepcopy(DOCUMENT)
    document["rat"] = {"alokasi_shu_dibukukan": True, "tanggal_alokasi": "2025-13-01"}
    assert not fast_valid(document)
    assert any(e.startswith("rat/tanggal_alokasi") for e in schema_errors(document))
    document["rat"]["tanggal_alokasi"] = "2026-03-14"
    assert fast_valid(document) and schema_errors(document) == []
