"""Data the package carries: the embedded sample extracts.

The wheel ships the repository's top-level ``sample_data/`` as ``fosterreport/sample_data``
(``pyproject.toml``, ``force-include``); in a checkout it is beside the package. Finding
it is a library question (``build`` benchmarks it, ``init --sample`` copies it, every
command falls back to it), so it lives here, below every stage, and not in the CLI.
"""

from __future__ import annotations

from pathlib import Path

from fosterreport.exceptions import UsageError


#: The fictional council of the embedded sample (its outputs name it; real data never does).
SAMPLE_COUNCIL = "Anyshire County Council"
SAMPLE_SERVICE = "Anyshire Fostering Service"


def is_sample_folder(folder: Path) -> bool:
    """Whether ``folder`` is the embedded sample data (however it was reached)."""
    try:
        return Path(folder).resolve() == sample_folder().resolve()
    except (OSError, UsageError):
        return False


def sample_folder() -> Path:
    """The embedded sample data, found relative to the package (never the cwd)."""
    package = Path(__file__).resolve().parent
    for candidate in (package / "sample_data", package.parent / "sample_data"):
        if candidate.is_dir():
            return candidate
    raise UsageError("the embedded sample data is missing from this installation")
