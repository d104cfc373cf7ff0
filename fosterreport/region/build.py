"""Running a region: every council across the cores, and the regional report among them.

A council's report is independent work (load, validate, compute, render; its PDF is most
of the time), so the work runs on a :class:`~concurrent.futures.ProcessPoolExecutor`
with one worker per core, split into jobs (:class:`Jobs`) so that no core waits:

1. each council's figures: load, validate, compute, render its HTML and Markdown;
2. once every council's figures are in, this process compares them and lays out the
   regional report, while the workers print councils' PDFs;
3. the regional PDF (the longest single job) as soon as a worker is free, then the
   remaining councils' PDFs, largest council first.

Workers send back figures and rendered text, never records. On Linux the workers are forked
after this process has imported what their jobs need (:data:`BUILD_MODULES`), so that the
imports are done once, not once per worker and again here. Output never depends on
which worker finished first: outcomes are kept in folder order, the regional figures are
computed from all of them at once, and each report depends on its own council's files
alone and is written atomically, its PDF with the rest. ``workers=1`` runs the same jobs
in this process, but for the PDFs, which a printer process lays out one at a time while
this one computes the next council (as a council's own ``build`` prints beside its
work): the serial reference the tests compare byte for byte.

The regional report is rendered as a council's is, through the one render path
(:func:`fosterreport.render.document.render_document`), from its own context
(:mod:`fosterreport.region.context`) and templates (``region.html``, ``region.md.j2``).
"""

from __future__ import annotations

import gc
import heapq
import importlib
import multiprocessing
import os
import sys
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from fosterreport.exceptions import RenderError
from fosterreport.render.document import DEFAULT_FORMATS, FORMATS
from fosterreport.region.councils import (
    REGION_FOLDER, CouncilOutcome, CouncilTask, Printed, discover_councils, drawn_before_the_pdf, finish_pdf, pdf_job,
    print_pdf, region_name, run_council,
)

if TYPE_CHECKING:
    from fosterreport.config import Config
    from fosterreport.periods import Period
    from fosterreport.region.figures import RegionResults

Progress = Callable[[CouncilOutcome, int, int], None]

#: The regional report's file names: ``regional-report-<period>.html`` and so on.
STEM = "regional-report"


def default_workers() -> int:
    return os.cpu_count() or 1


def _size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.iterdir() if path.is_file())


def _context():
    """``fork`` where it is the platform's safe default (Linux: workers start in
    milliseconds, with this process's imports: :func:`_preload`); ``spawn`` elsewhere
    (macOS, Windows). No Python thread is running when the pool forks (all workers start
    at its first job): the CLI's region progress is plain lines, not a progress bar with
    its refresh thread. (numpy's BLAS and Arrow keep idle native pools, which register
    their own fork handlers.)"""
    return multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")


#: What a council's run imports (loading, KPIs); a build also its report's (charts, HTML,
#: Markdown, the PDF engine). Imported here once before the pool forks, so that every
#: worker starts with them instead of importing them again (about 2 s of CPU each, on the
#: region's critical path while no worker has a job), and this process has them already
#: for the comparison and the regional report.
LOAD_MODULES = ("fosterreport.records",)
COMPUTE_MODULES = (*LOAD_MODULES, "fosterreport.kpis.engine", "fosterreport.build")
BUILD_MODULES = (*COMPUTE_MODULES, "fosterreport.context", "fosterreport.render.charts", "fosterreport.render.html",
                 "fosterreport.render.markdown", "fosterreport.render.safe_markdown", "fosterreport.render.write",
                 "fosterreport.kpis.export", "fosterreport.render.pdf", "weasyprint", "jinja2.sandbox")
#: (Not matplotlib: the charts are drawn as SVG directly; only a Word file's PNGs import it.)


def _preload(modules: Iterable[str]) -> None:
    """Import ``modules`` before the pool forks its workers (``fork`` only: a ``spawn``ed
    worker starts afresh), then move everything imported out of the collector's way
    (:func:`gc.freeze`), so that a worker's collections neither scan nor copy the pages
    it shares with this process. (This process unfreezes once its workers have started.)"""
    for name in modules:
        importlib.import_module(name)
    gc.freeze()


class Jobs:
    """Jobs on a pool of worker processes, most urgent first (lowest priority tuple).

    At most one job per worker is in flight, so a job that becomes ready later (the
    regional PDF) still starts before less urgent ones already waiting. Work for this
    process (``later``) runs once the workers have been given theirs, with one extra job
    queued meanwhile so that a worker finishing then does not sit idle. With one worker,
    everything runs here, in the same order.
    """

    def __init__(self, workers: int, preload: Iterable[str] = (), print_aside: bool = False):
        self.workers = max(1, workers)
        self.pool = None
        #: With one worker, PDFs go to a printer process (:mod:`fosterreport.render.printer`),
        #: one at a time, while this process computes the next council: as a council's own
        #: ``build`` lays out its PDF beside its work, so the serial region does too.
        #: (Started at the first PDF job, so that a run writing no PDF starts none.)
        self.print_aside = self.workers == 1 and print_aside
        self.printer = None
        self.pdfs: list = []
        self.printing: tuple | None = None
        self.frozen = False
        if self.workers > 1:
            context = _context()
            if context.get_start_method() == "fork":
                _preload(preload)
                self.frozen = True
            self.pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context)
        self.ready: list = []
        self.running: dict = {}
        self.deferred: list[Callable[[], None]] = []
        self.count = 0

    def add(self, priority: tuple, function, argument, then) -> None:
        """Run ``function(argument)`` on a worker, then ``then(result)`` here."""
        self.count += 1
        if self.print_aside and function is print_pdf and self.printer is None:
            from fosterreport.render.printer import Printer

            self.printer = Printer()
        queue = self.pdfs if self.printer is not None and function is print_pdf else self.ready
        heapq.heappush(queue, (priority, self.count, function, argument, then))

    def later(self, work: Callable[[], None]) -> None:
        """Run ``work()`` in this process once the workers have jobs to get on with."""
        self.deferred.append(work)

    def _collect(self) -> None:
        """The printer's PDF (waited for), written with its report's files."""
        job, then = self.printing
        self.printing = None
        then(finish_pdf(job, self.printer.result))

    def run(self) -> None:
        """Until every job (and every job added meanwhile) has finished."""
        try:
            while self.ready or self.running or self.deferred or self.pdfs or self.printing:
                if self.printing is not None and self.printer.ready():  # (between two jobs here)
                    self._collect()
                    continue
                if self.printer is not None and self.printing is None and self.pdfs:
                    _, _, _, job, then = heapq.heappop(self.pdfs)
                    try:
                        self.printer.submit(job.html, job.project, job.excluded)
                    except RenderError as error:  # the printer has stopped: this report fails, as in a worker
                        then(Printed(job.key, messages=list(error.messages)))
                        continue
                    self.printing = (job, then)
                    continue
                if self.pool is None:
                    if not (self.deferred or self.ready):  # only the PDF being printed is left
                        self._collect()
                    elif self.deferred:
                        self.deferred.pop(0)()
                    else:
                        _, _, function, argument, then = heapq.heappop(self.ready)
                        then(function(argument))
                    continue
                limit = self.workers + (1 if self.deferred else 0)
                while self.ready and len(self.running) < limit:
                    _, _, function, argument, then = heapq.heappop(self.ready)
                    self.running[self.pool.submit(function, argument)] = then
                if self.frozen:  # (a forking pool starts all its workers at its first job)
                    gc.unfreeze()
                    self.frozen = False
                if self.deferred:
                    self.deferred.pop(0)()
                    continue
                finished, _ = wait(self.running, return_when=FIRST_COMPLETED)
                for future in finished:
                    self.running.pop(future)(future.result())
        except BaseException:
            if self.frozen:
                gc.unfreeze()
            if self.pool is not None:
                self.pool.shutdown(wait=False, cancel_futures=True)
            raise
        finally:
            if self.printer is not None:
                self.printer.close()
        if self.pool is not None:
            self.pool.shutdown()


def run_councils(tasks: list[CouncilTask], workers: int | None = None, progress: Progress | None = None,
                 after: Callable[[list[CouncilOutcome], Jobs], None] | None = None) -> list[CouncilOutcome]:
    """Run every task; the outcomes come back in the tasks' order, whatever finished first.

    A council whose report needs a PDF gets a PDF job as soon as its figures are in;
    ``after(outcomes, jobs)`` runs once every council's figures are in, and may add jobs.
    ``progress`` hears of each council once its report is written (or it has failed).
    """
    builds = any(task.out is not None for task in tasks)
    computes = any(task.period is not None for task in tasks)
    jobs = Jobs(workers or default_workers(), BUILD_MODULES if builds else COMPUTE_MODULES if computes else LOAD_MODULES,
                print_aside=builds)
    outcomes: list[CouncilOutcome | None] = [None] * len(tasks)
    sizes = [_size(task.council.folder) for task in tasks]
    counter = {"figures": 0, "done": 0}
    told = progress or (lambda outcome, finished, total: None)

    def finished(outcome: CouncilOutcome) -> None:
        counter["done"] += 1
        told(outcome, counter["done"], len(tasks))

    def printed(index: int):
        def take(result) -> None:
            outcomes[index].printed(result)
            finished(outcomes[index])
        return take

    def computed(index: int):
        def take(outcome: CouncilOutcome) -> None:
            outcomes[index] = outcome
            counter["figures"] += 1
            if outcome.pdf is not None:
                jobs.add((2, -sizes[index], index), print_pdf, outcome.pdf, printed(index))
            else:
                finished(outcome)
            if counter["figures"] == len(tasks) and after is not None:
                jobs.later(lambda: after(outcomes, jobs))  # type: ignore[arg-type]
        return take

    for index, task in enumerate(tasks):
        jobs.add((0, -sizes[index], index), run_council, task, computed(index))
    jobs.run()
    return outcomes  # type: ignore[return-value]


def newest_common_date(outcomes: Iterable[CouncilOutcome]):
    """The newest date every valid council's extracts reach: the region's period must be
    one that all of them cover, or a council with an older extract would show zeros."""
    dates = [outcome.newest for outcome in outcomes if outcome.ok and outcome.newest is not None]
    return min(dates) if dates else None


def scan_region(folder: Path | str, config: "Config", *, strict: bool = False, workers: int | None = None):
    """Load and check every council (nothing computed): for choosing the period."""
    tasks = [CouncilTask(council, config, None, strict) for council in discover_councils(folder)]
    return run_councils(tasks, workers)


def compute_councils(folder: Path | str, config: "Config", period: "Period", *, strict: bool = False,
                     trend: int = 0, kpi_ids=None, workers: int | None = None,
                     progress: Progress | None = None) -> "RegionResults":
    """Every council's KPIs (in parallel) compared: ``kpis --region``."""
    from fosterreport.region.figures import compare

    ids = tuple(kpi_ids) if kpi_ids else None
    tasks = [CouncilTask(council, config, period, strict, trend, ids) for council in discover_councils(folder)]
    outcomes = run_councils(tasks, workers, progress)
    return compare(region_name(folder, config), outcomes, period, config, trend=trend, kpi_ids=ids)


def output_paths(out_dir: Path, period: "Period", formats: Iterable[str] = DEFAULT_FORMATS) -> dict[str, Path]:
    out_dir = Path(out_dir)
    paths = {kind: out_dir / f"{STEM}-{period.slug}.{kind}" for kind in FORMATS if kind in formats}
    return {**paths, "json": out_dir / f"region-kpis-{period.slug}.json"}


@dataclass
class RenderedRegion:
    outputs: dict[Path, bytes] = field(default_factory=dict)
    pages: int | None = None
    notices: list[str] = field(default_factory=list)


def render_region(region: "RegionResults", config: "Config", out_dir: Path, formats: Iterable[str],
                  stage: Callable[[str], None] | None = None) -> RenderedRegion:
    """Every requested format of the regional report and its JSON, in memory (nothing written)."""
    from fosterreport.build import kpis_json
    from fosterreport.region.context import build_region_context
    from fosterreport.region.export import to_json_text
    from fosterreport.render.document import render_document

    paths = output_paths(out_dir, region.period, formats)
    from fosterreport.region.narrative import add_region_narratives

    context = build_region_context(region, config)
    notices = add_region_narratives(context, region, config)  # (a misspelt placeholder: a RenderError)
    rendered = render_document(context, config, formats, template="region", progress=stage)
    outputs = {paths[kind]: data for kind, data in rendered.outputs.items()}
    outputs[paths["json"]] = kpis_json(to_json_text(region))
    return RenderedRegion(outputs, rendered.pages, [*notices, *rendered.notices])


@dataclass
class RegionBuild:
    """What ``build --region`` did: each council's outcome and the regional files."""

    outcomes: list[CouncilOutcome]
    results: "RegionResults | None"
    paths: list[Path] = field(default_factory=list)
    pages: int | None = None
    notices: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    #: Why the regional report could not be rendered (the councils' reports are written).
    failure: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 when everything was built, else the most serious failure's code."""
        from fosterreport import exitcodes

        return max([0, *(outcome.exit_code for outcome in self.outcomes),
                    *([exitcodes.RENDER] if self.failure else [])])


def build_region(folder: Path | str, config: "Config", period: "Period", out: Path | str,
                 formats: Iterable[str] | None = None, *, strict: bool = False, workers: int | None = None,
                 progress: Progress | None = None) -> RegionBuild:
    """Build every council's report into ``out/<council>/`` in parallel, and the regional
    report into ``out/region/``. A council that fails is listed; the others are built.
    When no council could be built, nothing regional is written; when the regional report
    cannot be rendered, ``failure`` says why (and the councils' reports are written)."""
    from fosterreport.build import check_formats
    from fosterreport.region.figures import compare
    from fosterreport.render.write import write_atomically

    chosen = check_formats(formats) if formats is not None else None
    regional = chosen or check_formats(config.report.formats)
    out = Path(out)
    tasks = [CouncilTask(council, config, period, strict, config.report.trend_years, None, out, chosen)
             for council in discover_councils(folder)]
    started = time.perf_counter()
    build = RegionBuild([], None)

    def printed(result: Printed) -> None:
        build.paths, build.pages, build.failure = result.paths, result.pages, result.messages
        build.notices.extend(result.notices)

    def compare_councils(outcomes: list[CouncilOutcome], jobs: Jobs) -> None:
        if not any(outcome.ok for outcome in outcomes):
            return
        build.results = compare(region_name(folder, config), outcomes, period, config,
                                trend=config.report.trend_years)
        drawn = drawn_before_the_pdf(regional)
        try:
            rendered = render_region(build.results, config, out / REGION_FOLDER, drawn)
        except RenderError as error:
            build.failure = list(error.messages)
            return
        build.notices.extend(rendered.notices)  # (the narrative's, and the rendering's own)
        if "pdf" in regional:
            paths = output_paths(out / REGION_FOLDER, period, drawn + ("pdf",))
            job = pdf_job(REGION_FOLDER, rendered.outputs, paths, regional, Path(config.base))
            jobs.add((1,), print_pdf, job, printed)
        else:
            build.paths = write_atomically(rendered.outputs)

    build.outcomes = run_councils(tasks, workers, progress, compare_councils)
    build.timings["total"] = time.perf_counter() - started
    return build
