"""The Markdown report: GitHub-flavoured, pipe tables, readable as plain text.

Charts appear as their text alternative and their table (no images), so the Markdown
carries every figure of the HTML.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from fosterreport.render.templates import render

if TYPE_CHECKING:
    from fosterreport.config import Config
    from fosterreport.context import ReportContext


def render_markdown(context: "ReportContext", config: "Config | None" = None, template: str = "report.md.j2") -> str:
    text = render(config, "md", template, report=context)
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip() + "\n"
