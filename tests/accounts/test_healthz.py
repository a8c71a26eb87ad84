"""/healthz: what docker-compose and a load balancer see of the database and Redis (the
worker's and beat's heartbeats: tests/accounts/test_healthz_worker.py)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]


def closed_port() -> int:
    """A local port with nothing listening (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.redis
@pytest.mark.django_db
def test_it_answers_200_when_database_and_redis_are_up(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert {k: v for k, v in response.json().items() if k in {"database", "redis"}} == {
        "database": "ok",
        "redis": "ok",
    }
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_it_answers_503_and_names_redis_when_redis_is_down(client):
    with override_settings(REDIS_URL=f"redis://127.0.0.1:{closed_port()}/9"):
        response = client.get(reverse("healthz"))

    assert response.status_code == 503
    # Without Redis nobody can tell whether a worker or beat lives.
    assert response.json() == {
        "database": "ok",
        "redis": "error",
        "worker": "error",
        "beat": "error",
    }


@pytest.mark.redis
def test_it_answers_503_and_names_the_database_when_the_database_is_down():
    """A process whose DATABASE_URL points at a closed port, as after a database crash."""
    script = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(json.dumps({'status': r.status_code, 'body': r.json()}))"
    )
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{closed_port()}/liaison",
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/9"),
    }
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["status"] == 503
    assert result["body"]["database"] == "error" and result["body"]["redis"] == "ok"
    # The operator learns why from the log; the caller gets no detail.
    assert "healthz: database unreachable" in done.stderr


@pytest.mark.django_db
def test_it_is_served_over_plain_http_when_https_is_enforced(client):
    """A container's health probe speaks plain HTTP inside the network."""
    with override_settings(SECURE_SSL_REDIRECT=True):
        probe = client.get(reverse("healthz"))
        page = client.get(reverse("accounts:login"))

    assert probe.status_code in {200, 503}
    assert set(probe.json()) == {"database", "redis", "worker", "beat"}
    assert page.status_code == 301
    assert page["Location"].startswith("https://")


@pytest.mark.django_db
def test_it_needs_no_sign_in_and_no_second_factor(client, settings):
    settings.OTP_REQUIRED_FOR_ALL = True
    client.force_login(UserFactory())  # signed in, second factor not given

    response = client.get(reverse("healthz"))

    assert response.status_code in {200, 503}
    assert set(response.json()) == {"database", "redis", "worker", "beat"}


@pytest.mark.django_db
def test_it_refuses_writes(client):
    assert client.post(reverse("healthz")).status_code == 405
