"""The shortcuts taken for speed give exactly what the plain formulations give.

Each speed-up of issue 5 replaces a general formulation by a faster one for the common
case; these tests hold the two side by side on inputs built to find where they could
differ (impossible dates, every case of a blank spelling, households without an id,
files parsed on threads with problems in every column).
"""

from __future__ import annotations

import os
import random
import re
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from fosterreport import validation
from fosterreport.config import Config
from fosterreport.extracts import read_extract
from fosterreport.kpis import compute_kpis
from fosterreport.kpis.catalogue import BY_ID, CATALOGUE, HOUSEHOLD_TYPE, REASON, VACANCY
from fosterreport.kpis.engine import MODULES, figures_for, select
from fosterreport.kpis.measures import Derived, _count_by_pandas, count_by, index_in, is_in, rate_figure, stamp
from fosterreport.kpis.oversight import supervision_timeliness
from fosterreport.periods import make_period
from fosterreport.records import load_extracts
from fosterreport.values import BadValue, is_blank, parse_date


# -- dates read with numpy --------------------------------------------------------------


def date_texts() -> list[str]:
    months = ["Jan", "feb", "MAR", "aPr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Xyz", "Sept"]
    texts = []
    for day in range(0, 40):
        for month in range(0, 15):
            for year in (0, 1, 4, 100, 400, 1600, 1900, 1999, 2000, 2004, 2023, 2024, 2100, 9999):
                texts += [f"{day:02d}/{month:02d}/{year:04d}", f"{year:04d}-{month:02d}-{day:02d}",
                          f"{day:02d}-{months[month - 1] if month else 'Jan'}-{year:04d}"]
    rng = random.Random(1)
    for text in rng.sample(texts, 2000):
        texts += [text + rng.choice([" 00:00", "T12:34", " 99:99:99", "T1:00", " 00:00:00.5", " 00-00", "x00:00",
                                     " 00:00:0", ":00:00", " 00:0a", "  00:00"])]
    return texts + ["1/4/2020", " 01/04/2020", "01/04/2020 ", "01-04-2020", "2020/04/01", "01-Apr-20", "",
                    "\u0660\u0661/\u0660\u0664/\u0662\u0660\u0662\u0660", "01/04/202a", "ab/cd/efgh", "null"]


USUAL = re.compile(r"([0-9]{2}/[0-9]{2}/[0-9]{4}|[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{2}-[A-Za-z]{3}-[0-9]{4})"
                   r"([ T][0-9]{2}:[0-9]{2}(:[0-9]{2})?)?")


def test_dates_read_at_once_are_those_parse_date_reads():
    texts = date_texts()
    values, read = validation._plain_dates(pa.array(texts))
    assert read.sum() > len(texts) / 4  # the shortcut does take the usual spellings
    for text, value, taken in zip(texts, values, read):
        try:
            expected = np.datetime64(parse_date(text), "s")
        except BadValue:
            expected = None
        if taken:
            assert value == expected, text
        elif expected is not None:  # left to the parser: fine, as long as it is not a usual spelling
            assert not USUAL.fullmatch(text), text


def test_dates_of_a_sliced_array():
    texts = pa.array(date_texts())
    values, read = validation._plain_dates(texts)
    part_values, part_read = validation._plain_dates(texts.slice(7, 500))
    assert (part_read == read[7:507]).all() and (part_values[part_read] == values[7:507][read[7:507]]).all()


# -- blanks -----------------------------------------------------------------------------------


def test_blank_mask_is_is_blank():
    spellings = ["", "null", "n/a", "na", "none", "nan"]
    texts = [None, " ", "\t", "x", "H1", "nulls", "nanny", "n / a", "ñ", "NUL", "K", "\u212a"]
    for spelling in spellings:  # every mix of cases, with and without spaces
        for mask in range(1 << len(spelling)):
            cased = "".join(c.upper() if mask >> i & 1 else c for i, c in enumerate(spelling))
            texts += [cased, f" {cased}", f"{cased}\t", f"x{cased}"]
    found = validation._blank_mask(pa.array(texts, pa.string()))
    assert found.tolist() == [is_blank(text) for text in texts]


# -- threads -----------------------------------------------------------------------------------


def test_threaded_parse_gives_the_same_frame_and_problems(tmp_path, monkeypatch):
    rng = random.Random(7)
    first = date(2016, 4, 1)
    lines = ["enquiry_id,enquiry_date,source,household_type_sought,initial_visit_date,application_date,"
             "approval_date,household_id,closed_date,closed_reason"]
    for number in range(3000):
        day = first + timedelta(days=rng.randrange(2000))
        later = day + timedelta(days=rng.randrange(-30, 300))
        lines.append(",".join([
            rng.choice([f"E{number}", f"E{number}", "", "NULL"]),
            rng.choice([day.strftime("%d/%m/%Y"), day.isoformat(), "31/02/2023", "", "soon"]),
            rng.choice(["WEBSITE", "Website", "ZZZ", ""]),
            rng.choice(["MAINSTREAM", "", "Kinship", "nope"]),
            rng.choice([later.strftime("%d/%m/%Y"), "", "13/13/2020"]),
            rng.choice([later.strftime("%d-%b-%Y"), ""]),
            rng.choice(["", later.strftime("%d/%m/%Y 00:00")]),
            rng.choice(["", "H1"]),
            rng.choice(["", later.isoformat()]),
            rng.choice(["", "NOT_ELIGIBLE", "AW1", "what"]),
        ]))
    path = tmp_path / "enquiries.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def parsed(threaded_rows: int):
        monkeypatch.setattr(validation, "THREADED_ROWS", threaded_rows)
        monkeypatch.setattr(validation, "_cores", lambda: 2)
        raw = read_extract("enquiries", path)
        return validation.parse_extract(raw, {}), raw.problems

    one_thread, one_thread_problems = parsed(10 ** 9)
    two_threads, two_threads_problems = parsed(0)
    pd.testing.assert_frame_equal(one_thread, two_threads, check_exact=True)
    assert len(one_thread_problems) > 100 and one_thread_problems == two_threads_problems


# -- KPI measures -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample():
    from fosterreport.cli.app import sample_folder

    return load_extracts(sample_folder(), Config())


def test_count_by_in_arrow_is_count_by_in_pandas(sample):
    households = sample.frames["households"]
    rng = np.random.default_rng(3)
    weights = pd.Series(rng.integers(0, 5, len(households)), index=households.index)
    for frame in (households, households.iloc[:0], households[households["household_type"].isna()]):
        for axis, column in ((HOUSEHOLD_TYPE, "household_type"), (REASON, "deregistration_reason")):
            w = weights.loc[frame.index]
            assert count_by(frame, column, axis) == _count_by_pandas(frame, column, axis, None, axis.keys)
            assert count_by(frame, column, axis, w) == _count_by_pandas(frame, column, axis, w, axis.keys)
    mixed = pd.DataFrame({"vacancy": np.where(rng.random(50) < 0.5, "PRIMARY", "SECONDARY")})
    assert count_by(mixed, "vacancy", VACANCY) == _count_by_pandas(mixed, "vacancy", VACANCY, None, VACANCY.keys)


def test_is_in_and_index_in_are_the_pandas_ones():
    values = pd.Series(["a", None, "b", "c", "a", None], dtype="str")
    known = pd.Series(["c", "a", None], dtype="str")
    assert is_in(values, known).tolist() == values.isin(known).tolist()
    assert index_in(values, known).tolist() == pd.Index(known).get_indexer(values).tolist()
    assert is_in(values, known.iloc[:0]).tolist() == [False] * len(values)


# 15 seeded random councils in the default run (each checked in 3 periods x 3 intervals),
# 150 with ``pytest --fuzz-long``
TIMELINESS_CASES = 150 if os.environ.get("FOSTERREPORT_FUZZ", "").lower() == "long" else 15


def reference_supervision_timeliness(households, supervision, period, interval):
    """The pandas formulation the numpy one replaced, kept as the reference."""
    start, end = stamp(period.start), stamp(period.end)
    approval, deregistration = households["approval_date"], households["deregistration_date"]
    active = (approval <= end) & (deregistration.isna() | ((deregistration > start) & (deregistration > approval)))
    window = households.loc[active, ["household_id", "approval_date"]].copy()
    last_day = deregistration[active] - timedelta(days=1)
    window["window_end"] = last_day.where(last_day.notna(), end).clip(upper=end).to_numpy()
    visits = supervision[["household_id", "visit_date"]].merge(window, on="household_id", how="inner")
    visits = visits[(visits["visit_date"] >= visits["approval_date"]) & (visits["visit_date"] <= visits["window_end"])]
    contacts = pd.concat([
        window[["household_id", "approval_date"]].rename(columns={"approval_date": "day"}),
        visits[["household_id", "visit_date"]].rename(columns={"visit_date": "day"}),
        window[["household_id", "window_end"]].rename(columns={"window_end": "day"}),
    ], ignore_index=True).sort_values(["household_id", "day"], kind="stable")
    contacts["since"] = contacts.groupby("household_id")["day"].shift()
    gaps = contacts[contacts["since"].notna()]
    reaches_period = (gaps["day"] >= start) & (gaps["since"] < end)
    late = reaches_period & ((gaps["day"] - gaps["since"]).dt.days > interval)
    return rate_figure(len(window) - gaps.loc[late, "household_id"].nunique(), len(window))


def test_supervision_timeliness_is_the_pandas_formulation():
    rng = random.Random(5)

    def day():
        return pd.NaT if rng.random() < 0.1 else pd.Timestamp(2019, 1, 1) + pd.Timedelta(days=rng.randrange(2200))

    for _ in range(TIMELINESS_CASES):
        size = rng.randrange(0, 30)
        households = pd.DataFrame({
            "household_id": pd.array([f"H{rng.randrange(40)}" if rng.random() > 0.05 else None for _ in range(size)],
                                     dtype="str"),
            "approval_date": pd.array([day() for _ in range(size)], dtype="datetime64[s]"),
            "deregistration_date": pd.array([day() if rng.random() < 0.4 else pd.NaT for _ in range(size)],
                                            dtype="datetime64[s]"),
        }).drop_duplicates("household_id")
        count = rng.randrange(0, 200)
        visits = pd.DataFrame({
            "household_id": pd.array([f"H{rng.randrange(45)}" if rng.random() > 0.05 else None
                                      for _ in range(count)], dtype="str"),
            "visit_date": pd.array([day() for _ in range(count)], dtype="datetime64[s]"),
        })
        for period in (make_period(2021), make_period(2022, 2), make_period(2020, 4)):
            for interval in (30, 42, 90):
                found = supervision_timeliness(households, visits, period, interval)
                expected = reference_supervision_timeliness(households, visits, period, interval)
                assert (found.value, found.numerator, found.denominator) == (
                    expected.value, expected.numerator, expected.denominator)
                assert type(found.numerator) is type(expected.numerator)


def reference_placed(households: pd.DataFrame, placements: pd.DataFrame) -> list[int]:
    """The children placed in each approved household, as the pandas steps the numpy
    count replaced: each (household, child) pair once, looked up by household id."""
    placed = (placements.dropna(subset=["household_id"]).drop_duplicates(["household_id", "child_id"])
              ["household_id"].value_counts())
    return households["household_id"].map(placed).fillna(0).astype("int64").tolist()


def test_the_places_tables_children_are_the_pandas_count():
    from fosterreport.kpis.households import occupancy_table

    rng = random.Random(8)
    period = make_period(2024)
    for case in range(60):
        size = rng.randrange(0, 25)
        households = pd.DataFrame({
            "household_id": pd.array([f"H{n}" for n in rng.sample(range(40), size)], dtype="str"),
            "household_type": pd.array([rng.choice(HOUSEHOLD_TYPE.keys) for _ in range(size)], dtype="str"),
            "approval_date": pd.array([pd.Timestamp(2020, 1, 1)] * size, dtype="datetime64[s]"),
            "deregistration_date": pd.array([pd.Timestamp(2024, 1, 1) if rng.random() < 0.3 else pd.NaT
                                             for _ in range(size)], dtype="datetime64[s]"),
            "approved_places": pd.array([rng.randrange(1, 4) for _ in range(size)], dtype="Int64"),
        })
        count = rng.randrange(0, 60)  # children placed twice, blank households and children, unapproved homes
        placements = pd.DataFrame({
            "household_id": pd.array([f"H{rng.randrange(45)}" if rng.random() > 0.1 else None for _ in range(count)],
                                     dtype="str"),
            "child_id": pd.array([f"C{rng.randrange(15)}" if rng.random() > 0.05 else None for _ in range(count)],
                                 dtype="str"),
            "placement_kind": pd.array(["MAIN"] * count, dtype="str"),
            "provider": pd.array(["IN_HOUSE"] * count, dtype="str"),
            "start_date": pd.array([pd.Timestamp(2023, 1, 1)] * count, dtype="datetime64[s]"),
            "end_date": pd.array([pd.NaT] * count, dtype="datetime64[s]"),
        })
        table = occupancy_table({"households": households, "placements": placements}, period)
        approved = households[households["deregistration_date"].isna()]
        assert table["household_id"].tolist() == approved["household_id"].tolist(), case
        assert table["placed"].tolist() == reference_placed(approved, placements), case
    assert sum(table["placed"]) > 0  # the last case placed children: the comparison counted some


# -- the engine ------------------------------------------------------------------------------


def test_trend_years_taken_from_the_period_and_the_year_before_are_as_computed(sample):
    period = make_period(2024)
    results = compute_kpis(sample, period, trend=5)
    wanted = [kpi for kpi in select(None) if kpi.section in ("households", "recruitment")]
    assert [point.period.label for point in results.trend] == ["2019/20", "2020/21", "2021/22", "2022/23",
                                                               "2023/24"]  # the loop below has five years
    for point in results.trend:
        fresh = figures_for(sample.frames, point.period, Config(), wanted)
        assert point.values == {kpi_id: figure.value for kpi_id, figure in fresh.items()}
        assert point.by == {kpi_id: figure.by for kpi_id, figure in fresh.items()}


def test_sections_give_the_same_figures_with_or_without_the_shared_selections(sample):
    config = Config()
    shared = Derived(sample.frames)
    for period in (make_period(2024), make_period(2023), make_period(2023, 2), make_period(2024, 3, ytd=True)):
        assert all(name in sample.frames for _, required in MODULES.values() for name in required)
        for section, (module, required) in MODULES.items():
            if all(name in sample.frames for name in required):
                every = frozenset(kpi.id for kpi in CATALOGUE if kpi.section == section)
                assert module.compute(shared, period, config, every) == module.compute(
                    dict(sample.frames), period, config, every), section
    assert shared.kept  # the selections were shared


def test_each_kpi_asked_for_alone_is_the_figure_computed_with_all_the_others(sample):
    """A section leaves out what no wanted KPI needs (the places table, for a month's
    approvals): each KPI on its own must still be computed, and be the same figure."""
    config = Config()
    for period in (make_period(2024), make_period(2024, 3)):
        every = figures_for(sample.frames, period, config, list(CATALOGUE))
        assert len(every) == len(CATALOGUE)  # the sample has every file: the loop checks every KPI
        for kpi in CATALOGUE:
            assert figures_for(sample.frames, period, config, [kpi]) == {kpi.id: every[kpi.id]}, kpi.id


def test_a_month_of_approvals_alone_does_not_build_the_places_table(sample, monkeypatch):
    import fosterreport.kpis.households as households

    built = []
    monkeypatch.setattr(households, "occupancy_table",
                        lambda *args, real=households.occupancy_table: built.append(1) or real(*args))
    figures_for(sample.frames, make_period(2024), Config(), [BY_ID["approvals"], BY_ID["households_end"]])
    assert built == []
    figures_for(sample.frames, make_period(2024), Config(), [BY_ID["approvals"], BY_ID["occupancy_rate"]])
    assert built == [1]


# -- cross-file checks ---------------------------------------------------------------------------


def reference_with_household(frame, households):
    """The pandas join the arrow lookup replaced, kept as the reference."""
    approvals = households.drop_duplicates("household_id").set_index("household_id")["approval_date"]
    return frame.assign(household_approval=approvals.reindex(frame["household_id"].to_numpy()).to_numpy())


def test_approval_checks_are_the_pandas_join():
    from fosterreport import checks

    rng = random.Random(11)

    def day():
        return pd.NaT if rng.random() < 0.2 else pd.Timestamp(2020, 1, 1) + pd.Timedelta(days=rng.randrange(40))

    def ids(count, blank=0.1):
        return pd.array([None if rng.random() < blank else f"H{rng.randrange(30)}" for _ in range(count)], dtype="str")

    for _ in range(100):
        size = rng.randrange(0, 25)
        households = pd.DataFrame({"household_id": ids(size, 0.05),
                                   "approval_date": pd.array([day() for _ in range(size)], dtype="datetime64[s]"),
                                   "_line": np.arange(2, size + 2)})
        count = rng.randrange(0, 60)
        enquiries = pd.DataFrame({"household_id": ids(count),
                                  "approval_date": pd.array([day() for _ in range(count)], dtype="datetime64[s]"),
                                  "_line": np.arange(2, count + 2)})
        placements = pd.DataFrame({"household_id": ids(count),
                                   "provider": pd.array([rng.choice(["IN_HOUSE", "IFA", None]) for _ in range(count)],
                                                        dtype="str"),
                                   "start_date": pd.array([day() for _ in range(count)], dtype="datetime64[s]"),
                                   "_line": np.arange(2, count + 2)})
        frames = {"households": households, "enquiries": enquiries, "placements": placements}

        approved = enquiries[enquiries["approval_date"].notna() & enquiries["household_id"].notna()]
        joined = reference_with_household(approved, households)
        differ = joined["household_approval"].notna() & (joined["approval_date"] != joined["household_approval"])
        expected = [(int(line), checks._uk(own), checks._uk(theirs)) for line, own, theirs in
                    zip(joined["_line"][differ], joined["approval_date"][differ], joined["household_approval"][differ])]
        found = checks.approval_matches(frames)
        assert [p.line for p in found] == [line for line, _, _ in expected]
        assert [p.message for p in found] == [
            f"approval ({own}) differs from the household's approval_date in households.csv ({theirs})"
            for _, own, theirs in expected]

        in_house = placements[(placements["provider"] == "IN_HOUSE") & placements["household_id"].notna()]
        joined = reference_with_household(in_house, households)
        early = joined["household_approval"].notna() & (joined["start_date"] < joined["household_approval"])
        found = checks.placements_before_approval(frames)
        assert [p.line for p in found] == [int(line) for line in joined["_line"][early]]
        assert [p.message for p in found] == [
            f"the placement starts ({checks._uk(own)}) before its household's approval ({checks._uk(theirs)})"
            for own, theirs in zip(joined["start_date"][early], joined["household_approval"][early])]
