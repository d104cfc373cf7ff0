"""Reading one sheet of an Excel workbook (``.xlsx``) as the text a CSV would hold.

Councils' extracts often leave the case-management system as workbooks. The cells are
read by python-calamine (a Rust reader, several times quicker than openpyxl) and each
typed value is written as text the way the CSV path would see it, so every later stage —
the column map, the parsers, the row and file rules — applies unchanged: ``3.0`` is
``3``, a date cell ``2020-04-01`` (with `` hh:mm:ss`` when it has a time), ``TRUE`` and
``FALSE`` for booleans, an empty cell the empty string. A number in a date column stays
a number (``44652``) and is then an invalid date: a serial is never guessed to be a day.

Rows keep their number on the sheet (the header's row first), so problems say
``households.xlsx[Sheet1]:12:approval_date`` as a CSV's say ``households.csv:12:…``.

calamine holds a sheet as a dense grid from its first used cell to its last, so a file of
two cells at ``A1`` and ``XFD1048576`` would ask for 17 billion cells and abort the
process. Before calamine opens the sheet, the sheet's XML is streamed once through the
standard library's zip reader (which also enforces the declared sizes) and the grid from
``A1`` to its farthest cell reference is bounded by :data:`MAX_CELLS`.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from xml.etree import ElementTree

#: The largest grid (rows × columns, from the first used cell to the last) read from one
#: sheet: a million rows of thirty columns. calamine keeps every cell of it in memory.
MAX_CELLS = 30_000_000
#: The largest sheet XML, unpacked, that is read (a zip of a few MB can unpack to GBs).
MAX_SHEET_XML_BYTES = 4 << 30

_RELATIONSHIPS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_PACKAGE_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
#: A cell or row reference in the sheet XML: ``<c r="AB12"`` or ``<row r="12"``.
_REFERENCE = re.compile(rb'<(c|row)\s[^>]*?\br="([A-Z]{0,3})([0-9]+)"')


class Unreadable(Exception):
    """The workbook or its sheet cannot be read; ``rule`` and ``message`` say why."""

    def __init__(self, rule: str, message: str):
        super().__init__(message)
        self.rule = rule
        self.message = message


@dataclass
class Sheet:
    """One sheet's cells as text: the header and, per data row, its row number."""

    name: str
    header: list[str] = field(default_factory=list)
    header_row: int = 1
    rows: list[list[Any]] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)

    def columns(self, positions: list[int]) -> dict[int, list[str]]:
        """The text of each column at ``positions`` (a column past a short row is empty)."""
        found: dict[int, list[str]] = {}
        for position in positions:
            found[position] = [cell_text(row[position]) if position < len(row) else "" for row in self.rows]
        return found


def cell_text(value: Any) -> str:
    """A cell's typed value as the text a CSV of the sheet would hold."""
    if type(value) is str:
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)  # the shortest text that reads back as the same number
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return "" if value is None else str(value)


def _sheet_members(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its XML's member name, in the workbook's order."""
    try:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError) as error:
        raise Unreadable("unreadable-file", f"the file is not an Excel workbook ({error})") from None
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{_PACKAGE_RELS}Relationship")}
    members = {}
    for sheet in book.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(_RELATIONSHIPS), "")
        members[sheet.get("name", "")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return members


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def check_grid(archive: zipfile.ZipFile, member: str) -> None:
    """Raise :class:`Unreadable` when the sheet's cells span more than :data:`MAX_CELLS`."""
    try:
        info = archive.getinfo(member)
    except KeyError:
        raise Unreadable("unreadable-file", f"the workbook has no sheet file {member}") from None
    if info.file_size > MAX_SHEET_XML_BYTES:
        raise Unreadable("too-large", f"the sheet is {info.file_size:,} bytes unpacked; the limit is "
                                      f"{MAX_SHEET_XML_BYTES:,} (is this the right file?)")
    height = width = 0  # counted from A1: the grid calamine's rows are given from
    tail = b""
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(1 << 22):
                text = tail + chunk
                cut = text.rfind(b"<")  # a reference may straddle two chunks: keep the last tag
                for kind, letters, digits in _REFERENCE.findall(text, 0, cut if cut > 0 else len(text)):
                    height = max(height, int(digits))
                    if kind == b"c" and letters:
                        width = max(width, _column_number(letters))
                tail = text[cut:] if cut > 0 else b""
                if len(tail) > 1 << 20:  # no tag is that long: the file is not a sheet
                    tail = b""
    except (zipfile.BadZipFile, OSError, EOFError) as error:  # (a wrong CRC or size, a bad stream)
        raise Unreadable("unreadable-file", f"the file is not a readable Excel workbook ({error})") from None
    if height * max(width, 1) > MAX_CELLS:
        raise Unreadable("too-large", f"the sheet's cells span {height:,} rows by {width:,} columns; the limit is "
                                      f"{MAX_CELLS:,} cells (is this the right file?)")


def read_sheet(data: bytes, sheet: str | None, max_rows: int) -> Sheet:
    """The named sheet (or the first) of the workbook in ``data``, as text rows.

    Blank rows are skipped, as a CSV's empty lines are; the first row that is not blank
    is the header."""
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise Unreadable("unreadable-file", "the file is not an Excel workbook (.xlsx is a zip archive; "
                                            "this is not one)") from None
    with archive:
        members = _sheet_members(archive)
        if not members:
            raise Unreadable("unreadable-file", "the workbook has no sheets")
        if sheet is None:
            sheet = next(iter(members))
        elif sheet not in members:
            names = ", ".join(repr(name[:60]) for name in list(members)[:10])
            raise Unreadable("unreadable-file", f"the workbook has no sheet named {sheet[:60]!r} "
                                                f"(its sheets: {names}); see [data.sheets]")
        check_grid(archive, members[sheet])
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        found = book.get_sheet_by_name(sheet)
        if found.height - 1 > max_rows:
            raise Unreadable("too-large", f"the sheet has {found.height - 1:,} rows after its header; the limit "
                                          f"is {max_rows:,} (is this the right file?)")
        result = Sheet(name=sheet)
        for number, row in enumerate(found.iter_rows(), start=1):  # (from row 1, blank rows above included)
            if not any(value != "" for value in row):
                continue
            if not result.header:
                result.header = [cell_text(value) for value in row]
                result.header_row = number
                continue
            result.rows.append(row)
            result.row_numbers.append(number)
    except CalamineError as error:
        raise Unreadable("unreadable-file", f"the file cannot be read as an Excel workbook: "
                                            f"{str(error)[:200]}") from None
    # A header's trailing empty cells are the used range's width, not columns.
    while result.header and result.header[-1] == "":
        result.header.pop()
    return result
