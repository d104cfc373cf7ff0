"""The service's other records: oversight of carers, panel business, complaints, money.

Each function draws one extract's rows for the households (and placements) already
simulated, so every row refers to a household that was approved at the time.
"""

from __future__ import annotations

import random
from bisect import bisect_left
from datetime import date

from fosterreport.codes import (
    AllegationCategory, AllegationOutcome, AllegationSource, Complainant, ComplaintOutcome,
    DeregistrationReason as Reason, HoldReason, HouseholdType as Kind, PanelItem, PanelOutcome, TrainingMode,
)
from fosterreport.sample.care import Placement
from fosterreport.sample.chance import Mix, between, poisson, yearly
from fosterreport.sample.councils import Council
from fosterreport.sample.recruitment import TENURES, ActiveHouseholds, Enquiry, Household, Sittings
from fosterreport.sample.window import Window, anniversary

HOLD_REASONS = Mix({HoldReason.HEALTH: 25, HoldReason.PERSONAL: 30, HoldReason.MATCHING: 10,
                    HoldReason.BREAK: 25, HoldReason.SERVICE: 4, HoldReason.OTHER: 6})
COURSES = ("Paediatric First Aid", "Safeguarding Children Level 1", "Understanding Child Development",
           "Therapeutic Parenting", "Keeping Good Records", "Online Safety", "Managing Allegations",
           "Equality and Diversity", "Medication Awareness", "Trauma and Attachment", "Supporting Education",
           "Life Story Work", "Delegated Authority", "Understanding Behaviour", "Skills to Foster")
CONSTELLATIONS = ("Phoenix", "Lyra", "Cygnus", "Aquila", "Andromeda", "Cassiopeia", "Perseus", "Vega")


def allegations(rng: random.Random, council: Council, households: list[Household], window: Window) -> list:
    """LADO referrals about carers, mostly no further action, some with the carer put on hold."""
    carers = ActiveHouseholds(households, (Kind.MAINSTREAM, Kind.SPECIALIST, Kind.CONNECTED, Kind.SUPPORTED_LODGINGS))
    sources = Mix({AllegationSource.CHILD: 60, AllegationSource.PARENT: 12, AllegationSource.PROFESSIONAL: 20,
                   AllegationSource.OTHER: 8})
    categories = Mix({AllegationCategory.PHYSICAL: 32, AllegationCategory.SEXUAL: 7,
                      AllegationCategory.NEGLECT: 28, AllegationCategory.EMOTIONAL: 33})
    outcomes = Mix({AllegationOutcome.NFA: 85, AllegationOutcome.UNSUBSTANTIATED: 6,
                    AllegationOutcome.UNFOUNDED: 4, AllegationOutcome.SUBSTANTIATED: 3,
                    AllegationOutcome.FALSE: 1, AllegationOutcome.MALICIOUS: 1})
    rows = []
    starts = window.year_starts() + [window.end + 1]
    days = [day for start, stop in zip(starts, starts[1:])
            for day in sorted(between(rng, start, stop) for _ in range(yearly(rng, council.households * 0.085)))]
    for day in days:
        household = carers.pick(rng, day)
        if household is None:
            continue
        outcome = outcomes.draw(rng)
        if day + 30 + int(rng.expovariate(1 / 40)) > window.end:
            outcome = AllegationOutcome.ONGOING
        substantiated = outcome is AllegationOutcome.SUBSTANTIATED
        to_panel = substantiated or rng.random() < 0.04
        rows.append((f"LADO{len(rows) + 1:05d}", day, household, sources.draw(rng), categories.draw(rng), outcome,
                     to_panel, substantiated and rng.random() < 0.5))
        if rng.random() < 0.3:   # placed on hold by the service while it is looked into
            household.holds.append((day, day + between(rng, 20, 90), HoldReason.SERVICE))
    return rows


def holds(rng: random.Random, households: list[Household], window: Window) -> None:
    """Periods on hold inside each household's approval, never overlapping one another."""
    for h in households:
        first = max(h.approval, window.start)
        last = window.end if h.dereg is None else h.dereg - 1
        if last - first < 60:
            h.holds = []
            continue
        chance = 0.03 if h.kind is Kind.CONNECTED else 0.2
        for _ in range(poisson(rng, chance * (last - first) / 365.25)):
            start = between(rng, first, last)
            h.holds.append((start, start + 14 + int(rng.expovariate(1 / 110)), HOLD_REASONS.draw(rng)))
        kept, previous_end = [], 0
        for start, end, reason in sorted(h.holds, key=lambda hold: hold[0]):
            if start < previous_end or start < first or start > last:
                continue
            if h.dereg is not None:
                end = min(end, h.dereg)
            kept.append((start, None if end > window.end else end, reason))
            previous_end = end
        h.holds = kept


def reviews(rng: random.Random, council: Council, households: list[Household], window: Window) -> list:
    """Yearly reviews of approval from the first anniversary, most completed by their due date."""
    rows = []
    for h in households:
        last = window.end if h.dereg is None else min(window.end, h.dereg - 1)
        number = max(1, date.fromordinal(window.start).year - date.fromordinal(h.approval).year - 1)
        while (due := anniversary(h.approval, number)) <= last:
            if due >= window.start:
                if rng.random() < council.review_on_time:
                    done = max(due - int(rng.random() * 42), h.approval + 300)
                else:   # late, but done: a review is not skipped
                    done = due + between(rng, 1, 100)
                if done > window.end or (h.dereg is not None and done >= h.dereg):
                    done = None
                rows.append((h, due, done, number == 1 or rng.random() < 0.08, number))
            number += 1
    return rows


def visits(rng: random.Random, council: Council, households: list[Household], window: Window) -> list:
    """Supervision every four to six weeks (the odd one late), one unannounced visit most years."""
    rows, gap, year_starts = [], council.supervision_gap, window.year_starts() + [window.end + 1]
    for h in households:
        first = max(h.approval, window.start)
        stop = window.end + 1 if h.dereg is None else min(window.end + 1, h.dereg)
        day = first + int(rng.random() * (14 if h.approval >= window.start else gap))
        while day < stop:
            rows.append((day, h, "SUPERVISION"))
            day += gap - 7 + int(rng.random() * 14)
            if rng.random() < 0.015:
                day += between(rng, 10, 40)
        for year_start, next_start in zip(year_starts, year_starts[1:]):
            low, high = max(first, year_start), min(stop, next_start)
            if high - low > 90 and rng.random() < 0.88:
                rows.append((between(rng, low, high), h, "UNANNOUNCED"))
    active = [h for h in households if h.approval <= window.end and (h.dereg is None or h.dereg > window.end)]
    if active and not any(day == window.end for day, _, _ in rows):
        # The extracts are taken after the last day, and something was recorded on it: a
        # small sample's data must reach the end of its window, or no report could end there.
        rows.append((window.end, active[0], "SUPERVISION"))
    return sorted(rows, key=lambda visit: (visit[0], visit[1].hid, visit[2]))


def panel(rng: random.Random, sittings: Sittings, enquiries: list[Enquiry], households: list[Household],
          review_rows: list, placements: list[Placement], allegation_rows: list, window: Window) -> list:
    """Panel business: assessments, reviews, matches, allegations and resignations."""
    items: list[tuple] = []

    def hear(day: int, item: PanelItem, outcome: PanelOutcome, household: Household | None) -> None:
        for sitting, quorate in sittings.hear(day):
            if sitting >= window.start:
                items.append((sitting, item, outcome if quorate else PanelOutcome.DEFERRED, household, quorate))

    for e in enquiries:
        if len(e.stages) >= 4 and e.stages[3] >= window.start:
            item = PanelItem.OTHER if e.sought is Kind.SUPPORTED_LODGINGS else PanelItem.FORM_F
            outcome = PanelOutcome.NOT_RECOMMENDED if e.closed else PanelOutcome.RECOMMENDED
            if not e.closed and rng.random() < 0.06:   # deferred once for more information
                earlier = sittings.quorate_days[max(0, bisect_left(sittings.quorate_days, e.stages[3]) - 1)]
                if e.stages[2] <= earlier < e.stages[3] and earlier >= window.start:
                    items.append((earlier, item, PanelOutcome.DEFERRED, None, True))
            items.append((e.stages[3], item, outcome, e.household, True))
    for h in households:
        _household_business(rng, h, sittings, window, hear, items)
    for h, _due, done, to_panel, number in review_rows:
        if to_panel and done is not None:
            hear(done + between(rng, 7, 30), PanelItem.FIRST_REVIEW if number == 1 else PanelItem.ANNUAL_REVIEW,
                 PanelOutcome.RECOMMENDED, h)
    for _, _provider, h, start, end, respite in placements:
        if h is None or respite or h.kind is not Kind.MAINSTREAM:
            continue
        lasting = end - start > 700 if end is not None else window.end - start > 200 and rng.random() < 0.6
        if lasting and rng.random() < 0.5:   # a long stay is usually matched as permanent
            hear(start + between(rng, 180, 360), PanelItem.PERMANENT_MATCH, PanelOutcome.RECOMMENDED, h)
    for _, day, h, *_rest, to_panel, _dbs in allegation_rows:
        if to_panel:
            hear(day + between(rng, 40, 120), PanelItem.STANDARDS_OF_CARE, PanelOutcome.NOTED, h)
    order = list(PanelItem)
    return sorted((i for i in items if i[0] <= window.end),
                  key=lambda i: (i[0], order.index(i[1]), i[3].hid if i[3] else "", i[2]))


def _household_business(rng: random.Random, h: Household, sittings: Sittings, window: Window, hear, items) -> None:
    """Kinship assessments, changes of approval, resignations and terminations."""
    stop = window.end + 1 if h.dereg is None else h.dereg
    if h.kind is Kind.CONNECTED and h.joined_in_window:
        due = h.approval + between(rng, 84, 112)   # full assessment after Reg 24 temporary approval
        if h.temporary and rng.random() < 0.25 and due < stop:
            hear(due, PanelItem.REG24_EXTENSION, PanelOutcome.RECOMMENDED, h)
            due += between(rng, 42, 56)
        if due < stop:
            hear(due, PanelItem.FORM_C, PanelOutcome.RECOMMENDED, h)
    if h.kind is Kind.MAINSTREAM:
        for _ in range(poisson(rng, 0.04 * (stop - max(h.approval, window.start)) / 365.25)):
            hear(between(rng, max(h.approval, window.start), stop), PanelItem.CHANGE_OF_APPROVAL,
                 PanelOutcome.RECOMMENDED, h)
    if h.dereg is not None and h.dereg >= window.start and h.reason is Reason.RESIGNED:
        hear(h.dereg, PanelItem.RESIGNATION, PanelOutcome.NOTED, h)
    if h.dereg is not None and h.reason is Reason.TERMINATED:
        index = bisect_left(sittings.quorate_days, h.dereg - 14) - 1
        if index >= 0 and sittings.quorate_days[index] >= max(window.start, h.approval):
            items.append((sittings.quorate_days[index], PanelItem.TERMINATION, PanelOutcome.RECOMMENDED, h, True))


def complaints(rng: random.Random, council: Council, window: Window) -> list:
    """Complaints about the service, numbered within each year; the latest still open."""
    complainants = Mix({Complainant.FOSTER_CARER: 45, Complainant.CHILD: 12, Complainant.PARENT: 20,
                        Complainant.PROFESSIONAL: 8, Complainant.SOCIAL_WORKER: 5, Complainant.OTHER: 10})
    outcomes = Mix({ComplaintOutcome.UPHELD: 20, ComplaintOutcome.PARTLY_UPHELD: 20,
                    ComplaintOutcome.NOT_UPHELD: 40, ComplaintOutcome.RESOLVED_INFORMALLY: 15,
                    ComplaintOutcome.WITHDRAWN: 5})
    rows = []
    for year, start in enumerate(window.year_starts(), start=window.first_year):
        days = sorted(between(rng, start, anniversary(start, 1))
                      for _ in range(yearly(rng, council.households * 0.045)))
        for number, day in enumerate(days, start=1):
            closed = day + 10 + int(rng.expovariate(1 / 30))
            done = closed <= window.end
            rows.append((f"CMP{year}{number:03d}", day, complainants.draw(rng),
                         outcomes.draw(rng) if done else None, closed if done else None))
    return rows


def training(rng: random.Random, council: Council, households: list[Household],
             enquiries: list[Enquiry], window: Window) -> list:
    """Learning sessions with the carers who attended; Skills to Foster is for applicants."""
    carers = ActiveHouseholds(households, tuple(TENURES))
    applications = sorted((e.stages[1], e.eid) for e in enquiries if len(e.stages) >= 2 and e.eid)
    modes = Mix({TrainingMode.ONLINE: 50, TrainingMode.FACE_TO_FACE: 30, TrainingMode.ELEARNING: 20})
    starts = window.year_starts() + [window.end + 1]
    sessions = [day for start, stop in zip(starts, starts[1:])
                for day in sorted(between(rng, start, stop) for _ in range(yearly(rng, council.households * 0.8)))]
    rows = []
    for number, day in enumerate(sessions, start=1):
        day = max(window.start, day - max(0, (day - 1) % 7 - 4))   # weekdays only
        course, mode = COURSES[int(rng.random() * len(COURSES))], modes.draw(rng)
        attendees: dict[str, str] = {}
        if course == "Skills to Foster":
            low, high = bisect_left(applications, (day - 60, "")), bisect_left(applications, (day, ""))
            attendees = {f"APP-{eid}": "" for _, eid in applications[low:high]}
            mode = TrainingMode.FACE_TO_FACE
        if not attendees:
            course = COURSES[int(rng.random() * (len(COURSES) - 1))]
            for _ in range(1 + min(11, int(rng.expovariate(1.0)))):
                h = carers.pick(rng, day)
                if h is not None:
                    attendees[f"{h.hid}-{1 + (rng.random() < 0.4)}"] = h.hid
        for carer, hid in sorted(attendees.items()):
            rows.append((f"TS{number:05d}", day, course, mode, carer, hid))
    return rows


def mockingbird(rng: random.Random, council: Council, households: list[Household], window: Window) -> list:
    """Constellations launched in the last two years: one hub home each, 6-10 satellites."""
    if council.constellations == 0:
        return []
    launch = window.end - between(rng, 420, 600)
    hubs = [h for h in households if h.kind is Kind.MAINSTREAM and h.dereg is None and h.places >= 2
            and h.approval <= launch - 730]
    rng.shuffle(hubs)
    carers = ActiveHouseholds(households, (Kind.MAINSTREAM, Kind.SPECIALIST))
    kin = ActiveHouseholds(households, (Kind.CONNECTED,))   # a few kinship carers join too
    used: set[str] = set()
    rows = []
    for name in rng.sample(CONSTELLATIONS, min(council.constellations, len(CONSTELLATIONS), len(hubs))):
        hub = next((h for h in hubs if h.hid not in used), None)
        if hub is None:
            break
        used.add(hub.hid)
        rows.append((name, launch, hub, "HUB", None, None))   # the hub stays: one hub at any time
        for _ in range(between(rng, 6, 11)):
            joined = launch if rng.random() < 0.75 else between(rng, launch + 14, window.end - 13)
            for _try in range(20):
                h = (kin if rng.random() < 0.15 else carers).pick(rng, joined)
                if h is not None and h.hid not in used and (h.dereg is None or h.dereg > joined + 180):
                    break   # a carer about to leave does not join
            else:
                continue
            used.add(h.hid)
            left = h.dereg
            if left is None and rng.random() < 0.06 and joined + 60 <= window.end:
                left = between(rng, joined + 60, window.end + 1)
            rows.append((name, launch, h, "SATELLITE", None if joined == launch else joined, left))
        launch = min(window.end - 30, launch + between(rng, 100, 240))
    return rows


def budget(rng: random.Random, council: Council, households: list[Household],
           placements: list[Placement], window: Window) -> list:
    """Finance lines per year; fees follow the in-house child-days actually recorded."""
    rows, starts = [], window.year_starts() + [window.end + 1]
    for index, (start, stop) in enumerate(zip(starts, starts[1:])):
        child_days = sum(min(end or stop, stop) - max(begin, start)
                         for _, _provider, h, begin, end, respite in placements
                         if h is not None and not respite and begin < stop and (end is None or end > start))
        carers = sum(min(h.dereg or stop, stop) - max(h.approval, start)
                     for h in households if h.approval < stop and (h.dereg is None or h.dereg > start)) / 365.25
        weekly, inflation, size = 430 * 1.035 ** index, 1.03 ** index, council.households
        placed = child_days / 365.25
        funded = round(placed * rng.uniform(1.05, 1.25))
        lines = (
            ("Fees and allowances", round(funded * weekly * 52),
             placed * weekly * 52.18 * rng.uniform(0.98, 1.02), funded),
            ("Staffing", round(carers * 10500 * inflation, -3),
             carers * 10500 * inflation * rng.uniform(0.95, 1.08), None),
            ("Recruitment and marketing", round((60000 + 400 * size) * inflation, -3),
             (60000 + 400 * size) * inflation * rng.uniform(0.8, 1.15), None),
            ("Grant income", -round((20000 + 150 * size) * inflation, -3),
             -(20000 + 150 * size) * inflation * rng.uniform(0.9, 1.1), None),
        )
        year = window.first_year + index
        label = f"{year}-{(year + 1) % 100:02d}"
        for line, planned, outturn, funded_places in lines:
            if index == window.years - 1:   # the latest year also has its mid-year forecast
                struck = date(year, 9, 30).toordinal()
                rows.append((label, line, planned, outturn * rng.uniform(0.96, 1.06), True, struck, funded_places))
            rows.append((label, line, planned, outturn, False, None, funded_places))
    return rows
