"""The ``fosterreport`` command: one module per command, all registered on one app."""

from __future__ import annotations

import importlib
import os
import sys

from fosterreport.cli.app import app

#: Command modules, each registering itself on ``app`` when imported.
COMMANDS = ("build", "kpis", "validate", "init", "schema", "sample", "preview")

for _name in COMMANDS:
    importlib.import_module(f"fosterreport.cli.{_name}")


def main() -> None:
    """Run the command, then leave the process without tearing the interpreter down.

    By the time a command returns, everything it writes has been written, closed and
    renamed into place (:mod:`fosterreport.render.write`), worker and printer processes
    have been stopped, and the exit code is known. What Python would still do is free the
    objects of pandas, pyarrow and the report one by one and unload their modules: about
    0.15 s of a ``kpis`` run here (``benchmarks/goals.py``), waited for by every user and
    every scheduled job for nothing. So once standard output and standard error are
    flushed, ``os._exit`` ends the process with the command's code. A flush that fails
    (a full disk behind ``> file``) is left to Python's own exit, which reports it.
    """
    try:
        app()
        code = 0
    except SystemExit as end:
        if end.code is not None and not isinstance(end.code, int):
            raise  # (a message for Python to print: not one of ours, so its own way)
        code = end.code or 0
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        sys.exit(code)
    os._exit(code)
