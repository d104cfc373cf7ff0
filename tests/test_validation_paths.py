"""The column-wise validator finds exactly what row-by-row pydantic validation finds.

:func:`fosterreport.validation.parse_extract` parses each distinct text of a column once
and finds row-rule breaks with vectorised masks; :func:`fosterreport.validation.validate_rows`
validates one pydantic model per row. On files full of injected errors — bad dates, bad
codes, blanks in required columns, date-order and required-when breaks — mixed with valid
rows, both must give the same problems, message for message. Only the per-file value and
row-rule problems are compared (cross-file rules run on the frames afterwards).
"""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fosterreport.config import Config
from fosterreport.contract import EXTRACTS, ColumnSpec, columns
from fosterreport.extracts import read_extract
from fosterreport.validation import code_maps, parse_extract, validate_rows

BLANKS = ["", " ", "NULL", "N/A", "null"]
DATES = ["01/04/2020", "15/06/2021", "1/4/2020", "2020-04-01", "2021-06-15", "01-Apr-2020", "10-jan-2019",
         "01/01/2019 00:00", "31/12/2022", "01/02/2018"]
BAD_DATES = ["31/02/2023", "04/13/2023", "2023-02-30", "last June", "01.04.2020", "45017"]
VALUES: dict[str, tuple[list[str], list[str]]] = {  # kind -> (valid texts, invalid texts)
    "id": (["H1", "H2", "007", " H3 ", "C1"], []),
    "text": (["Fees", "North", "Skills to Foster"], []),
    "date": (DATES, BAD_DATES),
    "bool": (["Y", "N", "yes", "No", "TRUE", "0", "1"], ["maybe", "2"]),
    "count": (["1", "2", "3.0", "12"], ["0", "-1", "1.5", "two", "99999999999999999999"]),
    "money": (["5320883", "5,320,883.00", "£5,320,883", "-1234.50", "(1,234.50)"], ["5.3m", "1,23,4", "$5"]),
    "year": (["2022-23", "2022/23", "2023/2024"], ["2022-24", "2022"]),
}


def cell_texts(spec: ColumnSpec) -> tuple[list[str], list[str]]:
    if spec.cell.kind == "code":
        members = list(spec.cell.codes)
        valid = [m.value for m in members] + [m.label for m in members] + [m.value.lower() for m in members]
        valid += [alias for m in members for alias in m.aliases]
        return valid, ["ZZZ", "Unknown thing", "RET"]
    return VALUES[spec.cell.kind]


def random_cell(rng: random.Random, spec: ColumnSpec) -> str:
    valid, invalid = cell_texts(spec)
    roll = rng.random()
    if roll < 0.25:
        return rng.choice(BLANKS)
    if roll < 0.35 and invalid:
        return rng.choice(invalid)
    return rng.choice(valid)


def write_extract(folder: Path, name: str, rows: list[list[str]], headers: list[str]) -> Path:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(row)
    path = folder / EXTRACTS[name].file
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def both_paths(path: Path, name: str, config: Config | None = None) -> tuple[list[tuple], list[tuple]]:
    raw = read_extract(name, path)
    assert raw.readable, raw.problems
    before = len(raw.problems)
    code_map = code_maps(config or Config(), name)
    row_wise = validate_rows(raw, code_map)
    parse_extract(raw, code_map)
    column_wise = raw.problems[before:]

    def as_tuples(problems):
        return sorted((p.file, p.line, p.column, p.rule, p.message, p.severity) for p in problems)

    return as_tuples(column_wise), as_tuples(row_wise)


def random_file(rng: random.Random, folder: Path, name: str, rows: int) -> Path:
    specs = columns(EXTRACTS[name])
    # Every required column, and each optional one with even odds, in a shuffled order.
    chosen = [spec for spec in specs if spec.required or rng.random() < 0.7]
    rng.shuffle(chosen)
    body = [[random_cell(rng, spec) for spec in chosen] for _ in range(rows)]
    return write_extract(folder, name, body, [spec.name for spec in chosen])


@pytest.mark.parametrize("name", list(EXTRACTS))
@pytest.mark.parametrize("seed", [1, 2])
def test_both_paths_agree_on_every_extract(tmp_path, name, seed):
    rng = random.Random(f"{name}-{seed}")
    path = random_file(rng, tmp_path, name, rows=150)
    column_wise, row_wise = both_paths(path, name)
    assert column_wise == row_wise
    assert column_wise, "the generator should have injected errors"


def test_every_kind_of_problem_is_compared(tmp_path):
    """The generated files set off every value and row rule, so the comparison means something."""
    seen = set()
    for name in EXTRACTS:
        for seed in (1, 2):
            path = random_file(random.Random(f"{name}-{seed}"), tmp_path, name, rows=150)
            seen |= {problem[3] for problem in both_paths(path, name)[0]}
    assert seen >= {"missing-value", "invalid-date", "invalid-boolean", "invalid-number", "invalid-code",
                    "invalid-money", "invalid-year", "date-order", "conflicting-values"}


def test_both_paths_agree_with_config_code_maps(tmp_path):
    rng = random.Random(7)
    path = random_file(rng, tmp_path, "households", rows=300)
    config = Config(data={"codes": {"deregistration_reason": {"RET": "RESIGNED", "zzz": "OTHER"},
                                    "households.household_type": {"Unknown thing": "MAINSTREAM"}}})
    column_wise, row_wise = both_paths(path, "households", config)
    assert column_wise == row_wise
    mapped = {("deregistration_reason", "'RET'"), ("deregistration_reason", "'ZZZ'"),
              ("household_type", "'Unknown thing'")}
    assert not any((problem[2], problem[4].split(" is ")[0]) in mapped for problem in column_wise)
    assert any(problem[2] == "household_type" and "'ZZZ'" in problem[4] for problem in column_wise)


# -- generated by hypothesis: enquiries, where most row rules live ---------------------------------

ENQUIRY_SPECS = columns(EXTRACTS["enquiries"])


def _cell_strategy(spec: ColumnSpec) -> st.SearchStrategy[str]:
    valid, invalid = cell_texts(spec)
    if spec.cell.kind == "date":  # few distinct dates, so that orders break often
        valid = ["01/01/2020", "01/02/2020", "2020-03-01", "01-Apr-2020", "01/05/2020 00:00"]
    options = [st.sampled_from(valid), st.sampled_from(BLANKS)] + ([st.sampled_from(invalid)] if invalid else [])
    return st.one_of(*options)


_enquiry_row = st.tuples(*[_cell_strategy(spec) for spec in ENQUIRY_SPECS])


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(_enquiry_row, min_size=1, max_size=30),
       dropped=st.sets(st.sampled_from([spec.name for spec in ENQUIRY_SPECS if not spec.required])))
def test_both_paths_agree_on_generated_enquiries(tmp_path_factory, rows, dropped):
    folder = tmp_path_factory.mktemp("enquiries")
    keep = [index for index, spec in enumerate(ENQUIRY_SPECS) if spec.name not in dropped]
    path = write_extract(folder, "enquiries", [[row[i] for i in keep] for row in rows],
                         [ENQUIRY_SPECS[i].name for i in keep])
    column_wise, row_wise = both_paths(path, "enquiries")
    assert column_wise == row_wise
