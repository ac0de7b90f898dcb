"""Django's PostgreSQL backend, with a health check that needs no round trip.

With ``CONN_HEALTH_CHECKS``, Django checks a kept connection at the start of every request by
sending ``SELECT 1`` and waiting for the answer: one round trip per request, on every page and
every report, to learn what the socket already says. When PostgreSQL restarts or ends a
session, it tells the client and closes the connection, so the idle socket turns readable. An
idle connection that is sound has nothing to read. So the socket is polled first, without
waiting: nothing to read means the connection is kept as it is; anything else (the server's
farewell, a closed socket, a message nobody asked for) goes to Django's own check, which sends
``SELECT 1`` and closes the connection if that fails.

A peer that vanishes without a word (a cut cable) is not caught by either check until TCP gives
up; a query that fails on a broken connection is answered by
``riskcabinet.middleware.DatabaseUnavailableMiddleware``.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base
from psycopg.pq import TransactionStatus


class DatabaseWrapper(base.DatabaseWrapper):
    def close_if_health_check_failed(self):
        if (
            self.connection is not None
            and self.health_check_enabled
            and not self.health_check_done
            and not self.pool
            and self.idle_connection_sound()
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def idle_connection_sound(self) -> bool:
        """True when the connection is open and idle with nothing waiting to be read."""
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if connection.info.transaction_status != TransactionStatus.IDLE:
            return False
        poller = select.poll()
        poller.register(connection.fileno(), select.POLLIN | select.POLLPRI)
        return not poller.poll(0)
