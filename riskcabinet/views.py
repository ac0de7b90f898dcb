"""Home routing and the cabinet's pages."""

import sys

from django.contrib.auth.decorators import login_required
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views import defaults

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


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page; a dropped database connection becomes a retryable 503 instead.

    Django calls this inside its exception handler, so the exception is still at hand. The
    DatabaseUnavailableMiddleware answers for views; this covers failures in middleware (the
    session or the user lookup) while the database is restarting.
    """
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        response = HttpResponse(
            "The service is briefly unavailable. Try again.",
            status=503,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = "5"
        return response
    return defaults.server_error(request)
