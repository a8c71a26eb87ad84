"""Operations: the health check that docker-compose and load balancers poll.

`GET /healthz` answers for the database and Redis, and says whether a Celery worker and
beat have shown life lately (accounts.health: heartbeats in Redis). Only the database and
Redis decide its status by default: the web container's probe uses it, and a worker that is
still starting (it waits for web to be healthy) must not make web unhealthy. A monitor that
wants the queue too asks `?worker=1` (and `?beat=1`): then a missing worker (or beat) is a
503 as well.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts import health

logger = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "not usable", whatever the driver raised
        logger.warning("healthz: database unreachable (%s)", type(exc).__name__)
        return False
    return True


def _redis_checks() -> dict[str, bool]:
    """Redis answers; a worker and beat have beaten within accounts.health.FRESH_SECONDS.
    Redis down: all three unknown, so all three "error". The client fails within a second
    (accounts.health.TIMEOUT_SECONDS): a poller that waits longer than its own interval
    piles up requests on a sick server."""
    client = health.client_for(settings.REDIS_URL)
    try:
        up = bool(client.ping())
        worker = health.workers_alive(client) > 0
        beat = health.beat_alive(client)
    except Exception as exc:  # connection refused, timeout, auth, protocol: all "down"
        logger.warning("healthz: redis unreachable (%s)", type(exc).__name__)
        return {"redis": False, "worker": False, "beat": False}
    finally:
        client.close()
    return {"redis": up, "worker": worker, "beat": beat}


def _asked(request: HttpRequest, name: str) -> bool:
    return request.GET.get(name, "") in {"1", "true", "yes"}


@login_not_required
@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and Redis both answer (and the worker and beat, if asked with
    ?worker=1 / ?beat=1), 503 otherwise; the body names each part "ok" or "error".

    Anonymous and exempt from the HTTPS redirect (settings.SECURE_REDIRECT_EXEMPT); it
    names no person and no address, and the error detail stays in the log.
    """
    checks = {"database": _database_ok(), **_redis_checks()}
    required = ["database", "redis"] + [n for n in ("worker", "beat") if _asked(request, n)]
    body = {name: "ok" if ok else "error" for name, ok in checks.items()}
    return JsonResponse(body, status=200 if all(checks[n] for n in required) else 503)
