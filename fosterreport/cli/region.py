"""``--region DIR`` for ``build`` and ``kpis``: every council of a hub, then the comparison.

Progress here is plain lines on stderr, one per council as it finishes, never a rich bar:
the councils run in worker processes forked from this one, and no thread may be running
when they are (see :mod:`fosterreport.region.build`). A council that fails prints its
problems (even with ``--quiet``, as a single build does) and sets the exit code, but the
other councils and the regional report are still written.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from fosterreport.cli.app import print_problems, say
from fosterreport.exceptions import UsageError

if TYPE_CHECKING:
    from fosterreport.config import Config
    from fosterreport.region import CouncilOutcome, RegionResults

REASONS = {"invalid": "the extracts are invalid", "config": "its fosterreport.toml is invalid",
           "render": "its report could not be rendered", "internal": "an internal error"}


def region_settings(region: Path, data: Path | None, config: Path | None) -> "Config":
    from fosterreport.region import region_config

    if data is not None:
        raise UsageError("--region and --data cannot be used together: each council's data is its own "
                         "sub-folder of the region folder")
    if not region.is_dir():
        raise UsageError(f"region folder not found: {region}")
    return region_config(region, config)


def region_period(region: Path, settings: "Config", year: str | None, quarter: int | None, ytd: bool,
                  strict: bool, workers: int | None, quiet: bool, start: str | None = None, end: str | None = None):
    """--year (or --from/--to: any run of days, compared with the same length just before
    it, as for one council) as given; else the latest period every valid council's
    extracts cover."""
    from fosterreport.cli.app import latest_ended_period, requested_period
    from fosterreport.formatting import format_date
    from fosterreport.region.build import newest_common_date, scan_region

    period = requested_period(year, quarter, ytd, start, end)
    if period is not None:
        return period
    newest = newest_common_date(scan_region(region, settings, strict=strict, workers=workers))
    if newest is None:
        raise UsageError("no valid council's extracts hold a date, so the period cannot be chosen: give --year")
    period = latest_ended_period(newest, quarter, ytd)
    if not quiet:
        say(f"No --year given: reporting on {period.label} ({period.in_words}), the latest period every valid "
            f"council's extracts cover (the earliest of their newest dates is {format_date(newest)}).")
    return period


def council_line(outcome: "CouncilOutcome", finished: int, total: int) -> str:
    if outcome.ok:
        pages = f", {outcome.pages} pages" if outcome.pages else ""
        return f"[{finished}/{total}] {outcome.key}: done{pages}"
    return f"[{finished}/{total}] {outcome.key}: NOT built: {REASONS[outcome.status]}"


def print_failures(outcomes: list["CouncilOutcome"], fate: str = "not built") -> None:
    """Every failed council's problems on stderr, in folder order."""
    from fosterreport.problems import ProblemReport
    from fosterreport.text import strip_controls

    for outcome in outcomes:
        if outcome.ok:
            continue
        say(f"{outcome.key} ({outcome.name}): {fate}: {REASONS[outcome.status]}")
        if outcome.problems:
            print_problems(ProblemReport(list(outcome.problems)), stream_err=True)
        for message in outcome.messages:  # (a path in one may hold a folder's control characters)
            say(f"  {strip_controls(message)}")


def build_command(region: Path, *, year, quarter, ytd, data, config, strict: bool, quiet: bool, out: Path,
                  format: list[str] | None, workers: int | None, start: str | None = None,
                  end: str | None = None) -> None:
    """``fosterreport build --region DIR``."""
    from fosterreport.build import check_formats
    from fosterreport.region import build_region, discover_councils, region_name
    from fosterreport.region.build import default_workers

    started = time.perf_counter()
    settings = region_settings(region, data, config)
    formats = check_formats(format) if format is not None else None
    councils = discover_councils(region)
    period = region_period(region, settings, year, quarter, ytd, strict, workers, quiet, start, end)
    if not quiet:
        say(f"{region_name(region, settings)}: {len(councils)} councils, {period.label}, "
            f"{workers or default_workers()} worker(s)")
    result = build_region(region, settings, period, out, formats, strict=strict, workers=workers,
                          progress=None if quiet else lambda o, n, total: say(council_line(o, n, total)))
    print_failures(result.outcomes)
    for message in result.failure:
        say(f"the regional report could not be rendered: {message}")
    if not quiet:
        for outcome in result.outcomes:
            for notice in outcome.notices:
                say(f"note: {outcome.key}: {notice}")
        for notice in result.notices:
            say(f"note: region: {notice}")
        built = sum(1 for outcome in result.outcomes if outcome.ok)
        say(f"Built {built} of {len(result.outcomes)} council reports into {out}/<council>/ in "
            f"{time.perf_counter() - started:.1f} s")
        if result.paths:
            pages = f" ({result.pages} pages)" if result.pages else ""
            say(f"Regional report{pages}:")
            for path in result.paths:
                say(f"  {path}")
        elif not result.failure:
            say("No council could be built, so there is no regional report.")
    if result.exit_code:
        raise typer.Exit(result.exit_code)


def kpis_command(region: Path, *, year, quarter, ytd, data, config, strict: bool, quiet: bool, format: str,
                 kpi: list[str] | None, trend: int, workers: int | None, start: str | None = None,
                 end: str | None = None) -> None:
    """``fosterreport kpis --region DIR``: the comparison as a table, JSON or CSV."""
    from fosterreport.region import compute_councils

    settings = region_settings(region, data, config)
    period = region_period(region, settings, year, quarter, ytd, strict, workers, quiet, start, end)
    results = compute_councils(region, settings, period, strict=strict, trend=trend, kpi_ids=kpi,
                               workers=workers)
    from fosterreport.region.export import to_csv, to_json_text

    if format == "json":
        typer.echo(to_json_text(results), nl=False)
    elif format == "csv":
        typer.echo(to_csv(results), nl=False)
    else:
        print_region_table(results, detail=bool(kpi))
    print_failures(results.councils, "left out")
    code = max([0, *(outcome.exit_code for outcome in results.councils)])
    if code:
        raise typer.Exit(code)


#: The page a region's table is laid out on when stdout is a file or pipe and ``COLUMNS``
#: is not set: a dozen councils side by side.
REGION_PAGE = 240


def print_region_table(results: "RegionResults", *, detail: bool) -> None:
    """Per section, one row per KPI: the region, then each council's value (numbered
    columns; the councils' numbers are listed first). The page is the terminal's width
    (or ``COLUMNS``); where the councils do not fit beside the label, the section goes on
    in further tables, each with the label and the region, so that no column is dropped
    or cut. With ``--kpi``, also a table per KPI with each council's rank, distance and
    share."""
    from rich import box
    from rich.cells import cell_len
    from rich.table import Table

    from fosterreport.cli.terminal import console as _console
    from fosterreport.formatting import SUPPRESSED, format_change, format_value
    from fosterreport.kpis.catalogue import SECTIONS

    console = _console(REGION_PAGE)
    keys = [council.key for council in results.built]
    console.print(f"{results.name}: KPIs for {results.period.label} ({results.period.in_words}), "
                  f"{len(keys)} of {len(results.councils)} councils")
    for number, council in enumerate(results.built, start=1):
        console.print(f"  {number:>2}  {council.name} ({council.key})")

    def shown(value, unit, suppressed) -> str:
        return SUPPRESSED if suppressed else format_value(value, unit)

    sections = {}
    for section in SECTIONS:
        rows = []
        for entry in (entry for entry in results.values.values() if entry.kpi.section == section):
            unit = entry.kpi.unit
            rows.append([entry.kpi.label, shown(entry.value, unit, entry.suppressed),
                         *("" if (figure := entry.councils.get(key)) is None else
                           shown(figure.value, unit, figure.suppressed) for key in keys)])
        if rows:
            sections[section] = rows
    headings = ["KPI", "Region", *(str(number) for number in range(1, len(keys) + 1))]
    for section, rows in sections.items():
        widths = [max([cell_len(heading)] + [cell_len(row[index]) for row in rows]) for index, heading in
                  enumerate(headings)]
        widths[0] = min(widths[0], max(LABEL_AT_LEAST, console.width // 3))
        groups = _council_groups(widths, console.width)
        for number, group in enumerate(groups):
            title = SECTIONS[section] if number == 0 else f"{SECTIONS[section]} (continued)"
            table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, padding=(0, 1))
            table.add_column("KPI", width=widths[0], overflow="fold")
            for index in (1, *group):
                table.add_column(headings[index], justify="right", no_wrap=True, min_width=widths[index])
            for row in rows:
                table.add_row(row[0], *(row[index] for index in (1, *group)))
            console.print(table)
    if not detail:
        return
    for entry in results.values.values():
        unit = entry.kpi.unit
        table = Table(title=entry.kpi.label, title_justify="left", box=box.SIMPLE_HEAD)
        for name in ("Council", "Value", "Rank", "Distance", "Share"):
            table.add_column(name, justify="left" if name == "Council" else "right", overflow="fold",
                             no_wrap=name != "Council")
        for key, figure in entry.councils.items():
            hidden = figure.suppressed or entry.suppressed
            table.add_row(results.name_of(key), shown(figure.value, unit, figure.suppressed),
                          "" if figure.rank is None else f"{figure.rank}{'=' if figure.tied else ''}",
                          "" if hidden or figure.distance is None else
                          format_change(figure.distance, "number" if unit == "count" else unit),
                          "" if hidden or figure.share is None else format_value(figure.share, "rate"))
        table.add_row("Region", shown(entry.value, unit, entry.suppressed), "", "", "")
        console.print(table)


#: The narrowest the KPI label column of the region's table gets (it wraps).
LABEL_AT_LEAST = 20


def _council_groups(widths: list[int], page: int) -> list[list[int]]:
    """The council columns (indexes from 2 of ``widths``) in groups that each fit the
    page beside the label and the region: each column takes its width, its padding and
    the rule before it (3), the table its edges (1). At least one council per group."""
    first = 1 + widths[0] + 3 + widths[1] + 3
    groups: list[list[int]] = [[]]
    used = first
    for index in range(2, len(widths)):
        if groups[-1] and used + widths[index] + 3 > page:
            groups.append([])
            used = first
        groups[-1].append(index)
        used += widths[index] + 3
    return groups
