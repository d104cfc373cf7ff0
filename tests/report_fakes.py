"""A fixed, hand-made set of KPI results for the report renderer's tests.

The renderer is tested apart from the KPI engine and the sample data: these results
come from the real catalogue but with made-up, deterministic figures (no randomness),
so the golden files change only when the report's layout or wording does.

Used by tests/test_render_*.py and by ``python tests/regenerate_golden.py``.
"""

from __future__ import annotations

import zlib
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

from fosterreport.config import Config
from fosterreport.kpis.catalogue import CATALOGUE
from fosterreport.kpis.results import BenchmarkValue, KpiResults, KpiValue, ScorecardRow, TrendPoint
from fosterreport.periods import make_period
from fosterreport.problems import Problem, ProblemReport
from fosterreport.records import Extracts, FileInfo

FILES = ("households", "enquiries", "placements", "holds", "reviews", "visits", "panel", "complaints",
         "allegations", "training", "mockingbird", "budget")
BUDGET_LINES = ("Fees and allowances", "Staffing", "<script>alert('budget')</script>")
DIRECTIONS = {"higher": ("improved", "declined", "similar"), "lower": ("improved", "declined", "similar"),
              "neutral": ("up", "down", "similar")}


def _n(*parts) -> int:
    return zlib.crc32("|".join(map(str, parts)).encode())


def _value(kpi, *salt):
    h = _n(kpi.id, *salt)
    if kpi.unit == "count":
        return h % 90 if h % 7 else h % 5  # mostly 0..89, sometimes 0..4 (for suppression)
    if kpi.unit == "rate":
        return round((h % 1000) / 1000, 4)
    if kpi.unit == "ratio":
        return round(0.5 + (h % 150) / 100, 4)
    if kpi.unit in ("number", "days"):
        return round(20 + (h % 3000) / 10, 2)
    return Decimal(h % 5_000_000) - Decimal("250000.25")


def _keys(axis):
    return list(axis.keys) if axis.keys is not None else list(BUDGET_LINES)


def make_results(year: int = 2023, missing: tuple[str, ...] = ()) -> KpiResults:
    """Results for financial year ``year``; KPIs needing a file in ``missing`` are left out."""
    period = make_period(year)
    values: dict[str, KpiValue] = {}
    for kpi in CATALOGUE:
        if any(name in missing for name in kpi.needs):
            continue
        value, previous = _value(kpi, "now"), _value(kpi, "before")
        by = {axis.name: {key: _value(kpi, "now", axis.name, key) for key in _keys(axis)} for axis in kpi.axes}
        previous_by = {axis.name: {key: _value(kpi, "before", axis.name, key) for key in _keys(axis)}
                       for axis in kpi.axes}
        kv = KpiValue(kpi=kpi, value=value, by=by, previous=previous, previous_by=previous_by,
                      change=value - previous,
                      direction=DIRECTIONS[kpi.polarity][_n(kpi.id, "dir") % 3])
        if kpi.unit == "rate":
            kv.numerator, kv.denominator = 10 + _n(kpi.id, "num") % 40, 60 + _n(kpi.id, "den") % 40
        values[kpi.id] = kv
    if "enquiry_to_approval_rate" in values:
        kv = values["enquiry_to_approval_rate"]
        kv.benchmark = BenchmarkValue(0.11, "LA benchmark (The Fostering Network)")
        kv.target, kv.rag = 0.12, "amber"
    if "outturn" in values:
        values["outturn"].note = "forecast"
    scorecard = []
    for key, target, rag in (("approvals.MAINSTREAM", 35, "red"), ("enquiry_to_approval_rate", 0.12, "amber"),
                             ("reviews_on_time_rate", 0.95, "green")):
        kpi_id, _, code = key.partition(".")
        if kpi_id not in values:
            continue
        kv = values[kpi_id]
        value = kv.by["household_type"][code] if code else kv.value
        previous = kv.previous_by["household_type"][code] if code else kv.previous
        scorecard.append(ScorecardRow(key, kv.kpi, value, target, rag, previous, kv.direction))
    trend = []
    if "households" not in missing:
        for offset, y in enumerate(range(year - 4, year + 1)):
            trend.append(TrendPoint(make_period(y), {
                "households_start": 180 + offset, "households_end": 175 + 3 * offset, "approvals": 40 + offset,
                "deregistrations": 45 - offset, "net_change": -5 + 2 * offset,
                "deregistration_rate": round(0.2 - offset / 100, 4)},
                {"deregistrations": {"reason": {code: (offset + i) % 9 for i, code in enumerate(
                    ("RESIGNED", "TERMINATED", "TRANSFERRED_IFA", "TRANSFERRED_LA", "ADOPTED", "SGO",
                     "CHILD_MOVED_ON", "OTHER"))}}}))
    left_out = [f"{name}: {name}.csv not supplied" for name in missing]
    return KpiResults("Anyshire County Council", period, values, scorecard, left_out, [], trend)


def make_extracts(missing: tuple[str, ...] = ()) -> Extracts:
    extracts = Extracts(folder=Path("/data/anyshire"))
    for name in FILES:
        if name in missing:
            continue
        extracts.frames[name] = None  # the renderer never reads records
        extracts.files[name] = FileInfo(name, f"/private/exports/{name}.csv", 100 + len(name), f"{_n(name):08x}" * 8,
                                        "utf-8", date(2016, 4, 1), date(2023, 3, 31))
    extracts.problems = ProblemReport([
        Problem("placements.csv", 12, "start_date", "placement-before-approval",
                "placement P777 starts before household H0991 was approved", "warning"),
        Problem("placements.csv", 40, "start_date", "placement-before-approval",
                "placement P778 starts before household H0992 was approved", "warning"),
    ])
    return extracts


def make_config(project: Path, **report) -> Config:
    project.mkdir(parents=True, exist_ok=True)
    settings = {"meeting_date": date(2023, 5, 25), "committee": "Corporate Parenting Board", **report}
    return Config(report=settings, base=project)


# -- the HTML's outline, for golden files ------------------------------------------------


class Outline(HTMLParser):
    """Headings, table captions, figure alternatives and landmarks, in document order."""

    def __init__(self):
        super().__init__()
        self.lines: list[str] = []
        self._capture: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6", "caption"):
            self._capture, self._text = tag, []
        elif tag == "img":
            self.lines.append(f"img alt={attributes.get('alt')!r}")
        elif tag in ("header", "nav", "main", "footer", "section"):
            label = attributes.get("aria-labelledby") or attributes.get("id") or ""
            self.lines.append(f"<{tag}> {label}".rstrip())

    def handle_endtag(self, tag):
        if tag == self._capture:
            text = " ".join("".join(self._text).split())
            self.lines.append(f"{'  ' * (int(tag[1]) - 1) if tag[0] == 'h' else '    '}{tag}: {text}")
            self._capture = None

    def handle_data(self, data):
        if self._capture:
            self._text.append(data)


def outline(html: str) -> str:
    parser = Outline()
    parser.feed(html)
    return "\n".join(parser.lines) + "\n"


GOLDEN = Path(__file__).parent / "golden"


def render_golden(tmp: Path) -> dict[str, str]:
    """The texts the golden files hold: the Markdown report and the HTML's outline."""
    from fosterreport.build import report_context
    from fosterreport.render.charts import render_charts
    from fosterreport.render.html import render_html
    from fosterreport.render.markdown import render_markdown
    from fosterreport.render.templates import md as md_escape

    project = tmp / "project"
    (project / "narrative").mkdir(parents=True, exist_ok=True)
    (project / "narrative" / "summary.md").write_text(
        "Recommendation: The Board is asked to note the report.\n\n"
        "We received {{ kpi.enquiries }} enquiries ({{ kpi.enquiries.previous }} last year) and approved "
        "{{ kpi.approvals.by.MAINSTREAM }} mainstream households.\n", encoding="utf-8")
    config = make_config(project)
    context = report_context(make_results(), make_extracts(), config)
    render_charts(context.charts)
    md = render_markdown(context, config)
    # The definitions appendix prints the catalogue's sentences, whose wording is the
    # catalogue's business (and tested in test_render_context); keep them out of the golden.
    for kpi in CATALOGUE:
        md = md.replace(md_escape(kpi.definition), f"(definition of {kpi.id})")
    return {"report.md": md, "report-outline.txt": outline(render_html(context, config))}
