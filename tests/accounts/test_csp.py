"""The Content Security Policy forbids inline scripts and styles; the pages keep to it.

A page that broke the rule would lose its script or style in the browser, silently: these
tests catch it on the server side.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.html import inline_code

pytestmark = pytest.mark.django_db


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def _check(response) -> list[str]:
    """The page keeps to the policy; returns the src of its scripts."""
    assert response.status_code == 200
    policy = _policy(response)
    assert policy["script-src"] == ["'self'"]
    for directive in ("default-src", "script-src", "style-src"):
        assert "'unsafe-inline'" not in policy.get(directive, [])
        assert "'unsafe-eval'" not in policy.get(directive, [])
    problems, sources = inline_code(response)
    assert problems == []
    return sources


@pytest.mark.smoke
def test_sign_in_page_has_a_strict_policy_and_no_inline_code(client):
    _check(client.get(reverse("accounts:login")))


@pytest.mark.parametrize("persona", ["chief", "overall_manager", "auditor", "beat_officer"])
def test_home_page_has_a_strict_policy_and_no_inline_code(world, login, persona):
    sources = _check(login(getattr(world, persona)).get(reverse("accounts:home")))
    # htmx is loaded from our own static files, not inlined.
    assert any("htmx-2.0.11.min.js" in src for src in sources)


def test_the_finder_catches_what_the_policy_would_block():
    problems, sources = inline_code(
        '<p style="color:red" onclick="x()">a</p><script>alert(1)</script>'
        '<a href="javascript:void(0)">b</a><style>p{}</style><script src="/s.js"></script>'
    )
    assert len(problems) == 5
    assert sources == ["/s.js"]
