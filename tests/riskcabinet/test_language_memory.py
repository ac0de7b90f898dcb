"""The language a person reads the site in: remembered for their emails, forgotten at sign-out."""

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from incidents.models import Source, Status
from incidents.triage_services import incident_status_change
from riskcabinet.models import Person
from riskcabinet.roles import Role
from tests.factories import IncidentFactory, user_with_role

pytestmark = pytest.mark.django_db


def _sign_in(client, user, accept: str = "es-US,es;q=0.9"):
    return client.post(
        reverse("login"),
        {"username": user.username, "password": "riskcabinet-demo"},
        HTTP_ACCEPT_LANGUAGE=accept,
    )


def test_a_spanish_phone_gets_its_emails_in_spanish_without_a_profile_language(
    client, django_capture_on_commit_callbacks
):
    worker = user_with_role(Role.EMPLOYEE, language="", username="rosa")
    _sign_in(client, worker)
    incident = IncidentFactory(
        reporter=worker,
        department=worker.person.department,
        source=Source.INTAKE,
        status=Status.ACTIONS_PENDING,
    )

    with django_capture_on_commit_callbacks(execute=True):
        incident_status_change(incident=incident, status=Status.CLOSED, close_reason="")

    assert Person.objects.get(user=worker).last_language == "es"
    [message] = mail.outbox
    assert message.subject == f"[riskcabinet] Su reporte {incident.reference} está cerrado"


def test_the_switch_is_remembered_and_the_profiles_language_still_wins(client):
    worker = user_with_role(Role.EMPLOYEE, language="", username="rosa")
    chooser = user_with_role(Role.EMPLOYEE, language="en", username="ana")
    for user in (worker, chooser):
        client.force_login(user)
        client.post(reverse("set-language"), {"language": "es", "next": "/"})

    worker.person.refresh_from_db()
    chooser.person.refresh_from_db()
    assert worker.person.last_language == chooser.person.last_language == "es"
    assert chooser.person.preferred_language == "en"  # Set on purpose: the emails keep it.


def test_signing_out_forgets_the_switch_for_the_next_person_on_a_shared_phone(client):
    first = user_with_role(Role.EMPLOYEE, language="es", username="rosa")
    second = user_with_role(Role.EMPLOYEE, language="es", username="luis")
    _sign_in(client, first)
    client.post(reverse("set-language"), {"language": "en", "next": "/"})
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    client.post(reverse("logout"))
    _sign_in(client, second)
    page = client.get(reverse("incidents:report-create"), HTTP_ACCEPT_LANGUAGE="es")

    assert '<html lang="es">' in page.content.decode()
