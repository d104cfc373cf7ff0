"""Reading extract files: discovery, encodings, headers, and every cell as text.

This stage knows nothing of types. It finds each contract file in a folder (names are
case-insensitive, ``.csv`` or tab-separated ``.tsv``), decodes the bytes (UTF-8 with or
without BOM, UTF-16 with BOM, Windows-1252 as a warned fallback), maps the headers onto
the contract's columns through their aliases, and reads the mapped columns — only those:
extra columns such as names and addresses are dropped at the door — as pyarrow strings.

Every record keeps its physical line number so problems can say ``file:line:column``.
pyarrow does not report line numbers, so they are computed here from the bytes with
numpy (a newline ends a record when an even number of quotes precede it), which also
finds ragged rows before pyarrow silently skips them.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from fosterreport.contract import EXTRACTS, ColumnSpec, Record, columns
from fosterreport.problems import Problem

#: Refuse files larger than this before reading them (memory stays bounded).
MAX_FILE_BYTES = 1 << 30
#: Refuse single cells longer than this (a corrupt export, not a council's data).
MAX_FIELD_CHARS = 10_000


@dataclass
class RawExtract:
    """One file as text: the contract columns found, and each record's line number."""

    name: str
    model: type[Record]
    path: Path
    encoding: str = "utf-8"
    sha256: str = ""
    headers: list[str] = field(default_factory=list)
    #: contract column -> the header it was found under
    found: dict[str, str] = field(default_factory=dict)
    table: pa.Table | None = None
    lines: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    problems: list[Problem] = field(default_factory=list)

    @property
    def file(self) -> str:
        return self.path.name

    def problem(self, rule: str, message: str, line: int | None = None, column: str | None = None,
                severity: str = "error") -> None:
        self.problems.append(Problem(self.file, line, column, rule, message, severity))

    @property
    def readable(self) -> bool:
        return self.table is not None


def header_key(text: str) -> str:
    """``Household ID``, ``HOUSEHOLD_ID`` and ``household-id`` are the same header."""
    return re.sub(r"[\s\-_]+", "_", text.strip().lower()).strip("_")


def discover(folder: Path) -> tuple[dict[str, Path], list[Problem]]:
    """The contract's files present in ``folder``, by short name (case-insensitive)."""
    found: dict[str, Path] = {}
    problems: list[Problem] = []
    for path in sorted(folder.iterdir()):
        stem, _, suffix = path.name.lower().rpartition(".")
        if suffix not in ("csv", "tsv") or stem not in EXTRACTS or not path.is_file():
            continue
        if stem in found:
            problems.append(Problem(path.name, None, None, "ambiguous-column",
                                    f"two files supply {stem}: {found[stem].name} and {path.name}"))
            continue
        found[stem] = path
    return found, problems


# -- bytes to UTF-8 -------------------------------------------------------------------


def decode(raw: RawExtract, data: bytes) -> bytes | None:
    """UTF-8 bytes without BOM, or None after recording why the file cannot be read."""
    if data.startswith(b"\xef\xbb\xbf"):
        data, raw.encoding = data[3:], "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raw.problem("unreadable-file", "the file starts with a UTF-16 byte order mark but is not UTF-16")
            return None
        raw.encoding = "utf-16"
        return text.encode("utf-8")
    head = data[:4096]
    if b"\x00" in head:
        if head[1::2].count(0) > len(head) // 4 or head[0::2].count(0) > len(head) // 4:
            raw.problem("unreadable-file", "the file looks like UTF-16 without a byte order mark; "
                                           "save it as UTF-8 (or UTF-16 with BOM)")
        else:
            raw.problem("unreadable-file", "the file is binary, not CSV text")
        return None
    try:
        data.decode("utf-8")
        return data
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raw.problem("unreadable-file", "the file is neither UTF-8 nor Windows-1252 text")
        return None
    raw.encoding = "windows-1252"
    raw.problem("encoding-fallback", "not valid UTF-8; read as Windows-1252 (check £ signs and accents)",
                severity="warning")
    return text.encode("utf-8")


# -- records and their lines ------------------------------------------------------------


def _records(data: bytes, delimiter: bytes) -> tuple[np.ndarray, np.ndarray]:
    """For each non-empty record: its first line number (1-based) and its field count.

    A newline ends a record unless it sits inside quotes, i.e. unless an odd number of
    quote characters precede it. Empty lines are not records (pyarrow skips them too).
    """
    buffer = np.frombuffer(data, dtype=np.uint8)
    newlines = np.flatnonzero(buffer == 10)
    quotes = np.flatnonzero(buffer == 34)
    delims = np.flatnonzero(buffer == delimiter[0])
    if len(quotes):
        newlines = newlines[np.searchsorted(quotes, newlines) % 2 == 0]
        delims = delims[np.searchsorted(quotes, delims) % 2 == 0]
    if len(newlines) and newlines[-1] == len(buffer) - 1:
        ends = newlines
    else:
        ends = np.append(newlines, len(buffer))
    starts = np.concatenate(([0], ends[:-1] + 1))
    lengths = ends - starts
    carriage_only = (lengths == 1) & (buffer[np.minimum(starts, len(buffer) - 1)] == 13)
    keep = (lengths > 0) & ~carriage_only
    lines = np.searchsorted(np.flatnonzero(buffer == 10), starts) + 1
    fields = np.searchsorted(delims, ends) - np.searchsorted(delims, starts) + 1
    return lines[keep], fields[keep]


def _column_map(raw: RawExtract, extra_aliases: dict[str, list[str]]) -> dict[str, int]:
    """Contract column -> header position, recording missing and ambiguous columns."""
    specs = columns(raw.model)
    wanted: dict[str, ColumnSpec] = {}
    for spec in specs:
        for spelling in (spec.name, *spec.aliases, *extra_aliases.get(spec.name, ())):
            wanted.setdefault(header_key(spelling), spec)
    positions: dict[str, int] = {}
    for position, header in enumerate(raw.headers):
        spec = wanted.get(header_key(header))
        if spec is None:
            continue
        if spec.name in positions:
            raw.problem("ambiguous-column", f"headers '{raw.headers[positions[spec.name]]}' and "
                                            f"'{header}' both mean {spec.name}", 1, spec.name)
            continue
        positions[spec.name] = position
    keys = [header_key(h) for h in raw.headers]
    for spec in specs:
        if spec.required and spec.name not in positions:
            close = difflib.get_close_matches(spec.name, keys, n=1, cutoff=0.6)
            hint = f"; did you mean '{raw.headers[keys.index(close[0])]}'?" if close else ""
            raw.problem("missing-column", f"required column {spec.name} not found (columns found: "
                                          f"{', '.join(raw.headers) or 'none'}){hint}", 1, spec.name)
    raw.found = {name: raw.headers[pos] for name, pos in positions.items()}
    return positions


def read_extract(name: str, path: Path, extra_aliases: dict[str, list[str]] | None = None) -> RawExtract:
    """Read one file's contract columns as text, with line numbers and reading problems."""
    raw = RawExtract(name=name, model=EXTRACTS[name], path=path)
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raw.problem("too-large", f"the file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}")
        return raw
    data = path.read_bytes()
    raw.sha256 = hashlib.sha256(data).hexdigest()
    text = decode(raw, data)
    if text is None:
        return raw
    if not text.strip():
        raw.problem("empty-file", "the file is empty (not even a header row)", 1)
        return raw
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    first_line = text.split(b"\n", 1)[0].decode("utf-8")
    raw.headers = next(csv.reader(io.StringIO(first_line), delimiter=delimiter), [])
    positions = _column_map(raw, extra_aliases or {})
    if any(p.rule == "missing-column" for p in raw.problems):
        return raw
    lines, fields = _records(text, delimiter.encode())
    lines, fields = lines[1:], fields[1:]  # the header record
    ragged = fields != len(raw.headers)
    for line, count in zip(lines[ragged][:1000], fields[ragged][:1000]):
        raw.problem("ragged-row", f"the row has {count} cells; the header has {len(raw.headers)}", int(line))
    raw.lines = lines[~ragged]
    names = [f"c{i}" for i in range(len(raw.headers))]
    wanted = {f"c{pos}": column for column, pos in positions.items()}
    try:
        table = pacsv.read_csv(
            io.BytesIO(text),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                              invalid_row_handler=lambda row: "skip"),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in wanted}, include_columns=list(wanted),
                strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, pa.ArrowException) as error:
        raw.problem("unreadable-file", f"the file cannot be parsed as CSV: {error}")
        return raw
    if table.num_rows != len(raw.lines):
        # Quotes inside unquoted fields confuse the line count; fall back to the csv module.
        raw.lines = _lines_by_csv_module(text, delimiter, len(raw.headers))
        if len(raw.lines) != table.num_rows:
            raw.lines = np.arange(table.num_rows, dtype=np.int64) + 2
    raw.table = table.rename_columns([wanted[n] for n in table.column_names])
    _check_field_lengths(raw)
    return raw


def _lines_by_csv_module(text: bytes, delimiter: str, width: int) -> np.ndarray:
    reader = csv.reader(io.StringIO(text.decode("utf-8"), newline=""), delimiter=delimiter)
    lines = []
    start = 1
    for number, row in enumerate(reader):
        if number and row and len(row) == width:
            lines.append(start)
        start = reader.line_num + 1
    return np.array(lines, dtype=np.int64)


def _check_field_lengths(raw: RawExtract) -> None:
    import pyarrow.compute as pc

    for column in raw.table.column_names:
        lengths = pc.utf8_length(raw.table[column])
        if (pc.max(lengths).as_py() or 0) > MAX_FIELD_CHARS:
            for index in np.flatnonzero(lengths.to_numpy(zero_copy_only=False) > MAX_FIELD_CHARS)[:20]:
                raw.problem("too-large", f"the value is over {MAX_FIELD_CHARS:,} characters long",
                            int(raw.lines[index]), column)
