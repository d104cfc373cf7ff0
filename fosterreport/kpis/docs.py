"""``docs/kpis.md`` and ``docs/kpis.schema.json``, generated from the catalogue.

``python -m fosterreport.kpis.docs > docs/kpis.md`` writes the catalogue as Markdown
(every id, label, unit, polarity, breakdown and definition, from :data:`CATALOGUE`),
with the prose that cannot live in a table: how published figures map onto the KPIs,
and the choices made where the spec is silent. ``python -m fosterreport.kpis.docs
schema > docs/kpis.schema.json`` writes the JSON Schema of ``kpis --format json``,
with one entry per KPI so that a dashboard can rely on every id, unit and breakdown key.
Tests compare both committed files with what this module generates.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from fosterreport.config import Rules
from fosterreport.kpis.catalogue import CATALOGUE, SECTIONS, Breakdown, Kpi

_RULES = Rules()


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _axes(kpi: Kpi) -> str:
    return ", ".join(f"`{name}`" for name in kpi.breakdowns)


def _section_table(section: str) -> list[str]:
    lines = [f"## {SECTIONS[section]}", "",
             "| id | label | unit | better | breakdowns | files | definition |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for kpi in CATALOGUE:
        if kpi.section == section:
            files = ", ".join(kpi.files())
            lines.append(f"| `{kpi.id}` | {_cell(kpi.label)} | {kpi.unit} | {kpi.polarity} | {_axes(kpi)} | "
                         f"{files} | {_cell(kpi.definition)} |")
    return lines + [""]


def _monthly() -> list[str]:
    """Which KPIs ``kpis --months`` gives month by month, from the catalogue's ``monthly``."""
    monthly = [f"`{kpi.id}`" for kpi in CATALOGUE if kpi.monthly]
    yearly = [f"`{kpi.id}`" for kpi in CATALOGUE if not kpi.monthly]
    return ["## Months", "",
            "`kpis --months` (JSON or CSV) adds to each KPI that has a monthly form `\"months\": "
            "{\"2023-04\": {\"value\", \"by\"}, …}`, one entry per calendar month of the period, first "
            "first, each computed as the period is: flows counted in the month, snapshots on the month's "
            "last day (`households_start` on the day before it starts), rates and ratios from the month's "
            "own numerator and denominator, medians over the month's cases. A month entry is written as a "
            "trend entry: `null` and flagged (`\"suppressed\"`, `\"by_suppressed\"`) when withheld, `null` "
            "with `\"not_covered\"` when the extracts cannot support it. In CSV each month's value and "
            "breakdown values are rows whose `period` is the month (`2023-04`), after the KPI and trend "
            "rows, with no previous, target or RAG. Without `--months` the output is unchanged.", "",
            "Counts of distinct people or things (`children_placed_in_period`, `carers_trained`, "
            "`households_with_allegations`) are distinct within each month, so a child placed in two "
            "months counts in both and the months can add up to more than the year; "
            "`average_children_placed` of the year is its months' averages weighted by their days.", "",
            f"Month by month: {', '.join(monthly)}.", "",
            f"No monthly form (a whole financial year's figure, a look-back longer than a month, or a "
            f"yearly standard): {', '.join(yearly)}.", ""]


def _breakdowns() -> list[str]:
    seen: dict[tuple[str, tuple[str, ...] | None], tuple[Breakdown, list[str]]] = {}
    for kpi in CATALOGUE:
        for axis in kpi.axes:
            entry = seen.setdefault((axis.name, axis.keys), (axis, []))
            entry[1].append(kpi.id)
    lines = ["## Breakdown keys", "",
             "Every key is present in JSON and CSV output, zeros included, so columns are stable. "
             "`NOT_RECORDED` counts rows whose (optional) code is blank, so a breakdown always adds "
             "up to its total.", "",
             "| breakdown | used by | keys |", "| --- | --- | --- |"]
    for axis, users in seen.values():
        if axis.dynamic:
            keys = "the budget line texts, as written in budget.csv, in the order they first appear"
        else:
            keys = ", ".join(f"`{key}` {axis.label(key)}" for key in axis.keys)
        lines.append(f"| `{axis.name}` | {', '.join(f'`{u}`' for u in users)} | {_cell(keys)} |")
    return lines + [""]


def _crosses() -> list[str]:
    lines = ["## Cross-tabulations", "",
             "A KPI's count by two of its breakdowns at once, in JSON as `\"cross\": {\"rows/columns\": "
             "{ROW: {COLUMN: count}}}` on the KPI (every key of both breakdowns present, zeros included) "
             "and in CSV as one row per cell, breakdown `rows/columns` and key `ROW/COLUMN`. Each cell is "
             "a count of records, withheld by the one suppression rule; a row (column) that adds up to its "
             "published breakdown cell with exactly one cell withheld has its smallest other non-zero cell "
             "withheld too, and one whose breakdown cell is withheld keeps a cell withheld.", "",
             "| KPI | cross-tabulation | rows | columns |", "| --- | --- | --- | --- |"]
    for kpi in CATALOGUE:
        for table in kpi.crosses:
            lines.append(f"| `{kpi.id}` | `{table.name}` | {table.rows.title} (`{table.rows.name}`) | "
                         f"{table.columns.title} (`{table.columns.name}`) |")
    return lines + [""]


HEADER = """# The KPI catalogue

Generated from `fosterreport/kpis/catalogue.py` by `python -m fosterreport.kpis.docs`; do not
edit by hand (a test fails when it drifts). `fosterreport kpis --list` prints the same
catalogue, and the report's definitions appendix is built from it.

## Periods and counting rules

- `--year 2023` (or `2022-23`, `2022/23`) is the financial year 1 April 2022 to 31 March 2023.
  `--quarter 1..4` picks a quarter (Q1 = April to June); `--ytd` runs from 1 April to the end
  of that quarter. Without `--year`, the latest financial year that has ended by the newest
  date in the extracts.
- `--from 2023-09-01 --to 2024-08-31` (ISO dates, both included; not with `--year`,
  `--quarter` or `--ytd`) is any other period: a pilot, a half year, a rolling twelve months.
  Its previous period is the same length immediately before it (as many whole months when it
  runs from a month's first day to a month's last, else as many days). Dates that make a
  financial year, a quarter or a year to date make that period: `--from 2023-04-01 --to
  2024-03-31` is `--year 2024`.
- **end** is the period's last day; the **start snapshot** is the day before it begins.
- A household is active on day d when approval_date ≤ d and (no deregistration_date or
  deregistration_date > d); a placement, hold or Mockingbird membership is active on d when
  start ≤ d and (no end or end > d). End dates are the first day no longer placed/approved.
- Snapshot figures use MAIN placements only.
- **previous** is the same KPI for the same period one year earlier (same quarter for quarters).
- A rate whose denominator is 0 is `null` in JSON and "n/a" in text, never 0.
- Medians of an even number of values are the mean of the two middle values.
- Identities that hold by construction and are tested: `households_end = households_start +
  approvals − deregistrations` for every household type, and `approved_places_end =
  places_filled_end + places_vacant_end + places_on_hold_end`.

## Units

| unit | in JSON | in text |
| --- | --- | --- |
| count | integer | 1,234 |
| rate | fraction, full precision (0.16129…) | percentage, one decimal (16.1%) |
| ratio | number | two decimals (1.09) |
| number | number | one decimal |
| days | number | whole days |
| money | number of pounds with pence (1325588.5) | whole pounds (£1,325,588) |
"""

JUDGEMENTS = f"""## Targets, RAG and direction of travel

- Targets come from `[targets]` in `fosterreport.toml`, keyed by id or `id.KEY`
  (`"approvals.MAINSTREAM" = 35`); benchmarks likewise from `[benchmarks]`, one
  `{{ value, label, source }}` or a list of them, followed by Ofsted's England (LA agencies)
  figure for the year where `docs/national.md` has one (JSON: `"benchmarks"`, in that order;
  `"benchmark"` is the first). An unknown key
  stops the run (exit 2) naming the key and the closest valid one.
- **RAG**, only where a target is set: g = how far the value falls short of the target in the
  KPI's polarity, as a fraction of the target (lower is better: g = (value − target) ÷ target).
  Green when g ≤ {_RULES.rag_green_tolerance:g} (`rag_green_tolerance`), amber when g ≤
  {_RULES.rag_red_threshold:g} (`rag_red_threshold`), red above.
- **Direction of travel** against previous: `similar` when |change| ≤ {_RULES.similar_tolerance:g} ×
  |previous| (`similar_tolerance`), else `improved`/`declined` by polarity, or `up`/`down` for
  neutral KPIs; `n/a` when either value is missing. Shown as ▲ ▼ ▬ with the word.
- `assessment_timescale_months` (default {_RULES.assessment_timescale_months}) and
  `supervision_interval_days` (default {_RULES.supervision_interval_days}) set the two timeliness rules.
- The scorecard has one row per target key, in catalogue order.
"""

MAPPING = """## From published figures to KPIs: Dorset 2022/23

How the figures councils publish map onto the catalogue, with Dorset Council's Fostering
Service Annual Report 2022/23 (Corporate Parenting Board, 25 May 2023) as the worked
example. Its figures were typed by hand; the tool computes each from the records, so the
inconsistencies noted below cannot occur.

| the report says | KPI | how it is computed |
| --- | --- | --- |
| 169 fostering households on 31 March 2023: 116 mainstream, 52 connected persons, 1 foster to adopt | `households_end` by `household_type` | households active on the period's last day: MAINSTREAM 116, CONNECTED 52, FFA 1 |
| 59 households recruited: 10 mainstream, 47 connected, 2 foster to adopt | `approvals` by `household_type` | households.csv approval_date in the period |
| 62 enquiries, 41 initial visits, 10 approved | `enquiries`, `initial_visits`, `approvals_from_enquiries` | enquiries.csv, each stage by the date it happened |
| "a 16.1% conversion rate from enquiry to approval" | `enquiry_to_approval_rate` | 10 approvals ÷ 62 enquiries = 0.161 (16.1%); the benchmark quoted (10% nationally, The Fostering Network) belongs in `[benchmarks]` |
| 22 assessments in progress: 9 mainstream, 13 connected | `assessments_in_progress_end` by `household_type_sought` | applications by the end, neither approved nor closed by then |
| 29 mainstream and 47 connected households deregistered | `deregistrations` by `household_type` | deregistration_date in the period |
| 27 resigned, 2 initiated by the service; 42 children moved on, 14 SGOs, 1 resigned | `deregistrations` by `reason` | RESIGNED, TERMINATED, CHILD_MOVED_ON, SGO (the published connected reasons add up to 57, not 47) |
| mainstream: 27 resigned, 2 ended by the service; connected: 32 children moved on, 14 special guardianship, 1 resigned | `deregistrations`, cross-tabulation `household_type/reason` | MAINSTREAM × RESIGNED 27, MAINSTREAM × TERMINATED 2, CONNECTED × CHILD_MOVED_ON 32, CONNECTED × SGO 14, CONNECTED × RESIGNED 1 |
| "an overall loss of 21 households (19 mainstream, 2 connected)" | `net_change` by `household_type` | approvals − deregistrations: mainstream 10 − 29 = −19; the published totals give 59 − 76 = −17, not −21 |
| "1 in 8 fostering households leaving" (Ofsted, nationally) | `deregistration_rate` | deregistrations ÷ (households at the start + approvals) |
| 321 approved beds: 268 mainstream, 52 connected, 1 foster to adopt | `approved_places_end` by `household_type` | approved_places of households active on the last day |
| 179 beds used (126 mainstream, 52, 1); "179 children living in 169 in-house placements" | `children_placed_end` by `household_type` | distinct children in a MAIN in-house placement on the last day (the report also says 180) |
| "utilization rate of foster children to mainstream fostering households is 1.09" | `utilisation_rate` by `household_type`, key MAINSTREAM | 126 children ÷ 116 mainstream households = 1.086 → 1.09; the whole-service figure is 179 ÷ 169 = 1.06 |
| 142 beds not in use | `places_vacant_end` + `places_on_hold_end` | approved − filled places: 321 − 179 = 142; split into primary and secondary vacancies and holds by reason |
| 437 children looked after, 307 (70%) in foster care | `children_in_care_end`, `fostered_share` | (IN_HOUSE + IFA) ÷ all MAIN placements on the last day: 307 ÷ 437 = 70.3% |
| 180 (59%) with Dorset's carers, 127 (41%) with IFAs | `in_house_share`, `children_in_care_end` by `provider` | IN_HOUSE ÷ (IN_HOUSE + IFA) = 180 ÷ 307 = 58.6% |
| "81% of annual reviews completed" | `reviews_on_time_rate` | the share of reviews due in the period completed by their due date (a stated definition, unlike the published one) |
| 13 complaints, 6 upheld (by complainant: 8 from carers, 4 of them upheld …) | `complaints`, `complaints_upheld` by `complainant` | complaints.csv received_date in the period; upheld = UPHELD or PARTLY_UPHELD (the published split adds up to 4 upheld, not 6) |
| 20 LADO referrals, 13 by children; 19 no further action (95%); physical 6, sexual 1, neglect 6, emotional 7 | `allegations` by `source`, `category`, `outcome`; `allegations_nfa_rate` | allegations.csv referral_date in the period; 19 ÷ 20 = 95% |
| 154 training courses delivered to 317 foster carers | `training_sessions`, `carers_trained` | distinct session_id and carer_id in the period |
| budget £5,320,883 funding an average of 220 placements | `budget`, `funded_placements` | Σ budget and Σ funded_placements of budget.csv for 2022-23 |
| expenditure £3,995,295, "an underspend of £1,325,558" | `outturn`, `budget_variance` | outturn − budget = 3,995,295 − 5,320,883 = −£1,325,588 (the text's 1,325,558 is a typing error) |
| Mockingbird: Pegasus (1 hub, 10 satellites) and Orion (1 hub, 8) | `mockingbird_constellations_end`, `mockingbird_households_end` by `role`, `mockingbird_share` | 2 constellations; 20 households (HUB 2, SATELLITE 18); 20 ÷ 169 = 11.8% of households |
"""

CHOICES = """## Choices where the spec is silent

Periods
- `--ytd` needs `--quarter` (exit 2 without it). `--quarter` without `--year` takes the
  quarter of the default year (the latest financial year ended by the newest date).
- A financial year has "ended by" a date when its 31 March is on or before that date.
- Labels: `2022/23`, `2022/23 Q2`, `2022/23 Q1–Q2 (year to date)` (`2022/23 Q1 (year to date)`
  for Q1); file slugs `2022-23`, `2022-23-q2`, `2022-23-ytd-q2`.
- `--trend N` always uses whole financial years, even for a quarterly period; for a
  `--from`/`--to` period, the N same-length periods ending with it. `build` takes its
  trend from `[report] trend_years` (default 5), or `build --trend N`.
- A custom period is labelled `Sep 2023–Aug 2024` (whole months), `September 2023` (one
  month) or `5 Sep 2023–4 Oct 2023`, said `1 September 2023 to 31 August 2024`; its file
  slug is `2023-09-01-to-2024-08-31`. The JSON `period` keeps its shape (label, start, end).
- previous is computed whatever the extracts' first date: a year before the data begins shows
  zeros for flow counts (the extracts cannot say whether it had none).

Counting
- Blank values of an optional coded column (enquiry source, hold reason, panel outcome,
  allegation source and category, training mode) are counted under `NOT_RECORDED`, which is
  always present in those breakdowns.
- A `[targets]`/`[benchmarks]` key `id.CODE` whose code belongs to two breakdowns of the KPI
  (only `NOT_RECORDED` of `allegations`) refers to the first.
- Holds: when a household has several holds in force on the last day, the latest-starting one
  (then the later row) gives the reason. Holds of households not approved that day are ignored,
  so `households_on_hold_end` counts approved households only.
- `children_placed_end` counts children whatever the state of their household's approval;
  its breakdown uses the household's type in households.csv.
- A placement whose end date equals its start date covers no day: it is not in
  `children_placed_in_period` and adds no placement-days.
- Same-period conversion rates (`enquiry_to_approval_rate` etc.) are not capped: a quarter
  with more approvals than enquiries shows more than 100%, as the definition says.
- `cohort_approval_rate` for a quarter follows the enquiries of the same quarter one year earlier.
- `assessments_within_timescale_rate` and `median_days_application_to_approval` leave out
  approvals without an application date. Calendar months are added with month-end clipping:
  an application on 31 August with 6 months is due by 28 (or 29) February.
- Supervision gaps: a gap covers the days after its first contact up to and including its
  closing contact (or the end of the household's window), and counts for the period when one
  of those days is in the period. A visit on the period's first day that closes a long gap is
  a late visit in the period. Visits before approval or after the window are ignored. Households
  "active at some point in the period" are those approved on at least one of its days.
- `unannounced_visit_rate` counts an UNANNOUNCED visit dated in the period.
- `reviews_overdue_end` follows the spec literally: it includes reviews of households that have
  since been deregistered, if they were never completed.
- Training: a session counts once, under the first mode recorded for it in the file.
- Mockingbird: a membership is current when joined ≤ end (blank = launch date), left_date
  (the first day no longer a member) is blank or after the end, and the household is approved
  that day. A household in two memberships counts once, as HUB if it is a hub in either.
  Constellations also need launch_date ≤ end.

Finance
- Budget lines are matched on their exact text. When two rows of one line share the latest
  as_at, the later row in the file is used. Lines are listed in the order they first appear.
- When the financial year has no row struck by the period's end, the finance KPIs are left out
  and `left_out` says so ("budget: budget.csv has no rows for 2022-23 struck by 30 June 2022").
- The "forecast" note is carried by `outturn` and by what is computed from it
  (`budget_variance`, `budget_variance_rate`, `cost_per_placement_week`). The JSON shape of
  cli.md has no field for it; it is shown in the table and the report.
- `cost_per_placement_week` is rounded to the penny (half up); it is `null` when the year has
  no in-house placement-days. `funded_placements` is `null` when no chosen line gives it.

Judgements
- An unknown `--kpi` id or `[targets]`/`[benchmarks]` key gets the closest valid one when it
  looks like a typo (`aprovals` → `approvals`); one that resembles nothing (`nonsense`) is
  told so and pointed at `fosterreport kpis --list`, rather than offered an unrelated id.
- RAG for a neutral KPI with a target measures the distance from the target either side.
- A target of 0 is green when met (or bettered) and red otherwise.
- Thresholds compare with a slack of 1e-9, so a value exactly on a threshold lands where the
  arithmetic on paper puts it (0.114 against a target of 0.12 is a 5% shortfall: green).
- Direction when previous is 0: no change is `similar`; any change is a direction.

Output
- JSON: money is a number of pounds with its pence (`1325588.5`, `1325588.0`); rates keep full
  double precision; keys are in catalogue and code-list order, so the same inputs give the same
  bytes. The schema is `docs/kpis.schema.json`.
- CSV: `kpi,breakdown,key,value,previous,target,rag,period,unit`: one row per KPI value,
  breakdown value and cross-tabulation cell (breakdown `household_type/reason`, key
  `MAINSTREAM/RESIGNED`, no target or RAG), each with its period's label (`2022/23`) and the KPI's unit; the spec's
  seven columns come first, in their order, so `period` and `unit` move no column. With
  `--trend N` a row follows for each earlier trend year's value and breakdown value (that
  year's label; no previous, target or RAG), suppressed as the JSON's trend is; the trend
  year that is the period itself is the rows above. `\\n` line endings; money written with
  two decimals, other numbers in full precision; blank for undefined. Text cells starting with `=`, `+`, `-`, `@`, tab or carriage return get a
  leading apostrophe; numeric cells are written as numbers and never altered, so `-18` stays a
  number.
- The terminal table shows breakdowns when `--kpi` picks KPIs; notes on what was left out go to
  stderr, so stdout carries only the table, JSON or CSV.
- Suppression: with `[publication] suppress_below = n`, the JSON and CSV withhold exactly what
  the report prints as "c" (counts 1 … n−1, and the rates, ratios and medians built on them;
  the JSON beside a report is the same JSON). The JSON then carries `"suppress_below": n` at
  the top; a withheld figure is `null` and flagged: `"suppressed"` (true or false on every KPI,
  scorecard row and trend entry), `"previous_suppressed"` (KPIs and scorecard rows) and
  `"by_suppressed"` (KPIs and trend entries: each breakdown with the keys withheld) and
  `"cross_suppressed"` (KPIs with cross-tabulations: each with its cells withheld, as
  `ROW/COLUMN`); the change
  of a KPI whose value or previous is withheld is `null` and its direction `"n/a"`. A CSV cell that is withheld holds
  `c`. Warnings keep their file, line, column and rule, but their message is the rule's
  description (as the report's appendix, which never copies a message: it can quote one
  record's figures or dates). Without suppression the flags are absent and the output is as
  above. The terminal table
  shows every figure as computed: it is for the analyst checking them, not for publication.
  A cell withheld alone in a breakdown that adds up to its published total takes the next
  smallest non-zero cell with it (secondary suppression), so it cannot be worked out.
- Coverage: a figure the extracts cannot support (its period, or the look-back it needs,
  starts before a file it is built from) is `null` with the reason: `"not_covered"` on the
  KPI (and on a trend entry), `"previous_not_covered"` for its previous period ("visits.csv
  starts 1 April 2021"); these keys appear only then. Its change is `null`, its direction
  `"n/a"` and it has no RAG.
- Months (`kpis --months`): see "Months" above. A `--from`/`--to` period that starts or ends
  inside a month has that month cut to the period's days (keyed by its month all the same), so
  the months' flows still add up to the period's. The terminal table shows no months, and
  `--months` cannot be combined with `--region`.
"""


def markdown() -> str:
    lines = [HEADER]
    for section in SECTIONS:
        lines.extend(_section_table(section))
    lines.extend(_breakdowns())
    lines.extend(_monthly())
    lines.extend(_crosses())
    lines.append(JUDGEMENTS)
    lines.append(MAPPING)
    lines.append(CHOICES)
    return "\n".join(lines).rstrip() + "\n"


# -- the JSON Schema ----------------------------------------------------------------------

_VALUE = {
    "count": {"type": ["integer", "null"]},  # null only when withheld (suppressed)
    "rate": {"type": ["number", "null"]},
    "ratio": {"type": ["number", "null"]},
    "number": {"type": ["number", "null"]},
    "days": {"type": ["number", "null"]},
    "money": {"type": ["number", "null"]},
}


def _by_schema(kpi: Kpi) -> dict[str, Any]:
    properties = {}
    for axis in kpi.axes:
        if axis.dynamic:
            properties[axis.name] = {"type": "object", "additionalProperties": _VALUE[kpi.unit]}
        else:
            properties[axis.name] = {"type": "object", "required": list(axis.keys), "additionalProperties": False,
                                     "properties": {key: _VALUE[kpi.unit] for key in axis.keys}}
    return {"type": "object", "required": list(kpi.breakdowns), "additionalProperties": False,
            "properties": properties}


def _cross_schema(kpi: Kpi) -> dict[str, Any]:
    """Each cross-tabulation: every row key, each with every column key."""
    def table(cross) -> dict[str, Any]:
        line = {"type": "object", "required": list(cross.columns.keys), "additionalProperties": False,
                "properties": {key: _VALUE["count"] for key in cross.columns.keys}}
        return {"type": "object", "required": list(cross.rows.keys), "additionalProperties": False,
                "properties": {key: line for key in cross.rows.keys}}

    names = [cross.name for cross in kpi.crosses]
    return {"type": "object", "required": names, "additionalProperties": False,
            "properties": {cross.name: table(cross) for cross in kpi.crosses}}


def _cross_suppressed_schema(kpi: Kpi) -> dict[str, Any]:
    """Present when suppression is on: each cross-tabulation with its cells withheld (ROW/COLUMN)."""
    return {"type": "object", "required": [cross.name for cross in kpi.crosses], "additionalProperties": False,
            "properties": {cross.name: {"type": "array", "uniqueItems": True, "items": {
                "enum": [f"{row}/{column}" for row in cross.rows.keys for column in cross.columns.keys]}}
                for cross in kpi.crosses}}


def _kpi_schema(kpi: Kpi) -> dict[str, Any]:
    schema = _plain_kpi_schema(kpi)
    if kpi.crosses:
        schema["required"].append("cross")
        schema["properties"]["cross"] = _cross_schema(kpi)
        schema["properties"]["cross_suppressed"] = _cross_suppressed_schema(kpi)
    return schema


def _plain_kpi_schema(kpi: Kpi) -> dict[str, Any]:
    value = _VALUE[kpi.unit]
    nullable = {"type": ["integer" if kpi.unit == "count" else "number", "null"]}
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["label", "unit", "value", "by", "previous", "change", "direction", "target", "rag",
                     "benchmark", "benchmarks"],
        "properties": {
            "label": {"const": kpi.label},
            "unit": {"const": kpi.unit},
            "value": value,
            "by": _by_schema(kpi),
            "previous": nullable,
            "change": nullable,
            "direction": {"$ref": "#/$defs/direction"},
            "target": {"type": ["number", "null"]},
            "rag": {"$ref": "#/$defs/rag"},
            "benchmark": {"oneOf": [{"type": "null"}, {"$ref": "#/$defs/benchmark"}]},
            "benchmarks": {"type": "array", "items": {"$ref": "#/$defs/benchmark"}},
            "suppressed": {"type": "boolean"},
            "previous_suppressed": {"type": "boolean"},
            "by_suppressed": _by_suppressed_schema(kpi),
            "not_covered": _NOT_COVERED,
            "previous_not_covered": _NOT_COVERED,
            **({"months": _months_schema(kpi)} if kpi.monthly else {}),
        },
    }


#: Present only when the extracts cannot support the figure: why ("visits.csv starts …").
_NOT_COVERED = {"type": "string", "minLength": 1}


def _point_schema(kpi: Kpi) -> dict[str, Any]:
    """One trend year's (or one month's) figure of ``kpi``."""
    return {"type": "object", "additionalProperties": False, "required": ["value", "by"],
            "properties": {"value": _VALUE[kpi.unit], "by": _by_schema(kpi), "suppressed": {"type": "boolean"},
                           "by_suppressed": _by_suppressed_schema(kpi), "not_covered": _NOT_COVERED}}


def _months_schema(kpi: Kpi) -> dict[str, Any]:
    """``kpis --months``: each calendar month of the period, keyed ``2023-04``."""
    return {"type": "object", "propertyNames": {"pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$"},
            "additionalProperties": _point_schema(kpi)}


def _by_suppressed_schema(kpi: Kpi) -> dict[str, Any]:
    """Present when suppression is on: each breakdown with the keys withheld."""
    return {"type": "object", "required": list(kpi.breakdowns), "additionalProperties": False,
            "properties": {axis.name: {"type": "array", "items": {"type": "string"}, "uniqueItems": True}
                           for axis in kpi.axes}}


def json_schema() -> dict[str, Any]:
    period = {"type": "object", "additionalProperties": False, "required": ["label", "start", "end"],
              "properties": {"label": {"type": "string"}, "start": {"type": "string", "format": "date"},
                             "end": {"type": "string", "format": "date"}}}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://fosterreport.invalid/kpis.schema.json",
        "title": "fosterreport kpis --format json",
        "description": "Generated by `python -m fosterreport.kpis.docs schema`; do not edit by hand.",
        "type": "object",
        "additionalProperties": False,
        "required": ["fosterreport_version", "authority", "period", "kpis", "scorecard", "left_out", "warnings"],
        "properties": {
            "fosterreport_version": {"type": "string"},
            "authority": {"type": ["string", "null"]},
            "sample": {"const": True},
            "warnings_withheld": {"const": True},
            "period": {"$ref": "#/$defs/period"},
            "suppress_below": {"type": "integer", "minimum": 1},
            "kpis": {"type": "object", "additionalProperties": False,
                     "properties": {kpi.id: _kpi_schema(kpi) for kpi in CATALOGUE}},
            "scorecard": {"type": "array", "items": {
                "type": "object", "additionalProperties": False,
                "required": ["key", "value", "target", "rag", "previous", "direction"],
                "properties": {"key": {"type": "string"}, "value": {"type": ["number", "null"]},
                               "target": {"type": "number"}, "rag": {"$ref": "#/$defs/rag"},
                               "previous": {"type": ["number", "null"]},
                               "direction": {"$ref": "#/$defs/direction"},
                               "suppressed": {"type": "boolean"},
                               "previous_suppressed": {"type": "boolean"}}}},
            "left_out": {"type": "array", "items": {"type": "string"}},
            "warnings": {"type": "array", "items": {
                "type": "object", "additionalProperties": False,
                "required": ["file", "line", "column", "rule", "message"],
                "properties": {"file": {"type": "string"}, "line": {"type": ["integer", "null"]},
                               "column": {"type": ["string", "null"]}, "rule": {"type": "string"},
                               "message": {"type": "string"}}}},
            "trend": {"type": "array", "items": {
                "type": "object", "additionalProperties": False, "required": ["period", "kpis"],
                "properties": {"period": {"$ref": "#/$defs/period"}, "kpis": {
                    "type": "object", "additionalProperties": False,
                    "properties": {kpi.id: _point_schema(kpi) for kpi in CATALOGUE}}}}},
            "restated": {"type": "array", "items": {  # only with [report] previous_report
                "type": "object", "additionalProperties": False, "required": ["kpi", "key", "published", "now"],
                "properties": {"kpi": {"enum": [kpi.id for kpi in CATALOGUE]}, "key": {"type": ["string", "null"]},
                               "published": {"type": "number"}, "now": {"type": "number"}}}},
        },
        "$defs": {
            "period": period,
            "direction": {"enum": ["improved", "declined", "similar", "up", "down", "n/a"]},
            "rag": {"enum": ["green", "amber", "red", None]},
            "benchmark": {
                "type": "object", "additionalProperties": False, "required": ["value", "label", "source"],
                "properties": {"value": {"type": "number"}, "label": {"type": "string"},
                               "source": {"type": ["string", "null"]}}},
        },
    }


def json_schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args == ["schema"]:
        sys.stdout.write(json_schema_text())
    elif not args:
        sys.stdout.write(markdown())
    else:
        sys.stderr.write("usage: python -m fosterreport.kpis.docs [schema]\n")
        raise SystemExit(2)


if __name__ == "__main__":
    main()
