"""KPI results as JSON and CSV: the machine-readable outputs dashboards and CI rely on.

The JSON shape is the one in the spec's cli.md, with keys in a fixed order (KPIs in
catalogue order, breakdown keys in code-list order) so that the same results give the
same bytes. Values keep full precision; money is a JSON number of pounds with its pence
(``1325588.5``), dates are ISO. ``docs/kpis.schema.json`` describes the shape and a
test validates real output against it.

CSV is one row per KPI value, per breakdown value and per cross-tabulation cell
(breakdown ``household_type/reason``, key ``MAINSTREAM/RESIGNED``) (and, with a trend,
per trend year's value and breakdown value; with ``--months``, per month's), each naming
its period and unit. Text cells that a spreadsheet
would run as a formula (starting ``= + - @``, tab or carriage return) get a leading
apostrophe; numeric cells are written as plain numbers, so a negative change stays a
number and is not altered.

Small-number suppression (``[publication] suppress_below``) applies here as in the
report, decided by the same :class:`~fosterreport.kpis.results.Suppression`: this is
the one place the JSON and CSV are made, for ``kpis --format json|csv`` and for the
``kpis-<period>.json`` published beside a report alike. When it is on, the JSON says so
(``"suppress_below"`` at the top), a withheld figure is ``null`` and flagged
(``"suppressed"``, ``"previous_suppressed"``, ``"by_suppressed"``; change ``null`` and
direction ``"n/a"`` when either is withheld), and a CSV cell holds ``c``, as the report
prints it. With it off, the output is exactly as before (no flags).

``<``, ``>`` and ``&`` inside JSON strings are written ``\\u003c``, ``\\u003e``,
``\\u0026`` (the same JSON values), so text copied from an extract (a budget line) can
never read as markup wherever the JSON is opened or embedded.
"""

from __future__ import annotations

import csv
import io
import json
import math
import numbers
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from fosterreport import __version__
from fosterreport.formatting import SUPPRESSED

if TYPE_CHECKING:
    from fosterreport.kpis.results import KpiResults, KpiValue, Suppression
    from fosterreport.periods import Period

#: The spec's seven columns, then ``period`` and ``unit`` (issue 12), appended so that no
#: existing column moves.
CSV_HEADER = ("kpi", "breakdown", "key", "value", "previous", "target", "rag", "period", "unit")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PENCE = Decimal("0.01")


def plain(value: Any) -> Any:
    """A value as JSON carries it: int, float (money: pounds with pence), str or None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        return float(value.quantize(PENCE))
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        return None if math.isnan(number) else number
    return value


def _period(period: Period) -> dict[str, str]:
    return {"label": period.label, "start": period.start.isoformat(), "end": period.end.isoformat()}


def _by(by: dict[str, dict[str, Any]], hidden=lambda name, key: False) -> dict[str, dict[str, Any]]:
    return {name: {key: None if hidden(name, key) else plain(value) for key, value in values.items()}
            for name, values in by.items()}


def _by_suppressed(by: dict[str, dict[str, Any]], hidden) -> dict[str, list[str]]:
    """Breakdown name -> the keys withheld (every breakdown named, so the shape is stable)."""
    return {name: [key for key in values if hidden(name, key)] for name, values in by.items()}


def _kpi(value: KpiValue, hide: Suppression) -> dict[str, Any]:
    kpi = value.kpi
    bench = value.benchmark
    withheld = hide.withheld(kpi.id)
    previous_withheld = hide.withheld(kpi.id, "previous")
    either = withheld or previous_withheld

    def hidden(name: str, key: str) -> bool:
        return hide.withheld(kpi.id, "value", name, key)

    entry = {
        "label": kpi.label,
        "unit": kpi.unit,
        "value": None if withheld else plain(value.value),
        "by": _by(value.by, hidden),
        "previous": None if previous_withheld else plain(value.previous),
        "change": None if either else plain(value.change),
        "direction": "n/a" if either else value.direction,
        "target": plain(value.target),
        "rag": None if withheld else value.rag,  # a RAG against a known target pins a withheld value
        "benchmark": None if bench is None else _benchmark(bench),
        "benchmarks": [_benchmark(each) for each in value.benchmarks],  # published context: never withheld
    }
    if hide.suppress_below:
        entry.update(suppressed=withheld, previous_suppressed=previous_withheld,
                     by_suppressed=_by_suppressed(value.by, hidden))
    if kpi.crosses:
        _cross(entry, value, hide)
    _coverage(entry, "not_covered", value.figure)
    _coverage(entry, "previous_not_covered", value.before)
    return entry


def _with_months(entry: dict[str, Any], results: KpiResults, kpi_id: str, hide: Suppression) -> dict[str, Any]:
    """The KPI's entry, with ``"months"`` last when ``--months`` computed it (only then)."""
    found = _months(results, kpi_id, hide)
    if found:
        entry["months"] = found
    return entry


def _benchmark(bench) -> dict[str, Any]:
    return {"value": bench.value, "label": bench.label, "source": bench.source}


def _cross(entry: dict[str, Any], value: KpiValue, hide: Suppression) -> None:
    """``"cross"``: each cross-tabulation the catalogue declares for the KPI, row key ->
    column key -> count (every key present, a withheld cell null); with suppression on,
    ``"cross_suppressed"`` lists each table's withheld cells as ``ROW/COLUMN``."""
    tables, flags = {}, {}
    for table in value.kpi.crosses:
        cells = value.figure.cross.get(table.name, {})
        hidden = hide.cross_withheld(value.kpi.id, table.name)
        tables[table.name] = {row: {column: None if (row, column) in hidden else plain(count)
                                    for column, count in line.items()} for row, line in cells.items()}
        flags[table.name] = [f"{row}/{column}" for row, line in cells.items() for column in line
                             if (row, column) in hidden]
    entry["cross"] = tables
    if hide.suppress_below:
        entry["cross_suppressed"] = flags


def _coverage(entry: dict[str, Any], key: str, figure) -> None:
    """Say why a figure is null when the extracts cannot support it (the key only then)."""
    if figure is not None and figure.not_covered:
        entry[key] = figure.not_covered


def _scorecard_row(row, hide: Suppression) -> dict[str, Any]:
    withheld = hide.withheld(row.kpi.id, "value", row.breakdown, row.code)
    previous_withheld = hide.withheld(row.kpi.id, "previous", row.breakdown, row.code)
    entry = {"key": row.key, "value": None if withheld else plain(row.value), "target": plain(row.target),
             "rag": None if withheld else row.rag, "previous": None if previous_withheld else plain(row.previous),
             "direction": "n/a" if withheld or previous_withheld else row.direction}
    if hide.suppress_below:
        entry.update(suppressed=withheld, previous_suppressed=previous_withheld)
    return entry


def month_key(period: Period) -> str:
    """A month's key in ``"months"`` and its CSV ``period`` cell: ``2023-04``."""
    return f"{period.start:%Y-%m}"


def _months(results: KpiResults, kpi_id: str, hide: Suppression) -> dict[str, dict[str, Any]]:
    """``"months"`` of one KPI: each month's entry, written as a trend year's is."""
    return {month_key(point.period): _trend_kpi(point, kpi_id, hide)
            for point in results.months if kpi_id in point.figures}


def _trend_kpi(point, kpi_id: str, hide: Suppression) -> dict[str, Any]:
    figure = point.figures[kpi_id]
    by = figure.by
    withheld = hide.trend_withheld(point, kpi_id)

    def hidden(name: str, key: str) -> bool:
        return hide.trend_withheld(point, kpi_id, name, key)

    entry = {"value": None if withheld else plain(figure.value), "by": _by(by, hidden)}
    if hide.suppress_below:
        entry.update(suppressed=withheld, by_suppressed=_by_suppressed(by, hidden))
    _coverage(entry, "not_covered", figure)
    return entry


def to_json(results: KpiResults, suppress_below: int | None = None) -> dict[str, Any]:
    """The stable shape; ``suppress_below`` defaults to the results' own (their config's)."""
    hide = results.suppression(suppress_below)
    document: dict[str, Any] = {
        "fosterreport_version": __version__,
        "authority": results.authority,
        "period": _period(results.period),
    }
    if results.sample:
        document["sample"] = True  # the embedded, fictional council: no real service
    if hide.suppress_below:
        document["suppress_below"] = hide.suppress_below
    document.update({
        "kpis": {kpi_id: _with_months(_kpi(value, hide), results, kpi_id, hide)
                 for kpi_id, value in results.values.items()},
        "scorecard": [_scorecard_row(row, hide) for row in results.scorecard],
        "left_out": list(results.left_out),
        "warnings": [
            {"file": problem.file, "line": problem.line, "column": problem.column, "rule": problem.rule,
             "message": _warning_message(problem, hide)}
            for problem in ([] if warnings_withheld(results.warnings, hide) else results.warnings)
        ],
    })
    if warnings_withheld(results.warnings, hide):
        document["warnings_withheld"] = True
    if results.trend:
        document["trend"] = [
            {"period": _period(point.period),
             "kpis": {kpi_id: _trend_kpi(point, kpi_id, hide) for kpi_id in point.figures}}
            for point in results.trend
        ]
    if results.restated is not None:  # [report] previous_report set: figures last year published otherwise
        document["restated"] = [{"kpi": each.kpi, "key": each.key, "published": each.published, "now": each.now}
                                for each in results.restated  # none withheld now: it would be revealed
                                if not hide.withheld(each.kpi, "previous", each.breakdown, each.key)]
    return document


def warnings_withheld(warnings: list, hide: Suppression) -> bool:
    """With suppression on, the warnings are a count of records by file and rule, as the
    report's Appendix B counts them: when a group is small, listing the warnings would
    publish the count the report withholds, so none are listed."""
    from collections import Counter

    groups = Counter((problem.file, problem.rule) for problem in warnings)
    return any(hide.small(count) for count in groups.values())


def _warning_message(problem, hide: Suppression) -> str:
    """The warning's message; for publication (suppression on), the rule's description
    instead, as the report's Appendix B does: a message can quote one record's figures or
    dates ("the household has 2 children placed at once and 1 approved places")."""
    if not hide.suppress_below:
        return problem.message
    from fosterreport.problems import RULES

    return RULES.get(problem.rule, problem.rule)


def json_text(document: Any) -> str:
    """A JSON document as the tool writes it: indented, UTF-8, deterministic, with ``<``,
    ``>`` and ``&`` inside strings written ``\\u003c``… (the same values), so text from an
    extract never reads as markup wherever the file is opened or embedded; control and
    bidi characters are written ``\\u202e``… too, so none acts on the text around it."""
    from fosterreport.text import CONTROLS

    text = json.dumps(document, indent=2, ensure_ascii=False)  # (C0 controls are escaped by json itself)
    text = CONTROLS.sub(lambda match: f"\\u{ord(match.group()):04x}", text)  # and DEL, C1 and bidi marks
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n"


def to_json_text(results: KpiResults, suppress_below: int | None = None) -> str:
    """:func:`to_json` as text (:func:`json_text`)."""
    return json_text(to_json(results, suppress_below))


def safe_text(text: str) -> str:
    """A text cell a spreadsheet will show as text, never run as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def number_cell(value: Any) -> str:
    """A numeric cell: full precision, money to the penny, blank when undefined."""
    value = plain(value) if not isinstance(value, Decimal) else value.quantize(PENCE)
    if value is None:
        return ""
    return repr(value) if isinstance(value, float) else str(value)


def to_csv(results: KpiResults, suppress_below: int | None = None) -> str:
    """One row per KPI value and breakdown value, then (with ``--trend``) one per trend
    year's value and breakdown value; a withheld figure is ``c``, as in the report.

    ``period`` and ``unit`` come after the spec's seven columns, so a reader that takes
    columns by position still finds them where they were. A trend row has its year's
    label and no previous, target or RAG; the trend year that is the period itself is
    not repeated (its figures are the KPI rows above). With ``--months``, then one row per
    month's value and breakdown value of each KPI that has a monthly form, its ``period``
    the month (``2023-04``, as the JSON's ``"months"`` key), written as a trend row is."""
    hide = results.suppression(suppress_below)
    targets = {row.key: row for row in results.scorecard}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    label = safe_text(results.period.label)

    def cell(value, kpi_id: str, which: str, name: str | None = None, key: str | None = None) -> str:
        return SUPPRESSED if hide.withheld(kpi_id, which, name, key) else number_cell(value)

    for kpi_id, found in results.values.items():
        unit = safe_text(found.kpi.unit)
        rag = "" if hide.withheld(kpi_id) else found.rag or ""
        writer.writerow([safe_text(kpi_id), "", "", cell(found.value, kpi_id, "value"),
                         cell(found.previous, kpi_id, "previous"), number_cell(found.target), rag, label, unit])
        for name, values in found.by.items():
            previous = found.previous_by.get(name, {})
            for key, value in values.items():
                row = targets.get(f"{kpi_id}.{key}")
                rag = "" if row is None or hide.withheld(kpi_id, "value", name, key) else row.rag or ""
                writer.writerow([safe_text(kpi_id), safe_text(name), safe_text(str(key)),
                                 cell(value, kpi_id, "value", name, key),
                                 cell(previous.get(key), kpi_id, "previous", name, key),
                                 number_cell(row.target if row else None), rag, label, unit])
        _cross_rows(writer, found, hide, label, unit)
    for point in results.trend:
        for kpi_id in point.figures:
            if not (point.period == results.period and kpi_id in results.values):
                _point_rows(writer, point, kpi_id, safe_text(point.period.label), hide)
    for kpi_id in results.values:
        for point in results.months:
            if kpi_id in point.figures:
                _point_rows(writer, point, kpi_id, month_key(point.period), hide)
    return buffer.getvalue()


def _point_rows(writer, point, kpi_id: str, period: str, hide: Suppression) -> None:
    """The rows of one trend year's (or one month's) figure: no previous, target or RAG."""
    from fosterreport.kpis.catalogue import BY_ID

    figure = point.figures[kpi_id]
    unit = safe_text(BY_ID[kpi_id].unit)

    def cell(value, name: str | None = None, key: str | None = None) -> str:
        return SUPPRESSED if hide.trend_withheld(point, kpi_id, name, key) else number_cell(value)

    writer.writerow([safe_text(kpi_id), "", "", cell(figure.value), "", "", "", period, unit])
    for name, values in figure.by.items():
        for key, value in values.items():
            writer.writerow([safe_text(kpi_id), safe_text(name), safe_text(str(key)), cell(value, name, key),
                             "", "", "", period, unit])


def _cross_rows(writer, found: KpiValue, hide: Suppression, label: str, unit: str) -> None:
    """One CSV row per cross-tabulation cell: breakdown ``rows/columns``
    ("household_type/reason"), key ``ROW/COLUMN`` ("MAINSTREAM/RESIGNED"), no target or RAG."""
    kpi_id = found.kpi.id
    for table in found.kpi.crosses:
        hidden = hide.cross_withheld(kpi_id, table.name)
        hidden_before = hide.cross_withheld(kpi_id, table.name, "previous")
        before = {} if found.before is None else found.before.cross.get(table.name, {})
        for row, line in found.figure.cross.get(table.name, {}).items():
            for column, count in line.items():
                previous = before.get(row, {}).get(column)
                writer.writerow([safe_text(kpi_id), safe_text(table.name), safe_text(f"{row}/{column}"),
                                 SUPPRESSED if (row, column) in hidden else number_cell(count),
                                 SUPPRESSED if (row, column) in hidden_before else number_cell(previous),
                                 "", "", label, unit])


def catalogue_csv() -> str:
    """``kpis --list --format csv``: the catalogue, one row per KPI."""
    from fosterreport.kpis.catalogue import CATALOGUE

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(("id", "label", "unit", "polarity", "section", "breakdowns", "definition"))
    for kpi in CATALOGUE:
        writer.writerow([safe_text(text) for text in (kpi.id, kpi.label, kpi.unit, kpi.polarity, kpi.section,
                                                      " ".join(kpi.breakdowns), kpi.definition)])
    return buffer.getvalue()
