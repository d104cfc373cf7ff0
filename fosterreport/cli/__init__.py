"""The ``fosterreport`` command: one module per command, all registered on one app."""

from __future__ import annotations

import importlib

from fosterreport.cli.app import app

#: Command modules, each registering itself on ``app`` when imported.
COMMANDS = ("build", "kpis", "validate", "init", "schema", "sample", "preview")

for _name in COMMANDS:
    importlib.import_module(f"fosterreport.cli.{_name}")


def main() -> None:
    app()
