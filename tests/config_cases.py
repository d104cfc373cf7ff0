"""One tiny, named fosterreport.toml per way a config can be wrong, with the exact
messages it must produce ({config} is the file, {project} its resolved folder).

Shared by ``test_config.py`` (through :func:`load_config`) and ``test_config_cli.py``
(through the commands, which must exit 2 before reading any extract).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Case:
    name: str
    toml: str
    messages: tuple[str, ...]
    #: Folders (ending "/") and files to create in the project before loading.
    files: tuple[str, ...] = ()

    def expected(self, project: Path) -> list[str]:
        config = project / "fosterreport.toml"
        return [m.format(config=config, project=project.resolve()) for m in self.messages]


CASES = [
    # -- [targets] and [benchmarks] keys against the catalogue ------------------------------
    Case("unknown_target_kpi", '[targets]\n"aprovals.MAINSTREAM" = 35\n', (
        "{config}:2: [targets] unknown KPI key 'aprovals.MAINSTREAM' (did you mean 'approvals.MAINSTREAM'?)",)),
    Case("unknown_target_breakdown_code", '[targets]\n"approvals.MAINSTRAEM" = 1\n', (
        "{config}:2: [targets] unknown KPI key 'approvals.MAINSTRAEM' (did you mean 'approvals.MAINSTREAM'?)",)),
    Case("nonsense_target_key", '[targets]\nzzzz = 1\n', (
        "{config}:2: [targets] unknown KPI key 'zzzz' (`fosterreport kpis --list` lists every KPI)",)),
    Case("unknown_benchmark_key", '[benchmarks]\nderegistration_rat = { value = 0.1, label = "x" }\n', (
        "{config}:2: [benchmarks] unknown KPI key 'deregistration_rat' (did you mean 'deregistration_rate'?)",)),
    # -- values against the KPI's unit ------------------------------------------------------
    Case("rate_target_as_percentage", '[targets]\nreviews_on_time_rate = 95\n', (
        "{config}:2: [targets] 'reviews_on_time_rate' = 95: a rate is a fraction from 0 to 1 (did you mean 0.95?)",)),
    Case("negative_rate_target", '[targets]\nreviews_on_time_rate = -0.1\n', (
        "{config}:2: [targets] 'reviews_on_time_rate' = -0.1: a rate is a fraction from 0 to 1",)),
    Case("rate_benchmark_as_percentage", '[benchmarks]\nderegistration_rate = { value = 12.8, label = "Ofsted" }\n', (
        "{config}:2: [benchmarks] 'deregistration_rate' = 12.8: a rate is a fraction from 0 to 1 "
        "(did you mean 0.128?)",)),
    Case("infinite_target", '[targets]\nenquiries = inf\n', (
        "{config}:2: 'targets.enquiries': Input should be a finite number",)),
    Case("nan_benchmark", '[benchmarks]\nenquiries = { value = nan, label = "x" }\n', (
        "{config}:2: 'benchmarks.enquiries.value': Input should be a finite number",)),
    Case("count_target_too_large", '[targets]\napprovals = 1e15\n', (
        "{config}:2: [targets] 'approvals' = 1e+15: too large: a count must lie between -1e15 and 1e15",)),
    Case("money_target_too_large", '[targets]\n"outturn.Staffing" = -2e15\n', (
        "{config}:2: [targets] 'outturn.Staffing' = -2e+15: too large: a sum of money must lie between -1e15 and 1e15",)),
    Case("boolean_target", '[targets]\napprovals = true\n', (
        "{config}:2: 'targets.approvals': Input should be a valid number",)),
    Case("text_target", '[targets]\nreviews_on_time_rate = "95%"\n', (
        "{config}:2: 'targets.reviews_on_time_rate': Input should be a valid number",)),
    # -- paths ------------------------------------------------------------------------------
    Case("data_path_missing", '[data]\npath = "dta"\n', (
        "{config}:2: [data] path 'dta': folder not found: {project}/dta (did you mean 'data'?)",), ("data/",)),
    Case("data_path_outside_project", '[data]\npath = "../elsewhere"\n', (
        "{config}:2: [data] path '../elsewhere' must be inside the project folder {project}",)),
    Case("data_path_absolute", '[data]\npath = "/etc"\n', (
        "{config}:2: [data] path '/etc' must be inside the project folder {project}",)),
    Case("data_path_is_a_file", '[data]\npath = "data.csv"\n', (
        "{config}:2: [data] path 'data.csv': not a folder: {project}/data.csv",), ("data.csv",)),
    Case("narrative_misspelt", '[report]\nnarrative = "narative"\n', (
        "{config}:2: [report] narrative 'narative': folder not found: {project}/narative (did you mean 'narrative'?)",),
         ("narrative/",)),
    Case("narrative_named_but_missing", '[report]\nnarrative = "narrative"\n', (
        "{config}:2: [report] narrative 'narrative': folder not found: {project}/narrative",)),
    Case("templates_missing", '[report]\ntemplates = "templates"\n', (
        "{config}:2: [report] templates 'templates': folder not found: {project}/templates",)),
    Case("templates_outside_project", '[report]\ntemplates = "../../templates"\n', (
        "{config}:2: [report] templates '../../templates' must be inside the project folder {project}",)),
    Case("logo_outside_project", '[report]\nlogo = "../../etc/passwd"\n', (
        "{config}:2: [report] logo '../../etc/passwd' must be inside the project folder {project}",)),
    Case("logo_missing", '[report]\nlogo = "assets/logo.svg"\n', (
        "{config}:2: [report] logo 'assets/logo.svg': file not found: {project}/assets/logo.svg",)),
    Case("logo_misspelt", '[report]\nlogo = "logo.sgv"\n', (
        "{config}:2: [report] logo 'logo.sgv': file not found: {project}/logo.sgv (did you mean 'logo.svg'?)",),
         ("logo.svg",)),
    Case("logo_is_a_folder", '[report]\nlogo = "assets"\n', (
        "{config}:2: [report] logo 'assets': not a file: {project}/assets",), ("assets/",)),
    Case("logo_not_an_image", '[report]\nlogo = "logo.gif"\n', (
        "{config}:2: [report] logo 'logo.gif': use an SVG, PNG or JPEG file",), ("logo.gif",)),
    Case("logo_path_with_a_nul_byte", '[report]\nlogo = "logo\\u0000.svg"\n', (
        "{config}:2: [report] logo 'logo\\x00.svg': cannot be used: embedded null byte",)),
    # -- code maps and header aliases against the contract --------------------------------------
    Case("code_map_to_unknown_code", '[data.codes.deregistration_reason]\n"RET" = "RETIRED"\n', (
        "{config}:2: [data.codes.deregistration_reason] 'RET' = 'RETIRED': not a deregistration_reason code "
        "(RESIGNED, TERMINATED, TRANSFERRED_IFA, TRANSFERRED_LA, ADOPTED, SGO, CHILD_MOVED_ON, OTHER)",)),
    Case("code_map_of_uncoded_column", '[data.codes.household_id]\nX = "Y"\n', (
        "{config}:1: [data.codes.household_id]: not a coded column (did you mean 'household_type'?)",)),
    Case("code_map_column_misspelt", '[data.codes.deregistration_reasons]\nRET = "RESIGNED"\n', (
        "{config}:1: [data.codes.deregistration_reasons]: not a coded column (did you mean 'deregistration_reason'?)",)),
    Case("code_map_column_of_another_file", '[data.codes."placements.deregistration_reason"]\nRET = "RESIGNED"\n', (
        "{config}:1: [data.codes.placements.deregistration_reason]: not a coded column "
        "(did you mean 'deregistration_reason'?)",)),
    Case("column_alias_for_unknown_extract", '[data.columns.housholds]\nhousehold_id = ["Ref"]\n', (
        "{config}:1: [data.columns.housholds]: no such extract (did you mean 'households'?)",)),
    Case("column_alias_for_unknown_column", '[data.columns.households]\nhoushold_id = ["Ref"]\n', (
        "{config}:2: [data.columns.households] houshold_id: no such column (did you mean 'household_id'?)",)),
    # -- keys and types ---------------------------------------------------------------------
    Case("unknown_key", '[rules]\nsimilar_tolerence = 0.1\n', (
        "{config}:2: unknown key 'rules.similar_tolerence' (did you mean 'rules.similar_tolerance'?)",)),
    Case("wrong_type", '[publication]\nsuppress_below = "five"\n', (
        "{config}:2: 'publication.suppress_below': Input should be a valid integer, unable to parse string as an "
        "integer",)),
]

#: All of them in one file: every problem, together, in the file's order.
TOGETHER = Case("together", '[report]\nlogo = "logo.gif"\nnarrative = "narative"\n[data]\npath = "dta"\n'
                            '[data.codes.deregistration_reason]\nRET = "RETIRED"\n'
                            '[targets]\naprovals = 1\nreviews_on_time_rate = 95\n', (
    "{config}:2: [report] logo 'logo.gif': use an SVG, PNG or JPEG file",
    "{config}:3: [report] narrative 'narative': folder not found: {project}/narative",
    "{config}:5: [data] path 'dta': folder not found: {project}/dta",
    "{config}:7: [data.codes.deregistration_reason] 'RET' = 'RETIRED': not a deregistration_reason code "
    "(RESIGNED, TERMINATED, TRANSFERRED_IFA, TRANSFERRED_LA, ADOPTED, SGO, CHILD_MOVED_ON, OTHER)",
    "{config}:9: [targets] unknown KPI key 'aprovals' (did you mean 'approvals'?)",
    "{config}:10: [targets] 'reviews_on_time_rate' = 95: a rate is a fraction from 0 to 1 (did you mean 0.95?)",
), ("logo.gif",))


def make_project(tmp_path: Path, case: Case) -> Path:
    """A project folder holding the case's config and the files it names."""
    project = tmp_path / "project"
    project.mkdir()
    for name in case.files:
        if name.endswith("/"):
            (project / name).mkdir(parents=True)
        else:
            (project / name).write_bytes(b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    (project / "fosterreport.toml").write_text(case.toml, encoding="utf-8")
    return project
