"""The regional comparison as JSON and CSV, for dashboards: a stable, documented shape.

The shape is in ``docs/region.md`` and ``docs/region.schema.json`` (a test validates real
output against it). Keys come in a fixed order (councils in folder order, KPIs in
catalogue order), so the same inputs give the same bytes. Values keep full precision, as
in ``kpis --format json``; money is pounds with pence.

Unlike a single council's ``kpis`` output, these are suppressed: a hub receives other
councils' data and its dashboards are shared, so a figure that would print "c" in the
regional report is ``null`` here, with ``"suppressed": true``, and so are the numerator,
denominator, rank, distance and share that would give it away.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from typing import Any

from fosterreport import __version__
from fosterreport.contract import EXTRACTS
from fosterreport.kpis.export import json_text, number_cell, plain, safe_text
from fosterreport.region.councils import CouncilOutcome
from fosterreport.region.figures import CouncilFigure, RegionBreakdown, RegionKpi, RegionResults

#: The ten columns of the comparison, then ``period`` and ``unit`` as ``kpis --format csv``
#: has them (appended, so a reader taking columns by position finds the others unmoved).
CSV_HEADER = ("kpi", "council", "name", "value", "previous", "direction", "rank", "distance", "share",
              "suppressed", "period", "unit")
STATUS = {"ok": "ok", "invalid": "invalid", "config": "config_error", "render": "render_error",
          "internal": "internal_error"}


def _period(period) -> dict[str, str]:
    return {"label": period.label, "start": period.start.isoformat(), "end": period.end.isoformat()}


def problem_counts(council: CouncilOutcome) -> list[dict[str, Any]]:
    """A failed council's problems by file and rule, counted (messages may quote ids)."""
    counts = Counter((problem.file, problem.rule, problem.severity) for problem in council.problems)
    return [{"file": file, "rule": rule, "severity": severity, "count": count}
            for (file, rule, severity), count in sorted(counts.items())]


def supplied(council: CouncilOutcome) -> list[str]:
    """The contract file names the council supplied, in contract order."""
    return [model.file for name, model in EXTRACTS.items() if name in council.files]


def _council(council: CouncilOutcome) -> dict[str, Any]:
    return {
        "id": council.key,
        "name": council.name,
        "status": STATUS[council.status],
        "files": supplied(council),
        "errors": council.error_count,
        "warnings": council.warning_count,
        "suppress_below": council.suppress_below,
        "problems": problem_counts(council),
        "left_out": list(council.results.left_out) if council.results else [],
    }


def _hidden(value: Any, suppressed: bool) -> Any:
    return None if suppressed else plain(value)


def _figure(figure: CouncilFigure) -> dict[str, Any]:
    hide = figure.suppressed
    return {
        "value": _hidden(figure.value, hide),
        "numerator": _hidden(figure.numerator, hide),
        "denominator": _hidden(figure.denominator, hide),
        "cases": _hidden(figure.cases, hide),
        "previous": _hidden(figure.previous, figure.previous_suppressed),
        "direction": "n/a" if hide or figure.previous_suppressed else figure.direction,
        "rank": figure.rank,
        "tied": figure.tied,
        "distance": plain(figure.distance),
        "share": plain(figure.share),
        "suppressed": hide,
        "previous_suppressed": figure.previous_suppressed,
        "note": figure.note,
    }


def _kpi(entry: RegionKpi) -> dict[str, Any]:
    kpi, hide = entry.kpi, entry.suppressed
    either = hide or entry.previous_suppressed
    return {
        "label": kpi.label,
        "unit": kpi.unit,
        "polarity": kpi.polarity,
        "aggregation": "sum" if entry.sums else entry.aggregation,  # pounds add up: a sum, as documented
        "region": {
            "value": _hidden(entry.value, hide),
            "numerator": _hidden(entry.numerator, hide),
            "denominator": _hidden(entry.denominator, hide),
            "cases": _hidden(entry.cases, hide),
            "previous": _hidden(entry.previous, entry.previous_suppressed),
            "change": None if either else plain(entry.change),
            "direction": "n/a" if either else entry.direction,
            "suppressed": hide,
            "previous_suppressed": entry.previous_suppressed,
            "councils_reporting": len(entry.councils),
            "note": entry.note,
            "target": plain(entry.target),
            "rag": None if hide else entry.rag,  # (a RAG against a known target would pin a withheld figure)
        },
        "councils": {key: _figure(figure) for key, figure in entry.councils.items()},
        "not_reporting": list(entry.not_reporting),
    }


def _cells(line) -> dict[str, Any]:
    return {code: {"value": _hidden(cell.value, cell.suppressed), "suppressed": cell.suppressed}
            for code, cell in line.items()}


def _breakdown(found: RegionBreakdown) -> dict[str, Any]:
    """``enquiries.source``: each council's cells and the region's, every code present."""
    return {"kpi": found.kpi.id, "breakdown": found.name, "codes": list(found.codes),
            "councils": {key: _cells(line) for key, line in found.councils.items()},
            "region": _cells(found.region)}


def to_json(region: RegionResults) -> dict[str, Any]:
    document: dict[str, Any] = {
        "fosterreport_version": __version__,
        "region": region.name,
        "period": _period(region.period),
        "suppress_below": region.suppress_below,
        "councils": [_council(council) for council in region.councils],
        "kpis": {kpi_id: _kpi(entry) for kpi_id, entry in region.values.items()},
        "left_out": list(region.left_out),
        "breakdowns": {found.key: _breakdown(found) for found in region.breakdowns},
    }
    if region.trend:
        document["trend"] = [
            {"period": _period(point.period),
             "kpis": {kpi_id: {"value": _hidden(value, point.suppressed.get(kpi_id, False)),
                               "suppressed": point.suppressed.get(kpi_id, False)}
                      for kpi_id, value in point.values.items()}}
            for point in region.trend
        ]
    return document


def to_json_text(region: RegionResults) -> str:
    """:func:`to_json` as text, written as the council's JSON is (markup characters escaped)."""
    return json_text(to_json(region))


def to_csv(region: RegionResults) -> str:
    """One row per KPI per council, then the region's row; suppressed cells are blank.
    Each row names its period and unit; with ``--trend``, a row per trend year of the
    region's figure follows (the period's own year is the rows above)."""
    from fosterreport.kpis.catalogue import BY_ID

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    label = safe_text(region.period.label)
    for kpi_id, entry in region.values.items():
        unit = safe_text(entry.kpi.unit)
        for key, figure in entry.councils.items():
            hide = figure.suppressed
            writer.writerow([
                safe_text(kpi_id), safe_text(key), safe_text(region.name_of(key)),
                "" if hide else number_cell(figure.value),
                "" if figure.previous_suppressed else number_cell(figure.previous),
                "n/a" if hide or figure.previous_suppressed else figure.direction,
                "" if figure.rank is None else figure.rank, number_cell(figure.distance),
                number_cell(figure.share), "true" if hide else "false", label, unit])
        hide = entry.suppressed
        writer.writerow([
            safe_text(kpi_id), "region", safe_text(region.name),
            "" if hide else number_cell(entry.value),
            "" if entry.previous_suppressed else number_cell(entry.previous),
            "n/a" if hide or entry.previous_suppressed else entry.direction, "", "", "",
            "true" if hide else "false", label, unit])
    for point in region.trend:
        for kpi_id, value in point.values.items():
            if point.period == region.period and kpi_id in region.values:
                continue
            hide = point.suppressed.get(kpi_id, False)
            writer.writerow([safe_text(kpi_id), "region", safe_text(region.name), "" if hide else number_cell(value),
                             "", "", "", "", "", "true" if hide else "false", safe_text(point.period.label),
                             safe_text(BY_ID[kpi_id].unit)])
    return buffer.getvalue()
