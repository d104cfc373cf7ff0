"""The contract's code lists: each code with its label, meaning and built-in aliases.

A council's export says "Connected Persons", "Family and Friends" or "KINSHIP"; the
contract says ``CONNECTED``. Each code list is a :class:`Code` enum whose members carry
the words a committee reads (``label``), the definition the schema prints (``meaning``)
and the spellings accepted on input (``aliases``). Local codes beyond these come from
``[data.codes.<list>]`` in ``fosterreport.toml`` and are applied by the loader.
"""

from __future__ import annotations

import re
from enum import StrEnum

from fosterreport.values import BadValue, quoted


def code_key(text: str) -> str:
    """Fold case, spaces, hyphens and underscores so spellings compare equal."""
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


class Code(StrEnum):
    """A contract code. Members are plain strings equal to the code."""

    def __new__(cls, code: str, label: str, meaning: str = "", aliases: tuple[str, ...] = ()):
        member = str.__new__(cls, code)
        member._value_ = code
        member.label = label
        member.meaning = meaning
        member.aliases = aliases
        return member

    @classmethod
    def spellings(cls) -> dict[str, "Code"]:
        """Every accepted spelling (folded) mapped to its member."""
        table: dict[str, Code] = {}
        for member in cls:
            for spelling in (member.value, member.label, *member.aliases):
                table.setdefault(code_key(spelling), member)
        return table

    @classmethod
    def parse(cls, text: str) -> "Code":
        member = _spelling_cache(cls).get(code_key(text))
        if member is None:
            allowed = ", ".join(m.value for m in cls)
            raise BadValue("invalid-code", f"{quoted(text)} is not a known code (expected one of {allowed})")
        return member


_CACHE: dict[type, dict[str, Code]] = {}


def _spelling_cache(cls: type[Code]) -> dict[str, Code]:
    if cls not in _CACHE:
        _CACHE[cls] = cls.spellings()
    return _CACHE[cls]


class HouseholdType(Code):
    MAINSTREAM = ("MAINSTREAM", "Mainstream",
                  "mainstream foster carers, including short breaks and parent-and-child",
                  ("Short Breaks", "Short Break", "Respite", "Parent and Child"))
    CONNECTED = ("CONNECTED", "Connected persons",
                 "connected persons / family and friends / kinship carers",
                 ("Connected Person", "Family and Friends", "Kinship", "Formal kinship care"))
    FFA = ("FFA", "Foster for adoption", "foster for adoption / early permanence",
           ("Foster to Adopt", "Fostering for Adoption", "Early Permanence"))
    SPECIALIST = ("SPECIALIST", "Specialist", "specialist / therapeutic / enhanced carers",
                  ("One2One", "Therapeutic", "Enhanced"))
    SUPPORTED_LODGINGS = ("SUPPORTED_LODGINGS", "Supported lodgings",
                          "supported lodgings providers", ("SL",))


class DeregistrationReason(Code):
    RESIGNED = ("RESIGNED", "Resigned", "initiated by the foster carer (retirement, personal reasons)", ("DER3",))
    TERMINATED = ("TERMINATED", "Terminated by the service", "initiated by the fostering service", ("DER2",))
    TRANSFERRED_IFA = ("TRANSFERRED_IFA", "Moved to an IFA", "moved to an independent fostering agency", ("DER1",))
    TRANSFERRED_LA = ("TRANSFERRED_LA", "Moved to another council", "moved to another local authority", ("DER4",))
    ADOPTED = ("ADOPTED", "Adopted", "ceased fostering because they adopted the child", ("DER5",))
    SGO = ("SGO", "Special guardianship", "special guardianship or child arrangements order granted", ("DER6",))
    CHILD_MOVED_ON = ("CHILD_MOVED_ON", "Child moved on",
                      "connected carer whose child returned home, moved on or became independent")
    OTHER = ("OTHER", "Other", "any other reason")


class EthnicityGroup(Code):
    WHITE = ("WHITE", "White")
    MIXED = ("MIXED", "Mixed or multiple")
    ASIAN = ("ASIAN", "Asian")
    BLACK = ("BLACK", "Black")
    OTHER = ("OTHER", "Other ethnic group")
    UNKNOWN = ("UNKNOWN", "Not known")


class EnquirySource(Code):
    WEBSITE = ("WEBSITE", "Website")
    PHONE = ("PHONE", "Telephone")
    EVENT = ("EVENT", "Event")
    SOCIAL_MEDIA = ("SOCIAL_MEDIA", "Social media")
    WORD_OF_MOUTH = ("WORD_OF_MOUTH", "Word of mouth")
    REGIONAL_HUB = ("REGIONAL_HUB", "Regional hub")
    OTHER = ("OTHER", "Other")


class ClosedReason(Code):
    NOT_ELIGIBLE = ("NOT_ELIGIBLE", "Not eligible", "did not meet initial criteria, e.g. no spare bedroom")
    NO_RESPONSE = ("NO_RESPONSE", "No response")
    WENT_ELSEWHERE = ("WENT_ELSEWHERE", "Went elsewhere", "chose an IFA or another council")
    NOT_APPROVED = ("NOT_APPROVED", "Not approved", "assessment or decision maker did not approve")
    WITHDREW_EXPECTATIONS = ("WITHDREW_EXPECTATIONS", "Withdrew: fostering not as expected", "", ("AW1",))
    WITHDREW_PROCESS = ("WITHDREW_PROCESS", "Withdrew: assessment not as expected", "", ("AW2",))
    WITHDREW_CIRCUMSTANCES = ("WITHDREW_CIRCUMSTANCES", "Withdrew: change in circumstances", "", ("AW3",))
    WITHDREW_FINANCIAL = ("WITHDREW_FINANCIAL", "Withdrew: financial reasons", "", ("AW4",))
    WITHDREW_ALLEGATIONS_RISK = ("WITHDREW_ALLEGATIONS_RISK", "Withdrew: allegations or risk", "", ("AW5",))
    WITHDREW_OTHER = ("WITHDREW_OTHER", "Withdrew: other reason", "", ("AW0",))
    OTHER = ("OTHER", "Other")


class Provider(Code):
    IN_HOUSE = ("IN_HOUSE", "In-house foster care", "the council's own foster carers", ("PR1",))
    IFA = ("IFA", "Independent fostering agency", "", ("PR4",))
    RESIDENTIAL = ("RESIDENTIAL", "Residential")
    OTHER_LA = ("OTHER_LA", "Other local authority", "", ("PR2",))
    PARENTS = ("PARENTS", "Placed with parents", "", ("PR0",))
    OTHER = ("OTHER", "Other")


class PlacementKind(Code):
    MAIN = ("MAIN", "Main placement")
    RESPITE = ("RESPITE", "Respite", "a short break alongside a main placement", ("Short Break",))


class HoldReason(Code):
    HEALTH = ("HEALTH", "Health")
    PERSONAL = ("PERSONAL", "Personal or family circumstances")
    MATCHING = ("MATCHING", "Matching", "needs of children already placed")
    SERVICE = ("SERVICE", "Placed on hold by the service", "complaint or safeguarding")
    BREAK = ("BREAK", "Break", "after a placement ended or an adoption")
    OTHER = ("OTHER", "Other")


class VisitType(Code):
    SUPERVISION = ("SUPERVISION", "Supervision")
    UNANNOUNCED = ("UNANNOUNCED", "Unannounced")


class PanelItem(Code):
    FORM_F = ("FORM_F", "Form F (mainstream assessment)")
    FORM_C = ("FORM_C", "Form C (connected person assessment)")
    FIRST_REVIEW = ("FIRST_REVIEW", "First review")
    ANNUAL_REVIEW = ("ANNUAL_REVIEW", "Annual review")
    CHANGE_OF_APPROVAL = ("CHANGE_OF_APPROVAL", "Change of approval")
    REG24_EXTENSION = ("REG24_EXTENSION", "Regulation 24 extension")
    PERMANENT_MATCH = ("PERMANENT_MATCH", "Permanent match")
    STANDARDS_OF_CARE = ("STANDARDS_OF_CARE", "Allegations and standards of care")
    RESIGNATION = ("RESIGNATION", "Resignation")
    TERMINATION = ("TERMINATION", "Termination")
    OTHER = ("OTHER", "Other")


class PanelOutcome(Code):
    RECOMMENDED = ("RECOMMENDED", "Recommended")
    NOT_RECOMMENDED = ("NOT_RECOMMENDED", "Not recommended")
    DEFERRED = ("DEFERRED", "Deferred")
    NOTED = ("NOTED", "Noted")


class Complainant(Code):
    CHILD = ("CHILD", "Child or young person")
    FOSTER_CARER = ("FOSTER_CARER", "Foster carer")
    PARENT = ("PARENT", "Parent")
    PROFESSIONAL = ("PROFESSIONAL", "Professional")
    SOCIAL_WORKER = ("SOCIAL_WORKER", "Social worker")
    OTHER = ("OTHER", "Other")


class ComplaintOutcome(Code):
    UPHELD = ("UPHELD", "Upheld")
    PARTLY_UPHELD = ("PARTLY_UPHELD", "Partly upheld")
    NOT_UPHELD = ("NOT_UPHELD", "Not upheld")
    RESOLVED_INFORMALLY = ("RESOLVED_INFORMALLY", "Resolved informally")
    WITHDRAWN = ("WITHDRAWN", "Withdrawn")
    ONGOING = ("ONGOING", "Ongoing")


class AllegationSource(Code):
    CHILD = ("CHILD", "Child or young person")
    PARENT = ("PARENT", "Parent")
    PROFESSIONAL = ("PROFESSIONAL", "Professional")
    OTHER = ("OTHER", "Other")


class AllegationCategory(Code):
    PHYSICAL = ("PHYSICAL", "Physical")
    SEXUAL = ("SEXUAL", "Sexual")
    NEGLECT = ("NEGLECT", "Neglect")
    EMOTIONAL = ("EMOTIONAL", "Emotional")


class AllegationOutcome(Code):
    NFA = ("NFA", "No further action", "threshold not met / no further action")
    SUBSTANTIATED = ("SUBSTANTIATED", "Substantiated")
    UNSUBSTANTIATED = ("UNSUBSTANTIATED", "Unsubstantiated")
    UNFOUNDED = ("UNFOUNDED", "Unfounded")
    FALSE = ("FALSE", "False")
    MALICIOUS = ("MALICIOUS", "Malicious")
    ONGOING = ("ONGOING", "Ongoing")


class TrainingMode(Code):
    ONLINE = ("ONLINE", "Online")
    FACE_TO_FACE = ("FACE_TO_FACE", "Face to face")
    ELEARNING = ("ELEARNING", "E-learning")


class MockingbirdRole(Code):
    HUB = ("HUB", "Hub home carer")
    SATELLITE = ("SATELLITE", "Satellite household")

