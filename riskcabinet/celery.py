"""The Celery application. Tasks run eagerly in development and tests unless a broker is set."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riskcabinet.settings.dev")

app = Celery("riskcabinet")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
