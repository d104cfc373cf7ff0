"""Golden files for the report: the whole Markdown, and the HTML's outline (landmarks,
headings, table captions, chart text alternatives).

The inputs are the fixed results of tests/report_fakes.py, so these files change only
when the report's layout or wording does. To accept a deliberate change, regenerate
them with ONE command from the repository root::

    python tests/regenerate_golden.py

(or ``FOSTERREPORT_REGEN_GOLDEN=1 pytest tests/test_render_golden.py``) and review the
diff of tests/golden/.
"""

from __future__ import annotations

import os

import pytest

from report_fakes import GOLDEN, render_golden


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    texts = render_golden(tmp_path_factory.mktemp("golden"))
    if os.environ.get("FOSTERREPORT_REGEN_GOLDEN") == "1":
        GOLDEN.mkdir(exist_ok=True)
        for name, text in texts.items():
            (GOLDEN / name).write_text(text, encoding="utf-8")
    return texts


@pytest.mark.parametrize("name", ["report.md", "report-outline.txt"])
def test_matches_golden(rendered, name):
    expected = (GOLDEN / name).read_text(encoding="utf-8")
    assert rendered[name] == expected, (
        f"tests/golden/{name} differs from the rendered report; if the change is intended, "
        f"run `python tests/regenerate_golden.py` and review the diff")
