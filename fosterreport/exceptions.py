"""The few exceptions the library raises, each mapped to one exit code by the CLI.

Bad extracts are not exceptions: they are :class:`~fosterreport.problems.Problem`
values in a report. These are for the things that stop a run outright.
"""

from __future__ import annotations

from fosterreport import exitcodes


class FosterReportError(Exception):
    """Base class: ``exit_code`` says how the CLI ends when this escapes."""

    exit_code = exitcodes.INTERNAL

    def __init__(self, messages: list[str] | str):
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("\n".join(self.messages))


class UsageError(FosterReportError):
    """A bad option or a missing folder."""

    exit_code = exitcodes.USAGE


class ConfigError(UsageError):
    """fosterreport.toml has unknown keys, wrong types or cannot be read."""


class InvalidExtracts(FosterReportError):
    """The extracts have errors; ``problems`` holds every one of them."""

    exit_code = exitcodes.INVALID_DATA

    def __init__(self, problems):
        self.problems = problems
        super().__init__([p.as_text() for p in problems.errors])


class RenderError(FosterReportError):
    """A template, narrative or PDF could not be rendered; the message names where."""

    exit_code = exitcodes.RENDER
