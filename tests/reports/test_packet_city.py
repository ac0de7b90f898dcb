"""A small, named city for the briefing packet tests, and a check that it hangs together.

`packet_city_seed` is imported by the other test_packet_* files. Its employees have distinctive
names, ids and narrative words, so that a privacy test can look for them in the PDF's text.
"""

import dataclasses
import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from incidents.clocks import clocks_build_for
from incidents.models import (
    ActionStatus,
    Claim,
    ComplianceClock,
    CorrectiveAction,
    Incident,
    IncidentType,
    Investigation,
    Severity,
    Source,
    Status,
)
from incidents.services import format_reference
from reports.selectors import month_shift
from riskcabinet.models import ExposureMonth
from riskcabinet.roles import Role
from tests.factories import DepartmentFactory, user_with_role

PACIFIC = ZoneInfo("America/Los_Angeles")
PACKET_MONTH = date(2026, 10, 1)

# Names, ids and words that must never appear in a packet.
SECRET_NAMES = (
    "Zebulon",
    "Quillfeather",
    "Perpetua",
    "Marchbanks",
    "Ignatius",
    "Vonnegrath",
    "Cordelia",
    "Wintersmoke",
)
SECRET_IDS = ("EQZ771234", "EQZ771235", "EQZ771236")
SECRET_WORDS = ("xylophonic", "grapplewick", "Thornbury")

_DEPARTMENTS = (
    # code, name, headcount, cases per 200,000 hours
    ("SAN", "Sanitation", 900, 14.0),
    ("FIRE", "Fire", 700, 11.0),
    ("POL", "Police", 1500, 7.0),
    ("LIB", "Library", 300, 2.0),
    ("PARK", "Recreation and Parks", 500, 5.0),
    ("PER", "Personnel", 120, 1.0),
    ("ZOO", "Zoo", 80, 9.0),
)
_SEVERITIES = (
    (Severity.FIRST_AID, 30),
    (Severity.NONE, 25),
    (Severity.MEDICAL, 25),
    (Severity.DAYS_AWAY, 10),
    (Severity.RESTRICTED, 8),
    (Severity.HOSPITALIZATION, 2),
)
_EVENTS = ("1113", "1117", "7110", "4210", "2610", "7120")
_TYPES = (
    IncidentType.INJURY_ILLNESS,
    IncidentType.ASSAULT,
    IncidentType.VEHICLE,
    IncidentType.NEAR_MISS,
    IncidentType.EXPOSURE,
)
_RECORDABLE = {
    Severity.FATALITY,
    Severity.HOSPITALIZATION,
    Severity.DAYS_AWAY,
    Severity.RESTRICTED,
    Severity.MEDICAL,
}


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 15), tzinfo=PACIFIC)


def packet_city_seed(*, month: date = PACKET_MONTH, months: int = 36, seed: int = 11) -> dict:
    """Seven departments with payroll hours, cases, clocks, claims, investigations and actions."""
    rng = random.Random(seed)
    departments = {
        code: DepartmentFactory(code=code, name=name) for code, name, _, _ in _DEPARTMENTS
    }
    first = month_shift(month, -(months - 1))
    all_months = [month_shift(first, step) for step in range(months)]
    ExposureMonth.objects.bulk_create(
        ExposureMonth(
            department=departments[code],
            month=day,
            hours_worked=Decimal(headcount * 160),
            headcount=headcount,
        )
        for code, _, headcount, _ in _DEPARTMENTS
        for day in all_months
    )
    reporters = [
        user_with_role(
            Role.EMPLOYEE,
            department=departments["SAN"],
            username=f"reporter{number}",
            employee_id=SECRET_IDS[number],
        )
        for number in range(3)
    ]
    for user, (first_name, last_name) in zip(
        reporters,
        (("Zebulon", "Quillfeather"), ("Perpetua", "Marchbanks"), ("Ignatius", "Vonnegrath")),
        strict=True,
    ):
        user.first_name, user.last_name = first_name, last_name
        user.save()
    supervisor = user_with_role(Role.SAFETY_OFFICER, department=departments["SAN"])
    supervisor.first_name, supervisor.last_name = "Perpetua", "Quillfeather"
    supervisor.save()
    supervisor.person.job_title = "Sanitation Supervisor"
    supervisor.person.save()
    aide = user_with_role(Role.EMPLOYEE, department=departments["FIRE"])
    aide.person.job_title = "Personal aide to Ignatius Vonnegrath"
    aide.person.save()

    incidents = []
    number = 0
    for code, _, headcount, rate in _DEPARTMENTS:
        for index, day in enumerate(all_months):
            # The first two departments get worse over the last year.
            drift = 1.0 + (0.6 if code in ("SAN", "ZOO") and index >= months - 12 else 0.0)
            expected = rate * drift * headcount * 160 / 200_000 * 2.2
            count = sum(rng.random() < expected / 8 for _ in range(8))
            for _ in range(count):
                number += 1
                severity = rng.choices(
                    [s for s, _ in _SEVERITIES], weights=[w for _, w in _SEVERITIES]
                )[0]
                occurred = _at(day + timedelta(days=rng.randint(0, 27)), rng.randint(6, 18))
                incidents.append(
                    Incident(
                        reference=format_reference(year=occurred.year, number=number),
                        source=Source.STAFF,
                        reporter=rng.choice(reporters),
                        department=departments[code],
                        incident_type=rng.choice(_TYPES),
                        occurred_at=occurred,
                        reported_at=occurred + timedelta(hours=1),
                        learned_at=occurred + timedelta(hours=1),
                        location_text="Behind the Thornbury yard",
                        narrative="Zebulon Quillfeather slipped on a xylophonic grapplewick.",
                        involved_people="Perpetua Marchbanks (EQZ771235)",
                        body_part="lower back",
                        injury_kind="sprain",
                        severity=severity,
                        recordable=severity in _RECORDABLE,
                        days_away=rng.randint(1, 20) if severity == Severity.DAYS_AWAY else 0,
                        oiics_event=rng.choice(_EVENTS),
                        physician_name="Dr Ignatius Vonnegrath",
                        status=Status.CLOSED if day < month else Status.INVESTIGATING,
                    )
                )
    # Serious cases in the packet's month, in the worst department.
    for offset in (3, 12, 20):
        number += 1
        occurred = _at(month + timedelta(days=offset), 9)
        incidents.append(
            Incident(
                reference=format_reference(year=occurred.year, number=number),
                source=Source.STAFF,
                reporter=reporters[0],
                department=departments["SAN"],
                incident_type=IncidentType.INJURY_ILLNESS,
                occurred_at=occurred,
                reported_at=occurred + timedelta(hours=1),
                learned_at=occurred + timedelta(hours=1),
                location_text="Thornbury transfer station",
                narrative="Quillfeather was crushed; xylophonic fracture of the left femur.",
                injured_name="Cordelia Wintersmoke",
                injured_job_title="Grapplewick fitter",
                severity=Severity.HOSPITALIZATION,
                recordable=True,
                state_reportable=True,
                hospitalized_overnight=True,
                oiics_event="6420",
                status=Status.INVESTIGATING,
            )
        )
    Incident.objects.bulk_create(incidents, batch_size=500)
    incidents = list(Incident.objects.order_by("pk"))

    clocks = []
    for incident in incidents:
        if incident.severity != Severity.HOSPITALIZATION:
            continue
        for position, clock in enumerate(clocks_build_for(incident)):
            if position % 2 == 0:
                clock.completed_at = clock.started_at + (clock.due_at - clock.started_at) / 2
            elif incident.occurred_at < _at(month):
                clock.completed_at = clock.due_at + timedelta(hours=2)
            clocks.append(clock)
    ComplianceClock.objects.bulk_create(clocks)

    investigations, actions, claims = [], [], []
    for position, incident in enumerate(incidents):
        if incident.status == Status.CLOSED:
            investigations.append(
                Investigation(
                    incident=incident,
                    root_cause="Quillfeather's xylophonic habit",
                    completed_at=incident.reported_at + timedelta(days=5) if position % 5 else None,
                )
            )
        if incident.recordable and position % 3 == 0:
            claims.append(
                Claim(
                    incident=incident,
                    claim_number=f"WC-{incident.pk:06d}",
                    opened_on=incident.occurred_at.date() + timedelta(days=2),
                    paid_to_date=Decimal("1500.00"),
                    total_incurred=Decimal("4200.00"),
                )
            )
        if incident.recordable and position % 4 == 0:
            owner = supervisor if incident.department.code == "SAN" else aide
            due = incident.occurred_at.date() + timedelta(days=30)
            open_action = incident.occurred_at >= _at(month_shift(month, -3))
            actions.append(
                CorrectiveAction(
                    incident=incident,
                    description="Fit lift-assist arms to the side loaders",
                    control_level="engineering",
                    owner=owner,
                    due_on=due,
                    status=ActionStatus.OPEN if open_action else ActionStatus.DONE,
                    completed_at=None if open_action else _at(due),
                    created_at=incident.reported_at + timedelta(days=1),
                )
            )
    Investigation.objects.bulk_create(investigations)
    Claim.objects.bulk_create(claims)
    CorrectiveAction.objects.bulk_create(actions)
    return {"departments": departments, "reporters": reporters, "month": month}


@pytest.mark.django_db
def test_it_seeds_a_city_with_serious_cases_in_the_packet_month():
    city = packet_city_seed()

    serious = Incident.objects.filter(
        severity=Severity.HOSPITALIZATION, occurred_at__gte=_at(city["month"], 0)
    )
    assert serious.count() >= 3
    assert ComplianceClock.objects.filter(incident__in=serious).exists()


@pytest.mark.django_db
def test_a_departments_page_counts_every_open_action_and_lists_the_most_urgent():
    from reports.selectors import OPEN_ACTION_LIMIT, _open_actions
    from tests.factories import CorrectiveActionFactory, IncidentFactory

    department = DepartmentFactory(code="STS")
    incident = IncidentFactory(department=department)
    cutoff = timezone.now() + timedelta(days=1)
    today = cutoff.date()
    for days in range(-3, 6):  # Three overdue at the cut-off, six not yet due.
        CorrectiveActionFactory(incident=incident, due_on=today + timedelta(days=days))
    listed, open_count, overdue_count = _open_actions("STS", cutoff)
    assert (len(listed), open_count, overdue_count) == (OPEN_ACTION_LIMIT, 9, 3)
    assert [action.overdue for action in listed] == [True, True, True, False, False]
    assert [action.due_date for action in listed] == [
        today + timedelta(days=days) for days in (-3, -2, -1, 0, 1)
    ]


@pytest.mark.django_db
def test_the_summary_counts_the_windows_injuries_first_known_from_a_claim():
    from reports.selectors import packet_data_for_month
    from tests.factories import IncidentFactory

    city = packet_city_seed(months=14)
    sanitation = city["departments"]["SAN"]
    inside = (month_shift(city["month"], -11), city["month"])
    for first_day in inside:
        IncidentFactory(
            department=sanitation, source=Source.CLAIM, occurred_at=_at(first_day + timedelta(4))
        )
    # One from before the twelve months, one after the packet's month, and a merged duplicate.
    IncidentFactory(
        department=sanitation, source=Source.CLAIM, occurred_at=_at(month_shift(city["month"], -12))
    )
    IncidentFactory(
        department=sanitation, source=Source.CLAIM, occurred_at=_at(month_shift(city["month"], 1))
    )
    survivor = Incident.objects.filter(source=Source.CLAIM).first()
    IncidentFactory(
        department=sanitation,
        source=Source.CLAIM,
        occurred_at=_at(city["month"]),
        merged_into=survivor,
    )

    summary = packet_data_for_month(month=city["month"]).summary

    assert Incident.objects.filter(source=Source.CLAIM).count() == 5
    assert summary.unreported_injuries == 2


@pytest.mark.django_db
def test_the_funnel_plots_the_harm_rate_its_reasons_read():
    from reports.pdf import charts
    from reports.selectors import packet_inputs_for_month

    city = packet_city_seed(months=14)

    data, result = packet_inputs_for_month(month=city["month"])

    rows = {row["department"]: row for row in result.rows}
    points = {point.department.code: point for point in data.funnel.points}
    assert set(points) == set(rows)
    assert {code: point.rate for code, point in points.items()} == {
        code: row["harm_rate"] for code, row in rows.items()
    }
    assert data.funnel.centre_rate == pytest.approx(result.funnel["city_rate"])
    above = {
        code
        for code, point in points.items()
        if charts.funnel_position(point, data.funnel.limits) is charts.FunnelPosition.ABOVE_998
    }
    said_above = {
        code
        for code, row in rows.items()
        if any("above the funnel's outer limit" in reason for reason in row["reasons"])
    }
    assert above == said_above
    # Fire is above the 95% limit and Police below it in this seed.
    assert {row["funnel_position"] for row in rows.values()} > {"within"}
    # The drawn limits put each department where the engine did.
    for code, point in points.items():
        unplaced = dataclasses.replace(point, position="")
        assert (
            charts.funnel_position(unplaced, data.funnel.limits).value
            == rows[code]["funnel_position"]
        )
