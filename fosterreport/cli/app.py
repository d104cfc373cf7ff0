"""The Typer application and what every command shares.

Commands are thin: parse options, call the library, format what it returns, choose the
exit code. Nothing here imports pandas, Jinja or WeasyPrint at module level, so that
``fosterreport --help`` and ``fosterreport validate`` start fast.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import sys
import traceback
from pathlib import Path
from typing import Annotated, Callable, Optional

import typer

from fosterreport import __version__, exitcodes
from fosterreport.embedded import SAMPLE_COUNCIL, sample_folder
from fosterreport.exceptions import FosterReportError, UsageError

def exit_code_lines() -> list[str]:
    """``code  meaning`` for each exit code, read from :mod:`fosterreport.exitcodes` (each
    constant and the docstring under it), so the help lists exactly the codes defined there."""
    import ast
    import inspect

    body = ast.parse(inspect.getsource(exitcodes)).body
    lines = []
    for statement, following in zip(body, body[1:]):
        if (isinstance(statement, ast.Assign) and isinstance(following, ast.Expr)
                and isinstance(following.value, ast.Constant) and isinstance(following.value.value, str)):
            code = getattr(exitcodes, statement.targets[0].id)
            lines.append(f"{code:>3}  {' '.join(following.value.value.split())}")
    return lines


#: ``\b`` keeps the lines as they are (the help formatter would otherwise re-wrap them).
EPILOG = "\b\nExit codes:\n" + "\n".join(exit_code_lines())

app = typer.Typer(
    name="fosterreport",
    help="Build a council's statutory fostering service report from record-level extracts.",
    epilog=EPILOG,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"fosterreport {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[Optional[bool], typer.Option(
        "--version", callback=_version, is_eager=True, help="Print the version and exit.")] = None,
) -> None:
    """Build a council's statutory fostering service report from record-level extracts."""


def say(message: str) -> None:
    """Progress and notices go to stderr; stdout carries only what was asked for."""
    typer.echo(message, err=True)


def reports_errors(command: Callable) -> Callable:
    """Turn library errors into messages and exit codes; never show a traceback for bad input."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            result = command(*args, **kwargs)
            sys.stdout.flush()  # a closed pipe is met here, not at interpreter exit
            return result
        except BrokenPipeError:
            quiet_closed_stdout()
            raise typer.Exit(exitcodes.OK)
        except OSError as error:
            if error.errno not in FULL_DEVICE:
                raise internal_error()
            say(f"fosterreport: cannot write the output: {error.strerror} (the output is incomplete)")
            quiet_closed_stdout()
            raise typer.Exit(exitcodes.RENDER)
        except FosterReportError as error:
            for message in error.messages:
                say(message)
            raise typer.Exit(error.exit_code)
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception:
            raise internal_error()

    return wrapper


#: The errors of a write that found no room: a full disk or quota behind ``> file``.
FULL_DEVICE = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


def internal_error() -> typer.Exit:
    """An internal error (a bug): one line, the traceback only on request."""
    if os.environ.get("FOSTERREPORT_DEBUG") == "1":
        traceback.print_exc()
    else:
        say("fosterreport: internal error; please report it (set FOSTERREPORT_DEBUG=1 "
            "to see the traceback)")
    return typer.Exit(exitcodes.INTERNAL)


def quiet_closed_stdout() -> None:
    """The reader of stdout has gone (``fosterreport kpis | head -1``): it has what it
    wanted, so the command ends quietly with exit 0, as a CI job with ``set -o pipefail``
    expects. What is still buffered goes to the null device, so that Python's own flush at
    exit does not print a BrokenPipeError either (the recipe of the ``signal`` docs)."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):  # not a real file (a test runner's buffer)
        pass


# -- options shared by several commands ------------------------------------------------

DataOption = Annotated[Optional[Path], typer.Option(
    "--data", help="Folder of extracts (default: [data] path of the config, else the embedded sample).",
    file_okay=False)]
ConfigOption = Annotated[Optional[Path], typer.Option(
    "--config", help="fosterreport.toml (default: ./fosterreport.toml when present).", dir_okay=False)]
StrictOption = Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress or notices on stderr.")]
YearOption = Annotated[Optional[str], typer.Option(
    "--year", help="Financial year: 2023, 2022-23 or 2022/23 (default: the latest ended year in the data).")]
QuarterOption = Annotated[Optional[int], typer.Option(
    "--quarter", min=1, max=4, help="Quarter 1..4 of the year (Q1 = April-June).")]
YtdOption = Annotated[bool, typer.Option("--ytd", help="Year to date: from 1 April to the end of --quarter.")]
FromOption = Annotated[Optional[str], typer.Option(
    "--from", help="First day of any other period (ISO, 2023-09-01), with --to: a pilot, a half year, a rolling "
                   "twelve months. Compared with the same length immediately before.")]
ToOption = Annotated[Optional[str], typer.Option("--to", help="Last day of the period begun by --from (ISO, 2024-08-31).")]


def resolve_data(data: Path | None, config) -> tuple[Path, bool]:
    """Where the extracts come from: --data, else [data] path, else, only where no
    fosterreport.toml was read at all, the embedded sample (said on stderr, even with
    --quiet: a job run from the wrong folder must not pass a fictional report off as real)."""
    if data is not None:
        folder = data
    elif config.data.path:
        folder = config.resolve(config.data.path)
    elif config.source is not None:
        raise UsageError(f"{config.source}: [data] path is not set: say where the extracts are "
                         f"(path = \"data\" under [data]) or give --data")
    else:
        from fosterreport.config import CONFIG_NAME

        folder = sample_folder()
        say(f"Using the embedded sample data (fictional {SAMPLE_COUNCIL}): no --data, no [data] path and no "
            f"{CONFIG_NAME} here")
        return folder, True
    if not folder.is_dir():
        raise UsageError(f"data folder not found: {folder}")
    return folder, False


def load_checked(data: Path | None, config_path: Path | None, *, strict: bool, quiet: bool):
    """Config and extracts, with every problem printed; exit 1 when they cannot be trusted."""
    from fosterreport.config import load_config
    from fosterreport.exceptions import InvalidExtracts
    from fosterreport.records import load_extracts

    config = load_config(config_path)
    folder, _ = resolve_data(data, config)
    extracts = load_extracts(folder, config)
    if not extracts.problems.ok(strict=strict):
        print_problems(extracts.problems, stream_err=True)
        raise typer.Exit(exitcodes.INVALID_DATA)
    if extracts.problems.warnings and not quiet:
        say(f"{len(extracts.problems.warnings)} warning(s) in the extracts; "
            "run `fosterreport validate` to list them.")
    return config, extracts


#: What the period rules say in the options' words (:class:`fosterreport.periods.PeriodError`).
PERIOD_OPTION_WORDS = {
    "year-to-date-without-quarter": "--ytd needs --quarter: year to date runs from 1 April to the end of that quarter",
    "no-dates": "{message}: give --year",
}


@contextlib.contextmanager
def period_options():
    """A period that cannot be made, said in the words of --year, --quarter and --ytd: a
    text that was read is the --year given; the other rules name their option."""
    from fosterreport.periods import PeriodError

    try:
        yield
    except PeriodError as error:
        if error.given is not None:
            raise UsageError(f"--year {error.messages[0]}") from None
        words = PERIOD_OPTION_WORDS.get(error.reason, "{message}")
        raise UsageError(words.format(message=error.messages[0])) from None


def requested_period(year: str | None, quarter: int | None, ytd: bool, start: str | None = None,
                     end: str | None = None):
    """The period --year, --quarter and --ytd (or --from and --to) name, checked before
    anything is read; None when neither --year nor --from is given (the data chooses it),
    once --quarter and --ytd are known to fit."""
    from fosterreport.periods import check_quarter, make_period, parse_year

    if start is not None or end is not None:
        return custom_requested(year, quarter, ytd, start, end)
    with period_options():
        check_quarter(quarter, ytd)
        return None if year is None else make_period(parse_year(year), quarter, ytd)


def custom_requested(year: str | None, quarter: int | None, ytd: bool, start: str | None, end: str | None):
    """The period --from and --to name: both given, neither with --year, --quarter or --ytd."""
    from fosterreport.periods import PeriodError, custom_period, parse_date

    given = "--from" if start is not None else "--to"
    for option, used in (("--year", year is not None), ("--quarter", quarter is not None), ("--ytd", ytd)):
        if used:
            raise UsageError(f"{given} cannot be combined with {option}: a period is either a financial year "
                             f"(--year, --quarter, --ytd) or the days from --from to --to")
    if start is None or end is None:
        missing = "--to" if start is not None else "--from"
        raise UsageError(f"{given} needs {missing}: a period runs from --from to --to, both included")
    days = []
    for option, text in (("--from", start), ("--to", end)):
        try:
            days.append(parse_date(text))
        except PeriodError as error:
            raise UsageError(f"{option} {error.messages[0]}") from None
    try:
        return custom_period(*days)
    except PeriodError as error:
        if error.reason == "end-before-start":
            raise UsageError(f"--to {days[1].isoformat()} is before --from {days[0].isoformat()}: "
                             f"{error.messages[0]}") from None
        raise UsageError(f"--from/--to: {error.messages[0]}") from None


def latest_ended_period(newest, quarter: int | None, ytd: bool):
    """The latest period ended by ``newest`` (:func:`fosterreport.periods.latest_period`)."""
    from fosterreport import periods

    with period_options():
        return periods.latest_period(newest, quarter, ytd)


def choose_period(extracts, year: str | None, quarter: int | None, ytd: bool, quiet: bool,
                  start: str | None = None, end: str | None = None):
    """The period asked for; without --year (or --from) the latest one ended by the newest
    date, announced."""
    from fosterreport.formatting import format_date

    period = requested_period(year, quarter, ytd, start, end)
    if period is not None:
        return period
    period = latest_ended_period(extracts.newest_date, quarter, ytd)
    if not quiet:
        say(f"No --year given: reporting on {period.label} ({period.in_words}), the latest period ended "
            f"by the newest date in the extracts ({format_date(extracts.newest_date)}).")
    return period


def print_problems(report, *, stream_err: bool = False, per_rule: int = 20) -> None:
    """Problems grouped by file, first ``per_rule`` of each rule, then a count of the rest."""
    out = sys.stderr if stream_err else sys.stdout
    current = None
    for problem, more in report.summarised(per_rule):
        if problem.file != current:
            current = problem.file
            print(f"{current}", file=out)
        label = "warning" if problem.severity == "warning" else "error"
        print(f"  {problem.as_text()}  [{label}: {problem.rule}]", file=out)
        if more:
            print(f"  … and {more} more like this ({problem.rule} in {problem.file})", file=out)
    errors, warnings = len(report.errors), len(report.warnings)
    print(f"{errors} error(s), {warnings} warning(s)", file=out)
