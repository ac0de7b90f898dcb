"""Helpers shared by the triage tests: a case page's address, a report as intake files it, and
an employee's report already on its way through triage."""

import uuid
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from incidents.models import Incident, IncidentType, Source, Status, Treatment
from incidents.services import incident_create
from tests.factories import IncidentFactory


def url(name: str, incident: Incident, *args) -> str:
    return reverse(f"triage:{name}", args=[incident.reference, *args])


def report(department, *, minutes_later=0, **extra) -> Incident:
    """An injury reported an hour ago (plus `minutes_later`), as the report form files it."""
    return incident_create(
        client_uuid=uuid.uuid4(),
        department=department,
        incident_type=IncidentType.INJURY_ILLNESS,
        occurred_at=timezone.now() - timedelta(hours=1) + timedelta(minutes=minutes_later),
        location_text=extra.pop("location_text", "Central Yard, 1149 S. Broadway"),
        narrative=extra.pop("narrative", "Slipped on oil by the pump."),
        treatment=Treatment.CLINIC,
        **extra,
    ).incident


def employee_report(filer, department, /, **fields) -> Incident:
    """An employee's own report (no one else hurt), with corrective actions under way; `fields`
    may say otherwise, the reporter included."""
    values = {
        "source": Source.INTAKE,
        "reporter": filer,
        "department": department,
        "status": Status.ACTIONS_PENDING,
        "narrative": "Cut my hand on the broken shelf bracket.",
        "injured_name": "",
        "privacy_case": False,
    }
    return IncidentFactory(**(values | fields))
