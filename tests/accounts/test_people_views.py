"""HQ manages people, appointments and beat assignments in the browser, as a user would."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from accounts.models import Appointment, BeatAssignment, Role, User
from tests.conftest import PASSWORD
from tests.factories import UserFactory
from tests.html import field_error

pytestmark = pytest.mark.django_db


def fresh(user: User) -> User:
    """The user as the next request will load him (permission caches empty)."""
    return User.objects.get(pk=user.pk)


def page_text(response) -> str:
    return response.content.decode()


@pytest.fixture
def hq(world, login):
    return login(world.overall_manager)


# --- The list ------------------------------------------------------------------------


def test_the_list_shows_each_person_with_roles_and_state(world, hq):
    response = hq.get(reverse("accounts:user_list"))
    assert response.status_code == 200
    text = page_text(response)
    assert "職員・役職の管理" in text
    assert world.chief.full_name in text
    assert "管理主任者（中央警察署）" in text
    assert "受持警察官（駅前交番（中央警察署））" in text
    assert "有効" in text


def test_the_list_searches_number_name_and_kana(world, hq):
    UserFactory(employee_number="777001", full_name="水戸 花子", full_name_kana="ミト ハナコ")
    for query in ("777001", "花子", "ハナコ"):
        text = page_text(hq.get(reverse("accounts:user_list"), {"q": query}))
        assert "水戸 花子" in text, query
        assert world.chief.full_name not in text, query


def test_the_list_pages_by_fifty_and_keeps_the_search(world, hq):
    for n in range(60):
        UserFactory(employee_number=f"8{n:05d}", full_name=f"検索 対象{n}")
    first = page_text(hq.get(reverse("accounts:user_list"), {"q": "検索"}))
    assert "60人" in first
    assert "1 / 2ページ" in first
    assert "?q=%E6%A4%9C%E7%B4%A2&amp;page=2" in first
    second = page_text(hq.get(reverse("accounts:user_list"), {"q": "検索", "page": 2}))
    assert "2 / 2ページ" in second
    assert second.count("検索 対象") == 10


def test_the_list_shows_a_locked_and_a_disabled_person(world, hq):
    AccessAttempt.objects.create(
        username=world.staff.employee_number,
        ip_address="192.0.2.1",
        user_agent="test",
        get_data="",
        post_data="",
        http_accept="",
        path_info="/login/",
        failures_since_start=settings.AXES_FAILURE_LIMIT,
    )
    world.no_role.is_active = False
    world.no_role.save()
    text = page_text(hq.get(reverse("accounts:user_list")))
    assert "ロック中" in text
    assert "無効" in text


def test_the_list_costs_the_same_queries_for_3_or_33_people(world, hq, django_assert_num_queries):
    url = reverse("accounts:user_list")
    for n in range(3):
        UserFactory(employee_number=f"70000{n}")
    hq.get(url)  # warm the per-process caches (content types)
    with CaptureQueriesContext(connection) as few:
        assert hq.get(url).status_code == 200
    for n in range(30):
        person = UserFactory(employee_number=f"71{n:04d}")
        Appointment.objects.create(
            user=person,
            role=Role.STAFF,
            station=world.station_a,
            starts_on=timezone.localdate(),
            granted_at=timezone.now(),
        )
    with django_assert_num_queries(len(few)):
        assert hq.get(url).status_code == 200


# --- Registering a person -------------------------------------------------------------


def test_hq_registers_a_person_and_lands_on_his_page(world, hq):
    response = hq.post(
        reverse("accounts:user_create"),
        {
            "employee_number": "260999",
            "full_name": "新任 太郎",
            "full_name_kana": "シンニン タロウ",
            "email": "shinnin@example.jp",
            "password": "a-long-enough-passphrase",
        },
        follow=True,
    )
    person = User.objects.get(employee_number="260999")
    assert response.redirect_chain[-1][0] == reverse("accounts:user_detail", args=[person.pk])
    assert "新任 太郎さんを登録しました。" in page_text(response)
    assert person.check_password("a-long-enough-passphrase")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("employee_number", "", "職員番号を入力してください。"),
        ("employee_number", "12", "職員番号は半角英数字4〜12文字で入力してください。"),
        ("employee_number", "100001", "職員番号"),  # taken by a persona
        ("full_name", "", "氏名を入力してください。"),
        ("full_name_kana", "しんにん", "フリガナは全角カタカナで入力してください。"),
        ("email", "not-a-mail", "メールアドレスの形式が正しくありません。"),
        ("password", "short", "このパスワードは短すぎます。"),
    ],
)
def test_each_invalid_field_is_shown_in_japanese_and_nothing_is_saved(
    world, hq, field, value, message
):
    data = {
        "employee_number": "260998",
        "full_name": "新任 次郎",
        "full_name_kana": "シンニン ジロウ",
        "email": "",
        "password": "",
        field: value,
    }
    before = User.objects.count()
    response = hq.post(reverse("accounts:user_create"), data)
    assert response.status_code == 200
    assert message in field_error(response, name=field)
    assert User.objects.count() == before


# --- Appointments ---------------------------------------------------------------------


def test_an_appointment_gives_the_person_the_stations_beats(world, hq):
    person = UserFactory(employee_number="260501")
    response = hq.post(
        reverse("accounts:appointment_create", args=[person.pk]),
        {
            "role": Role.CHIEF,
            "unit": f"station:{world.station_b.pk}",
            "starts_on": timezone.localdate().isoformat(),
            "note": "4月1日付け人事異動",
        },
        follow=True,
    )
    assert "管理主任者（北警察署）に発令しました。" in page_text(response)
    assert set(permissions.beats_for(fresh(person))) == {world.beat_b1_1}


def test_the_unit_select_is_grouped_by_level_with_station_names(world, hq):
    text = page_text(hq.get(reverse("accounts:appointment_create", args=[world.no_role.pk])))
    assert '<optgroup label="警察本部">' in text
    assert '<optgroup label="警察署">' in text
    assert '<optgroup label="交番・駐在所">' in text
    assert "駅前交番（中央警察署）" in text
    assert "統括管理責任者" in text  # role labels in Japanese


def test_a_role_at_the_wrong_level_is_refused_at_the_field(world, hq):
    person = world.no_role
    response = hq.post(
        reverse("accounts:appointment_create", args=[person.pk]),
        {
            "role": Role.CHIEF,
            "unit": f"post:{world.post_a1.pk}",
            "starts_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 200
    assert "管理主任者は警察署に発令してください。" in page_text(response)
    assert not Appointment.objects.filter(user=person).exists()


def test_a_department_of_another_station_is_refused(world, hq):
    department = world.station_b.departments.first()
    response = hq.post(
        reverse("accounts:appointment_create", args=[world.no_role.pk]),
        {
            "role": Role.STAFF,
            "unit": f"station:{world.station_a.pk}",
            "department": department.pk,
            "starts_on": timezone.localdate().isoformat(),
        },
    )
    assert "所属課は発令先の警察署の課を選んでください。" in page_text(response)
    assert not Appointment.objects.filter(user=world.no_role).exists()


def test_a_disabled_person_cannot_be_appointed(world, hq):
    person = world.no_role
    person.is_active = False
    person.save()
    response = hq.post(
        reverse("accounts:appointment_create", args=[person.pk]),
        {
            "role": Role.STAFF,
            "unit": f"station:{world.station_a.pk}",
            "starts_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 200
    assert "無効な職員には発令できません。" in page_text(response)
    assert not Appointment.objects.filter(user=person).exists()


def test_ending_an_appointment_asks_first_then_signs_the_person_out(world, hq):
    officer = world.beat_officer
    officer_client = Client()
    officer_client.force_login(officer)
    assert officer_client.get(reverse("accounts:home")).status_code == 200

    appointment = Appointment.objects.get(user=officer, role=Role.BEAT_OFFICER)
    url = reverse("accounts:appointment_end", args=[appointment.pk])
    confirm = page_text(hq.get(url))
    assert "この発令を終了すると、受持警察官（駅前交番（中央警察署））の権限が直ちに取り消され" in (
        confirm
    )
    assert "本人はサインアウトされます" in confirm
    assert timezone.localdate().isoformat() in confirm  # 終了日 defaults to today
    assert permissions.beats_for(fresh(officer)).exists()  # nothing happened on GET

    response = hq.post(
        url, {"ends_on": timezone.localdate().isoformat(), "reason": "人事異動"}, follow=True
    )
    assert "受持警察官の発令を終了しました。" in page_text(response)
    assert not permissions.beats_for(fresh(officer)).exists()
    after = officer_client.get(reverse("accounts:home"))
    assert after.status_code == 302
    assert after.url.startswith(reverse("accounts:login"))


def test_ending_needs_a_reason_and_a_date_after_the_start(world, hq):
    appointment = Appointment.objects.get(user=world.staff)
    url = reverse("accounts:appointment_end", args=[appointment.pk])
    no_reason = hq.post(url, {"ends_on": timezone.localdate().isoformat(), "reason": ""})
    assert "理由を入力してください。" in page_text(no_reason)
    too_early = appointment.starts_on - dt.timedelta(days=1)
    early = hq.post(url, {"ends_on": too_early.isoformat(), "reason": "誤り"})
    assert early.status_code == 200
    assert "終了日は発令日以降の日付にしてください。" in page_text(early)
    appointment.refresh_from_db()
    assert appointment.revoked_at is None
    assert appointment.ends_on is None


def test_ending_twice_is_refused_without_an_error_page(world, hq):
    appointment = Appointment.objects.get(user=world.staff)
    url = reverse("accounts:appointment_end", args=[appointment.pk])
    data = {"ends_on": timezone.localdate().isoformat(), "reason": "退職"}
    hq.post(url, data)
    again = hq.post(url, data)
    assert again.status_code == 200
    assert "この発令はすでに終了しています。" in page_text(again)


# --- Beat assignments -----------------------------------------------------------------


def test_hq_assigns_a_second_beat_and_ends_it(world, hq):
    officer = world.beat_officer
    response = hq.post(
        reverse("accounts:beat_assignment_create", args=[officer.pk]),
        {"beat": world.beat_a1_2.pk, "starts_on": timezone.localdate().isoformat()},
        follow=True,
    )
    assert "駅前交番 第2受持区の受持警察官に指定しました。" in page_text(response)
    assert set(permissions.beats_for(fresh(officer))) == {world.beat_a1_1, world.beat_a1_2}

    assignment = BeatAssignment.objects.get(officer=officer, beat=world.beat_a1_2)
    url = reverse("accounts:beat_assignment_end", args=[assignment.pk])
    assert "権限が直ちに取り消されます" in page_text(hq.get(url))
    hq.post(url, {"ends_on": timezone.localdate().isoformat(), "reason": "受持区の見直し"})
    assert list(permissions.beats_for(fresh(officer))) == [world.beat_a1_1]


def test_the_beat_select_is_grouped_by_post(world, hq):
    text = page_text(hq.get(reverse("accounts:beat_assignment_create", args=[world.no_role.pk])))
    assert '<optgroup label="駅前交番（中央警察署）">' in text
    assert '<optgroup label="北口交番（北警察署）">' in text


def test_a_beat_outside_the_officers_post_is_refused_and_nothing_changes(world, hq):
    officer = world.beat_officer
    response = hq.post(
        reverse("accounts:beat_assignment_create", args=[officer.pk]),
        {"beat": world.beat_b1_1.pk, "starts_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 200
    assert "北口交番の受持警察官の発令がありません" in page_text(response)
    assert list(permissions.beats_for(fresh(officer))) == [world.beat_a1_1]
    assert not BeatAssignment.objects.filter(officer=officer, beat=world.beat_b1_1).exists()


# --- Lock, disable, enable ------------------------------------------------------------


def test_hq_unlocks_a_locked_person(world, hq):
    person = world.staff
    AccessAttempt.objects.create(
        username=person.employee_number,
        ip_address="192.0.2.1",
        user_agent="test",
        get_data="",
        post_data="",
        http_accept="",
        path_info="/login/",
        failures_since_start=settings.AXES_FAILURE_LIMIT,
    )
    detail = reverse("accounts:user_detail", args=[person.pk])
    assert "ロックを解除" in page_text(hq.get(detail))
    response = hq.post(reverse("accounts:user_unlock", args=[person.pk]), follow=True)
    assert "ロックを解除しました。" in page_text(response)
    assert "ロックされていません。" in page_text(response)
    assert not AccessAttempt.objects.filter(username=person.employee_number).exists()


def test_disabling_asks_for_a_reason_then_signs_the_person_out(world, hq):
    person = world.staff
    person_client = Client()
    person_client.force_login(person)
    url = reverse("accounts:user_disable", args=[person.pk])
    confirm = hq.get(url)
    assert "アカウントを無効にしますか" in page_text(confirm)
    assert fresh(person).is_active  # the GET changed nothing

    refused = hq.post(url, {"reason": ""})
    assert "理由を入力してください。" in page_text(refused)
    assert fresh(person).is_active

    response = hq.post(url, {"reason": "長期休職"}, follow=True)
    assert "アカウントを無効にしました。" in page_text(response)
    assert not fresh(person).is_active
    assert person_client.get(reverse("accounts:home")).status_code == 302
    stranger = Client()
    signin = stranger.post(
        reverse("accounts:login"), {"username": person.employee_number, "password": PASSWORD}
    )
    assert signin.status_code == 200  # the form again, not a redirect into the system
    assert "_auth_user_id" not in stranger.session


def test_a_disabled_person_is_enabled_again_with_a_reason(world, hq):
    person = world.staff
    hq.post(reverse("accounts:user_disable", args=[person.pk]), {"reason": "長期休職"})
    response = hq.post(
        reverse("accounts:user_enable", args=[person.pk]), {"reason": "復職"}, follow=True
    )
    assert "アカウントを有効にしました。" in page_text(response)
    assert fresh(person).is_active


def test_the_history_says_who_changed_what_and_why(world, hq):
    appointment = Appointment.objects.get(user=world.staff)
    hq.post(
        reverse("accounts:appointment_end", args=[appointment.pk]),
        {"ends_on": timezone.localdate().isoformat(), "reason": "生活安全課へ異動"},
    )
    hq.post(reverse("accounts:user_disable", args=[world.staff.pk]), {"reason": "長期休職"})
    text = page_text(hq.get(reverse("accounts:user_detail", args=[world.staff.pk])))
    assert "変更履歴" in text
    assert "生活安全課へ異動" in text
    assert "長期休職" in text
    assert world.overall_manager.full_name in text
    assert "終了日：（なし） → " in text
    assert "有効：はい → いいえ" in text
    assert "発令 警察職員" in text


def test_the_detail_shows_active_and_ended_appointments(world, hq):
    appointment = Appointment.objects.get(user=world.staff)
    hq.post(
        reverse("accounts:appointment_end", args=[appointment.pk]),
        {"ends_on": timezone.localdate().isoformat(), "reason": "異動"},
    )
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    hq.post(
        reverse("accounts:appointment_create", args=[world.staff.pk]),
        {"role": Role.CHIEF, "unit": f"station:{world.station_b.pk}", "starts_on": tomorrow},
    )
    text = page_text(hq.get(reverse("accounts:user_detail", args=[world.staff.pk])))
    assert "発令予定" in text
    assert "終了した発令" in text
    planned = text.split("発令予定")[1].split("終了した発令")[0]
    assert "北警察署" in planned


# --- Who may not ------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["chief", "beat_officer", "auditor", "station_manager"])
def test_others_get_403_on_the_list_and_404_on_every_object(world, login, persona):
    client = login(world.people[persona])
    assert client.get(reverse("accounts:user_list")).status_code == 403
    assert client.get(reverse("accounts:user_create")).status_code == 403
    target = world.staff
    appointment = Appointment.objects.get(user=target)
    assignment = BeatAssignment.objects.get(officer=world.beat_officer)
    for name, pk in [
        ("accounts:user_detail", target.pk),
        ("accounts:user_disable", target.pk),
        ("accounts:appointment_create", target.pk),
        ("accounts:beat_assignment_create", target.pk),
        ("accounts:appointment_end", appointment.pk),
        ("accounts:beat_assignment_end", assignment.pk),
    ]:
        assert client.get(reverse(name, args=[pk])).status_code == 404, name


def test_a_refused_post_changes_nothing(world, login):
    client = login(world.chief)
    target = world.staff
    appointment = Appointment.objects.get(user=target)
    assert (
        client.post(reverse("accounts:user_disable", args=[target.pk]), {"reason": "x"})
    ).status_code == 404
    assert (
        client.post(
            reverse("accounts:appointment_end", args=[appointment.pk]),
            {"ends_on": timezone.localdate().isoformat(), "reason": "x"},
        )
    ).status_code == 404
    assert (
        client.post(
            reverse("accounts:appointment_create", args=[target.pk]),
            {
                "role": Role.CHIEF,
                "unit": f"station:{world.station_a.pk}",
                "starts_on": timezone.localdate().isoformat(),
            },
        )
    ).status_code == 404
    assert (
        client.post(
            reverse("accounts:user_create"), {"employee_number": "260777", "full_name": "x"}
        )
    ).status_code == 403
    assert fresh(target).is_active
    appointment.refresh_from_db()
    assert appointment.is_active
    assert Appointment.objects.filter(user=target).count() == 1
    assert not User.objects.filter(employee_number="260777").exists()


def test_a_missing_person_is_a_404_for_hq_too(world, hq):
    assert hq.get(reverse("accounts:user_detail", args=[999999])).status_code == 404


def test_anonymous_is_sent_to_sign_in(world, client):
    response = client.get(reverse("accounts:user_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


# --- Access log --------------------------------------------------------------------------


def test_reading_the_staff_list_and_a_person_is_logged_without_names(world, login):
    from accounts.models import AccessEvent

    client = login(world.overall_manager)
    client.get(reverse("accounts:user_list"), {"q": "職員"})
    client.get(reverse("accounts:user_detail", kwargs={"pk": world.beat_officer.pk}))

    search, view = AccessEvent.objects.filter(
        user=world.overall_manager,
        action__in=[AccessEvent.Action.SEARCH, AccessEvent.Action.VIEW],
    ).order_by("occurred_at", "pk")
    assert search.action == AccessEvent.Action.SEARCH
    assert search.summary.startswith("職員検索 ") and "職員検索 職員" not in search.summary
    assert (view.object_type, view.object_id) == ("accounts.user", str(world.beat_officer.pk))


def test_a_person_page_fails_when_its_read_cannot_be_logged(world, login):
    """No unlogged access: if the access event cannot be written, the page is not shown."""
    from unittest import mock

    from django.db import DatabaseError

    from accounts.models import AccessEvent

    client = login(world.overall_manager)
    client.raise_request_exception = False
    with mock.patch.object(AccessEvent, "save", side_effect=DatabaseError("full")):
        response = client.get(reverse("accounts:user_detail", kwargs={"pk": world.beat_officer.pk}))
    assert response.status_code == 500
    assert world.beat_officer.full_name not in response.content.decode()
