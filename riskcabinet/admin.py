from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db import transaction
from django.db.models import ProtectedError
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from simple_history.admin import SimpleHistoryAdmin

from riskcabinet.models import (
    DataImport,
    Department,
    DepartmentScore,
    ExposureMonth,
    MailDelivery,
    Person,
)
from riskcabinet.roles import ROLE_PRECEDENCE
from riskcabinet.services import departments_merge, rankings_refresh_queue


class ReadOnlyAdmin:
    """For a ModelAdmin or an inline whose rows are written by the product (its pages, its
    imports, its computations), which check and audit them: read here, never added, changed
    or deleted."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class CoveredFilter(admin.SimpleListFilter):
    """Departments by whether an active safety officer covers them: a case in one that nobody
    covers reaches only the risk managers."""

    title = "covered by an officer"
    parameter_name = "covered"

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "No one covers it")]

    def queryset(self, request, queryset):
        covered = queryset.filter(safety_officers__user__is_active=True).values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=covered)
        if self.value() == "no":
            return queryset.exclude(pk__in=covered)
        return queryset


class DepartmentMergeForm(forms.Form):
    into = forms.ModelChoiceField(
        queryset=Department.objects.none(),
        label="Merge it into",
        help_text="The department that goes on. It takes the cases, sites, people, officers' "
        "coverage and payroll hours, and keeps the old code for later payroll files.",
    )

    def __init__(self, *args, merged: Department, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = Department.objects.exclude(pk=merged.pk)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "former_codes", "officers"]
    list_filter = [CoveredFilter]
    search_fields = ["code", "name", "former_codes"]
    actions = ["merge"]

    @admin.action(description="Merge the selected department into another", permissions=["delete"])
    def merge(self, request, queryset):
        """A reorganisation: one department folded into another, asked for on a page that says
        what moves."""
        if queryset.count() != 1:
            self.message_user(
                request, "Select one department to merge into another.", messages.ERROR
            )
            return None
        merged = queryset.get()
        form = DepartmentMergeForm(request.POST if "apply" in request.POST else None, merged=merged)
        if form.is_valid():
            into = form.cleaned_data["into"]
            try:
                done = departments_merge(merged=merged, into=into, user=request.user)
            except ProtectedError:
                # A report or a site came in for it during the merge, which was undone whole.
                self.message_user(
                    request,
                    f"Something was added to {merged.name} while it was being merged, so "
                    f"nothing was changed: merge it again.",
                    messages.ERROR,
                )
                return None
            self.message_user(
                request,
                f"{merged.name} ({merged.code}) merged into {into.name}: "
                f"{done.cases} case{pluralize(done.cases)}, {done.establishments} "
                f"site{pluralize(done.establishments)} and {done.people} "
                f"{'person' if done.people == 1 else 'people'} moved; payroll hours of "
                f"{done.months_added + done.months_moved} month"
                f"{pluralize(done.months_added + done.months_moved)} moved or added to its own. "
                f"Payroll files in {merged.code} now reach {into.code}.",
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/riskcabinet/department/merge.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Merge {merged.name} into another department",
                "opts": self.model._meta,
                "merged": merged,
                "form": form,
                "cases": merged.incidents.count(),
                "establishments": merged.establishments.count(),
                "people": merged.people.count(),
                "months": merged.exposure.count(),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("safety_officers__user")

    @admin.display(description="covered by")
    def officers(self, department: Department) -> str:
        names = sorted(
            str(person) for person in department.safety_officers.all() if person.user.is_active
        )
        return ", ".join(names) or "nobody"

    # A department deleted (only one without cases can be) takes its payroll hours and stored
    # rankings with it: the months they reached are ranked again, as a deleted payroll month is.
    def delete_model(self, request, obj) -> None:
        self.delete_queryset(request, Department.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset) -> None:
        months = [
            month
            for model in (ExposureMonth, DepartmentScore)
            for month in model.objects.filter(department__in=queryset).values_list(
                "month", flat=True
            )
        ]
        super().delete_queryset(request, queryset)
        if months:
            rankings_refresh_queue(since=min(months))


@admin.register(ExposureMonth)
class ExposureMonthAdmin(SimpleHistoryAdmin):
    """Payroll hours, to read and, when wrongly imported, to delete. They are added and corrected
    through the payroll import, which checks each row, records the file and ranks again the
    months the change reaches; a deletion here ranks them again too."""

    list_display = ["department", "month", "hours_worked", "headcount"]
    list_filter = ["department"]
    date_hierarchy = "month"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        rankings_refresh_queue(since=obj.month)

    def delete_queryset(self, request, queryset) -> None:
        first = min((row.month for row in queryset), default=None)
        super().delete_queryset(request, queryset)
        if first is not None:
            rankings_refresh_queue(since=first)


@admin.register(DataImport)
class DataImportAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """The record of imported payroll and claims files: read-only, as an audit trail must be."""

    list_display = [
        "imported_at",
        "kind",
        "file_name",
        "imported_by",
        "created",
        "updated",
        "unchanged",
    ]
    list_filter = ["kind"]
    date_hierarchy = "imported_at"


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["user", "employee_id", "department", "job_title", "preferred_language"]
    list_filter = ["department", "covered_departments", "preferred_language"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "employee_id"]
    filter_horizontal = ["covered_departments"]
    raw_id_fields = ["user"]

    @transaction.atomic
    def save_related(self, request, form, formsets, change) -> None:
        """A department taken off a safety officer's coverage: the open cases there assigned to
        them, which they can no longer open, go back to nobody (a risk manager sees them all)."""
        person = form.instance
        before = set(person.covered_departments.values_list("pk", flat=True)) if change else set()
        super().save_related(request, form, formsets, change)
        dropped = before - set(person.covered_departments.values_list("pk", flat=True))
        if dropped and not person.user.has_perm("incidents.triage_all_departments"):
            names = ", ".join(
                Department.objects.filter(pk__in=dropped).values_list("code", flat=True)
            )
            _open_cases_unassign(
                request,
                self,
                user=person.user,
                departments=dropped,
                reason=f"Unassigned: {person.user.get_username()} no longer covers {names}",
            )


@admin.register(DepartmentScore)
class DepartmentScoreAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Stored rankings, to read: they are computed from the cases and the payroll hours (and
    computed again with `manage.py score --since YYYY-MM`), never typed in."""

    list_display = ["month", "rank", "department", "score", "trir", "dart"]
    list_filter = ["month", "department"]


@admin.register(MailDelivery)
class MailDeliveryAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Who was sent which scheduled email, to read: a row never sent, with attempts, is an
    address the mail server kept refusing (after six, it is not tried again)."""

    list_display = ["topic", "recipient", "created_at", "sent_at", "attempts"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["topic", "recipient"]


def _open_cases_unassign(request, model_admin, *, user, reason: str, departments=None) -> None:
    """Put the open cases assigned to ``user`` back to nobody (see ``incidents_unassign``) and
    tell the administrator which."""
    from incidents.triage_services import incidents_unassign

    references = incidents_unassign(
        assignee=user, by=request.user, reason=reason, departments=departments
    )
    if references:
        model_admin.message_user(
            request,
            f"{len(references)} open case{pluralize(len(references))} assigned to "
            f"{user.get_username()} now assigned to nobody: {_references(references)}.",
            messages.WARNING,
        )


def _references(references: list[str], *, shown: int = 10) -> str:
    more = len(references) - shown
    return ", ".join(references[:shown]) + (f" and {more} more" if more > 0 else "")


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class AccountAdmin(UserAdmin):
    """Accounts. Deactivating someone who left puts their open cases back to nobody (audited), so
    that the triage queue shows them as unassigned rather than with a person who will never open
    them, and names the open corrective actions they still own, to be handed to someone else."""

    @transaction.atomic
    def save_model(self, request, obj, form, change) -> None:
        deactivated = change and "is_active" in form.changed_data and not obj.is_active
        super().save_model(request, obj, form, change)
        if deactivated:
            self._leaver_work_release(request, obj)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        user = form.instance
        if user.is_active and not user.is_superuser:
            self._role_groups_check(request, user)

    def _role_groups_check(self, request, user) -> None:
        """A role is a group: tell the administrator of an account in none (it signs in to
        nothing) or in several (it acts in the strongest, with the permissions of all)."""
        names = set(user.groups.values_list("name", flat=True))
        roles = [role.value for role in ROLE_PRECEDENCE if role.value in names]
        username = user.get_username()
        if not roles:
            self.message_user(
                request,
                f"{username} is in no role group, so they can sign in but see nothing: add them "
                f"to one of {', '.join(role.value for role in reversed(ROLE_PRECEDENCE))}.",
                messages.WARNING,
            )
        elif len(roles) > 1:
            self.message_user(
                request,
                f"{username} is in {len(roles)} role groups ({', '.join(roles)}): their pages are "
                f"those of a {roles[0]}, with the permissions of every group. Keep one group "
                f"unless that is meant.",
                messages.WARNING,
            )

    def _leaver_work_release(self, request, user) -> None:
        from incidents.models import OPEN_ACTION_STATUSES, CorrectiveAction

        _open_cases_unassign(
            request,
            self,
            user=user,
            reason=f"Unassigned: {user.get_username()}'s account was deactivated",
        )
        actions = list(
            CorrectiveAction.objects.filter(owner=user, status__in=OPEN_ACTION_STATUSES)
            .select_related("incident")
            .order_by("incident__reference", "pk")
        )
        if actions:
            references = list(dict.fromkeys(action.incident.reference for action in actions))
            self.message_user(
                request,
                f"{user.get_username()} still owns {len(actions)} open corrective "
                f"action{pluralize(len(actions))}, which no one will be reminded of: hand them "
                f"to another owner on the case page of {_references(references)}.",
                messages.WARNING,
            )
