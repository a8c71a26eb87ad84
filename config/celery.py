"""The Celery app: settings under the CELERY_ namespace, tasks found in every app.

`make run` never starts a worker: config.settings.local sets CELERY_TASK_ALWAYS_EAGER, so a
task runs in the web process when it is sent. With a worker (docker-compose, CI), the
settings in config/settings/base.py make sure a killed worker loses nothing.
"""

import os

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

app = Celery("liaison")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Tasks of feature packages that are not apps themselves (alerts.drafts.tasks …).
app.autodiscover_tasks(["alerts.drafts"])


@setup_logging.connect
def _use_django_logging(**kwargs) -> None:
    """Worker and beat log through settings.LOGGING: one line per event, tracebacks folded.

    Connecting this receiver stops Celery from installing its own handlers (multi-line
    tracebacks, a second format) and from redirecting stdout into the log.
    """
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)
