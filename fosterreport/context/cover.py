"""The cover page and the report's dates: title, logo, meeting date, the report details a
committee template asks for (decision, portfolio holder, executive director, contact
officers, status, wards…, chosen and ordered by ``[report] cover``), sample notice, and the
date pinned into the PDF's metadata.

These come from the config and the extracts' provenance, not from the KPI figures. The
logo is the one file the context reads itself, so the checks that keep it inside the
project folder live here.
"""

from __future__ import annotations

import base64
import mimetypes
from datetime import timedelta
from typing import TYPE_CHECKING

from fosterreport.context.model import Cover, CoverContact, CoverField, Narrative
from fosterreport.exceptions import ConfigError
from fosterreport.formatting import format_date

if TYPE_CHECKING:
    from fosterreport.config import Config
    from fosterreport.kpis.results import KpiResults
    from fosterreport.periods import Period
    from fosterreport.records import Extracts


def _logo(config: "Config") -> str | None:
    """The logo as a data: URI. The config's check made sure, when it was loaded, that it
    is an SVG, PNG or JPEG file inside the project folder (after following symlinks)."""
    if not config.report.logo:
        return None
    path = config.resolve(config.report.logo)
    kind = mimetypes.guess_type(path.name)[0]
    try:
        return f"data:{kind};base64," + base64.b64encode(path.read_bytes()).decode("ascii")
    except OSError as error:  # removed since the config was loaded
        raise ConfigError(f"{config.source or 'fosterreport.toml'}: [report] logo: {error.strerror}") from None


def report_title(config: "Config", period) -> str:
    """The configured title; the default one says "Quarterly" for a quarter, neither
    for a custom period."""
    from fosterreport.config import ReportSettings

    title = config.report.title
    if period.quarter is not None and title == ReportSettings().title:
        title = "Fostering Service Quarterly Report"
    elif period.custom and title == ReportSettings().title:  # a pilot or half year is no annual report
        title = "Fostering Service Report"
    return title


def document_date(config: "Config", results: "KpiResults") -> str:
    """The date pinned into the PDF's metadata: SOURCE_DATE_EPOCH, else the meeting
    date, else the day after the period ends — never "now"."""
    import os
    from datetime import datetime, timezone

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return datetime.fromtimestamp(int(epoch), timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    day = config.report.meeting_date or (results.period.end + timedelta(days=1))
    return f"{day.isoformat()}T00:00:00Z"



#: The header of each cover field (``[report] cover``).
COVER_LABELS = {"decision": "Decision", "portfolio_holder": "Portfolio holder",
                "executive_director": "Executive director", "service": "Report of", "author": "Author",
                "contacts": "Contact officer", "status": "Report status", "wards": "Wards", "period": "Period"}


def cover_fields(config: "Config", service: str | None, period_words: str) -> list[CoverField]:
    """The report details in the order ``[report] cover`` gives; a field left unset is left
    out (no placeholder text). The ``author`` string is left out when contact officers are
    given and it was not set: the default role would only repeat them."""
    report = config.report
    contacts = [CoverContact(c.name, c.role, c.phone, c.email) for c in report.contacts]
    texts = {"decision": report.decision, "portfolio_holder": report.portfolio_holder,
             "executive_director": report.executive_director, "service": service,
             "author": report.author if ("author" in report.model_fields_set or not contacts) else None,
             "status": report.status, "wards": report.wards, "period": period_words}
    fields = []
    for key in report.cover:
        if key == "contacts":
            if contacts:
                label = COVER_LABELS[key] + ("s" if len(contacts) > 1 else "")
                fields.append(CoverField(key, label, contacts=contacts))
        elif texts[key]:
            fields.append(CoverField(key, COVER_LABELS[key], texts[key]))
    return fields


def build_cover(config: "Config", extracts: "Extracts", period: "Period") -> Cover:
    """The cover page; its recommendation, brief summary and reasons are filled in later,
    with the narratives."""
    title = f"{report_title(config, period)} {period.label}"
    council = config.council(extracts.is_sample)
    return Cover(fields=cover_fields(config, council.service, period.in_words),
        authority=council.name, service=council.service,
        committee=config.report.committee,
        meeting_date=format_date(config.report.meeting_date) if config.report.meeting_date else "to be confirmed",
        title=title, period_words=period.in_words, author=config.report.author,
        status=config.report.status, recommendation=Narrative(),
        logo_src=_logo(config), logo_alt=f"{council.name} logo",
        sample_notice=("This report was built from the embedded sample data: a fictional council. "
                       "Its figures describe no real service.") if extracts.is_sample else None)
