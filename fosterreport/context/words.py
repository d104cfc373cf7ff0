"""How keys, lists and labels read in the report's sentences and row headers.

Small word helpers shared by the figures, the table builders and every section (and by
:mod:`fosterreport.region.context`): the label a committee reads for a breakdown key,
the word for a breakdown, and lists joined with "and". Kept apart and at the bottom of
the package so that nothing above has to import a section module to word a row.
"""

from __future__ import annotations

from typing import Any

from fosterreport import codes

#: breakdown name -> code list (labels for table rows); some depend on the KPI.
BREAKDOWN_CODES: dict[str, Any] = {
    "household_type": codes.HouseholdType,
    "household_type_sought": codes.HouseholdType,
    "reason": codes.DeregistrationReason,
    "hold_reason": codes.HoldReason,
    "provider": codes.Provider,
    "closed_reason": codes.ClosedReason,
    "item_type": codes.PanelItem,
    "complainant": codes.Complainant,
    "category": codes.AllegationCategory,
    "mode": codes.TrainingMode,
    "role": codes.MockingbirdRole,
}
VACANCY_LABELS = {
    "PRIMARY": "Primary (no child placed in the household)",
    "SECONDARY": "Secondary (the household has a child placed)",
}
BREAKDOWN_WORDS = {
    "household_type": "household type", "household_type_sought": "household type sought",
    "reason": "reason", "hold_reason": "reason", "vacancy": "vacancy", "provider": "provider",
    "source": "source", "closed_reason": "reason", "item_type": "item", "outcome": "outcome",
    "complainant": "complainant", "category": "category", "mode": "mode", "role": "role",
    "line": "budget line", "ethnicity_group": "ethnicity of the main carer",
}


def code_label(kpi_id: str, breakdown: str, code: str) -> str:
    """The words a committee reads for a key (``CONNECTED`` → Connected persons), from
    the catalogue's breakdowns; a budget line is its own label."""
    from fosterreport.kpis.catalogue import BY_ID

    kpi = BY_ID.get(kpi_id)
    if kpi is not None:
        try:
            return kpi.breakdown(breakdown).label(code)
        except KeyError:
            pass
    if breakdown == "vacancy":
        return VACANCY_LABELS.get(code, code)
    code_list = BREAKDOWN_CODES.get(breakdown)
    if code_list is not None and code in code_list.__members__:
        return code_list[code].label
    return str(code)


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() or len(text) == 1 else text


def join_words(items: list[str]) -> str:
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]
