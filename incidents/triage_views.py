"""Triage: the safety officer's workspace.

Every view finds its case through incidents/access.py, so a case outside the user's scope is a
404 everywhere. Every write is a small POST form that calls one service and redirects back to the
case page (htmx swaps the case in place; without JavaScript the browser follows the redirect).
"""

from __future__ import annotations

import csv
import sys
import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails

from incidents.access import (
    can_use_triage,
    incident_for_triage,
    incidents_visible_to,
    users_assignable_in,
)
from incidents.models import (
    FORM_301_TREATMENT_ANSWERS,
    ComplianceClock,
    CorrectiveAction,
    Incident,
    Severity,
)
from incidents.oiics import FAMILIES, FAMILY_LABELS, oiics_search, oiics_title
from incidents.queue_rows import queue_rows
from incidents.recordability import (
    CRITERIA_QUESTIONS,
    FIRST_AID_ITEMS,
    GATE_QUESTIONS,
    SPECIAL_CASES,
    WORK_RELATED_EXCEPTIONS,
    recordability_shown,
)
from incidents.selectors import case_page_load, incident_timeline, queue_incidents, queue_page_rows
from incidents.triage_forms import (
    AcceptCodeForm,
    ActionChangeForm,
    ActionForm,
    ActionStatusForm,
    AssignForm,
    BulkAssignForm,
    ClassifyForm,
    ClockCompleteForm,
    CodesForm,
    Form301Form,
    InjuredPersonForm,
    InvestigationForm,
    MergeForm,
    NoteForm,
    PrivacyForm,
    QueueFilterForm,
    RecordabilityForm,
    StatusForm,
)
from incidents.triage_services import (
    FORM_301_FIELDS,
    PRIVACY_REASONS,
    WorkflowError,
    case_note_add,
    clock_complete,
    corrective_action_add,
    corrective_action_change,
    corrective_action_status_set,
    incident_301_details_set,
    incident_assign,
    incident_classify,
    incident_codes_set,
    incident_duplicate_dismiss,
    incident_injured_person_set,
    incident_merge,
    incident_privacy_mark,
    incident_recordability_decide,
    incident_status_change,
    incidents_assign,
    investigation_save,
    privacy_case_view_record,
)
from riskcabinet.models import Department
from riskcabinet.roles import Role, role_of
from riskcabinet.textfiles import spreadsheet_safe


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def triage_required(view: Callable) -> Callable:
    """Signed in, and holding the triage permission (officers, risk managers, administrators)."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not can_use_triage(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


# --- Queue ------------------------------------------------------------------------------------


def _departments_for(user) -> list[Department]:
    if role_of(user) is Role.SAFETY_OFFICER:
        return list(Department.objects.filter(safety_officers__user=user).order_by("name"))
    return list(Department.objects.order_by("name"))


def _assignable_people(departments: list[Department]):
    """Who the queue's ticked cases may be given to: anyone who may take a case in one of the
    user's departments (each case is checked again on its own when assigned)."""
    return users_assignable_in(department.pk for department in departments)


@require_GET
@triage_required
def queue(request: HtmxHttpRequest) -> HttpResponse:
    _coder_prepare()  # A case page is the officer's next step: its suggestions need the model.
    departments = _departments_for(request.user)
    form = QueueFilterForm(request.GET, departments=departments)
    incidents = queue_incidents(user=request.user, filters=form.filters())
    paginator = Paginator(incidents, form.page_size())
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "narrowing": form.narrowing(),
        # Read only where the page is drawn whole: the htmx rows do not show the list.
        "assignable": _assignable_people(departments),
        "page": page,
        "rows": queue_rows(list(queue_page_rows(page.object_list)), timezone.now()),
        "querystring": query.urlencode(),
    }
    template = "incidents/triage_queue.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#rows"
    return render(request, template, context)


@require_POST
@triage_required
def bulk_assign(request: HttpRequest) -> HttpResponse:
    """Assign the cases ticked on the queue to one person, and go back to the same queue."""
    departments = _departments_for(request.user)
    form = BulkAssignForm(request.POST, assignable=_assignable_people(departments))
    # The queue's filters, as a query string of its own making (never a place to go).
    query = QueryDict(request.POST.get("next", "")).urlencode()
    back = reverse("triage:queue") + (f"?{query}" if query else "")
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
        return redirect(back)
    cases = list(
        incidents_visible_to(request.user)
        .filter(reference__in=form.cleaned_data["cases"])
        .select_related("department")
    )
    assignee = form.cleaned_data["assignee"]
    result = incidents_assign(incidents=cases, assignee=assignee, by=request.user)
    name = assignee.get_full_name() or assignee.get_username()
    if result.assigned:
        count = len(result.assigned)
        messages.success(request, f"{count} case{pluralize(count)} assigned to {name}.")
    if result.already:
        messages.info(request, f"Already assigned to {name}: {', '.join(result.already)}.")
    for reference, department in result.refused:
        messages.error(request, f"{reference} not assigned: {name} does not cover {department}.")
    for reference in result.merged:
        messages.error(request, f"{reference} not assigned: it was merged into another case.")
    return redirect(back)


class _Echo:
    """A file-like object that hands back what is written, for streaming CSV."""

    def write(self, value: str) -> str:
        return value


EXPORT_COLUMNS = (
    "reference",
    "department",
    "type",
    "severity",
    "status",
    "occurred_at",
    "reported_at",
    "location",
    "recordable",
    "privacy_case",
    "assignee",
    "next_deadline",
    "possible_duplicate_of",
    "narrative",
)


@require_GET
@triage_required
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    form = QueueFilterForm(request.GET, departments=_departments_for(request.user))
    incidents = queue_incidents(user=request.user, filters=form.filters()).values_list(
        "reference",
        "department__name",
        "incident_type",
        "severity",
        "status",
        "occurred_at",
        "reported_at",
        "location_text",
        "recordable",
        "privacy_case",
        "assignee__username",
        "clock_due_at",
        "possible_duplicate_of__reference",
        "narrative",
    )

    def rows() -> Iterator[str]:
        writer = csv.writer(_Echo())
        yield writer.writerow(EXPORT_COLUMNS)
        for row in incidents.iterator(chunk_size=2000):
            row = list(row)
            for index in (5, 6, 11):
                if row[index] is not None:
                    row[index] = timezone.localtime(row[index]).isoformat(timespec="minutes")
            if row[9]:
                row[13] = "Privacy case"  # A privacy case's story stays on its case page.
            yield writer.writerow([spreadsheet_safe(value) for value in row])

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="triage-{stamp}.csv"'
    return response


@require_GET
@triage_required
def actions_overdue(request: HttpRequest) -> HttpResponse:
    from incidents.selectors import overdue_actions_by_department

    groups = overdue_actions_by_department(user=request.user)
    return render(
        request,
        "incidents/triage_actions_overdue.html",
        {"groups": groups, "total": sum(len(actions) for _, actions in groups)},
    )


@require_GET
@triage_required
def oiics_lookup(request: HttpRequest, family: str) -> HttpResponse:
    if family not in FAMILIES:
        raise Http404
    # The picker's own input sends its value under its form name ("codes-event").
    query = request.GET.get(f"codes-{family}") or request.GET.get("q") or ""
    return render(
        request,
        "incidents/triage_case.html#oiics-results",
        {"family": family, "results": oiics_search(family, query), "query": query},
    )


# --- Case page --------------------------------------------------------------------------------


def _coder_prepare() -> None:
    """Have the coder's model read in the background, if one is installed. Importing the coder
    (scikit-learn, pandas) takes a second or two itself: until it is imported, that is done in
    the background too, so the queue never waits for it."""
    if "riskcabinet.autocode" in sys.modules:
        _coder_read()  # Only starts the read, once per process.
    else:
        threading.Thread(target=_coder_read, name="autocode-import", daemon=True).start()


def _coder_read() -> None:
    try:
        from riskcabinet.autocode import prepare  # noqa: PLC0415 - optional, may not exist.

        prepare()
    except Exception:  # noqa: BLE001, S110 - suggestions are a help; the queue must not fail.
        pass


def _code_suggestions(narrative: str) -> dict:
    """The coder's suggestions for a narrative, or nothing when no trained model is installed."""
    try:
        from riskcabinet.autocode import suggest  # noqa: PLC0415 - optional, may not exist.

        suggestions = suggest(narrative)
    except Exception:  # noqa: BLE001 - a missing or broken model must never break the page.
        return {}
    return suggestions if isinstance(suggestions, dict) else {}


def _coder_trained() -> dict:
    """When the coder answering was trained (a date) and on how many officers' corrections, for
    the line under its suggestions; nothing when that cannot be read."""
    try:
        from riskcabinet.autocode import model_info  # noqa: PLC0415 - optional, may not exist.

        info = model_info()
        trained = datetime.fromisoformat(info["trained_at"])
    except Exception:  # noqa: BLE001 - a missing or broken model must never break the page.
        return {}
    return {"on": timezone.localdate(trained), "corrections": info["corrections"]}


def _case_context(request: HttpRequest, incident: Incident, forms: dict | None = None) -> dict:
    page = case_page_load(user=request.user, incident=incident)
    suggestions = _code_suggestions(incident.narrative)
    answers = incident.recordability_answers or {}
    investigation = page.investigation
    initial_investigation = {}
    if investigation is not None:
        initial_investigation = {
            "root_cause": investigation.root_cause,
            "contributing_factors": investigation.contributing_factors,
            "complete": investigation.completed_at is not None,
        }
        for number, why in enumerate(investigation.whys[:5], start=1):
            initial_investigation[f"why_{number}"] = why
    forms = forms or {}
    codes_initial = {family: getattr(incident, f"oiics_{family}") for family in FAMILIES}
    pickers = []
    codes_form = forms.get("codes") or CodesForm(initial=codes_initial, prefix="codes")
    for family in FAMILIES:
        suggestion = suggestions.get(family) or {}
        pickers.append(
            {
                "family": family,
                "label": FAMILY_LABELS[family],
                "field": codes_form[family],
                "current": codes_initial[family],
                "current_title": oiics_title(family, codes_initial[family]),
                "group": suggestion.get("group"),
                "top": (suggestion.get("top") or [])[:3],
                "auto_accept": bool(suggestion.get("auto_accept")),
            }
        )
    action_forms = {
        action.pk: forms.get(f"action-{action.pk}")
        or ActionChangeForm(
            prefix=f"action-{action.pk}",
            initial={"owner": action.owner.username, "due_on": action.due_on},
        )
        for action in page.actions
        if action.is_open
    }
    clock_forms = {
        clock.pk: forms.get(f"clock-{clock.pk}") or ClockCompleteForm(prefix=f"clock-{clock.pk}")
        for clock in page.clocks
        if clock.completed_at is None
    }
    return {
        "case": page,
        "incident": incident,
        "now": timezone.now(),
        "today": timezone.localdate(),  # The city's day, as "My actions" and the reminders read it.
        "is_serious": incident.is_serious or incident.state_reportable,
        "classify_form": forms.get("classify")
        or ClassifyForm(
            initial={
                "severity": incident.severity,
                "illness_type": incident.illness_type,
                "state_reportable": incident.state_reportable,
                "hospital_observation_only": incident.hospital_observation_only,
                "days_away": incident.days_away,
                "days_restricted": incident.days_restricted,
            },
            prefix="classify",
        ),
        "recordability_form": forms.get("recordability")
        or RecordabilityForm(initial=answers, prefix="rec"),
        "recordability": recordability_shown(answers, incident.recordable),
        "gate_questions": GATE_QUESTIONS,
        "criteria_questions": CRITERIA_QUESTIONS,
        "first_aid_items": FIRST_AID_ITEMS,
        "special_cases": SPECIAL_CASES,
        "work_related_exceptions": WORK_RELATED_EXCEPTIONS,
        "injured_form": forms.get("injured")
        or InjuredPersonForm(
            initial={
                "injured_name": incident.injured_name,
                "injured_job_title": incident.injured_job_title,
                "injured_employee_id": incident.injured_person.employee_id
                if incident.injured_person
                else incident.injured_employee_id_unmatched,
            },
            prefix="injured",
        ),
        "form301_form": forms.get("form301")
        or Form301Form(
            initial={name: getattr(incident, name) for name in FORM_301_FIELDS}
            | {name: incident.form_301_answer(name) for name in FORM_301_TREATMENT_ANSWERS},
            prefix="f301",
        ),
        "privacy_form": forms.get("privacy")
        or PrivacyForm(
            initial={
                "privacy_case": incident.privacy_case,
                "privacy_reason": incident.privacy_reason,
            },
            prefix="privacy",
        ),
        "privacy_reason_label": dict(PRIVACY_REASONS).get(incident.privacy_reason, ""),
        "codes_form": codes_form,
        "pickers": pickers,
        "coder_trained": _coder_trained() if suggestions else {},
        "assign_form": forms.get("assign")
        or AssignForm(
            initial={"assignee": incident.assignee_id},
            assignable=page.assignable,
            prefix="assign",
        ),
        "status_form": forms.get("status")
        or StatusForm(initial={"status": incident.status}, prefix="status"),
        "status_next": _status_next(incident),
        "note_form": forms.get("note") or NoteForm(prefix="note"),
        "investigation_form": forms.get("investigation")
        or InvestigationForm(initial=initial_investigation, prefix="inv"),
        "action_form": forms.get("action") or ActionForm(prefix="action"),
        "action_status_choices": CorrectiveAction._meta.get_field("status").choices,
        "clock_forms": clock_forms,
        "action_forms": action_forms,
        "merge_form": forms.get("merge") or MergeForm(prefix="merge"),
        "severity_choices": Severity.choices,
    }


def _status_next(incident: Incident) -> list[tuple[str, str]]:
    from incidents.models import Status
    from incidents.triage_services import STATUS_NEXT

    return [(status, Status(status).label) for status in STATUS_NEXT.get(incident.status, ())]


def _case_url(incident: Incident, anchor: str = "") -> str:
    url = reverse("triage:case", args=[incident.reference])
    return f"{url}#{anchor}" if anchor else url


def _render_case(
    request: HttpRequest, incident: Incident, forms: dict | None = None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "incidents/triage_case.html",
        _case_context(request, incident, forms),
        status=status,
    )


@require_GET
@triage_required
def case(request: HtmxHttpRequest, reference: str) -> HttpResponse:
    try:
        incident = incident_for_triage(request.user, reference)
    except Http404:
        # A report merged into another case opens the surviving case.
        merged = Incident.objects.filter(reference=reference, merged_into__isnull=False).first()
        if merged is not None:
            target = incidents_visible_to(request.user).filter(pk=merged.merged_into_id).first()
            if target is not None:
                return redirect(_case_url(target))
        raise
    privacy_case_view_record(incident=incident, user=request.user, path=request.path)
    return _render_case(request, incident)


@require_GET
@triage_required
def case_history(request: HtmxHttpRequest, reference: str) -> HttpResponse:
    incident = incident_for_triage(request.user, reference)
    privacy_case_view_record(incident=incident, user=request.user, path=request.path)
    template = "incidents/triage_history.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#timeline"
    return render(request, template, {"incident": incident, "entries": incident_timeline(incident)})


def case_action(form_key: str, anchor: str, *, lock: bool = True):
    """Wrap a case POST: find the case in scope, run the handler, redirect or re-render.

    The handler runs in one transaction holding the case's row (unless ``lock`` is off, for a
    handler that locks what it needs itself), so two officers saving the same case at once
    never write back what the other just changed, and a double-submitted change is checked
    against what the first one did. A refused change (WorkflowError) leaves nothing behind.
    """

    def decorator(handler: Callable) -> Callable:
        @require_POST
        @triage_required
        @wraps(handler)
        def view(request: HttpRequest, reference: str, **kwargs) -> HttpResponse:
            try:
                with transaction.atomic():
                    incident = incident_for_triage(request.user, reference, for_update=lock)
                    result = handler(request, incident, **kwargs)
            except WorkflowError as error:
                messages.error(request, str(error))
                return redirect(_case_url(incident, anchor))
            if isinstance(result, HttpResponse):
                return result
            if result is not None and not result.is_valid():
                # The form goes back with its errors, in place.
                return _render_case(request, incident, {form_key: result})
            return redirect(_case_url(incident, anchor))

        return view

    return decorator


@case_action("classify", "classify")
def classify(request: HttpRequest, incident: Incident):
    form = ClassifyForm(request.POST, prefix="classify", learned_at=incident.learned_at)
    if form.is_valid():
        incident_classify(incident=incident, **form.cleaned_data)
        messages.success(request, "Classification saved; compliance clocks updated.")
    return form


@case_action("recordability", "recordability")
def recordability(request: HttpRequest, incident: Incident):
    form = RecordabilityForm(request.POST, prefix="rec", reported_at=incident.learned_at)
    if form.is_valid():
        decision = incident_recordability_decide(
            incident=incident,
            answers=form.answers(),
            learned_at=form.cleaned_data["learned_at"],
        )
        messages.success(request, decision.reason)
    return form


@case_action("injured", "injured")
def injured(request: HttpRequest, incident: Incident):
    form = InjuredPersonForm(request.POST, prefix="injured")
    if form.is_valid():
        incident_injured_person_set(
            incident=incident,
            name=form.cleaned_data["injured_name"],
            job_title=form.cleaned_data["injured_job_title"],
            employee_id=form.cleaned_data["injured_employee_id"],
        )
        messages.success(request, "Person hurt saved.")
    return form


@case_action("form301", "form-301")
def form_301(request: HttpRequest, incident: Incident):
    form = Form301Form(
        request.POST, prefix="f301", occurred_on=timezone.localdate(incident.occurred_at)
    )
    if form.is_valid():
        incident_301_details_set(incident=incident, **form.cleaned_data)
        messages.success(request, "Form 301 details saved.")
    return form


@case_action("privacy", "privacy")
def privacy(request: HttpRequest, incident: Incident):
    form = PrivacyForm(request.POST, prefix="privacy")
    if form.is_valid():
        incident_privacy_mark(
            incident=incident,
            privacy_case=form.cleaned_data["privacy_case"],
            reason=form.cleaned_data["privacy_reason"],
        )
        messages.success(request, "Privacy setting saved.")
    return form


@case_action("codes", "codes")
def codes(request: HttpRequest, incident: Incident):
    form = CodesForm(request.POST, prefix="codes")
    if form.is_valid():
        incident_codes_set(
            incident=incident,
            officer=request.user,
            codes={family: form.cleaned_data[family] for family in FAMILIES},
            suggestions=_code_suggestions(incident.narrative),
        )
        messages.success(request, "Injury codes saved.")
    return form


@case_action("codes", "codes")
def code_accept(request: HttpRequest, incident: Incident):
    # The accept buttons sit inside the codes form: their value is "family:code".
    family, _, code = (request.POST.get("accept") or "").partition(":")
    form = AcceptCodeForm({"family": family, "code": code})
    if not form.is_valid():
        raise WorkflowError("That code is not in the OIICS list.")
    family, code = form.cleaned_data["family"], form.cleaned_data["code"]
    # The other boxes of the same form are saved too, when they hold codes.
    typed = CodesForm(request.POST, prefix="codes")
    others = (
        {f: typed.cleaned_data[f] for f in FAMILIES if f"codes-{f}" in request.POST}
        if typed.is_valid()
        else {}
    )
    incident_codes_set(
        incident=incident,
        officer=request.user,
        codes=others | {family: code},
        suggestions=_code_suggestions(incident.narrative),
    )
    messages.success(request, f"{FAMILY_LABELS[family]}: {code} {oiics_title(family, code)}.")
    return None


@case_action("assign", "assign")
def assign(request: HttpRequest, incident: Incident):
    page = case_page_load(user=request.user, incident=incident)
    form = AssignForm(request.POST, assignable=page.assignable, prefix="assign")
    if form.is_valid():
        incident_assign(incident=incident, assignee=form.cleaned_data["assignee"], by=request.user)
        messages.success(request, "Assignment saved.")
    return form


@case_action("status", "status")
def status_change(request: HttpRequest, incident: Incident):
    form = StatusForm(request.POST, prefix="status")
    if not form.is_valid():
        # The status is a list of allowed moves: a bad value is shown as a message.
        name, errors = next(iter(form.errors.items()))
        raise WorkflowError(f"{form.fields[name].label or name.capitalize()}: {errors[0]}")
    incident_status_change(
        incident=incident,
        status=form.cleaned_data["status"],
        close_reason=form.cleaned_data["close_reason"],
    )
    messages.success(request, f"Status: {incident.get_status_display()}.")
    return None


@case_action("note", "notes")
def note_add(request: HttpRequest, incident: Incident):
    form = NoteForm(request.POST, prefix="note")
    if form.is_valid():
        case_note_add(incident=incident, author=request.user, body=form.cleaned_data["body"])
        messages.success(request, "Note added.")
    return form


@case_action("investigation", "investigation")
def investigation(request: HttpRequest, incident: Incident):
    form = InvestigationForm(request.POST, prefix="inv")
    if form.is_valid():
        investigation_save(
            incident=incident,
            user=request.user,
            whys=form.whys(),
            root_cause=form.cleaned_data["root_cause"],
            contributing_factors=form.cleaned_data["contributing_factors"],
            complete=form.cleaned_data["complete"],
        )
        messages.success(request, "Investigation saved.")
    return form


@case_action("action", "actions")
def action_add(request: HttpRequest, incident: Incident):
    form = ActionForm(request.POST, prefix="action")
    if form.is_valid():
        corrective_action_add(incident=incident, by=request.user, **form.cleaned_data)
        messages.success(request, "Corrective action added.")
    return form


@case_action("action-status", "actions")
def action_status(request: HttpRequest, incident: Incident, pk: int):
    action = get_object_or_404(CorrectiveAction, pk=pk, incident=incident)
    form = ActionStatusForm(request.POST)
    if not form.is_valid():
        raise WorkflowError("Choose a valid status for the action.")
    corrective_action_status_set(action=action, status=form.cleaned_data["status"])
    messages.success(request, f"Action is now {action.get_status_display().lower()}.")
    return None


@case_action("action-change", "actions")
def action_change(request: HttpRequest, incident: Incident, pk: int):
    action = get_object_or_404(CorrectiveAction, pk=pk, incident=incident)
    form = ActionChangeForm(request.POST, prefix=f"action-{pk}", initial={"due_on": action.due_on})
    if not form.is_valid():
        return _render_case(request, incident, {f"action-{pk}": form})
    corrective_action_change(action=action, by=request.user, **form.cleaned_data)
    messages.success(request, "Action's owner and due date saved.")
    return None


@case_action("clock", "clocks")
def clock_done(request: HttpRequest, incident: Incident, pk: int):
    clock = get_object_or_404(ComplianceClock, pk=pk, incident=incident)
    if clock.completed_at is not None:
        raise WorkflowError("That deadline was already met.")
    form = ClockCompleteForm(request.POST, prefix=f"clock-{clock.pk}", started_at=clock.started_at)
    if form.is_valid():
        clock.incident = incident
        clock_complete(
            clock=clock,
            user=request.user,
            confirmation=form.cleaned_data["confirmation"],
            completed_at=form.cleaned_data["completed_at"],
        )
        messages.success(request, f"{clock.get_kind_display()}: done.")
        return None
    return _render_case(request, incident, {f"clock-{clock.pk}": form})


@case_action("merge", "duplicates", lock=False)
def merge(request: HttpRequest, incident: Incident):
    form = MergeForm(request.POST, prefix="merge")
    if not form.is_valid():
        return form
    reference = form.cleaned_data["into"].strip().upper()
    target = incidents_visible_to(request.user).filter(reference=reference).first()
    if target is None:
        # Merged itself (perhaps a moment ago, by another officer): name the case it went into,
        # when this officer may triage that one.
        survivor = (
            incidents_visible_to(request.user)
            .filter(merged_cases__reference=reference)
            .values_list("reference", flat=True)
            .first()
        )
        form.add_error(
            "into",
            f"{reference} was merged into {survivor}; merge into that case."
            if survivor
            else "No case you can triage has that reference.",
        )
        return form
    incident_merge(source=incident, target=target)
    messages.success(request, f"{incident.reference} was merged into {target.reference}.")
    url = _case_url(target, "duplicates")
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


@case_action("duplicate", "duplicates")
def duplicate_dismiss(request: HttpRequest, incident: Incident):
    incident_duplicate_dismiss(incident=incident)
    messages.success(request, "Marked as not a duplicate.")
    return None
