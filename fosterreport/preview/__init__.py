"""``fosterreport preview``: the HTML report served on 127.0.0.1, rebuilt as its files change.

:mod:`~fosterreport.preview.report` keeps what is loaded and rebuilds only what a change
reaches; :mod:`~fosterreport.preview.page` is what the browser shows (the report with a
reload script, or the problems); :mod:`~fosterreport.preview.server` serves it and
watches the files. See docs/preview.md.
"""

from fosterreport.preview.report import Outcome, Problem, ReportPreview
from fosterreport.preview.server import HOST, PreviewServer

__all__ = ["HOST", "Outcome", "PreviewServer", "Problem", "ReportPreview"]
