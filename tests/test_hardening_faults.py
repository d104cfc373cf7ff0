"""Faults: a killed build, an unwritable folder, a full disk, an extract changed while read.

The guarantees (see ``fosterreport/render/write.py``): nothing is written until every
output is rendered; then temporaries ``.fosterreport-<host>.<pid>.*.tmp`` are written in
the output folder and renamed into place, with the previous files put back if a rename
fails; a build killed with SIGKILL leaves the previous report intact, and the next build
removes any temporaries it left. A folder that cannot take the report, or a full disk,
ends the build with exit 3 and a message saying where and why.
"""

from __future__ import annotations

import errno
import hashlib
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fosterreport import exitcodes
from fosterreport.cli import app
from fosterreport.records import load_extracts

FIXTURE = Path(__file__).parent / "fixtures" / "kpis" / "year_2022_23"
OUTPUTS = ("fostering-report-2022-23.html", "fostering-report-2022-23.pdf", "fostering-report-2022-23.md",
           "kpis-2022-23.json")
runner = CliRunner()


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project / "data")
    (project / "fosterreport.toml").write_text('[authority]\nname = "Testshire County Council"\n'
                                               '[report]\nmeeting_date = 2023-05-25\n[data]\npath = "data"\n',
                                               encoding="utf-8")
    return project


def _previous_report(out: Path) -> dict[str, bytes]:
    """A previous report in ``out``: one file per output, with recognisable bytes."""
    out.mkdir(parents=True, exist_ok=True)
    for name in OUTPUTS:
        (out / name).write_bytes(f"previous {name}\n".encode())
    return _snapshot(out)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def _temporaries(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.startswith(".fosterreport-"))


def _command(*args: str, prelude: str = "") -> list[str]:
    return [sys.executable, "-c", f"{prelude}\nfrom fosterreport.cli import main\nmain()", *args]


def _run_until(command: list[str], marker: str, timeout: float = 60) -> tuple[subprocess.Popen, str]:
    """Start ``command``, read its stderr until a line containing ``marker``; return the
    still-running process and what it printed."""
    env = {**os.environ, "NO_COLOR": "1", "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    seen = b""
    deadline = time.monotonic() + timeout
    while marker.encode() not in seen:
        remaining = deadline - time.monotonic()
        ready, _, _ = select.select([process.stderr], [], [], max(remaining, 0))
        if not ready:
            process.kill()
            pytest.fail(f"no {marker!r} within {timeout} s: {seen.decode(errors='replace')}")
        chunk = os.read(process.stderr.fileno(), 4096)
        if not chunk:
            process.wait()
            pytest.fail(f"ended ({process.returncode}) before {marker!r}: {seen.decode(errors='replace')}")
        seen += chunk
    return process, seen.decode(errors="replace")


def _kill(process: subprocess.Popen) -> None:
    os.kill(process.pid, signal.SIGKILL)
    assert process.wait(timeout=30) == -signal.SIGKILL
    process.stderr.close()


# -- killed builds --------------------------------------------------------------------------------------


def test_a_build_killed_during_the_pdf_leaves_the_previous_report_and_no_temporary_file(tmp_path):
    project = _project(tmp_path)
    out = tmp_path / "report"
    before = _previous_report(out)
    process, printed = _run_until(_command("build", "--config", str(project / "fosterreport.toml"), "--year",
                                           "2023", "--out", str(out)), "] PDF")
    time.sleep(0.2)  # well inside WeasyPrint's work
    _kill(process)
    assert "] write" not in printed
    assert _snapshot(out) == before  # intact, and nothing else: no temporary file


def test_a_build_killed_while_renaming_leaves_the_previous_files_and_the_next_build_clears_up(tmp_path):
    """Killed with its temporaries on disk (os.replace made to hang): every previous file
    is still whole; the next build removes the dead build's temporaries (never a live
    one's) and writes the new report."""
    project = _project(tmp_path)
    out = tmp_path / "report"
    before = _previous_report(out)
    hang = ("import os, sys, time\n"
            "def hang(*args, **kwargs):\n"
            "    sys.stderr.write('RENAMING\\n'); sys.stderr.flush(); time.sleep(600)\n"
            "os.replace = hang\n")
    process, _ = _run_until(_command("build", "--config", str(project / "fosterreport.toml"), "--year", "2023",
                                     "--out", str(out), "--format", "html,md", prelude=hang), "RENAMING")
    _kill(process)
    left = _temporaries(out)
    assert len(left) >= 3, left  # the three outputs' temporaries (and a backup link) were on disk
    assert {name: _snapshot(out)[name] for name in OUTPUTS} == before
    host = "".join(c for c in socket.gethostname() if c.isalnum())[:32]
    alive = out / f".fosterreport-{host}.{os.getpid()}.concurrent.tmp"  # a running build's (ours)
    alive.write_bytes(b"in progress")
    result = runner.invoke(app, ["build", "--config", str(project / "fosterreport.toml"), "--year", "2023",
                                 "--out", str(out), "--format", "html,md", "--quiet"])
    assert result.exit_code == 0, result.output
    assert _temporaries(out) == [alive.name]
    after = _snapshot(out)
    assert after[OUTPUTS[2]].startswith(b"# Fostering Service Annual Report 2022/23")
    assert after[OUTPUTS[1]] == before[OUTPUTS[1]]  # the PDF was not asked for: untouched


def test_a_build_killed_between_two_renames_leaves_no_mix_once_the_next_build_starts(tmp_path):
    """The first output is renamed into place, then the process hangs before the second and
    is killed: for that moment the folder holds the new HTML beside the old Markdown and
    JSON. The next build (here one that fails at once, with a bad template, so that it
    writes nothing of its own) first puts the whole previous report back from the journal."""
    project = _project(tmp_path)
    out = tmp_path / "report"
    before = _previous_report(out)
    hang = ("import os, sys, time\n"
            "real, renamed = os.replace, []\n"
            "def replace(source, destination, *args, **kwargs):\n"
            "    if not str(destination).endswith('.fosterreport-journal'):\n"
            "        if renamed:\n"
            "            sys.stderr.write('BETWEEN\\n'); sys.stderr.flush(); time.sleep(600)\n"
            "        renamed.append(destination)\n"
            "    return real(source, destination, *args, **kwargs)\n"
            "os.replace = replace\n")
    process, _ = _run_until(_command("build", "--config", str(project / "fosterreport.toml"), "--year", "2023",
                                     "--out", str(out), "--format", "html,md", prelude=hang), "BETWEEN")
    _kill(process)
    mixed = _snapshot(out)
    assert mixed[OUTPUTS[0]] != before[OUTPUTS[0]] and mixed[OUTPUTS[2]] == before[OUTPUTS[2]]  # new HTML, old md
    assert ".fosterreport-journal" in mixed
    (project / "narrative").mkdir()
    (project / "narrative" / "summary.md").write_text("{{ ''.__class__ }}\n", encoding="utf-8")
    result = runner.invoke(app, ["build", "--config", str(project / "fosterreport.toml"), "--year", "2023",
                                 "--out", str(out), "--format", "html,md", "--quiet"])
    assert result.exit_code == exitcodes.RENDER  # it writes nothing of its own
    assert {name: data for name, data in _snapshot(out).items() if not name.startswith(".")} == before
    assert _temporaries(out) == []


# -- unwritable folders and full disks --------------------------------------------------------------------


def _build(project: Path, out: Path, formats: str = "html,md"):
    return runner.invoke(app, ["build", "--config", str(project / "fosterreport.toml"), "--year", "2023",
                               "--out", str(out), "--format", formats])


def test_an_output_folder_under_a_file_exits_3_before_anything_is_rendered(tmp_path):
    project = _project(tmp_path)
    (tmp_path / "a-file").write_text("not a folder")
    result = _build(project, tmp_path / "a-file" / "report", "html,pdf,md")
    assert result.exit_code == exitcodes.RENDER, result.output
    assert "could not write the report to" in result.stderr and "a file is in the way" in result.stderr
    assert "] compute" not in result.stderr and "] PDF" not in result.stderr  # failed fast
    assert "Traceback" not in result.output
    assert (tmp_path / "a-file").read_text() == "not a folder"


def test_an_output_folder_without_permission_exits_3(tmp_path, monkeypatch):
    """(Tests run as root, whom chmod does not stop: the refusal is simulated.)"""
    import tempfile

    project = _project(tmp_path)
    out = tmp_path / "report"
    before = _previous_report(out)

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(out))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    result = _build(project, out)
    assert result.exit_code == exitcodes.RENDER, result.output
    assert "permission denied: the output folder is not writable" in result.stderr
    assert "previous report there is unchanged" in result.stderr
    assert _snapshot(out) == before


@pytest.mark.parametrize("fail", ["fsync", "second-rename"])
def test_a_full_disk_exits_3_and_keeps_the_previous_report_whole(tmp_path, monkeypatch, fail):
    """The disk fills while the temporaries are written (fsync), or between two renames:
    either way the previous report is exactly as it was, and no temporary is left."""
    project = _project(tmp_path)
    out = tmp_path / "report"
    before = _previous_report(out)
    full = OSError(errno.ENOSPC, "No space left on device")
    if fail == "fsync":
        def fsync(fd):
            raise full

        monkeypatch.setattr(os, "fsync", fsync)
    else:
        real_replace, calls = os.replace, []

        def replace(source, destination):
            calls.append(str(source))
            if len(calls) == 2:  # the first output is already in place
                raise full
            return real_replace(source, destination)

        monkeypatch.setattr(os, "replace", replace)
    result = _build(project, out)
    assert result.exit_code == exitcodes.RENDER, result.output
    assert "the disk is full" in result.stderr and str(out) in result.stderr
    assert "Traceback" not in result.output
    assert _snapshot(out) == before


# -- extracts that move under our feet ------------------------------------------------------------------


def test_an_extract_rewritten_while_it_is_read_is_harmless(tmp_path, monkeypatch):
    """The file is read once into memory; the SHA-256 in Appendix B and every figure come
    from those same bytes, so a rewrite during the run cannot give a hash that does not
    match the figures (it is the next run's business)."""
    from fosterreport import extracts as extracts_module

    data = tmp_path / "data"
    shutil.copytree(FIXTURE, data)
    path = data / "households.csv"
    original = path.read_bytes()
    real_decode = extracts_module.decode

    def decode_then_rewrite(raw, content):
        if raw.name == "households":
            path.write_bytes(original.splitlines(keepends=True)[0] + b"HX,MAINSTREAM,01/04/2020,1\n")
        return real_decode(raw, content)

    monkeypatch.setattr(extracts_module, "decode", decode_then_rewrite)
    loaded = load_extracts(data)
    assert loaded.files["households"].sha256 == hashlib.sha256(original).hexdigest()
    assert loaded.files["households"].rows == original.count(b"\n") - 1
    assert len(loaded.frames["households"]) == original.count(b"\n") - 1
    assert hashlib.sha256(path.read_bytes()).hexdigest() != loaded.files["households"].sha256


def test_an_extract_that_grows_past_the_limit_after_its_size_is_checked_is_refused(tmp_path, monkeypatch):
    from fosterreport import extracts as extracts_module

    data = tmp_path / "data"
    shutil.copytree(FIXTURE, data)
    monkeypatch.setattr(extracts_module, "MAX_FILE_BYTES", 300)
    real_fstat = os.fstat

    class Small:
        def __init__(self, stat):
            self.st_size = 10  # what the size check saw, before the file grew
            self._stat = stat

        def __getattr__(self, name):
            return getattr(self._stat, name)

    monkeypatch.setattr(extracts_module.os, "fstat", lambda fd: Small(real_fstat(fd)))
    problems = [(p.file, p.rule) for p in load_extracts(data).problems.errors]
    assert ("visits.csv", "too-large") in problems  # 35 lines: over 300 bytes, though "10" at the check


def test_unreadable_extracts_and_folders_give_located_messages_not_tracebacks(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(FIXTURE, data)
    real_open = Path.open

    def open_(self, *args, **kwargs):
        if self.name == "panel.csv":
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", open_)
    result = runner.invoke(app, ["validate", "--data", str(data)])
    assert result.exit_code == exitcodes.INVALID_DATA, result.output
    assert "panel.csv  the file cannot be read: Permission denied" in result.output
    monkeypatch.undo()

    def iterdir(self):
        raise PermissionError(errno.EACCES, "Permission denied", str(self))

    monkeypatch.setattr(Path, "iterdir", iterdir)
    result = runner.invoke(app, ["kpis", "--data", str(data), "--year", "2023"])
    assert result.exit_code == exitcodes.USAGE, result.output
    assert f"data folder cannot be read: {data}: Permission denied" in result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
