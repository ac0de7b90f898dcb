"""Home routing and the cabinet's pages."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from riskcabinet.roles import Role, role_of

HOME_BY_ROLE = {
    Role.EMPLOYEE: "incidents:my-reports",
    Role.SAFETY_OFFICER: "triage:queue",
    Role.RISK_MANAGER: "triage:queue",
    Role.CABINET_MEMBER: "cabinet:dashboard",
    Role.ADMINISTRATOR: "triage:queue",
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role lands on its own home page."""
    role = role_of(request.user)
    return redirect(HOME_BY_ROLE.get(role, "incidents:my-reports"))
