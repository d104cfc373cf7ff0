"""``fosterreport preview``: serve the HTML report on 127.0.0.1 and rebuild it as files change.

The options choose the data, config and period as for ``build``. At the start, what
``build`` would refuse before rendering ends the command as ``build`` does (exit 2 for a
bad option, config or data folder or a port that cannot be had, 1 for invalid
extracts); from then on every problem is shown in the page and printed here, and the
server keeps running. Ctrl-C ends it with exit 0.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from fosterreport.cli.app import (
    ConfigOption, DataOption, FromOption, QuarterOption, QuietOption, StrictOption, ToOption, YearOption, YtdOption,
    app, reports_errors, say,
)

PortOption = Annotated[int, typer.Option(
    "--port", min=0, max=65535, help="Port on 127.0.0.1 to serve the report on (0: any free port).")]


def report_outcome(outcome, paths: list[str], quiet: bool) -> None:
    """A rebuild, on stderr: its problems always, a success unless --quiet."""
    changed = f" ({', '.join(paths)} changed)" if paths else ""
    if outcome.problems:
        say(f"Report not rebuilt{changed}: {len(outcome.problems)} problem(s):")
        for problem in outcome.problems:
            say(f"  {problem.as_text()}")
    elif not quiet:
        say(f"Rebuilt the report in {outcome.seconds:.2f} s{changed}")
    sys.stderr.flush()


def start_preview(*, year=None, quarter=None, ytd=False, start=None, end=None, data=None, config=None,
                  strict=False, quiet=False, port=8000):
    """The preview checked, built once and bound to its port, not yet serving: what the
    command does before it serves (tests serve it in a thread)."""
    from fosterreport.cli.app import choose_period, load_checked, requested_period, resolve_data
    from fosterreport.config import load_config
    from fosterreport.preview import PreviewServer, ReportPreview

    requested_period(year, quarter, ytd, start, end)  # a bad period option fails before anything is read
    settings, extracts = load_checked(data, config, strict=strict, quiet=quiet)
    choose_period(extracts, year, quarter, ytd, quiet, start, end)  # announced once, here
    report = ReportPreview(
        load_config=lambda: load_config(config),
        data_folder=lambda loaded: resolve_data(data, loaded)[0],
        period=lambda loaded: choose_period(loaded, year, quarter, ytd, True, start, end),
        strict=strict, config=settings, extracts=extracts)
    server = PreviewServer(report, port, report=lambda outcome, paths: report_outcome(outcome, paths, quiet))
    report_outcome(report.rebuild(reason="start"), [], quiet)
    return server


@app.command()
@reports_errors
def preview(
    year: YearOption = None,
    quarter: QuarterOption = None,
    ytd: YtdOption = False,
    start: FromOption = None,
    end: ToOption = None,
    data: DataOption = None,
    config: ConfigOption = None,
    strict: StrictOption = False,
    quiet: QuietOption = False,
    port: PortOption = 8000,
) -> None:
    """Serve the HTML report at http://127.0.0.1:PORT/, rebuilt when an extract, the config, a narrative or
    template file changes; the page reloads itself (/report.pdf builds the PDF)."""
    server = None
    try:
        server = start_preview(year=year, quarter=quarter, ytd=ytd, start=start, end=end, data=data,
                               config=config, strict=strict, quiet=quiet, port=port)
        say(f"Serving the report at {server.url} (the PDF at {server.url}report.pdf); Ctrl-C to stop")
        server.serve()
    except KeyboardInterrupt:  # Ctrl-C at any moment, the first build's included: stopped, as asked
        pass
    finally:
        if server is not None:
            server.stop()
    if not quiet:
        say("Stopped the preview")
