"""``fosterreport init [DIR]``: scaffold a report project.

Writes, inside DIR and nowhere else:

* ``fosterreport.toml`` with every option, commented, generated from the settings'
  descriptions in :mod:`fosterreport.config`;
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

#: The opening comment of the generated ``fosterreport.toml``.
CONFIG_HEADER = ("fosterreport.toml: settings for one council's fostering report. Every option is shown "
                 "with its default (or an example) under what it does; uncomment and edit what you need. "
                 "Paths are relative to this file. Dates are ISO (2024-05-23).")

#: Written uncommented: the folders init itself creates.
CONFIG_KEPT = {"report.narrative": "narrative", "data.path": "data"}


def config_text(sample: bool = False) -> str:
    """The commented ``fosterreport.toml``, generated from the settings' own descriptions
    (:func:`fosterreport.config.commented_toml`), so it never drifts from what loads. With
    the sample's data copied in, it names the sample's fictional council (to be replaced)."""
    from fosterreport.config import commented_toml
    from fosterreport.embedded import SAMPLE_COUNCIL

    kept = {**CONFIG_KEPT, "authority.name": SAMPLE_COUNCIL} if sample else CONFIG_KEPT
    return commented_toml(CONFIG_HEADER, kept)


GUIDE = ("<!-- Your narrative for this section. Markdown; placeholders such as {{ kpi.enquiries }} "
         "print the figure exactly as the report does (`fosterreport kpis --list` lists the ids). "
         "This comment is not printed. -->")


def planned_files(folder: Path, sample: bool) -> dict[Path, bytes | Path]:
    """Every file init writes: path -> content, or -> a file to copy."""
    from fosterreport.embedded import sample_folder
    from fosterreport.contract import EXTRACTS, columns

    from fosterreport.context.sections import starter_narratives

    files: dict[Path, bytes | Path] = {folder / "fosterreport.toml": config_text(sample).encode("utf-8")}
    for section, text in starter_narratives().items():
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
    from fosterreport.context.sections import SECTIONS
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
        say(f"Created a report project in {root}: fosterreport.toml, narrative/ ({len(SECTIONS)} sections) "
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
