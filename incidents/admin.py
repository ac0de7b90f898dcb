from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from incidents.access import is_private, privacy_cases_hidden_from, private_cases_q
from incidents.models import (
    Attachment,
    CaseNote,
    Claim,
    CodeCorrection,
    ComplianceClock,
    CorrectiveAction,
    Establishment,
    Incident,
    Investigation,
    PrivacyCaseView,
)
from riskcabinet.admin import ReadOnlyAdmin


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """History can be read in the admin but never reverted (SIMPLE_HISTORY_REVERT_DISABLED).

    Privacy cases, and what hangs off them, are left out for those from whom the triage pages
    hide them (administrators): the admin is not a way round that rule, nor is its history.
    """

    # The lookup from this model to its case ("" for the case itself).
    case_path = "incident"

    def _is_privacy_case(self, obj) -> bool:
        case = getattr(obj, self.case_path, None) if self.case_path else obj
        if case is None:
            return False
        # An old version (the history's form view) is judged by the case as it is now as well:
        # the version before an officer marked the case private holds the same story and name.
        current = Incident.objects.select_related("merged_into").filter(pk=case.pk).first()
        return is_private(case) or (current is not None and is_private(current))

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if privacy_cases_hidden_from(request.user):
            queryset = queryset.exclude(private_cases_q(self.case_path))
        return queryset

    def has_view_history_or_change_history_permission(self, request, obj=None) -> bool:
        hidden = obj is not None and privacy_cases_hidden_from(request.user)
        if hidden and self._is_privacy_case(obj):
            return False
        return super().has_view_history_or_change_history_permission(request, obj)


@admin.register(Establishment)
class EstablishmentAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "department",
        "naics_code",
        "size",
        "establishment_type",
        "opened_on",
        "closed_on",
    ]
    list_filter = ["department"]
    search_fields = ["name"]


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    readonly_fields = ["content_type", "size", "sha256", "width", "height", "uploaded_at"]


class ActionInline(ReadOnlyAdmin, admin.TabularInline):
    """The case's corrective actions, to read: they are added, handed to another owner and
    closed on the case page (and marked done on "My actions"), which check the owner and the
    dates, keep the reminders and the packet's overdue list right, and audit each change."""

    model = CorrectiveAction
    fields = readonly_fields = ["description", "control_level", "owner", "due_on", "status"]
    extra = 0
    raw_id_fields = ["owner"]


class ClockInline(ReadOnlyAdmin, admin.TabularInline):
    """The case's legal clocks, to read: they are started by its classification and completed on
    its triage page (which keeps the queue's order and the warnings in step), never here."""

    model = ComplianceClock
    extra = 0
    fields = readonly_fields = ["kind", "started_at", "due_at", "completed_at", "completed_by"]


@admin.register(Incident)
class IncidentAdmin(ReadOnlyHistoryAdmin):
    case_path = ""
    list_display = ["reference", "department", "incident_type", "severity", "status", "occurred_at"]
    list_filter = ["status", "incident_type", "severity", "department"]
    search_fields = ["reference", "narrative"]
    date_hierarchy = "occurred_at"
    raw_id_fields = ["reporter", "establishment"]
    inlines = [ClockInline, ActionInline, AttachmentInline]
    list_select_related = ["department"]

    def has_add_permission(self, request) -> bool:
        # A case comes from the report form (anyone signed in, a supervisor for a crew member),
        # the anonymous form or the imports, which give it its reference and its clocks: one
        # added here would have neither.
        return False

    # The workflow and the decisions that start the legal clocks are made on the triage pages,
    # which check them (coverage, open actions, merges), audit them, keep the clocks in step and
    # tell the people concerned; the admin shows them but does not write them.
    readonly_fields = [
        "source",
        "source_key",
        "receipt_code",
        "reported_at",
        "learned_at",
        "severity",
        "recordable",
        "recordability_answers",
        "privacy_case",
        "privacy_reason",
        "state_reportable",
        "hospital_observation_only",
        "state_reported_at",
        "state_reported_by",
        "state_report_confirmation",
        "status",
        "assignee",
        "closed_at",
        "close_reason",
        "possible_duplicate_of",
        "merged_into",
    ]


# What officers write on the triage pages (actions, investigations, notes, code corrections) and
# what the claims page and its import keep is read here, with its history, never written: the
# pages check it and audit it, and the admin would skip both.


@admin.register(CorrectiveAction)
class CorrectiveActionAdmin(ReadOnlyAdmin, ReadOnlyHistoryAdmin):
    list_display = ["incident", "control_level", "owner", "due_on", "status"]
    list_filter = ["status", "control_level"]
    raw_id_fields = ["incident", "owner"]


@admin.register(Claim)
class ClaimAdmin(ReadOnlyAdmin, ReadOnlyHistoryAdmin):
    list_display = [
        "claim_number",
        "incident",
        "employee_id",
        "injured_on",
        "status",
        "paid_to_date",
        "total_incurred",
        "linked_by_hand",
    ]
    list_filter = ["status", "linked_by_hand"]
    search_fields = ["claim_number", "employee_id"]
    raw_id_fields = ["incident"]


@admin.register(ComplianceClock)
class ComplianceClockAdmin(ReadOnlyAdmin, ReadOnlyHistoryAdmin):
    """The legal clocks, to read (see ClockInline)."""

    list_display = ["incident", "kind", "due_at", "completed_at"]
    list_filter = ["kind"]
    raw_id_fields = ["incident", "completed_by"]


@admin.register(Investigation)
class InvestigationAdmin(ReadOnlyAdmin, ReadOnlyHistoryAdmin):
    list_display = ["incident", "completed_by", "completed_at"]
    raw_id_fields = ["incident", "completed_by"]


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyHistoryAdmin):
    list_display = ["incident", "content_type", "size", "sha256", "uploaded_at"]
    raw_id_fields = ["incident"]


@admin.register(CaseNote)
class CaseNoteAdmin(ReadOnlyAdmin, ReadOnlyHistoryAdmin):
    list_display = ["incident", "author", "created_at"]
    raw_id_fields = ["incident", "author"]


@admin.register(CodeCorrection)
class CodeCorrectionAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Officers' choices against the coder's suggestions, which the coder learns from every
    week (`incidents.coder_learning`): written by the case page only."""

    list_display = ["incident", "field", "suggested_code", "chosen_code", "officer", "created_at"]
    raw_id_fields = ["incident", "officer"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if privacy_cases_hidden_from(request.user):
            queryset = queryset.exclude(private_cases_q("incident"))
        return queryset


@admin.register(PrivacyCaseView)
class PrivacyCaseViewAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """The log of who opened a privacy case: written by the triage pages, read here."""

    list_display = ["incident", "user", "viewed_at", "path"]
    raw_id_fields = ["incident", "user"]
