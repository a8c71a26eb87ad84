"""Container health probe.

    python docker/healthcheck.py            web: exit 0 when /healthz answers 200, 1 otherwise
    python docker/healthcheck.py --worker   worker: exit 0 when this container's Celery worker
                                            (celery@<hostname>) has beaten lately
    python docker/healthcheck.py --beat     beat: exit 0 when beat has published lately

The worker and beat probes read their heartbeats in Redis (accounts.health, REDIS_URL)
instead of asking the web server, so that a web outage never marks them unhealthy, and
without starting Celery (`celery inspect ping` costs seconds of CPU every time).

python:3.11-slim has no curl. The Host header is one that ALLOWED_HOSTS accepts, else
Django would answer 400 to a probe addressed to 127.0.0.1.
"""

import os
import socket
import sys
import urllib.error
import urllib.request
from pathlib import Path

URL = os.environ.get("HEALTHCHECK_URL", "http://127.0.0.1:8000/healthz")
TIMEOUT_SECONDS = 5


def probe_host() -> str:
    for entry in os.environ.get("ALLOWED_HOSTS", "").split(","):
        entry = entry.strip()
        if entry and entry != "*":
            # ".example.jp" allows example.jp and every subdomain.
            return entry.lstrip(".")
    return "localhost"


def web() -> int:
    request = urllib.request.Request(URL, headers={"Host": probe_host()})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            body = response.read(200).decode("utf-8", "replace")
            status = response.status
    except urllib.error.HTTPError as error:
        body = error.read(200).decode("utf-8", "replace")
        status = error.code
    except OSError as error:
        print(f"healthz unreachable: {error}", file=sys.stderr)
        return 1
    print(f"healthz {status} {body}")
    return 0 if status == 200 else 1


def heartbeat(kind: str, node: str) -> int:
    # The project's code (accounts.health imports neither Django's apps nor Celery).
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from accounts import health

    client = health.client_for(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    try:
        alive = (
            health.worker_alive(client, node=node)
            if kind == "worker"
            else health.beat_alive(client)
        )
    except Exception as error:  # Redis unreachable: no sign of life can be read
        print(f"{kind} heartbeat unreadable: {type(error).__name__}", file=sys.stderr)
        return 1
    finally:
        client.close()
    name = node if kind == "worker" else "beat"
    print(f"{name} {'ok' if alive else 'no heartbeat'}")
    return 0 if alive else 1


def main(argv: list[str]) -> int:
    if argv[:1] == ["--worker"]:
        # The node name Celery gives a worker by default; a second argument names another.
        node = argv[1] if len(argv) > 1 else f"celery@{socket.gethostname()}"
        return heartbeat("worker", node)
    if argv[:1] == ["--beat"]:
        return heartbeat("beat", "")
    return web()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
