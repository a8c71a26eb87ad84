"""緊急閲覧 through the pages: an officer of the station states purpose and reason, finds the
card by name, opens it for a short time; it is flagged, the 取扱責任者 is told, and nobody
reaches another station's cards this way."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.messages import get_messages
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.exceptions import OutOfScope
from accounts.models import AccessEvent, Notice
from liaison.cards import selectors as cards_selectors
from liaison.glass import selectors as glass_selectors
from liaison.glass.models import BreakGlassAccess
from tests.html import field_errors as errors_shown_at
from tests.liaison.conftest import MEMBERS, make_household

pytestmark = pytest.mark.django_db

PAGE = reverse("liaison:break_glass")
REASON = "迷子の高齢者を保護、住所の確認のため"
SUZUKI = {"name": "鈴木 トメ", "kana": "スズキ トメ", "relationship": "head"}


def open_url(card) -> str:
    return reverse("liaison:break_glass_open", kwargs={"pk": card.pk})


def detail_url(card) -> str:
    return reverse("liaison:card_detail", kwargs={"pk": card.pk})


def field_errors(html: str, name: str) -> list[str]:
    """The error lines shown at the input called `name`."""
    return errors_shown_at(html, name=name)


@pytest.fixture
def card_a1_2(world):
    """A household of beat A1-2: same post as the beat officer, not his beat."""
    return make_household(world.supervisor, world.beat_a1_2, members=[SUZUKI], town="元町")


def test_the_page_asks_for_purpose_reason_and_a_name(world, login):
    response = login(world.beat_officer).get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "迷子・行方不明者（高齢者等）の保護" in html
    assert 'name="reason"' in html
    assert 'name="query"' in html
    assert "対象の警察署：<strong>中央警察署</strong>" in html
    assert "取扱責任者に通知" in html
    assert "監査の対象" in html


def test_the_search_shows_index_data_only_and_is_flagged(
    world, login, card_a1_2, other_station_card
):
    make_household(world.beat_officer, world.beat_a1_1, members=[MEMBERS[0]])
    response = login(world.beat_officer).post(
        PAGE, {"purpose": "missing_person", "reason": REASON, "query": "すずき"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "検索結果：1件" in html
    assert "鈴木 トメ" in html
    assert "スズキ トメ" in html
    assert "元町1-2-3" in html
    assert "駅前交番 第2受持区" in html
    assert f'formaction="{open_url(card_a1_2)}"' in html
    # Index data only: no phone number, no member details.
    assert "029-123-4567" not in html
    assert "0291234567" not in html
    # The purpose and reason go with the button, so the officer need not type them again.
    assert '<input type="hidden" name="purpose" value="missing_person">' in html
    assert f'<input type="hidden" name="reason" value="{REASON}">' in html

    event = AccessEvent.objects.get(action=AccessEvent.Action.SEARCH)
    assert event.break_glass
    assert event.user == world.beat_officer
    assert event.station == world.station_a
    assert "迷子・行方不明者" in event.summary
    assert "1件" in event.summary
    assert "すずき" not in event.summary
    assert "スズキ" not in event.summary


def test_the_search_never_shows_another_stations_cards(world, login, other_station_card):
    response = login(world.beat_officer).post(
        PAGE, {"purpose": "disaster", "reason": REASON, "query": "山田"}
    )
    html = response.content.decode()
    assert "検索結果：0件" in html
    assert "北口" not in html


def test_an_officer_opens_a_card_outside_his_beat(world, login, card_a1_2):
    officer = world.beat_officer
    with pytest.raises(OutOfScope):
        cards_selectors.card_get(user=officer, pk=card_a1_2.pk)

    client = login(officer)
    response = client.post(
        open_url(card_a1_2), {"purpose": "missing_person", "reason": REASON, "query": "鈴木"}
    )

    assert response.status_code == 302
    assert response["Location"] == detail_url(card_a1_2)
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(m.startswith("緊急閲覧を開始しました（30分間有効）") for m in shown)
    # The card is his to read for a while, through the grant.
    assert cards_selectors.card_get(user=officer, pk=card_a1_2.pk) == card_a1_2
    access = BreakGlassAccess.objects.get(user=officer, card=card_a1_2)
    assert access.purpose == "missing_person"
    assert access.reason == REASON
    assert glass_selectors.break_glass_active_get(user=officer, card=card_a1_2) == access
    # Flagged for audit.
    event = AccessEvent.objects.get(user=officer, break_glass=True, object_id=str(card_a1_2.pk))
    assert event.action == AccessEvent.Action.VIEW
    # The post's 取扱責任者 is told: a title and a link, no personal data.
    notice = Notice.objects.get(recipient=world.supervisor)
    assert notice.url == detail_url(card_a1_2)
    assert "鈴木" not in notice.title
    assert "元町" not in notice.title
    assert not Notice.objects.filter(recipient=officer).exists()

    # The page lists his open access with a link to the card.
    html = client.get(PAGE).content.decode()
    assert "閲覧中の緊急閲覧" in html
    assert f'href="{detail_url(card_a1_2)}"' in html


@override_settings(BREAK_GLASS_MINUTES=5)
def test_the_access_ends_after_the_configured_time(world, login, card_a1_2):
    response = login(world.staff).post(
        open_url(card_a1_2), {"purpose": "inquiry", "reason": "生活安全課からの照会（事案番号123）"}
    )
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("5分間有効" in m for m in shown)
    assert cards_selectors.card_get(user=world.staff, pk=card_a1_2.pk) == card_a1_2

    access = BreakGlassAccess.objects.get(user=world.staff)
    assert access.expires_at - access.granted_at == dt.timedelta(minutes=5)
    access.expires_at = timezone.now() - dt.timedelta(seconds=1)
    access.save()
    with pytest.raises(OutOfScope):
        cards_selectors.card_get(user=world.staff, pk=card_a1_2.pk)
    assert "閲覧中の緊急閲覧" not in login(world.staff).get(PAGE).content.decode()


def test_a_too_short_reason_is_refused_at_the_field(world, login, card_a1_2):
    response = login(world.beat_officer).post(
        open_url(card_a1_2), {"purpose": "missing_person", "reason": "確認のため"}
    )
    assert response.status_code == 400
    errors = field_errors(response.content.decode(), "reason")
    assert errors == ["理由を具体的に入力してください（10文字以上。例：○○事案の照会のため）。"]
    assert not BreakGlassAccess.objects.exists()
    assert not Notice.objects.exists()
    with pytest.raises(OutOfScope):
        cards_selectors.card_get(user=world.beat_officer, pk=card_a1_2.pk)


def test_a_padded_reason_does_not_pass(world, login, card_a1_2):
    response = login(world.beat_officer).post(
        open_url(card_a1_2), {"purpose": "missing_person", "reason": "確認のため       "}
    )
    assert response.status_code == 400
    assert not BreakGlassAccess.objects.exists()


def test_an_unknown_purpose_is_refused_at_the_field(world, login, card_a1_2):
    response = login(world.beat_officer).post(
        open_url(card_a1_2), {"purpose": "curiosity", "reason": REASON}
    )
    assert response.status_code == 400
    assert field_errors(response.content.decode(), "purpose") == [
        "緊急閲覧の目的を一覧から選んでください。"
    ]
    assert not BreakGlassAccess.objects.exists()


def test_a_search_without_a_proper_reason_finds_nothing(world, login, card_a1_2):
    response = login(world.beat_officer).post(PAGE, {"purpose": "", "reason": "", "query": "鈴木"})
    assert response.status_code == 400
    html = response.content.decode()
    assert field_errors(html, "purpose") == ["緊急閲覧の目的を選んでください。"]
    assert field_errors(html, "reason") == ["緊急閲覧の理由を入力してください。"]
    assert "鈴木 トメ" not in html
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.SEARCH).exists()


def test_a_card_already_in_scope_opens_without_a_grant(world, login, household):
    response = login(world.supervisor).post(
        open_url(household), {"purpose": "missing_person", "reason": REASON}
    )
    assert response.status_code == 302
    assert response["Location"] == detail_url(household)
    assert not BreakGlassAccess.objects.exists()
    assert not AccessEvent.objects.filter(break_glass=True).exists()
    assert not Notice.objects.exists()


def test_nobody_reaches_another_stations_card(world, login, other_station_card):
    for persona in ("beat_officer", "staff", "chief", "station_manager"):
        response = login(world.people[persona]).post(
            open_url(other_station_card), {"purpose": "disaster", "reason": REASON}
        )
        assert response.status_code == 404, persona
    assert not BreakGlassAccess.objects.exists()


def test_an_officer_of_another_station_cannot_open_ours(world, login, card_a1_2):
    client = login(world.other_officer)
    assert client.get(PAGE).status_code == 200  # his own station's page
    response = client.post(open_url(card_a1_2), {"purpose": "disaster", "reason": REASON})
    assert response.status_code == 404
    assert not BreakGlassAccess.objects.exists()


def test_a_card_not_yet_filed_cannot_be_opened(world, login):
    draft = make_household(world.supervisor, world.beat_a1_2, members=[SUZUKI], draft=True)
    response = login(world.beat_officer).post(
        open_url(draft), {"purpose": "disaster", "reason": REASON}
    )
    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["auditor", "overall_manager", "no_role", "alert_author"])
def test_roles_without_a_station_duty_may_not(world, login, card_a1_2, persona):
    client = login(world.people[persona])
    assert client.get(PAGE).status_code == 403
    assert (
        client.post(PAGE, {"purpose": "disaster", "reason": REASON, "query": "鈴木"}).status_code
        == 403
    )
    response = client.post(open_url(card_a1_2), {"purpose": "disaster", "reason": REASON})
    assert response.status_code == 404
    assert not BreakGlassAccess.objects.exists()


def test_opening_answers_only_post(world, login, card_a1_2):
    assert login(world.beat_officer).get(open_url(card_a1_2)).status_code == 405


def test_anonymous_is_sent_to_sign_in(client, world, card_a1_2):
    for response in (client.get(PAGE), client.post(open_url(card_a1_2), {})):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


# --- Issue 16: the page logs what it shows; a status code tells nothing of existence -----


def test_the_page_logs_each_card_it_lists_under_the_glass(world, login, card_a1_2):
    client = login(world.beat_officer)
    client.post(open_url(card_a1_2), {"purpose": "missing_person", "reason": REASON})
    before = AccessEvent.objects.count()

    html = client.get(PAGE).content.decode()

    assert "鈴木 トメ" in html  # the active grant names the resident
    (event,) = AccessEvent.objects.order_by("pk")[before:]
    assert (event.action, event.object_type, event.object_id) == (
        AccessEvent.Action.LIST,
        "liaison.liaisoncard",
        str(card_a1_2.pk),
    )
    assert event.break_glass
    assert event.station == world.station_a
    assert "鈴木" not in event.summary


def test_the_page_with_no_active_grant_logs_nothing(world, login):
    client = login(world.beat_officer)
    before = AccessEvent.objects.count()
    client.get(PAGE)
    assert AccessEvent.objects.count() == before


def test_an_ended_appointment_ends_a_running_grant(world, login, card_a1_2):
    from accounts import services as accounts_services

    officer = world.beat_officer
    login(officer).post(open_url(card_a1_2), {"purpose": "missing_person", "reason": REASON})
    assert cards_selectors.card_get(user=officer, pk=card_a1_2.pk) == card_a1_2
    appointment = officer.appointments.get()
    accounts_services.appointment_end(actor=None, appointment=appointment)
    officer.refresh_from_db()
    with pytest.raises(OutOfScope):
        cards_selectors.card_get(user=officer, pk=card_a1_2.pk)
    assert glass_selectors.break_glass_active_list(user=officer) == []


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"purpose": "missing_person"},
        {"purpose": "missing_person", "reason": "短い"},
        {"purpose": "no-such-purpose", "reason": REASON},
    ],
    ids=["nothing", "no reason", "short reason", "bad purpose"],
)
def test_without_a_valid_purpose_and_reason_every_id_answers_alike(
    world, login, card_a1_2, other_station_card, data
):
    client = login(world.beat_officer)
    answers = []
    for pk in (card_a1_2.pk, other_station_card.pk, 987654321):
        response = client.post(reverse("liaison:break_glass_open", kwargs={"pk": pk}), data)
        body = response.content.decode()
        # The page names no card: only the request id and the (masked) CSRF token differ.
        body = re.sub(r"[0-9a-f]{32}|[0-9A-Za-z]{64}", "", body)
        answers.append((response.status_code, body))
    assert answers[0][0] == 400
    assert answers[0] == answers[1] == answers[2]
    assert not BreakGlassAccess.objects.exists()


def test_with_a_valid_reason_an_unknown_id_is_404(world, login, other_station_card):
    client = login(world.beat_officer)
    for pk in (other_station_card.pk, 987654321):
        response = client.post(
            reverse("liaison:break_glass_open", kwargs={"pk": pk}),
            {"purpose": "missing_person", "reason": REASON},
        )
        assert response.status_code == 404
