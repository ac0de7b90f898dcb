from django.contrib import admin

from riskcabinet.models import Department, DepartmentScore, ExposureMonth, Person


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(ExposureMonth)
class ExposureMonthAdmin(admin.ModelAdmin):
    list_display = ["department", "month", "hours_worked", "headcount"]
    list_filter = ["department"]
    date_hierarchy = "month"


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
