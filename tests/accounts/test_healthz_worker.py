"""/healthz and the containers' probes see a real Celery worker and a real beat by their
heartbeats in Redis (accounts.health, config.celery): ok while they live, error once they
stop or go quiet; the web's own status never depends on them unless asked (?worker=1,
?beat=1)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from accounts import health

ROOT = Path(__file__).resolve().parents[2]
WITHIN_SECONDS = 30

pytestmark = [pytest.mark.redis, pytest.mark.django_db]


@pytest.fixture
def redis_client():
    client = health.client_for(settings.REDIS_URL)
    # No sign of life left over from another test or run.
    client.delete(health.WORKERS_KEY, health.BEAT_KEY)
    yield client
    client.delete(health.WORKERS_KEY, health.BEAT_KEY)
    client.close()


def _env(tmp_path: Path) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_RESULT_BACKEND": settings.CELERY_RESULT_BACKEND,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'celery.sqlite3'}",
    }


def _start(tmp_path: Path, name: str, *args: str) -> tuple[subprocess.Popen, Path]:
    log = tmp_path / f"{name}.log"
    command = [str(Path(sys.executable).with_name("celery")), "-A", "config", *args]
    with log.open("w") as sink:
        process = subprocess.Popen(command, cwd=ROOT, env=_env(tmp_path), stdout=sink, stderr=sink)
    return process, log


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture
def worker(tmp_path, redis_client):
    """A worker on a queue of its own (so it runs nobody else's tasks), with its node name."""
    queue = f"test-{uuid.uuid4().hex[:12]}"
    node = f"{queue}@localhost"
    process, log = _start(
        tmp_path, "worker", "worker", "--pool=solo", "-Q", queue, "-n", node, "--without-mingle"
    )
    try:
        yield process, node, log
    finally:
        _stop(process)


@pytest.fixture
def beat(tmp_path, redis_client):
    process, log = _start(tmp_path, "beat", "beat", f"--schedule={tmp_path / 'schedule'}")
    try:
        yield process, log
    finally:
        _stop(process)
        # What beat published to the default queue (no worker here consumes it).
        redis_client.delete("celery")


def healthz(client, **query: str) -> tuple[int, dict]:
    response = client.get(reverse("healthz"), query)
    return response.status_code, response.json()


def probe(*args: str) -> subprocess.CompletedProcess:
    """docker/healthcheck.py as the worker's or beat's container runs it."""
    return subprocess.run(
        [sys.executable, str(ROOT / "docker" / "healthcheck.py"), *args],
        cwd=ROOT,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "REDIS_URL": settings.REDIS_URL},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def wait_for(client, part: str, state: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + WITHIN_SECONDS
    while healthz(client)[1][part] != state:
        assert process.poll() is None, f"the process died:\n{log.read_text()}"
        assert time.monotonic() < deadline, f"{part} never became {state}:\n{log.read_text()}"
        time.sleep(0.3)


def test_without_a_worker_or_beat_it_says_error_but_web_stays_healthy(client, redis_client):
    status, body = healthz(client)
    assert status == 200
    assert body == {"database": "ok", "redis": "ok", "worker": "error", "beat": "error"}
    # A monitor that asks for the queue gets a 503.
    assert healthz(client, worker="1")[0] == 503
    assert healthz(client, beat="1")[0] == 503
    # The containers' probes fail.
    assert probe("--worker", "celery@nowhere").returncode == 1
    assert probe("--beat").returncode == 1


def test_a_running_worker_makes_it_ok_and_a_stopped_one_error(client, worker):
    process, node, log = worker

    wait_for(client, "worker", "ok", process, log)

    assert healthz(client, worker="1") == (
        200,
        {"database": "ok", "redis": "ok", "worker": "ok", "beat": "error"},
    )
    alive = probe("--worker", node)
    assert alive.returncode == 0, alive.stdout + alive.stderr
    # Another container's worker is not this one.
    assert probe("--worker", "celery@another-host").returncode == 1

    # A clean shutdown takes its heartbeat out at once.
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=20)

    assert healthz(client, worker="1") == (
        503,
        {"database": "ok", "redis": "ok", "worker": "error", "beat": "error"},
    )
    assert probe("--worker", node).returncode == 1


def test_a_worker_that_keeps_beating_stays_ok(client, worker):
    """Not only the first beat: the worker's timer writes again every INTERVAL_SECONDS."""
    process, node, log = worker
    wait_for(client, "worker", "ok", process, log)
    client_ = health.client_for(settings.REDIS_URL)
    first = client_.zscore(health.WORKERS_KEY, node)

    deadline = time.monotonic() + health.INTERVAL_SECONDS + WITHIN_SECONDS
    while client_.zscore(health.WORKERS_KEY, node) == first:
        assert time.monotonic() < deadline, f"no second heartbeat:\n{log.read_text()}"
        time.sleep(0.5)
    client_.close()


def test_a_killed_worker_goes_stale(client, redis_client):
    """SIGKILL leaves the last beat behind: it counts until FRESH_SECONDS have passed."""
    now = time.time()
    health.worker_beat(redis_client, node="celery@killed", now=now - health.FRESH_SECONDS + 5)
    assert healthz(client)[1]["worker"] == "ok"

    health.worker_beat(redis_client, node="celery@killed", now=now - health.FRESH_SECONDS - 1)
    assert healthz(client)[1]["worker"] == "error"
    assert probe("--worker", "celery@killed").returncode == 1


def test_a_running_beat_makes_it_ok(client, beat):
    process, log = beat

    wait_for(client, "beat", "ok", process, log)

    status, body = healthz(client, beat="1")
    assert status == 200 and body["beat"] == "ok"
    alive = probe("--beat")
    assert alive.returncode == 0, alive.stdout + alive.stderr

    # Stopped, beat leaves its last sign of life to expire (FRESH_SECONDS).
    _stop(process)
    assert 0 < health.client_for(settings.REDIS_URL).ttl(health.BEAT_KEY) <= health.FRESH_SECONDS
