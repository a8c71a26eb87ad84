"""Settings of `make load`: the production settings, served by gunicorn on 127.0.0.1.

Everything is config.settings.production (DEBUG off, production templates, the manifest of
WhiteNoise, the same middleware, sessions, caches and logging) except what differs below,
each for the reason given:

- DATABASE_URL is the bench database (BENCH_DATABASE_URL, default liaison_bench), set before
  production reads it, so that the load never touches a development or test database.
- ALLOWED_HOSTS defaults to 127.0.0.1: the server listens on loopback only.
- EMAIL_URL defaults to the console and ALERTS_PUBLIC_BASE_URL to loopback: nothing may
  leave the machine (production refuses to start without them, and a real mail server
  or public address would be wrong here).
- SECRET_KEY comes from the runner (bench/load/runner.py), one per run and the same for
  every gunicorn worker, since sessions signed by one worker are read by the others;
  production's check that it is given stays.
- SESSION_COOKIE_SECURE, CSRF_COOKIE_SECURE off and SECURE_SSL_REDIRECT off: loopback is
  plain http (production sits behind TLS); secure cookies would never come back over http
  and every request would be redirected to an https port nobody listens on.
- SECURE_HSTS_SECONDS 0: a client must not learn to insist on https for 127.0.0.1.
- ROOT_URLCONF bench.floor and the bench's templates: the app's URLs plus the empty
  signed-in page (bench/floor.py) whose rate the runner reports beside the pages'.
"""

import os

# bench/settings.py's default; not imported from there, which would read the test settings.
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/liaison_bench"
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("EMAIL_URL", "consolemail://")
os.environ.setdefault("ALERTS_PUBLIC_BASE_URL", "http://127.0.0.1:8000")

from config.settings.production import *  # noqa: E402, F403
from config.settings.production import BASE_DIR, TEMPLATES  # noqa: E402

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0

ROOT_URLCONF = "bench.floor"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]
