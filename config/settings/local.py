"""Settings for `make run` and a developer's machine: SQLite, tasks run eagerly, mail to the
console, and the same pages as production (DEBUG off: the Japanese 404 and 403, never
Django's debug page with its list of URLs). `DEBUG=true make run` turns the debug pages on.

No key is ever shared: without SECRET_KEY in the environment, a random one is made once for
this checkout in var/local-secret-key (mode 0600).
"""

import os
import secrets
from pathlib import Path

_VAR = Path(__file__).resolve().parent.parent.parent / "var"


def _local_secret_key() -> str:
    path = _VAR / "local-secret-key"
    if not path.exists():
        _VAR.mkdir(exist_ok=True)
        # Written aside and linked into place: two processes starting at once (tests run
        # in parallel) both end up reading the one key that won.
        spare = _VAR / f".local-secret-key.{os.getpid()}"
        spare.write_text(secrets.token_urlsafe(50))
        spare.chmod(0o600)
        try:
            os.link(spare, path)
        except FileExistsError:
            pass
        finally:
            spare.unlink()
    return path.read_text().strip()


if not os.environ.get("SECRET_KEY"):
    os.environ["SECRET_KEY"] = _local_secret_key()
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
os.environ.setdefault("DEMO_MODE", "true")  # demo data and demo TOTP codes for `make run`
# Plain http on the loopback: no redirect to https, cookies sent without TLS, no HSTS.
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SESSION_COOKIE_SECURE", "false")
os.environ.setdefault("CSRF_COOKIE_SECURE", "false")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")

from .base import *  # noqa: E402, F403
from .base import STORAGES  # noqa: E402

# No collectstatic for `make run`: WhiteNoise serves the app and project static folders.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
