"""The hub's own narrative: ``narrative/<section>.md`` of the region folder, above each section.

The same mechanism as a council's (:mod:`fosterreport.render.narrative`): the files are
those of ``[report] narrative`` of the region's config (default ``narrative/``, beside
the region's ``fosterreport.toml`` or in the region folder), named after the regional
report's sections (``summary.md``, ``breakdowns.md``, ``recruitment.md`` …), and their
placeholders (``{{ kpi.enquiries }}``, ``{{ kpi.approvals.by.MAINSTREAM }}``,
``{{ kpi.enquiry_to_approval_rate.rag }}``, ``{{ period.in_words }}``) print the
*regional* figures exactly as the regional tables do, withheld by the region's threshold,
because both read one :class:`~fosterreport.context.Figures` of the region's combined
results. A misspelt placeholder is a RenderError naming the file, the line and the
closest id; a file that names no regional section is a notice (never silently used or
dropped). A council's own narrative stays in its own folder and its own report.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fosterreport.config import Config
    from fosterreport.region.context import RegionContext
    from fosterreport.region.figures import RegionResults


@dataclass(frozen=True)
class _Names:
    """What the ``authority``, ``service`` and ``committee`` placeholders print for a hub."""

    authority: str
    service: str
    committee: str


def narrative_folder(config: "Config") -> Path | None:
    """``[report] narrative`` of the region's config (its own check refused a folder it
    sets that is not there); None when the default folder is simply absent."""
    folder = config.resolve(config.report.narrative)
    return folder if folder.is_dir() else None


def add_region_narratives(context: "RegionContext", region: "RegionResults", config: "Config") -> list[str]:
    """Merge each ``<section>.md`` into ``context``'s section; the notices for the author."""
    from fosterreport.context import Figures
    from fosterreport.region.context import SECTION_TITLES
    from fosterreport.render.narrative import _narrative, narrative_text, placeholder_variables

    folder = narrative_folder(config)
    if folder is None or region.combined is None:
        return []
    notices: list[str] = []
    names = _Names(region.name, region.name, config.report.committee)
    variables = placeholder_variables(Figures(region.combined, region.suppress_below), names)
    present = {section.id: section for section in context.sections}
    for path in sorted(folder.glob("*.md")):
        name = f"{folder.name}/{path.name}"
        stem = path.stem.lower()
        if stem not in SECTION_TITLES:
            close = difflib.get_close_matches(stem, list(SECTION_TITLES), n=1, cutoff=0.6)
            notices.append(f"{name} matches no section of the regional report and was not used"
                           + (f" (did you mean {close[0]}.md?)" if close else
                              f"; the sections are {', '.join(f'{sid}.md' for sid in SECTION_TITLES)}"))
            continue
        if stem not in present:
            notices.append(f"{name} was not used: the regional report has no {SECTION_TITLES[stem]} section "
                           f"for this period (no council could give its figures)")
            continue
        text = narrative_text(path, folder, name, variables, notices)
        present[stem].narrative = _narrative(text, f"Table in the narrative of {SECTION_TITLES[stem]}", name)
    return notices
