import threading

import pytest

import riskcabinet.autocode.api as suggest_module
from riskcabinet.autocode import store
from riskcabinet.autocode.labels import FIELDS

FALL = "An employee fell from a ladder about ten feet and fractured his left wrist."
CAUGHT = "Employee's right hand was caught in the rollers of a conveyor, amputating two fingers."

UNUSUAL = [
    "",
    "   ",
    "hurt",
    "El trabajador se cayó de la escalera y se rompió el brazo izquierdo.",
    "asdf qwerty zxcv lorem ipsum blorp",
    "1234 5678 !!!",
]


def test_it_gives_a_group_and_three_ranked_codes_for_each_field(coder):
    suggestion = coder.suggest_many([FALL])[0]

    assert set(suggestion) == set(FIELDS)
    for field in FIELDS:
        entry = suggestion[field]
        assert set(entry["group"]) == {"code", "title", "probability"}
        assert len(entry["top"]) == 3
        probabilities = [code["probability"] for code in entry["top"]]
        assert probabilities == sorted(probabilities, reverse=True)
        assert isinstance(entry["auto_accept"], bool)


def test_it_codes_plain_reports_sensibly(coder):
    fall, caught = coder.suggest_many([FALL, CAUGHT])

    assert fall["event"]["group"]["code"] == "43"
    assert fall["part"]["group"]["code"] == "43"
    assert caught["nature"]["group"]["code"] == "13"


def test_it_keeps_the_order_of_its_inputs(coder):
    together = coder.suggest_many([CAUGHT, FALL, CAUGHT])

    assert together == [coder.suggest_many([n])[0] for n in (CAUGHT, FALL, CAUGHT)]


def test_its_best_full_code_lies_in_a_group_no_likelier_than_the_group(coder):
    for field, entry in coder.suggest_many([FALL])[0].items():
        assert entry["top"][0]["probability"] <= entry["group"]["probability"] + 1e-4, field


@pytest.mark.parametrize("narrative", UNUSUAL)
def test_it_gives_unusual_narratives_only_low_confidence(coder, narrative):
    suggestion = coder.suggest_many([narrative])[0]

    for field in FIELDS:
        assert not suggestion[field]["auto_accept"]
        assert suggestion[field]["group"]["probability"] < coder.thresholds[field]


def test_suggest_reads_the_model_once_per_process(monkeypatch, model_file):
    monkeypatch.setattr(store, "_cached", {})
    first = store.load_model(model_file)
    second = store.load_model(model_file)

    assert first[0] is second[0]


def test_suggest_api_returns_the_predict_shape(monkeypatch, trained):
    monkeypatch.setattr(suggest_module, "load_model", lambda: trained)

    suggestion = suggest_module.suggest(FALL)

    assert suggestion == trained[0].suggest_many([FALL])[0]
    assert dict(suggest_module.AUTO_ACCEPT_THRESHOLD) == trained[0].thresholds


def _wait_for_the_reader(path) -> None:
    for thread in threading.enumerate():
        if thread.name == "autocode-load":
            thread.join(timeout=60)
    assert path not in store._warming


def test_the_model_can_be_read_in_the_background_before_the_first_suggestion(
    monkeypatch, model_file
):
    monkeypatch.setattr(store, "_cached", {})
    reads = []
    read_model = store.read_model
    monkeypatch.setattr(store, "read_model", lambda path: reads.append(path) or read_model(path))

    assert store.load_model_soon(model_file) is True
    _wait_for_the_reader(model_file)

    assert model_file in store._cached  # read already, with no suggestion asked for
    assert store.load_model_soon(model_file) is False  # and never twice
    store.load_model(model_file)
    assert reads == [model_file]


def test_a_missing_model_read_in_the_background_is_left_for_the_first_suggestion(
    monkeypatch, tmp_path
):
    monkeypatch.setattr(store, "_cached", {})
    missing = tmp_path / "autocode-none.joblib"

    assert store.load_model_soon(missing) is True
    _wait_for_the_reader(missing)

    with pytest.raises(store.ModelMissingError):
        store.load_model(missing)


def test_asking_again_while_the_model_is_being_read_does_not_wait_for_the_read(
    monkeypatch, tmp_path
):
    # The queue asks on every load (and its search asks as the officer types): a second queue
    # request arriving while the background read takes its seconds must not wait for it.
    monkeypatch.setattr(store, "_cached", {})
    path = tmp_path / "autocode-slow.joblib"
    release = threading.Event()

    def slow_read(_path):
        release.wait(30)
        raise store.ModelMissingError("gone")

    monkeypatch.setattr(store, "read_model", slow_read)
    answers = []
    asker = threading.Thread(target=lambda: answers.append(store.load_model_soon(path)))
    try:
        assert store.load_model_soon(path) is True
        asker.start()
        asker.join(timeout=2)
        assert not asker.is_alive(), "the second request waited for the model to be read"
        assert answers == [False]
    finally:
        release.set()
        if asker.ident is not None:
            asker.join()
        _wait_for_the_reader(path)
