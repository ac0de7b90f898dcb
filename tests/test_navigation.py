"""The header marks the link of the part of the site the page belongs to."""

import re

import pytest
from django.urls import reverse

from riskcabinet.roles import Role
from tests.factories import DepartmentFactory, user_with_role

pytestmark = pytest.mark.django_db


def _current(client, url: str) -> list[str]:
    page = client.get(url).content.decode()
    return re.findall(r'<a href="[^"]*" aria-current="page">([^<]+)</a>', page)


@pytest.mark.parametrize(
    ("role", "url_name", "current"),
    [
        (Role.EMPLOYEE, "incidents:report-create", ["Report"]),
        (Role.EMPLOYEE, "incidents:my-reports", ["My reports"]),
        (Role.RISK_MANAGER, "triage:queue", ["Triage"]),
        (Role.RISK_MANAGER, "triage:claims", ["Triage"]),
        (Role.RISK_MANAGER, "osha:index", ["OSHA logs"]),
        (Role.RISK_MANAGER, "cabinet:hours", ["Cabinet"]),
        (Role.CABINET_MEMBER, "reports:packet-list", ["Packets"]),
    ],
)
def test_the_header_marks_the_current_part(client, role, url_name, current):
    department = DepartmentFactory()
    client.force_login(user_with_role(role, department=department, covers=(department,)))

    assert _current(client, reverse(url_name)) == current
