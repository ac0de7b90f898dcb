"""Home routing, the health check and the error pages."""

import logging
import sys

import redis
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import defaults, i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe
from redis.backoff import NoBackoff
from redis.retry import Retry

from riskcabinet.roles import Role, role_of
from riskcabinet.services import person_language_remember

logger = logging.getLogger(__name__)
HEALTH_QUEUE_TIMEOUT = 1.0  # seconds

HOME_BY_ROLE = {
    Role.EMPLOYEE: "incidents:my-reports",
    Role.SAFETY_OFFICER: "triage:queue",
    Role.RISK_MANAGER: "triage:queue",
    Role.CABINET_MEMBER: "cabinet:dashboard",
    Role.ADMINISTRATOR: "triage:queue",
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role lands on its own home page."""
    role = role_of(request.user)
    return redirect(HOME_BY_ROLE.get(role, "incidents:my-reports"))


@never_cache
@require_safe
def health(request: HttpRequest) -> JsonResponse:
    """For the load balancer and monitoring: can this process serve, and is the task queue up?

    503 when the database does not answer (the process cannot serve). A task queue that cannot be
    reached leaves the status "degraded" with a 200: reports are still taken and the work that
    would be queued is done in the web process (riskcabinet.queueing), but the scheduled jobs
    (deadline warnings, reminders, packets) wait until it is back. No login, no session, and
    nothing about the data.
    """
    checks = {"database": _database_check(), "queue": _queue_check()}
    if checks["database"] != "ok":
        status, code = "down", 503
    elif checks["queue"] == "unreachable":
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    return JsonResponse({"status": status, **checks}, status=code)


def _database_check() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.warning("Health check: the database did not answer: %s", error)
        return "unreachable"
    return "ok"


def _queue_check() -> str:
    """The task queue: "ok", "unreachable", or "in process" without a broker (development).

    One PING to the Redis broker with one-second timeouts and no retries, so that a hung Redis
    keeps the answer within a load balancer's patience.
    """
    url = settings.CELERY_BROKER_URL
    if not url:
        return "in process"
    client = redis.Redis.from_url(
        url,
        socket_connect_timeout=HEALTH_QUEUE_TIMEOUT,
        socket_timeout=HEALTH_QUEUE_TIMEOUT,
        retry=Retry(NoBackoff(), 0),
    )
    try:
        client.ping()
    except (redis.RedisError, OSError) as error:
        logger.warning("Health check: the task queue did not answer: %s", error)
        return "unreachable"
    finally:
        client.close()
    return "ok"


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page; a dropped database connection becomes a retryable 503 instead.

    Django calls this inside its exception handler, so the exception is still at hand. The
    DatabaseUnavailableMiddleware answers for views; this covers failures in middleware (the
    session or the user lookup) while the database is restarting.
    """
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        response = HttpResponse(
            _("The service is briefly unavailable. Try again."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = "5"
        return response
    return defaults.server_error(request)


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """The language switch: Django's, and the signed-in person's emails follow the choice."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    if translation.check_for_language(language):
        person_language_remember(request.user, language)
    return response


class SignOut(auth_views.LogoutView):
    """Sign-out also forgets the language chosen with the switch: on a crew's shared phone, the
    next person gets their own profile's language (or the phone's), not the last person's."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response.delete_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
        )
        return response


def language_remember_at_sign_in(sender, request, user, **kwargs) -> None:
    """Receiver of user_logged_in: the language of the sign-in page is the one they read."""
    person_language_remember(user, getattr(request, "LANGUAGE_CODE", ""))
