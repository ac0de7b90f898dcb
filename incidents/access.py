"""Who may see which incident. Every incident view goes through these functions."""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import Http404

from incidents.models import Incident
from riskcabinet.models import Person
from riskcabinet.roles import Role, role_of


def incidents_visible_to(user) -> QuerySet[Incident]:
    """The incidents a user may open in triage.

    Risk managers and administrators see every department; a safety officer sees the departments
    they cover. A privacy case is shown only to the officers covering its department and to risk
    managers, not to administrators. Employees and cabinet members see no case in triage.
    """
    role = role_of(user)
    incidents = Incident.objects.filter(merged_into__isnull=True)
    if role is Role.RISK_MANAGER:
        return incidents
    if privacy_cases_hidden_from(user):
        return incidents.filter(privacy_case=False)
    if role is Role.SAFETY_OFFICER:
        # A subquery rather than a join, so the planner can use the department indexes.
        return incidents.filter(department_id__in=_covered_department_ids(user))
    return incidents.none()


def private_cases_q(case_path: str = "") -> Q:
    """Privacy cases, and the reports merged into one (about the same injury), from a model whose
    case is at ``case_path`` ("" for the case itself)."""
    prefix = f"{case_path}__" if case_path else ""
    return Q(**{f"{prefix}privacy_case": True}) | Q(**{f"{prefix}merged_into__privacy_case": True})


def is_private(incident: Incident) -> bool:
    """Whether a case is a privacy case or merged into one (see ``private_cases_q``)."""
    merged_into = incident.merged_into if incident.merged_into_id else None
    return incident.privacy_case or (merged_into is not None and merged_into.privacy_case)


def privacy_cases_hidden_from(user) -> bool:
    """Administrators run the system and reach every case but privacy cases, which are for the
    people who triage them."""
    return role_of(user) is Role.ADMINISTRATOR


def _covered_department_ids(user) -> QuerySet:
    return Person.covered_departments.through.objects.filter(person__user=user).values(
        "department_id"
    )


def incident_for_triage(user, reference: str, *, for_update: bool = False) -> Incident:
    """The case with this reference if the user may triage it; 404 otherwise.

    A 404 rather than a 403, so that a reference outside the user's scope reveals nothing.
    ``for_update`` locks the case's row until the transaction ends (PostgreSQL; SQLite writes
    one at a time anyway), so that two officers' changes to it happen one after the other.
    """
    incidents = incidents_visible_to(user)
    if for_update:
        incidents = incidents.select_for_update(of=("self",))
    incident = (
        incidents.select_related(
            "department",
            "establishment",
            "reporter",
            "assignee",
            "possible_duplicate_of",
            "investigation",
            "investigation__completed_by",
            "injured_person",
        )
        .filter(reference=reference)
        .first()
    )
    if incident is None:
        raise Http404("No such case.")
    return incident


def users_assignable_for(incident: Incident) -> QuerySet:
    """Who a case may be assigned to: officers covering its department, and risk managers."""
    return users_assignable_in([incident.department_id])


def users_assignable_in(department_ids) -> QuerySet:
    """Who a case in any of these departments may be assigned to."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(
                groups__name=Role.SAFETY_OFFICER.value,
                person__covered_departments__in=list(department_ids),
            )
            | Q(groups__name=Role.RISK_MANAGER.value)
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def covering_officer_emails(department_ids) -> dict[int, set[str]]:
    """The email addresses of the active people who cover each of these departments (the safety
    officers to tell of a case there), by department id; a department nobody covers is absent."""
    emails: dict[int, set[str]] = {}
    rows = (
        get_user_model()
        .objects.filter(is_active=True, person__covered_departments__in=department_ids)
        .exclude(email="")
        .values_list("person__covered_departments", "email")
    )
    for department_id, email in rows:
        emails.setdefault(department_id, set()).add(email)
    return emails


def own_reports(user) -> QuerySet[Incident]:
    """The reports an employee filed under their own name."""
    if not user.is_authenticated:
        return Incident.objects.none()
    return Incident.objects.filter(Q(reporter=user))


TRIAGE_ROLES = (Role.SAFETY_OFFICER, Role.RISK_MANAGER, Role.ADMINISTRATOR)


def can_use_triage(user) -> bool:
    """Whether the user may open the triage workspace at all (the roles holding
    incidents.triage_incident). Checked by role, from the cached groups, to save two queries
    per request over has_perm."""
    return role_of(user) in TRIAGE_ROLES


def can_triage(user, incident: Incident) -> bool:
    return incidents_visible_to(user).filter(pk=incident.pk).exists()
