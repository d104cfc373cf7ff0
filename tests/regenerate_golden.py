"""Regenerate the report's golden files: ``python tests/regenerate_golden.py``.

Run it from the repository root after a deliberate change to the report's layout or
wording, then review ``git diff tests/golden`` before committing: the diff is the
change a committee member would see. (Setting ``FOSTERREPORT_REGEN_GOLDEN=1`` when
running ``pytest tests/test_render_golden.py`` does the same.)
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from report_fakes import GOLDEN, render_golden


def main() -> None:
    GOLDEN.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in render_golden(Path(tmp)).items():
            (GOLDEN / name).write_text(text, encoding="utf-8")
            print(f"wrote {GOLDEN / name}")


if __name__ == "__main__":
    main()
