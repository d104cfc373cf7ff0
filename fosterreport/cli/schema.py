"""``fosterreport schema``: the extract contract, printed from the models."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from fosterreport.cli.app import app, reports_errors


class SchemaFormat(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


@app.command()
@reports_errors
def schema(
    format: Annotated[SchemaFormat, typer.Option("--format", help="text, json or markdown.")] = SchemaFormat.text,
) -> None:
    """Print the extract contract: every file, column, type, code and alias."""
    from fosterreport import schema as contract_schema

    render = {"text": contract_schema.as_text, "json": contract_schema.as_json,
              "markdown": contract_schema.as_markdown}[format.value]
    typer.echo(render(), nl=False)
