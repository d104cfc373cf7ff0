"""Looked-after children and their placements, in-house and with other providers."""

from __future__ import annotations

import heapq
import itertools
import random

from fosterreport.codes import HouseholdType as Kind, Provider
from fosterreport.sample.chance import Mix, between
from fosterreport.sample.councils import Council
from fosterreport.sample.recruitment import TENURES, Household
from fosterreport.sample.window import Window

OTHER_PROVIDERS = Mix({Provider.RESIDENTIAL: 40, Provider.PARENTS: 22, Provider.OTHER_LA: 8, Provider.OTHER: 30})
#: Chance a free bed suits the child offered it, by the bed's rank in its household (times
#: the council's match rate): second and third beds are harder to match because of the
#: children already placed.
ACCEPT_BY_RANK = (0.95, 0.7, 0.45)
BEDS_PER_TRY = 20          # the more free beds, the more are considered for each child
MEAN_CARE_YEARS = 3.35     # mean of care_days, to size the flow of children into care
WARM_UP_DAYS = 5 * 365     # simulate care before the window so its start is not empty

#: A placement row: (child, provider, household or None, start, end or None, respite).
Placement = tuple[int, Provider, "Household | None", int, "int | None", bool]


def placement_days(rng: random.Random) -> int:
    """How long a placement lasts: many short, some for years (long-term matches)."""
    u = rng.random()
    if u < 0.40:
        return 7 + int(rng.expovariate(1 / 110))
    return between(rng, 120, 820) if u < 0.78 else between(rng, 700, 2900)


def care_days(rng: random.Random) -> int:
    """How long a child stays looked after (mean MEAN_CARE_YEARS)."""
    u = rng.random()
    if u < 0.30:
        return between(rng, 20, 360)
    return between(rng, 365, 1095) if u < 0.65 else between(rng, 1100, 4100)


class CareSystem:
    """Looked-after children over time: each placement in a free in-house bed, or elsewhere.

    A discrete-event simulation: children arrive, are placed, move when a placement ends
    (or their carer deregisters) and leave care. In-house beds are slots ``index*4+rank``
    of mainstream-type households, so no household ever has more children than places, a
    child is never in two main placements at once, and a placement never outlives its
    household's approval. Kinship and early-permanence carers take only their own child.
    """

    def __init__(self, rng: random.Random, council: Council, households: list[Household], window: Window):
        self.rng, self.council, self.window = rng, council, window
        self.households = households
        self.pool = [h for h in households if TENURES[h.kind].recruited]
        self.free: list[int] = []
        self.events: list[tuple] = []   # (day, 0 bed opens | 1 placement ends | 2 child arrives, order, payload)
        self.order = itertools.count()
        self.exits: list[int] = []
        self.rows: list[Placement] = []

    def new_child(self, exit_day: int) -> int:
        self.exits.append(exit_day)
        return len(self.exits) - 1

    def run(self) -> list[Placement]:
        """All placements open at some time in the window."""
        self._kin()
        start = self.window.start - WARM_UP_DAYS
        for index, household in enumerate(self.pool):
            heapq.heappush(self.events, (max(household.approval, start), 0, next(self.order), index))
        kin = self.council.households * self.council.connected_share * 1.15
        children = self.council.households * self.council.children_per_household
        per_year = max(5.0, children - kin) / MEAN_CARE_YEARS
        day = float(start)
        while (day := day + self.rng.expovariate(per_year / 365.25)) <= self.window.end:
            heapq.heappush(self.events, (int(day), 2, next(self.order), None))
        while self.events:
            day, kind, _, payload = heapq.heappop(self.events)
            if kind == 0:
                self.free.extend(payload * 4 + rank for rank in range(self.pool[payload].places))
            elif kind == 1:
                child, slot = payload
                if slot >= 0 and self.pool[slot >> 2].active(day):
                    self.free.append(slot)
                self._place(child, day)
            else:
                self._place(self.new_child(day + care_days(self.rng)), day)
        self._respite()
        return [row for row in self.rows if row[4] is None or row[4] > self.window.start]

    def _kin(self) -> None:
        """Kinship and early-permanence carers are approved for particular children."""
        rng, after_end = self.rng, self.window.end + 1
        for h in self.households:
            if h.kind is Kind.CONNECTED:
                for _ in range(h.places):   # approved for these children: as many places as children
                    child = self.new_child(h.dereg or after_end)
                    if rng.random() < 0.2:   # moved to family from an earlier placement
                        before = OTHER_PROVIDERS.draw(rng) if rng.random() < 0.4 else Provider.IFA
                        self.rows.append((child, before, None, h.approval - between(rng, 30, 400), h.approval, False))
                    self.rows.append((child, Provider.IN_HOUSE, h, h.approval, h.dereg, False))
            elif h.kind is Kind.FFA:
                start = h.approval + between(rng, 0, 21)
                if (h.dereg is not None and start >= h.dereg) or start > self.window.end:
                    start = h.approval
                self.rows.append((self.new_child(h.dereg or after_end), Provider.IN_HOUSE, h, start, h.dereg, False))

    def _free_bed(self, day: int) -> int:
        """A free in-house bed the child is matched to, or -1 (then an agency is used)."""
        rng, free = self.rng, self.free
        for _ in range(min(12, 1 + len(free) // BEDS_PER_TRY)):
            if not free:
                return -1
            index = int(rng.random() * len(free))
            slot = free[index]
            household = self.pool[slot >> 2]
            if household.dereg is not None and day >= household.dereg - 60:   # leaving: not matched
                if day >= household.dereg:
                    free[index] = free[-1]
                    free.pop()
                continue
            if household.on_hold(day) or rng.random() >= ACCEPT_BY_RANK[slot & 3] * self.council.match_rate:
                continue
            free[index] = free[-1]
            free.pop()
            return slot
        return -1

    def _place(self, child: int, day: int) -> None:
        """The child's next placement from ``day``, unless they have left care."""
        rng = self.rng
        if day >= self.exits[child]:
            return
        end, slot, household = min(day + placement_days(rng), self.exits[child]), -1, None
        if rng.random() < self.council.fostered_share:
            slot = self._free_bed(day)   # in-house first, an agency when no bed suits
            if slot >= 0:
                household, provider = self.pool[slot >> 2], Provider.IN_HOUSE
                if household.dereg is not None:
                    end = min(end, household.dereg)
            else:
                provider = Provider.IFA
        else:
            provider = OTHER_PROVIDERS.draw(rng)
        ongoing = end > self.window.end
        self.rows.append((child, provider, household, day, None if ongoing else end, False))
        if not ongoing:
            heapq.heappush(self.events, (end, 1, next(self.order), (child, slot)))

    def _respite(self) -> None:
        """Short breaks with another in-house household, alongside some main placements."""
        rng, last = self.rng, self.window.end
        for child, provider, household, start, end, _ in list(self.rows) if self.pool else ():
            stop = end if end is not None else last + 1
            base = max(start, self.window.start)
            if provider is not Provider.IN_HOUSE or stop - 10 - base < 80 or rng.random() >= 0.06:
                continue
            begin = base + int(rng.random() * (stop - 10 - base))
            finish = min(begin + between(rng, 2, 8), stop, last)
            for _ in range(6):
                carer = self.pool[int(rng.random() * len(self.pool))]
                if carer is not household and finish > begin and carer.active(begin) \
                        and carer.active(finish - 1) and not carer.on_hold(begin):
                    self.rows.append((child, Provider.IN_HOUSE, carer, begin, finish, True))
                    break
