"""Forms of the triage workspace. Each case action is one small form."""

from __future__ import annotations

import dataclasses
from datetime import date

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q, Value
from django.db.models.functions import Concat, Trim
from django.utils import timezone

from incidents.models import (
    ActionStatus,
    ControlLevel,
    IllnessType,
    IncidentType,
    Severity,
    Status,
)
from incidents.oiics import FAMILIES, FAMILY_LABELS, oiics_get
from incidents.recordability import CRITERIA_LABELS, QUESTIONS
from incidents.selectors import QUEUE_SORT_LABELS, QueueFilters
from incidents.triage_services import PRIVACY_REASONS, classification_problem
from riskcabinet.models import Person

PAGE_SIZES = (10, 25, 50, 100)
DEFAULT_PAGE_SIZE = 25
YES_NO = (("yes", "Yes"), ("no", "No"))


class QueueFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Search", max_length=100)
    department = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    incident_type = forms.ChoiceField(
        required=False, label="Type", choices=[("", "Any type"), *IncidentType.choices]
    )
    severity = forms.ChoiceField(required=False, choices=[("", "Any severity"), *Severity.choices])
    status = forms.ChoiceField(
        required=False,
        choices=[("open", "All open"), ("", "Any status"), *Status.choices],
    )
    reported_from = forms.DateField(
        required=False, label="Reported from", widget=forms.DateInput(attrs={"type": "date"})
    )
    reported_to = forms.DateField(
        required=False, label="to", widget=forms.DateInput(attrs={"type": "date"})
    )
    assignee = forms.ChoiceField(
        required=False,
        label="Assigned to",
        choices=[("", "Any or none"), ("me", "Me"), ("none", "Nobody yet")],
    )
    overdue = forms.BooleanField(required=False, label="Overdue only")
    clocks = forms.BooleanField(required=False, label="Clocks running")
    actions_done = forms.BooleanField(required=False, label="Actions all done")
    sort = forms.ChoiceField(required=False, choices=list(QUEUE_SORT_LABELS.items()))
    per_page = forms.TypedChoiceField(
        required=False,
        label="Rows",
        coerce=int,
        empty_value=DEFAULT_PAGE_SIZE,
        choices=[(size, str(size)) for size in PAGE_SIZES],
    )

    def __init__(self, data, *, departments, **kwargs):
        # "status" defaults to open cases: an empty query string is the officer's working view.
        data = data.copy()
        data.setdefault("status", "open")
        # The rows select shows the size actually used when the URL does not name one.
        data.setdefault("per_page", str(DEFAULT_PAGE_SIZE))
        super().__init__(data, **kwargs)
        self.fields["department"].choices = [("", "All my departments")] + [
            (department.pk, department.name) for department in departments
        ]

    def filters(self) -> QueueFilters:
        data = self.cleaned_data if self.is_valid() else {"status": "open"}
        return QueueFilters(
            q=data.get("q") or "",
            department=data.get("department"),
            incident_type=data.get("incident_type") or "",
            severity=data.get("severity") or "",
            status=data.get("status") or "",
            reported_from=data.get("reported_from"),
            reported_to=data.get("reported_to"),
            overdue=bool(data.get("overdue")),
            clocks_running=bool(data.get("clocks")),
            actions_done=bool(data.get("actions_done")),
            assignee=data.get("assignee") or "",
            sort=data.get("sort") or "urgent",
        )

    def narrowing(self) -> int:
        """How many filters narrow the queue beyond the working view (all open cases); the
        search, the order and the page size are not counted."""
        chosen, default = self.filters(), QueueFilters()
        names = [f.name for f in dataclasses.fields(QueueFilters) if f.name not in ("q", "sort")]
        return sum(getattr(chosen, name) != getattr(default, name) for name in names)

    def sort_label(self) -> str:
        """The order the rows are in, as the Sort menu names it (for the table's caption)."""
        return QUEUE_SORT_LABELS.get(self.filters().sort, QUEUE_SORT_LABELS["urgent"])

    def page_size(self) -> int:
        if self.is_valid():
            return self.cleaned_data.get("per_page") or DEFAULT_PAGE_SIZE
        return DEFAULT_PAGE_SIZE


def _moment_between(value, start, too_early: str):
    """A moment typed into a minute-precision field: not in the future, and not before `start`
    (the minute it fell in is accepted); `too_early` names `start` as {start}."""
    if value and value > timezone.now():
        raise forms.ValidationError("This cannot be in the future.")
    if value and start and value < start.replace(second=0, microsecond=0):
        when = timezone.localtime(start).strftime("%Y-%m-%d %H:%M")
        raise forms.ValidationError(too_early.format(start=when))
    return value


def _moment_field(label: str, help_text: str) -> forms.DateTimeField:
    """An optional moment to the minute, typed on the city's clock."""
    return forms.DateTimeField(
        required=False,
        label=label,
        help_text=help_text,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class ClassifyForm(forms.Form):
    severity = forms.ChoiceField(choices=Severity.choices)
    illness_type = forms.ChoiceField(label="Injury or illness type", choices=IllnessType.choices)
    state_reportable = forms.BooleanField(
        required=False,
        label="Serious: report to Cal/OSHA",
        help_text="Death, in-patient hospitalization (not for observation), amputation, loss of "
        "an eye, or serious permanent disfigurement.",
    )
    hospital_observation_only = forms.BooleanField(
        required=False,
        label="The hospital stay was only for observation or tests",
        help_text="Not an in-patient hospitalization for Cal/OSHA: no 8-hour report is due "
        "unless the case is serious for another reason (tick the box above then).",
    )
    days_away = forms.IntegerField(min_value=0, max_value=180, label="Days away from work")
    days_restricted = forms.IntegerField(
        min_value=0, max_value=180, label="Days of restriction or transfer"
    )
    outcome_learned_at = _moment_field(
        "The city learned of this outcome at",
        "Only for a case that turned out worse after it was reported (admitted to hospital two "
        "days later, say): the deadlines this classification starts count from then. Empty: "
        "from when the case was reported.",
    )

    def __init__(self, *args, learned_at=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.learned_at = learned_at

    def clean_outcome_learned_at(self):
        return _moment_between(
            self.cleaned_data.get("outcome_learned_at"),
            self.learned_at,
            "This cannot be before the city learned of the case ({start}).",
        )

    def clean(self):
        data = super().clean()
        if data.get("severity") is None:
            return data
        problem = classification_problem(
            severity=data["severity"],
            state_reportable=data.get("state_reportable", False),
            days_away=data.get("days_away") or 0,
            days_restricted=data.get("days_restricted") or 0,
        )
        if problem:
            self.add_error("severity", problem)  # Shown beside the severity ladder.
        return data


class RecordabilityForm(forms.Form):
    # After the questions (the template shows it below them).
    learned_at = _moment_field(
        "Known to be recordable since",
        "Only when what makes it recordable (treatment, days away) became known after the "
        "report: the 7 days to enter it on the 300 log count from then (29 CFR 1904.29(b)(3)). "
        "Empty: from when the case was reported.",
    )

    def __init__(self, *args, reported_at=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.reported_at = reported_at
        for key, question, help_text in QUESTIONS:
            self.fields[key] = forms.ChoiceField(
                required=False,
                label=question,
                help_text=help_text,
                choices=YES_NO,
                widget=forms.RadioSelect,
            )
            # What a "yes" makes it recordable for, in the words of the decision.
            self.fields[key].criterion = CRITERIA_LABELS.get(key, "")

    def clean_learned_at(self):
        return _moment_between(
            self.cleaned_data.get("learned_at"),
            self.reported_at,
            "This cannot be before the city learned of the case ({start}).",
        )

    def questions(self) -> list:
        return [self[key] for key, _, _ in QUESTIONS]

    def answers(self) -> dict:
        return {key: self.cleaned_data.get(key) or "" for key, _, _ in QUESTIONS}


def _known_yes_no(label: str) -> forms.TypedChoiceField:
    """Yes, no, or not known yet (None)."""
    return forms.TypedChoiceField(
        required=False,
        label=label,
        choices=((None, "Not known yet"), (True, "Yes"), (False, "No")),
        coerce=lambda value: {"True": True, "False": False}.get(value),
        empty_value=None,
    )


class Form301Form(forms.Form):
    """What OSHA's Form 301 asks beyond the report: the treatment, and items 14, 16 and 17."""

    time_began_work = forms.TimeField(
        required=False,
        label="Time the employee began work",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    physician_name = forms.CharField(
        required=False, max_length=120, label="Physician or other health care professional"
    )
    treatment_facility = forms.CharField(
        required=False,
        max_length=200,
        label="Where treatment was given away from the worksite",
        help_text="The facility's name and address.",
    )
    treated_in_er = _known_yes_no("Treated in an emergency room?")
    hospitalized_overnight = _known_yes_no("Hospitalized overnight as an in-patient?")
    doing_before = forms.CharField(
        required=False,
        max_length=2000,
        label="What was the employee doing just before the incident?",
        help_text="The activity, the tools, equipment or material being used.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    injury_details = forms.CharField(
        required=False,
        max_length=2000,
        label="What was the injury or illness?",
        help_text="The part of the body and how it was affected. Empty: the injury codes.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    object_substance = forms.CharField(
        required=False,
        max_length=300,
        label="What object or substance directly harmed the employee?",
        help_text="Empty: the source code's title.",
    )
    date_of_death = forms.DateField(
        required=False,
        label="If the employee died, the date of death",
        help_text="Item 13 of the 301; the ITA case file needs it for a death.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, occurred_on: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.occurred_on = occurred_on

    def clean_date_of_death(self):
        died = self.cleaned_data["date_of_death"]
        if died is None:
            return died
        if died > timezone.localdate():
            raise forms.ValidationError("The date of death cannot be in the future.")
        if self.occurred_on is not None and died < self.occurred_on:
            raise forms.ValidationError(
                f"The date of death cannot be before the incident ({self.occurred_on:%d %b %Y})."
            )
        return died

    # The short answers sit side by side; the written ones take the panel's width.
    _SHORT = (
        "time_began_work",
        "physician_name",
        "treatment_facility",
        "treated_in_er",
        "hospitalized_overnight",
        "date_of_death",
    )

    def short_fields(self) -> list:
        return [self[name] for name in self._SHORT]

    def written_fields(self) -> list:
        return [self[name] for name in self.fields if name not in self._SHORT]


class InjuredPersonForm(forms.Form):
    injured_name = forms.CharField(
        required=False,
        max_length=150,
        label="Name of the person hurt",
        help_text="Empty when the reporter is the person hurt. The OSHA log and Form 301 use it.",
    )
    injured_job_title = forms.CharField(required=False, max_length=100, label="Their job title")
    injured_employee_id = forms.CharField(
        required=False,
        max_length=20,
        label="Their employee ID",
        help_text="Links the case to their employee record, so that a claim in their name "
        "matches it. The name and job title come from the record when left empty.",
    )

    def clean_injured_employee_id(self) -> str:
        employee_id = self.cleaned_data["injured_employee_id"].strip()
        if employee_id and not Person.objects.filter(employee_id=employee_id).exists():
            raise forms.ValidationError(f"No employee has the ID {employee_id}.")
        return employee_id

    def clean(self):
        data = super().clean()
        if (
            data.get("injured_job_title")
            and not data.get("injured_name")
            and not data.get("injured_employee_id")
        ):
            self.add_error("injured_name", "Give the name with the job title, or leave both empty.")
        return data


class PrivacyForm(forms.Form):
    privacy_case = forms.BooleanField(required=False, label="This is a privacy case")
    privacy_reason = forms.ChoiceField(
        required=False,
        label="Reason",
        choices=[("", "Choose a reason"), *PRIVACY_REASONS],
    )

    def clean(self):
        data = super().clean()
        if data.get("privacy_case") and not data.get("privacy_reason"):
            self.add_error("privacy_reason", "Choose the reason this is a privacy case.")
        return data


SEARCH_MAX_LENGTH = 80


class CodesForm(forms.Form):
    """Four text inputs, each checked against the full OIICS list (works without JavaScript)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for family in FAMILIES:
            self.fields[family] = forms.CharField(
                required=False,
                # Words to search for go in the same box as the code (see the case page).
                max_length=SEARCH_MAX_LENGTH,
                label=FAMILY_LABELS[family],
                widget=forms.TextInput(attrs={"autocomplete": "off", "class": "oiics-input"}),
            )

    def _clean_code(self, family: str) -> str:
        code = (self.cleaned_data.get(family) or "").strip()
        if code and oiics_get(family, code) is None:
            raise forms.ValidationError(
                f"“{code}” is not an OIICS {FAMILY_LABELS[family]} code: pick one from "
                "the list that your words bring up, or type the code."
            )
        return code

    def clean_nature(self):
        return self._clean_code("nature")

    def clean_part(self):
        return self._clean_code("part")

    def clean_event(self):
        return self._clean_code("event")

    def clean_source(self):
        return self._clean_code("source")


class AcceptCodeForm(forms.Form):
    family = forms.ChoiceField(choices=[(family, family) for family in FAMILIES])
    code = forms.CharField(max_length=6)

    def clean(self):
        data = super().clean()
        family, code = data.get("family"), data.get("code")
        if family and code and oiics_get(family, code) is None:
            raise forms.ValidationError("That code is not in the OIICS list.")
        return data


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(), required=False, empty_label="Unassigned"
    )

    def __init__(self, *args, assignable=(), **kwargs):
        super().__init__(*args, **kwargs)
        ids = [user.pk for user in assignable]
        self.fields["assignee"].queryset = get_user_model().objects.filter(pk__in=ids)
        self.fields["assignee"].label_from_instance = lambda user: (
            user.get_full_name() or user.get_username()
        )
        # Avoid a query when rendering: the choices are the users already loaded.
        self.fields["assignee"].choices = [("", "Unassigned")] + [
            (user.pk, user.get_full_name() or user.get_username()) for user in assignable
        ]


BULK_ASSIGN_MAX = 100  # The largest page of the queue.


class _References(forms.MultipleChoiceField):
    """Case references: any short text; the view keeps those in the user's scope."""

    def valid_value(self, value) -> bool:
        return 0 < len(str(value)) <= 40


class BulkAssignForm(forms.Form):
    """Cases ticked on the queue, and who is to have them."""

    assignee = forms.ModelChoiceField(
        label="Assign the ticked cases to",
        queryset=get_user_model().objects.none(),
        empty_label="Choose a person",
        error_messages={"required": "Choose who is to have the ticked cases."},
    )
    cases = _References(error_messages={"required": "Tick the cases to assign."})

    def __init__(self, *args, assignable, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignable
        self.fields["assignee"].label_from_instance = lambda user: (
            user.get_full_name() or user.get_username()
        )

    def clean_cases(self) -> list[str]:
        references = list(dict.fromkeys(self.cleaned_data["cases"]))
        if len(references) > BULK_ASSIGN_MAX:
            raise forms.ValidationError(f"Assign at most {BULK_ASSIGN_MAX} cases at a time.")
        return references


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Status.choices)
    close_reason = forms.CharField(
        required=False,
        label="Reason for closing with open actions",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NoteForm(forms.Form):
    body = forms.CharField(label="Add a note", widget=forms.Textarea(attrs={"rows": 3}))


class InvestigationForm(forms.Form):
    why_1 = forms.CharField(required=False, label="Why? 1")
    why_2 = forms.CharField(required=False, label="Why? 2")
    why_3 = forms.CharField(required=False, label="Why? 3")
    why_4 = forms.CharField(required=False, label="Why? 4")
    why_5 = forms.CharField(required=False, label="Why? 5")
    root_cause = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    contributing_factors = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    complete = forms.BooleanField(required=False, label="The investigation is complete")

    def clean(self):
        data = super().clean()
        if data.get("complete") and not (data.get("root_cause") or "").strip():
            self.add_error("root_cause", "Give the root cause before marking it complete.")
        return data

    def whys(self) -> list[str]:
        return [self.cleaned_data.get(f"why_{n}") or "" for n in range(1, 6)]


class _OwnerDueForm(forms.Form):
    """An action's owner (by username or employee ID) and its due date."""

    owner = forms.CharField(
        label="Owner",
        help_text="Username, employee ID or full name: the case's officers and the "
        "department's past action owners are suggested as you type.",
        widget=forms.TextInput(attrs={"list": "action-owners", "autocomplete": "off"}),
        error_messages={
            "required": "Type who owns this action: their username, employee ID or full name."
        },
    )
    due_on = forms.DateField(
        label="Due",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Choose the date this action is due."},
    )

    def clean_owner(self):
        value = self.cleaned_data["owner"].strip()
        users = list(
            get_user_model()
            .objects.filter(is_active=True)
            .filter(Q(username__iexact=value) | Q(person__employee_id__iexact=value))
            .select_related("person")
            .order_by("pk")[:2]
        )
        if not users:
            # A full name, when it is one active person's (two of the same name: neither).
            # As the page shows it (get_full_name): a first name may have two words too.
            users = list(
                get_user_model()
                .objects.filter(is_active=True)
                .annotate(full_name=Trim(Concat("first_name", Value(" "), "last_name")))
                .filter(full_name__iexact=" ".join(value.split()))
                .order_by("pk")[:2]
            )
            if len(users) > 1:
                raise forms.ValidationError(
                    f"More than one person is called {value}: type their username or employee ID."
                )
        if not users:
            raise forms.ValidationError(
                "No active user has that username, employee ID or full name."
            )
        if len(users) > 1:
            # One person's username is another's employee ID: neither is guessed.
            who = " and ".join(
                f"{user.get_full_name() or user.username} (username {user.username}"
                f"{f', employee ID {_employee_id(user)}' if _employee_id(user) else ''})"
                for user in users
            )
            raise forms.ValidationError(
                f"{value} matches {who}. Type the other username or employee ID of the one "
                "you mean."
            )
        return users[0]

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on < timezone.localdate() and due_on != self.initial.get("due_on"):
            raise forms.ValidationError("The due date cannot be in the past.")
        return due_on


def _employee_id(user) -> str:
    person = getattr(user, "person", None)
    return (person.employee_id or "") if person is not None else ""


class ActionForm(_OwnerDueForm):
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Say what will change, not who was hurt or at fault: the cabinet's packet and "
        "the department's page print this text.",
        error_messages={"required": "Describe the action: say what will change."},
    )
    # No control is chosen for the officer: the packet prints it, and a default of the
    # strongest (elimination) was saved for actions that were nothing of the kind.
    control_level = forms.ChoiceField(
        label="Control (hierarchy of controls)",
        choices=[("", "Choose a control"), *ControlLevel.choices],
        error_messages={"required": "Choose the control this action is, from elimination to PPE."},
    )
    field_order = ("description", "control_level", "owner", "due_on")


class ActionChangeForm(_OwnerDueForm):
    """Another owner or due date for an open action; an overdue action may keep its date."""


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(choices=ActionStatus.choices)


class ClockCompleteForm(forms.Form):
    confirmation = forms.CharField(
        max_length=80, label="Confirmation or reference number", strip=True
    )
    completed_at = forms.DateTimeField(
        required=False,
        label="Done at (leave empty for now)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args, started_at=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.started_at = started_at

    def clean_completed_at(self):
        return _moment_between(
            self.cleaned_data.get("completed_at"),
            self.started_at,
            "This cannot be before the clock started ({start}, when the city learned of what "
            "started it).",
        )


class MergeForm(forms.Form):
    into = forms.CharField(label="Merge this report into case", max_length=20)
