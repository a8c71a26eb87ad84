"""A task goes through Redis to a real Celery worker and its result comes back.

This is what docker-compose's worker service does; eager mode (`make run`, the rest of the
suite) never touches the broker, so only this test proves the queue settings work.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from accounts.tasks import ping
from config.celery import app

ROOT = Path(__file__).resolve().parent.parent
READY_WITHIN_SECONDS = 20


@pytest.fixture
def worker(tmp_path):
    """A worker on a queue of its own, stopped (killed if need be) after the test."""
    queue = f"test-{uuid.uuid4().hex[:12]}"
    hostname = f"{queue}@localhost"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        # The broker and backend this test process talks to, whatever the run was given.
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_RESULT_BACKEND": settings.CELERY_RESULT_BACKEND,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
    }
    log = tmp_path / "worker.log"
    command = [
        str(Path(sys.executable).with_name("celery")),
        "-A",
        "config",
        "worker",
        "--pool=solo",
        "--concurrency=1",
        "-Q",
        queue,
        "-n",
        hostname,
        "--without-heartbeat",
        "--without-gossip",
        "--without-mingle",
    ]
    with log.open("w") as sink:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=sink, stderr=sink)
    try:
        deadline = time.monotonic() + READY_WITHIN_SECONDS
        while not app.control.ping(destination=[hostname], timeout=0.5):
            assert process.poll() is None, f"the worker died:\n{log.read_text()}"
            assert time.monotonic() < deadline, f"the worker never answered:\n{log.read_text()}"
        yield queue, log
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture
def not_eager():
    """override_settings does not reach Celery's configuration, which is read once."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield
    finally:
        app.conf.task_always_eager = previous


@pytest.mark.redis
def test_a_task_runs_on_a_real_worker_and_returns_its_result(worker, not_eager):
    queue, log = worker

    result = ping.apply_async(queue=queue)

    assert result.get(timeout=30) == "pong"
    assert result.successful()
    # It ran in the worker, not here: the worker logged it, one line per event.
    output = log.read_text()
    assert "accounts.tasks.ping" in output
    task_lines = [line for line in output.splitlines() if result.id in line]
    assert task_lines and all(" request_id=" in line for line in task_lines), output
