"""Production: DEBUG off; SECRET_KEY and ALLOWED_HOSTS must come from the environment
(base.py refuses to start without them); HTTPS-only cookies, HSTS."""

import os

os.environ.setdefault("DEBUG", "false")

from .base import *  # noqa: F403
