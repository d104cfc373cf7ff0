"""Synthetic extracts for fictional councils, realistic enough to build a report from.

The embedded sample (``sample_data/``), the tests' fixtures and the national benchmark
all come from :func:`generate_sample`. It simulates a fostering service record by record
- enquiries flowing through the assessment funnel into approvals (:mod:`.recruitment`),
looked-after children matched to free beds or placed with agencies (:mod:`.care`),
supervision, reviews, panel, complaints, allegations, training, Mockingbird and budget
(:mod:`.activity`) - so every figure the report computes agrees with every other, as it
does in a real council's data. :mod:`.export` then writes the rows with some of the mess
real exports have, all of it inside the extract contract.

Everything is drawn from one ``random.Random(seed)``: the same arguments give
byte-identical files.
"""

from __future__ import annotations

import random
from pathlib import Path

from fosterreport.sample.councils import ANYSHIRE, Council, council_names, draw_council, resized
from fosterreport.sample.export import write_service
from fosterreport.sample.service import Service, simulate
from fosterreport.sample.window import Window

__all__ = ["generate_sample", "simulate", "write_service", "Council", "Service", "Window", "ANYSHIRE"]


def generate_sample(out: Path, *, seed: int = 2024, years: int = 8, households: int | None = None,
                    authorities: int = 1, last_year: int = 2024) -> list[Path]:
    """Write a realistic synthetic council's extract folder (or, with authorities > 1, one
    sub-folder per council, each with its own fosterreport.toml giving [authority] name) and
    return the files written. Same arguments -> byte-identical files.

    The data covers the ``years`` financial years ending 31 March ``last_year``; nothing is
    dated later. ``households`` is the number of households approved at that date (for
    several authorities, the typical size around which each council's is drawn).
    """
    if years < 1 or authorities < 1 or (households is not None and households < 1):
        raise ValueError("years, authorities and households must each be at least 1")
    out, window, rng = Path(out), Window.ending(last_year, years), random.Random(seed)
    refuse_extracts(out)
    if authorities == 1:
        council = ANYSHIRE if households is None else resized(ANYSHIRE, households)
        return write_service(simulate(rng, council, window), out)
    written: list[Path] = []
    names = council_names(random.Random(rng.getrandbits(64)), authorities)
    for number, (name, slug) in enumerate(names, start=1):
        council_rng = random.Random(rng.getrandbits(64))   # each council's draws are its own
        council = draw_council(council_rng, name, slug, households or ANYSHIRE.households)
        folder = out / f"council-{number:02d}-{slug}"
        written += write_service(simulate(council_rng, council, window), folder)
        written.append(_write_config(folder, council))
    return written


def refuse_extracts(out: Path) -> None:
    """A folder that already holds extracts (or a region's councils) is not written over:
    they may be a council's real data. Raises a usage error naming them; writes nothing."""
    from fosterreport.exceptions import UsageError
    from fosterreport.extracts import discover

    if not out.is_dir():
        return
    folders = [out, *sorted(child for child in out.iterdir() if child.is_dir())]
    found = [path for folder in folders for path in discover(folder)[0].values()]
    if found:
        shown = ", ".join(str(path.relative_to(out)) for path in found[:3]) + (" …" if len(found) > 3 else "")
        raise UsageError(f"{out} already holds extracts ({shown}): the sample is written only into an empty "
                         f"or new folder, never over a council's files")


def _write_config(folder: Path, council: Council) -> Path:
    """The council's fosterreport.toml, so its report carries its own name."""
    path = folder / "fosterreport.toml"
    path.write_text(f'[authority]\nname = "{council.name}"\nservice = "{council.service}"\n', encoding="utf-8")
    return path
