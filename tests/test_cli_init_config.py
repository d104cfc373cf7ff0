"""The commented fosterreport.toml that ``init`` writes is generated from the settings'
own descriptions, and every example in it is valid: uncommented, it parses as TOML and
loads through :func:`load_config`."""

from __future__ import annotations

import tomllib
from pathlib import Path

from typer.testing import CliRunner

from fosterreport import exitcodes
from fosterreport.cli import app
from fosterreport.config import load_config

runner = CliRunner()


def _is_option(text: str) -> bool:
    """A commented line is an option (a table header or a key = value) when it is TOML by
    itself; a description never is."""
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return False
    return bool(text.strip())


def uncommented(text: str) -> tuple[str, list[str]]:
    """``text`` with every commented option uncommented, and those options."""
    lines, options = [], []
    for line in text.splitlines():
        if line.startswith("# ") and _is_option(line[2:]):
            line = line[2:]
            options.append(line)
        lines.append(line)
    return "\n".join(lines) + "\n", options


def _init(tmp_path: Path) -> Path:
    project = tmp_path / "council"
    result = runner.invoke(app, ["init", str(project), "--quiet"])
    assert result.exit_code == exitcodes.OK, result.output
    assert result.output == ""
    return project


def test_the_written_file_loads_as_it_is(tmp_path):
    project = _init(tmp_path)
    config = load_config(project / "fosterreport.toml")
    assert (config.report.narrative, config.data.path) == ("narrative", "data")
    assert config.report.model_fields_set == {"narrative"} and config.targets == {}


def test_every_commented_option_uncommented_is_valid(tmp_path):
    project = _init(tmp_path)
    text, options = uncommented((project / "fosterreport.toml").read_text(encoding="utf-8"))
    parsed = tomllib.loads(text)
    # every setting is shown, each once (the two init sets itself are already uncommented)
    assert sorted(parsed) == ["authority", "benchmarks", "data", "publication", "report", "rules", "targets"]
    assert sorted(parsed["report"]) == ["appendices", "author", "background_papers", "committee", "contacts", "cover",
                                        "decision", "executive_director", "formats", "implications", "logo",
                                        "meeting_date", "monthly_measures", "months_shown", "narrative", "portfolio_holder",
                                        "previous_report", "risks", "sections",
                                        "status", "templates", "title", "trend_years", "wards"]
    assert sorted(parsed["rules"]) == ["assessment_timescale_months", "rag_green_tolerance", "rag_red_threshold",
                                       "similar_tolerance", "supervision_interval_days"]
    assert sorted(parsed["data"]) == ["codes", "columns", "coverage", "extracted", "path", "sheets"]
    assert len(options) == 2 + 24 - 1 + 9 + 5 + 3 + 2 + 2  # authority, report, data, rules, targets, benchmarks, publication
    # the examples name a templates folder, a logo and last year's KPI file: with them present, everything loads
    (project / "kpis-2022-23.json").write_text("{}", encoding="utf-8")
    (project / "templates").mkdir()
    (project / "assets").mkdir()
    (project / "assets" / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", encoding="utf-8")
    (project / "fosterreport.toml").write_text(text, encoding="utf-8")
    config = load_config(project / "fosterreport.toml")
    assert config.report.logo == "assets/logo.svg" and config.report.templates == "templates"
    assert config.report.previous_report == "kpis-2022-23.json"
    assert config.report.meeting_date.isoformat() == "2024-05-23"
    assert config.report.contacts[0].email == "fostering@example.gov.uk" and config.report.risks[0].residual == "Medium"
    assert config.report.decision == "For Recommendation to Council" and "mockingbird" not in config.report.sections
    assert config.targets == {"approvals.MAINSTREAM": 35, "enquiry_to_approval_rate": 0.12,
                              "reviews_on_time_rate": 0.95}
    assert config.benchmarks["deregistration_rate"].value == 0.128
    assert config.data.codes == {"deregistration_reason": {"RET": "RESIGNED"}}
    assert config.data.columns == {"households": {"household_id": ["Foster Carer Ref"]}}
    assert config.rules.supervision_interval_days == 42 and config.publication.suppress_below == 0


def test_each_option_sits_under_its_description(tmp_path):
    text = (_init(tmp_path) / "fosterreport.toml").read_text(encoding="utf-8")
    assert ("[rules]\n"
            "# Assessments approved within this many calendar months of application are on time.\n"
            "# From 1 to 36.\n"
            "# assessment_timescale_months = 8\n"
            "# Longest acceptable gap between supervision contacts, in days. From 1 to 366.\n"
            "# supervision_interval_days = 42\n") in text
    assert ('# Targets keyed by KPI id, or id.CODE for one breakdown key (`fosterreport kpis\n'
            '# --list`). A rate is a fraction: 0.95, not 95.\n'
            '[targets]\n'
            '# "approvals.MAINSTREAM" = 35\n') in text
    assert "# Folder of the CSV extracts, inside the project folder.\npath = \"data\"\n" in text
    assert text.startswith("# fosterreport.toml: settings for one council's fostering report.")
