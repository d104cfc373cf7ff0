"""Parsing and checking the extracts, column by column, problems collected as data.

The contract models say how each column is read (their :class:`~fosterreport.contract.Cell`)
and which rules span a row (``Record.rules``). Validating a million rows one pydantic
model at a time takes 10–30 s, so this module runs the same parsers column-wise: each
column is dictionary-encoded by pyarrow, each *distinct* text is parsed once by the very
function the model would call, and the result is broadcast back with numpy. Row rules
are found with vectorised masks and their messages written by the rule's own ``check``.
:func:`validate_rows` is the slow row-by-row path through the pydantic models, kept so
tests can prove both paths give the same problems.

:func:`validate_folder` returns a :class:`CheckedFolder`, which
:func:`fosterreport.records.load_extracts` wraps as the :class:`~fosterreport.records.Extracts`
every later stage reads: this module sits below ``records`` and never imports it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
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
from fosterreport.extracts import RawExtract, discover, read_extract
from fosterreport.problems import Problem, ProblemReport
from fosterreport.values import BLANKS, LINE_BREAKS, MONTHS, UNSAFE_CHARACTERS, BadValue, is_blank

CodeMap = dict[str, dict[str, str]]  # column -> folded local value -> contract code


@dataclass(frozen=True)
class FileInfo:
    """Provenance of one extract, for the data quality appendix."""

    name: str
    path: str
    rows: int
    sha256: str
    encoding: str
    first_date: date | None
    last_date: date | None


@dataclass
class CheckedFolder:
    """What :func:`validate_folder` found: each readable extract parsed into its frame,
    each file's provenance, and every problem."""

    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    files: dict[str, FileInfo] = field(default_factory=dict)
    problems: ProblemReport = field(default_factory=ProblemReport)


def missing_message(column: str) -> str:
    return f"{column} is blank; a value is required"


# -- config that points into the contract (checked when the config is loaded) ------------


def code_maps(config: Config, name: str) -> CodeMap:
    """``[data.codes.<column>]`` and ``[data.codes."<file>.<column>"]`` for one extract."""
    maps: CodeMap = {}
    for key, table in config.data.codes.items():
        file, _, column = key.rpartition(".")
        if file in ("", name):
            maps.setdefault(column, {}).update({code_key(local): code for local, code in table.items()})
    return maps


# -- one column ------------------------------------------------------------------------


def _text_column(raw: RawExtract, spec: ColumnSpec) -> pa.Array:
    if spec.name in raw.found:
        return raw.table[spec.name].combine_chunks()
    return pa.nulls(len(raw.lines), pa.string())


#: Bytes in the longest blank spelling ("null", "none"); a longer cell is never blank,
#: since only the ASCII capitals lowercase to the ASCII letters those spellings use.
_LONGEST_BLANK = max(len(blank.encode()) for blank in BLANKS)


def _blank_mask(array: pa.Array, trimmed: pa.Array | None = None) -> np.ndarray:
    """Which cells are blank (:func:`~fosterreport.values.is_blank`); ``trimmed`` is
    ``array`` with its whitespace trimmed, when the caller has it. Only cells short enough
    to be a blank spelling are lowercased and looked up (ids and text seldom are)."""
    if trimmed is None:
        trimmed = pc.utf8_trim_whitespace(array)
    blank = np.array(trimmed.is_null(), dtype=bool)
    short = pc.fill_null(pc.binary_length(trimmed), _LONGEST_BLANK + 1).to_numpy() <= _LONGEST_BLANK
    candidates = np.flatnonzero(short & ~blank)
    if len(candidates):
        lowered = pc.utf8_lower(trimmed.take(pa.array(candidates)))
        blank[candidates] = pc.fill_null(pc.is_in(lowered, value_set=pa.array(sorted(BLANKS))), True).to_numpy(
            zero_copy_only=False)
    return blank


def _without_unsafe_characters(array: pa.Array) -> pa.Array:
    """``array`` as :func:`~fosterreport.values.parse_text` reads each cell: control and
    bidi characters removed, line breaks made spaces. Only columns holding a byte that can
    begin one (a C0 control, DEL, or the lead bytes 0xC2, 0xE2 of C1 controls and of the
    bidi characters in UTF-8) are searched: most columns of most files hold none."""
    data = array.buffers()[2] if array.type == pa.string() and len(array) else None
    if data is None:
        return array
    bytes_ = np.frombuffer(data, dtype=np.uint8)
    if not (((bytes_ < 32) & (bytes_ != 9)) | (bytes_ == 127) | (bytes_ == 0xC2) | (bytes_ == 0xE2)).any():
        return array
    removed = pc.replace_substring_regex(array, pattern=UNSAFE_CHARACTERS, replacement="")
    return pc.replace_substring_regex(removed, pattern=LINE_BREAKS, replacement=" ")


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


#: Days in each month of a common year, for :func:`_plain_dates`.
_MONTH_DAYS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
#: The fixed-width spellings :func:`_plain_dates` reads: (length, separators by position,
#: day, month and year digit positions; month None = letters at 3..5).
_DATE_LAYOUTS = (
    (10, {2: 47, 5: 47}, (0, 1), (3, 4), (6, 7, 8, 9)),   # dd/mm/yyyy
    (10, {4: 45, 7: 45}, (8, 9), (5, 6), (0, 1, 2, 3)),   # yyyy-mm-dd
    (11, {2: 45, 6: 45}, (0, 1), None, (7, 8, 9, 10)),    # dd-Mon-yyyy
)


def _month_abbreviations() -> list[bytes] | None:
    """The ``Mon`` of ``dd-Mon-yyyy`` as :func:`~fosterreport.values.parse_date` reads them
    (:data:`~fosterreport.values.MONTHS`, any case), or None when those are not three
    lowercase ASCII letters each, months 1 to 12."""
    names = sorted(MONTHS, key=MONTHS.get)
    if [MONTHS[name] for name in names] != list(range(1, 13)) or not all(
            len(name) == 3 and name.isascii() and name.isalpha() and name.islower() for name in names):
        return None
    return [name.encode() for name in names]


def _plain_dates(distinct: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """The distinct texts spelt the usual ways, read at once with numpy: ``(values, read)``.

    A shortcut through :func:`~fosterreport.values.parse_date` for its three formats in
    fixed width with ASCII digits (``dd/mm/yyyy``, ``yyyy-mm-dd``, ``dd-Mon-yyyy``),
    optionally followed by the time part it drops (`` hh:mm`` or `` hh:mm:ss``, space or
    ``T``), nothing around them, and only where the date is real, so ``values`` holds
    exactly what ``parse_date`` would give. Every other text (one-digit days, impossible
    dates such as ``31/02/2023``, blanks, other spellings) is left unread for the parser
    itself, which writes the messages.
    """
    size = len(distinct)
    values = np.full(size, np.datetime64("NaT"), dtype="datetime64[s]")
    read = np.zeros(size, dtype=bool)
    if not size or distinct.type != pa.string() or distinct.buffers()[2] is None:
        return values, read
    offsets = np.frombuffer(distinct.buffers()[1], dtype=np.int32)[distinct.offset:distinct.offset + size + 1]
    data = np.frombuffer(distinct.buffers()[2], dtype=np.uint8)
    lengths = np.diff(offsets)
    candidates = np.flatnonzero(np.isin(lengths, (10, 11, 16, 17, 19, 20)))
    if not len(candidates) or not len(data):
        return values, read
    chars = data[np.minimum(offsets[candidates][:, None] + np.arange(20), len(data) - 1)].astype(np.int32)
    lengths = lengths[candidates]
    digit = (chars >= 48) & (chars <= 57)
    number = chars - 48
    months = None
    for width, separators, day_at, month_at, year_at in _DATE_LAYOUTS:
        if not np.isin(width, lengths) and not np.isin(width + 6, lengths) and not np.isin(width + 9, lengths):
            continue
        ok = digit[:, [*day_at, *year_at, *(month_at or ())]].all(axis=1)
        for position, separator in separators.items():
            ok &= chars[:, position] == separator
        # then nothing, or a time part: [ T]hh:mm or [ T]hh:mm:ss
        time_part = (((chars[:, width] == 32) | (chars[:, width] == 84))
                     & digit[:, [width + 1, width + 2, width + 4, width + 5]].all(axis=1) & (chars[:, width + 3] == 58))
        seconds = (chars[:, width + 6] == 58) & digit[:, [width + 7, width + 8]].all(axis=1)
        ok &= (lengths == width) | ((lengths == width + 6) & time_part) | ((lengths == width + 9) & time_part
                                                                           & seconds)
        day = number[:, day_at[0]] * 10 + number[:, day_at[1]]
        year = (number[:, year_at[0]] * 1000 + number[:, year_at[1]] * 100 + number[:, year_at[2]] * 10
                + number[:, year_at[3]])
        if month_at is not None:
            month = number[:, month_at[0]] * 10 + number[:, month_at[1]]
        else:
            if months is None:
                months = _month_abbreviations()
                if months is None:
                    continue
            lowered = np.where((chars[:, 3:6] >= 65) & (chars[:, 3:6] <= 90), chars[:, 3:6] + 32, chars[:, 3:6])
            month = np.zeros(len(chars), dtype=np.int64)
            for position, name in enumerate(months, start=1):
                month[(lowered == np.frombuffer(name, dtype=np.uint8)).all(axis=1)] = position
        leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
        ok &= (year >= 1) & (month >= 1) & (month <= 12) & (day >= 1)
        ok &= day <= _MONTH_DAYS[np.clip(month - 1, 0, 11)] + ((month == 2) & leap)
        found = candidates[ok]
        since_1970 = ((year[ok] - 1970) * 12 + month[ok] - 1).astype("datetime64[M]")
        values[found] = (since_1970.astype("datetime64[D]") + (day[ok] - 1)).astype("datetime64[s]")
        read[found] = True
    return values, read


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
        trimmed = pc.utf8_trim_whitespace(_without_unsafe_characters(text))
        blank = _blank_mask(text, trimmed)
        values = pc.if_else(pa.array(blank), pa.scalar(None, pa.string()), trimmed)
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
        todo: Any = range(len(distinct))
        if kind == "date" and not code_map:  # the usual dd/mm/yyyy read at once, the rest one by one
            values, read = _plain_dates(encoded.dictionary)
            parsed[:-1][read] = values[read]
            todo = np.flatnonzero(~read).tolist() + [len(distinct) - 1]
        for position in todo:
            cell = distinct[position]
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
        rows = np.flatnonzero(bad)
        for row in raw.capped(rows, errors[int(indices[rows[0]])].rule if len(rows) else "", spec.name):
            error = errors[int(indices[row])]
            raw.problem(error.rule, error.message, int(raw.lines[row]), spec.name)
        column = _to_pandas(kind, parsed, bad_d if defaulted else blank_d | bad_d, indices)
    if spec.required:
        for row in raw.capped(np.flatnonzero(blank), "missing-value", spec.name):
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


#: Files with at least this many rows have their columns parsed on two threads (most of
#: a column's time is in arrow and numpy, which release the GIL); smaller ones are parsed
#: faster than a thread starts.
THREADED_ROWS = 100_000


def parse_extract(raw: RawExtract, code_map: CodeMap) -> pd.DataFrame:
    """The typed frame of one readable extract; value and row problems go on ``raw``."""
    frame_columns: dict[str, Any] = {}
    bad_rows = np.zeros(len(raw.lines), dtype=bool)
    memo: dict = {}
    specs = columns(raw.model)
    if len(raw.lines) >= THREADED_ROWS and _cores() > 1:
        from concurrent.futures import ThreadPoolExecutor

        def one(spec: ColumnSpec):
            # Each column's problems are collected apart, then added in column order: the
            # same list, in the same order, as parsing the columns one after another.
            part = replace(raw, problems=[])
            return (*parse_column(part, spec, code_map.get(spec.name, {}), memo), part.problems)

        with ThreadPoolExecutor(max_workers=2) as pool:
            parsed = list(pool.map(one, specs))
        for spec, (column, bad, problems) in zip(specs, parsed):
            frame_columns[spec.name] = column
            bad_rows |= bad
            raw.problems.extend(problems)
    else:
        for spec in specs:
            frame_columns[spec.name], bad = parse_column(raw, spec, code_map.get(spec.name, {}), memo)
            bad_rows |= bad
    frame_columns["_line"] = raw.lines.astype(np.int64)
    frame = pd.DataFrame(frame_columns, copy=False)  # the arrays are new: no need to copy them again
    check_row_rules(raw, frame, ~bad_rows)
    return frame


def _cores() -> int:
    """CPUs this process may run on."""
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


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


_NAT = np.datetime64("NaT", "s").view(np.int64)


def _candidates(rule, frame: pd.DataFrame) -> np.ndarray:
    """Rows that may break ``rule`` (found vectorised); ``rule.check`` has the last word."""
    if isinstance(rule, DateOrder):
        # On the dates' int64 seconds, where NaT is the smallest int64: the latest earlier
        # date present is the running maximum, and a present date below it breaks the order.
        previous = np.full(len(frame), _NAT, dtype=np.int64)
        found = np.zeros(len(frame), dtype=bool)
        for name in rule.fields:
            value = frame[name].to_numpy(dtype="datetime64[s]").view(np.int64)
            found |= (value < previous) & (value != _NAT)
            np.maximum(previous, value, out=previous)
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
    first = last = None
    for spec in columns(EXTRACTS[name]):  # min/max per column, on int64 seconds (NaT is the smallest)
        if spec.cell.kind != "date":
            continue
        seconds = frame[spec.name].to_numpy(dtype="datetime64[s]").view(np.int64)
        latest = seconds.max(initial=_NAT)
        if latest == _NAT:
            continue  # no date in this column
        earliest = np.where(seconds == _NAT, latest, seconds).min()
        first = earliest if first is None else min(first, earliest)
        last = latest if last is None else max(last, latest)
    if first is None:
        return None, None
    first_day, last_day = np.array([first, last], dtype=np.int64).view("datetime64[s]").astype(object)
    return first_day.date(), last_day.date()


def validate_folder(folder: Path, config: Config, *, today: date | None = None) -> CheckedFolder:
    """Read and check every extract in ``folder``, dates after ``today`` being
    ``future-date`` warnings; see :func:`fosterreport.records.load_extracts`."""
    today = today or date.today()
    extracts = CheckedFolder()
    report = extracts.problems
    found, problems = discover(folder)
    report.extend(problems)
    if "households" not in found:
        report.add(Problem("households.csv", None, None, "missing-column",
                           f"households.csv is required and was not found in {folder}"))
    names = {name: path.name for name, path in found.items()}  # as problems name them (with a sheet)
    for name, path in found.items():
        raw = read_extract(name, path, config.data.columns.get(name, {}), config.data.sheets.get(name))
        if raw.readable:
            frame = parse_extract(raw, code_maps(config, name))
            extracts.frames[name] = frame
            first, last = _date_range(frame, name)
        else:
            first = last = None
        names[name] = raw.file
        report.extend(raw.problems)
        extracts.files[name] = FileInfo(name=name, path=path.name, rows=len(raw.lines), sha256=raw.sha256,
                                        encoding=raw.encoding, first_date=first, last_date=last)
    # Cross-file rules speak of contract names; problems name the file as the user saved it.
    shown = {EXTRACTS[name].file: names[name] for name in found}
    report.extend(replace(problem, file=shown.get(problem.file, problem.file))
                  for problem in checks.check_across_files(extracts.frames, today))
    return extracts
