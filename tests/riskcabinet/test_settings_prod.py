"""A production start without its essentials stops with one line saying what to set."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

GOOD_ENV = {
    "DJANGO_SETTINGS_MODULE": "riskcabinet.settings.prod",
    "SECRET_KEY": "x" * 64 + "-production-secret-key-for-the-deploy-check-0123456789",
    "DATABASE_URL": "postgres://riskcabinet:secret@db.internal:5432/riskcabinet",
    "ALLOWED_HOSTS": "safety.lacity.example",
    "CSRF_TRUSTED_ORIGINS": "https://safety.lacity.example",
    "CELERY_BROKER_URL": "redis://redis.internal:6379/0",
    "CACHE_URL": "redis://redis.internal:6379/1",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.lacity.example:587",
}


def _manage(*args: str, **env_overrides: str) -> subprocess.CompletedProcess:
    # The browser tests allow the ORM beside Playwright's event loop for this test process only;
    # a production check must not inherit that.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in GOOD_ENV and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(GOOD_ENV)
    for key, value in env_overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY is not set"),
        ({"DATABASE_URL": None}, "DATABASE_URL is not set"),
        ({"DATABASE_URL": "not-a-url"}, "DATABASE_URL is not usable"),
        ({"DATABASE_URL": "sqlite:///tmp/x.sqlite3"}, "must point at PostgreSQL"),
        ({"DATABASE_PREPARE_THRESHOLD": "five"}, "DATABASE_PREPARE_THRESHOLD must be"),
    ],
)
def test_it_stops_with_one_line_naming_what_to_set(overrides, expected):
    result = _manage("check", **overrides)
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert expected in lines[0]
    assert "Traceback" not in result.stderr


def test_it_passes_the_deploy_check_with_a_realistic_environment():
    result = _manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("unset", "warning", "words"),
    [
        ("CACHE_URL", "riskcabinet.W001", "counted in each web process"),
        ("CELERY_BROKER_URL", "riskcabinet.W002", "never run on their own"),
    ],
)
def test_the_deploy_check_warns_of_a_part_left_out(unset, warning, words):
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **{unset: None})
    assert result.returncode == 1
    report = result.stdout + result.stderr
    assert warning in report
    assert words in report


def test_the_anonymous_limit_needs_no_shared_cache_when_it_is_off():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        CACHE_URL=None,
        ANONYMOUS_REPORTS_PER_HOUR="0",
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("threshold", "expected"), [(None, "5"), ("none", "None"), ("0", "0")])
def test_production_binds_on_the_server_and_prepares_statements(threshold, expected):
    show = "from django.conf import settings; o = settings.DATABASES['default']['OPTIONS']; "
    show += "print(o['server_side_binding'], o['prepare_threshold'])"
    result = _manage("shell", "--no-imports", "-c", show, DATABASE_PREPARE_THRESHOLD=threshold)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", expected]


def test_production_sends_plain_http_to_https_except_the_health_check():
    show = (
        "from django.middleware.security import SecurityMiddleware\n"
        "from django.test import RequestFactory\n"
        "check = SecurityMiddleware(lambda request: None).process_request\n"
        "factory = RequestFactory(HTTP_HOST='safety.lacity.example')\n"
        "for path in ('/report/', '/health/'):\n"
        "    answer = check(factory.get(path))\n"
        "    print(answer.status_code if answer else 'served')\n"
    )
    result = _manage("shell", "--no-imports", "-c", show)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["301", "served"]
