"""Reading extract files: discovery, encodings, headers, and every cell as text.

This stage knows nothing of types. It finds each contract file in a folder (names are
case-insensitive, ``.csv``, tab-separated ``.tsv``, or an Excel ``.xlsx`` workbook, read
by :mod:`fosterreport.workbook`), decodes the bytes (UTF-8 with or without BOM, UTF-16
with BOM, Windows-1252 as a warned fallback), finds the delimiter from the header line
(``,`` or for ``.tsv`` tab; a ``;``, ``|`` or tab that the header uses more is read, with
a warning), maps the headers onto
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
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from fosterreport.contract import DELIMITERS, EXTRACTS, READ, ColumnSpec, Record, columns
from fosterreport.exceptions import UsageError
from fosterreport.problems import Problem
from fosterreport.values import QUOTED_CHARS, without_unsafe_characters

#: Refuse files larger than this before reading them (memory stays bounded).
MAX_FILE_BYTES = 1 << 30
#: Refuse files with more lines than this many rows before parsing them: the parsed
#: table, not the bytes, is what grows large (a 1 GiB file of short rows is ~60 million
#: of them). Twice the largest extract the benchmarks time; a corrupt export, not a council.
MAX_ROWS = 2_000_000
#: Refuse single cells longer than this (a corrupt export, not a council's data).
MAX_FIELD_CHARS = 10_000
#: Refuse a header of more cells than this: Excel's own limit of columns, so more is a
#: corrupt file (and a million header cells would make a million-name message).
MAX_COLUMNS = 16_384
#: Messages list at most this many of a file's headers, then count the rest.
LISTED_HEADERS = 8
#: List at most this many problems of one kind in one column of one file, then count
#: the rest in one more problem: a corrupt million-row file must not make millions of
#: messages (memory), and nobody reads past the first thousand.
MAX_PROBLEMS_PER_COLUMN = 1_000
#: pyarrow's default block; a record must fit in one block, so a file with a longer
#: record is read again in one block (its long cells are then reported, with their line).
_BLOCK_BYTES = 1 << 20


@dataclass
class RawExtract:
    """One file as text: the contract columns found, and each record's line number."""

    name: str
    model: type[Record]
    path: Path
    #: The worksheet read, for a workbook (problems then name it: ``households.xlsx[Sheet1]``).
    sheet: str | None = None
    #: The header's line (or, in a workbook, its row).
    header_line: int = 1
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
        return self.path.name if self.sheet is None else f"{self.path.name}[{self.sheet}]"

    def problem(self, rule: str, message: str, line: int | None = None, column: str | None = None,
                severity: str = "error") -> None:
        self.problems.append(Problem(self.file, line, column, rule, message, severity))

    @property
    def readable(self) -> bool:
        return self.table is not None

    def capped(self, rows: np.ndarray, rule: str, column: str | None) -> np.ndarray:
        """The first :data:`MAX_PROBLEMS_PER_COLUMN` of ``rows`` (positions of rows with one
        kind of problem in ``column``), after recording one problem that counts the rest.

        Callers write a problem for each row returned; the count keeps memory and output
        bounded when a corrupt file has the same mistake on a million rows."""
        rest = len(rows) - MAX_PROBLEMS_PER_COLUMN
        if rest <= 0:
            return rows
        self.problem(rule, f"and {rest:,} more rows like this (only the first {MAX_PROBLEMS_PER_COLUMN:,} "
                           f"are listed)", int(self.lines[rows[MAX_PROBLEMS_PER_COLUMN]]), column)
        return rows[:MAX_PROBLEMS_PER_COLUMN]


def header_key(text: str) -> str:
    """``Household ID``, ``HOUSEHOLD_ID`` and ``household-id`` are the same header."""
    return re.sub(r"[\s\-_]+", "_", text.strip().lower()).strip("_")


#: The suffixes of files that look like a table: one whose name is not an extract's is
#: named in a warning (a misspelt ``vists.csv`` would otherwise drop a section silently).
TABLE_SUFFIXES = READ + ("xlsx", "xls", "xlsm", "ods")


def _not_an_extract(name: str, stem: str, suffix: str) -> Problem:
    """The ``unknown-file`` warning for ``name``, with the extract it most resembles."""
    if stem in EXTRACTS:
        message = "not read: extracts are read from .csv, .tsv or .xlsx files (save it as .xlsx or CSV, UTF-8)"
    else:
        close = difflib.get_close_matches(stem, list(EXTRACTS), n=1, cutoff=0.6)
        if not close:  # Complaints_2024: the name before a date or a copy's number
            close = [e for e in EXTRACTS if re.match(rf"{e}s?(?:[\s_\-.(]|$)", stem)][:1]
        message = ("not an extract of the contract, so not read"
                   + (f" (did you mean {close[0]}.csv?)" if close else " (`fosterreport schema` lists the files)"))
    return Problem(name, None, None, "unknown-file", message, "warning")


def discover(folder: Path) -> tuple[dict[str, Path], list[Problem]]:
    """The contract's files present in ``folder``, by short name (case-insensitive), and
    an ``unknown-file`` warning for each other file that looks like a table."""
    found: dict[str, Path] = {}
    problems: list[Problem] = []
    try:
        entries = sorted(folder.iterdir())
    except OSError as error:  # like a folder that is not there: the command was pointed wrongly
        raise UsageError(f"data folder cannot be read: {folder}: {error.strerror or error}") from None
    for path in entries:
        stem, _, suffix = path.name.lower().rpartition(".")
        if suffix in TABLE_SUFFIXES and stem and path.is_file() and (stem not in EXTRACTS or suffix not in READ):
            problems.append(_not_an_extract(path.name, stem, suffix))
            continue
        if suffix not in READ or stem not in EXTRACTS or not path.is_file():
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
    if data.isascii():  # far quicker than decoding, and the usual case
        return data
    try:
        data.decode("utf-8")
        return data
    except UnicodeDecodeError as error:
        first = data.count(b"\n", 0, error.start) + 1  # the first line that is not UTF-8
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raw.problem("unreadable-file", "the file is neither UTF-8 nor Windows-1252 text")
        return None
    raw.encoding = "windows-1252"
    raw.problem("encoding-fallback", f"not valid UTF-8 (first on line {first}); read as Windows-1252 "
                                     "(check £ signs and accents)", first, severity="warning")
    return text.encode("utf-8")


# -- records and their lines ------------------------------------------------------------


def _records(data: bytes, delimiter: bytes) -> tuple[np.ndarray, np.ndarray]:
    """For each non-empty record: its first line number (1-based) and its field count.

    A newline ends a record unless it sits inside quotes, i.e. unless an odd number of
    quote characters precede it. Empty lines are not records (pyarrow skips them too).
    """
    buffer = np.frombuffer(data, dtype=np.uint8)
    quotes = np.flatnonzero(buffer == 34)
    if len(quotes) and not _quotes_well_placed(buffer, quotes, delimiter[0]):
        return _records_by_csv_module(data, delimiter.decode())
    newlines = np.flatnonzero(buffer == 10)
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


def _line_starts(data: bytes) -> np.ndarray:
    """The physical numbers (1-based) of the lines that are not empty (nor a lone CR)."""
    buffer = np.frombuffer(data, dtype=np.uint8)
    newlines = np.flatnonzero(buffer == 10)
    ends = newlines if len(newlines) and newlines[-1] == len(buffer) - 1 else np.append(newlines, len(buffer))
    starts = np.concatenate(([0], ends[:-1] + 1))
    lengths = ends - starts
    carriage_only = (lengths == 1) & (buffer[np.minimum(starts, len(buffer) - 1)] == 13)
    return np.flatnonzero((lengths > 0) & ~carriage_only) + 1


def _quotes_well_placed(buffer: np.ndarray, quotes: np.ndarray, delimiter: int) -> bool:
    """Whether counting quotes finds the records: every quote the count takes for an opening
    one starts a field, and every closing one ends a field (``""`` inside quotes is fine).

    A stray quote inside an unquoted field (``5'10"``) is literal text to pyarrow and to the
    csv module, but it would flip the parity of every later newline.
    """
    if len(quotes) % 2:
        return False
    last = len(buffer) - 1
    opening, closing = quotes[0::2], quotes[1::2]
    before = np.where(opening > 0, buffer[np.maximum(opening - 1, 0)], 10)
    after = np.where(closing < last, buffer[np.minimum(closing + 1, last)], 10)
    return bool(np.isin(before, (delimiter, 10, 13, 34)).all() and np.isin(after, (delimiter, 10, 13, 34)).all())


def _records_by_csv_module(data: bytes, delimiter: str) -> tuple[np.ndarray, np.ndarray]:
    """What :func:`_records` gives, read by the csv module (slower; for files with stray quotes)."""
    reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""), delimiter=delimiter)
    lines, fields = [], []
    start = 1
    try:
        for row in reader:
            if row:
                lines.append(start)
                fields.append(len(row))
            start = reader.line_num + 1
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise CellTooLong(start) from None
        raise
    return np.array(lines, dtype=np.int64), np.array(fields, dtype=np.int64)


class CellTooLong(Exception):
    """A cell longer than the csv module reads (131,072 characters), in the record that
    starts on ``line``. The limit is the module's default, kept: raising it would let one
    cell of a corrupt file take the whole file's size again in memory."""

    def __init__(self, line: int):
        super().__init__(line)
        self.line = line


def _shown(header: str) -> str:
    """A header as a message quotes it: at most 60 characters, control characters removed."""
    text = without_unsafe_characters(header)
    return f"'{text if len(text) <= QUOTED_CHARS else text[:QUOTED_CHARS - 1] + chr(0x2026)}'"


def _listed(headers: list[str]) -> str:
    """The first :data:`LISTED_HEADERS` headers, each cut short, then how many more."""
    if not headers:
        return "none"
    shown = ", ".join(_shown(h)[1:-1] for h in headers[:LISTED_HEADERS])
    rest = len(headers) - LISTED_HEADERS
    return shown + (f" and {rest:,} more" if rest > 0 else "")


def _check_header(raw: RawExtract) -> bool:
    """Whether the header is within the limits (else a ``too-large`` problem on its line)."""
    if len(raw.headers) > MAX_COLUMNS:
        raw.problem("too-large", f"the header has {len(raw.headers):,} cells; the limit is {MAX_COLUMNS:,} "
                                 "(is this the right file?)", raw.header_line)
        return False
    for position, header in enumerate(raw.headers, start=1):
        if len(header) > MAX_FIELD_CHARS:
            raw.problem("too-large", f"header cell {position} is longer than {MAX_FIELD_CHARS:,} characters",
                        raw.header_line)
            return False
    return True


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
            raw.problem("ambiguous-column", f"headers {_shown(raw.headers[positions[spec.name]])} and "
                                            f"{_shown(header)} both mean {spec.name}", raw.header_line, spec.name)
            continue
        positions[spec.name] = position
    keys = [header_key(h) for h in raw.headers]
    for spec in specs:
        if spec.required and spec.name not in positions:
            close = difflib.get_close_matches(spec.name, keys, n=1, cutoff=0.6)
            hint = f"; did you mean {_shown(raw.headers[keys.index(close[0])])}?" if close else ""
            raw.problem("missing-column", f"required column {spec.name} not found (columns found: "
                                          f"{_listed(raw.headers)}){hint}", raw.header_line, spec.name)
    raw.found = {name: raw.headers[pos] for name, pos in positions.items()}
    return positions


def read_extract(name: str, path: Path, extra_aliases: dict[str, list[str]] | None = None,
                 sheet: str | None = None) -> RawExtract:
    """Read one file's contract columns as text, with line numbers and reading problems.

    ``sheet``: the worksheet to read when the file is a workbook (else its first)."""
    raw = RawExtract(name=name, model=EXTRACTS[name], path=path)
    if sheet is not None and path.suffix.lower() != ".xlsx":
        raw.problem("config", f"[data.sheets] names sheet {_shown(sheet)}, but this is not a workbook: "
                                    "the setting is not used", severity="warning")
    data = _read_bytes(raw)
    if data is None:
        return raw
    # The hash is of these bytes, and only these bytes are parsed: an extract rewritten
    # while it is read gives figures and a SHA-256 that still belong together.
    digest = _sha256_meanwhile(data)
    try:
        if path.suffix.lower() == ".xlsx":
            return _read_workbook(raw, data, sheet, extra_aliases)
        return _read_text(raw, data, path, extra_aliases)
    finally:
        raw.sha256 = digest()


def _read_workbook(raw: RawExtract, data: bytes, sheet: str | None,
                   extra_aliases: dict[str, list[str]] | None) -> RawExtract:
    """:func:`read_extract` for a workbook: one sheet's cells as the text a CSV would hold."""
    from fosterreport import workbook

    try:
        found = workbook.read_sheet(data, sheet, MAX_ROWS)
    except workbook.Unreadable as error:
        raw.problem(error.rule, error.message)
        return raw
    raw.sheet, raw.encoding = found.name, "xlsx"
    if not found.header:
        raw.problem("empty-file", "the sheet is empty (not even a header row)", 1)
        return raw
    raw.headers, raw.header_line = found.header, found.header_row
    if not _check_header(raw):
        return raw
    positions = _column_map(raw, extra_aliases or {})
    if any(p.rule == "missing-column" for p in raw.problems):
        return raw
    texts = found.columns(list(positions.values()))
    raw.table = pa.table({column: pa.array(texts[pos], pa.string()) for column, pos in positions.items()}
                         if positions else {"_": pa.nulls(len(found.rows), pa.string())})
    if not positions:
        raw.table = raw.table.drop(["_"])
    raw.lines = np.array(found.row_numbers, dtype=np.int64)
    _check_field_lengths(raw)
    return raw


#: Files at least this large are hashed on another thread while they are checked and
#: parsed (hashlib releases the GIL): ~45 ms of a 100 MB file's read, hidden on 2 cores.
HASH_ON_THREAD_BYTES = 8 << 20


def _sha256_meanwhile(data: bytes):
    """A function giving the SHA-256 of ``data``, computed on a thread for a large file."""
    if len(data) < HASH_ON_THREAD_BYTES or (os.cpu_count() or 1) < 2:
        digest = hashlib.sha256(data).hexdigest()
        return lambda: digest
    import threading

    found: list[str] = []
    worker = threading.Thread(target=lambda: found.append(hashlib.sha256(data).hexdigest()), daemon=True)
    worker.start()

    def digest() -> str:
        worker.join()
        return found[0] if found else hashlib.sha256(data).hexdigest()

    return digest


def _read_text(raw: RawExtract, data: bytes, path: Path, extra_aliases: dict[str, list[str]] | None) -> RawExtract:
    """:func:`read_extract` once the bytes are read: decode, headers, columns, lines."""
    text = decode(raw, data)
    if text is None:
        return raw
    if not text or text.isspace():  # (not text.strip(): that copies the whole file)
        raw.problem("empty-file", "the file is empty (not even a header row)", 1)
        return raw
    if b"\n" not in text and b"\r" in text:  # classic Mac line endings (Excel's "CSV (Macintosh)")
        text = text.replace(b"\r", b"\n")
    lines = text.count(b"\n") + (not text.endswith(b"\n"))
    if lines - 1 > MAX_ROWS:  # (a quoted newline counts too: records are never more than lines)
        raw.problem("too-large", f"the file has {lines - 1:,} rows after its header; the limit is "
                                 f"{MAX_ROWS:,} (is this the right file?)")
        return raw
    first_line = text[:text.find(b"\n") % (len(text) + 1)].decode("utf-8")  # (find is -1 on one line)
    delimiter = _delimiter(raw, first_line, "\t" if path.suffix.lower() == ".tsv" else ",")
    if b'"' in text and text.count(b'"') % 2:  # an odd number of quotes: maybe one never closes (or a stray 5'10")
        opened = _unclosed_quote(text, delimiter)
        if opened is not None:
            raw.problem("unreadable-file", f"the quoted field that starts on line {opened} is never closed "
                                           "(a missing closing quote would swallow the rest of the file)", opened)
            return raw
    try:
        raw.headers = next(csv.reader(io.StringIO(first_line), delimiter=delimiter), [])
    except csv.Error:  # a header cell over the csv module's limit (131,072 characters)
        raw.problem("too-large", f"a header cell is longer than {MAX_FIELD_CHARS:,} characters", 1)
        return raw
    if not _check_header(raw):
        return raw
    positions = _column_map(raw, extra_aliases or {})
    if any(p.rule == "missing-column" for p in raw.problems):
        return raw
    names = [f"c{i}" for i in range(len(raw.headers))]
    wanted = {f"c{pos}": column for column, pos in positions.items()}
    invalid_rows: list[int] = []

    def skip_invalid(row) -> str:
        invalid_rows.append(1)
        return "skip"

    # Without a quote in the file no value can hold a newline, and pyarrow reads faster
    # when told so (it then splits blocks at newlines without following quotes).
    quoted = b'"' in text

    def parse(block_size: int) -> pa.Table:
        invalid_rows.clear()
        return pacsv.read_csv(
            pa.BufferReader(text),  # (not a Python file object: the reader threads need no GIL)
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=block_size),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=quoted,
                                              invalid_row_handler=skip_invalid),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in wanted}, include_columns=list(wanted),
                strings_can_be_null=False, quoted_strings_can_be_null=False),
        )

    try:
        try:
            table = parse(_BLOCK_BYTES)
        except pa.ArrowInvalid:
            # A header or record longer than a block ("straddles two block boundaries"):
            # read it again in one block, so its over-long cells are reported with their
            # line below rather than as pyarrow's message about block sizes.
            if len(text) <= _BLOCK_BYTES:
                raise
            table = parse(min(len(text) + 1, (1 << 31) - 1))
    except (pa.ArrowInvalid, pa.ArrowException) as error:
        raw.problem("unreadable-file", f"the file cannot be parsed as CSV: {error}")
        return raw
    if not invalid_rows and _one_line_per_record(text, table.num_rows + 1, lines):
        # The common case: no ragged row, and as many records as lines (or as non-empty
        # lines, below), so each record is one line and its number is that line's: no need
        # to follow the quotes through the file.
        raw.lines = np.arange(2, table.num_rows + 2, dtype=np.int64)
    elif not invalid_rows and len(starts := _line_starts(text)) == table.num_rows + 1:
        raw.lines = starts[1:]
    elif not _lines_and_ragged_rows(raw, text, delimiter, table.num_rows):
        return raw
    raw.table = table.rename_columns([wanted[n] for n in table.column_names])
    _check_field_lengths(raw)
    return raw


def _delimiter(raw: RawExtract, header: str, expected: str) -> str:
    """The delimiter the header line uses: ``expected`` unless another of :data:`DELIMITERS`
    appears in it more often (Excel in a European locale saves "CSV" with ``;``), which is
    then used, with a warning naming it. Counted on the header alone: the contract's
    column names hold none of these characters, and data cells may (``"1,234.50"``)."""
    counts = {candidate: header.count(candidate) for candidate in DELIMITERS}
    found = max(DELIMITERS, key=lambda candidate: (counts[candidate], candidate == expected))
    if counts[found] <= counts[expected]:
        return expected
    names = {",": "commas", ";": "semicolons", "|": "pipes (|)", "\t": "tabs"}
    raw.problem("other-delimiter", f"the cells are separated by {names[found]}, not {names[expected]}; "
                                   f"read so", 1, severity="warning")
    return found


def _read_bytes(raw: RawExtract) -> bytes | None:
    """The file's bytes, read once and never more than the limit; None (with a problem
    recorded) when it is too large or cannot be read.

    The size is checked before reading (a 2 GB file is refused without a byte of it in
    memory) and again by reading at most one byte past the limit, because the file may
    grow between the two.
    """
    try:
        with raw.path.open("rb") as stream:
            size = os.fstat(stream.fileno()).st_size
            if size <= MAX_FILE_BYTES:
                data = stream.read(MAX_FILE_BYTES + 1)
                size = len(data)
    except OSError as error:
        raw.problem("unreadable-file", f"the file cannot be read: {error.strerror or error}")
        return None
    if size > MAX_FILE_BYTES:
        raw.problem("too-large", f"the file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,} "
                                 "(is this the right file?)")
        return None
    return data


def _one_line_per_record(data: bytes, records: int, lines: int | None = None) -> bool:
    """Whether the file has exactly ``records`` lines, none empty (a few fast byte counts).

    ``lines``: the file's line count when the caller has it already (counting is a pass
    over the whole file)."""
    if lines is None:
        lines = data.count(b"\n") + (not data.endswith(b"\n"))
    if lines != records:
        return False
    # A lone CR ends a line for pyarrow but not for the count above.
    return b"\r" not in data or data.count(b"\r") == data.count(b"\r\n")


def _lines_and_ragged_rows(raw: RawExtract, text: bytes, delimiter: str, rows: int) -> bool:
    """Each record's line, following the quotes, with ragged rows recorded as problems.

    False (and an ``unreadable-file`` problem) when the csv module cannot parse the file.
    """
    try:
        lines, fields = _records(text, delimiter.encode())
    except CellTooLong as error:
        raw.problem("too-large", f"a cell is longer than {MAX_FIELD_CHARS:,} characters", error.line)
        return False
    except csv.Error as error:
        raw.problem("unreadable-file", f"the file cannot be parsed as CSV: {error}")
        return False
    lines, fields = lines[1:], fields[1:]  # the header record
    ragged = fields != len(raw.headers)
    if ragged.sum() > MAX_PROBLEMS_PER_COLUMN:
        raw.problem("ragged-row", f"and {int(ragged.sum()) - MAX_PROBLEMS_PER_COLUMN:,} more rows like this "
                                  f"(only the first {MAX_PROBLEMS_PER_COLUMN:,} are listed)",
                    int(lines[ragged][MAX_PROBLEMS_PER_COLUMN]))
    for line, count in zip(lines[ragged][:MAX_PROBLEMS_PER_COLUMN], fields[ragged][:MAX_PROBLEMS_PER_COLUMN]):
        raw.problem("ragged-row", f"the row has {count} cells; the header has {len(raw.headers)}", int(line))
    raw.lines = lines[~ragged]
    if rows != len(raw.lines):
        # Quotes inside unquoted fields confuse the line count; fall back to the csv module.
        try:
            raw.lines = _lines_by_csv_module(text, delimiter, len(raw.headers))
        except csv.Error:
            raw.lines = np.zeros(0, dtype=np.int64)
        if len(raw.lines) != rows:
            raw.lines = np.arange(rows, dtype=np.int64) + 2
    return True


def _unclosed_quote(text: bytes, delimiter: str) -> int | None:
    """The line of a record whose quoted field runs to the end of the file, if any."""
    reader = csv.reader(io.StringIO(text.decode("utf-8"), newline=""), delimiter=delimiter, strict=True)
    start = 1
    while True:
        try:
            next(reader)
        except StopIteration:
            return None
        except csv.Error as error:  # strict mode also objects to "a"b, which pyarrow reads: skip those
            if "unexpected end of data" in str(error):
                return start
        start = reader.line_num + 1


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
        if (pc.max(pc.binary_length(raw.table[column])).as_py() or 0) <= MAX_FIELD_CHARS:
            continue  # no cell has that many bytes, so none has that many characters
        lengths = pc.utf8_length(raw.table[column])
        if (pc.max(lengths).as_py() or 0) > MAX_FIELD_CHARS:
            long = np.flatnonzero(lengths.to_numpy(zero_copy_only=False) > MAX_FIELD_CHARS)
            for index in raw.capped(long, "too-large", column):
                raw.problem("too-large", f"the value is over {MAX_FIELD_CHARS:,} characters long",
                            int(raw.lines[index]), column)
