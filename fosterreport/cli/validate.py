"""``fosterreport validate``: every problem in the extracts and config, and an exit code."""

from __future__ import annotations

import json
from enum import Enum
from typing import Annotated

import typer

from fosterreport import exitcodes
from fosterreport.cli.app import (
    ConfigOption, DataOption, QuietOption, StrictOption, app, print_problems, reports_errors, resolve_data, say,
)


class ProblemFormat(str, Enum):
    text = "text"
    json = "json"


@app.command()
@reports_errors
def validate(
    data: DataOption = None,
    config: ConfigOption = None,
    strict: StrictOption = False,
    quiet: QuietOption = False,
    format: Annotated[ProblemFormat, typer.Option("--format", help="text (summarised) or json (all).")] = ProblemFormat.text,
) -> None:
    """Check the extracts and config; print every problem. Exit 0 clean, 1 errors (or warnings with --strict)."""
    from fosterreport.config import load_config
    from fosterreport.records import load_extracts

    settings = load_config(config)
    folder, _ = resolve_data(data, settings)
    report = load_extracts(folder, settings).problems
    if format is ProblemFormat.json:
        typer.echo(json.dumps({
            "ok": report.ok(strict=strict),
            "errors": [p.as_dict() for p in report.errors],
            "warnings": [p.as_dict() for p in report.warnings],
        }, indent=2, ensure_ascii=False))
    elif report.problems:
        print_problems(report)
    elif not quiet:
        typer.echo(f"{folder}: no problems found")
    if not report.ok(strict=strict):
        raise typer.Exit(exitcodes.INVALID_DATA)
