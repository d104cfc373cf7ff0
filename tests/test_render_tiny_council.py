"""The report of a five-household council at ``suppress_below = 100``: every figure in its
sections (tables, sentences, cards, chart alternatives) is withheld, zero, n/a or money."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fosterreport.build import build_report
from fosterreport.config import Config
from fosterreport.periods import make_period
from fosterreport.records import load_extracts
from fosterreport.sample import generate_sample

NUMBER = re.compile(r"(?<![\w/£.,−+-])[+−-]?\d[\d,]*(?:\.\d+)?(?:%| pts)?(?![\w/])")
#: Words that carry a number which is not a figure of the service.
NOT_FIGURES = re.compile(r"\b(?:19|20)\d\d(?:/\d\d)?\b|\b\d{1,2} (?:January|February|March|April|May|June|July|"
                         r"August|September|October|November|December)\b|Table \d+|Figure \d+|^#+ \d+\.|"
                         r"\(\d+\)|Q[1-4]|\b\d+\. |\d+ (?:days|calendar months)\b|below 100|1 to 99|"
                         r"fewer than 100|Regulation 24|at most [\d.]+%|up to [\d.]+%|MAINSTREAM = 35|"
                         r"Appendix [AB]|v?\d+\.\d+\.\d+")
#: Finance figures made from budget.csv alone rest on no person (the one exception).
FINANCE = ("£", "| Budget variance rate |", "| Funded placements |")


@pytest.fixture(scope="module")
def sections(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("five")
    generate_sample(folder / "data", seed=7, years=4, households=5)
    config = Config(base=folder, authority={"name": "Tiny Borough Council"},
                    publication={"suppress_below": 100})
    extracts = load_extracts(folder / "data", config)
    build_report(extracts, config, make_period(2024), folder / "out", formats=("md",))
    text = (folder / "out" / "fostering-report-2023-24.md").read_text(encoding="utf-8")
    return text.split("## Appendix A")[0].split("## 1. Summary")[1]


def test_the_sections_publish_no_figure_built_on_a_small_count(sections):
    leaks = []
    for line in sections.splitlines():
        if any(mark in line for mark in FINANCE) or not line.strip():
            continue
        cleaned = NOT_FIGURES.sub(" ", line)
        leaks += [(number, line[:100]) for number in NUMBER.findall(cleaned)
                  if number.lstrip("+−-").rstrip("%").replace(" pts", "").strip("0.,")]
    assert leaks == []
    assert sections.count("| c |") > 20  # there was much to withhold
