"""The payroll hours page: risk managers import payroll's file, see the gaps, and every import is
kept with who made it."""

import csv
import hashlib
import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from riskcabinet import hours_views, services
from riskcabinet.models import DataImport, DepartmentScore, ExposureMonth
from riskcabinet.roles import Role
from riskcabinet.services import (
    department_scores_compute,
    department_scores_refresh_since,
    payroll_hours_reminders_send,
)
from tests.factories import (
    DepartmentFactory,
    ExposureMonthFactory,
    IncidentFactory,
    user_with_role,
)
from tests.riskcabinet.cabinet_helpers import scored_city, stored_ranking

pytestmark = pytest.mark.django_db

LA = ZoneInfo("America/Los_Angeles")
HOURS_URL = "/cabinet/hours/"
GOOD = (
    "department,month,hours_worked,headcount\n"
    "LASAN,2026-09,512000.5,3050\n"
    "LASAN,2026-10,498000,3041\n"
    "LAFD,2026-10,1700000,3500\n"
)


@pytest.fixture
def departments():
    return DepartmentFactory(code="LASAN", name="Sanitation"), DepartmentFactory(
        code="LAFD", name="Fire"
    )


@pytest.fixture
def manager(departments):
    return user_with_role(Role.RISK_MANAGER, username="rmanager", department=departments[0])


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


def upload(client, text: str | bytes, name: str = "payroll-2026-10.csv"):
    data = text.encode() if isinstance(text, str) else text
    return client.post(HOURS_URL, {"file": SimpleUploadedFile(name, data, "text/csv")})


def test_it_imports_payroll_file_and_shows_what_it_changed(manager_client, manager, departments):
    response = upload(manager_client, GOOD)

    record = DataImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cabinet:hours-import", kwargs={"pk": record.pk})
    assert ExposureMonth.objects.count() == 3
    page = manager_client.get(response["Location"]).content.decode()
    assert "Import of payroll-2026-10.csv" in page
    assert f"by {manager.get_full_name()}." in page
    assert "September 2026 to October 2026" in page


def test_it_keeps_a_record_of_each_import_with_its_user_and_fingerprint(
    manager_client, manager, departments
):
    upload(manager_client, GOOD)

    record = DataImport.objects.get()
    assert record.imported_by == manager
    assert record.file_sha256 == hashlib.sha256(GOOD.encode()).hexdigest()
    assert (record.rows_read, record.created, record.updated, record.unchanged) == (3, 3, 0, 0)
    assert (record.first_month, record.last_month) == (date(2026, 9, 1), date(2026, 10, 1))


def test_it_records_each_changed_row_in_the_history_with_the_file_and_the_user(
    manager_client, manager, departments
):
    sanitation, _ = departments
    ExposureMonthFactory(
        department=sanitation, month=date(2026, 10, 1), hours_worked=Decimal("1"), headcount=1
    )

    upload(manager_client, GOOD, name="october-fix.csv")

    row = ExposureMonth.objects.get(department=sanitation, month=date(2026, 10, 1))
    latest = row.history.first()
    assert row.hours_worked == Decimal("498000.0")
    assert latest.history_type == "~"
    assert latest.history_user == manager
    assert latest.history_change_reason == "Imported from october-fix.csv"
    assert latest.prev_record.hours_worked == Decimal("1.0")


def test_it_imports_the_good_rows_and_lists_the_bad_ones_by_line(manager_client, departments):
    text = (
        "department,month,hours_worked,headcount\n"
        "LASAN,2026-10,498000,3041\n"
        "LAXX,2026-10,1000,10\n"
        "LAFD,2026-13,1000,10\n"
    )

    response = upload(manager_client, text)

    page = manager_client.get(response["Location"]).content.decode()
    assert ExposureMonth.objects.count() == 1
    assert "Rows not imported" in page
    assert "unknown department &#x27;LAXX&#x27;" in page
    assert '<td class="num">4</td>' in page
    assert "month &#x27;2026-13&#x27; is not a month" in page
    assert DataImport.objects.get().unknown_departments == ["LAXX"]


def test_a_file_it_cannot_read_is_refused_on_the_field_and_imports_nothing(
    manager_client, departments
):
    response = upload(manager_client, "department,month,hours\nLASAN,2026-10,1\n")

    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_file-error"' in page
    assert "missing column(s) hours_worked, headcount" in page
    assert 'aria-invalid="true"' in page
    assert not ExposureMonth.objects.exists()
    assert not DataImport.objects.exists()


def test_a_file_that_is_not_text_is_refused(manager_client, departments):
    response = upload(manager_client, b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", name="photo.png")

    assert response.status_code == 400
    assert "UTF-8" in response.content.decode()
    assert not DataImport.objects.exists()


def test_it_asks_for_a_file_when_none_is_chosen(manager_client, departments):
    response = manager_client.post(HOURS_URL, {})

    assert response.status_code == 400
    assert "Choose the payroll file to import." in response.content.decode()


def test_it_refuses_a_file_over_the_size_limit(manager_client, departments, monkeypatch):
    monkeypatch.setattr(hours_views.ExposureFileForm, "max_bytes", 1024 * 1024)

    response = upload(manager_client, GOOD + "LAFD,2026-09,1,1\n" * 70_000)

    assert response.status_code == 400
    assert "at most 1 MB is accepted" in response.content.decode()
    assert not ExposureMonth.objects.exists()


@time_machine.travel(datetime(2026, 11, 20, 12, tzinfo=LA), tick=False)
def test_it_shows_each_month_and_the_departments_missing_their_hours(manager_client, departments):
    sanitation, fire = departments
    ExposureMonthFactory(department=sanitation, month=date(2026, 10, 1))
    ExposureMonthFactory(department=fire, month=date(2026, 10, 1))
    ExposureMonthFactory(department=sanitation, month=date(2026, 9, 1))

    page = manager_client.get(HOURS_URL).content.decode()

    assert "The last 13 months" in page
    october = page.index("Oct 2026")
    september = page.index("Sep 2026")
    assert "complete" in page[october:september]
    assert "1 of 2" in page[september:]
    assert "Fire" in page[september : page.index("Aug 2026")]
    assert "Cases without hours" not in page


@time_machine.travel(datetime(2026, 11, 20, 12, tzinfo=LA), tick=False)
def test_it_warns_of_cases_in_a_month_without_hours(manager_client, departments):
    sanitation, fire = departments
    ExposureMonthFactory(department=sanitation, month=date(2026, 10, 1))
    for day in (3, 4):
        IncidentFactory(department=fire, occurred_at=datetime(2026, 10, day, 9, tzinfo=LA))
    # Late on the last evening of September, Los Angeles time (already October in UTC).
    IncidentFactory(department=fire, occurred_at=datetime(2026, 9, 30, 23, tzinfo=LA))

    page = manager_client.get(HOURS_URL).content.decode()

    warning = page[page.index("Cases without hours") : page.index("Import a payroll file")]
    assert "October 2026:</strong> Fire (2 cases)" in warning
    assert "September 2026:</strong> Fire (1 case)" in warning
    assert "Sanitation" not in warning


def test_it_lists_recent_imports_including_those_from_the_command_line(
    manager_client, departments, tmp_path
):
    path = tmp_path / "from-payroll.csv"
    path.write_text(GOOD, encoding="utf-8")
    call_command("import_exposure", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    upload(manager_client, GOOD.replace("498000", "499000"), name="second.csv")

    page = manager_client.get(HOURS_URL).content.decode()

    assert page.index("second.csv") < page.index("from-payroll.csv")
    assert "command line" in page
    assert "0 new, 1 changed, 2 unchanged" in page


@time_machine.travel(datetime(2026, 11, 20, 12, tzinfo=LA), tick=False)
def test_its_blank_file_lists_every_department_and_imports_once_filled_in(
    manager_client, departments
):
    response = manager_client.get(reverse("cabinet:hours-template"))

    assert response["Content-Disposition"] == 'attachment; filename="payroll-hours-2026-10.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["department"], r["month"], r["department_name"]) for r in rows] == [
        ("LAFD", "2026-10", "Fire"),
        ("LASAN", "2026-10", "Sanitation"),
    ]
    filled = io.StringIO()
    writer = csv.DictWriter(filled, fieldnames=list(rows[0]))
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "hours_worked": "1600", "headcount": "10"})

    upload(manager_client, filled.getvalue())

    assert ExposureMonth.objects.filter(month=date(2026, 10, 1), headcount=10).count() == 2


def test_it_ranks_stored_months_again_when_their_hours_change(
    manager_client, django_capture_on_commit_callbacks
):
    streets, library, _ = scored_city()
    department_scores_compute(month=date(2026, 10, 1))
    department_scores_compute(month=date(2026, 8, 1))
    before = DepartmentScore.objects.get(month=date(2026, 10, 1), department=streets)
    august = DepartmentScore.objects.get(month=date(2026, 8, 1), department=streets)
    text = "department,month,hours_worked,headcount\nBSS,2026-09,320000,2000\n"

    with django_capture_on_commit_callbacks(execute=True):
        upload(manager_client, text)

    after = DepartmentScore.objects.get(month=date(2026, 10, 1), department=streets)
    assert after.hours_worked == before.hours_worked + 160_000
    assert after.trir < before.trir
    # August's ranking reads no September hours, so it is left as it was.
    assert DepartmentScore.objects.get(pk=august.pk).computed_at == august.computed_at


def test_an_unchanged_file_ranks_nothing_again(manager_client, django_capture_on_commit_callbacks):
    streets, _, _ = scored_city()
    department_scores_compute(month=date(2026, 10, 1))
    stored = DepartmentScore.objects.get(month=date(2026, 10, 1), department=streets)
    text = "department,month,hours_worked,headcount\nBSS,2026-09,160000,1000\n"

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        upload(manager_client, text)

    assert callbacks == []
    assert DepartmentScore.objects.get(pk=stored.pk).computed_at == stored.computed_at
    assert DataImport.objects.get().unchanged == 1


def test_the_dashboard_links_to_the_page_for_those_who_import(client, departments):
    manager = user_with_role(Role.RISK_MANAGER, department=departments[0])
    member = user_with_role(Role.CABINET_MEMBER, department=departments[0])

    client.force_login(manager)
    for_manager = client.get(reverse("cabinet:dashboard")).content.decode()
    client.force_login(member)
    for_member = client.get(reverse("cabinet:dashboard")).content.decode()

    assert f'href="{HOURS_URL}"' in for_manager
    assert f'href="{HOURS_URL}"' not in for_member
    assert "A risk manager imports them" in for_member


def test_ranking_again_visits_each_stored_month_from_the_change_once_newest_first():
    scored_city()
    for month in (date(2026, 10, 1), date(2026, 8, 1), date(2026, 9, 1)):
        department_scores_compute(month=month)

    assert department_scores_refresh_since(month=date(2026, 9, 1)) == [
        date(2026, 10, 1),
        date(2026, 9, 1),
    ]


def test_with_a_time_budget_it_ranks_the_newest_month_and_names_the_command_for_the_rest(
    caplog, monkeypatch
):
    scored_city()
    for month in (date(2026, 8, 1), date(2026, 9, 1), date(2026, 10, 1)):
        department_scores_compute(month=month)
    august = DepartmentScore.objects.filter(month=date(2026, 8, 1))
    before = dict(august.values_list("pk", "computed_at"))
    ranked = []
    compute = services.department_scores_compute
    monkeypatch.setattr(
        services,
        "department_scores_compute",
        lambda *, month: ranked.append(month) or compute(month=month),
    )

    done = department_scores_refresh_since(month=date(2026, 8, 1), budget_seconds=0)

    assert done == ranked == [date(2026, 10, 1)]
    assert dict(august.values_list("pk", "computed_at")) == before
    assert "The rankings for 2026-08 to 2026-09 were not computed again here" in caplog.text
    assert "python manage.py score --since 2026-08" in caplog.text


def test_with_the_task_queue_down_an_import_ranks_again_within_the_requests_budget(monkeypatch):
    calls = []
    monkeypatch.setattr(
        services,
        "department_scores_refresh_since",
        lambda **kwargs: calls.append(kwargs),
    )
    monkeypatch.setattr(services, "task_queue_on_commit", lambda task, *args, fallback: fallback())
    scored_city()
    department_scores_compute(month=date(2026, 10, 1))

    services.rankings_refresh_queue(since=date(2026, 9, 1))

    assert calls == [
        {"month": date(2026, 9, 1), "budget_seconds": services.IN_REQUEST_REFRESH_SECONDS}
    ]


def test_a_month_that_can_no_longer_be_ranked_keeps_its_stored_ranking(caplog):
    streets, _, _ = scored_city()
    department_scores_compute(month=date(2026, 10, 1))
    stored = DepartmentScore.objects.get(month=date(2026, 10, 1), department=streets)
    # Every hour is gone: the engine has nothing to rank on.
    ExposureMonth.objects.all().delete()

    assert department_scores_refresh_since(month=date(2026, 9, 1)) == []
    assert DepartmentScore.objects.get(pk=stored.pk).computed_at == stored.computed_at
    assert "The ranking for 2026-10 was kept as it was" in caplog.text


def test_the_same_file_sent_twice_at_once_is_imported_once(
    manager_client, departments, monkeypatch
):
    upload(manager_client, GOOD)
    looked_up = services._exposure_rows_existing
    calls = []

    def first_look_misses_the_other_import(rows):
        calls.append(len(rows))
        # The first look happens before the other request's rows are committed.
        return {} if len(calls) == 1 else looked_up(rows)

    monkeypatch.setattr(services, "_exposure_rows_existing", first_look_misses_the_other_import)

    response = upload(manager_client, GOOD)

    second = DataImport.objects.first()
    assert response.status_code == 302
    assert len(calls) == 2
    assert (second.created, second.updated, second.unchanged) == (0, 0, 3)
    assert ExposureMonth.objects.count() == 3
    assert DataImport.objects.count() == 2


def test_risk_managers_are_reminded_of_last_months_missing_hours(departments, mailoutbox):
    sanitation, fire = departments
    manager = user_with_role(Role.RISK_MANAGER, department=sanitation)
    manager.email = "rm@city.example"
    manager.save()
    for role, email, active in (
        (Role.CABINET_MEMBER, "member@city.example", True),
        (Role.RISK_MANAGER, "gone@city.example", False),
    ):
        other = user_with_role(role, department=sanitation)
        other.email, other.is_active = email, active
        other.save()
    ExposureMonthFactory(department=sanitation, month=date(2026, 10, 1))
    IncidentFactory(department=fire, occurred_at=datetime(2026, 10, 7, 9, tzinfo=LA))

    sent = payroll_hours_reminders_send(today=date(2026, 11, 2))

    assert sent == 1
    message = mailoutbox[0]
    assert message.to == ["rm@city.example"]
    assert message.subject == (
        "[riskcabinet] Payroll hours for October 2026 are missing for 1 department"
    )
    assert "in for 1 of 2 departments" in message.body
    assert "- Fire (1 case that month)" in message.body
    assert "Sanitation" not in message.body.split("Missing:")[1]
    assert "stops the month from being ranked at all" in message.body
    assert "/cabinet/hours/" in message.body


def test_a_refused_manager_does_not_stop_the_others_payroll_reminders(
    departments, mailoutbox, monkeypatch
):
    import riskcabinet.mail
    from tests.mailbox import refusing

    managers = [user_with_role(Role.RISK_MANAGER, username=f"manager{n}") for n in range(3)]
    monkeypatch.setattr(riskcabinet.mail, "send_mail", refusing(managers[0].email))

    sent = payroll_hours_reminders_send(today=date(2026, 11, 2))

    assert sent == 2
    assert sorted(m.to[0] for m in mailoutbox) == sorted(m.email for m in managers[1:])


def test_no_reminder_once_every_department_has_its_hours(departments, mailoutbox):
    sanitation, fire = departments
    manager = user_with_role(Role.RISK_MANAGER, department=sanitation)
    manager.email = "rm@city.example"
    manager.save()
    for department in departments:
        ExposureMonthFactory(department=department, month=date(2026, 10, 1))
    # This month's hours, partly in already, are not what the reminder is about.
    ExposureMonthFactory(department=sanitation, month=date(2026, 11, 1))

    assert payroll_hours_reminders_send(today=date(2026, 11, 3)) == 0
    assert mailoutbox == []


def test_beat_reminds_on_the_first_mornings_of_each_month():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["payroll-hours-reminders"]
    assert entry["task"] == "riskcabinet.tasks.payroll_hours_reminders_send"
    assert entry["schedule"].day_of_month == set(range(1, 8))


def test_an_unranked_department_page_points_risk_managers_to_the_missing_hours(client):
    stored_ranking()
    unranked = DepartmentFactory(code="ZOO", name="Zoo")
    url = reverse("cabinet:department", kwargs={"code": unranked.code}) + "?month=2026-10"

    client.force_login(user_with_role(Role.RISK_MANAGER, department=unranked))
    for_manager = client.get(url).content.decode()
    client.force_login(user_with_role(Role.CABINET_MEMBER, department=unranked))
    for_member = client.get(url).content.decode()

    assert "Not ranked for October 2026" in for_manager
    assert f'<a href="{HOURS_URL}">See which months lack hours</a>' in for_manager
    assert "Not ranked for October 2026" in for_member
    assert HOURS_URL not in for_member


def test_a_row_with_a_nul_character_is_refused_and_the_import_still_kept(
    manager_client, departments
):
    text = (
        "department,month,hours_worked,headcount\nLASAN,2026-10,498000,3041\nLA\x00FD,2026-10,1,1\n"
    )

    response = upload(manager_client, text)

    record = DataImport.objects.get()
    assert response.status_code == 302
    assert record.problems == [{"line": 3, "reason": "the row contains a NUL character"}]
    assert record.created == 1


@time_machine.travel(datetime(2026, 11, 15, 9, 0, tzinfo=LA), tick=False)
def test_a_month_with_a_mistyped_year_is_refused(manager_client, departments):
    text = (
        "department,month,hours_worked,headcount\n"
        "LASAN,2026-11,498000,3041\n"
        "LASAN,2062-10,512000,3050\n"
        "LAFD,1026-10,1700000,3500\n"
        "LAFD,2026-12,1700000,3500\n"
    )

    response = upload(manager_client, text)

    page = manager_client.get(response["Location"]).content.decode()
    assert list(ExposureMonth.objects.values_list("month", flat=True)) == [date(2026, 11, 1)]
    assert "month 2062-10 has not begun yet: a mistyped year?" in page
    assert "month 1026-10 is before 1970: a mistyped year?" in page
    assert "month 2026-12 has not begun yet" in page


def test_hours_are_corrected_through_the_import_and_a_deletion_in_the_admin_ranks_again(
    client, django_capture_on_commit_callbacks, monkeypatch
):
    _, _, clerk = scored_city()  # The clerk's office has no cases: a month can go.
    department_scores_compute(month=date(2026, 10, 1))
    before = DepartmentScore.objects.get(month=date(2026, 10, 1), department=clerk)
    row = ExposureMonth.objects.get(department=clerk, month=date(2026, 7, 1))
    client.force_login(user_with_role(Role.ADMINISTRATOR, username="admin1"))
    monkeypatch.setattr(services, "task_queue_on_commit", lambda task, *args, fallback: fallback())

    change = client.get(f"/admin/riskcabinet/exposuremonth/{row.pk}/change/")
    refused = client.post(
        f"/admin/riskcabinet/exposuremonth/{row.pk}/change/",
        {"department": clerk.pk, "month": "2026-07-01", "hours_worked": "1", "headcount": "1"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        deleted = client.post(f"/admin/riskcabinet/exposuremonth/{row.pk}/delete/", {"post": "yes"})

    assert change.status_code == 200
    assert 'name="hours_worked"' not in change.content.decode()  # Read-only here.
    assert refused.status_code == 403
    assert deleted.status_code == 302
    after = DepartmentScore.objects.get(month=date(2026, 10, 1), department=clerk)
    assert after.hours_worked == before.hours_worked - float(row.hours_worked)
