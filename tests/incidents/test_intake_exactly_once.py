"""Exactly once: however many times and however simultaneously a phone resends a report, the
city gets one incident with one set of photos."""

import uuid

import pytest
from django.db import connection
from django.test import Client

from incidents.models import Attachment, Incident
from riskcabinet.roles import Role
from tests.at_once import run_at_once
from tests.factories import DepartmentFactory, user_with_role
from tests.incidents.intake_helpers import photo_file, report_data

SENDERS = 8


def _post_simultaneously(user, data_for_thread) -> list[int]:
    def sender(n: int):
        client = Client()
        client.force_login(user)
        data = data_for_thread(n)
        headers = {"Accept": "application/json"}
        return lambda: client.post("/report/", data, headers=headers).status_code

    return run_at_once([sender(n) for n in range(SENDERS)])


# SQLite's in-memory test database locks whole tables across threads, so the simultaneous
# senders run against PostgreSQL, as in production; `make test` runs them in its PostgreSQL pass.
def _it_stores_one_incident_for_simultaneous_resends() -> None:
    user = user_with_role(Role.EMPLOYEE, department=DepartmentFactory())
    client_uuid = str(uuid.uuid4())
    base = report_data(client_uuid=client_uuid)

    def data_for_thread(n: int) -> dict:
        return {**base, "photos": [photo_file(f"photo{n}.jpg")]}

    statuses = _post_simultaneously(user, data_for_thread)
    assert sorted(statuses).count(201) == 1
    assert sorted(statuses).count(200) == SENDERS - 1
    assert Incident.objects.filter(client_uuid=client_uuid).count() == 1
    assert Attachment.objects.count() == 1


def _it_stores_every_distinct_report() -> None:
    user = user_with_role(Role.EMPLOYEE, department=DepartmentFactory())
    statuses = _post_simultaneously(user, lambda n: report_data())
    assert statuses == [201] * SENDERS
    references = set(Incident.objects.values_list("reference", flat=True))
    assert len(references) == SENDERS


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_it_stores_one_incident_for_simultaneous_resends_on_postgresql(postgres_url):
    assert connection.vendor == "postgresql", "run in the PostgreSQL pass (make pytest-postgres)"
    _it_stores_one_incident_for_simultaneous_resends()


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_it_numbers_simultaneous_distinct_reports_apart_on_postgresql(postgres_url):
    assert connection.vendor == "postgresql", "run in the PostgreSQL pass (make pytest-postgres)"
    _it_stores_every_distinct_report()


@pytest.mark.django_db
def test_it_ignores_a_resend_after_the_report_was_stored(client):
    client.force_login(user_with_role(Role.EMPLOYEE))
    data = report_data()
    for _ in range(3):
        client.post("/report/", {**data, "photos": [photo_file()]})
    assert Incident.objects.count() == 1
    assert Attachment.objects.count() == 1
