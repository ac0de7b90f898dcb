"""Language choice: an explicit switch wins, then the person's profile, then the browser."""

from django.conf import settings
from django.utils import translation

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
