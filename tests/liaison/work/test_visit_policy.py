"""実施頻度 (要領 第5-2 「地域部長が別に定める」): the 地域部長 sets the cycles with a reason;
everyone who works with cards (the 統括管理責任者 too) reads them and their history; and the
worklist follows them at once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from liaison.planning.models import VisitPolicy
from tests.html import by_role, rows, terms, text
from tests.liaison.conftest import make_business

from .conftest import household, rows_of, visit

pytestmark = pytest.mark.django_db

URL = reverse("liaison:visit_policy")
WORKLIST = reverse("liaison:worklist")

DEFAULTS = {
    "default_cycle_days": "365",
    "elderly_alone_cycle_days": "",
    "elderly_only_cycle_days": "",
    "needs_support_cycle_days": "",
    "foreign_cycle_days": "",
    "count_households": "on",
    "count_businesses": "on",
}


def change(client, reason="高齢者の単身世帯への訪問を増やすため", **values):
    data = {**DEFAULTS, **values, "reason": reason}
    return client.post(URL, {k: v for k, v in data.items() if v is not None})


@pytest.mark.parametrize(
    "persona",
    [
        "beat_officer",
        "supervisor",
        "chief",
        "station_manager",
        "overall_manager",
        "regional_director",
        "other_officer",
    ],
)
def test_whoever_works_with_cards_reads_the_policy(world, login, persona):
    response = login(getattr(world, persona)).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<dt>通常の周期</dt><dd>365日</dd>" in html
    assert "廃止されたカードは数えません" in html
    assert "<dt>世帯を対象とする</dt><dd>対象</dd>" in html
    assert "<dt>集合住宅の建物を対象とする</dt><dd>対象外</dd>" in html
    assert ("変更を保存" in html) == (persona == "regional_director")


@pytest.mark.parametrize("persona", ["staff", "auditor", "alert_author", "no_role"])
def test_others_may_not_read_it(world, login, persona):
    assert login(getattr(world, persona)).get(URL).status_code == 403


@pytest.mark.parametrize(
    "persona", ["beat_officer", "chief", "station_manager", "staff", "overall_manager"]
)
def test_only_the_regional_director_changes_it(world, login, persona):
    """The 統括管理責任者 (地域部地域課長) reads the policy but sets it no more: 第5-2 gives it
    to the 地域部長."""
    response = change(login(getattr(world, persona)), elderly_alone_cycle_days="180")
    assert response.status_code == 403
    assert not VisitPolicy.objects.exists()


def test_the_regional_director_sets_it_and_is_named_in_its_history(world, login):
    client = login(world.regional_director)
    assert change(client, elderly_alone_cycle_days="180").status_code == 302
    policy = VisitPolicy.objects.get()
    assert policy.elderly_alone_cycle_days == 180
    assert policy.changed_by == world.regional_director
    html = login(world.overall_manager).get(URL).content.decode()
    assert ("一人暮らしの高齢者（日）", "180日") in terms(html)
    assert world.regional_director.full_name in text(by_role(html, "region", "変更の履歴"))


def test_a_change_needs_a_reason(world, login):
    response = change(login(world.regional_director), reason="", elderly_alone_cycle_days="180")
    assert response.status_code == 200
    html = response.content.decode()
    assert "エラー：変更の理由を入力してください。" in html
    assert 'aria-invalid="true"' in html
    assert not VisitPolicy.objects.exists()


def test_a_care_cycle_longer_than_the_default_is_refused_at_its_field(world, login):
    response = change(login(world.regional_director), foreign_cycle_days="400")
    html = response.content.decode()
    assert response.status_code == 200
    assert "要配意の周期は通常の周期以下にしてください" in html
    assert 'id="id_foreign_cycle_days_error"' in html
    assert not VisitPolicy.objects.exists()


def test_at_least_one_kind_is_counted(world, login):
    response = change(login(world.regional_director), count_households=None, count_businesses=None)
    assert response.status_code == 200
    assert "対象とするカードの種類を1つ以上選んでください" in response.content.decode()


def test_a_change_that_changes_nothing_is_said_so(world, login):
    response = change(login(world.regional_director))
    assert response.status_code == 200
    assert "現在の設定から変わった項目がありません" in response.content.decode()
    assert not VisitPolicy.objects.exists()


def test_bad_numbers_are_refused_in_japanese(world, login):
    response = change(login(world.regional_director), default_cycle_days="0")
    assert "1日以上にしてください" in response.content.decode()
    response = change(login(world.regional_director), default_cycle_days="abc")
    assert "日数を数字で入力してください" in response.content.decode()


def test_a_change_is_kept_in_the_history_with_who_why_and_what(world, login):
    client = login(world.regional_director)
    response = change(client, elderly_alone_cycle_days="180")
    assert response.status_code == 302
    assert response["Location"] == URL
    response = change(
        client,
        reason="事業所は別の施策で把握するため",
        elderly_alone_cycle_days="180",
        count_businesses=None,
    )
    assert response.status_code == 302

    html = login(world.beat_officer).get(URL).content.decode()
    assert ("一人暮らしの高齢者（日）", "180日") in terms(html)
    assert ("事業所・官公署を対象とする", "対象外") in terms(html)
    history = by_role(html, "region", "変更の履歴")
    shown = text(history)
    # Newest first: the second change, then the first.
    assert shown.index("事業所は別の施策で把握するため") < shown.index(
        "高齢者の単身世帯への訪問を増やすため"
    )
    assert "事業所・官公署を対象とする：対象 → 対象外" in shown
    assert "regional_director 職員" in shown
    assert "一人暮らしの高齢者（日）：180日" in shown
    # The second entry (the newest row) lists only what changed in it.
    newest = rows(history)[1]
    assert not any("一人暮らしの高齢者" in cell for cell in newest)


def test_changing_the_policy_changes_what_is_due(world, login):
    alone = household(world, "1-1", care_elderly_alone=True)
    visit(world.beat_officer, alone, days_ago=200)
    make_business(world.beat_officer, world.beat_a1_1)  # never visited: due
    officer = login(world.beat_officer)

    html = officer.get(WORKLIST).content.decode()
    # Default 365 days and no cycle for care points: visited 200 days ago, not due yet.
    assert "笠原町1-1" not in rows_of(html)
    assert "笠原商店" in html

    assert change(login(world.regional_director), elderly_alone_cycle_days="180").status_code == 302
    html = login(world.beat_officer).get(WORKLIST).content.decode()
    assert "笠原町1-1" in rows_of(html)

    response = change(
        login(world.regional_director), elderly_alone_cycle_days="180", count_businesses=None
    )
    assert response.status_code == 302
    html = login(world.beat_officer).get(WORKLIST).content.decode()
    assert "笠原商店" not in html
    assert rows_of(html) == ["笠原町1-1"]


def test_no_history_yet_is_said(world, login):
    html = login(world.chief).get(URL).content.decode()
    assert "まだ変更されていません" in html
