"""引継ぎ (要領 第5-5): a new officer on a beat reads what his predecessor did and confirms it,
once; his 取扱責任者 sees that he did and is told."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from accounts import services as accounts_services
from accounts.models import AccessEvent, Notice, Role
from liaison.takeover.models import Takeover
from tests.html import stat

from .conftest import DAY, household, new_officer_on_a1_1, person, rows_of, visit

pytestmark = pytest.mark.django_db

LIST = reverse("liaison:takeover_list")
HOME = reverse("accounts:home")


def url(assignment) -> str:
    return reverse("liaison:takeover", kwargs={"pk": assignment.pk})


@pytest.fixture
def handover(world):
    """What the beat officer of A1-1 leaves behind, then a new officer on the beat."""
    overdue = household(world, "1-1")
    visit(world.beat_officer, overdue, days_ago=400)
    heard = household(world, "2-2")
    visit(world.beat_officer, heard, days_ago=20, concerns="夜間、公園の街灯が暗い")
    asked = household(world, "3-3")
    visit(
        world.beat_officer,
        asked,
        days_ago=10,
        follow_up_department="safety",
        follow_up_note="不審な勧誘電話について生活安全課へ連絡",
    )
    newcomer, assignment = new_officer_on_a1_1(world)
    return newcomer, assignment


def test_the_new_officer_sees_what_his_predecessor_did(world, login, handover):
    newcomer, assignment = handover
    response = login(newcomer).get(url(assignment))
    assert response.status_code == 200
    html = response.content.decode()
    assert "beat_officer 職員" in html  # the predecessor
    assert "2026年11月30日まで" in html
    assert stat(html, "対象のカード") == "3"
    assert stat(html, "実施率") == "66.7%"
    assert stat(html, "期限超過") == "1"
    assert rows_of(html.split('id="overdue-title"')[1].split("</section>")[0]) == ["笠原町1-1"]
    assert "生活安全課" in html
    assert "不審な勧誘電話について生活安全課へ連絡" in html
    assert "夜間、公園の街灯が暗い" in html
    assert "確認しました" in html
    assert "未確認" in html


def test_reading_it_is_logged_with_counts(world, login, handover):
    newcomer, assignment = handover
    login(newcomer).get(url(assignment))
    event = AccessEvent.objects.get(user=newcomer, action=AccessEvent.Action.LIST)
    assert event.object_type == "liaison.liaisoncard"
    assert "期限超過1件" in event.summary
    assert "笠原" not in event.summary
    assert "街灯" not in event.summary


def test_the_officer_confirms_and_his_supervisor_sees_it_and_is_told(world, login, handover):
    newcomer, assignment = handover
    response = login(newcomer).post(url(assignment), {"note": "前任者から公園の件を聴取"})
    assert response.status_code == 302
    assert response["Location"] == url(assignment)

    takeover = Takeover.objects.get(assignment=assignment)
    assert takeover.predecessor == world.beat_officer
    assert takeover.overdue_count == 1
    assert takeover.note == "前任者から公園の件を聴取"

    html = login(newcomer).get(url(assignment)).content.decode()
    assert "確認済み" in html
    assert "2026年11月30日 15:00に新任 職員さんが確認しました" in html
    assert "確認しました</button>" not in html

    notice = Notice.objects.get(recipient=world.supervisor)
    assert "引継ぎを受持警察官が確認しました" in notice.title
    assert notice.url == url(assignment)

    html = login(world.supervisor).get(url(assignment)).content.decode()
    assert "確認済み" in html
    assert "前任者から公園の件を聴取" in html
    assert "実施率 66.7%・期限超過 1件・未対応の事項 1件" in html


def test_a_second_confirmation_is_refused_with_a_message(world, login, handover):
    newcomer, assignment = handover
    client = login(newcomer)
    client.post(url(assignment), {"note": ""})
    response = client.post(url(assignment), {"note": "もう一度"})
    assert response.status_code == 200
    assert "この受持区の引継ぎはすでに確認済みです。" in response.content.decode()
    assert Takeover.objects.get(assignment=assignment).note == ""
    assert Notice.objects.filter(recipient=world.supervisor).count() == 1


@pytest.mark.parametrize("persona", ["supervisor", "chief", "station_manager", "overall_manager"])
def test_those_above_him_read_it_but_do_not_confirm_for_him(world, login, handover, persona):
    _, assignment = handover
    client = login(getattr(world, persona))
    response = client.get(url(assignment))
    assert response.status_code == 200
    html = response.content.decode()
    assert "受持警察官の確認を待っています" in html
    assert "確認しました</button>" not in html
    assert client.post(url(assignment), {"note": "代わりに確認"}).status_code == 403
    assert not Takeover.objects.exists()


@pytest.mark.parametrize("persona", ["other_officer", "staff", "auditor", "no_role"])
def test_outside_the_beat_it_does_not_exist(world, login, handover, persona):
    _, assignment = handover
    client = login(getattr(world, persona))
    assert client.get(url(assignment)).status_code == 404
    assert client.post(url(assignment), {"note": ""}).status_code == 404


def test_another_posts_supervisor_gets_404(world, login, handover):
    _, assignment = handover
    north = person(world, "北口 所長", Role.SUPERVISOR, world.post_b1)
    client = login(north)
    assert client.get(url(assignment)).status_code == 404
    assert client.post(url(assignment), {"note": ""}).status_code == 404
    assert not Takeover.objects.exists()


def test_the_predecessor_no_longer_reads_it(world, login, handover):
    _, assignment = handover
    assert login(world.beat_officer).get(url(assignment)).status_code == 404


def test_the_list_puts_takeovers_to_confirm_first(world, login):
    # A1-1 changes hands five days ago; A1-2 gets its first officer today (newer, but
    # with nobody before him there is nothing to confirm).
    newcomer = person(world, "新任 職員", Role.BEAT_OFFICER, world.post_a1)
    old = world.beat_officer.beat_assignments.get(beat=world.beat_a1_1)
    accounts_services.beat_assignment_end(actor=None, assignment=old, ends_on=DAY)
    assignment = accounts_services.beat_assignment_start(
        actor=None, officer=newcomer, beat=world.beat_a1_1, starts_on=DAY - dt.timedelta(days=5)
    )
    first = person(world, "初任 職員", Role.BEAT_OFFICER, world.post_a1)
    accounts_services.beat_assignment_start(
        actor=None, officer=first, beat=world.beat_a1_2, starts_on=DAY
    )

    html = login(world.supervisor).get(LIST).content.decode()
    assert "2件（確認待ち 1件）" in html
    body = html.split("<tbody>")[1]
    assert body.index("新任 職員") < body.index("未確認") < body.index("初任 職員")
    assert body.index("初任 職員") < body.index("前任者なし")
    assert url(assignment) in html

    login(newcomer).post(url(assignment), {"note": ""})
    html = login(world.supervisor).get(LIST).content.decode()
    assert "確認待ち 0件" in html
    assert "確認済み" in html


def test_the_officer_lists_his_own(world, login, handover):
    newcomer, assignment = handover
    assert url(assignment) in login(newcomer).get(LIST).content.decode()
    html = login(newcomer).get(LIST).content.decode()
    assert "新任 職員（あなた）" in html
    assert "未確認" in html
    assert "北口" not in html


@pytest.mark.parametrize("persona", ["staff", "auditor", "no_role"])
def test_the_list_is_for_officers_and_their_supervisors(world, login, persona):
    assert login(getattr(world, persona)).get(LIST).status_code == 403


def test_home_panel_for_the_new_officer_and_his_supervisor(world, login, handover):
    newcomer, assignment = handover
    html = login(newcomer).get(HOME).content.decode()
    assert ">受持区の引継ぎ</h2>" in html
    assert f'href="{url(assignment)}">駅前交番 第1受持区の引継ぎを確認する</a>' in html

    html = login(world.supervisor).get(HOME).content.decode()
    assert ">受持区の引継ぎ</h2>" in html
    assert "駅前交番 第1受持区</a>：新任 職員" in html

    assert ">受持区の引継ぎ</h2>" not in login(world.chief).get(HOME).content.decode()

    login(newcomer).post(url(assignment), {"note": ""})
    assert ">受持区の引継ぎ</h2>" not in login(newcomer).get(HOME).content.decode()
    assert ">受持区の引継ぎ</h2>" not in login(world.supervisor).get(HOME).content.decode()


def test_no_panel_for_a_first_officer_on_a_beat(world, login):
    assert ">受持区の引継ぎ</h2>" not in login(world.beat_officer).get(HOME).content.decode()
    assert ">受持区の引継ぎ</h2>" not in login(world.supervisor).get(HOME).content.decode()


# Session, user, OTP device; the assignment (whether its officer still holds the beat comes
# from his grants); the summary (predecessor, the due rule's policy and station
# instructions, coverage, follow-ups and their count, notes, overdue cards, confirmation); the
# access event's insert. The acting roles and the menu come from the grants cache; the
# session is not written. Pinned: it must not grow with the beat's cards.
TAKEOVER_QUERIES = 14


def test_the_takeover_page_costs_the_same_with_more_cards(
    world, login, handover, django_assert_num_queries
):
    newcomer, assignment = handover
    client = login(newcomer)
    client.get(url(assignment))  # the first request stamps the session
    with django_assert_num_queries(TAKEOVER_QUERIES):
        assert client.get(url(assignment)).status_code == 200
    for n in range(20):
        household(world, f"{n + 10}-1", officer=world.supervisor)
    with django_assert_num_queries(TAKEOVER_QUERIES):
        html = client.get(url(assignment)).content.decode()
    assert "笠原町29-1" in html
