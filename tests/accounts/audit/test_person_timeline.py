"""職員別の記録: one person's events newest first, a period, keyset pages, and a summary of
the period (counts by action, days with activity)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from accounts.models import AccessEvent
from tests.accounts.audit.test_event_search import TOKYO, event, next_link, shown
from tests.liaison.conftest import make_household

pytestmark = pytest.mark.django_db


def url(person_or_pk) -> str:
    pk = getattr(person_or_pk, "pk", person_or_pk)
    return reverse("accounts:audit_person", kwargs={"pk": pk})


def day(d: int, h: int = 10, m: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, d, h, m, tzinfo=TOKYO)


@pytest.fixture
def card(world):
    return make_household(world.beat_officer, world.beat_a1_1)


def test_the_timeline_shows_only_that_persons_events_newest_first(world, login, card):
    first = event(world.supervisor, at=day(10), card=card)
    second = event(world.supervisor, at=day(11), card=card, action="print")
    someone_else = event(world.chief, at=day(11), card=card)
    response = login(world.auditor).get(url(world.supervisor), {"start": "2026-03-01"})
    assert response.status_code == 200
    assert shown(response) == [second.summary, first.summary]
    assert someone_else.summary not in shown(response)
    text = response.content.decode()
    assert f"{world.supervisor.full_name}（職員番号 {world.supervisor.employee_number}）" in text
    assert f"カード No.{card.pk}（中央警察署 駅前交番 第1受持区）" in text
    assert "山田" not in text and "笠原町" not in text
    assert reverse("accounts:audit_event_list") in text  # the way back
    export = reverse("accounts:audit_event_export")
    assert f'href="{export}?start=2026-03-01&amp;person={world.supervisor.employee_number}"' in text


def test_the_period_and_its_summary(world, login, card):
    event(world.supervisor, at=day(9, 23, 59), card=card)  # the day before: outside
    event(world.supervisor, at=day(10, 9), card=card)
    event(world.supervisor, at=day(10, 15), card=card)
    event(world.supervisor, at=day(12, 8), card=card, action="print")
    event(world.supervisor, at=day(12, 8, 1), card=card, action="export", record_count=30)
    event(world.supervisor, at=day(13, 0), card=card)  # the day after: outside
    response = login(world.auditor).get(
        url(world.supervisor), {"start": "2026-03-10", "end": "2026-03-12"}
    )
    summary = response.context["summary"]
    assert summary.start == dt.date(2026, 3, 10) and summary.end == dt.date(2026, 3, 12)
    assert summary.total == 4
    assert summary.active_days == 2  # the 10th and the 12th (Tokyo days)
    assert summary.by_action == [("閲覧", 2), ("出力", 1), ("印刷", 1)]  # most first
    text = response.content.decode()
    assert "2026年3月10日〜2026年3月12日の概要" in text
    assert "記録のある日数</dt><dd>2日" in text
    assert len(shown(response)) == 4


def test_without_a_period_the_summary_covers_the_last_30_days(world, login, card):
    with time_machine.travel(dt.datetime(2026, 3, 31, 12, 0, tzinfo=TOKYO), tick=False):
        event(world.supervisor, at=day(1), card=card)  # 31 days before the end of today
        event(world.supervisor, at=day(2), card=card)
        event(world.supervisor, at=day(30), card=card)
        response = login(world.auditor).get(url(world.supervisor))
    summary = response.context["summary"]
    assert summary.start == dt.date(2026, 3, 2) and summary.end == dt.date(2026, 3, 31)
    assert summary.total == 2
    assert "直近30日間の概要" in response.content.decode()
    # The list itself is not limited to the 30 days.
    assert len(shown(response)) == 3


def test_pages_continue_by_keyset(world, login):
    made = [event(world.chief, at=day(10) + dt.timedelta(seconds=i // 3)) for i in range(75)]
    expected = [e.summary for e in sorted(made, key=lambda e: (e.occurred_at, e.pk), reverse=True)]
    client = login(world.auditor)
    response = client.get(url(world.chief), {"start": "2026-03-10", "end": "2026-03-10"})
    seen = shown(response)
    link = next_link(response)
    assert link is not None and "start=2026-03-10" in link
    response = client.get(url(world.chief) + link)
    seen += shown(response)
    assert next_link(response) is None
    assert "最新に戻る" in response.content.decode()
    assert seen == expected


def test_the_view_is_recorded_without_names(world, login):
    event(world.chief, at=day(10))
    login(world.auditor).get(url(world.chief), {"start": "2026-03-10"})
    logged = AccessEvent.objects.get(user=world.auditor, action=AccessEvent.Action.SEARCH)
    assert logged.object_type == "accounts.accessevent"
    assert (
        logged.summary
        == f"閲覧記録の検索（職員別 職員番号{world.chief.employee_number}・期間） 1件表示"
    )
    assert world.chief.full_name not in logged.summary


def test_a_bad_period_is_a_field_error(world, login):
    response = login(world.auditor).get(url(world.chief), {"start": "昨日"})
    assert response.status_code == 200
    assert response.context["form"].errors["start"][0].startswith("日付の形式が正しくありません。")
    assert response.context["page"] is None


def test_an_unknown_person_is_not_found(world, login):
    assert login(world.auditor).get(url(987654)).status_code == 404
    # Beyond a bigint: no URL of that shape exists (and no query is made).
    assert login(world.auditor).get(f"/audit/people/{10**30}/").status_code == 404


@pytest.mark.parametrize("persona", ["chief", "overall_manager", "station_manager", "beat_officer"])
def test_only_hq_auditors_may_read_a_timeline(world, login, persona):
    assert login(getattr(world, persona)).get(url(world.chief)).status_code == 403
    # Not even whether the person exists.
    assert login(getattr(world, persona)).get(url(987654)).status_code == 403


def test_anonymous_users_are_sent_to_sign_in(client, world):
    response = client.get(url(world.chief))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_the_search_links_each_person_to_the_timeline(world, login, card):
    event(world.supervisor, at=day(10), card=card)
    text = (
        login(world.auditor)
        .get(reverse("accounts:audit_event_list"), {"start": "2026-03-10", "end": "2026-03-10"})
        .content.decode()
    )
    assert f'<a href="{url(world.supervisor)}">{world.supervisor.full_name}</a>' in text
