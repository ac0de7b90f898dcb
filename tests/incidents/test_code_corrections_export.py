"""Officers' code choices as exported for training: the codes each case holds now, and never a
privacy case's narrative, merged reports included."""

import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from incidents import triage_views
from incidents.models import CodeCorrection, Severity, Status
from incidents.triage_services import incident_merge, incident_privacy_mark
from riskcabinet.autocode.corrections import load_corrections
from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db

SUGGESTION = {
    "event": {
        "group": {"code": "42", "title": "Falls on same level", "probability": 0.9},
        "top": [
            {"code": "4211", "title": "Fall on same level due to tripping", "probability": 0.71}
        ],
        "auto_accept": True,
    }
}


def url(name, incident):
    return reverse(f"triage:{name}", args=[incident.reference])


def export(tmp_path):
    out = tmp_path / "corrections.jsonl"
    call_command("export_code_corrections", "--out", str(out))
    load_corrections(out)  # The trainer reads the file as written.
    return [json.loads(line) for line in out.read_text().splitlines()], out


def test_a_code_the_officer_cleared_is_not_exported_as_their_choice(
    client, officer, department, tmp_path, monkeypatch
):
    incident = IncidentFactory(department=department, severity=Severity.NONE, status=Status.NEW)
    monkeypatch.setattr(triage_views, "_code_suggestions", lambda narrative: SUGGESTION)
    client.force_login(officer)
    # One click on the suggestion, then the officer thinks better of it and clears the box.
    client.post(url("case-code-accept", incident), {"accept": "event:4211"})
    client.post(url("case-codes", incident), {"codes-event": ""})
    incident.refresh_from_db()
    assert incident.oiics_event == ""
    lines, _ = export(tmp_path)
    # A code the case no longer has would be taught at five times an OSHA report's weight.
    assert all(line["event"] != "4211" for line in lines), lines


def test_a_change_saved_while_the_coder_was_unavailable_is_exported(
    client, officer, department, tmp_path, monkeypatch
):
    incident = IncidentFactory(department=department, severity=Severity.NONE, status=Status.NEW)
    client.force_login(officer)
    monkeypatch.setattr(triage_views, "_code_suggestions", lambda narrative: SUGGESTION)
    client.post(url("case-code-accept", incident), {"accept": "event:4211"})
    # The model file is being replaced (or broken): the page still saves codes.
    monkeypatch.setattr(triage_views, "_code_suggestions", lambda narrative: {})
    client.post(url("case-codes", incident), {"codes-event": "4212"})
    incident.refresh_from_db()
    assert incident.oiics_event == "4212"
    lines, _ = export(tmp_path)
    assert [line["event"] for line in lines] == ["4212"], lines


def test_a_report_merged_into_a_privacy_case_does_not_reach_the_training_export(
    officer, department, tmp_path
):
    duplicate = IncidentFactory(
        department=department,
        narrative="Stuck by a used needle from the sharps bin while cleaning the restroom.",
    )
    survivor = IncidentFactory(department=department, narrative="Needlestick in restroom.")
    CodeCorrection.objects.create(
        incident=duplicate,
        field="event",
        suggested_code="6299",
        chosen_code="6211",
        officer=officer,
    )
    incident_merge(source=duplicate, target=survivor)
    # The injury is a sharps case: the officer marks the surviving case a privacy case.
    incident_privacy_mark(incident=survivor, privacy_case=True, reason="sharps")
    lines, _ = export(tmp_path)
    assert not any("needle" in line["narrative"] for line in lines), lines
