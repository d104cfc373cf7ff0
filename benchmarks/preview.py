"""How long an author waits in ``fosterreport preview``: a narrative file saved to the new
HTML served, on the sample (the goal of issue 15: at most 1 s).

    python benchmarks/preview.py            # median of 5 saves
    python benchmarks/preview.py --repeat 9

The preview is started as the command starts it (``fosterreport.cli.preview.start_preview``)
over a project holding a copy of the embedded sample's extracts and a narrative, on a free
port of 127.0.0.1, and served in threads of this process. Each round opens the page's own
event stream, saves ``narrative/summary.md`` as an editor does (a new file put in place),
waits for the event, then fetches ``/`` until it carries the new sentence: the time from
just before the save to the page in hand is what the author sees (the file watcher's
settling time included). Beside it, the rebuild alone, as the preview times it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
import urllib.request
from pathlib import Path

NARRATIVE = "We had {{ kpi.enquiries }} enquiries in {{ period.label }}.\n"
TIMEOUT = 60.0


def _project(root: Path) -> Path:
    from fosterreport.embedded import sample_folder

    project = root / "project"
    (project / "narrative").mkdir(parents=True)
    (project / "narrative" / "summary.md").write_text(NARRATIVE, encoding="utf-8")
    shutil.copytree(sample_folder(), project / "data")
    (project / "fosterreport.toml").write_text('[authority]\nname = "Benchshire County Council"\n\n[data]\n'
                                               'path = "data"\n', encoding="utf-8")
    return project


def _save(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.saving")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def measure_preview(repeat: int = 5) -> dict:
    """``{"save_to_served": [...], "median_seconds", "rebuild": [...], "median_rebuild_seconds",
    "start_seconds"}``, seconds, over ``repeat`` saves of a narrative file."""
    from fosterreport.cli.preview import start_preview

    with tempfile.TemporaryDirectory() as work:
        project = _project(Path(work))
        started = time.perf_counter()
        server = start_preview(year="2024", config=project / "fosterreport.toml", quiet=True, port=0).start()
        start_seconds = time.perf_counter() - started
        waits, rebuilds = [], []
        try:
            for round_ in range(repeat):
                marker = f"(saved in round {round_} of the benchmark)"
                with urllib.request.urlopen(server.url + "events", timeout=TIMEOUT) as events:
                    events.readline(), events.readline()  # the version shown now, and the blank line after it
                    began = time.perf_counter()
                    _save(project / "narrative" / "summary.md", f"{NARRATIVE}\nA new sentence {marker}.\n")
                    while True:
                        line = events.readline()
                        if not line.startswith(b"data: "):
                            continue
                        with urllib.request.urlopen(server.url, timeout=TIMEOUT) as response:
                            if marker in response.read().decode("utf-8"):
                                break
                    waits.append(time.perf_counter() - began)
                    rebuilds.append(server.preview.current.seconds)
        finally:
            server.stop()
    return {"save_to_served": [round(w, 3) for w in waits], "median_seconds": round(statistics.median(waits), 3),
            "rebuild": [round(r, 3) for r in rebuilds], "median_rebuild_seconds": round(statistics.median(rebuilds), 3),
            "start_seconds": round(start_seconds, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="saves measured (median reported)")
    figures = measure_preview(parser.parse_args().repeat)
    print(f"preview: narrative saved -> new HTML served, median of {len(figures['save_to_served'])}: "
          f"{figures['median_seconds']:.3f} s (goal <= 1 s); each: "
          + ", ".join(f"{w:.3f}" for w in figures["save_to_served"]))
    print(f"  the rebuild alone (context, charts kept, HTML): median {figures['median_rebuild_seconds']:.3f} s; "
          f"start (first full build, KPIs included): {figures['start_seconds']:.3f} s")


if __name__ == "__main__":
    main()
