"""The authentication backend loads the person and department with the user."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from riskcabinet.auth import PersonModelBackend, user_with_person
from riskcabinet.models import Person
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


def _loaded_state(user):
    """Every column of the user, their person and department, and which relations are cached."""
    person = getattr(user, "person", None)
    department = getattr(person, "department", None)

    def columns(obj):
        if obj is None:
            return None
        return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}

    return {
        "user": columns(user),
        "person": columns(person),
        "department": columns(department),
        "adding": user._state.adding,
        "db": user._state.db,
        "person cached": type(user).person.related.is_cached(user),
        "user cached on person": person is None or type(person).user.field.is_cached(person),
    }


def test_it_returns_what_the_orms_select_related_returns():
    employee = user_with_role(Role.EMPLOYEE, department=DepartmentFactory(), language="es")
    no_department = UserFactory()
    Person.objects.create(user=no_department, department=None)
    no_person = UserFactory()
    get_user_model().objects.filter(pk=employee.pk).update(last_login="2026-03-01T08:30:00Z")
    orm = get_user_model()._default_manager.select_related("person__department")
    for user in (employee, no_department, no_person):
        loaded = user_with_person(user.pk)
        with CaptureQueriesContext(connection) as queries:
            state = _loaded_state(loaded)
        assert not queries.captured_queries  # Nothing left to fetch afterwards.
        assert state == _loaded_state(orm.get(pk=user.pk))
    assert user_with_person(employee.pk).last_login.tzinfo is not None


def test_it_loads_an_unknown_or_malformed_id_as_nobody():
    assert user_with_person(10**9) is None
    assert user_with_person("not-a-number") is None
    assert user_with_person(str(UserFactory().pk)) is not None  # Sessions hold ids as strings.
