"""配信区分, kept by HQ (issue 13 point 2): who reads the categories and their rules, who keeps
them, the rules at the field, the stale edit, and the history in Japanese."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import services as account_services
from accounts.exceptions import StaleEditError
from accounts.models import Division, DivisionSection, Headquarters, Role
from alerts.categories import services
from alerts.categories.models import Category, OffHoursRoute
from tests.alerts.conftest import build_alert_world
from tests.factories import UserFactory
from tests.html import all_by_role, by_role, field_error, link, links, rows, text

pytestmark = pytest.mark.django_db

LIST = reverse("alerts:category_list")
CREATE = reverse("alerts:category_create")

READERS = [
    "alert_author",
    "alert_reviewer",
    "alert_approver",
    "alert_sender",
    "alert_hq_approver",
    "seian_approver",
    "seian_sender",
    "duty_officer",
    "author_b",
]
NOT_READERS = ["beat_officer", "chief", "station_manager", "auditor", "overall_manager", "no_role"]


def edit_url(category: Category) -> str:
    return reverse("alerts:category_edit", kwargs={"pk": category.pk})


def post_data(category: Category | None = None, **changes) -> dict[str, str]:
    """What the form posts for the category as it is (or a new one), with changes."""
    values: dict[str, object] = {
        "name": "",
        "kinds": "",
        "definition": "",
        "excludes": "",
        "division": "",
        "section": "",
        "off_hours_route": OffHoursRoute.SAME,
        "off_hours_section": "",
        "order": "50",
        "is_active": "on",
    }
    if category is not None:
        values.update(
            name=category.name,
            kinds=category.kinds,
            definition=category.definition,
            excludes=category.excludes,
            division=category.division_id,
            section=category.section_id or "",
            off_hours_route=category.off_hours_route,
            off_hours_section=category.off_hours_section_id or "",
            order=category.order,
            version=category.version,
        )
        for flag in ("is_urgent", "is_immediate", "needs_case_number", "needs_victim_consent"):
            if getattr(category, flag):
                values[flag] = "on"
        if not category.is_active:
            del values["is_active"]
    values.update(changes)
    return {k: str(v) for k, v in values.items() if v is not None}


def menu(page) -> list[str]:
    return [name for name, _href in links(by_role(page, "navigation", "メインメニュー"))]


# --- Who reads ----------------------------------------------------------------------------
@pytest.mark.parametrize("person", READERS)
def test_every_alert_desk_reads_the_categories(alert_world, login, person):
    page = login(getattr(alert_world, person)).get(LIST)
    assert page.status_code == 200
    for category in alert_world.categories.values():
        assert by_role(page, "heading", category.name, exact=False) is not None
    assert "配信区分" in menu(page)


@pytest.mark.parametrize("person", NOT_READERS)
def test_people_without_an_alert_desk_are_refused(alert_world, login, person):
    client = login(getattr(alert_world, person))
    for url in (LIST, reverse("alerts:chain"), CREATE):
        assert client.get(url).status_code == 403, url
    assert "配信区分" not in menu(client.get(reverse("accounts:home")))


def test_the_anonymous_are_sent_to_sign_in(alert_world, client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert reverse("accounts:login") in response.url


def test_the_kagoshima_rules_read_as_the_directive_words_them(world, login, use_preset):
    use_preset("kagoshima")
    alert_world = build_alert_world(world, "kagoshima")
    page = login(alert_world.alert_author).get(LIST)
    threat = by_role(page, "region", "脅威事犯")
    assert ("所管・担当係", "生活安全企画課 子供・女性の安全対策係") in _terms(threat)
    assert ("執務時間外の報告先", "生活安全企画課 犯罪抑止対策係") in _terms(threat)
    records = dict(_terms(threat))["承認までに必要な記録"]
    assert "事案登録番号が必要" in records
    assert "被害者（少年は保護者）の承諾が必要" in records
    fugitive = by_role(page, "region", "凶悪事案等逃走事案", exact=False)
    assert ("執務時間外の報告先", "警察本部総合当直") in _terms(fugitive)
    assert "直ちに報告" in text(by_role(fugitive, "heading"))
    missing = by_role(page, "region", "高齢者等の行方不明")
    assert "公表要請書" in dict(_terms(missing))["承認までに必要な記録"]


def test_the_gunma_rules_show_what_a_category_excludes(world, login, use_preset):
    use_preset("gunma")
    alert_world = build_alert_world(world, "gunma")
    page = login(alert_world.alert_sender).get(LIST)
    notice = dict(_terms(by_role(page, "region", "お知らせ")))
    assert "職員募集案内" in notice["配信しないもの"]
    assert "運用総括管理者との事前協議が必要" in notice["承認までに必要な記録"]
    incident = dict(_terms(by_role(page, "region", "事件発生・検挙情報", exact=False)))
    assert incident["所管・担当係"] == "捜査第一課"
    assert "検挙情報は報道発表後に限る" in incident["承認までに必要な記録"]
    assert incident["緊急（配信時間外の配信）"].startswith("できる")


def _terms(region) -> list[tuple[str, str]]:
    terms = [text(dt_) for dt_ in region.find_all("dt")]
    descriptions = [text(dd) for dd in region.find_all("dd")]
    return list(zip(terms, descriptions, strict=True))


def test_the_list_costs_the_same_however_many_categories(alert_world, login):
    client = login(alert_world.alert_author)
    client.get(LIST)  # the session and the caches are warm
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST).status_code == 200
    division = alert_world.divisions["seian-kikaku"]
    for index in range(5):
        Category.objects.create(code=f"extra-{index}", name=f"追加{index}", division=division)
    with CaptureQueriesContext(connection) as many:
        assert client.get(LIST).status_code == 200
    assert len(many) == len(few)


# --- Who keeps ----------------------------------------------------------------------------
def test_only_the_overall_manager_is_offered_to_change_them(alert_world, login):
    keeper = login(alert_world.alert_hq_approver).get(LIST)
    assert link(keeper, "配信区分を作成する")["href"] == CREATE
    assert link(keeper, "「不審者情報」を変更する")["href"] == edit_url(
        alert_world.categories["suspicious"]
    )
    reader = login(alert_world.seian_approver).get(LIST)
    assert all_by_role(reader, "link", "配信区分を作成する") == []
    assert "を変更する" not in text(reader)


@pytest.mark.parametrize("person", ["seian_approver", "alert_approver", "duty_officer"])
def test_a_reader_may_not_create_or_edit(alert_world, login, person):
    category = alert_world.categories["suspicious"]
    client = login(getattr(alert_world, person))
    assert client.get(CREATE).status_code == 403
    assert client.get(edit_url(category)).status_code == 403
    response = client.post(edit_url(category), post_data(category, name="書き換え"))
    assert response.status_code == 403
    category.refresh_from_db()
    assert category.name == "不審者情報"


def test_the_overall_manager_creates_a_category(alert_world, login):
    client = login(alert_world.alert_hq_approver)
    division = alert_world.divisions["jinshin-shonen"]
    section = division.sections.get()
    response = client.post(
        CREATE,
        post_data(
            code="child-safety",
            name="子供の安全情報",
            definition="登下校時の見守りに役立つ情報",
            division=division.pk,
            section=section.pk,
            is_urgent="on",
        ),
    )
    assert response.status_code == 302
    category = Category.objects.get(code="child-safety")
    assert (category.division, category.section, category.is_urgent) == (division, section, True)
    record = category.history.get()
    assert record.history_user == alert_world.alert_hq_approver
    assert record.history_change_reason == "配信区分の作成"


def test_a_category_of_another_headquarters_is_not_found(alert_world, login):
    other_hq = Headquarters.objects.create(name="別の県警察本部")
    division = Division.objects.create(headquarters=other_hq, code="other-div", name="生活安全部")
    other = Category.objects.create(code="other", name="他県の区分", division=division)
    client = login(alert_world.alert_hq_approver)
    assert client.get(edit_url(other)).status_code == 404
    assert client.post(edit_url(other), post_data(other, name="書き換え")).status_code == 404
    other.refresh_from_db()
    assert other.name == "他県の区分"


# --- Rules at the field -------------------------------------------------------------------
def test_a_section_of_another_division_is_refused_at_the_field(alert_world, login):
    category = alert_world.categories["suspicious"]
    other_section = alert_world.divisions["jinshin-shonen"].sections.get()
    client = login(alert_world.alert_hq_approver)
    response = client.post(edit_url(category), post_data(category, section=other_section.pk))
    assert response.status_code == 200
    assert field_error(response, "担当係") == (
        "エラー：担当係は所管（生活安全企画課）の係を選んでください。"
    )
    category.refresh_from_db()
    assert category.section is None and category.version == 1


def test_the_other_section_route_needs_its_section(alert_world, login):
    category = alert_world.categories["suspicious"]
    client = login(alert_world.alert_hq_approver)
    response = client.post(
        edit_url(category), post_data(category, off_hours_route=OffHoursRoute.SECTION)
    )
    assert response.status_code == 200
    assert field_error(response, "執務時間外の報告先の係") == (
        "エラー：執務時間外の報告先が「別の係」のときは、報告先の係を選んでください。"
    )
    section = DivisionSection.objects.get(name="犯罪抑止対策係")
    saved = client.post(
        edit_url(category),
        post_data(category, off_hours_route=OffHoursRoute.SECTION, off_hours_section=section.pk),
    )
    assert saved.status_code == 302
    category.refresh_from_db()
    assert category.off_hours_section == section


def test_a_section_for_the_office_hours_route_is_refused(alert_world, login):
    category = alert_world.categories["suspicious"]
    section = DivisionSection.objects.get(name="犯罪抑止対策係")
    response = login(alert_world.alert_hq_approver).post(
        edit_url(category), post_data(category, off_hours_section=section.pk)
    )
    assert "「別の係」のときだけ選んでください" in field_error(response, "執務時間外の報告先の係")


def test_the_duty_desk_is_not_a_division_in_charge(alert_world, login):
    response = login(alert_world.alert_hq_approver).get(CREATE)
    options = [text(o) for o in by_role(response, "combobox", "所管").find_all("option")]
    assert "生活安全企画課" in options and "総合当直" not in options


def test_names_and_codes_are_one_each(alert_world, login):
    client = login(alert_world.alert_hq_approver)
    division = alert_world.divisions["koho-kocho"]
    same_code = client.post(
        CREATE, post_data(code="notice", name="新しい区分", division=division.pk)
    )
    assert (
        field_error(same_code, "区分コード")
        == "エラー：区分コード「notice」はすでに使われています。"
    )
    same_name = client.post(
        CREATE, post_data(code="new-one", name="お知らせ", division=division.pk)
    )
    assert "「お知らせ」という配信区分がすでにあります" in field_error(same_name, "配信区分")
    empty = client.post(CREATE, post_data(code="new-one", division=division.pk))
    assert field_error(empty, "配信区分") == "エラー：配信区分の名称を入力してください。"
    assert not Category.objects.filter(code="new-one").exists()


# --- The stale edit -----------------------------------------------------------------------
def test_a_stale_edit_is_refused_with_the_input_kept(alert_world, login):
    category = alert_world.categories["suspicious"]
    opened = post_data(category)
    first = login(alert_world.alert_hq_approver).post(
        edit_url(category), {**opened, "definition": "不審者の目撃情報"}
    )
    assert first.status_code == 302
    second_keeper = UserFactory(employee_number="300001", full_name="広報 次長")
    account_services.appointment_start(
        actor=None,
        user=second_keeper,
        role=Role.ALERT_HQ_APPROVER,
        unit=alert_world.hq,
        starts_on=timezone.localdate() - dt.timedelta(days=1),
    )
    stale = login(second_keeper).post(edit_url(category), {**opened, "kinds": "声かけ事案のみ"})
    assert stale.status_code == 409
    assert "開いた後に他の職員が変更しました" in text(stale)
    assert "声かけ事案のみ" in stale.content.decode()  # the input is kept
    category.refresh_from_db()
    assert category.definition == "不審者の目撃情報"
    assert category.kinds.startswith("つきまとい")
    assert category.version == 2
    # Seen once, the next save goes over the version now current.
    again = login(second_keeper).post(
        edit_url(category), {**opened, "version": "2", "kinds": "声かけ事案のみ"}
    )
    assert again.status_code == 302
    category.refresh_from_db()
    assert (category.kinds, category.version) == ("声かけ事案のみ", 3)


def test_the_service_refuses_a_stale_version(alert_world):
    category = alert_world.categories["suspicious"]
    services.category_update(
        actor=alert_world.alert_hq_approver, category=category, version=1, name="不審者情報A"
    )
    with pytest.raises(StaleEditError):
        services.category_update(
            actor=alert_world.alert_hq_approver, category=category, version=1, name="不審者情報B"
        )
    category.refresh_from_db()
    assert category.name == "不審者情報A"


# --- History ------------------------------------------------------------------------------
def test_the_edit_page_shows_who_changed_what_when_in_japanese(alert_world, login):
    category = alert_world.categories["suspicious"]
    keeper = alert_world.alert_hq_approver
    # Later than the category's creation, whenever the test runs: 00:30 on 10 January in
    # Tokyo is still the 9th in UTC, and the page shows the 10th.
    with time_machine.travel(dt.datetime(2099, 1, 9, 15, 30, tzinfo=dt.UTC), tick=False):
        saved = login(keeper).post(
            edit_url(category),
            post_data(
                category,
                name="不審者情報（声かけ等）",
                off_hours_route=OffHoursRoute.DUTY_DESK,
                is_urgent="on",
                reason="運用要領の改正",
            ),
        )
    assert saved.status_code == 302
    assert saved.url == LIST
    page = login(keeper).get(edit_url(category))
    history = by_role(page, "region", "変更履歴")
    table = rows(history)
    assert table[0] == ["日時", "変更した職員", "操作", "理由", "変更内容"]
    when, who, kind, reason, changes = table[1]
    assert when == "2099年1月10日 00:30"
    assert who == f"{keeper.full_name}（{keeper.employee_number}）"
    assert (kind, reason) == ("変更", "運用要領の改正")
    assert "配信区分：不審者情報 → 不審者情報（声かけ等）" in changes
    assert "執務時間外の報告先：執務時間内と同じ係 → 警察本部総合当直" in changes
    assert "緊急（配信時間外も配信可）：いいえ → はい" in changes
    assert table[2][2] == "作成"
    assert "所管：生活安全企画課" in table[2][4]
    lines = [text(li) for li in history.find_all("li")]
    assert [line for line in lines if any(c.isascii() and c.isalpha() for c in line)] == []
