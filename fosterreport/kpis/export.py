"""KPI results as JSON and CSV: the machine-readable outputs dashboards and CI rely on.

The JSON shape is the one in the spec's cli.md, with keys in a fixed order (KPIs in
catalogue order, breakdown keys in code-list order) so that the same results give the
same bytes. Values keep full precision; money is a JSON number of pounds with its pence
(``1325588.5``), dates are ISO. ``docs/kpis.schema.json`` describes the shape and a
test validates real output against it.

CSV is one row per KPI value and per breakdown value. Text cells that a spreadsheet
would run as a formula (starting ``= + - @``, tab or carriage return) get a leading
apostrophe; numeric cells are written as plain numbers, so a negative change stays a
number and is not altered.
"""

from __future__ import annotations

import csv
import io
import json
import math
import numbers
from decimal import Decimal
from typing import Any

from fosterreport import __version__
from fosterreport.kpis.results import KpiResults, KpiValue
from fosterreport.periods import Period

CSV_HEADER = ("kpi", "breakdown", "key", "value", "previous", "target", "rag")
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


def _by(by: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {name: {key: plain(value) for key, value in values.items()} for name, values in by.items()}


def _kpi(value: KpiValue) -> dict[str, Any]:
    kpi = value.kpi
    bench = value.benchmark
    return {
        "label": kpi.label,
        "unit": kpi.unit,
        "value": plain(value.value),
        "by": _by(value.by),
        "previous": plain(value.previous),
        "change": plain(value.change),
        "direction": value.direction,
        "target": plain(value.target),
        "rag": value.rag,
        "benchmark": None if bench is None else {"value": bench.value, "label": bench.label, "source": bench.source},
    }


def to_json(results: KpiResults) -> dict[str, Any]:
    document: dict[str, Any] = {
        "fosterreport_version": __version__,
        "authority": results.authority,
        "period": _period(results.period),
        "kpis": {kpi_id: _kpi(value) for kpi_id, value in results.values.items()},
        "scorecard": [
            {"key": row.key, "value": plain(row.value), "target": plain(row.target), "rag": row.rag,
             "previous": plain(row.previous), "direction": row.direction}
            for row in results.scorecard
        ],
        "left_out": list(results.left_out),
        "warnings": [
            {"file": problem.file, "line": problem.line, "column": problem.column, "rule": problem.rule,
             "message": problem.message}
            for problem in results.warnings
        ],
    }
    if results.trend:
        document["trend"] = [
            {"period": _period(point.period),
             "kpis": {kpi_id: {"value": plain(value), "by": _by(point.by.get(kpi_id, {}))}
                      for kpi_id, value in point.values.items()}}
            for point in results.trend
        ]
    return document


def to_json_text(results: KpiResults) -> str:
    return json.dumps(to_json(results), indent=2, ensure_ascii=False) + "\n"


def safe_text(text: str) -> str:
    """A text cell a spreadsheet will show as text, never run as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def number_cell(value: Any) -> str:
    """A numeric cell: full precision, money to the penny, blank when undefined."""
    value = plain(value) if not isinstance(value, Decimal) else value.quantize(PENCE)
    if value is None:
        return ""
    return repr(value) if isinstance(value, float) else str(value)


def to_csv(results: KpiResults) -> str:
    targets = {row.key: row for row in results.scorecard}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for kpi_id, found in results.values.items():
        writer.writerow([safe_text(kpi_id), "", "", number_cell(found.value), number_cell(found.previous),
                         number_cell(found.target), found.rag or ""])
        for name, values in found.by.items():
            previous = found.previous_by.get(name, {})
            for key, value in values.items():
                row = targets.get(f"{kpi_id}.{key}")
                writer.writerow([safe_text(kpi_id), safe_text(name), safe_text(str(key)), number_cell(value),
                                 number_cell(previous.get(key)), number_cell(row.target if row else None),
                                 (row.rag or "") if row else ""])
    return buffer.getvalue()


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
