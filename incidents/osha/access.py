"""Who may read OSHA logs. Every OSHA view goes through these functions.

Safety officers read the logs of the departments they cover; risk managers and administrators
read every log; employees and cabinet members read none (the log names employees).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from incidents.access import incidents_visible_to
from incidents.models import Establishment, Incident
from riskcabinet.roles import Role, role_of

OSHA_ROLES = (Role.SAFETY_OFFICER, Role.RISK_MANAGER, Role.ADMINISTRATOR)


def can_read_osha_logs(user) -> bool:
    return role_of(user) in OSHA_ROLES


def establishments_visible_to(user) -> QuerySet[Establishment]:
    role = role_of(user)
    establishments = Establishment.objects.select_related("department")
    if role in (Role.RISK_MANAGER, Role.ADMINISTRATOR):
        return establishments
    if role is Role.SAFETY_OFFICER:
        return establishments.filter(department__safety_officers__user=user).distinct()
    return establishments.none()


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
    """A case for its Form 301, or 403/404."""
    if not can_read_osha_logs(user):
        raise PermissionDenied
    incident = get_object_or_404(Incident, reference=reference)
    if not incidents_visible_to(user).filter(pk=incident.pk).exists():
        raise PermissionDenied
    return incident
