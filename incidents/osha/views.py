"""OSHA recordkeeping pages: the index of logs and the form downloads."""

import codecs
import io
from dataclasses import replace

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from incidents.access import incidents_visible_to, privacy_cases_hidden_from
from incidents.models import PrivacyCaseView
from incidents.osha import forms_pdf, ita, selectors
from incidents.osha.access import (
    can_read_osha_logs,
    case_for,
    departments_visible_to,
    establishment_for,
    establishments_visible_to,
)
from incidents.osha.records import CASE_TYPE_LABELS, Outcome

FIRST_YEAR = 2000


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise Http404("No log for that year.")


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _filename(establishment, year: int, form: str, extension: str) -> str:
    return f"osha-{form}-{year}-{slugify(establishment.name)[:60]}.{extension}"


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    if not can_read_osha_logs(request.user):
        raise PermissionDenied
    current_year = timezone.localdate().year
    visible = establishments_visible_to(request.user)
    open_last_year = set(
        visible.filter(selectors.open_in_year(current_year - 1)).values_list("pk", flat=True)
    )
    rows = []
    for establishment, years in selectors.establishment_years(visible):
        # Last year's log is the one posted in February, so it is always offered, unless the
        # site was closed (or not yet open) all that year and owes none.
        posted = {current_year - 1} if establishment.pk in open_last_year else set()
        shown = sorted(set(years) | posted, reverse=True)
        if not shown:
            continue  # Closed before last year with nothing logged: no log to offer.
        rows.append({"establishment": establishment, "years": shown, "case_years": set(years)})
    return render(
        request,
        "incidents/osha_index.html",
        {
            "rows": rows,
            "posting_year": current_year - 1,
            "privacy_narratives_withheld": privacy_cases_hidden_from(request.user),
            "off_the_log": selectors.departments_off_the_log(
                departments_visible_to(request.user), years=(current_year - 1, current_year)
            ),
        },
    )


@require_GET
@login_required
def log_pdf(request: HttpRequest, establishment_id: int, year: int) -> HttpResponse:
    establishment = establishment_for(request.user, establishment_id)
    _check_year(year)
    rows = selectors.log_rows(establishment=establishment, year=year)
    pdf = forms_pdf.form_300_pdf(
        establishment_name=establishment.name,
        city=establishment.city,
        state=establishment.state,
        year=year,
        rows=rows,
        warnings=selectors.log_warnings(rows),
    )
    return _download(pdf, "application/pdf", _filename(establishment, year, "300", "pdf"))


@require_GET
@login_required
def log_csv(request: HttpRequest, establishment_id: int, year: int) -> HttpResponse:
    establishment = establishment_for(request.user, establishment_id)
    _check_year(year)
    rows = selectors.log_rows(establishment=establishment, year=year)
    buffer = io.StringIO()
    ita.write_csv(
        buffer,
        ita.LOG_COLUMNS,
        (
            {
                "case_number": row.case_number,
                "employee_name": row.employee_name,
                "job_title": row.job_title,
                "date_of_injury": row.date_of_injury.isoformat(),
                "where_occurred": row.where_occurred,
                "description": row.description,
                "death": "X" if row.outcome == Outcome.DEATH else "",
                "days_away": "X" if row.outcome == Outcome.DAYS_AWAY else "",
                "job_transfer_or_restriction": "X"
                if row.outcome == Outcome.JOB_TRANSFER_OR_RESTRICTION
                else "",
                "other_recordable": "X" if row.outcome == Outcome.OTHER_RECORDABLE else "",
                "days_away_count": row.days_away,
                "days_restricted_count": row.days_restricted,
                "injury_or_illness_type": CASE_TYPE_LABELS[row.case_type],
            }
            for row in rows
        ),
    )
    # The 300 as a spreadsheet is opened in Excel, which reads a CSV without a byte-order mark
    # as Windows-1252 ("José Peña" shows as "JosÃ© PeÃ±a"). The ITA files keep none: they go to
    # OSHA as they are.
    return _download(
        codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8"),
        "text/csv; charset=utf-8",
        _filename(establishment, year, "300", "csv"),
    )


@require_GET
@login_required
def summary_pdf(request: HttpRequest, establishment_id: int, year: int) -> HttpResponse:
    establishment = establishment_for(request.user, establishment_id)
    _check_year(year)
    summary = selectors.summary_for(establishment=establishment, year=year)
    pdf = forms_pdf.form_300a_pdf(summary)
    return _download(pdf, "application/pdf", _filename(establishment, year, "300a", "pdf"))


@require_GET
@login_required
def ita_summary_csv(request: HttpRequest, establishment_id: int, year: int) -> HttpResponse:
    establishment = establishment_for(request.user, establishment_id)
    _check_year(year)
    buffer = io.StringIO()
    ita.write_summaries(buffer, [selectors.summary_for(establishment=establishment, year=year)])
    return _download(
        buffer.getvalue().encode("utf-8"),
        "text/csv; charset=utf-8",
        _filename(establishment, year, "ita-summary", "csv"),
    )


@require_GET
@login_required
def ita_cases_csv(request: HttpRequest, establishment_id: int, year: int) -> HttpResponse:
    establishment = establishment_for(request.user, establishment_id)
    _check_year(year)
    reports = _privacy_cases_screened(
        request, selectors.case_reports(establishment=establishment, year=year)
    )
    buffer = io.StringIO()
    ita.write_cases(buffer, reports)
    return _download(
        buffer.getvalue().encode("utf-8"),
        "text/csv; charset=utf-8",
        _filename(establishment, year, "ita-cases", "csv"),
    )


def _privacy_cases_screened(request: HttpRequest, reports: list) -> list:
    """The case reports as this user may take them away. A privacy case's narratives go only to
    those who may open the case (its officers, risk managers), each download recorded as the
    301's is; for anyone else (an administrator) they are left empty, as the 301 is refused."""
    private = [report.case_number for report in reports if report.privacy_case]
    if not private:
        return reports
    readable = {
        incident.reference: incident
        for incident in incidents_visible_to(request.user).filter(reference__in=private)
    }
    PrivacyCaseView.objects.bulk_create(
        PrivacyCaseView(incident=incident, user=request.user, path=request.path)
        for incident in readable.values()
    )
    return [
        report
        if not report.privacy_case or report.case_number in readable
        else replace(
            report, before_incident="", what_happened="", injury_illness="", object_substance=""
        )
        for report in reports
    ]


@require_GET
@login_required
def case_pdf(request: HttpRequest, reference: str) -> HttpResponse:
    incident = case_for(request.user, reference)
    report = selectors.case_report(incident)
    if report is None:
        raise Http404("This case is not on an OSHA log.")
    if incident.privacy_case:
        PrivacyCaseView.objects.create(incident=incident, user=request.user, path=request.path)
    person = getattr(request.user, "person", None)
    report = replace(
        report,
        completed_by=request.user.get_full_name() or request.user.get_username(),
        completed_by_title=person.job_title if person else "",
        completed_on=timezone.localdate(),
    )
    pdf = forms_pdf.form_301_pdf(report)
    return _download(pdf, "application/pdf", f"osha-301-{incident.reference}.pdf")
