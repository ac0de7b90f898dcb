"""The packet agrees with the figures it prints beside each other, with the dashboard, and with
its promise that privacy cases are counted but never described and that nobody is named."""

import re
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from incidents.models import Incident
from reports.pdf.packet import _Writer
from reports.pdf.theme import format_rate_precise
from reports.selectors import packet_data_for_month
from riskcabinet.models import ExposureMonth
from riskcabinet.roles import Role
from riskcabinet.scoring import rank_departments
from riskcabinet.selectors import scoring_result_compute
from tests.factories import (
    CorrectiveActionFactory,
    DepartmentFactory,
    IncidentFactory,
    user_with_role,
)

PACIFIC = ZoneInfo("America/Los_Angeles")
MONTHS = [f"{year}-{m:02d}" for year in (2025, 2026) for m in range(1, 13)]


def _incident(department, day, severity="medical", days_away=0, kind="injury_illness"):
    return {
        "department": department,
        "occurred_on": day,
        "severity": severity,
        "recordable": severity not in ("first_aid", "none"),
        "days_away": days_away,
        "days_restricted": 0,
        "incident_type": kind,
    }


def _two_serious_cases_in_a_small_department(small_hours_per_month):
    months = MONTHS
    exposure = pd.DataFrame(
        [
            {"department": d, "month": m, "hours_worked": h, "headcount": 1}
            for d, h in (("Big", 400_000.0), ("Small", small_hours_per_month))
            for m in months
        ]
    )
    rows = []
    for m in months:  # the city: 4 medical + 1 first aid a month in Big
        rows += [_incident("Big", f"{m}-10") for _ in range(4)]
        rows.append(_incident("Big", f"{m}-11", severity="first_aid"))
    rows += [
        _incident("Small", "2026-03-04", severity="days_away", days_away=4),
        _incident("Small", "2026-08-19", severity="days_away", days_away=6),
    ]
    ranking = rank_departments(pd.DataFrame(rows), exposure, as_of="2026-12")
    return ranking, ranking.departments.set_index("department").loc["Small"]


def test_the_level_reason_names_the_adjusted_rate_it_reads():
    """The packet prints a small department's own harm rate, 1.5 times the city's, beside its
    reason: the reason reads the adjusted rate the rank is built on (pulled below the city's
    here), so it must say so rather than read as "Rate below the city's"."""
    ranking, small = _two_serious_cases_in_a_small_department(40_000.0)

    assert small["harm_rate"] > 1.25 * ranking.city_harm_rate
    assert small["shrunk_harm_rate"] < 0.8 * ranking.city_harm_rate
    assert small["reasons"][0] == "Adjusted harm rate below the city's, steady"


def test_times_the_city_is_the_adjusted_rate_over_the_citys():
    ranking, small = _two_serious_cases_in_a_small_department(8_000.0)

    said = re.match(r"Adjusted harm rate (\d+\.\d) times the city's", small["reasons"][0])
    assert said is not None, small["reasons"][0]
    assert said.group(1) == f"{small['shrunk_harm_rate'] / ranking.city_harm_rate:.1f}"


def _month_list(first: date, count: int) -> list[date]:
    out, year, month = [], first.year, first.month
    for _ in range(count):
        out.append(date(year, month, 1))
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return out


def _local(day: date, at: time = time(10, 0)) -> datetime:
    return datetime.combine(day, at, tzinfo=PACIFIC)


def _small_city_with_a_new_department():
    """OLD has 24 months of payroll hours; NEW's payroll starts in May 2026, but a case from
    February 2026 (imported from its old system) is on record."""

    old = DepartmentFactory(code="OLD", name="Old department")
    new = DepartmentFactory(code="NEW", name="New department")
    for month in _month_list(date(2024, 11, 1), 24):
        ExposureMonth.objects.create(
            department=old, month=month, hours_worked=Decimal("100000"), headcount=600
        )
        IncidentFactory(
            department=old,
            occurred_at=_local(month.replace(day=10)),
            reported_at=_local(month.replace(day=10)),
            recordable=True,
        )
    for month in _month_list(date(2026, 5, 1), 6):
        ExposureMonth.objects.create(
            department=new, month=month, hours_worked=Decimal("20000"), headcount=120
        )
    for day in (date(2026, 2, 12), date(2026, 7, 14)):
        IncidentFactory(
            department=new, occurred_at=_local(day), reported_at=_local(day), recordable=True
        )
    return old, new


@pytest.mark.django_db
def test_packet_trir_for_a_new_department_matches_the_dashboard():

    _small_city_with_a_new_department()
    month = date(2026, 10, 1)
    dashboard = {row["department"]: row for row in scoring_result_compute(month=month).rows}
    packet = packet_data_for_month(month=month)
    printed = {row.department.code: row for row in packet.ranking}

    # Dashboard (DepartmentScore.trir, the engine): 1 case over 120,000 hours = 1.67.
    assert dashboard["NEW"]["trir"] == pytest.approx(200_000 / 120_000)
    # The packet's TRIR column and the city's recordable count must agree with it.
    assert printed["NEW"].trir == pytest.approx(dashboard["NEW"]["trir"])
    assert packet.summary.recordable_cases == sum(
        row["recordable_cases"] for row in dashboard.values()
    )


@pytest.mark.django_db
def test_department_page_does_not_describe_a_privacy_case_by_its_oiics_event():

    old, _new = _small_city_with_a_new_department()
    day = date(2026, 9, 3)
    IncidentFactory(
        department=old,
        incident_type="assault",
        severity="medical",
        recordable=True,
        privacy_case=True,
        privacy_reason="sexual_assault",
        oiics_event="1116",  # OIICS 2.01: "Rape, sexual assault"
        occurred_at=_local(day),
        reported_at=_local(day),
    )

    packet = packet_data_for_month(month=date(2026, 10, 1))
    page = next(focus for focus in packet.attention if focus.department.code == "OLD")

    shown = [(event.code, event.title) for event in page.leading_events]
    assert all(code != "1116" for code, _title in shown), shown


def _writer():

    writer = _Writer.__new__(_Writer)
    writer.symbol_font = None  # '+0.01' / '−0.01' instead of arrows; same arithmetic
    return writer


@pytest.mark.parametrize(
    ("current", "previous", "expected_change"),
    [
        (5.004, 4.996, "no change"),  # printed: 5.00 and 'vs 5.00'
        (5.0216, 5.0661, "0.05"),  # the demo packet: 5.02, '▼ 0.04 vs 5.07'
    ],
)
def test_rate_tile_change_is_the_difference_of_the_printed_rates(
    current, previous, expected_change
):

    text = _writer()._comparison(current, previous, "last month")

    assert f"vs {format_rate_precise(previous)} last month" in text
    assert f"{expected_change}</b>" in text, (
        f"tile {format_rate_precise(current)}, previous {format_rate_precise(previous)}: {text}"
    )


@pytest.mark.django_db
def test_action_owner_title_naming_a_person_is_not_printed():

    old, _new = _small_city_with_a_new_department()
    owner = user_with_role(Role.EMPLOYEE, department=old)
    owner.person.job_title = "Aide to Ignatius Vonnegrath, Field Coordinator"
    owner.person.save()
    incident = Incident.objects.filter(department=old).order_by("-occurred_at").first()
    CorrectiveActionFactory(
        incident=incident,
        owner=owner,
        due_on=date(2026, 11, 20),
        created_at=_local(date(2026, 10, 15)),
    )

    packet = packet_data_for_month(month=date(2026, 10, 1))
    page = next(focus for focus in packet.attention if focus.department.code == "OLD")

    owners = [action.owner_role for action in page.open_actions]
    assert owners, "the action is listed"
    assert not any("Vonnegrath" in role for role in owners), owners


@pytest.mark.django_db
def test_the_packets_signal_column_says_what_the_dashboards_does(client):
    from riskcabinet.services import department_scores_compute
    from tests.riskcabinet.cabinet_helpers import scored_city

    scored_city()
    month = date(2026, 10, 1)
    department_scores_compute(month=month)
    client.force_login(user_with_role(Role.CABINET_MEMBER))
    page = client.get("/cabinet/", {"month": "2026-10"}).content.decode()
    on_dashboard = {}
    for row in re.findall(r"<tr[^>]*>.*?</tr>", page, flags=re.S):
        name = re.search(r'class="dept-link"[^>]*>([^<]+)<', row)
        signal = re.search(r'class="signal-cell"[^>]*>(.*?)</td>', row, flags=re.S)
        if name and signal:
            badge = re.search(r'<span class="badge[^"]*"[^>]*>([^<]+)<', signal.group(1))
            on_dashboard[name.group(1)] = badge.group(1)

    ranking = packet_data_for_month(month=month).ranking
    # The dashboard shows a control-chart signal as a "Signal" badge with the signal beside it.
    printed = {
        row.department.name: "Signal" if row.control_signal else row.signal_words or "In control"
        for row in ranking
    }

    # Street Services' harm rate is far above the city's: the dashboard said so in its Signal
    # column, and the packet printed "–" there.
    assert printed["Street Services"] == "Above funnel"
    assert printed == on_dashboard
