"""Charts: SVG with stable bytes, text kept as text, nothing drawn for a suppressed figure."""

from __future__ import annotations

import base64

from fosterreport.context import ChartSpec, Series, Table
from fosterreport.render.charts import data_uri, render_svg


def spec(kind="hbar"):
    table = Table("t", "caption", ["Stage", "2022/23"], [])
    if kind == "hbar":
        return ChartSpec("funnel", "hbar", "Recruitment funnel", "alt", ["Enquiries", "Visits", "Approvals"],
                         [Series("Funnel", [62.0, None, 10.0], ["62", "c", "10"])], table)
    return ChartSpec("trend", "trend", "Trend", "alt", ["2019/20", "2020/21", "2021/22"],
                     [Series("Households at end of year", [180.0, 175.0, 169.0], ["180", "175", "169"]),
                      Series("Approvals", [40.0, 45.0, 59.0], ["40", "45", "59"]),
                      Series("Deregistrations", [50.0, None, 76.0], ["50", "c", "76"])], table)


def test_same_spec_same_bytes_and_no_date():
    for kind in ("hbar", "trend"):
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
