"""The catalogue is the spec's kpis.md, exactly; the docs are generated from it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from kpi_frames import FIXTURES, frame

from fosterreport import codes
from fosterreport.contract import EXTRACTS
from fosterreport.kpis.catalogue import BY_ID, CATALOGUE, NOT_RECORDED, SECTIONS
from fosterreport.kpis.docs import json_schema_text, markdown
from fosterreport.records import load_extracts

ROOT = Path(__file__).parent.parent
SPEC = Path("/work/shared/spec/kpis.md")

#: Transcribed from the spec's kpis.md: id, unit, polarity, breakdowns, in spec order.
EXPECTED = [
    ("households_start", "count", "higher", "household_type"),
    ("households_end", "count", "higher", "household_type ethnicity_group"),
    ("approvals", "count", "higher", "household_type ethnicity_group"),
    ("approvals_places", "count", "higher", "household_type"),
    ("deregistrations", "count", "lower", "household_type reason"),
    ("net_change", "count", "higher", "household_type"),
    ("deregistration_rate", "rate", "lower", "household_type"),
    ("approved_places_end", "count", "higher", "household_type"),
    ("children_placed_end", "count", "higher", "household_type"),
    ("utilisation_rate", "ratio", "higher", "household_type"),
    ("occupancy_rate", "rate", "higher", "household_type"),
    ("places_filled_end", "count", "higher", "household_type"),
    ("places_vacant_end", "count", "neutral", "vacancy"),
    ("places_on_hold_end", "count", "lower", "vacancy hold_reason"),
    ("households_on_hold_end", "count", "lower", "hold_reason"),
    ("over_capacity_households_end", "count", "lower", ""),
    ("temporary_approvals", "count", "neutral", "household_type"),
    ("temporary_households_end", "count", "neutral", "household_type"),
    ("children_in_care_end", "count", "neutral", "provider"),
    ("fostered_share", "rate", "higher", ""),
    ("in_house_share", "rate", "higher", ""),
    ("children_placed_in_period", "count", "higher", ""),
    ("average_children_placed", "number", "higher", "household_type"),
    ("enquiries", "count", "higher", "source household_type_sought"),
    ("initial_visits", "count", "higher", ""),
    ("applications", "count", "higher", ""),
    ("approvals_from_enquiries", "count", "higher", "household_type_sought"),
    ("enquiry_to_approval_rate", "rate", "higher", ""),
    ("enquiry_to_application_rate", "rate", "higher", ""),
    ("application_to_approval_rate", "rate", "higher", ""),
    ("enquiry_to_visit_rate", "rate", "higher", ""),
    ("cohort_approval_rate", "rate", "higher", ""),
    ("median_days_enquiry_to_approval", "days", "lower", ""),
    ("median_days_application_to_approval", "days", "lower", ""),
    ("assessments_within_timescale_rate", "rate", "higher", ""),
    ("assessments_in_progress_end", "count", "neutral", "household_type_sought"),
    ("withdrawals", "count", "lower", "closed_reason"),
    ("reviews_due", "count", "neutral", ""),
    ("reviews_on_time_rate", "rate", "higher", ""),
    ("reviews_overdue_end", "count", "lower", ""),
    ("supervision_visits", "count", "higher", ""),
    ("supervision_timeliness_rate", "rate", "higher", ""),
    ("unannounced_visit_rate", "rate", "higher", ""),
    ("panel_sittings", "count", "neutral", ""),
    ("panel_items", "count", "neutral", "item_type outcome"),
    ("inquorate_sittings", "count", "lower", ""),
    ("complaints", "count", "lower", "complainant outcome"),
    ("complaints_upheld", "count", "lower", "complainant"),
    ("allegations", "count", "lower", "source category outcome"),
    ("allegations_substantiated", "count", "lower", ""),
    ("allegations_nfa_rate", "rate", "neutral", ""),
    ("households_with_allegations", "count", "lower", ""),
    ("allegations_to_panel", "count", "neutral", ""),
    ("allegations_to_dbs", "count", "neutral", ""),
    ("training_sessions", "count", "higher", "mode"),
    ("carers_trained", "count", "higher", ""),
    ("training_attendances", "count", "higher", ""),
    ("mockingbird_constellations_end", "count", "higher", ""),
    ("mockingbird_households_end", "count", "higher", "role"),
    ("mockingbird_share", "rate", "higher", ""),
    ("budget", "money", "neutral", "line"),
    ("outturn", "money", "neutral", "line"),
    ("budget_variance", "money", "neutral", "line"),
    ("budget_variance_rate", "rate", "neutral", ""),
    ("funded_placements", "number", "neutral", ""),
    ("cost_per_placement_week", "money", "lower", ""),
]

#: KPIs an issue added after the spec was written (issues win over the spec).
BEYOND_SPEC = {
    "approvals_places",  # issue 10: "Places approved with new households"
    "temporary_approvals", "temporary_households_end",  # issue 14: Regulation 24 (households.csv temporary_approval)
    "allegations_to_panel", "allegations_to_dbs",  # issue 14: allegations.csv to_panel, to_dbs
}
#: Breakdowns an issue added to a KPI of the spec: (KPI id, breakdown).
BEYOND_SPEC_BREAKDOWNS = {
    ("households_end", "ethnicity_group"), ("approvals", "ethnicity_group"),  # issue 14: carers' ethnicity
}


def _as_in_spec(row: tuple[str, str, str, str]) -> tuple[str, str, str, str]:
    """An EXPECTED row without the breakdowns an issue added."""
    kpi_id, unit, polarity, axes = row
    return kpi_id, unit, polarity, " ".join(axis for axis in axes.split() if (kpi_id, axis) not in BEYOND_SPEC_BREAKDOWNS)


def test_catalogue_is_the_spec_in_spec_order():
    found = [(k.id, k.unit, k.polarity, " ".join(k.breakdowns)) for k in CATALOGUE]
    assert found == EXPECTED


@pytest.mark.skipif(not SPEC.is_file(), reason="the shared spec is not on this machine")
def test_catalogue_matches_the_spec_file():
    rows = re.findall(r"^\| ([a-z_]+) \| (count|rate|ratio|number|days|money) \| .*? \| (higher|lower|neutral) \| "
                      r" ?(.*?) ?\|$", SPEC.read_text(encoding="utf-8"), re.MULTILINE)

    def names(axes: str) -> str:
        plain = re.sub(r"\(.*?\)", "", axes)  # "vacancy (PRIMARY = …, SECONDARY = …)"
        return " ".join(part.strip() for part in plain.split(",") if part.strip())

    assert [(kpi_id, unit, polarity, names(axes)) for kpi_id, unit, polarity, axes in rows] == [
        _as_in_spec(row) for row in EXPECTED if row[0] not in BEYOND_SPEC]


def test_every_kpi_is_well_formed():
    assert len(BY_ID) == len(CATALOGUE) == 66
    assert len({k.label for k in CATALOGUE}) == len(CATALOGUE)
    for kpi in CATALOGUE:
        assert kpi.section in SECTIONS
        assert kpi.needs and all(name in EXTRACTS for name in kpi.needs), kpi.id
        assert kpi.definition.endswith(".") and kpi.definition.replace("i.e. ", "").count(". ") == 0, kpi.id  # one sentence
        assert kpi.definition[0].isupper() and kpi.label[0].isupper()
        assert tuple(axis.name for axis in kpi.axes) == kpi.breakdowns


def test_breakdown_keys_come_from_the_code_lists():
    assert BY_ID["households_end"].breakdown("household_type").keys == tuple(c.value for c in codes.HouseholdType)
    assert BY_ID["withdrawals"].breakdown("closed_reason").keys == (
        "WITHDREW_EXPECTATIONS", "WITHDREW_PROCESS", "WITHDREW_CIRCUMSTANCES", "WITHDREW_FINANCIAL",
        "WITHDREW_ALLEGATIONS_RISK", "WITHDREW_OTHER")
    assert BY_ID["enquiries"].breakdown("source").keys[-1] == NOT_RECORDED
    assert BY_ID["allegations"].breakdown("source").keys == ("CHILD", "PARENT", "PROFESSIONAL", "OTHER",
                                                             NOT_RECORDED)
    assert BY_ID["complaints"].breakdown("outcome").codes is codes.ComplaintOutcome
    assert BY_ID["panel_items"].breakdown("outcome").codes is codes.PanelOutcome
    assert BY_ID["places_vacant_end"].breakdown("vacancy").keys == ("PRIMARY", "SECONDARY")
    assert BY_ID["budget"].breakdown("line").keys is None
    assert BY_ID["households_end"].breakdown("household_type").label("CONNECTED") == "Connected persons"
    assert BY_ID["places_on_hold_end"].breakdown("hold_reason").label(NOT_RECORDED) == "Not recorded"


def test_docs_kpis_md_is_generated_from_the_catalogue():
    committed = (ROOT / "docs" / "kpis.md").read_text(encoding="utf-8")
    assert committed == markdown(), "docs/kpis.md is stale: run `python tests/regenerate_golden.py`"


def test_docs_kpis_schema_is_generated_from_the_catalogue():
    committed = (ROOT / "docs" / "kpis.schema.json").read_text(encoding="utf-8")
    assert committed == json_schema_text(), (
        "docs/kpis.schema.json is stale: run `python tests/regenerate_golden.py`")


def test_docs_list_every_kpi_and_the_dorset_example():
    text = markdown()
    for kpi in CATALOGUE:
        assert f"| `{kpi.id}` | {kpi.label} |" in text
    assert "10 approvals ÷ 62 enquiries = 0.161 (16.1%)" in text
    assert "126 children ÷ 116 mainstream households = 1.086 → 1.09" in text
    assert "## Choices where the spec is silent" in text


def test_catalogue_and_results_import_no_pandas():
    code = ("import sys; import fosterreport.kpis, fosterreport.kpis.catalogue, fosterreport.kpis.results, "
            "fosterreport.cli; assert 'pandas' not in sys.modules, 'pandas imported'")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_factory_frames_have_the_loader_dtypes():
    loaded = load_extracts(FIXTURES / "year_2022_23")
    for name, real in loaded.frames.items():
        built = frame(name, [])
        assert list(built.columns) == list(real.columns), name
        assert [str(t) for t in built.dtypes] == [str(t) for t in real.dtypes], name


def test_every_kpi_has_a_hand_computed_test():
    texts = "".join(path.read_text(encoding="utf-8") for path in (ROOT / "tests").glob("test_kpis_*.py")
                    if path.name not in ("test_kpis_catalogue.py", "test_kpis_properties.py"))
    missing = [kpi.id for kpi in CATALOGUE if f'"{kpi.id}"' not in texts]
    assert missing == []
