"""Compliance clocks: the legal deadlines a case starts, counted from when the city learned of it
(or, for a case that turned out worse later, of the outcome that starts the clock).

- Cal/OSHA must hear of a death or serious injury (in-patient hospitalization, amputation, loss of
  an eye) within 8 hours (Title 8, section 342).
- The employee must be given the workers' compensation claim form within one working day of an
  injury or illness needing more than first aid (Labor Code 5401).
- The employer's report of injury, Form 5020, is due within 5 days (Title 8, section 14001).
- A recordable case goes on the 300 log within 7 calendar days (Title 8, section 14300.29).

The deadline rules (`clock_deadlines_for`, `working_day_after`, `holidays_in`) are plain
functions; `clocks_start_new`, `clocks_start_for` and `clock_complete` are the writes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cache

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from incidents.models import ClockKind, ComplianceClock, Incident, Severity

# Severities that need more than first aid: they start the claim form and Form 5020 clocks.
BEYOND_FIRST_AID = (
    Severity.FATALITY,
    Severity.HOSPITALIZATION,
    Severity.DAYS_AWAY,
    Severity.RESTRICTED,
    Severity.MEDICAL,
)


# --- Working days -----------------------------------------------------------------------------


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th given weekday (0 = Monday) of a month; n = -1 for the last one."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    next_month = date(year + (month == 12), month % 12 + 1, 1)
    last = next_month - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _observed(day: date) -> date:
    """A holiday on a Saturday is observed on Friday, on a Sunday on Monday."""
    if day.weekday() == 5:
        return day - timedelta(days=1)
    if day.weekday() == 6:
        return day + timedelta(days=1)
    return day


@cache
def holidays_in(year: int) -> frozenset[date]:
    """US federal holidays and the California state holidays city offices close for."""
    thanksgiving = _nth_weekday(year, 11, 3, 4)
    fixed = [
        date(year, 1, 1),  # New Year's Day
        date(year, 3, 31),  # Cesar Chavez Day (California)
        date(year, 6, 19),  # Juneteenth
        date(year, 7, 4),  # Independence Day
        date(year, 11, 11),  # Veterans Day
        date(year, 12, 25),  # Christmas Day
    ]
    floating = [
        _nth_weekday(year, 1, 0, 3),  # Martin Luther King Jr. Day
        _nth_weekday(year, 2, 0, 3),  # Presidents' Day
        _nth_weekday(year, 5, 0, -1),  # Memorial Day
        _nth_weekday(year, 9, 0, 1),  # Labor Day
        _nth_weekday(year, 10, 0, 2),  # Columbus Day / Indigenous Peoples' Day
        thanksgiving,
        thanksgiving + timedelta(days=1),  # Day after Thanksgiving (California)
    ]
    # New Year's Day on a Saturday is observed on December 31 of the year before.
    observed = [_observed(day) for day in (*fixed, date(year + 1, 1, 1))]
    return frozenset([day for day in observed if day.year == year] + floating)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in holidays_in(day.year)


def working_day_after(day: date) -> date:
    following = day + timedelta(days=1)
    while not is_working_day(following):
        following += timedelta(days=1)
    return following


def _end_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


# --- Which clocks a case starts ---------------------------------------------------------------


def clock_kinds_required(incident: Incident) -> list[str]:
    kinds = []
    # Serious as `Incident.is_serious` reads it (a hospital stay only for observation is not),
    # or marked reportable by the officer (a disfigurement, say).
    if incident.is_serious or incident.state_reportable:
        kinds.append(ClockKind.CALOSHA_REPORT)
    if incident.severity in BEYOND_FIRST_AID:
        kinds += [ClockKind.CLAIM_FORM, ClockKind.EMPLOYER_REPORT]
    if incident.recordable:
        kinds.append(ClockKind.LOG_300)
    return kinds


def clock_due_at(*, kind: str, learned_at: datetime) -> datetime:
    """The deadline of a clock of `kind` started by learning of the case at `learned_at`.

    The claim form is due by the end of the next working day after the day the city learned of
    the injury; the other deadlines are exact durations.
    """
    if kind == ClockKind.CALOSHA_REPORT:
        # Eight elapsed hours: counted in UTC, so that a night when the clocks change adds or
        # takes away no hour (adding to a Los Angeles time would count on the wall clock).
        return learned_at.astimezone(UTC) + timedelta(hours=8)
    if kind == ClockKind.CLAIM_FORM:
        return _end_of_day(working_day_after(timezone.localdate(learned_at)))
    # Days are calendar days: the same time of day on the city's clock, whether or not the
    # clocks changed in between.
    if kind == ClockKind.EMPLOYER_REPORT:
        return timezone.localtime(learned_at) + timedelta(days=5)
    if kind == ClockKind.LOG_300:
        return timezone.localtime(learned_at) + timedelta(days=7)
    raise ValueError(f"Unknown clock kind {kind!r}")


def clock_deadlines_for(
    incident: Incident, started_at: datetime | None = None
) -> dict[str, datetime]:
    """The clocks the case's current classification requires, with their deadlines counted from
    ``started_at`` (by default when the city learned of the case)."""
    kinds = clock_kinds_required(incident)
    started_at = started_at or incident.learned_at
    return {kind: clock_due_at(kind=kind, learned_at=started_at) for kind in kinds}


def clocks_build_for(incident: Incident) -> list[ComplianceClock]:
    """Unsaved clocks for a case, for bulk loading (the demo seed, imports)."""
    return [
        ComplianceClock(incident=incident, kind=kind, started_at=incident.learned_at, due_at=due)
        for kind, due in clock_deadlines_for(incident).items()
    ]


# --- Writes -----------------------------------------------------------------------------------


def clocks_start_new(
    *, incident: Incident, deadlines: dict[str, datetime], started_at: datetime | None = None
) -> list[ComplianceClock]:
    """Start clocks of these kinds and deadlines, without reading what the case has.

    Intake computes ``deadlines`` with ``clock_deadlines_for`` before saving a new case, and
    saves it with ``clock_due_at`` set to the earliest of them, so a new report needs no reads
    here: the intake path stays short while it holds the reference counter's lock.
    """
    clocks = []
    for kind, due in deadlines.items():
        clock = ComplianceClock(
            incident=incident, kind=kind, started_at=started_at or incident.learned_at, due_at=due
        )
        _history_user_copy(incident, clock)
        clock.save()
        clocks.append(clock)
    return clocks


@transaction.atomic
def clocks_start_for(
    *, incident: Incident, started_at: datetime | None = None
) -> list[ComplianceClock]:
    """Start the clocks the case's classification requires; safe to call again and again.

    A clock is unique per kind, so a second call starts nothing new. A clock it starts counts
    from ``started_at`` (when an outcome that needs it became known), by default from when the
    city learned of the case. A running clock that the classification no longer requires (the
    case was downgraded) is removed; its history stays in the audit timeline. A completed clock
    is never touched.
    """
    required = clock_deadlines_for(incident, started_at)
    existing = {clock.kind: clock for clock in incident.clocks.all()}
    missing = {kind: due for kind, due in required.items() if kind not in existing}
    for clock in clocks_start_new(incident=incident, deadlines=missing, started_at=started_at):
        existing[clock.kind] = clock
    for kind, clock in list(existing.items()):
        if kind not in required and clock.completed_at is None:
            _history_user_copy(incident, clock)
            clock.delete()
            del existing[kind]
    incident_clock_due_refresh(incident=incident)
    return sorted(existing.values(), key=lambda clock: clock.due_at)


def _history_user_copy(incident: Incident, clock: ComplianceClock) -> None:
    # An anonymous report's history names nobody (incident_create sets that on the incident);
    # its clocks must not name the signed-in person either.
    if hasattr(incident, "_history_user"):
        clock._history_user = incident._history_user


@transaction.atomic
def clock_complete(
    *,
    clock: ComplianceClock,
    user,
    confirmation: str,
    completed_at: datetime | None = None,
) -> ComplianceClock:
    """Stop a clock: who did it, when, and the confirmation number they were given."""
    clock.completed_at = completed_at or timezone.now()
    clock.completed_by = user
    clock.confirmation = confirmation.strip()
    clock.save(update_fields=["completed_at", "completed_by", "confirmation"])
    incident = clock.incident
    if clock.kind == ClockKind.CALOSHA_REPORT:
        incident.state_reported_at = clock.completed_at
        incident.state_reported_by = user
        incident.state_report_confirmation = clock.confirmation
        incident.save(
            update_fields=["state_reported_at", "state_reported_by", "state_report_confirmation"]
        )
    incident_clock_due_refresh(incident=incident)
    return clock


def incident_clock_due_refresh(*, incident: Incident) -> None:
    """Keep Incident.clock_due_at equal to the earliest running deadline (the queue sorts on it)."""
    earliest = ComplianceClock.objects.filter(
        incident=incident, completed_at__isnull=True
    ).aggregate(earliest=Min("due_at"))["earliest"]
    if incident.clock_due_at != earliest:
        incident.clock_due_at = earliest
        # A bookkeeping column: an update, so that the audit timeline is not cluttered by it.
        Incident.objects.filter(pk=incident.pk).update(clock_due_at=earliest)
