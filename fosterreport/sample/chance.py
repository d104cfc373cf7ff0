"""The simulation's dice: weighted choices and counts drawn from one ``random.Random``.

Only ``rng.random()`` and the distribution methods built on it are used, so a seed gives
the same draws on every run (nothing depends on time, hashing or global random state).
"""

from __future__ import annotations

import itertools
import math
import random
from bisect import bisect_right


class Mix:
    """A weighted choice drawn with a single ``rng.random()``: cheap, and reproducible."""

    __slots__ = ("items", "cum")

    def __init__(self, weights: dict):
        self.items = tuple(weights)
        self.cum = list(itertools.accumulate(weights.values()))

    def draw(self, rng: random.Random):
        return self.items[bisect_right(self.cum, rng.random() * self.cum[-1])]


def poisson(rng: random.Random, mean: float) -> int:
    """A count of events (enquiries, complaints...) around ``mean``, never negative."""
    if mean <= 0:
        return 0
    if mean > 40:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def yearly(rng: random.Random, mean: float) -> int:
    """How many in one year: near the mean, as a service's yearly counts are, without a
    Poisson count's long tail (a 60 a year varies by about 17%, a 7 by about 35%)."""
    band = min(1.0, 0.15 + 1.5 / mean) if mean > 0 else 0.0
    return max(0, round(mean * rng.uniform(1 - band, 1 + band)))


def between(rng: random.Random, low: int, high: int) -> int:
    """A whole number (of days, usually) in [low, high), without ``randint``'s overhead."""
    return low + int(rng.random() * (high - low))
