"""A hostile fosterreport.toml ends in exit 2 and one located message, never a crash.

Each test is one input of issue 12's red-team table (or one of its kind), run through
the commands as a user would, asserting the exact message on stderr, exit 2, and that
no traceback or "internal error" is printed. ``build`` must refuse before writing.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kpi_frames import FIXTURES

from fosterreport import exitcodes
from fosterreport.cli import app
from fosterreport.config import MAX_CONFIG_BYTES, MAX_LOGO_BYTES, MAX_NESTING, nesting_problem

runner = CliRunner()
COMMANDS = ("validate", "kpis", "build")
#: A whole number no float can hold.
HUGE = "9" * 400


def _project(tmp_path: Path, toml: str) -> Path:
    project = tmp_path / "project"
    project.mkdir(exist_ok=True)
    shutil.copytree(FIXTURES / "year_2022_23", project / "data", dirs_exist_ok=True)
    (project / "fosterreport.toml").write_text(toml, encoding="utf-8")
    return project


def _run(command: str, project: Path):
    args = [command, "--config", str(project / "fosterreport.toml"), "--data", str(project / "data")]
    if command in ("kpis", "build"):
        args += ["--year", "2023"]
    if command == "build":
        args += ["--format", "md", "--out", str(project / "report"), "--quiet"]
    return runner.invoke(app, args)


def _refused(command: str, project: Path, *messages: str) -> None:
    """The command exits 2 printing exactly ``messages`` ({config} is the file) and nothing else."""
    result = _run(command, project)
    config = project / "fosterreport.toml"
    assert result.exit_code == exitcodes.USAGE, result.output
    assert result.stderr.splitlines() == [m.format(config=config, project=project.resolve()) for m in messages]
    assert result.stdout == ""
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert not (project / "report").exists()


# -- numbers --------------------------------------------------------------------------------

NUMBERS = [
    ("target_inf", "[targets]\napprovals = inf\n", "{config}:2: 'targets.approvals': Input should be a finite number"),
    ("target_nan", "[targets]\napprovals = nan\n", "{config}:2: 'targets.approvals': Input should be a finite number"),
    ("target_minus_1e308", "[targets]\napprovals = -1e308\n",
     "{config}:2: [targets] 'approvals' = -1e+308: too large: a count must lie between -1e15 and 1e15"),
    ("target_money_1e300", '[targets]\n"outturn.Staffing" = 1e300\n',
     "{config}:2: [targets] 'outturn.Staffing' = 1e+300: too large: a sum of money must lie between -1e15 and 1e15"),
    ("target_30_digits", "[targets]\napprovals = 123456789012345678901234567890\n",
     "{config}:2: [targets] 'approvals' = 1.23457e+29: too large: a count must lie between -1e15 and 1e15"),
    ("target_400_digits", f"[targets]\napprovals = {HUGE}\n",
     "{config}:2: 'targets.approvals': Input should be a valid number"),
    ("target_rate_400_digits", f"[targets]\nreviews_on_time_rate = -{HUGE}\n",
     "{config}:2: 'targets.reviews_on_time_rate': Input should be a valid number"),
    ("benchmark_inf", '[benchmarks]\napprovals = { value = -inf, label = "x" }\n',
     "{config}:2: 'benchmarks.approvals.value': Input should be a finite number"),
    ("benchmark_400_digits", f'[benchmarks]\n"outturn.Staffing" = {{ value = {HUGE}, label = "x" }}\n',
     "{config}:2: 'benchmarks.\"outturn.Staffing\".value': Input should be a valid number"),
    ("benchmark_money_1e300", '[benchmarks]\n"outturn.Staffing" = { value = -1e300, label = "x" }\n',
     "{config}:2: [benchmarks] 'outturn.Staffing' = -1e+300: too large: a sum of money must lie between -1e15 "
     "and 1e15"),
    ("rule_months_1e300", "[rules]\nassessment_timescale_months = 1e300\n",
     "{config}:2: 'rules.assessment_timescale_months': Input should be a whole number from 1 to 36"),
    ("rule_days_inf", "[rules]\nsupervision_interval_days = inf\n",
     "{config}:2: 'rules.supervision_interval_days': Input should be a finite number"),
    ("rule_tolerance_nan", "[rules]\nsimilar_tolerance = nan\n",
     "{config}:2: 'rules.similar_tolerance': Input should be less than or equal to 1"),
    ("rule_threshold_400_digits", f"[rules]\nrag_red_threshold = {HUGE}\n",
     "{config}:2: 'rules.rag_red_threshold': Input should be a valid number"),
    ("suppress_below_400_digits", f"[publication]\nsuppress_below = {HUGE}\n",
     "{config}:2: 'publication.suppress_below': Input should be less than or equal to 100"),
    ("suppress_below_minus_1e308", "[publication]\nsuppress_below = -1e308\n",
     "{config}:2: 'publication.suppress_below': Input should be a whole number from 0 to 100"),
]


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("toml, message", [case[1:] for case in NUMBERS], ids=[case[0] for case in NUMBERS])
def test_a_number_no_report_can_hold_is_refused_naming_its_key(tmp_path, command, toml, message):
    _refused(command, _project(tmp_path, toml), message)


# -- nesting ----------------------------------------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS)
def test_a_5000_deep_array_in_targets(tmp_path, command):
    project = _project(tmp_path, "[targets]\nx = " + "[" * 5000 + "]" * 5000 + "\n")
    _refused(command, project, f"{{config}}:2: nesting deeper than {MAX_NESTING} levels of arrays and tables")


def test_a_5000_deep_inline_table_in_an_unknown_table(tmp_path):
    project = _project(tmp_path, '[authority]\nname = "A"\n\n[elsewhere]\nx = ' + "{a = " * 5000 + "}" * 5000 + "\n")
    _refused("validate", project, f"{{config}}:5: nesting deeper than {MAX_NESTING} levels of arrays and tables")


def test_a_key_of_5000_dotted_parts(tmp_path):
    started = time.perf_counter()
    project = _project(tmp_path, "[targets]\n" + "a." * 50_000 + "b = 1\n")
    _refused("validate", project, f"{{config}}:2: a key of more than {MAX_NESTING} dotted parts")
    assert time.perf_counter() - started < 10  # tomllib would take minutes (its time is quadratic in the parts)


def test_brackets_and_dots_inside_strings_and_comments_are_not_nesting():
    text = ("# " + "[" * 40 + " " + "a." * 40 + "\n"
            f'x = "{"[" * 40}"\ny = \'{"{" * 40}\'\nz = """\n{"." * 40}\n"""\n'
            '"a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.a.b.c.d.e.f.g" = 1\n'
            + "w = " + "[" * MAX_NESTING + "]" * MAX_NESTING + "\n")
    assert nesting_problem(text) is None
    assert nesting_problem("w = " + "[" * (MAX_NESTING + 1)) == (
        f"line 1: nesting deeper than {MAX_NESTING} levels of arrays and tables")


def test_a_config_file_over_the_size_limit(tmp_path):
    project = _project(tmp_path, "")
    with (project / "fosterreport.toml").open("wb") as stream:
        stream.truncate(MAX_CONFIG_BYTES + 1)
    _refused("validate", project, f"{{config}}: {MAX_CONFIG_BYTES + 1:,} bytes; a config file may be at most "
                                  f"{MAX_CONFIG_BYTES:,} bytes")


# -- the logo ---------------------------------------------------------------------------------


def _with_logo(tmp_path: Path, name: str, content: bytes | None = None, size: int | None = None) -> Path:
    project = _project(tmp_path, f'[report]\nlogo = "assets/{name}"\n')
    (project / "assets").mkdir()
    with (project / "assets" / name).open("wb") as stream:
        if content is not None:
            stream.write(content)
        if size is not None:
            stream.truncate(size)  # sparse: 400 MB on paper, nothing on disk
    return project


@pytest.mark.parametrize("command", COMMANDS)
def test_a_400_mb_logo(tmp_path, command):
    project = _with_logo(tmp_path, "logo.png", b"\x89PNG\r\n\x1a\n", size=400 * 1024 * 1024)
    _refused(command, project, f"{{config}}:2: [report] logo 'assets/logo.png': {400 * 1024 * 1024:,} bytes; "
                               f"a logo may be at most {MAX_LOGO_BYTES:,} bytes (2 MB)")


def test_a_logo_just_under_the_limit_loads(tmp_path):
    project = _with_logo(tmp_path, "logo.jpg", b"\xff\xd8\xff\xe0", size=MAX_LOGO_BYTES)
    assert _run("validate", project).exit_code == exitcodes.OK


@pytest.mark.parametrize("name, content, what", [
    ("logo.png", b"GIF89a", "not a PNG file"),
    ("logo.jpeg", b"\x89PNG\r\n\x1a\n", "not a JPEG file"),
    ("logo.svg", b"<html><script>alert(1)</script></html>", "not an SVG file (its root element is not <svg>)"),
    ("logo.svg", b"<svg/>", "not an SVG file (its root element is not <svg>)"),  # no SVG namespace
    ("logo.svg", b"\x89PNG\r\n\x1a\n", "not an SVG file (its root element is not <svg>)"),
    ("logo.svg", b'<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;">]>'
                 b'<svg xmlns="http://www.w3.org/2000/svg">&b;</svg>', "an SVG logo may not declare entities"),
], ids=["gif_named_png", "png_named_jpeg", "html_named_svg", "svg_without_namespace", "png_named_svg",
        "svg_declaring_entities"])
def test_a_logo_that_is_not_what_its_name_says(tmp_path, name, content, what):
    project = _with_logo(tmp_path, name, content)
    _refused("validate", project, f"{{config}}:2: [report] logo 'assets/{name}': {what}")


def test_a_real_svg_logo_with_a_declaration_and_a_comment_loads(tmp_path):
    project = _with_logo(tmp_path, "logo.svg", b'<?xml version="1.0"?>\n<!-- crest -->\n'
                                               b'<svg xmlns="http://www.w3.org/2000/svg" width="10"><g/></svg>')
    assert _run("validate", project).exit_code == exitcodes.OK


# -- what a message quotes ------------------------------------------------------------------


def test_a_10000_character_target_key(tmp_path):
    project = _project(tmp_path, f'[targets]\n"{"k" * 10_000}" = 1\n')
    _refused("validate", project, "{config}:2: [targets] unknown KPI key '" + "k" * 60
             + "…' (`fosterreport kpis --list` lists every KPI)")


def test_a_10000_character_unknown_key(tmp_path):
    project = _project(tmp_path, f'[rules]\n{"r" * 10_000} = 1\n')
    _refused("kpis", project, "{config}:2: unknown key 'rules." + "r" * 54 + "…'")


def test_a_10000_character_code_map(tmp_path):
    project = _project(tmp_path, f'[data.codes.deregistration_reason]\n"{"L" * 10_000}" = "{"C" * 10_000}"\n')
    _refused("validate", project, "{config}:2: [data.codes.deregistration_reason] '" + "L" * 60 + "…' = '"
             + "C" * 60 + "…': not a deregistration_reason code (RESIGNED, TERMINATED, TRANSFERRED_IFA, "
             "TRANSFERRED_LA, ADOPTED, SGO, CHILD_MOVED_ON, OTHER)")


def test_a_3000_character_path(tmp_path):  # (the system refuses a path over 4,096)
    project = _project(tmp_path, f'[report]\nnarrative = "{"n/" * 1_500}x"\n')
    _refused("validate", project, "{config}:2: [report] narrative '" + "n/" * 30 + "…': folder not found: "
             "{project}/" + "n/" * 30 + "…")


def test_a_file_name_too_long_for_the_system(tmp_path):
    project = _project(tmp_path, f'[report]\nlogo = "{"l" * 10_000}.svg"\n')
    _refused("validate", project, "{config}:2: [report] logo '" + "l" * 60 + "…': cannot be used: File name too long")


def test_a_control_character_in_a_key_is_escaped(tmp_path):
    project = _project(tmp_path, '[targets]\n"\\u001b[2Japprovals\\u202e" = 1\n')
    _refused("validate", project, "{config}:2: [targets] unknown KPI key '\\x1b[2Japprovals\\u202e' "
                                  "(did you mean 'approvals'?)")


# -- text from data: a council folder's name ------------------------------------------------

HUB = FIXTURES.parent / "region" / "hub"
#: Backticks and pipes (a code span's and a table's delimiters), markup, a link, and a
#: terminal escape and a right-to-left override, which a Linux file name may hold.
HOSTILE = "a``b`|c|<img src=x onerror=alert(1)>*_[x](javascript:1)\x1b[31m\u202eZ"
#: What is left of it in every output: the control characters removed.
PRINTED = "a``b`|c|<img src=x onerror=alert(1)>*_[x](javascript:1)[31mZ"


def _hostile_hub(tmp_path: Path) -> Path:
    hub = tmp_path / "hub"
    shutil.copytree(HUB, hub)
    (hub / "gamma").rename(hub / HOSTILE)  # gamma has no config: it is called by its folder's name
    return hub


def _markdown_tokens(text: str) -> list:
    """Every token of ``text`` as GitHub reads it (markdown-it's CommonMark with tables)."""
    from markdown_it import MarkdownIt

    def walk(tokens):
        for token in tokens:
            yield token
            yield from walk(token.children or ())

    return list(walk(MarkdownIt("commonmark").enable("table").parse(text)))


def test_a_council_folder_named_with_backticks_pipes_and_markup_is_inert_in_the_regional_markdown(tmp_path):
    hub, out = _hostile_hub(tmp_path), tmp_path / "out"
    result = runner.invoke(app, ["build", "--region", str(hub), "--year", "2024", "--format", "md", "--out", str(out),
                                 "--quiet", "--workers", "1"])
    assert result.exit_code == exitcodes.OK, result.output
    assert sorted(path.name for path in out.iterdir()) == sorted([PRINTED, "alpha", "beta", "region"])
    text = (out / "region" / "regional-report-2023-24.md").read_text(encoding="utf-8")
    assert "\x1b" not in text and "\u202e" not in text
    tokens = _markdown_tokens(text)
    assert [t for t in tokens if t.type.startswith("html")] == []
    assert [t.attrs["href"] for t in tokens if t.type == "link_open" and not t.attrs["href"].startswith("#")] == []
    assert PRINTED in [t.content for t in tokens if t.type == "code_inline"]  # the whole name, in one code span
    rows = [line for line in text.splitlines() if line.startswith(f"| {PRINTED.split('`')[0]}")]
    assert rows  # its row of the councils table, with as many cells as the table's head
    table = text[text.index("| Council (folder) |"):]
    cells = [t for t in _markdown_tokens(table.split("\n\n")[0]) if t.type in ("th_open", "td_open")]
    assert len(cells) == 6 * 4  # the head and three councils, six cells each


def test_a_council_folder_named_with_markup_is_inert_in_html_json_csv_and_the_terminal(tmp_path):
    hub, out = _hostile_hub(tmp_path), tmp_path / "out"
    built = runner.invoke(app, ["build", "--region", str(hub), "--year", "2024", "--format", "html", "--out", str(out),
                                "--workers", "1"])
    assert built.exit_code == exitcodes.OK, built.output
    html = (out / "region" / "regional-report-2023-24.html").read_text(encoding="utf-8")
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    document = (out / "region" / "region-kpis-2023-24.json").read_text(encoding="utf-8")
    outputs = {"html": html, "json": document, "terminal": built.output}
    for kind in ("json", "csv", "table"):
        outputs[kind] = runner.invoke(app, ["kpis", "--region", str(hub), "--year", "2024", "--format", kind,
                                            "--workers", "1"], env={"NO_COLOR": "1", "COLUMNS": "200"}).stdout
    for kind, text in outputs.items():
        assert "\x1b" not in text and "\u202e" not in text, kind
    import json

    councils = [council["id"] for council in json.loads(outputs["json"])["councils"]]
    assert councils == ["alpha", "beta", PRINTED] or sorted(councils) == sorted(["alpha", "beta", PRINTED])
    assert "\\u003cimg" in outputs["json"]
    assert f"{PRINTED} ({PRINTED})" in outputs["table"]


def test_a_council_folder_of_control_characters_only(tmp_path):
    hub = tmp_path / "hub"
    shutil.copytree(HUB, hub)
    (hub / "gamma").rename(hub / "\x1b\u202e")
    result = runner.invoke(app, ["kpis", "--region", str(hub), "--year", "2024"])
    assert result.exit_code == exitcodes.USAGE
    assert result.stderr == f"{hub}: the council folder '\\x1b\\u202e' has no printable name\n"


def test_two_council_folders_differing_only_in_control_characters(tmp_path):
    hub = tmp_path / "hub"
    shutil.copytree(HUB, hub)
    shutil.copytree(hub / "gamma", hub / "gamma\u202e")
    result = runner.invoke(app, ["kpis", "--region", str(hub), "--year", "2024"])
    assert result.exit_code == exitcodes.USAGE
    assert result.stderr == (f"{hub}: the council folders 'gamma' and 'gamma\\u202e' differ only in control "
                             "characters\n")


def test_a_council_folder_name_of_255_characters_is_quoted_60(tmp_path):
    hub = tmp_path / "hub"
    shutil.copytree(HUB, hub)
    (hub / "gamma").rename(hub / ("\x1b" * 255))
    result = runner.invoke(app, ["kpis", "--region", str(hub), "--year", "2024"])
    assert result.exit_code == exitcodes.USAGE
    escaped = "\\x1b" * 60
    assert result.stderr == f"{hub}: the council folder '{escaped}…' has no printable name\n"


# -- the functions that make data text inert --------------------------------------------------


def test_markdown_text_escapes_every_inline_marker_and_markup():
    from fosterreport.text import markdown_text

    assert markdown_text("a`b|c*_[x](javascript:1)<b>&lt;#~\\") == \
        "a\\`b\\|c\\*\\_\\[x\\](javascript:1)&lt;b&gt;&amp;lt;\\#\\~\\\\"
    assert markdown_text("line\nbreak\x00\x1b\x85\u200e\u202a\u2066\tend") == "line break end"  # (a tab is a space in a table cell)
    assert markdown_text("Bath & North East Somerset") == "Bath & North East Somerset"  # no entity: kept


def test_markdown_code_fences_past_any_backtick_run():
    from fosterreport.text import markdown_code

    assert markdown_code("plain") == "`plain`"
    assert markdown_code("a``b`c") == "```a``b`c```"
    assert markdown_code("`edge`") == "`` `edge` ``"
    assert markdown_code("a|b\x1b") == "`a\\|b`"


def test_strip_controls_keeps_tabs_newlines_and_every_printable_character():
    from fosterreport.text import strip_controls

    assert strip_controls("é\t\n£—ü\u00a0\u05d0") == "é\t\n£—ü\u00a0\u05d0"
    assert strip_controls("".join(map(chr, [*range(0, 9), *range(11, 32), *range(127, 160)]))) == ""
    assert strip_controls("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c") == ""


def test_json_writes_control_and_bidi_characters_escaped():
    from fosterreport.kpis.export import json_text

    assert json_text({"line\u202e\x85": "a\x1b\x7f\u2066<"}) == \
        '{\n  "line\\u202e\\u0085": "a\\u001b\\u007f\\u2066\\u003c"\n}\n'
