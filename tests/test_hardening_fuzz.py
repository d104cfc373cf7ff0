"""Fuzzing the commands with hostile extracts: they end with a located message, never a crash.

Each example starts from the small, valid extract folder of the KPI tests and applies one
to four mutations: random bytes, truncation, swapped columns, other encodings, huge and
empty fields, dates at the edges of the calendar, spreadsheet formulas, Unicode control
characters and bidi overrides, 10,000-character values, deleted or renamed files, ragged
and duplicated rows. Then ``validate`` and ``kpis`` run on the folder through Typer's
``CliRunner`` (in process, as a user would run them) and must:

* end with exit 0 or 1 (``kpis`` may also end 2 when no period can be chosen from the
  dates left: that is the usage error asking for ``--year``);
* on exit 1, name the file (and, where it can, the line) of each problem;
* never print a traceback or the "internal error" line, and never hang (an alarm fails the
  example after :data:`HANG_SECONDS`).

The default profile is fast and derandomised (the same :data:`EXAMPLES` examples on every
run, so CI is stable). ``pytest --fuzz-long`` or ``FOSTERREPORT_FUZZ=long`` runs the long
profile: thousands of fresh random examples (see the README, "Data protection and security").
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import signal
import tempfile
from contextlib import contextmanager
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from fosterreport.cli.app import app

FIXTURE = Path(__file__).parent / "fixtures" / "kpis" / "year_2022_23"
BASE: dict[str, bytes] = {path.name: path.read_bytes() for path in sorted(FIXTURE.iterdir())}
NAMES = sorted(BASE)

LONG = os.environ.get("FOSTERREPORT_FUZZ", "").lower() == "long"
#: The default run draws 8 examples besides the explicit ``@example`` cases below (each one
#: costs two commands); ``--fuzz-long`` draws thousands.
EXAMPLES = 3000 if LONG else 8
HANG_SECONDS = 60

EDGE_DATES = ["01/01/0001", "31/12/9999", "0001-01-01", "9999-12-31", "31-Dec-9999", "01-Jan-0001",
              "29/02/2100", "29/02/2000", "00/00/0000", "31/12/9999 23:59:59", "9999-12-31T23:59:59",
              "1/1/1", "32/13/2020", "01/01/10000", "2023-02-29"]
NASTY = [
    "=cmd|' /C calc'!A0", "+1+1", "@SUM(A1:A9)", "-2+3", "=HYPERLINK(\"http://x\")",
    "\u202eevil\u202c", "\u200f\u061c\u2066x\u2069", "\x00", "\x1b[31mred", "\u2028", "\ufeff", "\x7f",
    "<script>alert(1)</script>", "{{ 7*7 }}", "{% raw %}", "x" * 10_000, "y" * 10_001, "", " ", "NULL",
    '"', '""', "\r", "\n", "\r\n", "1e309", "9" * 40, "-0", "NaN", "inf", "１２", "٣", "2.5", "(1,234.50)",
    "£", "0", "-1", "Y", "maybe", "MAINSTREAM", "H1", "H999", "2022-23", "2022/2024", "\t",
]
ENCODINGS = ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1252", "latin-1", "shift_jis", "utf-8-sig",
             "cp437", "koi8-r"]

cell_values = st.one_of(st.sampled_from(NASTY + EDGE_DATES), st.text(max_size=30),
                        st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x2FFF), max_size=12))
files = st.sampled_from(NAMES)

mutation = st.one_of(
    st.tuples(st.just("cell"), files, st.integers(0, 40), st.integers(0, 12), cell_values),
    st.tuples(st.just("cell"), files, st.integers(1, 40), st.integers(0, 12), st.sampled_from(EDGE_DATES)),
    st.tuples(st.just("swap_headers"), files, st.integers(0, 12), st.integers(0, 12)),
    st.tuples(st.just("swap_columns"), files, st.integers(0, 12), st.integers(0, 12)),
    st.tuples(st.just("truncate"), files, st.floats(0, 1)),
    st.tuples(st.just("random_bytes"), files, st.binary(max_size=300)),
    st.tuples(st.just("splice"), files, st.floats(0, 1), st.binary(min_size=1, max_size=20)),
    st.tuples(st.just("encode"), files, st.sampled_from(ENCODINGS)),
    st.tuples(st.just("delete"), files),
    st.tuples(st.just("empty"), files),
    st.tuples(st.just("header_only"), files),
    st.tuples(st.just("duplicate_rows"), files),
    st.tuples(st.just("ragged"), files, st.integers(1, 40), st.booleans()),
    st.tuples(st.just("add_column"), files, st.sampled_from(["Carer Name", "Address", "household_id",
                                                             "CARER_ID", "", "x" * 300])),
    st.tuples(st.just("rename"), files, st.sampled_from([".CSV", ".tsv", ".csv.bak", ".txt"])),
    st.tuples(st.just("line_endings"), files, st.sampled_from(["\r\n", "\r", "\n\n"])),
)


def _rows(data: bytes) -> list[list[str]] | None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        return None


def _write_rows(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode("utf-8", "surrogatepass")


def mutate(folder: dict[str, bytes], step: tuple) -> None:
    """Apply one mutation to ``folder`` (file name -> bytes) in place."""
    kind, name, *args = step
    if name not in folder:
        return
    data = folder[name]
    if kind == "truncate":
        folder[name] = data[:int(len(data) * args[0])]
    elif kind == "random_bytes":
        folder[name] = args[0]
    elif kind == "splice":
        at = int(len(data) * args[0])
        folder[name] = data[:at] + args[1] + data[at:]
    elif kind == "encode":
        try:
            folder[name] = data.decode("utf-8").encode(args[0], errors="replace")
        except (UnicodeDecodeError, UnicodeEncodeError):
            pass
    elif kind == "delete":
        del folder[name]
    elif kind == "empty":
        folder[name] = b""
    elif kind == "rename":
        folder[name.rsplit(".", 1)[0] + args[0]] = folder.pop(name)
    elif kind == "line_endings":
        folder[name] = data.replace(b"\n", args[0].encode())
    else:
        rows = _rows(data)
        if not rows:
            return
        if kind == "cell":
            row = rows[args[0] % len(rows)]
            if row:
                row[args[1] % len(row)] = args[2]
        elif kind == "swap_headers":
            header = rows[0]
            if header:
                i, j = args[0] % len(header), args[1] % len(header)
                header[i], header[j] = header[j], header[i]
        elif kind == "swap_columns":
            width = len(rows[0])
            if width:
                i, j = args[0] % width, args[1] % width
                for row in rows:
                    if len(row) > max(i, j):
                        row[i], row[j] = row[j], row[i]
        elif kind == "header_only":
            rows = rows[:1]
        elif kind == "duplicate_rows":
            rows = rows + rows[1:]
        elif kind == "ragged":
            row = rows[args[0] % len(rows)]
            if args[1]:
                row.append("extra")
            elif row:
                row.pop()
        elif kind == "add_column":
            rows = [row + [args[0] if index == 0 else f"ZQX{index:05}"] for index, row in enumerate(rows)]
        folder[name] = _write_rows(rows)


class Hang(Exception):
    pass


@contextmanager
def alarm(seconds: int):
    def ring(signum, frame):
        raise Hang(f"no answer after {seconds} s")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


LOCATED = re.compile(r"[\w .()-]+\.(csv|tsv|CSV|TSV)\b")
runner = CliRunner()


def run(args: list[str]):
    with alarm(HANG_SECONDS):
        result = runner.invoke(app, args)
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    return result, output


def check_command(args: list[str], allowed: set[int]) -> None:
    result, output = run(args)
    assert not isinstance(result.exception, Hang), f"{args[0]} hung"
    assert "Traceback" not in output and "internal error" not in output, output[-2000:]
    assert result.exit_code in allowed, (result.exit_code, repr(result.exception), output[-2000:])
    if result.exit_code == 1:
        assert LOCATED.search(output), f"exit 1 without naming a file: {output[-2000:]}"
    if result.exit_code == 2:
        assert "--year" in output, output[-2000:]


@settings(max_examples=EXAMPLES, deadline=None, derandomize=not LONG,
          database=settings.default.database if LONG else None, print_blob=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.filter_too_much, HealthCheck.large_base_example])
@given(steps=st.lists(mutation, min_size=1, max_size=4), variant=st.booleans())
@example(variant=True, steps=[("cell", "households.csv", 1, 2, "31/12/9999")])
@example(variant=False, steps=[("cell", "households.csv", 1, 2, "01/01/0001"), ("cell", "enquiries.csv", 1, 1, "01/01/0001")])
@example(variant=False, steps=[("cell", "enquiries.csv", 2, 6, "31/12/9999"), ("cell", "placements.csv", 3, 4, "9999-12-31")])
@example(variant=True, steps=[("cell", "budget.csv", 1, 1, "=cmd|' /C calc'!A0"), ("cell", "mockingbird.csv", 1, 0, "\u202eevil")])
@example(variant=True, steps=[("cell", "training.csv", 1, 2, "x" * 10_000), ("cell", "training.csv", 2, 2, "y" * 10_001)])
@example(variant=False, steps=[("encode", "households.csv", "utf-16-le"), ("encode", "placements.csv", "cp1252")])
@example(variant=True, steps=[("random_bytes", "households.csv", b"\x00\xff" * 50)])
@example(variant=True, steps=[("swap_columns", "households.csv", 0, 2), ("swap_headers", "enquiries.csv", 1, 2)])
@example(variant=False, steps=[("truncate", "households.csv", 0.5), ("header_only", "placements.csv")])
@example(variant=True, steps=[("delete", "households.csv")])
@example(variant=True, steps=[("header_only", name) for name in ("households.csv", "enquiries.csv", "placements.csv",
                                                    "budget.csv")])
def test_validate_and_kpis_never_crash_on_hostile_extracts(steps, variant):
    """``variant`` picks one of two spellings of each command (the default period chosen
    from the dates, or a given year with a trend; text or JSON problems), so each example
    costs two commands and both paths are covered."""
    folder = dict(BASE)
    for step in steps:
        mutate(folder, step)
    root = Path(tempfile.mkdtemp(prefix="fuzz-"))
    try:
        for name, data in folder.items():
            (root / name).write_bytes(data)
        if variant:
            check_command(["validate", "--data", str(root)], {0, 1})
            check_command(["kpis", "--data", str(root), "--format", "json"], {0, 1, 2})
        else:
            check_command(["validate", "--data", str(root), "--format", "json", "--strict"], {0, 1})
            check_command(["kpis", "--data", str(root), "--year", "2023", "--format", "csv", "--trend", "3"],
                          {0, 1})
    finally:
        shutil.rmtree(root, ignore_errors=True)
