"""Security headers on every page, login throttling, and sessions that expire."""

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from riskcabinet.roles import Role
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def test_it_sends_a_content_security_policy_without_inline_scripts(client):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy


def test_it_denies_framing_and_limits_the_referrer(client):
    response = client.get(reverse("login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_it_serves_pages_without_inline_script_blocks(client):
    user = user_with_role(Role.EMPLOYEE)
    client.force_login(user)
    for name in ("login", "incidents:my-reports"):
        html = client.get(reverse(name)).content.decode()
        for chunk in html.split("<script")[1:]:
            tag = chunk.split(">", 1)[0]
            assert "src=" in tag, f"inline script on {name}: <script{tag}>"


def test_it_locks_a_username_after_five_failed_logins(client, settings):
    settings.AXES_ENABLED = True
    user = user_with_role(Role.EMPLOYEE)
    for _ in range(5):
        client.post(reverse("login"), {"username": user.username, "password": "wrong-password"})
    response = client.post(
        reverse("login"), {"username": user.username, "password": "riskcabinet-demo"}
    )
    assert response.status_code == 429
    assert "locked for 30 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_ends_sessions_after_one_shift_and_on_browser_close():
    assert django_settings.SESSION_COOKIE_AGE <= 8 * 60 * 60
    assert django_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert django_settings.SESSION_COOKIE_HTTPONLY is True
