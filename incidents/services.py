"""Writes to incidents. Every function here runs in a transaction and takes keyword arguments."""

import contextlib
import math
import secrets
import smtplib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from incidents.access import covering_officer_emails
from incidents.clocks import clock_deadlines_for, clocks_start_new
from incidents.inserts import CaseInsert
from incidents.models import (
    Attachment,
    Incident,
    IncidentType,
    ReferenceSequence,
    Severity,
    Source,
    Treatment,
)
from incidents.photos import VerifiedPhoto
from incidents.triage_services import incident_duplicate_of
from riskcabinet.inserts import HistoryRowCopy, RowInsert
from riskcabinet.links import site_link
from riskcabinet.mail import MAIL_CLAIM_LEASE, mail_once
from riskcabinet.models import Department, MailDelivery
from riskcabinet.queueing import task_queue_on_commit
from riskcabinet.roles import Role, users_to_email

# What the employee said about treatment gives the first guess at severity; the officer decides.
SEVERITY_FROM_TREATMENT = {
    Treatment.NONE: Severity.NONE,
    Treatment.FIRST_AID: Severity.FIRST_AID,
    Treatment.CLINIC: Severity.MEDICAL,
    Treatment.ER: Severity.MEDICAL,
    Treatment.HOSPITAL_STAY: Severity.HOSPITALIZATION,
}

# The incident types in which someone may have been hurt: only these keep injury details.
INJURY_DETAIL_TYPES = (
    IncidentType.INJURY_ILLNESS,
    IncidentType.VEHICLE,
    IncidentType.ASSAULT,
    IncidentType.EXPOSURE,
)

# Cal/OSHA must hear of a death or serious injury within 8 hours of the employer learning of it.
CALOSHA_REPORT_WINDOW = timedelta(hours=8)
CALOSHA_TIME_ZONE = ZoneInfo("America/Los_Angeles")

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # No 0/O or 1/I to misread.

# Every report is written with these rather than save(), whose SQL building cost the worker
# about 1.3 ms of the report's 10 (riskcabinet/inserts.py).
_insert_incident = RowInsert(Incident)
_insert_incident_history = HistoryRowCopy(Incident.history.model)
# On PostgreSQL the reference number, the case and its history row are one statement.
_insert_case = CaseInsert(_insert_incident, _insert_incident_history)


def reference_next(*, year: int) -> str:
    """Hand out the next INC-YYYY-NNNNNN reference; callers must hold a transaction.

    One UPDATE ... RETURNING both takes the year's counter row lock and reads the new number, so
    concurrent reports queue on that row for as short a time as possible and never share or skip
    a number (a rolled-back report gives its number back).
    """
    table = connection.ops.quote_name(ReferenceSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_number = last_number + 1 WHERE year = %s "
            "RETURNING last_number",
            [year],
        )
        row = cursor.fetchone()
    if row is None:
        # The first report of the year creates its counter; a concurrent first report waits on
        # the new row's unique key and then finds it.
        ReferenceSequence.objects.get_or_create(year=year)
        return reference_next(year=year)
    return format_reference(year=year, number=row[0])


def format_reference(*, year: int, number: int) -> str:
    return f"{reference_prefix(year)}{number:06d}"


def reference_prefix(year: int) -> str:
    return f"INC-{year}-"


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
    occurred_time_known: bool = True,
    reporter=None,
    source: str = Source.INTAKE,
    latitude=None,
    longitude=None,
    involved_people: str = "",
    injured_name: str = "",
    injured_job_title: str = "",
    injured_person=None,
    injured_employee_id_unmatched: str = "",
    body_part: str = "",
    injury_kind: str = "",
    treatment: str = "",
    severity: str | None = None,
    reported_at: datetime | None = None,
    serious_outcome: bool = False,
    photos: Sequence[VerifiedPhoto] = (),
) -> IncidentCreated:
    """Create an incident once per client UUID, however often the phone sends it.

    A second request with the same UUID, whether a late retry or a concurrent one, fails the
    unique constraint on insert and returns the incident that holds the UUID. (The intake views
    look the UUID up first, so that a resend skips validation and photo checks.) Photos are
    stored in the same transaction as the incident, so a resend never adds them twice.

    The transaction is kept short because every report queues on the year's reference counter:
    the duplicate check and the clock deadlines are worked out before the counter is taken, and
    the case is inserted once, already flagged and with its earliest deadline. On PostgreSQL the
    counter, the case and its history row are one statement (incidents/inserts.py), which is the
    whole transaction when there are no photos or clocks to add.

    `serious_outcome` is the reporter's "someone died, was admitted to hospital or lost a limb or
    an eye": with a hospital stay, it makes the case reportable to Cal/OSHA and notifies the
    department's safety officers at once.
    """
    now = timezone.now()
    reported_at = reported_at or now
    if incident_type not in INJURY_DETAIL_TYPES:
        body_part, injury_kind, treatment, serious_outcome = "", "", "", False
        injured_name = injured_job_title = injured_employee_id_unmatched = ""
        injured_person = None
    if source == Source.ANONYMOUS:
        # An anonymous report names nobody, not even someone else.
        injured_name = injured_job_title = injured_employee_id_unmatched = ""
        injured_person = None
    if severity is None:
        severity = SEVERITY_FROM_TREATMENT.get(treatment, Severity.NONE)
        if serious_outcome:
            severity = Severity.HOSPITALIZATION
    state_reportable = severity in (Severity.FATALITY, Severity.HOSPITALIZATION)
    # Anonymous reports must not be traceable: the history row names nobody, even when the
    # person filling in the anonymous form happens to be signed in.
    history_user = None if source == Source.ANONYMOUS else reporter
    incident = Incident(
        client_uuid=client_uuid,
        receipt_code=receipt_code_new() if source == Source.ANONYMOUS else None,
        source=source,
        reporter=None if source == Source.ANONYMOUS else reporter,
        department=department,
        incident_type=incident_type,
        occurred_at=occurred_at,
        occurred_time_known=occurred_time_known,
        reported_at=reported_at,
        learned_at=reported_at,
        location_text=location_text,
        latitude=latitude,
        longitude=longitude,
        narrative=narrative,
        involved_people=involved_people,
        injured_name=injured_name,
        injured_job_title=injured_job_title,
        injured_person=injured_person,
        injured_employee_id_unmatched=injured_employee_id_unmatched,
        body_part=body_part,
        injury_kind=injury_kind,
        treatment=treatment,
        severity=severity,
        state_reportable=state_reportable,
    )
    # Triage: flag a likely duplicate report and work out the compliance clocks.
    incident.possible_duplicate_of_id = incident_duplicate_of(incident)
    deadlines = clock_deadlines_for(incident)
    incident.clock_due_at = min(deadlines.values(), default=None)
    year = timezone.localtime(reported_at).year
    one_statement = connection.vendor == "postgresql"
    # Alone, that statement is its own transaction: no BEGIN and COMMIT to wait for. Inside a
    # caller's transaction, a savepoint keeps a refused duplicate from spoiling it.
    alone = one_statement and not photos and not deadlines and not connection.in_atomic_block
    try:
        with contextlib.nullcontext() if alone else transaction.atomic():
            incident._history_user = history_user
            if one_statement:
                _case_store(incident, year=year, user=history_user)
            else:
                incident.reference = reference_next(year=year)
                # Two plain INSERTs: the case, then its "created" history row (see inserts.py).
                _insert_incident(incident)
                _insert_incident_history(incident, user=history_user)
            clocks_start_new(incident=incident, deadlines=deadlines)
            for photo in photos:
                attachment_add(incident=incident, photo=photo, history_user=history_user)
            if state_reportable:
                _serious_case_notification_queue(incident.pk)
    except IntegrityError:
        existing = Incident.objects.filter(client_uuid=client_uuid).first()
        if existing is None:
            raise
        return IncidentCreated(incident=existing, created=False)
    return IncidentCreated(incident=incident, created=True)


def _case_store(incident: Incident, *, year: int, user) -> None:
    """Number and store a new case with its history row in one statement (PostgreSQL)."""
    if not _insert_case(incident, year=year, prefix=reference_prefix(year), user=user):
        # The first report of the year creates its counter (a concurrent one finds it).
        ReferenceSequence.objects.get_or_create(year=year)
        if not _insert_case(incident, year=year, prefix=reference_prefix(year), user=user):
            raise RuntimeError(f"no reference counter for {year}")


def attachment_add(*, incident: Incident, photo: VerifiedPhoto, history_user) -> Attachment:
    """Store a verified photo on a case, its history naming who added it."""
    attachment = Attachment(
        incident=incident,
        content_type=photo.content_type,
        size=photo.size,
        sha256=photo.sha256,
        width=photo.width,
        height=photo.height,
    )
    # The stored name says nothing about the phone or the employee: only the content hash.
    attachment.file.save(
        f"{photo.sha256[:32]}.{photo.extension}", ContentFile(photo.content), save=False
    )
    attachment._history_user = history_user
    attachment.save()
    return attachment


def _serious_case_notification_queue(incident_id: int) -> None:
    """Queue the officers' alert on commit; with the task queue down, send it from here."""
    from incidents import tasks

    task_queue_on_commit(
        tasks.serious_case_notify,
        incident_id,
        fallback=lambda: serious_case_notify(incident_id=incident_id),
    )


def calosha_deadline(incident: Incident) -> datetime:
    """When the Cal/OSHA report is due, in Los Angeles time."""
    due = incident.learned_at.astimezone(UTC) + CALOSHA_REPORT_WINDOW  # elapsed, as clocks do
    return timezone.localtime(due, CALOSHA_TIME_ZONE)


def serious_case_notify(*, incident_id: int) -> int:
    """Email the safety officers who cover the incident's department (the risk managers when
    nobody covers it, as the deadline warnings do); returns how many were told now.

    Each is told once through ``mail_once``. An email refused raises once the others are sent,
    so the task's retry tells that reader, and only them; one still claimed by another run (a
    worker killed mid-send, whose task came back at once) raises ``SeriousAlertPending``, for
    the task to look again once that claim has lapsed."""
    incident = Incident.objects.select_related("department").get(pk=incident_id)
    covering = covering_officer_emails([incident.department_id])
    recipients = sorted(covering.get(incident.department_id, ())) or sorted(
        set(users_to_email(Role.RISK_MANAGER).values_list("email", flat=True))
    )
    if not recipients:
        return 0
    deadline = calosha_deadline(incident)
    deadline_text = f"{deadline:%A %d %B %Y, %I:%M %p} {deadline.tzname()}"
    case_url = site_link("triage:queue")
    subject = f"Serious case {incident.reference}: report to Cal/OSHA by {deadline:%I:%M %p %Z}"
    body = (
        f"{incident.reference} ({incident.get_incident_type_display()}, "
        f"{incident.department.name}) was reported as a death, in-patient hospitalization, "
        "amputation or loss of an eye.\n\n"
        f"Cal/OSHA must be told within 8 hours of when the city learned of it: by {deadline_text} "
        "(America/Los_Angeles).\n\n"
        f"Open the triage queue: {case_url}\n"
    )
    topic = f"serious:{incident.pk}"
    told = [
        email
        for email in recipients
        if mail_once(
            to=email,
            topics=[topic],
            compose=lambda _topics: (subject, body),
            from_email=settings.DEFAULT_FROM_EMAIL,
        )
    ]
    # Those not told now and never told: refused (their claim let go), or held by another run.
    unsent = MailDelivery.objects.filter(
        topic=topic, recipient__in=set(recipients) - set(told), sent_at__isnull=True
    ).values_list("recipient", "claimed_at")
    if unsent:
        # The task's retry tells these; those told already are not told again.
        refused = sorted(recipient for recipient, _ in unsent)
        held = [claimed_at for _, claimed_at in unsent if claimed_at is not None]
        if held:
            lapses = max(held) + MAIL_CLAIM_LEASE - timezone.now()
            raise SeriousAlertPending(
                f"the serious-case alert to {', '.join(refused)} is claimed by another run",
                retry_after=max(60, math.ceil(lapses.total_seconds()) + 60),
            )
        raise smtplib.SMTPException(f"the serious-case alert to {', '.join(refused)} was refused")
    return len(told)


class SeriousAlertPending(smtplib.SMTPException):
    """A reader's serious-case alert is claimed by another run that may have been lost with its
    worker: ``retry_after`` seconds from now the claim has lapsed and a retry can send it."""

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after
