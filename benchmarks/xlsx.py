"""The .xlsx path's cost beside the CSV path's, on the same extracts (issue 12).

    python benchmarks/xlsx.py                  # the sample and a 100,000-row enquiries extract
    python benchmarks/xlsx.py --rows 1000000   # a larger generated extract (openpyxl writes it slowly)

Times ``load_extracts`` (read + validate) of the embedded sample's twelve extracts as
CSV and as workbooks, then of ``benchmarks/load.py``'s generated enquiries extract (with
its households) at ``--rows``, best of ``--repeat`` runs each, in this process after one
warm-up. The workbooks are written by openpyxl with typed cells (tests/workbooks.py), as
Excel holds them. Prints a Markdown table; RESULTS.md records a run.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

import load as load_bench  # noqa: E402
from workbooks import csvs_and_workbooks  # noqa: E402


def _best(work, repeat: int) -> float:
    work()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def _pair(source: Path, work_folder: Path, label: str, repeat: int) -> tuple[str, float, float, int]:
    from fosterreport.records import load_extracts

    csvs, books = csvs_and_workbooks(source, work_folder, f"{label}-")
    loaded = load_extracts(books)
    assert not loaded.problems.errors, loaded.problems.errors[:3]
    rows = sum(info.rows for info in loaded.files.values())
    return (label, _best(lambda: load_extracts(csvs), repeat), _best(lambda: load_extracts(books), repeat), rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the generated enquiries extract")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from fosterreport.embedded import sample_folder

    with tempfile.TemporaryDirectory() as work:
        work_folder = Path(work)
        generated = work_folder / "generated"
        generated.mkdir()
        load_bench.generate(generated, args.rows, sample=0)
        results = [_pair(sample_folder(), work_folder, "embedded sample (12 files)", args.repeat),
                   _pair(generated, work_folder, f"generated enquiries + households ({args.rows:,} enquiries)",
                         args.repeat)]
    print("| extracts | rows | CSV (s) | .xlsx (s) | .xlsx / CSV |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for label, csv_seconds, xlsx_seconds, rows in results:
        print(f"| {label} | {rows:,} | {csv_seconds:.3f} | {xlsx_seconds:.3f} | {xlsx_seconds / csv_seconds:.1f}× |")


if __name__ == "__main__":
    main()
