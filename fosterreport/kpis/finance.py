"""Finance: budget, outturn and unit cost for the financial year containing the period end.

budget.csv comes from the finance system and is restated through the year: one row per
line per month-end, forecasts first and the actual last. For each line the row used is
the one with the latest ``as_at`` (blank = 31 March of its year) not after the period's
end, so a Q2 report uses the forecast struck at Q2 and the annual report the actual.
Money stays :class:`~decimal.Decimal` throughout; only the unit cost is rounded, to
pence, from placement weeks kept exact (days ÷ 7 as a fraction). Money rests on no count
of people, so none of these figures is ever withheld as a small number.
"""

from __future__ import annotations

from fractions import Fraction

import pandas as pd

from fosterreport.formatting import format_date
from fosterreport.kpis.catalogue import LINE
from fosterreport.kpis.children import in_house_days
from fosterreport.kpis.measures import Figure, Frames, latest_per, money_sum, rate_figure, stamp
from fosterreport.kpis.results import ratio_value
from fosterreport.periods import Period

FORECAST = "forecast"


def chosen_rows(budget: pd.DataFrame, period: Period) -> pd.DataFrame:
    """One row per line for the period's financial year, in the file's order of lines."""
    year = period.financial_year()
    rows = budget[budget["financial_year"] == year.financial_year_code]
    struck = rows["as_at"].where(rows["as_at"].notna(), stamp(year.end))
    rows = rows.assign(struck=struck.to_numpy())
    rows = rows[rows["struck"] <= stamp(period.end)]
    chosen = latest_per(rows, "line", ["struck"])
    first_seen = budget.groupby("line")["_line"].min()
    order = chosen["line"].map(first_seen) if len(chosen) else chosen["_line"]
    return chosen.assign(order=order.to_numpy()).sort_values("order", kind="stable")


def no_rows_reason(period: Period) -> str:
    """Why the finance KPIs are missing although budget.csv was supplied."""
    return (f"budget: budget.csv has no rows for {period.financial_year().financial_year_code} "
            f"struck by {format_date(period.end)}")


def compute(frames: Frames, period: Period, config, wanted: frozenset[str]) -> dict[str, Figure]:
    """Empty when the year has no usable rows: the engine then says why in ``left_out``."""
    chosen = chosen_rows(frames["budget"], period)
    if chosen.empty:
        return {}
    lines = tuple(chosen["line"].tolist())
    budget_by = dict(zip(lines, chosen["budget"].tolist()))
    outturn_by = dict(zip(lines, chosen["outturn"].tolist()))
    variance_by = {line: outturn_by[line] - budget_by[line] for line in lines}
    budget, outturn = money_sum(chosen["budget"]), money_sum(chosen["outturn"])
    variance = outturn - budget
    note = FORECAST if bool(chosen["forecast"].any()) else None
    funded = chosen["funded_placements"].dropna()

    figures = {
        "budget": Figure(budget, by={LINE.name: budget_by}),
        "outturn": Figure(outturn, by={LINE.name: outturn_by}, note=note),
        "budget_variance": Figure(variance, by={LINE.name: variance_by}, note=note),
        "budget_variance_rate": rate_figure(variance, budget, note=note, counted=False),
        "funded_placements": Figure(float(funded.sum()) if len(funded) else None),
    }
    if "placements" in frames:
        weeks = Fraction(int(in_house_days(frames, period.financial_year()).sum()), 7)
        figures["cost_per_placement_week"] = Figure(ratio_value(outturn, weeks, "money"), numerator=outturn,
                                                    denominator=weeks, note=note)
    return figures
