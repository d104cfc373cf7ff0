"""Recruitment: enquiries through the assessment funnel, and the register of households.

Mainstream-type approvals come out of the enquiry funnel, so each approved enquiry
names a household approved that very day. Kinship (connected persons) and early
permanence carers are assessed from children's cases, so they are approved without an
enquiry, as in real data. The households approved before the window are then sized so
the register ends at the council's target with households leaving at realistic rates.
"""

from __future__ import annotations

import itertools
import math
import random
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date

from fosterreport.codes import (
    ClosedReason, DeregistrationReason as Reason, EnquirySource, EthnicityGroup, HouseholdType as Kind,
)
from fosterreport.sample.chance import Mix, between, yearly
from fosterreport.sample.councils import Council
from fosterreport.sample.window import Window


@dataclass(frozen=True)
class Tenure:
    """How households of one type join and leave the register (national-ish figures)."""

    share: float                 # of active households at the year end (mainstream: the rest)
    leaving: float               # yearly hazard of deregistering
    places: tuple[float, ...]    # chance of 1, 2, 3 approved places
    reasons: Mix
    recruited: bool              # through public enquiries; otherwise assessed from children's cases
    long_serving: bool           # careers of many years, so many were approved before the window


TENURES: dict[Kind, Tenure] = {
    Kind.MAINSTREAM: Tenure(0.0, 0.12, (0.2, 0.4, 0.4), Mix({
        Reason.RESIGNED: 78, Reason.TERMINATED: 7, Reason.TRANSFERRED_IFA: 5, Reason.TRANSFERRED_LA: 3,
        Reason.ADOPTED: 3, Reason.SGO: 3, Reason.OTHER: 1}), True, True),
    Kind.CONNECTED: Tenure(0.30, 0.85, (0.82, 0.15, 0.03), Mix({
        Reason.CHILD_MOVED_ON: 68, Reason.SGO: 27, Reason.RESIGNED: 3, Reason.TERMINATED: 2}), False, False),
    Kind.FFA: Tenure(0.01, 1.1, (1.0,), Mix({Reason.ADOPTED: 90, Reason.RESIGNED: 5, Reason.OTHER: 5}),
                     False, False),
    Kind.SPECIALIST: Tenure(0.02, 0.10, (0.7, 0.3), Mix({
        Reason.RESIGNED: 80, Reason.TERMINATED: 10, Reason.TRANSFERRED_IFA: 10}), True, True),
    Kind.SUPPORTED_LODGINGS: Tenure(0.02, 0.15, (0.6, 0.4), Mix({
        Reason.RESIGNED: 85, Reason.TERMINATED: 5, Reason.OTHER: 10}), True, True),
}
SOUGHT = Mix({Kind.MAINSTREAM: 92, Kind.SPECIALIST: 3, Kind.SUPPORTED_LODGINGS: 5})
SOURCES = Mix({EnquirySource.WEBSITE: 38, EnquirySource.PHONE: 14, EnquirySource.EVENT: 10,
               EnquirySource.SOCIAL_MEDIA: 16, EnquirySource.WORD_OF_MOUTH: 14,
               EnquirySource.REGIONAL_HUB: 5, EnquirySource.OTHER: 3})
ETHNICITIES = Mix({EthnicityGroup.WHITE: 88, EthnicityGroup.MIXED: 3, EthnicityGroup.ASIAN: 2,
                   EthnicityGroup.BLACK: 2, EthnicityGroup.OTHER: 1, EthnicityGroup.UNKNOWN: 4})
#: Days from one funnel stage to the next: initial visit, application, stage 2, panel, approval.
STAGE_GAPS = ((7, 45), (14, 120), (20, 60), (90, 180), (7, 21))
#: Why enquiries end, by how many stages they had reached.
CLOSED_AT = (
    Mix({ClosedReason.NOT_ELIGIBLE: 35, ClosedReason.NO_RESPONSE: 40, ClosedReason.WENT_ELSEWHERE: 15,
         ClosedReason.WITHDREW_OTHER: 10}),
    Mix({ClosedReason.WITHDREW_EXPECTATIONS: 30, ClosedReason.WITHDREW_CIRCUMSTANCES: 25,
         ClosedReason.WENT_ELSEWHERE: 15, ClosedReason.NOT_ELIGIBLE: 15, ClosedReason.WITHDREW_FINANCIAL: 10,
         ClosedReason.OTHER: 5}),
    Mix({ClosedReason.WITHDREW_PROCESS: 30, ClosedReason.WITHDREW_CIRCUMSTANCES: 30,
         ClosedReason.NOT_APPROVED: 20, ClosedReason.WITHDREW_ALLEGATIONS_RISK: 5, ClosedReason.WITHDREW_OTHER: 15}),
    Mix({ClosedReason.NOT_APPROVED: 40, ClosedReason.WITHDREW_PROCESS: 25,
         ClosedReason.WITHDREW_CIRCUMSTANCES: 25, ClosedReason.WITHDREW_OTHER: 10}),
    Mix({ClosedReason.NOT_APPROVED: 1}),
)
#: Enquiries made this many days before the window feed its first approvals (not written).
FUNNEL_LEAD = 540


@dataclass(slots=True, eq=False)
class Household:
    kind: Kind
    approval: int
    places: int
    dereg: int | None = None
    reason: Reason | None = None
    temporary: bool = False
    ethnicity: EthnicityGroup = EthnicityGroup.WHITE
    joined_in_window: bool = False
    holds: list = field(default_factory=list)   # (start, end or None, HoldReason)
    hid: str = ""

    def active(self, day: int) -> bool:
        return self.approval <= day and (self.dereg is None or day < self.dereg)

    def on_hold(self, day: int) -> bool:
        return any(start <= day and (end is None or day < end) for start, end, _ in self.holds)


@dataclass(slots=True, eq=False)
class Enquiry:
    day: int
    source: EnquirySource | None
    sought: Kind
    stages: list[int]            # the dates of the stages reached, in STAGE_GAPS order
    closed: int | None = None
    reason: ClosedReason | None = None
    household: Household | None = None
    eid: str = ""


class Sittings:
    """Fostering panel: the 2nd and 4th Tuesday of each month, the odd one not quorate."""

    def __init__(self, rng: random.Random, first: int, end: int):
        self.days, self.quorate = [], []
        year, month = date.fromordinal(first).year, date.fromordinal(first).month
        while date(year, month, 1).toordinal() <= end:
            first_tuesday = 1 + (1 - date(year, month, 1).weekday()) % 7
            for day in (first_tuesday + 7, first_tuesday + 21):
                ordinal = date(year, month, day).toordinal()
                if first <= ordinal <= end:
                    self.days.append(ordinal)
                    self.quorate.append(rng.random() >= 0.03)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        self.quorate_days = [d for d, q in zip(self.days, self.quorate) if q]

    def next_quorate(self, day: int) -> int | None:
        index = bisect_left(self.quorate_days, day)
        return self.quorate_days[index] if index < len(self.quorate_days) else None

    def hear(self, day: int) -> list[tuple[int, bool]]:
        """The sittings an item due on ``day`` is heard at: deferred past any inquorate one."""
        heard = []
        for index in range(bisect_left(self.days, day), len(self.days)):
            heard.append((self.days[index], self.quorate[index]))
            if self.quorate[index]:
                return heard
        return []


def enquiry_funnel(rng: random.Random, council: Council, window: Window, sittings: Sittings) -> list[Enquiry]:
    """Enquiries through the funnel, from FUNNEL_LEAD days before the window to its end."""
    found = []
    per_year = council.households * council.enquiry_rate
    for offset in range(-2, window.years):
        start = date(window.first_year + offset, 4, 1).toordinal()
        length = date(window.first_year + offset + 1, 4, 1).toordinal() - start
        for _ in range(yearly(rng, per_year)):
            day = start + int(rng.random() * length)
            if window.start - FUNNEL_LEAD <= day <= window.end:
                found.append(day)
    enquiries = []
    for day in sorted(found):
        source = None if rng.random() < 0.04 else SOURCES.draw(rng)
        enquiry = Enquiry(day, source, SOUGHT.draw(rng), [])
        _run_funnel(rng, council, enquiry, window.end, sittings)
        enquiries.append(enquiry)
    return enquiries


def _run_funnel(rng: random.Random, council: Council, enquiry: Enquiry, end: int, sittings: Sittings) -> None:
    """Walk one enquiry through the stages; it stops, is closed, or is still open at the end."""
    day = enquiry.day
    for stage, (low, high) in enumerate(STAGE_GAPS):
        if rng.random() >= council.funnel[stage]:
            closed = day + between(rng, 7, 21 if stage == 4 else 90)
            if closed <= end:
                enquiry.closed, enquiry.reason = closed, CLOSED_AT[stage].draw(rng)
            return
        day += between(rng, low, high)
        if stage == 3:
            day = sittings.next_quorate(day) or end + 1
        if day > end:
            return
        enquiry.stages.append(day)
    enquiry.household = Household(enquiry.sought, day, 1)


def _new_household(rng: random.Random, kind: Kind, approval: int) -> Household:
    tenure = TENURES[kind]
    places = 1 + bisect_right(list(itertools.accumulate(tenure.places)), rng.random() * sum(tenure.places))
    temporary = kind is Kind.CONNECTED and rng.random() < 0.7
    return Household(kind, approval, min(places, len(tenure.places)), temporary=temporary,
                     ethnicity=ETHNICITIES.draw(rng))


def register(rng: random.Random, council: Council, window: Window, enquiries: list[Enquiry]) -> list[Household]:
    """Every household approved that matters to the window, sized to end at the target.

    Joiners come from the funnel (or, for kinship and early permanence, directly); the
    stock approved before the window is then sized so that the active households at the
    end of the last year match the council's target, with the leavers among that stock
    deregistering through the window at the type's rate. Ids follow approval order.
    """
    households = []
    for kind, tenure in TENURES.items():
        share = 1 - council.connected_share - 0.05 if kind is Kind.MAINSTREAM else (
            council.connected_share if kind is Kind.CONNECTED else tenure.share)
        leaving = council.mainstream_leaving if kind is Kind.MAINSTREAM else tenure.leaving
        target = round(council.households * share)
        joiners, rate = _joiners(rng, kind, target, leaving, window, enquiries)
        strata = list(range(len(joiners)))
        rng.shuffle(strata)   # stratified draws: how many are still approved varies less
        for joiner, stratum in zip(joiners, strata):
            stay = -math.log(1 - (stratum + rng.random()) / len(joiners)) / leaving
            joiner.dereg = joiner.approval + 14 + int(stay * 365.25)
            if joiner.dereg > window.end:
                joiner.dereg = None
        needed = max(0, target - sum(1 for j in joiners if j.dereg is None))
        joiners += _stock(rng, kind, needed, rate, leaving, window)
        for joiner in joiners:
            joiner.joined_in_window = joiner.approval >= window.start
            if joiner.dereg is not None:
                joiner.reason = tenure.reasons.draw(rng)
        households.extend(joiners)
    kinds = list(TENURES)
    households.sort(key=lambda h: (h.approval, kinds.index(h.kind), h.places))
    number = 4000 + int(rng.random() * 3000)
    for household in households:
        number += 1 + int(rng.random() * 23)
        household.hid = f"{number:06d}"   # leading zeros, as Mosaic person ids often have
    return households


def _joiners(rng: random.Random, kind: Kind, target: int, leaving: float, window: Window,
             enquiries: list[Enquiry]) -> tuple[list[Household], float]:
    """Households of ``kind`` approved from the funnel or directly, and their yearly rate."""
    if TENURES[kind].recruited:
        joiners = [e.household for e in enquiries if e.household and e.sought is kind]
        for joiner in joiners:
            drawn = _new_household(rng, kind, joiner.approval)
            joiner.places, joiner.ethnicity = drawn.places, drawn.ethnicity
        return joiners, len(joiners) / window.years
    rate = target * leaving / (1 - math.exp(-leaving * window.years))
    joiners, day = [], float(window.start)
    while rate > 0 and (day := day + rng.expovariate(rate / 365.25)) <= window.end:
        joiners.append(_new_household(rng, kind, int(day)))
    return joiners, rate


def _stock(rng: random.Random, kind: Kind, needed: int, rate: float, leaving: float,
           window: Window) -> list[Household]:
    """Households approved before the window: ``needed`` still approved at the end, and leavers.

    Long-serving types are a survival cohort (so many leavers); short stays (kinship,
    early permanence) are the steady-state stock at the start, and any still needed at
    the end joined lately.
    """
    long_serving, years = TENURES[kind].long_serving, window.years
    leavers = round(needed * (math.exp(leaving * years) - 1) if long_serving else rate / leaving)
    stock = []
    for index in range(needed + leavers):   # leavers' dates are spread evenly over the hazard curve
        if long_serving:
            approval = window.start - 60 - min(int(rng.expovariate(1 / 5) * 365.25), 22 * 365)
        elif index < needed:
            approval = window.end - int(rng.random() * 365 / leaving)
        else:
            approval = window.start - 1 - int(rng.random() * 500)
        household = _new_household(rng, kind, approval)
        if index >= needed:
            quantile = (index - needed + rng.random()) / leavers
            spread = -math.log(1 - quantile * (1 - math.exp(-leaving * years))) / leaving
            household.dereg = min(window.end, window.start + 1 + int(spread * 365.25))
        stock.append(household)
    return stock


class ActiveHouseholds:
    """Draw a household active on a given day (rejection sampling: cheap, no index needed)."""

    def __init__(self, households: list[Household], kinds: tuple[Kind, ...]):
        self.pool = [h for h in households if h.kind in kinds]

    def pick(self, rng: random.Random, day: int) -> Household | None:
        for _ in range(60 if self.pool else 0):
            household = self.pool[int(rng.random() * len(self.pool))]
            if household.active(day):
                return household
        return None
