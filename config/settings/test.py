"""Settings for the test suite: the base settings with safe test values.

PostgreSQL and Redis at their local defaults unless DATABASE_URL / REDIS_URL say otherwise;
`make test` falls back to SQLite (and says so) when PostgreSQL cannot be reached.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/liaison")
os.environ.setdefault("EMAIL_URL", "consolemail://")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SESSION_COOKIE_SECURE", "false")
os.environ.setdefault("CSRF_COOKIE_SECURE", "false")
# Tasks run in the test process unless a test starts a real worker
# (tests/test_celery_worker.py starts one with CELERY_TASK_ALWAYS_EAGER=false).
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")

from .base import *  # noqa: F403
from .base import STORAGES

# Argon2 is the production hasher (tests check base settings); MD5 keeps tests fast.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# No collectstatic before tests: WhiteNoise serves from the app and project static folders
# (as under DEBUG) instead of warning on every client that STATIC_ROOT does not exist.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
