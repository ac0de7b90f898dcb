"""Each role is a group with permissions, signs in, and lands on its own home page."""

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from riskcabinet.roles import ROLE_PERMISSIONS, Role, role_of
from tests.factories import DepartmentFactory, user_with_role

pytestmark = pytest.mark.django_db


def test_it_creates_a_group_with_its_permissions_for_every_role():
    for role, codenames in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role.value)
        held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert set(codenames) <= held


@pytest.mark.parametrize(
    ("role", "landing"),
    [
        (Role.EMPLOYEE, "incidents:my-reports"),
        (Role.SAFETY_OFFICER, "triage:queue"),
        (Role.RISK_MANAGER, "triage:queue"),
        (Role.CABINET_MEMBER, "cabinet:dashboard"),
        (Role.ADMINISTRATOR, "triage:queue"),
    ],
)
def test_it_sends_each_role_to_its_own_home_after_login(client, role, landing):
    department = DepartmentFactory()
    user = user_with_role(role, department=department, covers=(department,))
    response = client.post(
        reverse("login"), {"username": user.username, "password": "riskcabinet-demo"}
    )
    assert response.status_code == 302
    home = client.get(response["Location"])
    assert home.status_code == 302
    assert home["Location"] == reverse(landing)
    assert client.get(home["Location"]).status_code == 200


def test_it_refuses_a_wrong_password_with_a_message(client):
    user = user_with_role(Role.EMPLOYEE)
    response = client.post(reverse("login"), {"username": user.username, "password": "nope"})
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()


def test_it_picks_the_strongest_role_when_a_user_has_several():
    user = user_with_role(Role.EMPLOYEE)
    user.groups.add(Group.objects.get(name=Role.RISK_MANAGER.value))
    assert role_of(user) is Role.RISK_MANAGER


def test_it_sends_anonymous_visitors_to_the_login_page(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("role", "links"),
    [
        (Role.EMPLOYEE, {"Report", "My reports"}),
        (Role.SAFETY_OFFICER, {"Report", "My reports", "Triage", "OSHA logs"}),
        (Role.CABINET_MEMBER, {"Report", "My reports", "Cabinet", "Packets"}),
        (
            Role.RISK_MANAGER,
            {"Report", "My reports", "Triage", "OSHA logs", "Cabinet", "Packets"},
        ),
    ],
)
def test_the_header_shows_each_role_only_the_links_it_may_follow(client, role, links):
    department = DepartmentFactory()
    client.force_login(user_with_role(role, department=department, covers=(department,)))
    page = client.get(reverse("incidents:my-reports")).content.decode()
    nav = re.search(r'<nav aria-label="Main" class="site-nav">(.*?)</nav>', page, re.S).group(1)
    assert set(re.findall(r">([^<]+)</a>", nav)) == links
