"""Nothing personal leaves the koperasi: no member's name, NIK, id, phone or address
appears anywhere in an export, whatever the members (property test)."""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kopledger import Koperasi
from kopledger.dinas.ekspor import build_export, export_json
from kopledger.ops.init import new_ledger_text

START = dt.date(2025, 1, 1)

member = st.fixed_dictionaries({
    "id": st.from_regex(r"\A[A-Z][0-9]{3}[A-Z]{2}\Z"),
    "nama": st.from_regex(r"\A[A-Z][a-z]{4,9} [A-Z][a-z]{4,9}\Z"),
    "nik": st.from_regex(r"\A[1-9][0-9]{15}\Z"),
    "telepon": st.from_regex(r"\A08[0-9]{9,11}\Z"),
    "alamat": st.from_regex(r"\AJl\. [A-Z][a-z]{4,9} No\. [0-9]{1,3} RT [0-9]{2}/RW [0-9]{2}\Z"),
    "jenis_kelamin": st.sampled_from(["P", "L"]),
    "sukarela": st.integers(min_value=1, max_value=5_000_000),
    "hari": st.integers(min_value=0, max_value=300),
})
members = st.lists(member, min_size=1, max_size=6, unique_by=(lambda m: m["id"], lambda m: m["nik"]))


def _ledger(people: list[dict[str, object]]) -> str:
    text = new_ledger_text("Koperasi Privasi", start=START, today=START, badan_hukum="AHU-1",
                           alamat="Jl. Koperasi No. 1, Sukabumi")
    parts = [text]
    for m in people:
        day = START + dt.timedelta(days=int(m["hari"]))  # type: ignore[call-overload]
        parts.append(
            f'{day} custom "anggota" "{m["id"]}" "{m["nama"]}"\n'
            f'  nik: "{m["nik"]}"\n  jenis-kelamin: "{m["jenis_kelamin"]}"\n'
            f'  alamat: "{m["alamat"]}"\n  telepon: "{m["telepon"]}"\n'
            f'{day} * "Simpanan pokok {m["nama"]}" #simpanan-pokok\n  anggota: "{m["id"]}"\n'
            f'  Aset:Kas  100000 IDR\n  Ekuitas:SimpananPokok:{m["id"]}  -100000 IDR\n'
            f'{day} * "Setoran sukarela {m["nama"]} ({m["telepon"]})"\n  anggota: "{m["id"]}"\n'
            f'  Aset:Kas  {m["sukarela"]} IDR\n  Liabilitas:SimpananSukarela:{m["id"]}  -{m["sukarela"]} IDR\n'
        )
    return "\n".join(parts)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(members)
def test_no_member_detail_appears_anywhere_in_the_export(people):
    kop = Koperasi.from_string(_ledger(people))
    assert kop.errors == [], kop.errors
    assert {m.id for m in kop.members.values()} == {str(p["id"]) for p in people}
    document = build_export(kop, 2025, sementara=True, today=dt.date(2026, 2, 1))
    text = export_json(document)  # validated against the schema, as written to a file
    for person in people:
        for field in ("nama", "nik", "id", "telepon", "alamat"):
            assert str(person[field]) not in text, (field, person[field])
    # the figures still count everyone: members by gender, savings in total
    women = sum(1 for p in people if p["jenis_kelamin"] == "P")
    assert document["anggota"]["perempuan"]["akhir"] == women
    assert document["anggota"]["jumlah"]["akhir"] == len(people)
    assert json.loads(text)["simpanan"]["sukarela"] == str(sum(int(p["sukarela"]) for p in people))
