"""The classification and the recordability helper agree with each other and with the rules: a
serious case has a serious outcome, day counts need the severity they imply, the helper cannot
call first aid a case classified with time lost (or the reverse), and answers that settle
nothing leave a stored decision alone."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents.clocks import clocks_start_for
from incidents.models import ClockKind, Severity, Status
from incidents.recordability import CRITERIA_QUESTIONS, QUESTIONS, WORK_RELATED_EXCEPTIONS
from incidents.triage_forms import ClassifyForm
from incidents.triage_services import (
    WorkflowError,
    incident_classify,
    incident_recordability_decide,
)
from riskcabinet.roles import Role
from tests.factories import DepartmentFactory, IncidentFactory, user_with_role

ALL_YES_GATES = {"work_related": "yes", "new_case": "yes"}


def _classified(**overrides) -> ClassifyForm:
    data = {"severity": Severity.FIRST_AID, "illness_type": "injury", "days_away": "0"}
    return ClassifyForm(data={"days_restricted": "0", **data, **overrides})


@pytest.mark.django_db
def test_answers_that_settle_nothing_keep_the_stored_decision_and_its_log_clock():
    """A case imported from a claims file as recordable has its 7-day 300-log clock running
    (29 CFR 1904.29(b)(3)); saving the helper with one answer must not undo either."""
    incident = IncidentFactory(severity=Severity.DAYS_AWAY, recordable=True)
    clocks_start_for(incident=incident)

    decision = incident_recordability_decide(incident=incident, answers={"work_related": "yes"})

    incident.refresh_from_db()
    assert decision.recordable is None
    assert incident.recordable is True
    assert incident.clocks.filter(kind=ClockKind.LOG_300, completed_at__isnull=True).exists()


@pytest.mark.parametrize("severity", [Severity.NONE, Severity.FIRST_AID])
def test_first_aid_or_no_injury_is_never_a_serious_case(severity):
    """Title 8 section 330(h): death, in-patient hospitalization, amputation, loss of an eye or
    serious permanent disfigurement."""
    form = _classified(severity=severity, state_reportable="on")

    assert not form.is_valid()
    assert "not a serious injury for Cal/OSHA" in form.errors["severity"][0]


@pytest.mark.django_db
def test_a_near_miss_marked_serious_is_refused_and_starts_no_eight_hour_clock():
    incident = IncidentFactory(severity=Severity.NONE)

    with pytest.raises(WorkflowError, match="not a serious injury"):
        incident_classify(
            incident=incident,
            severity=Severity.NONE,
            illness_type="injury",
            state_reportable=True,
            days_away=0,
            days_restricted=0,
        )

    assert not incident.clocks.filter(kind=ClockKind.CALOSHA_REPORT).exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"severity": Severity.FIRST_AID, "days_away": "3"}, 'at least "Days away from work"'),
        ({"severity": Severity.RESTRICTED, "days_away": "2"}, 'at least "Days away from work"'),
        ({"severity": Severity.NONE, "days_restricted": "4"}, 'least "Job restriction or'),
        ({"severity": Severity.MEDICAL, "days_restricted": "1"}, 'least "Job restriction or'),
    ],
)
def test_day_counts_need_the_severity_they_imply(fields, message):
    """Days away or restriction make an outcome worse than first aid (1904.7(b)(3)-(4)); the
    log reads the day counts first, and the claim-form and Form 5020 deadlines the severity."""
    form = _classified(**fields)

    assert not form.is_valid()
    assert message in form.errors["severity"][0]


def test_day_counts_within_their_severity_are_accepted():
    assert _classified(severity=Severity.DAYS_AWAY, days_away="3", days_restricted="2").is_valid()
    assert _classified(severity=Severity.RESTRICTED, days_restricted="4").is_valid()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "contradicted"),
    [
        ({"severity": Severity.DAYS_AWAY, "days_away": 5}, "days away from work"),
        ({"severity": Severity.RESTRICTED, "days_restricted": 4}, "restricted work"),
        ({"severity": Severity.FATALITY}, "death"),
    ],
)
def test_the_helper_cannot_call_first_aid_a_case_classified_with_a_recordable_outcome(
    fields, contradicted
):
    incident = IncidentFactory(**fields)
    first_aid_only = ALL_YES_GATES | {key: "no" for key, _, _ in CRITERIA_QUESTIONS}

    with pytest.raises(WorkflowError, match=f"The classification says {contradicted}"):
        incident_recordability_decide(incident=incident, answers=first_aid_only)

    incident.refresh_from_db()
    assert incident.recordable is None


@pytest.mark.django_db
def test_treatment_beyond_first_aid_on_a_first_aid_case_asks_for_the_classification_first():
    """Otherwise the case goes on the log with only the 300-log deadline, without the claim
    form's and Form 5020's."""
    incident = IncidentFactory(severity=Severity.FIRST_AID)

    with pytest.raises(WorkflowError, match="classify the case first"):
        incident_recordability_decide(
            incident=incident, answers=ALL_YES_GATES | {"medical_treatment": "yes"}
        )

    assert not incident.clocks.exists()


@pytest.mark.django_db
def test_a_date_of_death_waits_for_the_fatality_classification(client):
    """The classification starts the Cal/OSHA 8-hour clock for a death (Title 8 section 342):
    a date of death on a case classified otherwise would put a death on the log without it."""
    department = DepartmentFactory()
    client.force_login(user_with_role(Role.SAFETY_OFFICER, covers=(department,)))
    incident = IncidentFactory(
        department=department, severity=Severity.DAYS_AWAY, status=Status.TRIAGED
    )

    page = client.post(
        reverse("triage:case-form-301", args=[incident.reference]),
        {"f301-date_of_death": incident.occurred_at.date().isoformat()},
        follow=True,
    )

    incident.refresh_from_db()
    assert incident.date_of_death is None
    assert "Classify the case as a fatality first" in page.content.decode()


def test_the_questions_name_what_does_not_count():
    questions = {key: (question, help_text) for key, question, help_text in QUESTIONS}
    restriction, restriction_help = questions["restricted_or_transfer"]
    assert "beyond the day of injury" in restriction
    assert "recommendation" in restriction_help
    exceptions = " ".join(WORK_RELATED_EXCEPTIONS).lower()
    for exception in ("member of the public", "commuting", "the flu", "self-inflicted"):
        assert exception in exceptions


@pytest.mark.django_db
def test_the_case_page_lists_what_is_not_work_related_under_the_first_question(client):
    department = DepartmentFactory()
    client.force_login(user_with_role(Role.SAFETY_OFFICER, covers=(department,)))
    incident = IncidentFactory(department=department)

    page = client.get(reverse("triage:case", args=[incident.reference])).content.decode()

    assert "Not work-related, even at work (29 CFR 1904.5(b)(2))" in page
    assert "A motor vehicle accident in a parking lot or access road while commuting" in page


@pytest.mark.django_db
def test_a_case_found_recordable_later_counts_its_seven_days_from_then(client):
    """29 CFR 1904.29(b)(3): 7 days from receiving the information that makes the case
    recordable; a clock started from the report three weeks back would be overdue at once."""
    department = DepartmentFactory()
    client.force_login(user_with_role(Role.SAFETY_OFFICER, covers=(department,)))
    reported = timezone.now() - timedelta(days=20)
    incident = IncidentFactory(
        department=department, severity=Severity.MEDICAL, reported_at=reported, learned_at=reported
    )
    known = timezone.localtime() - timedelta(hours=2)
    answers = {f"rec-{key}": value for key, value in ALL_YES_GATES.items()}

    client.post(
        reverse("triage:case-recordability", args=[incident.reference]),
        {**answers, "rec-medical_treatment": "yes", "rec-learned_at": f"{known:%Y-%m-%dT%H:%M}"},
    )

    clock = incident.clocks.get(kind=ClockKind.LOG_300)
    assert clock.due_at == known.replace(second=0, microsecond=0) + timedelta(days=7)
    refused = client.post(
        reverse("triage:case-recordability", args=[incident.reference]),
        {**answers, "rec-learned_at": f"{reported - timedelta(days=1):%Y-%m-%dT%H:%M}"},
    )
    assert "This cannot be before the city learned of the case" in refused.content.decode()
