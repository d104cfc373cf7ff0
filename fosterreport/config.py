"""``fosterreport.toml``: typed settings, each documented where it is declared.

The file is optional; with none, every default below applies. Everything about it is
checked once, here, when it is loaded (or when a :class:`Config` is built in Python),
before any extract is read: unknown keys and wrong types, ``[targets]`` and
``[benchmarks]`` keys against the KPI catalogue and their values against the KPI's
unit, every path it names (inside the project folder, and there), and every
``[data.columns]``/``[data.codes]`` mapping against the extract contract. Every problem
is a :class:`~fosterreport.exceptions.ConfigError` (exit 2) naming the key and, where
the key can be found in the text, ``file:line``, with the closest valid key — all of
them at once, then stop. So no later stage ever finds a problem with the config.

Each setting's ``description`` (and ``examples``, where the default shows nothing) is
also what ``fosterreport init`` writes into its commented ``fosterreport.toml``
(:func:`commented_toml`).
"""

from __future__ import annotations

import difflib
import math
import mimetypes
import re
import textwrap
import tomllib
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Iterable, Literal

import annotated_types
from pydantic import (
    BaseModel, ConfigDict, Discriminator, Field, FiniteFloat, Strict, StringConstraints, Tag, ValidationError,
    ValidationInfo,
    field_validator, model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from fosterreport.exceptions import ConfigError
from fosterreport.problems import clip, quoted

CONFIG_NAME = "fosterreport.toml"

#: The error type of every problem found by the checks below (rather than by pydantic's
#: own types): its message is the whole sentence, key included.
PROBLEM = "config_problem"

#: A target or benchmark: a finite number (TOML's inf and nan, true and "0.95" refused).
Number = Annotated[FiniteFloat, Strict()]

#: The paths a file may set, per table, and what each must be.
PATHS = {"report": (("narrative", "folder"), ("templates", "folder"), ("logo", "logo"),
                    ("previous_report", "file")),
         "data": (("path", "folder"),)}

#: Logo files the report can embed, by the type their name implies.
LOGO_TYPES = ("image/svg+xml", "image/png", "image/jpeg")
#: The largest logo the cover embeds (it goes into the HTML as a data: URI, so every
#: byte of it is in every HTML and PDF): a council's crest is a few tens of KB.
MAX_LOGO_BYTES = 2 * 1024 * 1024
#: The first bytes of a PNG and of a JPEG file.
_MAGIC = {"image/png": b"\x89PNG\r\n\x1a\n", "image/jpeg": b"\xff\xd8\xff"}

#: The largest fosterreport.toml read; a real one is a few KB.
MAX_CONFIG_BYTES = 1024 * 1024
#: The deepest a value may nest (arrays and inline tables inside each other) and the most
#: parts a dotted key may have. The deepest setting is three levels down; ``tomllib``
#: recurses once per level (and takes time quadratic in a key's parts), so a deeper file
#: is refused, with its line, before it is parsed.
MAX_NESTING = 32


def _problem(loc: tuple, message: str, value: Any = None) -> InitErrorDetails:
    return InitErrorDetails(type=PydanticCustomError(PROBLEM, message), loc=loc, input=value)


def _fail(title: str, problems: list) -> None:
    """Raise every problem at once, each at its own location below the field checked."""
    if problems:
        raise ValidationError.from_exception_data(title, problems)


def _again(error: ValidationError) -> list[InitErrorDetails]:
    """The errors of a nested validation, to be raised again together with ours."""
    again = []
    for e in error.errors(include_url=False):
        kind = PydanticCustomError(PROBLEM, e["msg"]) if e["type"] == PROBLEM else e["type"]
        again.append(InitErrorDetails(type=kind, loc=e["loc"], input=e["input"],
                                      **({"ctx": e["ctx"]} if "ctx" in e and e["type"] != PROBLEM else {})))
    return again


def _hint(word: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(clip(word, 200), list(candidates), n=1, cutoff=0.6)
    return f" (did you mean {quoted(close[0])}?)" if close else ""


def _as_float(number: int | float) -> float:
    """``number`` as a float; a whole number too large for one (TOML has no limit on
    digits) as an infinity of its sign, which every range refuses."""
    try:
        return float(number)
    except OverflowError:
        return math.inf if number > 0 else -math.inf


def _shown_number(number: int | float) -> str:
    """A number as typed when it is short, else in e-notation, from its exact value (a
    whole number of hundreds of digits too, which no float holds): ``1e+15``."""
    if abs(number) < 1e15:
        return repr(number)
    return re.sub(r"\.?0+(?=e)", "", format(Decimal(number), ".6g"))


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Authority(Section):
    name: str | None = Field(None, examples=["Dorset Council"],
                             description="The council's name, printed on the cover and in every output. A "
                                         "report built from real data needs it (there is no default council).")
    service: str | None = Field(None, examples=["Dorset Council Fostering Service"],
                                description="The fostering service's name; otherwise the council's name and "
                                            "\"Fostering Service\".")


#: A section's or an implication's name: the stem of its narrative file, also its anchor.
SectionName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$")]

#: What the cover's table of report details may show, in the default order (a field left
#: unset is left out; ``[report] cover`` chooses and orders them).
COVER_FIELDS = ("decision", "portfolio_holder", "executive_director", "service", "author", "contacts", "status",
                "wards", "period")
CoverField = Literal["decision", "portfolio_holder", "executive_director", "service", "author", "contacts",
                     "status", "wards", "period"]

#: The implications of the common committee template, in its order; each is printed when
#: ``narrative/implications/<name>.md`` exists (risk also when ``[[report.risks]]`` are set).
IMPLICATIONS = ("financial", "legal", "risk", "equalities", "climate", "wellbeing", "workforce", "consultation")


#: The monthly performance dataset's measures unless ``[report] monthly_measures`` says
#: otherwise: Dorset's Corporate Parenting data set, as far as the extracts reach.
MONTHLY_MEASURES = ("households_end", "approvals", "deregistrations", "occupancy_rate", "enquiries",
                    "initial_visits", "applications", "assessments_in_progress_end", "allegations", "complaints")


class Contact(Section):
    """A report author or contact officer (``[[report.contacts]]``)."""

    name: str = Field(description="The officer's name.")
    role: str | None = Field(None, description="Their job title.")
    phone: str | None = Field(None, description="Telephone number, as it should be printed.")
    email: str | None = Field(None, description="Email address (a mailto: link in the HTML and PDF).")


class Risk(Section):
    """One row of the risk implication's table (``[[report.risks]]``)."""

    risk: str = Field(description="The risk, in a few words (the row's header).")
    description: str | None = Field(None, description="What could happen and why.")
    mitigation: str | None = Field(None, description="Action to avoid or mitigate the risk.")
    current: str | None = Field(None, description='The current risk rating ("Medium", "BII").')
    residual: str | None = Field(None, description="The residual rating, after the mitigation.")


class ReportSettings(Section):
    title: str = Field("Fostering Service Annual Report",
                       description='Report title; the period is appended: "… 2023/24".')
    committee: str = Field("Corporate Parenting Board", description="The committee the report goes to.")
    meeting_date: date | None = Field(None, examples=[date(2024, 5, 23)],
                                      description="Date of the meeting (ISO), on the cover; it also pins the "
                                                  "PDF's metadata dates.")
    author: str = Field("Service Manager, Fostering",
                        description="Report author (a role, not a person's name, is usual). Not printed when "
                                    "contacts are given and this is left unset.")
    status: Literal["Public", "Exempt"] = Field("Public", description="Printed on the cover.")
    decision: str | None = Field(None, examples=["For Recommendation to Council"],
                                 description='What the committee is asked for ("For Decision", "For '
                                             'Information"), on the cover.')
    portfolio_holder: str | None = Field(None, examples=["Cllr A Parry, Children, Education, Skills and Early Help"],
                                         description="The portfolio holder, on the cover.")
    executive_director: str | None = Field(None, examples=["T Leavy, Executive Director of People - Children"],
                                           description="The executive director, on the cover.")
    wards: str | None = Field(None, examples=["All"], description="The wards affected, on the cover.")
    contacts: list[Contact] = Field(
        [], examples=[[{"name": "Gerry Connell", "role": "Service Manager for Fostering", "phone": "01305 225568",
                        "email": "fostering@example.gov.uk"}]],
        description="Report authors and contact officers (name, role, phone, email), on the cover; each may "
                    "also be written as a [[report.contacts]] table.")
    cover: list[CoverField] = Field(
        list(COVER_FIELDS),
        description="The cover's report details, in order; a field left unset is left out. Choose from "
                    + ", ".join(COVER_FIELDS) + ".")
    sections: list[SectionName] | None = Field(
        None, examples=[["summary", "households", "recruitment", "approvals", "children", "panel", "reviews",
                         "complaints", "learning", "finance", "scorecard"]],
        description="The report's sections in order: built-in ones and author sections (narrative/<name>.md). "
                    "A built-in section left out is not printed, and Appendix B says so. Otherwise every "
                    "built-in section, then the author sections by file name.")
    implications: list[SectionName] = Field(
        list(IMPLICATIONS),
        description="Implications sections after the report's sections, in order: each printed when "
                    "narrative/implications/<name>.md exists (risk also when risks are set).")
    risks: list[Risk] = Field(
        [], examples=[[{"risk": "Too few in-house foster homes", "description": "Children placed further away, "
                        "at greater cost", "mitigation": "Recruitment strategy", "current": "High",
                        "residual": "Medium"}]],
        description="The risk implication's table (risk, description, mitigation, current, residual); a column "
                    "empty in every row is left out. Each may also be written as a [[report.risks]] table.")
    appendices: list[str] = Field([], examples=[["Appendix 1: Fostering panel annual report"]],
                                  description="The documents appended to the report, listed near its end "
                                              "(set to [] to print \"None\").")
    background_papers: list[str] = Field(
        [], examples=[["Fostering Services (England) Regulations 2011"]],
        description="Background papers, listed near the report's end (set to [] to print \"None\").")
    narrative: str = Field("narrative",
                           description="Folder of <section>.md narrative files. When set, it must exist "
                                       "inside the project folder; when not set, a missing narrative folder "
                                       "just means no narratives.")
    templates: str | None = Field(None, examples=["templates"],
                                  description="Folder of overrides of the built-in templates, with the same "
                                              "names; it must exist inside the project folder.")
    formats: list[Literal["html", "pdf", "md", "docx"]] = Field(["html", "pdf", "md"],
                                                                description="Which outputs `build` writes "
                                                                            "(docx: Word, on request).")
    logo: str | None = Field(None, examples=["assets/logo.svg"],
                             description="An SVG, PNG or JPEG file inside the project folder, on the cover.")
    trend_years: int = Field(5, ge=2, le=50, examples=[8],
                             description="Financial years in the report's trend tables and chart, ending with "
                                         "the period's year (`build --trend N` overrides it). Years the extracts "
                                         "do not cover are left out of the trend, and the report says why.")
    monthly_measures: list[str] = Field(
        list(MONTHLY_MEASURES), examples=[["households_end", "approvals", "allegations"]],
        description="The measures of the monthly performance dataset (the \"months\" section, on by default for "
                    "a financial year's report), in order: KPI ids that have a monthly form (`fosterreport "
                    "kpis --list`); `[]` leaves the dataset out and keeps the monthly recruitment table.")
    months_shown: int = Field(6, ge=2, le=12, examples=[12],
                              description="How many months, ending with the period's last, the monthly "
                                          "performance dataset shows.")
    previous_report: str | None = Field(
        None, examples=["kpis-2022-23.json"],
        description="The kpis-<period>.json published with last year's report, inside the project folder: "
                    "every figure of the previous period that now differs from what it published is listed "
                    "as restated (Appendix B, its table, and the JSON's \"restated\").")

    @field_validator("monthly_measures", mode="after")
    @classmethod
    def _monthly_forms(cls, value: list[str]) -> list[str]:
        """Each measure is a KPI id with a monthly form, named once."""
        from fosterreport.kpis.catalogue import BY_ID

        monthly = [kpi.id for kpi in BY_ID.values() if kpi.monthly]
        problems, key = [], "[report] monthly_measures"
        for index, kpi_id in enumerate(value):
            if kpi_id in value[:index]:
                problems.append(_problem((index,), f"{key}: {quoted(kpi_id)} is listed twice", kpi_id))
            elif kpi_id not in BY_ID:
                problems.append(_problem((index,), f"{key}: unknown KPI {quoted(kpi_id)}{_hint(kpi_id, monthly)}",
                                         kpi_id))
            elif kpi_id not in monthly:
                problems.append(_problem((index,), f"{key}: {quoted(kpi_id)} has no monthly form (a yearly "
                                                   f"figure, or one that looks back before its period)", kpi_id))
        _fail("monthly_measures", problems)
        return value


class DataSettings(Section):
    path: str | None = Field(None, examples=["data"],
                             description="Folder of the CSV extracts, inside the project folder.")
    extracted: date | None = Field(
        None, examples=[date(2024, 4, 5)],
        description="The day the extracts were taken from the systems: a period may end on or before it. "
                    "Otherwise, on or before the newest date in the extracts.")
    columns: dict[str, dict[str, list[str]]] = Field(
        {}, examples=[{"households": {"household_id": ["Foster Carer Ref"]}}],
        description="Header aliases beyond the built-in ones, per extract and column.")
    codes: dict[str, dict[str, str]] = Field(
        {}, examples=[{"deregistration_reason": {"RET": "RESIGNED"}}],
        description='Local values mapped to contract codes, per coded column (or "<file>.<column>" '
                    "for one extract only).")
    sheets: dict[str, str] = Field(
        {}, examples=[{"households": "Carers"}],
        description="The worksheet to read, per extract saved as an Excel .xlsx workbook. Otherwise its "
                    "first sheet.")
    coverage: dict[str, date] = Field(
        {}, examples=[{"visits": date(2021, 4, 1)}],
        description="The day an extract's export begins, where it is known. Otherwise a file covers from "
                    "the first day of the month of its earliest date; a figure needing earlier records "
                    "is n/a.")

    @field_validator("coverage", "sheets", mode="after")
    @classmethod
    def _known_extracts(cls, value: dict, info: ValidationInfo) -> dict:
        """Each ``[data.coverage]`` and ``[data.sheets]`` key names an extract."""
        from fosterreport.contract import EXTRACTS

        key = info.field_name
        _fail(key, [_problem((name,), f"[data.{key}] {clip(name)}: no such extract{_hint(name, EXTRACTS)}")
                    for name in value if name not in EXTRACTS])
        return value

    @field_validator("columns", mode="after")
    @classmethod
    def _known_columns(cls, value: dict[str, dict[str, list[str]]]) -> dict:
        """Each ``[data.columns.<file>]`` names an extract and columns of it."""
        from fosterreport.contract import EXTRACTS, columns

        problems = []
        for file, table in value.items():
            if file not in EXTRACTS:
                problems.append(_problem((file,), f"[data.columns.{clip(file)}]: no such extract"
                                                  f"{_hint(file, EXTRACTS)}"))
                continue
            names = [spec.name for spec in columns(EXTRACTS[file])]
            problems.extend(_problem((file, column), f"[data.columns.{file}] {clip(column)}: no such column"
                                                     f"{_hint(column, names)}")
                            for column in table if column not in names)
        _fail("columns", problems)
        return value

    @field_validator("codes", mode="after")
    @classmethod
    def _known_codes(cls, value: dict[str, dict[str, str]]) -> dict:
        """Each ``[data.codes.<column>]`` names a coded column and maps to its codes."""
        from fosterreport.contract import EXTRACTS, columns

        coded = {(name, spec.name): spec for name, model in EXTRACTS.items()
                 for spec in columns(model) if spec.cell.codes}
        problems = []
        for key, table in value.items():
            file, _, column = key.rpartition(".")
            specs = [spec for (name, col), spec in coded.items() if col == column and file in ("", name)]
            if not specs:
                problems.append(_problem((key,), f"[data.codes.{clip(key)}]: not a coded column"
                                                 f"{_hint(column, sorted({c for _, c in coded}))}"))
                continue
            for local, code in table.items():
                for spec in specs:
                    allowed = [member.value for member in spec.cell.codes]
                    if code not in allowed:
                        problems.append(_problem((key, local), f"[data.codes.{key}] {quoted(local)} = "
                                                               f"{quoted(code)}: not a {spec.name} code "
                                                               f"({', '.join(allowed)})", code))
                        break
        _fail("codes", problems)
        return value


class Rules(Section):
    assessment_timescale_months: int = Field(
        8, ge=1, le=36, description="Assessments approved within this many calendar months of application are on time.")
    supervision_interval_days: int = Field(
        42, ge=1, le=366, description="Longest acceptable gap between supervision contacts, in days.")
    similar_tolerance: float = Field(
        0.02, ge=0, le=1, description='Direction of travel is "similar" when the change is within this share '
                                      "of the previous value.")
    rag_green_tolerance: float = Field(
        0.05, ge=0, le=1, description="Green when the shortfall against target is at most this share of the target.")
    rag_red_threshold: float = Field(
        0.15, ge=0, le=1, description="Red when the shortfall is more than this share of the target; amber between.")


class Benchmark(Section):
    value: Number = Field(description="The benchmark, in the KPI's unit (a rate as a fraction).")
    label: str = Field(description="Who measured it and when, printed beside the figure.")
    source: str | None = Field(None, description="Where it was published.")


#: The two forms of a ``[benchmarks]`` value, told apart by their TOML type (so a mistake
#: in one is reported once, not once per form); the tags are dropped from error locations.
_ONE, _MANY = "one benchmark", "benchmarks"
Benchmarks = Annotated[
    Annotated[Benchmark, Tag(_ONE)] | Annotated[list[Benchmark], annotated_types.MinLen(1), Tag(_MANY)],
    Discriminator(lambda value: _MANY if isinstance(value, (list, tuple)) else _ONE)]


class Publication(Section):
    suppress_below: int = Field(
        0, ge=0, le=100, description='Published counts from 1 to suppress_below − 1 print as "c", and rates built '
                                     "on them too (e.g. 5).")
    england_benchmarks: Annotated[bool, Strict()] = Field(
        True, description="Show Ofsted's published England (LA agencies) figure for the report's year as a "
                          "benchmark beside each KPI it covers (docs/national.md); false leaves them out.")


class Config(Section):
    """The whole of fosterreport.toml."""

    # Declared first so that the checks of the sections below can read them.
    #: The folder relative paths are resolved against (the config file's folder).
    base: Path = Field(default_factory=Path.cwd, exclude=True)
    #: Where this config came from (None for defaults).
    source: Path | None = Field(default=None, exclude=True)

    authority: Authority = Field(Authority(), description="Who the report is by.")
    report: ReportSettings = Field(ReportSettings(), description="The report itself. Paths are relative to "
                                                                 "this file.")
    data: DataSettings = Field(DataSettings(), description="Where the extracts are, and how to read them.")
    rules: Rules = Field(Rules(), description="The rules the KPIs are judged by.")
    targets: dict[str, Number] = Field(
        {}, examples=[{"approvals.MAINSTREAM": 35, "enquiry_to_approval_rate": 0.12, "reviews_on_time_rate": 0.95}],
        description="Targets keyed by KPI id, or id.CODE for one breakdown key (`fosterreport kpis --list`). "
                    "A rate is a fraction: 0.95, not 95.")
    benchmarks: dict[str, Benchmarks] = Field(
        {}, examples=[{"enquiry_to_approval_rate": [
                           {"value": 0.11, "label": "LA benchmark (The Fostering Network)"},
                           {"value": 0.1, "label": "Statistical neighbours (example)"}],
                       "deregistration_rate": {"value": 0.128, "label": "England mainstream 2022-23 (Ofsted)"}}],
        description="Benchmarks keyed like targets: one { value, label, source } or a list of them, shown in "
                    "order beside the KPI with their labels. One labelled like a built-in England figure "
                    "(\"England (LA agencies)\") replaces it.")
    publication: Publication = Field(Publication(), description="What is withheld from the published report.")

    @model_validator(mode="wrap")
    @classmethod
    def _as_config_error(cls, data: Any, handler, info: ValidationInfo) -> "Config":
        """Every problem becomes one ConfigError (exit 2); :func:`load_config` passes the
        file's text in the validation context so that messages carry its line numbers."""
        try:
            return handler(data)
        except ValidationError as error:
            context = info.context or {}
            where = context.get("where") or (data.get("source") if isinstance(data, dict) else None)
            raise ConfigError(describe(error, str(where or CONFIG_NAME), context.get("text", ""))) from None

    @field_validator("targets", "benchmarks", mode="wrap")
    @classmethod
    def _known_keys(cls, value: Any, handler, info: ValidationInfo) -> dict:
        """Each key resolves to a KPI (or a breakdown key of it), each value fits its unit."""
        from fosterreport.kpis.keys import resolve_key, unknown_key, value_problem

        try:
            checked, problems = handler(value), []
        except ValidationError as error:
            checked, problems = None, [{**e, "loc": tuple(part for n, part in enumerate(e["loc"])
                                                            if n != 1 or part not in (_ONE, _MANY))}
                                       for e in _again(error)]
        for key, given in (value.items() if isinstance(value, dict) else ()):
            ref = resolve_key(str(key))
            if ref is None:
                problems.append(_problem((key,), f"[{info.field_name}] {unknown_key(str(key))}", key))
                continue
            labels: list[str] = []
            for item in (given if isinstance(given, (list, tuple)) else [given]):
                label = item.get("label") if isinstance(item, dict) else getattr(item, "label", None)
                if isinstance(label, str):
                    if label in labels:
                        problems.append(_problem((key,), f"[{info.field_name}] {quoted(key)}: two benchmarks "
                                                         f"labelled {quoted(label)}", label))
                    labels.append(label)
                number = item.get("value") if isinstance(item, dict) else getattr(item, "value", item)
                if isinstance(number, bool) or not isinstance(number, (int, float)):
                    continue  # not a number: pydantic's own error says so
                problem = value_problem(ref, _as_float(number))
                if problem:
                    problems.append(_problem((key,), f"[{info.field_name}] {quoted(key)} = "
                                                     f"{_shown_number(number)}: {problem}", number))
        _fail(info.field_name, problems)
        return checked

    @field_validator("report", "data", mode="wrap")
    @classmethod
    def _paths(cls, value: Any, handler, info: ValidationInfo) -> Any:
        """Each path the file sets (:data:`PATHS`) is inside the project folder, and there.

        Checked on what the file says, so a wrong type elsewhere in the same table does
        not hide a wrong path; a path left unset keeps its default unchecked."""
        try:
            checked, problems = handler(value), []
        except ValidationError as error:
            checked, problems = None, _again(error)
        if isinstance(value, BaseModel):
            value = {name: getattr(value, name) for name in value.model_fields_set}
        base = info.data.get("base")  # None when base itself is wrong: that error is reported
        for key, kind in PATHS[info.field_name]:
            relative = value.get(key) if isinstance(value, dict) else None
            if base is not None and isinstance(relative, str):
                if problem := _path_problem(base, info.field_name, key, relative, kind):
                    problems.append(problem)
        _fail(info.field_name, problems)
        return checked

    def resolve(self, relative: str | None) -> Path | None:
        return None if relative is None else (self.base / relative).resolve()

    def council(self, sample: bool = False) -> Authority:
        """The council the outputs name: the config's; for the embedded sample, where the
        config names none, the sample's fictional council. Its service defaults to its name
        and "Fostering Service". A name of None: not set (a real report refuses it)."""
        from fosterreport.embedded import SAMPLE_COUNCIL, SAMPLE_SERVICE

        name = self.authority.name or (SAMPLE_COUNCIL if sample else None)
        service = self.authority.service or (SAMPLE_SERVICE if sample and not self.authority.name else None)
        return Authority(name=name, service=service or (f"{name} Fostering Service" if name else None))

    def benchmarks_of(self, key: str) -> list[Benchmark]:
        """The ``[benchmarks]`` of one key (``id`` or ``id.CODE``), in the file's order."""
        found = self.benchmarks.get(key)
        return [] if found is None else list(found) if isinstance(found, (list, tuple)) else [found]

    def target_refs(self) -> dict:
        """What each ``[targets]`` key refers to (:class:`~fosterreport.kpis.keys.KeyRef`),
        every one of which resolved when the config was checked."""
        from fosterreport.kpis.keys import resolve_key

        return {key: resolve_key(key) for key in self.targets}


def _path_problem(base: Path, table: str, key: str, relative: str, kind: str) -> InitErrorDetails | None:
    """A path set in the config must lead (after symlinks) inside the project folder and
    be there: a folder for ``kind="folder"``, an SVG, PNG or JPEG file for ``"logo"``.
    Nothing outside the project is ever read, and nothing falls back silently."""
    where = f"[{table}] {key} {quoted(relative)}"
    try:
        problem = _where_path_leads(Path(base).resolve(), relative, kind)
    except (OSError, ValueError, RuntimeError) as error:  # a NUL byte, a symlink loop, no permission
        problem = f": cannot be used: {clip(getattr(error, 'strerror', None) or error)}"
    return None if problem is None else _problem((key,), where + problem, relative)


def _shown_path(project: Path, path: Path) -> str:
    """``path`` for a message: the project folder, then at most :data:`~fosterreport.problems.QUOTED`
    characters of what the config added to it."""
    if path.is_relative_to(project) and path != project:
        return f"{project}/{clip(path.relative_to(project).as_posix())}"
    return clip(path)


def _where_path_leads(project: Path, relative: str, kind: str) -> str | None:
    path = (project / relative).resolve()
    if not path.is_relative_to(project):
        return f" must be inside the project folder {project}"
    shown = _shown_path(project, path)
    if not path.exists():
        siblings = [p.name for p in path.parent.iterdir() if p.is_dir() == (kind == "folder")] \
            if path.parent.is_dir() else []
        return f": {'folder' if kind == 'folder' else 'file'} not found: {shown}{_hint(path.name, siblings)}"
    if kind == "folder" and not path.is_dir():
        return f": not a folder: {shown}"
    if kind in ("logo", "file") and not path.is_file():
        return f": not a file: {shown}"
    if kind == "logo":
        return _logo_problem(path)
    return None


def _logo_problem(path: Path) -> str | None:
    """A logo is embedded whole in every HTML and PDF, so it must be small
    (:data:`MAX_LOGO_BYTES`) and be what its name says: a PNG or JPEG by its first bytes,
    an SVG by its root element (``<svg>`` in the SVG namespace)."""
    kind = mimetypes.guess_type(path.name)[0]
    if kind not in LOGO_TYPES:
        return ": use an SVG, PNG or JPEG file"
    size = path.stat().st_size
    if size > MAX_LOGO_BYTES:
        return f": {size:,} bytes; a logo may be at most {MAX_LOGO_BYTES:,} bytes (2 MB)"
    with path.open("rb") as stream:
        data = stream.read(MAX_LOGO_BYTES + 1)
    if kind in _MAGIC:
        return None if data.startswith(_MAGIC[kind]) else f": not a {kind.split('/')[1].upper()} file"
    return _svg_problem(data)


class _Found(Exception):
    """Stops the SVG parse at its first element, which it carries."""


def _svg_problem(data: bytes) -> str | None:
    """What keeps ``data`` from being an SVG image, or None: its first element must be
    ``<svg>`` in the SVG namespace. Expat stops at that element; a document declaring
    entities of its own is refused, never expanded."""
    from xml.parsers import expat

    def first(name, _attributes):
        raise _Found(name)

    def entity(*_args):
        raise _Found(None)

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = first
    parser.EntityDeclHandler = entity
    try:
        parser.Parse(data, True)
    except _Found as found:
        if found.args[0] is None:
            return ": an SVG logo may not declare entities"
        if found.args[0] == "http://www.w3.org/2000/svg svg":
            return None
    except expat.ExpatError:
        pass
    return ": not an SVG file (its root element is not <svg>)"


# -- messages --------------------------------------------------------------------------


def _valid_keys(model: type[BaseModel], prefix: str = "") -> list[str]:
    keys = []
    for name, info in model.model_fields.items():
        if info.exclude:
            continue
        keys.append(prefix + name)
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            keys.extend(_valid_keys(annotation, prefix + name + "."))
    return keys


_KEY_PART = r'(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|\'[^\']*\')'
_KEY = rf"{_KEY_PART}(?:\s*\.\s*{_KEY_PART})*"
_HEADER = re.compile(rf"^\s*\[\[?\s*({_KEY})\s*\]\]?")
_ASSIGNMENT = re.compile(rf"^\s*({_KEY})\s*=")


def _parts(key: str) -> tuple[str, ...]:
    """The parts of a (dotted, perhaps quoted) TOML key, as tomllib reads them."""
    path, table = [], tomllib.loads(f"{key} = 0")
    while isinstance(table, dict):
        (name, table), = table.items()
        path.append(name)
    return tuple(path)


def key_lines(text: str) -> dict[tuple[str, ...], int]:
    """Where each table header and key of a TOML text is: its full path -> line number.

    ``tomllib`` keeps no positions, so this reads the lines itself; a key it cannot
    place (a multi-line value's insides) just goes without a line.
    """
    lines: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), start=1):
        try:
            if header := _HEADER.match(line):
                table = _parts(header.group(1))
                lines.setdefault(table, number)
            elif assignment := _ASSIGNMENT.match(line):
                lines.setdefault(table + _parts(assignment.group(1)), number)
        except (tomllib.TOMLDecodeError, ValueError):
            continue
    return lines


def _line_of(lines: dict[tuple[str, ...], int], loc: tuple) -> int | None:
    """The line of the longest part of ``loc`` the text names (a key, else its table)."""
    path = tuple(str(part) for part in loc)
    for end in range(len(path), 0, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None


def toml_key(name: str) -> str:
    """``name`` as a TOML key: bare when it can be, else quoted."""
    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else toml_value(name)


def describe(error: ValidationError, where: str, text: str = "") -> list[str]:
    """One message per problem: ``file:line: …``, naming the key."""
    valid, lines, messages = _valid_keys(Config), key_lines(text), []
    for item in error.errors(include_url=False):
        loc = item["loc"]
        line = _line_of(lines, loc)
        place = f"{where}:{line}" if line else where
        key = ".".join(str(part) for part in loc)
        if item["type"] == PROBLEM:
            message = f"{place}: {item['msg']}"
        elif item["type"] == "extra_forbidden":
            message = f"{place}: unknown key {quoted(key)}{_hint(key, valid)}"
        else:
            dotted = clip(".".join(toml_key(clip(str(part), 200)) for part in loc))
            message = f"{place}: '{dotted}': {_pydantic_message(item)}"
        messages.append((line or math.inf, message))
    return [message for _, message in sorted(messages, key=lambda pair: pair[0])]  # in the file's order


def _pydantic_message(item: dict) -> str:
    """pydantic's message, but for a number too big for an integer field, where it speaks
    of "parsing a string": the field's range is what the user needs."""
    if item["type"] == "int_parsing_size":
        field = _field(item["loc"])
        return "Input should be a whole number" + (_bounds(field).replace("\xa0", " ").rstrip(".").lower()
                                                    if field is not None else "")
    return item["msg"]


def _field(loc: tuple):
    """The declaration of the setting at ``loc`` (``("rules", "supervision_interval_days")``)."""
    model, field = Config, None
    for part in loc:
        field = model.model_fields.get(str(part)) if isinstance(model, type) else None
        if field is None:
            return None
        model = field.annotation
    return field


def nesting_problem(text: str) -> str | None:
    """Where ``text`` nests deeper than :data:`MAX_NESTING` (arrays and inline tables
    inside each other), or has a key of more dotted parts, as ``line N: …``; else None.

    One pass over the characters, skipping strings and comments, so its time is linear
    in the file; what it cannot read as TOML is left for ``tomllib`` to report."""
    depth = parts = 0
    line, index, length = 1, 0, len(text)
    while index < length:
        char = text[index]
        if char == "\n":
            line += 1
            parts = 0
        elif char == "#":
            end = text.find("\n", index)
            index = length if end < 0 else end
            continue
        elif char in "\"'":
            triple = text.startswith(char * 3, index)
            quote = char * 3 if triple else char
            index += len(quote)
            while index < length and not text.startswith(quote, index):
                if text[index] == "\\" and char == '"':
                    index += 1
                elif text[index] == "\n":
                    if not triple:
                        break  # an unclosed string: tomllib's to report
                    line += 1
                index += 1
            index += len(quote)
            continue
        elif char in "[{":
            depth += 1
            parts = 0
            if depth > MAX_NESTING:
                return f"line {line}: nesting deeper than {MAX_NESTING} levels of arrays and tables"
        elif char in "]}":
            depth = max(0, depth - 1)
            parts = 0
        elif char == ".":
            parts += 1
            if parts >= MAX_NESTING:
                return f"line {line}: a key of more than {MAX_NESTING} dotted parts"
        elif not (char.isalnum() or char in "_- \t"):
            parts = 0
        index += 1
    return None


def _read_toml(path: Path) -> tuple[str, dict]:
    """The text of ``path`` and what it holds, or :class:`ConfigError`: too large, not
    UTF-8, nested too deep (checked before parsing) or not TOML."""
    size = path.stat().st_size
    if size > MAX_CONFIG_BYTES:
        raise ConfigError([f"{path}: {size:,} bytes; a config file may be at most {MAX_CONFIG_BYTES:,} bytes"])
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError([f"{path}: not UTF-8 text"])
    if problem := nesting_problem(text):
        where, _, what = problem.partition(": ")
        raise ConfigError([f"{path}:{where.removeprefix('line ')}: {what}"])
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError([f"{path}: not valid TOML: {clip(error, 200)}"])
    except RecursionError:  # not expected after the scan above; never an internal error
        raise ConfigError([f"{path}: nesting deeper than {MAX_NESTING} levels of arrays and tables"])


def load_config(path: Path | None = None) -> Config:
    """Read ``path`` (or ``./fosterreport.toml`` when present), or return the defaults.

    Raises :class:`ConfigError` listing every problem with its key.
    """
    if path is None:
        candidate = Path.cwd() / CONFIG_NAME
        if not candidate.is_file():
            return Config()
        path = candidate
    if not path.is_file():
        raise ConfigError([f"{path}: config file not found"])
    text, raw = _read_toml(path)
    for name in ("base", "source"):  # not settings: a file that names them is refused like any unknown key
        if name in raw:
            raise ConfigError(describe(ValidationError.from_exception_data(
                "Config", [InitErrorDetails(type="extra_forbidden", loc=(name,), input=raw[name])]), str(path), text))
    try:
        return Config.model_validate({**raw, "base": path.parent.resolve(), "source": path.resolve()},
                                     context={"where": str(path), "text": text})
    except RecursionError:  # bounded by MAX_NESTING; this is the guarantee it stays exit 2
        raise ConfigError([f"{path}: nesting deeper than {MAX_NESTING} levels of arrays and tables"]) from None


# -- the commented file `init` writes --------------------------------------------------


def toml_value(value: Any) -> str:
    """One TOML value (a string, number, date, list or inline table)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        return '"' + re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\u{ord(m.group()):04x}", escaped) + '"'
    if isinstance(value, (int, float, date)):
        return value.isoformat() if isinstance(value, date) else repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items() if v is not None) + " }"
    raise TypeError(f"no TOML for {value!r}")


def _comment(text: str) -> list[str]:
    """``text`` as comment lines; a no-break space (in "From 1 to 36") is never broken."""
    lines = textwrap.wrap(text, width=88, initial_indent="# ", subsequent_indent="# ")
    return [line.replace("\xa0", " ") for line in lines]


def _bounds(info) -> str:
    """ "From 1 to 36." from a field's ge/le constraints."""
    low = next((m.ge for m in info.metadata if isinstance(m, annotated_types.Ge)), None)
    high = next((m.le for m in info.metadata if isinstance(m, annotated_types.Le)), None)
    if low is not None and high is not None:
        return f" From\xa0{low}\xa0to\xa0{high}."
    return ""


def _example(info) -> Any:
    return info.examples[0] if info.examples else info.get_default(call_default_factory=True)


def commented_toml(header: str, keep: dict[str, Any] | None = None) -> str:
    """``fosterreport.toml`` with every setting commented out, each under its description
    and shown with its default (or, where the default shows nothing, its example).

    ``keep`` maps dotted keys (``"data.path"``) to values written uncommented.
    """
    keep = keep or {}
    out = [*_comment(header)]
    for name, info in Config.model_fields.items():
        if info.exclude:
            continue
        out += ["", *_comment(info.description), f"[{name}]"]
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            for key, field in annotation.model_fields.items():
                example = _example(field)
                out += _comment(field.description + _bounds(field))
                if isinstance(example, dict) and all(isinstance(v, dict) for v in example.values()):
                    for sub, table in example.items():  # [data.columns.<file>]: sub-tables of their own
                        out.append(f"# [{name}.{key}.{toml_key(sub)}]")
                        out += [f"# {toml_key(k)} = {toml_value(v)}" for k, v in table.items()]
                elif isinstance(example, dict):  # [data.coverage]: a table of its own
                    out.append(f"# [{name}.{key}]")
                    out += [f"# {toml_key(k)} = {toml_value(v)}" for k, v in example.items()]
                elif f"{name}.{key}" in keep:
                    out.append(f"{key} = {toml_value(keep[f'{name}.{key}'])}")
                else:
                    out.append(f"# {key} = {toml_value(example)}")
        else:  # [targets] and [benchmarks]: tables of free keys
            out += [f"# {toml_key(k)} = {toml_value(v)}" for k, v in _example(info).items()]
    return "\n".join(out) + "\n"
