from django.urls import path

from riskcabinet import cabinet_views

app_name = "cabinet"

urlpatterns = [
    path("", cabinet_views.dashboard, name="dashboard"),
]
