"""The anonymous form's limit on a real Redis cache, as in production with CACHE_URL=redis://:
every web process reads the same count, kept for the hour after its own (the limit is over
the last sixty minutes), and a refused report is not counted."""

import pytest
import redis

from incidents.models import Incident
from tests.factories import DepartmentFactory
from tests.incidents.intake_helpers import report_data

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

REDIS_DB = 6
SENDER = "203.0.113.9"


@pytest.fixture
def redis_cache(settings, redis_url):
    location = redis_url.rsplit("/", 1)[0] + f"/{REDIS_DB}"
    client = redis.Redis.from_url(location)
    client.flushdb()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": location,
        }
    }
    settings.ANONYMOUS_REPORTS_PER_HOUR = 2
    settings.TRUSTED_PROXY_HOPS = 0
    yield client
    client.flushdb()


def test_the_count_is_kept_in_redis_for_two_hours_without_the_address(client, redis_cache):
    department = DepartmentFactory()

    statuses = [
        client.post(
            "/report/anonymous/", report_data(department=department.pk), REMOTE_ADDR=SENDER
        ).status_code
        for _ in range(3)
    ]

    assert statuses == [200, 200, 429]
    assert Incident.objects.count() == 2
    keys = redis_cache.keys("*")
    assert len(keys) == 1
    assert SENDER.encode() not in keys[0]
    assert b"anonymous-reports" in keys[0]
    assert 3600 < redis_cache.ttl(keys[0]) <= 7200
    assert redis_cache.get(keys[0]) == b"2"
