"""Fixtures shared by the whole suite.

Integration fixtures (PostgreSQL, Redis, Chromium) skip on a developer's machine without the
service, but fail when CI is set: in CI a missing service is a broken build, never a skip.
"""

import os
import shutil

import pytest
from django.utils import translation

from tests.service_check import postgres_reachable, redis_reachable

DEFAULT_POSTGRES_URL = "postgres://riskcabinet:riskcabinet@127.0.0.1:5432/riskcabinet"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
CHROMIUM_PATH = "/usr/bin/chromium"


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """Every test starts in the default language.

    LocaleMiddleware activates the request's language on the thread and leaves it there, so
    after a test client request in Spanish, a later test on the same worker that calls a
    service directly would read its messages in Spanish.
    """
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache_for_each_test():
    """Every test starts with an empty cache: a value kept by an earlier test on the same
    worker (a chart's series, a one-try-a-day mark) would otherwise leak into it."""
    from django.core.cache import cache

    cache.clear()


def require_service(available: bool, what: str) -> None:
    """Fail in CI, skip elsewhere, when an integration service is missing."""
    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} is required in CI but is not available.", pytrace=False)
    pytest.skip(f"{what} is not available on this machine.")


@pytest.fixture(scope="session")
def postgres_url() -> str:
    url = os.environ.get("TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    require_service(postgres_reachable(url), f"PostgreSQL at {url}")
    return url


@pytest.fixture(scope="session")
def redis_url() -> str:
    url = os.environ.get("TEST_REDIS_URL", DEFAULT_REDIS_URL)
    require_service(redis_reachable(url), f"Redis at {url}")
    return url


@pytest.fixture(scope="session")
def chromium_path() -> str:
    require_service(
        os.path.exists(CHROMIUM_PATH) and shutil.which("chromium") is not None,
        f"Debian's Chromium at {CHROMIUM_PATH}",
    )
    return CHROMIUM_PATH


@pytest.fixture
def using_postgres(settings) -> bool:
    return "postgresql" in settings.DATABASES["default"]["ENGINE"]
