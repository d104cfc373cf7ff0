"""``fosterreport validate``: every problem ``build`` would find, short of rendering, and an exit code.

The extracts (exit 1 for an error), and the config, the narrative and the templates
(exit 2), all listed together: a project that passes is one ``build`` accepts.
"""

from __future__ import annotations

import json
from enum import Enum
from typing import Annotated

import typer

from fosterreport import exitcodes
from fosterreport.cli.app import (
    ConfigOption, DataOption, QuietOption, StrictOption, app, print_problems, reports_errors, resolve_data,
)
from fosterreport.exceptions import UsageError


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
    """Check the extracts, config, narrative and templates; print every problem.
    Exit 0 clean, 1 extract errors (or warnings with --strict), 2 config, narrative or template problems."""
    from fosterreport.config import load_config
    from fosterreport.problems import PROJECT_RULES, ProblemReport
    from fosterreport.records import load_extracts
    from fosterreport.render.preflight import preflight

    try:
        settings = load_config(config)
        folder, _ = resolve_data(data, settings)
        project = preflight(settings)
        report = ProblemReport(list(load_extracts(folder, settings).problems.problems))
    except UsageError as error:
        if format is not ProblemFormat.json:
            raise
        # A CI job parsing stdout gets JSON even when there is nothing to check.
        typer.echo(json.dumps({"ok": False, "usage": error.messages, "errors": [], "warnings": []},
                              indent=2, ensure_ascii=False))
        raise typer.Exit(error.exit_code) from None
    report.extend(project)
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
    if any(p.rule in PROJECT_RULES and p.severity == "error" for p in report.problems):
        raise typer.Exit(exitcodes.USAGE)
    if not report.ok(strict=strict):
        raise typer.Exit(exitcodes.INVALID_DATA)
