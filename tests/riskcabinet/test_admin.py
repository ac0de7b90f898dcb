"""The admin works for every model: each list and add page opens for an administrator."""

import pytest
from django.contrib import admin
from django.urls import reverse

from riskcabinet.models import Department, ExposureMonth
from riskcabinet.roles import Role
from riskcabinet.services import exposure_import
from tests.factories import DepartmentFactory, IncidentFactory, user_with_role

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


def _department_saved(client, department, **changes):
    data = {"code": department.code, "name": department.name, "former_codes": ""}
    data.update(changes)
    url = (
        reverse("admin:riskcabinet_department_change", args=[department.pk])
        if department.pk
        else reverse("admin:riskcabinet_department_add")
    )
    return client.post(url, data)


def test_a_department_whose_code_changes_still_takes_payroll_files_in_its_old_code(client):
    streets = DepartmentFactory(code="BSS", name="Street Services")
    client.force_login(user_with_role(Role.ADMINISTRATOR, username="sysadmin"))

    response = _department_saved(client, streets, code="STREETS")
    report = exposure_import(
        data=b"department,month,hours_worked,headcount\nBSS,2026-10,41000,240\n",
        source_name="payroll-2026-10.csv",
    )

    assert response.status_code == 302
    streets.refresh_from_db()
    assert (streets.code, streets.former_codes) == ("STREETS", "BSS")
    assert report.problems == []
    assert ExposureMonth.objects.get(department=streets).hours_worked == 41000
    # The new code is its code; an old code given back does not become a former code twice.
    _department_saved(client, streets, code="BSS", former_codes="BSS")
    assert Department.objects.get(pk=streets.pk).former_codes == "STREETS"


def test_a_code_another_department_had_is_not_given_to_a_new_one(client):
    streets = DepartmentFactory(code="STREETS", name="Street Services", former_codes="BSS")
    client.force_login(user_with_role(Role.ADMINISTRATOR, username="sysadmin"))

    response = _department_saved(client, Department(code="bss", name="Bureau of Sanitation"))

    assert response.status_code == 200
    assert "is, or was, Street Services" in response.content.decode()
    assert not Department.objects.filter(name="Bureau of Sanitation").exists()
    assert Department.objects.get(code="STREETS") == streets
