"""Test settings: the base settings against the real PostgreSQL and Redis that `make test` chose."""

import os

# Tests run with DEBUG off, like production; the key only has to exist.
os.environ.setdefault("SECRET_KEY", "horgos-test-only-key-0123456789-abcdefghijklmnopqrstuvwxyz")
# Fixed keys for personal data, so that a test database reads the same from run to run.
os.environ.setdefault("FIELD_ENCRYPTION_KEYS", "aG9yZ29zLXRlc3Qtb25seS1maWVsZC1rZXktMDAwMDE=")
os.environ.setdefault("BLIND_INDEX_KEY", "horgos-test-only-blind-index-key")


def redis_url_of_worker(redis_url: str, worker: str) -> str:
    """The suite runs in parallel (pytest-xdist workers gw0, gw1, ...); each test empties the cache, so each worker
    gets a Redis database of its own, the next ones after the one `make test` chose."""
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    offset = int(worker.removeprefix("gw")) + 1
    parts = urlsplit(redis_url)
    if parts.scheme == "unix":
        query = dict(parse_qsl(parts.query))
        query["db"] = str(int(query.get("db", 0)) + offset)
        return f"unix://{parts.path}?{urlencode(query)}"  # urlunsplit would drop the empty host, and its slashes
    database = int(parts.path.strip("/") or 0) + offset
    return urlunsplit(parts._replace(path=f"/{database}"))


# Once per process tree: a program a test starts inherits both variables and keeps the worker's database.
_worker = os.environ.get("PYTEST_XDIST_WORKER")
if _worker and os.environ.get("HORGOS_REDIS_WORKER") != _worker:
    os.environ["REDIS_URL"] = redis_url_of_worker(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"), _worker)
    os.environ["HORGOS_REDIS_WORKER"] = _worker

# The base settings read REDIS_URL as set just above.
from .base import *  # noqa: E402, F403
from .base import DATABASES, STORAGES  # noqa: E402

# Fast hashing: tests create many users and nothing here protects real passwords.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# The test client and the live test server speak plain HTTP.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# Serve static files from the app folders, as in development: tests never run collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Browser tests travel in time on the server; a session cookie without an expiry date survives that.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# A second alias on the test database itself, standing for a read replica: tests that route reads to it enable it
# with override_settings(READ_REPLICA_ALIAS="replica") and see which alias each query went to.
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
