"""How fast is loading a big extract, against what pyarrow alone needs to read it?

Generates a realistic 1,000,000-row ``enquiries.csv`` (ids, dd/mm/yyyy dates over 8 years,
~40% of the optional dates blank, codes spelt as codes and as labels) plus the
``households.csv`` its approved enquiries point to, then measures, in the same run:

(a) the floor: ``pyarrow.csv.read_csv`` of the enquiries file with its date columns typed
    (``timestamp_parsers=["%d/%m/%Y"]``);
(b) ``fosterreport.records.load_extracts(folder)``: decode, header mapping, line numbers,
    column-wise parsing, row rules and cross-file checks;
(c) the ratio (b)/(a), goal ≤ 3×;
(d) row-by-row pydantic validation (``validation.validate_rows``) of a 100,000-row sample,
    extrapolated to 1M, against the column-wise path (goal ≥ 10× faster).

Each measurement runs in its own subprocess, imports done before the clock starts, and
reports its wall time and its peak RSS (``VmHWM`` from /proc/self/status on Linux, else
``resource.getrusage(RUSAGE_SELF).ru_maxrss``), so peaks don't mix; RSS rather than
tracemalloc because pyarrow allocates outside Python's allocator. The "baseline" column
is the same process's peak RSS after its imports, before the measured work.

    python benchmarks/load.py                 # 1M rows in a temporary folder
    python benchmarks/load.py --rows 200000 --out /tmp/bench --keep
    python benchmarks/load.py --quote-all     # every field quoted, as some exports do
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ENQUIRY_DATES = ["enquiry_date", "initial_visit_date", "application_date", "stage2_date", "panel_date",
                 "approval_date", "closed_date"]


# -- the data ----------------------------------------------------------------------------


def generate(folder: Path, rows: int, sample: int, seed: int = 2024, quote_all: bool = False) -> dict[str, int]:
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pacsv

    rng = np.random.default_rng(seed)
    start, span = date(2015, 4, 1), 8 * 365
    day_text = np.array([(start + timedelta(days=d)).strftime("%d/%m/%Y") for d in range(span + 1000)],
                        dtype=object)

    def text_dates(days: np.ndarray, present: np.ndarray) -> np.ndarray:
        out = day_text[np.where(present, days, 0)]
        out[~present] = ""
        return out

    enquiry = rng.integers(0, span, rows)
    # The assessment funnel: each later stage reached by fewer enquiries, each some weeks later.
    reached = {"initial_visit_date": 0.85, "application_date": 0.70, "stage2_date": 0.55, "panel_date": 0.40}
    columns: dict[str, np.ndarray] = {"enquiry_date": text_dates(enquiry, np.ones(rows, dtype=bool))}
    alive = np.ones(rows, dtype=bool)
    last = enquiry.copy()
    draw = rng.random(rows)
    for name, share in reached.items():
        alive &= draw < share
        last = np.where(alive, last + rng.integers(7, 60, rows), last)
        columns[name] = text_dates(last, alive)
    approved = alive & (rng.random(rows) < 0.125)  # 5% of all enquiries
    approval = last + rng.integers(7, 30, rows)
    columns["approval_date"] = text_dates(approval, approved)
    closed = ~approved & (rng.random(rows) < 0.9)
    columns["closed_date"] = text_dates(last + rng.integers(1, 90, rows), closed)
    reasons = np.array(["NOT_ELIGIBLE", "NO_RESPONSE", "Went elsewhere", "AW1", "AW2", "AW3", "AW4", "OTHER",
                        "Withdrew: change in circumstances", "NOT_APPROVED"], dtype=object)
    columns["closed_reason"] = np.where(closed, reasons[rng.integers(0, len(reasons), rows)], "")

    ids = np.char.add("E", np.char.zfill(np.arange(1, rows + 1).astype(str), 7)).astype(object)
    household_ids = np.char.add("H", np.char.zfill(np.arange(1, rows + 1).astype(str), 7)).astype(object)
    sources = np.array(["WEBSITE", "Website", "PHONE", "Telephone", "EVENT", "SOCIAL_MEDIA", "Social media",
                        "WORD_OF_MOUTH", "REGIONAL_HUB", "OTHER"], dtype=object)
    sought = np.array(["", "", "", "", "MAINSTREAM", "Mainstream", "CONNECTED", "Kinship", "SPECIALIST", "FFA"],
                      dtype=object)
    table = pa.table({
        "Enquiry Ref": ids,
        "enquiry_date": columns["enquiry_date"],
        "Enquiry Source": sources[rng.integers(0, len(sources), rows)],
        "household_type_sought": sought[rng.integers(0, len(sought), rows)],
        "IV_DATE": columns["initial_visit_date"],
        "application_date": columns["application_date"],
        "stage2_date": columns["stage2_date"],
        "panel_date": columns["panel_date"],
        "approval_date": columns["approval_date"],
        "household_id": np.where(approved, household_ids, ""),
        "closed_date": columns["closed_date"],
        "closed_reason": columns["closed_reason"],
        "Enquirer Name": np.full(rows, "A Person", dtype=object),  # an extra column, never read
    })
    # "needed" quotes every text cell; "none" quotes nothing (no cell here holds a comma or quote).
    options = pacsv.WriteOptions(quoting_style="needed" if quote_all else "none")
    folder.mkdir(parents=True, exist_ok=True)
    pacsv.write_csv(table, folder / "enquiries.csv", options)

    approved_rows = np.flatnonzero(approved)
    types = np.array(["MAINSTREAM", "CONNECTED", "Family and Friends", "SPECIALIST"], dtype=object)
    households = pa.table({
        "household_id": household_ids[approved_rows],
        "household_type": types[rng.integers(0, len(types), len(approved_rows))],
        "approval_date": columns["approval_date"][approved_rows],
        "approved_places": rng.integers(1, 4, len(approved_rows)).astype(str).astype(object),
    })
    pacsv.write_csv(households, folder / "households.csv", options)

    sample_folder = folder / "sample"
    sample_folder.mkdir(exist_ok=True)
    pacsv.write_csv(table.slice(0, sample), sample_folder / "enquiries.csv", options)
    return {"enquiries": rows, "households": len(approved_rows), "sample": min(sample, rows),
            "bytes": (folder / "enquiries.csv").stat().st_size}


# -- measurements, one per subprocess ------------------------------------------------------


def _peak_mb() -> float:
    """This process's peak RSS. On Linux, VmHWM: ``ru_maxrss`` would carry over the parent's
    peak through fork and exec, mixing the generator's memory into every measurement."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB on Linux


def _child(kind: str, folder: Path) -> dict:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from fosterreport.config import Config
    from fosterreport.extracts import read_extract
    from fosterreport.records import load_extracts
    from fosterreport.validation import parse_extract, validate_rows  # imports pandas before the clock starts

    baseline = _peak_mb()
    result: dict = {}
    began = time.perf_counter()
    if kind == "floor":
        table = pacsv.read_csv(folder / "enquiries.csv", convert_options=pacsv.ConvertOptions(
            column_types={name: pa.timestamp("s") for name in ["enquiry_date", "IV_DATE", *ENQUIRY_DATES[2:]]},
            timestamp_parsers=["%d/%m/%Y"]))
        result["rows"] = table.num_rows
    elif kind == "load":
        extracts = load_extracts(folder, Config())
        result["rows"] = len(extracts.frames["enquiries"])
        result["problems"] = len(extracts.problems.problems)
        result["first_problems"] = [p.as_text() for p in extracts.problems.sorted()[:3]]
    elif kind in ("columns", "columns-sample"):
        path = folder / ("sample" if kind == "columns-sample" else "") / "enquiries.csv"
        raw = read_extract("enquiries", path)
        read = time.perf_counter()
        parse_extract(raw, {})
        result["read_seconds"] = read - began
        result["parse_seconds"] = time.perf_counter() - read
        result["rows"] = len(raw.lines)
    elif kind == "rows-sample":
        raw = read_extract("enquiries", folder / "sample" / "enquiries.csv")
        began = time.perf_counter()  # the pydantic validation only
        result["problems"] = len(validate_rows(raw, {}))
        result["rows"] = len(raw.lines)
    else:
        raise SystemExit(f"unknown measurement {kind}")
    result["seconds"] = time.perf_counter() - began
    result["baseline_mb"] = baseline
    result["peak_mb"] = _peak_mb()
    return result


def measure(kind: str, folder: Path, repeat: int) -> dict:
    """The fastest of ``repeat`` runs, each in a fresh interpreter."""
    best = None
    for _ in range(repeat):
        output = subprocess.run([sys.executable, __file__, "--child", kind, "--out", str(folder)],
                                check=True, capture_output=True, text=True).stdout
        result = json.loads(output.strip().splitlines()[-1])
        if best is None or result["seconds"] < best["seconds"]:
            best = result
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=100_000, help="rows validated row by row")
    parser.add_argument("--out", type=Path, help="folder for the generated files (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (the fastest is shown)")
    parser.add_argument("--quote-all", action="store_true", help="quote every field of the generated files")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.child, args.out)))
        return

    temporary = None
    if args.out is None:
        temporary = tempfile.TemporaryDirectory(prefix="fosterreport-bench-")
        args.out = Path(temporary.name)
    try:
        began = time.perf_counter()
        sizes = generate(args.out, args.rows, args.sample, quote_all=args.quote_all)
        print(f"Generated {sizes['enquiries']:,} enquiries ({sizes['bytes'] / 1e6:.0f} MB) and "
              f"{sizes['households']:,} households in {time.perf_counter() - began:.1f}s: {args.out}")
        floor = measure("floor", args.out, args.repeat)
        load = measure("load", args.out, args.repeat)
        split = measure("columns", args.out, args.repeat)
        column_sample = measure("columns-sample", args.out, args.repeat)
        row_sample = measure("rows-sample", args.out, 1)
        report(sizes, floor, load, split, column_sample, row_sample)
    finally:
        if temporary is not None and not args.keep:
            temporary.cleanup()


def report(sizes, floor, load, split, column_sample, row_sample) -> None:
    n, s = sizes["enquiries"], sizes["sample"]
    extrapolated = row_sample["seconds"] * n / s
    print()
    print("| measurement | rows | wall (s) | peak RSS (MB) | baseline RSS (MB) |")
    print("| --- | ---: | ---: | ---: | ---: |")

    def row(label, rows, result, seconds=None):
        seconds = result["seconds"] if seconds is None else seconds
        print(f"| {label} | {rows:,} | {seconds:.2f} | {result['peak_mb']:.0f} | {result['baseline_mb']:.0f} |")

    row("(a) pyarrow `read_csv`, dates typed (floor)", n, floor)
    row("(b) `load_extracts(folder)` (read + validate + cross-file checks)", n, load)
    row("    `read_extract` (decode, headers, lines, text columns)", n, split, split["read_seconds"])
    row("    `parse_extract` (column-wise parse + row rules)", n, split, split["parse_seconds"])
    row("    `parse_extract` on the sample", s, column_sample, column_sample["parse_seconds"])
    row("(d) `validate_rows` (pydantic, row by row) on the sample", s, row_sample)
    print(f"| (d) `validate_rows` extrapolated | {n:,} | {extrapolated:.1f} | | |")
    print()
    ratio = load["seconds"] / floor["seconds"]
    speedup = extrapolated / split["parse_seconds"]
    print(f"(c) load_extracts / pyarrow floor: {ratio:.2f}× (goal ≤ 3×) {'OK' if ratio <= 3 else 'OVER'}")
    print(f"(d) column-wise parse vs row-wise pydantic, {n:,} rows: {speedup:.0f}× faster (goal ≥ 10×) "
          f"{'OK' if speedup >= 10 else 'UNDER'}; on the {s:,}-row sample itself: "
          f"{row_sample['seconds'] / column_sample['parse_seconds']:.0f}×; whole load vs row-wise only: "
          f"{extrapolated / load['seconds']:.1f}×")
    print(f"problems found by load_extracts: {load['problems']:,} {load.get('first_problems', [])}; "
          f"by validate_rows on the sample: {row_sample['problems']:,}")


if __name__ == "__main__":
    main()
