"""Who may read OSHA logs. Every OSHA view goes through these functions.

Safety officers read the logs of the departments they cover; risk managers and administrators
read every log; employees and cabinet members read none (the log names employees).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from incidents.access import incidents_visible_to
from incidents.models import Establishment, Incident
from riskcabinet.models import Department
from riskcabinet.roles import Role, role_of

OSHA_ROLES = (Role.SAFETY_OFFICER, Role.RISK_MANAGER, Role.ADMINISTRATOR)


def can_read_osha_logs(user) -> bool:
    return role_of(user) in OSHA_ROLES


def departments_visible_to(user) -> QuerySet[Department]:
    """The departments whose logs the user reads."""
    role = role_of(user)
    if role in (Role.RISK_MANAGER, Role.ADMINISTRATOR):
        return Department.objects.all()
    if role is Role.SAFETY_OFFICER:
        return Department.objects.filter(safety_officers__user=user)
    return Department.objects.none()


def establishments_visible_to(user) -> QuerySet[Establishment]:
    return Establishment.objects.select_related("department").filter(
        department__in=departments_visible_to(user)
    )


def establishment_for(user, establishment_id: int) -> Establishment:
    """The establishment, or 403 when the user may not read its log (404 when there is none)."""
    if not can_read_osha_logs(user):
        raise PermissionDenied
    establishment = get_object_or_404(
        Establishment.objects.select_related("department"), pk=establishment_id
    )
    if not establishments_visible_to(user).filter(pk=establishment.pk).exists():
        raise PermissionDenied
    return establishment


def case_for(user, reference: str) -> Incident:
    """A case for its Form 301: 403 for a role that reads no log, and 404 for a case outside
    the user's scope, as in triage, so that a reference reveals nothing of a case."""
    if not can_read_osha_logs(user):
        raise PermissionDenied
    return get_object_or_404(incidents_visible_to(user), reference=reference)
