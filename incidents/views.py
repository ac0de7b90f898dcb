"""Intake: the report form (signed in and anonymous), its confirmation, "My reports", photos.

A report arrives in one of three ways and gets the answer it can use: a plain form POST (no
JavaScript) gets a whole page, an htmx POST gets the fragment to swap in, and a resend from the
phone's offline queue (Accept: application/json) gets JSON. All three go through the same form
and the same idempotent `incident_create`, so a report is stored once whatever the retries.
"""

import hmac
import json
import uuid
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
)
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import push_url

from incidents.access import incidents_visible_to, own_reports
from incidents.forms import AnonymousReportForm, ReceiptLookupForm, ReportForm
from incidents.models import ActionStatus, Attachment, Incident, IncidentType, Source, Treatment
from incidents.photos import PhotoRefused, VerifiedPhoto, photo_verify
from incidents.selectors import uuid_holder
from incidents.services import INJURY_DETAIL_TYPES, incident_create
from incidents.throttle import anonymous_report_admit, held_report_admit
from incidents.triage_services import privacy_case_view_record
from riskcabinet.services import person_language_remember

# "My reports" a page at a time, newest first (an employee may have filed a hundred). Only the
# first page is kept on the phone for reading without signal (static/js/sw.js).
MY_REPORTS_PER_PAGE = 20
# A report posted without JavaScript after its writer's session ended waits here, in the new
# session, while they sign in again (the sign-in keeps the session's data).
HELD_REPORT = "intake.held_report"


@dataclass(frozen=True)
class RefusedPhoto:
    name: str
    reason: str


def _signed_in_or_refused(view):
    """``login_required``, except that the phone's scripts are refused (403) rather than sent
    to the sign-in page: htmx would follow the redirect and put the sign-in page in place of the
    report being sent. Refused, the report is kept on the phone until its writer signs in."""
    redirecting = login_required(view)

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated and (request.htmx or _wants_json(request)):
            message = _("Sign in again to send this report.")
            return _refused(
                request, 403, text=message, body={"signin": True, "error": str(message)}
            )
        if not request.user.is_authenticated and request.method == "POST":
            _report_hold(request)
        return redirecting(request, *args, **kwargs)

    return wrapper


@_signed_in_or_refused
@require_http_methods(["GET", "POST"])
def report_create(request: HttpRequest) -> HttpResponse:
    person = getattr(request.user, "person", None)
    home_department = getattr(person, "department", None)
    if request.method != "POST":
        held, held_elsewhere = _held_report_take(request)
        form = ReportForm(department_known=home_department is not None, initial=held)
        context = _form_context(request, form)
        if held is not None:
            context["held"] = {"photos": held.pop("_photos")}
        context["held_elsewhere"] = held_elsewhere
        return render(request, "incidents/report_form.html", context)

    tag = request.POST.get("reporter_tag")
    if tag is not None and not hmac.compare_digest(tag, reporter_tag(request.user)):
        return _other_reporter(request)
    already = _already_received(request, reporter=request.user)
    if already is not None:
        return _report_received(request, already, refused=[], created=False)
    uploads = request.FILES.getlist("photos")
    form = ReportForm(
        request.POST,
        department_known=home_department is not None,
        photo_count=len(uploads),
        queued=_wants_json(request),
    )
    if not form.is_valid():
        return _form_invalid(request, form, "incidents/report_form.html")
    verified, refused = _photos_verify(uploads)
    data = form.cleaned_data
    result = incident_create(
        client_uuid=data["client_uuid"],
        reporter=request.user,
        source=Source.INTAKE,
        department=home_department or data["department"],
        incident_type=data["incident_type"],
        occurred_at=data["occurred_at"],
        location_text=data["location_text"],
        latitude=data["latitude"],
        longitude=data["longitude"],
        narrative=data["narrative"],
        involved_people=data["involved_people"],
        injured_name=data["injured_name"],
        injured_job_title=data["injured_job_title"],
        injured_person=data.get("injured_person"),
        injured_employee_id_unmatched=data.get("injured_employee_id_unmatched", ""),
        body_part=data["body_part"],
        injury_kind=data["injury_kind"],
        treatment=data["treatment"],
        serious_outcome=data["serious_outcome"],
        photos=verified,
    )
    if result.incident.reporter_id != request.user.pk:
        # Someone else's report already holds this number: say nothing about it.
        return _uuid_taken(request)
    person_language_remember(request.user, request.LANGUAGE_CODE)
    return _report_received(request, result.incident, refused=refused, created=result.created)


@login_required
@require_GET
def report_done(request: HttpRequest, reference: str) -> HttpResponse:
    """The reporter's own report: what they sent, where it stands, and what is being done so
    that it does not happen again (not for a privacy case, whose steps may say too much)."""
    incident = _own_incident(request.user, reference)
    # A report merged into another (the same incident, reported twice) is worked on there: its
    # steps moved with the merge. Its reporter sees that case's number, status and steps, never
    # its story or the details of the person hurt.
    case = incident.merged_into or incident
    actions = []
    if not case.privacy_case:
        actions = list(case.actions.exclude(status=ActionStatus.CANCELLED).order_by("due_on", "pk"))
    context = {
        "incident": incident,
        "case": case,
        "refused": [],
        "fresh": False,
        "actions": actions,
        "reporter_tag": reporter_tag(request.user),
    }
    return render(request, "incidents/report_done.html", context)


@login_required
@require_GET
def my_reports(request: HttpRequest) -> HttpResponse:
    reports = (
        own_reports(request.user)
        .select_related("department", "merged_into")
        .order_by("-reported_at", "-pk")
    )
    # A page number out of range or not a number shows the nearest page rather than an error.
    page = Paginator(reports, MY_REPORTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "reports": page.object_list,
        "page": page,
        "reporter_tag": reporter_tag(request.user),
    }
    return render(request, "incidents/my_reports.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def anonymous_report_create(request: HttpRequest) -> HttpResponse:
    """A near miss with no name. Nothing here reads or writes the session or logs the sender."""
    if request.method != "POST":
        return _form_page(request, AnonymousReportForm(), "incidents/anonymous_form.html")
    already = _already_received(request, reporter=None)
    if already is not None:
        return _anonymous_received(request, already, refused=[])
    uploads = request.FILES.getlist("photos")
    form = AnonymousReportForm(request.POST, photo_count=len(uploads))
    if not form.is_valid():
        return _form_invalid(request, form, "incidents/anonymous_form.html")
    admission = anonymous_report_admit(request)
    if not admission.admitted:
        return _anonymous_too_many(request, form, admission.retry_after)
    verified, refused = _photos_verify(uploads)
    data = form.cleaned_data
    result = incident_create(
        client_uuid=data["client_uuid"],
        reporter=None,
        source=Source.ANONYMOUS,
        department=data["department"],
        incident_type=IncidentType.NEAR_MISS,
        occurred_at=data["occurred_at"],
        location_text=data["location_text"],
        latitude=data["latitude"],
        longitude=data["longitude"],
        narrative=data["narrative"],
        photos=verified,
    )
    if result.incident.source != Source.ANONYMOUS:
        return _uuid_taken(request)
    return _anonymous_received(request, result.incident, refused=refused)


@never_cache
@require_http_methods(["GET", "POST"])
def anonymous_status(request: HttpRequest) -> HttpResponse:
    """Look up an anonymous report's status by its receipt code (POST, so it stays out of URLs)."""
    incident = None
    not_found = False
    form = ReceiptLookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["receipt_code"]
        candidate = (
            Incident.objects.filter(source=Source.ANONYMOUS, receipt_code=code)
            .only("reference", "status", "reported_at", "receipt_code", "incident_type")
            .first()
        )
        if candidate is not None and hmac.compare_digest(candidate.receipt_code, code):
            incident = candidate
        else:
            not_found = True
    return render(
        request,
        "incidents/anonymous_status.html",
        {"form": form, "incident": incident, "not_found": not_found},
    )


@login_required
@require_GET
def photo(request: HttpRequest, pk: int) -> FileResponse:
    """A photo, for whoever sent it, the officers covering its case and risk managers only."""
    attachment, sent_it = _attachment_for(request.user, pk)
    if not sent_it:
        # A privacy case's photo is part of the case: opened by itself, it is logged as a view.
        privacy_case_view_record(incident=attachment.incident, user=request.user, path=request.path)
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
    response["Content-Length"] = str(attachment.size)
    # Injury photos on a shared workstation: the browser keeps no copy once the page is left.
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = f'inline; filename="{attachment.incident.reference}.jpg"'
    return response


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The offline worker, served from the root so that its scope covers /report/."""
    path = finders.find("js/sw.js") or staticfiles_storage.path("js/sw.js")
    with open(path, encoding="utf-8") as handle:
        script = handle.read()
    static_prefix = (
        settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL
    )
    session_urls = json.dumps(
        [reverse(name) for name in ("login", "logout", "admin:login", "admin:logout")]
    )
    script = (
        script.replace("__INTAKE_QUEUE_URL__", static("js/intake-queue.js"))
        .replace("__STATIC_URL__", static_prefix)
        .replace("__SESSION_URLS__", session_urls)
        .replace("__SESSION_SECONDS__", str(int(settings.SESSION_COOKIE_AGE)))
    )
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


# --- helpers ----------------------------------------------------------------------------------


def reporter_tag(user) -> str:
    """The mark of the signed-in person that every report form carries.

    A crew's phone is shared. A report kept on it without signal must be sent under the session
    of the employee who wrote it, never of whoever signs in next; the offline queue keeps the
    mark with the report, and the server takes the report only from that employee's session.
    """
    return salted_hmac("riskcabinet.intake.reporter-tag", str(user.pk)).hexdigest()[:24]


def _report_hold(request: HttpRequest) -> None:
    """Keep the text of a report posted without JavaScript by someone whose session ended, so
    that it is on the form again once they have signed in (photos cannot be kept)."""
    names = [*ReportForm.base_fields, "department", "reporter_tag"]
    fields = {
        name: request.POST[name][: _held_value_max(name)]
        for name in names
        if request.POST.get(name)
    }
    if fields.get("client_uuid") and fields.get("reporter_tag"):
        # Anyone may post here without signing in, and each post makes a session row.
        if not held_report_admit(request).admitted:
            return
        fields["_photos"] = bool(request.FILES.getlist("photos"))
        request.session[HELD_REPORT] = fields
        messages.warning(
            request,
            _("You were signed out, so your report has not been sent. Sign in to see it again."),
        )


def _held_value_max(name: str) -> int:
    """What the form would take of a field (its longest text), so a held report is small; a
    field without a length (a date, a choice, the reporter's mark) needs no more than 64."""
    field = ReportForm.base_fields.get(name)
    return getattr(field, "max_length", None) or 64


def _held_report_take(request: HttpRequest) -> tuple[dict | None, bool]:
    """The held report as the form's initial data, if the person now signed in wrote it; and
    whether one written by someone else on this phone was dropped (it is not theirs to send)."""
    held = request.session.pop(HELD_REPORT, None)
    if held is None:
        return None, False
    if not hmac.compare_digest(held.pop("reporter_tag", ""), reporter_tag(request.user)):
        return None, True
    return held, False


def _form_page(request: HttpRequest, form: ReportForm, template: str) -> HttpResponse:
    return render(request, template, _form_context(request, form))


def _form_context(request: HttpRequest, form: ReportForm) -> dict:
    return {
        "form": form,
        "reporter_tag": reporter_tag(request.user) if request.user.is_authenticated else "",
        "injury_types": " ".join(INJURY_DETAIL_TYPES),
        "incident_types": IncidentType.choices,
        "treatments": Treatment.choices,
        "photo_limit": 5,
        "sw_url": reverse("incidents:service-worker"),
        # The phone fills in "now" on the city's clock, whatever zone the phone is set to.
        "time_zone": settings.TIME_ZONE,
    }


def _form_invalid(request: HttpRequest, form: ReportForm, template: str) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    context = _form_context(request, form)
    # Browsers cannot refill a file input, so say so when photos were chosen.
    context["photos_dropped"] = bool(request.FILES.getlist("photos"))
    if request.htmx:
        # htmx swaps only successful responses by default: the fragment with errors is a 200.
        return render(request, f"{template}#intake", context)
    return render(request, template, context, status=422)


def _report_received(
    request: HttpRequest, incident: Incident, *, refused: list[RefusedPhoto], created: bool
) -> HttpResponse:
    done_url = reverse("incidents:report-done", args=[incident.reference])
    if _wants_json(request):
        return JsonResponse(
            {
                "reference": incident.reference,
                "url": done_url,
                "created": created,
                "refused": [{"name": r.name, "reason": r.reason} for r in refused],
                "employee_id_unmatched": incident.injured_employee_id_unmatched,
            },
            status=201 if created else 200,
        )
    context = {
        "incident": incident,
        "refused": refused,
        "fresh": True,
        "reporter_tag": reporter_tag(request.user),
    }
    if request.htmx:
        return push_url(render(request, "incidents/report_done.html#done", context), done_url)
    return render(request, "incidents/report_done.html", context)


def _anonymous_received(
    request: HttpRequest, incident: Incident, *, refused: list[RefusedPhoto]
) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse(
            {
                "reference": incident.reference,
                "receipt_code": incident.receipt_code,
                "refused": [{"name": r.name, "reason": r.reason} for r in refused],
            }
        )
    context = {"incident": incident, "refused": refused}
    if request.htmx:
        return render(request, "incidents/anonymous_done.html#done", context)
    return render(request, "incidents/anonymous_done.html", context)


def _anonymous_too_many(
    request: HttpRequest, form: AnonymousReportForm, retry_after: int
) -> HttpResponse:
    """Over the hour's limit for the sender's address: the report stays in the form, to be sent
    again later (a JSON client is told when, in Retry-After)."""
    message = _(
        "Too many anonymous reports have come from your network in the last hour, so this one "
        "was not sent. It is still in the form: send it again later, or use the normal report "
        "form if you can sign in."
    )
    if _wants_json(request):
        response = JsonResponse({"error": str(message)}, status=429)
    else:
        context = _form_context(request, form) | {"refusal": message}
        context["photos_dropped"] = bool(request.FILES.getlist("photos"))
        if request.htmx:
            # htmx swaps only successful responses: the form with the message is a 200.
            return render(request, "incidents/anonymous_form.html#intake", context)
        response = render(request, "incidents/anonymous_form.html", context, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def _already_received(request: HttpRequest, *, reporter) -> Incident | None:
    """The incident a resend of the same client UUID already created, if it is the sender's."""
    try:
        client_uuid = uuid.UUID(request.POST.get("client_uuid", ""))
    except ValueError:
        return None
    holder = uuid_holder(client_uuid)
    if holder is None:
        return None
    mine = (
        holder.source == Source.ANONYMOUS if reporter is None else holder.reporter_id == reporter.pk
    )
    return Incident.objects.get(pk=holder.pk) if mine else None


def _photos_verify(uploads) -> tuple[list[VerifiedPhoto], list[RefusedPhoto]]:
    verified: list[VerifiedPhoto] = []
    refused: list[RefusedPhoto] = []
    for upload in uploads:
        try:
            verified.append(photo_verify(upload))
        except PhotoRefused as refusal:
            refused.append(RefusedPhoto(name=refusal.name, reason=str(refusal.reason)))
    return verified, refused


def _own_incident(user, reference: str) -> Incident:
    incident = own_reports(user).filter(reference=reference).first()
    if incident is None:
        raise Http404
    return incident


def _attachment_for(user, pk: int) -> tuple[Attachment, bool]:
    """The photo, if `user` may see it, and whether they are the one who sent it."""
    # 404 rather than 403: a photo's existence is not disclosed to someone who may not see it.
    attachment = Attachment.objects.filter(pk=pk).first()
    if attachment is None:
        raise Http404
    # Whoever sent a photo may see it again, and nobody else outside triage: not the reporter of
    # a case another employee's report was merged into, nor of one whose action owner added one.
    added_by = (
        attachment.history.filter(history_type="+")
        .values_list("history_user_id", flat=True)
        .first()
    )
    if added_by is not None and added_by == user.pk:
        return attachment, True
    if incidents_visible_to(user).filter(pk=attachment.incident_id).exists():
        return attachment, False
    raise Http404


def _uuid_taken(request: HttpRequest) -> HttpResponse:
    """The form's number is another report's: a plain refusal that reveals nothing about it."""
    message = _("This report could not be saved: reload the form and send your report again.")
    return _refused(
        request, 409, text=message, body={"errors": {"client_uuid": [{"message": str(message)}]}}
    )


def _other_reporter(request: HttpRequest) -> HttpResponse:
    """A report written while another employee was signed in on this phone: refused, so that the
    phone keeps it until its writer signs in again."""
    queued = _("Saved by another employee on this phone: it waits until they sign in.")
    online = _(
        "This form was opened while someone else was signed in. Open the form again and send "
        "your report."
    )
    return _refused(request, 409, text=online, body={"other_reporter": True, "error": str(queued)})


def _refused(request: HttpRequest, status: int, *, text, body: dict) -> HttpResponse:
    """A refusal as the sender reads it: ``body`` as JSON for the offline queue, plain ``text``
    otherwise."""
    if _wants_json(request):
        return JsonResponse(body, status=status)
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


def _wants_json(request: HttpRequest) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")
