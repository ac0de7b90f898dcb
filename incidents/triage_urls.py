from django.urls import path

from incidents import triage_views

app_name = "triage"

urlpatterns = [
    path("", triage_views.queue, name="queue"),
]
