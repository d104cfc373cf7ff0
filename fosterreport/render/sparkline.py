"""A sparkline as an SVG image: a few points, no axes, drawn by hand.

The monthly performance dataset gives each measure a small trend line beside its figures
(Dorset's "sparkline graphs have been included to illustrate trends"). Its numbers are in
the same row, so the line needs no axes or labels, and matplotlib (which draws the
report's charts) would be a slow way to draw six points. It is an ``img`` of a ``data:``
URI with its words as ``alt``, as the charts are, so the PDF tags it as a figure with a
text alternative and the fetcher serves it without touching the disk.
"""

from __future__ import annotations

import base64
from typing import Iterable

WIDTH, HEIGHT, MARGIN = 60, 16, 2
COLOUR = "#1d4f91"


def sparkline_svg(points: Iterable[float | None]) -> str:
    """The SVG of ``points`` (each 0–1, or None for a gap) spread evenly across the width."""
    points = list(points)
    step = (WIDTH - 2 * MARGIN) / max(len(points) - 1, 1)
    runs, run = [], []
    for index, value in enumerate(points):
        if value is None:
            if run:
                runs.append(run)
            run = []
            continue
        run.append((MARGIN + index * step, MARGIN + (1 - value) * (HEIGHT - 2 * MARGIN)))
    if run:
        runs.append(run)
    shapes = []
    for line in runs:
        coordinates = " ".join(f"{x:.1f},{y:.1f}" for x, y in line)
        if len(line) == 1:
            x, y = line[0]
            shapes.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="1.5" fill="{COLOUR}"/>')
        else:
            shapes.append(f'<polyline points="{coordinates}" fill="none" stroke="{COLOUR}" stroke-width="1.5" '
                          f'stroke-linejoin="round" stroke-linecap="round"/>')
    if runs:  # the last month stands out, as on the data set's printed lines
        x, y = runs[-1][-1]
        shapes.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2" fill="{COLOUR}"/>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
            f'viewBox="0 0 {WIDTH} {HEIGHT}">{"".join(shapes)}</svg>')


def sparkline_uri(points: Iterable[float | None]) -> str:
    """:func:`sparkline_svg` as a ``data:`` URI for an ``img``."""
    return "data:image/svg+xml;base64," + base64.b64encode(sparkline_svg(points).encode()).decode()
