from functools import cache

from django.db.models import Count, Q
from django.http import HttpRequest

from incidents.models import OPEN_ACTION_STATUSES
from incidents.selectors import actions_owned_by
from riskcabinet.roles import Role, role_of

_TRIAGE_ROLES = (Role.SAFETY_OFFICER, Role.RISK_MANAGER, Role.ADMINISTRATOR)
_CABINET_ROLES = (Role.CABINET_MEMBER, Role.RISK_MANAGER, Role.ADMINISTRATOR)
# Who brings in payroll hours and claims files (their pages check the permissions themselves).
_DATA_ROLES = (Role.RISK_MANAGER, Role.ADMINISTRATOR)


def navigation(request: HttpRequest) -> dict:
    """What the header's links need: whether the current role may follow each.

    Each value is a function, which the template calls when it reads it, so that a page part
    without the header (an htmx fragment, the intake's confirmation) never looks up the role,
    a database query.
    """
    user = getattr(request, "user", None)

    @cache
    def role() -> Role | None:
        return role_of(user) if user is not None else None

    @cache
    def actions() -> dict:
        """How many corrective actions the user owns, and how many of them are open."""
        if user is None or not user.is_authenticated:
            return {"owned": 0, "open": 0}
        return actions_owned_by(user).aggregate(
            owned=Count("pk"), open=Count("pk", filter=Q(status__in=OPEN_ACTION_STATUSES))
        )

    return {
        "nav_section": _section(request),
        "can_report": lambda: role() is not None,
        "can_triage": lambda: role() in _TRIAGE_ROLES,
        "can_keep_osha_logs": lambda: role() in _TRIAGE_ROLES,
        "can_read_cabinet": lambda: role() in _CABINET_ROLES,
        "can_import_data": lambda: role() in _DATA_ROLES,
        # "My actions" is for those who own a corrective action; the figure is their open ones.
        "my_actions": actions,
    }


# Which header link the page belongs to, by its URL's namespace (and name, for intake).
_SECTIONS = {"triage": "triage", "osha": "osha", "cabinet": "cabinet", "reports": "packets"}


def _section(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    if match.namespace == "incidents":
        if match.url_name in ("my-actions", "my-action-update"):
            return "my-actions"
        return "my-reports" if match.url_name in ("my-reports", "report-done") else "report"
    return _SECTIONS.get(match.namespace, "")
