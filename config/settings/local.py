"""Settings for a developer's machine and `make run`: DEBUG on unless told otherwise,
SQLite, tasks run eagerly, mail to the console."""

import os

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")

from .base import *  # noqa: F403
