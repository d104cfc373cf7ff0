"""The region's figures, checked against values worked out by hand.

``tests/fixtures/region/hub`` is a hub of three tiny councils (a dozen rows each): alpha
and beta with households and enquiries, gamma with households only and no
fosterreport.toml, plus ``notes/``, which is not a council. For 2023/24:

=================  =====  =====  =====  ========================================
                   alpha  beta   gamma  region
=================  =====  =====  =====  ========================================
households_start   2      3      1      6
approvals          2      1      1      4
deregistrations    1      1      0      2
households_end     3      3      2      8  (previous: 2 + 3 + 1 = 6)
deregistration     1/4    1/4    0/2    (1+1+0) / (4+4+2) = 2/10 = 0.2
  rate                                  (the mean of the rates would be 0.1667)
enquiries          3      6      —      9  (gamma supplied no enquiries.csv)
approvals from     2      1      —      3
  enquiries
enquiry to         2/3    1/6    —      3/9 = 0.3333 (mean of rates: 0.4167)
  approval rate
median days        212,   276    —      pooled 212, 219, 276 → 219
  enquiry to       219                  (median of medians: 245.75)
  approval         →215.5
=================  =====  =====  =====  ========================================

Day counts: alpha AE1 1 Nov 2022 → 1 Jun 2023 = 212, AE2 10 Apr → 15 Nov 2023 = 219;
beta BE1 1 May 2023 → 1 Feb 2024 = 276.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fosterreport.config import Config, Publication, load_config
from fosterreport.exceptions import UsageError
from fosterreport.periods import make_period
from fosterreport.region import compute_region, discover_councils, load_region
from fosterreport.region.councils import CouncilFolder, council_config
from fosterreport.region.export import to_json as region_to_json
from fosterreport.region.figures import CouncilFigure, rank

HUB = Path(__file__).parent / "fixtures" / "region" / "hub"
YEAR = make_period(2024)


@pytest.fixture(scope="module")
def region():
    loaded = load_region(HUB)
    return compute_region(loaded.councils, YEAR, loaded.config, trend=2)


def test_councils_are_the_sub_folders_with_extracts_in_name_order():
    councils = discover_councils(HUB)
    assert [c.key for c in councils] == ["alpha", "beta", "gamma"]  # notes/ has neither extracts nor config
    assert councils[0].config_path == HUB / "alpha" / "fosterreport.toml"
    assert councils[2].config_path is None


def test_a_folder_called_region_or_no_council_at_all_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="no council sub-folders"):
        discover_councils(tmp_path)
    shutil.copytree(HUB / "gamma", tmp_path / "region")
    with pytest.raises(UsageError, match="may not be called 'region'"):
        discover_councils(tmp_path)
    with pytest.raises(UsageError, match="region folder not found"):
        discover_councils(tmp_path / "missing")


def test_names_come_from_each_councils_config_else_its_folder(region):
    assert region.name == "Test Hub"
    assert [(c.key, c.name) for c in region.councils] == [
        ("alpha", "Alpha Council"), ("beta", "Beta Borough Council"), ("gamma", "gamma")]


def test_counts_are_summed(region):
    assert [region[k].value for k in ("households_start", "approvals", "deregistrations", "households_end")] == [
        6, 4, 2, 8]
    assert region["households_end"].previous == 6
    assert region["households_end"].direction == "improved"
    assert {key: f.value for key, f in region["households_end"].councils.items()} == {
        "alpha": 3, "beta": 3, "gamma": 2}


def test_rates_are_recomputed_from_summed_numerators_and_denominators(region):
    rate = region["deregistration_rate"]
    assert (rate.numerator, rate.denominator) == (2, 10)
    assert rate.value == pytest.approx(0.2)  # not (0.25 + 0.25 + 0) / 3
    conversion = region["enquiry_to_approval_rate"]
    assert (conversion.numerator, conversion.denominator) == (3, 9)
    assert conversion.value == pytest.approx(1 / 3)  # not (2/3 + 1/6) / 2
    assert conversion.aggregation == "ratio"


def test_a_council_without_the_file_is_left_out_of_the_regional_figure_and_named(region):
    assert region["enquiries"].value == 9
    assert list(region["enquiries"].councils) == ["alpha", "beta"]
    assert region["enquiries"].not_reporting == ["gamma"]


def test_the_median_is_taken_over_the_pooled_cases(region):
    median = region["median_days_enquiry_to_approval"]
    assert median.value == 219.0 and median.cases == 3  # not the median of 215.5 and 276
    assert median.councils["alpha"].value == 215.5 and median.councils["beta"].value == 276.0
    assert median.previous == 212.0  # beta's BE7, 1 Feb to 1 Sep 2022


def test_each_councils_median_keeps_the_cases_it_is_taken_over():
    import statistics

    from fosterreport.kpis import compute_kpis

    loaded = load_region(HUB)
    checked = 0
    for council in loaded.councils:
        if "enquiries" not in council.extracts.frames:
            continue
        results = compute_kpis(council.extracts, YEAR, council.config)
        for kpi_id in ("median_days_enquiry_to_approval", "median_days_application_to_approval"):
            figure = results[kpi_id].figure
            assert figure.basis == (len(figure.samples),)
            assert figure.value == (float(statistics.median(figure.samples)) if figure.samples else None)
            checked += bool(figure.samples)
    assert checked >= 2  # alpha and beta both have approvals from enquiries


def test_ranks_follow_polarity_and_ties_share_a_rank(region):
    lower = region["deregistration_rate"].councils  # lower is better: gamma's 0 is best
    assert [(lower[k].rank, lower[k].tied) for k in ("alpha", "beta", "gamma")] == [(2, True), (2, True), (1, False)]
    higher = region["households_end"].councils  # 3, 3, 2: joint first, then third
    assert [(higher[k].rank, higher[k].tied) for k in ("alpha", "beta", "gamma")] == [(1, True), (1, True), (3, False)]


def test_neutral_kpis_are_not_ranked(region):
    entry = region["assessments_in_progress_end"]
    assert entry.kpi.polarity == "neutral" and not entry.ranked
    assert all(f.rank is None for f in entry.councils.values())


def test_rank_counts_published_figures_only():
    figures = {key: CouncilFigure(value, None, "n/a") for key, value in
               (("a", 0.5), ("b", 0.9), ("c", 0.7), ("d", 0.9), ("e", None))}
    figures["c"].suppressed = True
    rank(figures, "higher")
    assert {k: (f.rank, f.tied) for k, f in figures.items()} == {
        "a": (3, False), "b": (1, True), "c": (None, False), "d": (1, True), "e": (None, False)}


def test_distance_is_from_the_regional_rate_and_from_the_average_council_for_counts(region):
    conversion = region["enquiry_to_approval_rate"].councils
    assert conversion["alpha"].distance == pytest.approx(2 / 3 - 1 / 3)
    assert conversion["beta"].distance == pytest.approx(1 / 6 - 1 / 3)
    assert conversion["alpha"].share is None
    households = region["households_end"].councils  # 8 households, 8/3 for the average council
    assert households["gamma"].distance == pytest.approx(2 - 8 / 3)
    assert households["alpha"].share == pytest.approx(3 / 8)


def test_the_regional_trend_sums_each_year(region):
    assert [p.period.label for p in region.trend] == ["2022/23", "2023/24"]
    assert [p.values["households_end"] for p in region.trend] == [6, 8]
    # 2022/23: one enquiry (alpha's AE1) and one approval (beta's BE7, who enquired the year before)
    assert region.trend[0].values["enquiry_to_approval_rate"] == 1.0
    assert "complaints" not in region.trend[0].values  # household and recruitment figures only


# -- settings and suppression -----------------------------------------------------------------


def _hub_copy(tmp_path: Path, region_toml: str, **council_tomls: str) -> Path:
    hub = tmp_path / "hub"
    shutil.copytree(HUB, hub)
    (hub / "fosterreport.toml").write_text(region_toml, encoding="utf-8")
    for key, text in council_tomls.items():
        (hub / key / "fosterreport.toml").write_text(text, encoding="utf-8")
    return hub


def test_councils_take_rules_and_suppression_from_the_region_unless_they_set_them(tmp_path):
    hub = _hub_copy(tmp_path, "[rules]\nsimilar_tolerance = 0.1\nsupervision_interval_days = 30\n"
                              "[publication]\nsuppress_below = 5\n",
                    alpha='[authority]\nname = "Alpha Council"\n[rules]\nsimilar_tolerance = 0.0\n'
                          '[publication]\nsuppress_below = 0\n')
    from fosterreport.region import region_config

    region = region_config(hub)
    alpha = council_config(CouncilFolder("alpha", hub / "alpha", hub / "alpha" / "fosterreport.toml"), region)
    assert alpha.rules.similar_tolerance == 0.0 and alpha.rules.supervision_interval_days == 30
    assert alpha.publication.suppress_below == 0
    gamma = council_config(CouncilFolder("gamma", hub / "gamma"), region)
    assert (gamma.rules.similar_tolerance, gamma.publication.suppress_below) == (0.1, 5)
    assert gamma.authority.name == "gamma" and gamma.base == (hub / "gamma").resolve()
    assert gamma.authority.service == "gamma fostering service"  # not the default Anyshire's
    assert region.authority.name == Config().authority.name  # the hub's toml sets no name here ...
    assert load_region(hub).name == "hub"  # ... so the hub is called by its folder's name


def test_suppression_applies_per_council_and_to_small_regional_figures():
    hub = load_config(HUB / "fosterreport.toml")
    loaded = load_region(HUB, hub.model_copy(update={"publication": Publication(suppress_below=3)}))
    region = compute_region(loaded.councils, YEAR, loaded.config, trend=0)
    assert region.suppress_below == 3
    households = region["households_end"].councils  # 3, 3, 2: gamma's 2 is hidden
    assert [households[k].suppressed for k in ("alpha", "beta", "gamma")] == [False, False, True]
    assert (households["gamma"].rank, households["gamma"].distance, households["gamma"].share) == (None, None, None)
    assert [households[k].rank for k in ("alpha", "beta")] == [1, 1]  # ranked among the published
    conversion = region["enquiry_to_approval_rate"]  # 2/3 and 1/6: both numerators are small
    assert conversion.councils["alpha"].suppressed and conversion.councils["beta"].suppressed
    assert not conversion.suppressed  # 3/9 for the region
    median = region["median_days_enquiry_to_approval"]  # by the number of cases: 2, 1, and 3 pooled
    assert median.councils["alpha"].suppressed and not median.suppressed
    deregistrations = region["deregistrations"]  # 1 + 1 + 0 = 2: the regional figure is small too
    assert deregistrations.suppressed
    assert all(f.distance is None and f.share is None for f in deregistrations.councils.values())
    assert not deregistrations.councils["gamma"].suppressed  # 0 is published
    document = region_to_json(region)
    assert document["kpis"]["deregistrations"]["region"]["value"] is None
    assert document["kpis"]["deregistrations"]["region"]["suppressed"] is True
    assert document["kpis"]["enquiry_to_approval_rate"]["councils"]["beta"]["numerator"] is None


def test_the_pool_unfreezes_what_it_froze_before_forking_its_workers():
    """The imports made before the pool forks are moved out of the collector's way
    (gc.freeze) only until the workers have started; this process collects them again."""
    import gc

    from fosterreport.region.build import Jobs

    jobs = Jobs(2, preload=("json",))
    found = []
    jobs.add((0,), abs, -3, found.append)
    jobs.run()
    assert found == [3]
    assert gc.get_freeze_count() == 0
