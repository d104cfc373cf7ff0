"""The rich console the tables of ``kpis`` and ``kpis --region`` print on.

One place for what both need: the page width (the terminal's, or ``COLUMNS``, or a wide
page on a file or pipe), colour only on a colour terminal, no markup, and a closed pipe
raised for :func:`fosterreport.cli.app.reports_errors` to end quietly. Rich is imported
when a table is printed, not when the CLI starts.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


def console(page: int = 160) -> "Console":
    """Rich on stdout: colour only on a colour terminal (rich honours NO_COLOR); the
    width of the terminal, or ``COLUMNS`` when set (rich reads it), and otherwise a wide
    page (``page`` columns) when writing to a file or pipe so labels are not cut. No
    markup or emoji codes: a label, budget line or council name holding ``[bold]`` or
    ``:x:`` is printed as it is."""
    from rich.console import Console

    terminal = sys.stdout.isatty()
    sized = terminal or os.environ.get("COLUMNS", "").strip().isdigit()
    made = Console(stderr=False, highlight=False, markup=False, emoji=False, width=None if sized else page,
                   color_system="auto" if terminal else None)
    made.on_broken_pipe = _reader_gone  # rich would exit 1; the command's handler ends quietly
    return made


def _reader_gone() -> None:
    """A closed pipe (``| head``), raised as such for :func:`fosterreport.cli.app.reports_errors`."""
    raise BrokenPipeError("stdout closed by its reader")
