"""The admin works for every model: each list and add page opens for an administrator."""

import pytest
from django.contrib import admin
from django.urls import reverse

from riskcabinet.roles import Role
from tests.factories import IncidentFactory, user_with_role

pytestmark = pytest.mark.django_db


def test_it_registers_every_model_of_the_project_in_the_admin():
    registered = {model._meta.label for model in admin.site._registry}
    from django.apps import apps

    ours = {
        model._meta.label
        for app in ("riskcabinet", "incidents", "reports")
        for model in apps.get_app_config(app).get_models()
        if not model._meta.label.split(".")[1].startswith("Historical")
    }
    missing = ours - registered - {"incidents.ReferenceSequence"}
    assert not missing


def test_it_opens_the_list_and_add_page_of_every_model_for_an_administrator(client):
    IncidentFactory()
    client.force_login(user_with_role(Role.ADMINISTRATOR))
    for model in admin.site._registry:
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert client.get(changelist).status_code == 200, changelist
        add = reverse(f"admin:{meta.app_label}_{meta.model_name}_add")
        assert client.get(add).status_code in (200, 403), add


def test_it_keeps_everyone_but_administrators_out_of_the_admin(client):
    client.force_login(user_with_role(Role.RISK_MANAGER))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_the_department_list_says_who_covers_each_and_finds_those_nobody_covers(client):
    from tests.factories import DepartmentFactory

    covered, uncovered, left = (
        DepartmentFactory(code=code, name=name)
        for code, name in (("LASAN", "Sanitation"), ("LIB", "Library"), ("ZOO", "Zoo"))
    )
    officer = user_with_role(Role.SAFETY_OFFICER, covers=(covered,), username="marcus")
    officer.first_name, officer.last_name = "Marcus", "Bell"
    officer.save()
    gone = user_with_role(Role.SAFETY_OFFICER, covers=(left,), username="gone")
    gone.is_active = False
    gone.save()
    client.force_login(user_with_role(Role.ADMINISTRATOR, username="sysadmin"))
    url = reverse("admin:riskcabinet_department_changelist")

    listed = client.get(url).content.decode()
    nobody = client.get(url, {"covered": "no"}).context["cl"].result_list

    assert "Marcus Bell" in listed
    codes = {department.code for department in nobody}
    assert {uncovered.code, left.code} <= codes  # the Zoo's only officer has left
    assert covered.code not in codes


def test_deleting_a_department_ranks_again_the_months_its_hours_reached(client, monkeypatch):
    from datetime import date
    from decimal import Decimal

    import riskcabinet.admin as cabinet_admin
    from riskcabinet.models import Department, ExposureMonth
    from tests.factories import DepartmentFactory

    gone = DepartmentFactory(code="OLD")
    for month in (date(2026, 3, 1), date(2026, 5, 1)):
        ExposureMonth.objects.create(
            department=gone, month=month, hours_worked=Decimal("100.0"), headcount=1
        )
    refreshed = []
    monkeypatch.setattr(
        cabinet_admin, "rankings_refresh_queue", lambda since: refreshed.append(since)
    )
    client.force_login(user_with_role(Role.ADMINISTRATOR, username="sysadmin"))

    response = client.post(
        reverse("admin:riskcabinet_department_delete", args=[gone.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Department.objects.filter(code="OLD").exists()
    assert refreshed == [date(2026, 3, 1)]
