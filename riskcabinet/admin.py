from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from riskcabinet.models import DataImport, Department, DepartmentScore, ExposureMonth, Person


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(ExposureMonth)
class ExposureMonthAdmin(SimpleHistoryAdmin):
    list_display = ["department", "month", "hours_worked", "headcount"]
    list_filter = ["department"]
    date_hierarchy = "month"


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
