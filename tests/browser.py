"""Browser fixtures for the whole suite (loaded by tests/conftest.py): Debian's Chromium
driven by Playwright against pytest-django's live server.

Never `playwright install`: the browser is /usr/bin/chromium (apt package `chromium`).
"""

from __future__ import annotations

import os

# Playwright's sync API keeps an event loop in this thread; Django would otherwise refuse
# database calls from the test (build_world, sessions) as if they came from async code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core-4.14.1.min.js"
# A same-origin address the browser context answers from the vendored file; never served
# by Django (see `axe_violations`).
AXE_PATH = "/__tests__/axe-core.js"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        # `make test` leaves browser tests out with a notice and fails under CI=true; this
        # only stops a bare `pytest` run from crashing on a machine without Chromium.
        message = "Chromium is not installed at /usr/bin/chromium (apt-get install chromium)"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_context(browser, live_server) -> Iterator[Callable[..., Any]]:
    """Make a Japanese browser context (closed after the test); kwargs go to Playwright."""
    contexts: list[Any] = []

    def _new(**kwargs: Any) -> Any:
        options: dict[str, Any] = {"locale": "ja-JP", "timezone_id": "Asia/Tokyo"}
        options.update(kwargs)
        context = browser.new_context(**options)
        context.route(
            f"**{AXE_PATH}",
            lambda route: route.fulfill(path=str(AXE), content_type="application/javascript"),
        )
        contexts.append(context)
        return context

    yield _new
    for context in contexts:
        context.close()


def session_cookie(user, *, verified: bool) -> str:
    """A session key for `user`, made without the sign-in form (rebuilt elsewhere).

    verified=True also marks the second factor as passed, as HQ roles need: what a correct
    TOTP code leaves in the session (see the `login` fixture in tests/conftest.py).
    """
    client = Client()
    client.force_login(user)
    if verified:
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="テスト端末", defaults={"confirmed": True}
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def sign_in(context, live_server, user, *, verified: bool = True) -> None:
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session_cookie(user, verified=verified),
                "url": live_server.url,
            }
        ]
    )


def axe_violations(page, live_server) -> list[dict[str, Any]]:
    """Run axe-core (WCAG 2 A and AA rules) on the page and return its violations.

    add_script_tag(path=…) inlines the file, which our CSP (script-src 'self') blocks. Rather
    than bypass_csp=True, which would also hide any CSP breakage of the page itself, axe is
    loaded by URL from the page's own origin; the context answers that URL from the
    vendored file (see `new_context`), so the page is checked under its real policy.
    """
    # A click that submits a form may still be navigating: check the page it arrives at.
    page.wait_for_load_state("load")
    page.add_script_tag(url=f"{live_server.url}{AXE_PATH}")
    return page.evaluate(
        """async () => {
            const results = await axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']},
            });
            return results.violations.map(v => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary})),
            }));
        }"""
    )


def describe_violations(found: dict[str, list[dict[str, Any]]]) -> str:
    """One readable block per page and rule, for the assertion message."""
    lines: list[str] = []
    for where, violations in found.items():
        for violation in violations:
            lines.append(
                f"[{where}] {violation['id']} ({violation['impact']}): {violation['help']}"
            )
            for node in violation["nodes"][:5]:
                summary = " ".join((node["summary"] or "").split())
                lines.append(f"    {node['target']}: {summary[:300]}")
    return "\n".join(lines)
