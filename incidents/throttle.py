"""A limit on anonymous reports from one network address, so that the public form cannot be
flooded with reports (and photos) by a script.

The sender stays anonymous: their address is never stored. The cache holds a keyed hash of it
(HMAC with the secret key, so that trying every address does not reverse it) and a count, for
the current clock hour only. Many phones share one address (a carrier's NAT, the city's own
network), so the limit is generous: ``ANONYMOUS_REPORTS_PER_HOUR``, 0 for none. A report sent
again under the same client UUID is not counted (the view answers it before asking here), and
when the cache cannot be reached the report is taken: losing a report is worse than a flood.

Behind a proxy, ``TRUSTED_PROXY_HOPS`` says how many proxies append to X-Forwarded-For; the
address is read that many entries from its end. A cache shared by the web processes (Redis,
``CACHE_URL``) gives one count for all of them; the default in-memory cache counts per process.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 3600


def client_address(request: HttpRequest) -> str:
    hops = settings.TRUSTED_PROXY_HOPS
    if hops:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "")


def _key(address: str, window: int) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256)
    return f"anonymous-reports:{window}:{digest.hexdigest()[:32]}"


def anonymous_report_admit(request: HttpRequest, *, now: float | None = None) -> bool:
    """Count one more anonymous report from the sender's address; False when over the limit."""
    limit = settings.ANONYMOUS_REPORTS_PER_HOUR
    if not limit:
        return True
    window = int((time.time() if now is None else now) // WINDOW_SECONDS)
    key = _key(client_address(request), window)
    try:
        cache.add(key, 0, timeout=WINDOW_SECONDS)
        try:
            count = cache.incr(key)
        except ValueError:  # The key expired between the two calls.
            cache.set(key, 1, timeout=WINDOW_SECONDS)
            count = 1
    except Exception:
        logger.warning("anonymous report limit not checked: no cache", exc_info=True)
        return True
    return count <= limit


def seconds_to_next_window(*, now: float | None = None) -> int:
    now = time.time() if now is None else now
    return int(WINDOW_SECONDS - now % WINDOW_SECONDS) + 1
