"""A limit on anonymous reports from one network address, so that the public form cannot be
flooded with reports (and photos) by a script.

The sender stays anonymous: their address is never stored. The cache holds a keyed hash of it
(HMAC with the secret key, so that trying every address does not reverse it) and a count for
each clock hour, kept for two hours. The limit is over the last sixty minutes, estimated from
the two latest counts: all of this hour's reports, plus last hour's weighted by the share of it
still inside the sixty minutes. So a burst across the hour's boundary cannot take twice the
limit, and a refused report is not counted. Many phones share one address (a carrier's NAT,
the city's own network), so the limit is generous: ``ANONYMOUS_REPORTS_PER_HOUR``, 0 for none.
A report sent again under the same client UUID is not counted (the view answers it before
asking here), and when the cache cannot be reached the report is taken: losing a report is
worse than a flood.

Behind a proxy, ``TRUSTED_PROXY_HOPS`` says how many proxies append to X-Forwarded-For; the
address is read that many entries from its end. A cache shared by the web processes (Redis,
``CACHE_URL``) gives one count for all of them; the default in-memory cache counts per process.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import time
from dataclasses import dataclass

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


def _key(address: str, window: int, scope: str = "anonymous-reports") -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256)
    return f"{scope}:{window}:{digest.hexdigest()[:32]}"


@dataclass(frozen=True)
class Admission:
    """Whether a report is taken; if not, how many seconds until the sender's next one would be."""

    admitted: bool
    retry_after: int = 0


def anonymous_report_admit(request: HttpRequest, *, now: float | None = None) -> Admission:
    """Count one more anonymous report from the sender's address, unless that would take the
    last sixty minutes over the limit."""
    return _admit(request, settings.ANONYMOUS_REPORTS_PER_HOUR, "anonymous-reports", now)


def held_report_admit(request: HttpRequest, *, now: float | None = None) -> Admission:
    """The same limit for reports held in a new session for someone signed out: anyone may post
    one, and each makes a session row, so one address may not make them without end."""
    return _admit(request, settings.HELD_REPORTS_PER_HOUR, "held-reports", now)


def _admit(request: HttpRequest, limit: int, scope: str, now: float | None) -> Admission:
    if not limit:
        return Admission(True)
    now = time.time() if now is None else now
    window, elapsed = divmod(now, WINDOW_SECONDS)
    address = client_address(request)
    key = _key(address, int(window), scope)
    try:
        cache.add(key, 0, timeout=2 * WINDOW_SECONDS)
        try:
            count = cache.incr(key)
        except ValueError:  # The key expired between the two calls.
            cache.set(key, 1, timeout=2 * WINDOW_SECONDS)
            count = 1
        previous = cache.get(_key(address, int(window) - 1, scope), 0)
        if _estimate(previous, count, elapsed) <= limit:
            return Admission(True)
        cache.decr(key)
    except Exception:
        logger.warning("anonymous report limit not checked: no cache", exc_info=True)
        return Admission(True)
    return Admission(False, _wait(previous, count - 1, limit, elapsed))


def _estimate(previous: int, current: int, elapsed: float) -> float:
    """Reports in the last sixty minutes, counting last hour's as spread evenly over it."""
    return previous * (1 - elapsed / WINDOW_SECONDS) + current


def _wait(previous: int, current: int, limit: int, elapsed: float) -> int:
    """Seconds until one more report fits, with no other report meanwhile."""
    room = limit - current - 1
    if room >= 0 and previous:
        # Last hour's share falls as this hour goes on; find when it leaves room for one more.
        ready = WINDOW_SECONDS * (1 - room / previous)
        if ready < WINDOW_SECONDS:
            return max(1, math.ceil(ready - elapsed))
    # Not this hour: next hour, this hour's count is the one that falls away.
    ready = WINDOW_SECONDS * max(0.0, 1 - (limit - 1) / current) if current else 0.0
    return max(1, math.ceil(WINDOW_SECONDS - elapsed + ready))
