"""Intake: the employee's report form and their list of reports."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from incidents.access import own_reports


@login_required
def report_create(request: HttpRequest) -> HttpResponse:
    return render(request, "incidents/report_form.html", {})


@login_required
def my_reports(request: HttpRequest) -> HttpResponse:
    reports = own_reports(request.user).select_related("department")[:100]
    return render(request, "incidents/my_reports.html", {"reports": reports})
