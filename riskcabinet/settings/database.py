"""PostgreSQL connection options, shared by the development and production settings."""

from collections.abc import Mapping
from typing import Any

DEFAULT_PREPARE_THRESHOLD = "5"
# Django's PostgreSQL backend with a health check that polls the socket before it sends a query
# (riskcabinet/db/postgresql/base.py).
POSTGRESQL_ENGINE = "riskcabinet.db.postgresql"


def postgresql_options(options: Mapping[str, Any], prepare_threshold: str) -> dict[str, Any]:
    """OPTIONS for a PostgreSQL database: PostgreSQL binds the parameters (psycopg does not quote
    them into the SQL text), and a statement that a connection has run ``prepare_threshold``
    times is prepared, so the server stops parsing and planning it again.

    Each intake report runs the same ten statements; prepared, they cost PostgreSQL about 40%
    less CPU (``bench/intake.py``). ``prepare_threshold`` is a whole number, or ``none`` behind a
    pooler that cannot keep prepared statements (PgBouncer in transaction mode before 1.21).
    Options already given (in DATABASE_URL's query string) win. Raises ValueError, with a
    message for the operator, when ``prepare_threshold`` is neither.
    """
    text = prepare_threshold.strip().lower()
    if text == "none":
        threshold = None
    else:
        try:
            threshold = int(text)
        except ValueError:
            threshold = -1
        if threshold < 0:
            raise ValueError(
                "DATABASE_PREPARE_THRESHOLD must be a whole number (5 by default) or 'none', "
                f"not {prepare_threshold!r}."
            )
    return {"server_side_binding": True, "prepare_threshold": threshold, **options}
