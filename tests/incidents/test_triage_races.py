"""Two officers (or one double tap) changing the same cases at the same moment: the changes
happen one after the other, never interleaved."""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from incidents.models import Incident, Status
from riskcabinet.roles import Role
from tests.at_once import run_at_once
from tests.factories import DepartmentFactory, IncidentFactory, user_with_role

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def _post_at_once(user, posts: list[tuple[str, dict]]) -> list[int]:
    def sender(path: str, data: dict):
        client = Client()
        client.force_login(user)
        return lambda: client.post(path, data).status_code

    return run_at_once([sender(path, data) for path, data in posts])


# SQLite's test database writes one transaction at a time, so these run in the PostgreSQL pass.
@pytest.mark.parametrize("attempt", range(3))
def test_two_cases_merged_into_each_other_at_once_leave_one_case_standing(postgres_url, attempt):
    assert connection.vendor == "postgresql", "run in the PostgreSQL pass (make pytest-postgres)"
    department = DepartmentFactory()
    officer = user_with_role(Role.SAFETY_OFFICER, covers=(department,))
    a, b = IncidentFactory(department=department), IncidentFactory(department=department)
    merge = "triage:case-merge"

    statuses = _post_at_once(
        officer,
        [
            (reverse(merge, args=[a.reference]), {"merge-into": b.reference}),
            (reverse(merge, args=[b.reference]), {"merge-into": a.reference}),
        ],
    )

    # One goes through; the other is refused, with the case page's message (302) or, when the
    # first had already finished, on its form, which names the case that survived (200).
    assert 302 in statuses
    assert set(statuses) <= {200, 302}
    standing = Incident.objects.filter(pk__in=(a.pk, b.pk), merged_into__isnull=True)
    assert standing.count() == 1
    survivor = standing.get()
    assert Incident.objects.get(pk=({a.pk, b.pk} - {survivor.pk}).pop()).merged_into == survivor


@pytest.mark.parametrize("attempt", range(3))
def test_a_double_tapped_close_closes_the_case_once(postgres_url, attempt):
    assert connection.vendor == "postgresql", "run in the PostgreSQL pass (make pytest-postgres)"
    department = DepartmentFactory()
    officer = user_with_role(Role.SAFETY_OFFICER, covers=(department,))
    case = IncidentFactory(department=department, status=Status.INVESTIGATING)
    close = (reverse("triage:case-status", args=[case.reference]), {"status-status": "closed"})

    _post_at_once(officer, [close, close])

    history = Incident.history.filter(id=case.pk).order_by("history_id")
    assert [entry.status for entry in history].count(Status.CLOSED) == 1
