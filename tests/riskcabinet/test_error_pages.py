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
