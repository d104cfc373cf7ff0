"""The report a preview serves: rebuilt in process, keeping what an edit did not touch.

An author who saves a narrative file waits for the page, so each rebuild redoes only the
stages the change reaches: the config (everything after it), an extract (the extracts and
the KPIs after them), a narrative or template file (the report context and the HTML only;
the extracts and KPIs stay loaded). Charts are drawn again only when what they show
changes (:class:`ChartCache`): they are most of the HTML's time and no narrative edit
touches them. The PDF is built only when asked for (:meth:`ReportPreview.pdf`).

A rebuild never raises for the author's mistakes: a config, extract or render problem
becomes the :class:`Problem` list of the current :class:`Outcome`, which the server shows
as the page and the command prints; the next good rebuild replaces it.
"""

from __future__ import annotations

import dataclasses
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from fosterreport.exceptions import FosterReportError, RenderError

if TYPE_CHECKING:
    from fosterreport.config import Config
    from fosterreport.context import ChartSpec
    from fosterreport.kpis.results import KpiResults
    from fosterreport.periods import Period
    from fosterreport.records import Extracts

#: What a changed file reaches, widest first: each kind redoes its own stage and all after it.
CONFIG, EXTRACTS, NARRATIVE = "config", "extracts", "narrative"
KINDS = (CONFIG, EXTRACTS, NARRATIVE)
#: Extract problems listed on the page per (file, rule), as ``validate`` lists them.
PER_RULE = 20


@dataclass(frozen=True)
class Problem:
    """One problem as the page shows it: where (``file:line:column``, as far as known),
    what, and the source line it is on when the file can be read."""

    file: str
    message: str
    line: int | None = None
    column: int | None = None
    excerpt: str | None = None

    @property
    def location(self) -> str:
        return ":".join(str(part) for part in (self.file, self.line, self.column) if part is not None)

    def as_text(self) -> str:
        return f"{self.location}: {self.message}" if self.file else self.message


@dataclass
class Outcome:
    """One rebuild: the report's HTML (without the preview's script) or its problems."""

    version: int
    html: str | None = None
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    reason: str = "start"


class ChartCache:
    """Chart images by what they draw: a spec equal but for its ``src`` gets the image
    drawn before. Only the charts of the latest build are kept."""

    def __init__(self):
        self.images: dict[str, str] = {}

    def draw(self, charts: Iterable["ChartSpec"]) -> None:
        from fosterreport.render.document import draw_charts

        kept = {}
        for spec in charts:
            key = repr(dataclasses.replace(spec, src=None))
            if key not in self.images:
                draw_charts([spec])
                self.images[key] = spec.src
            spec.src = kept[key] = self.images[key]
        self.images = kept


class ReportPreview:
    """The config, extracts and KPIs loaded once and kept, and the latest :class:`Outcome`.

    ``load_config()`` reads the config; ``data_folder(config)`` and ``period(extracts)``
    choose the data and the period as the command's options say (so ``--data``,
    ``--year`` and the rest mean here what they mean for ``build``). ``changed`` wakes
    whoever waits for a new version (the server's event stream)."""

    def __init__(self, load_config: Callable[[], "Config"], data_folder: Callable[["Config"], Path],
                 period: Callable[["Extracts"], "Period"], *, strict: bool = False,
                 config: "Config | None" = None, extracts: "Extracts | None" = None):
        self.load_config, self.data_folder, self.period, self.strict = load_config, data_folder, period, strict
        self.config, self.extracts = config, extracts
        #: The data folder chosen for the config last loaded (asked once per config load).
        self.data: Path | None = Path(extracts.folder).resolve() if extracts is not None else None
        self.results: "KpiResults | None" = None
        self.charts = ChartCache()
        self.current = Outcome(version=0, problems=[Problem("", "the report has not been built yet")])
        self.changed = threading.Condition()
        self._building = threading.Lock()
        self._printing = threading.Lock()  # (a PDF being made never holds up a rebuild)
        self._pdf: tuple[int, bytes] | None = None
        self.closed = False  # set by the server at its stop: waiters return at once

    def close(self) -> None:
        with self.changed:
            self.closed = True
            self.changed.notify_all()

    # -- what is watched ------------------------------------------------------------------

    def folders(self) -> dict[str, Path]:
        """The narrative, templates and data folders of the config last loaded (those known)."""
        config, found = self.config, {}
        if config is None:
            return found
        narrative = config.resolve(config.report.narrative)
        if narrative is not None:
            found[NARRATIVE] = narrative.resolve()
        if config.report.templates:
            found["templates"] = config.resolve(config.report.templates).resolve()
        if self.data is not None:
            found[EXTRACTS] = self.data
        return found

    def kind_of(self, path: Path | str) -> str | None:
        """What a change to ``path`` reaches (:data:`KINDS`), or None for a file the report
        does not read (a report written by ``build`` beside the project, an editor's swap file
        is still a narrative change: rebuilding for it is harmless)."""
        path = Path(path).resolve()
        config = self.config
        if config is not None and config.source is not None:
            files = [config.source, *(config.resolve(name) for name in (config.report.logo, config.report.previous_report)
                                      if name)]
            if any(path == Path(file).resolve() for file in files):
                return CONFIG
        folders = self.folders()
        if EXTRACTS in folders and path.is_relative_to(folders[EXTRACTS]):
            return EXTRACTS
        for kind in (NARRATIVE, "templates"):
            if kind in folders and path.is_relative_to(folders[kind]):
                return NARRATIVE
        return None

    # -- building ---------------------------------------------------------------------------

    def rebuild(self, reach: str = NARRATIVE, reason: str = "start") -> Outcome:
        """Redo the stages ``reach`` (one of :data:`KINDS`) and those after it, and any stage
        not done yet or whose last attempt failed; publish the outcome as the next version
        and return it."""
        with self._building:
            started = time.perf_counter()
            try:
                html, problems = self._build(reach), []
            except FosterReportError as error:
                html, problems = None, self._problems_of(error)
            except Exception as error:  # a bug: the server keeps running, and the page says so
                html, problems = None, [Problem("", f"internal error ({type(error).__name__}: {error}); "
                                                    "please report it")]
            with self.changed:
                self.current = Outcome(self.current.version + 1, html, problems, time.perf_counter() - started,
                                       reason)
                self.changed.notify_all()
            return self.current

    def _build(self, reach: str) -> str:
        from fosterreport.build import check_council_named, report_context, report_kpis
        from fosterreport.render.html import render_html

        if reach == CONFIG or self.config is None:
            self.config = self.data = self.extracts = self.results = None
            self.config = self.load_config()
        if self.data is None:
            self.data = Path(self.data_folder(self.config)).resolve()
        if reach in (CONFIG, EXTRACTS) or self.extracts is None:
            from fosterreport.records import load_extracts

            self.extracts = self.results = None
            extracts = load_extracts(self.data, self.config)
            if not extracts.problems.ok(strict=self.strict):
                raise ExtractProblems(extracts.problems)
            self.extracts = extracts
        config, extracts = self.config, self.extracts
        if self.results is None:
            check_council_named(config, extracts)
            extracts.check_has_records()
            self.results = report_kpis(extracts, self.period(extracts), config)  # the build's own: trend, months
        context = report_context(self.results, extracts, config)
        self.charts.draw(context.charts)
        return render_html(context, config, template="report.html")

    def pdf(self) -> bytes:
        """The current report as PDF, built on the first request for this version (the PDF
        engine's own checks apply, as in ``build``). Raises RenderError when there is no
        report to print or the engine refuses it."""
        from fosterreport.render.document import excluded_folders
        from fosterreport.render.pdf import render_pdf

        with self._printing:
            outcome, config = self.current, self.config
            if outcome.html is None or config is None:
                raise RenderError("there is no report to print: fix the problems the page lists first")
            if self._pdf is None or self._pdf[0] != outcome.version:
                data, _pages, _warnings = render_pdf(outcome.html, Path(config.base),
                                                     excluded=excluded_folders(config))
                self._pdf = (outcome.version, data)
            return self._pdf[1]

    def wait_for(self, after: int, timeout: float) -> int:
        """The current version once it is newer than ``after`` (or when ``timeout`` runs out,
        or the preview is closed)."""
        with self.changed:
            self.changed.wait_for(lambda: self.closed or self.current.version > after, timeout)
            return self.current.version

    # -- problems -----------------------------------------------------------------------------

    def _problems_of(self, error: FosterReportError) -> list[Problem]:
        if isinstance(error, ExtractProblems):
            return [Problem(problem.file, problem.message + (f" … and {more} more like this" if more else ""),
                            problem.line, None) for problem, more in error.problems.summarised(PER_RULE)
                    if problem.severity == "error" or self.strict]
        if isinstance(error, RenderError) and self.config is not None:
            located = self._preflight()
            if located:
                return located
        return [Problem("", message) for message in error.messages]

    def _preflight(self) -> list[Problem]:
        """Every narrative and template problem, located (what ``validate`` finds), with the
        column and source line where the file can be read: the page lists them all, not
        just the first one the build met."""
        from fosterreport.render.preflight import preflight

        config, folders = self.config, self.folders()
        found = []
        for problem in preflight(config):
            path = None
            for kind in (NARRATIVE, "templates"):
                if kind in folders and problem.file.startswith(folders[kind].name + "/"):
                    path = folders[kind].parent / problem.file
            found.append(located(problem.file, problem.message, problem.line, path))
        return found


class ExtractProblems(FosterReportError):
    """The extracts reloaded after a change have errors (or warnings under --strict)."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__([problem.as_text() for problem in problems.errors])


#: The placeholder or name a problem message quotes first (``unknown placeholder 'kpi.x'``).
_QUOTED = re.compile(r"'([^']+)'")


def located(file: str, message: str, line: int | None, path: Path | None) -> Problem:
    """A problem with its source line read from ``path`` and, when the message quotes what
    was written and that text is on the line, its column (1-based)."""
    excerpt = column = None
    if line is not None and path is not None:
        try:
            lines = path.read_text(encoding="utf-8-sig", errors="replace").splitlines()
        except OSError:
            lines = []
        if 0 < line <= len(lines):
            excerpt = lines[line - 1]
            quoted = _QUOTED.search(message)
            if quoted and quoted.group(1) in excerpt:
                column = excerpt.index(quoted.group(1)) + 1
    return Problem(file, message, line, column, excerpt)
