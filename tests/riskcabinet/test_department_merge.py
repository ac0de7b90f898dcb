"""A reorganisation folds one department into another: everything it had moves, audited, and
payroll files in its old code still find the department it went into."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from incidents.models import Incident
from riskcabinet.models import Department, DepartmentScore, ExposureMonth, Person
from riskcabinet.roles import Role
from riskcabinet.services import departments_merge, exposure_import
from tests.factories import (
    DepartmentFactory,
    EstablishmentFactory,
    ExposureMonthFactory,
    IncidentFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def streets():
    """Street Services, about to be folded into Public Works, with a bit of everything."""
    bss = DepartmentFactory(code="BSS", name="Street Services", former_codes="STS")
    works = DepartmentFactory(code="BPW", name="Public Works")
    site = EstablishmentFactory(department=bss, name="North Yard")
    officer = user_with_role(Role.SAFETY_OFFICER, covers=(bss,), username="officer.bss")
    case = IncidentFactory(department=bss, establishment=site, assignee=officer)
    crew = user_with_role(Role.EMPLOYEE, username="crew.bss")
    Person.objects.filter(user=crew).update(department=bss)
    ExposureMonthFactory(department=bss, month=date(2026, 9, 1), hours_worked=Decimal("1000"))
    ExposureMonthFactory(department=bss, month=date(2026, 10, 1), hours_worked=Decimal("1500"))
    ExposureMonthFactory(department=works, month=date(2026, 10, 1), hours_worked=Decimal("4000"))
    DepartmentScore.objects.create(
        month=date(2026, 10, 1),
        department=bss,
        rank=1,
        score=9,
        trir=1,
        dart=1,
        harm_rate=1,
        shrunk_harm_rate=1,
    )
    return {"bss": bss, "works": works, "site": site, "officer": officer, "case": case}


def test_merging_moves_cases_sites_people_coverage_and_hours(streets):
    bss, works = streets["bss"], streets["works"]
    manager = user_with_role(Role.RISK_MANAGER, username="manager")

    done = departments_merge(merged=bss, into=works, user=manager)

    assert not Department.objects.filter(pk=bss.pk).exists()
    case = Incident.objects.get(pk=streets["case"].pk)
    assert case.department == works
    assert case.assignee == streets["officer"]  # who still covers where the case went
    assert works in streets["officer"].person.covered_departments.all()
    last = case.history.first()
    assert (last.history_change_reason, last.history_user) == ("BSS merged into BPW", manager)
    streets["site"].refresh_from_db()
    assert streets["site"].department == works
    assert Person.objects.get(user__username="crew.bss").department == works
    hours = dict(
        ExposureMonth.objects.filter(department=works).values_list("month", "hours_worked")
    )
    assert hours == {date(2026, 9, 1): Decimal("1000"), date(2026, 10, 1): Decimal("5500")}
    assert not DepartmentScore.objects.filter(department_id=bss.pk).exists()
    works.refresh_from_db()
    assert works.former_code_list == ["BSS", "STS"]
    assert (done.cases, done.establishments, done.people) == (1, 1, 1)
    assert (done.months_added, done.months_moved) == (1, 1)


def test_a_payroll_file_in_the_old_code_reaches_the_department_it_went_into(streets):
    departments_merge(merged=streets["bss"], into=streets["works"])

    report = exposure_import(
        data=b"department,month,hours_worked,headcount\nSTS,2026-07,900,5\nBSS,2026-08,800,5\n",
        source_name="payroll.csv",
    )

    assert report.problems == []
    assert ExposureMonth.objects.filter(department=streets["works"]).count() == 4


def test_a_department_is_not_merged_into_itself(streets):
    with pytest.raises(ValueError, match="into itself"):
        departments_merge(merged=streets["bss"], into=streets["bss"])

    assert Department.objects.filter(pk=streets["bss"].pk).exists()


def test_the_admin_says_what_moves_then_merges(client, streets):
    bss, works = streets["bss"], streets["works"]
    client.force_login(user_with_role(Role.ADMINISTRATOR, username="sysadmin"))
    url = reverse("admin:riskcabinet_department_changelist")

    asked = client.post(url, {"action": "merge", "_selected_action": [bss.pk]})
    merged = client.post(
        url, {"action": "merge", "_selected_action": [bss.pk], "apply": "1", "into": works.pk}
    )

    page = asked.content.decode()
    assert asked.status_code == 200
    assert "Street Services (BSS) has 1 case, 1 site, 1 person" in page
    assert "payroll hours for 2 months" in page
    assert Department.objects.filter(pk=bss.pk).exists() is False
    assert merged.status_code == 302
    assert any(
        "Street Services (BSS) merged into Public Works: 1 case, 1 site and 1 person moved"
        in str(message)
        for message in get_messages(merged.wsgi_request)
    )


def test_the_admin_merges_one_department_at_a_time(client, streets):
    client.force_login(user_with_role(Role.ADMINISTRATOR, username="sysadmin"))
    url = reverse("admin:riskcabinet_department_changelist")

    response = client.post(
        url,
        {"action": "merge", "_selected_action": [streets["bss"].pk, streets["works"].pk]},
        follow=True,
    )

    assert "Select one department to merge into another." in response.content.decode()
    assert Department.objects.filter(pk__in=[streets["bss"].pk, streets["works"].pk]).count() == 2
