"""Exit codes: the one place they are defined (see the spec's cli.md).

Each code's meaning is the string under it; ``fosterreport --help`` lists them from
here (:func:`fosterreport.cli.app.exit_code_lines`), so the help cannot drift from the
codes the commands return.
"""

OK = 0
"""Success (warnings allowed, unless --strict); also when a reader closes the pipe early (| head)."""

INVALID_DATA = 1
"""The extracts are invalid (or have warnings under --strict): every problem printed, nothing written."""

USAGE = 2
"""Usage or configuration error: bad option, unknown config key, missing folder."""

RENDER = 3
"""Rendering failed: template error, narrative placeholder, PDF engine or output folder; or no room to write the output (a full disk)."""

INTERNAL = 70
"""An unexpected internal error (a bug): one line asking the user to report it."""
