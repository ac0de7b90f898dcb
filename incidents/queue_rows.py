"""The triage queue's rows, ready to print.

A queue page shows up to a hundred cases and each row prints some twenty values. Through the
template engine every choice label, date and truncation costs a lookup chain, a translation
call and a formatter; for a hundred rows that was most of the page's time. Here each row is
built once in plain Python, with the labels translated once per page, so the template only
prints strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3

from incidents.models import ClockKind, Incident, IncidentType, Severity, Source, Status

NARRATIVE_CHARS = 110
PLACE_CHARS = 60


@dataclass(frozen=True)
class QueueRow:
    reference: str
    url: str
    serious: bool
    late: bool
    privacy_case: bool
    from_claim: bool  # opened from a workers' compensation claim: nobody reported it
    duplicate_of: str
    employee_id_to_check: str  # sent from a phone's queue, matching no employee
    narrative: str
    place: str
    clock_label: str
    clock_overdue: bool
    clock_due_iso: str
    clock_due_text: str
    more_clocks: int
    department: str
    incident_type: str
    severity: str
    severity_label: str
    status: str
    status_label: str
    reported_iso: str
    reported_text: str
    assignee: str


def _truncate(text: str, limit: int) -> str:
    """At most ``limit`` characters, the last being an ellipsis when the text was cut."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class _Formatter:
    """Labels and month names translated once for a whole page."""

    def __init__(self) -> None:
        self.labels = {
            choices: {value: str(label) for value, label in choices.choices}
            for choices in (ClockKind, IncidentType, Severity, Status)
        }
        self.months = {number: str(name).title() for number, name in MONTHS_3.items()}

    def label(self, choices, value: str) -> str:
        return self.labels[choices].get(value, value)

    def moment(self, value: datetime, with_year: bool) -> tuple[str, str]:
        local = timezone.localtime(value)
        day = f"{self.months[local.month]} {local.day}, "
        if with_year:
            day += f"{local.year} "
        return local.isoformat(), f"{day}{local:%H:%M}"


def queue_rows(incidents: list[Incident], now: datetime) -> list[QueueRow]:
    """One row per case; each case must carry ``running_clocks`` (see ``queue_page_rows``)."""
    formatter = _Formatter()
    rows = []
    for incident in incidents:
        clocks = incident.running_clocks
        first = clocks[0] if clocks else None
        due_iso, due_text = formatter.moment(first.due_at, with_year=False) if first else ("", "")
        reported_iso, reported_text = formatter.moment(incident.reported_at, with_year=True)
        assignee = incident.assignee
        rows.append(
            QueueRow(
                reference=incident.reference,
                url=reverse("triage:case", args=[incident.reference]),
                serious=incident.is_serious or incident.state_reportable,
                late=bool(incident.clock_due_at and incident.clock_due_at < now),
                privacy_case=incident.privacy_case,
                from_claim=incident.source == Source.CLAIM,
                duplicate_of=(
                    incident.possible_duplicate_of.reference
                    if incident.possible_duplicate_of
                    else ""
                ),
                employee_id_to_check=incident.injured_employee_id_unmatched,
                narrative=(
                    "" if incident.privacy_case else _truncate(incident.narrative, NARRATIVE_CHARS)
                ),
                place=_truncate(incident.location_text, PLACE_CHARS),
                clock_label=formatter.label(ClockKind, first.kind) if first else "",
                clock_overdue=bool(first and first.due_at < now),
                clock_due_iso=due_iso,
                clock_due_text=due_text,
                more_clocks=max(len(clocks) - 1, 0),
                department=incident.department.name,
                incident_type=formatter.label(IncidentType, incident.incident_type),
                severity=incident.severity,
                severity_label=formatter.label(Severity, incident.severity),
                status=incident.status,
                status_label=formatter.label(Status, incident.status),
                reported_iso=reported_iso,
                reported_text=reported_text,
                assignee=((assignee.get_full_name() or assignee.username) if assignee else ""),
            )
        )
    return rows
