"""Intake forms: the employee's report and the anonymous near-miss report.

Every rule is checked here on the server; the browser's own checks only save a round trip.
"""

import uuid
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from incidents.models import IncidentType, Treatment
from incidents.photos import MAX_PHOTOS_PER_REPORT
from incidents.services import INJURY_DETAIL_TYPES
from riskcabinet.models import Department, Person

NARRATIVE_MAX = 4000
LOCATION_MAX = 300
INVOLVED_MAX = 1000
# A phone's clock may run a little fast; more than this in the future is a mistake.
FUTURE_TOLERANCE = timedelta(minutes=5)
OLDEST_REPORTABLE = timedelta(days=366)
COORDINATE_PLACES = Decimal("0.000001")
TOO_LONG = _("Keep it under %(limit_value)d characters (you typed %(show_value)d).")


class _SharedFields(dict):
    """The fields a form declares, shared by all its instances instead of copied for each one.

    Django deep-copies every declared field (with its widget, validators and messages) for each
    form instance, so that an instance may change its fields without touching the others. The
    report form is built on every report and never changes a field it declares (it only adds a
    department field to its own dict): sharing them halves building and validating it. A form
    that changes a declared field must not use this; AnonymousReportForm, which renames the
    narrative, gets Django's copies from the plain dict its metaclass builds for it.
    """

    def __deepcopy__(self, memo):
        return dict(self)


def _department_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Your department"),
        queryset=Department.objects.all(),
        required=False,
        empty_label=_("Choose your department"),
        error_messages={"invalid_choice": _("Choose a department from the list.")},
    )


class ReportForm(forms.Form):
    """What happened, where, when, who was hurt and how. Photos are checked separately."""

    client_uuid = forms.UUIDField(widget=forms.HiddenInput)
    incident_type = forms.ChoiceField(
        label=_("What kind of incident?"),
        choices=IncidentType.choices,
        error_messages={"required": _("Choose what kind of incident it was.")},
    )
    narrative = forms.CharField(
        label=_("What happened?"),
        max_length=NARRATIVE_MAX,
        error_messages={
            "required": _("Tell us what happened."),
            "max_length": TOO_LONG,
        },
    )
    location_text = forms.CharField(
        label=_("Where did it happen?"),
        max_length=LOCATION_MAX,
        error_messages={
            "required": _("Tell us where it happened."),
            "max_length": TOO_LONG,
        },
    )
    latitude = forms.DecimalField(
        label=_("Latitude"),
        required=False,
        error_messages={"invalid": _("Latitude must be a number between -90 and 90.")},
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        required=False,
        error_messages={"invalid": _("Longitude must be a number between -180 and 180.")},
    )
    occurred_date = forms.DateField(
        label=_("Date"),
        error_messages={
            "required": _("Enter the date it happened."),
            "invalid": _("Enter the date as YYYY-MM-DD."),
        },
    )
    occurred_time = forms.TimeField(
        label=_("Time"),
        error_messages={
            "required": _("Enter the time it happened."),
            "invalid": _("Enter the time as HH:MM."),
        },
    )
    injured_name = forms.CharField(
        label=_("Name of the person hurt, if it was not you"),
        max_length=150,
        required=False,
        error_messages={"max_length": TOO_LONG},
    )
    injured_job_title = forms.CharField(
        label=_("Their job title"),
        max_length=100,
        required=False,
        error_messages={"max_length": TOO_LONG},
    )
    injured_employee_id = forms.CharField(
        label=_("Their employee ID, if you know it"),
        max_length=20,
        required=False,
        error_messages={"max_length": TOO_LONG},
    )
    body_part = forms.CharField(label=_("Part of the body hurt"), max_length=60, required=False)
    injury_kind = forms.CharField(label=_("What kind of injury?"), max_length=60, required=False)
    treatment = forms.ChoiceField(
        label=_("Treatment so far"),
        choices=Treatment.choices,
        required=False,
    )
    serious_outcome = forms.BooleanField(
        label=_("Someone died, was admitted to hospital, or lost a limb or an eye"),
        required=False,
    )
    involved_people = forms.CharField(
        label=_("Who else was involved or saw it?"),
        max_length=INVOLVED_MAX,
        required=False,
    )

    def __init__(
        self,
        *args,
        department_known: bool = True,
        photo_count: int = 0,
        queued: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.department_known = department_known
        self.photo_count = photo_count
        # Sent from the phone's queue, perhaps hours after it was written: an employee ID that
        # matches nobody is kept for the safety officer to check instead of holding the report.
        self.queued = queued
        if not department_known:
            # Only for someone with no home department on file (and anonymous reports); the
            # page places it after the time, and the error summary sorts it there too.
            self.fields["department"] = _department_field()
        if not self.is_bound:
            now = timezone.localtime()
            self.initial.setdefault("client_uuid", uuid.uuid4())
            self.initial.setdefault("occurred_date", now.date().isoformat())
            self.initial.setdefault("occurred_time", now.strftime("%H:%M"))

    def clean_client_uuid(self) -> uuid.UUID:
        # A phone numbers its report with a random (version 4) UUID. The server's own numbers
        # for cases opened from a claim or an import are derived (version 5): one sent from a
        # phone could take the number of a case not yet opened, and the claim would join it.
        value = self.cleaned_data["client_uuid"]
        if value.version != 4:
            raise forms.ValidationError(_("Enter a valid UUID."), code="invalid")
        return value

    def clean_latitude(self) -> Decimal | None:
        return _coordinate(self.cleaned_data.get("latitude"), 90, "latitude")

    def clean_longitude(self) -> Decimal | None:
        return _coordinate(self.cleaned_data.get("longitude"), 180, "longitude")

    def clean_department(self) -> Department | None:
        department = self.cleaned_data.get("department")
        if not self.department_known and department is None:
            raise forms.ValidationError(_("Choose your department."), code="required")
        return department

    def clean(self) -> dict:
        cleaned = super().clean()
        day, moment = cleaned.get("occurred_date"), cleaned.get("occurred_time")
        if day is not None and moment is not None:
            occurred_at = timezone.make_aware(datetime.combine(day, moment))
            now = timezone.now()
            if occurred_at > now + FUTURE_TOLERANCE:
                self.add_error("occurred_date", _("The date and time can't be in the future."))
            elif occurred_at < now - OLDEST_REPORTABLE:
                self.add_error(
                    "occurred_date",
                    _("That is more than a year ago: please tell your supervisor directly."),
                )
            else:
                cleaned["occurred_at"] = occurred_at
        if (cleaned.get("latitude") is None) != (cleaned.get("longitude") is None) and not (
            self.has_error("latitude") or self.has_error("longitude")
        ):
            self.add_error("latitude", _("Give both latitude and longitude, or leave both empty."))
        if cleaned.get("incident_type") not in INJURY_DETAIL_TYPES:
            # Injury details belong to injury types only; with JavaScript off the fields are
            # still on the page, so whatever was typed there is ignored for other types.
            for name in (
                "injured_name",
                "injured_job_title",
                "injured_employee_id",
                "body_part",
                "injury_kind",
            ):
                cleaned[name] = ""
            cleaned["treatment"] = ""
            cleaned["serious_outcome"] = False
        else:
            self._injured_person_clean(cleaned)
        if self.photo_count > MAX_PHOTOS_PER_REPORT:
            self.add_error(
                None,
                forms.ValidationError(
                    _("You can attach at most %(limit)d photos; you chose %(count)d."),
                    code="too_many_photos",
                    params={"limit": MAX_PHOTOS_PER_REPORT, "count": self.photo_count},
                ),
            )
        return cleaned

    def _injured_person_clean(self, cleaned: dict) -> None:
        """With an employee ID, the person hurt is that employee: the name and job title come
        from their record when left empty, and their claim will find this report."""
        employee_id = (cleaned.get("injured_employee_id") or "").strip()
        cleaned["injured_person"] = None
        cleaned["injured_employee_id_unmatched"] = ""
        if employee_id:
            person = Person.with_employee_id(employee_id)
            if person is not None:
                cleaned["injured_person"] = person
                if not cleaned.get("injured_name"):
                    cleaned["injured_name"] = str(person)
                    job_title = cleaned.get("injured_job_title") or person.job_title
                    cleaned["injured_job_title"] = job_title
            elif self.queued:
                # Someone else was hurt (an ID was given), so the case must not read as the
                # reporter's own injury; the officer's staff pages and the log are in English.
                cleaned["injured_employee_id_unmatched"] = employee_id
                cleaned["injured_name"] = cleaned.get("injured_name") or Person.stand_in_name(
                    employee_id
                )
            else:
                self.add_error(
                    "injured_employee_id",
                    _("No employee has the ID %(id)s. Check it, or leave it empty.")
                    % {"id": employee_id},
                )
                return
        if cleaned.get("injured_job_title") and not cleaned.get("injured_name"):
            self.add_error(
                "injured_name",
                _("Give the name of the person hurt with their job title, or leave both empty."),
            )

    @property
    def photo_errors(self) -> list[str]:
        return [
            message
            for error in self.non_field_errors().as_data()
            if error.code == "too_many_photos"
            for message in error.messages
        ]

    def error_summary(self) -> list[tuple[str, str]]:
        """(field id, message) for the summary at the top, in the order of the page."""
        summary = [("id_photos", message) for message in self.photo_errors]
        for name, field in self.fields.items():
            for message in self.errors.get(name, ()):
                anchor = f"id_{name}_0" if name == "incident_type" else f"id_{name}"
                label = str(field.label)
                # "What happened? Tell us what happened.", not "What happened?: ...".
                summary.append((anchor, f"{label}{' ' if label.endswith('?') else ': '}{message}"))
        summary.sort(
            key=lambda item: _FIELD_ORDER.index(item[0]) if item[0] in _FIELD_ORDER else 99
        )
        return summary


_FIELD_ORDER = [
    "id_incident_type_0",
    "id_narrative",
    "id_location_text",
    "id_latitude",
    "id_longitude",
    "id_occurred_date",
    "id_occurred_time",
    "id_department",
    "id_injured_name",
    "id_injured_job_title",
    "id_injured_employee_id",
    "id_body_part",
    "id_injury_kind",
    "id_treatment_0",
    "id_involved_people",
    "id_photos",
]


ReportForm.base_fields = _SharedFields(ReportForm.base_fields)


class AnonymousReportForm(ReportForm):
    """A near miss, with no name: only what happened, where, when and in which department."""

    def __init__(self, *args, photo_count: int = 0, **kwargs):
        super().__init__(*args, department_known=False, photo_count=photo_count, **kwargs)
        for name in (
            "incident_type",
            "injured_name",
            "injured_job_title",
            "injured_employee_id",
            "body_part",
            "injury_kind",
            "treatment",
            "serious_outcome",
            "involved_people",
        ):
            del self.fields[name]
        self.fields["department"].label = _("Which department's work was it?")
        self.fields["department"].empty_label = _("Choose a department")
        self.fields["narrative"].label = _("What nearly happened?")

    def clean_department(self) -> Department | None:
        department = self.cleaned_data.get("department")
        if department is None:
            raise forms.ValidationError(_("Choose a department."), code="required")
        return department

    def clean(self) -> dict:
        self.cleaned_data["incident_type"] = IncidentType.NEAR_MISS
        return super().clean()


class ReceiptLookupForm(forms.Form):
    receipt_code = forms.CharField(
        label=_("Your receipt code"),
        max_length=20,
        error_messages={"required": _("Enter the receipt code you were given.")},
    )

    def clean_receipt_code(self) -> str:
        raw = "".join(ch for ch in self.cleaned_data["receipt_code"].upper() if ch.isalnum())
        if len(raw) != 12:
            raise forms.ValidationError(
                _("A receipt code has 12 letters and digits, like ABCD-EFGH-JKLM.")
            )
        return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _coordinate(value: Decimal | None, bound: int, which: str) -> Decimal | None:
    if value is None:
        return None
    if not value.is_finite() or not -bound <= value <= bound:
        if which == "latitude":
            raise forms.ValidationError(_("Latitude must be a number between -90 and 90."))
        raise forms.ValidationError(_("Longitude must be a number between -180 and 180."))
    return value.quantize(COORDINATE_PLACES, rounding=ROUND_HALF_UP)


class ActionProgressForm(forms.Form):
    """The owner of a corrective action says it is in progress or done ("My actions")."""

    status = forms.ChoiceField(
        choices=[("in_progress", _("In progress")), ("done", _("Done"))],
        error_messages={"invalid_choice": _("Choose whether the action is in progress or done.")},
    )
    note = forms.CharField(
        label=_("What was done"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
