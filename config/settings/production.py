"""Production: DEBUG off; SECRET_KEY and ALLOWED_HOSTS must come from the environment
(base.py refuses to start without them); HTTPS-only cookies, HSTS.

The database, Redis and the mail server have defaults in base.py that suit `make run` (a
SQLite file, a local Redis, mail to the console). In production each of those would be a
silent fallback — cards written to a file inside a container, alerts "sent" to a log — so
here they must be given, and the process refuses to start without them.
"""

import os

from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("DEBUG", "false")

# Checked before base.py is read, so that every missing variable is named at once.
_REQUIRED = (
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "EMAIL_URL",
    "ALERTS_PUBLIC_BASE_URL",
)
_missing = [name for name in _REQUIRED if not os.environ.get(name, "").strip()]
if _missing:
    raise ImproperlyConfigured(
        "本番設定 (config.settings.production) の起動には次の環境変数が必要です: "
        + ", ".join(_missing)
        + " / Production settings need these environment variables: "
        + ", ".join(_missing)
    )

from .base import *  # noqa: E402, F403
from .base import DEBUG, DEMO_MODE  # noqa: E402

if DEBUG:
    # Tracebacks and settings on error pages would show personal data to anyone.
    raise ImproperlyConfigured(
        "本番設定では DEBUG を有効にできません (DEBUG=false にしてください)。 / "
        "DEBUG must be off with production settings."
    )

if DEMO_MODE:
    # Demo devices have derivable keys and demo people a shared password.
    raise ImproperlyConfigured(
        "本番設定では DEMO_MODE を有効にできません。 / DEMO_MODE must be off in production."
    )
