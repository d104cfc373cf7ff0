"""The PDF engine's guard rails, without rendering a whole report: the URL fetcher lets
through data: URIs and files inside the project only; the logo must be inside too."""

from __future__ import annotations

import pytest

from fosterreport.exceptions import ConfigError, RenderError
from fosterreport.render.pdf import render_pdf, restricted_fetcher


def test_fetcher_allows_data_and_project_files_only(tmp_path):
    project = tmp_path / "project"
    (project / "assets").mkdir(parents=True)
    (project / "assets" / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (tmp_path / "secret.txt").write_text("secret")
    fetcher = restricted_fetcher(project)
    assert fetcher.fetch("data:text/plain;base64,aGVsbG8=").read() == b"hello"
    assert b"<svg" in fetcher.fetch((project / "assets" / "logo.svg").as_uri()).read()
    for url in ((tmp_path / "secret.txt").as_uri(), "file:///etc/passwd",
                (project / "assets" / ".." / ".." / "secret.txt").as_uri(),
                "http://example.org/x.png", "https://example.org/x.css", "ftp://example.org/x"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_a_pdf_never_loads_what_the_fetcher_refuses(tmp_path):
    html = ('<!DOCTYPE html><html lang="en-GB"><head><title>T</title>'
            '<link rel="stylesheet" href="http://example.invalid/x.css"></head>'
            '<body><h1>T</h1><img alt="outside" src="file:///etc/passwd"></body></html>')
    with pytest.raises(RenderError) as raised:  # both refusals are named: an error, never a silent drop
        render_pdf(html, tmp_path)
    assert "'file:///etc/passwd': outside the project folder" in str(raised.value)
    assert "'http://example.invalid/x.css': not a file of the project" in str(raised.value)


def test_logo_outside_the_project_is_refused(tmp_path):
    from fosterreport.context import build_context
    from report_fakes import make_config, make_extracts, make_results

    (tmp_path / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    with pytest.raises(ConfigError, match="must be inside the project folder"):  # refused with the config: exit 2
        make_config(tmp_path / "project", logo="../logo.svg")
    (tmp_path / "project" / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    config = make_config(tmp_path / "project", logo="logo.svg")
    context = build_context(make_results(), make_extracts(), config)
    assert context.cover.logo_src.startswith("data:image/svg+xml;base64,")
