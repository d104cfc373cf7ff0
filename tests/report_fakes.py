"""A fixed, hand-made set of KPI results for the report renderer's tests.

The renderer is tested apart from the KPI engine and the sample data: these results
come from the real catalogue with made-up figures, written out by hand below, so the
golden files change only when the report's layout or wording does.

The figures describe one coherent (fictional) service over two years, so that a
sentence or table that puts two of them side by side reads true, and a renderer that
picked the wrong figure shows up as a contradiction rather than as one more random
number. What holds, in each year (asserted below as the figures are built, so an edit
that breaks it fails every test that uses them):

- households: end = start + approvals − deregistrations, per household type and in
  total; this year's start is last year's end; net change = approvals − deregistrations;
  every breakdown adds up to its total;
- places: approved = filled + vacant + on hold; filled ≤ children placed ≤ filled +
  households over capacity; children placed in-house = children in care with the
  in-house provider;
- recruitment: enquiries ≥ initial visits ≥ applications ≥ approvals from enquiries,
  which are at most the households approved;
- every rate or ratio is its numerator divided by its denominator, both stored, and the
  denominator is the figure the catalogue's definition names;
- change = value − previous; direction and RAG as the engine's own rules give them
  (:mod:`fosterreport.kpis.comparison`, with the default rules);
- the trend's last two years are this year and last year.

A few counts are deliberately small (1 to 4) so that suppression has something to do.

Used by tests/test_render_*.py and by ``python tests/regenerate_golden.py``.
"""

from __future__ import annotations

import zlib
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

from fosterreport.config import Config, Rules
from fosterreport.kpis.catalogue import BY_ID, CATALOGUE
from fosterreport.kpis.comparison import difference, direction, rag
from fosterreport.kpis.results import BenchmarkValue, Figure, KpiResults, KpiValue, ScorecardRow, TrendPoint
from fosterreport.periods import make_period
from fosterreport.problems import Problem, ProblemReport
from fosterreport.records import Extracts, FileInfo

FILES = ("households", "enquiries", "placements", "holds", "reviews", "visits", "panel", "complaints",
         "allegations", "training", "mockingbird", "budget")
BUDGET_LINES = ("Fees and allowances", "Staffing", "<script>alert('budget')</script>")
RULES = Rules()


def _n(*parts) -> int:
    return zlib.crc32("|".join(map(str, parts)).encode())


def _by(kpi_id: str, axis: str, values) -> dict:
    """``values`` (in the catalogue's key order, or the budget lines) as a breakdown."""
    keys = BY_ID[kpi_id].breakdown(axis).keys or BUDGET_LINES
    values = list(values)
    assert len(keys) == len(values), (kpi_id, axis)
    return dict(zip(keys, values))


def _total(by: dict):
    return sum(by.values(), start=type(next(iter(by.values())))(0))


class _Year:
    """One year's figures: ``value``/``by`` per KPI, and the parts of each rate."""

    def __init__(self):
        self.value: dict = {}
        self.by: dict = {}
        self.parts: dict = {}  # kpi_id -> (numerator, denominator)
        self.parts_by: dict = {}  # kpi_id -> (axis, {key: numerator}, {key: denominator})
        self.basis: dict = {}  # kpi_id -> the counts it rests on (for suppression)
        self.basis_by: dict = {}

    def figure(self, kpi_id: str) -> Figure:
        """The engine's shape: the value with its parts and basis."""
        figure = Figure(self.value[kpi_id], self.by.get(kpi_id, {}), basis=self.basis.get(kpi_id, ()),
                        basis_by=self.basis_by.get(kpi_id, {}))
        if kpi_id in self.parts:
            figure.numerator, figure.denominator = self.parts[kpi_id]
        if kpi_id in self.parts_by:
            axis, numerators, denominators = self.parts_by[kpi_id]
            figure.numerator_by, figure.denominator_by = {axis: numerators}, {axis: denominators}
        return figure

    def count(self, kpi_id: str, value=None, **axes):
        self.by[kpi_id] = {axis: _by(kpi_id, axis, values) for axis, values in axes.items()}
        totals = {_total(by) for by in self.by[kpi_id].values()}
        if value is None:
            (value,) = totals
        assert totals <= {value}, (kpi_id, value, totals)  # every breakdown adds up to the total
        self.value[kpi_id] = value
        self.basis[kpi_id] = (value,)  # a count rests on itself
        self.basis_by[kpi_id] = {axis: {key: (cell,) for key, cell in cells.items()}
                                 for axis, cells in self.by[kpi_id].items()}

    def rate(self, kpi_id: str, numerator, denominator, axis: str | None = None, numerators=None,
             denominators=None, counted: bool = True):
        self.value[kpi_id] = numerator / denominator if denominator else None
        self.parts[kpi_id] = (numerator, denominator)
        if counted:  # both are counts of people or records (not pounds)
            self.basis[kpi_id] = (numerator, denominator)
        if axis:
            self.by[kpi_id] = {axis: {key: (numerators[key] / denominators[key] if denominators[key] else None)
                                      for key in numerators}}
            self.parts_by[kpi_id] = (axis, dict(numerators), dict(denominators))
            self.basis_by[kpi_id] = {axis: {key: (numerators[key], denominators[key]) for key in numerators}}

    def plain(self, kpi_id: str, value, **axes):
        self.value[kpi_id] = value
        self.by[kpi_id] = {axis: _by(kpi_id, axis, values) for axis, values in axes.items()}


def _sub(a: dict, b: dict) -> dict:
    return {key: a[key] - b[key] for key in a}


def _add(a: dict, b: dict) -> dict:
    return {key: a[key] + b[key] for key in a}


def _households(y: _Year, start, approvals, deregistrations, reasons, new_places):
    """The household movements of one year, by household type (catalogue order)."""
    y.count("households_start", household_type=start)
    y.count("approvals", household_type=approvals)
    assert all(places >= households for places, households in zip(new_places, approvals))
    y.count("approvals_places", household_type=new_places)
    start_by, approvals_by = y.by["households_start"]["household_type"], y.by["approvals"]["household_type"]
    dereg = _by("deregistrations", "household_type", deregistrations)
    y.count("deregistrations", household_type=deregistrations, reason=reasons)
    end = _sub(_add(start_by, approvals_by), dereg)
    y.count("households_end", household_type=end.values())
    y.count("net_change", household_type=_sub(approvals_by, dereg).values())
    y.basis["net_change"] = (y.value["approvals"], y.value["deregistrations"])  # it rests on both
    y.basis_by["net_change"] = {"household_type": {key: (approvals_by[key], dereg[key]) for key in dereg}}
    y.rate("deregistration_rate", y.value["deregistrations"], y.value["households_start"] + y.value["approvals"],
           "household_type", dereg, _add(start_by, approvals_by))
    return end


def _places(y: _Year, places, children, over_capacity, vacant, on_hold_vacancy, on_hold_reason,
            households_on_hold):
    """Places at the end of the year: approved = filled + vacant + on hold."""
    end = y.by["households_end"]["household_type"]
    y.count("approved_places_end", household_type=places)
    y.count("children_placed_end", household_type=children)
    filled = {key: value - over_capacity.get(key, 0)
              for key, value in y.by["children_placed_end"]["household_type"].items()}
    y.count("places_filled_end", household_type=filled.values())
    y.count("over_capacity_households_end", sum(over_capacity.values()))
    y.count("temporary_approvals", household_type=[0, 12, 0, 0, 0])  # issue 14: Regulation 24
    y.count("temporary_households_end", household_type=[0, 9, 0, 0, 0])
    y.count("places_vacant_end", vacancy=vacant)
    y.count("places_on_hold_end", vacancy=on_hold_vacancy, hold_reason=on_hold_reason)
    y.count("households_on_hold_end", hold_reason=households_on_hold)
    assert y.value["approved_places_end"] == (y.value["places_filled_end"] + y.value["places_vacant_end"]
                                              + y.value["places_on_hold_end"])
    approved = y.by["approved_places_end"]["household_type"]
    children_by = y.by["children_placed_end"]["household_type"]
    y.rate("occupancy_rate", y.value["places_filled_end"], y.value["approved_places_end"], "household_type",
           filled, approved)
    y.rate("utilisation_rate", y.value["children_placed_end"], y.value["households_end"], "household_type",
           children_by, end)


def _recruitment(y: _Year, enquiries_by_source, enquiries_by_type, visits, applications, approved_by_type,
                 cohort, days_to_approval, days_from_application, timescale, in_progress, withdrawals):
    y.count("enquiries", source=enquiries_by_source, household_type_sought=enquiries_by_type)
    y.count("initial_visits", visits)
    y.count("applications", applications)
    y.count("approvals_from_enquiries", household_type_sought=approved_by_type)
    e, v, a, x = (y.value[k] for k in ("enquiries", "initial_visits", "applications", "approvals_from_enquiries"))
    assert e >= v >= a >= x and x <= y.value["approvals"]  # the funnel narrows
    y.rate("enquiry_to_approval_rate", x, e)
    y.rate("enquiry_to_application_rate", a, e)
    y.rate("application_to_approval_rate", x, a)
    y.rate("enquiry_to_visit_rate", v, e)
    y.rate("cohort_approval_rate", *cohort)  # of last year's enquiries
    within, with_application = timescale
    y.plain("median_days_enquiry_to_approval", days_to_approval)
    y.plain("median_days_application_to_approval", days_from_application)
    y.basis["median_days_enquiry_to_approval"] = (x,)  # the cases it is the median of
    y.basis["median_days_application_to_approval"] = (with_application,)
    assert with_application <= x
    y.rate("assessments_within_timescale_rate", within, with_application)
    y.count("assessments_in_progress_end", household_type_sought=in_progress)
    y.count("withdrawals", closed_reason=withdrawals)
    assert y.value["withdrawals"] <= e - x


def _year(now: bool) -> _Year:
    """2022/23 (``now``) or 2021/22: the figures of one coherent service."""
    y = _Year()
    if now:
        # household types: MAINSTREAM, CONNECTED, FFA, SPECIALIST, SUPPORTED_LODGINGS
        _households(y, [121, 44, 7, 11, 12], [24, 17, 3, 2, 2], [20, 9, 2, 1, 1],
                    reasons=[14, 2, 3, 1, 2, 5, 6, 0], new_places=[40, 19, 3, 3, 2])
        _places(y, places=[210, 70, 8, 14, 13], children=[150, 60, 6, 11, 9], over_capacity={"CONNECTED": 2},
                vacant=[40, 32], on_hold_vacancy=[6, 3], on_hold_reason=[3, 2, 0, 1, 2, 0, 1],
                households_on_hold=[2, 2, 0, 1, 1, 0, 1])
        providers, placed_in_period, average = [236, 120, 45, 8, 20, 11], 301, [146.3, 56.8, 5.4, 10.6, 8.9]
        _recruitment(y, [96, 38, 27, 41, 12, 4, 3, 1], [170, 22, 9, 14, 7], 118, 41, [18, 2, 2, 2, 0],
                     cohort=(21, 203), days_to_approval=262.0, days_from_application=181.5, timescale=(19, 23),
                     in_progress=[20, 3, 1, 2, 1], withdrawals=[17, 9, 21, 6, 1, 4])
        reviews, on_time, overdue, visits, timely, unannounced = 158, 152, 3, 1630, 221, 149
        panel = (12, 1, [22, 17, 20, 14, 9, 4, 3, 2, 3, 2, 0], [71, 2, 4, 17, 2])
        complaints = ([2, 6, 3, 1, 0, 2], [3, 2, 6, 2, 0, 1], [1, 2, 2, 0, 0, 0])
        allegations = ([4, 2, 2, 1, 0], [4, 1, 2, 2, 0], [3, 2, 2, 1, 0, 0, 1], 8)
        training = ([18, 15, 12, 1], 187, 612)
        mockingbird = (2, [2, 17])
        budget = [Decimal("9800000.00"), Decimal("2450000.00"), Decimal("150000.00")]
        outturn = [Decimal("10212345.67"), Decimal("2398120.10"), Decimal("162004.50")]
        funded = 240.0
    else:
        _households(y, [120, 43, 6, 12, 12], [20, 15, 2, 3, 3], [19, 14, 1, 4, 3],
                    reasons=[17, 3, 5, 0, 2, 6, 7, 1], new_places=[33, 16, 2, 4, 3])
        _places(y, places=[200, 60, 7, 13, 12], children=[140, 52, 5, 10, 9], over_capacity={"MAINSTREAM": 1},
                vacant=[36, 30], on_hold_vacancy=[7, 4], on_hold_reason=[4, 3, 1, 0, 2, 1, 0],
                households_on_hold=[3, 2, 1, 0, 1, 1, 0])
        providers, placed_in_period, average = [216, 131, 41, 9, 18, 10], 284, [137.5, 50.2, 4.6, 10.1, 8.6]
        _recruitment(y, [84, 40, 22, 35, 14, 5, 2, 1], [155, 20, 8, 13, 7], 101, 38, [16, 2, 1, 2, 0],
                     cohort=(18, 190), days_to_approval=275.0, days_from_application=190.0, timescale=(15, 20),
                     in_progress=[18, 3, 1, 2, 1], withdrawals=[15, 8, 19, 5, 0, 4])
        reviews, on_time, overdue, visits, timely, unannounced = 150, 139, 5, 1544, 207, 131
        panel = (12, 0, [20, 14, 18, 15, 8, 5, 2, 1, 3, 2, 0], [66, 1, 3, 16, 2])
        complaints = ([1, 5, 2, 1, 1, 1], [2, 1, 6, 1, 1, 0], [0, 2, 1, 0, 0, 0])
        allegations = ([3, 1, 2, 1, 0], [3, 0, 2, 1, 1], [2, 1, 3, 1, 0, 0, 0], 7)
        training = ([20, 11, 10, 0], 171, 540)
        mockingbird = (1, [1, 9])
        budget = [Decimal("9500000.00"), Decimal("2400000.00"), Decimal("140000.00")]
        outturn = [Decimal("9610500.00"), Decimal("2420300.25"), Decimal("131250.00")]
        funded = 232.0

    y.count("children_in_care_end", provider=providers)
    in_house, ifa = providers[0], providers[1]
    assert in_house == y.value["children_placed_end"]
    y.rate("fostered_share", in_house + ifa, y.value["children_in_care_end"])
    y.rate("in_house_share", in_house, in_house + ifa)
    assert placed_in_period >= in_house
    y.count("children_placed_in_period", placed_in_period)
    y.plain("average_children_placed", round(sum(average), 1), household_type=average)
    y.basis["average_children_placed"] = (placed_in_period,)  # the children it averages

    start, approvals, deregistrations = (y.value[k] for k in ("households_start", "approvals", "deregistrations"))
    y.count("reviews_due", reviews)
    y.rate("reviews_on_time_rate", on_time, reviews)
    y.count("reviews_overdue_end", overdue)
    y.count("supervision_visits", visits)
    y.rate("supervision_timeliness_rate", timely, start + approvals)  # approved at some point in the year
    y.rate("unannounced_visit_rate", unannounced, start - deregistrations)  # approved every day of it

    sittings, inquorate, item_types, outcomes = panel
    y.count("panel_sittings", sittings)
    y.count("panel_items", item_type=item_types, outcome=outcomes)
    y.count("inquorate_sittings", inquorate)

    complainants, complaint_outcomes, upheld = complaints
    y.count("complaints", complainant=complainants, outcome=complaint_outcomes)
    y.count("complaints_upheld", complainant=upheld)
    assert y.value["complaints_upheld"] == complaint_outcomes[0] + complaint_outcomes[1]  # upheld, partly
    sources, categories, allegation_outcomes, households = allegations
    y.count("allegations", source=sources, category=categories, outcome=allegation_outcomes)
    y.count("allegations_substantiated", allegation_outcomes[1])
    y.rate("allegations_nfa_rate", allegation_outcomes[0], y.value["allegations"])
    assert households <= y.value["allegations"]
    y.count("households_with_allegations", households)
    y.count("allegations_to_panel", 1)  # issue 14
    y.count("allegations_to_dbs", 0)
    modes, carers, attendances = training
    y.count("training_sessions", mode=modes)
    y.count("carers_trained", carers)
    y.count("training_attendances", attendances)

    constellations, roles = mockingbird
    assert roles[0] == constellations  # one hub per constellation
    y.count("mockingbird_constellations_end", constellations)
    y.count("mockingbird_households_end", role=roles)
    y.rate("mockingbird_share", y.value["mockingbird_households_end"], y.value["households_end"])

    y.plain("budget", sum(budget), line=budget)
    y.plain("outturn", sum(outturn), line=outturn)
    variance = [o - b for o, b in zip(outturn, budget)]
    y.plain("budget_variance", sum(variance), line=variance)
    y.rate("budget_variance_rate", float(sum(variance)), float(sum(budget)), counted=False)
    y.plain("funded_placements", funded)
    weeks = Decimal(str(y.value["average_children_placed"])) * 365 / 7  # placement-days ÷ 7
    y.plain("cost_per_placement_week", (sum(outturn) / weeks).quantize(Decimal("0.01")))
    missing = [kpi.id for kpi in CATALOGUE if kpi.id not in y.value]
    assert not missing, missing
    return y


_TREND = (  # 2018/19 to 2020/21: households at the start, approvals, deregistrations by reason
    (180, 40, [15, 2, 4, 1, 3, 5, 7, 1]),
    (182, 42, [14, 1, 4, 2, 2, 5, 6, 1]),
    (189, 37, [13, 2, 3, 1, 2, 4, 7, 1]),
)
TREND_KPIS = ("households_start", "households_end", "approvals", "deregistrations", "net_change",
              "deregistration_rate")


def _trend(year: int, now: _Year, before: _Year) -> list[TrendPoint]:
    """Five years, oldest first, each starting where the one before ended; the last two
    are last year and this year."""
    reason_keys = BY_ID["deregistrations"].breakdown("reason").keys
    points = []
    for offset, (start, approvals, reasons) in enumerate(_TREND):
        deregistrations = sum(reasons)
        end = start + approvals - deregistrations
        figures = {"households_start": Figure(start, basis=(start,)), "households_end": Figure(end, basis=(end,)),
                   "approvals": Figure(approvals, basis=(approvals,)),
                   "deregistrations": Figure(deregistrations, {"reason": dict(zip(reason_keys, reasons))},
                                             basis=(deregistrations,),
                                             basis_by={"reason": {k: (n,) for k, n in zip(reason_keys, reasons)}}),
                   "net_change": Figure(approvals - deregistrations, basis=(approvals, deregistrations)),
                   "deregistration_rate": Figure(deregistrations / (start + approvals), numerator=deregistrations,
                                                 denominator=start + approvals,
                                                 basis=(deregistrations, start + approvals))}
        points.append(TrendPoint(make_period(year - 4 + offset), figures))
    for offset, y in ((3, before), (4, now)):
        points.append(TrendPoint(make_period(year - 4 + offset), {k: y.figure(k) for k in TREND_KPIS}))
    for older, newer in zip(points, points[1:]):
        assert newer.values["households_start"] == older.values["households_end"]
    return points


def make_results(year: int = 2023, missing: tuple[str, ...] = ()) -> KpiResults:
    """Results for financial year ``year``; KPIs needing a file in ``missing`` are left out."""
    period = make_period(year)
    now, before = _year(True), _year(False)
    values: dict[str, KpiValue] = {}
    for kpi in CATALOGUE:
        if any(name in missing for name in kpi.needs):
            continue
        value, previous = now.value[kpi.id], before.value[kpi.id]
        kv = KpiValue(kpi=kpi, figure=now.figure(kpi.id), before=before.figure(kpi.id),
                      change=difference(value, previous),
                      direction=direction(value, previous, kpi.polarity, RULES.similar_tolerance))
        values[kpi.id] = kv

    def judge(kv: KpiValue, value, target):
        return rag(value, target, kv.kpi.polarity, RULES.rag_green_tolerance, RULES.rag_red_threshold)

    if "enquiry_to_approval_rate" in values:
        kv = values["enquiry_to_approval_rate"]
        kv.benchmark = BenchmarkValue(0.11, "LA benchmark (The Fostering Network)")
        kv.target = 0.12
        kv.rag = judge(kv, kv.value, kv.target)
    if "outturn" in values:
        values["outturn"].figure.note = "forecast"
    scorecard = []
    for key, target in (("approvals.MAINSTREAM", 35), ("enquiry_to_approval_rate", 0.12),
                        ("reviews_on_time_rate", 0.95)):
        kpi_id, _, code = key.partition(".")
        if kpi_id not in values:
            continue
        kv = values[kpi_id]
        value = kv.by["household_type"][code] if code else kv.value
        previous = kv.previous_by["household_type"][code] if code else kv.previous
        scorecard.append(ScorecardRow(key, kv.kpi, value, target, judge(kv, value, target), previous,
                                      direction(value, previous, kv.kpi.polarity, RULES.similar_tolerance),
                                      "household_type" if code else None, code or None))
    trend = _trend(year, now, before) if "households" not in missing else []
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
    return Config(report=settings, base=project, authority={"name": "Anyshire County Council"})


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
