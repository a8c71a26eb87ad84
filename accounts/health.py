"""Signs of life of the queue's processes, kept in Redis, read by /healthz
(accounts.views.ops) and by the worker's and beat's container probes (docker/healthcheck.py).

- Each Celery worker writes its node name with the time into one sorted set when it has
  connected to the broker and every INTERVAL_SECONDS after, from its own event loop
  (config.celery.WorkerHeartbeat), and takes it out when it shuts down cleanly. A worker
  that hangs or is killed stops writing: its entry goes stale after FRESH_SECONDS.
- Celery beat writes the time into one key, with a time to live, whenever it publishes a
  task (config.celery: every 5 s for the sending queue, every 30 s for the heartbeat ping).

Times are seconds since the epoch (time.time()): no time zone, nothing a person reads.
This module imports neither Django's apps nor Celery, so the container probe can use it
without starting Django.
"""

from __future__ import annotations

import time

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

WORKERS_KEY = "liaison:worker:heartbeat"  # sorted set: node name → last beat
BEAT_KEY = "liaison:beat:heartbeat"  # the time of beat's last publish
INTERVAL_SECONDS = 10
# Six missed beats (a prefork worker's loop never waits on a task; a solo worker may, up to
# the task time limit of 20 s): past this the process counts as gone.
FRESH_SECONDS = 60
# Entries of workers that never came back (killed, container replaced) are dropped after a day.
FORGET_SECONDS = 24 * 3600
# A probe answers in well under a second or the service counts as down.
TIMEOUT_SECONDS = 1.0


def client_for(url: str) -> redis.Redis:
    """A client that fails fast: no retries with back-off, one-second timeouts."""
    return redis.Redis.from_url(
        url,
        socket_connect_timeout=TIMEOUT_SECONDS,
        socket_timeout=TIMEOUT_SECONDS,
        retry=Retry(NoBackoff(), 0),
    )


def worker_beat(client: redis.Redis, *, node: str, now: float | None = None) -> None:
    now = time.time() if now is None else now
    pipe = client.pipeline()
    pipe.zadd(WORKERS_KEY, {node: now})
    pipe.zremrangebyscore(WORKERS_KEY, "-inf", now - FORGET_SECONDS)
    pipe.execute()


def worker_gone(client: redis.Redis, *, node: str) -> None:
    client.zrem(WORKERS_KEY, node)


def beat_published(client: redis.Redis, *, now: float | None = None) -> None:
    now = time.time() if now is None else now
    client.set(BEAT_KEY, repr(now), ex=FRESH_SECONDS)


def workers_alive(client: redis.Redis, *, now: float | None = None) -> int:
    """How many workers have beaten within FRESH_SECONDS."""
    now = time.time() if now is None else now
    return int(client.zcount(WORKERS_KEY, now - FRESH_SECONDS, "+inf"))


def worker_alive(client: redis.Redis, *, node: str, now: float | None = None) -> bool:
    """Whether this worker (its node name, celery@<host>) has beaten within FRESH_SECONDS."""
    now = time.time() if now is None else now
    score = client.zscore(WORKERS_KEY, node)
    return score is not None and score >= now - FRESH_SECONDS


def beat_alive(client: redis.Redis, *, now: float | None = None) -> bool:
    """Whether beat has published a task within FRESH_SECONDS."""
    now = time.time() if now is None else now
    value = client.get(BEAT_KEY)
    if value is None:
        return False
    try:
        return float(value) >= now - FRESH_SECONDS
    except ValueError:
        return False
