"""Triage: the safety officer's workspace."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from incidents.access import incidents_visible_to


@login_required
@permission_required("incidents.triage_incident", raise_exception=True)
def queue(request: HttpRequest) -> HttpResponse:
    incidents = incidents_visible_to(request.user).select_related("department")[:50]
    return render(request, "incidents/triage_queue.html", {"incidents": incidents})
