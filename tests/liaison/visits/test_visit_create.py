"""Recording a visit from the card or the worklist: the form starts at today and now, a
daytime visit is kept and the officer goes back where he came from; a visit the hours
rule refuses comes back with the reason at its field and every input kept."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.urls import reverse

from accounts.models import AccessEvent
from liaison.cards.models import LiaisonCard
from liaison.visits.models import Visit, VisitOutcome
from tests.html import all_by_role, by_label, form_fields, name_of
from tests.liaison.views import page

from .conftest import DAY, approve_night, at, field_html, visit_post

pytestmark = pytest.mark.django_db

WORKLIST = "/liaison/worklist/"


@pytest.fixture(autouse=True)
def evening():
    # Late on DAY: every visit of the day is in the past.
    with time_machine.travel(at(21, 30), tick=False):
        yield


def url(card, next_url: str = "") -> str:
    address = reverse("liaison:visit_create", kwargs={"pk": card.pk})
    return f"{address}?next={next_url}" if next_url else address


# 要領 第5-4 (1)〜(5), whole.
DIRECTIVE_TOPICS = [
    "最近における犯罪、事故及び災害の傾向並びにその被害の防止方法",
    "訪問先の住民等に身近な犯罪等の発生状況及びその被害の防止方法",
    "犯罪等の発生時における応急措置及び緊急の連絡方法",
    "警察に対する各種届出の手続方法",
    "その他住民等の安全で平穏な生活を確保する上で必要な事項",
]
TOPIC_FIELDS = [
    "topic_trends",
    "topic_local",
    "topic_first_aid",
    "topic_procedures",
    "topic_other",
]


def test_the_form_starts_at_today_and_now_with_the_five_topics(world, login, household):
    response = login(world.beat_officer).get(url(household))
    assert response.status_code == 200
    html = page(response)
    fields = form_fields(html, "visit-form", blanks=True)
    assert fields["date"] == "2026-11-30"
    assert fields["started_at"] == "21:30" and fields["ended_at"] == "21:30"
    outcomes = [name_of(box) for box in all_by_role(by_label(html, "結果"), "radio")]
    for label in ("面接", "不在", "拒否", "カード手交（後日回収）", "補正のみ"):
        assert label in outcomes, label
    # Each topic in the directive's own words, with what was done on it.
    for label in DIRECTIVE_TOPICS:
        topic = by_label(html, label)
        assert topic.name == "fieldset", label
        ways = [name_of(box) for box in all_by_role(topic, "radio")]
        assert ways == ["なし", "指導連絡", "情報提供", "通報依頼"], label
    assert "topics" not in fields
    assert "対応すべき部署" in html and "笠原町1-2-3" in html
    # The form shows the card's address: the opening is logged, without names.
    event = AccessEvent.objects.get(user=world.beat_officer, action=AccessEvent.Action.VIEW)
    assert event.object_id == str(household.pk) and event.summary == "巡回連絡の記録画面"


def test_a_daytime_visit_is_recorded_and_he_is_back_on_the_card(world, login, household):
    client = login(world.beat_officer)
    response = client.post(url(household), visit_post())
    assert response.status_code == 302
    assert response["Location"] == reverse("liaison:card_detail", kwargs={"pk": household.pk})
    visit = Visit.objects.get()
    assert visit.officer == world.beat_officer and visit.outcome == VisitOutcome.MET
    assert (visit.started_at, visit.ended_at) == (at(10, 0), at(10, 15))
    assert visit.topics == [(DIRECTIVE_TOPICS[0], "指導連絡"), (DIRECTIVE_TOPICS[2], "情報提供")]
    assert (visit.topic_trends, visit.topic_local, visit.topic_first_aid) == (
        "guidance",
        "",
        "information",
    )
    assert visit.concerns == "夜間に駐車違反が多い"
    assert visit.follow_up_department == "traffic" and visit.follow_up_open
    household.refresh_from_db()
    assert household.last_visit_on == DAY and household.last_attempt_on == DAY
    text = page(client.get(response["Location"]))
    assert "の巡回連絡（面接、10:00〜10:15）を記録しました。" in text
    assert "2026年11月30日 10:00" in text  # in the card's latest visits


def test_he_goes_back_to_the_worklist_when_he_came_from_it(world, login, household):
    client = login(world.beat_officer)
    html = page(client.get(url(household, WORKLIST)))
    assert f'<input type="hidden" name="next" value="{WORKLIST}">' in html
    response = client.post(url(household, WORKLIST), visit_post(next=WORKLIST))
    assert response.status_code == 302 and response["Location"] == WORKLIST


@pytest.mark.parametrize(
    "elsewhere", ["https://evil.example/", "//evil.example/liaison/", "javascript:alert(1)"]
)
def test_a_next_that_leaves_the_site_is_ignored(world, login, household, elsewhere):
    client = login(world.beat_officer)
    assert 'name="next"' not in page(client.get(url(household, elsewhere)))
    response = client.post(url(household), visit_post(next=elsewhere))
    assert response["Location"] == reverse("liaison:card_detail", kwargs={"pk": household.pk})


@pytest.mark.parametrize(
    ("times", "field", "reason"),
    [
        (
            {"started_at": "19:00", "ended_at": "19:10"},
            "outside_hours_reason",
            "この巡回連絡は時間帯の外です（午後5時15分を過ぎたが夜間巡回連絡の承認がない"
            "（要領第5-3：夜間は地域課長等の承認を受ける））。2026年11月30日の夜間巡回連絡の"
            "承認（地域課長等）を申請して承認を受けてから記録するか、やむを得ず行った場合は、"
            "その理由を入力してください",
        ),
        (
            {"started_at": "08:00", "ended_at": "08:20"},
            "outside_hours_reason",
            "この巡回連絡は時間帯の外です（午前8時15分より前に開始（要領第5-3：おおむね午前8時30分"
            "から））。やむを得ず行った場合は、その理由を入力してください",
        ),
        (
            {"started_at": "10:30", "ended_at": "10:00"},
            "ended_at",
            "終了時刻は開始時刻より後にしてください。",
        ),
        (
            {"date": "2026-12-01", "started_at": "10:00", "ended_at": "10:15"},
            "ended_at",
            "これから行う巡回連絡は記録できません。",
        ),
    ],
    ids=["night-without-approval", "before-0815", "end-before-start", "future"],
)
def test_a_refused_visit_says_why_at_the_field_and_keeps_the_input(
    world, login, household, times, field, reason
):
    response = login(world.beat_officer).post(url(household, WORKLIST), visit_post(**times))
    assert response.status_code == 200
    html = page(response)
    at_field = field_html(html, field)
    assert reason in at_field
    assert 'aria-invalid="true"' in at_field
    assert re.search(rf'aria-describedby="[^"]*\bid_{field}_error"', at_field)
    # Everything typed is still there, and the way back too.
    assert f'value="{times["started_at"]}"' in field_html(html, "started_at")
    assert 'value="met" required id="id_outcome_0" checked' in html
    assert 'value="information" id="id_topic_first_aid_2" checked' in html
    assert "夜間に駐車違反が多い" in html and '<option value="traffic" selected>' in html
    assert f'value="{WORKLIST}"' in html
    assert not Visit.objects.exists()
    assert LiaisonCard.objects.get(pk=household.pk).last_attempt_on is None


def test_a_night_visit_with_an_approval_is_accepted_and_linked(world, login, household):
    approval = approve_night(world)
    response = login(world.beat_officer).post(
        url(household), visit_post(started_at="19:00", ended_at="19:20")
    )
    assert response.status_code == 302
    assert Visit.objects.get().night_request == approval


def test_a_visit_outside_the_hours_is_recorded_with_its_reason(world, login, household):
    response = login(world.beat_officer).post(
        url(household),
        visit_post(
            started_at="17:20",
            ended_at="17:40",
            outside_hours_reason="日中不在の世帯と約束した時間のため",
        ),
    )
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert visit.outside_hours and visit.night_request is None
    assert visit.outside_hours_reason == "日中不在の世帯と約束した時間のため"


def test_a_visit_before_its_card_was_made_is_refused_at_the_date(world, login):
    """Issue 10 point 8: a visit's date is on or after the day its card was made (Tokyo)."""
    from tests.liaison.conftest import make_household

    # Made at 00:30 on DAY in Tokyo: still the 29th in UTC.
    with time_machine.travel(at(0, 30), tick=False):
        card = make_household(world.beat_officer, world.beat_a1_1)
    client = login(world.beat_officer)
    response = client.post(url(card), visit_post(date="2026-11-29"))
    assert response.status_code == 200
    at_date = field_html(page(response), "date")
    assert "このカードの作成日（2026年11月30日）より前の巡回連絡は記録できません" in at_date
    assert 'aria-invalid="true"' in at_date
    assert not Visit.objects.exists()
    # The day it was made is fine, even at an hour before it was made.
    response = client.post(
        url(card),
        visit_post(started_at="00:10", ended_at="00:20", outside_hours_reason="夜間の通報対応の際"),
    )
    assert response.status_code == 302
    assert Visit.objects.get().started_at == at(0, 10)


def test_an_outcome_must_be_chosen(world, login, household):
    data = visit_post()
    del data["outcome"]
    response = login(world.beat_officer).post(url(household), data)
    assert response.status_code == 200
    assert "結果を選んでください。" in field_html(page(response), "outcome")
    assert not Visit.objects.exists()


def test_a_time_typed_wrongly_is_said_at_the_field(world, login, household):
    response = login(world.beat_officer).post(url(household), visit_post(ended_at="25:99"))
    assert "時刻を「19:00」のように入力してください。" in field_html(page(response), "ended_at")


def test_a_card_of_another_station_is_not_found(world, login, other_station_card):
    client = login(world.beat_officer)
    assert client.get(url(other_station_card)).status_code == 404
    assert client.post(url(other_station_card), visit_post()).status_code == 404


@pytest.mark.parametrize("persona", ["supervisor", "chief", "station_manager", "overall_manager"])
def test_who_sees_the_card_but_does_not_visit_its_beat_is_refused(world, login, household, persona):
    client = login(getattr(world, persona))
    assert client.get(url(household)).status_code == 403
    assert client.post(url(household), visit_post()).status_code == 403
    assert not Visit.objects.exists()


def test_signed_out_goes_to_sign_in(world, client, household):
    response = client.get(url(household))
    assert response.status_code == 302 and "login" in response["Location"]
