"""Where a command's time goes: its imports, package by package, and a sampled profile.

    python benchmarks/profile.py                        # fosterreport kpis --year 2024 -q
    python benchmarks/profile.py build --year 2024 -q --out /tmp/report
    python benchmarks/profile.py --out benchmarks/profiles/kpis-one-council.txt

Two fresh runs of ``fosterreport ARGS``: one under ``python -X importtime``, summed by
top-level package (self time, so nothing is counted twice); one under pyinstrument
(``pip install pyinstrument``; skipped when it is missing), printed as a call tree. Both
after a warm-up run, in a folder without a ``fosterreport.toml``.
"""

from __future__ import annotations

import argparse
import collections
import subprocess
import sys
import tempfile
from pathlib import Path

CLI = "import sys\nsys.argv = {argv!r}\nfrom fosterreport.cli import main\nmain()\n"


def imports(argv: list[str], cwd: str) -> str:
    """``-X importtime`` of one run, self times summed by top-level package."""
    stderr = subprocess.run([sys.executable, "-X", "importtime", "-c", CLI.format(argv=argv)], cwd=cwd,
                            capture_output=True, text=True).stderr
    by_package: collections.Counter = collections.Counter()
    for line in stderr.splitlines():
        if line.startswith("import time:") and "|" in line and "self [us]" not in line:
            own, _, name = line[len("import time:"):].split("|")
            by_package[name.strip().split(".")[0]] += int(own)
    total = sum(by_package.values())
    lines = [f"imports: {total / 1000:.0f} ms in all (self time, -X importtime inflates it a little)"]
    lines += [f"  {micro / 1000:7.1f} ms  {package}" for package, micro in by_package.most_common(20)]
    return "\n".join(lines)


def sampled(argv: list[str], cwd: str) -> str:
    try:
        import pyinstrument  # noqa: F401
    except ImportError:
        return "(pyinstrument is not installed: pip install pyinstrument)"
    with tempfile.NamedTemporaryFile("w", suffix=".py", dir=cwd, delete=False) as script:
        script.write(CLI.format(argv=argv))
    completed = subprocess.run([sys.executable, "-m", "pyinstrument", "--interval", "0.0005", "-r", "text",
                                "--show", "*fosterreport*", script.name], cwd=cwd, capture_output=True, text=True)
    Path(script.name).unlink()
    output = completed.stdout
    if "Program:" not in output:
        return output + completed.stderr
    output = output[output.find("\n", output.find("Program:")) + 1:]  # (the temporary script's name)
    return output.split("To view this report")[0].rstrip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="also write the profile here")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="fosterreport's arguments (default: kpis --year 2024 -q)")
    options = parser.parse_args()
    argv = ["fosterreport", *(options.args or ["kpis", "--year", "2024", "-q"])]
    with tempfile.TemporaryDirectory() as cwd:
        subprocess.run([sys.executable, "-c", CLI.format(argv=argv)], cwd=cwd, capture_output=True)  # warm-up
        text = f"$ {' '.join(argv)}\n\n{imports(argv, cwd)}\n\n{sampled(argv, cwd)}\n"
    print(text)
    if options.out:
        options.out.parent.mkdir(parents=True, exist_ok=True)
        options.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
