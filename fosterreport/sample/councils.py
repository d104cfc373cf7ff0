"""Fictional councils: their size, the rates their services run at, and their exports' habits.

The one-council sample is Anyshire County Council, sized like a real shire county's
fostering service (Dorset 2022/23: 169 households, 437 children looked after, 62
enquiries, 10 mainstream approvals). A national sample draws each council's figures and
export style from the seeded generator, so councils differ as real ones do.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass, replace

from fosterreport.sample.chance import Mix, between

#: Date format of each extract in Anyshire's export (Mosaic writes timestamps on placements).
DEFAULT_DATES = {"households": "uk", "enquiries": "uk", "placements": "uk_time", "holds": "iso",
                 "reviews": "uk", "visits": "iso", "panel": "mon", "complaints": "uk",
                 "allegations": "mon", "training": "uk", "mockingbird": "iso", "budget": "uk"}


@dataclass(frozen=True)
class ExportStyle:
    """How one council's case-management and finance systems happen to write their exports."""

    mosaic_headers: bool = True      # households.csv with CARER_ID-style headers and a Carer Name column
    type_labels: bool = True         # "Connected Persons" rather than CONNECTED
    der_code_years: int = 4          # deregistrations in the window's first years carry old DERn codes
    blank_mainstream: bool = True    # enquiries leave household_type_sought blank for mainstream
    dates: tuple[tuple[str, str], ...] = tuple(DEFAULT_DATES.items())
    capitalised: frozenset[str] = frozenset({"placements"})   # written as Placements.CSV

    def date_style(self, extract: str) -> str:
        return dict(self.dates)[extract]


@dataclass(frozen=True)
class Council:
    """One fictional council: its size and the rates its service runs at."""

    name: str
    slug: str
    households: int                 # active households at the end of the last year
    connected_share: float
    mainstream_leaving: float       # yearly hazard of a mainstream household deregistering
    enquiry_rate: float             # enquiries a year per active household
    funnel: tuple[float, ...]       # chance of reaching each next stage (recruitment.STAGE_GAPS)
    children_per_household: float   # looked-after children per active household
    fostered_share: float           # of placements that are not with kin
    match_rate: float               # chance a free in-house bed offered suits the child
    review_on_time: float
    supervision_gap: int            # typical days between supervision visits
    constellations: int             # Mockingbird constellations launched
    style: ExportStyle = ExportStyle()

    @property
    def service(self) -> str:
        return f"{self.slug.replace('-', ' ').title()} Fostering Service"


ANYSHIRE = Council("Anyshire County Council", "anyshire", 170, 0.30, 0.12, 0.365,
                   (0.63, 0.38, 0.88, 0.82, 0.95), 2.53, 0.66, 0.13, 0.86, 35, 3)

_STEMS = ("Ash", "Brack", "Cinder", "Dun", "Elder", "Fallow", "Gorse", "Heron", "Inver", "Juniper",
          "Kestrel", "Lark", "Marrow", "Nether", "Otter", "Pennel", "Quarry", "Rush", "Sedge", "Thorn",
          "Umber", "Vell", "Wren", "Yarrow", "Alder", "Bramble", "Corrie", "Dapple", "Fern", "Gannet")
_ENDINGS = ("shire", "moor", "vale", "wold", "mere", "dale")
_PREFIXES = ("", "North ", "South ", "East ", "West ")
_FORMS = ("{} County Council", "{} Council", "{} Borough Council", "{} City Council",
          "{} Metropolitan Borough Council", "Royal Borough of {}")
MAX_COUNCILS = 1 + len(_STEMS) * len(_ENDINGS) * len(_PREFIXES)


def council_names(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """``count`` distinct fictional (name, slug) pairs, Anyshire first."""
    if count > MAX_COUNCILS:
        raise ValueError(f"at most {MAX_COUNCILS} fictional councils can be named")
    places = [stem + ending for stem in _STEMS for ending in _ENDINGS]
    rng.shuffle(places)
    names = [("Anyshire County Council", "anyshire")]
    for place in [prefix + place for prefix in _PREFIXES for place in places][:count - 1]:
        form = _FORMS[0] if place.endswith("shire") else _FORMS[int(rng.random() * len(_FORMS))]
        names.append((form.format(place), re.sub(r"[^a-z]+", "-", place.lower())))
    return names


def _draw_style(rng: random.Random) -> ExportStyle:
    """Each council's export differs a little, as real ones do."""
    formats = Mix({"uk": 60, "iso": 20, "mon": 10, "uk_time": 10})
    return ExportStyle(
        mosaic_headers=rng.random() < 0.5, type_labels=rng.random() < 0.6,
        der_code_years=int(rng.random() * 6), blank_mainstream=rng.random() < 0.5,
        dates=tuple((name, formats.draw(rng)) for name in DEFAULT_DATES),
        capitalised=frozenset(name for name in DEFAULT_DATES if rng.random() < 0.1))


def draw_council(rng: random.Random, name: str, slug: str, base: int) -> Council:
    """A council of its own size and habits around ``base`` households, for a national sample."""
    size = max(25, round(base * min(3.2, max(0.3, math.exp(rng.gauss(0, 0.5))))))
    return Council(
        name, slug, size, rng.uniform(0.18, 0.42), rng.uniform(0.08, 0.17), rng.uniform(0.22, 0.55),
        tuple(min(0.98, p * rng.uniform(0.85, 1.15)) for p in ANYSHIRE.funnel),
        rng.uniform(1.9, 3.2), rng.uniform(0.58, 0.74), rng.uniform(0.07, 0.22), rng.uniform(0.65, 0.95),
        between(rng, 30, 40), 0 if rng.random() < 0.3 else min(5, 1 + size // 90), _draw_style(rng))


def resized(council: Council, households: int) -> Council:
    """The same council at another size, with Mockingbird scaled to match."""
    scaled = round(council.constellations * households / council.households)
    return replace(council, households=households, constellations=min(5, max(1, scaled)))
