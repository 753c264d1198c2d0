"""Every JSON document kopledger prints validates against its published schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kopledger import Koperasi, schemas
from kopledger.cli import main
from kopledger.present.laporan import statements_json
from kopledger.present.rat import rat_json
from kopledger.present.shu import shu_json
from kopledger.reports.rat import build_rat
from tests.schema_check import validate

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "mawar" / "buku.beancount"


@pytest.fixture(scope="module")
def mawar() -> Koperasi:
    return Koperasi.load(EXAMPLE)


def test_schemas_are_2020_12_with_ids() -> None:
    for name in schemas.NAMES:
        schema = schemas.load(name)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"] == f"urn:kopledger:schema:{name}"
        assert schema["properties"]["skema"] == {"const": "1"} or schema["properties"]["skema"]["const"] == "1"


@pytest.mark.parametrize("year", [2024, 2025])
def test_statements_json_validates(mawar: Koperasi, year: int) -> None:
    document = statements_json(mawar.statements(year))
    validate("laporan", document)
    assert document["skema"] == "1"
    assert document["calk"]["pinjaman"] is not None


def test_shu_and_rat_json_validate(mawar: Koperasi) -> None:
    validate("shu", shu_json(mawar.shu(2024)))
    document = rat_json(build_rat(mawar, 2025))
    validate("rat", document)
    # One shape for a statement total everywhere, the RAT's embedded statements included.
    assert document["laporan"]["neraca"]["totals"]["total_aset"] == statements_json(
        mawar.statements(2025))["neraca"]["totals"]["total_aset"]


def test_a_broken_document_does_not_validate(mawar: Koperasi) -> None:
    document = statements_json(mawar.statements(2025), ["neraca"])
    document["neraca"]["totals"]["total_aset"] = ["1", "2"]  # the old second shape
    with pytest.raises(AssertionError, match="total_aset"):
        validate("laporan", document)


@pytest.mark.parametrize(("args", "schema"), [
    (["laporan", str(EXAMPLE), "--tahun", "2025", "--format", "json"], "laporan"),
    (["laporan", str(EXAMPLE), "--tahun", "2025", "--jenis", "ekuitas", "--format", "json"], "laporan"),
    (["shu", str(EXAMPLE), "--tahun", "2024", "--format", "json"], "shu"),
    (["rat", str(EXAMPLE), "--tahun", "2025", "--format", "json", "--diam"], "rat"),
])
def test_cli_json_validates(args: list[str], schema: str) -> None:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    validate(schema, json.loads(result.stdout))
