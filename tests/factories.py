"""factory_boy factories for the suite. `user_with_role` builds a user in one of the five roles."""

import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from incidents.models import (
    Claim,
    CorrectiveAction,
    Establishment,
    Incident,
    IncidentType,
    Severity,
    Source,
)
from incidents.services import format_reference
from riskcabinet.models import Department, DepartmentScore, ExposureMonth, Person
from riskcabinet.roles import Role


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"D{n:03d}")
    name = factory.Sequence(lambda n: f"Department {n}")


class EstablishmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Establishment

    department = factory.SubFactory(DepartmentFactory)
    name = factory.Sequence(lambda n: f"Yard {n}")
    street_address = "1149 S Broadway"
    zip_code = "90015"
    naics_code = "562111"


class ExposureMonthFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExposureMonth

    department = factory.SubFactory(DepartmentFactory)
    month = date(2026, 1, 1)
    hours_worked = Decimal("16800.0")
    headcount = 100


class DepartmentScoreFactory(factory.django.DjangoModelFactory):
    """A stored ranking row with placeholder figures, for tests about who may see or change it."""

    class Meta:
        model = DepartmentScore

    month = date(2026, 10, 1)
    department = factory.SubFactory(DepartmentFactory)
    rank = 1
    score = 1.0
    trir = 1.0
    dart = 1.0
    harm_rate = 1.0
    shrunk_harm_rate = 1.0


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@riskcabinet.example")
    password = factory.django.Password("riskcabinet-demo")


def user_with_role(
    role: Role,
    *,
    department: Department | None = None,
    covers: tuple[Department, ...] = (),
    username: str | None = None,
    language: str = "en",
    employee_id: str | None = None,
):
    """A user in `role`, with a profile in `department`, covering `covers` if an officer."""
    kwargs = {"username": username} if username else {}
    user = UserFactory(**kwargs)
    if role is Role.ADMINISTRATOR:
        user.is_staff = user.is_superuser = True
        user.save()
    user.groups.add(Group.objects.get(name=role.value))
    person = Person.objects.create(
        user=user,
        department=department or DepartmentFactory(),
        job_title="Test job",
        preferred_language=language,
        employee_id=employee_id,
    )
    if covers:
        person.covered_departments.set(covers)
    return user


class IncidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Incident

    reference = factory.Sequence(lambda n: format_reference(year=2026, number=900000 + n))
    client_uuid = factory.LazyFunction(uuid.uuid4)
    source = Source.STAFF
    department = factory.SubFactory(DepartmentFactory)
    incident_type = IncidentType.INJURY_ILLNESS
    occurred_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=3))
    reported_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=2))
    learned_at = factory.LazyAttribute(lambda i: i.reported_at)
    location_text = "Central yard"
    narrative = "Lifting a bin, felt a pain in the lower back."
    severity = Severity.MEDICAL


def logged_case(establishment, day: date = date(2025, 3, 1), *, at: time = time(9, 30), **fields):
    """A case on an establishment's OSHA log: recordable unless ``fields`` say otherwise, and
    happened, reported and learned at ``at`` on ``day`` in the city's time zone."""
    moment = datetime.combine(day, at, tzinfo=ZoneInfo(settings.TIME_ZONE))
    fields.setdefault("recordable", True)
    return IncidentFactory(
        department=establishment.department,
        establishment=establishment,
        occurred_at=moment,
        reported_at=moment,
        learned_at=moment,
        **fields,
    )


class CorrectiveActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CorrectiveAction

    incident = factory.SubFactory(IncidentFactory)
    description = "Fit a lift gate to the truck."
    control_level = "engineering"
    owner = factory.SubFactory(UserFactory)
    due_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=14))


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim

    incident = factory.SubFactory(IncidentFactory)
    claim_number = factory.Sequence(lambda n: f"WC26-{n:06d}")
    opened_on = factory.LazyFunction(timezone.localdate)
    paid_to_date = Decimal("1200.00")
    total_incurred = Decimal("3400.00")
