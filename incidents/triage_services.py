"""Writes made in triage. Each runs in a transaction; simple_history records who made it."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import connection, transaction
from django.template.defaultfilters import pluralize
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from incidents.access import covering_officer_emails, users_assignable_in
from incidents.clocks import clock_complete, clocks_start_for
from incidents.models import (
    OPEN_ACTION_STATUSES,
    ActionStatus,
    CaseNote,
    CodeCorrection,
    ComplianceClock,
    CorrectiveAction,
    IllnessType,
    Incident,
    Investigation,
    PrivacyCaseView,
    Severity,
    Source,
    Status,
)
from incidents.photos import VerifiedPhoto
from incidents.recordability import (
    CRITERIA_LABELS,
    NO,
    YES,
    RecordabilityDecision,
    answer_of,
    recordability_decide,
)
from riskcabinet.links import site_link
from riskcabinet.mail import mail_once
from riskcabinet.models import Person
from riskcabinet.queueing import task_queue_on_commit
from riskcabinet.roles import Role, users_to_email

__all__ = ["clock_complete"]  # Clock completion lives with the clock rules; re-exported here.


class WorkflowError(Exception):
    """A change the case's workflow does not allow; the message is shown to the officer."""


def _notification_queue(
    task_name: str, service: Callable[..., bool], **ids: int | list[int] | None
) -> None:
    """Queue the email task ``incidents.tasks.<task_name>(*ids)`` once the transaction commits;
    with the task queue down, ``service(**ids)`` sends it from here instead."""
    from incidents import tasks  # The tasks module imports this one.

    task_queue_on_commit(getattr(tasks, task_name), *ids.values(), fallback=lambda: service(**ids))


def _email_language(user) -> str:
    """The language of a user's emails: their profile's, else the one they last read the site
    in, else the site's."""
    person = getattr(user, "person", None)
    if person is None:
        return settings.LANGUAGE_CODE
    return person.preferred_language or person.last_language or settings.LANGUAGE_CODE


def _my_action_link(action: CorrectiveAction) -> str:
    """The action on its owner's "My actions", where they report it done: the case page may not
    be theirs to open."""
    return site_link("incidents:my-actions") + f"#action-{action.pk}"


# Severities below which days away, or restricted days, cannot be (29 CFR 1904.7(b)(3)-(4)).
_DAYS_AWAY_SEVERITIES = (Severity.FATALITY, Severity.HOSPITALIZATION, Severity.DAYS_AWAY)
_NOT_HARMED = (Severity.FIRST_AID, Severity.NONE)


def classification_problem(
    *, severity: str, state_reportable: bool, days_away: int, days_restricted: int
) -> str:
    """Why a classification contradicts itself, or "" when it does not."""
    if state_reportable and severity in _NOT_HARMED:
        return (
            "First aid only or no injury is not a serious injury for Cal/OSHA (Title 8, section "
            "330(h)): choose the severity of the outcome."
        )
    if days_away and severity not in _DAYS_AWAY_SEVERITIES:
        return 'Days away from work make the severity at least "Days away from work".'
    if days_restricted and severity in (Severity.MEDICAL, *_NOT_HARMED):
        return 'Restricted days make the severity at least "Job restriction or transfer".'
    return ""


# --- Classification ---------------------------------------------------------------------------


@transaction.atomic
def incident_classify(
    *,
    incident: Incident,
    severity: str,
    illness_type: str,
    state_reportable: bool,
    days_away: int,
    days_restricted: int,
    outcome_learned_at: datetime | None = None,
    hospital_observation_only: bool = False,
) -> Incident:
    """Record the officer's classification; a new case becomes triaged; clocks follow.

    A death or an in-patient hospitalization is reportable to Cal/OSHA whatever the officer
    ticked; a hospital stay only for observation or tests is not (Title 8 section 330(h)), so
    its 8-hour clock, started at intake when the employee said "hospital", is stopped.

    The clocks it starts count from when the city learned of the case, or from
    ``outcome_learned_at`` when the officer says the outcome became known later.
    """
    if illness_type == IllnessType.INJURY and _private_at_request(incident):
        raise WorkflowError(_AT_REQUEST_ILLNESSES_ONLY)
    problem = classification_problem(
        severity=severity,
        state_reportable=state_reportable,
        days_away=days_away,
        days_restricted=days_restricted,
    )
    if problem:
        raise WorkflowError(problem)
    observation_only = hospital_observation_only and severity == Severity.HOSPITALIZATION
    incident.severity = severity
    incident.illness_type = illness_type
    incident.hospital_observation_only = observation_only
    incident.state_reportable = (
        state_reportable
        or severity == Severity.FATALITY
        or (severity == Severity.HOSPITALIZATION and not observation_only)
    )
    incident.days_away = days_away
    incident.days_restricted = days_restricted
    if incident.status == Status.NEW:
        incident.status = Status.TRIAGED
    incident.save()
    clocks_start_for(incident=incident, started_at=outcome_learned_at)
    return incident


@transaction.atomic
def incident_recordability_decide(
    *, incident: Incident, answers: dict, learned_at: datetime | None = None
) -> RecordabilityDecision:
    """Record the helper's answers and the decision they lead to; the 300-log clock follows.

    A 300-log clock it starts counts from ``learned_at`` when what makes the case recordable
    became known after the report (29 CFR 1904.29(b)(3)), else from the report.
    """
    decision = recordability_decide(answers)
    _recordability_contradiction_check(incident, answers)
    incident.recordability_answers = {key: value for key, value in answers.items() if value}
    if decision.recordable is not None:
        # Partial answers settle nothing: the stored decision (and its 300-log clock) stays.
        incident.recordable = decision.recordable
    incident.save()
    clocks_start_for(incident=incident, started_at=learned_at)
    return decision


# The classification facts that answer a helper question "yes" (29 CFR 1904.7(b)(2)-(4)).
def _classified_yes(incident: Incident) -> dict[str, bool]:
    return {
        "death": incident.severity == Severity.FATALITY or incident.date_of_death is not None,
        "days_away": incident.severity == Severity.DAYS_AWAY or incident.days_away > 0,
        "restricted_or_transfer": incident.severity == Severity.RESTRICTED
        or incident.days_restricted > 0,
    }


def _recordability_contradiction_check(incident: Incident, answers: dict) -> None:
    """The helper's answers may not contradict the classification: a case classified with a
    death, days away or restriction is recordable, and one classified as first aid or no injury
    has had no treatment or time lost beyond it (classify it first)."""
    for key, yes in _classified_yes(incident).items():
        if yes and answer_of(answers, key) == NO:
            raise WorkflowError(
                f"The classification says {CRITERIA_LABELS[key]}, the helper says no: "
                "correct one of them."
            )
    beyond_first_aid = ("days_away", "restricted_or_transfer", "medical_treatment")
    if incident.severity in _NOT_HARMED and any(
        answer_of(answers, key) == YES for key in beyond_first_aid
    ):
        raise WorkflowError(
            "The helper finds treatment or time lost beyond first aid, the classification says "
            f"{incident.get_severity_display().lower()}: classify the case first."
        )


PRIVACY_REASONS: tuple[tuple[str, str], ...] = (
    ("intimate_body_part", "Injury or illness to an intimate body part or the reproductive system"),
    ("sexual_assault", "Injury or illness resulting from a sexual assault"),
    ("mental_illness", "Mental illness"),
    ("infectious_disease", "HIV infection, hepatitis or tuberculosis"),
    ("sharps", "Needlestick or cut from a sharp object contaminated with blood or body fluids"),
    ("employee_request", "Other illness, at the employee's request"),
)
PRIVACY_AT_REQUEST = "employee_request"
# 29 CFR 1904.29(b)(7)(vi) and (b)(8): an employee's request keeps a name off the log for an
# illness only; the list of privacy cases is complete, so an injury keeps its name.
_AT_REQUEST_ILLNESSES_ONLY = (
    "At the employee's request, only an illness can be a privacy case (29 CFR 1904.29(b)(7)): "
    "an injury's name stays on the log unless another privacy reason applies."
)


def _private_at_request(incident: Incident) -> bool:
    return incident.privacy_case and incident.privacy_reason == PRIVACY_AT_REQUEST


FORM_301_FIELDS = (
    "time_began_work",
    "physician_name",
    "treatment_facility",
    "treated_in_er",
    "hospitalized_overnight",
    "doing_before",
    "injury_details",
    "object_substance",
    "date_of_death",
)


@transaction.atomic
def incident_301_details_set(*, incident: Incident, **details) -> Incident:
    """Record what OSHA's Form 301 asks beyond the report (see FORM_301_FIELDS)."""
    unknown = set(details) - set(FORM_301_FIELDS)
    if unknown:
        raise ValueError(f"not Form 301 details: {sorted(unknown)}")
    if details.get("date_of_death") and incident.severity != Severity.FATALITY:
        raise WorkflowError(
            "Classify the case as a fatality first: a death must be reported to Cal/OSHA "
            "within 8 hours (Title 8, section 342), and the classification starts that clock."
        )
    for name, value in details.items():
        setattr(incident, name, value.strip() if isinstance(value, str) else value)
    incident.save()
    return incident


@transaction.atomic
def incident_injured_person_set(
    *, incident: Incident, name: str, job_title: str, employee_id: str = ""
) -> Incident:
    """Name the person hurt when it is not the reporter (all empty: the reporter was hurt).

    With an employee ID the case is linked to that employee's record, and an empty name or
    job title is taken from it.
    """
    person = None
    if employee_id:
        person = Person.with_employee_id(employee_id)
        if person is None:
            raise WorkflowError(f"No employee has the ID {employee_id.strip()}.")
        if name == Person.stand_in_name(incident.injured_employee_id_unmatched):
            name = ""  # The stand-in name given with an unmatched ID yields to the record's.
        name = name or str(person)
        job_title = job_title or person.job_title
    if job_title and not name:
        raise WorkflowError("Give the name with the job title, or leave both empty.")
    incident.injured_name = name
    incident.injured_job_title = job_title
    incident.injured_person = person
    # The officer has looked at who was hurt: an ID from the phone that matched nobody is settled.
    incident.injured_employee_id_unmatched = ""
    incident.save()
    return incident


@transaction.atomic
def incident_privacy_mark(*, incident: Incident, privacy_case: bool, reason: str) -> Incident:
    if privacy_case and reason not in dict(PRIVACY_REASONS):
        raise WorkflowError("Choose the reason this is a privacy case.")
    at_request = privacy_case and reason == PRIVACY_AT_REQUEST
    if at_request and incident.illness_type == IllnessType.INJURY:
        raise WorkflowError(_AT_REQUEST_ILLNESSES_ONLY)
    private_merged = incident.merged_cases.filter(privacy_case=True).first()
    if not privacy_case and private_merged is not None:
        # Its narrative, photos and notes came here with the merge: they stay a privacy case's.
        raise WorkflowError(
            f"{private_merged.reference}, a privacy case, was merged into this one: it stays a "
            "privacy case."
        )
    incident.privacy_case = privacy_case
    incident.privacy_reason = reason if privacy_case else ""
    incident.save()
    return incident


OIICS_FIELDS = {
    "nature": "oiics_nature",
    "part": "oiics_part",
    "event": "oiics_event",
    "source": "oiics_source",
}


@transaction.atomic
def incident_codes_set(
    *, incident: Incident, officer, codes: dict[str, str], suggestions: dict
) -> Incident:
    """Save OIICS codes. Where the coder had suggested one, keep the officer's choice beside it.

    `codes` maps a family ("nature", "part", "event", "source") to a validated code or "";
    families not in `codes` are left as they are.
    """
    for family, code in codes.items():
        attribute = OIICS_FIELDS[family]
        if getattr(incident, attribute) == code:
            continue
        setattr(incident, attribute, code)
        suggestion = suggestions.get(family) or {}
        top = (suggestion.get("top") or [None])[0]
        if code and top:
            CodeCorrection.objects.create(
                incident=incident,
                field=family,
                suggested_code=str(top.get("code", ""))[:6],
                suggested_probability=top.get("probability"),
                chosen_code=code,
                officer=officer,
            )
    incident.save()
    return incident


# --- Assignment and workflow ------------------------------------------------------------------


@transaction.atomic
def incidents_unassign(*, assignee, by, reason: str, departments=None) -> list[str]:
    """Put the open cases assigned to ``assignee`` (in ``departments``, when given) back to
    nobody, each change audited with ``reason``: someone who left, or an officer who no longer
    covers a department, would hold cases nobody else sees as theirs. Returns their references.
    """
    cases = Incident.objects.select_for_update().filter(assignee=assignee)
    cases = cases.exclude(status=Status.CLOSED)
    if departments is not None:
        cases = cases.filter(department__in=departments)
    cases = list(cases.order_by("reference"))
    for incident in cases:
        incident._change_reason = reason[:100]
        incident_assign(incident=incident, assignee=None, by=by, notify=False)
    return [incident.reference for incident in cases]


@transaction.atomic
def incident_assign(*, incident: Incident, assignee, by=None, notify: bool = True) -> bool:
    """Assign the case (None: unassign); True when that changed who has it. A new assignee
    other than ``by`` is told by email once the change is committed, unless ``notify`` is off
    (``incidents_assign`` tells them of several cases in one email)."""
    changed = incident.assignee_id != (assignee.pk if assignee is not None else None)
    incident.assignee = assignee
    incident.save()
    if notify and changed and assignee is not None and assignee != by and assignee.email:
        by_id = by.pk if by is not None else None
        _notification_queue(
            "case_assigned_notify", case_assigned_notify, incident_id=incident.pk, by_id=by_id
        )
    return changed


@dataclass(frozen=True)
class BulkAssignment:
    assigned: list[str]  # references newly assigned
    already: list[str]  # references the assignee already had
    refused: list[tuple[str, str]]  # (reference, department) where the assignee may not take it
    merged: list[str] = field(default_factory=list)  # merged into another case meanwhile


@transaction.atomic
def incidents_assign(*, incidents: list[Incident], assignee, by) -> BulkAssignment:
    """Assign several cases to one person, each as ``incident_assign`` does (and audited the
    same way), skipping the cases of departments the assignee does not cover. The assignee is
    told of the newly assigned cases in one email, not one each.

    The cases are locked and read again, as the single-case pages do, so that a case another
    officer closed or classified since the queue was read is not saved back as it was read.
    """
    ticked = {incident.pk: incident.reference for incident in incidents}
    incidents = list(
        Incident.objects.select_for_update(of=("self",))
        .select_related("department")
        .filter(pk__in=ticked, merged_into__isnull=True)
        .order_by("pk")
    )
    merged = sorted(set(ticked) - {incident.pk for incident in incidents})
    # One check per department among the cases, by the rule the case page's list follows.
    departments = {incident.department_id for incident in incidents}
    allowed = {
        department_id
        for department_id in departments
        if users_assignable_in([department_id]).filter(pk=assignee.pk).exists()
    }
    assigned, already, refused = [], [], []
    for incident in sorted(incidents, key=lambda case: case.reference):
        if incident.department_id not in allowed:
            refused.append((incident.reference, incident.department.name))
        elif incident_assign(incident=incident, assignee=assignee, by=by, notify=False):
            assigned.append(incident)
        else:
            already.append(incident.reference)
    if assigned and assignee != by and assignee.email:
        pks = [incident.pk for incident in assigned]
        _notification_queue(
            "cases_assigned_notify", cases_assigned_notify, incident_ids=pks, by_id=by.pk
        )
    return BulkAssignment(
        assigned=[incident.reference for incident in assigned],
        already=already,
        refused=refused,
        merged=[ticked[pk] for pk in merged],
    )


def _assigned_case(incident: Incident) -> dict:
    """What an assignment email says of a case besides its own fields: its next deadline and
    its link."""
    next_clock = incident.clocks.filter(completed_at__isnull=True).order_by("due_at").first()
    return {
        "incident": incident,
        "next_clock": next_clock,
        "next_due": timezone.localtime(next_clock.due_at) if next_clock else None,
        "case_url": site_link("triage:case", incident.reference),
    }


def cases_assigned_notify(*, incident_ids: list[int], by_id: int | None = None) -> bool:
    """One email to the assignee of several cases assigned at once, listing those still theirs,
    each with its department and next deadline (no names, narrative or medical details); False
    when none is."""
    incidents = list(
        Incident.objects.filter(pk__in=incident_ids)
        .select_related("department", "assignee")
        .order_by("reference")
    )
    assignee = incidents[0].assignee if incidents else None
    cases = [
        _assigned_case(incident)
        for incident in incidents
        if assignee is not None and incident.assignee_id == assignee.pk
    ]
    if not cases:
        return False
    return _assignee_email(
        assignee,
        by_id=by_id,
        subject=f"[riskcabinet] {len(cases)} case{'s' if len(cases) != 1 else ''} assigned to you",
        template="incidents/cases_assigned_email.txt",
        context={"cases": cases},
    )


def case_assigned_notify(*, incident_id: int, by_id: int | None = None) -> bool:
    """Email a case's assignee that it is theirs; False when it is no longer assigned to anyone
    who can be emailed. The email names the case, its department and its next deadline: no
    names of the people involved, no narrative, no medical details."""
    incident = Incident.objects.select_related("department", "assignee").get(pk=incident_id)
    return _assignee_email(
        incident.assignee,
        by_id=by_id,
        subject=f"[riskcabinet] {incident.reference} is assigned to you",
        template="incidents/case_assigned_email.txt",
        context=_assigned_case(incident),
    )


def _assignee_email(assignee, *, by_id: int | None, subject: str, template: str, context) -> bool:
    """Email an assignee what was given them, naming who gave it (`by_id`); False when nobody
    who can be emailed is the assignee."""
    if assignee is None or not assignee.is_active or not assignee.email:
        return False
    by = get_user_model().objects.filter(pk=by_id).first() if by_id is not None else None
    send_mail(
        subject=subject,
        message=render_to_string(template, {"assignee": assignee, "by": by, **context}),
        from_email=None,
        recipient_list=[assignee.email],
    )
    return True


# Where a case may go next from each status. Closing is also allowed from "investigating" (nothing
# to act on), and a closed case can be reopened for more investigation.
STATUS_NEXT: dict[str, tuple[str, ...]] = {
    Status.NEW: (Status.TRIAGED,),
    Status.TRIAGED: (Status.INVESTIGATING, Status.NEW),
    Status.INVESTIGATING: (Status.ACTIONS_PENDING, Status.CLOSED, Status.TRIAGED),
    Status.ACTIONS_PENDING: (Status.CLOSED, Status.INVESTIGATING),
    Status.CLOSED: (Status.INVESTIGATING,),
}


@transaction.atomic
def incident_status_change(*, incident: Incident, status: str, close_reason: str = "") -> Incident:
    if status not in STATUS_NEXT.get(incident.status, ()):
        raise WorkflowError(
            f"A case cannot go from {Status(incident.status).label} to {Status(status).label}."
        )
    close_reason = close_reason.strip()
    if status == Status.CLOSED:
        open_actions = incident.actions.filter(status__in=OPEN_ACTION_STATUSES).count()
        if open_actions and not close_reason:
            raise WorkflowError(
                f"{open_actions} corrective action{pluralize(open_actions)} "
                f"{pluralize(open_actions, 'is,are')} still open: finish "
                f"{pluralize(open_actions, 'it,them')}, or give the reason for closing anyway."
            )
        incident.closed_at = timezone.now()
        incident.close_reason = close_reason
    else:
        incident.closed_at = None
    incident.status = status
    incident.save()
    if status == Status.CLOSED:
        for report_id in _reports_to_tell_of_closing(incident):
            _notification_queue("report_closed_notify", report_closed_notify, incident_id=report_id)
    return incident


def _reports_to_tell_of_closing(incident: Incident) -> list[int]:
    """The case and the reports merged into it, one for each employee who filed any: the
    reporter of a report merged here is told too, since its work went on in this case."""
    reports = [incident.pk]
    # Only a report filed from the intake form tells its reporter: a case entered by staff or
    # opened from a claim names the staff member as reporter, who may have filed a report of it.
    told = {incident.reporter_id} if incident.source == Source.INTAKE else set()
    merged = incident.merged_cases.filter(source=Source.INTAKE).order_by("reported_at", "pk")
    for report_id, reporter_id in merged.values_list("pk", "reporter_id"):
        if reporter_id not in told:
            told.add(reporter_id)
            reports.append(report_id)
    return reports


def report_closed_notify(*, incident_id: int) -> bool:
    """Tell the employee who filed a report that it is closed, and what was done about it, in
    their language; False when there is nobody to tell (an anonymous report, a case opened by
    staff or from a claim, a reporter without an email address) or the case was reopened.

    A report merged into another case is told of that case's closing, under its own number.
    The email names no one and holds no medical detail: the reference, the type, the corrective
    steps done (none for a privacy case) and the link to the report under "My reports".
    """
    incident = Incident.objects.select_related("reporter", "reporter__person", "merged_into").get(
        pk=incident_id
    )
    reporter = incident.reporter
    case = incident.merged_into or incident
    if (
        case.status != Status.CLOSED
        or incident.source != Source.INTAKE
        or reporter is None
        or not reporter.is_active
        or not reporter.email
    ):
        return False
    steps = []
    if not (incident.privacy_case or case.privacy_case):
        steps = list(case.actions.filter(status=ActionStatus.DONE).order_by("completed_at", "pk"))
    with translation.override(_email_language(reporter)):
        context = {
            "incident": incident,
            "case": case,
            "reporter": reporter,
            "steps": steps,
            "report_url": site_link("incidents:report-done", incident.reference),
        }
        subject = _("[riskcabinet] Your report %(reference)s is closed") % {
            "reference": incident.reference
        }
        send_mail(
            subject=subject,
            message=render_to_string("incidents/report_closed_email.txt", context),
            from_email=None,
            recipient_list=[reporter.email],
        )
    return True


@transaction.atomic
def case_note_add(*, incident: Incident, author, body: str) -> CaseNote:
    return CaseNote.objects.create(incident=incident, author=author, body=body.strip())


@transaction.atomic
def investigation_save(
    *,
    incident: Incident,
    user,
    whys: list[str],
    root_cause: str,
    contributing_factors: str,
    complete: bool,
) -> Investigation:
    investigation, _ = Investigation.objects.get_or_create(incident=incident)
    investigation.whys = [why.strip() for why in whys if why.strip()][:5]
    investigation.root_cause = root_cause.strip()
    investigation.contributing_factors = contributing_factors.strip()
    if complete and investigation.completed_at is None:
        investigation.completed_by = user
        investigation.completed_at = timezone.now()
    elif not complete:
        investigation.completed_by = None
        investigation.completed_at = None
    investigation.save()
    return investigation


# --- Corrective actions -----------------------------------------------------------------------


@transaction.atomic
def corrective_action_add(
    *, incident: Incident, description: str, control_level: str, owner, due_on: date, by=None
) -> CorrectiveAction:
    """Add an action to a case; its owner is told at once, unless they added it themselves."""
    _case_open_for_actions(incident)
    action = CorrectiveAction.objects.create(
        incident=incident,
        description=description.strip(),
        control_level=control_level,
        owner=owner,
        due_on=due_on,
    )
    if by is None or owner.pk != by.pk:
        _notification_queue("action_assigned_notify", action_assigned_notify, action_id=action.pk)
    return action


@transaction.atomic
def _action_read_locked(action: CorrectiveAction) -> None:
    """Lock the action's row and read it again, as its owner's report from "My actions" does:
    an officer's change made a moment after the owner marked it done must not write it back
    open."""
    CorrectiveAction.objects.select_for_update(of=("self",)).only("pk").get(pk=action.pk)
    action.refresh_from_db()


@transaction.atomic
def corrective_action_change(
    *, action: CorrectiveAction, owner, due_on: date, by=None
) -> CorrectiveAction:
    """Give an open action another owner or due date (a hand-over, an agreed extension). A new
    owner is told at once, unless they made the change themselves."""
    _action_read_locked(action)
    if not action.is_open:
        raise WorkflowError("Only an open action can be given another owner or due date.")
    handed_over = owner.pk != action.owner_id
    if handed_over:
        action.last_reminded_on = None  # The new owner has not been reminded of it yet.
    action.owner = owner
    action.due_on = due_on
    action.save()
    if handed_over and (by is None or owner.pk != by.pk):
        _notification_queue("action_assigned_notify", action_assigned_notify, action_id=action.pk)
    return action


def action_assigned_notify(*, action_id: int) -> bool:
    """Tell an action's owner, in their language, that it is theirs: what to do, by when, and
    the link to it under "My actions". False when the owner has no email address or the action
    is no longer open. Like the page, it names the case but not the people in it."""
    action = CorrectiveAction.objects.select_related(
        "owner", "owner__person", "incident", "incident__department"
    ).get(pk=action_id)
    owner = action.owner
    if not action.is_open or not owner.is_active or not owner.email:
        return False
    with translation.override(_email_language(owner)):
        context = {"owner": owner, "action": action, "action_url": _my_action_link(action)}
        subject = _("[riskcabinet] A corrective action for you, due %(day)s") % {
            "day": formats.date_format(action.due_on, "DATE_FORMAT")
        }
        message = render_to_string("incidents/action_assigned_email.txt", context)
    send_mail(subject=subject, message=message, from_email=None, recipient_list=[owner.email])
    return True


def _case_open_for_actions(incident: Incident) -> None:
    # A closed case holds no open action unless a reason was given when it closed.
    if incident.status == Status.CLOSED:
        raise WorkflowError(
            f"{incident.reference} is closed; reopen it to give it an open corrective action."
        )


@transaction.atomic
def corrective_action_status_set(*, action: CorrectiveAction, status: str) -> CorrectiveAction:
    _action_read_locked(action)
    if status in OPEN_ACTION_STATUSES and not action.is_open:
        _case_open_for_actions(action.incident)
    if status == action.status:
        return action  # Saved again as it was: the day it was done stays.
    action.status = status
    action.completed_at = timezone.now() if status == ActionStatus.DONE else None
    action.save()
    return action


# What an action's owner may report from "My actions": cancelling one is the officer's decision.
OWNER_ACTION_STATUSES = (ActionStatus.IN_PROGRESS, ActionStatus.DONE)


@transaction.atomic
def corrective_action_owner_report(
    *,
    action: CorrectiveAction,
    user,
    status: str,
    note: str = "",
    photo: VerifiedPhoto | None = None,
) -> CorrectiveAction:
    """The action's owner says it is in progress or done, and what they did.

    Only the owner may, and only while the action is open. "Done" needs a word on what was done:
    it goes on the action and, as a note, on the case's record, and the case's officer is
    emailed so that they can check it and close the case. A photo of the work goes on the case
    with the case's other photos.
    """
    action = (
        CorrectiveAction.objects.select_for_update(of=("self",))
        .select_related("incident")
        .get(pk=action.pk)
    )
    note = note.strip()
    if action.owner_id != user.pk:
        raise WorkflowError(_("Only the action's owner can update it here."))
    if action.status == ActionStatus.CANCELLED:
        raise WorkflowError(_("The safety officer has cancelled this action."))
    if not action.is_open:
        raise WorkflowError(_("This action is already done."))
    if status not in OWNER_ACTION_STATUSES:
        raise WorkflowError(_("Choose whether the action is in progress or done."))
    if status == ActionStatus.DONE and not note:
        raise WorkflowError(_("Say what was done, so the safety officer can check it."))
    action.status = status
    action.completed_at = timezone.now() if status == ActionStatus.DONE else None
    if status == ActionStatus.DONE:
        action.completion_note = note
    action.save()
    if photo is not None:
        from incidents.services import attachment_add  # The services module imports this one.

        attachment_add(incident=action.incident, photo=photo, history_user=user)
    if note or photo is not None:
        what = "done" if status == ActionStatus.DONE else "in progress"
        body = f"Corrective action {what} (by its owner): {action.description}"
        if note:
            body += f"\n{note}"
        if photo is not None:
            body += "\n(A photo of the work is with the case's photos.)"
        CaseNote.objects.create(incident=action.incident, author=user, body=body)
    if status == ActionStatus.DONE:
        _notification_queue("action_done_notify", action_done_notify, action_id=action.pk)
    return action


def action_done_notify(*, action_id: int) -> bool:
    """Tell the case's assigned officer that its owner has done a corrective action; False when
    the case has no assignee who can be emailed, or the officer did it themselves, or the action
    was reopened since."""
    action = CorrectiveAction.objects.select_related(
        "incident__assignee", "incident__department", "owner"
    ).get(pk=action_id)
    assignee = action.incident.assignee
    if (
        action.status != ActionStatus.DONE
        or assignee is None
        or not assignee.is_active
        or not assignee.email
        or assignee.pk == action.owner_id
    ):
        return False
    open_left = action.incident.actions.filter(status__in=OPEN_ACTION_STATUSES).count()
    context = {
        "action": action,
        "incident": action.incident,
        "assignee": assignee,
        "open_left": open_left,
        "case_url": site_link("triage:case", action.incident.reference),
    }
    send_mail(
        subject=f"[riskcabinet] {action.incident.reference}: a corrective action is done",
        message=render_to_string("incidents/action_done_email.txt", context),
        from_email=None,
        recipient_list=[assignee.email],
    )
    return True


REMINDER_LOOKAHEAD_DAYS = 3


def corrective_action_reminders_send(*, today: date | None = None) -> int:
    """Email each owner once a day the open actions that are overdue or due within 3 days.

    Returns the number of emails sent. An action is in its owner's reminder once a day (one
    handed to a new owner is news to them); an owner whose account is closed gets nothing; an
    email refused is tried again on the next run, and the owners after them still get theirs.
    Each owner's actions go through ``mail_once``: two runs at once never both remind one
    owner, and a reminder lost with its worker is sent by the next run (the beat runs hourly in
    the morning).
    """
    today = today or timezone.localdate()
    actions = (
        _actions_to_remind(today)
        .select_related("owner", "owner__person", "incident")
        .order_by("owner_id", "due_on", "pk")
    )
    by_owner: dict[int, dict[str, CorrectiveAction]] = defaultdict(dict)
    for action in actions:
        by_owner[action.owner_id][f"action:{action.pk}:{today:%Y-%m-%d}"] = action
    sent = 0
    for owner_actions in by_owner.values():
        owner = next(iter(owner_actions.values())).owner
        told = mail_once(
            to=owner.email,
            topics=owner_actions,
            compose=lambda topics, owner_actions=owner_actions: _reminder_email(
                [owner_actions[topic] for topic in topics], today
            ),
        )
        if told:
            sent += 1
            # Bookkeeping only: an update, so the reminder does not fill the audit timeline.
            # An action handed over while the email went is still news to its new owner.
            CorrectiveAction.objects.filter(
                pk__in=[owner_actions[topic].pk for topic in told], owner_id=owner.pk
            ).update(last_reminded_on=today)
    return sent


def _actions_to_remind(today: date):
    return (
        CorrectiveAction.objects.filter(
            status__in=OPEN_ACTION_STATUSES,
            due_on__lte=today + timedelta(days=REMINDER_LOOKAHEAD_DAYS),
            incident__merged_into__isnull=True,
        )
        .filter(owner__is_active=True)
        .exclude(last_reminded_on=today)
        .exclude(owner__email="")
    )


def _reminder_email(owner_actions: list[CorrectiveAction], today: date) -> tuple[str, str]:
    owner = owner_actions[0].owner
    overdue = [action for action in owner_actions if action.due_on < today]
    context = {
        "owner": owner,
        "overdue": overdue,
        "due_soon": [action for action in owner_actions if action.due_on >= today],
        "today": today,
    }
    for action in owner_actions:
        action.action_url = _my_action_link(action)
    with translation.override(_email_language(owner)):
        if overdue:
            subject = ngettext(
                "[riskcabinet] %(count)d overdue corrective action",
                "[riskcabinet] %(count)d overdue corrective actions",
                len(overdue),
            ) % {"count": len(overdue)}
        else:
            subject = ngettext(
                "[riskcabinet] %(count)d corrective action due soon",
                "[riskcabinet] %(count)d corrective actions due soon",
                len(owner_actions),
            ) % {"count": len(owner_actions)}
        return subject, render_to_string("incidents/triage_reminder_email.txt", context)


# --- Compliance deadline warnings --------------------------------------------------------------

CLOCK_WARNING_WINDOW = timedelta(hours=24)
CLOCK_WARNING_LIST_LIMIT = 25  # Clocks listed in one email; the rest are counted.


def compliance_clock_warnings_send(*, now: datetime | None = None) -> int:
    """Warn once per deadline: a running compliance clock due within 24 hours, or already past
    its due time, is emailed to the safety officers who cover its case's department and to the
    case's assignee (to the risk managers when nobody covers the department).

    Each person gets one email listing their cases' deadlines, past ones first, through
    ``mail_once``: a deadline is in one person's email once, even when two runs overlap. A clock
    is marked warned once someone was told of it; one whose every email was refused, or was
    lost with its worker, is tried again by the next run. Returns the number of emails sent.
    The emails name cases and deadlines only: no names, no medical details.
    """
    now = now or timezone.now()
    clocks = list(
        ComplianceClock.objects.filter(
            completed_at__isnull=True,
            warned_at__isnull=True,
            due_at__lte=now + CLOCK_WARNING_WINDOW,
            incident__merged_into__isnull=True,
        )
        .select_related("incident__department", "incident__assignee")
        .order_by("due_at", "pk")
    )
    if not clocks:
        return 0
    covering = covering_officer_emails({clock.incident.department_id for clock in clocks})
    risk_managers = set(users_to_email(Role.RISK_MANAGER).values_list("email", flat=True))
    by_recipient: dict[str, list[ComplianceClock]] = defaultdict(list)
    # A clock nobody could be told of (no one to tell, or every email refused) stays unwarned
    # for a later run.
    warned: set[int] = set()
    for clock in clocks:
        incident = clock.incident
        recipients = set(covering.get(incident.department_id, ())) or set(risk_managers)
        assignee = incident.assignee
        if assignee is not None and assignee.is_active and assignee.email:
            recipients.add(assignee.email)
        for email in recipients:
            by_recipient[email].append(clock)
    for clock in clocks:
        clock.case_url = site_link("triage:case", clock.incident.reference)
        clock.due_local = timezone.localtime(clock.due_at)
        clock.hours_left = max(0, math.ceil((clock.due_at - now).total_seconds() / 3600))
    sent = 0
    for email, own in sorted(by_recipient.items()):
        by_topic = {f"clock:{clock.pk}": clock for clock in own}
        told = mail_once(
            to=email,
            topics=by_topic,
            compose=lambda topics, by_topic=by_topic: _clock_warning_email(
                [by_topic[topic] for topic in topics], now
            ),
        )
        if told:
            warned.update(by_topic[topic].pk for topic in told)
            sent += 1
    # Bookkeeping only, like the action reminders: the case's audit timeline is left alone.
    ComplianceClock.objects.filter(pk__in=warned, warned_at__isnull=True).update(warned_at=now)
    return sent


def _clock_warning_email(own: list[ComplianceClock], now: datetime) -> tuple[str, str]:
    passed = [clock for clock in own if clock.due_at <= now]
    coming = [clock for clock in own if clock.due_at > now]
    subject = (
        f"{len(passed)} compliance deadline(s) passed"
        if passed
        else f"{len(coming)} compliance deadline(s) due within 24 hours"
    )
    context = {
        "passed": passed[:CLOCK_WARNING_LIST_LIMIT],
        "coming": coming[: max(0, CLOCK_WARNING_LIST_LIMIT - len(passed))],
        "unlisted": max(0, len(own) - CLOCK_WARNING_LIST_LIMIT),
        "queue_url": site_link("triage:queue"),
    }
    message = render_to_string("incidents/clock_warning_email.txt", context)
    return f"[riskcabinet] {subject}", message


# --- Duplicates and merging -------------------------------------------------------------------

DUPLICATE_WINDOW = timedelta(hours=2)
DUPLICATE_RADIUS_M = 200.0
_ABBREVIATIONS = {
    "street": "st",
    "avenue": "ave",
    "boulevard": "blvd",
    "road": "rd",
    "drive": "dr",
    "place": "pl",
    "and": "&",
    "north": "n",
    "south": "s",
    "east": "e",
    "west": "w",
}


def location_normalise(text: str) -> str:
    words = re.sub(r"[^a-z0-9&]+", " ", (text or "").lower()).split()
    return " ".join(_ABBREVIATIONS.get(word, word) for word in words)


def distance_m(lat1, lon1, lat2, lon2) -> float:
    """Great-circle distance in metres (haversine)."""
    lat1, lon1, lat2, lon2 = (math.radians(float(v)) for v in (lat1, lon1, lat2, lon2))
    a = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


class _Place(NamedTuple):
    latitude: Decimal | None
    longitude: Decimal | None
    location_text: str


def _same_place(a: _Place, b: _Place) -> bool:
    has_coordinates = None not in (a.latitude, a.longitude, b.latitude, b.longitude)
    if has_coordinates and (
        distance_m(a.latitude, a.longitude, b.latitude, b.longitude) <= DUPLICATE_RADIUS_M
    ):
        return True
    normalised = location_normalise(a.location_text)
    return bool(normalised) and normalised == location_normalise(b.location_text)


def incident_duplicate_of(incident: Incident) -> int | None:
    """The id of the case a report probably duplicates, or None.

    A duplicate is an earlier report of the same department within 2 hours and 200 m (or at the
    same place by name); of several, the one said to have happened first. When that report is
    itself a duplicate, the answer is the first of the chain. Works on a report not yet saved,
    so intake can set it before the insert.

    Every report filed runs this, so it is one plain SQL statement (the ORM spent ten times the
    database's time building it) whose rows are read a few at a time: the first match ends it.
    Candidates come in the order of the (department, occurred_at, id) index, earliest first,
    so the database never sorts the window: a burst of reports from one department (a storm,
    a crash with many witnesses) costs each new report a few rows, not the whole window.
    """
    meta = Incident._meta
    table = connection.ops.quote_name(meta.db_table)
    column = {name: connection.ops.quote_name(meta.get_field(name).column) for name in _CANDIDATE}
    sql = (
        f"SELECT {', '.join(column[name] for name in _CANDIDATE_COLUMNS)} FROM {table} "
        f"WHERE {column['department']} = %s AND {column['merged_into']} IS NULL "
        f"AND {column['occurred_at']} >= %s AND {column['occurred_at']} <= %s "
        + (f"AND {column['id']} <> %s " if incident.pk is not None else "")
        + f"ORDER BY {column['occurred_at']}, {column['id']} LIMIT 50"
    )
    adapt = connection.ops.adapt_datetimefield_value
    params = [
        incident.department_id,
        adapt(incident.occurred_at - DUPLICATE_WINDOW),
        adapt(incident.occurred_at + DUPLICATE_WINDOW),
    ]
    if incident.pk is not None:
        params.append(incident.pk)
    place = _Place(incident.latitude, incident.longitude, incident.location_text)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(10):
            for pk, latitude, longitude, location_text, first_of_chain in rows:
                if _same_place(place, _Place(latitude, longitude, location_text)):
                    return first_of_chain or pk
    return None


_CANDIDATE_COLUMNS = ("id", "latitude", "longitude", "location_text", "possible_duplicate_of")
_CANDIDATE = (*_CANDIDATE_COLUMNS, "department", "merged_into", "occurred_at")


@transaction.atomic
def incident_duplicate_dismiss(*, incident: Incident) -> Incident:
    incident.possible_duplicate_of = None
    incident.save()
    return incident


@transaction.atomic
def incident_merge(*, source: Incident, target: Incident) -> Incident:
    """Merge `source` into `target`: photos, notes, open work and claims move, both narratives
    are kept.

    The merged case keeps its own narrative and reference; the case page of `target` shows it
    under "merged reports". It leaves the queue, closed with the reason. Both rows are locked
    (in id order, so two officers merging the same pair either way cannot deadlock) and read
    again, so what is checked is what is merged.
    """
    if source.pk == target.pk:
        raise WorkflowError("A case cannot be merged into itself.")
    locked = Incident.objects.select_for_update().filter(pk__in=(source.pk, target.pk))
    rows = {incident.pk: incident for incident in locked.order_by("pk")}
    source, target = rows[source.pk], rows[target.pk]
    _merge_check(source, target)
    for attachment in source.attachments.all():
        attachment.incident = target
        attachment.save()
    for action in source.actions.all():
        action.incident = target
        action.save()
    for note in source.notes.all():
        note.incident = target
        note.save()
    investigation = getattr(source, "investigation", None)
    if investigation is not None and not Investigation.objects.filter(incident=target).exists():
        investigation.incident = target
        investigation.save()
    for claim in source.claims.all():
        # Its cost counts where the surviving case does.
        claim.incident = target
        claim._change_reason = f"Moved with {source.reference}, merged into {target.reference}"
        claim.save()
    for merged in source.merged_cases.all():
        merged.merged_into = target
        merged.save()
    # Reports flagged as likely duplicates of this one now point at the case that survives.
    for duplicate in source.possible_duplicates.exclude(pk=target.pk):
        duplicate.possible_duplicate_of = target
        duplicate.save()
    source.merged_into = target
    source.possible_duplicate_of = None
    source.status = Status.CLOSED
    source.closed_at = source.closed_at or timezone.now()
    source.close_reason = f"Merged into {target.reference}."
    source.save()
    if target.possible_duplicate_of_id == source.pk:
        target.possible_duplicate_of = None
        target.save()
    return target


def _merge_check(source: Incident, target: Incident) -> None:
    """Refuse a merge that would hide a case, its deadlines or its reader's limits."""
    if source.merged_into_id is not None:
        raise WorkflowError(f"{source.reference} was already merged into another case.")
    if target.merged_into_id is not None:
        raise WorkflowError(f"{target.reference} was itself merged; merge into the surviving case.")
    if source.department_id != target.department_id:
        # Its narrative and photos would reach officers of a department it is not in.
        raise WorkflowError(
            f"{source.reference} and {target.reference} are cases of different departments; "
            "only reports of one department are merged."
        )
    if source.privacy_case != target.privacy_case:
        private, other = (source, target) if source.privacy_case else (target, source)
        raise WorkflowError(
            f"{private.reference} is a privacy case and {other.reference} is not: mark "
            f"{other.reference} as a privacy case first if it is about the same injury."
        )
    if target.status == Status.CLOSED:
        raise WorkflowError(f"{target.reference} is closed; reopen it before merging into it.")
    if _classified_worse(source, than=target):
        # A merged case leaves the OSHA log and its deadlines: the survivor must carry them.
        raise WorkflowError(
            f"{source.reference} is classified as more serious than {target.reference} "
            f"({source.get_severity_display().lower()}"
            f"{', on the OSHA log' if source.recordable else ''}"
            f"{', to be reported to Cal/OSHA' if source.state_reportable else ''}). "
            f"Merge {target.reference} "
            f"into {source.reference} instead, or classify {target.reference} first."
        )
    source_investigation = Investigation.objects.filter(incident=source).first()
    target_investigation = Investigation.objects.filter(incident=target).first()
    if (
        source_investigation is not None
        and source_investigation.completed_at is not None
        and target_investigation is not None
        and target_investigation.completed_at is None
    ):
        # Only one investigation stays with the survivor: a finished one must not be left behind.
        raise WorkflowError(
            f"{source.reference} has a finished investigation and {target.reference} only a "
            f"draft. Merge {target.reference} into {source.reference} instead."
        )


def _classified_worse(case: Incident, *, than: Incident) -> bool:
    """Whether `case` is recordable or to be reported to Cal/OSHA where `than` is not, or has
    the worse severity."""
    ladder = list(Severity.values)  # Worst first.
    return (
        (case.recordable is True and than.recordable is not True)
        or (case.state_reportable and not than.state_reportable)
        or ladder.index(case.severity) < ladder.index(than.severity)
    )


# --- Privacy ----------------------------------------------------------------------------------


def privacy_case_view_record(*, incident: Incident, user, path: str) -> None:
    """Write who opened a privacy case (never edited afterwards)."""
    if incident.privacy_case:
        PrivacyCaseView.objects.create(incident=incident, user=user, path=path[:200])
