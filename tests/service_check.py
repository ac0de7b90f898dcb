"""Is a service reachable? `python -m tests.service_check postgres|redis URL` exits 0 if so."""

import sys


def postgres_reachable(url: str) -> bool:
    try:
        import psycopg

        with psycopg.connect(url.replace("postgres://", "postgresql://"), connect_timeout=3):
            return True
    except Exception:
        return False


def redis_reachable(url: str) -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=3).ping())
    except Exception:
        return False


if __name__ == "__main__":
    kind, url = sys.argv[1], sys.argv[2]
    check = {"postgres": postgres_reachable, "redis": redis_reachable}[kind]
    sys.exit(0 if check(url) else 1)
