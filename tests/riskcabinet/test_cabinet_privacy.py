"""No cabinet page shows a person: no names, narratives or medical details."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from incidents.models import CaseNote, Investigation
from riskcabinet.roles import Role
from tests.factories import (
    ClaimFactory,
    CorrectiveActionFactory,
    IncidentFactory,
    UserFactory,
    user_with_role,
)
from tests.riskcabinet.cabinet_helpers import stored_ranking

pytestmark = pytest.mark.django_db

SECRETS = (
    "Zebulon",
    "Quartermaine",
    "Ophelia",
    "Vandersloot",
    "purple forklift behind the aquarium",
    "Marigold Thistlewood",
    "Dr. Esmeralda Pinkerton",
    "St. Obscure Clinic",
    "left pinky finger",
    "tetanus booster",
    "gossiped about the harbour",
    "Bartholomew Fizzwick",
    "1234 Secret Lane",
    "Crocodile roots cause",
    "Hortensia Blackwood",
    "Lamplighter second class",
)


@pytest.fixture(autouse=True)
def mid_november():
    with time_machine.travel("2026-11-15 10:00 -08:00", tick=False):
        yield


@pytest.fixture
def personal_cases():
    police, _, _ = stored_ranking()
    reporter = UserFactory(first_name="Zebulon", last_name="Quartermaine")
    owner = UserFactory(first_name="Bartholomew", last_name="Fizzwick")
    officer = UserFactory(first_name="Ophelia", last_name="Vandersloot")
    when = datetime(2026, 10, 3, 9, 30, tzinfo=ZoneInfo("America/Los_Angeles"))
    for offset in range(3):
        incident = IncidentFactory(
            department=police,
            reporter=reporter,
            occurred_at=when - timedelta(days=30 * offset),
            narrative="Slipped on the purple forklift behind the aquarium and hurt a hand.",
            involved_people="Marigold Thistlewood",
            injured_name="Hortensia Blackwood",
            injured_job_title="Lamplighter second class",
            physician_name="Dr. Esmeralda Pinkerton",
            treatment_facility="St. Obscure Clinic",
            body_part="left pinky finger",
            injury_kind="tetanus booster",
            location_text="1234 Secret Lane",
            assignee=officer,
        )
        CaseNote.objects.create(
            incident=incident, author=officer, body="Coworkers gossiped about the harbour."
        )
        Investigation.objects.create(
            incident=incident,
            root_cause="Crocodile roots cause",
            completed_by=officer,
            completed_at=when,
        )
        CorrectiveActionFactory(
            incident=incident, owner=owner, description="Replace the floor mats in bay 2."
        )
        ClaimFactory(incident=incident, opened_on=when.date())
    return police


def test_it_shows_no_name_narrative_or_medical_detail_on_any_cabinet_page(client, personal_cases):
    for role in (Role.CABINET_MEMBER, Role.RISK_MANAGER):
        client.force_login(user_with_role(role))
        pages = [
            client.get(reverse("cabinet:dashboard")),
            client.get(reverse("cabinet:department", args=[personal_cases.code])),
            client.get(
                reverse("cabinet:department", args=[personal_cases.code]), {"month": "2026-09"}
            ),
        ]
        for response in pages:
            assert response.status_code == 200
            html = response.content.decode()
            leaked = [secret for secret in SECRETS if secret.lower() in html.lower()]
            assert leaked == [], f"{response.request['PATH_INFO']} shows {leaked}"


def test_it_still_shows_the_aggregates_built_from_those_cases(client, personal_cases):
    client.force_login(user_with_role(Role.CABINET_MEMBER))

    html = client.get(reverse("cabinet:department", args=[personal_cases.code])).content.decode()

    assert "3 of 3 incidents needing an investigation" in html
    assert "Replace the floor mats in bay 2." in html
    assert "$10k" in html  # three claims of $3,400 incurred


def test_a_privacy_cases_action_is_counted_but_not_described(client):
    from django.utils import timezone

    from reports.selectors import _open_actions
    from tests.factories import CorrectiveActionFactory, DepartmentFactory, IncidentFactory

    step = "Offer post-exposure prophylaxis follow-up and counselling"
    department = DepartmentFactory(code="LAPD", name="Police")
    incident = IncidentFactory(
        department=department, privacy_case=True, privacy_reason="infectious_disease"
    )
    CorrectiveActionFactory(incident=incident, description=step)
    client.force_login(user_with_role(Role.CABINET_MEMBER))

    html = client.get(reverse("cabinet:department", args=["LAPD"])).content.decode()
    listed, open_count, _ = _open_actions("LAPD", timezone.now() + timedelta(days=1))

    assert step not in html
    assert "An action on a privacy case (not described)" in html
    assert [action.description for action in listed] == [
        "An action on a privacy case (not described)"
    ]
    assert open_count == 1
