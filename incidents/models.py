"""Incidents and everything that hangs off them: photos, clocks, investigations, actions, claims."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from riskcabinet.models import Department, Person


class Establishment(models.Model):
    """A workplace for OSHA recordkeeping: each has its own 300 log and 300A summary."""

    class Size(models.IntegerChoices):
        # OSHA's Injury Tracking Application size codes.
        UNDER_20 = 1, "Fewer than 20 employees"
        FROM_20_TO_99 = 2, "20 to 99 employees"
        FROM_100_TO_249 = 3, "100 to 249 employees"
        OVER_249 = 4, "250 or more employees"

    class EstablishmentType(models.IntegerChoices):
        PRIVATE = 1, "Not a government entity"
        STATE_GOVERNMENT = 2, "State government entity"
        LOCAL_GOVERNMENT = 3, "Local government entity"

    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="establishments"
    )
    name = models.CharField(max_length=150)
    street_address = models.CharField(max_length=200)
    city = models.CharField(max_length=100, default="Los Angeles")
    state = models.CharField(max_length=2, default="CA")
    zip_code = models.CharField(max_length=10)
    naics_code = models.CharField(max_length=6)
    industry_description = models.CharField(max_length=200, blank=True)
    size = models.PositiveSmallIntegerField(choices=Size.choices, default=Size.OVER_249)
    establishment_type = models.PositiveSmallIntegerField(
        choices=EstablishmentType.choices, default=EstablishmentType.LOCAL_GOVERNMENT
    )
    # A year's 300A shares the department's payroll hours among the establishments open in it,
    # so a site opened later does not change the summaries already posted for earlier years.
    opened_on = models.DateField(
        null=True, blank=True, help_text="Empty when it was open before the city's first records."
    )
    closed_on = models.DateField(null=True, blank=True, help_text="Empty while it is open.")

    class Meta:
        ordering = ["department__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "name"], name="establishment_unique_name"
            ),
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True)
                | models.Q(opened_on__isnull=True)
                | models.Q(closed_on__gte=models.F("opened_on")),
                name="establishment_closed_after_opened",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class IncidentType(models.TextChoices):
    INJURY_ILLNESS = "injury_illness", _("Injury or illness")
    NEAR_MISS = "near_miss", _("Near miss")
    VEHICLE = "vehicle", _("Vehicle collision")
    ASSAULT = "assault", _("Assault or threat")
    EXPOSURE = "exposure", _("Exposure (chemical, biological, heat, noise)")
    PROPERTY_DAMAGE = "property_damage", _("Property damage")


# The severity ladder, worst first (DESIGN.md). The order of these choices is the order of harm.
class Severity(models.TextChoices):
    FATALITY = "fatality", _("Fatality")
    HOSPITALIZATION = "hospitalization", _("Hospitalization, amputation or loss of an eye")
    DAYS_AWAY = "days_away", _("Days away from work")
    RESTRICTED = "restricted", _("Job restriction or transfer")
    MEDICAL = "medical", _("Medical treatment beyond first aid")
    FIRST_AID = "first_aid", _("First aid only")
    NONE = "none", _("No injury")


SERIOUS_SEVERITIES = (Severity.FATALITY, Severity.HOSPITALIZATION)
# The serious cases, as `Incident.is_serious` reads them: a death or an in-patient stay (a
# hospital stay only for observation or tests is not one).
SERIOUS_CASES = Q(severity__in=SERIOUS_SEVERITIES) & ~Q(
    severity=Severity.HOSPITALIZATION, hospital_observation_only=True
)
# What makes a case recordable by its outcome (DESIGN.md): first aid and no injury are not.
RECORDABLE_SEVERITIES = (
    Severity.FATALITY,
    Severity.HOSPITALIZATION,
    Severity.DAYS_AWAY,
    Severity.RESTRICTED,
    Severity.MEDICAL,
)
DART_SEVERITIES = (Severity.DAYS_AWAY, Severity.RESTRICTED)


class Treatment(models.TextChoices):
    NONE = "none", _("None")
    FIRST_AID = "first_aid", _("First aid")
    CLINIC = "clinic", _("Clinic or doctor")
    ER = "er", _("Emergency room")
    HOSPITAL_STAY = "hospital_stay", _("Hospital stay (overnight)")


# Form 301's yes/no items (8 and 9) that a report's treatment can already answer "yes" to.
FORM_301_TREATMENT_ANSWERS = {
    "treated_in_er": Treatment.ER,
    "hospitalized_overnight": Treatment.HOSPITAL_STAY,
}


class Status(models.TextChoices):
    NEW = "new", _("New")
    TRIAGED = "triaged", _("Triaged")
    INVESTIGATING = "investigating", _("Investigating")
    ACTIONS_PENDING = "actions_pending", _("Actions pending")
    CLOSED = "closed", _("Closed")


def _choice_rank(field: str, choices: type[models.TextChoices]) -> Case:
    """A choice's position in its list (0 first), for sorting by it from an index."""
    return Case(
        *(When(**{field: value}, then=Value(rank)) for rank, value in enumerate(choices.values)),
        default=Value(len(choices.values)),
    )


class IllnessType(models.TextChoices):
    """Form 300 column M."""

    INJURY = "injury", "Injury"
    SKIN = "skin", "Skin disorder"
    RESPIRATORY = "respiratory", "Respiratory condition"
    POISONING = "poisoning", "Poisoning"
    HEARING_LOSS = "hearing_loss", "Hearing loss"
    OTHER_ILLNESS = "other_illness", "All other illnesses"


class Source(models.TextChoices):
    INTAKE = "intake", "Intake form"
    ANONYMOUS = "anonymous", "Anonymous near-miss form"
    IMPORT = "import", "Import"
    DEMO = "demo", "Demo data"
    STAFF = "staff", "Entered by staff"
    CLAIM = "claim", "Workers' compensation claim"


def _choice_check(
    field: str, choices: type[models.TextChoices], name: str
) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(**{f"{field}__in": choices.values}), name=name)


class Incident(models.Model):
    # reference, receipt_code and source_key are unique through Meta.constraints: a constraint
    # makes the one index that equality needs, where unique=True would add a second LIKE-pattern
    # index on PostgreSQL that no query uses and every report has to write. receipt_code and
    # source_key are NULL when unused, so that the unique constraints let many cases lack them.
    reference = models.CharField(max_length=20, editable=False)
    client_uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    receipt_code = models.CharField(max_length=16, null=True, blank=True)  # noqa: DJ001
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.INTAKE)
    source_key = models.CharField(max_length=60, null=True, blank=True)  # noqa: DJ001

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reported_incidents",
        db_index=False,  # Meta.indexes lead with reporter (their own reports, newest first).
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="incidents",
        db_index=False,  # Meta.indexes lead with department (by date, and open cases).
    )
    establishment = models.ForeignKey(
        Establishment, on_delete=models.PROTECT, null=True, blank=True, related_name="incidents"
    )
    incident_type = models.CharField(max_length=20, choices=IncidentType.choices)
    occurred_at = models.DateTimeField()
    # False when only the day is known (a case imported from a file that gives no hour, or
    # opened from a claim): the stored time is noon, and the OSHA forms say "time unknown".
    occurred_time_known = models.BooleanField(default=True)
    reported_at = models.DateTimeField(default=timezone.now)
    # Compliance clocks count from when the city learned of the case (usually the report).
    learned_at = models.DateTimeField(default=timezone.now)

    location_text = models.CharField(max_length=300)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    narrative = models.TextField()
    involved_people = models.TextField(blank=True)

    # What the employee told us about the injury. The person hurt is the reporter unless
    # injured_name says otherwise (a supervisor or a co-worker reporting for them): the OSHA log
    # and Form 301 then name that person, with their job title.
    injured_name = models.CharField("person hurt", max_length=150, blank=True)
    injured_job_title = models.CharField("job title of the person hurt", max_length=100, blank=True)
    # The employee record of the person hurt, when an officer names it (by employee ID): a claim
    # by that employee then matches this case, whoever filed it. Read only through the case,
    # so it needs no index of its own (each would slow every report down).
    injured_person = models.ForeignKey(
        "riskcabinet.Person",
        verbose_name="employee record of the person hurt",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    # An employee ID sent from a phone's queue that matched no employee: the report is kept
    # rather than held on the phone, and the officer names the right employee.
    injured_employee_id_unmatched = models.CharField(
        "employee ID given that matched no employee", max_length=20, blank=True
    )
    body_part = models.CharField(max_length=60, blank=True)
    injury_kind = models.CharField(max_length=60, blank=True)
    treatment = models.CharField(max_length=16, choices=Treatment.choices, blank=True)

    # Classification by the safety officer.
    severity = models.CharField(max_length=16, choices=Severity.choices, default=Severity.NONE)
    recordable = models.BooleanField(null=True, blank=True)
    recordability_answers = models.JSONField(default=dict, blank=True)
    privacy_case = models.BooleanField(default=False)
    privacy_reason = models.CharField(max_length=24, blank=True)
    illness_type = models.CharField(
        max_length=16, choices=IllnessType.choices, default=IllnessType.INJURY
    )
    days_away = models.PositiveIntegerField(default=0)
    days_restricted = models.PositiveIntegerField(default=0)
    oiics_nature = models.CharField(max_length=6, blank=True)
    oiics_part = models.CharField(max_length=6, blank=True)
    oiics_event = models.CharField(max_length=6, blank=True)
    oiics_source = models.CharField(max_length=6, blank=True)

    # Form 301 details (never leave the case page).
    time_began_work = models.TimeField(null=True, blank=True)
    physician_name = models.CharField(max_length=120, blank=True)
    treatment_facility = models.CharField(max_length=200, blank=True)
    treated_in_er = models.BooleanField(null=True, blank=True)
    hospitalized_overnight = models.BooleanField(null=True, blank=True)
    date_of_death = models.DateField(null=True, blank=True)
    # Items 14, 16 and 17; empty, the 301 prints 16 and 17 from the injury codes.
    doing_before = models.TextField(blank=True)
    injury_details = models.TextField(blank=True)
    object_substance = models.CharField(max_length=300, blank=True)

    state_reportable = models.BooleanField(default=False)
    # A hospital stay only for observation or tests is no in-patient hospitalization for
    # Cal/OSHA (Title 8 section 330(h)): it starts no 8-hour clock of its own.
    hospital_observation_only = models.BooleanField(
        "hospital stay for observation or tests only", default=False
    )
    state_reported_at = models.DateTimeField(null=True, blank=True)
    state_reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    state_report_confirmation = models.CharField(max_length=60, blank=True)

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_incidents",
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.TextField(blank=True)
    possible_duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="possible_duplicates"
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_cases"
    )
    # The earliest deadline among the case's running compliance clocks, kept by incidents/clocks.py
    # so that the triage queue can sort urgent cases first from an index.
    clock_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Sort keys for the queue's "Severity" order (most severe first) and "Status" order (workflow
    # order, new first), computed by the database so that the sort reads an index, not every case.
    severity_rank = models.GeneratedField(
        expression=_choice_rank("severity", Severity),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )
    status_rank = models.GeneratedField(
        expression=_choice_rank("status", Status),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )

    # The ranks follow the severity and status, which the history already records. The history
    # is read by case (its `id`), by date and by user; the other indexes simple-history would
    # copy from the case (14 of them) would only slow down every report and every triage save.
    history = HistoricalRecords(
        excluded_fields=["severity_rank", "status_rank"],
        no_db_index=[
            "reference",
            "client_uuid",
            "receipt_code",
            "source_key",
            "reporter",
            "department",
            "establishment",
            "state_reported_by",
            "assignee",
            "possible_duplicate_of",
            "merged_into",
            "injured_person",
        ],
    )

    class Meta:
        ordering = ["-reported_at"]
        permissions = [
            ("report_incident", "Can file incident reports"),
            ("triage_incident", "Can triage incidents in covered departments"),
            ("triage_all_departments", "Can triage incidents in every department"),
        ]
        indexes = [
            # By date within a department; `id` last so that the duplicate check at intake reads
            # candidates in a fixed order straight from the index and stops at the first match.
            models.Index(fields=["department", "occurred_at", "id"], name="incident_dept_occurred"),
            models.Index(fields=["status", "reported_at"]),
            models.Index(fields=["reporter", "reported_at"]),
            # The triage queue's default order: running clocks first, then the newest reports.
            models.Index(fields=["clock_due_at", "-reported_at"], name="incident_triage_order"),
            models.Index(fields=["department", "reported_at"], name="incident_dept_reported"),
            models.Index(fields=["severity_rank", "-reported_at"], name="incident_severity_order"),
            models.Index(fields=["status_rank", "-reported_at"], name="incident_status_order"),
            # Open, unmerged cases: the queue's default view counts and filters these.
            models.Index(
                fields=["department", "clock_due_at"],
                condition=Q(merged_into__isnull=True) & ~Q(status="closed"),
                name="incident_open_cases",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["reference"], name="incident_reference_unique"),
            models.UniqueConstraint(fields=["receipt_code"], name="incident_receipt_code_unique"),
            models.UniqueConstraint(fields=["source_key"], name="incident_source_key_unique"),
            _choice_check("status", Status, "incident_status_valid"),
            _choice_check("severity", Severity, "incident_severity_valid"),
            _choice_check("incident_type", IncidentType, "incident_type_valid"),
            models.CheckConstraint(condition=Q(days_away__gte=0), name="incident_days_away_gte_0"),
            models.CheckConstraint(
                condition=Q(days_restricted__gte=0), name="incident_days_restricted_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="incident_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="incident_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_serious(self) -> bool:
        """A death or an in-patient hospitalization (a stay only for observation is not)."""
        if self.severity == Severity.HOSPITALIZATION and self.hospital_observation_only:
            return False
        return self.severity in SERIOUS_SEVERITIES

    @property
    def is_open(self) -> bool:
        return self.status != Status.CLOSED

    def form_301_answer(self, name: str) -> bool | None:
        """Form 301's item 8 (emergency room) or 9 (in-patient): the officer's answer, else
        what the report's treatment already says (an overnight hospital stay, the emergency
        room); None when neither tells."""
        answer = getattr(self, name)
        if answer is not None:
            return answer
        return True if self.treatment == FORM_301_TREATMENT_ANSWERS[name] else None

    @property
    def injured_name_for_reporter(self) -> str:
        """The person hurt as the reporter's own pages name them: the stand-in name of an ID
        that matched no one is stored in English, and is given in the reader's language."""
        unmatched = self.injured_employee_id_unmatched
        if unmatched and self.injured_name == Person.stand_in_name(unmatched):
            return gettext("Employee %(id)s") % {"id": unmatched}
        return self.injured_name


class Attachment(models.Model):
    """A photo, re-encoded on upload so that nothing but the picture is stored."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="photos/%Y/%m/")
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    uploaded_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.incident.reference} photo {self.sha256[:8]}"


class ClockKind(models.TextChoices):
    CALOSHA_REPORT = "calosha_8h", "Report to Cal/OSHA (8 hours)"
    CLAIM_FORM = "claim_form", "Give claim form to employee (1 working day)"
    EMPLOYER_REPORT = "form_5020", "Employer's report, Form 5020 (5 days)"
    LOG_300 = "log_300", "Enter on the 300 log (7 days)"


class ComplianceClock(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="clocks")
    kind = models.CharField(max_length=16, choices=ClockKind.choices)
    started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmation = models.CharField(max_length=80, blank=True)
    # When the officers were warned that this deadline was near or had passed (once per clock).
    warned_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["warned_at"])

    class Meta:
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "kind"], name="clock_one_per_kind"),
            _choice_check("kind", ClockKind, "clock_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.incident.reference} {self.get_kind_display()}"

    @property
    def is_running(self) -> bool:
        return self.completed_at is None

    def is_overdue(self, now=None) -> bool:
        now = now or timezone.now()
        if self.completed_at is not None:
            return self.completed_at > self.due_at
        return now > self.due_at


class Investigation(models.Model):
    incident = models.OneToOneField(
        Incident, on_delete=models.CASCADE, related_name="investigation"
    )
    whys = models.JSONField(default=list, blank=True, help_text="Up to five 'why?' answers.")
    root_cause = models.TextField(blank=True)
    contributing_factors = models.TextField(blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Investigation of {self.incident.reference}"


class ControlLevel(models.TextChoices):
    """The hierarchy of controls, most effective first."""

    ELIMINATION = "elimination", _("Elimination")
    SUBSTITUTION = "substitution", _("Substitution")
    ENGINEERING = "engineering", _("Engineering control")
    ADMINISTRATIVE = "administrative", _("Administrative control")
    PPE = "ppe", _("Personal protective equipment")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class CorrectiveAction(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    control_level = models.CharField(max_length=16, choices=ControlLevel.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="corrective_actions"
    )
    due_on = models.DateField()
    status = models.CharField(max_length=12, choices=ActionStatus.choices, default="open")
    completed_at = models.DateTimeField(null=True, blank=True)
    # What the owner did, in their words, when they marked the action done (My actions).
    completion_note = models.TextField(blank=True)
    last_reminded_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            _choice_check("status", ActionStatus, "action_status_valid"),
            _choice_check("control_level", ControlLevel, "action_control_level_valid"),
        ]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ACTION_STATUSES


class ClaimStatus(models.TextChoices):
    OPEN = "open", "Open"
    REOPENED = "reopened", "Reopened"
    CLOSED = "closed", "Closed"
    DENIED = "denied", "Denied"


class Claim(models.Model):
    """A workers' compensation claim from the claims administrator."""

    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, null=True, blank=True, related_name="claims"
    )
    claim_number = models.CharField(max_length=40, unique=True)
    # Whom and when the file says the claim is for: what a risk manager needs to find its case,
    # or to open one when the injury was never reported.
    employee_id = models.CharField(max_length=20, blank=True)
    injured_on = models.DateField("date of injury", null=True, blank=True)
    # Linked by a risk manager (by reference, or by opening the case from the claim): a later
    # file that matches the claim to another case does not move it.
    linked_by_hand = models.BooleanField(default=False)
    opened_on = models.DateField()
    status = models.CharField(max_length=10, choices=ClaimStatus.choices, default="open")
    paid_to_date = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    total_incurred = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    lost_days = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-opened_on"]
        constraints = [
            _choice_check("status", ClaimStatus, "claim_status_valid"),
            models.CheckConstraint(condition=Q(paid_to_date__gte=0), name="claim_paid_gte_0"),
            models.CheckConstraint(condition=Q(total_incurred__gte=0), name="claim_incurred_gte_0"),
        ]

    def __str__(self) -> str:
        return self.claim_number


class CaseNote(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Note on {self.incident.reference}"


class CodeCorrection(models.Model):
    """An officer's choice of OIICS code beside the suggestion; the coder learns from these."""

    class Field(models.TextChoices):
        EVENT = "event", "Event or exposure"
        NATURE = "nature", "Nature"
        PART = "part", "Part of body"
        SOURCE = "source", "Source"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="corrections")
    field = models.CharField(max_length=8, choices=Field.choices)
    suggested_code = models.CharField(max_length=6, blank=True)
    suggested_probability = models.FloatField(null=True, blank=True)
    chosen_code = models.CharField(max_length=6)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.incident.reference} {self.field} {self.chosen_code}"


class PrivacyCaseView(models.Model):
    """Who opened a privacy case, and when. Written on every view; never edited."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="privacy_views")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    viewed_at = models.DateTimeField(default=timezone.now)
    path = models.CharField(max_length=200)

    class Meta:
        ordering = ["-viewed_at"]

    def __str__(self) -> str:
        return f"{self.incident.reference} viewed by {self.user}"


class ReferenceSequence(models.Model):
    """The last reference number handed out in a year (INC-2026-000123)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"
