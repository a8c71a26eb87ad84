"""ルート表: the worklist on A4 paper, each page marked with who printed it and when."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import AccessEvent
from tests.liaison.conftest import pdf_text

from .conftest import household, visit

pytestmark = pytest.mark.django_db

URL = reverse("liaison:worklist_print")


def test_the_route_sheet_lists_the_due_cards_with_a_box_to_tick(world, login):
    # Filed today, never visited: due today.
    household(world, "1-1", made_at=None)
    household(world, "2-2", care_elderly_alone=True, made_at=None)
    done = household(world, "3-3")
    visit(world.beat_officer, done)  # visited today: not on the sheet

    response = login(world.beat_officer).get(URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "巡回連絡の予定（ルート表）" in text
    assert "済" in text
    assert "笠原町1-1" in text
    assert "笠原町2-2" in text
    assert "笠原町3-3" not in text
    assert "一人暮らしの高齢者" in text
    assert "2件" in text
    # Who printed it and when, on the page (footer and watermark).
    assert "印刷者beat_officer職員（職員番号100001）" in text
    # 和暦, as the paper forms write dates; the narrow columns as 令和8.11.30.
    assert "印刷日時令和8年11月30日15:00" in text
    assert "令和8年11月30日現在" in text
    assert "令和8.11.30" in text  # due today: filed today, never visited
    assert "2026" not in text


def test_a_sheet_printed_after_midnight_in_tokyo_carries_the_tokyo_date(world, login, afternoon):
    """00:30 on 1 December in Tokyo is still 30 November in UTC."""
    household(world, "1-1")
    afternoon.move_to(dt.datetime(2026, 11, 30, 15, 30, tzinfo=dt.UTC))
    text = pdf_text(login(world.beat_officer).get(URL).content)
    assert "印刷日時令和8年12月1日00:30" in text
    assert "令和8年12月1日現在" in text


def test_printing_is_logged_with_the_count(world, login):
    household(world, "1-1")
    login(world.beat_officer).get(URL)
    event = AccessEvent.objects.get(user=world.beat_officer, action=AccessEvent.Action.PRINT)
    assert event.object_type == "liaison.liaisoncard"
    assert "1件" in event.summary
    assert "笠原" not in event.summary


@pytest.mark.parametrize("persona", ["supervisor", "chief", "staff", "no_role"])
def test_only_a_beat_officer_prints_his_round(world, login, persona):
    household(world, "1-1")
    assert login(getattr(world, persona)).get(URL).status_code == 403
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.PRINT).exists()


def test_it_only_answers_reading(world, login):
    assert login(world.beat_officer).post(URL).status_code == 405
