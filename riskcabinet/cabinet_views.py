"""The cabinet's dashboard: aggregates only, never a name, narrative or medical detail."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
@permission_required("riskcabinet.view_departmentscore", raise_exception=True)
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "riskcabinet/dashboard.html", {})
