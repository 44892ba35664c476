"""Test settings: the base settings against the real PostgreSQL and Redis that `make test` chose."""

import os

# Tests run with DEBUG off, like production; the key only has to exist.
os.environ.setdefault("SECRET_KEY", "horgos-test-only-key-0123456789-abcdefghijklmnopqrstuvwxyz")
# Fixed keys for personal data, so that a test database reads the same from run to run.
os.environ.setdefault("FIELD_ENCRYPTION_KEYS", "aG9yZ29zLXRlc3Qtb25seS1maWVsZC1rZXktMDAwMDE=")
os.environ.setdefault("BLIND_INDEX_KEY", "horgos-test-only-blind-index-key")

from .base import *  # noqa: F403
from .base import STORAGES

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
