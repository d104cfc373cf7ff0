"""The councils of a regional hub: their folders, their settings, and one council's run.

A region folder holds one sub-folder per council, each a normal extract folder with an
optional ``fosterreport.toml`` (its name, code mappings, narrative, targets). Sub-folders
are taken in order of their names, so every output lists councils in the same order
whatever order the operating system or the worker processes return them in.

:func:`run_council` is everything one council needs: settings, load and validate,
compute, and (when asked) its own report rendered, all but the PDF, which is a job of its
own (:class:`PdfJob`, :func:`print_pdf`) so that the pool can print PDFs while the
regional figures are made. Both run in worker processes, so their inputs and results are
plain picklable values, and neither raises for a council's own problems: bad extracts, a
bad ``fosterreport.toml`` or a template error fail *that* council, and the hub's other
councils go on.
"""

from __future__ import annotations

import os
import traceback
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from fosterreport import exitcodes
from fosterreport.config import CONFIG_NAME, Authority, Config, load_config
from fosterreport.exceptions import ConfigError, FosterReportError, RenderError, UsageError
from fosterreport.problems import quoted
from fosterreport.text import strip_controls

if TYPE_CHECKING:
    from fosterreport.kpis.results import KpiResults
    from fosterreport.periods import Period
    from fosterreport.problems import Problem

#: The output sub-folder of the regional report (so no council folder may have this name).
REGION_FOLDER = "region"
#: Sections of ``fosterreport.toml`` a council takes from the region's config unless it
#: sets them itself (key by key), so that the hub's figures follow one set of rules.
INHERITED = ("rules", "publication")

#: How a council can end, and the exit code each gives the whole run.
EXIT_CODES = {"ok": exitcodes.OK, "invalid": exitcodes.INVALID_DATA, "config": exitcodes.USAGE,
              "render": exitcodes.RENDER, "internal": exitcodes.INTERNAL}


@dataclass(frozen=True)
class CouncilFolder:
    """One council's sub-folder; ``key`` (the folder's name, without the control and
    bidi characters a file name may hold on Linux: :func:`~fosterreport.text.strip_controls`)
    is its id in every output, and its output folder's name."""

    key: str
    folder: Path
    config_path: Path | None = None


def discover_councils(region: Path | str) -> list[CouncilFolder]:
    """The council sub-folders of ``region``, sorted by name.

    A sub-folder is a council when it holds a ``.csv``/``.tsv`` file or a
    ``fosterreport.toml``; others (an output folder, ``.git``) are passed over, so a
    report written inside the region folder is never read back as a council. Two folders
    whose names differ only in control characters, or a name of nothing else, are a
    UsageError: the key must name one council, printably.
    """
    region = Path(region)
    if not region.is_dir():
        raise UsageError(f"region folder not found: {region}")
    councils = []
    for child in sorted(region.iterdir(), key=lambda path: path.name):
        if not child.is_dir() or child.name.startswith((".", "_")):
            continue
        config = child / CONFIG_NAME
        extracts = any(p.suffix.lower() in (".csv", ".tsv") and p.is_file() for p in child.iterdir())
        if extracts or config.is_file():
            key = strip_controls(child.name)
            if not key.strip():
                raise UsageError(f"{region}: the council folder {quoted(child.name)} has no printable name")
            if clash := next((c for c in councils if c.key == key), None):
                raise UsageError(f"{region}: the council folders {quoted(clash.folder.name)} and "
                                 f"{quoted(child.name)} differ only in control characters")
            councils.append(CouncilFolder(key, child, config if config.is_file() else None))
    if not councils:
        raise UsageError(f"{region}: no council sub-folders found (each needs its extracts, or a {CONFIG_NAME})")
    if any(council.key == REGION_FOLDER for council in councils):
        raise UsageError(f"{region}: a council folder may not be called '{REGION_FOLDER}': the regional "
                         f"report is written to <out>/{REGION_FOLDER}/")
    return councils


def region_config(region: Path | str, config_path: Path | None = None) -> Config:
    """The hub's own settings: ``config_path``, else ``<region>/fosterreport.toml``, else
    the defaults (never ``./fosterreport.toml``, which belongs to some other project)."""
    if config_path is None and (Path(region) / CONFIG_NAME).is_file():
        config_path = Path(region) / CONFIG_NAME
    if config_path is not None:
        return load_config(Path(config_path))
    return Config(base=Path(region).resolve())


def region_name(region: Path | str, config: Config) -> str:
    """``[authority] name`` of the region's config when it sets one, else the folder's name."""
    if _is_set(config, "authority", "name"):
        return strip_controls(config.authority.name)
    return strip_controls(Path(region).resolve().name)


def _is_set(config: Config, section: str, key: str | None = None) -> bool:
    if section not in config.model_fields_set:
        return False
    return key is None or key in getattr(config, section).model_fields_set


def council_config(council: CouncilFolder, region: Config) -> Config:
    """A council's settings: its own file, with ``[rules]`` and ``[publication]`` taken from
    the region's config key by key wherever the council's file does not set them.

    A council without ``[authority] name`` is called by its folder's name rather than
    the default "Anyshire County Council". Raises :class:`ConfigError` for a bad file.
    """
    own = load_config(council.config_path) if council.config_path else Config(base=council.folder.resolve())
    update: dict[str, Any] = {}
    for section in INHERITED:
        theirs = getattr(region, section)
        mine = getattr(own, section)
        chosen = {key: getattr(mine, key) for key in mine.model_fields_set} if _is_set(own, section) else {}
        update[section] = theirs.model_copy(update=chosen)
    # A hub usually takes every council's extracts on one day, from exports that begin on
    # one day: its [data] extracted and coverage hold for a council that does not say.
    update["data"] = own.data.model_copy(update={
        "extracted": own.data.extracted if _is_set(own, "data", "extracted") else region.data.extracted,
        "coverage": {**region.data.coverage, **own.data.coverage}})
    name = strip_controls(own.authority.name) if _is_set(own, "authority", "name") else council.key
    service = strip_controls(own.authority.service) if _is_set(own, "authority", "service") \
        else f"{name} fostering service"
    update["authority"] = Authority(name=name, service=service)
    return own.model_copy(update=update)


def data_folder(council: CouncilFolder, config: Config) -> Path:
    """The council's extracts: its folder, or ``[data] path`` of its own file when set
    (which the config's own check found inside the council's folder)."""
    return config.resolve(config.data.path) if config.data.path else council.folder


# -- one council's run ------------------------------------------------------------------


@dataclass(frozen=True)
class CouncilTask:
    """What a worker needs to run one council (picklable)."""

    council: CouncilFolder
    region_config: Config
    #: None: only load and check, to find the newest date (choosing the period).
    period: "Period | None" = None
    strict: bool = False
    trend: int = 0
    kpi_ids: tuple[str, ...] | None = None
    #: Set: build the council's full report into ``out/<key>/``.
    out: Path | None = None
    #: The formats of its report; None: the council's own ``[report] formats``.
    formats: tuple[str, ...] | None = None


@dataclass
class CouncilOutcome:
    """What one council gives the region: its figures, or why it has none."""

    key: str
    name: str
    status: str = "ok"  # ok | invalid | config | render | internal
    #: For config, render and internal failures: what went wrong (for the analyst's terminal).
    messages: list[str] = field(default_factory=list)
    #: For a council whose extracts are invalid: its problems, errors and warnings.
    problems: list["Problem"] = field(default_factory=list)
    error_count: int = 0
    warning_count: int = 0
    suppress_below: int = 0
    #: Contract extract name -> the file's name as the council saved it.
    files: dict[str, str] = field(default_factory=dict)
    newest: date | None = None
    #: Its KPIs, whose figures (period, year before, trend years) keep what they were
    #: made from: the region's own figures are made from them.
    results: "KpiResults | None" = None
    paths: list[Path] = field(default_factory=list)
    pages: int | None = None
    notices: list[str] = field(default_factory=list)
    #: The report's PDF, still to print (nothing of the report is written until it is).
    pdf: "PdfJob | None" = None

    def printed(self, result: "Printed") -> None:
        """Take in the printed PDF: the report is written, or the council failed to render."""
        self.pdf = None
        if result.messages:
            self.status, self.messages = "render", result.messages
        else:
            self.paths, self.pages = result.paths, result.pages
            self.notices.extend(result.notices)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.status]


def trend_periods(period: "Period", years: int) -> list["Period"]:
    """The periods of a trend, oldest first, as each council computes them
    (:meth:`~fosterreport.periods.Period.trend`): the whole financial years ending with the
    period's year; for a custom period (``--from``/``--to``), it and the same-length
    periods before it."""
    return period.trend(years) if years else []


@dataclass
class LoadedCouncil:
    """A council read in this process (the Python API): its settings, extracts and outcome."""

    council: CouncilFolder
    outcome: CouncilOutcome
    config: Config | None = None
    extracts: Any = None  # fosterreport.records.Extracts, when its settings could be read


def guarded(outcome: CouncilOutcome, step, *args):
    """Run ``step``; a council's own failure becomes its outcome's status, never an exception."""
    try:
        return step(*args)
    except ConfigError as error:
        outcome.status, outcome.messages = "config", list(error.messages)
    except RenderError as error:
        outcome.status, outcome.messages = "render", list(error.messages)
    except FosterReportError as error:  # a usage error in the council's own file (a bad target key)
        outcome.status, outcome.messages = "config", list(error.messages)
    except Exception as error:  # a bug: fail this council, say so, keep the others
        detail = traceback.format_exc() if os.environ.get("FOSTERREPORT_DEBUG") == "1" else ""
        outcome.status = "internal"
        outcome.messages = [f"internal error: {type(error).__name__}: {error}; please report it",
                            *([detail] if detail else [])]
    return None


def load_council(council: CouncilFolder, region: Config, strict: bool = False) -> LoadedCouncil:
    """Settings, then extracts, read and checked; ``outcome.status`` says whether usable."""
    loaded = LoadedCouncil(council, CouncilOutcome(council.key, council.key))
    guarded(loaded.outcome, _load, loaded, region, strict)
    return loaded


def _load(loaded: LoadedCouncil, region: Config, strict: bool) -> None:
    from fosterreport.extracts import discover
    from fosterreport.records import load_extracts

    council, outcome = loaded.council, loaded.outcome
    outcome.files = {name: path.name for name, path in discover(council.folder)[0].items()}
    config = loaded.config = council_config(council, region)
    outcome.name = config.authority.name
    outcome.suppress_below = config.publication.suppress_below
    folder = data_folder(council, config)
    if folder != council.folder:
        outcome.files = {name: path.name for name, path in discover(folder)[0].items()}
    extracts = loaded.extracts = load_extracts(folder, config)
    problems = extracts.problems
    outcome.error_count, outcome.warning_count = len(problems.errors), len(problems.warnings)
    outcome.newest = extracts.newest_date
    if not problems.ok(strict=strict):
        outcome.status = "invalid"
        outcome.problems = problems.errors + problems.warnings


def compute_council(loaded: LoadedCouncil, period: "Period", trend: int = 0, kpi_ids=None, *,
                    report: bool = False) -> CouncilOutcome:
    """A usable council's KPIs, and the figures and samples the region is made from; with
    ``report``, the KPIs its own report shows (:func:`fosterreport.build.report_kpis`)."""
    if loaded.outcome.ok:
        guarded(loaded.outcome, _compute, loaded, period, trend, kpi_ids, report)
    return loaded.outcome


def _compute(loaded: LoadedCouncil, period: "Period", trend: int, kpi_ids, report: bool) -> None:
    from fosterreport.build import report_kpis
    from fosterreport.kpis import compute_kpis

    outcome = loaded.outcome
    outcome.results = (report_kpis(loaded.extracts, period, loaded.config, trend) if report else
                       compute_kpis(loaded.extracts, period, loaded.config, trend=trend, kpi_ids=kpi_ids))


@dataclass(frozen=True)
class PdfJob:
    """A report's PDF still to print, with the files to write beside it, all or none.

    The PDF is most of a report's time, so it is a job of its own: the pool prints the
    councils' PDFs and the region's while this process is still comparing figures.
    """

    key: str  # the council's key, or REGION_FOLDER
    html: str
    project: Path
    pdf: Path
    #: Every output in writing order; the PDF's bytes are filled in when printed.
    outputs: dict[Path, bytes | None]
    #: Folders the PDF may not read from (a council's ``[data] path``), as on its own.
    excluded: tuple[Path, ...] = ()


@dataclass
class Printed:
    key: str
    paths: list[Path] = field(default_factory=list)
    pages: int | None = None
    notices: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)  # a RenderError's, when it failed


def print_pdf(job: PdfJob) -> Printed:
    """Print the PDF and write it with the report's other files (never raises a RenderError)."""
    from fosterreport.render.pdf import render_pdf

    return finish_pdf(job, lambda: render_pdf(job.html, job.project, excluded=job.excluded))


def finish_pdf(job: PdfJob, printing: Callable[[], tuple[bytes, int, list[str]]]) -> Printed:
    """The PDF ``printing()`` gives (here, or from a :class:`~fosterreport.render.printer.Printer`
    it was submitted to), written with the report's other files; a failure is a
    :class:`Printed` with its messages, never a raised RenderError."""
    from fosterreport.render.write import write_atomically

    printed = Printed(job.key)
    try:
        pdf, printed.pages, warnings = printing()
        printed.notices = [f"PDF: {warning}" for warning in warnings]
        printed.paths = write_atomically({path: pdf if path == job.pdf else data for path, data in job.outputs.items()})
    except RenderError as error:
        printed.messages = list(error.messages)
    return printed


def drawn_before_the_pdf(formats) -> tuple[str, ...]:
    """The formats a report in a region renders before its PDF job: all but the PDF, and
    the HTML the PDF is printed from (even when no HTML file is written: ``--format pdf``)."""
    return tuple(dict.fromkeys([kind for kind in formats if kind != "pdf"] + (["html"] if "pdf" in formats else [])))


def pdf_job(key: str, outputs: dict[Path, bytes], paths: dict[str, Path], formats, project: Path,
            excluded: tuple[Path, ...] = ()) -> PdfJob:
    """The job that finishes a report rendered without its PDF (its HTML is in ``outputs``,
    at ``paths["html"]`` even when ``formats`` writes no HTML file: ``--format pdf``)."""
    from fosterreport.render.document import FORMATS

    html = outputs[paths["html"]].decode("utf-8")
    ordered = {paths[kind]: (None if kind == "pdf" else outputs[paths[kind]])
               for kind in (*FORMATS, "json") if kind in formats or kind == "json"}
    return PdfJob(key, html, project, paths["pdf"], ordered, excluded)


def _build(loaded: LoadedCouncil, out: Path, formats: tuple[str, ...] | None) -> None:
    from fosterreport.build import check_formats, output_paths, render_outputs
    from fosterreport.render.document import excluded_folders
    from fosterreport.render.write import write_atomically

    outcome, config = loaded.outcome, loaded.config
    chosen = check_formats(formats or config.report.formats)
    folder = Path(out) / loaded.council.key
    drawn = drawn_before_the_pdf(chosen)
    built = render_outputs(outcome.results, loaded.extracts, config, folder, drawn)
    outcome.notices = list(built.notices)
    if "pdf" in chosen:
        paths = output_paths(folder, outcome.results.period, drawn + ("pdf",))
        outcome.pdf = pdf_job(outcome.key, built.outputs, paths, chosen, Path(config.base), excluded_folders(config))
    else:
        outcome.paths = write_atomically(built.outputs)


def run_council(task: CouncilTask) -> CouncilOutcome:
    """One council, start to finish, in whichever process runs it (see the module docstring)."""
    loaded = load_council(task.council, task.region_config, task.strict)
    if task.period is None or not loaded.outcome.ok:
        return loaded.outcome
    outcome = compute_council(loaded, task.period, task.trend, task.kpi_ids, report=task.out is not None)
    if outcome.ok and task.out is not None:
        guarded(outcome, _build, loaded, task.out, task.formats)
    if outcome.results is not None:
        outcome.results.warnings = []  # counted above; the council's own report lists them
    return outcome
