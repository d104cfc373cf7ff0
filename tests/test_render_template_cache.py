"""The compiled-template cache (:func:`fosterreport.render.templates.compiled_templates`):
a fresh build takes the report's templates compiled, an edited template is compiled
anew, and a cache that cannot be read or written changes nothing but the time."""

from __future__ import annotations

import os

import pytest

from fosterreport.render import templates


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    folder.mkdir()
    monkeypatch.setattr(templates, "_compiled_templates", templates.template_cache(str(folder)))
    return folder


def rendered(project, name="page.html", **variables):
    return templates.environment_for_folders([project], "html").get_template(name).render(**variables)


def test_a_template_is_compiled_once_into_the_cache_and_read_from_it(tmp_path, cache):
    project = tmp_path / "project"
    project.mkdir()
    (project / "page.html").write_text("<p>{{ n + 1 }}</p>", encoding="utf-8")
    assert rendered(project, n=1) == "<p>2</p>"
    files = sorted(cache.iterdir())
    assert len(files) == 1 and files[0].stat().st_size > 0
    compiled = files[0].stat().st_mtime_ns
    assert rendered(project, n=2) == "<p>3</p>"
    assert sorted(cache.iterdir()) == files and files[0].stat().st_mtime_ns == compiled  # read, not written


def test_an_edited_template_is_compiled_anew_not_taken_from_the_cache(tmp_path, cache):
    project = tmp_path / "project"
    project.mkdir()
    page = project / "page.html"
    page.write_text("<p>before {{ n }}</p>", encoding="utf-8")
    assert rendered(project, n=1) == "<p>before 1</p>"
    page.write_text("<p>after {{ n }}</p>", encoding="utf-8")
    os.utime(page, ns=(0, 0))  # (the cache may not go by the file's time)
    assert rendered(project, n=1) == "<p>after 1</p>"


def test_a_corrupt_cache_file_is_compiled_afresh_with_the_same_output(tmp_path, cache):
    project = tmp_path / "project"
    project.mkdir()
    (project / "page.html").write_text("<p>{{ n * 2 }}</p>", encoding="utf-8")
    assert rendered(project, n=4) == "<p>8</p>"
    for file in cache.iterdir():
        file.write_bytes(file.read_bytes()[:40] + b"\\x00garbage")
    assert rendered(project, n=4) == "<p>8</p>"


def test_a_cache_folder_that_cannot_be_written_only_costs_time(tmp_path, monkeypatch):
    gone = tmp_path / "no-such-folder"  # every write fails: the folder is not there
    monkeypatch.setattr(templates, "_compiled_templates", templates.template_cache(str(gone)))
    project = tmp_path / "project"
    project.mkdir()
    (project / "page.html").write_text("<p>{{ n }}</p>", encoding="utf-8")
    assert rendered(project, n=7) == "<p>7</p>"
    assert not gone.exists()


def test_the_built_in_templates_render_the_same_bytes_from_the_cache(tmp_path, monkeypatch):
    """The sample report's HTML, rendered without a cache, into an empty one and from the
    filled one, is the same bytes each time."""
    from fosterreport.build import report_context, report_kpis
    from fosterreport.config import Config
    from fosterreport.embedded import sample_folder
    from fosterreport.periods import make_period
    from fosterreport.records import load_extracts
    from fosterreport.render.html import render_html

    config = Config()
    extracts = load_extracts(sample_folder(), config)
    context = report_context(report_kpis(extracts, make_period(2024), config), extracts, config)
    monkeypatch.setattr(templates, "_compiled_templates", False)
    uncached = render_html(context, config)
    monkeypatch.setattr(templates, "_compiled_templates", templates.template_cache(str(tmp_path)))
    into_the_cache = render_html(context, config)
    assert len(list(tmp_path.iterdir())) >= 5  # report.html and what it includes
    assert render_html(context, config) == into_the_cache == uncached
