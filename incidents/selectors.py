"""Reads for triage: the queue, the case page, overdue actions and the audit timeline.

Each selector issues a fixed number of queries, whatever the number of rows it returns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import (
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.utils import timezone

from incidents.access import incidents_visible_to, privacy_cases_hidden_from, users_assignable_for
from incidents.models import (
    OPEN_ACTION_STATUSES,
    Attachment,
    CaseNote,
    Claim,
    ComplianceClock,
    CorrectiveAction,
    Incident,
    Investigation,
    Status,
)
from incidents.oiics import FAMILIES, oiics_title
from incidents.recordability import QUESTION_KEYS
from riskcabinet.models import Person

QUEUE_SORTS: dict[str, tuple[str, ...]] = {
    # Running clocks first, the most urgent deadline first, then the newest reports.
    "urgent": ("clock_due_at", "-reported_at"),
    "newest": ("-reported_at",),
    "oldest": ("reported_at",),
    "occurred": ("-occurred_at",),
    "severity": ("severity_rank", "-reported_at"),
    "department": ("department__name", "-reported_at"),
    "status": ("status_rank", "-reported_at"),
}
QUEUE_SORT_LABELS = {
    "urgent": "Most urgent",
    "newest": "Newest report",
    "oldest": "Oldest report",
    "occurred": "Date of incident",
    "severity": "Severity",
    "department": "Department",
    "status": "Status",
}


@dataclass(frozen=True)
class QueueFilters:
    q: str = ""
    department: int | None = None
    incident_type: str = ""
    severity: str = ""
    status: str = "open"  # A status, "open" (all but closed) or "" (all).
    reported_from: date | None = None
    reported_to: date | None = None
    overdue: bool = False
    clocks_running: bool = False
    # Open cases whose corrective actions are all finished: ready for the officer to close.
    actions_done: bool = False
    assignee: str = ""  # "me" (the user looking), "none" (unassigned) or "" (either)
    sort: str = "urgent"


def _open_overdue_actions(today: date) -> QuerySet:
    return CorrectiveAction.objects.filter(
        incident=OuterRef("pk"), status__in=OPEN_ACTION_STATUSES, due_on__lt=today
    )


_WHOLE_REFERENCE = re.compile(r"INC-\d{4}-\d{6}", re.IGNORECASE)


def queue_incidents(*, user, filters: QueueFilters) -> QuerySet[Incident]:
    """The cases a user may triage, filtered and sorted; rows carry their running clocks."""
    now = timezone.now()
    incidents = incidents_visible_to(user)
    if filters.q:
        term = filters.q.strip()
        incidents = incidents.filter(
            Q(reference__icontains=term)
            | Q(narrative__icontains=term)
            | Q(location_text__icontains=term)
        )
    if filters.department:
        incidents = incidents.filter(department_id=filters.department)
    if filters.incident_type:
        incidents = incidents.filter(incident_type=filters.incident_type)
    if filters.severity:
        incidents = incidents.filter(severity=filters.severity)
    # A whole reference looks for that case whatever its status: a closed case searched for
    # from the working view (open cases) was "no case matches".
    whole_reference = bool(_WHOLE_REFERENCE.fullmatch(filters.q.strip()))
    if filters.status == "open" and not whole_reference:
        # Written as the predicate of the partial index "incident_open_cases".
        incidents = incidents.filter(~Q(status=Status.CLOSED))
    elif filters.status and filters.status != "open":
        incidents = incidents.filter(status=filters.status)
    if filters.reported_from:
        incidents = incidents.filter(reported_at__date__gte=filters.reported_from)
    if filters.reported_to:
        incidents = incidents.filter(reported_at__date__lte=filters.reported_to)
    if filters.overdue:
        incidents = incidents.filter(
            Q(clock_due_at__lt=now) | Exists(_open_overdue_actions(timezone.localdate(now)))
        )
    if filters.clocks_running:
        incidents = incidents.filter(clock_due_at__isnull=False)
    if filters.assignee == "me":
        incidents = incidents.filter(assignee=user)
    elif filters.assignee == "none":
        incidents = incidents.filter(assignee__isnull=True)
    if filters.actions_done:
        incidents = incidents.filter(
            ~Q(status=Status.CLOSED),
            Exists(CorrectiveAction.objects.filter(incident=OuterRef("pk"))),
            ~Exists(
                CorrectiveAction.objects.filter(
                    incident=OuterRef("pk"), status__in=OPEN_ACTION_STATUSES
                )
            ),
        )
    order = QUEUE_SORTS.get(filters.sort, QUEUE_SORTS["urgent"])
    ordering = [F(name).asc(nulls_last=True) if name == "clock_due_at" else name for name in order]
    return incidents.order_by(*ordering)


def queue_page_rows(incidents: QuerySet[Incident]) -> QuerySet[Incident]:
    """What a queue row shows, in two queries for any page size."""
    return incidents.select_related(
        "department", "assignee", "possible_duplicate_of"
    ).prefetch_related(
        Prefetch(
            "clocks",
            queryset=ComplianceClock.objects.filter(completed_at__isnull=True).order_by("due_at"),
            to_attr="running_clocks",
        )
    )


@dataclass
class CasePage:
    incident: Incident
    attachments: list[Attachment]
    clocks: list[ComplianceClock]
    actions: list[CorrectiveAction]
    notes: list[CaseNote]
    merged_cases: list[Incident]
    possible_duplicates: list[Incident]
    assignable: list
    investigation: Investigation | None
    # Who an action may be given to by name: the case's officers and managers, then the
    # department's people who have owned one of its actions before.
    action_owners: list = field(default_factory=list)
    open_actions: int = 0
    # For an employee ID from a phone that matched nobody: the department's employees whose ID
    # is one keystroke away from it.
    similar_employees: list[Person] = field(default_factory=list)
    now: datetime = field(default_factory=timezone.now)


def case_page_load(*, user, incident: Incident) -> CasePage:
    """Everything the case page shows, in a fixed number of queries."""
    merged = Q(merged_into=incident)
    if privacy_cases_hidden_from(user):
        merged &= Q(privacy_case=False)
    related = list(
        Incident.objects.filter(
            merged
            # The duplicate condition stays beside the visibility subquery so that each arm
            # of the OR is answered from its own index instead of a scan of every case.
            | Q(
                possible_duplicate_of=incident,
                pk__in=incidents_visible_to(user)
                .filter(possible_duplicate_of=incident)
                .values("pk"),
            )
        ).order_by("reported_at")
    )
    actions = list(incident.actions.select_related("owner").order_by("due_on", "pk"))
    # One query for both lists: who may take the case, and who an action may go to besides (the
    # department's people who have owned one of its actions: its crew leads and supervisors).
    # Not every employee of the department: a large one has thousands; a new owner is typed.
    may_take_case = users_assignable_for(incident)
    people = list(
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(pk__in=may_take_case.values("pk"))
            | Q(
                person__department_id=incident.department_id,
                pk__in=CorrectiveAction.objects.filter(
                    incident__department_id=incident.department_id
                ).values("owner_id"),
            )
        )
        .annotate(may_take_case=Exists(may_take_case.filter(pk=OuterRef("pk"))))
        .select_related("person")
        .order_by("last_name", "first_name", "username")
    )
    assignable = [user for user in people if user.may_take_case]
    try:
        investigation = incident.investigation
    except Investigation.DoesNotExist:
        investigation = None
    return CasePage(
        incident=incident,
        attachments=list(incident.attachments.all()),
        clocks=list(incident.clocks.select_related("completed_by").order_by("due_at")),
        actions=actions,
        notes=list(incident.notes.select_related("author").order_by("-created_at", "-pk")),
        merged_cases=[other for other in related if other.merged_into_id == incident.pk],
        possible_duplicates=[other for other in related if other.merged_into_id is None],
        assignable=assignable,
        investigation=investigation,
        action_owners=assignable + [user for user in people if not user.may_take_case],
        open_actions=sum(1 for action in actions if action.is_open),
        similar_employees=employees_with_id_like(
            incident.injured_employee_id_unmatched, department_id=incident.department_id
        )
        if incident.injured_employee_id_unmatched
        else [],
    )


SIMILAR_EMPLOYEES_SHOWN = 3


def _one_keystroke_apart(typed: str, known: str) -> bool:
    """Whether ``known`` is ``typed`` but for one slip of a thumb on a keypad: one character
    changed, added or dropped, or two neighbours swapped (letter case is not a slip)."""
    typed, known = typed.upper(), known.upper()
    if typed == known:
        return True
    if len(typed) == len(known):
        differ = [i for i, (a, b) in enumerate(zip(typed, known, strict=True)) if a != b]
        if len(differ) == 1:
            return True
        if len(differ) == 2 and differ[1] == differ[0] + 1:
            i = differ[0]
            return typed[i] == known[i + 1] and typed[i + 1] == known[i]
        return False
    shorter, longer = sorted((typed, known), key=len)
    if len(longer) - len(shorter) != 1:
        return False
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


def employees_with_id_like(employee_id: str, *, department_id: int) -> list[Person]:
    """A department's employees whose ID is one slip away from ``employee_id``, by ID, at most
    SIMILAR_EMPLOYEES_SHOWN."""
    typed = employee_id.strip()
    known = Person.objects.filter(department_id=department_id, employee_id__isnull=False)
    close = sorted(
        (other, pk)
        for pk, other in known.values_list("pk", "employee_id")
        if _one_keystroke_apart(typed, other)
    )[:SIMILAR_EMPLOYEES_SHOWN]
    people = Person.objects.filter(pk__in=[pk for _, pk in close]).select_related("user")
    return sorted(people, key=lambda person: person.employee_id)


def actions_owned_by(user) -> QuerySet[CorrectiveAction]:
    """The corrective actions a user owns ("My actions"), leaving out those of merged cases."""
    return CorrectiveAction.objects.filter(owner=user, incident__merged_into__isnull=True)


def overdue_actions_by_department(*, user, today: date | None = None) -> list[tuple[Any, list]]:
    """Open corrective actions past their due date, grouped by department, within scope."""
    today = today or timezone.localdate()
    actions = (
        CorrectiveAction.objects.filter(
            status__in=OPEN_ACTION_STATUSES,
            due_on__lt=today,
            incident__in=incidents_visible_to(user).values("pk"),
        )
        .select_related("incident", "incident__department", "owner")
        .order_by("incident__department__name", "due_on", "pk")
    )
    grouped: dict[Any, list] = {}
    for action in actions:
        action.days_overdue = (today - action.due_on).days
        grouped.setdefault(action.incident.department, []).append(action)
    return list(grouped.items())


# --- Audit timeline ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class TimelineEntry:
    when: datetime
    who: str
    what: str  # "Case", "Corrective action", ...
    label: str  # Which one: "Report to Cal/OSHA (8 hours)", "Fit a lift gate...".
    kind: str  # "created", "changed", "deleted"
    changes: tuple[TimelineChange, ...]
    reason: str = ""  # Why, when the change says: "Imported from severeinjury.csv".


_TIMELINE_SOURCES: tuple[tuple[str, type, str], ...] = (
    ("Photo", Attachment, "incident_id"),
    ("Compliance clock", ComplianceClock, "incident_id"),
    ("Investigation", Investigation, "incident_id"),
    ("Corrective action", CorrectiveAction, "incident_id"),
    ("Claim", Claim, "incident_id"),
    ("Note", CaseNote, "incident_id"),
)
_USER_FIELDS = {
    "reporter",
    "assignee",
    "state_reported_by",
    "owner",
    "completed_by",
    "author",
}
_VALUE_LIMIT = 160


# Fields that point at a case: shown by its reference, as the officer knows it.
_CASE_FIELDS = {"merged_into", "possible_duplicate_of", "incident"}
_OIICS_FIELDS = {f"oiics_{family}": family for family in FAMILIES}
# The recordability helper's answers are shown in the order it asks them (PostgreSQL's jsonb
# keeps its own order of keys).
_QUESTION_ORDER = {key: index for index, key in enumerate(QUESTION_KEYS)}


def _display(record, field_name: str, value, names: dict[tuple[str, int], str]) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if field_name in _USER_FIELDS:
        return names.get(("user", value), f"user #{value}")
    if field_name in _CASE_FIELDS:
        return names.get(("case", value), f"case #{value}")
    if field_name in _OIICS_FIELDS:
        title = oiics_title(_OIICS_FIELDS[field_name], value)
        return f"{value} {title}" if title else str(value)
    model_field = record.instance_type._meta.get_field(field_name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        # The five whys, in order.
        text = " · ".join(f"{number}. {item}" for number, item in enumerate(value, 1) if item)
    elif isinstance(value, dict):
        # The recordability helper's answers.
        keys = sorted(value, key=lambda key: (_QUESTION_ORDER.get(key, len(_QUESTION_ORDER)), key))
        text = "; ".join(f"{str(key).replace('_', ' ')}: {value[key]}" for key in keys)
    else:
        text = str(value)
    return text if len(text) <= _VALUE_LIMIT else text[: _VALUE_LIMIT - 1] + "…"


def _label_for(what: str, record) -> str:
    if what in ("Case", "Merged report"):
        return record.reference
    if what == "Compliance clock":
        return record.get_kind_display()
    if what == "Corrective action":
        return record.description[:60]
    if what == "Claim":
        return record.claim_number
    return ""


def _cases_merged_into(incident: Incident) -> set[int]:
    """The ids of the cases merged into this one, and into those, and so on."""
    found: set[int] = set()
    frontier = {incident.pk}
    while frontier:
        frontier = (
            set(Incident.objects.filter(merged_into__in=frontier).values_list("pk", flat=True))
            - found
        )
        found |= frontier
    return found


def incident_timeline(incident: Incident) -> list[TimelineEntry]:
    """Every recorded change to the case and what hangs off it, newest first.

    One query per history table and one each for the users and the cases mentioned; the diffs
    between consecutive versions are computed in memory.
    """
    histories: list[tuple[str, list]] = [
        ("Case", list(incident.history.select_related("history_user").order_by("history_id")))
    ]
    # What a merge brought here keeps the history it had on the duplicate, and the reports
    # merged here keep theirs (who merged them, and when, is on no other page).
    cases = _cases_merged_into(incident)
    histories.append(
        (
            "Merged report",
            list(
                Incident.history.filter(id__in=cases)
                .select_related("history_user")
                .order_by("history_id")
            ),
        )
    )
    for what, model, key in _TIMELINE_SOURCES:
        records = model.history.filter(
            Q(**{key: incident.pk})
            | Q(
                **{f"{key}__in": cases},
                id__in=model.objects.filter(**{key: incident.pk}).values("pk"),
            )
        ).select_related("history_user")
        histories.append((what, list(records.order_by("history_id"))))

    user_ids: set[int] = set()
    case_ids: set[int] = set()
    for _what, records in histories:
        for record in records:
            for name in _USER_FIELDS:
                value = getattr(record, f"{name}_id", None)
                if value:
                    user_ids.add(value)
            for name in _CASE_FIELDS:
                value = getattr(record, f"{name}_id", None)
                if value:
                    case_ids.add(value)
    names = {
        ("user", user.pk): user.get_full_name() or user.get_username()
        for user in get_user_model().objects.filter(pk__in=user_ids)
    } | {
        ("case", pk): reference
        for pk, reference in Incident.objects.filter(pk__in=case_ids).values_list("pk", "reference")
    }

    # Newest first. Rows written at the same moment (a case and the clocks it starts, a seeded or
    # imported case) keep the order they were written in: the case's own rows before what hangs
    # off it (histories is in that order), and within one table, by history id.
    keyed: list[tuple[tuple[datetime, int, int], TimelineEntry]] = []
    for rank, (what, records) in enumerate(histories):
        previous_by_object: dict[int, Any] = {}
        for record in records:
            who = "system"
            if record.history_user is not None:
                who = record.history_user.get_full_name() or record.history_user.get_username()
            previous = previous_by_object.get(record.id)
            changes: list[TimelineChange] = []
            if record.history_type == "~" and previous is not None:
                delta = record.diff_against(previous)
                for change in delta.changes:
                    changes.append(
                        TimelineChange(
                            field=_field_label(record, change.field),
                            old=_display(record, change.field, change.old, names),
                            new=_display(record, change.field, change.new, names),
                        )
                    )
                if not changes:
                    previous_by_object[record.id] = record
                    continue
            kind = {"+": "created", "~": "changed", "-": "deleted"}[record.history_type]
            keyed.append(
                (
                    (record.history_date, rank, record.history_id),
                    TimelineEntry(
                        when=record.history_date,
                        who=who,
                        what=what,
                        label=_label_for(what, record),
                        kind=kind,
                        changes=tuple(changes),
                        reason=record.history_change_reason or "",
                    ),
                )
            )
            previous_by_object[record.id] = record
    keyed.sort(key=lambda item: item[0], reverse=True)
    return [entry for _key, entry in keyed]


def _field_label(record, field_name: str) -> str:
    try:
        return str(record.instance_type._meta.get_field(field_name).verbose_name)
    except Exception:  # noqa: BLE001 - a field removed since the record was written.
        return field_name


@dataclass(frozen=True)
class UuidHolder:
    """Who sent the report that holds a client UUID: enough to decide whether a resend is theirs."""

    pk: int
    reporter_id: int | None
    source: str


def uuid_holder(client_uuid) -> UuidHolder | None:
    """The report already created for this client UUID, in brief, or None.

    Intake asks this before every report it receives, and almost every answer is None. One
    plain statement on the unique index costs a tenth of what the ORM spends building the same
    query.
    """
    meta = Incident._meta
    quote = connection.ops.quote_name
    uuid_field = meta.get_field("client_uuid")
    columns = ", ".join(quote(meta.get_field(name).column) for name in ("id", "reporter", "source"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM {quote(meta.db_table)} WHERE {quote(uuid_field.column)} = %s",
            [uuid_field.get_db_prep_value(client_uuid, connection)],
        )
        row = cursor.fetchone()
    return None if row is None else UuidHolder(*row)
