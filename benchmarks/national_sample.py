"""Time the national sample: 150 synthetic councils, eight years each.

    python benchmarks/national_sample.py [--authorities 150] [--keep FOLDER]

Prints the seconds taken and the rows and bytes written, in total and for the three
largest extracts (enquiries, visits, placements).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import Counter
from pathlib import Path

from fosterreport.sample import generate_sample


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--authorities", type=int, default=150)
    parser.add_argument("--keep", type=Path, help="write here and keep the files (default: a temporary folder)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        out = options.keep or Path(scratch)
        started = time.perf_counter()
        written = generate_sample(out, authorities=options.authorities)
        seconds = time.perf_counter() - started
        rows, size = Counter(), Counter()
        for path in written:
            if path.suffix.lower() == ".csv":
                with path.open("rb") as handle:
                    rows[path.stem.lower()] += sum(1 for _ in handle) - 1
                size[path.stem.lower()] += path.stat().st_size
    print(f"{options.authorities} authorities in {seconds:.1f} s: {len(written)} files, "
          f"{sum(rows.values()):,} rows, {sum(size.values()) / 1e6:.1f} MB")
    for name in ("enquiries", "visits", "placements"):
        print(f"  {name:<11} {rows[name]:>10,} rows  {size[name] / 1e6:6.1f} MB")
    print(f"  enquiries + visits + placements: {rows['enquiries'] + rows['visits'] + rows['placements']:,} rows")


if __name__ == "__main__":
    main()
