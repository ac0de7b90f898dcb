"""Production settings: PostgreSQL, Redis, SMTP, gunicorn behind a TLS proxy."""

import sys
import warnings

import environ

from riskcabinet.settings.database import (
    DEFAULT_PREPARE_THRESHOLD,
    POSTGRESQL_ENGINE,
    postgresql_options,
)

_env = environ.Env()


def _stop(message: str) -> None:
    # A one-line message, not a traceback: the operator needs to know what to set.
    sys.stderr.write(f"riskcabinet: {message}\n")
    raise SystemExit(2)


if not _env("SECRET_KEY", default=""):
    _stop("SECRET_KEY is not set; set it to a long random string (50+ characters).")
if not _env("DATABASE_URL", default=""):
    _stop("DATABASE_URL is not set; set it to postgres://USER:PASSWORD@HOST:5432/NAME.")
try:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _database = _env.db("DATABASE_URL")
except Exception:
    _stop("DATABASE_URL is not usable; set it to postgres://USER:PASSWORD@HOST:5432/NAME.")
if not _database.get("ENGINE"):
    _stop("DATABASE_URL is not usable; set it to postgres://USER:PASSWORD@HOST:5432/NAME.")
if "postgresql" not in _database["ENGINE"]:
    _stop("DATABASE_URL must point at PostgreSQL, e.g. postgres://USER:PASSWORD@HOST:5432/NAME.")
_database["ENGINE"] = POSTGRESQL_ENGINE
try:
    _database["OPTIONS"] = postgresql_options(
        _database.get("OPTIONS", {}),
        _env.str("DATABASE_PREPARE_THRESHOLD", default=DEFAULT_PREPARE_THRESHOLD),
    )
except ValueError as error:
    _stop(str(error))

from .base import *  # noqa: E402, F403

DEBUG = False
DATABASES = {"default": _database}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# --- HTTPS ------------------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)  # noqa: F405
# The load balancer asks for the health check over plain HTTP, straight from gunicorn.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)  # noqa: F405
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])  # noqa: F405
# The TLS proxy appends the client's address to X-Forwarded-For.
TRUSTED_PROXY_HOPS = env.int("TRUSTED_PROXY_HOPS", default=1)  # noqa: F405

# --- Static files -----------------------------------------------------------------------------
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Email ------------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="smtp://localhost:25")  # noqa: F405
vars().update(EMAIL_CONFIG)
