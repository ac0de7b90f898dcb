"""Backups of a PostgreSQL database whose password holds URL characters.

DATABASE_URL carries such a password percent-encoded (`p%40ss%2Fw%3Ard%231`), and Django's
settings hold it decoded. The backup rebuilds a URL from the settings without encoding it, so
pg_dump, pg_restore and the restore's emptiness check reach the wrong host with the wrong
password ("could not translate host name ..."), and the nightly backup fails.
"""

import pytest

from riskcabinet import backup

PASSWORD = "p@ss/w:rd#1"
DATABASE = {
    "ENGINE": "riskcabinet.db.postgresql",
    "NAME": "riskcabinet",
    "USER": "riskcabinet",
    "PASSWORD": PASSWORD,
    "HOST": "db.internal",
    "PORT": 5432,
}


def test_pg_dump_gets_the_host_user_and_password_from_the_settings():
    args, env = backup._pg_env(backup._database_url(DATABASE))

    assert args == ["--host", "db.internal", "--port", "5432", "--username", "riskcabinet"]
    assert env["PGPASSWORD"] == PASSWORD


def test_the_restore_check_connects_with_the_settings_password():
    import psycopg.conninfo

    info = psycopg.conninfo.conninfo_to_dict(backup._database_url(DATABASE))

    assert (info["host"], info["password"], info["dbname"]) == (
        "db.internal",
        PASSWORD,
        "riskcabinet",
    )


@pytest.mark.parametrize("password", ["plain", ""])
def test_a_plain_password_still_works(password):
    args, env = backup._pg_env(backup._database_url({**DATABASE, "PASSWORD": password}))

    assert args[1] == "db.internal"
    assert env.get("PGPASSWORD", "") == password or "PGPASSWORD" not in env
