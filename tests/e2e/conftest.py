"""Browser tests: the fixtures (`browser`, `new_context`) live in tests/browser.py, loaded
for the whole suite by tests/conftest.py, so that every browser test anywhere shares one
Chromium; the helpers are re-exported here for the tests that import them from here."""

from tests.browser import axe_violations, describe_violations, session_cookie, sign_in

__all__ = ["axe_violations", "describe_violations", "session_cookie", "sign_in"]
