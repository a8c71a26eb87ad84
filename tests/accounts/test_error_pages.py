"""Error pages: Japanese, with the request id to quote to the help desk, a way home, and
never a stack trace; the 500 page even with the database down.

The views below exist only in this module's urlconf (ROOT_URLCONF is overridden), with the
handlers that config/urls.py declares.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import SuspiciousOperation
from django.db import OperationalError, connection
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import include, path, reverse

from accounts.exceptions import OutOfScope, PermissionDenied
from tests.html import text

SECRET = "秘密の内部情報 card_id=4711"
REQUEST_ID = "help-desk-0123456789"


def _crash(request):
    raise RuntimeError(SECRET)


def _database_down(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("the database answered")  # a 200 would fail the test


def _refused(request):
    raise PermissionDenied("この巡回連絡簿を出力する権限がありません。")


def _out_of_scope(request):
    raise OutOfScope("liaison.card", "4711")


def _suspicious(request):
    raise SuspiciousOperation(SECRET)


urlpatterns = [
    path("test/crash/", _crash),
    path("test/database-down/", _database_down),
    path("test/refused/", _refused),
    path("test/out-of-scope/", _out_of_scope),
    path("test/suspicious/", _suspicious),
    # The menu links to every app's pages, so the apps' URLs must resolve here too.
    path("liaison/", include("liaison.urls")),
    path("network/", include("network.urls")),
    path("alerts/", include("alerts.urls")),
    path("anshin/", include("alerts.subscribers.public_urls")),
    path("", include("accounts.urls")),
]

handler400 = "accounts.views.errors.bad_request"
handler403 = "accounts.views.errors.permission_denied"
handler404 = "accounts.views.errors.page_not_found"
handler500 = "accounts.views.errors.server_error"

with_test_urls = override_settings(ROOT_URLCONF=__name__)


class DjangoDefaultHandlers:
    """The same views without handler40x: what users get before config/urls.py names the
    project's handlers. A class, because ROOT_URLCONF may be any hashable object with
    `urlpatterns`."""

    urlpatterns = urlpatterns


BOTH_HANDLER_SETS = pytest.mark.parametrize(
    "urlconf", [__name__, DjangoDefaultHandlers], ids=["project_handlers", "django_defaults"]
)


def _assert_helpful(response, *, status: int, heading: str) -> str:
    html = response.content.decode()
    assert response.status_code == status
    assert '<html lang="ja">' in html
    assert heading in html
    assert f"受付番号：{REQUEST_ID}" in text(html)
    assert response["X-Request-ID"] == REQUEST_ID
    assert 'href="/"' in html and "ホームへ戻る" in html
    for leak in ("Traceback", "RuntimeError", "SuspiciousOperation", SECRET, "card_id"):
        assert leak not in html
    return html


@pytest.fixture
def quiet_client():
    """A client that gets the page a user would see instead of the exception."""
    return Client(raise_request_exception=False, HTTP_X_REQUEST_ID=REQUEST_ID)


@pytest.mark.smoke
@pytest.mark.django_db
@with_test_urls
def test_a_crash_shows_the_japanese_500_page_with_the_request_id(quiet_client, settings):
    assert settings.DEBUG is False
    response = quiet_client.get("/test/crash/")
    _assert_helpful(response, status=500, heading="システムエラーが発生しました")


def _refuse_every_query(execute, sql, params, many, context):
    raise OperationalError("connection refused (simulated)")


@pytest.mark.django_db
@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed_in"])
@BOTH_HANDLER_SETS
def test_the_500_page_needs_no_database(quiet_client, world, settings, signed_in, urlconf):
    settings.ROOT_URLCONF = urlconf
    if signed_in:
        quiet_client.force_login(world.chief)
    with connection.execute_wrapper(_refuse_every_query):
        response = quiet_client.get("/test/database-down/")
    _assert_helpful(response, status=500, heading="システムエラーが発生しました")


@pytest.mark.django_db
def test_an_unknown_address_shows_the_japanese_404_page(client):
    response = client.get("/no-such-page/", HTTP_X_REQUEST_ID=REQUEST_ID)
    _assert_helpful(response, status=404, heading="ページが見つかりません")


@pytest.mark.django_db
@BOTH_HANDLER_SETS
def test_an_object_out_of_scope_looks_like_any_missing_page(world, login, settings, urlconf):
    settings.ROOT_URLCONF = urlconf
    client = login(world.beat_officer)
    response = client.get("/test/out-of-scope/", HTTP_X_REQUEST_ID=REQUEST_ID)
    html = _assert_helpful(response, status=404, heading="ページが見つかりません")
    assert "liaison.card" not in html
    assert "beat_officer 職員" in html  # the normal layout, with the person's header


@pytest.mark.django_db
@BOTH_HANDLER_SETS
def test_a_refusal_shows_the_japanese_403_page(world, login, settings, urlconf):
    settings.ROOT_URLCONF = urlconf
    client = login(world.beat_officer)
    response = client.get("/test/refused/", HTTP_X_REQUEST_ID=REQUEST_ID)
    html = _assert_helpful(response, status=403, heading="この操作を行う権限がありません")
    assert "beat_officer 職員" in html
    if urlconf == __name__:
        # The project's handler also gives the reason our own refusals carry.
        assert "この巡回連絡簿を出力する権限がありません。" in html


@pytest.mark.django_db
@BOTH_HANDLER_SETS
def test_a_suspicious_request_shows_the_japanese_400_page(quiet_client, settings, urlconf):
    settings.ROOT_URLCONF = urlconf
    response = quiet_client.get("/test/suspicious/")
    _assert_helpful(response, status=400, heading="リクエストを処理できません")


@pytest.mark.django_db
def test_an_unknown_host_shows_the_japanese_400_page(client):
    response = client.get("/", HTTP_HOST="evil.example", HTTP_X_REQUEST_ID=REQUEST_ID)
    _assert_helpful(response, status=400, heading="リクエストを処理できません")


@pytest.mark.django_db
def test_a_form_sent_without_csrf_token_shows_the_japanese_page(world):
    client = Client(enforce_csrf_checks=True, HTTP_X_REQUEST_ID=REQUEST_ID)
    client.force_login(world.chief)
    response = client.post(reverse("accounts:logout"))
    html = _assert_helpful(response, status=403, heading="送信を受け付けられませんでした")
    assert "入力した内容は保存されていません" in html
