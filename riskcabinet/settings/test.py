"""Test settings. DATABASE_URL selects SQLite (default) or PostgreSQL."""

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = ""
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
AXES_ENABLED = False
# The anonymous form's limit counts per process and hour, so every test posting anonymous
# reports would share one count; the limit's own tests set it.
ANONYMOUS_REPORTS_PER_HOUR = 0
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory. With an in-memory database Django's live server shares the test's one
    # connection with every request thread, so two requests at once (the page and the service
    # worker sending the same queued report) would run inside each other's transaction, which
    # never happens in production. On a file each request gets its own connection, as there.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test-riskcabinet.sqlite3")}  # noqa: F405
