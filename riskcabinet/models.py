"""The city's own domain: departments, their monthly exposure, employee profiles and scores."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Department(models.Model):
    code = models.CharField(max_length=12, unique=True)
    name = models.CharField(max_length=120, unique=True)
    # Payroll files written before a department's code changed still name it by the old code.
    former_codes = models.TextField(
        blank=True,
        help_text="Codes the department had before, separated by commas; payroll files may still "
        "use them. A changed code is added here when the department is saved.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            before = Department.objects.filter(pk=self.pk).values_list("code", flat=True).first()
            if before and before.upper() != self.code.upper():
                kept = [c for c in self.former_code_list if c.upper() != self.code.upper()]
                if before.upper() not in {c.upper() for c in kept}:
                    kept.append(before)
                self.former_codes = ", ".join(kept)
                if "update_fields" in kwargs and kwargs["update_fields"] is not None:
                    kwargs["update_fields"] = {*kwargs["update_fields"], "former_codes"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        """A code, now or before, names one department only: payroll files are read by it."""
        super().clean()
        mine = {self.code.strip().upper()} | {code.upper() for code in self.former_code_list}
        for other in Department.objects.exclude(pk=self.pk):
            taken = mine & ({other.code.upper()} | {c.upper() for c in other.former_code_list})
            if taken:
                raise ValidationError(
                    f"The code {', '.join(sorted(taken))} is, or was, {other.name}'s: payroll "
                    f"files would not say which department they mean."
                )

    @property
    def former_code_list(self) -> list[str]:
        return [code.strip() for code in self.former_codes.split(",") if code.strip()]


class ExposureMonth(models.Model):
    """Hours worked and headcount for one department in one month (from payroll)."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="exposure")
    month = models.DateField(help_text="The first day of the month.")
    hours_worked = models.DecimalField(max_digits=12, decimal_places=1)
    headcount = models.PositiveIntegerField()
    # Who changed the hours and from which file (the change reason names it).
    history = HistoricalRecords()

    class Meta:
        ordering = ["department", "month"]
        constraints = [
            models.UniqueConstraint(fields=["department", "month"], name="exposure_one_per_month"),
            models.CheckConstraint(
                condition=Q(hours_worked__gte=0), name="exposure_hours_not_negative"
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="exposure_month_is_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.department.code} {self.month:%Y-%m}"


class ImportKind(models.TextChoices):
    HOURS = "hours", "Payroll hours"
    CLAIMS = "claims", "Claims"


class DataImport(models.Model):
    """One file as imported (payroll hours or the claims administrator's claims): who brought
    it in, when, and what it changed.

    Each row it changed also has its own history entry (ExposureMonth's or Claim's).
    """

    kind = models.CharField(max_length=10, choices=ImportKind.choices)
    imported_at = models.DateTimeField(default=timezone.now)
    # Blank when the file came in from the command line (import_exposure, import_claims).
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    rows_read = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    # [{"line": 4, "reason": "..."}] for each row that was not imported, in file order.
    problems = models.JSONField(default=list, blank=True)
    # Payroll hours: department codes the city does not know.
    unknown_departments = models.JSONField(default=list, blank=True)
    # Claims: [{"line": 7, "claim": "WC-1", "reason": "..."}] for each claim imported without
    # an incident, because none could be matched.
    unlinked = models.JSONField(default=list, blank=True)
    # Claims: [{"line": 9, "claim": "WC-2", "reason": "..."}] for each claim linked to its case by
    # a risk manager that the file matched to another case; the link made by hand was kept.
    links_kept = models.JSONField(default=list, blank=True)
    # Payroll hours: the first and last months among the rows it imported.
    first_month = models.DateField(null=True, blank=True)
    last_month = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-imported_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.imported_at:%Y-%m-%d %H:%M})"

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    SPANISH = "es", _("Spanish")


class Person(models.Model):
    """An employee's profile. Safety officers also carry the departments they cover."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    employee_id = models.CharField(max_length=20, unique=True, null=True, blank=True)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="people"
    )
    job_title = models.CharField(max_length=120, blank=True)
    # Blank: the language of the phone or browser (its Accept-Language), as on the sign-in page.
    preferred_language = models.CharField(
        max_length=5,
        choices=Language.choices,
        blank=True,
        default="",
        help_text="Leave blank to follow the language of the employee's phone or browser.",
    )
    # The language they last read the site in (sign-in, the switch, a report or an action sent):
    # emails follow it while no preferred language is set.
    last_language = models.CharField(max_length=5, choices=Language.choices, blank=True)
    covered_departments = models.ManyToManyField(
        Department, blank=True, related_name="safety_officers"
    )

    class Meta:
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()

    @staticmethod
    def stand_in_name(employee_id: str) -> str:
        """The name a case gives a person hurt known only by an employee ID that matches no
        record (in English, like the OSHA log and the staff pages)."""
        return f"Employee {employee_id}"

    @classmethod
    def with_employee_id(cls, employee_id: str) -> "Person | None":
        """The employee with this ID (spaces around it ignored), with their user and department."""
        employee_id = employee_id.strip()
        if not employee_id:
            return None
        return (
            cls.objects.select_related("user", "department").filter(employee_id=employee_id).first()
        )


class DepartmentScore(models.Model):
    """A department's risk ranking for one month, kept so that rank changes can be shown."""

    month = models.DateField(help_text="The first day of the as-of month.")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="scores")
    rank = models.PositiveIntegerField()
    score = models.FloatField()
    recordable_cases = models.PositiveIntegerField(default=0)
    trir = models.FloatField()
    dart = models.FloatField()
    harm_rate = models.FloatField()
    shrunk_harm_rate = models.FloatField()
    trend_pct_per_year = models.FloatField(null=True, blank=True)
    trend_significant = models.BooleanField(default=False)
    control_signal = models.CharField(max_length=200, blank=True)
    # Where its harm rate sits on the funnel plot: "within", "above 95%", "below 99.8%"...
    funnel_position = models.CharField(max_length=20, blank=True)
    reasons = models.JSONField(default=list)
    hours_worked = models.FloatField(default=0)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["month", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["month", "department"], name="score_one_per_month"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} #{self.rank} {self.department.code}"


class MailDelivery(models.Model):
    """One scheduled email's news for one reader: claimed before the email goes, marked sent once
    it went.

    A topic names what the reader is told of ("packet:2026-10", "clock:812",
    "action:77:2026-11-27"); one email may tell of several. A claim keeps other runs off the topic
    while the email goes; one older than the lease belongs to a worker that was lost, and the
    next run takes it over, so news is neither told twice by runs at once nor lost with a
    worker.
    """

    topic = models.CharField(max_length=80)
    recipient = models.EmailField(max_length=254)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-pk"]
        verbose_name_plural = "mail deliveries"
        constraints = [
            models.UniqueConstraint(fields=["topic", "recipient"], name="mail_once_per_reader"),
        ]

    def __str__(self) -> str:
        return f"{self.topic} to {self.recipient}"
