"""Who may see which incident. Every incident view goes through these functions."""

from django.db.models import Q, QuerySet

from incidents.models import Incident
from riskcabinet.roles import Role, role_of


def incidents_visible_to(user) -> QuerySet[Incident]:
    """The incidents a user may open in triage.

    Risk managers and administrators see every department; a safety officer sees the departments
    they cover, except that a privacy case is shown only to officers of its own department (which
    is the same rule here) and risk managers. Employees and cabinet members see no case in triage.
    """
    role = role_of(user)
    incidents = Incident.objects.filter(merged_into__isnull=True)
    if role in (Role.RISK_MANAGER, Role.ADMINISTRATOR):
        return incidents
    if role is Role.SAFETY_OFFICER:
        return incidents.filter(department__safety_officers__user=user)
    return incidents.none()


def own_reports(user) -> QuerySet[Incident]:
    """The reports an employee filed under their own name."""
    if not user.is_authenticated:
        return Incident.objects.none()
    return Incident.objects.filter(Q(reporter=user))


def can_triage(user, incident: Incident) -> bool:
    return incidents_visible_to(user).filter(pk=incident.pk).exists()
