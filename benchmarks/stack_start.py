"""The start of the named stack alone, doing nothing: the reference beside ``kpis``.

``fosterreport kpis`` is a Typer command that validates with pydantic and computes with
pandas (reading CSV with pyarrow). This script imports the same, defines one pydantic
model and validates one value, and parses a Typer command of the same 14 options, then
returns: how much of ``kpis``'s 1.5× budget over ``import pandas`` the stack takes before
any extract is read (``benchmarks/goals.py`` prints it beside the goal).

    python benchmarks/stack_start.py kpis --year 2024 --format json --quiet
"""

from pathlib import Path
from typing import Annotated, Optional

import pandas  # noqa: F401
import pyarrow.csv  # noqa: F401
import typer
from pydantic import BaseModel


class Figure(BaseModel):
    value: int


Figure(value=1)
app = typer.Typer(add_completion=False)


@app.command()
def kpis(year: Annotated[Optional[str], typer.Option("--year")] = None,
         quarter: Annotated[Optional[int], typer.Option("--quarter", min=1, max=4)] = None,
         ytd: Annotated[bool, typer.Option("--ytd")] = False,
         start: Annotated[Optional[str], typer.Option("--from")] = None,
         end: Annotated[Optional[str], typer.Option("--to")] = None,
         data: Annotated[Optional[Path], typer.Option("--data", file_okay=False)] = None,
         config: Annotated[Optional[Path], typer.Option("--config", dir_okay=False)] = None,
         strict: Annotated[bool, typer.Option("--strict")] = False,
         quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
         format: Annotated[str, typer.Option("--format")] = "table",
         kpi: Annotated[Optional[list[str]], typer.Option("--kpi")] = None,
         trend: Annotated[int, typer.Option("--trend", min=0, max=50)] = 0,
         months: Annotated[bool, typer.Option("--months")] = False,
         listing: Annotated[bool, typer.Option("--list")] = False) -> None:
    """Parse the options and do nothing."""


@app.command()
def build() -> None:
    """A second command, so that ``kpis`` is a sub-command as in fosterreport."""


if __name__ == "__main__":
    app()
