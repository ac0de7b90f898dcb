"""The case page: an officer triages a case from arrival to closure, and every step is recorded."""

import json
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from incidents import triage_views
from incidents.models import (
    ActionStatus,
    Attachment,
    Claim,
    ClockKind,
    CodeCorrection,
    ComplianceClock,
    CorrectiveAction,
    Incident,
    Investigation,
    Severity,
    Status,
)
from incidents.selectors import incident_timeline
from incidents.triage_services import incident_duplicate_of
from riskcabinet.roles import Role
from tests.factories import (
    CorrectiveActionFactory,
    DepartmentFactory,
    IncidentFactory,
    user_with_role,
)
from tests.incidents.triage_helpers import report, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def incident(department):
    return IncidentFactory(department=department, severity=Severity.NONE, status=Status.NEW)


def test_it_shows_everything_reported(client, officer, incident):
    incident.involved_people = "Crew partner J. Ruiz saw it."
    incident.body_part = "Lower back"
    incident.save()
    client.force_login(officer)
    body = client.get(url("case", incident)).content.decode()
    for text in (incident.narrative, "Central yard", "Crew partner J. Ruiz", "Lower back"):
        assert text in body


def test_it_triages_a_serious_case_from_arrival_to_closure(client, officer, incident):
    client.force_login(officer)
    # Classify: hospitalised. The Cal/OSHA clock starts and the case is triaged.
    response = client.post(
        url("case-classify", incident),
        {
            "classify-severity": Severity.HOSPITALIZATION,
            "classify-illness_type": "injury",
            "classify-days_away": "3",
            "classify-days_restricted": "0",
        },
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.status == Status.TRIAGED
    assert incident.state_reportable
    assert incident.clocks.filter(kind=ClockKind.CALOSHA_REPORT).exists()
    # Recordability through the guided helper.
    client.post(
        url("case-recordability", incident),
        {"rec-work_related": "yes", "rec-new_case": "yes", "rec-days_away": "yes"},
    )
    incident.refresh_from_db()
    assert incident.recordable is True
    assert incident.recordability_answers["days_away"] == "yes"
    assert incident.clocks.filter(kind=ClockKind.LOG_300).exists()
    # Every clock is met.
    for clock in incident.clocks.all():
        client.post(
            url("case-clock-complete", incident, clock.pk),
            {f"clock-{clock.pk}-confirmation": f"OK-{clock.pk}"},
        )
    assert not incident.clocks.filter(completed_at__isnull=True).exists()
    # Investigate, act, close.
    client.post(url("case-status", incident), {"status-status": Status.INVESTIGATING})
    client.post(
        url("case-investigation", incident),
        {
            "inv-why_1": "The ladder slipped.",
            "inv-why_2": "It had no feet.",
            "inv-root_cause": "Worn ladder not taken out of service.",
            "inv-complete": "on",
        },
    )
    client.post(
        url("case-action-add", incident),
        {
            "action-description": "Replace all step ladders older than 10 years.",
            "action-control_level": "engineering",
            "action-owner": "marcus",
            "action-due_on": (timezone.localdate() + timedelta(days=10)).isoformat(),
        },
    )
    client.post(url("case-status", incident), {"status-status": Status.ACTIONS_PENDING})
    refused = client.post(url("case-status", incident), {"status-status": Status.CLOSED})
    incident.refresh_from_db()
    assert incident.status == Status.ACTIONS_PENDING  # An open action blocks closing.
    assert "still open" in client.get(refused.url).content.decode()
    action = incident.actions.get()
    client.post(url("case-action-status", incident, action.pk), {"status": ActionStatus.DONE})
    client.post(url("case-status", incident), {"status-status": Status.CLOSED})
    incident.refresh_from_db()
    assert incident.status == Status.CLOSED
    assert incident.closed_at is not None
    assert incident.investigation.completed_by == officer
    # The history names the officer for each change.
    assert incident.history.first().history_user == officer
    timeline = client.get(url("case-history", incident)).content.decode()
    for text in ("Status", "Closed", "Severity", "corrective action", "compliance clock"):
        assert text in timeline
    # Closed, it takes no open action: neither a new one nor one set back to open.
    page = client.get(url("case", incident)).content.decode()
    assert "The case is closed: reopen it to add a corrective action." in page
    reopened = client.post(
        url("case-action-status", incident, action.pk), {"status": ActionStatus.OPEN}, follow=True
    )
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    assert f"{incident.reference} is closed; reopen it to give it an open corrective" in (
        reopened.content.decode()
    )
    client.post(
        url("case-action-add", incident),
        {
            "action-description": "Another ladder check.",
            "action-control_level": "administrative",
            "action-owner": "marcus",
            "action-due_on": (timezone.localdate() + timedelta(days=10)).isoformat(),
        },
    )
    assert incident.actions.count() == 1


def test_an_imported_recordable_case_says_so_until_the_helper_confirms_it(
    client, officer, incident
):
    incident.recordable, incident.recordability_answers = True, {}
    incident.save()
    client.force_login(officer)

    page = client.get(url("case", incident)).content.decode()

    assert "Recorded as recordable, from a claims file or before every question" in page
    assert "Not decided yet." not in page


@time_machine.travel("2026-03-10 18:00 -07:00", tick=False)  # 01:00 on the 11th in UTC.
def test_an_action_due_today_is_not_overdue_in_the_evening(client, officer, incident):
    CorrectiveActionFactory(incident=incident, owner=officer, due_on=date(2026, 3, 10))
    CorrectiveActionFactory(incident=incident, owner=officer, due_on=date(2026, 3, 9))
    client.force_login(officer)

    page = client.get(url("case", incident)).content.decode()

    assert page.count("action--overdue") == 1  # Yesterday's, not today's.


def test_saving_a_done_action_as_done_again_keeps_the_day_it_was_done(client, officer, incident):
    incident.status = Status.ACTIONS_PENDING
    incident.save()
    done_at = datetime(2026, 1, 5, 10, 0, tzinfo=timezone.get_current_timezone())
    action = CorrectiveActionFactory(
        incident=incident, owner=officer, status=ActionStatus.DONE, completed_at=done_at
    )
    client.force_login(officer)

    client.post(url("case-action-status", incident, action.pk), {"status": ActionStatus.DONE})

    action.refresh_from_db()
    assert (action.status, action.completed_at) == (ActionStatus.DONE, done_at)


def test_an_action_names_its_control_rather_than_taking_elimination(client, officer, incident):
    incident.status = Status.INVESTIGATING
    incident.save()
    client.force_login(officer)

    response = client.post(
        url("case-action-add", incident),
        {
            "action-description": "Remind the crew to look before backing up.",
            "action-control_level": "",
            "action-owner": "marcus",
            "action-due_on": (timezone.localdate() + timedelta(days=10)).isoformat(),
        },
        follow=True,
    )

    assert not CorrectiveAction.objects.exists()
    assert "Choose the control this action is, from elimination to PPE." in (
        response.content.decode()
    )
    page = client.get(url("case", incident)).content.decode()
    assert '<option value="" selected>Choose a control</option>' in page


def test_an_empty_action_form_says_what_each_field_needs(client, officer, incident):
    incident.status = Status.INVESTIGATING
    incident.save()
    client.force_login(officer)

    response = client.post(
        url("case-action-add", incident),
        {
            "action-description": "",
            "action-control_level": "",
            "action-owner": "",
            "action-due_on": "",
        },
        follow=True,
    )

    page = response.content.decode()
    assert not CorrectiveAction.objects.exists()
    for message in (
        "Describe the action: say what will change.",
        "Choose the control this action is, from elimination to PPE.",
        "Type who owns this action: their username, employee ID or full name.",
        "Choose the date this action is due.",
    ):
        assert message in page
    assert "This field is required." not in page


def test_it_closes_with_open_actions_only_with_a_reason(client, officer, incident):
    incident.status = Status.ACTIONS_PENDING
    incident.save()
    CorrectiveActionFactory(incident=incident)
    client.force_login(officer)
    client.post(
        url("case-status", incident),
        {"status-status": Status.CLOSED, "status-close_reason": "Action moved to the fleet plan."},
    )
    incident.refresh_from_db()
    assert incident.status == Status.CLOSED
    assert incident.close_reason == "Action moved to the fleet plan."


def test_it_refuses_to_skip_the_workflow(client, officer, incident):
    client.force_login(officer)
    client.post(url("case-status", incident), {"status-status": Status.CLOSED})
    incident.refresh_from_db()
    assert incident.status == Status.NEW


def test_it_assigns_only_to_officers_of_the_department_or_risk_managers(client, officer, incident):
    outsider = user_with_role(Role.SAFETY_OFFICER, covers=(DepartmentFactory(),))
    manager = user_with_role(Role.RISK_MANAGER)
    client.force_login(officer)
    client.post(url("case-assign", incident), {"assign-assignee": outsider.pk})
    incident.refresh_from_db()
    assert incident.assignee is None
    client.post(url("case-assign", incident), {"assign-assignee": manager.pk})
    incident.refresh_from_db()
    assert incident.assignee == manager


def test_a_new_assignee_is_told_by_email_without_the_narrative(
    client, officer, incident, django_capture_on_commit_callbacks
):
    manager = user_with_role(Role.RISK_MANAGER, username="rosa")
    ComplianceClock.objects.create(
        incident=incident,
        kind=ClockKind.CLAIM_FORM,
        started_at=timezone.now(),
        due_at=timezone.now() + timedelta(hours=20),
    )
    client.force_login(officer)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("case-assign", incident), {"assign-assignee": manager.pk})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("case-assign", incident), {"assign-assignee": manager.pk})  # Unchanged.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("case-assign", incident), {"assign-assignee": officer.pk})  # Themselves.

    [message] = mail.outbox
    assert message.to == [manager.email]
    assert message.subject == f"[riskcabinet] {incident.reference} is assigned to you"
    assert f"{officer.get_full_name()} assigned you a case:" in message.body
    assert "Next deadline: Give claim form to employee" in message.body
    assert f"/triage/{incident.reference}/" in message.body
    assert incident.narrative not in message.body


def test_it_marks_a_privacy_case_with_a_reason(client, officer, incident):
    client.force_login(officer)
    client.post(url("case-privacy", incident), {"privacy-privacy_case": "on"})
    incident.refresh_from_db()
    assert incident.privacy_case is False  # No reason given.
    client.post(
        url("case-privacy", incident),
        {"privacy-privacy_case": "on", "privacy-privacy_reason": "sharps"},
    )
    incident.refresh_from_db()
    assert incident.privacy_case
    assert incident.privacy_reason == "sharps"


def _classified(client, incident, illness_type: str, **posted):
    return client.post(
        url("case-classify", incident),
        {
            "classify-severity": Severity.MEDICAL,
            "classify-illness_type": illness_type,
            "classify-days_away": "0",
            "classify-days_restricted": "0",
            **posted,
        },
        follow=True,
    )


def test_only_an_illness_is_a_privacy_case_at_the_employees_request(client, officer, incident):
    """29 CFR 1904.29(b)(7)(vi): an employee's request keeps the name of an illness off the log,
    never an injury's; and a case private at request cannot become an injury afterwards."""
    client.force_login(officer)
    at_request = {"privacy-privacy_case": "on", "privacy-privacy_reason": "employee_request"}
    refused = client.post(url("case-privacy", incident), at_request, follow=True)
    incident.refresh_from_db()
    assert incident.illness_type == "injury"
    assert incident.privacy_case is False
    assert "only an illness can be a privacy case" in refused.content.decode()

    _classified(client, incident, "respiratory")
    client.post(url("case-privacy", incident), at_request)
    incident.refresh_from_db()
    assert (incident.privacy_case, incident.privacy_reason) == (True, "employee_request")

    refused = _classified(client, incident, "injury")
    incident.refresh_from_db()
    assert incident.illness_type == "respiratory"
    assert "only an illness can be a privacy case" in refused.content.decode()


def test_it_adds_notes(client, officer, incident):
    client.force_login(officer)
    client.post(url("case-note-add", incident), {"note-body": "Called the supervisor."})
    assert incident.notes.get().author == officer
    assert "Called the supervisor." in client.get(url("case", incident)).content.decode()


def test_it_validates_oiics_codes_against_the_list(client, officer, incident):
    client.force_login(officer)
    response = client.post(url("case-codes", incident), {"codes-event": "999999"})
    assert "is not an OIICS" in response.content.decode()
    # Words typed to search but never picked are refused the same way, not as too long.
    response = client.post(url("case-codes", incident), {"codes-event": "forklift tipped over"})
    page = response.content.decode()
    assert "forklift tipped over” is not an OIICS" in page
    assert "pick one from the list" in page
    assert 'maxlength="80"' in page
    client.post(url("case-codes", incident), {"codes-event": "4211", "codes-part": "512"})
    incident.refresh_from_db()
    assert (incident.oiics_event, incident.oiics_part) == ("4211", "512")


def test_it_searches_the_oiics_lists(client, officer):
    client.force_login(officer)
    body = client.get(
        reverse("triage:oiics-search", args=["source"]), {"codes-source": "ladder"}
    ).content.decode()
    assert 'data-code="74"' in body
    assert "Ladders" in body
    by_code = client.get(reverse("triage:oiics-search", args=["event"]), {"q": "421"})
    assert 'data-code="4211"' in by_code.content.decode()


SUGGESTION = {
    "event": {
        "group": {"code": "42", "title": "Falls on same level", "probability": 0.9},
        "top": [
            {"code": "4211", "title": "Fall on same level due to tripping", "probability": 0.71},
            {"code": "4212", "title": "Fall on same level due to slipping", "probability": 0.1},
            {"code": "4219", "title": "Fall on same level, n.e.c.", "probability": 0.05},
        ],
        "auto_accept": False,
    }
}


def test_it_shows_suggestions_and_learns_from_the_officers_choice(
    client, officer, incident, monkeypatch
):
    monkeypatch.setattr(triage_views, "_code_suggestions", lambda narrative: SUGGESTION)
    client.force_login(officer)
    body = client.get(url("case", incident)).content.decode()
    assert "4211" in body
    assert "71%" in body
    assert "Likely group 42 Falls on same level" in body
    client.post(url("case-code-accept", incident), {"accept": "event:4211"})
    client.post(url("case-codes", incident), {"codes-event": "4212"})
    corrections = list(CodeCorrection.objects.order_by("pk"))
    assert [(c.suggested_code, c.chosen_code) for c in corrections] == [
        ("4211", "4211"),
        ("4211", "4212"),
    ]
    assert corrections[1].officer == officer
    assert corrections[1].suggested_probability == 0.71


def test_it_says_when_the_coder_was_trained_and_on_how_many_corrections(
    client, officer, incident, monkeypatch
):
    import riskcabinet.autocode as autocode

    monkeypatch.setattr(triage_views, "_code_suggestions", lambda narrative: SUGGESTION)
    monkeypatch.setattr(
        autocode,
        "model_info",
        lambda: {"trained_at": "2026-11-22T12:04:00+00:00", "corrections": 14},
    )
    client.force_login(officer)

    body = client.get(url("case", incident)).content.decode()

    assert (
        "Suggested by the coder trained Nov 22, 2026 on OSHA's severe-injury reports and 14 of "
        "the officers' corrections. It learns the week's corrections every Sunday."
    ) in body


def test_the_shipped_coder_says_when_it_was_trained():
    from riskcabinet.autocode import model_info

    info = model_info()

    assert info["corrections"] >= 0
    assert info["trained_at"][:4].isdigit()


def test_it_shows_nothing_when_no_coder_is_trained(client, officer, incident, monkeypatch):
    def broken(narrative):
        raise FileNotFoundError("no model")

    import riskcabinet.autocode as autocode

    monkeypatch.setattr(autocode, "suggest", broken, raising=False)
    client.force_login(officer)
    response = client.get(url("case", incident))
    assert response.status_code == 200
    assert 'class="suggestions"' not in response.content.decode()
    assert "Suggested by the coder trained" not in response.content.decode()


def test_it_exports_code_corrections_for_training(tmp_path, officer, incident):
    incident.oiics_event = "4212"
    incident.save()
    CodeCorrection.objects.create(
        incident=incident, field="event", suggested_code="4211", chosen_code="4212", officer=officer
    )
    out = tmp_path / "corrections.jsonl"
    call_command("export_code_corrections", "--out", str(out))
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert lines == [
        {"narrative": incident.narrative, "event": "4212", "nature": None, "part": None}
    ]


# --- Duplicates and merging -------------------------------------------------------------------


def test_it_flags_a_report_of_the_same_place_and_time_as_a_possible_duplicate(department):
    first = report(department)
    second = report(department, minutes_later=40, location_text="central yard 1149 s broadway")
    elsewhere = report(department, minutes_later=30, location_text="Hyperion plant")
    assert second.possible_duplicate_of == first
    assert elsewhere.possible_duplicate_of is None
    assert first.clocks.filter(kind=ClockKind.CLAIM_FORM).exists()  # Clocks start on creation.


def test_it_flags_reports_within_200_metres(department):
    first = report(
        department,
        location_text="By the bus stop",
        latitude=Decimal("34.0522"),
        longitude=Decimal("-118.2437"),
    )
    near = report(
        department,
        minutes_later=20,
        location_text="Corner of 1st and Spring",
        latitude=Decimal("34.0530"),
        longitude=Decimal("-118.2440"),
    )
    far = report(
        department,
        minutes_later=20,
        location_text="Somewhere",
        latitude=Decimal("34.0700"),
        longitude=Decimal("-118.2437"),
    )
    assert near.possible_duplicate_of == first
    assert far.possible_duplicate_of is None


def test_it_only_matches_open_reports_of_the_same_department_within_two_hours(department):
    other_department = DepartmentFactory()
    merged = report(department, minutes_later=-30)
    merged.merged_into = report(department, minutes_later=-100, location_text="Hyperion plant")
    merged.save()
    report(other_department)
    report(department, minutes_later=-125)  # 2 h 5 min before the new report.
    fresh = report(department)
    assert fresh.possible_duplicate_of is None
    assert report(department, minutes_later=115).possible_duplicate_of == fresh


def test_it_points_a_report_at_the_first_of_a_chain_found_after_many_other_places(department):
    first = report(department)
    for n in range(25):  # Candidates read first (they happened earlier), a few at a time.
        report(department, minutes_later=10, location_text=f"Depot {n}")
    second = report(department, minutes_later=20)
    assert second.possible_duplicate_of == first
    # Within two hours of the second report, not of the first: the second is the match, found
    # after the 25 depots, and the answer is the first of its chain.
    assert report(department, minutes_later=135).possible_duplicate_of == first


def test_of_several_matches_it_names_the_one_that_happened_first(department):
    later = report(department, minutes_later=30, location_text="Hyperion plant")
    earlier = report(department, minutes_later=-30, location_text="Hyperion plant")
    assert earlier.possible_duplicate_of == later  # The only one on file then.
    # An officer dismissed that flag: two separate cases at the same place now.
    Incident.objects.filter(pk=earlier.pk).update(possible_duplicate_of=None)
    assert report(department, location_text="Hyperion plant").possible_duplicate_of == earlier


def test_it_never_calls_a_saved_case_a_duplicate_of_itself(department):
    alone = report(department)
    assert incident_duplicate_of(alone) is None
    later = report(department, minutes_later=3)
    assert incident_duplicate_of(later) == alone.pk


def test_it_merges_a_duplicate_keeping_both_narratives_and_all_photos(client, officer, department):
    first = report(department, narrative="Worker slipped on oil.")
    second = report(department, minutes_later=10, narrative="I saw Ana slip by pump 3.")
    Attachment.objects.create(
        incident=second, file="photos/a.jpg", content_type="image/jpeg", size=1, sha256="a" * 64
    )
    client.force_login(officer)
    queue = client.get(reverse("triage:queue")).content.decode()
    assert f"Possible duplicate of {first.reference}" in queue
    response = client.post(url("case-merge", second), {"merge-into": first.reference})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.merged_into == first
    assert first.attachments.count() == 1
    page = client.get(url("case", first)).content.decode()
    assert "Worker slipped on oil." in page
    assert "I saw Ana slip by pump 3." in page
    assert second.reference in page
    refs = [i.reference for i in client.get(reverse("triage:queue")).context["page"].object_list]
    assert second.reference not in refs
    # The merged reference still leads somewhere useful.
    assert client.get(url("case", second)).url == url("case", first)


def test_a_merge_moves_the_claims_to_the_surviving_case(client, officer, department):
    first = report(department)
    second = report(department, minutes_later=10)
    claim = Claim.objects.create(claim_number="WC-9", opened_on=date(2025, 3, 5), incident=second)
    client.force_login(officer)

    client.post(url("case-merge", second), {"merge-into": first.reference})

    claim.refresh_from_db()
    assert claim.incident == first
    entry = claim.history.first()
    assert (entry.history_user, entry.history_change_reason) == (
        officer,
        f"Moved with {second.reference}, merged into {first.reference}",
    )


def test_the_history_lists_rows_of_the_same_moment_newest_first_too(client, officer, department):
    # A seeded or imported case and what it starts are written with one time: the case was
    # still created first, so it is last in a list that is newest first.
    with time_machine.travel("2026-03-10 09:30 -07:00", tick=False):
        incident = IncidentFactory(department=department)
        first = CorrectiveActionFactory(incident=incident, description="Fit a lift gate.")
        second = CorrectiveActionFactory(incident=incident, description="Train the crew.")

    entries = [(e.what, e.kind, e.label) for e in incident_timeline(incident)]

    assert entries == [
        ("Corrective action", "created", second.description),
        ("Corrective action", "created", first.description),
        ("Case", "created", incident.reference),
    ]
    client.force_login(officer)
    page = client.get(url("case-history", incident)).content.decode()
    assert page.index(second.description) < page.index(first.description)
    assert page.index(first.description) < page.index("created case")


def test_a_merged_actions_history_stays_on_the_surviving_cases_timeline(
    client, officer, department
):
    first = report(department)
    second = report(department, minutes_later=10)
    first_owner = user_with_role(Role.EMPLOYEE, username="first-owner")
    first_owner.first_name, first_owner.last_name = "Dana", "Ruiz"
    first_owner.save()
    due = timezone.localdate() + timedelta(days=10)
    client.force_login(officer)
    action = CorrectiveActionFactory(incident=second, owner=first_owner, due_on=due)
    action.owner, action.due_on = officer, due + timedelta(days=30)
    action.save()

    client.post(url("case-merge", second), {"merge-into": first.reference})

    timeline = client.get(url("case-history", first)).content.decode()
    assert "Dana Ruiz" in timeline  # The owner before the hand-over, recorded on the duplicate.
    assert "created corrective action" in timeline  # Created on the duplicate.


def test_a_finished_investigation_is_not_left_behind_on_a_merged_case(client, officer, department):
    first = report(department)
    second = report(department, minutes_later=10)
    Investigation.objects.create(incident=first, whys=["Slipped"])  # A draft.
    Investigation.objects.create(
        incident=second, root_cause="Worn step", completed_by=officer, completed_at=timezone.now()
    )
    client.force_login(officer)

    refused = client.post(url("case-merge", second), {"merge-into": first.reference}, follow=True)
    client.post(url("case-merge", first), {"merge-into": second.reference})

    assert f"Merge {first.reference} into {second.reference} instead." in refused.content.decode()
    first.refresh_from_db()
    assert first.merged_into == second
    assert Investigation.objects.get(incident=second).completed_at is not None


def test_a_case_holding_a_merged_privacy_case_stays_one(client, officer, department):
    secret = report(department, narrative="Assaulted in the locker room.")
    survivor = report(department, minutes_later=10)
    for case in (secret, survivor):
        case.privacy_case, case.privacy_reason = True, "sexual_assault"
        case.save()
    client.force_login(officer)
    client.post(url("case-merge", secret), {"merge-into": survivor.reference})

    refused = client.post(url("case-privacy", survivor), {}, follow=True)
    survivor.privacy_case = False  # Say it had been unmarked before this rule existed.
    survivor.save()
    client.force_login(user_with_role(Role.ADMINISTRATOR))
    page = client.get(url("case", survivor)).content.decode()

    assert f"{secret.reference}, a privacy case, was merged into this one" in (
        refused.content.decode()
    )
    assert "locker room" not in page


def test_a_case_on_the_osha_log_is_not_merged_into_an_unclassified_one(client, officer, department):
    first = report(department)
    second = report(department, minutes_later=10)
    Incident.objects.filter(pk=second.pk).update(severity=Severity.DAYS_AWAY, recordable=True)
    client.force_login(officer)

    response = client.post(url("case-merge", second), {"merge-into": first.reference}, follow=True)

    second.refresh_from_db()
    assert second.merged_into is None
    assert (
        f"{second.reference} is classified as more serious than {first.reference} "
        f"(days away from work, on the OSHA log). Merge {first.reference} into "
        f"{second.reference} instead"
    ) in response.content.decode()
    # The other way round is what the officer is told to do, and it goes through.
    client.post(url("case-merge", first), {"merge-into": second.reference})
    first.refresh_from_db()
    assert first.merged_into == second


def _merge_refused(client, source, target) -> str:
    response = client.post(url("case-merge", source), {"merge-into": target.reference}, follow=True)
    source.refresh_from_db()
    assert source.merged_into is None
    return response.content.decode()


def test_a_report_merged_into_a_case_already_merged_is_pointed_at_the_survivor(
    client, officer, department
):
    first = report(department)
    second = report(department, minutes_later=5)
    third = report(department, minutes_later=10)
    client.force_login(officer)
    client.post(url("case-merge", second), {"merge-into": first.reference})

    response = client.post(url("case-merge", third), {"merge-into": second.reference})

    third.refresh_from_db()
    assert third.merged_into is None
    assert (
        f"{second.reference} was merged into {first.reference}; merge into that case."
        in response.content.decode()
    )


def test_a_report_is_not_merged_into_a_case_of_another_department(client, department):
    other = DepartmentFactory()
    both = user_with_role(Role.SAFETY_OFFICER, covers=(department, other))
    mine, theirs = report(department), report(other)
    client.force_login(both)

    page = _merge_refused(client, mine, theirs)

    assert "are cases of different departments; only reports of one department are merged" in page


def test_a_privacy_case_is_not_merged_with_an_ordinary_one(client, officer, department):
    ordinary = report(department)
    private = report(department, minutes_later=5)
    Incident.objects.filter(pk=private.pk).update(privacy_case=True)
    client.force_login(officer)

    page = _merge_refused(client, private, ordinary)

    assert (
        f"{private.reference} is a privacy case and {ordinary.reference} is not: mark "
        f"{ordinary.reference} as a privacy case first"
    ) in page


def test_nothing_is_merged_into_a_closed_case(client, officer, department):
    closed = report(department)
    Incident.objects.filter(pk=closed.pk).update(status=Status.CLOSED)
    open_one = report(department, minutes_later=5)
    CorrectiveActionFactory(incident=open_one)
    client.force_login(officer)

    page = _merge_refused(client, open_one, closed)

    assert f"{closed.reference} is closed; reopen it before merging into it." in page
    assert closed.actions.count() == 0


def test_a_merge_brings_the_notes_and_the_reports_flagged_as_duplicates_along(
    client, officer, department
):
    first = report(department)
    second = report(department, minutes_later=5)
    third = report(department, minutes_later=10)
    Incident.objects.filter(pk=third.pk).update(possible_duplicate_of=second)
    client.force_login(officer)
    client.post(url("case-note-add", second), {"note-body": "Called the clinic: X-ray Tuesday."})

    client.post(url("case-merge", second), {"merge-into": first.reference})

    assert [note.body for note in first.notes.all()] == ["Called the clinic: X-ray Tuesday."]
    third.refresh_from_db()
    assert third.possible_duplicate_of == first  # Not the merged case, which has no page.


def test_it_dismisses_a_false_duplicate(client, officer, department):
    first = report(department)
    second = report(department, minutes_later=5)
    client.force_login(officer)
    client.post(url("case-duplicate-dismiss", second))
    second.refresh_from_db()
    assert second.possible_duplicate_of is None
    assert first.merged_cases.count() == 0


# --- Timeline and the case page's cost --------------------------------------------------------


def test_it_keeps_the_case_page_and_timeline_queries_flat(
    client, officer, incident, django_assert_max_num_queries
):
    for _ in range(5):
        CorrectiveActionFactory(incident=incident, owner=officer)
    client.force_login(officer)
    with django_assert_max_num_queries(12):
        client.get(url("case", incident))
    for action in CorrectiveAction.objects.filter(incident=incident):
        action.status = ActionStatus.IN_PROGRESS
        action.save()
    with django_assert_max_num_queries(16):
        body = client.get(url("case-history", incident)).content.decode()
    assert body.count("In progress") == 5


def test_the_case_history_indexes_only_what_the_timeline_and_audits_read():
    # Every report writes a history row: each further index would slow down every report.
    history = Incident.history.model._meta
    indexed = {f.name for f in history.concrete_fields if f.db_index or f.primary_key}
    assert indexed == {"history_id", "id", "history_date", "history_user"}
    assert not history.indexes


def test_it_hands_an_open_action_to_another_owner_with_a_new_due_date(client, officer, incident):

    first = user_with_role(Role.EMPLOYEE, username="first-owner")
    second = user_with_role(Role.EMPLOYEE, username="second-owner", employee_id="E555001")
    overdue = timezone.localdate() - timedelta(days=4)
    action = CorrectiveActionFactory(
        incident=incident, owner=first, due_on=overdue, last_reminded_on=timezone.localdate()
    )
    client.force_login(officer)
    prefix = f"action-{action.pk}"
    page = client.get(url("case", incident)).content.decode()
    assert "Change owner or due date" in page

    # The overdue date may stay as it is while the owner changes...
    response = client.post(
        url("case-action-change", incident, action.pk),
        {f"{prefix}-owner": "E555001", f"{prefix}-due_on": overdue.isoformat()},
    )
    action.refresh_from_db()
    assert response.status_code == 302
    assert (action.owner, action.due_on, action.last_reminded_on) == (second, overdue, None)
    assert action.history.count() == 2

    # ...but a new date cannot be in the past, and the form says so in place.
    response = client.post(
        url("case-action-change", incident, action.pk),
        {
            f"{prefix}-owner": "second-owner",
            f"{prefix}-due_on": (overdue - timedelta(days=1)).isoformat(),
        },
    )
    action.refresh_from_db()
    assert response.status_code == 200
    assert "The due date cannot be in the past." in response.content.decode()
    assert action.due_on == overdue

    later = timezone.localdate() + timedelta(days=30)
    client.post(
        url("case-action-change", incident, action.pk),
        {f"{prefix}-owner": "second-owner", f"{prefix}-due_on": later.isoformat()},
    )
    action.refresh_from_db()
    assert action.due_on == later


def test_a_finished_action_keeps_its_owner_and_date(client, officer, incident):

    action = CorrectiveActionFactory(incident=incident, status=ActionStatus.DONE)
    before = (action.owner_id, action.due_on)
    client.force_login(officer)
    prefix = f"action-{action.pk}"

    response = client.post(
        url("case-action-change", incident, action.pk),
        {f"{prefix}-owner": officer.username, f"{prefix}-due_on": "2031-01-01"},
        follow=True,
    )

    action.refresh_from_db()
    assert (action.owner_id, action.due_on) == before
    assert "Only an open action can be given another owner or due date." in (
        response.content.decode()
    )


def test_an_owner_typed_as_one_persons_username_and_anothers_employee_id_is_not_guessed(
    client, officer, incident
):
    by_username = user_with_role(Role.EMPLOYEE, username="e4410", employee_id="E1")
    by_id = user_with_role(Role.EMPLOYEE, username="dana.ruiz", employee_id="E4410")
    action = CorrectiveActionFactory(incident=incident, owner=officer)
    prefix = f"action-{action.pk}"
    client.force_login(officer)
    due = (timezone.localdate() + timedelta(days=9)).isoformat()

    response = client.post(
        url("case-action-change", incident, action.pk),
        {f"{prefix}-owner": "E4410", f"{prefix}-due_on": due},
    )
    action.refresh_from_db()
    assert response.status_code == 200
    assert action.owner == officer
    page = response.content.decode()
    assert "E4410 matches" in page
    assert "username e4410, employee ID E1" in page
    assert "username dana.ruiz, employee ID E4410" in page

    # Typed so that it names one person, it is taken.
    client.post(
        url("case-action-change", incident, action.pk),
        {f"{prefix}-owner": "dana.ruiz", f"{prefix}-due_on": due},
    )
    action.refresh_from_db()
    assert action.owner == by_id
    client.post(
        url("case-action-change", incident, action.pk),
        {f"{prefix}-owner": "E1", f"{prefix}-due_on": due},
    )
    action.refresh_from_db()
    assert action.owner == by_username
