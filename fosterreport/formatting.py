"""How a figure is written in text: the one place for rounding and units.

JSON carries full precision; every rendered text (terminal table, report, narrative
placeholder, Markdown) goes through :func:`format_value`, so "16.1%" is written the
same way everywhere. Small-number suppression also happens here, at the last moment.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

NOT_AVAILABLE = "n/a"
SUPPRESSED = "c"

#: Direction of travel: symbol and word, never colour alone.
DIRECTION_SYMBOLS = {
    "improved": "▲", "declined": "▼", "similar": "▬", "up": "▲", "down": "▼", "n/a": "",
}


def _round(value: float | Decimal, places: int, scale: int = 0) -> Decimal:
    """``value × 10^scale`` rounded half up to ``places`` decimals, in decimal arithmetic
    from the value's shortest text (29/400 = 0.0725 is 7.25%, which rounds to 7.3%; in
    floating point it would be 7.2499… and round down). A result of zero has no sign."""
    quantum = Decimal(1).scaleb(-places)
    rounded = Decimal(str(value)).scaleb(scale).quantize(quantum, rounding=ROUND_HALF_UP)
    return rounded.copy_abs() if rounded == 0 else rounded


def is_suppressed(count: int | None, suppress_below: int) -> bool:
    """Counts from 1 to ``suppress_below − 1`` are not published (0 is safe to show)."""
    return bool(suppress_below) and count is not None and 0 < count < suppress_below


def format_value(value, unit: str, *, suppress_below: int = 0, minus: str = "-") -> str:
    """A KPI value as text: ``count`` 1,234; ``rate`` 16.1%; ``ratio`` 1.09; ``number``
    12.3; ``days`` 187; ``money`` £1,325,588 (negative: −£1,234). ``None`` is n/a.

    ``minus`` is the sign written before a negative count, rate, ratio, number or days
    (the report passes the typographic "−" so that −13 matches −£1,234 and −1.6 pts)."""
    text = _format_value(value, unit, suppress_below)
    if minus != "-" and text.startswith("-"):
        text = minus + text[1:]
    return text


def _format_value(value, unit: str, suppress_below: int) -> str:
    if value is None:
        return NOT_AVAILABLE
    if unit == "count":
        if is_suppressed(int(value), suppress_below):
            return SUPPRESSED
        return f"{int(value):,}"
    if unit == "rate":
        return f"{_round(float(value), 1, scale=2)}%"
    if unit == "ratio":
        return f"{_round(value, 2)}"
    if unit == "number":
        return f"{_round(value, 1):,}"
    if unit == "days":
        return f"{_round(value, 0):,}"
    if unit == "money":
        pounds = _round(value, 0)
        sign = "−" if pounds < 0 else ""
        return f"{sign}£{abs(pounds):,}"
    raise ValueError(f"unknown unit {unit!r}")


def format_change(change, unit: str) -> str:
    """A change against the previous period, signed: +3, −2.5 points, +£12,000."""
    if change is None:
        return NOT_AVAILABLE
    if unit == "rate":
        points = _round(float(change), 1, scale=2)
        return f"{'+' if points > 0 else '−' if points < 0 else '±'}{abs(points)} pts"
    text = format_value(abs(change), unit)
    if text.lstrip("£").strip("0.,") == "":  # it rounds to nothing: no direction to show
        return f"±{text}"
    sign = "+" if change > 0 else "−" if change < 0 else "±"
    return f"{sign}{text}"


def format_direction(direction: str | None) -> str:
    """``▲ improved``: the symbol and the word together."""
    if not direction or direction == "n/a":
        return NOT_AVAILABLE
    return f"{DIRECTION_SYMBOLS[direction]} {direction}"


def format_date(value: date) -> str:
    """``31 March 2023`` (no leading zero), the way committee papers write dates."""
    return f"{value.day} {value:%B %Y}"


# -- text from data, made inert -------------------------------------------------------------


#: C0 controls but tab and line feed, DEL, C1 controls, and the bidirectional marks,
#: embeddings, overrides and isolates: invisible, and able to reorder what a reader sees.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|#~])")


def strip_controls(text: str) -> str:
    """``text`` without control and bidirectional-formatting characters (tab and newline kept)."""
    return _CONTROLS.sub("", text)


def markdown_text(text) -> str:
    """Text from data (a budget line, a code, a council's name) as inert inline Markdown:
    controls removed, on one line, every character Markdown gives a meaning escaped
    (``\\ ` * _ [ ] | # ~``) and ``<``/``>`` as entities, so it can be neither a link,
    an image, raw HTML, emphasis nor an extra table cell."""
    text = strip_controls("" if text is None else str(text))
    text = re.sub(r"\s*\n\s*", " ", text.replace("\t", " "))
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return text.replace("<", "&lt;").replace(">", "&gt;")


def markdown_code(text) -> str:
    """A code from data as a Markdown code span that its own backticks cannot close, and
    whose ``|`` cannot split a table cell."""
    text = re.sub(r"\s+", " ", strip_controls("" if text is None else str(text))).replace("|", "\\|")
    longest = max((len(run) for run in re.findall("`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or longest else ""
    return f"{fence}{pad}{text}{pad}{fence}"
