"""fosterreport: statutory fostering service reports computed from record-level extracts.

The pipeline, one module per stage: ``extracts`` (read CSV files) → ``validation``
(parse and check, problems as data) → ``records`` (the validated extracts) → ``kpis``
(the catalogue, computed) → ``context`` (what templates see) → ``render`` (HTML, PDF,
Markdown) → ``build`` (orchestration). ``cli`` sits on top and only formats.

The public API is imported lazily so that ``import fosterreport`` stays cheap.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "load_extracts", "compute_kpis", "build_report", "load_config"]


def __getattr__(name: str):
    if name == "load_extracts":
        from fosterreport.records import load_extracts
        return load_extracts
    if name == "compute_kpis":
        from fosterreport.kpis import compute_kpis
        return compute_kpis
    if name == "build_report":
        from fosterreport.build import build_report
        return build_report
    if name == "load_config":
        from fosterreport.config import load_config
        return load_config
    raise AttributeError(name)
