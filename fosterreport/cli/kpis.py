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
    ConfigOption, DataOption, FromOption, QuarterOption, QuietOption, StrictOption, ToOption, YearOption, YtdOption,
    app, load_checked, reports_errors, say,
)
from fosterreport.cli.build import RegionOption, WorkersOption
from fosterreport.cli.terminal import console as _console

if TYPE_CHECKING:
    from fosterreport.kpis.results import KpiResults, KpiValue


class KpiFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


RAG_STYLES = {"green": "bold green", "amber": "bold yellow", "red": "bold red"}
#: The KPI table's columns and minimum widths on a wide page, so that every section's
#: table lines up. "Previous" is a placeholder: the column is headed by the previous
#: period's label ("2022/23").
COLUMNS = (("KPI", 42), ("id", 35), ("Value", 13), ("Previous", 13), ("Direction", 11), ("Target", 8), ("RAG", 5))
#: The narrowest page that holds the wide table: each column's minimum width, one space
#: either side of it and the rule between columns, and the table's two edges. Narrower,
#: the id goes under the label.
WIDE_TABLE = sum(width + 3 for _, width in COLUMNS) + 1
#: Narrower than this (an 80-column terminal), the direction also goes under the
#: previous figure, so that the label keeps room for the longest id.
SPLIT_DIRECTION = 96
#: The narrowest the label column gets; a longer id is broken after an underscore.
LABEL_AT_LEAST = 16
#: Figures right-aligned, as a column of numbers reads.
NUMERIC = ("Value", "Previous", "Target")


@app.command()
@reports_errors
def kpis(
    year: YearOption = None,
    quarter: QuarterOption = None,
    ytd: YtdOption = False,
    start: FromOption = None,
    end: ToOption = None,
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
                                       "ending with the period's year (for --from/--to: the N same-length "
                                       "periods ending with it).")] = 0,
    months: Annotated[bool, typer.Option(
        "--months", help="Also each KPI that has a monthly form for every calendar month of the period "
                         "(JSON \"months\", CSV rows whose period is the month, 2023-04); the table is "
                         "unchanged.")] = False,
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

        if months:
            raise UsageError("--months cannot be combined with --region: a regional comparison has no months")
        return kpis_command(region, year=year, quarter=quarter, ytd=ytd, data=data, config=config, strict=strict,
                            quiet=quiet, format=format.value, kpi=kpi, trend=trend, workers=workers, start=start,
                            end=end)

    from fosterreport.cli.app import choose_period, requested_period

    requested_period(year, quarter, ytd, start, end)  # a bad period option fails before anything is read
    settings, extracts = load_checked(data, config, strict=strict, quiet=quiet)
    extracts.check_has_records()
    period = choose_period(extracts, year, quarter, ytd, quiet, start, end)

    from fosterreport.kpis import compute_kpis
    from fosterreport.kpis.export import to_csv, to_json_text

    results = compute_kpis(extracts, period, settings, trend=trend, kpi_ids=kpi,
                           months=months and format is not KpiFormat.table)
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
    """One table per report section, every column on every page width.

    On a page of :data:`WIDE_TABLE` columns or more, one line per KPI. Narrower, the KPI
    id is printed under its label (the label wraps); narrower than
    :data:`SPLIT_DIRECTION` (an 80-column terminal), the direction of travel is printed
    under the previous figure too. Value, previous, direction, target and RAG stay
    whole, and the columns line up from one section to the next."""
    from rich import box
    from rich.table import Table

    from fosterreport.kpis.catalogue import SECTIONS

    console = _console()
    layout = _Layout(console.width, results.period.previous().label)
    console.print(f"{results.authority}: KPIs for {results.period.label} ({results.period.in_words})")
    sections = {}
    for section in SECTIONS:
        rows = [row for value in results.values.values() if value.kpi.section == section
                for row in _rows(value, layout, breakdowns)]
        if rows:
            sections[section] = rows
    widths = layout.widths([row for rows in sections.values() for row in rows], console.width)
    for section, rows in sections.items():
        table = Table(title=SECTIONS[section], title_justify="left", box=box.SIMPLE_HEAD)
        for index, name in enumerate(layout.columns):
            table.add_column(layout.heading(name), justify="right" if name in NUMERIC else "left",
                             no_wrap=name not in ("KPI", "Value"), overflow="fold",
                             **({"min_width": widths[index]} if layout.wide else {"width": widths[index]}))
        for row in rows:
            table.add_row(layout.label(row[0], widths[0]), *row[1:])
        console.print(table)
    if results.trend:
        _print_trend(console, results)


class _Layout:
    """Which columns the KPI table has at a page width, and what each is headed."""

    def __init__(self, width: int, previous_label: str):
        self.wide = width >= WIDE_TABLE
        self.split_direction = width < SPLIT_DIRECTION
        self.previous_label = previous_label
        names = [name for name, _ in COLUMNS]
        if not self.wide:
            names.remove("id")
        if self.split_direction:
            names.remove("Direction")
        self.columns = tuple(names)

    def heading(self, name: str) -> str:
        if name == "Previous":
            return f"{self.previous_label}\nDirection" if self.split_direction else self.previous_label
        return name

    def row(self, label, kpi_id: str, value, previous, direction: str, target: str, rag) -> list:
        """The cells of one line, the KPI's as (label, id) until the column's width is known."""
        cells = {"KPI": (label, kpi_id),
                 "id": kpi_id, "Value": value, "Direction": direction, "Target": target, "RAG": rag,
                 "Previous": f"{previous}\n{direction}" if self.split_direction and direction else previous}
        return [cells[name] for name in self.columns]

    def label(self, cell: tuple[str, str], width: int):
        """The KPI cell: its label; narrower than the wide table, the id under it, broken
        after an underscore where it is longer than the column (never cut)."""
        from rich.text import Text

        label, kpi_id = cell
        if self.wide or not kpi_id:
            return label
        pieces, line = [], ""
        for part in kpi_id.replace("_", "_\n").split("\n"):
            if line and len(line) + len(part) > width:
                pieces.append(line)
                line = ""
            line += part
        return Text.assemble(label, "\n", ("\n".join([*pieces, line]), "dim"))

    def widths(self, rows: list[list], page: int) -> list[int]:
        """Each column's width. On a wide page, the wide table's minimum. Narrower, the
        same for every section (so the tables line up): each figure column its widest
        cell; the value at least its widest word (a note such as "(forecast)" may go under
        the figure), and room for the longest id where the page allows; the label what is
        left of the page (at least :data:`LABEL_AT_LEAST`)."""
        from rich.cells import cell_len

        if self.wide:
            return [dict(COLUMNS)[name] for name in self.columns]

        def lines(cell) -> list[str]:
            if isinstance(cell, tuple):  # (label, id)
                return list(cell)
            return (cell.plain if hasattr(cell, "plain") else str(cell)).split("\n")

        def widest(index: int, pieces=lines) -> int:
            heading = pieces(self.heading(self.columns[index]))
            return max(cell_len(piece) for row in rows for piece in pieces(row[index]) + heading)

        widths = [widest(index) for index in range(len(self.columns))]
        value = self.columns.index("Value")
        room = page - 1 - 3 * len(self.columns) - sum(widths[value + 1:])  # edges, padding and rules
        ids = max([cell_len(line) for row in rows for line in lines(row[0])[1:]] + [len("KPI")])
        words = widest(value, lambda cell: str(cell).split() or [""])
        widths[value] = max(words, min(widths[value], room - ids))
        widths[0] = max(LABEL_AT_LEAST, min(widths[0], room - widths[value]))
        return widths


def _rows(value: "KpiValue", layout: _Layout, breakdowns: bool) -> list[list]:
    from fosterreport.formatting import format_direction

    unit = value.kpi.unit
    rows = [layout.row(value.kpi.label, value.kpi.id, _text(value.value, unit, value.note),
                       _text(value.previous, unit), format_direction(value.direction), _target(value),
                       _rag(value.rag))]
    if breakdowns:
        for name in value.kpi.breakdowns:
            axis = value.kpi.breakdown(name)
            previous = value.previous_by.get(name, {})
            for key, figure in value.by.get(name, {}).items():
                rows.append(layout.row(f"  {axis.title}: {axis.label(key)}", "", _text(figure, unit),
                                       _text(previous.get(key), unit), "", "", ""))
    return rows


def _print_trend(console, results: "KpiResults") -> None:
    """The trend, one column per year; when the years do not fit the page beside the
    label, as many tables as it takes, each with its label column (none is cut)."""
    from rich import box
    from rich.cells import cell_len
    from rich.table import Table

    from fosterreport.kpis.catalogue import BY_ID

    ids = list(dict.fromkeys(kpi_id for point in results.trend for kpi_id in point.values))
    labels = [BY_ID[kpi_id].label for kpi_id in ids]
    cells = [[_text(point.values.get(kpi_id), BY_ID[kpi_id].unit) for kpi_id in ids] for point in results.trend]
    years = [max(cell_len(text) for text in [point.period.label, *column])
             for point, column in zip(results.trend, cells)]
    label_width = min(max(cell_len(label) for label in labels), max(20, console.width // 3))
    groups: list[list[int]] = [[]]
    first = 2 + label_width + 2  # the table's edges, the label column and its padding
    used = first
    for index, width in enumerate(years):  # each year: its padding and the rule before it
        if groups[-1] and used + width + 3 > console.width:
            groups.append([])
            used = first
        groups[-1].append(index)
        used += width + 3
    for number, group in enumerate(groups):
        table = Table(title="Trend" if number == 0 else None, title_justify="left", box=box.SIMPLE_HEAD)
        table.add_column("KPI", min_width=label_width, ratio=1)
        for index in group:
            table.add_column(results.trend[index].period.label, justify="right", no_wrap=True)
        for row, label in enumerate(labels):
            table.add_row(label, *(cells[index][row] for index in group))
        console.print(table)
