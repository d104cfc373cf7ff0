"""Parsing and checking the extracts, column by column, problems collected as data.

The contract models say how each column is read (their :class:`~fosterreport.contract.Cell`)
and which rules span a row (``Record.rules``). Validating a million rows one pydantic
model at a time takes 10–30 s, so this module runs the same parsers column-wise: each
column is dictionary-encoded by pyarrow, each *distinct* text is parsed once by the very
function the model would call, and the result is broadcast back with numpy. Row rules
are found with vectorised masks and their messages written by the rule's own ``check``.
:func:`validate_rows` is the slow row-by-row path through the pydantic models, kept so
tests can prove both paths give the same problems.
"""

from __future__ import annotations

import difflib
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import ValidationError

from fosterreport import checks
from fosterreport.codes import code_key
from fosterreport.config import Config
from fosterreport.contract import EXTRACTS, ColumnSpec, DateOrder, NotBoth, RequiredWhen, columns
from fosterreport.exceptions import ConfigError
from fosterreport.extracts import RawExtract, discover, read_extract
from fosterreport.problems import Problem, ProblemReport
from fosterreport.records import Extracts, FileInfo
from fosterreport.values import BLANKS, BadValue, is_blank

CodeMap = dict[str, dict[str, str]]  # column -> folded local value -> contract code


def missing_message(column: str) -> str:
    return f"{column} is blank; a value is required"


# -- config that points into the contract ------------------------------------------------


def code_maps(config: Config, name: str) -> CodeMap:
    """``[data.codes.<column>]`` and ``[data.codes."<file>.<column>"]`` for one extract."""
    maps: CodeMap = {}
    for key, table in config.data.codes.items():
        file, _, column = key.rpartition(".")
        if file in ("", name):
            maps.setdefault(column, {}).update({code_key(local): code for local, code in table.items()})
    return maps


def check_config_mappings(config: Config) -> None:
    """Unknown files, columns or codes in ``[data.columns]``/``[data.codes]`` stop the run."""
    messages = []
    where = str(config.source or "fosterreport.toml")
    for file, table in config.data.columns.items():
        if file not in EXTRACTS:
            close = difflib.get_close_matches(file, list(EXTRACTS), n=1)
            messages.append(f"{where}: [data.columns.{file}]: no such extract"
                            + (f" (did you mean '{close[0]}'?)" if close else ""))
            continue
        names = [spec.name for spec in columns(EXTRACTS[file])]
        for column in table:
            if column not in names:
                close = difflib.get_close_matches(column, names, n=1)
                messages.append(f"{where}: [data.columns.{file}] {column}: no such column"
                                + (f" (did you mean '{close[0]}'?)" if close else ""))
    coded = {(name, spec.name): spec for name, model in EXTRACTS.items()
             for spec in columns(model) if spec.cell.codes}
    for key, table in config.data.codes.items():
        file, _, column = key.rpartition(".")
        specs = [spec for (name, col), spec in coded.items() if col == column and file in ("", name)]
        if not specs:
            close = difflib.get_close_matches(column, sorted({c for _, c in coded}), n=1)
            messages.append(f"{where}: [data.codes.{key}]: not a coded column"
                            + (f" (did you mean '{close[0]}'?)" if close else ""))
            continue
        for local, code in table.items():
            for spec in specs:
                if code not in {member.value for member in spec.cell.codes}:
                    messages.append(f"{where}: [data.codes.{key}] {local!r} = {code!r}: not a "
                                    f"{spec.name} code ({', '.join(m.value for m in spec.cell.codes)})")
                    break
    if messages:
        raise ConfigError(messages)


# -- one column ------------------------------------------------------------------------


def _text_column(raw: RawExtract, spec: ColumnSpec) -> pa.Array:
    if spec.name in raw.found:
        return raw.table[spec.name].combine_chunks()
    return pa.nulls(len(raw.lines), pa.string())


def _blank_mask(array: pa.Array) -> np.ndarray:
    trimmed = pc.utf8_lower(pc.utf8_trim_whitespace(array))
    return pc.fill_null(pc.is_in(trimmed, value_set=pa.array(sorted(BLANKS))), True).to_numpy(
        zero_copy_only=False)


def _empty_values(kind: str, size: int) -> np.ndarray:
    if kind == "date":
        return np.full(size, np.datetime64("NaT"), dtype="datetime64[s]")
    if kind == "bool":
        return np.zeros(size, dtype=bool)
    if kind == "count":
        return np.zeros(size, dtype=np.int64)
    return np.full(size, None, dtype=object)


def _as_array_value(kind: str, value: Any) -> Any:
    if kind == "date":
        return np.datetime64(value, "s")
    if kind == "code":
        return value.value
    return value


def parse_column(raw: RawExtract, spec: ColumnSpec, code_map: dict[str, str],
                 memo: dict | None = None) -> tuple[Any, np.ndarray]:
    """The typed column and a mask of rows whose value was bad; problems go on ``raw``.

    ``memo`` keeps each cell text's parse across the columns of a file that share a
    :class:`~fosterreport.contract.Cell` (seven date columns repeat the same few thousand dates).
    """
    seen = (memo if memo is not None else {}).setdefault(spec.cell, {})
    size = len(raw.lines)
    text = _text_column(raw, spec)
    kind = spec.cell.kind
    if kind in ("id", "text"):
        blank = _blank_mask(text)
        values = pc.if_else(pa.array(blank), pa.scalar(None, pa.string()), pc.utf8_trim_whitespace(text))
        column: Any = pd.Series(values.to_pandas(), dtype="str").array
        bad = np.zeros(size, dtype=bool)
    else:
        encoded = text.dictionary_encode()
        indices = encoded.indices.to_numpy(zero_copy_only=False) if size else np.zeros(0, dtype=np.int64)
        if encoded.null_count:
            indices = pc.fill_null(encoded.indices, len(encoded.dictionary)).to_numpy(zero_copy_only=False)
        distinct = encoded.dictionary.to_pylist() + [None]
        parsed = _empty_values(kind, len(distinct))
        blank_d = np.zeros(len(distinct), dtype=bool)
        errors: dict[int, BadValue] = {}
        for position, cell in enumerate(distinct):
            if is_blank(cell):
                blank_d[position] = True
                continue
            stripped = cell.strip()
            local = code_map.get(code_key(stripped), stripped) if code_map else stripped
            if local not in seen:
                try:
                    seen[local] = _as_array_value(kind, spec.cell.parse(local))
                except BadValue as error:
                    seen[local] = error
            if isinstance(seen[local], BadValue):
                errors[position] = seen[local]
            else:
                parsed[position] = seen[local]
        bad_d = np.zeros(len(distinct), dtype=bool)
        bad_d[list(errors)] = True
        defaulted = not spec.required and spec.default is not None
        if defaulted:
            parsed[blank_d] = _as_array_value(kind, spec.default)
        blank, bad = blank_d[indices], bad_d[indices]
        for row in np.flatnonzero(bad):
            error = errors[int(indices[row])]
            raw.problem(error.rule, error.message, int(raw.lines[row]), spec.name)
        column = _to_pandas(kind, parsed, bad_d if defaulted else blank_d | bad_d, indices)
    if spec.required:
        for row in np.flatnonzero(blank):
            raw.problem("missing-value", missing_message(spec.name), int(raw.lines[row]), spec.name)
    return column, bad | (blank & spec.required)


def _to_pandas(kind: str, parsed: np.ndarray, missing: np.ndarray, indices: np.ndarray) -> Any:
    """Every row's value, from the parsed distinct values (``parsed``, ``missing``) and each
    row's index into them: fixed at the distinct values first, then broadcast once."""
    if kind == "date":
        parsed[missing] = np.datetime64("NaT")
        return parsed[indices]
    if kind == "bool":
        return parsed.astype(bool)[indices]
    if kind == "count":
        return pd.arrays.IntegerArray(parsed.astype(np.int64)[indices], missing[indices])
    if kind in ("code", "year"):  # taken in arrow: no million Python strings
        parsed[missing] = None
        texts = pa.array(parsed, pa.string()).take(pa.array(indices))
        return pd.Series(texts.to_pandas(), dtype="str").array
    parsed[missing] = None
    return parsed[indices]  # money: Decimal objects


# -- one file ---------------------------------------------------------------------------


def parse_extract(raw: RawExtract, code_map: CodeMap) -> pd.DataFrame:
    """The typed frame of one readable extract; value and row problems go on ``raw``."""
    frame_columns: dict[str, Any] = {}
    bad_rows = np.zeros(len(raw.lines), dtype=bool)
    memo: dict = {}
    for spec in columns(raw.model):
        frame_columns[spec.name], bad = parse_column(raw, spec, code_map.get(spec.name, {}), memo)
        bad_rows |= bad
    frame_columns["_line"] = raw.lines.astype(np.int64)
    frame = pd.DataFrame(frame_columns, copy=False)  # the arrays are new: no need to copy them again
    check_row_rules(raw, frame, ~bad_rows)
    return frame


def _row(frame: pd.DataFrame, index: int, fields: tuple[str, ...]) -> dict[str, Any]:
    row = {}
    for name in fields:
        value = frame[name].iat[index]
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            row[name] = None
        elif isinstance(value, (pd.Timestamp, np.datetime64)):
            row[name] = pd.Timestamp(value).date()
        else:
            row[name] = value
    return row


def _candidates(rule, frame: pd.DataFrame) -> np.ndarray:
    """Rows that may break ``rule`` (found vectorised); ``rule.check`` has the last word."""
    if isinstance(rule, DateOrder):
        previous = np.full(len(frame), np.datetime64("NaT"), dtype="datetime64[s]")
        found = np.zeros(len(frame), dtype=bool)
        for name in rule.fields:
            value = frame[name].to_numpy(dtype="datetime64[s]")
            present = ~np.isnat(value)
            broken = present & ~np.isnat(previous) & (value < previous)
            found |= broken
            previous = np.where(present & ~broken, value, previous)
        return found
    if isinstance(rule, RequiredWhen):
        applies = frame[rule.when].notna().to_numpy().copy()
        if rule.equals is not None:
            applies &= (frame[rule.when] == rule.equals).fillna(False).to_numpy(dtype=bool)
        return applies & frame[rule.field].isna().to_numpy()
    if isinstance(rule, NotBoth):
        return (frame[rule.first].notna() & frame[rule.second].notna()).to_numpy()
    raise TypeError(rule)


def _rule_fields(rule) -> tuple[str, ...]:
    if isinstance(rule, DateOrder):
        return rule.fields
    if isinstance(rule, RequiredWhen):
        return (rule.field, rule.when)
    return (rule.first, rule.second)


def check_row_rules(raw: RawExtract, frame: pd.DataFrame, clean: np.ndarray) -> None:
    """Rules spanning a row, on rows whose values all parsed (as the row-wise path does)."""
    for rule in raw.model.rules:
        for index in np.flatnonzero(_candidates(rule, frame) & clean):
            for column, message in rule.check(_row(frame, int(index), _rule_fields(rule))):
                raw.problem(rule.rule, message, int(frame["_line"].iat[index]), column)


# -- the row-by-row path, for equivalence tests and the benchmark --------------------------


def validate_rows(raw: RawExtract, code_map: CodeMap) -> list[Problem]:
    """Value and row-rule problems found by validating each row with its pydantic model."""
    specs = {spec.name: spec for spec in columns(raw.model)}
    problems: list[Problem] = []
    texts = {name: raw.table[name].to_pylist() for name in raw.found}
    for index, line in enumerate(raw.lines.tolist()):
        row = {}
        for name, values in texts.items():
            cell = values[index]
            if is_blank(cell):
                continue
            cell = cell.strip()
            local = code_map.get(name)
            row[name] = local.get(code_key(cell), cell) if local else cell
        try:
            record = raw.model.model_validate(row)
        except ValidationError as error:
            for item in error.errors(include_url=False):
                column = str(item["loc"][0])
                if item["type"] == "missing":
                    problems.append(Problem(raw.file, line, column, "missing-value", missing_message(column)))
                else:
                    bad = item.get("ctx", {}).get("error")
                    rule, message = (bad.rule, bad.message) if isinstance(bad, BadValue) else ("invalid", item["msg"])
                    problems.append(Problem(raw.file, line, column, rule, message))
            continue
        values = {name: (value.value if hasattr(value, "value") else value)
                  for name, value in record.model_dump().items() if name in specs}
        for rule in raw.model.rules:
            for column, message in rule.check(values):
                problems.append(Problem(raw.file, line, column, rule.rule, message))
    return problems


# -- the folder -------------------------------------------------------------------------


def _date_range(frame: pd.DataFrame, name: str) -> tuple[date | None, date | None]:
    dates = [frame[spec.name] for spec in columns(EXTRACTS[name]) if spec.cell.kind == "date"]
    present = [values for values in dates if values.notna().any()]  # min/max per column: no concat
    if not present:
        return None, None
    return min(values.min() for values in present).date(), max(values.max() for values in present).date()


def validate_folder(folder: Path, config: Config, *, today: date | None = None) -> Extracts:
    """Read and check every extract in ``folder``; see :func:`fosterreport.records.load_extracts`."""
    check_config_mappings(config)
    report = ProblemReport()
    extracts = Extracts(folder=folder, problems=report)
    found, problems = discover(folder)
    report.extend(problems)
    if "households" not in found:
        report.add(Problem("households.csv", None, None, "missing-column",
                           f"households.csv is required and was not found in {folder}"))
    for name, path in found.items():
        raw = read_extract(name, path, config.data.columns.get(name, {}))
        if raw.readable:
            frame = parse_extract(raw, code_maps(config, name))
            extracts.frames[name] = frame
            first, last = _date_range(frame, name)
        else:
            first = last = None
        report.extend(raw.problems)
        extracts.files[name] = FileInfo(name=name, path=path.name, rows=len(raw.lines), sha256=raw.sha256,
                                        encoding=raw.encoding, first_date=first, last_date=last)
    # Cross-file rules speak of contract names; problems name the file as the user saved it.
    shown = {EXTRACTS[name].file: path.name for name, path in found.items()}
    report.extend(replace(problem, file=shown.get(problem.file, problem.file))
                  for problem in checks.check_across_files(extracts.frames, today or date.today()))
    return extracts
