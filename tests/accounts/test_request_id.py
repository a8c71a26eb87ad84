"""One id per request: on the response, in every log line of that request, on access events.

The log tests read what the handler configured by settings.LOGGING writes (its stream is
swapped for a buffer), so they fail if the settings stop routing a logger through it.
"""

from __future__ import annotations

import io
import logging
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import path, reverse

import config.urls
from accounts.logging import OneLineFormatter
from accounts.models import AccessEvent
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
GENERATED_ID = re.compile(r"[0-9a-f]{32}")
ONE_LINE = re.compile(
    r'\S+ (DEBUG|INFO|WARNING|ERROR|CRITICAL) \S+ request_id=(?P<rid>\S+) msg="(?P<msg>.*)"'
)

logger = logging.getLogger("tests.request_id")


# --- A URLconf with two views that exist only for these tests --------------------------


def _view_that_logs(request):
    logger.warning("first line\nsecond line")
    return HttpResponse("ok")


def _view_that_fails(request):
    raise RuntimeError("secret-detail-for-the-log-only")


urlpatterns = [
    path("test/logs/", _view_that_logs),
    path("test/fails/", _view_that_fails),
    *config.urls.urlpatterns,
]
handler500 = config.urls.handler500

with_test_views = override_settings(ROOT_URLCONF=__name__)


@pytest.fixture
def log_output():
    """What the console handler of settings.LOGGING writes, while the test runs."""
    handler = next(
        (h for h in logging.getLogger().handlers if isinstance(h.formatter, OneLineFormatter)),
        None,
    )
    assert handler is not None, "settings.LOGGING gives the root logger no one-line handler"
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    try:
        yield buffer
    finally:
        handler.setStream(previous)


def lines_of(buffer: io.StringIO) -> list[str]:
    return [line for line in buffer.getvalue().split("\n") if line]


# --- The response header -------------------------------------------------------------


@pytest.mark.django_db
def test_every_response_carries_an_id_and_no_two_are_the_same(client):
    responses = [
        client.get(reverse("healthz")),
        client.get(reverse("healthz")),
        client.get("/no-such-page/"),
        client.get(reverse("accounts:login")),
    ]

    ids = [response["X-Request-ID"] for response in responses]
    assert all(GENERATED_ID.fullmatch(rid) for rid in ids), ids
    assert len(set(ids)) == len(ids)


@pytest.mark.django_db
def test_a_well_formed_id_from_the_front_proxy_is_kept(client):
    response = client.get(reverse("healthz"), HTTP_X_REQUEST_ID="lb-2f1c9a7e-0001")

    assert response["X-Request-ID"] == "lb-2f1c9a7e-0001"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "incoming",
    [
        "short",
        "has spaces 1234",
        "x" * 65,
        "abcdef1234\n",  # "^…$" would accept it; a header with a newline breaks the response
        "<script>alert(1)</script>",
        "abcdefgh12\r\nSet-Cookie: x=1",
    ],
)
def test_a_malformed_incoming_id_is_replaced(client, incoming):
    response = client.get(reverse("healthz"), HTTP_X_REQUEST_ID=incoming)

    assert response["X-Request-ID"] != incoming
    assert GENERATED_ID.fullmatch(response["X-Request-ID"])


# --- Log lines -----------------------------------------------------------------------


@pytest.mark.django_db
@with_test_views
def test_a_log_line_of_the_request_carries_its_id_and_stays_one_line(client, log_output):
    response = client.get("/test/logs/")

    rid = response["X-Request-ID"]
    lines = lines_of(log_output)
    ours = [line for line in lines if "first line" in line]
    assert len(ours) == 1, lines
    match = ONE_LINE.fullmatch(ours[0])
    assert match, ours[0]
    assert match["rid"] == rid
    assert match["msg"] == r"first line\nsecond line"
    assert not any(line.startswith("second line") for line in lines)


@pytest.mark.django_db
def test_the_not_found_line_of_django_carries_the_request_id(client, log_output):
    """Django logs a 404 after the middleware has returned; the id must still be there."""
    response = client.get("/no-such-page/")

    rid = response["X-Request-ID"]
    not_found = [line for line in lines_of(log_output) if "Not Found" in line]
    assert len(not_found) == 1, lines_of(log_output)
    assert f"WARNING django.request request_id={rid} " in not_found[0]


@pytest.mark.django_db
@with_test_views
def test_an_error_is_logged_once_with_its_traceback_on_one_line_and_not_shown(log_output):
    client = Client(raise_request_exception=False)

    response = client.get("/test/fails/")

    assert response.status_code == 500
    page = response.content.decode()
    assert "secret-detail" not in page
    assert "Traceback" not in page
    rid = response["X-Request-ID"]
    lines = lines_of(log_output)
    errors = [line for line in lines if "Internal Server Error" in line]
    assert len(errors) == 1, lines
    match = ONE_LINE.fullmatch(errors[0])
    assert match, errors[0]
    assert match["rid"] == rid
    assert "Traceback" in match["msg"]
    assert "RuntimeError: secret-detail-for-the-log-only" in match["msg"]
    assert all(ONE_LINE.fullmatch(line) for line in lines), lines


def test_with_debug_on_a_request_error_is_still_printed_once_on_one_line():
    """`make run` (DEBUG on): Django's own console handler must not print it a second time."""
    script = (
        "import django, logging; django.setup()\n"
        "try:\n"
        "    raise ValueError('boom')\n"
        "except ValueError:\n"
        "    logging.getLogger('django.request').error('Internal Server Error: %s', '/x',"
        " exc_info=True)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={"DJANGO_SETTINGS_MODULE": "config.settings.local"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    lines = [line for line in (done.stdout + done.stderr).split("\n") if line]
    assert len(lines) == 1, lines
    assert ONE_LINE.fullmatch(lines[0]), lines[0]
    assert "ValueError: boom" in lines[0]


# --- Access events -------------------------------------------------------------------


@pytest.mark.django_db
def test_a_failed_sign_in_is_recorded_with_the_request_id(client):
    user = UserFactory()

    response = client.post(
        reverse("accounts:login"),
        {"username": user.employee_number, "password": "not-the-password"},
    )

    event = AccessEvent.objects.get(action=AccessEvent.Action.LOGIN_FAILED)
    assert event.request_id == response["X-Request-ID"]
    assert GENERATED_ID.fullmatch(event.request_id)


@pytest.mark.django_db
@override_settings(AXES_IPWARE_PROXY_COUNT=1)
def test_a_forged_forwarded_address_does_not_stop_the_access_event(client):
    """Behind one proxy, X-Forwarded-For is read; a value that is no address is ignored."""
    user = UserFactory()

    client.post(
        reverse("accounts:login"),
        {"username": user.employee_number, "password": "not-the-password"},
        HTTP_X_FORWARDED_FOR="not-an-address",
    )

    event = AccessEvent.objects.get(action=AccessEvent.Action.LOGIN_FAILED)
    assert event.client_ip == "127.0.0.1"


# --- Gunicorn, as the web container runs it --------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, deadline: float) -> None:
    while time.monotonic() < deadline:
        assert process.poll() is None, "gunicorn exited before it listened"
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("gunicorn did not listen within the time allowed")


@pytest.mark.redis
def test_gunicorn_access_lines_carry_the_request_id_and_no_query_string(tmp_path):
    port = _free_port()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/9"),
    }
    out = tmp_path / "gunicorn.log"
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "config.wsgi:application",
        "--config",
        "docker/gunicorn.conf.py",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
    ]
    with out.open("w") as sink:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=sink, stderr=sink)
    try:
        _wait_for_port(port, process, time.monotonic() + 20)
        request = urllib.request.Request(
            # A search for 山田 in the query string: it must not reach the access log.
            f"http://127.0.0.1:{port}/no-such-page/?q=%E5%B1%B1%E7%94%B0",
            headers={"X-Request-ID": "probe-0123456789"},
        )
        with pytest.raises(urllib.error.HTTPError) as not_found:
            urllib.request.urlopen(request, timeout=10)  # noqa: S310 (local test server)
        assert not_found.value.headers["X-Request-ID"] == "probe-0123456789"

        probe = subprocess.run(
            [sys.executable, "docker/healthcheck.py"],
            cwd=ROOT,
            env={**env, "HEALTHCHECK_URL": f"http://127.0.0.1:{port}/healthz"},
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert probe.returncode == 0, probe.stdout + probe.stderr

        deadline = time.monotonic() + 10
        while "gunicorn.access" not in out.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

    lines = [line for line in out.read_text().split("\n") if line]
    assert all(ONE_LINE.fullmatch(line) for line in lines), lines
    access = [line for line in lines if " gunicorn.access request_id=probe-0123456789 " in line]
    assert len(access) == 1, lines
    assert "GET /no-such-page/ HTTP/1.1 404" in access[0]
    assert "q=" not in access[0]
    assert "%E5" not in access[0]
    healthz = [line for line in lines if "gunicorn.access" in line and "/healthz" in line]
    assert healthz and all(" 200 " in line for line in healthz), lines


def test_the_container_probe_fails_when_nothing_answers():
    done = subprocess.run(
        [sys.executable, "docker/healthcheck.py"],
        cwd=ROOT,
        env={"HEALTHCHECK_URL": f"http://127.0.0.1:{_free_port()}/healthz"},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )

    assert done.returncode == 1
    assert "healthz unreachable" in done.stderr
