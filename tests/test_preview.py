"""``fosterreport preview``: served on 127.0.0.1 only, rebuilt when a file changes, problems
in the page, the server still running after them.

One server for the module, on a free port, over a project holding a copy of the sample's
extracts: each test that edits a file puts it back and waits until the report builds
again. Waits are on the server's own signals (the event stream, the long-poll) with a
generous deadline: nothing here asserts a time (the save-to-page latency is measured in
benchmarks/preview.py).
"""

from __future__ import annotations

import json
import re
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fosterreport import exitcodes
from fosterreport.cli import app
from fosterreport.embedded import sample_folder

#: Longest a test waits for a rebuild it caused (a busy 2-core machine builds in ~1 s).
DEADLINE = 90.0
SUMMARY = "The service did well.\n\nWe had {{ kpi.enquiries }} enquiries in {{ period.label }}.\n"
runner = CliRunner()


def make_project(root: Path) -> Path:
    project = root / "project"
    (project / "narrative").mkdir(parents=True)
    (project / "narrative" / "summary.md").write_text(SUMMARY, encoding="utf-8")
    shutil.copytree(sample_folder(), project / "data")
    (project / "fosterreport.toml").write_text('[authority]\nname = "Testshire County Council"\n\n[data]\n'
                                               'path = "data"\n', encoding="utf-8")
    return project


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    from fosterreport.cli.preview import start_preview

    project = make_project(tmp_path_factory.mktemp("preview"))
    server = start_preview(year="2024", config=project / "fosterreport.toml", quiet=True, port=0).start()
    try:
        yield server, project
    finally:
        server.stop()


def get(server, path: str = "/") -> tuple[int, str]:
    try:
        with urllib.request.urlopen(server.url.rstrip("/") + path, timeout=DEADLINE) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def version(server, after: int | None = None) -> int:
    query = "" if after is None else f"?after={after}"
    return json.loads(get(server, f"/version{query}")[1])["version"]


def save(path: Path, text: str) -> None:
    """As an editor saves: a new file put in place of the old one."""
    temporary = path.with_name(f".{path.name}.saving")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def served_when(server, check, before: int) -> tuple[int, str]:
    """The page once a rebuild after version ``before`` serves one ``check`` accepts (an
    editor's save may come as more than one batch of changes, so more than one version)."""
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        before = version(server, after=before)
        status, page = get(server)
        if check(status, page):
            return status, page
    raise AssertionError(f"no page passing the check within {DEADLINE} s; last: {status} {page[:500]}")


def test_the_report_is_served_with_a_reload_script_that_built_reports_never_carry(served):
    server, _project = served
    status, page = get(server)
    assert status == 200
    assert "<title>Fostering Service Annual Report 2023/24: Testshire County Council</title>" in page
    assert page.count('new EventSource("/events")') == 1
    assert page.rindex("<script>") > page.rindex("</footer>")  # just before </body>, after the report
    golden = Path(__file__).parent / "golden" / "sample" / "fostering-report-2023-24.html"
    assert "<script" not in golden.read_text(encoding="utf-8")


def test_the_served_page_is_the_report_build_writes_but_for_the_reload_script(served, tmp_path):
    """The preview shows the report the build makes, every section of it (the month by
    month section included): the same KPIs, trend and months, through the build's own
    report_kpis. (Before the narrative tests below change the project.)"""
    server, project = served
    _, page = get(server)
    result = runner.invoke(app, ["build", "--year", "2024", "--format", "html", "--quiet", "--out",
                                 str(tmp_path / "out"), "--config", str(project / "fosterreport.toml")])
    assert result.exit_code == 0, result.output
    built = next((tmp_path / "out").glob("*.html")).read_text(encoding="utf-8")
    assert 'id="s-months"' in built
    assert re.sub(r"<script>.*?</script>\n?", "", page, flags=re.S) == built


def test_a_saved_narrative_is_announced_on_the_event_stream_and_served(served):
    server, project = served
    summary = project / "narrative" / "summary.md"
    extracts, results = server.preview.extracts, server.preview.results
    with urllib.request.urlopen(server.url + "events", timeout=DEADLINE) as events:
        first = events.readline()
        assert first.startswith(b"data: ")
        shown = int(first.split()[1])
        try:
            save(summary, SUMMARY + "\nEnquiries this year: {{ kpi.enquiries }} (a new sentence).\n")
            line = b""
            while not line.startswith(b"data: "):  # (a blank line ends each event)
                line = events.readline()
            assert int(line.split()[1]) > shown
            _status, page = served_when(server, lambda status, page: "(a new sentence)" in page, shown)
            assert "Enquiries this year: " in page and "{{" not in page
            # a narrative edit keeps the extracts and the KPIs loaded
            assert server.preview.extracts is extracts and server.preview.results is results
        finally:
            save(summary, SUMMARY)
            served_when(server, lambda status, page: status == 200 and "(a new sentence)" not in page, shown)


def test_a_misspelt_placeholder_shows_the_located_problem_escaped_and_the_server_recovers(served, capsys):
    server, project = served
    summary = project / "narrative" / "summary.md"
    before = version(server)
    save(summary, SUMMARY + "\n<b>Bold</b> {{ kpi.enquries }} here.\n")
    try:
        status, page = served_when(server, lambda status, page: status == 500, before)
        assert '<html lang="en">' in page and "<h1>The report was not rebuilt: 1 problem</h1>" in page
        assert ("<li><code>narrative/summary.md:5:16</code>: unknown placeholder &#x27;kpi.enquries&#x27; "
                "(did you mean &#x27;kpi.enquiries&#x27;?)") in page
        assert "<code>&lt;b&gt;Bold&lt;/b&gt; {{ kpi.enquries }} here.</code>" in page
        assert "<b>" not in page
        assert page.count('new EventSource("/events")') == 1  # the problem page reloads itself too
        assert ("  narrative/summary.md:5:16: unknown placeholder 'kpi.enquries' (did you mean 'kpi.enquiries'?)"
                in capsys.readouterr().err)
    finally:
        save(summary, SUMMARY)
    status, page = served_when(server, lambda status, page: status == 200, version(server))
    assert "Testshire County Council" in page


def test_a_changed_extract_reloads_the_extracts_and_a_broken_one_is_listed(served):
    server, project = served
    households = project / "data" / "households.csv"
    text = households.read_text(encoding="utf-8")
    header = text.splitlines()[0]
    extracts = server.preview.extracts
    before = version(server)
    save(households, text + ",".join(["H-BROKEN"] + ["31/02/2021"] * (header.count(","))) + "\n")
    try:
        status, page = served_when(server, lambda status, page: status == 500, before)
        assert "<code>households.csv:" in page
    finally:
        save(households, text)
    served_when(server, lambda status, page: status == 200, version(server))
    assert server.preview.extracts is not extracts  # read again, not the ones loaded at the start


def test_it_listens_on_127_0_0_1_only(served):
    server, _project = served
    host, port = server.http.server_address[:2]
    assert host == "127.0.0.1"
    # another loopback address reaches a server listening on every interface, not this one
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.2", port), timeout=5).close()


def test_an_unknown_path_is_404_naming_where_the_report_is(served):
    assert get(served[0], "/nothing") == (404, "not found: the report is at /\n")


@pytest.mark.slow  # the PDF engine takes several seconds on the sample
def test_report_pdf_is_built_on_request(served):
    server, _project = served
    with urllib.request.urlopen(server.url + "report.pdf", timeout=300) as response:
        assert response.headers["Content-Type"] == "application/pdf"
        assert response.read(5) == b"%PDF-"


# -- the command ------------------------------------------------------------------------------


def test_a_port_in_use_is_exit_2_saying_so(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = runner.invoke(app, ["preview", "--year", "2024", "--quiet", "--port", str(port)])
    assert result.exit_code == exitcodes.USAGE
    assert result.stderr.splitlines()[-1] == (f"--port {port}: the port is already in use on 127.0.0.1; stop what "
                                              "uses it or choose another (--port 8001)")


def test_a_missing_data_folder_is_exit_2(tmp_path):
    result = runner.invoke(app, ["preview", "--data", str(tmp_path / "nowhere"), "--port", "0"])
    assert result.exit_code == exitcodes.USAGE
    assert result.stderr == f"data folder not found: {tmp_path / 'nowhere'}\n"


def test_invalid_extracts_at_the_start_are_exit_1_listing_them(tmp_path):
    (tmp_path / "households.csv").write_text("household_id,household_type,approval_date,approved_places\n"
                                             "H1,MAINSTREAM,31/02/2021,1\n", encoding="utf-8")
    result = runner.invoke(app, ["preview", "--year", "2024", "--data", str(tmp_path), "--port", "0"])
    assert result.exit_code == exitcodes.INVALID_DATA
    assert "households.csv:2:approval_date" in result.stderr
    assert "Traceback" not in result.output


def at_a_terminal() -> None:
    """Ctrl-C as at a terminal: a process started by a background job (``pytest &``, a
    ``nohup`` run) inherits SIGINT ignored, and Python then never raises KeyboardInterrupt."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_stops_the_command_with_exit_0(tmp_path):
    command = subprocess.Popen([sys.executable, "-m", "fosterreport", "preview", "--year", "2024", "--port", "0"],
                               cwd=tmp_path, stderr=subprocess.PIPE, text=True, preexec_fn=at_a_terminal)
    deadline = threading.Timer(DEADLINE, command.kill)  # a command that does not stop fails the test, not hangs it
    deadline.start()
    try:
        lines = []
        for line in command.stderr:  # (ends if the command does)
            lines.append(line)
            if line.startswith("Serving the report at http://127.0.0.1:"):
                break
        assert lines and lines[-1].startswith("Serving the report at"), "".join(lines)
        command.send_signal(signal.SIGINT)
        rest = command.stderr.read()
        assert command.wait(timeout=DEADLINE) == exitcodes.OK, rest
    finally:
        deadline.cancel()
        if command.poll() is None:
            command.kill()
            command.wait()
    assert rest == "Stopped the preview\n"


# -- the parts ------------------------------------------------------------------------------


def test_charts_equal_but_for_their_image_are_drawn_once(monkeypatch):
    from fosterreport.context.model import ChartSpec, Table
    from fosterreport.preview.report import ChartCache
    from fosterreport.render import document

    drawn = []

    def draw(charts):
        for spec in charts:
            drawn.append(spec.title)
            spec.src = f"data:{spec.title}"

    monkeypatch.setattr(document, "draw_charts", draw)

    def spec(title):
        return ChartSpec(id="c", kind="hbar", title=title, alt="", labels=[], series=[], table=Table(id="t", caption=title, head=[], rows=[]))

    cache = ChartCache()
    first, again, other = spec("Households"), spec("Households"), spec("Approvals")
    cache.draw([first])
    cache.draw([again, other])
    assert drawn == ["Households", "Approvals"]
    assert again.src == "data:Households" and other.src == "data:Approvals"


@pytest.mark.slow  # a real browser
def test_the_served_page_and_the_problem_page_pass_axe_core(served, tmp_path):
    from test_render_accessibility import AXE, CHROMIUM, _axe_missing

    from fosterreport.preview.page import problem_page
    from fosterreport.preview.report import Problem

    missing = _axe_missing()
    if missing:
        pytest.skip(f"axe-core check not run: {missing}")
    pages = {"served.html": get(served[0])[1],
             "problems.html": problem_page([Problem("narrative/summary.md", "unknown placeholder 'kpi.x'", 3, 7,
                                                    "We had {{ kpi.x }} <b>enquiries</b>."),
                                            Problem("", "a problem located nowhere")], 4)}
    for name, page in pages.items():
        (tmp_path / name).write_text(page, encoding="utf-8")
    files = [str(tmp_path / name) for name in pages]  # (one browser for both)
    run = subprocess.run(["node", str(AXE / "run-axe.mjs"), *files, "1280", "400"], capture_output=True, text=True,
                         timeout=300, env={"CHROMIUM": CHROMIUM, "PATH": os.environ["PATH"]})
    assert run.returncode == 0, run.stderr
    found = {Path(file).name: {width: [(v["id"], [n["target"] for n in v["nodes"]][:5]) for v in result["violations"]]
                               for width, result in widths.items()}
             for file, widths in json.loads(run.stdout).items()}
    assert found == {name: {"1280": [], "400": []} for name in pages}
