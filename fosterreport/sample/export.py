"""Writing a simulated service as a council's export: contract-valid, with realistic mess.

Column names and code lists come from :mod:`fosterreport.contract` and
:mod:`fosterreport.codes`; the mess (Mosaic headers, labels, DERn codes, date formats,
pound signs, a capitalised file name) uses only spellings the contract accepts.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Callable

from fosterreport.codes import HouseholdType as Kind
from fosterreport.contract import EXTRACTS, columns
from fosterreport.sample.service import Service

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
#: How households.csv names its columns in a Mosaic-style export (all are contract aliases).
MOSAIC_HEADERS = {"household_id": "CARER_ID", "household_type": "CARER_TYPE", "approval_date": "APPROVED_DATE",
                  "approved_places": "BEDS", "temporary_approval": "REG24", "deregistration_date": "DEREG_DATE",
                  "deregistration_reason": "DEREG_REASON", "ethnicity_group": "ETHNICITY"}
#: How a case-management system labels household types (all accepted spellings of the codes).
TYPE_LABELS = {Kind.MAINSTREAM: "Mainstream", Kind.CONNECTED: "Connected Persons", Kind.FFA: "Foster to Adopt",
               Kind.SPECIALIST: "Specialist", Kind.SUPPORTED_LODGINGS: "Supported Lodgings"}
YES_NO = {True: "Yes", False: "No"}

Day = Callable[["int | None"], str]


def date_writer(style: str) -> Day:
    """A cached day -> text function in one of the contract's date formats (locale-free)."""
    cache: dict[int, str] = {}

    def text(day: int | None) -> str:
        if day is None:
            return ""
        if day not in cache:
            d = date.fromordinal(day)
            uk = f"{d.day:02d}/{d.month:02d}/{d.year}"
            cache[day] = {"uk": uk, "iso": d.isoformat(), "uk_time": uk + " 00:00",
                          "mon": f"{d.day:02d}-{_MONTHS[d.month - 1]}-{d.year}"}[style]
        return cache[day]

    return text


def money(amount: float, pound: bool) -> str:
    """``£1,234,567.00`` (or without the sign); negatives in brackets as finance systems write them."""
    text = f"{abs(amount):,.2f}"
    return f"({text})" if amount < 0 else (f"£{text}" if pound else text)


def _text(value) -> str:
    return "" if value is None else str(value)


def _households(service: Service, day: Day, header: list[str]) -> tuple[list[str], list[list[str]]]:
    """Labels for types, old DERn codes for early deregistrations, Mosaic headers and names."""
    style, window = service.council.style, service.window
    cut = date(window.first_year + style.der_code_years, 4, 1).toordinal()

    def reason(h) -> str:
        if h.reason is None:
            return ""
        return h.reason.aliases[0] if h.dereg < cut and h.reason.aliases else h.reason.label

    rows = [[h.hid, TYPE_LABELS[h.kind] if style.type_labels else h.kind.value, day(h.approval), str(h.places),
             "Y" if h.temporary else "N", day(h.dereg), reason(h), h.ethnicity.value] for h in service.households]
    if style.mosaic_headers:
        header = [MOSAIC_HEADERS[name] for name in header]
        header.insert(1, "Carer Name")
        for number, row in enumerate(rows):
            row.insert(1, f"Carer {chr(65 + number % 26)}{number:03d}")   # obviously fictional
    return header, rows


def _enquiries(service: Service, day: Day) -> list[list[str]]:
    blank_mainstream = service.council.style.blank_mainstream
    return [[e.eid, day(e.day), _text(e.source),
             "" if blank_mainstream and e.sought is Kind.MAINSTREAM else e.sought.value,
             *(day(e.stages[i]) if i < len(e.stages) else "" for i in range(5)),
             e.household.hid if e.household and len(e.stages) == 5 else "",
             day(e.closed), _text(e.reason)] for e in service.enquiries]


def _placements(service: Service, day: Day) -> list[list[str]]:
    """Placements by start date, with child and placement references numbered in that order."""
    children: dict[int, str] = {}
    rows, number = [], 300000
    for child, provider, h, start, end, respite in sorted(service.placements, key=lambda p: (p[3], p[0], p[5])):
        if child not in children:
            children[child] = f"C{len(children) * 7 + 104729:07d}"
        number += 1 + (number * 7919) % 5
        rows.append([str(number), children[child], provider.value, h.hid if h else "", day(start), day(end),
                     "RESPITE" if respite else ""])
    return rows


def _mockingbird(service: Service, day: Day) -> list[list[str]]:
    order = sorted(service.mockingbird, key=lambda r: (r[1], r[0], r[3] != "HUB", r[2].hid))
    return [[name, day(launch), h.hid, role, day(joined), day(left)] for name, launch, h, role, joined, left in order]


def _budget(service: Service, day: Day) -> list[list[str]]:
    return [[label, line, money(planned, True), money(outturn, False), "Y" if forecast else "N", day(as_at),
             _text(funded)] for label, line, planned, outturn, forecast, as_at, funded in service.budget]


ROWS: dict[str, Callable[[Service, Day], list[list[str]]]] = {
    "enquiries": _enquiries,
    "placements": _placements,
    "holds": lambda s, day: [[h.hid, day(start), day(end), reason.value] for h, start, end, reason in s.holds],
    "reviews": lambda s, day: [[h.hid, day(due), day(done), YES_NO[to_panel]]
                               for h, due, done, to_panel, _ in s.reviews],
    "visits": lambda s, day: [[h.hid, day(d), kind] for d, h, kind in s.visits],
    "panel": lambda s, day: [[day(d), item.value, outcome.value, h.hid if h else "", "" if quorate else "N"]
                             for d, item, outcome, h, quorate in s.panel],
    "complaints": lambda s, day: [[cid, day(d), who.value, _text(outcome), day(closed)]
                                  for cid, d, who, outcome, closed in s.complaints],
    "allegations": lambda s, day: [[aid, day(d), h.hid, source.value, category.value, outcome.value,
                                    YES_NO[panel], YES_NO[dbs]]
                                   for aid, d, h, source, category, outcome, panel, dbs in s.allegations],
    "training": lambda s, day: [[sid, day(d), course, mode.value, carer, hid]
                                for sid, d, course, mode, carer, hid in s.training],
    "mockingbird": _mockingbird,
    "budget": _budget,
}


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_service(service: Service, folder: Path) -> list[Path]:
    """Write one council's extracts to ``folder``, replacing extract files already there.

    Old extract files are removed first so that, say, a ``placements.csv`` left by an
    earlier run cannot sit beside a new ``Placements.CSV``.
    """
    folder.mkdir(parents=True, exist_ok=True)
    known = {model.file for model in EXTRACTS.values()}
    for old in sorted(folder.iterdir()):
        if old.is_file() and old.name.lower() in known:
            old.unlink()
    style, written = service.council.style, []
    for extract, model in EXTRACTS.items():
        if extract == "mockingbird" and not service.mockingbird:
            continue   # a council without Mockingbird has no such extract
        day = date_writer(style.date_style(extract))
        header = [c.name for c in columns(model)]
        if extract == "households":
            header, rows = _households(service, day, header)
        else:
            rows = ROWS[extract](service, day)
        name = extract.capitalize() + ".CSV" if extract in style.capitalised else model.file
        written.append(_write_csv(folder / name, header, rows))
    return written
