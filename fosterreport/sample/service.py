"""One council's fostering service, simulated through the window."""

from __future__ import annotations

import random
from dataclasses import dataclass

from fosterreport.sample import activity
from fosterreport.sample.care import CareSystem
from fosterreport.sample.councils import Council
from fosterreport.sample.recruitment import FUNNEL_LEAD, Sittings, enquiry_funnel, register
from fosterreport.sample.window import Window


@dataclass
class Service:
    """Everything simulated for one council, each list sorted as it will be written."""

    council: Council
    window: Window
    households: list
    enquiries: list
    placements: list
    holds: list
    reviews: list
    visits: list
    panel: list
    complaints: list
    allegations: list
    training: list
    mockingbird: list
    budget: list


def simulate(rng: random.Random, council: Council, window: Window) -> Service:
    """Run one council's service through the window (and the warm-up before it).

    The order matters: approvals come out of the funnel, holds (some from allegations)
    must exist before children are matched to beds, and panel business follows from
    everything else.
    """
    sittings = Sittings(rng, window.start - FUNNEL_LEAD, window.end)
    enquiries = enquiry_funnel(rng, council, window, sittings)
    households = register(rng, council, window, enquiries)
    enquiries = [e for e in enquiries if e.day >= window.start]
    for number, enquiry in enumerate(enquiries, start=1):
        enquiry.eid = f"ENQ{number:05d}"
    allegations = activity.allegations(rng, council, households, window)
    activity.holds(rng, households, window)
    placements = CareSystem(rng, council, households, window).run()
    reviews = activity.reviews(rng, council, households, window)
    return Service(
        council, window, households, enquiries, placements,
        holds=sorted(((h, *hold) for h in households for hold in h.holds), key=lambda r: (r[1], r[0].hid)),
        reviews=sorted(reviews, key=lambda r: (r[1], r[0].hid)),
        visits=activity.visits(rng, council, households, window),
        panel=activity.panel(rng, sittings, enquiries, households, reviews, placements, allegations, window),
        complaints=activity.complaints(rng, council, window),
        allegations=allegations,
        training=activity.training(rng, council, households, enquiries, window),
        mockingbird=activity.mockingbird(rng, council, households, window),
        budget=activity.budget(rng, council, households, placements, window))
