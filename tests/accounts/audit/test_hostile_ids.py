"""An access event is evidence of what was asked for: the audit shows whatever it holds and
never fails on it, and ids from requests are read before they are recorded (issue 16)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import AccessEvent
from tests.liaison.conftest import make_household

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"  # beyond a bigint
ODD_IDS = [HUGE, "²", "１２", "-1", "abc/def", "0", "12 OR 1=1", "<b>x</b>", "٣"]


def test_an_id_no_database_can_hold_is_a_400_and_not_recorded(world, login):
    client = login(world.beat_officer)
    url = reverse("liaison:book_card_create", kwargs={"pk": world.beat_a1_1.pk})
    for parent in (HUGE, "²", "-5", "1e3"):
        response = client.get(url, {"parent": parent})
        assert response.status_code == 400, parent
        assert "集合住宅の指定が正しくありません" in response.content.decode()
    assert not AccessEvent.objects.filter(object_id__in=[HUGE, "²"]).exists()


def test_a_path_id_beyond_a_bigint_is_a_404_before_any_view(world, login):
    client = login(world.beat_officer)
    response = client.get(f"/liaison/cards/{HUGE}/")
    assert response.status_code == 404
    assert not AccessEvent.objects.filter(object_id=HUGE).exists()


@pytest.fixture
def odd_events(world):
    """Events as they may already stand in the log, written before ids were read once."""
    card = make_household(world.beat_officer, world.beat_a1_1)
    rows = [
        AccessEvent.objects.create(
            user=world.beat_officer,
            username=world.beat_officer.employee_number,
            station=world.station_a,
            action=AccessEvent.Action.DENIED,
            outcome=AccessEvent.Outcome.DENIED,
            object_type=object_type,
            object_id=object_id,
            out_of_scope=True,
            summary="担当範囲外 GET",
        )
        for object_type in ("liaison.liaisoncard", "liaison.visit", "accounts.station", "x.y")
        for object_id in ODD_IDS
    ]
    return card, rows


def test_the_event_list_shows_any_event_it_holds(world, login, odd_events):
    client = login(world.auditor)
    response = client.get(reverse("accounts:audit_event_list"))
    assert response.status_code == 200
    text = response.content.decode()
    assert f"巡回連絡カード No.{HUGE}" in text
    # Shown as text, never as markup, and never linked to an object page it cannot have.
    assert "<b>x</b>" not in text
    assert f"/audit/objects/liaison.liaisoncard/{HUGE}/" not in text


def test_the_export_carries_every_event_to_the_end(world, login, odd_events):
    _, rows = odd_events
    response = login(world.auditor).get(reverse("accounts:audit_event_export"))
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = body.strip().split("\r\n")
    # The header, every odd event; the auditor's own page view before is recorded too.
    assert len(lines) - 1 >= len(rows)
    assert HUGE in body and "abc/def" in body


def test_the_object_page_of_an_odd_id_is_a_404(world, login, odd_events):
    client = login(world.auditor)
    url = reverse(
        "accounts:audit_object", kwargs={"object_type": "liaison.liaisoncard", "object_id": HUGE}
    )
    assert client.get(url).status_code == 404


def test_the_person_timeline_shows_them_too(world, login, odd_events):
    client = login(world.auditor)
    response = client.get(reverse("accounts:audit_person", kwargs={"pk": world.beat_officer.pk}))
    assert response.status_code == 200
    assert HUGE in response.content.decode()
