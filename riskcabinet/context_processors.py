from functools import cache

from django.http import HttpRequest

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

    return {
        "nav_section": _section(request),
        "can_report": lambda: role() is not None,
        "can_triage": lambda: role() in _TRIAGE_ROLES,
        "can_keep_osha_logs": lambda: role() in _TRIAGE_ROLES,
        "can_read_cabinet": lambda: role() in _CABINET_ROLES,
        "can_import_data": lambda: role() in _DATA_ROLES,
    }


# Which header link the page belongs to, by its URL's namespace (and name, for intake).
_SECTIONS = {"triage": "triage", "osha": "osha", "cabinet": "cabinet", "reports": "packets"}


def _section(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    if match.namespace == "incidents":
        return "my-reports" if match.url_name in ("my-reports", "report-done") else "report"
    return _SECTIONS.get(match.namespace, "")
