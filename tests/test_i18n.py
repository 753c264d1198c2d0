"""Bahasa Indonesia first, English (``--lang en``) through consistent catalogs.

The English catalogs ``templates/locale/en/*.json`` are merged into one dict keyed by the
Indonesian text, so two catalogs giving the same Indonesian text different English would
silently collide (the last file wins). Every literal ``_("…")`` in the templates must have
an English entry, or the English output falls back to Indonesian.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict

import pytest

from kopledger.core.errors import catalog, templates_dir
from kopledger.present import formatting

TEMPLATES = templates_dir()
CATALOGS = sorted((TEMPLATES / "locale" / "en").glob("*.json"))

#: A literal call ``_("text")`` or ``_('text')`` (escaped quotes allowed inside).
CALL = re.compile(r"""(?<![\w.])_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\s*\)""")


def _literal_calls(text: str) -> list[str]:
    found = []
    for match in CALL.finditer(text):
        raw = match.group(1) if match.group(1) is not None else match.group(2)
        found.append(raw.replace('\\"', '"').replace("\\'", "'").replace("\\\\", "\\"))
    return found


def test_the_scanner_finds_literal_calls() -> None:
    text = """{{ _("Jumlah") }} {{ _('Nama') }} {{ x._("no") }} {{ _(label) }} {{ _("Kata \\"kutip\\"") }}"""
    assert _literal_calls(text) == ["Jumlah", "Nama", 'Kata "kutip"']


def test_catalogs_exist_and_are_json_objects_of_text() -> None:
    assert len(CATALOGS) >= 5
    for file in CATALOGS:
        data = json.loads(file.read_text(encoding="utf-8"))
        assert isinstance(data, dict), file
        assert all(isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in data.items()), file


def test_no_two_catalogs_translate_the_same_text_differently() -> None:
    seen: dict[str, dict[str, str]] = defaultdict(dict)
    for file in CATALOGS:
        for key, value in json.loads(file.read_text(encoding="utf-8")).items():
            seen[key][file.name] = value
    conflicts = {key: files for key, files in seen.items() if len(set(files.values())) > 1}
    assert conflicts == {}, "same Indonesian text, different English: " + json.dumps(conflicts, ensure_ascii=False)


def test_every_literal_template_text_has_an_english_entry() -> None:
    merged = catalog("en")
    missing: dict[str, list[str]] = defaultdict(list)
    calls = 0
    for path in sorted(TEMPLATES.rglob("*.j2")):
        for text in _literal_calls(path.read_text(encoding="utf-8")):
            calls += 1
            if text not in merged:
                missing[text].append(str(path.relative_to(TEMPLATES)))
    assert calls > 200  # the scan really reads the templates
    assert dict(missing) == {}


@pytest.mark.parametrize(
    ("indonesian", "english"),
    [("Jumlah", "Amount"), ("Total", "Total"), ("Per", "As of"), ("per", "as of"), ("Saldo awal", "Opening balance")],
)
def test_chosen_translations(indonesian: str, english: str) -> None:
    assert catalog("en")[indonesian] == english


def test_persen_shows_rates_with_the_decimals_asked_trailing_zeros_dropped() -> None:
    from decimal import Decimal

    assert formatting.persen(Decimal("0.0125"), decimals=4) == "0,0125%"
    assert formatting.persen(Decimal("33.333333"), decimals=4) == "33,3333%"
    assert formatting.persen(Decimal("12.5000"), decimals=4) == "12,5%"
    assert formatting.persen(Decimal("20"), decimals=4) == "20%"
    assert formatting.persen(Decimal("0.0125"), "en", decimals=4) == "0.0125%"
    assert formatting.persen(Decimal("0.0125")) == "0,01%"  # default: 2 places


def _shu_paragraph(html: str) -> str:
    match = re.search(r'<p class="kecil" id="shu-dasar">(.*?)</p>', html, re.S)
    assert match, "the RAT SHU section explains its basis and rounding"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


@pytest.mark.parametrize(
    ("policy", "rounding_id", "rounding_en"),
    [
        ("", "dibulatkan ke bawah ke rupiah penuh", "rounded down to the whole rupiah"),
        ('2020-01-01 custom "kebijakan" "pembulatan" "terdekat"\n', "dibulatkan ke rupiah penuh terdekat",
         "rounded to the nearest whole rupiah"),
    ],
)
def test_rat_shu_section_states_the_real_rounding_and_basis(policy: str, rounding_id: str, rounding_en: str) -> None:
    from kopledger import Koperasi
    from kopledger.present.rat import render_rat
    from kopledger.reports.rat import build_rat
    from tests.conftest import ledger_text
    from tests.test_rat import BODY

    basis = (
        '2020-01-01 custom "shu-basis" "jasa-modal" "Ekuitas:SimpananPokok" "Ekuitas:SimpananWajib" '
        '"Liabilitas:SimpananSukarela"\n  metode: "rata-rata-bulanan"\n'
    )
    kop = Koperasi.from_string(ledger_text(policy + basis + BODY))
    assert kop.errors == [], [e.message for e in kop.errors]
    pack = build_rat(kop, 2025)
    assert pack.shu is not None and pack.shu.pembulatan == ("terdekat" if policy else "bawah")
    indonesian = _shu_paragraph(str(render_rat(pack)))
    assert rounding_id in indonesian
    assert "simpanan pokok, simpanan wajib dan simpanan sukarela" in indonesian
    assert "rata-rata saldo bulanan" in indonesian
    assert "pendapatan dari anggota" in indonesian
    english = _shu_paragraph(str(render_rat(pack, lang="en")))
    assert rounding_en in english
    assert "principal savings, mandatory savings and voluntary savings" in english
    assert "average of month-end balances" in english
    assert "dibulatkan" not in english


def test_shu_slip_shows_the_rate_with_up_to_four_decimals() -> None:
    from decimal import ROUND_HALF_UP, Decimal

    from kopledger import Koperasi
    from kopledger.ops.shu.compute import compute_shu
    from kopledger.present.shu import render_slips
    from tests.conftest import ledger_text
    from tests.test_rat import BODY

    kop = Koperasi.from_string(ledger_text(BODY))
    result = compute_shu(kop, 2025)
    usaha = result.komponen("jasa-usaha")
    assert usaha is not None and result.total_basis_usaha > 0
    rate = (usaha.jumlah * 100 / result.total_basis_usaha).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    assert rate != rate.quantize(Decimal("0.01"))  # this ledger's rate needs more than 2 decimals
    shown = formatting.persen(rate, decimals=4)
    for lang in ("id", "en"):
        text = str(render_slips(kop, result, "txt", lang))
        assert formatting.persen(rate, lang, decimals=4) in text
        html = str(render_slips(kop, result, "html", lang))
        assert formatting.persen(rate, lang, decimals=4) in html
    assert shown.count(",") == 1 and len(shown.split(",")[1].rstrip("%")) > 2
