from django.urls import path

from incidents import owner_views, views

app_name = "incidents"

urlpatterns = [
    path("report/", views.report_create, name="report-create"),
    path("report/done/<str:reference>/", views.report_done, name="report-done"),
    path("report/anonymous/", views.anonymous_report_create, name="anonymous-create"),
    path("report/anonymous/status/", views.anonymous_status, name="anonymous-status"),
    path("my-reports/", views.my_reports, name="my-reports"),
    path("my-actions/", owner_views.my_actions, name="my-actions"),
    path("my-actions/<int:pk>/", owner_views.my_action_update, name="my-action-update"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    # The offline worker must be served from the root for its scope to cover /report/.
    path("sw.js", views.service_worker, name="service-worker"),
]
