"""The authentication backend loads the person and department with the user."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from riskcabinet.auth import PersonModelBackend
from riskcabinet.roles import Role
from tests.factories import DepartmentFactory, UserFactory, user_with_role

pytestmark = pytest.mark.django_db


def test_it_loads_the_person_and_department_in_the_users_query():
    parks = DepartmentFactory(name="Recreation and Parks")
    employee = user_with_role(Role.EMPLOYEE, department=parks, language="es")
    with CaptureQueriesContext(connection) as queries:
        user = PersonModelBackend().get_user(employee.pk)
        assert user.person.preferred_language == "es"
        assert user.person.department.name == "Recreation and Parks"
    assert len(queries) == 1


def test_it_signs_in_a_user_without_a_person_and_refuses_an_inactive_one():
    backend = PersonModelBackend()
    plain = UserFactory()
    assert backend.get_user(plain.pk) == plain
    plain.is_active = False
    plain.save()
    assert backend.get_user(plain.pk) is None
    assert backend.get_user(get_user_model().objects.count() + 1000) is None


def test_the_report_form_reads_no_profile_after_the_user(client):
    employee = user_with_role(Role.EMPLOYEE)
    client.force_login(employee)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/report/").status_code == 200
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    assert 'FROM "riskcabinet_person"' not in tables
    assert 'FROM "riskcabinet_department"' not in tables
