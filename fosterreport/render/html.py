"""The HTML report: the primary output, self-contained (CSS inline, charts as data: URIs)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from fosterreport.render.templates import render

if TYPE_CHECKING:
    from fosterreport.config import Config
    from fosterreport.context import ReportContext


def render_html(context: "ReportContext", config: "Config | None" = None, template: str = "report.html") -> str:
    html = render(config, "html", template, report=context)
    html = re.sub(r"[ \t]+\n", "\n", html)
    html = re.sub(r"\n{3,}", "\n\n", html)
    return html
