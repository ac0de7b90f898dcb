from django.urls import path

from riskcabinet import cabinet_views

app_name = "cabinet"

urlpatterns = [
    path("", cabinet_views.dashboard, name="dashboard"),
    path("recompute/", cabinet_views.recompute, name="scores-recompute"),
    path("departments/<str:code>/", cabinet_views.department, name="department"),
]
