"""Regenerate every golden file and generated doc: ``python tests/regenerate_golden.py``.

Run it from anywhere after a deliberate change to a figure, a sentence, the layout, the
contract or the catalogue, then review ``git diff tests/golden docs`` before committing:
the diff is the change a committee member (or a dashboard) would see. What it writes is
listed in ``tests/golden_files.py`` (one registry: the renderer's golden files, the whole
sample build in ``tests/golden/sample/``, ``docs/extracts.md``, ``docs/kpis.md`` and
``docs/kpis.schema.json``).

``--check`` writes nothing: it names the stale files and exits 1 if there are any.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from golden_files import GENERATORS, ROOT, stale, write  # noqa: E402


def main(argv: list[str]) -> int:
    if argv == ["--check"]:
        found = stale()
        for path in found:
            print(f"stale: {path.relative_to(ROOT)}")
        if found:
            print("run `python tests/regenerate_golden.py` and review the diff")
        return 1 if found else 0
    if argv:
        print("usage: python tests/regenerate_golden.py [--check]", file=sys.stderr)
        return 2
    for what, (make, owned) in GENERATORS.items():
        changed = write(make(), owned)
        print(f"{what}: " + (", ".join(str(p.relative_to(ROOT)) for p in changed) if changed else "unchanged"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
