from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from riskcabinet.models import DataImport, Department, DepartmentScore, ExposureMonth, Person
from riskcabinet.services import rankings_refresh_queue


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


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
class DataImportAdmin(admin.ModelAdmin):
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

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["user", "employee_id", "department", "job_title", "preferred_language"]
    list_filter = ["department", "preferred_language"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "employee_id"]
    filter_horizontal = ["covered_departments"]
    raw_id_fields = ["user"]


@admin.register(DepartmentScore)
class DepartmentScoreAdmin(admin.ModelAdmin):
    list_display = ["month", "rank", "department", "score", "trir", "dart"]
    list_filter = ["month"]
