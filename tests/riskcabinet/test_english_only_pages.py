"""Staff pages are written in English only: they are shown in English whole, menu included."""

import pytest
from django.urls import reverse

from riskcabinet.roles import Role
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "url_name"),
    [
        (Role.SAFETY_OFFICER, "triage:queue"),
        (Role.SAFETY_OFFICER, "osha:index"),
        (Role.RISK_MANAGER, "cabinet:dashboard"),
        (Role.RISK_MANAGER, "reports:packet-list"),
    ],
)
def test_a_spanish_reader_gets_a_staff_page_in_english_whole(client, role, url_name):
    client.force_login(user_with_role(role, language="es"))

    page = client.get(reverse(url_name), headers={"Accept-Language": "es"})
    html = page.content.decode()

    assert page.status_code == 200
    assert '<html lang="en">' in html
    assert ">Triage</a>" in html
    assert "Clasificación" not in html
    assert "Reportar" not in html
    # No switch is offered where it would change nothing.
    assert 'class="lang-switch"' not in html


def test_the_employee_pages_keep_the_readers_spanish(client):
    client.force_login(user_with_role(Role.SAFETY_OFFICER, language="es"))
    client.get(reverse("triage:queue"))

    html = client.get(reverse("incidents:report-create")).content.decode()

    assert '<html lang="es">' in html
    assert ">Clasificación</a>" in html
    assert 'class="lang-switch"' in html
    assert 'value="en" lang="en">English</button>' in html


def test_an_employee_is_refused_a_staff_page_in_their_own_language(client):
    client.force_login(user_with_role(Role.EMPLOYEE, language="es"))

    page = client.get(reverse("triage:queue"))

    assert page.status_code == 403
    assert '<html lang="es">' in page.content.decode()
