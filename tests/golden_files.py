"""Every file the tests compare with what the code generates, and how each is made.

One registry, so that ONE command rewrites them all after a deliberate change::

    python tests/regenerate_golden.py           # rewrite them, then review `git diff`
    python tests/regenerate_golden.py --check   # exit 1 and name the stale ones

(``FOSTERREPORT_REGEN_GOLDEN=1 pytest tests/test_render_golden.py tests/test_golden_build.py``
rewrites the golden files its tests compare, as a side effect of running them.)

What is generated:

- ``tests/golden/report.md``, ``tests/golden/report-outline.txt``: the renderer alone, on
  the hand-made results of ``tests/report_fakes.py`` (tests/test_render_golden.py);
- ``tests/golden/sample/``: the whole ``fosterreport build --year 2024`` of the embedded
  sample (HTML, Markdown, ``kpis-2023-24.json``; each chart's SVG, taken out of the HTML's
  ``data:`` URI so that it diffs as text) (tests/test_golden_build.py). The PDF is not kept:
  it is binary and tests/test_build.py and the determinism test cover it;
- ``docs/extracts.md``, ``docs/kpis.md``, ``docs/kpis.schema.json`` and the section list
  in ``docs/report.md``: documentation generated from the contract, the catalogue and the
  section registry (tests/test_schema.py, tests/test_kpis_catalogue.py,
  tests/test_render_sections.py).
"""

from __future__ import annotations

import base64
import difflib
import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).parent.parent
GOLDEN = Path(__file__).parent / "golden"
SAMPLE = GOLDEN / "sample"
SAMPLE_YEAR = "2024"
#: What ``fosterreport build --year 2024 --format html,md`` writes, by name.
SAMPLE_OUTPUTS = ("fostering-report-2023-24.html", "fostering-report-2023-24.md", "kpis-2023-24.json")
REGENERATE = "python tests/regenerate_golden.py"
ENVIRONMENT = "FOSTERREPORT_REGEN_GOLDEN"

_CHART = re.compile(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"')


def regenerating() -> bool:
    """Whether this test run should rewrite the golden files it compares."""
    return os.environ.get(ENVIRONMENT) == "1"


# -- the whole sample build ----------------------------------------------------------------


def build_sample(out: Path) -> dict[str, bytes]:
    """``fosterreport build --year 2024 --format html,md`` of the embedded sample, through
    the CLI as a user runs it (from an empty folder, so no ``fosterreport.toml`` of the
    caller's is read); returns each file written, by name."""
    from typer.testing import CliRunner

    from fosterreport.cli import app

    out.mkdir(parents=True, exist_ok=True)
    previous = Path.cwd()
    os.chdir(out)
    try:
        result = CliRunner().invoke(app, ["build", "--year", SAMPLE_YEAR, "--format", "html,md", "--quiet",
                                          "--out", str(out / "report")])
    finally:
        os.chdir(previous)
    if result.exit_code != 0:
        raise AssertionError(f"fosterreport build failed (exit {result.exit_code}):\n{result.output}")
    return {path.name: path.read_bytes() for path in sorted((out / "report").iterdir())}


def split_charts(html: str) -> tuple[str, dict[str, str]]:
    """The HTML with each chart's ``data:`` URI replaced by the name of its SVG, and the
    SVGs by name (``chart-1.svg``… in document order): both diff as text."""
    charts: dict[str, str] = {}

    def take(match: re.Match) -> str:
        svg = base64.b64decode(match.group(1)).decode("utf-8")
        name = f"chart-{len(charts) + 1}.svg"
        charts[name] = svg
        digest = hashlib.sha256(match.group(1).encode()).hexdigest()[:16]
        return f'src="data:image/svg+xml;base64,(charts/{name}, sha256 {digest}…)"'

    return _CHART.sub(take, html), charts


def sample_texts(built: dict[str, bytes]) -> dict[str, str]:
    """The golden texts of one sample build, by path inside tests/golden/sample/."""
    texts = {name: data.decode("utf-8") for name, data in built.items() if name != SAMPLE_OUTPUTS[0]}
    html, charts = split_charts(built[SAMPLE_OUTPUTS[0]].decode("utf-8"))
    texts[SAMPLE_OUTPUTS[0]] = html
    texts.update({f"charts/{name}": svg for name, svg in charts.items()})
    return dict(sorted(texts.items()))


def stored_sample() -> dict[str, str]:
    """What tests/golden/sample/ holds, by path inside it."""
    return {path.relative_to(SAMPLE).as_posix(): path.read_text(encoding="utf-8")
            for path in sorted(SAMPLE.rglob("*")) if path.is_file()}


# -- comparing -------------------------------------------------------------------------------


def diff(expected: str, actual: str, name: str, limit: int = 60) -> str:
    """The first ``limit`` lines of a unified diff, and how to accept the change."""
    lines = list(difflib.unified_diff(expected.splitlines(keepends=True), actual.splitlines(keepends=True),
                                      f"{name} (stored)", f"{name} (built now)", n=2))
    shown = "".join(lines[:limit])
    more = f"\n… {len(lines) - limit} more diff lines" if len(lines) > limit else ""
    return (f"{name} differs from what the code makes now:\n{shown}{more}\n"
            f"If the change is intended, run `{REGENERATE}` and review `git diff`.")


# -- everything generated, for the one command -----------------------------------------------


def _docs() -> dict[Path, str]:
    from fosterreport import schema
    from fosterreport.context.docs import with_sections
    from fosterreport.kpis.docs import json_schema_text, markdown

    report = ROOT / "docs" / "report.md"
    return {ROOT / "docs" / "extracts.md": schema.as_markdown(), ROOT / "docs" / "kpis.md": markdown(),
            ROOT / "docs" / "kpis.schema.json": json_schema_text(),
            report: with_sections(report.read_text(encoding="utf-8"))}


def _renderer_golden() -> dict[Path, str]:
    from report_fakes import render_golden

    with tempfile.TemporaryDirectory() as tmp:
        return {GOLDEN / name: text for name, text in render_golden(Path(tmp)).items()}


def _sample_golden() -> dict[Path, str]:
    with tempfile.TemporaryDirectory() as tmp:
        return {SAMPLE / name: text for name, text in sample_texts(build_sample(Path(tmp))).items()}


#: Each generator gives the files it owns; a file under a folder it owns that it no longer
#: makes (a chart dropped) is stale and removed.
GENERATORS: dict[str, tuple[Callable[[], dict[Path, str]], Path | None]] = {
    "generated docs": (_docs, None),
    "renderer golden files": (_renderer_golden, None),
    "golden sample build": (_sample_golden, SAMPLE),
}


def write_sample(texts: dict[str, str]) -> None:
    """Replace tests/golden/sample/ by ``texts`` (files no longer built are removed)."""
    write({SAMPLE / name: text for name, text in texts.items()}, owned=SAMPLE)


def write(files: dict[Path, str], owned: Path | None = None) -> list[Path]:
    """Write ``files``; under ``owned``, remove the files not among them. Returns what changed."""
    changed = []
    if owned is not None and owned.exists():
        for path in sorted(owned.rglob("*")):
            if path.is_file() and path not in files:
                path.unlink()
                changed.append(path)
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8", newline="\n")
            changed.append(path)
    return changed


def stale() -> list[Path]:
    """The generated files that differ from what the code makes now (or are missing/extra)."""
    found = []
    for make, owned in GENERATORS.values():
        files = make()
        for path, text in files.items():
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                found.append(path)
        if owned is not None and owned.exists():
            found += [path for path in sorted(owned.rglob("*")) if path.is_file() and path not in files]
    return found
