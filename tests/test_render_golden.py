"""Golden files for the renderer: the whole Markdown, and the HTML's outline (landmarks,
headings, table captions, chart text alternatives).

The inputs are the fixed results of tests/report_fakes.py, so these files change only
when the report's layout or wording does (tests/test_golden_build.py keeps the whole
sample build, where a change of figures shows too). To accept a deliberate change,
regenerate every golden file and generated doc with ONE command from the repository root::

    python tests/regenerate_golden.py

(or ``FOSTERREPORT_REGEN_GOLDEN=1 pytest tests/test_render_golden.py``) and review the
diff of tests/golden/.
"""

from __future__ import annotations

import pytest

from golden_files import diff, regenerating, write
from report_fakes import GOLDEN, render_golden


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    texts = render_golden(tmp_path_factory.mktemp("golden"))
    if regenerating():
        write({GOLDEN / name: text for name, text in texts.items()})
    return texts


@pytest.mark.parametrize("name", ["report.md", "report-outline.txt"])
def test_matches_golden(rendered, name):
    expected = (GOLDEN / name).read_text(encoding="utf-8")
    if rendered[name] != expected:
        pytest.fail(diff(expected, rendered[name], f"tests/golden/{name}"), pytrace=False)
