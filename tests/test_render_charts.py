"""Charts: SVG with stable bytes, text kept as text, nothing drawn for a suppressed figure."""

from __future__ import annotations

import base64

from fosterreport.context import ChartSpec, Series, Table
from fosterreport.render.charts import data_uri, render_svg


def spec(kind="hbar"):
    table = Table("t", "caption", ["Stage", "2022/23"], [])
    if kind == "funnels":
        stages = [("Enquiries", [796.0, 26.0, 41.0, 0.0], ["796", "26", "41", "0"]),
                  ("Initial visits", [507.0, 16.0, 27.0, 0.0], ["507", "16", "27", "0"]),
                  ("Approvals", [139.0, None, 6.0, 0.0], ["139", "c", "6", "0"])]
        return ChartSpec("funnels", "funnels", "Recruitment funnels compared", "alt",
                         ["Region (4 councils)", "Anyshire County Council",
                          "Wrenmoor Metropolitan Borough Council", "Empty Council"],
                         [Series(name, values, texts) for name, values, texts in stages], table)
    if kind == "hbar":
        return ChartSpec("funnel", "hbar", "Recruitment funnel", "alt", ["Enquiries", "Visits", "Approvals"],
                         [Series("Funnel", [62.0, None, 10.0], ["62", "c", "10"])], table)
    return ChartSpec("trend", "trend", "Trend", "alt", ["2019/20", "2020/21", "2021/22"],
                     [Series("Households at end of year", [180.0, 175.0, 169.0], ["180", "175", "169"]),
                      Series("Approvals", [40.0, 45.0, 59.0], ["40", "45", "59"]),
                      Series("Deregistrations", [50.0, None, 76.0], ["50", "c", "76"])], table)


def test_same_spec_same_bytes_and_no_date():
    for kind in ("hbar", "trend", "funnels"):
        first, second = render_svg(spec(kind)), render_svg(spec(kind))
        assert first == second
        assert b"<dc:date>" not in first
        assert first.startswith(b"<?xml")


def test_text_is_text_and_labels_include_suppression_marker():
    svg = render_svg(spec()).decode()
    assert "<text" in svg and "Enquiries" in svg and ">c<" in svg
    assert "DejaVu Sans" in svg


def test_data_uri_round_trips():
    svg = render_svg(spec())
    uri = data_uri(svg)
    assert uri.startswith("data:image/svg+xml;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]) == svg


def test_the_regional_funnels_are_a_panel_a_council_three_to_a_row_drawn_without_matplotlib():
    import re

    drawn = spec("funnels")
    svg = render_svg(drawn).decode()
    assert "matplotlib" not in svg
    # every panel's numbers are printed, the withheld one as "c" with no bar
    assert [re.sub(r"<[^>]+>", "", t) for t in re.findall(r"<text[^>]*>[^<]*</text>", svg)].count("c") == 1
    bars = re.findall(r'<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)"', svg)
    assert len(bars) == 12 - 1 - 3  # a bar a stage a council, but the withheld one and the empty council's
    lefts = sorted({float(x) for x, _, _ in bars})
    assert len(lefts) == 3  # three columns of panels
    empty_title = float(re.search(r'<text x="[\d.]+" y="([\d.]+)"[^>]*>Empty Council<', svg).group(1))
    assert empty_title > max(float(y) for _, y, _ in bars)  # the fourth panel starts a second row
    # stage names once a row, at its left; a long title is wrapped in its panel
    assert svg.count(">Enquiries<") == 2
    assert ">Wrenmoor Metropolitan<" in svg and ">Borough Council<" in svg
    # each panel on its own scale: Anyshire's 26 enquiries fill its panel as the region's 796 do
    first_row = min(float(y) for _, y, _ in bars)
    longest = {float(x): float(width) for x, y, width in sorted(bars, key=lambda bar: float(bar[2]))
               if float(y) == first_row}
    assert longest[lefts[1]] > 0.8 * longest[lefts[0]]
