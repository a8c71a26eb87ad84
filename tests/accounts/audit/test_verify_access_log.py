"""`manage.py verify_access_log`, the daily task and the 改ざん検知 page."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from accounts.audit.tasks import access_log_verify
from accounts.models import AccessEvent, AccessLogCheck, Notice
from accounts.services import access_event_record

pytestmark = pytest.mark.postgres


def _record(world, n: int) -> list[AccessEvent]:
    return [
        access_event_record(
            user=world.beat_officer, action="view", object_type="liaison.liaisoncard", object_id=i
        )
        for i in range(n)
    ]


def _tamper(event: AccessEvent) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER accounts_ae_no_update ON accounts_accessevent")
        cursor.execute("UPDATE accounts_accessevent SET object_id = '7' WHERE id = %s", [event.pk])


def test_the_command_reports_an_intact_log(world):
    _record(world, 3)
    out = io.StringIO()
    call_command("verify_access_log", stdout=out)
    assert "正常" in out.getvalue()
    assert f"{AccessEvent.objects.count()}件を検証" in out.getvalue()
    assert AccessLogCheck.objects.get().ok


def test_the_command_names_the_first_broken_link_and_fails(world):
    events = _record(world, 4)
    _tamper(events[1])
    stored = AccessEvent.objects.get(pk=events[1].pk)
    with pytest.raises(CommandError) as failure:
        call_command("verify_access_log", "--no-notify")
    assert failure.value.returncode == 1
    assert f"記録ID {events[1].pk}" in str(failure.value)
    assert f"系列{stored.chain}の{stored.seq}番" in str(failure.value)
    check = AccessLogCheck.objects.get()
    assert (check.ok, check.broken_event_id) == (False, events[1].pk)
    assert not Notice.objects.exists()


def test_a_bad_date_is_explained(world):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("verify_access_log", "--date", "2026/11/01")


def test_the_daily_task_tells_auditors_and_nobody_else_of_a_break(world):
    events = _record(world, 3)
    assert access_log_verify() == {"ok": True, "checked": AccessEvent.objects.count()}
    assert not Notice.objects.exists()
    _tamper(events[0])
    assert access_log_verify()["ok"] is False
    notice = Notice.objects.get()
    assert notice.recipient == world.auditor
    # A title and a link: no event, no person, no card.
    assert notice.title == "閲覧記録の改ざん検知で異常が見つかりました"
    assert notice.url == reverse("accounts:audit_integrity")


def test_the_page_shows_the_latest_result_to_auditors(world, login):
    events = _record(world, 2)
    _tamper(events[0])
    access_log_verify()
    page = login(world.auditor).get(reverse("accounts:audit_integrity"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "異常あり" in html
    assert "（16系列）" in html
    assert f"記録ID {events[0].pk}" in html


def test_an_auditor_starts_a_verification_from_the_page(
    world, login, django_capture_on_commit_callbacks
):
    _record(world, 2)
    client = login(world.auditor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:audit_integrity_verify"))
    assert response.status_code == 302
    assert AccessLogCheck.objects.get().ok  # tasks run eagerly in tests
    assert "検証を開始しました" in client.get(response.url).content.decode()


@pytest.mark.parametrize("persona", ["chief", "overall_manager", "beat_officer"])
def test_nobody_else_reaches_the_page(world, login, persona):
    client = login(getattr(world, persona))
    assert client.get(reverse("accounts:audit_integrity")).status_code == 403
    assert client.post(reverse("accounts:audit_integrity_verify")).status_code == 403
    assert not AccessLogCheck.objects.exists()
