"""Refused and missing pages keep the site's header and say what to do, in the reader's language."""

import pytest

from riskcabinet.roles import Role
from tests.factories import DepartmentFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def employee(client):
    user = user_with_role(Role.EMPLOYEE, department=DepartmentFactory())
    client.force_login(user)
    return user


@pytest.mark.parametrize("path", ["/triage/", "/cabinet/", "/osha/"])
def test_a_page_outside_the_role_says_so_with_the_sites_header(client, employee, path):
    response = client.get(path)
    assert response.status_code == 403
    page = response.content.decode()
    assert "This page is not open to you" in page
    assert 'class="site-nav"' in page
    assert 'href="/report/"' in page  # The employee's own way on.


def test_a_missing_page_says_so_with_the_sites_header(client, employee):
    response = client.get("/report/done/INC-2026-999999/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page
    assert 'class="site-nav"' in page


def test_the_refusal_speaks_spanish(client):
    client.force_login(user_with_role(Role.EMPLOYEE, language="es"))
    page = client.get("/triage/").content.decode()
    assert "Esta página no está disponible para usted" in page
    assert "Ir a su página de inicio" in page


def test_a_locked_sign_in_says_so_in_spanish(client, settings):
    settings.AXES_ENABLED, settings.AXES_FAILURE_LIMIT = True, 2
    user = user_with_role(Role.EMPLOYEE, username="rosa")
    for _ in range(3):
        response = client.post(
            "/accounts/login/",
            {"username": user.username, "password": "wrong"},
            HTTP_ACCEPT_LANGUAGE="es",
        )

    page = response.content.decode()
    assert response.status_code == 429
    assert "Demasiados intentos de inicio de sesión" in page
    assert "puede reportar un casi accidente de forma anónima" in page


def test_a_wrong_password_is_told_in_the_citys_spanish(client):
    user = user_with_role(Role.EMPLOYEE, username="rosa")
    response = client.post(
        "/accounts/login/",
        {"username": user.username, "password": "wrong"},
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert "El nombre de usuario o la contraseña no son correctos." in response.content.decode()


def test_a_server_error_page_speaks_the_readers_language(rf):
    from django.utils import translation

    from riskcabinet.views import server_error

    with translation.override("es"):
        response = server_error(rf.get("/report/"))

    page = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="es">' in page
    assert "Algo salió mal" in page
    assert "vuelva atrás y envíelo de nuevo" in page


def test_spanish_dates_read_the_same_way_round_in_los_angeles(client):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from incidents.models import Source
    from tests.factories import IncidentFactory

    worker = user_with_role(Role.EMPLOYEE, language="es")
    IncidentFactory(
        reporter=worker,
        source=Source.INTAKE,
        occurred_at=datetime(2026, 4, 3, 15, 15, tzinfo=ZoneInfo("America/Los_Angeles")),
    )
    client.force_login(worker)

    page = client.get("/my-reports/").content.decode()

    assert "3 abr 2026, 3:15 p.m." in page
    assert "03/04/2026" not in page


def test_wrong_passwords_lock_the_account_for_their_sender_only_behind_the_proxy(client, settings):
    settings.AXES_ENABLED, settings.AXES_FAILURE_LIMIT = True, 2
    settings.TRUSTED_PROXY_HOPS = 1
    officer = user_with_role(Role.SAFETY_OFFICER, username="officer1")
    proxy = {"REMOTE_ADDR": "10.0.0.5"}
    for _ in range(3):
        attacker = client.post(
            "/accounts/login/",
            {"username": "officer1", "password": "wrong"},
            HTTP_X_FORWARDED_FOR="203.0.113.66",
            **proxy,
        )

    owner = client.post(
        "/accounts/login/",
        {"username": officer.username, "password": "riskcabinet-demo"},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
        **proxy,
    )

    assert attacker.status_code == 429
    assert owner.status_code == 302
