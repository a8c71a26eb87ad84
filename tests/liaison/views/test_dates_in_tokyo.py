"""Dates a person sees are Tokyo's: a card filed at 00:59 on 5 December (Tokyo) — still the
4th in UTC — reads 5 December everywhere, unpadded (issue 10)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from accounts.models import AccessEvent, AccessLogCheck
from liaison.visits.models import Visit, VisitOutcome
from tests.html import text
from tests.liaison.conftest import MEMBERS, make_household

pytestmark = pytest.mark.django_db

# 00:59 on 5 December 2026 in Tokyo.
FILED = dt.datetime(2026, 12, 4, 15, 59, tzinfo=dt.UTC)


def page_text(response) -> str:
    assert response.status_code == 200
    return text(response).replace(" ", "")


def test_the_card_history_shows_the_tokyo_date_of_filing(world, login):
    with time_machine.travel(FILED, tick=False):
        card = make_household(
            world.beat_officer,
            world.beat_a1_1,
            members=[{**MEMBERS[0], "birth_date": "1960-05-01"}],
        )
        client = login(world.beat_officer)
        history = page_text(client.get(reverse("liaison:card_history", kwargs={"pk": card.pk})))
        detail = page_text(client.get(reverse("liaison:card_detail", kwargs={"pk": card.pk})))
    assert "編てつ日時：2026年12月5日00:59" in history
    assert "12月04日" not in history and "12月4日" not in history
    assert "郵便番号：〒310-0852" in history
    # The card page: filed on the 5th, and the date of birth with its 和暦 year.
    assert "編てつ2026年12月5日00:59" in detail
    assert "1960年5月1日（昭和35年）" in detail


def test_records_name_themselves_by_tokyo_time():
    """What a record calls itself (in messages and lists) is Tokyo time too."""
    visit = Visit(card_id=7, started_at=FILED, ended_at=FILED, outcome=VisitOutcome.MET)
    assert str(visit) == "7 2026年12月5日 00:59 面接"
    event = AccessEvent(occurred_at=FILED, action=AccessEvent.Action.VIEW)
    assert str(event).startswith("2026年12月5日 00:59")
    check = AccessLogCheck(ran_at=FILED, ok=True)
    assert str(check) == "2026年12月5日 00:59 正常"
