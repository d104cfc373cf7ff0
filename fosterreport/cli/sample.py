"""``fosterreport sample``: write a synthetic, realistic data folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fosterreport.cli.app import QuietOption, app, reports_errors, say


@app.command()
@reports_errors
def sample(
    out: Annotated[Path, typer.Option("--out", help="Folder to write (created if needed).", file_okay=False)],
    seed: Annotated[int, typer.Option("--seed", help="Random seed: the same seed gives the same files.")] = 2024,
    years: Annotated[int, typer.Option("--years", min=1, max=30, help="Financial years of history.")] = 8,
    households: Annotated[int | None, typer.Option(
        "--households", min=5, help="Approximate active households at the end (default: a county's size).")] = None,
    authorities: Annotated[int, typer.Option(
        "--authorities", min=1, max=500, help="Councils: more than 1 writes one sub-folder per council.")] = 1,
    quiet: QuietOption = False,
) -> None:
    """Write a synthetic council's extracts (fictional Anyshire), or a region of councils."""
    from fosterreport.sample import generate_sample

    written = generate_sample(out, seed=seed, years=years, households=households, authorities=authorities)
    if not quiet:
        say(f"Wrote {len(written)} files to {out}")
