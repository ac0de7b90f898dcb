"""Django's database sessions, read with one plain SQL statement.

Every signed-in request reads its session. The ORM spent more of the worker's CPU building that
one-row query (about 0.5 ms) than the database spends answering it, so the read is written out
here; creating, saving, expiring and deleting sessions are Django's own.
"""

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        session_key = self.session_key
        if session_key is None:
            return None
        model = self.model
        connection = connections[router.db_for_read(model)]
        meta = model._meta
        quote = connection.ops.quote_name
        sql = (
            f"SELECT {quote(meta.get_field('session_data').column)} FROM {quote(meta.db_table)} "
            f"WHERE {quote(meta.get_field('session_key').column)} = %s "
            f"AND {quote(meta.get_field('expire_date').column)} > %s"
        )
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(sql, [session_key, now])
            row = cursor.fetchone()
        if row is None:
            # Unknown or expired: as Django does, a new key is made when the session is saved.
            self._session_key = None
            return None
        return model(session_key=session_key, session_data=row[0])
