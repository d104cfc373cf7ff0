"""Every stage's cost beside its floor, measured in the same run, and the goals of issue 5.

    python benchmarks/run.py                          # full run, about 4 minutes on 2 cores
    python benchmarks/run.py --quick                  # small inputs, 2–3 minutes
    python benchmarks/run.py --out benchmarks/RESULTS.md --work /tmp/bench --keep

What is measured (all inputs deterministic: the embedded Anyshire sample, and generated
data with fixed seeds):

* **One council** (the embedded sample, 2023/24): the whole ``fosterreport kpis``
  command in a fresh process beside ``python -c "import pandas"``; reading the 12
  extracts, and reading + validating them (``load_extracts``), beside a plain
  ``pyarrow.csv.read_csv`` of the same files; the KPIs; then charts, HTML, PDF and
  Markdown as ``build_report_detailed`` times them, the PDF beside WeasyPrint alone
  rendering the same HTML; the whole build (``fosterreport.build.measure_build``)
  beside WeasyPrint alone; and ``fosterreport build`` cold, beside a cold WeasyPrint.
* **Rows → time**: ``benchmarks/load.py``'s generated enquiries extract at several
  sizes (up to 1M rows): ``load_extracts`` beside the pyarrow read with dates typed,
  and row-by-row pydantic validation of a sample, extrapolated (said so in the table).
* **National**: ``generate_sample(authorities=150, seed=2024)`` (150 councils, 8
  years); the KPIs for every council, through ``fosterreport kpis --region`` when the
  installed CLI has it, else ``load_extracts`` + ``compute_kpis`` per council in one
  process; beside a plain pyarrow read of every file and the CSV bytes on disk.
* **Parallel builds**: several councils' reports built with 1 and then 2 worker
  processes, through the region build when the CLI has one, else a small
  ``ProcessPoolExecutor`` harness calling ``build_report``.
* **Region scaling** (``benchmarks/region_scaling.py``): a generated 12-council region
  built with 1 and 2 workers beside the sum of its councils' own fresh-process builds,
  and the regional report alone.

Each measurement runs in its own subprocess, so peaks do not mix. Peak memory is the
child's peak resident set size, ``VmHWM`` read from ``/proc/self/status`` inside the
child; for a stage inside a longer run the high-water mark is first reset to the current
RSS (``echo 5 > /proc/self/clear_refs``), so the figure is that stage's own peak (the
process's RSS while the stage ran, imports and earlier stages' data included); for a
command with worker processes, the summed RSS of the process and its workers, sampled
every 20 ms. Whole commands are timed by the parent around the fresh interpreter
(start-up included); stages inside a process after one warm-up run; a measurement and
its floor take turns, and the best of each is kept. Beside each wall time: CPU time, and
the CPU other processes used meanwhile (``/proc/stat``), since the machine may be shared.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import load as load_bench  # noqa: E402  (benchmarks/load.py: the 1M-row generator and its measurements)
import region_scaling  # noqa: E402  (benchmarks/region_scaling.py: issue 15's region goal)
import goals as issue15  # noqa: E402  (benchmarks/goals.py: issue 15's goals, fresh processes beside floors)

YEAR = 2024
PEAK_ENV = "FOSTERREPORT_BENCH_PEAK"
#: Prepended to ``python -c`` programs: write VmHWM (KiB) to $FOSTERREPORT_BENCH_PEAK at exit.
PEAK_AT_EXIT = """\
import atexit as _a, os as _o
def _peak():
    _p = _o.environ.get({env!r})
    if not _p:
        return
    try:
        _v = [l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM:')][0]
    except OSError:
        import resource, sys
        _r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        _v = str(_r // 1024 if sys.platform == 'darwin' else _r)
    open(_p, 'w').write(_v)
_a.register(_peak)
""".format(env=PEAK_ENV)


# -- inside a child ------------------------------------------------------------------------


def _status(key: str) -> float:
    """``VmHWM``/``VmRSS`` of this process in MB (peak falls back to ru_maxrss off Linux)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return load_bench._peak_mb()


def _reset_peak() -> float:
    """Reset the high-water mark to the current RSS (Linux ≥ 4.0); return the RSS in MB."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass
    return _status("VmRSS")


class Stage:
    """Best wall and CPU time over runs, and the peak RSS while they ran (see the module
    docstring). CPU time counts every thread of the process (pyarrow reads on several)."""

    def __init__(self):
        self.best = self.cpu = float("inf")
        self.start_mb = _reset_peak()

    def run(self, work, repeat: int):
        result = None
        for _ in range(repeat):
            began, cpu = time.perf_counter(), time.process_time()
            result = work()
            self.best = min(self.best, time.perf_counter() - began)
            self.cpu = min(self.cpu, time.process_time() - cpu)
        return result

    def as_dict(self, **extra) -> dict:
        return {"seconds": self.best, "cpu_seconds": self.cpu, "peak_mb": _status("VmHWM"),
                "start_mb": self.start_mb, **extra}


def _config_for(folder: Path):
    from fosterreport.config import load_config

    toml = folder / "fosterreport.toml"
    return load_config(toml if toml.is_file() else None)


def _files(folder: Path) -> dict[str, Path]:
    """The contract's files in ``folder`` by short name, found as the loader finds them."""
    from fosterreport.extracts import discover

    return discover(folder)[0]


def child(kind: str, params: dict) -> dict:
    """One measurement; imports happen before any clock starts."""
    import pyarrow.csv as pacsv

    from fosterreport.build import build_report_detailed, measure_build
    from fosterreport.extracts import read_extract
    from fosterreport.kpis import compute_kpis
    from fosterreport.kpis import engine  # noqa: F401  (imported on first use otherwise)
    from fosterreport.periods import make_period
    from fosterreport.records import load_extracts

    repeat = params.get("repeat", 3)
    folder = Path(params["folder"]) if "folder" in params else None
    if kind == "pyarrow-read":  # the floor: a plain read of the same files, types inferred
        paths = sorted(Path(params["root"]).rglob("*")) if "root" in params else list(_files(folder).values())
        paths = [p for p in paths if p.suffix.lower() in (".csv", ".tsv")]
        work = lambda: [pacsv.read_csv(p, parse_options=pacsv.ParseOptions(  # noqa: E731
            delimiter="\t" if p.suffix.lower() == ".tsv" else ",")) for p in paths]
        work()
        stage = Stage()
        tables = stage.run(work, repeat)
        return stage.as_dict(files=len(paths), rows=sum(t.num_rows for t in tables),
                             bytes=sum(p.stat().st_size for p in paths))
    if kind == "read":
        paths = _files(folder)
        work = lambda: [read_extract(name, path) for name, path in paths.items()]  # noqa: E731
        work()
        stage = Stage()
        raws = stage.run(work, repeat)
        return stage.as_dict(files=len(paths), rows=sum(len(r.lines) for r in raws))
    if kind == "load":
        config = _config_for(folder)
        load_extracts(folder, config)
        stage = Stage()
        extracts = stage.run(lambda: load_extracts(folder, config), repeat)
        return stage.as_dict(rows=sum(len(f) for f in extracts.frames.values()),
                             problems=len(extracts.problems.problems))
    if kind == "kpis":
        config = _config_for(folder)
        extracts = load_extracts(folder, config)
        period = make_period(YEAR)
        trend = params.get("trend", 0)
        compute_kpis(extracts, period, config, trend=trend)
        stage = Stage()
        results = stage.run(lambda: compute_kpis(extracts, period, config, trend=trend), repeat)
        return stage.as_dict(kpis=len(results.values))
    if kind == "build-stages":  # charts, HTML, PDF, Markdown as the library times them
        config = _config_for(folder)
        extracts = load_extracts(folder, config)
        period = make_period(YEAR)
        out = Path(params["out"])
        build_report_detailed(extracts, config, period, out)  # warm-up: imports, fonts, caches
        best: dict[str, float] = {}
        peaks: dict[str, float] = {}
        starts: dict[str, float] = {}
        current = [None]

        def progress(stage: str) -> None:
            if current[0] is not None:
                peaks[current[0]] = max(peaks.get(current[0], 0.0), _status("VmHWM"))
            starts.setdefault(stage, _reset_peak())
            current[0] = stage

        pages = None
        for _ in range(repeat):
            current[0] = None
            result = build_report_detailed(extracts, config, period, out, progress=progress)
            progress("(end)")
            pages = result.pages
            for stage, seconds in result.timings.items():
                best[stage] = min(best.get(stage, float("inf")), seconds)
        return {"stages": {s: {"seconds": best[s], "peak_mb": peaks.get(s), "start_mb": starts.get(s)}
                           for s in best}, "pages": pages}
    if kind == "weasyprint":  # the floor of the PDF stage: WeasyPrint alone, same HTML
        from weasyprint import HTML

        from fosterreport.render.pdf import PDF_VARIANT

        html = Path(params["html"]).read_text(encoding="utf-8")
        pages = len(HTML(string=html).render(pdf_variant=PDF_VARIANT).pages)  # (also the warm-up)
        stage = Stage()
        stage.run(lambda: HTML(string=html).write_pdf(pdf_variant=PDF_VARIANT), repeat)
        return stage.as_dict(pages=pages, html_bytes=len(html.encode()))
    if kind == "measure-build":
        stage = Stage()
        return {**measure_build(folder, YEAR, repeat=repeat), "peak_mb": _status("VmHWM"),
                "start_mb": stage.start_mb}
    if kind == "national-loop":  # every council in one process, as a region run would
        root = Path(params["root"])
        councils = sorted(p for p in root.iterdir() if p.is_dir())
        stage = Stage()
        period = make_period(YEAR)

        def every_council():
            for council in councils:
                config = _config_for(council)
                compute_kpis(load_extracts(council, config), period, config)
            return len(councils)

        count = stage.run(every_council, 1)
        return stage.as_dict(councils=count)
    if kind == "pool-build":
        from concurrent.futures import ProcessPoolExecutor

        councils = [str(p) for p in sorted(Path(params["root"]).iterdir()) if p.is_dir()][:params["councils"]]
        out = Path(params["out"])
        stage = Stage()
        began = time.perf_counter()
        with ProcessPoolExecutor(max_workers=params["workers"]) as pool:
            pages = list(pool.map(_build_council, councils, [str(out / Path(c).name) for c in councils]))
        import resource

        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        worker_peak = children.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
        return {"seconds": time.perf_counter() - began, "peak_mb": _status("VmHWM"), "start_mb": stage.start_mb,
                "tree_peak_mb": _status("VmHWM") + worker_peak * params["workers"],
                "cpu_seconds": time.process_time() + children.ru_utime + children.ru_stime,
                "others_cpu_seconds": None, "councils": len(councils), "pages": pages}
    raise SystemExit(f"unknown measurement {kind}")


def _build_council(folder: str, out: str) -> int | None:
    """One council's whole report (load, KPIs, HTML, PDF, Markdown), in a pool worker."""
    from fosterreport.build import build_report_detailed
    from fosterreport.periods import make_period
    from fosterreport.records import load_extracts

    config = _config_for(Path(folder))
    extracts = load_extracts(Path(folder), config)
    return build_report_detailed(extracts, config, make_period(YEAR), Path(out)).pages


# -- the parent ----------------------------------------------------------------------------


def measure(kind: str, **params) -> dict:
    completed = subprocess.run([sys.executable, __file__, "--child", kind, "--params", json.dumps(params)],
                               capture_output=True, text=True)
    if completed.returncode:
        raise SystemExit(f"measurement {kind} failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _machine_busy() -> float | None:
    """CPU-seconds the whole machine has spent busy since boot (all cores), or None."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _tree_rss_mb(pid: int) -> float:
    """Summed RSS of ``pid`` and its descendants, now (0 where /proc is missing)."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return total / 1024


def command(program: str, repeat: int, cwd: Path, argv: list[str] | None = None, tree: bool = False) -> dict:
    """A fresh interpreter running ``program`` (``python -c``), timed from outside, best of
    ``repeat``. Its peak is the VmHWM it writes at exit; with ``tree`` (commands that start
    worker processes) also the largest summed RSS of it and its workers, sampled every 20 ms.
    ``cpu_seconds`` is its CPU time and its workers'; ``others_cpu_seconds`` what the rest
    of the machine used meanwhile (contention from other work). ``argv`` sets ``sys.argv``."""
    code = PEAK_AT_EXIT
    if argv is not None:
        code += f"import sys\nsys.argv = {argv!r}\n"
    code += program
    best: dict = {"seconds": float("inf")}
    with tempfile.NamedTemporaryFile(prefix="peak-", dir=cwd, delete=False) as handle:
        peak_file = Path(handle.name)
    env = {**os.environ, PEAK_ENV: str(peak_file)}
    try:
        for _ in range(repeat):
            with tempfile.TemporaryFile(dir=cwd) as errors:
                busy = _machine_busy()
                began = time.perf_counter()
                child = subprocess.Popen([sys.executable, "-c", code], cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                                         stderr=errors)
                tree_peak = 0.0
                while True:
                    pid, status, usage = os.wait4(child.pid, os.WNOHANG if tree else 0)
                    if pid:
                        break
                    tree_peak = max(tree_peak, _tree_rss_mb(child.pid))
                    time.sleep(0.02)
                seconds = time.perf_counter() - began
                child.returncode = os.waitstatus_to_exitcode(status)
                if child.returncode:
                    errors.seek(0)
                    raise SystemExit(f"{argv or program!r} failed:\n{errors.read()[-3000:].decode(errors='replace')}")
            if seconds < best["seconds"]:
                cpu = usage.ru_utime + usage.ru_stime
                after = _machine_busy()
                peak = int(peak_file.read_text()) / 1024
                best = {"seconds": seconds, "cpu_seconds": cpu, "peak_mb": peak,
                        "tree_peak_mb": max(peak, tree_peak) if tree else None,
                        "others_cpu_seconds": None if busy is None else max(0.0, after - busy - cpu)}
    finally:
        peak_file.unlink(missing_ok=True)
    return best


CLI = "from fosterreport.cli import main\nmain()\n"
#: What the ``kpis`` command imports before it does any work (typer builds its option
#: parsers with pydantic; rich draws the table).
IMPORTS = ("import pandas, typer._adapters, rich.table, rich.console\n"
           "import fosterreport.cli, fosterreport.validation, fosterreport.kpis.engine\n")


def cli_has(command_name: str, option: str, cwd: Path) -> bool:
    """Whether the installed CLI's ``command_name`` takes ``option`` (e.g. ``--region``)."""
    program = f"import sys\nsys.argv = ['fosterreport', {command_name!r}, '--help']\n" + CLI
    completed = subprocess.run([sys.executable, "-c", program], cwd=cwd, capture_output=True, text=True,
                               env={**os.environ, "COLUMNS": "200"})
    return option in completed.stdout


def interleaved(measurements: dict, rounds: int) -> dict:
    """Each measurement ``rounds`` times, taking turns (A B C A B C …), the fastest of each
    kept: a burst of other work on a shared machine then slows a measurement and its floor
    alike instead of only one of them."""
    best: dict = {}
    for _ in range(rounds):
        for name, take in measurements.items():
            found = take()
            if name not in best or found["seconds"] < best[name]["seconds"]:
                best[name] = found
    return best


def machine() -> dict[str, str]:
    import pandas
    import pyarrow
    import weasyprint

    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or cpu
    memory = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {"date": date.today().isoformat(), "cpu": cpu, "cores": f"{os.cpu_count()} ({usable} usable)",
            "memory": memory, "os": platform.platform(), "python": platform.python_version(),
            "pandas": pandas.__version__, "pyarrow": pyarrow.__version__, "weasyprint": weasyprint.__version__}


def _own_cpu() -> float:
    """CPU time of this process and of every child it has waited for."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def _load_avg() -> str:
    try:
        return "/".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def run(args) -> str:
    quick = args.quick
    repeat = 3 if quick else 5
    work = args.work
    issue15.compile_bytecode()  # (as pip install does: see goals.compile_bytecode)
    results: dict = {"machine": machine(), "load_before": _load_avg(), "quick": quick}
    began = time.perf_counter()
    busy_before, own_before = _machine_busy(), _own_cpu()

    def note(message: str) -> None:
        print(f"[{time.perf_counter() - began:6.1f}s] {message}", file=sys.stderr, flush=True)

    from fosterreport.cli.app import sample_folder

    sample = sample_folder()
    cwd = work / "cwd"  # no fosterreport.toml here: every command sees the defaults
    cwd.mkdir(parents=True, exist_ok=True)

    # -- one council ----------------------------------------------------------------------
    note("one council: start-up")
    one: dict = {}
    kpis_argv = ["fosterreport", "kpis", "--year", str(YEAR), "--quiet"]
    one.update(interleaved({
        "import_pandas": lambda: command("import pandas\n", 1, cwd),
        "kpis_cli": lambda: command(CLI, 1, cwd, kpis_argv),
        "kpis_cli_json": lambda: command(CLI, 1, cwd, [*kpis_argv, "--format", "json"]),
        "imports": lambda: command(IMPORTS, 1, cwd),
    }, repeat * 2))
    note("one council: read, validate, KPIs")
    one.update(interleaved({
        "pyarrow_read": lambda: measure("pyarrow-read", folder=str(sample), repeat=repeat),
        "read": lambda: measure("read", folder=str(sample), repeat=repeat),
        "load": lambda: measure("load", folder=str(sample), repeat=repeat),
    }, 2))
    one["kpis"] = measure("kpis", folder=str(sample), repeat=repeat)
    one["kpis_trend"] = measure("kpis", folder=str(sample), repeat=repeat, trend=5)
    note("one council: build stages")
    out = work / "report"
    one["build_stages"] = measure("build-stages", folder=str(sample), out=str(out), repeat=max(2, repeat // 2))
    html = next(out.glob("fostering-report-*.html"))
    one["weasyprint"] = measure("weasyprint", html=str(html), repeat=max(2, repeat // 2))
    note("one council: whole build beside WeasyPrint (measure_build)")
    builds = [measure("measure-build", folder=str(sample), repeat=2) for _ in range(2 if quick else 3)]
    one["measure_build"] = {**min(builds, key=lambda b: b["build_seconds"]),
                            "weasyprint_seconds": min(b["weasyprint_seconds"] for b in builds)}
    one["measure_build"]["ratio"] = one["measure_build"]["build_seconds"] / one["measure_build"]["weasyprint_seconds"]
    note("one council: cold build")
    cold_out = work / "cold"
    one.update(interleaved({
        "build_cli": lambda: command(CLI, 1, cwd, ["fosterreport", "build", "--year", str(YEAR), "--quiet",
                                                   "--out", str(cold_out)]),
        "weasyprint_cold": lambda: command(
            "from weasyprint import HTML\n"
            f"HTML(string=open({str(html)!r}, encoding='utf-8').read()).write_pdf(pdf_variant='pdf/ua-1')\n",
            1, cwd),
    }, 2))
    results["one"] = one

    # -- rows -> time -------------------------------------------------------------------------
    sizes = [30_000, 100_000] if quick else [100_000, 300_000, 1_000_000]
    row_sample = 10_000 if quick else 100_000
    rows: list[dict] = []
    for size in sizes:
        note(f"load: {size:,} rows")
        folder = work / f"rows-{size}"
        if folder.exists():
            shutil.rmtree(folder)
        generated = load_bench.generate(folder, size, min(row_sample, size))
        entry = {"rows": size, "bytes": generated["bytes"], "households": generated["households"],
                 **interleaved({"floor": lambda: load_bench.measure("floor", folder, 1),
                                "load": lambda: load_bench.measure("load", folder, 1)}, 3 if quick else 5)}
        if size == sizes[-1]:
            entry["columns"] = load_bench.measure("columns", folder, 3)
            entry["columns_sample"] = load_bench.measure("columns-sample", folder, 3)
            note(f"row-by-row pydantic on {min(row_sample, size):,} rows")
            entry["rows_sample"] = load_bench.measure("rows-sample", folder, 1)
            entry["sample"] = min(row_sample, size)
        rows.append(entry)
        if not args.keep:
            shutil.rmtree(folder)
    results["rows"] = rows

    # -- national -----------------------------------------------------------------------------
    authorities = 10 if quick else 150
    national = work / f"national-{authorities}"
    note(f"national: generating {authorities} councils")
    if not (national / ".complete").exists():
        if national.exists():
            shutil.rmtree(national)
        from fosterreport.sample import generate_sample

        generated_at = time.perf_counter()
        generate_sample(national, authorities=authorities, seed=2024)
        (national / ".complete").write_text(f"{time.perf_counter() - generated_at:.1f}")
    csv_bytes = sum(p.stat().st_size for p in national.rglob("*") if p.suffix.lower() in (".csv", ".tsv"))
    nat: dict = {"authorities": authorities, "csv_bytes": csv_bytes,
                 "generate_seconds": float((national / ".complete").read_text())}
    note("national: pyarrow read of every file")
    nat["pyarrow_read"] = measure("pyarrow-read", root=str(national), repeat=1)
    if cli_has("kpis", "--region", cwd):
        nat["via"] = "`fosterreport kpis --region DIR --year 2024 --quiet --format json`"
        for workers in (None, 1):
            note(f"national: fosterreport kpis --region ({workers or 'default'} workers)")
            argv = ["fosterreport", "kpis", "--region", str(national), "--year", str(YEAR), "--quiet", "--format",
                    "json", *(["--workers", str(workers)] if workers else [])]
            nat["kpis" if workers is None else "kpis_w1"] = command(CLI, 1, cwd, argv, tree=True)
    else:
        note("national: load_extracts + compute_kpis per council, one process")
        nat["via"] = ("`load_extracts` + `compute_kpis` for each council in turn, one process "
                      "(the CLI has no `kpis --region` yet)")
        nat["kpis"] = measure("national-loop", root=str(national))
    results["national"] = nat

    # -- parallel builds ------------------------------------------------------------------------
    councils = 4 if quick else 8
    par: dict = {"councils": councils}
    runs = 1 if quick else 2
    if cli_has("build", "--region", cwd) and cli_has("build", "--workers", cwd):
        par["via"] = (f"`fosterreport build --region DIR --workers N`, DIR holding the first {councils} national "
                      "councils (their reports and the regional one, all formats)")
        subset = work / "parallel-input"
        if subset.exists():
            shutil.rmtree(subset)
        subset.mkdir()
        for folder in sorted(p for p in national.iterdir() if p.is_dir())[:councils]:
            (subset / folder.name).symlink_to(folder.resolve(), target_is_directory=True)
        for attempt in range(runs):  # alternated, so that a burst of other work hits both alike
            for workers in (1, 2):
                note(f"parallel builds: {workers} worker(s), region build, run {attempt + 1}")
                found = command(CLI, 1, cwd, ["fosterreport", "build", "--region", str(subset), "--year", str(YEAR),
                                              "--quiet", "--workers", str(workers), "--out",
                                              str(work / f"region-{workers}")], tree=True)
                if found["seconds"] < par.get(f"w{workers}", {"seconds": float("inf")})["seconds"]:
                    par[f"w{workers}"] = found
    else:
        par["via"] = (f"a `ProcessPoolExecutor` calling `build_report_detailed` for the first {councils} "
                      "national councils (the CLI has no parallel region build yet)")
        for workers in (1, 2):
            note(f"parallel builds: {workers} worker(s)")
            par[f"w{workers}"] = measure("pool-build", root=str(national), councils=councils, workers=workers,
                                         out=str(work / f"pool-{workers}"))
    results["parallel"] = par
    regional = sorted((work / "region-1").glob("region/*.html"))
    if regional:
        note("pages: WeasyPrint alone on the regional report")
        results["regional_pdf"] = measure("weasyprint", html=str(regional[0]), repeat=2)
    note("issue 15's goals: build, kpis and preview beside their floors")
    results["issue15"] = issue15.run(region=False)
    note("region scaling")
    results["region_scaling"] = region_scaling.measure_region_scaling(work / "region-scaling", 1 if quick else 2,
                                                                      note=note)
    results["load_after"] = _load_avg()
    results["seconds"] = time.perf_counter() - began
    busy_after = _machine_busy()
    results["others_cpu_seconds"] = (None if busy_before is None else
                                     max(0.0, busy_after - busy_before - (_own_cpu() - own_before)))
    if not args.keep:
        shutil.rmtree(national, ignore_errors=True)
    (work / "results.json").write_text(json.dumps(results, indent=1))
    return report(results)


# -- the report ---------------------------------------------------------------------------------


def _s(value: float | None) -> str:
    return "" if value is None else (f"{value:.3f}" if value < 10 else f"{value:.1f}")


def _mb(value: float | None) -> str:
    return "" if value is None else f"{value:.0f}"


def _x(value: float, floor: float) -> str:
    return f"{value / floor:.2f}×" if floor else ""


def report(r: dict) -> str:
    m, one, nat, par = r["machine"], r["one"], r["national"], r["parallel"]
    others = r.get("others_cpu_seconds")
    contention = ("" if others is None else
                  f" Other processes used {others:.0f} CPU-seconds during the run "
                  f"({others / r['seconds'] / (os.cpu_count() or 1):.0%} of the machine): the wall times are "
                  "those of a shared machine, and the CPU times beside them are the steadier figure.")
    lines = [
        "# Benchmark results",
        "",
        f"Written by `python benchmarks/run.py{' --quick' if r['quick'] else ''}` on {m['date']} "
        f"in {r['seconds'] / 60:.1f} min. Machine: {m['cpu']}, {m['cores']} cores, {m['memory']} memory; "
        f"{m['os']}; Python {m['python']}, pandas {m['pandas']}, pyarrow {m['pyarrow']}, "
        f"WeasyPrint {m['weasyprint']}. Load average before/after (1/5/15 min): "
        f"{r['load_before']} / {r['load_after']}.{contention}",
        "",
        "Wall times are the best of several runs, each measurement in its own process; CPU is the "
        "CPU time of that process (all its threads) and its workers. Peak = peak resident set size: "
        "`VmHWM` from `/proc/self/status` inside the child (for a stage inside a run, the high-water "
        "mark is reset at the stage's start, so it is the process's largest RSS while that stage "
        "ran, imports and earlier stages' data included); for commands with worker processes, the "
        "largest summed RSS of the process and its workers, sampled every 20 ms. Ratios are against "
        "floors measured in this same run.",
        "",
        "## One council: the embedded Anyshire sample, 2023/24",
        "",
        "| stage | measured | wall (s) | CPU (s) | peak (MB) | floor, same run | floor wall (s) | floor CPU (s) "
        "| floor peak (MB) | × floor (wall) |",
        "| --- | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |",
    ]

    def row(stage, what, got, floor_label="none", floor=None, seconds=None):
        seconds = got["seconds"] if seconds is None else seconds
        f = floor or {}
        lines.append(f"| {stage} | {what} | {_s(seconds)} | {_s(got.get('cpu_seconds'))} "
                     f"| {_mb(got.get('tree_peak_mb') or got.get('peak_mb'))} | {floor_label} "
                     f"| {_s(f.get('seconds'))} | {_s(f.get('cpu_seconds'))} | {_mb(f.get('peak_mb'))} "
                     f"| {_x(seconds, f['seconds']) if f else ''} |")

    imp = one["import_pandas"]
    row("start-up + whole `kpis`", "`fosterreport kpis --year 2024 -q` (table), fresh process", one["kpis_cli"],
        '`python -c "import pandas"`', imp)
    row("", "the same, `--format json`", one["kpis_cli_json"], "ditto", imp)
    row("", "imports only: pandas, typer (+ pydantic), rich and the `kpis` path's modules", one["imports"],
        "ditto", imp)
    pa_, rd, ld = one["pyarrow_read"], one["read"], one["load"]
    floor = f"pyarrow `read_csv` of the same {pa_['files']} files"
    row("read", f"`read_extract` × {rd['files']} files ({rd['rows']:,} rows)", rd, floor, pa_)
    row("read + validate", "`load_extracts` (parse, row rules, cross-file checks)", ld, "ditto", pa_)
    lines.append(f"| validate | the difference of the two rows above | {_s(ld['seconds'] - rd['seconds'])} "
                 f"| {_s(ld['cpu_seconds'] - rd['cpu_seconds'])} | | | | | | |")
    row("KPIs", "`compute_kpis` (period + previous year), as `kpis`", one["kpis"])
    row("KPIs", "`compute_kpis(trend=5)`, as `build`", one["kpis_trend"])
    stages, wp = one["build_stages"]["stages"], one["weasyprint"]
    pages = one["build_stages"]["pages"]
    for stage, label in (("charts", "charts (matplotlib → SVG)"), ("HTML", "HTML (Jinja2)"),
                         ("PDF", f"PDF ({pages} pages)"), ("Markdown", "Markdown")):
        if stage in stages:
            row(stage, f"{label}, as `build_report_detailed` times it", stages[stage],
                *(("WeasyPrint alone, same HTML", wp) if stage == "PDF" else ()))
    mb = one["measure_build"]
    lines.append(f"| whole build, warm | `measure_build`: load, KPIs, charts, HTML, PDF, Markdown, JSON, write "
                 f"| {_s(mb['build_seconds'])} | | {_mb(mb['peak_mb'])} | WeasyPrint alone, same HTML, same process "
                 f"| {_s(mb['weasyprint_seconds'])} | | | {_x(mb['build_seconds'], mb['weasyprint_seconds'])} |")
    row("whole build, cold", "`fosterreport build --year 2024 -q`, fresh process", one["build_cli"],
        "WeasyPrint alone, same HTML, fresh process", one["weasyprint_cold"])

    lines += ["", "## Rows → time: one enquiries extract (`benchmarks/load.py`'s generator)", "",
              "| rows | MB on disk | `load_extracts` wall (s) | peak (MB) | pyarrow read, dates typed (s) "
              "| floor peak (MB) | × floor | s per 100k rows |",
              "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for entry in r["rows"]:
        f, l = entry["floor"], entry["load"]
        lines.append(f"| {entry['rows']:,} | {entry['bytes'] / 1e6:.0f} | {_s(l['seconds'])} | {_mb(l['peak_mb'])} "
                     f"| {_s(f['seconds'])} | {_mb(f['peak_mb'])} | {_x(l['seconds'], f['seconds'])} "
                     f"| {l['seconds'] / entry['rows'] * 1e5:.3f} |")
    big = r["rows"][-1]
    n, s = big["rows"], big["sample"]
    row_wise = big["rows_sample"]["seconds"] * n / s
    cols = big["columns"]
    lines += ["", f"At {n:,} rows: `read_extract` {_s(cols['read_seconds'])} s, `parse_extract` (column-wise parse "
                  f"and row rules) {_s(cols['parse_seconds'])} s. Row-by-row pydantic (`validation.validate_rows`) "
                  f"took {_s(big['rows_sample']['seconds'])} s for a {s:,}-row sample (peak "
                  f"{_mb(big['rows_sample']['peak_mb'])} MB), **extrapolated** linearly to {_s(row_wise)} s for "
                  f"{n:,} rows: the whole `load_extracts` is {row_wise / big['load']['seconds']:.0f}× faster, "
                  f"the column-wise parse alone {row_wise / cols['parse_seconds']:.0f}× (on the sample itself: "
                  f"{big['rows_sample']['seconds'] / big['columns_sample']['parse_seconds']:.0f}×)."]

    k = nat["kpis"]
    k_peak = k.get("tree_peak_mb") or k["peak_mb"]
    lines += ["", f"## National: {nat['authorities']} councils × 8 years (`generate_sample(authorities="
                  f"{nat['authorities']}, seed=2024)`, {nat['csv_bytes'] / 1e6:.0f} MB of CSV, generated in "
                  f"{nat['generate_seconds']:.0f} s)", "",
              "| measured | wall (s) | CPU (s) | peak (MB) | × CSV bytes | others' CPU meanwhile (s) |",
              "| --- | ---: | ---: | ---: | ---: | ---: |"]

    def national_row(label, got):
        peak = got.get("tree_peak_mb") or got["peak_mb"]
        lines.append(f"| {label} | {_s(got['seconds'])} | {_s(got.get('cpu_seconds'))} | {_mb(peak)} "
                     f"| {peak * 1024 * 1024 / nat['csv_bytes']:.2f}× | {_s(got.get('others_cpu_seconds'))} |")

    national_row(f"KPIs for every council: {nat['via']}" + (", default workers (one per core)" if "kpis_w1" in nat
                                                            else ""), k)
    if "kpis_w1" in nat:
        national_row("the same, `--workers 1` (in one process)", nat["kpis_w1"])
    pr = nat["pyarrow_read"]
    national_row(f"floor: pyarrow `read_csv` of all {pr['files']:,} files ({pr['rows']:,} rows)", pr)

    w1, w2 = par["w1"], par["w2"]
    lines += ["", f"## Parallel builds: {par['councils']} councils' full reports", "", f"Through {par['via']}.", "",
              "| workers | wall (s) | CPU (s) | CPU ÷ wall | peak, all processes (MB) | others' CPU meanwhile (s) "
              "| speed-up |", "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for workers, got in ((1, w1), (2, w2)):
        lines.append(f"| {workers} | {_s(got['seconds'])} | {_s(got.get('cpu_seconds'))} "
                     f"| {got.get('cpu_seconds', 0) / got['seconds']:.2f} | {_mb(got.get('tree_peak_mb'))} "
                     f"| {_s(got.get('others_cpu_seconds'))} | {w1['seconds'] / got['seconds']:.2f}× |")

    lines += ["", "## Pages → PDF time: WeasyPrint alone, best of its runs", "",
              "| report | pages | HTML (kB) | wall (s) | CPU (s) | s per page | peak (MB) |",
              "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for label, got in (("one council (embedded sample)", one["weasyprint"]),
                       (f"regional comparison ({par['councils']} councils)", r.get("regional_pdf"))):
        if got:
            lines.append(f"| {label} | {got['pages']} | {got['html_bytes'] / 1000:.0f} | {_s(got['seconds'])} "
                         f"| {_s(got['cpu_seconds'])} | {got['seconds'] / got['pages']:.3f} | {_mb(got['peak_mb'])} |")

    if "issue15" in r:  # with the region-scaling rows and section of this same run
        found = dict(r["issue15"])
        if "region_scaling" in r:
            found["region"] = issue15.with_rows(dict(r["region_scaling"]))
        lines += ["", issue15.table(found)]
    elif "region_scaling" in r:
        lines += ["", *region_scaling.report_lines(r["region_scaling"])]

    cli = one["kpis_cli"]
    goals = [
        ("`kpis` on one council ≤ 1.5× `import pandas`", f"{cli['seconds']:.3f} s vs {imp['seconds']:.3f} s = "
         f"{cli['seconds'] / imp['seconds']:.2f}× (imports alone: {one['imports']['seconds'] / imp['seconds']:.2f}×)",
         cli["seconds"] / imp["seconds"] <= 1.5),
        (f"load+validate of {n:,} rows ≤ 3× the pyarrow read", f"{big['load']['seconds']:.3f} s vs "
         f"{big['floor']['seconds']:.3f} s = {big['load']['seconds'] / big['floor']['seconds']:.2f}×",
         big["load"]["seconds"] / big["floor"]["seconds"] <= 3),
        (f"load+validate of {n:,} rows ≥ 10× faster than row-by-row pydantic",
         f"{row_wise:.1f} s (extrapolated) vs {big['load']['seconds']:.3f} s = "
         f"{row_wise / big['load']['seconds']:.0f}×", row_wise / big["load"]["seconds"] >= 10),
        (f"`kpis` for all {nat['authorities']} councils within 60 s", f"{k['seconds']:.1f} s", k["seconds"] <= 60),
        (f"… peak memory ≤ 4× the CSV bytes ({nat['csv_bytes'] / 1e6:.0f} MB)",
         f"{k_peak:.0f} MB = {k_peak * 1024 * 1024 / nat['csv_bytes']:.2f}×",
         k_peak * 1024 * 1024 <= 4 * nat["csv_bytes"]),
        ("`build` on one council ≤ 1.3× WeasyPrint alone", f"{mb['build_seconds']:.3f} s vs "
         f"{mb['weasyprint_seconds']:.3f} s = {mb['build_seconds'] / mb['weasyprint_seconds']:.2f}× (warm, "
         f"`measure_build`); cold, fresh processes: "
         f"{_x(one['build_cli']['seconds'], one['weasyprint_cold']['seconds'])}", mb["ratio"] <= 1.3),
        ("builds on 2 cores ≥ 1.7× one", f"{w1['seconds']:.1f} s vs {w2['seconds']:.1f} s = "
         f"{w1['seconds'] / w2['seconds']:.2f}×", w1["seconds"] / w2["seconds"] >= 1.7),
        *(region_scaling.goals(r["region_scaling"]) if "region_scaling" in r else []),
    ]
    lines += ["", "## Goals (issue 5)", "", "| goal | measured | met |", "| --- | --- | --- |"]
    lines += [f"| {goal} | {figure} | {'yes' if met else '**no**'} |" for goal, figure, met in goals]
    if r["quick"]:
        lines += ["", "*A `--quick` run: small inputs; the goals are set for the full run.*"]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small inputs (2–3 minutes); the goals need the full run")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md", help="Markdown results (default: %(default)s)")
    parser.add_argument("--work", type=Path, help="folder for generated data and outputs (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the generated data (reused by the next run)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--params", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, json.loads(args.params or "{}"))))
        return
    temporary = None
    if args.work is None:
        temporary = tempfile.TemporaryDirectory(prefix="fosterreport-bench-")
        args.work = Path(temporary.name)
    args.work.mkdir(parents=True, exist_ok=True)
    try:
        text = run(args)
    finally:
        if temporary is not None:
            temporary.cleanup()
    print(text)
    args.out.write_text(text, encoding="utf-8")
    print(f"written to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
