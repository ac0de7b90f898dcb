"""Database constraints hold where the rules are absolute."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from incidents.models import Incident
from riskcabinet.models import ExposureMonth
from tests.factories import DepartmentFactory, ExposureMonthFactory, IncidentFactory

pytestmark = pytest.mark.django_db


def _violates(callable_) -> bool:
    try:
        with transaction.atomic():
            callable_()
    except IntegrityError:
        return True
    return False


def test_it_refuses_negative_day_counts():
    incident = IncidentFactory()
    assert _violates(lambda: Incident.objects.filter(pk=incident.pk).update(days_away=-1))
    assert _violates(lambda: Incident.objects.filter(pk=incident.pk).update(days_restricted=-3))


def test_it_refuses_an_unknown_status_or_severity():
    incident = IncidentFactory()
    assert _violates(lambda: Incident.objects.filter(pk=incident.pk).update(status="lost"))
    assert _violates(lambda: Incident.objects.filter(pk=incident.pk).update(severity="bad"))


def test_it_keeps_references_and_client_uuids_unique():
    first = IncidentFactory()
    assert _violates(lambda: IncidentFactory(reference=first.reference))
    assert _violates(lambda: IncidentFactory(client_uuid=first.client_uuid))


def test_it_keeps_one_exposure_row_per_department_month():
    department = DepartmentFactory()
    ExposureMonthFactory(department=department, month=date(2026, 3, 1))
    assert _violates(lambda: ExposureMonthFactory(department=department, month=date(2026, 3, 1)))


def test_it_refuses_negative_hours_and_mid_month_dates():
    department = DepartmentFactory()
    assert _violates(
        lambda: ExposureMonth.objects.create(
            department=department, month=date(2026, 4, 1), hours_worked=Decimal("-1"), headcount=1
        )
    )
    assert _violates(
        lambda: ExposureMonth.objects.create(
            department=department, month=date(2026, 4, 15), hours_worked=Decimal("1"), headcount=1
        )
    )


def test_it_records_history_of_every_incident_change():
    incident = IncidentFactory()
    incident.status = "triaged"
    incident.save()
    statuses = list(incident.history.order_by("history_id").values_list("status", flat=True))
    assert statuses == ["new", "triaged"]
