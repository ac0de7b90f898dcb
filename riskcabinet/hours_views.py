"""Payroll hours: risk managers import payroll's monthly file here and see which months lack it.

Rates need the hours each department worked, so a department-month without hours either drops
out of the ranking or, when it has cases, stops the month from being ranked at all. This page
shows those gaps, takes the file, and keeps a record of every import.
"""

from __future__ import annotations

import csv
from datetime import date

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from riskcabinet import selectors
from riskcabinet.models import Department, ImportKind
from riskcabinet.services import EXPOSURE_IMPORT_COLUMNS, ExposureFileError, exposure_import
from riskcabinet.textfiles import spreadsheet_safe
from riskcabinet.uploads import CsvFileForm, import_detail_render

HOURS_PERMISSION = "riskcabinet.change_exposuremonth"


class ExposureFileForm(CsvFileForm):
    # A city's month is about 40 rows of a few dozen bytes; years of history fit many times over.
    max_bytes = 5 * 1024 * 1024
    file = forms.FileField(
        label="Payroll file (CSV)",
        help_text="Columns department, month, hours_worked, headcount: one row per department "
        "and month. Rows already imported are replaced by the file's figures.",
        error_messages={"required": "Choose the payroll file to import."},
    )


@require_http_methods(["GET", "POST"])
@login_required
@permission_required(HOURS_PERMISSION, raise_exception=True)
def hours(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = ExposureFileForm(request.POST, request.FILES)
    else:
        form = ExposureFileForm()
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = exposure_import(data=upload.read(), source_name=upload.name, user=request.user)
        except ExposureFileError as error:
            form.add_error("file", str(error))
        else:
            return redirect("cabinet:hours-import", pk=report.record.pk)
    coverage = selectors.exposure_coverage()
    context = {
        "form": form,
        "coverage": coverage,
        "gaps": [month for month in coverage if not month.complete],
        "blocking": [month for month in coverage if month.blocking],
        "imports": selectors.data_imports_recent(kind=ImportKind.HOURS),
        "template_month": selectors.last_complete_month(),
    }
    status = 400 if form.errors else 200
    return render(request, "riskcabinet/hours.html", context, status=status)


@require_GET
@login_required
@permission_required(HOURS_PERMISSION, raise_exception=True)
def hours_import(request: HttpRequest, pk: int) -> HttpResponse:
    return import_detail_render(
        request, kind=ImportKind.HOURS, pk=pk, back="cabinet:hours", back_label="Payroll hours"
    )


@require_GET
@login_required
@permission_required(HOURS_PERMISSION, raise_exception=True)
def hours_template(request: HttpRequest) -> HttpResponse:
    """A file for payroll to fill in: every department for one month, hours left blank."""
    month = _template_month(request.GET.get("month", ""))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="payroll-hours-{month:%Y-%m}.csv"'
    writer = csv.writer(response, lineterminator="\r\n")
    # The department's name is for whoever fills the file in; the import reads the code.
    writer.writerow([*EXPOSURE_IMPORT_COLUMNS, "department_name"])
    for department in Department.objects.order_by("name"):
        row = [department.code, f"{month:%Y-%m}", "", "", department.name]
        writer.writerow([spreadsheet_safe(value) for value in row])
    return response


def _template_month(text: str) -> date:
    try:
        return selectors.month_parse(text)
    except ValueError:
        return selectors.last_complete_month()
