import pytest

from riskcabinet.autocode.corrections import CorrectionsError, load_corrections
from tests.autocode.conftest import CORRECTED_EVENT, CORRECTED_NARRATIVE


def test_it_loads_corrections_with_only_some_fields(tmp_path):
    path = tmp_path / "corrections.jsonl"
    path.write_text(
        '{"narrative": "Slipped on ice in the lot.", "event": "422"}\n\n'
        '{"narrative": "Cut hand on glass.", "nature": "1312", "part": "4420", "event": null}\n'
    )

    first, second = load_corrections(path)

    assert (first.event, first.nature, first.part) == ("422", None, None)
    assert (second.event, second.nature, second.part) == (None, "1312", "4420")


@pytest.mark.parametrize(
    "line",
    ["not json", '["list"]', '{"event": "422"}', '{"narrative": "x", "part": "0000"}'],
)
def test_it_names_the_line_of_a_bad_correction(tmp_path, line):
    path = tmp_path / "corrections.jsonl"
    path.write_text('{"narrative": "Fine."}\n' + line + "\n")

    with pytest.raises(CorrectionsError, match="line 2"):
        load_corrections(path)


def test_it_learns_from_officers_corrections(coder, corrected_coder):
    corrected, metadata = corrected_coder

    before = coder.suggest_many([CORRECTED_NARRATIVE])[0]["event"]["top"][0]["code"]
    after = corrected.suggest_many([CORRECTED_NARRATIVE])[0]["event"]["top"][0]["code"]

    assert metadata["corrections"] == 3
    assert before != CORRECTED_EVENT
    assert after == CORRECTED_EVENT
