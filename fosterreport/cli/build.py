"""``fosterreport build``: validate, compute, render HTML/PDF/Markdown/Word and the KPI JSON.

Progress goes to stderr, one line (or a rich progress bar on a terminal) per stage:
load, validate, compute, charts, HTML, PDF, Markdown, Word. ``--quiet`` silences it. Exit 0
on success, 1 when the extracts are invalid (nothing written), 2 for a bad option or
config, 3 when rendering fails (nothing written; the message names the template or
narrative file and line). ``--region DIR`` builds every council of a regional hub, in
parallel, and a regional comparison report (:mod:`fosterreport.cli.region`).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Annotated, Optional

import typer

from fosterreport.cli.app import (
    ConfigOption, DataOption, FromOption, QuarterOption, QuietOption, StrictOption, ToOption, YearOption, YtdOption,
    app, choose_period, reports_errors, say,
)

STAGES = ("load", "validate", "compute", "charts", "HTML", "PDF", "Markdown", "Word", "write")

RegionOption = Annotated[Optional[Path], typer.Option(
    "--region", file_okay=False,
    help="A region folder of council sub-folders: build every council's report, in parallel, and a regional "
         "comparison report (into <out>/<council>/ and <out>/region/).")]
WorkersOption = Annotated[Optional[int], typer.Option(
    "--workers", min=1, help="With --region: councils built at once (default: one per CPU core).")]


class Progress:
    """Stage progress on stderr: a rich bar on a terminal, plain lines otherwise."""

    def __init__(self, quiet: bool, stages: tuple[str, ...]):
        self.quiet = quiet
        self.stages = stages
        self.bar = None
        self.started = time.perf_counter()
        if quiet:
            return
        from rich.console import Console

        console = Console(stderr=True)
        if console.is_terminal and not os.environ.get("NO_COLOR"):
            from rich.progress import BarColumn, Progress as RichProgress, TextColumn, TimeElapsedColumn

            self.bar = RichProgress(TextColumn("{task.description:<10}"), BarColumn(), TimeElapsedColumn(),
                                    console=console, transient=True)
            self.task = self.bar.add_task("load", total=len(stages))
            self.bar.start()

    def stage(self, name: str) -> None:
        if self.quiet:
            return
        index = self.stages.index(name) + 1 if name in self.stages else 0
        if self.bar is not None:
            self.bar.update(self.task, description=name, completed=index - 1)
        else:
            say(f"[{index}/{len(self.stages)}] {name}")

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.update(self.task, completed=len(self.stages))
            self.bar.stop()
            self.bar = None


@app.command()
@reports_errors
def build(
    year: YearOption = None,
    quarter: QuarterOption = None,
    ytd: YtdOption = False,
    start: FromOption = None,
    end: ToOption = None,
    data: DataOption = None,
    config: ConfigOption = None,
    strict: StrictOption = False,
    quiet: QuietOption = False,
    out: Annotated[Path, typer.Option("--out", help="Folder the report is written to.", file_okay=False)] = Path("report"),
    format: Annotated[Optional[list[str]], typer.Option(
        "--format", help="Outputs, comma-separated or repeated: html,pdf,md,docx (default: [report] formats of the "
                         "config).")] = None,
    trend: Annotated[Optional[int], typer.Option(
        "--trend", min=2, max=50, help="Financial years in the report's trend, ending with the period's year "
                                       "(default: [report] trend_years of the config, else 5).")] = None,
    region: RegionOption = None,
    workers: WorkersOption = None,
) -> None:
    """Validate the extracts, compute the KPIs and write the report (HTML, PDF, Markdown) and kpis-<period>.json."""
    from fosterreport.build import build_report_detailed, check_formats
    from fosterreport.cli.app import load_checked, requested_period
    from fosterreport.render.printer import Printer

    if region is not None:
        from fosterreport.cli.region import build_command
        from fosterreport.exceptions import UsageError

        if trend is not None:
            raise UsageError("--trend cannot be combined with --region: set [report] trend_years in the "
                             "region's fosterreport.toml")
        return build_command(region, year=year, quarter=quarter, ytd=ytd, data=data, config=config, strict=strict,
                             quiet=quiet, out=out, format=format, workers=workers, start=start, end=end)

    requested_period(year, quarter, ytd, start, end)  # a bad period option fails before anything is read
    if format is not None:
        formats = check_formats(format)  # (every --format given, none silently dropped)
    else:
        formats = None
    progress = Progress(quiet, STAGES)
    # WeasyPrint gets ready in a process of its own while the extracts load and the KPIs
    # compute (see fosterreport/render/printer.py): started first, unless no PDF is asked for.
    printer = Printer() if formats is None or "pdf" in formats else None
    try:
        progress.stage("load")
        settings, extracts = load_checked(data, config, strict=strict, quiet=quiet)
        progress.stage("validate")
        if formats is None:
            formats = check_formats(settings.report.formats)
        period = choose_period(extracts, year, quarter, ytd, quiet, start, end)
        result = build_report_detailed(extracts, settings, period, out, formats, progress=progress.stage,
                                       trend_years=trend, printer=printer if "pdf" in formats else None)
    finally:
        progress.stop()
        if printer is not None:
            printer.close()
    if not quiet:
        for notice in result.notices:
            say(f"note: {notice}")
        pages = f", {result.pages} pages" if result.pages else ""
        say(f"Wrote {len(result.paths)} files to {out}{pages} in {time.perf_counter() - progress.started:.1f} s:")
        for path in result.paths:
            say(f"  {path}")
    sys.stderr.flush()
