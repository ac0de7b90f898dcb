"""Shared pieces of the hardening suite: hypothesis settings and response checks."""

import html

from hypothesis import HealthCheck, settings

# Modest example counts keep each file well under 30 s on a loaded two-core machine.
FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FUZZ_FEW = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def assert_no_traceback(text: str | bytes) -> None:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    assert "Traceback (most recent call last)" not in text
    assert 'File "' not in text


def shows(response, message: str) -> bool:
    """Whether the page shows `message` as a person reads it (HTML-escaped)."""
    body = response.content.decode("utf-8", "replace")
    return html.escape(str(message)) in body or str(message) in body
