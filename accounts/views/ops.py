"""Operations: the health check that docker-compose and load balancers poll."""

from __future__ import annotations

import logging

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from redis.backoff import NoBackoff
from redis.retry import Retry

logger = logging.getLogger(__name__)

# A probe answers in well under a second or the service counts as down: a poller that
# waits longer than its own interval piles up requests on a sick server.
REDIS_TIMEOUT_SECONDS = 1.0


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "not usable", whatever the driver raised
        logger.warning("healthz: database unreachable (%s)", type(exc).__name__)
        return False
    return True


def _redis_ok() -> bool:
    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        socket_timeout=REDIS_TIMEOUT_SECONDS,
        # redis-py retries three times with back-off by default; a probe must not.
        retry=Retry(NoBackoff(), 0),
    )
    try:
        return bool(client.ping())
    except Exception as exc:  # connection refused, timeout, auth, protocol: all "down"
        logger.warning("healthz: redis unreachable (%s)", type(exc).__name__)
        return False
    finally:
        client.close()


@login_not_required
@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and Redis both answer, 503 (with which one failed) otherwise.

    Anonymous and exempt from the HTTPS redirect (settings.SECURE_REDIRECT_EXEMPT); it
    names no person and no address, and the error detail stays in the log.
    """
    checks = {"database": _database_ok(), "redis": _redis_ok()}
    body = {name: "ok" if ok else "error" for name, ok in checks.items()}
    return JsonResponse(body, status=200 if all(checks.values()) else 503)
