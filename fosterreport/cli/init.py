"""``fosterreport init [DIR]``: scaffold a report project.

Writes, inside DIR and nowhere else:

* ``fosterreport.toml`` with every option, commented;
* ``narrative/<section>.md`` starter sections that already use KPI placeholders;
* ``data/<file>.csv`` header-only templates generated from the contract models, or with
  ``--sample`` a copy of the embedded sample data.

It never overwrites: if any file it would write exists, it writes nothing and says
which (exit 2).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated

import typer

from fosterreport.cli.app import app, reports_errors, say

CONFIG_TEMPLATE = '''\
# fosterreport.toml: settings for one council's fostering report.
# Every option is shown with its default; uncomment and edit what you need.
# Paths are relative to this file. Dates are ISO (2024-05-23).

[authority]
# name = "Anyshire County Council"
# service = "Anyshire Fostering Service"

[report]
# title = "Fostering Service Annual Report"   # the period is appended: "… 2023/24"
# committee = "Corporate Parenting Board"
# meeting_date = 2024-05-23                   # on the cover; also pins the PDF's dates
# author = "Service Manager, Fostering"
# status = "Public"                           # or "Exempt" (printed on the cover)
narrative = "narrative"                       # folder of <section>.md narrative files
# templates = "templates"                     # overrides of the built-in templates, same names
# formats = ["html", "pdf", "md"]
# logo = "assets/logo.svg"                    # SVG, PNG or JPEG inside this folder

[data]
path = "data"                                 # folder of the CSV extracts

# Header aliases beyond the built-in ones, per file:
# [data.columns.households]
# household_id = ["Foster Carer Ref"]

# Local values mapped to contract codes, per column:
# [data.codes.deregistration_reason]
# "RET" = "RESIGNED"

[rules]
# assessment_timescale_months = 8   # approval within this many months of application is on time
# supervision_interval_days = 42    # longest acceptable gap between supervision contacts
# similar_tolerance = 0.02          # direction of travel is "similar" within 2% of previous
# rag_green_tolerance = 0.05        # Green: short of target by at most 5% of it
# rag_red_threshold = 0.15          # Red: short by more than 15%; Amber between

[targets]
# Keyed by KPI id, or id.CODE for one breakdown key (`fosterreport kpis --list`):
# "approvals.MAINSTREAM" = 35
# "enquiry_to_approval_rate" = 0.12
# "reviews_on_time_rate" = 0.95

[benchmarks]
# "enquiry_to_approval_rate" = { value = 0.11, label = "LA benchmark (The Fostering Network)" }
# "deregistration_rate" = { value = 0.128, label = "England mainstream 2022-23 (Ofsted)" }

[publication]
# suppress_below = 0   # e.g. 5: counts 1..4 print as "c", and rates built on them too
'''

GUIDE = ("<!-- Your narrative for this section. Markdown; placeholders such as {{ kpi.enquiries }} "
         "print the figure exactly as the report does (`fosterreport kpis --list` lists the ids). "
         "This comment is not printed. -->")

NARRATIVES: dict[str, str] = {
    "summary": """\
Recommendation: Members of the {{ committee }} are asked to note the content of this report and to comment on the strengths and areas for development it identifies.

The Fostering Services (England) Regulations 2011 and National Minimum Standard 25.7 require written reports on the management, outcomes and financial state of the fostering service. This report covers {{ period.in_words }}.

On {{ period.end }} the service had {{ kpi.households_end }} fostering households ({{ kpi.households_end.previous }} a year earlier). During {{ period.label }} it approved {{ kpi.approvals }} households and {{ kpi.deregistrations }} were deregistered.
""",
    "households": """\
Of the {{ kpi.households_end }} households approved on {{ period.end }}, {{ kpi.households_end.by.MAINSTREAM }} were mainstream and {{ kpi.households_end.by.CONNECTED }} connected persons. Occupancy of approved places was {{ kpi.occupancy_rate }}.
""",
    "recruitment": """\
The service received {{ kpi.enquiries }} enquiries in {{ period.label }} (against {{ kpi.enquiries.previous }} the year before) and approved {{ kpi.approvals_from_enquiries }} households from them: a conversion rate of {{ kpi.enquiry_to_approval_rate }}.
""",
    "approvals": """\
{{ kpi.approvals }} households were approved, {{ kpi.approvals.by.MAINSTREAM }} of them mainstream; {{ kpi.deregistrations }} were deregistered, a net change of {{ kpi.net_change }}.
""",
    "children": """\
On {{ period.end }}, {{ kpi.in_house_share }} of fostered children were placed with the council's own foster carers.
""",
    "panel": """\
The fostering panel sat {{ kpi.panel_sittings }} times and heard {{ kpi.panel_items }} items.
""",
    "reviews": """\
{{ kpi.reviews_on_time_rate }} of foster carer reviews due in the period were completed on time.
""",
    "complaints": """\
{{ kpi.complaints }} complaints were received and {{ kpi.allegations }} allegations were referred to the Designated Officer (LADO).
""",
    "learning": """\
{{ kpi.carers_trained }} carers attended {{ kpi.training_sessions }} learning sessions.
""",
    "mockingbird": """\
On {{ period.end }} there were {{ kpi.mockingbird_constellations_end }} Mockingbird constellations.
""",
    "finance": """\
The budget for {{ period.label }} was {{ kpi.budget }}, with a variance of {{ kpi.budget_variance }}.
""",
    "scorecard": """\
The scorecard shows every measure with a target set in fosterreport.toml.
""",
}


def planned_files(folder: Path, sample: bool) -> dict[Path, bytes | Path]:
    """Every file init writes: path -> content, or -> a file to copy."""
    from fosterreport.embedded import sample_folder
    from fosterreport.contract import EXTRACTS, columns

    files: dict[Path, bytes | Path] = {folder / "fosterreport.toml": CONFIG_TEMPLATE.encode("utf-8")}
    for section, text in NARRATIVES.items():
        files[folder / "narrative" / f"{section}.md"] = f"{GUIDE}\n\n{text}".encode("utf-8")
    if sample:
        for source in sorted(sample_folder().iterdir()):
            if source.is_file() and source.suffix.lower() in (".csv", ".tsv"):
                files[folder / "data" / source.name] = source
    else:
        for name, model in EXTRACTS.items():
            header = ",".join(spec.name for spec in columns(model))
            files[folder / "data" / f"{name}.csv"] = f"{header}\n".encode("utf-8")
    return files


@app.command()
@reports_errors
def init(
    directory: Annotated[Path, typer.Argument(help="Folder to create the project in.", file_okay=False)] = Path("."),
    sample: Annotated[bool, typer.Option("--sample", help="Copy the embedded sample data into data/.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No notices on stderr.")] = False,
) -> None:
    """Scaffold a report project: fosterreport.toml, narrative/*.md and data/ (header-only CSVs, or --sample)."""
    from fosterreport.exceptions import UsageError

    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory} exists and is not a folder")
    root = directory.resolve()
    files = planned_files(root, sample)
    outside = [p for p in files if not _inside(p, root)]
    if outside:  # e.g. data/ or narrative/ is a symlink leading out of DIR
        raise UsageError([f"refusing to write outside {root}: {p}" for p in outside])
    existing = [p for p in files if p.exists() or p.is_symlink()]
    if existing:
        raise UsageError([f"{p} already exists" for p in existing]
                         + ["init never overwrites: nothing was written"])
    _write_all(files, root)
    if not quiet:
        what = "the sample data" if sample else "header-only CSV templates"
        say(f"Created a report project in {root}: fosterreport.toml, narrative/ ({len(NARRATIVES)} sections) "
            f"and data/ with {what}.")
        say(f"Next: cd {directory} && fosterreport build" + ("" if sample else " (after filling data/)"))


def _write_all(files: dict[Path, bytes | Path], root: Path) -> None:
    """Write every planned file, or none: on any failure (a full disk, a file or a broken
    link where a folder should be, no permission) the files already written are removed
    and the reason is a usage error (exit 2). Files are created with ``O_EXCL``, which
    never follows a symlink, so nothing is written through a link."""
    from fosterreport.exceptions import UsageError
    from fosterreport.render.write import REASONS

    written: list[Path] = []
    try:
        for path, content in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            if not _inside(path, root):
                raise UsageError(f"refusing to write outside {root}: {path}")
            with path.open("xb") as target:
                written.append(path)
                if isinstance(content, Path):
                    with content.open("rb") as source:
                        shutil.copyfileobj(source, target)
                else:
                    target.write(content)
    except (OSError, UsageError) as error:
        for path in reversed(written):
            path.unlink(missing_ok=True)
        if isinstance(error, UsageError):
            raise
        reason = REASONS.get(error.errno) or error.strerror or str(error)
        raise UsageError(f"could not create the project in {root}: {reason} ({error.strerror or error}: "
                         f"{error.filename or path}); no file was written") from None


def _inside(path: Path, root: Path) -> bool:
    """``path`` (following any symlinked folder on the way) stays inside ``root``.

    The nearest existing folder above ``path`` must be ``root`` or inside it, or, when
    ``root`` itself does not exist yet, one of its ancestors (everything below it will
    be created afresh by init)."""
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    existing = parent.resolve()
    if not (existing.is_relative_to(root) or (not root.exists() and root.is_relative_to(existing))):
        return False
    return not path.is_symlink() or path.resolve().is_relative_to(root)
