from django.urls import path

from incidents import views

app_name = "incidents"

urlpatterns = [
    path("report/", views.report_create, name="report-create"),
    path("my-reports/", views.my_reports, name="my-reports"),
]
