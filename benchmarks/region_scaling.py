"""Region scaling (issue 15): a 12-council region beside the sum of its councils' own builds.

    python benchmarks/region_scaling.py                  # 12 councils × 3 years, best of 2 runs
    python benchmarks/region_scaling.py --runs 3 --work /tmp/region-bench --keep

The goal: ``fosterreport build --region DIR --workers W`` within 1.1 × (the sum of every
council's own ``fosterreport build``) ÷ W. Everything is a fresh process timed from outside
(start-up included), with the same Python and the same generated region
(``fosterreport sample --authorities 12 --years 3 --seed 2024``):

* **floor**: each council's own ``fosterreport build --data <council> --config
  <council>/fosterreport.toml --year 2024 -q`` (HTML, PDF, Markdown, JSON), run from a
  folder without a ``fosterreport.toml``; the floor is the sum over the 12 councils.
* **region**: ``fosterreport build --region DIR --year 2024 --workers W -q`` for W = 1 and 2.
  It builds the same 12 reports (byte for byte, as the tests check) *and* the regional
  report (comparison, HTML, PDF, Markdown, JSON), which the floor does not include; so
  the regional report alone is measured too (``regional``: compare + render + PDF, in one
  process after its councils' figures are in, imports excluded), to show what share of
  the ratio it is.

The singles and the region builds take turns, ``runs`` rounds, every other round in the
mirrored order, and the best wall time of each is kept (the machine is shared: a burst of
other work slows one round). Beside each
wall time: CPU time (the process and its workers), and the CPU the rest of the machine used
meanwhile (``/proc/stat``). Ratios: ``wall`` = region wall ÷ (Σ single walls ÷ W), the goal;
``cpu`` = region CPU ÷ Σ single CPU (the work done, which contention hardly changes: with
W idle-free workers on W free cores the wall ratio tends to it).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

YEAR = 2024
COUNCILS = 12
YEARS = 3
SEED = 2024
GOAL = 1.1
CLI = [sys.executable, "-m", "fosterreport"]


def _machine_busy() -> float | None:
    """CPU-seconds the whole machine has spent busy since boot (all cores), or None."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def timed(argv: list[str], cwd: Path) -> dict:
    """Run ``argv`` in a fresh process: wall, CPU (it and every worker it waited for), and
    the CPU the rest of the machine used meanwhile."""
    busy = _machine_busy()
    began = time.perf_counter()
    with tempfile.TemporaryFile() as errors:
        child = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - began
        if os.waitstatus_to_exitcode(status):
            errors.seek(0)
            raise SystemExit(f"{' '.join(argv)} failed:\n{errors.read()[-3000:].decode(errors='replace')}")
    cpu = usage.ru_utime + usage.ru_stime
    after = _machine_busy()
    return {"seconds": seconds, "cpu_seconds": cpu,
            "others_cpu_seconds": None if busy is None else max(0.0, after - busy - cpu)}


def _best(found: dict, best: dict | None) -> dict:
    return found if best is None or found["seconds"] < best["seconds"] else best


def make_region(work: Path, councils: int = COUNCILS, years: int = YEARS, seed: int = SEED) -> Path:
    """The generated region (reused when a previous run kept it)."""
    region = work / f"region-{councils}x{years}-{seed}"
    if not (region / ".complete").exists():
        if region.exists():
            shutil.rmtree(region)
        subprocess.run([*CLI, "sample", "--out", str(region), "--authorities", str(councils), "--years", str(years),
                        "--seed", str(seed), "-q"], check=True)
        (region / ".complete").write_text("")  # (a dot-folder name is never a council: a file is not either)
    return region


#: The regional report alone, in a child: the councils' figures first (not timed), then
#: what the region build adds to its councils' own reports, timed warm.
REGIONAL_ALONE = """\
import json, sys, time, tempfile
from pathlib import Path
from fosterreport.periods import make_period
from fosterreport.region import councils as rc
from fosterreport.region.build import render_region, output_paths
from fosterreport.region.figures import compare
from fosterreport.render.pdf import render_pdf

region, year = Path(sys.argv[1]), int(sys.argv[2])
config = rc.region_config(region)
period = make_period(year)
trend = config.report.trend_years
outcomes = []
for council in rc.discover_councils(region):  # as in a build: the report's KPIs (trend, months)
    loaded = rc.load_council(council, config)
    outcomes.append(rc.compute_council(loaded, period, trend, report=True))
best = {}
with tempfile.TemporaryDirectory() as out:
    for attempt in range(2):  # the first warms imports, fonts and caches
        times = {}
        began, cpu = time.perf_counter(), time.process_time()
        results = compare(rc.region_name(region, config), outcomes, period, config, trend=trend)
        times["compare"] = (time.perf_counter() - began, time.process_time() - cpu)
        began, cpu = time.perf_counter(), time.process_time()
        rendered = render_region(results, config, Path(out), ("html", "md"))
        times["render"] = (time.perf_counter() - began, time.process_time() - cpu)
        html = rendered.outputs[output_paths(Path(out), period)["html"]].decode()
        began, cpu = time.perf_counter(), time.process_time()
        pdf, pages, _ = render_pdf(html, Path(config.base))
        times["pdf"] = (time.perf_counter() - began, time.process_time() - cpu)
        if attempt:
            for stage, (wall, used) in times.items():
                old = best.get(stage, (float("inf"), float("inf")))
                best[stage] = (min(old[0], wall), min(old[1], used))
print(json.dumps({"stages": best, "pages": pages,
                  "seconds": sum(w for w, _ in best.values()), "cpu_seconds": sum(c for _, c in best.values())}))
"""


def regional_alone(region: Path, cwd: Path) -> dict:
    completed = subprocess.run([sys.executable, "-c", REGIONAL_ALONE, str(region), str(YEAR)], cwd=cwd,
                               capture_output=True, text=True)
    if completed.returncode:
        raise SystemExit(f"the regional report alone failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def measure_region_scaling(work: Path, runs: int = 2, workers: tuple[int, ...] = (1, 2),
                           note=lambda message: None) -> dict:
    """Every figure of the region-scaling goal, measured in one run (see the module docstring)."""
    work = Path(work)
    cwd = work / "cwd"  # no fosterreport.toml here
    cwd.mkdir(parents=True, exist_ok=True)
    note(f"region scaling: generating {COUNCILS} councils × {YEARS} years")
    region = make_region(work)
    folders = sorted(p for p in region.iterdir() if p.is_dir())
    singles: dict[str, dict | None] = {folder.name: None for folder in folders}
    regions: dict[int, dict | None] = {w: None for w in workers}
    def single(folder: Path, attempt: int) -> None:
        note(f"region scaling: {folder.name} on its own, run {attempt + 1}")
        argv = [*CLI, "build", "--data", str(folder), "--config", str(folder / "fosterreport.toml"),
                "--year", str(YEAR), "--out", str(work / "single" / folder.name), "-q"]
        singles[folder.name] = _best(timed(argv, cwd), singles[folder.name])

    def whole(count: int, attempt: int) -> None:
        note(f"region scaling: the region, {count} worker(s), run {attempt + 1}")
        argv = [*CLI, "build", "--region", str(region), "--year", str(YEAR), "--workers", str(count),
                "--out", str(work / f"region-out-{count}"), "-q"]
        regions[count] = _best(timed(argv, cwd), regions[count])

    # Taking turns, so that a burst of other work hits floor and region alike, and in the
    # mirrored order on every other round (singles, region; region, singles): this host's
    # speed drifts by a fifth within minutes, and a drift then favours neither side.
    for attempt in range(runs):
        steps = [lambda folder=folder: single(folder, attempt) for folder in folders]
        steps += [lambda count=count: whole(count, attempt) for count in workers]
        for step in (steps if attempt % 2 == 0 else steps[::-1]):
            step()
    note("region scaling: the regional report alone")
    regional = regional_alone(region, cwd)
    floor = {"seconds": sum(s["seconds"] for s in singles.values()),
             "cpu_seconds": sum(s["cpu_seconds"] for s in singles.values())}
    result = {"councils": len(folders), "years": YEARS, "seed": SEED, "runs": runs, "singles": singles,
              "floor": floor, "regional": regional, "region": {}}
    for count, got in regions.items():
        result["region"][str(count)] = {
            **got, "workers": count,
            "ratio": got["seconds"] / (floor["seconds"] / count),
            "cpu_ratio": got["cpu_seconds"] / floor["cpu_seconds"],
            "busy": got["cpu_seconds"] / (count * got["seconds"])}
    return result


def _s(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def report_lines(r: dict) -> list[str]:
    """The "Region scaling" section of benchmarks/RESULTS.md."""
    floor, regional = r["floor"], r["regional"]
    stages = regional["stages"]
    lines = [f"## Region scaling: {r['councils']} councils × {r['years']} years (`fosterreport sample "
             f"--authorities {r['councils']} --years {r['years']} --seed {r['seed']}`)", "",
             "Fresh processes, best of "
             f"{r['runs']} rounds taken in turns. Floor: the sum of each council's own `fosterreport build --data "
             "<council> --config <council>/fosterreport.toml --year 2024 -q` (HTML, PDF, Markdown, JSON). The "
             "region build makes the same reports and the regional one besides (comparison, HTML, PDF, "
             f"Markdown, JSON; alone, warm: {_s(regional['seconds'])} s wall, {_s(regional['cpu_seconds'])} s CPU, "
             f"{regional['pages']} pages: compare {stages['compare'][0]:.2f} s, HTML + Markdown "
             f"{stages['render'][0]:.2f} s, PDF {stages['pdf'][0]:.2f} s), which the floor does not include. "
             "Ratio = region wall ÷ (Σ single walls ÷ workers); CPU ratio = region CPU (all its processes) ÷ "
             "Σ single CPU; busy = region CPU ÷ (workers × wall).", "",
             "| measured | wall (s) | CPU (s) | others' CPU meanwhile (s) | ratio (wall) | ratio (CPU) | busy |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
             f"| floor: Σ of the {r['councils']} single builds | {_s(floor['seconds'])} | {_s(floor['cpu_seconds'])} "
             f"| {_s(sum(s['others_cpu_seconds'] or 0 for s in r['singles'].values()))} | | | |"]
    for count, got in r["region"].items():
        lines.append(f"| `build --region --workers {count}` | {_s(got['seconds'])} | {_s(got['cpu_seconds'])} "
                     f"| {_s(got['others_cpu_seconds'])} | {got['ratio']:.2f}× | {got['cpu_ratio']:.2f}× "
                     f"| {got['busy']:.2f} |")
    return lines


def goals(r: dict) -> list[tuple[str, str, bool]]:
    """(goal, figure, met) rows for the goals table: one per worker count."""
    rows = []
    for count, got in r["region"].items():
        floor = r["floor"]["seconds"] / int(count)
        rows.append((f"region of {r['councils']} with {count} worker(s) ≤ {GOAL}× Σ single builds ÷ {count}",
                     f"{got['seconds']:.1f} s vs {floor:.1f} s = {got['ratio']:.2f}× (CPU {got['cpu_ratio']:.2f}×)",
                     got["ratio"] <= GOAL))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=2, help="rounds, best kept (default: %(default)s)")
    parser.add_argument("--work", type=Path, help="folder for the region and outputs (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep --work's generated region for the next run")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args()
    began = time.perf_counter()

    def note(message: str) -> None:
        print(f"[{time.perf_counter() - began:6.1f}s] {message}", file=sys.stderr, flush=True)

    temporary = None
    if args.work is None:
        temporary = tempfile.TemporaryDirectory(prefix="fosterreport-region-bench-")
        args.work = Path(temporary.name)
    try:
        result = measure_region_scaling(args.work, args.runs, note=note)
    finally:
        if temporary is not None:
            temporary.cleanup()
        elif not args.keep:
            shutil.rmtree(args.work / f"region-{COUNCILS}x{YEARS}-{SEED}", ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    print("\n".join(report_lines(result)))
    print()
    for goal, figure, met in goals(result):
        print(f"{goal}: {figure}: {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
