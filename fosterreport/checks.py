"""Rules across rows and files: unique ids, references, overlaps, and the warnings.

These run on the typed frames once every file is parsed, so one broken file does not
hide another's problems. Error messages may quote the offending id (the analyst needs
it to fix the extract, and errors never reach a report). Warning messages never quote an
id, a name or any free text: warnings are printed in the published report's data
quality appendix, which must stay aggregate.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from fosterreport.contract import EXTRACTS, columns
from fosterreport.problems import Problem

Frames = dict[str, pd.DataFrame]


def _uk(value) -> str:
    return pd.Timestamp(value).strftime("%d/%m/%Y")


def _file(name: str) -> str:
    return EXTRACTS[name].file


def _all_distinct(ids: pa.Array) -> bool:
    """Whether no id (blanks aside) appears twice. Ids in strictly ascending order, as most
    exports write them, are distinct without hashing them (one comparison per row, ~30×
    sooner); otherwise arrow hashes them (~3× sooner than pandas)."""
    present = ids.drop_null() if ids.null_count else ids
    if len(present) < 2 or pc.all(pc.greater(present.slice(1), present.slice(0, len(present) - 1))).as_py():
        return True
    return len(present.unique()) == len(present)


def unique_ids(frames: Frames) -> list[Problem]:
    problems = []
    for name, frame in frames.items():
        for spec in columns(EXTRACTS[name]):
            if not spec.unique:
                continue
            ids = frame[spec.name]
            if _all_distinct(pa.array(ids, from_pandas=True)):
                continue  # no id repeats (the usual case)
            repeated = ids.duplicated(keep="first") & ids.notna()
            first_line = frame.groupby(ids, sort=False)["_line"].transform("min")
            for index in np.flatnonzero(repeated.to_numpy()):
                problems.append(Problem(_file(name), int(frame["_line"].iat[index]), spec.name, "duplicate-id",
                                        f"{ids.iat[index]!r} appears more than once "
                                        f"(first on line {int(first_line.iat[index])})"))
    return problems


def _is_in(values: pd.Series, known: pd.Series) -> np.ndarray:
    """``values.isin(known)`` for id columns, in arrow (pandas' isin on strings is ~40× slower)."""
    value_set = pa.array(known.dropna(), from_pandas=True).cast(pa.large_string())
    found = pc.is_in(pa.array(values, from_pandas=True).cast(pa.large_string()), value_set=value_set)
    return pc.fill_null(found, False).to_numpy(zero_copy_only=False)


def references(frames: Frames) -> list[Problem]:
    problems = []
    for name, frame in frames.items():
        for spec in columns(EXTRACTS[name]):
            if not spec.references or spec.references not in frames:
                continue
            target = frames[spec.references]
            known = target[columns(EXTRACTS[spec.references])[0].name]
            values = frame[spec.name]
            unknown = values.notna().to_numpy() & ~_is_in(values, known)
            for index in np.flatnonzero(unknown):
                problems.append(Problem(_file(name), int(frame["_line"].iat[index]), spec.name,
                                        "unknown-reference",
                                        f"{values.iat[index]!r} is not in {_file(spec.references)}"))
    return problems


def _index_in(values: pd.Series, known: pd.Series) -> np.ndarray:
    """Each of ``values``' position in ``known`` (whose values are distinct), or -1, in arrow."""
    value_set = pa.array(known, from_pandas=True).cast(pa.large_string())
    found = pc.index_in(pa.array(values, from_pandas=True).cast(pa.large_string()), value_set=value_set)
    return np.asarray(found.fill_null(-1), dtype=np.int64)


def _household_approval(ids: pd.Series, households: pd.DataFrame) -> np.ndarray:
    """The approval date (``datetime64[s]``, NaT where there is none) of each id's household:
    the first row for it in households.csv, as a join on household_id would find it."""
    first = households.drop_duplicates("household_id")
    position = _index_in(ids, first["household_id"])
    found = np.full(len(ids), np.datetime64("NaT"), dtype="datetime64[s]")
    known = position >= 0
    found[known] = first["approval_date"].to_numpy(dtype="datetime64[s]")[position[known]]
    return found


def approval_matches(frames: Frames) -> list[Problem]:
    """An approved enquiry's household must have been approved on the same day."""
    if "enquiries" not in frames or "households" not in frames:
        return []
    enquiries = frames["enquiries"]
    approval = enquiries["approval_date"].to_numpy(dtype="datetime64[s]")
    rows = np.flatnonzero(~np.isnat(approval) & enquiries["household_id"].notna().to_numpy())
    household = _household_approval(enquiries["household_id"].iloc[rows], frames["households"])
    approval = approval[rows]
    differ = ~np.isnat(household) & (approval != household)
    lines = enquiries["_line"].to_numpy()[rows]
    return [Problem("enquiries.csv", int(line), "approval_date", "approval-mismatch",
                    f"approval ({_uk(own)}) differs from the household's approval_date "
                    f"in households.csv ({_uk(theirs)})")
            for line, own, theirs in zip(lines[differ], approval[differ], household[differ])]


def overlapping_placements(frames: Frames) -> list[Problem]:
    """A child cannot be in two MAIN placements at once (end_date is the first day away)."""
    if "placements" not in frames:
        return []
    main = frames["placements"]
    main = main[(main["placement_kind"] == "MAIN") & main["start_date"].notna()]
    main = main.sort_values(["child_id", "start_date", "_line"])
    same_child = main["child_id"].eq(main["child_id"].shift())
    previous_end = main["end_date"].shift()
    previous_line = main["_line"].shift()
    overlap = same_child & (previous_end.isna() | (main["start_date"] < previous_end))
    return [Problem("placements.csv", int(line), "start_date", "overlapping-placement",
                    f"this MAIN placement starts while the child's MAIN placement on line "
                    f"{int(before)} is still open")
            for line, before in zip(main["_line"][overlap], previous_line[overlap])]


def one_hub(frames: Frames) -> list[Problem]:
    """A Mockingbird constellation has one hub home carer at a time."""
    if "mockingbird" not in frames:
        return []
    hubs = frames["mockingbird"]
    hubs = hubs[hubs["role"] == "HUB"].copy()
    hubs["joined"] = hubs["joined_date"].fillna(hubs["launch_date"])
    hubs = hubs.sort_values(["constellation", "joined", "_line"])
    same = hubs["constellation"].eq(hubs["constellation"].shift())
    previous_left = hubs["left_date"].shift()
    clash = same & (previous_left.isna() | (hubs["joined"] < previous_left))
    return [Problem("mockingbird.csv", int(line), "role", "two-hubs",
                    "a second HUB joins the constellation while another is still a member")
            for line in hubs["_line"][clash]]


# -- warnings ---------------------------------------------------------------------------


def placements_before_approval(frames: Frames) -> list[Problem]:
    if "placements" not in frames or "households" not in frames:
        return []
    placements = frames["placements"]
    rows = np.flatnonzero(((placements["provider"] == "IN_HOUSE") & placements["household_id"].notna()).to_numpy())
    household = _household_approval(placements["household_id"].iloc[rows], frames["households"])
    start = placements["start_date"].to_numpy(dtype="datetime64[s]")[rows]
    early = ~np.isnat(household) & ~np.isnat(start) & (start < household)
    lines = placements["_line"].to_numpy()[rows]
    return [Problem("placements.csv", int(line), "start_date", "placement-before-approval",
                    f"the placement starts ({_uk(own)}) before its household's approval ({_uk(theirs)})", "warning")
            for line, own, theirs in zip(lines[early], start[early], household[early])]


def over_capacity(frames: Frames) -> list[Problem]:
    """More children in MAIN in-house placements at once than the household's approved places."""
    if "placements" not in frames or "households" not in frames:
        return []
    placements = frames["placements"]
    main = placements[(placements["provider"] == "IN_HOUSE") & (placements["placement_kind"] == "MAIN")
                      & placements["household_id"].notna()]
    if main.empty:  # the empty event table below would have no usable dtypes
        return []
    starts = pd.DataFrame({"household_id": main["household_id"], "day": main["start_date"], "step": 1,
                           "_line": main["_line"]})
    ends = pd.DataFrame({"household_id": main["household_id"], "day": main["end_date"], "step": -1,
                         "_line": main["_line"]}).dropna(subset=["day"])
    events = pd.concat([starts, ends]).sort_values(["household_id", "day", "step"], kind="stable")
    events["placed"] = events.groupby("household_id")["step"].cumsum()
    places = frames["households"].drop_duplicates("household_id").set_index("household_id")["approved_places"]
    events["places"] = events["household_id"].map(places)
    over = events[(events["step"] == 1) & events["places"].notna() & (events["placed"] > events["places"])]
    return [Problem("placements.csv", int(row.line), "household_id", "over-capacity",
                    f"the household has {int(row.placed)} children placed at once and "
                    f"{int(row.places)} approved places", "warning")
            for row in over.rename(columns={"_line": "line"}).itertuples()]


def reasons_without_date(frames: Frames) -> list[Problem]:
    if "households" not in frames:
        return []
    households = frames["households"]
    odd = households["deregistration_reason"].notna() & households["deregistration_date"].isna()
    return [Problem("households.csv", int(line), "deregistration_reason", "reason-without-date",
                    "a deregistration reason is given but no deregistration_date", "warning")
            for line in households["_line"][odd]]


def future_dates(frames: Frames, today: date) -> list[Problem]:
    problems = []
    limit = np.datetime64(today, "s")
    for name, frame in frames.items():
        for spec in columns(EXTRACTS[name]):
            if spec.cell.kind != "date":
                continue
            values = frame[spec.name].to_numpy(dtype="datetime64[s]")
            future = ~np.isnat(values) & (values > limit)
            for index in np.flatnonzero(future)[:1000]:
                problems.append(Problem(_file(name), int(frame["_line"].iat[index]), spec.name, "future-date",
                                        f"{_uk(values[index])} is in the future", "warning"))
    return problems


def check_across_files(frames: Frames, today: date) -> list[Problem]:
    return [
        *unique_ids(frames), *references(frames), *approval_matches(frames),
        *overlapping_placements(frames), *one_hub(frames),
        *placements_before_approval(frames), *over_capacity(frames), *reasons_without_date(frames),
        *future_dates(frames, today),
    ]
