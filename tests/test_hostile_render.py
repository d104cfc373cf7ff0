"""Issue 12, the render side: each hostile input to a narrative, a template override or the
PDF ends in a located message and exit 2 or 3 (or in inert output), in bounded time and
memory; nothing outside the project, and no extract, reaches an output.

Each test would hang, exhaust memory or leak if its bound regressed; none times itself.
Output Markdown is checked with markdown-it-py (a CommonMark parser), not with the code
that writes it.
"""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from typer.testing import CliRunner

from fosterreport import exitcodes
from fosterreport.cli import app
from fosterreport.exceptions import RenderError
from fosterreport.render.narrative import MAX_BYTES, render_placeholders

FIXTURE = Path(__file__).parent / "fixtures" / "kpis" / "year_2022_23"
PDF = "fostering-report-2022-23.pdf"
runner = CliRunner()


def _project(tmp_path: Path, report: str = "", narrative: dict[str, str | bytes] | None = None) -> Path:
    project = tmp_path / "project"
    (project / "narrative").mkdir(parents=True)
    shutil.copytree(FIXTURE, project / "data")
    for name, text in (narrative or {}).items():
        path = project / "narrative" / name
        path.write_bytes(text) if isinstance(text, bytes) else path.write_text(text, encoding="utf-8")
    (project / "fosterreport.toml").write_text(
        '[authority]\nname = "Testshire County Council"\n[report]\nmeeting_date = 2023-05-25\n'
        f'{report}\n[data]\npath = "data"\n', encoding="utf-8")
    return project


def _build(project: Path, *formats: str):
    return runner.invoke(app, ["build", "--config", str(project / "fosterreport.toml"), "--year", "2023",
                               "--format", ",".join(formats), "--out", str(project / "report")])


def _validate(project: Path):
    return runner.invoke(app, ["validate", "--config", str(project / "fosterreport.toml")])


def _template(project: Path, name: str, text: str) -> None:
    path = project / "templates" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _links(markdown: str) -> list[str]:
    """Every link and image destination a CommonMark renderer would make live."""
    parser = MarkdownIt("commonmark").enable("table")
    parser.validateLink = lambda url: True
    found = []
    for token in parser.parse(markdown):
        if token.type == "html_block":
            found.append("raw-html:" + token.content[:40])
        for child in token.children or []:
            if child.type == "link_open":
                found.append(str(child.attrGet("href")))
            elif child.type == "image":
                found.append(str(child.attrGet("src")))
            elif child.type == "html_inline":
                found.append("raw-html:" + child.content[:40])
    return found


def _allowed(url: str) -> bool:
    return url.startswith(("http://", "https://", "mailto:", "#"))


VARIABLES = {"authority": "A", "service": "S", "committee": "C"}

# -- 1. control characters in a narrative ---------------------------------------------------


def test_nul_seven_nul_in_a_narrative_is_located_exit_3_in_build_and_2_in_validate(tmp_path):
    project = _project(tmp_path, narrative={"summary.md": b"Our year.\n\x007\x00\n"})
    result = _build(project, "md")
    assert result.exit_code == exitcodes.RENDER, result.output
    assert ("narrative/summary.md:2: control character U+0000 at column 1 is not allowed in a narrative; "
            "remove it") in result.stderr
    assert "internal error" not in result.output and not (project / "report").exists()
    result = _validate(project)
    assert result.exit_code == exitcodes.USAGE
    assert "narrative/summary.md:2  control character U+0000 at column 1" in result.stdout


def test_a_control_character_written_by_an_expression_is_refused_too():
    with pytest.raises(RenderError, match=r"^n\.md:1: control character U\+001B at column 3"):
        from fosterreport.render.narrative import _refuse_controls

        _refuse_controls(render_placeholders("ab{{ '\\x1b' }}", "n.md", VARIABLES), "n.md")


# -- 2. a summary of spaces at the size limit ------------------------------------------------


def test_a_summary_of_spaces_at_the_size_limit_renders_markdown(tmp_path):
    project = _project(tmp_path, narrative={"summary.md": " " * MAX_BYTES})
    result = _build(project, "md")  # (the quadratic regex took about 15 minutes here)
    assert result.exit_code == exitcodes.OK, result.output
    assert "is asked to note" in (project / "report" / "fostering-report-2022-23.md").read_text()


@pytest.mark.parametrize("text", ["<a " * (MAX_BYTES // 3), "[" * MAX_BYTES, "![" * (MAX_BYTES // 2),
                                  "[a](" + " " * MAX_BYTES, "<a x=\"" * (MAX_BYTES // 6), " \n" * (MAX_BYTES // 4)])
def test_the_narrative_markdown_of_a_pathological_file_is_linear(text):
    from fosterreport.render.narrative import markdown_plain, split_recommendation

    assert split_recommendation(text)[1] is None
    assert "<a" not in markdown_plain(text)


# -- 3. the sandbox's size bound, every way of building a string ------------------------------

BOMBS = [
    "{{ '{:z>3000000}'.format(1) }}",
    "{{ '{:{w}}'.format(1, w=3000000) }}",
    "{{ '{0}{0}{0}{0}'.format('a' * 999999) }}",
    "{{ 'x'|indent(3000000) }}",
    "{{ ('a\\n' * 400000)|indent(10) }}",
    "{{ ['a', 'b']|join('z' * 999999) }}",
    "{{ '%3000000d'|format(1) }}",
    "{{ '%(a)3000000d' % {'a': 1} }}",
    "{{ 'a' * 10**7 }}",
    "{{ 'x'|center(10**7) }}",
    "{{ 'x'.ljust(10**7) }}",
    "{{ ('a ' * 400000)|wordwrap(1, wrapstring='z' * 100) }}",
    "{{ ('a' * 1000)|replace('', 'z' * 1001) }}",
    "{{ ('a' * 1001).replace('a', 'z' * 1000) }}",
    "{{ 'a'|truncate(5, end='z' * 10**7) }}",
    "{{ 'ab'.translate({97: 'z' * 999999}) }}",
    "{{ 'a\\tb'.expandtabs(10**8) }}",
    "{% set x = 'a' * 999999 %}{{ x ~ x ~ x }}",
    "{% set x = 'a' * 999999 %}{{ x + x }}",
    "{% set x = 'a' * 999999 %}{{ ''.join([x, x]) }}",
    "{% set x = 'a' * 999999 %}{{ [x] * 100 }}",
    "{% set x = 'a' * 999999 %}{{ [x, x, x]|string }}",
    "{% macro m(x) %}{{ m(x ~ x) }}{% endmacro %}{{ m('a') }}",
    "{% set x = 'a' * 999999 %}{% set y %}{% for i in range(100000) %}{{ x }}{% endfor %}{% endset %}",
    "{% set x = 'a' * 999999 %}{% for i in range(100000) %}{% set y = x|upper %}{% endfor %}",
    "{% set x = 'a' * 999999 %}{% for i in range(100000) %}{% set y = x[1:] %}{% endfor %}",
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
]


@pytest.mark.parametrize("bomb", BOMBS)
def test_no_expression_builds_a_huge_string(bomb):
    with pytest.raises(RenderError) as raised:
        render_placeholders(f"Our year.\n{bomb}\n", "narrative/summary.md", VARIABLES)
    assert str(raised.value).startswith("narrative/summary.md:2: not allowed in a narrative ("), raised.value


@pytest.mark.parametrize("bomb", ["{{ lipsum(20000) }}", "{{ range(10**9)|list }}", "{{ 'x'|urlize }}"])
def test_lipsum_urlize_and_huge_ranges_are_gone(bomb):
    with pytest.raises(RenderError, match=r"^narrative/summary\.md:1: "):
        render_placeholders(bomb, "narrative/summary.md", VARIABLES)


def test_a_loop_writing_more_than_the_limit_is_stopped_at_it():
    from fosterreport.render.narrative import MAX_RENDERED

    with pytest.raises(RenderError) as raised:
        render_placeholders("{% set x = 'a' * 999999 %}{% for i in range(100000) %}{{ x }}{% endfor %}",
                            "narrative/summary.md", VARIABLES)
    assert str(raised.value) == f"narrative/summary.md: the rendered text exceeds {MAX_RENDERED:,} characters"


def test_ordinary_expressions_still_render():
    text = render_placeholders("{{ 'abcdef'[1:3] }} {{ '%05.1f'|format(2.5) }} {{ '{:>4}'.format(7) }} "
                               "{{ ['a', 'b']|join(', ') }} {{ 'x'|center(5) }}|{{ 'ab' ~ 'c' }}",
                               "n.md", VARIABLES)
    assert text == "bc 002.5    7 a, b   x  |abc"


def test_a_bomb_in_a_narrative_is_exit_3_from_build(tmp_path):
    project = _project(tmp_path, narrative={"summary.md": "Our year.\n\n{{ '{:z>3000000}'.format(1) }}\n"})
    result = _build(project, "md")
    assert result.exit_code == exitcodes.RENDER
    assert "narrative/summary.md:3: not allowed in a narrative (building a string or list longer than " \
           "1,000,000 is not allowed)" in result.stderr
    assert not (project / "report").exists()


def test_a_bomb_in_a_template_override_is_exit_3_naming_it(tmp_path):
    project = _project(tmp_path, 'templates = "templates"')
    _template(project, "sections/panel.md.j2", "## {{ s.heading }}\n{{ s.heading|indent(3000000) }}\n")
    result = _build(project, "md")
    assert result.exit_code == exitcodes.RENDER
    assert "sections/panel.md.j2:2: SecurityError: building a string or list longer than" in result.stderr


# -- 4. the PDF serves only the project's assets, and attaches nothing -------------------------

SECRET = "Smith,ZQX-CHILD-0042"


@pytest.fixture()
def pdf_project(tmp_path):
    project = tmp_path / "project"
    (project / "data").mkdir(parents=True)
    (project / "data" / "households.csv").write_text(f"carer,child\n{SECRET}\n")
    (project / "data" / "chart.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg' width='4' height='4'/>")
    (project / "assets").mkdir()
    (project / "assets" / "dot.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg' width='4' height='4'/>")
    (tmp_path / "outside.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg' width='4' height='4'/>")
    return project


def _pdf(project: Path, body: str):
    from fosterreport.render.pdf import render_pdf

    html = f'<!DOCTYPE html><html lang="en-GB"><head><title>T</title></head><body><h1>T</h1>{body}</body></html>'
    return render_pdf(html, project, excluded=(project / "data",))


@pytest.mark.parametrize("body, named", [
    ("<link rel=attachment href=data/households.csv>", "<link rel=attachment>: an attachment"),
    ("<link rel=attachment href=assets/dot.svg>", "<link rel=attachment>: an attachment"),
    ("<a rel=attachment href=data/households.csv>x</a>", "data/households.csv': an attachment"),
    ("<img alt=x src=data/households.csv>", "data/households.csv': in the data/ folder"),
    ("<img alt=x src=data/chart.svg>", "data/chart.svg': in the data/ folder"),
    ("<style>p { background: url(data/households.csv) }</style><p>x</p>", "households.csv': in the data/ folder"),
    ("<img alt=x src=file:///etc/hostname>", "'file:///etc/hostname': outside the project folder"),
    ("<img alt=x src=../outside.svg>", "outside.svg': outside the project folder"),
    ("<img alt=x src=http://example.invalid/x.png>", "'http://example.invalid/x.png': not a file of the project"),
    ("<style>@import url(assets/notes.txt);</style>", "notes.txt': not an image, stylesheet or font"),
])
def test_a_refused_resource_is_an_error_naming_it(pdf_project, body, named):
    (pdf_project / "assets" / "notes.txt").write_text(SECRET)
    with pytest.raises(RenderError) as raised:
        _pdf(pdf_project, body)
    message = str(raised.value)
    assert message.startswith("PDF: a template or the logo asks for what the PDF may not load: ")
    assert named in message, message
    assert SECRET not in message


def test_a_symlinked_asset_is_refused_and_a_real_one_served_as_bytes(pdf_project):
    from fosterreport.render.pdf import restricted_fetcher

    (pdf_project / "assets" / "link.svg").symlink_to(pdf_project.parent / "outside.svg")
    (pdf_project / "linked").symlink_to(pdf_project / "assets")
    with pytest.raises(RenderError, match="link.svg': a symbolic link"):
        _pdf(pdf_project, "<img alt=x src=assets/link.svg>")
    with pytest.raises(RenderError, match="linked/dot.svg': a symbolic link"):
        _pdf(pdf_project, "<img alt=x src=linked/dot.svg>")
    data, pages, _ = _pdf(pdf_project, "<img alt=x src=assets/dot.svg>")
    assert data.startswith(b"%PDF") and pages == 1
    # the fetcher hands WeasyPrint bytes, and no path it could open again later
    response = restricted_fetcher(pdf_project).fetch((pdf_project / "assets" / "dot.svg").resolve().as_uri())
    assert response.path is None and response.read().startswith(b"<svg")


def test_an_asset_swapped_for_a_link_after_it_was_read_changes_nothing(pdf_project):
    from fosterreport.render.pdf import restricted_fetcher

    fetcher = restricted_fetcher(pdf_project)
    url = (pdf_project / "assets" / "dot.svg").resolve().as_uri()
    response = fetcher.fetch(url)
    (pdf_project / "assets" / "dot.svg").unlink()
    (pdf_project / "assets" / "dot.svg").symlink_to(pdf_project / "data" / "households.csv")
    assert SECRET.encode() not in response.read()
    with pytest.raises(ValueError, match="blocked by fosterreport"):
        fetcher.fetch(url)


#: A report of the one section a test overrides: the PDF engine lays out all of a report
#: before it refuses what the report asks it to attach, about 4 s of CPU for the whole one.
PANEL_ONLY = 'sections = ["panel"]'


def test_a_template_attaching_an_extract_fails_the_build_and_writes_no_pdf(tmp_path):
    project = _project(tmp_path, f'templates = "templates"\n{PANEL_ONLY}')
    _template(project, "sections/panel.html",
              "<section id='s-panel'><h2>{{ s.heading }}</h2><link rel=attachment href=data/households.csv>"
              "<a rel=attachment href=data/households.csv>carers</a></section>\n")
    result = _build(project, "pdf")
    assert result.exit_code == exitcodes.RENDER, result.output
    assert "<link rel=attachment>: an attachment (a report embeds no files)" in result.stderr
    assert "households.csv': an attachment (a report embeds no files)" in result.stderr
    assert not (project / "report").exists()


# -- 5. templates and narratives are read with links refused ----------------------------------


def test_an_include_of_a_symlink_out_of_the_project_is_refused_by_build_and_validate(tmp_path):
    project = _project(tmp_path, 'templates = "templates"')
    _template(project, "sections/panel.html", "<section><h2>{{ s.heading }}</h2>{% include 'host.html' %}</section>\n")
    (project / "templates" / "host.html").symlink_to("/etc/hostname")
    result = _build(project, "html")
    assert result.exit_code == exitcodes.RENDER, result.output
    assert ("template templates/host.html: a symbolic link (links are not followed); templates must be files "
            "of the templates folder") in result.stderr
    assert not (project / "report").exists()
    result = _validate(project)
    assert result.exit_code == exitcodes.USAGE
    assert "templates/host.html  a symbolic link; templates must be files of the templates folder" in result.stdout


def test_a_template_in_a_symlinked_folder_is_refused(tmp_path):
    project = _project(tmp_path, 'templates = "templates"')
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "panel.md.j2").write_text("## {{ s.heading }}\nfrom outside\n")
    (project / "templates").mkdir()
    (project / "templates" / "sections").symlink_to(outside)
    result = _build(project, "md")
    assert result.exit_code == exitcodes.RENDER, result.output
    assert "a symbolic link (links are not followed)" in result.stderr
    assert "from outside" not in result.output


def test_a_narrative_that_is_a_symlink_is_refused_by_build_and_validate(tmp_path):
    project = _project(tmp_path)
    (tmp_path / "notes.md").write_text("Outside words.\n")
    (project / "narrative" / "summary.md").symlink_to(tmp_path / "notes.md")
    result = _build(project, "md")
    assert result.exit_code == exitcodes.RENDER
    assert ("narrative/summary.md: a symbolic link (links are not followed); narrative files must be files of "
            "the narrative/ folder") in result.stderr
    result = _validate(project)
    assert result.exit_code == exitcodes.USAGE
    assert "narrative/summary.md  a symbolic link (links are not followed)" in result.stdout


# -- 6. no live link but http(s), mailto and headings in the published Markdown ---------------

HOSTILE_LINKS = [
    "[escaped](javascript\\:alert(1))",
    "[entity](java&#115;cript:alert(2))",
    "[[nested](https://example.org/)](javascript:alert(3))",
    "[balanced [brackets] text](javascript:alert(4))",
    "[two\nlines](javascript:alert(5))",
    "[ref]\n\n[ref]:\n    javascript:alert(6)",
    "[split ref][r]\n\n[r]: <javascript:alert(7)>",
    "<javascript:alert(8)>",
    "![image](data:image/svg+xml,x)",
    "[![img](https://e.org/i.png)](javascript:alert(9))",
    '<a href="javascript:alert(10)">raw</a>',
    "[angle](<javascript:alert(11)>)",
    "[file](file:///etc/hostname)",
    "[tab](java\tscript:alert(12))",
]


@pytest.mark.parametrize("source", HOSTILE_LINKS)
def test_no_link_but_http_mailto_and_headings_is_live_in_the_markdown(tmp_path, source):
    project = _project(tmp_path, narrative={
        "summary.md": f"Before.\n\n{source}\n\nSee [Ofsted](https://www.gov.uk/ofsted) or [mail](mailto:a@b.org).\n"})
    result = _build(project, "md")
    assert result.exit_code == exitcodes.OK, result.output
    markdown = (project / "report" / "fostering-report-2022-23.md").read_text()
    links = _links(markdown)
    assert [url for url in links if not _allowed(url)] == []
    assert "https://www.gov.uk/ofsted" in links and "mailto:a@b.org" in links


def test_the_document_wide_guard_escapes_only_the_blocks_at_fault():
    from fosterreport.render.safe_markdown import inert_markdown

    text = "A [good](https://e.org) one.\n\nA [bad](javascript:x) one.\n\n[r]: javascript:y\n\n[r]\n"
    out = inert_markdown(text)
    assert _links(out) == ["https://e.org"]
    assert out.split("\n")[0] == "A [good](https://e.org) one."


# -- 7. text from data is inert in the Markdown -----------------------------------------------


def test_a_hostile_budget_line_is_one_inert_table_cell():
    from fosterreport.context.model import Cell, Row
    from fosterreport.render.templates import md_row

    hostile = "Carers | `x` <b>[l](javascript:1)</b> *e* _u_\x00\x1b\x0c\u202eevil\u2066 # h"
    row = Row(header=hostile, cells=[Cell(text="1")], code="A`|`B")
    line = md_row(row)
    table = f"| Budget line | Value |\n| --- | ---: |\n{line}\n"
    tokens = MarkdownIt("commonmark").enable("table").parse(table)
    cells = [t for t in tokens if t.type == "td_open"]
    assert len(cells) == 2, line
    assert _links(table) == []
    assert not any(ch in line for ch in "\x00\x1b\x0c\u202e\u2066")
    inline = [t for t in tokens if t.type == "inline"][2]
    assert [c.type for c in inline.children if c.type in ("em_open", "strong_open", "html_inline")] == []
    assert "``A`\\|`B``" in line


def test_markdown_text_strips_controls_and_bidi_and_escapes():
    from fosterreport.text import markdown_text

    assert markdown_text("a\u200fb\u202ac\x85d\te|f") == "abcd e\\|f"
    assert markdown_text("# [x] <y>") == "\\# \\[x\\] &lt;y&gt;"


def test_a_hostile_budget_line_in_html_is_escaped_without_controls(tmp_path):
    from fosterreport.render.templates import environment_for_folders

    env = environment_for_folders([], "html")
    env.autoescape = True
    out = env.from_string("<td>{{ v }}</td>").render(v="<b>\x00\u202eX</b>")
    assert out == "<td>&lt;b&gt;X&lt;/b&gt;</td>"
