"""The Celery app: settings under the CELERY_ namespace, tasks found in every app, and the
signs of life that /healthz reads (accounts.health): each worker's heartbeat and beat's.

`make run` never starts a worker: config.settings.local sets CELERY_TASK_ALWAYS_EAGER, so a
task runs in the web process when it is sent. With a worker (docker-compose, CI), the
settings in config/settings/base.py make sure a killed worker loses nothing.
"""

import contextlib
import logging
import os
import time
from functools import cache

from celery import Celery, bootsteps
from celery.signals import after_task_publish, beat_init, setup_logging

logger = logging.getLogger(__name__)

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


# --- Signs of life (accounts.health) ---------------------------------------------------------


@cache
def _health_client():
    """One client (and connection pool) per process, made on first use, after Django's set-up."""
    from django.conf import settings

    from accounts import health

    return health.client_for(settings.REDIS_URL)


class WorkerHeartbeat(bootsteps.StartStopStep):
    """A consumer step: once the worker consumes from the broker, it writes its node name
    and the time into Redis, then every accounts.health.INTERVAL_SECONDS from the worker's
    own timer — so a worker whose loop is stuck, or that lost the broker, stops beating.
    A clean shutdown takes the entry out at once; a killed worker's goes stale."""

    requires = {"celery.worker.consumer.tasks:Tasks"}

    def __init__(self, parent, **kwargs):
        super().__init__(parent, **kwargs)
        self.tref = None
        self.client = None

    def _beat(self, node: str) -> None:
        from accounts import health

        try:
            health.worker_beat(self.client, node=node)
        except Exception as exc:  # Redis away: the beat is missed, the worker carries on
            logger.warning("worker heartbeat not written (%s)", type(exc).__name__)

    def start(self, parent) -> None:
        from accounts import health

        self.client = _health_client()  # made here: the worker has set Django up by now
        self._beat(parent.hostname)
        self.tref = parent.timer.call_repeatedly(
            health.INTERVAL_SECONDS, self._beat, (parent.hostname,), priority=10
        )

    def stop(self, parent) -> None:
        if self.tref is not None:
            self.tref.cancel()
            self.tref = None

    def shutdown(self, parent) -> None:
        from accounts import health

        self.stop(parent)
        # Redis away: the entry goes stale by itself.
        with contextlib.suppress(Exception):
            health.worker_gone(self.client or _health_client(), node=parent.hostname)


app.steps["consumer"].add(WorkerHeartbeat)

# Beat publishes the sending queue's dispatch and reap every 5 s; this ping every 30 s
# makes it publish (and so show life) even if those entries change. Expired unrun pings
# are dropped, so a stopped worker does not find a pile of them.
HEARTBEAT_PING_SECONDS = 30.0


@app.on_after_configure.connect
def _heartbeat_ping(sender, **kwargs) -> None:
    sender.add_periodic_task(
        HEARTBEAT_PING_SECONDS,
        sender.signature("accounts.tasks.ping", options={"expires": HEARTBEAT_PING_SECONDS}),
        name="liaison-heartbeat-ping",
    )


_in_beat = False
_beat_written = 0.0


@beat_init.connect
def _mark_beat(**kwargs) -> None:
    global _in_beat
    _in_beat = True


@after_task_publish.connect
def _beat_published(**kwargs) -> None:
    """In the beat process only: a task published is beat's sign of life (at most one
    write a second, whatever beat sends at once)."""
    global _beat_written
    if not _in_beat or time.monotonic() - _beat_written < 1:
        return
    from accounts import health

    try:
        health.beat_published(_health_client())
        _beat_written = time.monotonic()
    except Exception as exc:
        logger.warning("beat heartbeat not written (%s)", type(exc).__name__)
