"""Regional hubs: many councils in one run, and a report that compares them.

DfE's fostering recruitment programme groups councils into regional hubs (the North East
hub has twelve) that "receive external data from other Local Authority areas" and report
on the region's recruitment. A region folder holds one ordinary extract folder per
council; ``fosterreport build --region DIR`` builds every council's own report, in
parallel, and a regional report putting each KPI side by side for every council with the
regional figure, a rank and the distance from the regional value.

* :mod:`.councils` — the folders, each council's settings, one council's run;
* :mod:`.figures` — the regional figures: sums, rates from summed numerators and
  denominators, pooled medians; ranks, distances, suppression;
* :mod:`.export` — the JSON and CSV for dashboards;
* :mod:`.context` — the regional report's render context (drawn and rendered by
  the one render path, :mod:`fosterreport.render.document`);
* :mod:`.build` — running the councils across cores, and the regional report among them.

In Python::

    from fosterreport.region import load_region, compute_region
    region = load_region("north-east")
    results = compute_region(region.councils, make_period(2024), region.config)
    results["enquiry_to_approval_rate"].value        # Σ approvals ÷ Σ enquiries
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from fosterreport.region.build import RegionBuild, build_region, compute_councils, run_councils, scan_region
from fosterreport.region.councils import (
    CouncilFolder, CouncilOutcome, LoadedCouncil, compute_council, council_config, discover_councils,
    load_council, region_config, region_name,
)
from fosterreport.region.figures import CouncilFigure, RegionKpi, RegionResults, RegionTrendPoint, compare

if TYPE_CHECKING:
    from fosterreport.config import Config
    from fosterreport.periods import Period

__all__ = ["CouncilFigure", "CouncilFolder", "CouncilOutcome", "LoadedCouncil", "Region", "RegionBuild", "RegionKpi",
           "RegionResults", "RegionTrendPoint", "build_region", "compare", "compute_council", "compute_councils",
           "compute_region", "council_config", "discover_councils", "load_council", "load_region", "region_config",
           "region_name", "run_councils", "scan_region"]


@dataclass
class Region:
    """A region folder read in this process: its name, its settings and its councils."""

    folder: Path
    name: str
    config: "Config"
    councils: list[LoadedCouncil]


def load_region(folder: Path | str, config: "Config | None" = None, *, strict: bool = False) -> Region:
    """Discover and load every council of ``folder`` (one after another, in this process).

    ``config`` is the region's own settings (default: ``<folder>/fosterreport.toml`` when
    present). A council whose settings or extracts are bad is loaded as failed (see its
    ``outcome``), never raised; a missing or empty region folder is a UsageError.
    """
    settings = config if config is not None else region_config(folder)
    councils = [load_council(council, settings, strict) for council in discover_councils(folder)]
    return Region(Path(folder), region_name(folder, settings), settings, councils)


def compute_region(councils: list[LoadedCouncil], period: "Period", config: "Config", trend: int = 5, *,
                   name: str | None = None, kpi_ids=None) -> RegionResults:
    """Each council's KPIs and the region's, side by side (see :mod:`.figures`).

    Failed councils are carried along (listed with their problems) and left out of every
    regional figure. ``trend`` years of household and recruitment figures for the region.
    """
    outcomes = [compute_council(council, period, trend, kpi_ids) for council in councils]
    title = name or (region_name(councils[0].council.folder.parent, config) if councils else "region")
    return compare(title, outcomes, period, config, trend=trend, kpi_ids=kpi_ids)
