"""Warnings are data (code + values); the templates word them in the reader's language."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from kopledger import Koperasi
from kopledger.present.shu import render_table, shu_json
from kopledger.reports.catatan import Peringatan

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "mawar" / "buku.beancount"


def test_shu_warnings_are_codes_worded_by_the_templates() -> None:
    kop = Koperasi.load(EXAMPLE)
    result = replace(kop.shu(2024), peringatan=(
        Peringatan("shu-rugi", {"tahun": 2024, "jumlah": Decimal(1500000)}),
        Peringatan("basis-kosong", {"komponen": "jasa-usaha", "jumlah": Decimal(2500)}),
    ))
    assert shu_json(result)["peringatan"][0] == {"kode": "shu-rugi", "nilai": {"tahun": 2024, "jumlah": "1500000"},
                                                   "tahun": None}
    indonesian = render_table(kop, result)
    assert "Tahun buku 2024 rugi Rp1.500.000: tidak ada SHU yang dibagi." in indonesian
    english = render_table(kop, result, "en")
    assert "Financial year 2024 made a loss of Rp1,500,000: no surplus is distributed." in english
    assert "No member has a basis for patronage refund (jasa usaha): Rp2,500 moved to the reserve." in english
    assert "rugi" not in english and "dialihkan" not in english
