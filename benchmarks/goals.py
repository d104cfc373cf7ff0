"""The speed goals of issue 15, each measured in one run beside its floor, as a user sees them.

    python benchmarks/goals.py                 # about 10 minutes on 2 cores (the region is 7)
    python benchmarks/goals.py --suite --out benchmarks/GOALS.md   # and the test suite, as the README runs it

Every figure is a whole command in a fresh process (interpreter start-up included),
timed by this script around it, as a user at a terminal waits for it:

* ``fosterreport build --year 2024`` on the embedded sample (HTML, PDF, Markdown, JSON)
  beside WeasyPrint alone rendering the same HTML to the same PDF variant (``pdf/ua-1``)
  in a fresh ``python``; the Word file, ``build --format docx``, on its own line;
* ``fosterreport kpis --year 2024 --format json`` beside ``python -c "import pandas"``, and
  the named stack's own start doing nothing (:mod:`stack_start`) beside the same floor;
* ``fosterreport preview``: a narrative file saved to the new HTML served
  (:mod:`preview`, in one process: the server's own rebuild, as an author waits for it);
* a 12-council region: ``build --region`` against the sum of the councils' own builds
  divided by the workers (:mod:`region_scaling`).

A measurement and its floor take turns, five pairs, and the medians are compared; beside
each wall time is the CPU time of the process and its children, and the CPU the rest
of the machine used meanwhile (``/proc/stat``), since a shared machine slows both.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
FOSTERREPORT = str(BIN / "fosterreport")
PAIRS = 5

#: WeasyPrint alone: the same HTML, the same PDF variant, in a fresh interpreter.
WEASYPRINT_ALONE = """\
import sys
from weasyprint import HTML
html = open(sys.argv[1], encoding="utf-8").read()
HTML(string=html, base_url=sys.argv[3]).write_pdf(sys.argv[2], pdf_variant="pdf/ua-1")
"""


def _busy() -> float:
    """CPU-seconds the whole machine has used so far (all cores)."""
    with open("/proc/stat") as stat:
        fields = stat.readline().split()[1:]
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[0]) + int(fields[1]) + int(fields[2])) / ticks


def timed(argv: list[str], cwd: Path) -> dict:
    """One run of ``argv``: wall, CPU (the process and its children) and others' CPU."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy = _busy()
    started = time.perf_counter()
    subprocess.run(argv, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "others": max(_busy() - busy - cpu, 0.0)}


def pairs(measured: list[str], floor: list[str], cwd: Path, rounds: int = PAIRS) -> dict:
    """``rounds`` turns of the command and its floor; the medians of each."""
    runs: dict[str, list[dict]] = {"measured": [], "floor": []}
    for _ in range(rounds):
        runs["measured"].append(timed(measured, cwd))
        runs["floor"].append(timed(floor, cwd))
    out = {}
    for name, found in runs.items():
        out[name] = {key: statistics.median(run[key] for run in found) for key in ("wall", "cpu", "others")}
        out[name]["walls"] = [round(run["wall"], 3) for run in found]
    out["ratio"] = out["measured"]["wall"] / out["floor"]["wall"]
    return out


def build_goal(work: Path) -> dict:
    """``build`` on the sample beside WeasyPrint alone on the HTML it wrote."""
    out = work / "report"
    subprocess.run([FOSTERREPORT, "build", "--year", "2024", "--out", str(out), "-q"], cwd=work, check=True)
    script = work / "weasyprint_alone.py"
    script.write_text(WEASYPRINT_ALONE, encoding="utf-8")
    html = out / "fostering-report-2023-24.html"
    found = pairs([FOSTERREPORT, "build", "--year", "2024", "--out", str(out), "-q"],
                  [sys.executable, str(script), str(html), str(work / "alone.pdf"), work.as_uri() + "/"], work)
    pages = subprocess.run(["pdfinfo", str(out / "fostering-report-2023-24.pdf")], capture_output=True, text=True)
    found["pages"] = next((line.split()[-1] for line in pages.stdout.splitlines() if line.startswith("Pages")), "?")
    word = [timed([FOSTERREPORT, "build", "--year", "2024", "--format", "docx", "--out", str(work / "word"), "-q"],
                  work) for _ in range(3)]
    found["word"] = statistics.median(run["wall"] for run in word)
    return found


def kpis_goal(work: Path) -> dict:
    """``kpis`` beside ``import pandas``; and, beside the same floor, the named stack's own
    start doing nothing (:mod:`stack_start`), to show how much of the budget it takes."""
    found = pairs([FOSTERREPORT, "kpis", "--year", "2024", "--format", "json", "--quiet"],
                  [sys.executable, "-c", "import pandas"], work)
    found["stack"] = pairs([sys.executable, str(HERE / "stack_start.py"), "kpis", "--year", "2024", "--format",
                            "json", "--quiet"], [sys.executable, "-c", "import pandas"], work)
    return found


def preview_goal() -> dict:
    sys.path.insert(0, str(HERE))
    import preview

    return preview.measure_preview(PAIRS)


def region_goal(work: Path, runs: int = 1) -> dict:
    """A 12-council region beside its councils' own builds (:mod:`region_scaling`)."""
    sys.path.insert(0, str(HERE))
    import region_scaling

    return with_rows(region_scaling.measure_region_scaling(work / "region", runs=runs))


def with_rows(found: dict) -> dict:
    """A region-scaling measurement with its rows of the goals table and its section."""
    import region_scaling

    found["rows"] = [f"| {goal} | {figure} | Σ single builds ÷ workers, same run | | {'yes' if met else '**no**'} |"
                     for goal, figure, met in region_scaling.goals(found)]
    found["lines"] = region_scaling.report_lines(found)
    return found


def suite_goal() -> dict:
    """The README's test command, timed as a developer runs it, and each of its steps (the
    install, then pytest), so that the goal's figure says how much of it is pip's."""
    command = next(line.strip() for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
                   if "pytest" in line and not line.lstrip().startswith("#"))
    steps, ok = [], True
    for step in command.split("&&"):
        started = time.perf_counter()
        done = subprocess.run(step.strip(), shell=True, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        steps.append((step.strip(), time.perf_counter() - started))
        if done.returncode != 0:
            ok = False
            break
    return {"command": command, "wall": sum(seconds for _, seconds in steps), "steps": steps, "ok": ok}


def _w(figures: dict) -> str:
    return f"{figures['wall']:.2f} s (CPU {figures['cpu']:.2f} s, others {figures['others']:.1f} s)"


def table(results: dict) -> str:
    """The goals as a Markdown table: each measured beside its floor, and whether it is met."""
    rows = ["| goal | measured (median of 5) | floor, same run | ratio | met |", "| --- | --- | --- | ---: | --- |"]
    build = results["build"]
    rows.append(f"| `fosterreport build --year 2024` ({build['pages']} pages: HTML, PDF, Markdown, JSON) ≤ 1.15× "
                f"WeasyPrint alone | {_w(build['measured'])} | WeasyPrint alone, same HTML, fresh process: "
                f"{_w(build['floor'])} | {build['ratio']:.2f}× | {'yes' if build['ratio'] <= 1.15 else '**no**'} |")
    kpis, stack = results["kpis"], results["kpis"]["stack"]
    for goal, found, met in (
            ("`fosterreport kpis --year 2024 --format json` ≤ 1.5× `import pandas`", kpis,
             "yes" if kpis["ratio"] <= 1.5 else "**no**"),
            ("(reference, not a goal) the stack alone, no work: pandas, pyarrow's CSV reader, a pydantic model, "
             "typer parsing the 14 options (`benchmarks/stack_start.py`)", stack, "")):
        rows.append(f"| {goal} | {_w(found['measured'])} | `python -c \"import pandas\"`: {_w(found['floor'])} | "
                    f"{found['ratio']:.2f}× | {met} |")
    preview = results["preview"]
    rows.append(f"| `fosterreport preview`: narrative saved → new HTML served ≤ 1 s | "
                f"{preview['median_seconds']:.3f} s ({', '.join(f'{w:.3f}' for w in preview['save_to_served'])}) | "
                f"1 s | {preview['median_seconds']:.2f} s | {'yes' if preview['median_seconds'] <= 1 else '**no**'} |")
    region = results.get("region")
    if region:
        rows += region["rows"]
    suite = results.get("suite")
    if suite:
        steps = ", ".join(f"`{step.split()[0].rsplit('/', 1)[-1]}` {seconds:.0f} s" for step, seconds in suite["steps"])
        rows.append(f"| the test suite (`{suite['command']}`) < 150 s | {suite['wall']:.0f} s ({steps})"
                    f"{'' if suite['ok'] else ' (**failed**)'} | 150 s | | "
                    f"{'yes' if suite['wall'] < 150 and suite['ok'] else '**no**'} |")
    lines = ["## Goals (issue 15): where users wait", "", *rows, "",
             f"Word, separately: `fosterreport build --year 2024 --format docx` "
             f"{results['build']['word']:.2f} s (median of 3).",
             "", "Each pair's wall times (measured, then floor):",
             f"- build: {build['measured']['walls']} / {build['floor']['walls']}",
             f"- kpis: {kpis['measured']['walls']} / {kpis['floor']['walls']}",
             f"- the stack alone: {stack['measured']['walls']} / {stack['floor']['walls']}"]
    if region:
        lines += ["", *region["lines"]]
    return "\n".join(lines) + "\n"


def compile_bytecode() -> None:
    """Byte-compile the package first, as ``pip install`` does when it installs it: from a
    source tree (an editable install), and where ``PYTHONDONTWRITEBYTECODE`` is set (as on
    this machine), every fresh process would otherwise compile our 40-odd modules from
    source, about 0.1 s that no installed user meets, while pandas and WeasyPrint, installed
    by pip, start from their bytecode. (Python reads bytecode under that variable; it only
    does not write it.)"""
    import compileall

    compileall.compile_dir(str(ROOT / "fosterreport"), quiet=1)


def run(suite: bool = False, region: bool = True) -> dict:
    compile_bytecode()
    work = Path(tempfile.mkdtemp(prefix="fosterreport-goals-"))
    try:
        results = {"build": build_goal(work), "kpis": kpis_goal(work), "preview": preview_goal(),
                   "region": region_goal(work) if region else None}
        if suite:
            results["suite"] = suite_goal()
        return results
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--suite", action="store_true", help="also time the README's test command")
    parser.add_argument("--no-region", action="store_true", help="leave out the region (about 7 minutes)")
    parser.add_argument("--out", type=Path, help="also write the table into this file")
    args = parser.parse_args()
    text = table(run(args.suite, not args.no_region))
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
