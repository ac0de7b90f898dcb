"""Settings shared by every environment. Values come from the environment (django-environ)."""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from riskcabinet.settings.database import (
    DEFAULT_PREPARE_THRESHOLD,
    POSTGRESQL_ENGINE,
    postgresql_options,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# --- Core -------------------------------------------------------------------------------------

SECRET_KEY = env("SECRET_KEY", default="riskcabinet-insecure-development-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CITY_NAME = env("CITY_NAME", default="City of Los Angeles")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "simple_history",
    "axes",
    "csp",
    "django_celery_beat",
    "riskcabinet",
    "incidents",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "riskcabinet.middleware.PreferredLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "riskcabinet.middleware.EnglishOnlyPagesMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "riskcabinet.middleware.DatabaseUnavailableMiddleware",
    # Axes must be last: it reads the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "riskcabinet.urls"
WSGI_APPLICATION = "riskcabinet.wsgi.application"
ASGI_APPLICATION = "riskcabinet.asgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "riskcabinet.context_processors.navigation",
            ],
        },
    },
]

(BASE_DIR / "var").mkdir(exist_ok=True)

# --- Database ---------------------------------------------------------------------------------
# SQLite is the embedded default so that `make run` works on a bare machine; production sets
# DATABASE_URL to PostgreSQL.

DATABASES = {
    "default": env.db(
        "DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'riskcabinet.sqlite3'}"
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Seconds a worker keeps its database connection between requests (0: a new one each time).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let concurrent intake requests wait for the write lock instead of
    # failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = POSTGRESQL_ENGINE
    try:
        DATABASES["default"]["OPTIONS"] = postgresql_options(
            DATABASES["default"].get("OPTIONS", {}),
            env.str("DATABASE_PREPARE_THRESHOLD", default=DEFAULT_PREPARE_THRESHOLD),
        )
    except ValueError as error:
        raise ImproperlyConfigured(str(error)) from None

# --- Authentication ---------------------------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "riskcabinet.auth.PersonModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling: five failures lock that username from that address for 30 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client's own address behind the TLS proxy (TRUSTED_PROXY_HOPS), as the anonymous form's
# limit reads it: with the proxy's address, wrong passwords from anywhere locked an officer out.
AXES_CLIENT_IP_CALLABLE = "incidents.throttle.client_address"

# Sessions live in the database (read with one plain statement: riskcabinet/sessions.py) and
# expire after eight hours (one shift) and when the browser closes.
SESSION_ENGINE = "riskcabinet.sessions"
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # The offline queue reads the token to resend reports.

# --- Internationalisation ---------------------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Español"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["riskcabinet.formats"]
TIME_ZONE = "America/Los_Angeles"
USE_I18N = True
USE_TZ = True

# --- Static and media files -------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Photos are up to 10 MB each and at most five per report.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 400

# --- Security headers -------------------------------------------------------------------------

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# No inline scripts anywhere: every script is a static file from our own origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- The public anonymous form ---------------------------------------------------------------
# Reports taken per network address in any sixty minutes (incidents/throttle.py); 0 for none. Many
# phones share an address (a carrier's NAT, the city's network), hence a generous figure.
ANONYMOUS_REPORTS_PER_HOUR = env.int("ANONYMOUS_REPORTS_PER_HOUR", default=30)
# Reports held for someone signed out (incidents/views.py _report_hold), per address and hour:
# each is a session row anyone can make without signing in; 0 for no limit.
HELD_REPORTS_PER_HOUR = env.int("HELD_REPORTS_PER_HOUR", default=20)
# How many proxies in front of the app append to X-Forwarded-For (0: the client connects here).
TRUSTED_PROXY_HOPS = env.int("TRUSTED_PROXY_HOPS", default=0)
# The count lives in the cache: one per process unless CACHE_URL names a shared one (redis://).
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# --- Audit history ----------------------------------------------------------------------------
# History rows are written by django-simple-history; nobody may revert or edit them from the app.
SIMPLE_HISTORY_REVERT_DISABLED = True
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# --- Email ------------------------------------------------------------------------------------

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# A mail server that takes the connection and never answers gives up after this many seconds,
# instead of holding a scheduled job (and the rows it locked) or a web request for ever.
EMAIL_TIMEOUT = env.float("EMAIL_TIMEOUT", default=10.0)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="riskcabinet <no-reply@riskcabinet.local>")
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# --- Celery -----------------------------------------------------------------------------------
# Without a broker, tasks run in the calling process (eager), so `make run` needs no Redis.

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# visibility_timeout: seconds before Redis hands a task whose worker died unacknowledged to
# another worker. It must be longer than the longest task; the test of a killed worker shortens
# it. The socket timeouts keep a Redis that accepts connections but does not answer from holding
# a web request (and its worker) forever when a task is queued: queueing then fails after a few
# seconds and riskcabinet.queueing does the work another way.
_BROKER_SOCKET_TIMEOUT = env.float("CELERY_BROKER_SOCKET_TIMEOUT", default=3.0)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    "socket_connect_timeout": _BROKER_SOCKET_TIMEOUT,
    "socket_timeout": _BROKER_SOCKET_TIMEOUT,
}
# A request that queues a task tries the broker twice, then gives up (Celery's default is four
# tries over about a second, each of which may wait for the socket timeouts above).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BEAT_SCHEDULE = {
    # At 07:00, and again at 08:00 to 10:00 for a reminder refused or lost with its worker, or
    # an action given to its owner since (no action is in its owner's reminders twice a day).
    "corrective-action-reminders": {
        "task": "incidents.tasks.corrective_action_reminders_send",
        "schedule": crontab(hour="7-10", minute=0),
    },
    "compliance-deadline-warnings": {
        "task": "incidents.tasks.compliance_clock_warnings_send",
        "schedule": crontab(minute=5),
    },
    "monthly-briefing-packet": {
        "task": "reports.tasks.packet_build_for_last_month",
        "schedule": crontab(day_of_month=2, hour=6, minute=0),
    },
    # The packet's email to the readers not told of it yet (the mail server was down, or they
    # joined the cabinet since).
    "monthly-briefing-packet-email": {
        "task": "reports.tasks.packet_notify_last_month",
        "schedule": crontab(day_of_month="2-7", minute=20),
    },
    # Every night, so that late reports and reclassified cases reach last month's ranking.
    "monthly-risk-scores": {
        "task": "riskcabinet.tasks.department_scores_refresh_last_month",
        "schedule": crontab(hour=3, minute=0),
    },
    # The record of who was sent which scheduled email is kept for a year.
    "mail-deliveries-prune": {
        "task": "riskcabinet.tasks.mail_deliveries_prune",
        "schedule": crontab(hour=3, minute=30),
    },
    # Until payroll's file for last month is in: the ranking and the packet need it.
    "payroll-hours-reminders": {
        "task": "riskcabinet.tasks.payroll_hours_reminders_send",
        "schedule": crontab(day_of_month="1-7", hour=7, minute=30),
    },
    # The narrative coder learns the officers' code choices of the week (about two minutes of
    # a worker, only when they have changed); after the nightly scores, and outside the hour
    # that daylight saving time skips or repeats.
    "coder-learns-from-corrections": {
        "task": "incidents.tasks.coder_learn_from_corrections",
        "schedule": crontab(day_of_week="sunday", hour=4, minute=0),
    },
}

# --- Logging ----------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
