"""Parsing one cell of an extract into a typed value.

Each parser takes the raw text of a cell (already stripped, never blank: blank cells
are turned into ``None`` before a parser sees them) and returns a typed value or raises
:class:`BadValue` carrying the problem's rule and message.

These functions are the only place where a cell's text is interpreted. The pydantic
models in :mod:`fosterreport.contract` call them one row at a time, and the column-wise
validator in :mod:`fosterreport.validation` calls them once per *distinct* value of a
column and broadcasts the result, so both paths give the same values and the same
messages by construction.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from fosterreport.text import BIDI_MARKS, CONTROL_CHARACTERS, LINE_BREAK_CHARACTERS

#: Cell texts that mean "no value" (compared case-insensitively after stripping).
BLANKS = frozenset({"", "null", "n/a", "na", "none", "nan"})


class BadValue(ValueError):
    """A cell that cannot be read as its column's type."""

    def __init__(self, rule: str, message: str):
        super().__init__(message)
        self.rule = rule
        self.message = message


#: Longest cell text quoted whole in a message; longer ones are cut with "…".
QUOTED_CHARS = 60


def quoted(text: str) -> str:
    """A cell's text as a message quotes it: ``repr``, cut to :data:`QUOTED_CHARS`.

    A corrupt export can put megabytes in one cell; the message needs enough to find the
    cell, not a copy of it (nor a terminal flooded with it)."""
    if len(text) > QUOTED_CHARS:
        text = text[:QUOTED_CHARS - 1] + "\u2026"
    return repr(text)


def is_blank(text: object) -> bool:
    return text is None or (isinstance(text, str) and text.strip().lower() in BLANKS)


# -- dates -------------------------------------------------------------------------

_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%b-%Y")
# Every pattern here is ASCII (``re.ASCII``): ``\d`` would otherwise match any Unicode
# digit, and ``int()`` reads them, so an Arabic-Indic ``٢`` or a full-width ``２`` would
# pass as 2: a figure nobody can see in the file. Digits are 0-9 only.
_DATE_SHAPES = (
    re.compile(r"\d{1,2}/\d{1,2}/\d{4}", re.ASCII),
    re.compile(r"\d{4}-\d{1,2}-\d{1,2}", re.ASCII),
    re.compile(r"\d{1,2}-[A-Za-z]{3}-\d{4}", re.ASCII),
)
_TIME_PART = re.compile(r"^(\S+?)(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$", re.ASCII)
#: ``Mon`` of ``dd-Mon-yyyy``: English, whatever the process's locale. (``strptime``'s
#: ``%b`` follows ``LC_TIME``: in a program that had set a German locale, ``04-Oct-2016``
#: would be an invalid date and the same extract would validate differently.)
MONTHS = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}


def parse_date(text: str) -> date:
    """Read ``dd/mm/yyyy``, ``yyyy-mm-dd`` or ``dd-Mon-yyyy``, dropping any time part.

    Strict on purpose: ``31/02/2023`` is an error, never 3 March, and a US date such as
    ``04/13/2023`` is an error, never silently swapped.
    """
    match = _TIME_PART.match(text.strip())
    core = match.group(1) if match else text.strip()
    for shape, fmt in zip(_DATE_SHAPES, _DATE_FORMATS):
        if shape.fullmatch(core):
            try:
                if fmt == "%d-%b-%Y":
                    day, month, year = core.split("-")
                    return date(int(year), MONTHS[month.lower()], int(day))
                return datetime.strptime(core, fmt).date()
            except (ValueError, KeyError):
                break
    raise BadValue("invalid-date", f"{quoted(text)} is not a valid date (expected dd/mm/yyyy)")


# -- booleans ----------------------------------------------------------------------

_TRUE = frozenset({"y", "yes", "true", "1", "t"})
_FALSE = frozenset({"n", "no", "false", "0", "f"})


def parse_bool(text: str) -> bool:
    key = text.strip().lower()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise BadValue("invalid-boolean", f"{quoted(text)} is not a yes/no value (expected Y or N)")


# -- numbers -----------------------------------------------------------------------

_MONEY = re.compile(r"^(?P<neg>-)?£?(?P<num>(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?)$", re.ASCII)
#: Amounts are below this many pounds (a quadrillion), the bound the config puts on a
#: target or benchmark too: past any council's budget, and what the report can format
#: (a sum of a thousand such lines still fits decimal's 28 digits).
MONEY_LIMIT = Decimal(10) ** 15


def parse_money(text: str) -> Decimal:
    """Pounds as :class:`~decimal.Decimal`: ``5,320,883.00``, ``£5,320,883``, ``(1,234.50)``."""
    raw = text.strip().replace(" ", "")
    negative = raw.startswith("(") and raw.endswith(")")
    if negative:
        raw = raw[1:-1]
    match = _MONEY.match(raw)
    if not match:
        raise BadValue("invalid-money", f"{quoted(text)} is not an amount of money (expected e.g. 1234.50)")
    try:
        amount = Decimal(match.group("num").replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        raise BadValue("invalid-money", f"{quoted(text)} is not an amount of money (expected e.g. 1234.50)")
    if abs(amount) >= MONEY_LIMIT:
        raise BadValue("invalid-money", f"{quoted(text)} is too large to be an amount of money "
                                        f"(the limit is £{MONEY_LIMIT - 1:,})")
    if negative or match.group("neg"):
        amount = -amount
    return amount


def parse_count(text: str, minimum: int = 0) -> int:
    """A whole number of at least ``minimum`` (``2`` and ``2.0`` are both two)."""
    raw = text.strip()
    if re.fullmatch(r"[+-]?[0-9]+(\.0+)?", raw):
        if len(raw.split(".")[0].lstrip("+-0")) > 15:  # past any real count, and past int64
            raise BadValue("invalid-number", f"{quoted(text)} is too large to be a count")
        number = int(raw.split(".")[0])
        if number >= minimum:
            return number
        raise BadValue("invalid-number", f"{quoted(text)} is below the minimum of {minimum}")
    raise BadValue("invalid-number", f"{quoted(text)} is not a whole number")


def parse_financial_year(text: str) -> str:
    """``2022-23`` or ``2022/23`` (or ``2022/2023``), returned as ``2022-23``."""
    match = re.fullmatch(r"(\d{4})\s*[-/]\s*(\d{2}|\d{4})", text.strip(), re.ASCII)
    if match:
        first, second = int(match.group(1)), match.group(2)
        if int(second[-2:]) == (first + 1) % 100 and (len(second) == 2 or int(second) == first + 1):
            return f"{first}-{second[-2:]}"
    raise BadValue("invalid-year", f"{quoted(text)} is not a financial year (expected e.g. 2022-23)")


#: Control and bidirectional-formatting characters: C0 and C1 controls but tab, the
#: embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) and the marks
#: U+200E/U+200F, U+061C (:mod:`fosterreport.text`'s sets). Invisible in a spreadsheet, they would reorder or hide a report's text
#: (an RLO turns "Staffing" round) or drive a terminal; text cells lose them at load, so
#: they never reach an output.
#: The line breaks among them (LF, CR, VT, FF, NEL) become one space each, so the words
#: either side of a break in a cell stay apart.
UNSAFE_CHARACTERS = f"[{CONTROL_CHARACTERS}{BIDI_MARKS}]"
LINE_BREAKS = f"[{LINE_BREAK_CHARACTERS}]"
_UNSAFE = re.compile(UNSAFE_CHARACTERS)
_LINE_BREAKS = re.compile(LINE_BREAKS)


def without_unsafe_characters(text: str) -> str:
    """``text`` without :data:`UNSAFE_CHARACTERS`, its :data:`LINE_BREAKS` spaces."""
    return _LINE_BREAKS.sub(" ", _UNSAFE.sub("", text))


def parse_text(text: str) -> str:
    """An id or free text: stripped, without :data:`UNSAFE_CHARACTERS`."""
    return without_unsafe_characters(text).strip()
