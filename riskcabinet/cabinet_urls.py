from django.urls import path

from riskcabinet import cabinet_views, hours_views

app_name = "cabinet"

urlpatterns = [
    path("", cabinet_views.dashboard, name="dashboard"),
    path("recompute/", cabinet_views.recompute, name="scores-recompute"),
    path("departments/<str:code>/", cabinet_views.department, name="department"),
    path("hours/", hours_views.hours, name="hours"),
    path("hours/imports/<int:pk>/", hours_views.hours_import, name="hours-import"),
    path("hours/template.csv", hours_views.hours_template, name="hours-template"),
]
