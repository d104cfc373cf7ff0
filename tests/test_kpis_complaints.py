"""Complaints, allegations and learning, by hand (2022/23 fixture).

complaints.csv: K1 5/22 FOSTER_CARER UPHELD, K2 6/22 FOSTER_CARER PARTLY_UPHELD, K3 7/22
CHILD RESOLVED_INFORMALLY, K4 8/22 PARENT NOT_UPHELD, K5 31/3/23 OTHER (blank = ONGOING),
K6 31/3/22 (last year) → 5 complaints, 2 upheld (both from foster carers).

allegations.csv: A1 1/4/22 H1 CHILD PHYSICAL NFA, A2 5/22 H1 CHILD NEGLECT NFA, A3 6/22 H4
PROFESSIONAL (no category) SUBSTANTIATED, A4 7/22 H7 (no source) EMOTIONAL (blank = ONGOING),
A5 31/3/22 (last year) → 4 allegations, 1 substantiated, 2 NFA, households H1 H4 H7.

training.csv (session, date, mode, carer): S1 10/5/22 ONLINE K1 and K2; S2 FACE_TO_FACE K1;
S3 10/7/22 blank K3, ELEARNING K4 (first recorded mode: ELEARNING); S4 1/3/22 (last year);
S5 31/3/23 FACE_TO_FACE K2; S6 1/8/22 blank K3 → sessions S1 S2 S3 S5 S6 = 5, carers K1–K4 = 4,
attendances 7.
"""

from __future__ import annotations

import pytest

from kpi_frames import fixture_extracts

from fosterreport.kpis import compute_kpis
from fosterreport.periods import make_period


@pytest.fixture(scope="module")
def results():
    return compute_kpis(fixture_extracts(), make_period(2023))


def test_complaints(results):
    found = results["complaints"]
    assert found.value == 5
    assert found.by["complainant"] == {"CHILD": 1, "FOSTER_CARER": 2, "PARENT": 1, "PROFESSIONAL": 0,
                                       "SOCIAL_WORKER": 0, "OTHER": 1}
    assert found.by["outcome"] == {"UPHELD": 1, "PARTLY_UPHELD": 1, "NOT_UPHELD": 1, "RESOLVED_INFORMALLY": 1,
                                   "WITHDRAWN": 0, "ONGOING": 1}
    assert found.previous == 1


def test_complaints_upheld(results):
    found = results["complaints_upheld"]
    assert found.value == 2
    assert found.by["complainant"]["FOSTER_CARER"] == 2
    assert sum(found.by["complainant"].values()) == 2


def test_allegations(results):
    found = results["allegations"]
    assert found.value == 4
    assert found.by["source"] == {"CHILD": 2, "PARENT": 0, "PROFESSIONAL": 1, "OTHER": 0, "NOT_RECORDED": 1}
    assert found.by["category"] == {"PHYSICAL": 1, "SEXUAL": 0, "NEGLECT": 1, "EMOTIONAL": 1, "NOT_RECORDED": 1}
    assert found.by["outcome"] == {"NFA": 2, "SUBSTANTIATED": 1, "UNSUBSTANTIATED": 0, "UNFOUNDED": 0,
                                   "FALSE": 0, "MALICIOUS": 0, "ONGOING": 1}


def test_allegation_figures(results):
    assert results["allegations_substantiated"].value == 1
    assert results["allegations_nfa_rate"].value == 0.5
    assert results["allegations_nfa_rate"].previous == 1.0  # A5 alone, NFA
    assert results["allegations_nfa_rate"].direction == "down"  # neutral polarity
    assert results["households_with_allegations"].value == 3


def test_training(results):
    sessions = results["training_sessions"]
    assert sessions.value == 5
    assert sessions.by["mode"] == {"ONLINE": 1, "FACE_TO_FACE": 2, "ELEARNING": 1, "NOT_RECORDED": 1}
    assert results["carers_trained"].value == 4
    assert results["training_attendances"].value == 7
