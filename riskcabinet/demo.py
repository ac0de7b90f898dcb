"""Builds the demo city: departments, exposure, people, three years of incidents, follow-up.

Everything is drawn from one seeded random generator, so the same seed gives the same city.
"""

import csv
import random
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from incidents.claims import claims_import
from incidents.clocks import clocks_build_for
from incidents.models import (
    RECORDABLE_SEVERITIES,
    ActionStatus,
    Claim,
    ClaimStatus,
    ClockKind,
    ComplianceClock,
    ControlLevel,
    CorrectiveAction,
    Establishment,
    Incident,
    IncidentType,
    Investigation,
    ReferenceSequence,
    Severity,
    Source,
    Status,
    Treatment,
)
from incidents.services import format_reference
from riskcabinet.demo_city import DEPARTMENTS, STORIES, DemoDepartment, Story, places_for
from riskcabinet.inserts import HistoryRowCopy
from riskcabinet.models import Department, ExposureMonth, Person
from riskcabinet.roles import Role, roles_ensure
from riskcabinet.services import EXPOSURE_IMPORT_COLUMNS, exposure_import

DEMO_PASSWORD = "riskcabinet-demo"
OIICS_DIR = Path(__file__).resolve().parent / "data" / "oiics"

# Severity mix per incident type, worst first, in the order of Severity.
SEVERITY_MIX: dict[str, tuple[float, ...]] = {
    # fatality, hospitalization, days_away, restricted, medical, first_aid, none
    IncidentType.INJURY_ILLNESS: (0.0004, 0.012, 0.17, 0.14, 0.30, 0.35, 0.0276),
    IncidentType.VEHICLE: (0.0008, 0.010, 0.07, 0.05, 0.14, 0.16, 0.5692),
    IncidentType.ASSAULT: (0.0004, 0.010, 0.09, 0.05, 0.19, 0.21, 0.4496),
    IncidentType.EXPOSURE: (0.0, 0.010, 0.06, 0.06, 0.24, 0.30, 0.33),
    IncidentType.NEAR_MISS: (0, 0, 0, 0, 0, 0, 1.0),
    IncidentType.PROPERTY_DAMAGE: (0, 0, 0, 0, 0, 0, 1.0),
}
SEVERITY_ORDER = tuple(Severity.values)
TREATMENT_FOR_SEVERITY = {
    "fatality": Treatment.HOSPITAL_STAY,
    "hospitalization": Treatment.HOSPITAL_STAY,
    "days_away": Treatment.CLINIC,
    "restricted": Treatment.CLINIC,
    "medical": Treatment.CLINIC,
    "first_aid": Treatment.FIRST_AID,
    "none": Treatment.NONE,
}

FIRST_NAMES = (
    "Maria",
    "Jose",
    "James",
    "Linda",
    "Carlos",
    "Patricia",
    "Robert",
    "Ana",
    "David",
    "Karen",
    "Luis",
    "Jennifer",
    "Michael",
    "Rosa",
    "Daniel",
    "Grace",
    "Kevin",
    "Yesenia",
    "Thomas",
    "Mei",
    "Andre",
    "Sofia",
    "Brian",
    "Lupe",
    "Hector",
    "Aisha",
    "Minh",
    "Tanya",
    "Oscar",
)
LAST_NAMES = (
    "Garcia",
    "Hernandez",
    "Smith",
    "Lopez",
    "Nguyen",
    "Kim",
    "Johnson",
    "Martinez",
    "Rivera",
    "Williams",
    "Gonzalez",
    "Chen",
    "Brown",
    "Perez",
    "Sanchez",
    "Davis",
    "Ramirez",
    "Park",
    "Torres",
    "Flores",
    "Jackson",
    "Cruz",
    "Morales",
    "Tran",
    "Reyes",
    "Washington",
)
JOB_TITLES = (
    "Refuse Collection Truck Operator",
    "Maintenance Laborer",
    "Park Ranger",
    "Librarian",
    "Electrical Craft Helper",
    "Police Officer II",
    "Firefighter III",
    "Equipment Operator",
    "Senior Clerk Typist",
    "Gardener Caretaker",
    "Animal Control Officer",
    "Building Inspector",
)


@dataclass(frozen=True)
class SeedSummary:
    departments: int
    exposure_months: int
    incidents: int
    actions: int
    claims: int
    users: int
    logins: tuple[tuple[str, str, str], ...]  # (username, password, role)


def _load_codes(family: str) -> set[str]:
    with (OIICS_DIR / f"oiics_2.01_{family}.csv").open(encoding="utf-8") as handle:
        return {row["CASE_CODE"].strip() for row in csv.DictReader(handle)}


def stories_check() -> None:
    """Raises ValueError naming the first demo story with a code missing from the shipped OIICS
    lists or a severity that is not one, or a department whose setting has no places or no story
    of a type."""
    codes = {family: _load_codes(family) for family in ("event", "nature", "part", "source")}
    for spec in DEPARTMENTS:
        for kind in STORIES:
            if not _stories_in(kind, spec.profile.setting):
                raise ValueError(f"{spec.code}: no {kind} story for {spec.profile.setting!r}")
        if not places_for(spec):
            raise ValueError(f"{spec.code}: no places for {spec.profile.setting!r}")
    for kind, stories in STORIES.items():
        for story in stories:
            if story.worst not in SEVERITY_ORDER:
                raise ValueError(f"{kind}: {story.narrative!r}: no severity {story.worst!r}")
            for family, code in story.oiics().items():
                if code not in codes[family]:
                    raise ValueError(f"{kind}: {story.narrative!r}: no {family} code {code!r}")


def _stories_in(kind: str, setting: str) -> list[Story]:
    return [story for story in STORIES[kind] if not story.where or setting in story.where]


def _story_for(kind: str, severity: str, setting: str, rng: random.Random) -> tuple[Story, str]:
    """A story of this type that happens in this setting and can be as bad as ``severity``, the
    common ones more often, with the case's severity. That is ``severity``, unless no story of
    the setting is that bad (a shooting at the library): then it is the worst one can be."""
    stories = _stories_in(kind, setting)
    rank = max(SEVERITY_ORDER.index(severity), min(SEVERITY_ORDER.index(s.worst) for s in stories))
    fitting = [s for s in stories if SEVERITY_ORDER.index(s.worst) <= rank]
    story = rng.choices(fitting, weights=[s.weight for s in fitting])[0]
    return story, SEVERITY_ORDER[rank]


def _month_starts(end: date, months: int) -> list[date]:
    starts = []
    year, month = end.year, end.month
    for _ in range(months):
        starts.append(date(year, month, 1))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return starts[::-1]


def _aware(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


@transaction.atomic
def demo_city_seed(*, seed: int = 7, months: int = 36, today: date | None = None) -> SeedSummary:
    """Create the demo city in an empty database."""
    rng = random.Random(seed)
    nprng = np.random.default_rng(seed)
    today = today or timezone.localdate()
    month_starts = _month_starts(today.replace(day=1), months + 1)  # The current month too.
    roles_ensure()
    stories_check()

    # Departments, establishments and exposure.
    departments: dict[str, Department] = {}
    for spec in DEPARTMENTS:
        departments[spec.code] = Department.objects.create(code=spec.code, name=spec.name)
    establishments = _establishments_create(departments)
    exposure_rows, hours_by = _exposure_build(departments, month_starts, nprng)
    # Last month's payroll file comes in as a risk manager brings it in, through the import, so
    # the payroll hours page shows its record and its rows their history.
    payroll_month = month_starts[-2]
    ExposureMonth.objects.bulk_create(
        [row for row in exposure_rows if row.month != payroll_month], batch_size=1000
    )

    # People: the demo logins and a handful of named employees per department.
    users, supervisors, employees_by_dept, logins = _people_create(departments, rng)
    exposure_import(
        data=_payroll_file([row for row in exposure_rows if row.month == payroll_month]),
        source_name=f"payroll-hours-{payroll_month:%Y-%m}.csv",
        user=users["manager"],
    )

    # Incidents.
    incidents = _incidents_build(
        departments=departments,
        establishments=establishments,
        hours_by=hours_by,
        month_starts=month_starts,
        today=today,
        employees_by_dept=employees_by_dept,
        rng=rng,
        nprng=nprng,
    )
    Incident.objects.bulk_create(incidents, batch_size=1000)
    for year in {int(i.reference[4:8]) for i in incidents}:
        last = max(int(i.reference[-6:]) for i in incidents if int(i.reference[4:8]) == year)
        ReferenceSequence.objects.update_or_create(year=year, defaults={"last_number": last})
    incidents = list(Incident.objects.select_related("department").order_by("pk"))

    actions, claims, investigations = _follow_up_build(
        incidents=incidents, supervisors=supervisors, users=users, today=today, rng=rng
    )
    # The demo's follow-up records stand for what was there before the app: their history starts
    # with the first change made in the app.
    CorrectiveAction.objects.bulk_create(actions, batch_size=1000)
    Claim.objects.bulk_create(claims, batch_size=1000)
    _claims_file_import(
        claims=claims,
        employees=[e for staff in employees_by_dept.values() for e in staff],
        month=payroll_month,
        user=users["manager"],
        rng=random.Random(seed + 2),
    )
    Investigation.objects.bulk_create(investigations, batch_size=1000)
    _clocks_create(incidents=incidents, officer=users["officer"], rng=random.Random(seed + 1))
    _triaged_cases_assign(officer=users["officer"])
    # Every demo incident and clock gets its "created" history row, as if entered in the app:
    # a case by its reporter when it was reported, a clock when it started.
    HistoryRowCopy(Incident.history.model).copy_all(date_from="reported_at", user_from="reporter")
    HistoryRowCopy(ComplianceClock.history.model).copy_all(date_from="started_at")
    return SeedSummary(
        departments=len(departments),
        exposure_months=len(exposure_rows),
        incidents=len(incidents),
        actions=len(actions),
        claims=len(claims),
        users=get_user_model().objects.count(),
        logins=tuple(logins),
    )


def _establishments_create(departments: dict[str, Department]) -> dict[str, list[Establishment]]:
    by_code: dict[str, list[Establishment]] = {}
    rows = []
    for spec in DEPARTMENTS:
        size = 4 if spec.headcount >= 250 else 3 if spec.headcount >= 100 else 2
        sites = [("Headquarters", spec.address, spec.zip_code)]
        if spec.headcount >= 3000:
            sites.append(("Valley operations", "6262 Van Nuys Blvd", "91401"))
        for site, address, zip_code in sites:
            rows.append(
                Establishment(
                    department=departments[spec.code],
                    name=f"{spec.name} — {site}",
                    street_address=address,
                    zip_code=zip_code,
                    naics_code=spec.naics,
                    industry_description=f"City of Los Angeles, {spec.name}",
                    size=size,
                )
            )
    for establishment in Establishment.objects.bulk_create(rows):
        by_code.setdefault(establishment.department.code, []).append(establishment)
    return by_code


def _exposure_build(departments, month_starts, nprng):
    rows = []
    hours_by: dict[tuple[str, date], float] = {}
    for spec in DEPARTMENTS:
        headcount = float(spec.headcount)
        for month in month_starts:
            headcount = max(5.0, headcount * (1 + nprng.normal(0, 0.006)))
            hours = round(headcount * 168.0 * float(nprng.uniform(0.93, 1.03)), 1)
            hours_by[(spec.code, month)] = hours
            rows.append(
                ExposureMonth(
                    department=departments[spec.code],
                    month=month,
                    hours_worked=Decimal(str(hours)),
                    headcount=round(headcount),
                )
            )
    return rows, hours_by


def _payroll_file(rows: list[ExposureMonth]) -> bytes:
    lines = [",".join(EXPOSURE_IMPORT_COLUMNS)]
    lines += [f"{r.department.code},{r.month:%Y-%m},{r.hours_worked},{r.headcount}" for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode()


def _claims_file_import(*, claims, employees, month: date, user, rng) -> None:
    """Last month's file from the claims administrator, brought in through the import.

    It lists the claims opened that month (the demo has them already, so they come out
    unchanged) and two claims by employees who filed no report that day: a claim without a
    report, which the claims page asks a risk manager to link to its case.
    """
    header = "claim_number,incident_reference,employee_id,date_of_injury,opened_on,status,"
    lines = [header + "paid_to_date,total_incurred,lost_days"]
    for claim in claims:
        if claim.opened_on.replace(day=1) == month:
            lines.append(
                f"{claim.claim_number},{claim.incident.reference},,,{claim.opened_on:%Y-%m-%d},"
                f"{claim.status},{claim.paid_to_date},{claim.total_incurred},{claim.lost_days}"
            )
    with_id = [e for e in employees if e.person.employee_id]
    for serial, employee in enumerate(rng.sample(with_id, 2), start=1):
        injured = month + timedelta(days=rng.randint(2, 20))
        while Incident.objects.filter(reporter=employee, occurred_at__date=injured).exists():
            injured += timedelta(days=1)
        incurred = round(rng.uniform(1_500, 9_000), 2)
        lines.append(
            f"WC{month:%y}-9{serial:05d},,{employee.person.employee_id},{injured:%Y-%m-%d},"
            f"{injured + timedelta(days=3):%Y-%m-%d},open,{incurred / 4:.2f},{incurred:.2f},0"
        )
    claims_import(
        data=("\r\n".join(lines) + "\r\n").encode(),
        source_name=f"claims-{month:%Y-%m}.csv",
        user=user,
    )


def _people_create(departments, rng):
    user_model = get_user_model()
    password = make_password(DEMO_PASSWORD)
    groups = {role: Group.objects.get(name=role.value) for role in Role}
    users: dict[str, object] = {}
    logins = []

    def make(username, first, last, role, department=None, title="", language="", emp_id=None):
        user = user_model.objects.create(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@riskcabinet.example",
            password=password,
            is_staff=role is Role.ADMINISTRATOR,
            is_superuser=role is Role.ADMINISTRATOR,
        )
        user.groups.add(groups[role])
        Person.objects.create(
            user=user,
            employee_id=emp_id,
            department=department,
            job_title=title,
            preferred_language=language,
        )
        users[username] = user
        return user

    make(
        "employee",
        "Rosa",
        "Delgado",
        Role.EMPLOYEE,
        departments["LASAN"],
        "Refuse Collection Truck Operator",
        "en",
        "E100001",
    )
    officer = make(
        "officer",
        "Marcus",
        "Bell",
        Role.SAFETY_OFFICER,
        departments["LASAN"],
        "Safety Officer",
        "en",
        "E100002",
    )
    officer.person.covered_departments.set(
        [departments[c] for c in ("LASAN", "BSS", "RAP", "LAPL", "BSL")]
    )
    make(
        "manager",
        "Helen",
        "Okafor",
        Role.RISK_MANAGER,
        departments["PER"],
        "Risk Manager",
        "en",
        "E100003",
    )
    make(
        "cabinet",
        "Deputy",
        "Mayor",
        Role.CABINET_MEMBER,
        departments["CAO"],
        "Deputy Mayor for Budget",
        "en",
        "E100004",
    )
    make(
        "admin",
        "System",
        "Administrator",
        Role.ADMINISTRATOR,
        departments["ITA"],
        "Systems Administrator",
        "en",
        "E100005",
    )
    logins += [
        ("employee", DEMO_PASSWORD, "employee (Sanitation)"),
        (
            "officer",
            DEMO_PASSWORD,
            "safety officer (Sanitation, Street Services, Parks, Library, Street Lighting)",
        ),
        ("manager", DEMO_PASSWORD, "risk manager (all departments)"),
        ("cabinet", DEMO_PASSWORD, "cabinet member"),
        ("admin", DEMO_PASSWORD, "administrator (also /admin/)"),
    ]

    # A safety officer for every department, so serious cases always reach someone.
    other_officers = []
    for index, chunk_start in enumerate(range(0, len(DEPARTMENTS), 8)):
        chunk = [d.code for d in DEPARTMENTS[chunk_start : chunk_start + 8]]
        user = make(
            f"officer{index + 2}",
            rng.choice(FIRST_NAMES),
            rng.choice(LAST_NAMES),
            Role.SAFETY_OFFICER,
            departments[chunk[0]],
            "Safety Officer",
            "en",
            f"E1001{index:02d}",
        )
        user.person.covered_departments.set([departments[c] for c in chunk])
        other_officers.append(user)

    supervisors = {}
    employees_by_dept: dict[str, list] = {}
    serial = 200000
    for spec in DEPARTMENTS:
        department = departments[spec.code]
        serial += 1
        supervisors[spec.code] = make(
            f"sup.{spec.code.lower()}",
            rng.choice(FIRST_NAMES),
            rng.choice(LAST_NAMES),
            Role.EMPLOYEE,
            department,
            f"{spec.name} Supervisor",
            "en",
            f"E{serial}",
        )
        count = max(2, min(25, spec.headcount // 400))
        staff = []
        for n in range(count):
            serial += 1
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            staff.append(
                make(
                    f"{first.lower()}.{last.lower()}.{serial}",
                    first,
                    last,
                    Role.EMPLOYEE,
                    department,
                    rng.choice(JOB_TITLES),
                    "es" if n % 4 == 0 else "en",
                    f"E{serial}",
                )
            )
        employees_by_dept[spec.code] = staff
    employees_by_dept["LASAN"].append(users["employee"])
    logins.append(
        (supervisors["LASAN"].username, DEMO_PASSWORD, "Sanitation supervisor (owns actions)")
    )
    return users, supervisors, employees_by_dept, logins


def _incidents_build(
    *,
    departments,
    establishments,
    hours_by,
    month_starts,
    today,
    employees_by_dept,
    rng,
    nprng,
):
    types = [
        IncidentType.INJURY_ILLNESS,
        IncidentType.VEHICLE,
        IncidentType.ASSAULT,
        IncidentType.EXPOSURE,
        IncidentType.NEAR_MISS,
        IncidentType.PROPERTY_DAMAGE,
    ]
    mid = month_starts[len(month_starts) // 2]
    now = timezone.now()
    drafts = []
    for spec in DEPARTMENTS:
        spec: DemoDepartment
        profile = spec.profile
        for month in month_starts:
            hours = hours_by[(spec.code, month)]
            years_from_mid = (month - mid).days / 365.25
            trend = (1 + spec.trend_per_year) ** years_from_mid
            summer = month.month in (6, 7, 8, 9)
            # Month-to-month variation beyond Poisson, as real data have.
            wobble = float(nprng.gamma(12.0, 1 / 12.0))
            days_in_month = (
                (month.replace(day=28) + timedelta(days=4)).replace(day=1) - month
            ).days
            last_day = days_in_month
            if month.year == today.year and month.month == today.month:
                last_day = today.day
            fraction = last_day / days_in_month
            for kind in types:
                rate = getattr(profile, kind.value)
                if summer and kind in (IncidentType.INJURY_ILLNESS, IncidentType.EXPOSURE):
                    rate *= 1 + profile.summer_boost
                expected = rate * hours / 200_000 * trend * wobble * fraction
                for _ in range(int(nprng.poisson(expected))):
                    day = month.replace(day=rng.randint(1, last_day))
                    at = time(
                        rng.choice((6, 7, 8, 9, 10, 11, 13, 14, 15, 16, 19, 22)),
                        rng.randrange(0, 60, 5),
                    )
                    occurred = _aware(day, at)
                    reported = occurred + timedelta(minutes=int(nprng.lognormal(4.0, 1.2)))
                    if occurred > now:
                        continue
                    reported = min(reported, now)
                    drafts.append((spec, kind, occurred, reported))
    drafts.sort(key=lambda d: d[3])
    incidents = []
    counters: dict[int, int] = {}
    for spec, kind, occurred, reported in drafts:
        severity = rng.choices(SEVERITY_ORDER, weights=SEVERITY_MIX[kind])[0]
        story, severity = _story_for(kind, severity, spec.profile.setting, rng)
        year = timezone.localtime(reported).year
        counters[year] = counters.get(year, 0) + 1
        age_days = (now - reported).days
        staff = employees_by_dept.get(spec.code) or []
        days_away = days_restricted = 0
        if severity in ("days_away", "hospitalization"):
            days_away = min(180, int(nprng.lognormal(2.3, 0.9)) + 1)
        if severity in ("restricted", "days_away"):
            days_restricted = min(180, int(nprng.lognormal(2.0, 0.8)) + 1)
        status = _status_for_age(age_days, rng)
        codes = story.oiics() if status != Status.NEW else {}
        privacy = kind == IncidentType.ASSAULT and rng.random() < 0.02
        incidents.append(
            Incident(
                reference=format_reference(year=year, number=counters[year]),
                client_uuid=uuid.UUID(int=rng.getrandbits(128), version=4),
                source=Source.DEMO,
                reporter=rng.choice(staff) if staff and rng.random() < 0.8 else None,
                department=departments[spec.code],
                establishment=rng.choice(establishments[spec.code]),
                incident_type=kind,
                occurred_at=occurred,
                reported_at=reported,
                learned_at=reported,
                location_text=rng.choice(places_for(spec)),
                narrative=story.narrative,
                body_part=story.body_part,
                injury_kind=story.injury_kind,
                involved_people="Crew partner saw it." if rng.random() < 0.4 else "",
                treatment=TREATMENT_FOR_SEVERITY[severity],
                severity=severity,
                recordable=(severity in RECORDABLE_SEVERITIES) if status != Status.NEW else None,
                privacy_case=privacy,
                days_away=days_away,
                days_restricted=days_restricted,
                date_of_death=timezone.localdate(occurred)
                if severity == "fatality" and status != Status.NEW
                else None,
                oiics_event=codes.get("event", ""),
                oiics_nature=codes.get("nature", ""),
                oiics_part=codes.get("part", ""),
                oiics_source=codes.get("source", ""),
                state_reportable=severity in ("fatality", "hospitalization"),
                state_reported_at=reported + timedelta(hours=rng.uniform(1, 7))
                if severity in ("fatality", "hospitalization") and status != Status.NEW
                else None,
                state_report_confirmation=f"CALOSHA-{rng.randint(100000, 999999)}"
                if severity in ("fatality", "hospitalization") and status != Status.NEW
                else "",
                status=status,
                closed_at=reported + timedelta(days=rng.randint(10, 50))
                if status == Status.CLOSED
                else None,
            )
        )
    return incidents


def _triaged_cases_assign(*, officer) -> None:
    """A case that has been triaged belongs to a safety officer of its department (the demo
    officer where he covers it); a new case waits in the queue for someone to take it."""
    covering: dict[int, int] = {}
    links = Person.covered_departments.through.objects.order_by("person__user_id")
    for department_id, user_id in links.values_list("department_id", "person__user_id"):
        covering.setdefault(department_id, user_id)
    for department_id in officer.person.covered_departments.values_list("pk", flat=True):
        covering[department_id] = officer.pk
    for department_id, user_id in covering.items():
        Incident.objects.filter(department_id=department_id).exclude(status=Status.NEW).update(
            assignee_id=user_id
        )


def _clocks_create(*, incidents, officer, rng: random.Random) -> None:
    """Compliance clocks for the demo cases: met (mostly on time) once triaged, running if new."""
    clocks = []
    running_due: dict[int, datetime] = {}
    for incident in incidents:
        for clock in clocks_build_for(incident):
            if incident.status == Status.NEW:
                running_due[incident.pk] = min(
                    running_due.get(incident.pk, clock.due_at), clock.due_at
                )
            else:
                span = (clock.due_at - clock.started_at).total_seconds()
                clock.completed_at = clock.started_at + timedelta(
                    seconds=span * rng.uniform(0.1, 1.15)
                )
                clock.completed_by = officer
                clock.confirmation = (
                    incident.state_report_confirmation
                    if clock.kind == ClockKind.CALOSHA_REPORT and incident.state_report_confirmation
                    else f"{clock.kind.upper()}-{rng.randint(10000, 99999)}"
                )
            clocks.append(clock)
    ComplianceClock.objects.bulk_create(clocks, batch_size=2000)
    for incident in incidents:
        if incident.pk in running_due:
            incident.clock_due_at = running_due[incident.pk]
    Incident.objects.bulk_update(
        [i for i in incidents if i.pk in running_due], ["clock_due_at"], batch_size=1000
    )


def _status_for_age(age_days: int, rng: random.Random) -> str:
    if age_days > 150:
        return Status.CLOSED
    if age_days > 90:
        return Status.CLOSED if rng.random() < 0.9 else Status.ACTIONS_PENDING
    if age_days > 30:
        return rng.choices(
            (Status.CLOSED, Status.ACTIONS_PENDING, Status.INVESTIGATING), weights=(6, 3, 1)
        )[0]
    if age_days > 7:
        return rng.choices(
            (Status.INVESTIGATING, Status.TRIAGED, Status.ACTIONS_PENDING, Status.NEW),
            weights=(4, 3, 2, 1),
        )[0]
    return rng.choices((Status.NEW, Status.TRIAGED), weights=(3, 1))[0]


def _follow_up_build(*, incidents, supervisors, users, today, rng):
    actions, claims, investigations = [], [], []
    open_texts: set[tuple[str | None, str]] = set()
    claim_serial = 0
    for incident in incidents:
        code = incident.department.code if incident.department_id else None
        reported_day = timezone.localtime(incident.reported_at).date()
        closed = incident.status == Status.CLOSED
        worth_acting = incident.recordable or incident.incident_type == IncidentType.NEAR_MISS
        if worth_acting and incident.status != Status.NEW and rng.random() < 0.45:
            due = reported_day + timedelta(days=rng.randint(14, 60))
            done = closed or (due < today and rng.random() < 0.7)
            description, level, _keys = rng.choice(actions_for(incident) or ACTION_TEXTS)
            if not done and (code, description) in open_texts:
                # The department is already at it elsewhere: this one is for the case's site.
                description = action_at_site(description, incident.location_text)
            repeated = not done and (code, description) in open_texts
            if not done:
                open_texts.add((code, description))
            if not repeated:  # Same fix, same site: the open action covers this case too.
                actions.append(
                    CorrectiveAction(
                        incident=incident,
                        description=description,
                        control_level=level,
                        owner=supervisors.get(code) or users["officer"],
                        due_on=due,
                        status=ActionStatus.DONE
                        if done
                        else rng.choice((ActionStatus.OPEN, ActionStatus.IN_PROGRESS)),
                        completed_at=timezone.make_aware(
                            datetime.combine(min(due, today), time(15, 0))
                        )
                        if done
                        else None,
                        created_at=incident.reported_at + timedelta(days=2),
                    )
                )
        if incident.status in (Status.INVESTIGATING, Status.ACTIONS_PENDING, Status.CLOSED) and (
            incident.incident_type != IncidentType.PROPERTY_DAMAGE
        ):
            complete = closed and rng.random() < 0.88 or (not closed and rng.random() < 0.3)
            investigations.append(
                Investigation(
                    incident=incident,
                    whys=list(rng.choice(WHY_CHAINS)),
                    root_cause=rng.choice(ROOT_CAUSES) if complete else "",
                    contributing_factors="Time pressure; worn equipment." if complete else "",
                    completed_by=supervisors.get(code) if complete else None,
                    completed_at=incident.reported_at + timedelta(days=rng.randint(3, 25))
                    if complete
                    else None,
                )
            )
        if incident.recordable and rng.random() < 0.85:
            claim_serial += 1
            base = {
                "fatality": 450000,
                "hospitalization": 85000,
                "days_away": 22000,
                "restricted": 9000,
                "medical": 2800,
            }[incident.severity]
            incurred = round(base * rng.lognormvariate(0, 0.6) + 300 * incident.days_away, 2)
            status = ClaimStatus.CLOSED if closed and rng.random() < 0.7 else ClaimStatus.OPEN
            paid = incurred if status == ClaimStatus.CLOSED else incurred * rng.uniform(0.2, 0.9)
            claims.append(
                Claim(
                    incident=incident,
                    claim_number=f"WC{reported_day:%y}-{claim_serial:06d}",
                    opened_on=reported_day + timedelta(days=rng.randint(1, 10)),
                    status=status,
                    paid_to_date=Decimal(f"{paid:.2f}"),
                    total_incurred=Decimal(f"{incurred:.2f}"),
                    lost_days=incident.days_away,
                )
            )
    return actions, claims, investigations


# Corrective actions: each with its place in the hierarchy of controls and the cases it suits,
# by their story's topic, or by the prefix of their OIICS event code (see actions_for).
ACTION_TEXTS = (
    (
        "Install a powered lift gate on the remaining rear-loader trucks.",
        ControlLevel.ENGINEERING,
        ("71",),
    ),
    ("Retrain the crew on two-person lifts over 50 lb.", ControlLevel.ADMINISTRATIVE, ("71", "73")),
    (
        "Replace the worn stair treads in the east stairwell.",
        ControlLevel.ENGINEERING,
        ("42", "stairs"),
    ),
    (
        "Add a second staff member at the evening service desk.",
        ControlLevel.ADMINISTRATIVE,
        ("11",),
    ),
    (
        "Fit backup cameras to the older pickups in the fleet.",
        ControlLevel.ENGINEERING,
        ("26", "backing"),
    ),
    (
        "Provide shade canopies and cool water at summer work sites.",
        ControlLevel.ENGINEERING,
        ("53",),
    ),
    (
        "Repair the loose handrail and inspect all handrails monthly.",
        ControlLevel.ENGINEERING,
        ("42", "43", "stairs"),
    ),
    ("Issue cut-resistant gloves for sheet-metal handling.", ControlLevel.PPE, ("63",)),
    (
        "Fence the loading area off from the pedestrian walkway.",
        ControlLevel.ENGINEERING,
        ("24", "62", "forklift"),
    ),
    (
        "Post de-escalation guidance at the counter and train staff in it.",
        ControlLevel.ADMINISTRATIVE,
        ("11",),
    ),
    (
        "Move the filter changes to ground level so no ladder is needed.",
        ControlLevel.ELIMINATION,
        ("43", "ladder"),
    ),
    (
        "Replace the solvent degreaser with a water-based one.",
        ControlLevel.SUBSTITUTION,
        ("5544", "5521"),
    ),
    (
        "Give encampment crews puncture-resistant gloves and sharps tongs.",
        ControlLevel.PPE,
        ("5541",),
    ),
    (
        "Carry dog repellent on routes and report loose dogs to Animal Services.",
        ControlLevel.ADMINISTRATIVE,
        ("13",),
    ),
    (
        "Set out cones and a lookout before any work in a traffic lane.",
        ControlLevel.ADMINISTRATIVE,
        ("24", "traffic"),
    ),
    (
        "Replace damaged extension cords and inspect cords in every office monthly.",
        ControlLevel.ADMINISTRATIVE,
        ("electrical", "cords"),
    ),
    (
        "Keep heavy boxes on the lower shelves and fit lips to the storeroom shelving.",
        ControlLevel.ENGINEERING,
        ("shelf",),
    ),
    (
        "Keep hoses and cords out of walkways: reels in the yards, cord covers indoors.",
        ControlLevel.ENGINEERING,
        ("cords", "hoses"),
    ),
    (
        "Have medical-call crews wait for police before entering a scene that turns hostile.",
        ControlLevel.ADMINISTRATIVE,
        ("medical call",),
    ),
    (
        "Shore or slope every trench deeper than five feet before anyone enters it.",
        ControlLevel.ENGINEERING,
        ("trench",),
    ),
)
STORY_BY_NARRATIVE = {story.narrative: story for stories in STORIES.values() for story in stories}


def actions_for(incident: Incident) -> list[tuple[str, str, tuple[str, ...]]]:
    """The actions that suit a case: those keyed by its story's topic when there are any (a fall
    down the stairs gets a handrail, not the ladder that its event code shares), else those
    keyed by a prefix of its event code."""
    story = STORY_BY_NARRATIVE.get(incident.narrative)
    topic = story.topic if story is not None else ""
    by_topic = [action for action in ACTION_TEXTS if topic and topic in action[2]]
    event = incident.oiics_event
    by_event = [
        action for action in ACTION_TEXTS if event and any(map(event.startswith, action[2]))
    ]
    return by_topic or by_event


def action_at_site(description: str, location: str) -> str:
    """A corrective action's text for one site: "Fix the handrail at Fire Station 9."."""
    site = location.split(",")[0].strip()
    return f"{description.rstrip('.')} at {site}." if site else description


WHY_CHAINS = (
    (
        "The bin was overloaded.",
        "Residents put construction debris in it.",
        "The route has no bulky-item pickup day.",
        "Bulky-item requests were backlogged.",
    ),
    (
        "The driver did not see the car.",
        "The truck has no backup camera.",
        "Older trucks were not retrofitted.",
        "The retrofit was not funded.",
    ),
    (
        "The floor was wet.",
        "The roof leaks over the entrance.",
        "The repair request was not prioritised.",
    ),
)
ROOT_CAUSES = (
    "Manual handling of heavy loads without a mechanical aid.",
    "Blind spots on older vehicles without cameras.",
    "Single staffing at a public counter during evening hours.",
    "Deferred maintenance of walking surfaces.",
    "Heat illness prevention plan not followed at the site.",
)


def demo_city_is_empty() -> bool:
    return not Department.objects.exists()
