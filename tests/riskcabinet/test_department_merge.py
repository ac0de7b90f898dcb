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
    DepartmentScoreFactory,
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
    DepartmentScoreFactory(department=bss, score=9)
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


def test_a_site_named_as_one_of_the_other_departments_still_moves(client, streets):
    bss, works = streets["bss"], streets["works"]
    theirs = EstablishmentFactory(department=works, name="North Yard")
    client.force_login(user_with_role(Role.ADMINISTRATOR, username="sysadmin"))
    url = reverse("admin:riskcabinet_department_changelist")

    response = client.post(
        url, {"action": "merge", "_selected_action": [bss.pk], "apply": "1", "into": works.pk}
    )

    assert response.status_code == 302
    assert not Department.objects.filter(pk=bss.pk).exists()
    streets["site"].refresh_from_db()
    theirs.refresh_from_db()
    assert streets["site"].department == works
    # Both sites are kept, each with its own cases and OSHA log, told apart by the old code.
    assert (theirs.name, streets["site"].name) == ("North Yard", "North Yard (BSS)")
    assert Incident.objects.get(pk=streets["case"].pk).establishment == streets["site"]


def test_a_payroll_file_from_before_the_merge_adds_up_both_departments_hours(streets):
    works = streets["works"]
    departments_merge(merged=streets["bss"], into=works)

    # October again as payroll first sent it, each department on its own line (a correction
    # sent after the reorganisation), and November before payroll's own list caught up.
    report = exposure_import(
        data=b"department,month,hours_worked,headcount\n"
        b"BSS,2026-10,1500,10\nBPW,2026-10,4000,20\n"
        b"BPW,2026-11,4100,21\nSTS,2026-11,700,4\nBSS,2026-11,800,5\n",
        source_name="payroll-october-again.csv",
    )

    assert report.problems == []
    hours = dict(
        ExposureMonth.objects.filter(department=works).values_list("month", "hours_worked")
    )
    assert hours[date(2026, 10, 1)] == Decimal("5500")
    assert hours[date(2026, 11, 1)] == Decimal("5600")
    assert ExposureMonth.objects.get(department=works, month=date(2026, 11, 1)).headcount == 30


def test_the_same_code_twice_for_a_month_is_still_a_repeat(streets):
    departments_merge(merged=streets["bss"], into=streets["works"])

    report = exposure_import(
        data=b"department,month,hours_worked,headcount\nBSS,2026-11,800,5\nbss,2026-11,900,5\n",
        source_name="payroll.csv",
    )

    assert [problem.line for problem in report.problems] == [3]
    assert ExposureMonth.objects.get(
        department=streets["works"], month=date(2026, 11, 1)
    ).hours_worked == Decimal("800")


def test_the_rankings_are_redone_from_the_month_a_case_happened_in_the_citys_time(monkeypatch):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from riskcabinet import services

    parks = DepartmentFactory(code="RAP", name="Recreation and Parks")
    works = DepartmentFactory(code="BPW", name="Public Works")
    # The evening of August 31 in Los Angeles is September 1 in UTC.
    IncidentFactory(
        department=parks,
        occurred_at=datetime(2026, 8, 31, 20, 0, tzinfo=ZoneInfo("America/Los_Angeles")),
    )
    since = []
    monkeypatch.setattr(services, "rankings_refresh_queue", lambda **kw: since.append(kw["since"]))

    departments_merge(merged=parks, into=works)

    assert since == [date(2026, 8, 1)]


def test_a_department_page_kept_under_an_old_code_opens_the_department_it_went_into(
    client, streets
):
    departments_merge(merged=streets["bss"], into=streets["works"])
    client.force_login(user_with_role(Role.CABINET_MEMBER, username="deputy"))

    response = client.get("/cabinet/departments/BSS/?month=2026-10")
    unknown = client.get("/cabinet/departments/NOPE/")

    assert response.status_code == 302
    assert response["Location"] == "/cabinet/departments/BPW/?month=2026-10"
    assert unknown.status_code == 404


def test_the_merged_departments_payroll_rows_leave_a_history_of_who_merged_them(streets):
    manager = user_with_role(Role.RISK_MANAGER, username="manager")
    bss_id = streets["bss"].pk

    departments_merge(merged=streets["bss"], into=streets["works"], user=manager)

    gone = ExposureMonth.history.filter(
        history_type="-", department_id=bss_id, month=date(2026, 10, 1)
    ).get()
    assert (gone.history_change_reason, gone.history_user) == ("BSS merged into BPW", manager)


def test_a_report_that_arrives_during_the_merge_undoes_it_whole_and_says_so(
    client, streets, monkeypatch
):
    from riskcabinet import services

    bss, works = streets["bss"], streets["works"]
    sites_move = services._establishments_move

    def sites_move_while_a_report_arrives(**departments):
        # After the cases have moved: a report filed from a truck just now.
        IncidentFactory(department=departments["merged"], narrative="Filed just now")
        return sites_move(**departments)

    monkeypatch.setattr(services, "_establishments_move", sites_move_while_a_report_arrives)
    client.force_login(user_with_role(Role.ADMINISTRATOR, username="sysadmin"))

    response = client.post(
        reverse("admin:riskcabinet_department_changelist"),
        {"action": "merge", "_selected_action": [bss.pk], "apply": "1", "into": works.pk},
        follow=True,
    )

    assert response.status_code == 200
    assert "while it was being merged, so nothing was changed" in response.content.decode()
    assert Department.objects.filter(pk=bss.pk).exists()
    assert Incident.objects.get(pk=streets["case"].pk).department == bss
