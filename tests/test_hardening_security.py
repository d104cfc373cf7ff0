"""Security: the sandbox holds, nothing outside the project reaches the PDF, text from the
extracts and the config is inert in every output, and no command writes outside its folder.

* Known Jinja2 server-side template injection payloads (``__class__``/``__mro__``/
  ``__subclasses__``, ``self._TemplateReference__context``, ``cycler.__init__.__globals__``,
  ``|attr``, ``'{0.__class__}'.format``, ``%``-format and ``|format`` tricks) and the usual
  resource bombs, in a narrative and in a template override: refused, naming the file and
  the line (exit 3 from the command).
* The PDF engine's resources: ``file:``, ``http:``, path traversal and symlinks out of the
  project in ``<img>``, CSS ``url()`` and ``@import``, ``<link rel=attachment>``, SVG
  ``<use>``/``<image>`` (inline and inside the logo): a spy on WeasyPrint's own fetcher
  proves nothing outside the project is fetched; the secret never reaches the PDF.
* HTML, script, Markdown links and spreadsheet formulas in CSV text values (budget line,
  course, constellation) and config strings (authority, service, committee, author,
  title): escaped in HTML, inert in Markdown, neutralised in CSV.
* ``build`` and ``init`` never write through a symlink or outside the chosen folder.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fosterreport import exitcodes
from fosterreport.cli import app
from fosterreport.exceptions import RenderError
from fosterreport.render.narrative import render_placeholders

FIXTURE = Path(__file__).parent / "fixtures" / "kpis" / "year_2022_23"
runner = CliRunner()

ESCAPES = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ ''.__class__.__base__.__subclasses__()[0] }}",
    "{{ self._TemplateReference__context }}",
    "{{ self.__init__.__globals__ }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ joiner.__init__.__globals__ }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ lipsum.__globals__['os'] }}",
    "{{ ''|attr('__class__') }}",
    "{{ ''|attr('\\x5f\\x5fclass\\x5f\\x5f') }}",
    "{{ ''|attr('%c%cclass%c%c'|format(95,95,95,95)) }}",
    "{{ ''|attr('%c%cclass%c%c' % (95,95,95,95)) }}",
    "{{ '{0.__class__}'.format(kpi) }}",
    "{{ '{0.__class__.__mro__}'.format_map({'0': kpi}) }}",
    "{% for c in [].__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
    "{{ kpi._figures.results }}",
    "{{ kpi['_figures'] }}",
    "{{ kpi.enquiries._f.results.values }}",
    "{{ dict.__class__ }}",
    "{{ 'a' * 1000000000 }}",
    "{{ [1] * 100000000 }}",
    "{{ 9 ** 999999999 }}",
    "{{ '%*d' % (1000000000, 1) }}",
    "{{ '%0999999999d' % 1 }}",
    "{{ '%0999999999d'|format(1) }}",
    "{{ 'x'|center(1000000000) }}",
    "{{ 'x'.ljust(1000000000) }}",
    "{{ range(100000000)|list }}",
]


# -- the sandbox -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def narrative_variables():
    from report_fakes import make_results

    from fosterreport.context import Figures
    from fosterreport.render.narrative import KpiNamespace, PeriodView

    results = make_results()
    figures = Figures(results)
    return {"kpi": KpiNamespace(figures), "period": PeriodView(results.period), "authority": "A",
            "service": "S", "committee": "C"}


@pytest.mark.parametrize("payload", ESCAPES)
def test_a_narrative_cannot_escape_the_sandbox(narrative_variables, payload):
    with pytest.raises(RenderError) as raised:
        render_placeholders(f"Our year.\n\n{payload}\n", "narrative/summary.md", narrative_variables)
    message = str(raised.value)
    assert message.startswith("narrative/summary.md:3: "), message
    assert "os.popen" not in message and "uid=" not in message


@pytest.fixture(scope="module")
def fake_context(tmp_path_factory):
    from report_fakes import make_config, make_extracts, make_results

    from fosterreport.build import report_context

    project = tmp_path_factory.mktemp("templates") / "project"
    config = make_config(project)
    return report_context(make_results(), make_extracts(), config), project


def _override(project: Path, name: str, text: str):
    from report_fakes import make_config

    folder = project / "templates"
    (folder / "sections").mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return make_config(project, templates="templates")


@pytest.mark.parametrize("payload", [p.replace("kpi", "s") for p in ESCAPES
                                     if "kpi[" not in p and "_f." not in p and "_figures" not in p])
@pytest.mark.parametrize("kind", ["md", "html"])
def test_a_template_override_cannot_escape_the_sandbox(fake_context, payload, kind):
    from fosterreport.render.html import render_html
    from fosterreport.render.markdown import render_markdown

    context, project = fake_context
    name = f"sections/panel.{'md.j2' if kind == 'md' else 'html'}"
    config = _override(project / kind, name, f"## {{{{ s.heading }}}}\n\nPanel business.\n{payload}\n")
    with pytest.raises(RenderError) as raised:
        (render_markdown if kind == "md" else render_html)(context, config)
    message = str(raised.value)
    assert re.search(rf"sections/panel\.{'md.j2' if kind == 'md' else 'html'}:4\b", message), message


def _project(tmp_path: Path, report: str = "", narrative: dict[str, str] | None = None, extra: str = "") -> Path:
    """A project on the small KPI fixture data: ``report`` goes under [report], ``extra`` after it."""
    project = tmp_path / "project"
    (project / "narrative").mkdir(parents=True)
    shutil.copytree(FIXTURE, project / "data")
    for name, text in (narrative or {}).items():
        (project / "narrative" / name).write_text(text, encoding="utf-8")
    named = "" if "[authority]" in extra else '[authority]\nname = "Testshire County Council"\n'
    (project / "fosterreport.toml").write_text(f'{named}[report]\nmeeting_date = 2023-05-25\n{report}\n{extra}\n'
                                               '[data]\npath = "data"\n', encoding="utf-8")
    return project


def _build(project: Path, *formats: str, out: Path | None = None):
    return runner.invoke(app, ["build", "--config", str(project / "fosterreport.toml"), "--year", "2023",
                               "--format", ",".join(formats), "--out", str(out or project / "report")])


def test_the_commands_refuse_an_escape_with_exit_3_naming_file_and_line(tmp_path):
    project = _project(tmp_path, 'templates = "templates"',
                       {"panel.md": "Panel.\n\n{{ cycler.__init__.__globals__ }}\n"})
    (project / "templates").mkdir()  # a templates folder the config names must exist
    result = _build(project, "md")
    assert result.exit_code == exitcodes.RENDER
    assert "narrative/panel.md:3: not allowed in a narrative" in result.stderr
    (project / "narrative" / "panel.md").unlink()
    (project / "templates" / "sections").mkdir()
    (project / "templates" / "sections" / "panel.md.j2").write_text("## {{ s.heading }}\n{{ s|attr('__class__') }}\n")
    result = _build(project, "md")
    assert result.exit_code == exitcodes.RENDER
    assert "sections/panel.md.j2:2" in result.stderr and "unsafe" in result.stderr
    assert "Traceback" not in result.output and not (project / "report").exists()


# -- nothing outside the project reaches the PDF -------------------------------------------------------

SECRET = "ZQXSECRET"
#: The PDF tests' reports carry the cover (the logo) and the one section they override: the
#: PDF engine lays out all of a report before it refuses a resource, about 4 s of CPU for
#: the whole one, and what is refused or served is the same in a short report.
PANEL_ONLY = 'sections = ["panel"]'


def test_no_file_network_or_traversal_resource_reaches_the_pdf(tmp_path, monkeypatch):
    """A template override and a logo that try every way to pull a resource into the PDF;
    WeasyPrint's own fetcher is spied on, so only what it really fetched is recorded."""
    import weasyprint.urls

    secret = tmp_path / "secret.svg"
    secret.write_text(f"<svg xmlns='http://www.w3.org/2000/svg'><text>{SECRET}</text></svg>")
    (tmp_path / "secret.css").write_text(f"body::after {{ content: '{SECRET}' }}")
    project = _project(tmp_path, f'templates = "templates"\nlogo = "assets/logo.svg"\n{PANEL_ONLY}')
    (project / "assets").mkdir()
    (project / "assets" / "link.svg").symlink_to(secret)
    (project / "assets" / "inside.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg' width='4' height='4'/>")
    outside = secret.as_uri()
    (project / "assets" / "logo.svg").write_text(
        "<svg xmlns='http://www.w3.org/2000/svg' xmlns:xlink='http://www.w3.org/1999/xlink' width='80' height='20'>"
        f"<image href='{outside}' width='10' height='10'/><image xlink:href='../../secret.svg' width='10' height='10'/>"
        f"<use href='{outside}#x'/><use href='http://example.invalid/x.svg#y'/></svg>")
    (project / "templates" / "sections").mkdir(parents=True)
    (project / "templates" / "sections" / "panel.html").write_text(
        "<section id='s-panel'><h2>{{ s.heading }}</h2>\n"
        f"<img alt='a' src='{outside}'><img alt='b' src='../secret.svg'><img alt='c' src='../../secret.svg'>\n"
        "<img alt='d' src='assets/link.svg'><img alt='e' src='http://example.invalid/pixel.png'>\n"
        "<img alt='f' src='file:///etc/passwd'><img alt='g' src='assets/inside.svg'>\n"
        f"<link rel='attachment' href='{outside}'><link rel='attachment' href='file:///etc/passwd'>\n"
        f"<link rel='stylesheet' href='{(tmp_path / 'secret.css').as_uri()}'>\n"
        f"<style>@import url('{(tmp_path / 'secret.css').as_uri()}'); @import url(http://example.invalid/x.css);"
        f" .p {{ background: url('{outside}'); list-style-image: url(../secret.svg) }}</style>\n"
        f"<div class='p'>x</div><svg width='10' height='10'><use href='{outside}#x'/>"
        f"<image href='../secret.svg' width='5' height='5'/></svg>\n"
        "<object data='file:///etc/passwd'></object><iframe src='file:///etc/passwd'></iframe></section>\n",
        encoding="utf-8")
    fetched: list[str] = []
    original = weasyprint.urls.URLFetcher.fetch

    def spy(self, url, *args, **kwargs):
        fetched.append(url)
        return original(self, url, *args, **kwargs)

    monkeypatch.setattr(weasyprint.urls.URLFetcher, "fetch", spy)
    result = _build(project, "html", "pdf")
    # every refusal is an error naming the resource (exit 3), and nothing is written
    assert result.exit_code == exitcodes.RENDER, result.output
    message = result.stderr
    assert "PDF: a template or the logo asks for what the PDF may not load" in message
    for shown in ("'file:///etc/passwd': outside the project folder", "/project/assets/link.svg': a symbolic link",
                  "'http://example.invalid/pixel.png': not a file of the project",
                  "<link rel=attachment>: an attachment"):
        assert shown in message, message
    assert not (project / "report").exists()
    assert all(url.startswith("data:") for url in fetched), fetched  # (the fetcher reads files itself)
    assert SECRET not in result.output


def test_the_projects_own_asset_reaches_the_pdf_read_once_by_the_fetcher(tmp_path):
    project = _project(tmp_path, f'templates = "templates"\n{PANEL_ONLY}')
    (project / "assets").mkdir()
    (project / "assets" / "inside.svg").write_text(
        f"<svg xmlns='http://www.w3.org/2000/svg' width='40' height='10'><text y='9'>{SECRET}</text></svg>")
    (project / "templates" / "sections").mkdir(parents=True)
    (project / "templates" / "sections" / "panel.html").write_text(
        "<section id='s-panel'><h2>{{ s.heading }}</h2><img alt='inside' src='assets/inside.svg'></section>\n")
    result = _build(project, "pdf")
    assert result.exit_code == 0, result.output
    pdf = (project / "report" / "fostering-report-2022-23.pdf").read_bytes()
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as document:
        assert not document.attachments
        assert len(document.pages) > 1


def test_a_logo_outside_the_project_is_a_configuration_error(tmp_path):
    project = _project(tmp_path, 'logo = "../../etc/passwd"')
    result = _build(project, "html")
    assert result.exit_code == exitcodes.USAGE
    assert "[report] logo '../../etc/passwd' must be inside the project folder" in result.stderr
    assert "Traceback" not in result.output and not (project / "report").exists()


# -- text from the extracts and the config is inert everywhere ---------------------------------------

HOSTILE = {
    "script": "<script>alert('x')</script>",
    "img": "<img src=x onerror=alert(1)>",
    "link": "[click](javascript:alert(1))",
    "formula": "=cmd|' /C calc'!A0",
    "plus": "+HYPERLINK(\"http://x\")",
    "at": "@SUM(A1:A9)",
}


def _hostile_csv(path: Path, column: str, values: list[str]) -> None:
    """Each distinct value of ``column`` renamed to the next of ``values`` (so that rows
    that belonged together, such as one constellation's members, still do)."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    position = rows[0].index(column)
    renamed: dict[str, str] = {}
    for row in rows[1:]:
        row[position] = renamed.setdefault(row[position], values[len(renamed) % len(values)])
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    names = list(HOSTILE.values())
    report = (f"title = {json.dumps(HOSTILE['script'] + ' Report')}\ncommittee = {json.dumps(HOSTILE['link'])}\n"
              f"author = {json.dumps(HOSTILE['img'])}\n")
    authority = (f"[authority]\nname = {json.dumps(HOSTILE['formula'] + ' ' + HOSTILE['script'])}\n"
                 f"service = {json.dumps(HOSTILE['plus'])}\n")
    project = _project(root, report, {"summary.md": "We serve {{ authority }} for the {{ committee }}.\n",
                                      "finance.md": "The {{ service }} budget.\n"}, authority)
    data = project / "data"
    _hostile_csv(data / "budget.csv", "line", [HOSTILE["formula"], HOSTILE["at"], HOSTILE["script"], HOSTILE["link"]])
    _hostile_csv(data / "training.csv", "course", names)
    _hostile_csv(data / "mockingbird.csv", "constellation", [HOSTILE["img"], *names])
    result = _build(project, "html", "md")
    assert result.exit_code == 0, result.output
    printed = runner.invoke(app, ["kpis", "--config", str(project / "fosterreport.toml"), "--year", "2023",
                                  "--format", "csv", "--quiet"])
    assert printed.exit_code == 0, printed.output
    report = project / "report"
    return {"html": (report / "fostering-report-2022-23.html").read_text(encoding="utf-8"),
            "md": (report / "fostering-report-2022-23.md").read_text(encoding="utf-8"),
            "json": (report / "kpis-2022-23.json").read_text(encoding="utf-8"), "csv": printed.stdout}


def test_html_escapes_every_hostile_string(hostile_build):
    html = hostile_build["html"]
    assert not re.search(r"<script\b", html, flags=re.IGNORECASE)
    assert not re.search(r"<img[^>]*onerror", html, flags=re.IGNORECASE)
    assert not re.search(r"""(href|src)\s*=\s*["']?\s*javascript:""", html, flags=re.IGNORECASE)
    assert "[click](javascript:alert(1))" in html  # the committee's name, printed as text
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html  # shown as text, not dropped
    assert "=cmd|&#39; /C calc&#39;!A0" in html


def test_markdown_keeps_hostile_strings_inert(hostile_build):
    md = hostile_build["md"]
    assert not re.search(r"<script\b|<img\b", md, flags=re.IGNORECASE)
    assert not re.search(r"(?<!\\)\[click(?:\\)?\]\(javascript:", md)  # never a live link
    assert "\\[click\\](javascript:alert(1))" in md  # printed, escaped
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in md
    assert "=cmd\\|' /C calc'!A0" in md  # the pipe cannot split a table cell


def test_json_writes_markup_characters_escaped(hostile_build):
    text = hostile_build["json"]
    assert "<" not in text and ">" not in text and "&" not in text
    document = json.loads(text)
    assert HOSTILE["at"] in document["kpis"]["budget"]["by"]["line"]  # the same values, as data
    assert document["authority"].endswith(HOSTILE["script"])


def test_csv_neutralises_formulas_in_every_text_cell(hostile_build):
    rows = list(csv.reader(io.StringIO(hostile_build["csv"])))
    keys = [row[2] for row in rows[1:] if row[0] == "budget"]
    assert "'" + HOSTILE["formula"] in keys and "'" + HOSTILE["at"] in keys
    for row in rows[1:]:
        for cell in row[:3] + row[6:]:  # text cells; numbers are written as numbers
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row
        for cell in row[3:6]:
            assert re.fullmatch(r"-?\d+(\.\d+)?(e-?\d+)?|c|", cell), row


def test_no_hostile_markup_survives_raw_in_a_document(hostile_build):
    """(Course and constellation names are not printed at all; the config strings are, escaped.)"""
    for kind in ("html", "md", "json"):
        for name in ("script", "img"):
            assert HOSTILE[name] not in hostile_build[kind], (kind, name)


# -- never writing outside the chosen folders -------------------------------------------------------------


def test_build_replaces_symlinks_in_the_output_folder_and_never_writes_through_them(tmp_path):
    project = _project(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    victims = {}
    for name in ("fostering-report-2022-23.md", "kpis-2022-23.json", "fostering-report-2022-23.html"):
        victim = tmp_path / f"victim-{name}"
        victim.write_text("precious")
        (out / name).symlink_to(victim)
        victims[name] = victim
    stale = out / ".fosterreport-nohost.999999.x.tmp"
    stale.symlink_to(tmp_path / "victim-fostering-report-2022-23.md")
    result = _build(project, "html", "md", out=out)
    assert result.exit_code == 0, result.output
    for name, victim in victims.items():
        assert victim.read_text() == "precious"
        assert (out / name).is_file() and not (out / name).is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("victim")) == sorted(
        v.name for v in victims.values())


def test_init_never_writes_through_a_dangling_link_or_beside_a_file(tmp_path):
    project, elsewhere = tmp_path / "p", tmp_path / "elsewhere"
    project.mkdir()
    (project / "narrative").symlink_to(elsewhere, target_is_directory=True)  # dangling: elsewhere does not exist
    result = runner.invoke(app, ["init", str(project)])
    assert result.exit_code == exitcodes.USAGE, result.output
    assert "no file was written" in result.output and "Traceback" not in result.output
    assert not elsewhere.exists() and not (project / "fosterreport.toml").exists()
    (tmp_path / "afile").write_text("x")
    result = runner.invoke(app, ["init", str(tmp_path / "afile" / "p")])
    assert result.exit_code == exitcodes.USAGE, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert (tmp_path / "afile").read_text() == "x"
