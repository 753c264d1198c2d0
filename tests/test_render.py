"""Rendering: autoescape of HTML templates, user template folders, ``_()`` translation."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from kopledger import InputError
from kopledger.core.errors import templates_dir, translate
from kopledger.present.render import autoescape_for, environment, render

PAGE = """{% extends "base.html.j2" %}
{% block body %}<p>{{ teks }}</p><p>{{ jumlah | rupiah }}</p><p>{{ tanggal | tanggal }}</p><p>{{ _("Halaman") }}</p>{% endblock %}
"""


@pytest.fixture
def user_dir(tmp_path: Path) -> Path:
    (tmp_path / "halaman.html.j2").write_text(PAGE, encoding="utf-8")
    (tmp_path / "catatan.txt.j2").write_text("{{ teks }}\n", encoding="utf-8")
    return tmp_path


def test_html_templates_escape_script(user_dir: Path) -> None:
    html = render("halaman.html.j2", {"teks": "<script>alert(1)</script>", "jumlah": 1500, "tanggal": dt.date(2025, 12, 31),
                                      "judul": "Uji"}, template_dir=user_dir)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<p>Rp1.500</p>" in html and "<p>31 Desember 2025</p>" in html


def test_text_templates_are_not_escaped(user_dir: Path) -> None:
    assert render("catatan.txt.j2", {"teks": "a < b & c"}, template_dir=user_dir) == "a < b & c\n"


@pytest.mark.parametrize(("name", "escaped"), [
    ("laporan/neraca.html.j2", True), ("x.html", True), ("x.HTML.J2", True), ("grafik.svg.j2", True),
    ("x.xml.j2", True), ("init/buku.beancount.j2", False), ("x.txt.j2", False), ("x.csv.j2", False),
])
def test_autoescape_by_name(name: str, escaped: bool) -> None:
    assert autoescape_for(name) is escaped


def test_a_user_folder_overrides_a_template_by_name(tmp_path: Path) -> None:
    (tmp_path / "base.html.j2").write_text("MILIK SAYA {% block body %}{% endblock %}", encoding="utf-8")
    (tmp_path / "p.html.j2").write_text('{% extends "base.html.j2" %}{% block body %}isi{% endblock %}',
                                        encoding="utf-8")
    assert render("p.html.j2", {}, template_dir=tmp_path) == "MILIK SAYA isi"


def test_kopledgers_own_templates_are_used_when_the_user_folder_lacks_one(user_dir: Path) -> None:
    html = render("halaman.html.j2", {"teks": "x", "jumlah": 1, "tanggal": dt.date(2025, 1, 1), "judul": "J"},
                  template_dir=user_dir)
    assert html.startswith("<!DOCTYPE html>")  # base.html.j2 comes from kopledger
    assert "@page" in html  # with its print CSS


def test_english_translates_labels_and_formats(user_dir: Path) -> None:
    html = render("halaman.html.j2", {"teks": "x", "jumlah": Decimal(-1500), "tanggal": dt.date(2025, 12, 31),
                                      "judul": "J"}, lang="en", template_dir=user_dir)
    assert "<p>Page</p>" in html
    assert "<p>(Rp1,500)</p>" in html and "<p>31 December 2025</p>" in html
    assert '<html lang="en">' in html


def test_translate_returns_indonesian_unchanged_and_unknown_text_as_is() -> None:
    assert translate("Halaman", "id") == "Halaman"
    assert translate("Halaman", "en") == "Page"
    assert translate("Teks yang belum diterjemahkan", "en") == "Teks yang belum diterjemahkan"


def test_a_user_catalog_adds_translations(tmp_path: Path) -> None:
    (tmp_path / "locale" / "en").mkdir(parents=True)
    (tmp_path / "locale" / "en" / "saya.json").write_text(json.dumps({"Halaman": "Sheet", "Kue": "Cake"}),
                                                         encoding="utf-8")
    (tmp_path / "t.txt.j2").write_text('{{ _("Halaman") }} {{ _("Kue") }}', encoding="utf-8")
    assert render("t.txt.j2", {}, lang="en", template_dir=tmp_path) == "Sheet Cake"


def test_every_shipped_catalog_is_a_flat_json_object() -> None:
    for file in sorted((templates_dir() / "locale" / "en").glob("*.json")):
        data = json.loads(file.read_text(encoding="utf-8"))
        assert isinstance(data, dict) and all(isinstance(v, str) for v in data.values()), file


def test_filters_in_the_environment_follow_the_language() -> None:
    env = environment("en")
    out = env.from_string("{{ 1234567 | rupiah }} {{ 12.5 | persen }} {{ 21 | terbilang(satuan=False) }}").render()
    assert out == "Rp1,234,567 12.5% twenty-one"


def test_unknown_language_missing_template_and_folder_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="bahasa tidak dikenal: 'fr'"):
        render("base.html.j2", {}, lang="fr")
    with pytest.raises(InputError, match=r"templat tidak ditemukan: tidak-ada\.html\.j2"):
        render("tidak-ada.html.j2", {})
    with pytest.raises(InputError, match="folder templat tidak ditemukan"):
        render("base.html.j2", {}, template_dir=tmp_path / "nope")


def test_a_template_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "rusak.html.j2").write_text("baris satu\n{% if %}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"rusak.html.j2:2: kesalahan tulis di templat"):
        render("rusak.html.j2", {}, template_dir=tmp_path)


def test_a_users_catalog_words_messages_kept_as_data_too(tmp_path: Path) -> None:
    """A user's ``locale/en/*.json`` overrides kopledger's English for a label and for a
    message kept as data (a Pesan, an error) shown in a document alike."""
    import json

    from kopledger.core.errors import InputError, Pesan

    (tmp_path / "locale" / "en").mkdir(parents=True)
    (tmp_path / "locale" / "en" / "saya.json").write_text(json.dumps({
        "anggota tidak dikenal: {anggota!r}": "no such member here: {anggota!r}",
        "Lihat daftar anggota dengan: kop anggota daftar BUKU": "See: kop member list BOOKS",
    }), encoding="utf-8")
    error = InputError.pesan("anggota tidak dikenal: {anggota!r}",
                             hint="Lihat daftar anggota dengan: kop anggota daftar BUKU", anggota="Z9")
    page = environment("en", tmp_path).from_string("{{ _(p) }}|{{ _(e) }}").render(
        p=Pesan("anggota tidak dikenal: {anggota!r}", anggota="Z9"), e=error)
    assert page == "no such member here: &#39;Z9&#39;|no such member here: &#39;Z9&#39;\nSee: kop member list BOOKS"
    # without the user's folder: kopledger's own English
    assert environment("en").from_string("{{ _(p) }}").render(p=Pesan("anggota tidak dikenal: {anggota!r}",
                                                                       anggota="Z9")) == "unknown member: &#39;Z9&#39;"
