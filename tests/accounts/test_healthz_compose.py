"""docker-compose.yml runs the sending queue as the settings describe it (issue 14, 7), read
with yaml.safe_load since docker is not installed here: every あんしんメール setting that
config/settings/base.py reads from the environment reaches web, worker and beat with the
same default as base.py, and each queue process has a probe of its own heartbeat
(docker/healthcheck.py; tests/accounts/test_healthz_worker.py runs them on real processes).
The general shape of the file is tests/test_settings.py's."""

from __future__ import annotations

import re
from pathlib import Path

import environ
import pytest
import yaml
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
READ = re.compile(r'env\.(\w+)\("(ALERTS_\w+)"')
DEFAULT = re.compile(r"^\$\{(\w+):-(.*)\}$")


def services() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))["services"]


def alerts_settings() -> list[tuple[str, str]]:
    """(cast, name) of every ALERTS_* setting base.py reads from the environment."""
    source = (ROOT / "config" / "settings" / "base.py").read_text(encoding="utf-8")
    return [(cast, name) for cast, name in READ.findall(source)]


def test_base_py_reads_the_queue_settings():
    names = {name for _cast, name in alerts_settings()}
    assert {
        "ALERTS_BATCH_SIZE",
        "ALERTS_SEND_RATE",
        "ALERTS_BOUNCE_LIMIT",
        "ALERTS_STUCK_SECONDS",
        "ALERTS_DIGEST_AFTER",
        "ALERTS_SENDING_HOURS",
    } <= names


@pytest.mark.parametrize(("cast", "name"), alerts_settings())
def test_each_alerts_setting_reaches_the_queue_with_the_base_default(cast, name, monkeypatch):
    found = services()
    environment = found["web"]["environment"]
    for service in ("worker", "beat"):
        assert found[service]["environment"] == environment, service
    assert name in environment, f"{name} is not passed to the containers"
    if name == "ALERTS_PUBLIC_BASE_URL":
        return  # compose's own public address (localhost), required in production
    match = DEFAULT.match(str(environment[name]))
    assert match and match.group(1) == name, f"{name}: {environment[name]!r}"
    # The compose default, read as base.py reads it, is base.py's default.
    monkeypatch.setenv(name, match.group(2))
    assert getattr(environ.Env(), cast)(name) == getattr(settings, name)


def test_the_web_probe_does_not_wait_for_a_worker():
    """The worker starts only once web is healthy: web's probe must not need the worker."""
    found = services()
    web = found["web"]
    assert web["healthcheck"]["test"] == ["CMD", "python", "docker/healthcheck.py"]
    assert "worker" not in str(web["environment"].get("HEALTHCHECK_URL", ""))
    assert found["worker"]["depends_on"]["web"]["condition"] == "service_healthy"


def test_the_worker_and_beat_probe_their_own_heartbeat():
    found = services()
    assert found["worker"]["healthcheck"]["test"] == [
        "CMD",
        "python",
        "docker/healthcheck.py",
        "--worker",
    ]
    assert found["beat"]["healthcheck"]["test"] == [
        "CMD",
        "python",
        "docker/healthcheck.py",
        "--beat",
    ]
    # A probe every 30 s sees a heartbeat written every 10 s and fresh for 60 s.
    for service in ("worker", "beat"):
        assert found[service]["healthcheck"]["interval"] == "30s"
    # A warm shutdown outlasts the task time limit.
    assert int(found["worker"]["stop_grace_period"].rstrip("s")) > settings.CELERY_TASK_TIME_LIMIT


def test_the_queue_runs_on_the_services_it_needs():
    found = services()
    assert {"web", "worker", "beat", "postgres", "redis", "mailpit"} <= set(found)
    assert found["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]
    assert found["beat"]["command"][:4] == ["celery", "-A", "config", "beat"]
    environment = found["web"]["environment"]
    assert environment["REDIS_URL"] == "redis://redis:6379/0"
    assert environment["EMAIL_URL"] == "${EMAIL_URL:-smtp://mailpit:1025}"
    assert "--appendonly" in found["redis"]["command"]
