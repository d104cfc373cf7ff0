"""The PDF printed in a process of its own (:mod:`fosterreport.render.printer`): the same
bytes and the same errors as in-process, and nothing left running."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from fosterreport.cli import app
from fosterreport.exceptions import RenderError
from fosterreport.render.pdf import render_pdf
from fosterreport.render.printer import Printer

runner = CliRunner()
HTML = ('<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>Printer test</title>'
        '<meta name="dcterms.created" content="2024-05-23"><meta name="dcterms.modified" content="2024-05-23">'
        '</head><body><h1>Printer test</h1><p>One paragraph.</p></body></html>')


def test_the_printer_gives_the_bytes_render_pdf_gives_in_process(tmp_path):
    with Printer() as printer:
        printer.submit(HTML, tmp_path)
        data, pages, warnings = printer.result()
        printer.submit(HTML.replace("One paragraph", "Another"), tmp_path)  # it serves more than one
        second, _, _ = printer.result()
    assert (data, pages, warnings) == render_pdf(HTML, tmp_path)
    assert data.startswith(b"%PDF-") and pages == 1 and second != data
    assert printer.process.poll() is not None  # nothing left running


def test_a_refused_resource_is_the_same_render_error_as_in_process(tmp_path):
    html = HTML.replace("<p>One", '<img src="file:///etc/passwd" alt="x"><p>One')
    with pytest.raises(RenderError) as in_process:
        render_pdf(html, tmp_path)
    with Printer() as printer:
        printer.submit(html, tmp_path)
        with pytest.raises(RenderError) as printed:
            printer.result()
    assert str(printed.value) == str(in_process.value)
    assert "'file:///etc/passwd': outside the project folder" in str(printed.value)


def test_closing_while_a_pdf_is_printing_stops_the_process(tmp_path):
    printer = Printer()
    printer.submit(HTML * 1, tmp_path)
    printer.close()
    assert printer.process.poll() is not None


def test_a_printer_that_died_is_a_render_error(tmp_path):
    printer = Printer()
    printer.process.kill()
    printer.process.wait()
    with pytest.raises(RenderError, match=r"the PDF process stopped \(exit code -9\)"):
        printer.submit(HTML, tmp_path)
        printer.result()
    printer.close()


def test_the_build_command_starts_no_printer_without_a_pdf(tmp_path, monkeypatch):
    def no_printer():
        raise AssertionError("a printer was started for a build without a PDF")

    monkeypatch.setattr("fosterreport.render.printer.Printer", no_printer)
    result = runner.invoke(app, ["build", "--year", "2024", "--format", "md", "--quiet", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in Path(tmp_path).iterdir()) == ["fostering-report-2023-24.md", "kpis-2023-24.json"]
