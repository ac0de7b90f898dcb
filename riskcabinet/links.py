"""Links in emails: the site's public address (SITE_URL) joined to a page's path."""

from django.conf import settings
from django.urls import reverse


def site_link(viewname: str, *args, **kwargs) -> str:
    """The absolute address of the page `viewname`, for an email that links to it."""
    return settings.SITE_URL.rstrip("/") + reverse(viewname, args=args, kwargs=kwargs)
