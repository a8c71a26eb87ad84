"""変更履歴の監査: HQ auditors see who changed which fields of cards, members, vehicles, visits
and appointments, when and why; the values only when they also hold a card role over the
card."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import services as account_services
from accounts.audit import history, registry
from accounts.models import AccessEvent, Role
from liaison.cards import services as cards_services
from liaison.cards.models import CardMember
from liaison.visits import services as visits_services
from tests.factories import UserFactory
from tests.liaison.conftest import make_household

pytestmark = pytest.mark.django_db

LIST = reverse("accounts:audit_history_list")


def object_url(source: str, object_id: int) -> str:
    return reverse("accounts:audit_history_object", args=[source, object_id])


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def corrected(world):
    """A household of beat A1-1 whose head's phone and the card's room were corrected."""
    card = make_household(
        world.beat_officer,
        world.beat_a1_1,
        members=[{"name": "水戸 太郎", "kana": "ミト タロウ", "relationship": "head"}],
        # Made a month ago: its visits (never before the card) go back a few days.
        made_at=timezone.now() - dt.timedelta(days=30),
    )
    member = card.members.get()
    return cards_services.card_update(
        actor=world.beat_officer,
        card=card,
        version=card.version,
        data={"room": "201"},
        members=[
            {
                "id": member.pk,
                "name": "水戸 太郎",
                "kana": "ミト タロウ",
                "relationship": "head",
                "phone": "090-5555-0101",
            }
        ],
        reason="電話番号の追加",
    )


def auditor_also_chief(world):
    """An auditor who is also appointed 管理主任者 of station A."""
    account_services.appointment_start(
        actor=None,
        user=world.auditor,
        role=Role.CHIEF,
        unit=world.station_a,
        starts_on=timezone.localdate() - dt.timedelta(days=1),
    )
    return world.auditor


def test_an_auditor_sees_who_changed_which_fields_but_not_the_values(world, login, corrected):
    member = CardMember.objects.get(card=corrected)
    html = text(login(world.auditor).get(object_url("member", member.pk)))
    # Who, why, which fields, and where the card is; never the name or the phone.
    assert "beat_officer 職員（100001）" in html
    assert "電話番号の追加" in html
    assert "連絡先" in html and "氏名" in html
    assert f"カード No.{corrected.pk}（中央警察署 駅前交番 第1受持区）" in html
    assert "水戸" not in html and "ミト" not in html
    assert "090-5555-0101" not in html
    assert "（作成）" in html and "（変更）" in html

    listing = text(login(world.auditor).get(LIST))
    assert "連絡先" in listing and "部屋番号" in listing
    assert "090-5555-0101" not in listing and "水戸" not in listing and "201" not in listing
    assert "029-123-4567" not in listing and "笠原町" not in listing


def test_an_auditor_who_is_also_the_chief_sees_the_values(world, login, corrected):
    member = CardMember.objects.get(card=corrected)
    client = login(auditor_also_chief(world))
    html = text(client.get(object_url("member", member.pk)))
    assert "<del>（なし）</del> → <ins>090-5555-0101</ins>" in html
    assert "水戸 太郎" in html
    assert "続柄" in html and "世帯主" in html  # choices by their label
    card_html = text(client.get(object_url("card", corrected.pk)))
    assert "<del>（なし）</del> → <ins>201</ins>" in card_html
    # The read of values is a read of the card, in its access history.
    assert AccessEvent.objects.filter(
        user=world.auditor,
        action=AccessEvent.Action.VIEW,
        object_type="liaison.liaisoncard",
        object_id=str(corrected.pk),
        summary__contains="値を表示",
    ).exists()


def test_values_visible_follows_the_card_role(world, corrected):
    other_station_card = make_household(world.other_officer, world.beat_b1_1)
    member = CardMember.objects.get(card=corrected)
    card_source = registry.history_source("card")
    member_source = registry.history_source("member")
    ids = [corrected.pk, other_station_card.pk]
    assert card_source.values_visible(world.auditor, ids) == set()
    assert member_source.values_visible(world.auditor, [member.pk]) == set()
    assert card_source.values_visible(world.chief, ids) == {corrected.pk}
    assert member_source.values_visible(world.chief, [member.pk]) == {member.pk}
    assert card_source.values_visible(world.other_officer, ids) == {other_station_card.pk}
    # Appointments are not resident data: auditors see their values.
    assert registry.history_source("appointment").values_visible(world.auditor, [1, 2]) == {1, 2}


def test_a_removed_member_keeps_its_history_and_card(world, login, corrected):
    member = CardMember.objects.get(card=corrected)
    card = cards_services.card_update(
        actor=world.beat_officer,
        card=corrected,
        version=corrected.version,
        data={},
        members=[{"name": "水戸 次郎", "kana": "ミト ジロウ", "relationship": "head"}],
        reason="転出による世帯員の削除",
    )
    html = text(login(world.auditor).get(object_url("member", member.pk)))
    assert "（削除）" in html and "転出による世帯員の削除" in html
    assert f"カード No.{card.pk}" in html
    assert "水戸" not in html


def test_appointments_show_their_values_to_auditors(world, login):
    appointment = world.chief.appointments.get()
    html = text(login(world.auditor).get(object_url("appointment", appointment.pk)))
    assert "管理主任者" in html  # the role by its label
    assert "chief 職員（100003）" in html  # the appointee by name and number
    assert "中央警察署" in html
    assert "システム" in html  # made by the fixture, with no acting user


def test_visits_are_listed_with_their_card(world, login, corrected):
    started = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(10, 0)))
    visit = visits_services.visit_record(
        actor=world.beat_officer,
        card=corrected,
        started_at=started - dt.timedelta(days=1),
        ended_at=started - dt.timedelta(days=1) + dt.timedelta(minutes=20),
        outcome="met",
        concerns="夜間の騒音",
    )
    html = text(login(world.auditor).get(LIST, {"source": "visit"}))
    assert f"巡回連絡の記録 No.{visit.pk}" in html
    assert "困りごと・意見・要望" in html and "夜間の騒音" not in html
    assert f"カード No.{corrected.pk}" in html


# --- Filters ------------------------------------------------------------------------------


def test_filter_by_source(world, login, corrected):
    html = text(login(world.auditor).get(LIST, {"source": "card"}))
    assert f"巡回連絡カード No.{corrected.pk}" in html
    assert "世帯員 No." not in html and "役職の発令 No." not in html


def test_filter_by_person_number_or_name(world, login, corrected):
    client = login(world.auditor)
    by_number = text(client.get(LIST, {"person": "100001"}))
    assert f"巡回連絡カード No.{corrected.pk}" in by_number
    assert "役職の発令 No." not in by_number  # the fixture's appointments: by the system
    by_name = text(client.get(LIST, {"person": "beat_officer職員"}))  # spaces ignored
    assert f"巡回連絡カード No.{corrected.pk}" in by_name
    nobody = text(client.get(LIST, {"person": "chief"}))
    assert "該当する変更履歴はありません。" in nobody


def test_filter_by_date_range(world, login, corrected):
    client = login(world.auditor)
    today = timezone.localdate()
    html = text(client.get(LIST, {"date_from": today.isoformat(), "date_to": today.isoformat()}))
    assert f"巡回連絡カード No.{corrected.pk}" in html
    yesterday = (today - dt.timedelta(days=1)).isoformat()
    html = text(client.get(LIST, {"date_to": yesterday}))
    assert "該当する変更履歴はありません。" in html


def test_filter_by_object_id(world, login, corrected):
    member = CardMember.objects.get(card=corrected)
    html = text(login(world.auditor).get(LIST, {"source": "member", "object_id": member.pk}))
    assert html.count(f"世帯員 No.{member.pk}</a>") == 2  # created, then changed
    assert "巡回連絡カード No." not in html


def test_bad_filters_are_field_errors(world, login):
    client = login(world.auditor)
    html = text(client.get(LIST, {"date_from": "2026-04-02", "date_to": "2026-04-01"}))
    assert "終了日は開始日以降の日付にしてください。" in html
    html = text(client.get(LIST, {"date_from": "きのう", "object_id": "abc", "source": "x"}))
    assert "日付は 2026-04-01 のように入力してください。" in html
    assert "対象IDは半角数字で入力してください。" in html
    assert "対象の種類を一覧から選んでください。" in html
    html = text(client.get(LIST, {"after": "not-a-cursor"}))
    assert "ページの指定が正しくありません。" in html


def test_newest_first_and_the_next_page_continues(world, login, corrected):
    card = corrected
    for index in range(4):
        card = cards_services.card_update(
            actor=world.beat_officer,
            card=card,
            version=card.version,
            data={"room": str(300 + index)},
            reason=f"部屋番号の訂正{index}",
        )
    user = world.auditor
    filters = history.HistoryFilter(source="card")
    first = history.history_list(user=user, filters=filters, size=3)
    assert [e.reason for e in first.entries] == [
        "部屋番号の訂正3",
        "部屋番号の訂正2",
        "部屋番号の訂正1",
    ]
    cursor = history.Cursor.decode(first.next_cursor)
    second = history.history_list(user=user, filters=filters, cursor=cursor, size=3)
    assert [e.reason for e in second.entries] == [
        "部屋番号の訂正0",
        "電話番号の追加",
        "作成・編てつ",
    ]
    assert second.next_cursor is None
    # Across sources, the pages neither repeat nor skip an entry.
    everything = history.history_list(user=user, filters=history.HistoryFilter(), size=1000)
    seen, cursor = [], None
    while True:
        part = history.history_list(
            user=user, filters=history.HistoryFilter(), cursor=cursor, size=4
        )
        seen += [(e.source.key, e.history_id) for e in part.entries]
        if part.next_cursor is None:
            break
        cursor = history.Cursor.decode(part.next_cursor)
    assert seen == [(e.source.key, e.history_id) for e in everything.entries]
    assert [e.when for e in everything.entries] == sorted(
        (e.when for e in everything.entries), reverse=True
    )


def test_the_list_page_links_to_the_next_page(world, login, corrected):
    client = login(world.auditor)
    html = text(client.get(LIST))
    assert "次の50件" not in html  # fewer than 50 changes in the world
    page = history.history_list(
        user=world.auditor, filters=history.HistoryFilter(source="card"), size=1
    )
    html = text(client.get(LIST, {"source": "card", "after": page.next_cursor}))
    assert "最新に戻る" in html


# --- Who gets what ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona", ["chief", "overall_manager", "beat_officer", "staff", "station_manager"]
)
def test_only_auditors_reach_the_pages(world, login, corrected, persona):
    client = login(getattr(world, persona))
    assert client.get(LIST).status_code == 403
    assert client.get(object_url("card", corrected.pk)).status_code == 403


def test_anonymous_users_are_sent_to_sign_in(client, world):
    assert client.get(LIST).status_code == 302


def test_unknown_source_or_object_is_not_found(world, login, corrected):
    client = login(world.auditor)
    assert client.get(object_url("nothing", corrected.pk)).status_code == 404
    assert client.get(object_url("card", corrected.pk + 1000)).status_code == 404


def test_the_pages_record_counts_not_terms(world, login, corrected):
    client = login(world.auditor)
    client.get(LIST, {"person": "水戸", "source": "card"})
    event = AccessEvent.objects.filter(user=world.auditor).latest("occurred_at", "pk")
    assert event.action == AccessEvent.Action.SEARCH
    assert "水戸" not in event.summary
    assert event.summary.startswith("変更履歴の検索（対象の種類・変更した職員）")
    client.get(object_url("card", corrected.pk))
    event = AccessEvent.objects.filter(user=world.auditor).latest("occurred_at", "pk")
    assert event.action == AccessEvent.Action.LIST
    assert (event.object_type, event.object_id) == ("liaison.liaisoncard", str(corrected.pk))
    assert event.record_count == 2


def one_change_of_each_source(world, card, index: int):
    """A vehicle, a visit, an appointment and a beat assignment, newest of all."""
    card = cards_services.card_update(
        actor=world.beat_officer,
        card=card,
        version=card.version,
        data={},
        vehicles=[{"kind": "普通", "maker_model": "軽", "color": "白", "plate": f"水戸 {index}"}],
        reason="車両の追加",
    )
    day = timezone.localdate() - dt.timedelta(days=index + 1)
    started = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
    visits_services.visit_record(
        actor=world.beat_officer,
        card=card,
        started_at=started,
        ended_at=started + dt.timedelta(minutes=15),
        outcome="met",
    )
    officer = UserFactory(employee_number=f"90{index:04d}")
    account_services.appointment_start(
        actor=world.overall_manager,
        user=officer,
        role=Role.BEAT_OFFICER,
        unit=world.post_a1,
        starts_on=timezone.localdate(),
    )
    account_services.beat_assignment_start(
        actor=world.overall_manager,
        officer=officer,
        beat=world.beat_a1_2,
        starts_on=timezone.localdate(),
    )
    return card


def test_the_list_costs_the_same_queries_for_few_or_many_changes(
    world, login, corrected, django_assert_num_queries
):
    card = one_change_of_each_source(world, corrected, 0)
    client = login(world.auditor)
    client.get(LIST)  # warm the per-process caches (content types)
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST).status_code == 200
    for index in range(8):
        members = [
            {
                "name": f"水戸 {index}郎",
                "kana": "ミト",
                "relationship": "child",
                "phone": f"090-0000-{index:04d}",
            }
        ]
        card = cards_services.card_update(
            actor=world.beat_officer,
            card=card,
            version=card.version,
            data={"room": str(index)},
            members=members,
            reason="補正",
        )
        make_household(world.supervisor, world.beat_a1_2)
    one_change_of_each_source(world, card, 1)
    with django_assert_num_queries(len(few)):
        assert client.get(LIST).status_code == 200
    # Session, user, second factor (3); the UNION of the six sources (1); per source on the
    # page its records with their predecessors, and for the liaison sources who may see values
    # and (but the card) whose card it is (13); the cards' labels and the shown values' related
    # names (2); the access event (1). Permissions and roles come from the grants cache.
    if connection.vendor == "postgresql":  # SQLite: one query per source, and the chain
        assert len(few) == 20


def test_the_object_page_costs_the_same_queries_for_few_or_many_changes(
    world, login, corrected, django_assert_num_queries
):
    client = login(world.auditor)
    url = object_url("card", corrected.pk)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    card = corrected
    for index in range(60):
        card = cards_services.card_update(
            actor=world.beat_officer,
            card=card,
            version=card.version,
            data={"room": str(index)},
            reason=f"訂正{index}",
        )
    with django_assert_num_queries(len(few)):
        html = text(client.get(url))
    assert "1 / 2ページ" in html and "訂正59" in html and "訂正9" not in html
    # Session, user, second factor (3); count and page of ids (2); records with their
    # predecessors, who may see values, the card's label (3); the event (1). Permissions and
    # roles come from the grants cache.
    if connection.vendor == "postgresql":
        assert len(few) == 9


def test_an_id_beyond_any_object_is_not_found(world, login):
    assert login(world.auditor).get(f"/audit/history/card/{10**20}/").status_code == 404
