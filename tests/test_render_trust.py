"""What the report prints where the data cannot support a figure, or would give one away:
n/a with its reason, and Appendix B without the dates and hash of a tiny file."""

from __future__ import annotations

from report_fakes import make_config, make_extracts, make_results

from fosterreport.build import report_context
from fosterreport.render.markdown import render_markdown


def _markdown(tmp_path, results=None, **publication):
    config = make_config(tmp_path / "project")
    if publication:
        config = config.model_copy(update={"publication": config.publication.model_copy(update=publication)})
    context = report_context(results or make_results(), make_extracts(), config)
    return context, render_markdown(context, config)


def test_a_figure_the_extracts_cannot_support_is_n_a_with_its_reason(tmp_path):
    results = make_results()
    supervision = results.values["supervision_timeliness_rate"]
    from fosterreport.kpis.results import uncovered

    supervision.before = uncovered(supervision.before, "visits.csv starts 1 April 2022")
    supervision.change, supervision.direction = None, "n/a"
    _, md = _markdown(tmp_path, results)
    row = next(line for line in md.splitlines() if line.startswith("| Households supervised within the interval |"))
    assert [cell.strip(" |") for cell in row.split(" | ")[2:5]] == ["n/a", "n/a", "n/a"]  # previous, change, direction
    assert ("Households supervised within the interval, 2021/22: n/a, because visits.csv starts 1 April 2022: "
            "the extracts do not reach back far enough to compute it.") in md


def test_a_file_of_fewer_rows_than_the_threshold_shows_no_dates_and_no_hash(tmp_path):
    extracts = make_extracts()
    small = min(extracts.files.values(), key=lambda info: info.rows)
    threshold = small.rows + 1
    context, md = _markdown(tmp_path, suppress_below=threshold)
    rows = {row.header: [cell.text for cell in row.cells] for row in context.data_quality["files"].rows}
    hidden = [name for name, cells in rows.items() if cells[0] == "c"]
    assert hidden and all(rows[name][1:3] == ["c", "c"] and rows[name][4] == "c" for name in hidden)
    shown = [name for name, cells in rows.items() if cells[0] != "c"]
    assert shown and all(len(rows[name][4]) == 64 for name in shown)  # the others keep their SHA-256
    assert small.sha256 not in md


def test_the_warning_total_is_withheld_when_a_group_is(tmp_path):
    context, md = _markdown(tmp_path, suppress_below=5)  # the fakes have one warning of each kind
    assert context.data_quality["warning_count"] == "c"
    assert "passed validation with c warnings" in md


def test_a_link_to_a_project_file_is_text_and_no_machine_path_reaches_the_pdf(tmp_path):
    from report_fakes import make_config

    from fosterreport.render.html import render_html
    from fosterreport.render.pdf import render_pdf

    project = tmp_path / "project"
    (project / "narrative").mkdir(parents=True)
    (project / "narrative" / "summary.md").write_text(
        "See [the minutes](minutes/panel.pdf), [the panel](#s-panel) and [Ofsted](https://www.gov.uk/ofsted).\n",
        encoding="utf-8")
    # (the summary the narrative is in and the panel it links to: what the PDF is read for
    # here does not need the rest, whose layout would cost the PDF engine some 4 s of CPU)
    config = make_config(project, sections=["summary", "panel"])
    context = report_context(make_results(), make_extracts(), config)
    from fosterreport.render.document import draw_charts

    draw_charts(context.charts)  # (an undrawn chart's img would be a resource the PDF refuses)
    html, md = render_html(context, config), render_markdown(context, config)
    assert "See the minutes, " in md and "minutes/panel.pdf" not in md
    assert 'href="minutes/panel.pdf"' not in html and 'href="#s-panel"' in html
    assert 'href="https://www.gov.uk/ofsted"' in html
    assert context.notices == ["narrative/summary.md: the link to 'minutes/panel.pdf' is printed as text: a link to "
                               "a project file would put this machine's path into the PDF (link to an https:// "
                               "address)"]
    pdf, _, _ = render_pdf(html, project)
    import pikepdf, io  # noqa: E401

    with pikepdf.open(io.BytesIO(pdf)) as document:
        uris = [str(annotation.A.URI) for page in document.pages for annotation in page.get("/Annots", [])
                if "/A" in annotation and "/URI" in annotation.A]
    assert "https://www.gov.uk/ofsted" in uris
    assert not [uri for uri in uris if uri.startswith("file:") or str(tmp_path) in uri]
    assert str(tmp_path).encode() not in pdf
