"""The guided OSHA recordability helper follows the recording rule."""

import pytest

from incidents.recordability import (
    FIRST_AID_ITEMS,
    QUESTION_KEYS,
    recordability_decide,
    recordability_shown,
)

ALL_NO = dict.fromkeys(QUESTION_KEYS, "no") | {"work_related": "yes", "new_case": "yes"}


def test_it_lists_exactly_the_fourteen_first_aid_items():
    assert len(FIRST_AID_ITEMS) == 14
    assert "Drinking fluids for relief of heat stress" in FIRST_AID_ITEMS


@pytest.mark.parametrize(
    "criterion",
    [
        "death",
        "days_away",
        "restricted_or_transfer",
        "medical_treatment",
        "loss_of_consciousness",
        "significant_diagnosis",
        "special_case",
    ],
)
def test_it_records_a_new_work_related_case_meeting_any_criterion(criterion):
    decision = recordability_decide(ALL_NO | {criterion: "yes"})
    assert decision.recordable is True


def test_it_does_not_record_first_aid_only():
    decision = recordability_decide(ALL_NO)
    assert decision.recordable is False
    assert "first aid" in decision.reason


def test_it_does_not_record_a_case_that_is_not_work_related_whatever_else():
    decision = recordability_decide({"work_related": "no", "death": "yes"})
    assert decision.recordable is False
    assert "not work-related" in decision.reason


def test_it_sends_a_recurrence_to_the_existing_case():
    decision = recordability_decide({"work_related": "yes", "new_case": "no", "days_away": "yes"})
    assert decision.recordable is False
    assert "existing case" in decision.reason


def test_it_waits_for_answers_and_names_the_next_question():
    decision = recordability_decide({"work_related": "yes", "new_case": "yes", "death": "no"})
    assert decision.recordable is None
    assert decision.next_question == "days_away"


def test_a_contaminated_needlestick_treated_with_first_aid_is_recorded():
    decision = recordability_decide(ALL_NO | {"special_case": "yes"})

    assert decision.recordable is True
    assert "contaminated sharps" in decision.reason


def test_first_aid_only_is_not_decided_until_the_special_cases_are_ruled_out():
    answers = {key: value for key, value in ALL_NO.items() if key != "special_case"}

    decision = recordability_decide(answers)

    assert decision.recordable is None
    assert decision.next_question == "special_case"


@pytest.mark.parametrize("recorded", [True, False])
def test_a_decision_stored_before_the_answers_were_complete_is_shown_as_such(recorded):
    answers = {key: value for key, value in ALL_NO.items() if key != "special_case"}

    shown = recordability_shown(answers, recorded)

    assert shown.recordable is recorded
    verdict = "recordable" if recorded else "not recordable"
    assert shown.reason.startswith(f"Recorded as {verdict}, from a claims file")
    assert shown.reason.endswith("Answer the questions to confirm it.")
    assert shown.next_question == "special_case"


def test_the_helpers_own_decision_wins_over_the_stored_one():
    assert recordability_shown(ALL_NO | {"special_case": "yes"}, False).recordable is True
    assert recordability_shown({}, None).reason == "Not decided yet."
