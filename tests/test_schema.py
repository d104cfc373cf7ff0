"""The documented contract is generated from the models and cannot drift from them."""

from pathlib import Path

from fosterreport import schema

DOC = Path(__file__).parent.parent / "docs" / "extracts.md"


def test_docs_extracts_md_is_generated_from_the_models():
    assert DOC.read_text(encoding="utf-8") == schema.as_markdown(), (
        "docs/extracts.md is stale: run `python tests/regenerate_golden.py` (it regenerates every golden file and doc)")


def test_contract_lists_codes_with_labels_and_aliases():
    households = schema.contract()["households.csv"]
    household_type = next(c for c in households["columns"] if c["name"] == "household_type")
    connected = next(c for c in household_type["codes"] if c["code"] == "CONNECTED")
    assert "Kinship" in connected["aliases"]
    assert households["required"] is True
