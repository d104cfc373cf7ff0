"""The extract contract: one pydantic model per CSV file.

These models are the single source of truth for what a council must supply. Everything
else is generated from them: ``fosterreport schema`` and ``docs/extracts.md`` print
them, the loader finds columns through their aliases, the column-wise validator reads
each field's :class:`Cell` to know how to parse it, and the Python API hands records
out as instances of them.

A field's type says how a cell is read (``Date``, ``Flag``, ``Money``, a
:class:`~fosterreport.codes.Code` list…). ``column()`` adds what the type cannot say:
built-in header aliases, uniqueness, and references to other files. Rules that involve
more than one column of a row (date order, "required when") are declared on the model
in ``rules`` and checked by both validation paths from the same declaration.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Annotated, Any, Callable, ClassVar, get_args, get_origin

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic.fields import FieldInfo

from fosterreport import codes
from fosterreport.values import (
    parse_bool, parse_count, parse_date, parse_financial_year, parse_money, parse_text,
)


#: The suffixes of the files read as extracts (``households.csv``, ``.tsv`` or ``.xlsx``).
READ = ("csv", "tsv", "xlsx")
#: The delimiters a header line may use (the file's suffix says which is expected; another
#: is read, with a warning naming it).
DELIMITERS = (",", ";", "|", "\t")

@dataclass(frozen=True)
class Cell:
    """How the text of one cell becomes a value: the parser and the words for the schema."""

    kind: str
    parse: Callable[[str], Any]
    expected: str
    codes: type[codes.Code] | None = None


def _typed(python_type: Any, cell: Cell) -> Any:
    def read(value: Any) -> Any:
        return cell.parse(value) if isinstance(value, str) else value

    return Annotated[python_type, BeforeValidator(read), cell]


Id = _typed(str, Cell("id", parse_text, "an identifier (kept as text)"))
Text = _typed(str, Cell("text", parse_text, "text"))
Date = _typed(date, Cell("date", parse_date, "dd/mm/yyyy, yyyy-mm-dd or dd-Mon-yyyy"))
Flag = _typed(bool, Cell("bool", parse_bool, "Y/N, Yes/No, True/False or 1/0"))
Money = _typed(Decimal, Cell("money", parse_money, "pounds, e.g. 5,320,883.00 or (1,234.50)"))
Count = _typed(int, Cell("count", parse_count, "a whole number ≥ 0"))
Places = _typed(int, Cell("count", lambda text: parse_count(text, minimum=1), "a whole number ≥ 1"))
FinancialYear = _typed(str, Cell("year", parse_financial_year, "a financial year, e.g. 2022-23"))


def Coded(code_list: type[codes.Code]) -> Any:
    return _typed(code_list, Cell("code", code_list.parse, "a code", code_list))


def column(default: Any = ..., *, aliases: tuple[str, ...] = (), unique: bool = False,
           references: str | None = None, notes: str = "") -> Any:
    """A column of an extract: ``default=...`` (the default) makes it required."""
    return Field(default, description=notes or None, json_schema_extra={
        "aliases": list(aliases), "unique": unique, "references": references,
    })


# -- rules spanning several columns of one row ---------------------------------------


def _words(name: str) -> str:
    return name.removesuffix("_date").replace("_", " ")


def _uk(value: date) -> str:
    return value.strftime("%d/%m/%Y")


@dataclass(frozen=True)
class DateOrder:
    """Dates that must not run backwards, in the order given, checked where present.

    Each date is compared with the latest earlier date of the chain that is present, so
    a missing initial visit does not hide an application dated before its enquiry.
    """

    fields: tuple[str, ...]
    rule: ClassVar[str] = "date-order"

    def check(self, row: dict[str, Any]) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        previous: tuple[str, date] | None = None
        for name in self.fields:
            value = row.get(name)
            if value is None:
                continue
            if previous is not None and value < previous[1]:
                found.append((name, f"{_words(name)} ({_uk(value)}) is before "
                                    f"{_words(previous[0])} ({_uk(previous[1])})"))
            else:
                previous = (name, value)
        return found


@dataclass(frozen=True)
class RequiredWhen:
    """``field`` must have a value when ``when`` has one (optionally: equals ``equals``)."""

    field: str
    when: str
    equals: str | None = None
    rule: ClassVar[str] = "missing-value"

    def applies(self, row: dict[str, Any]) -> bool:
        value = row.get(self.when)
        return value is not None and (self.equals is None or value == self.equals)

    def check(self, row: dict[str, Any]) -> list[tuple[str, str]]:
        if self.applies(row) and row.get(self.field) is None:
            condition = f"{self.when} is {self.equals}" if self.equals else f"{self.when} is set"
            return [(self.field, f"{self.field} is required when {condition}")]
        return []


@dataclass(frozen=True)
class NotBoth:
    """An enquiry cannot be both approved and closed."""

    first: str
    second: str
    rule: ClassVar[str] = "conflicting-values"

    def check(self, row: dict[str, Any]) -> list[tuple[str, str]]:
        if row.get(self.first) is not None and row.get(self.second) is not None:
            return [(self.second, f"{_words(self.second)} and {_words(self.first)} are both set "
                                  f"(a record ends one way or the other)")]
        return []


RowRule = DateOrder | RequiredWhen | NotBoth


# -- the records ---------------------------------------------------------------------


class Record(BaseModel):
    """One row of an extract."""

    # defer_build: the column-wise parse reads only the fields; a schema is built the first
    # time a row is validated with the model (the Python API, the row-wise equivalence tests)
    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False, defer_build=True)

    file: ClassVar[str]
    summary: ClassVar[str]
    required_file: ClassVar[bool] = False
    rules: ClassVar[tuple[RowRule, ...]] = ()
    #: The date columns whose earliest value marks where the export begins (a register
    #: holds records that ended after that day, whenever they began): see
    #: :mod:`fosterreport.kpis.coverage`. Empty: the file covers the whole folder's span.
    window: ClassVar[tuple[str, ...]] = ()


class Household(Record):
    file = "households.csv"
    window = ("deregistration_date",)
    summary = "one row per fostering household ever approved"
    required_file = True
    rules = (DateOrder(("approval_date", "deregistration_date")),
             RequiredWhen("deregistration_reason", "deregistration_date"))

    household_id: Id = column(unique=True, aliases=("CARER_ID", "HOUSEHOLD_REF", "FOSTER_CARER_ID"))
    household_type: Coded(codes.HouseholdType) = column(aliases=("CARER_TYPE", "APPROVAL_TYPE"))
    approval_date: Date = column(aliases=("APPROVED_DATE", "APPROVAL_START"),
                                 notes="date first approved (temporary approval counts)")
    approved_places: Places = column(aliases=("PLACES", "BEDS", "APPROVED_BEDS"),
                                     notes="places (beds) in the terms of approval")
    temporary_approval: Flag = column(False, aliases=("REG24",),
                                      notes="Reg 24 temporary approval of a connected person")
    deregistration_date: Date | None = column(None, aliases=("DEREG_DATE", "END_DATE"),
                                              notes="first day no longer approved; ≥ approval_date")
    deregistration_reason: Coded(codes.DeregistrationReason) | None = column(
        None, aliases=("DEREG_REASON", "END_REASON"), notes="required when deregistration_date is set")
    ethnicity_group: Coded(codes.EthnicityGroup) | None = column(
        None, aliases=("ETHNICITY",), notes="of the main carer")


class Enquiry(Record):
    file = "enquiries.csv"
    window = ("enquiry_date",)
    summary = "one row per enquiry from a member of the public about becoming a carer"
    rules = (DateOrder(("enquiry_date", "initial_visit_date", "application_date", "stage2_date",
                        "panel_date", "approval_date")),
             DateOrder(("enquiry_date", "closed_date")),
             NotBoth("approval_date", "closed_date"),
             RequiredWhen("household_id", "approval_date"),
             RequiredWhen("closed_reason", "closed_date"))

    enquiry_id: Id = column(unique=True, aliases=("ENQUIRY_REF",))
    enquiry_date: Date = column(aliases=("DATE_OF_ENQUIRY",))
    source: Coded(codes.EnquirySource) | None = column(None, aliases=("ENQUIRY_SOURCE",))
    household_type_sought: Coded(codes.HouseholdType) = column(
        codes.HouseholdType.MAINSTREAM)
    initial_visit_date: Date | None = column(None, aliases=("IV_DATE",))
    application_date: Date | None = column(None, notes="formal application received (start of assessment)")
    stage2_date: Date | None = column(None, notes="stage 2 assessment started")
    panel_date: Date | None = column(None, notes="presented to fostering panel")
    approval_date: Date | None = column(None, notes="approved by the agency decision maker")
    household_id: Id | None = column(None, aliases=("CARER_ID",), references="households",
                                     notes="required when approval_date is set; same approval_date "
                                           "as in households.csv")
    closed_date: Date | None = column(None, notes="ended without approval")
    closed_reason: Coded(codes.ClosedReason) | None = column(None, notes="required when closed_date is set")


class Placement(Record):
    file = "placements.csv"
    window = ("end_date",)
    summary = "one row per placement of a looked-after child"
    rules = (DateOrder(("start_date", "end_date")),
             RequiredWhen("household_id", "provider", equals=codes.Provider.IN_HOUSE))

    placement_id: Id = column(unique=True, aliases=("PLACEMENT_REF",))
    child_id: Id = column(aliases=("PERSON_ID", "CHILD"), notes="pseudonymous child reference")
    provider: Coded(codes.Provider) = column(aliases=("PLACE_PROVIDER",))
    household_id: Id | None = column(None, aliases=("CARER_ID",), references="households",
                                     notes="required for IN_HOUSE")
    start_date: Date = column(aliases=("DECOM", "PLACEMENT_START"))
    end_date: Date | None = column(None, aliases=("DEC", "PLACEMENT_END"), notes="first day no longer placed")
    placement_kind: Coded(codes.PlacementKind) = column(
        codes.PlacementKind.MAIN, notes="MAIN (default) or RESPITE (short break alongside a main placement)")


class Hold(Record):
    file = "holds.csv"
    window = ("end_date",)
    summary = "periods when a household is on hold (not available for placements)"
    rules = (DateOrder(("start_date", "end_date")),)

    household_id: Id = column(references="households")
    start_date: Date = column()
    end_date: Date | None = column(None)
    reason: Coded(codes.HoldReason) | None = column(None)


class Review(Record):
    file = "reviews.csv"
    window = ("due_date",)
    summary = "foster carer reviews of approval"

    household_id: Id = column(references="households")
    due_date: Date = column()
    completed_date: Date | None = column(None)
    to_panel: Flag = column(False)


class Visit(Record):
    file = "visits.csv"
    window = ("visit_date",)
    summary = "supervising social worker visits"

    household_id: Id = column(references="households")
    visit_date: Date = column()
    visit_type: Coded(codes.VisitType) = column()


class PanelRow(Record):
    file = "panel.csv"
    window = ("panel_date",)
    summary = "one row per item heard at fostering panel"

    panel_date: Date = column()
    item_type: Coded(codes.PanelItem) = column()
    outcome: Coded(codes.PanelOutcome) | None = column(None)
    household_id: Id | None = column(None, references="households")
    quorate: Flag = column(True)


class Complaint(Record):
    file = "complaints.csv"
    window = ("received_date",)
    summary = "one row per complaint about the fostering service"
    rules = (DateOrder(("received_date", "closed_date")),)

    complaint_id: Id = column(unique=True)
    received_date: Date = column()
    complainant: Coded(codes.Complainant) = column()
    outcome: Coded(codes.ComplaintOutcome) = column(codes.ComplaintOutcome.ONGOING)
    closed_date: Date | None = column(None)


class Allegation(Record):
    file = "allegations.csv"
    window = ("referral_date",)
    summary = "referrals to the LADO concerning foster carers"

    allegation_id: Id = column(unique=True)
    referral_date: Date = column()
    household_id: Id = column(references="households")
    source: Coded(codes.AllegationSource) | None = column(None)
    category: Coded(codes.AllegationCategory) | None = column(None)
    outcome: Coded(codes.AllegationOutcome) = column(codes.AllegationOutcome.ONGOING)
    to_panel: Flag = column(False)
    to_dbs: Flag = column(False)


class TrainingAttendance(Record):
    file = "training.csv"
    window = ("session_date",)
    summary = "one row per carer attending a learning session"

    session_id: Id = column()
    session_date: Date = column()
    course: Text = column()
    mode: Coded(codes.TrainingMode) | None = column(None)
    carer_id: Id = column(notes="pseudonymous")
    household_id: Id | None = column(None, references="households")


class MockingbirdMembership(Record):
    file = "mockingbird.csv"
    summary = "Mockingbird constellation membership"
    rules = (DateOrder(("joined_date", "left_date")),)

    constellation: Text = column(notes="the constellation's name")
    launch_date: Date = column()
    household_id: Id = column(references="households")
    role: Coded(codes.MockingbirdRole) = column()
    joined_date: Date | None = column(None, notes="blank = launch_date (not a default: it depends on the row)")
    left_date: Date | None = column(None)


class BudgetLine(Record):
    file = "budget.csv"
    summary = "budget and outturn by line, from the finance system"

    financial_year: FinancialYear = column(notes="2022-23 or 2022/23")
    line: Text = column(notes='e.g. "Fees and allowances"')
    budget: Money = column()
    outturn: Money = column(notes="actual, or forecast where forecast is Y")
    forecast: Flag = column(False)
    as_at: Date | None = column(None, notes="date the outturn figure was struck; blank = end of the "
                                            "financial year")
    funded_placements: Count | None = column(None, notes="average placements the budget line was set to fund")


#: Every extract, keyed by its short name (the file name without ``.csv``), in contract order.
EXTRACTS: dict[str, type[Record]] = {
    model.file.removesuffix(".csv"): model
    for model in (Household, Enquiry, Placement, Hold, Review, Visit, PanelRow, Complaint,
                  Allegation, TrainingAttendance, MockingbirdMembership, BudgetLine)
}


# -- reading the models' metadata ------------------------------------------------------


@dataclass(frozen=True)
class ColumnSpec:
    """Everything the loader and validator need to know about one column."""

    name: str
    cell: Cell
    required: bool
    default: Any
    aliases: tuple[str, ...] = ()
    unique: bool = False
    references: str | None = None
    notes: str = ""


def _cell_of(annotation: Any) -> Cell:
    if get_origin(annotation) is Annotated:
        for extra in get_args(annotation)[1:]:
            if isinstance(extra, Cell):
                return extra
    for arg in get_args(annotation):  # Optional[...] is a Union of the Annotated type and None
        if arg is not type(None):
            return _cell_of(arg)
    raise TypeError(f"no Cell on {annotation!r}")


def _spec(name: str, info: FieldInfo, annotation: Any) -> ColumnSpec:
    extra = info.json_schema_extra or {}
    return ColumnSpec(
        name=name,
        cell=_cell_of(annotation),
        required=info.is_required(),
        default=None if info.is_required() else info.default,
        aliases=tuple(extra.get("aliases", ())),
        unique=bool(extra.get("unique")),
        references=extra.get("references"),
        notes=info.description or "",
    )


@cache
def columns(model: type[Record]) -> tuple[ColumnSpec, ...]:
    """The columns of ``model`` in contract order, read from the model's fields."""
    # pydantic moves the Annotated metadata of a required field onto ``info.metadata``;
    # an optional field keeps it inside its Union annotation. ``_cell_of`` finds either.
    return tuple(
        _spec(name, info, Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation)
        for name, info in model.model_fields.items()
    )
