"""The coder learns the officers' code choices every week: trained again when they have changed,
not when they have not, and never stopped by one record it cannot read."""

import logging
import threading

import joblib
import pytest
import sklearn
from django.conf import settings
from django.core.management import call_command

from incidents import coder_learning
from incidents.models import CodeCorrection
from riskcabinet.autocode import store, training
from riskcabinet.autocode.corrections import corrections_fingerprint
from riskcabinet.autocode.dataset import OSHA_CSV, file_sha256
from riskcabinet.roles import Role
from tests.factories import IncidentFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainings(monkeypatch):
    """Training stood in for by a record of what it was given (the real one takes a minute)."""
    given = []

    def train(corrections=None, log=None, reports=None):
        given.append(list(corrections))
        return f"coder {len(given)}", {
            "model_version": training.MODEL_VERSION,
            "sklearn_version": sklearn.__version__,
            "data_sha256": file_sha256(OSHA_CSV),
            "corrections": len(corrections),
            "corrections_sha256": corrections_fingerprint(corrections),
            "train_seconds": 0.1,
        }

    monkeypatch.setattr(training, "train_coder", train)
    return given


def _coded(narrative: str, **codes):
    """A case an officer coded against the coder's suggestion."""
    officer = user_with_role(Role.SAFETY_OFFICER)
    case = IncidentFactory(narrative=narrative, **{f"oiics_{f}": c for f, c in codes.items()})
    for field, code in codes.items():
        CodeCorrection.objects.create(
            incident=case, field=field, suggested_code="", chosen_code=code, officer=officer
        )
    return case


def test_the_coder_is_trained_again_only_when_the_officers_choices_have_changed(
    trainings, tmp_path
):
    path = tmp_path / "autocode.joblib"
    _coded("Bitten by a dog on the meter route, left calf", event="1313", part="513")
    _coded("Patron punched the librarian in the face", event="1111")

    first = coder_learning.coder_learn_from_corrections(path=path)
    again = coder_learning.coder_learn_from_corrections(path=path)
    _coded("Slipped on wet floor in the restroom", event="4211")
    third = coder_learning.coder_learn_from_corrections(path=path)

    assert first["corrections"] == 2
    assert again is None
    assert third["corrections"] == 3
    assert [len(corrections) for corrections in trainings] == [2, 3]
    learnt = {c.narrative: c for c in trainings[0]}
    assert learnt["Bitten by a dog on the meter route, left calf"].part == "513"
    assert store.read_model(path)[0] == "coder 2"


def test_a_record_with_a_code_the_coder_does_not_know_is_left_out_and_said(
    trainings, tmp_path, caplog
):
    _coded("Cut finger on a box cutter", event="6411")
    _coded("Strained back lifting a bin", event="99999")

    with caplog.at_level(logging.WARNING, logger="incidents.coder_learning"):
        metadata = coder_learning.coder_learn_from_corrections(path=tmp_path / "m.joblib")

    assert metadata["corrections"] == 1
    assert [c.narrative for c in trainings[0]] == ["Cut finger on a box cutter"]
    assert "is not an OIICS event code" in caplog.text


def test_the_training_is_on_the_weekly_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["coder-learns-from-corrections"]

    assert entry["task"] == "incidents.tasks.coder_learn_from_corrections"
    assert entry["schedule"].day_of_week == {0}  # Sunday
    assert entry["schedule"].hour == {4}  # not in the hour daylight saving time skips


def test_a_web_process_serves_the_model_it_has_until_the_new_file_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "_cached", {})
    path = tmp_path / "autocode.joblib"
    joblib.dump({"metadata": {"corrections": 2}, "coder": "last week's"}, path)
    assert store.load_model(path)[0] == "last week's"

    # The weekly training replaces the file (another process: this one's cache is not told).
    partial = tmp_path / "autocode.joblib.partial"
    joblib.dump({"metadata": {"corrections": 3}, "coder": "this week's"}, partial)
    partial.replace(path)

    assert store.load_model(path)[0] == "last week's"  # no wait: the new one is read aside
    for thread in threading.enumerate():
        if thread.name == "autocode-load":
            thread.join(timeout=30)
    assert store.load_model(path) == ("this week's", {"corrections": 3})


def _join_readers() -> None:
    for thread in threading.enumerate():
        if thread.name == "autocode-load":
            thread.join(timeout=30)


def test_a_new_file_that_cannot_be_read_is_tried_once_and_said_not_on_every_suggestion(
    tmp_path, monkeypatch, caplog
):
    monkeypatch.setattr(store, "_cached", {})
    monkeypatch.setattr(store, "_unreadable", {})
    path = tmp_path / "autocode.joblib"
    joblib.dump({"metadata": {"corrections": 2}, "coder": "last week's"}, path)
    assert store.load_model(path)[0] == "last week's"
    reads = []
    read_model = store.read_model
    monkeypatch.setattr(store, "read_model", lambda p: reads.append(p) or read_model(p))

    # A file the web process cannot read (written by another scikit-learn, say): the model it
    # has keeps answering, the file is read once, and the failure is logged.
    path.write_bytes(b"not a model")
    with caplog.at_level(logging.WARNING, logger="riskcabinet.autocode.store"):
        for _ in range(5):
            assert store.load_model(path)[0] == "last week's"
            _join_readers()
    assert reads == [path]
    assert "could not be read" in caplog.text

    # The file gone altogether: looked for once more, not on every suggestion.
    path.unlink()
    for _ in range(5):
        assert store.load_model(path)[0] == "last week's"
        _join_readers()
    assert len(reads) == 2

    # A good file again is picked up.
    joblib.dump({"metadata": {"corrections": 3}, "coder": "this week's"}, path)
    store.load_model(path)
    _join_readers()
    assert store.load_model(path) == ("this week's", {"corrections": 3})


def test_a_deployment_trains_with_the_corrections_only_when_the_model_needs_it(
    trainings, tmp_path, monkeypatch, capsys
):
    # `manage.py coder_train` in place of the package's `train --if-missing`, which knows no
    # corrections: after an upgrade that retrains, the officers' choices are kept.
    monkeypatch.setattr(store, "MODEL_PATH", tmp_path / "autocode.joblib")
    _coded("Bitten by a dog on the meter route, left calf", event="1313")

    call_command("coder_train")
    call_command("coder_train")

    said = capsys.readouterr().out
    assert "Trained the narrative coder with 1 officers' correction(s)" in said
    assert "The narrative coder is current; not trained." in said
    assert [len(corrections) for corrections in trainings] == [1]
