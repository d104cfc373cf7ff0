"""Determinism across processes: the time zone, the locale and the hash seed change nothing.

Two ``fosterreport build`` runs of the embedded sample's extracts, in separate processes, the
second started more than two seconds after the first has finished (so that anything stamped
with the time of the build, such as a subset font's ``head.modified``, would differ), give
byte-identical HTML, Markdown, JSON and PDF. The first runs in the test's own process (through
``CliRunner``, with ``TZ=UTC`` and ``LC_ALL=C.UTF-8`` set, under this process's hash seed: it
costs no second start of Python and the imports); the second in a fresh process with
``TZ=Pacific/Auckland`` (a different calendar day for much of the day), ``LC_ALL=en_GB.UTF-8``
and another ``PYTHONHASHSEED``: all three changed at once, so that if any one of them changed
a byte the two builds would differ. That process calls ``setlocale(LC_ALL, "")`` first, as a
program that embeds the library might: Python alone applies only ``LC_CTYPE``, so without it
a locale-dependent ``strftime`` or ``strptime`` would go unnoticed. It imports the build's
modules while it waits for its moment, and says when its build starts.

en_GB.UTF-8 is compiled into a temporary folder with ``localedef`` when the system lacks
it (``LOCPATH``; ``.ci/run`` compiles it for the machine); without localedef the second run
uses ``POSIX``. A second test does the same for validation under a German locale, where
month abbreviations differ.
"""

from __future__ import annotations

import json
import locale
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fosterreport.embedded import sample_folder

PRELUDE = ("import locale, sys\n"
           "sys.stderr.write('LOCALE=' + str(locale.setlocale(locale.LC_ALL, '')) + '\\n')\n"
           "from fosterreport.cli import main\n"
           "main()\n")


def _locale(name: str, folder: Path) -> dict[str, str]:
    """Environment selecting locale ``name`` (compiled into ``folder`` if need be)."""
    listed = subprocess.run(["locale", "-a"], capture_output=True, text=True).stdout.lower() \
        if shutil.which("locale") else ""
    if name.lower().replace("-", "") in listed.replace("-", ""):
        return {"LC_ALL": name, "LANG": name}
    localedef = shutil.which("localedef")
    if localedef:
        language = name.split(".")[0]
        subprocess.run([localedef, "-i", language, "-f", "UTF-8", str(folder / name)], capture_output=True)
        if (folder / name).exists():
            return {"LC_ALL": name, "LANG": name, "LOCPATH": str(folder)}
    return {"LC_ALL": "POSIX", "LANG": "POSIX"}


def _environment(**settings: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("LC_") and key not in ("LANG", "LOCPATH", "SOURCE_DATE_EPOCH", "TZ")}
    return {**env, "NO_COLOR": "1", **settings}


#: A fresh process that imports the build's modules, then waits until the moment given
#: (so that its imports overlap the wait), says when it starts, and builds.
LATER = ("import locale, os, sys, time\n"
         "sys.stderr.write('LOCALE=' + str(locale.setlocale(locale.LC_ALL, '')) + '\\n')\n"
         "import fosterreport.build, fosterreport.cli, pandas, weasyprint\n"
         "time.sleep(max(0.0, float(sys.argv.pop(1)) - time.time()))\n"
         "sys.stderr.write('STARTED=' + repr(time.time()) + '\\n')\n"
         "from fosterreport.cli import main\n"
         "main()\n")


def _start(args: list[str], env: dict[str, str], prelude: str = PRELUDE) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", prelude, *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


@pytest.fixture(scope="module")
def locales(tmp_path_factory):
    folder = tmp_path_factory.mktemp("locales")
    return {name: _locale(name, folder) for name in ("en_GB.UTF-8", "de_DE.UTF-8")}


def _hash_seed_other_than_this_process() -> str:
    """A PYTHONHASHSEED the child's str hashes differ under from this process's."""
    if not sys.flags.hash_randomization:
        return "12345"  # this process hashes with seed 0
    return "54321" if os.environ.get("PYTHONHASHSEED") == "12345" else "12345"


def _build_here(args: list[str]) -> str:
    """``fosterreport build`` in this process, with ``TZ=UTC`` and ``LC_ALL=C.UTF-8`` applied
    (both put back afterwards); returns what it printed, with the locale it ran under."""
    from typer.testing import CliRunner

    from fosterreport.cli import app

    saved_tz, saved_locale = os.environ.get("TZ"), locale.setlocale(locale.LC_ALL)
    os.environ["TZ"] = "UTC"
    time.tzset()
    try:
        applied = locale.setlocale(locale.LC_ALL, "C.UTF-8")
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
        return f"LOCALE={applied}\n{result.output}"
    finally:
        locale.setlocale(locale.LC_ALL, saved_locale)
        if saved_tz is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = saved_tz
        time.tzset()


@pytest.mark.slow  # two whole builds with the PDF, the second in a fresh process, one after the other
def test_builds_in_other_time_zones_locales_and_hash_seeds_are_byte_identical(tmp_path, locales):
    project = tmp_path / "project"
    # the sample's extracts as the project's own data (the child process may import the
    # package from another place than this one, so no path of the package is passed to it)
    shutil.copytree(sample_folder(), project / "data")
    (project / "fosterreport.toml").write_text('[authority]\nname = "Testshire County Council"\n[data]\n'
                                               'path = "data"\n[report]\nmeeting_date = 2024-07-18\n',
                                               encoding="utf-8")
    build = ["build", "--config", str(project / "fosterreport.toml"), "--year", "2024", "--quiet"]
    seed = _hash_seed_other_than_this_process()
    other = _environment(TZ="Pacific/Auckland", PYTHONHASHSEED=seed, **locales["en_GB.UTF-8"])
    printed = {"a": _build_here([*build, "--out", str(tmp_path / "a")])}
    finished = time.time()
    # the second build starts more than two seconds after the first ended
    process = _start([repr(finished + 2.5), *build, "--out", str(tmp_path / "b")], other, LATER)
    stdout, stderr = process.communicate(timeout=300)
    printed["b"] = stderr.decode()
    assert process.returncode == 0, printed["b"]
    assert float(printed["b"].split("STARTED=", 1)[1].split()[0]) - finished >= 2.0
    assert "LOCALE=C.UTF-8" in printed["a"]
    assert f"LOCALE={other['LC_ALL']}" in printed["b"]
    assert os.environ.get("PYTHONHASHSEED") != other["PYTHONHASHSEED"]
    names = sorted(path.name for path in (tmp_path / "a").iterdir())
    assert names == ["fostering-report-2023-24.html", "fostering-report-2023-24.md", "fostering-report-2023-24.pdf",
                     "kpis-2023-24.json"]
    assert sorted(path.name for path in (tmp_path / "b").iterdir()) == names
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_validation_reads_the_same_dates_under_a_foreign_locale(locales):
    """``dd-Mon-yyyy`` months are English whatever the locale (the sample has ``04-Oct-2016``;
    ``strptime``'s ``%b`` would read them in German once a program set LC_ALL)."""
    runs = {"c": _environment(LC_ALL="C.UTF-8", LANG="C.UTF-8"), "de": _environment(**locales["de_DE.UTF-8"])}
    processes = {name: _start(["validate", "--format", "json"], env) for name, env in runs.items()}
    outputs = {}
    for name, process in processes.items():
        stdout, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr.decode()[-2000:]
        outputs[name] = json.loads(stdout)
    assert outputs["c"] == outputs["de"] == {"ok": True, "errors": [], "warnings": []}
