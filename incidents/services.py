"""Writes to incidents. Every function here runs in a transaction and takes keyword arguments."""

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from incidents.models import (
    Incident,
    IncidentType,
    ReferenceSequence,
    Severity,
    Source,
    Treatment,
)
from riskcabinet.models import Department

# What the employee said about treatment gives the first guess at severity; the officer decides.
SEVERITY_FROM_TREATMENT = {
    Treatment.NONE: Severity.NONE,
    Treatment.FIRST_AID: Severity.FIRST_AID,
    Treatment.CLINIC: Severity.MEDICAL,
    Treatment.ER: Severity.MEDICAL,
    Treatment.HOSPITAL_STAY: Severity.HOSPITALIZATION,
}

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # No 0/O or 1/I to misread.


def reference_next(*, year: int) -> str:
    """Hand out the next INC-YYYY-NNNNNN reference; callers must hold a transaction."""
    ReferenceSequence.objects.get_or_create(year=year)
    sequence = ReferenceSequence.objects.select_for_update().get(year=year)
    ReferenceSequence.objects.filter(year=year).update(last_number=F("last_number") + 1)
    return format_reference(year=year, number=sequence.last_number + 1)


def format_reference(*, year: int, number: int) -> str:
    return f"INC-{year}-{number:06d}"


def receipt_code_new() -> str:
    """A receipt for an anonymous reporter: 12 characters, grouped for reading aloud."""
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


@dataclass(frozen=True)
class IncidentCreated:
    incident: Incident
    created: bool  # False when the same client UUID had already been received.


def incident_create(
    *,
    client_uuid: uuid.UUID,
    department: Department,
    incident_type: str,
    occurred_at: datetime,
    location_text: str,
    narrative: str,
    reporter=None,
    source: str = Source.INTAKE,
    latitude=None,
    longitude=None,
    involved_people: str = "",
    body_part: str = "",
    injury_kind: str = "",
    treatment: str = "",
    severity: str | None = None,
    reported_at: datetime | None = None,
) -> IncidentCreated:
    """Create an incident once per client UUID, however often the phone sends it.

    A retry that arrives after the first request committed finds the incident; two requests
    racing each other both try to insert, the unique constraint lets one win, and the loser
    returns the winner's incident.
    """
    existing = Incident.objects.filter(client_uuid=client_uuid).first()
    if existing is not None:
        return IncidentCreated(incident=existing, created=False)
    now = timezone.now()
    reported_at = reported_at or now
    if severity is None:
        severity = SEVERITY_FROM_TREATMENT.get(treatment, Severity.NONE)
    if incident_type not in (
        IncidentType.INJURY_ILLNESS,
        IncidentType.EXPOSURE,
        IncidentType.ASSAULT,
    ):
        body_part, injury_kind = "", ""
    try:
        with transaction.atomic():
            incident = Incident.objects.create(
                reference=reference_next(year=timezone.localtime(reported_at).year),
                client_uuid=client_uuid,
                receipt_code=receipt_code_new() if source == Source.ANONYMOUS else None,
                source=source,
                reporter=None if source == Source.ANONYMOUS else reporter,
                department=department,
                incident_type=incident_type,
                occurred_at=occurred_at,
                reported_at=reported_at,
                learned_at=reported_at,
                location_text=location_text,
                latitude=latitude,
                longitude=longitude,
                narrative=narrative,
                involved_people=involved_people,
                body_part=body_part,
                injury_kind=injury_kind,
                treatment=treatment,
                severity=severity,
            )
    except IntegrityError:
        existing = Incident.objects.filter(client_uuid=client_uuid).first()
        if existing is None:
            raise
        return IncidentCreated(incident=existing, created=False)
    return IncidentCreated(incident=incident, created=True)
