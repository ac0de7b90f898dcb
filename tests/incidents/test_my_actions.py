"""The owner of a corrective action sees it on "My actions" and says when it is in progress or
done, and what was done; the case's officer is told, and the case keeps the record."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from incidents.models import ActionStatus, Attachment, CaseNote, CorrectiveAction
from incidents.triage_services import WorkflowError, corrective_action_owner_report
from riskcabinet.roles import Role
from tests.factories import (
    CorrectiveActionFactory,
    DepartmentFactory,
    IncidentFactory,
    user_with_role,
)
from tests.incidents.intake_helpers import photo_file

pytestmark = pytest.mark.django_db
PAGE = "/my-actions/"


@pytest.fixture
def owner():
    user = user_with_role(Role.EMPLOYEE, username="crew-lead")
    user.first_name, user.last_name = "Rosa", "Delgado"
    user.save()
    return user


@pytest.fixture
def department():
    return DepartmentFactory(name="Street Services")


@pytest.fixture
def officer(department):
    officer = user_with_role(Role.SAFETY_OFFICER, username="officer-a", covers=(department,))
    officer.email = "officer-a@riskcabinet.example"
    officer.save()
    return officer


@pytest.fixture
def incident(officer, department):
    return IncidentFactory(
        department=department,
        assignee=officer,
        location_text="North yard, gate 3",
        narrative="Tripped over a hose reel and hurt her wrist badly.",
    )


def _action(incident, owner, days=10, **fields):
    return CorrectiveActionFactory(
        incident=incident,
        owner=owner,
        due_on=timezone.localdate() + timedelta(days=days),
        **fields,
    )


def test_the_page_lists_the_owners_open_actions_overdue_first_and_not_anyone_elses(
    client, owner, incident
):
    later = _action(incident, owner, days=10, description="Fit hose reels in the yard.")
    overdue = _action(incident, owner, days=-2, description="Mark the walkway in yellow.")
    _action(incident, user_with_role(Role.EMPLOYEE), description="Somebody else's fix.")
    client.force_login(owner)

    page = client.get(PAGE).content.decode()

    assert page.index("Mark the walkway in yellow.") < page.index("Fit hose reels in the yard.")
    assert [f'id="action-{action.pk}"' in page for action in (overdue, later)] == [True, True]
    assert ["Overdue (1)" in page, "Open (1)" in page] == [True, True]
    assert "Somebody else's fix." not in page
    # The case's reference, type, department and place; not its story or the person hurt.
    assert [text in page for text in (incident.reference, "Street Services", "North yard")] == [
        True
    ] * 3
    assert "hose reel and hurt" not in page


def test_a_privacy_case_keeps_its_place_off_the_page(client, owner, incident):
    incident.privacy_case = True
    incident.save()
    _action(incident, owner)
    client.force_login(owner)

    page = client.get(PAGE).content.decode()

    assert incident.reference in page
    assert "North yard" not in page


def test_marking_done_records_what_was_done_on_the_action_and_the_case_and_tells_the_officer(
    client, owner, officer, incident, django_capture_on_commit_callbacks
):
    action = _action(incident, owner)
    _action(incident, owner, description="Another fix, still open.")
    client.force_login(owner)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("incidents:my-action-update", args=[action.pk]),
            {"status": "done", "note": "Reels fitted on both walls on Tuesday."},
        )

    action.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}#action-{action.pk}"
    assert action.status == ActionStatus.DONE
    assert action.completed_at is not None
    assert action.completion_note == "Reels fitted on both walls on Tuesday."
    assert action.history.first().history_user == owner
    note = CaseNote.objects.get(incident=incident)
    assert note.author == owner
    assert "Reels fitted on both walls on Tuesday." in note.body
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["officer-a@riskcabinet.example"]
    assert incident.reference in message.subject
    assert "Rosa Delgado" in message.body
    assert "Reels fitted on both walls on Tuesday." in message.body
    assert "1 other action on the case is still open." in message.body
    assert "hurt her wrist" not in message.body
    # The officer sees it on the case.
    client.force_login(officer)
    case = client.get(reverse("triage:case", args=[incident.reference])).content.decode()
    assert "What was done, by its owner:" in case


def test_the_last_open_action_done_asks_the_officer_to_close_the_case(
    owner, officer, incident, django_capture_on_commit_callbacks
):
    action = _action(incident, owner)

    with django_capture_on_commit_callbacks(execute=True):
        corrective_action_owner_report(action=action, user=owner, status="done", note="Done.")

    assert "It was the case's last open action" in mail.outbox[0].body


def test_done_without_a_word_on_what_was_done_is_refused_on_the_page(client, owner, incident):
    action = _action(incident, owner)
    client.force_login(owner)

    response = client.post(
        reverse("incidents:my-action-update", args=[action.pk]), {"status": "done", "note": "  "}
    )

    action.refresh_from_db()
    page = response.content.decode()
    assert response.status_code == 200
    assert action.status == ActionStatus.OPEN
    assert "Say what was done, so the safety officer can check it." in page
    assert 'aria-invalid="true"' in page
    assert not CaseNote.objects.exists()


def test_in_progress_needs_no_note_and_sends_no_email(
    client, owner, incident, django_capture_on_commit_callbacks
):
    action = _action(incident, owner)
    client.force_login(owner)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("incidents:my-action-update", args=[action.pk]), {"status": "in_progress"}
        )

    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS
    assert action.completed_at is None
    assert mail.outbox == []
    assert not CaseNote.objects.exists()
    page = client.get(PAGE).content.decode()
    assert "In progress" in page
    assert "Mark in progress" not in page  # Already is.


def test_someone_elses_action_is_not_found(client, owner, incident):
    action = _action(incident, user_with_role(Role.EMPLOYEE))
    client.force_login(owner)

    response = client.post(
        reverse("incidents:my-action-update", args=[action.pk]), {"status": "done", "note": "x"}
    )

    action.refresh_from_db()
    assert response.status_code == 404
    assert action.status == ActionStatus.OPEN


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (ActionStatus.DONE, "This action is already done."),
        (ActionStatus.CANCELLED, "The safety officer has cancelled this action."),
    ],
)
def test_an_action_no_longer_open_cannot_be_reported_again(owner, incident, status, message):
    action = _action(incident, owner, status=status)

    with pytest.raises(WorkflowError, match=message):
        corrective_action_owner_report(action=action, user=owner, status="done", note="Again.")


def test_the_owner_cannot_cancel_an_action(owner, incident):
    action = _action(incident, owner)

    with pytest.raises(WorkflowError, match="in progress or done"):
        corrective_action_owner_report(action=action, user=owner, status="cancelled", note="No.")
    assert CorrectiveAction.objects.get(pk=action.pk).status == ActionStatus.OPEN


def test_the_header_shows_my_actions_with_the_open_count_only_to_owners(client, owner, incident):
    client.force_login(owner)
    assert "My actions" not in client.get("/my-reports/").content.decode()

    _action(incident, owner)
    _action(incident, owner, status=ActionStatus.DONE)
    page = client.get("/my-reports/").content.decode()

    assert 'href="/my-actions/">My actions <span class="nav-count">1<' in page


def test_the_page_asks_for_a_sign_in(client):
    response = client.get(PAGE)

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_page_speaks_spanish_to_a_spanish_speaking_owner(client, incident):
    owner = user_with_role(Role.EMPLOYEE, language="es")
    _action(incident, owner)
    client.force_login(owner)

    page = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="es").content.decode()

    assert "Mis medidas" in page
    assert "Marcar como hecha" in page


def test_a_new_owner_is_told_at_once_in_their_language(
    client, officer, incident, django_capture_on_commit_callbacks
):
    owner = user_with_role(Role.EMPLOYEE, username="capataz", language="es")
    owner.email = "capataz@riskcabinet.example"
    owner.save()
    client.force_login(officer)
    due = timezone.localdate() + timedelta(days=30)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("triage:case-action-add", args=[incident.reference]),
            {
                "action-description": "Fit hose reels in the wash bay.",
                "action-control_level": "engineering",
                "action-owner": "capataz",
                "action-due_on": due.isoformat(),
            },
        )

    action = CorrectiveAction.objects.get(incident=incident)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["capataz@riskcabinet.example"]
    assert message.subject.startswith(
        "[riskcabinet] Una medida correctiva a su cargo, fecha límite: "
    )
    assert "Fit hose reels in the wash bay." in message.body
    assert f"Caso {incident.reference}" in message.body
    assert f"/my-actions/#action-{action.pk}" in message.body
    assert "hurt her wrist" not in message.body


def test_a_hand_over_tells_the_new_owner_but_a_new_date_alone_does_not(
    client, officer, owner, incident, django_capture_on_commit_callbacks
):
    owner.email = "crew-lead@riskcabinet.example"
    owner.save()
    action = _action(incident, owner)
    successor = user_with_role(Role.EMPLOYEE, username="successor")
    successor.email = "successor@riskcabinet.example"
    successor.save()
    client.force_login(officer)
    prefix = f"action-{action.pk}"
    later = (timezone.localdate() + timedelta(days=40)).isoformat()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("triage:case-action-change", args=[incident.reference, action.pk]),
            {f"{prefix}-owner": owner.username, f"{prefix}-due_on": later},
        )
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("triage:case-action-change", args=[incident.reference, action.pk]),
            {f"{prefix}-owner": "successor", f"{prefix}-due_on": later},
        )
    assert [message.to for message in mail.outbox] == [["successor@riskcabinet.example"]]


def test_an_officer_who_takes_an_action_on_themselves_gets_no_email(
    client, officer, incident, django_capture_on_commit_callbacks
):
    client.force_login(officer)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("triage:case-action-add", args=[incident.reference]),
            {
                "action-description": "Walk the yard with the crew.",
                "action-control_level": "administrative",
                "action-owner": officer.username,
                "action-due_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
            },
        )

    assert CorrectiveAction.objects.filter(owner=officer).exists()
    assert mail.outbox == []


def test_the_case_page_says_when_every_action_is_finished(client, officer, owner, incident):
    notice = "Every corrective action is finished: close the case once nothing else is left"
    _action(incident, owner, status=ActionStatus.DONE)
    still_open = _action(incident, owner)
    client.force_login(officer)
    case_url = reverse("triage:case", args=[incident.reference])

    assert notice not in client.get(case_url).content.decode()
    corrective_action_owner_report(action=still_open, user=owner, status="done", note="Fitted.")
    assert notice in client.get(case_url).content.decode()


def test_a_photo_of_the_work_goes_on_the_case_with_the_note(client, owner, incident):
    action = _action(incident, owner)
    client.force_login(owner)

    response = client.post(
        reverse("incidents:my-action-update", args=[action.pk]),
        {"status": "done", "note": "New treads fitted.", "photo": photo_file("treads.jpg")},
    )

    action.refresh_from_db()
    assert response.status_code == 302
    assert action.status == ActionStatus.DONE
    photo = Attachment.objects.get(incident=incident)
    assert photo.history.first().history_user == owner
    assert "treads" not in photo.file.name  # Stored under its content hash only.
    assert "A photo of the work is with the case's photos." in CaseNote.objects.get().body


def test_a_file_that_is_not_a_photo_is_refused_and_changes_nothing(client, owner, incident):
    action = _action(incident, owner)
    client.force_login(owner)
    fake = photo_file("treads.jpg", content=b"not a picture at all")

    response = client.post(
        reverse("incidents:my-action-update", args=[action.pk]),
        {"status": "done", "note": "New treads fitted.", "photo": fake},
    )

    action.refresh_from_db()
    page = response.content.decode()
    assert response.status_code == 200
    assert action.status == ActionStatus.OPEN
    assert "The photo was not taken:" in page
    assert "New treads fitted." in page  # Still in the box.
    assert not Attachment.objects.exists()
    assert not CaseNote.objects.exists()


def test_an_action_cancelled_while_the_page_was_open_says_so_instead_of_a_silent_reload(
    client, owner, incident
):
    action = _action(incident, owner)
    client.force_login(owner)
    # The safety officer cancels it while the owner is writing their note.
    CorrectiveAction.objects.filter(pk=action.pk).update(status=ActionStatus.CANCELLED)

    response = client.post(
        reverse("incidents:my-action-update", args=[action.pk]),
        {"status": "done", "note": "Reels fitted on both walls."},
        follow=True,
    )

    page = response.content.decode()
    assert "The safety officer has cancelled this action." in page
    assert "Reels fitted on both walls." in page  # What they wrote is not thrown away unseen.


def test_a_refused_update_with_a_photo_asks_for_the_photo_again(client, owner, incident):
    action = _action(incident, owner)
    client.force_login(owner)

    response = client.post(
        reverse("incidents:my-action-update", args=[action.pk]),
        {"status": "done", "note": "", "photo": photo_file("treads.jpg")},
    )

    page = response.content.decode()
    assert "Say what was done, so the safety officer can check it." in page
    assert "Choose the photo again" in page  # A file box cannot keep it across the reload.
    assert not Attachment.objects.exists()
