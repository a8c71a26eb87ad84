"""Accessibility in a real browser: axe-core finds no WCAG 2 A/AA violation on the sign-in
page, on every persona's home page and on an error page; the home page needs no sideways
scrolling at 200% zoom; no page trips the Content Security Policy.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import PERSONAS, build_world
from tests.e2e.conftest import axe_violations, describe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT = "/tmp/home-chief.png"  # noqa: S108  (where the reviewer looks at it)


def _open(context, url: str):
    """A page at url, with a list that collects CSP refusals reported by the browser."""
    page = context.new_page()
    refusals: list[str] = []
    page.on(
        "console",
        lambda message: (
            refusals.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    response = page.goto(url)
    assert response is not None
    return page, response, refusals


def test_sign_in_page_has_no_accessibility_violations(new_context, live_server):
    context = new_context(viewport={"width": 1280, "height": 800})
    page, response, refusals = _open(context, live_server.url + reverse("accounts:login"))
    assert response.status == 200
    found = {"サインイン": axe_violations(page, live_server)}
    assert refusals == []
    assert not any(found.values()), "\n" + describe_violations(found)

    # The check itself works: a field without a label is reported.
    page.evaluate("() => document.querySelector('main').append(document.createElement('input'))")
    assert "label" in {v["id"] for v in axe_violations(page, live_server)}


def test_every_home_page_has_no_accessibility_violations(new_context, live_server):
    world = build_world()
    found: dict[str, list] = {}
    csp: dict[str, list[str]] = {}
    for persona in PERSONAS:
        context = new_context(viewport={"width": 1280, "height": 800})
        sign_in(context, live_server, getattr(world, persona))
        page, response, refusals = _open(context, live_server.url + reverse("accounts:home"))
        assert response.status == 200, persona
        # Signed in, not sent to the sign-in or two-factor page.
        assert page.locator("h1").inner_text() == "ホーム", persona
        found[persona] = axe_violations(page, live_server)
        csp[persona] = refusals
        if persona == "chief":
            page.screenshot(path=SCREENSHOT, full_page=True)
        if persona == "overall_manager":
            # An error page, in the full layout with the header and menu.
            page, response, refusals = _open(context, live_server.url + "/no-such-page/")
            assert response.status == 404
            found["404"] = axe_violations(page, live_server)
            csp["404"] = refusals
    assert not any(found.values()), "\n" + describe_violations(found)
    assert not any(csp.values()), csp


@pytest.mark.parametrize("persona", ["chief", "overall_manager", None])
def test_no_sideways_scrolling_at_200_percent_zoom(new_context, live_server, persona):
    # A 1280px wide window at 200%: 640 CSS pixels, each drawn with two device pixels.
    context = new_context(viewport={"width": 640, "height": 800}, device_scale_factor=2)
    if persona is None:
        url = reverse("accounts:login")
    else:
        world = build_world()
        sign_in(context, live_server, getattr(world, persona))
        url = reverse("accounts:home")
    page, response, _ = _open(context, live_server.url + url)
    assert response.status == 200
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"page {widths[0]}px wide in a {widths[1]}px window"
    if persona is not None:
        # Every menu entry is still there (wrapped, not hidden) and big enough to tap.
        for link in page.locator(".site-nav a").all():
            assert link.is_visible()
            box = link.bounding_box()
            assert box is not None and box["height"] >= 44
