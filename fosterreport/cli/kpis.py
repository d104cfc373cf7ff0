"""``fosterreport kpis``: compute the KPIs and print them as a table, JSON or CSV.

For analysts checking figures before anyone reads a report: a table grouped by report
section with the previous year, direction of travel (symbol and word), target and RAG
(as a word, coloured only on a colour terminal), or the stable JSON and CSV shapes for
dashboards. ``--list`` prints the catalogue and needs no data. ``--region DIR`` compares
the councils of a regional hub instead (:mod:`fosterreport.cli.region`). Pandas and the
engine are imported inside the command, never when the CLI starts.
"""

from __future__ import annotations

import json
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from fosterreport.cli.app import (
    ConfigOption, DataOption, QuarterOption, QuietOption, StrictOption, YearOption, YtdOption, app, load_checked,
    reports_errors, say,
)
from fosterreport.cli.build import RegionOption, WorkersOption

if TYPE_CHECKING:
    from rich.console import Console

    from fosterreport.kpis.results import KpiResults, KpiValue


class KpiFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


RAG_STYLES = {"green": "bold green", "amber": "bold yellow", "red": "bold red"}
#: The KPI table's columns and minimum widths, so that every section's table lines up.
COLUMNS = (("KPI", 42), ("id", 35), ("Value", 13), ("Previous", 13), ("Direction", 11), ("Target", 8), ("RAG", 5))


@app.command()
@reports_errors
def kpis(
    year: YearOption = None,
    quarter: QuarterOption = None,
    ytd: YtdOption = False,
    data: DataOption = None,
    config: ConfigOption = None,
    strict: StrictOption = False,
    quiet: QuietOption = False,
    format: Annotated[KpiFormat, typer.Option(
        "--format", help="table (default), json (the stable shape for dashboards) or csv.")] = KpiFormat.table,
    kpi: Annotated[Optional[list[str]], typer.Option(
        "--kpi", help="Only this KPI id; repeat for several (see --list). The table then shows breakdowns.")] = None,
    trend: Annotated[int, typer.Option(
        "--trend", min=0, max=50, help="Also the household and recruitment KPIs for the N financial years "
                                       "ending with the period's year.")] = 0,
    list_catalogue: Annotated[bool, typer.Option(
        "--list", help="Print the KPI catalogue (id, label, unit, definition) and exit; needs no data.")] = False,
    region: RegionOption = None,
    workers: WorkersOption = None,
) -> None:
    """Compute and print the KPIs for a period, with the previous year, direction of travel, targets and RAG."""
    from fosterreport.kpis.catalogue import BY_ID, unknown_kpi_message
    from fosterreport.exceptions import UsageError

    if list_catalogue:
        print_catalogue(format)
        return
    unknown = [kpi_id for kpi_id in kpi or () if kpi_id not in BY_ID]
    if unknown:
        raise UsageError([unknown_kpi_message(kpi_id) for kpi_id in unknown])
    if region is not None:
        from fosterreport.cli.region import kpis_command

        return kpis_command(region, year=year, quarter=quarter, ytd=ytd, data=data, config=config, strict=strict,
                            quiet=quiet, format=format.value, kpi=kpi, trend=trend, workers=workers)

    from fosterreport.cli.app import choose_period, requested_period

    requested_period(year, quarter, ytd)  # a bad --year, --quarter or --ytd fails before anything is read
    settings, extracts = load_checked(data, config, strict=strict, quiet=quiet)
    extracts.check_has_records()
    period = choose_period(extracts, year, quarter, ytd, quiet)

    from fosterreport.kpis import compute_kpis
    from fosterreport.kpis.export import to_csv, to_json_text

    results = compute_kpis(extracts, period, settings, trend=trend, kpi_ids=kpi)
    if format is KpiFormat.json:
        typer.echo(to_json_text(results), nl=False)
    elif format is KpiFormat.csv:
        typer.echo(to_csv(results), nl=False)
    else:
        print_table(results, breakdowns=bool(kpi))
    if not quiet:
        for reason in results.left_out:
            say(f"Left out: {reason}")


# -- the catalogue ---------------------------------------------------------------------


def print_catalogue(format: KpiFormat) -> None:
    from fosterreport.kpis.catalogue import CATALOGUE, SECTIONS

    if format is KpiFormat.json:
        entries = [{"id": k.id, "label": k.label, "unit": k.unit, "polarity": k.polarity, "section": k.section,
                    "breakdowns": list(k.breakdowns), "needs": [f"{n}.csv" for n in k.needs],
                    "definition": k.definition} for k in CATALOGUE]
        typer.echo(json.dumps(entries, indent=2, ensure_ascii=False))
        return
    if format is KpiFormat.csv:
        from fosterreport.kpis.export import catalogue_csv

        typer.echo(catalogue_csv(), nl=False)
        return
    from rich import box
    from rich.table import Table

    console = _console()
    for section, title in SECTIONS.items():
        table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, show_lines=False)
        table.add_column("id", no_wrap=True)
        table.add_column("label")
        table.add_column("unit")
        table.add_column("definition", ratio=1)
        for entry in CATALOGUE:
            if entry.section == section:
                table.add_row(entry.id, entry.label, entry.unit, entry.definition)
        console.print(table)


# -- the KPI table ------------------------------------------------------------------------


def _console() -> "Console":
    """Rich on stdout: colour only on a colour terminal (rich honours NO_COLOR), and a
    wide page when writing to a file or pipe so labels are not cut."""
    import sys

    from rich.console import Console

    terminal = sys.stdout.isatty()
    return Console(stderr=False, highlight=False, width=None if terminal else 160,
                   color_system="auto" if terminal else None)


def _text(value, unit: str, note: str | None = None) -> str:
    from fosterreport.formatting import format_value

    shown = format_value(value, unit)
    return f"{shown} ({note})" if note and value is not None else shown


def _rag(rag: str | None):
    from rich.text import Text

    return Text(rag or "", style=RAG_STYLES.get(rag or "", ""))


def _target(value: "KpiValue") -> str:
    from fosterreport.formatting import format_value

    return "" if value.target is None else format_value(value.target, value.kpi.unit)


def print_table(results: "KpiResults", *, breakdowns: bool) -> None:
    from rich import box
    from rich.table import Table

    from fosterreport.formatting import format_direction
    from fosterreport.kpis.catalogue import SECTIONS

    console = _console()
    console.print(f"{results.authority}: KPIs for {results.period.label} ({results.period.in_words})")
    for section, title in SECTIONS.items():
        rows = [value for value in results.values.values() if value.kpi.section == section]
        if not rows:
            continue
        table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)
        for name, width in COLUMNS:
            table.add_column(name, justify="right" if name in ("Value", "Previous", "Target") else "left",
                             no_wrap=name != "KPI", min_width=width)
        for value in rows:
            unit = value.kpi.unit
            table.add_row(value.kpi.label, value.kpi.id, _text(value.value, unit, value.note),
                          _text(value.previous, unit), format_direction(value.direction), _target(value),
                          _rag(value.rag))
            if breakdowns:
                for name in value.kpi.breakdowns:
                    axis = value.kpi.breakdown(name)
                    previous = value.previous_by.get(name, {})
                    for key, figure in value.by.get(name, {}).items():
                        table.add_row(f"  {axis.title}: {axis.label(key)}", "", _text(figure, unit),
                                      _text(previous.get(key), unit), "", "", "")
        console.print(table)
    if results.trend:
        _print_trend(console, results)


def _print_trend(console, results: "KpiResults") -> None:
    from rich import box
    from rich.table import Table

    from fosterreport.kpis.catalogue import BY_ID

    table = Table(title="Trend", title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("KPI")
    for point in results.trend:
        table.add_column(point.period.label, justify="right", no_wrap=True)
    ids = list(dict.fromkeys(kpi_id for point in results.trend for kpi_id in point.values))
    for kpi_id in ids:
        kpi = BY_ID[kpi_id]
        table.add_row(kpi.label, *(_text(point.values.get(kpi_id), kpi.unit) for point in results.trend))
    console.print(table)
