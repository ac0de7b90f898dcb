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
