"""Corrective actions for the people who carry them out ("My actions").

An action's owner is often a supervisor in the field who cannot open the case itself. Here they
see the actions they own, with the case's reference, type, department and place (not the
narrative, the person hurt or any medical detail; not even the place for a privacy case), and
say when one is in progress or done and what was done, with a photo of the work if they like.
The case's officer is told.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from incidents.forms import ActionProgressForm
from incidents.models import OPEN_ACTION_STATUSES, ActionStatus, CorrectiveAction
from incidents.photos import PhotoRefused, photo_verify
from incidents.selectors import actions_owned_by
from incidents.triage_services import WorkflowError, corrective_action_owner_report
from riskcabinet.services import person_language_remember

DONE_SHOWN_DAYS = 30  # Actions done this recently stay on the page, with what was done.


def _page(
    request: HttpRequest, *, failed: CorrectiveAction | None = None, error: str = "", note: str = ""
) -> HttpResponse:
    """The page; ``failed`` is the action whose update was refused, shown with ``error`` and
    with the owner's ``note`` still in its box."""
    today = timezone.localdate()
    mine = (
        actions_owned_by(request.user)
        .select_related("incident", "incident__department")
        .order_by("due_on", "pk")
    )
    open_actions = list(mine.filter(status__in=OPEN_ACTION_STATUSES))
    refused = None
    for action in open_actions:
        if failed is not None and action.pk == failed.pk:
            action.error, action.draft = error, note
    if failed is not None and all(action.pk != failed.pk for action in open_actions):
        # Done or cancelled meanwhile (by a second tap, or by the officer): its card has no form
        # left to show the refusal in, so it is shown at the top, with what they wrote.
        refused = {"description": failed.description, "error": error, "note": note.strip()}
    done = list(
        mine.filter(
            status=ActionStatus.DONE,
            completed_at__gte=timezone.now() - timedelta(days=DONE_SHOWN_DAYS),
        ).order_by("-completed_at", "-pk")
    )
    context = {
        "overdue": [action for action in open_actions if action.due_on < today],
        "upcoming": [action for action in open_actions if action.due_on >= today],
        "done": done,
        "done_days": DONE_SHOWN_DAYS,
        "today": today,
        "refused": refused,
    }
    return render(request, "incidents/my_actions.html", context)


@login_required
@require_GET
def my_actions(request: HttpRequest) -> HttpResponse:
    return _page(request)


@login_required
@require_POST
def my_action_update(request: HttpRequest, pk: int) -> HttpResponse:
    # Someone else's action is not found: its existence is not theirs to learn.
    action = get_object_or_404(CorrectiveAction, pk=pk, owner=request.user)
    form = ActionProgressForm(request.POST)
    note = request.POST.get("note", "")
    upload = request.FILES.get("photo")
    # A file box cannot be filled again by the page: a refused update says to choose it again.
    photo_again = (" " + _("Choose the photo again: it was not kept.")) if upload else ""
    if not form.is_valid():
        error = next(iter(form.errors.values()))[0] + photo_again
        return _page(request, failed=action, error=error, note=note)
    try:
        photo = photo_verify(upload) if upload is not None else None
    except PhotoRefused as refusal:
        error = _("The photo was not taken: %(reason)s. The action was not changed.") % {
            "reason": refusal.reason
        }
        return _page(request, failed=action, error=error, note=note)
    try:
        corrective_action_owner_report(
            action=action,
            user=request.user,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
            photo=photo,
        )
    except WorkflowError as error:
        action.refresh_from_db()
        text = str(error) + (photo_again if action.is_open else "")
        return _page(request, failed=action, error=text, note=note)
    person_language_remember(request.user, request.LANGUAGE_CODE)
    if form.cleaned_data["status"] == ActionStatus.DONE:
        messages.success(
            request,
            _("Marked done. What was done is on case %(reference)s for its safety officer.")
            % {"reference": action.incident.reference},
        )
    else:
        messages.success(request, _("Marked in progress."))
    return redirect(reverse("incidents:my-actions") + f"#action-{action.pk}")
