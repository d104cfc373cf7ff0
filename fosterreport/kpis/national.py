"""England's local-authority figures from Ofsted, shipped with the tool as benchmarks.

Every council's report compares itself with the national picture, and every council types
that picture in by hand ("10% nationally"), from memory or from someone else's summary.
Ofsted publishes it each year (Fostering in England), so the tool carries a small table of
it, ``england.toml`` beside this module, and offers each figure as an "England (LA
agencies)" benchmark for the KPI and year it matches.

The table holds only figures copied from an Ofsted publication, for local authority
fostering agencies, for measures Ofsted defines as the catalogue does; each names the
publication, its date, the table or paragraph and the address it came from (see
``docs/national.md`` for the figures, the definitions compared and the measures left
out). A figure the table does not have is absent, never estimated.

The file is read from the installed package (``importlib.resources``), never from the
working directory, and checked as ``[benchmarks]`` in a config is checked (the key names a
KPI, the value fits its unit): a broken table is a bug in the package, so it stops the run
rather than quietly giving no benchmark.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

from fosterreport.exceptions import FosterReportError
from fosterreport.kpis.keys import resolve_key, unknown_key, value_problem
from fosterreport.kpis.results import BenchmarkValue

#: The data file, inside this package.
DATA_FILE = "england.toml"
#: The reporting years the table may cover, keyed as ``--year`` is (2019 = 2018/19): from
#: the 2018/19 release (published November 2019) to the 2024/25 one (November 2025).
FIRST_YEAR = 2019
LATEST_YEAR = 2025

_FIELDS = {"kpi", "year", "value", "published", "release", "published_on", "table", "quote", "url", "note"}
_REQUIRED = _FIELDS - {"note"}


@dataclass(frozen=True)
class NationalFigure:
    """One figure Ofsted published for England's local authority fostering agencies."""

    kpi: str
    #: The financial year it covers, keyed as ``--year`` is (2023 = 2022/23).
    year: int
    #: In the KPI's unit (a rate as a fraction).
    value: float
    #: The figure exactly as printed ("12%").
    published: str
    release: str
    published_on: date
    #: The table, or the section, it was copied from.
    table: str
    #: The sentence (or table row) it was read in, word for word.
    quote: str
    url: str
    label: str
    #: How Ofsted's definition differs from the catalogue's, where it does in detail.
    note: str | None = None

    @property
    def source(self) -> str:
        """The citation printed beside the benchmark."""
        return (f"Ofsted, {self.release}, published {self.published_on.day} {self.published_on:%B %Y}; "
                f"{self.table}; {self.url}")

    def benchmark(self) -> BenchmarkValue:
        return BenchmarkValue(self.value, self.label, self.source)


def parse_figures(text: str, where: str = DATA_FILE) -> tuple[NationalFigure, ...]:
    """The figures of a table in ``england.toml``'s form; every problem raises at once."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise FosterReportError(f"{where}: {error}") from None
    label = data.get("label")
    if not isinstance(label, str) or not label:
        raise FosterReportError(f"{where}: needs a label (the words printed beside each figure)")
    problems: list[str] = []
    figures: list[NationalFigure] = []
    seen: set[tuple[str, int]] = set()
    for number, entry in enumerate(data.get("figure", []), start=1):
        found = _entry_problems(entry)
        if not found and (entry["kpi"], entry["year"]) in seen:
            found = [f"a second figure for {entry['kpi']} in {entry['year']}"]
        if found:
            problems.extend(f"{where}: figure {number}: {problem}" for problem in found)
            continue
        seen.add((entry["kpi"], entry["year"]))
        figures.append(NationalFigure(entry["kpi"], entry["year"], float(entry["value"]), entry["published"],
                                      entry["release"], entry["published_on"], entry["table"], entry["quote"],
                                      entry["url"],
                                      label, entry.get("note")))
    if problems:
        raise FosterReportError(problems)
    return tuple(figures)


def _entry_problems(entry: dict) -> list[str]:
    problems = [f"unknown field '{name}'" for name in sorted(set(entry) - _FIELDS)]
    problems += [f"no {name}" for name in sorted(_REQUIRED - set(entry))]
    if problems:
        return problems
    ref = resolve_key(entry["kpi"]) if isinstance(entry["kpi"], str) else None
    if ref is None or ref.code is not None:
        problems.append(unknown_key(str(entry["kpi"])) if ref is None else "a figure is for a whole KPI, not a code")
    year = entry["year"]
    if not isinstance(year, int) or isinstance(year, bool) or not FIRST_YEAR <= year <= LATEST_YEAR:
        problems.append(f"year {year!r} is not a reporting year from {FIRST_YEAR} to {LATEST_YEAR}")
    value = entry["value"]
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        problems.append(f"value {value!r} is not a number")
    elif ref is not None and (problem := value_problem(ref, float(value))):
        problems.append(f"value {value!r}: {problem}")
    if not isinstance(entry["published_on"], date):
        problems.append("published_on is not a date (write it as 2024-03-25)")
    if not str(entry["url"]).startswith("https://"):
        problems.append(f"url {entry['url']!r} is not an https address")
    for name in ("published", "release", "table", "quote"):
        if not isinstance(entry[name], str) or not entry[name].strip():
            problems.append(f"{name} is empty")
    return problems


@cache
def england_figures() -> tuple[NationalFigure, ...]:
    """Every figure of the shipped table, in its order."""
    text = resources.files(__package__).joinpath(DATA_FILE).read_text(encoding="utf-8")
    return parse_figures(text)


def england_benchmarks(year: int) -> dict[str, BenchmarkValue]:
    """The England (LA agencies) benchmark of each KPI that has one for reporting ``year``
    (keyed as ``--year``: 2024 is 2023/24), in the table's order; empty when none."""
    return {figure.kpi: figure.benchmark() for figure in england_figures() if figure.year == year}
