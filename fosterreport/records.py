"""The validated extracts: typed pandas frames, what was read, and what was wrong.

``load_extracts(folder, config)`` is the library's first call: it reads every file the
contract knows (:mod:`fosterreport.extracts`), parses and checks them column-wise
(:mod:`fosterreport.validation`, which knows nothing of this module), and returns an
:class:`Extracts` whose ``problems`` say whether the figures can be trusted. It never
raises for bad data.

Frames are keyed by the extract's short name (``"households"``, ``"enquiries"`` …) and
hold exactly the contract's columns, in contract order, typed as follows:

========  ==========================================================
id, text  ``str`` (pandas string), missing = NA
code      ``str`` holding the contract code (``"MAINSTREAM"``), missing = NA
date      ``datetime64[s]``, missing = NaT
bool      ``bool`` (blank already replaced by the column's default)
count     ``Int64``, missing = NA
money     ``object`` of :class:`~decimal.Decimal`, missing = ``None``
========  ==========================================================

plus ``_line``, the physical line of the row in its file (header = line 1). A file that
was not supplied is absent from ``frames``; a header-only file gives an empty frame.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from fosterreport.contract import EXTRACTS, Record
from fosterreport.problems import ProblemReport
from fosterreport.embedded import is_sample_folder
from fosterreport.validation import FileInfo, validate_folder

__all__ = ["Extracts", "FileInfo", "load_extracts"]

if TYPE_CHECKING:
    import pandas as pd

    from fosterreport.config import Config


@dataclass
class Extracts:
    folder: Path
    frames: dict[str, "pd.DataFrame"] = field(default_factory=dict)
    files: dict[str, FileInfo] = field(default_factory=dict)
    problems: ProblemReport = field(default_factory=ProblemReport)
    is_sample: bool = False
    #: The day the extracts were checked (dates after it are ``future-date`` warnings).
    checked_on: date | None = None
    #: The day they were taken from the systems (``[data] extracted``), when known: a
    #: period may end on or before it; otherwise on or before the newest date in them.
    extracted_on: date | None = None
    #: Extract name -> the day its export begins, where ``[data] coverage`` says so.
    begins: dict[str, date] = field(default_factory=dict)

    def has(self, name: str) -> bool:
        return name in self.frames

    def check_has_records(self) -> None:
        """A report or a table of KPIs needs records: extracts that are all headers (the
        templates ``init`` writes) would give pages of zeros, so they are a usage error."""
        if self.frames and all(frame is not None and len(frame) == 0 for frame in self.frames.values()):
            from fosterreport.exceptions import UsageError

            raise UsageError(f"the extracts in {self.folder} hold no records (every file has its header only): "
                             f"there is nothing to report; export the data into them first")

    def frame(self, name: str) -> "pd.DataFrame":
        return self.frames[name]

    @property
    def newest_date(self) -> date | None:
        """The newest date that can end a reporting period, which commands choose the
        default period from: the latest date in the extracts that is neither after the
        day they were checked (a ``future-date`` warning; exports write 31/12/9999 for
        "no end date") nor before the first financial year the tool reports on. None when
        there is no such date (the commands then ask for ``--year``)."""
        import numpy as np

        from fosterreport.contract import columns
        from fosterreport.periods import EARLIEST_YEAR

        if not self.frames:
            dates = [info.last_date for info in self.files.values() if info.last_date]
            return max(dates) if dates else None
        low = np.datetime64(date(EARLIEST_YEAR, 3, 31), "s")
        high = np.datetime64(self.checked_on or date.today(), "s")
        newest = None
        for name, frame in self.frames.items():
            for spec in columns(EXTRACTS[name]):
                if spec.cell.kind != "date" or spec.name not in frame:
                    continue
                values = frame[spec.name].to_numpy(dtype="datetime64[s]")
                usable = values[(values >= low) & (values <= high)]  # (NaT compares false)
                if len(usable) and (newest is None or usable.max() > newest):
                    newest = usable.max()
        return None if newest is None else newest.astype(object).date()

    def records(self, name: str) -> Iterator[Record]:
        """The rows of one extract as contract model instances (for the Python API)."""
        model = EXTRACTS[name]
        frame = self.frames[name]
        for row in frame.drop(columns="_line").to_dict("records"):
            yield model.model_validate({k: _plain(v) for k, v in row.items() if _plain(v) is not None})


def _plain(value):
    import pandas as pd

    if value is None or (not isinstance(value, (str, bool)) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value


def load_extracts(folder: Path | str, config: "Config | None" = None) -> Extracts:
    """Read, parse and check every extract in ``folder``; see the module docstring."""
    from fosterreport.config import Config

    config = config or Config()
    # "today", for future-date warnings, is the UTC date: the same output in every time zone
    folder, today = Path(folder), datetime.now(timezone.utc).date()
    checked = validate_folder(folder, config, today=today)
    return Extracts(folder=folder, frames=checked.frames, files=checked.files, problems=checked.problems,
                    checked_on=today, extracted_on=config.data.extracted, begins=dict(config.data.coverage),
                    is_sample=is_sample_folder(folder))
