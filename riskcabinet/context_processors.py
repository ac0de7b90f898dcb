from django.http import HttpRequest

from riskcabinet.roles import Role, role_of


def navigation(request: HttpRequest) -> dict:
    """The current role, so the header shows only the links that role may follow."""
    user = getattr(request, "user", None)
    role = role_of(user) if user is not None else None
    return {
        "current_role": role,
        "can_report": role is not None,
        "can_triage": role in (Role.SAFETY_OFFICER, Role.RISK_MANAGER, Role.ADMINISTRATOR),
        "can_keep_osha_logs": role in (Role.SAFETY_OFFICER, Role.RISK_MANAGER, Role.ADMINISTRATOR),
        "can_read_cabinet": role in (Role.CABINET_MEMBER, Role.RISK_MANAGER, Role.ADMINISTRATOR),
    }
