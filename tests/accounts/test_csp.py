"""The Content Security Policy forbids inline scripts and styles; the pages keep to it.

A page that broke the rule would lose its script or style in the browser, silently: these
tests catch it on the server side.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


class InlineCodeFinder(HTMLParser):
    """Collects what a strict CSP would block: inline <script> and <style>, style="",
    on…="" handlers and javascript: links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.scripts_with_src: list[str] = []
        self._in: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        for name, value in attrs:
            if name == "style":
                self.problems.append(f"<{tag} style={value!r}>")
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"<{tag} {name}={value!r}>")
        if tag == "style":
            self.problems.append("<style> element")
        if tag == "script":
            if names.get("src"):
                self.scripts_with_src.append(names["src"] or "")
            self._in, self._text = "script", []

    def handle_data(self, data: str) -> None:
        if self._in == "script":
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._in == "script":
            body = "".join(self._text).strip()
            if body:
                self.problems.append(f"inline <script>: {body[:60]!r}")
            self._in = None


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def _check(response) -> InlineCodeFinder:
    assert response.status_code == 200
    policy = _policy(response)
    assert policy["script-src"] == ["'self'"]
    for directive in ("default-src", "script-src", "style-src"):
        assert "'unsafe-inline'" not in policy.get(directive, [])
        assert "'unsafe-eval'" not in policy.get(directive, [])
    finder = InlineCodeFinder()
    finder.feed(response.content.decode())
    assert finder.problems == []
    return finder


@pytest.mark.smoke
def test_sign_in_page_has_a_strict_policy_and_no_inline_code(client):
    _check(client.get(reverse("accounts:login")))


@pytest.mark.parametrize("persona", ["chief", "overall_manager", "auditor", "beat_officer"])
def test_home_page_has_a_strict_policy_and_no_inline_code(world, login, persona):
    finder = _check(login(getattr(world, persona)).get(reverse("accounts:home")))
    # htmx is loaded from our own static files, not inlined.
    assert any("htmx-2.0.11.min.js" in src for src in finder.scripts_with_src)


def test_the_finder_catches_what_the_policy_would_block():
    finder = InlineCodeFinder()
    finder.feed(
        '<p style="color:red" onclick="x()">a</p><script>alert(1)</script>'
        '<a href="javascript:void(0)">b</a><style>p{}</style><script src="/s.js"></script>'
    )
    assert len(finder.problems) == 5
