"""The financial years a sample covers. Days are ``date.toordinal()`` integers throughout."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Window:
    """1 April of the first financial year to 31 March of the last: no record is dated later."""

    start: int
    end: int
    first_year: int
    years: int

    @classmethod
    def ending(cls, last_year: int, years: int) -> "Window":
        """The ``years`` financial years ending 31 March ``last_year``."""
        return cls(date(last_year - years, 4, 1).toordinal(), date(last_year, 3, 31).toordinal(),
                   last_year - years, years)

    def year_starts(self) -> list[int]:
        return [date(self.first_year + i, 4, 1).toordinal() for i in range(self.years)]


def anniversary(day: int, years: int) -> int:
    """The same day ``years`` later (28 February for 29 February): when reviews fall due."""
    d = date.fromordinal(day)
    try:
        return date(d.year + years, d.month, d.day).toordinal()
    except ValueError:
        return date(d.year + years, 2, 28).toordinal()
