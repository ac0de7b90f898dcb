"""Claims: risk managers import the claims administrator's file and link the claims it could not
match to their cases, so that every claim's cost counts for its department.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from incidents.claims import (
    REQUIRED_COLUMNS,
    ClaimFileError,
    ClaimLinkError,
    claim_case_open,
    claim_case_refusal,
    claim_link,
    claims_import,
)
from incidents.models import Claim
from riskcabinet import selectors
from riskcabinet.models import Department, ImportKind, Person
from riskcabinet.uploads import CsvFileForm, import_detail_render

CLAIMS_PERMISSION = "incidents.change_claim"


class ClaimFileForm(CsvFileForm):
    # The administrator's file lists the city's open and recent claims: some thousands of rows.
    max_bytes = 10 * 1024 * 1024
    file = forms.FileField(
        label="Claims file (CSV)",
        help_text=f"From the claims administrator: columns {', '.join(REQUIRED_COLUMNS)}, and "
        "incident_reference or employee_id with date_of_injury to match each claim to its case. "
        "A claim already imported is updated from the file.",
        error_messages={"required": "Choose the claims file to import."},
    )


class ClaimDepartmentForm(forms.Form):
    """The department of an employee the records do not hold yet (empty: the records tell)."""

    department = forms.ModelChoiceField(queryset=Department.objects.all(), required=False)


@dataclass(frozen=True)
class UnlinkedClaim:
    claim: Claim
    reason: str  # why the latest file could not match it
    person: Person | None  # the employee the file names, when they are in the records

    @property
    def case_can_open(self) -> bool:
        """Whether "open a case from this claim" has what it needs."""
        return not claim_case_refusal(self.claim)

    @property
    def department_needed(self) -> bool:
        """The employee's department is not in the records: the risk manager chooses it."""
        return self.person is None or self.person.department_id is None


def _page(
    request: HttpRequest,
    *,
    form: ClaimFileForm | None = None,
    link_error: tuple[int, str, str] | None = None,
) -> HttpResponse:
    """The claims page; `link_error` is (claim pk, the reference typed, what is wrong)."""
    form = form or ClaimFileForm()
    imports = selectors.data_imports_recent(kind=ImportKind.CLAIMS)
    # Why the latest file that listed a claim could not match it: the employee and the day
    # it names are what a risk manager needs to find the case.
    reasons: dict[str, str] = {}
    for record in imports:
        for item in record.unlinked:
            reasons.setdefault(item["claim"], item["reason"])
    unlinked = list(Claim.objects.filter(incident__isnull=True).order_by("opened_on", "pk"))
    people = {
        person.employee_id: person
        for person in Person.objects.filter(
            employee_id__in={claim.employee_id for claim in unlinked if claim.employee_id}
        ).select_related("user", "department")
    }
    context = {
        "form": form,
        "unlinked": [
            UnlinkedClaim(claim, reasons.get(claim.claim_number, ""), people.get(claim.employee_id))
            for claim in unlinked
        ],
        "imports": imports,
        "link_error": link_error,
        "departments": Department.objects.order_by("name").only("pk", "name"),
    }
    status = 400 if form.errors or link_error else 200
    return render(request, "incidents/claims.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
@permission_required(CLAIMS_PERMISSION, raise_exception=True)
def claims(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request)
    form = ClaimFileForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = claims_import(data=upload.read(), source_name=upload.name, user=request.user)
        except ClaimFileError as error:
            form.add_error("file", str(error))
        else:
            return redirect("triage:claims-import", pk=result.record.pk)
    return _page(request, form=form)


@require_GET
@login_required
@permission_required(CLAIMS_PERMISSION, raise_exception=True)
def claims_import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return import_detail_render(
        request, kind=ImportKind.CLAIMS, pk=pk, back="triage:claims", back_label="Claims"
    )


@require_POST
@login_required
@permission_required(CLAIMS_PERMISSION, raise_exception=True)
def claim_link_view(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(Claim, pk=pk)
    reference = request.POST.get("reference", "")
    try:
        incident = claim_link(claim=claim, reference=reference, user=request.user)
    except ClaimLinkError as error:
        claim.refresh_from_db()
        if claim.incident_id is None:
            return _page(request, link_error=(claim.pk, reference, str(error)))
        # Linked meanwhile, so it is no longer listed: the message says so instead.
        messages.error(request, str(error))
        return redirect(f"{reverse('triage:claims')}#unlinked-claims")
    messages.success(request, f"Claim {claim.claim_number} is now linked to {incident.reference}.")
    return redirect(f"{reverse('triage:claims')}#unlinked-claims")


@require_POST
@login_required
@permission_required(CLAIMS_PERMISSION, raise_exception=True)
def claim_case_open_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Open the case of an injury that was never reported, from its claim, and go to it."""
    claim = get_object_or_404(Claim, pk=pk)
    choice = ClaimDepartmentForm(request.POST)
    if not choice.is_valid():
        messages.error(request, "Choose the department from the list.")
        return redirect(f"{reverse('triage:claims')}#unlinked-claims")
    department = choice.cleaned_data["department"]
    try:
        result = claim_case_open(claim=claim, user=request.user, department=department)
    except ClaimLinkError as error:
        claim.refresh_from_db()
        if claim.incident_id is not None:
            # Linked meanwhile (a second click, or another risk manager): show that case.
            messages.info(request, str(error))
            return redirect("triage:case", reference=claim.incident.reference)
        messages.error(request, str(error))
        return redirect(f"{reverse('triage:claims')}#unlinked-claims")
    reference = result.incident.reference
    if result.outcome == "reported":
        message = (
            f"The employee has reported this injury meanwhile: claim {claim.claim_number} is now "
            f"linked to {reference}."
        )
    else:
        message = (
            f"Case {reference} is open for claim {claim.claim_number}. Find out what happened "
            "and where, and record it here."
        )
    messages.success(request, message)
    return redirect("triage:case", reference=reference)
