"""Sessions are read with one plain statement and behave as Django's database sessions."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from riskcabinet.roles import Role
from riskcabinet.sessions import SessionStore
from tests.factories import DepartmentFactory, user_with_role

pytestmark = pytest.mark.django_db


def test_the_project_uses_this_store():
    assert settings.SESSION_ENGINE == "riskcabinet.sessions"


def test_it_reads_back_what_was_saved():
    session = SessionStore()
    session["riskcabinet_language"] = "es"
    session.save()
    assert SessionStore(session.session_key).load() == {"riskcabinet_language": "es"}


def test_an_expired_or_unknown_session_reads_as_empty_and_gets_a_new_key_when_saved():
    session = SessionStore()
    session["x"] = 1
    session.save()
    Session.objects.filter(pk=session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    for key in (session.session_key, "no-such-session-key-0123456789abc"):
        stale = SessionStore(key)
        assert stale.load() == {}
        assert stale.session_key is None
        stale["y"] = 2
        stale.save()
        assert stale.session_key not in (None, key)


def test_an_employee_is_signed_out_when_the_session_has_expired(client):
    department = DepartmentFactory()
    client.force_login(user_with_role(Role.EMPLOYEE, department=department))
    assert client.get(reverse("incidents:my-reports")).status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(minutes=1))
    response = client.get(reverse("incidents:my-reports"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
