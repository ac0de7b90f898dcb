"""Request middleware: language choice, and a retryable answer when the database is away."""

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _

from riskcabinet.roles import Role, role_of

logger = logging.getLogger(__name__)

LANGUAGE_SESSION_KEY = "riskcabinet_language"


class PreferredLanguageMiddleware:
    """Sets the language cookie from the signed-in person's profile when none was chosen.

    Django's LocaleMiddleware (which runs next) reads the language cookie and then the browser's
    Accept-Language header; this middleware only fills in the profile's language for signed-in
    employees who have not used the switch.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        cookie_name = settings.LANGUAGE_COOKIE_NAME
        if cookie_name not in request.COOKIES:
            user = getattr(request, "user", None)
            language = None
            if user is not None and user.is_authenticated:
                person = getattr(user, "person", None)
                language = getattr(person, "preferred_language", None)
            if language and translation.check_for_language(language):
                request.COOKIES[cookie_name] = language
        return self.get_response(request)


# The pages of these URL namespaces (triage, OSHA logs, the cabinet, its packets, the admin)
# are written in English only. The employee pages (the report form, My reports) speak Spanish too.
ENGLISH_ONLY_NAMESPACES = frozenset({"triage", "osha", "cabinet", "reports", "admin"})


class EnglishOnlyPagesMiddleware:
    """Shows the English-only pages in English whole, whatever language the employee pages are
    read in: otherwise a Spanish reader got an English page under a Spanish menu, with Spanish
    month names inside English sentences. The language chosen is kept for the employee pages,
    and for the refusal an employee (or a visitor) gets at a staff address. On an English-only
    page, ``request.english_only`` tells the header not to offer a switch that would change
    nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        english_only = (
            bool(match and match.namespaces)
            and match.namespaces[0] in ENGLISH_ONLY_NAMESPACES
            and role_of(request.user) not in (None, Role.EMPLOYEE)
        )
        request.english_only = english_only
        if english_only:
            translation.activate("en")
            request.LANGUAGE_CODE = "en"
        return None


class DatabaseUnavailableMiddleware:
    """Answers 503 with Retry-After when the database connection drops mid-request.

    A restart or failover of PostgreSQL breaks the open connections. The request's transaction
    was rolled back, so nothing was half-written; the phone's offline queue (and any client)
    can send the same report again, and the client UUID keeps it from being stored twice.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.warning("Database unavailable during %s %s", request.method, request.path)
        # Drop the broken connection so the next request opens a fresh one.
        for connection in connections.all(initialized_only=True):
            connection.close_if_unusable_or_obsolete()
        message = _("The service is briefly unavailable. Your report was not lost: try again.")
        if request.headers.get("Accept", "").startswith("application/json"):
            response = JsonResponse({"error": message, "retry": True}, status=503)
        else:
            response = HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = "5"
        return response
