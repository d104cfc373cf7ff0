"""The KPI catalogue: every figure the tool computes, said once.

Each :class:`Kpi` carries its stable id (used in JSON, CSV, ``[targets]`` and narrative
placeholders), the label a committee reads, its unit, the one-sentence definition the
report prints in its definitions appendix, its polarity (is higher better?), its
breakdowns, the extracts it needs and the report section it belongs to. Nothing else in
the package spells a KPI's label or definition: ``fosterreport kpis --list``,
``docs/kpis.md`` and the report's appendix are all generated from :data:`CATALOGUE`.

Breakdown keys come from the contract's code lists in :mod:`fosterreport.codes`, so a
new code appears in every breakdown (as a zero) without touching this file.

A :class:`Cross` is a cross-tabulation of two of those breakdowns (deregistrations by
household type × reason, as Dorset publishes them), declared on the KPI beside its
breakdowns and keyed ``rows/columns`` ("household_type/reason") in JSON and CSV. Only
count KPIs are cross-tabulated: each cell is a count of records, its own basis for
suppression.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from fosterreport import codes

Unit = Literal["count", "rate", "ratio", "number", "days", "money"]
Polarity = Literal["higher", "lower", "neutral"]
Aggregation = Literal["sum", "ratio", "median", "money"]
#: Records a KPI needs from before its period (see :mod:`fosterreport.kpis.coverage`).
Lookback = Literal["previous_period", "supervision_interval"]

#: The key under which blank values of an optional coded column are counted, so that a
#: breakdown always sums to its total.
NOT_RECORDED = "NOT_RECORDED"
NOT_RECORDED_LABEL = "Not recorded"

#: Report sections, in report order, with their titles.
SECTIONS: dict[str, str] = {
    "households": "Households and places",
    "children": "Children placed",
    "recruitment": "Recruitment",
    "oversight": "Oversight and support",
    "complaints": "Complaints, allegations and learning",
    "mockingbird": "Mockingbird",
    "finance": "Finance",
}

UNITS: dict[str, str] = {
    "count": "a whole number",
    "rate": "a fraction (shown as a percentage with one decimal)",
    "ratio": "children per household (two decimals)",
    "number": "an average (one decimal)",
    "days": "days (whole days in text)",
    "money": "pounds (pence in JSON, whole pounds in text)",
}


#: How a KPI's figures combine across councils (and what each figure carries):
#: ``sum`` adds up (counts, averages over time, net change); ``ratio`` is recomputed as
#: Σ numerator ÷ Σ denominator; ``median`` is taken over every case pooled; ``money`` adds
#: up pounds. Each unit has its usual aggregation; a KPI declares another where it differs.
AGGREGATIONS: dict[str, str] = {
    "sum": "the councils' figures added up",
    "ratio": "recomputed from the councils' numerators and denominators added up",
    "median": "the median over all the councils' cases pooled",
    "money": "the councils' pounds added up",
}
UNIT_AGGREGATION: dict[str, Aggregation] = {
    "count": "sum", "number": "sum", "rate": "ratio", "ratio": "ratio", "days": "median", "money": "money",
}


@dataclass(frozen=True)
class Breakdown:
    """One way a KPI is split, and the keys it is split by.

    ``codes`` gives the keys from a contract code list (optionally only some of them);
    ``fixed`` gives keys the tool defines itself; ``dynamic`` keys come from the data
    (budget lines). ``not_recorded`` adds :data:`NOT_RECORDED` for an optional column.
    """

    name: str
    title: str
    codes: type[codes.Code] | None = None
    only: tuple[str, ...] | None = None
    fixed: tuple[tuple[str, str], ...] = ()
    not_recorded: bool = False
    dynamic: bool = False

    @property
    def keys(self) -> tuple[str, ...] | None:
        """Every key in order (zeros included in output), or None when data-driven."""
        if self.dynamic:
            return None
        if self.codes is not None:
            found = tuple(member.value for member in self.codes if self.only is None or member.value in self.only)
        else:
            found = tuple(key for key, _ in self.fixed)
        return found + ((NOT_RECORDED,) if self.not_recorded else ())

    def label(self, key: str) -> str:
        """The words for ``key`` a committee reads ("Connected persons")."""
        if key == NOT_RECORDED:
            return NOT_RECORDED_LABEL
        if self.codes is not None and key in self.codes.__members__:
            return self.codes[key].label
        return dict(self.fixed).get(key, key)


@dataclass(frozen=True)
class Cross:
    """A cross-tabulation: a KPI's count by ``rows`` × ``columns``, every key of each present.

    Each row adds up to that key of the ``rows`` breakdown (and each column to the
    ``columns`` breakdown's) where the KPI publishes that breakdown, which is what
    :func:`fosterreport.kpis.results.cross_withheld` protects.
    """

    rows: Breakdown
    columns: Breakdown

    @property
    def name(self) -> str:
        """``rows/columns``, e.g. ``household_type/reason``."""
        return f"{self.rows.name}/{self.columns.name}"

    @property
    def title(self) -> str:
        return f"{self.rows.title} by {self.columns.title.lower()}"


@dataclass(frozen=True)
class Kpi:
    id: str
    label: str
    unit: Unit
    definition: str
    polarity: Polarity
    breakdowns: tuple[str, ...]
    needs: tuple[str, ...]
    section: str
    #: The breakdowns themselves, in the order of ``breakdowns``.
    axes: tuple[Breakdown, ...] = field(default=(), repr=False, compare=False)
    #: How its figures combine (see :data:`AGGREGATIONS`).
    aggregation: Aggregation = "sum"
    #: Records it needs from before the period: the year before (a cohort), or the
    #: supervision interval (the contact before the period's first gap).
    lookback: Lookback | None = None
    #: Whether ``kpis --months`` gives it month by month (:func:`has_monthly_form`).
    monthly: bool = True
    #: Its cross-tabulations (see :class:`Cross`).
    crosses: tuple[Cross, ...] = field(default=(), repr=False, compare=False)

    @property
    def section_title(self) -> str:
        return SECTIONS[self.section]

    @property
    def on_a_day(self) -> bool:
        """A snapshot: a count on the period's first or last day (by the catalogue's one
        naming rule, ``…_start`` and ``…_end``), whatever the period's length."""
        return self.id.endswith(("_start", "_end"))

    @property
    def accumulates(self) -> bool:
        """A count of what happened during the period (enquiries, approvals), which grows
        with the period's length: a year's target for it says nothing about one month."""
        return self.unit == "count" and self.aggregation == "sum" and not self.on_a_day

    def breakdown(self, name: str) -> Breakdown:
        for axis in self.axes:
            if axis.name == name:
                return axis
        raise KeyError(f"{self.id} has no breakdown {name!r}")

    def cross(self, name: str) -> Cross:
        for table in self.crosses:
            if table.name == name:
                return table
        raise KeyError(f"{self.id} has no cross-tabulation {name!r}")

    def files(self) -> tuple[str, ...]:
        """The extract files this KPI is computed from (``households.csv`` …)."""
        return tuple(f"{name}.csv" for name in self.needs)


# -- breakdowns ------------------------------------------------------------------------

HOUSEHOLD_TYPE = Breakdown("household_type", "Household type", codes.HouseholdType)
REASON = Breakdown("reason", "Reason", codes.DeregistrationReason)
ETHNICITY = Breakdown("ethnicity_group", "Ethnicity of the main carer", codes.EthnicityGroup, not_recorded=True)
HOLD_REASON = Breakdown("hold_reason", "Reason for hold", codes.HoldReason, not_recorded=True)
VACANCY = Breakdown("vacancy", "Vacancy", fixed=(
    ("PRIMARY", "Primary (no child placed)"), ("SECONDARY", "Secondary (a child is placed)")))
PROVIDER = Breakdown("provider", "Placement provider", codes.Provider)
ENQUIRY_SOURCE = Breakdown("source", "Source", codes.EnquirySource, not_recorded=True)
TYPE_SOUGHT = Breakdown("household_type_sought", "Household type sought", codes.HouseholdType)
WITHDRAWAL = Breakdown("closed_reason", "Reason for withdrawal", codes.ClosedReason,
                       only=tuple(m.value for m in codes.ClosedReason if m.value.startswith("WITHDREW_")))
ITEM_TYPE = Breakdown("item_type", "Item", codes.PanelItem)
PANEL_OUTCOME = Breakdown("outcome", "Outcome", codes.PanelOutcome, not_recorded=True)
COMPLAINANT = Breakdown("complainant", "Complainant", codes.Complainant)
COMPLAINT_OUTCOME = Breakdown("outcome", "Outcome", codes.ComplaintOutcome)
ALLEGATION_SOURCE = Breakdown("source", "Source", codes.AllegationSource, not_recorded=True)
CATEGORY = Breakdown("category", "Category", codes.AllegationCategory, not_recorded=True)
ALLEGATION_OUTCOME = Breakdown("outcome", "Outcome", codes.AllegationOutcome)
MODE = Breakdown("mode", "Mode", codes.TrainingMode, not_recorded=True)
ROLE = Breakdown("role", "Role", codes.MockingbirdRole)
LINE = Breakdown("line", "Budget line", dynamic=True)

HH = ("households",)
HP = ("households", "placements")
HPH = ("households", "placements", "holds")


#: Sections whose figures describe a whole financial year, never a month: the budget.
YEARLY_SECTIONS = ("finance",)


def has_monthly_form(section: str, lookback: Lookback | None) -> bool:
    """Whether a KPI means something for one month (``kpis --months``): not a yearly
    section's (:data:`YEARLY_SECTIONS`), nor one that looks back before its period (a
    cohort of the month before, a supervision interval longer than the month). A KPI that
    is meaningless for a month on other grounds says ``{"monthly": False}`` itself."""
    return section not in YEARLY_SECTIONS and lookback is None


def _kpi(id: str, label: str, unit: Unit, polarity: Polarity, needs: tuple[str, ...], definition: str,
         *axes: Breakdown, section: str, aggregation: Aggregation | None = None,
         lookback: Lookback | None = None, monthly: bool | None = None, crosses: tuple[Cross, ...] = ()) -> Kpi:
    return Kpi(id, label, unit, definition, polarity, tuple(a.name for a in axes), needs, section, axes,
               aggregation or UNIT_AGGREGATION[unit], lookback,
               has_monthly_form(section, lookback) if monthly is None else monthly, crosses)


def _section(section: str, *rows: tuple) -> list[Kpi]:
    """KPIs from rows ``(id, label, unit, polarity, needs, definition, *breakdowns)``; a
    row may end with a dict of further fields (``{"aggregation": "ratio"}``)."""
    kpis = []
    for row in rows:
        options = row[-1] if isinstance(row[-1], dict) else {}
        fields = row[:-1] if options else row
        kpis.append(_kpi(*fields[:6], *fields[6:], section=section, **options))
    return kpis


CATALOGUE: tuple[Kpi, ...] = tuple([
    *_section(
        "households",
        ("households_start", "Fostering households at start of period", "count", "higher", HH,
         "Households approved on the day before the period starts (approved on or before that day "
         "and not deregistered by it).", HOUSEHOLD_TYPE),
        ("households_end", "Fostering households at end of period", "count", "higher", HH,
         "Households approved on the last day of the period (approved on or before it and not "
         "deregistered by it).", HOUSEHOLD_TYPE, ETHNICITY),
        ("approvals", "Households approved", "count", "higher", HH,
         "Households whose approval date falls in the period.", HOUSEHOLD_TYPE, ETHNICITY),
        ("approvals_places", "Places approved with new households", "count", "higher", HH,
         "The approved places (beds) of the households whose approval date falls in the period.",
         HOUSEHOLD_TYPE),
        ("deregistrations", "Households deregistered", "count", "lower", HH,
         "Households whose deregistration date (their first day no longer approved) falls in the "
         "period.", HOUSEHOLD_TYPE, REASON, {"crosses": (Cross(HOUSEHOLD_TYPE, REASON),)}),
        ("net_change", "Net change in households", "count", "higher", HH,
         "Approvals minus deregistrations in the period.", HOUSEHOLD_TYPE),
        ("deregistration_rate", "Deregistration rate", "rate", "lower", HH,
         "Deregistrations divided by households at the start plus approvals, i.e. by every household "
         "approved at any point in the period, as Ofsted measures it.", HOUSEHOLD_TYPE),
        ("approved_places_end", "Approved places at end of period", "count", "higher", HH,
         "The approved places (beds) of the households approved on the last day of the period.",
         HOUSEHOLD_TYPE),
        ("children_placed_end", "Children placed in-house at end of period", "count", "higher", HP,
         "Distinct children in a main (not respite) placement with one of the council's own "
         "households on the last day of the period.", HOUSEHOLD_TYPE),
        ("utilisation_rate", "Utilisation (children per household)", "ratio", "higher", HP,
         "Children placed in-house at the end of the period divided by the fostering households at the "
         "end of the period.", HOUSEHOLD_TYPE),
        ("occupancy_rate", "Occupancy of approved places", "rate", "higher", HP,
         "Filled places divided by approved places at the end of the period.", HOUSEHOLD_TYPE),
        ("places_filled_end", "Places filled at end of period", "count", "higher", HP,
         "The sum over households approved on the last day of the period of their children placed, "
         "counting no household above its approved places.", HOUSEHOLD_TYPE),
        ("places_vacant_end", "Vacant places at end of period", "count", "neutral", HPH,
         "Unfilled approved places of households not on hold on the last day of the period: primary "
         "where the household has no child placed, secondary where it has.", VACANCY),
        ("places_on_hold_end", "Places on hold at end of period", "count", "lower", HPH,
         "Unfilled approved places of households on hold on the last day of the period, by whether "
         "the household has a child placed and by the reason for the hold.", VACANCY, HOLD_REASON),
        ("households_on_hold_end", "Households on hold at end of period", "count", "lower",
         ("households", "holds"),
         "Approved households with a hold in force on the last day of the period.", HOLD_REASON),
        ("over_capacity_households_end", "Households over their approved places", "count", "lower", HP,
         "Approved households with more children placed than approved places on the last day of the "
         "period."),
        ("temporary_approvals", "Temporary (Regulation 24) approvals", "count", "neutral", HH,
         "Households whose approval date falls in the period and that households.csv marks as "
         "temporarily approved as connected persons under Regulation 24.", HOUSEHOLD_TYPE),
        ("temporary_households_end", "Households temporarily approved at end of period", "count", "neutral",
         HH,
         "Households approved on the last day of the period that households.csv marks as temporarily "
         "approved under Regulation 24.", HOUSEHOLD_TYPE),
    ),
    *_section(
        "children",
        ("children_in_care_end", "Children looked after at end of period", "count", "neutral",
         ("placements",),
         "Distinct children in a main placement of any provider on the last day of the period.", PROVIDER),
        ("fostered_share", "Share of children in foster care", "rate", "higher", ("placements",),
         "Children placed with in-house carers or an independent fostering agency, divided by all "
         "children looked after, on the last day of the period."),
        ("in_house_share", "Share of fostered children placed in-house", "rate", "higher", ("placements",),
         "Children placed with in-house carers divided by children placed in-house or with an "
         "independent fostering agency, on the last day of the period."),
        ("children_placed_in_period", "Children placed in-house during the period", "count", "higher",
         ("placements",),
         "Distinct children with a main in-house placement covering at least one day of the period."),
        ("average_children_placed", "Average children placed in-house", "number", "higher", HP,
         "Main in-house placement-days in the period divided by the days in the period.", HOUSEHOLD_TYPE),
    ),
    *_section(
        "recruitment",
        ("enquiries", "Enquiries", "count", "higher", ("enquiries",),
         "Enquiries received in the period.", ENQUIRY_SOURCE, TYPE_SOUGHT),
        ("initial_visits", "Initial visits", "count", "higher", ("enquiries",),
         "Enquiries whose initial visit took place in the period."),
        ("applications", "Applications", "count", "higher", ("enquiries",),
         "Enquiries whose formal application was received in the period."),
        ("approvals_from_enquiries", "Approvals from enquiries", "count", "higher", ("enquiries",),
         "Enquiries approved by the agency decision maker in the period.", TYPE_SOUGHT,
         {"crosses": (Cross(TYPE_SOUGHT, ENQUIRY_SOURCE),)}),
        ("enquiry_to_approval_rate", "Enquiry to approval conversion", "rate", "higher", ("enquiries",),
         "Approvals from enquiries in the period divided by enquiries received in the same period, as "
         "councils and The Fostering Network quote it."),
        ("enquiry_to_application_rate", "Enquiry to application conversion", "rate", "higher",
         ("enquiries",),
         "Applications in the period divided by enquiries received in the same period, Ofsted's measure."),
        ("application_to_approval_rate", "Application to approval conversion", "rate", "higher",
         ("enquiries",),
         "Approvals from enquiries in the period divided by applications in the same period."),
        ("enquiry_to_visit_rate", "Enquiry to initial visit conversion", "rate", "higher", ("enquiries",),
         "Initial visits in the period divided by enquiries received in the same period."),
        ("cohort_approval_rate", "Approvals from last year's enquiries", "rate", "higher", ("enquiries",),
         "Of the enquiries received in the same period one year earlier, the share approved by the end "
         "of this period, a cohort measure immune to timing.", {"lookback": "previous_period"}),
        ("median_days_enquiry_to_approval", "Median days from enquiry to approval", "days", "lower",
         ("enquiries",),
         "The median number of days from enquiry to approval over the approvals from enquiries in the "
         "period."),
        ("median_days_application_to_approval", "Median days from application to approval", "days",
         "lower", ("enquiries",),
         "The median number of days from application to approval over the approvals from enquiries in "
         "the period that have an application date."),
        ("assessments_within_timescale_rate", "Assessments completed within timescale", "rate", "higher",
         ("enquiries",),
         "Of the approvals from enquiries in the period that have an application date, the share "
         "approved within the assessment timescale (8 calendar months unless configured) of "
         "application."),
        ("assessments_in_progress_end", "Assessments in progress at end of period", "count", "neutral",
         ("enquiries",),
         "Enquiries with an application received by the end of the period and neither approved nor "
         "closed by then.", TYPE_SOUGHT),
        ("withdrawals", "Withdrawals from assessment", "count", "lower", ("enquiries",),
         "Enquiries closed in the period because the applicant withdrew.", WITHDRAWAL),
    ),
    *_section(
        "oversight",
        ("reviews_due", "Carer reviews due", "count", "neutral", ("reviews",),
         "Foster carer reviews due in the period."),
        ("reviews_on_time_rate", "Carer reviews on time", "rate", "higher", ("reviews",),
         "Of the reviews due in the period, the share completed on or before their due date."),
        ("reviews_overdue_end", "Carer reviews overdue at end of period", "count", "lower", ("reviews",),
         "Reviews due on or before the last day of the period and not completed by then."),
        ("supervision_visits", "Supervision visits", "count", "higher", ("visits",),
         "Supervising social worker visits of type supervision in the period."),
        ("supervision_timeliness_rate", "Households supervised within the interval", "rate", "higher",
         ("households", "visits"),
         "Of the households approved at some point in the period, the share whose every gap between "
         "supervision contacts (approval and supervision visits, then to the end of the period or of "
         "approval) that reaches into the period is at most the supervision interval (42 days unless "
         "configured).", {"lookback": "supervision_interval"}),
        ("unannounced_visit_rate", "Households with an unannounced visit", "rate", "higher",
         ("households", "visits"),
         "Of the households approved on every day of the period, the share with at least one "
         "unannounced visit in it (National Minimum Standard 21 asks for one a year).",
         {"monthly": False}),  # one visit a year: a month without one is no shortfall
        ("panel_sittings", "Panel sittings", "count", "neutral", ("panel",),
         "Distinct dates on which the fostering panel sat in the period."),
        ("panel_items", "Panel items", "count", "neutral", ("panel",),
         "Items heard at fostering panel in the period.", ITEM_TYPE, PANEL_OUTCOME,
         {"crosses": (Cross(ITEM_TYPE, PANEL_OUTCOME),)}),
        ("inquorate_sittings", "Inquorate panel sittings", "count", "lower", ("panel",),
         "Panel sittings in the period at which any item was heard without a quorum."),
    ),
    *_section(
        "complaints",
        ("complaints", "Complaints received", "count", "lower", ("complaints",),
         "Complaints about the fostering service received in the period.", COMPLAINANT, COMPLAINT_OUTCOME),
        ("complaints_upheld", "Complaints upheld", "count", "lower", ("complaints",),
         "Complaints received in the period that were upheld or partly upheld.", COMPLAINANT),
        ("allegations", "Allegations referred to the LADO", "count", "lower", ("allegations",),
         "Allegations concerning foster carers referred to the Local Authority Designated Officer in "
         "the period.", ALLEGATION_SOURCE, CATEGORY, ALLEGATION_OUTCOME),
        ("allegations_substantiated", "Allegations substantiated", "count", "lower", ("allegations",),
         "Allegations referred in the period whose outcome was substantiated."),
        ("allegations_nfa_rate", "Allegations with no further action", "rate", "neutral",
         ("allegations",),
         "Of the allegations referred in the period, the share with no further action."),
        ("households_with_allegations", "Households with an allegation", "count", "lower",
         ("allegations",),
         "Distinct households concerned by the allegations referred in the period."),
        ("allegations_to_panel", "Allegations referred to the fostering panel", "count", "neutral",
         ("allegations",),
         "Allegations referred to the LADO in the period that were also referred to the fostering panel."),
        ("allegations_to_dbs", "Allegations referred to the DBS", "count", "neutral", ("allegations",),
         "Allegations referred to the LADO in the period that were also referred to the Disclosure and "
         "Barring Service."),
        ("training_sessions", "Training sessions", "count", "higher", ("training",),
         "Distinct learning sessions held in the period.", MODE),
        ("carers_trained", "Carers trained", "count", "higher", ("training",),
         "Distinct carers who attended at least one learning session in the period."),
        ("training_attendances", "Training attendances", "count", "higher", ("training",),
         "Attendances at learning sessions in the period, one per carer per session."),
    ),
    *_section(
        "mockingbird",
        ("mockingbird_constellations_end", "Mockingbird constellations", "count", "higher",
         ("households", "mockingbird"),
         "Constellations launched by the last day of the period with at least one member household "
         "on that day."),
        ("mockingbird_households_end", "Households in Mockingbird", "count", "higher",
         ("households", "mockingbird"),
         "Distinct approved households that had joined a constellation by the last day of the period "
         "and not left it.", ROLE),
        ("mockingbird_share", "Share of households in Mockingbird", "rate", "higher",
         ("households", "mockingbird"),
         "Households in Mockingbird divided by fostering households, at the end of the period."),
    ),
    *_section(
        "finance",
        ("budget", "Budget", "money", "neutral", ("budget",),
         "The budget for the financial year containing the period's end, summed over budget lines.", LINE),
        ("outturn", "Outturn", "money", "neutral", ("budget",),
         "Actual (or, where marked, forecast) spending for that financial year, summed over budget "
         "lines, from the latest figures struck by the period's end.", LINE),
        ("budget_variance", "Budget variance", "money", "neutral", ("budget",),
         "Outturn minus budget; negative is an underspend.", LINE),
        ("budget_variance_rate", "Budget variance rate", "rate", "neutral", ("budget",),
         "Budget variance divided by budget."),
        ("funded_placements", "Funded placements", "number", "neutral", ("budget",),
         "The average placements the budget lines were set to fund, summed over lines."),
        ("cost_per_placement_week", "Cost per placement week", "money", "lower", ("budget", "placements"),
         "Outturn divided by the weeks of main in-house placements (placement-days divided by 7) in "
         "that financial year.", {"aggregation": "ratio"}),
    ),
])

#: The catalogue by id.
BY_ID: dict[str, Kpi] = {kpi.id: kpi for kpi in CATALOGUE}

#: Sections whose KPIs ``--trend`` computes for each year.
TREND_SECTIONS = ("households", "recruitment")


def kpis_in(section: str) -> tuple[Kpi, ...]:
    return tuple(kpi for kpi in CATALOGUE if kpi.section == section)


def closest_id(text: str, candidates: list[str] | None = None) -> str | None:
    """The valid id (or target key) most like ``text``, for "did you mean" messages."""
    import difflib

    pool = candidates if candidates is not None else list(BY_ID)
    found = difflib.get_close_matches(text, pool, n=1, cutoff=0.6)
    return found[0] if found else None


def unknown_kpi_message(text: str) -> str:
    close = closest_id(text)
    hint = f" (did you mean '{close}'?)" if close else " (no KPI id is close to it)"
    return f"unknown KPI '{text}'{hint}; `fosterreport kpis --list` lists every KPI"
