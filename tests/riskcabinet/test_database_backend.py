"""The PostgreSQL backend checks a kept connection by polling its socket, not with a query."""

import select
import time

import psycopg
import pytest
from django.db import connections

from riskcabinet.db.postgresql.base import DatabaseWrapper

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def database(postgres_url):
    wrapper = connections["default"]
    assert wrapper.vendor == "postgresql", "run in the PostgreSQL pass (make pytest-postgres)"
    assert isinstance(wrapper, DatabaseWrapper)
    assert wrapper.health_check_enabled
    wrapper.ensure_connection()
    return wrapper


@pytest.fixture
def round_trip_checks(database, monkeypatch):
    """Counts Django's own check (SELECT 1), still done when the socket says something."""
    calls = []
    checked = database.is_usable

    def counting():
        calls.append(True)
        return checked()

    monkeypatch.setattr(database, "is_usable", counting)
    return calls


def _query(database) -> int:
    with database.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_a_sound_idle_connection_is_kept_without_a_round_trip(database, round_trip_checks):
    kept = database.connection
    pid = _query(database)
    database.health_check_done = False  # As at the start of a request.
    assert database.idle_connection_sound()
    assert _query(database) == pid
    assert database.connection is kept
    assert round_trip_checks == []


def test_a_connection_the_server_ended_is_replaced_before_the_query(
    database, round_trip_checks, postgres_url
):
    pid = _query(database)
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    # The server's farewell reaches the idle socket a moment later.
    poller = select.poll()
    poller.register(database.connection.fileno(), select.POLLIN)
    deadline = time.monotonic() + 10
    while not poller.poll(100) and time.monotonic() < deadline:
        pass
    database.health_check_done = False
    assert not database.idle_connection_sound()
    assert _query(database) != pid  # A new connection, and no error for the request.
    assert round_trip_checks == [True]


def test_a_closed_connection_is_not_sound(database):
    database.connection.close()
    try:
        assert not database.idle_connection_sound()
    finally:
        database.close()  # Django forgets it; the next query opens a new one.
