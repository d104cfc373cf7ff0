"""Problems found in extracts and config, as data.

Validation never raises for bad input: it returns :class:`Problem` values collected into
a :class:`ProblemReport`. Commands format that report and choose the exit code; the
report's data quality appendix lists its warnings. Each problem has a stable ``rule``
code (the interface tests and CI jobs rely on), a location and a message.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Iterable, Literal

Severity = Literal["error", "warning"]

#: The most characters of anything a user supplied (a key, a value, a file or folder
#: name, a header) that a message quotes: enough to recognise it, never a flood.
QUOTED = 60


def clip(text: object, limit: int = QUOTED) -> str:
    """``text`` cut to its first ``limit`` characters, with "…" when it was longer."""
    text = str(text)
    return text if len(text) <= limit else text[:limit] + "…"


def quoted(text: object, limit: int = QUOTED) -> str:
    """User-supplied text as a message quotes it: :func:`clip`-ped and in quotes, with
    control characters escaped as Python writes them (``'logo\\x00.svg'``), so no
    message is flooded, or its terminal driven, by what it quotes."""
    return repr(clip(text, limit))

#: Every rule a problem can carry, with what it means. ``fosterreport validate`` and
#: docs/validation.md print this table; a rule not listed here is a bug.
RULES: dict[str, str] = {
    # reading a file
    "unreadable-file": "the file cannot be read as text (binary, or an encoding we cannot detect)",
    "encoding-fallback": "the file is not valid UTF-8 and was read as Windows-1252 (warning)",
    "other-delimiter": "the header's cells are separated by ; | or tab, not the file type's own delimiter; read so (warning)",
    "empty-file": "the file has no header row",
    "ragged-row": "a row has more or fewer cells than the header",
    "too-large": "a file, row count or field is over the tool's limits",
    "missing-column": "a required column is not in the header",
    "ambiguous-column": "two headers name the same contract column",
    # one value
    "missing-value": "a required value is blank",
    "invalid-date": "a date that is not a real dd/mm/yyyy, yyyy-mm-dd or dd-Mon-yyyy date",
    "invalid-boolean": "a yes/no value that is not Y/N, Yes/No, True/False or 1/0",
    "invalid-money": "an amount that is not a number of pounds",
    "invalid-number": "a count that is not a whole number, or is below its minimum",
    "invalid-code": "a code that is neither a contract code, its label, an alias nor a mapped local code",
    "invalid-year": "a financial year that is not like 2022-23",
    # one row
    "date-order": "dates in one row that run backwards",
    "conflicting-values": "values in one row that contradict each other",
    # across rows and files
    "duplicate-id": "an id that must be unique appears more than once",
    "unknown-reference": "an id that does not exist in the file it refers to",
    "approval-mismatch": "an approved enquiry whose household has a different approval date",
    "overlapping-placement": "a child with two MAIN placements at once",
    "two-hubs": "a Mockingbird constellation with two hub homes at once",
    # warnings: usable but suspicious
    "placement-before-approval": "an in-house placement that starts before its household's approval (warning)",
    "over-capacity": "a household with more children placed than approved places (warning)",
    "future-date": "a date after the day the extracts were checked (warning)",
    "reason-without-date": "a deregistration reason on a household that is still approved (warning)",
    "unknown-file": "a file in the data folder that is not an extract of the contract, not read (warning)",
    # configuration
    "config": "a problem in fosterreport.toml",
    # the narrative and templates, checked by ``validate`` before anything is built
    "narrative-unknown-file": "a narrative file whose name matches no report section",
    "narrative-unreadable": "a narrative file that cannot be read (too large, a link out of its folder, not UTF-8)",
    "narrative-syntax": "a narrative whose placeholders are not valid Jinja syntax",
    "narrative-placeholder": "a placeholder that names no KPI, breakdown, code or field",
    "narrative-expression": "a narrative expression the sandbox refuses, or that fails on any figures",
    "template-syntax": "a template override that does not compile, or includes a template that does not exist",
    "template-outside": "a file of the templates folder that is a symbolic link, or outside the project (links are not followed)",
}

#: The rules about the project around the extracts, which ``validate`` checks before any
#: extract is read (:mod:`fosterreport.render.preflight`): exit 2, as a bad config is.
PROJECT_RULES = frozenset({"config", "narrative-unknown-file", "narrative-unreadable", "narrative-syntax",
                           "narrative-placeholder", "narrative-expression", "template-syntax",
                           "template-outside"})


@dataclass(frozen=True, order=True)
class Problem:
    """One problem at one place. ``line`` is the file's physical line (header = 1)."""

    file: str
    line: int | None
    column: str | None
    rule: str
    message: str
    severity: Severity = "error"

    @property
    def location(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
        if self.column:
            parts.append(clip(self.column))
        return ":".join(parts)

    def as_text(self) -> str:
        return f"{self.location}  {self.message}"

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class ProblemReport:
    """Every problem found, errors and warnings together, in a stable order."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.sorted() if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.sorted() if p.severity == "warning"]

    def ok(self, strict: bool = False) -> bool:
        return not self.errors and not (strict and self.warnings)

    def sorted(self) -> list[Problem]:
        return sorted(self.problems, key=lambda p: (p.file, p.line or 0, p.column or "", p.rule, p.message))

    def summarised(self, per_rule: int = 20) -> list[tuple[Problem, int]]:
        """The first ``per_rule`` problems of each (file, rule), each paired with how many
        more like it were left out after it (0 for all but the last shown)."""
        shown: list[tuple[Problem, int]] = []
        counts = Counter((p.file, p.rule, p.severity) for p in self.problems)
        seen: Counter = Counter()
        for problem in self.sorted():
            key = (problem.file, problem.rule, problem.severity)
            seen[key] += 1
            if seen[key] < per_rule or (seen[key] == per_rule and counts[key] == per_rule):
                shown.append((problem, 0))
            elif seen[key] == per_rule:
                shown.append((problem, counts[key] - per_rule))
        return shown
