from riskcabinet.autocode.cues import CUE_NAMES, cue_matrix, narrative_cues
from riskcabinet.autocode.text import clean_narrative


def _cues(narrative: str) -> set[str]:
    return narrative_cues(clean_narrative(narrative))


def test_it_finds_what_the_injury_clause_is_about():
    cues = _cues("Employee's hand was caught in a roller, resulting in a fractured finger.")

    assert {"part:hand", "clause_part:finger", "clause_injury:fracture"} <= cues
    assert "clause_part:hand" not in cues
    assert "phrase:caught_in" in cues


def test_it_counts_distinct_body_regions_and_injuries():
    cues = _cues("Worker fell and broke his arm and leg and cut his face.")

    assert "part_count:3" in cues
    assert "injury_count:2" in cues


def test_it_knows_which_event_came_first():
    cues = _cues("An employee fell from a ladder and was struck by a falling board.")

    assert "first0:fall" in cues
    assert "phrase:fell_from" in cues


def test_it_ignores_a_negated_injury():
    assert "injury:fracture" not in _cues("No fracture was found; the employee was bruised.")


def test_it_gives_one_column_per_cue_and_nothing_for_an_empty_narrative():
    matrix = cue_matrix(["", clean_narrative("Burned hand on a hot grill.")], weight=0.5)

    assert matrix.shape == (2, len(CUE_NAMES))
    assert set(matrix.data) == {0.5}
    assert matrix[1].nnz > matrix[0].nnz


def test_it_marks_a_vehicle_when_a_transportation_rule_would_apply():
    assert "rule:vehicle_fall_from" in _cues("The operator fell off the moving forklift.")
    assert "rule:vehicle_overturn" in _cues("A riding mower tipped over on the slope.")
    assert "rule:vehicle_fall_from" not in _cues("The operator fell off a ladder.")


def test_it_marks_a_fall_stopped_by_a_harness_but_not_a_harness_not_worn():
    assert "rule:fall_arrested" in _cues(
        "He slipped off the roof edge and his harness arrested the fall; he hit the wall."
    )
    assert "rule:fall_gear" not in _cues("He fell from the roof; no harness was worn.")


def test_it_marks_a_hedged_fracture_and_an_organ_injury():
    cues = _cues(
        "Employee was struck by a beam, resulting in a possible fracture and a collapsed lung."
    )

    assert {"rule:hedged", "rule:organ"} <= cues


def test_it_marks_two_kinds_of_injury_named_together_in_the_injury_clause():
    cues = _cues("The saw kicked back, resulting in lacerations and fractures to two fingers.")

    assert "pair:fracture+cut" in cues
    assert not any(cue.startswith("pair:") for cue in _cues("He suffered a fractured wrist."))
