"""The report's sections, each declared once: :data:`SECTIONS`.

A :class:`ReportSection` says everything the rest of the code knows about one section:
its id (also the name of its narrative file, ``narrative/<id>.md``), its title, the
extracts it is built from, the KPIs whose presence makes it present, the function that
builds it, the starter narrative ``fosterreport init`` writes, and its template. So
:func:`fosterreport.context.build_context`, ``init``, the narrative loader, the contents
list and the section list in ``docs/report.md`` (:mod:`fosterreport.context.docs`) all
read this one tuple, and adding a section is one entry here (plus its build function,
and a template only if the generic layout will not do).

A section's template is ``sections/<template>.html`` (and ``.md.j2``) when such a file
exists, in the project's ``[report] templates`` folder first, then among the built-in
ones; otherwise the one generic layout, ``sections/_section.html``
(:func:`fosterreport.render.templates.section_templates` makes that choice).

The appendices are always present and are built into fields of their own
(``definitions``, ``rules``, ``data_quality``), so they are listed apart, in
:data:`APPENDICES`, for their titles, anchors and templates.

Besides the registry's sections, a report has the author's own sections (any other
``narrative/<name>.md``, :func:`author_names`), the committee furniture (:data:`FURNITURE`:
brief summary, recommendations and reasons on the cover; the appendices and background
papers lists at the end) and implications (``narrative/implications/<name>.md``, in the
order ``[report] implications`` gives, :data:`IMPLICATION_TITLES`). ``[report] sections``
orders the built-in and author sections and may leave built-in ones out; a name it gives
that is neither is a configuration error (:func:`unknown_sections`).

This module imports no pandas, Jinja or WeasyPrint: the CLI reads it cheaply.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Callable, NamedTuple

from fosterreport.context import finance, households, months, oversight, recruitment, summary
from fosterreport.context.model import Section
from fosterreport.context.tables import TableBuilder

#: What builds a section: fills the empty :class:`Section` from the shared table helpers.
SectionBuilder = Callable[[Section, TableBuilder], None]


class ReportSection(NamedTuple):
    """One section of the report. (A named tuple, so ``section[0]`` and ``section[1]``,
    the id and the title, read as they did when sections were plain tuples.)"""

    id: str
    title: str
    #: The extracts the section is built from (without ``.csv``). A present section with
    #: one of them absent says which of its parts are not shown.
    files: tuple[str, ...]
    #: The section is present when any of these KPIs was computed; empty: always present.
    kpis: tuple[str, ...]
    build: SectionBuilder
    #: What ``fosterreport init`` writes into ``narrative/<id>.md`` (after a guide comment).
    narrative: str
    #: The template's name in ``sections/``, without the extension; ``None``: the id.
    template: str | None = None
    #: Built from the month-by-month figures: present when they were computed
    #: (:func:`fosterreport.context.months.wanted` says when the build asks for them).
    monthly: bool = False

    @property
    def template_name(self) -> str:
        return self.template or self.id


class ReportAppendix(NamedTuple):
    """One appendix: its template (``sections/<id>.html``), anchor and heading."""

    id: str
    anchor: str
    title: str


SECTIONS: tuple[ReportSection, ...] = (
    # The summary and the scorecard look across the whole report: they need no file of
    # their own, so they are always present and never partial.
    ReportSection(
        "summary", "Summary",
        files=(), kpis=(),
        build=summary.summary,
        narrative="""\
Recommendation: Members of the {{ committee }} are asked to note the content of this report and to comment on the strengths and areas for development it identifies.

The Fostering Services (England) Regulations 2011 and National Minimum Standard 25.7 require written reports on the management, outcomes and financial state of the fostering service. This report covers {{ period.in_words }}.

On {{ period.end }} the service had {{ kpi.households_end }} fostering households ({{ kpi.households_end.previous }} {{ period.before }}). During {{ period.label }} it approved {{ kpi.approvals }} households and {{ kpi.deregistrations }} were deregistered.
"""),
    ReportSection(
        "households", "Households and places",
        files=("households", "placements", "holds"), kpis=("households_end",),
        build=households.households,
        narrative="""\
Of the {{ kpi.households_end }} households approved on {{ period.end }}, {{ kpi.households_end.by.MAINSTREAM }} were mainstream and {{ kpi.households_end.by.CONNECTED }} connected persons. Occupancy of approved places was {{ kpi.occupancy_rate }}.
"""),
    ReportSection(
        "recruitment", "Recruitment",
        files=("enquiries",), kpis=("enquiries",),
        build=recruitment.recruitment,
        narrative="""\
The service received {{ kpi.enquiries }} enquiries in {{ period.label }} (against {{ kpi.enquiries.previous }} the year before) and approved {{ kpi.approvals_from_enquiries }} households from them: a conversion rate of {{ kpi.enquiry_to_approval_rate }}.
"""),
    ReportSection(
        "approvals", "Approvals and deregistrations",
        files=("households",), kpis=("approvals", "deregistrations"),
        build=recruitment.approvals,
        narrative="""\
{{ kpi.approvals }} households were approved, {{ kpi.approvals.by.MAINSTREAM }} of them mainstream; {{ kpi.deregistrations }} were deregistered, a net change of {{ kpi.net_change }}.
"""),
    ReportSection(
        "children", "Children placed",
        files=("placements",), kpis=("children_in_care_end",),
        build=households.children,
        narrative="""\
On {{ period.end }}, {{ kpi.in_house_share }} of fostered children were placed with the council's own foster carers.
"""),
    ReportSection(
        "panel", "Fostering panel",
        files=("panel",), kpis=("panel_sittings", "panel_items"),
        build=oversight.panel,
        narrative="""\
The fostering panel sat {{ kpi.panel_sittings }} times and heard {{ kpi.panel_items }} items.
"""),
    ReportSection(
        "reviews", "Reviews and supervision",
        files=("reviews", "visits"), kpis=("reviews_due", "supervision_visits", "unannounced_visit_rate"),
        build=oversight.reviews,
        narrative="""\
{{ kpi.reviews_on_time_rate }} of foster carer reviews due in the period were completed on time.
"""),
    ReportSection(
        "complaints", "Complaints and allegations",
        files=("complaints", "allegations"), kpis=("complaints", "allegations"),
        build=oversight.complaints,
        narrative="""\
{{ kpi.complaints }} complaints were received and {{ kpi.allegations }} allegations were referred to the Designated Officer (LADO).
"""),
    ReportSection(
        "learning", "Learning and development",
        files=("training",), kpis=("training_sessions",),
        build=oversight.learning,
        narrative="""\
{{ kpi.carers_trained }} carers attended {{ kpi.training_sessions }} learning sessions.
"""),
    ReportSection(
        "mockingbird", "Mockingbird",
        files=("mockingbird",), kpis=("mockingbird_constellations_end",),
        build=oversight.mockingbird,
        narrative="""\
On {{ period.end }} there were {{ kpi.mockingbird_constellations_end }} Mockingbird constellations.
"""),
    ReportSection(
        "finance", "Finance",
        files=("budget", "placements"), kpis=("budget", "outturn"),
        build=finance.finance,
        narrative="""\
The budget for {{ period.label }} was {{ kpi.budget }}, with a variance of {{ kpi.budget_variance }}.
"""),
    ReportSection(
        months.SECTION_ID, "Month by month",
        files=(), kpis=(),
        build=months.months,
        narrative="""\
The tables below give the recruitment funnel for each month of {{ period.label }} and the measures the board follows month by month.
""", monthly=True),
    ReportSection(
        "scorecard", "Performance scorecard",
        files=(), kpis=(),
        build=summary.scorecard,
        narrative="""\
The scorecard shows every measure with a target set in fosterreport.toml.
"""),
)

APPENDICES: tuple[ReportAppendix, ...] = (
    ReportAppendix("appendix_definitions", "appendix-a", "Appendix A: Definitions"),
    ReportAppendix("appendix_data_quality", "appendix-b", "Appendix B: Data quality and provenance"),
)


def __getattr__(name: str):
    """``SECTION_IDS``, the section ids in report order, read from :data:`SECTIONS` when
    asked for (not copied once at import), so that the tuple above stays the one list:
    a section added to it, even at run time (as the tests do), is known everywhere."""
    if name == "SECTION_IDS":
        return [s.id for s in SECTIONS]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: Narrative files that are the report's furniture rather than sections, with their
#: default titles (a first heading in the file replaces it).
FURNITURE = {"brief-summary": "Brief summary", "recommendations": "Recommendations",
             "reasons": "Reasons for the recommendations", "appendices": "Appendices",
             "background-papers": "Background papers"}
#: The layout of the appendices and background papers lists (``sections/furniture_list.html``).
FURNITURE_TEMPLATE = "furniture_list"
#: The folder of the implications' narratives, inside the narrative folder.
IMPLICATIONS_FOLDER = "implications"
#: Default titles of the implications of the common committee template.
IMPLICATION_TITLES = {
    "financial": "Financial implications", "legal": "Legal implications", "risk": "Risk management",
    "equalities": "Equalities impact assessment", "climate": "Climate change implications",
    "wellbeing": "Well-being and health implications", "workforce": "Workforce implications",
    "consultation": "Consultation",
}
#: A narrative file name closer than this to a built-in section's or furniture's name,
#: and not named in ``[report] sections``, is taken to be a misspelling of it.
MISSPELT = 0.8


def name_title(name: str) -> str:
    """A title from a file name, for a narrative without a heading: "childs-voice" -> "Childs voice"."""
    words = name.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:]


def implication_id(name: str) -> str:
    """The section id (and anchor ``s-…``) of an implication: ``implications-risk``."""
    return f"{IMPLICATIONS_FOLDER}-{name}"


def _valid_name(stem: str) -> bool:
    import re

    return re.fullmatch(r"[a-z0-9][a-z0-9_-]*", stem) is not None


def misspelling(stem: str, chosen: list[str] | None) -> str | None:
    """The built-in section or furniture name ``stem`` is taken to misspell, or None: a
    file so close to one (``summery``) is not made a section of its own unless
    ``[report] sections`` names it."""
    if stem in _section_ids() or stem in FURNITURE or (chosen and stem in chosen):
        return None
    close = difflib.get_close_matches(stem, [*_section_ids(), *FURNITURE], n=1, cutoff=MISSPELT)
    return close[0] if close else None


def _section_ids() -> list[str]:
    """The registry's ids now (as ``SECTION_IDS`` reads them, which names in this module cannot)."""
    return [s.id for s in SECTIONS]


def narrative_stems(folder: Path | None) -> list[str]:
    """The names of the narrative folder's ``*.md`` files, lower-cased, sorted."""
    if folder is None or not Path(folder).is_dir():
        return []
    return sorted({path.stem.lower() for path in Path(folder).glob("*.md")})


def author_names(folder: Path | None, chosen: list[str] | None = None) -> list[str]:
    """The author's own sections: every ``narrative/<name>.md`` that is neither a built-in
    section, nor furniture, nor a misspelling of one (:func:`misspelling`), with a name of
    lower-case letters, digits, hyphens and underscores (it becomes the section's anchor)."""
    return [stem for stem in narrative_stems(folder)
            if stem not in _section_ids() and stem not in FURNITURE and _valid_name(stem)
            and misspelling(stem, chosen) is None]


def unknown_sections(config, folder: Path | None) -> list[tuple[int | None, str]]:
    """``[report] sections`` names that are neither a built-in section nor an author
    section of ``folder``, or are named twice: (line in the config file, message), each
    with the closest name."""
    from fosterreport.config import key_lines

    chosen = config.report.sections
    if not chosen:
        return []
    known = [*_section_ids(), *author_names(folder, chosen)]
    line = None
    if config.source is not None:
        try:
            line = key_lines(Path(config.source).read_text(encoding="utf-8-sig")).get(("report", "sections"))
        except OSError:
            line = None
    problems, seen = [], set()
    for name in chosen:
        if name in seen:
            problems.append((line, f"[report] sections: {name!r} is named twice"))
        seen.add(name)
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            where = f"{Path(folder).name}/" if folder is not None else "narrative/"
            problems.append((line, f"[report] sections: {name!r} is neither a report section nor a narrative "
                                   f"file {where}{name}.md" + (f" (did you mean {close[0]!r}?)" if close else "")))
    return problems


def check_sections(config, folder: Path | None) -> None:
    """Raise a ConfigError (exit 2) for every name of ``[report] sections`` that names nothing."""
    from fosterreport.exceptions import ConfigError

    problems = unknown_sections(config, folder)
    if problems:
        where = str(config.source or "fosterreport.toml")
        raise ConfigError([f"{where}:{line}: {message}" if line else f"{where}: {message}"
                           for line, message in problems])


def starter_narratives() -> dict[str, str]:
    """What ``fosterreport init`` writes into ``narrative/<id>.md``, by section id."""
    return {s.id: s.narrative for s in SECTIONS}


def unknown_templates(folder: Path) -> list[str]:
    """Notices for files of ``folder``/sections/ that name no section or appendix.

    A project's ``sections/<id>.html`` replaces that section's layout; a misspelt one
    would otherwise be ignored without a word, since every section falls back to the
    generic layout. Names starting with ``_`` (the generic layout, the project's own
    partials) are not sections and pass unremarked.
    """
    known = [s.template_name for s in SECTIONS] + [a.id for a in APPENDICES] + [FURNITURE_TEMPLATE]
    notices = []
    sections = Path(folder) / "sections"
    if not sections.is_dir():
        return notices
    for path in sorted(sections.iterdir()):
        for suffix in (".html", ".md.j2"):
            if path.name.endswith(suffix):
                stem = path.name[: -len(suffix)]
                if not stem.startswith("_") and stem not in known:
                    close = difflib.get_close_matches(stem, known, n=1)
                    notices.append(f"{Path(folder).name}/sections/{path.name} matches no report section and "
                                   f"was not used" + (f" (did you mean {close[0]}{suffix}?)" if close else ""))
    return notices
