"""A golden copy of the whole sample build: any change to a figure, a sentence, a table
or a chart of the report shows up here as a diff.

The test builds the embedded sample as a user does (``fosterreport build --year 2024
--format html,md``, which writes ``kpis-2023-24.json`` as well) once per session, into a
temporary folder, and compares every file with tests/golden/sample/: the HTML (with each
chart's SVG stored beside it in ``charts/``, so that it diffs as text), the Markdown and
the KPI JSON. The PDF is not kept (binary; tests/test_build.py covers it).

When a change is intended, regenerate every golden file and generated doc with ONE
command from the repository root, and review the diff before committing::

    python tests/regenerate_golden.py

(or ``FOSTERREPORT_REGEN_GOLDEN=1 pytest tests/test_golden_build.py``, which rewrites
tests/golden/sample/ from the build it has just made.)
"""

from __future__ import annotations

import json

import pytest

from golden_files import SAMPLE, SAMPLE_OUTPUTS, diff, regenerating, sample_texts, split_charts, \
    stored_sample, write_sample


@pytest.fixture(scope="module")
def built(sample_outputs):
    return sample_outputs


@pytest.fixture(scope="module")
def texts(built):
    made = sample_texts(built)
    if regenerating():
        write_sample(made)
    return made


def test_the_build_writes_html_markdown_and_json(built):
    assert sorted(built) == sorted(SAMPLE_OUTPUTS)


@pytest.mark.parametrize("name", SAMPLE_OUTPUTS)
def test_each_output_matches_its_golden_copy(texts, name):
    stored = SAMPLE / name
    assert stored.exists(), f"tests/golden/sample/{name} is missing: run `python tests/regenerate_golden.py`"
    expected = stored.read_text(encoding="utf-8")
    if texts[name] != expected:
        pytest.fail(diff(expected, texts[name], f"tests/golden/sample/{name}"), pytrace=False)


def test_each_chart_matches_its_golden_copy(texts):
    charts = {name: text for name, text in texts.items() if name.startswith("charts/")}
    stored = {name: text for name, text in stored_sample().items() if name.startswith("charts/")}
    assert len(charts) == 14, sorted(charts)  # funnel, reasons, trend, providers; the 10 sparklines
    assert sorted(stored) == sorted(charts), "charts added or removed: run `python tests/regenerate_golden.py`"
    for name, svg in charts.items():
        if svg != stored[name]:
            pytest.fail(diff(stored[name], svg, f"tests/golden/sample/{name}"), pytrace=False)


def test_nothing_else_is_stored(texts):
    assert sorted(stored_sample()) == sorted(texts)


def test_the_golden_copy_is_the_sample_report():
    """Guards the guard: the stored files are a real, whole report of the sample."""
    html = (SAMPLE / SAMPLE_OUTPUTS[0]).read_text(encoding="utf-8")
    md = (SAMPLE / SAMPLE_OUTPUTS[1]).read_text(encoding="utf-8")
    document = json.loads((SAMPLE / SAMPLE_OUTPUTS[2]).read_text(encoding="utf-8"))
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert md.startswith("# Fostering Service Annual Report 2023/24\n")
    assert document["period"]["label"] == "2023/24" and len(document["kpis"]) >= 60
    assert html.count('src="data:image/svg+xml;base64,(charts/chart-') == 14  # 4 charts, 10 sparklines


def test_split_charts_keeps_each_svg_and_says_where_it_went():
    svg = "<svg xmlns='http://www.w3.org/2000/svg'><text>7</text></svg>"
    import base64

    data = base64.b64encode(svg.encode()).decode()
    html, charts = split_charts(f'<img src="data:image/svg+xml;base64,{data}" alt="a"><img src="x.png">')
    assert charts == {"chart-1.svg": svg}
    assert html.startswith('<img src="data:image/svg+xml;base64,(charts/chart-1.svg, sha256 ')
    assert html.endswith('…)" alt="a"><img src="x.png">')


def test_a_difference_is_shown_as_a_short_unified_diff():
    expected = "".join(f"line {i}\n" for i in range(200))
    actual = expected.replace("line 5\n", "line five\n").replace("line 150\n", "")
    message = diff(expected, actual, "tests/golden/sample/x.md", limit=10)
    assert "--- tests/golden/sample/x.md (stored)\n+++ tests/golden/sample/x.md (built now)\n" in message
    assert "-line 5\n+line five\n" in message
    assert "-line 150" not in message and "more diff lines" in message
    assert message.endswith("run `python tests/regenerate_golden.py` and review `git diff`.")
