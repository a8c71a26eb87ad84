"""The case pages: who reaches them, the filters, the review with its confirmation step, the
detection form, and the list's pinned query count."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from accounts.models import AccessEvent, AnomalyCase, AnomalyReview
from tests.accounts.audit.anomaly_support import case, event, tokyo, yesterday

pytestmark = pytest.mark.django_db

LIST = reverse("accounts:audit_case_list")
DETECT = reverse("accounts:audit_case_detect")
Kind = AnomalyCase.Kind
Status = AnomalyCase.Status


def detail(found: AnomalyCase) -> str:
    return reverse("accounts:audit_case_detail", kwargs={"pk": found.pk})


def case_numbers(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'/audit/cases/(\d+)/">No\.', html)]


@pytest.fixture
def glass(world) -> AnomalyCase:
    """A break-the-glass case of beat A1-2 (post A1: world.supervisor's)."""
    return case(
        world.beat_officer,
        kind=Kind.BREAK_GLASS,
        beat=world.beat_a1_2,
        key="7",
        station=world.station_a,
        summary="カード No.7 の緊急閲覧（記録 1件）",
        figures={"events": 1, "card": "7"},
    )


@pytest.fixture
def off_hours(world) -> AnomalyCase:
    return case(world.chief, kind=Kind.OFF_HOURS, station=world.station_a)


@pytest.fixture
def glass_b(world) -> AnomalyCase:
    return case(
        world.other_officer,
        kind=Kind.BREAK_GLASS,
        beat=world.beat_b1_1,
        key="8",
        station=world.station_b,
    )


# --- Who gets what ---------------------------------------------------------------------------


def test_the_auditor_lists_every_case(world, login, glass, off_hours, glass_b):
    response = login(world.auditor).get(LIST)
    assert response.status_code == 200
    assert sorted(case_numbers(response.content.decode())) == sorted(
        [glass.pk, off_hours.pk, glass_b.pk]
    )
    assert AccessEvent.objects.filter(
        user=world.auditor, action="list", object_type="accounts.anomalycase"
    ).exists()


def test_the_supervisor_lists_the_break_glass_cases_of_his_beats(
    world, login, glass, off_hours, glass_b
):
    client = login(world.supervisor)
    response = client.get(LIST)
    assert response.status_code == 200
    assert case_numbers(response.content.decode()) == [glass.pk]
    assert "日付を指定して今すぐ検出" not in response.content.decode()
    page = client.get(detail(glass))
    assert page.status_code == 200
    # The audit search pages are the auditors': no links there that would answer 403.
    assert "/audit/people/" not in page.content.decode()
    assert client.get(detail(off_hours)).status_code == 404
    assert client.get(detail(glass_b)).status_code == 404


@pytest.mark.parametrize("persona", ["chief", "overall_manager", "beat_officer", "no_role"])
def test_anyone_else_is_refused(world, login, glass, persona):
    client = login(world.people[persona])
    assert client.get(LIST).status_code == 403
    assert client.get(DETECT).status_code == 403
    assert client.get(detail(glass)).status_code == 404
    assert client.post(detail(glass), {"to_status": "closed", "note": "x"}).status_code == 404


def test_a_missing_case_is_a_404(world, login):
    assert login(world.auditor).get("/audit/cases/999999/").status_code == 404


def test_the_supervisor_is_not_offered_detection(world, login):
    client = login(world.supervisor)
    assert client.get(DETECT).status_code == 403
    assert client.post(DETECT, {"day": yesterday().isoformat()}).status_code == 403


# --- The list -------------------------------------------------------------------------------


def test_filters(world, login, glass, off_hours, glass_b):
    AnomalyCase.objects.filter(pk=off_hours.pk).update(status=Status.EXPLAINED)
    client = login(world.auditor)

    def listed(**params) -> list[int]:
        response = client.get(LIST, params)
        assert response.status_code == 200
        return sorted(case_numbers(response.content.decode()))

    assert listed(kind=Kind.BREAK_GLASS) == sorted([glass.pk, glass_b.pk])
    assert listed(status=Status.EXPLAINED) == [off_hours.pk]
    assert listed(station=world.station_b.pk) == [glass_b.pk]
    assert listed(kind=Kind.BREAK_GLASS, station=world.station_a.pk) == [glass.pk]
    assert listed(overdue="on") == []


def test_a_wrong_filter_is_shown_at_its_field_not_a_500(world, login, glass, off_hours):
    response = login(world.auditor).get(LIST, {"kind": "nonsense", "station": "abc"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "種別を一覧から選んでください。" in html
    assert "警察署を一覧から選んでください。" in html
    assert sorted(case_numbers(html)) == sorted([glass.pk, off_hours.pk])


def test_overdue_cases_come_first_with_a_badge(world, login, settings):
    settings.AUDIT_REVIEW_DAYS = 7
    found_at = dt.datetime(2026, 11, 1, 0, 0, tzinfo=dt.UTC)
    with time_machine.travel(found_at, tick=False):
        old = case(world.beat_officer, kind=Kind.OFF_HOURS)
    with time_machine.travel(found_at + dt.timedelta(days=6), tick=False):
        recent = case(world.chief)
    with time_machine.travel(found_at + dt.timedelta(days=7, minutes=1)):
        client = login(world.auditor)
        html = client.get(LIST).content.decode()
        assert case_numbers(html) == [old.pk, recent.pk]
        assert html.count("1週間以上未確認</span>") == 1
        assert case_numbers(client.get(LIST, {"overdue": "on"}).content.decode()) == [old.pk]
        assert "1週間以上未確認</span>" in client.get(detail(old)).content.decode()
        assert "1週間以上未確認</span>" not in client.get(detail(recent)).content.decode()


@pytest.mark.parametrize(("persona", "queries"), [("auditor", 7), ("supervisor", 7)])
def test_the_list_costs_the_same_queries_for_one_case_or_many(
    world, login, django_assert_num_queries, persona, queries
):
    client = login(world.people[persona])
    glass = {"kind": Kind.BREAK_GLASS, "beat": world.beat_a1_1, "station": world.station_a}
    case(world.beat_officer, **glass)
    client.get(LIST)  # warm the session and permission caches of the client
    # Session, user, OTP device, count, the page (cases with their person, station and beat
    # joined), the access event (the chain trigger is inside the INSERT), the station filter's
    # choices. Held permissions and roles come from the grants cache; the session is not
    # written.
    with django_assert_num_queries(queries) as one:
        response = client.get(LIST)
    assert case_numbers(response.content.decode()) != []
    for index, name in enumerate(["chief", "beat_officer", "staff", "other_officer"] * 10):
        case(world.people[name], key=str(index), **glass)
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get(LIST).status_code == 200


# --- One case and its review ------------------------------------------------------------------


def test_the_case_page_shows_figures_events_and_links(world, login):
    day = yesterday()
    read = event(
        world.beat_officer,
        tokyo(day, "22:15"),
        object_id="7",
        station=world.station_a,
        summary="カードの閲覧",
    )
    found = case(
        world.beat_officer,
        kind=Kind.OFF_HOURS,
        station=world.station_a,
        summary="勤務時間（07:00〜21:00）外のカードの閲覧・印刷 1件",
        figures={"reads": 1, "duty": "07:00〜21:00"},
        event_ids=[read.pk],
    )
    response = login(world.auditor).get(detail(found))
    assert response.status_code == 200
    html = response.content.decode()
    assert "勤務時間外の閲覧" in html
    assert "beat_officer 職員" in html
    assert "<dt>勤務時間</dt><dd>07:00〜21:00</dd>" in html
    assert "22:15:00" in html
    person = reverse("accounts:audit_person", kwargs={"pk": world.beat_officer.pk})
    card = reverse(
        "accounts:audit_object", kwargs={"object_type": "liaison.liaisoncard", "object_id": "7"}
    )
    assert f'href="{person}"' in html
    assert f'href="{card}"' in html
    assert "まだ確認の記録はありません。" in html
    assert AccessEvent.objects.filter(
        user=world.auditor, action="view", object_type="accounts.anomalycase", object_id=found.pk
    ).exists()


def test_a_review_asks_to_confirm_then_records(world, login, glass):
    client = login(world.supervisor)
    page = client.get(detail(glass)).content.decode()
    assert 'value="explained"' in page
    assert 'value="escalated"' in page
    assert 'value="closed"' in page

    note = "住民の安否確認のため。本人の説明と一致"
    confirm = client.post(detail(glass), {"to_status": "explained", "note": note})
    assert confirm.status_code == 200
    assert "「説明済み」にします" in confirm.content.decode()
    glass.refresh_from_db()
    assert glass.status == Status.OPEN

    done = client.post(detail(glass), {"to_status": "explained", "note": note, "confirm": "yes"})
    assert done.status_code == 302
    assert done["Location"] == detail(glass)
    glass.refresh_from_db()
    assert glass.status == Status.EXPLAINED
    step = AnomalyReview.objects.get(case=glass)
    assert (step.reviewer, step.note) == (world.supervisor, note)

    history = client.get(detail(glass)).content.decode()
    assert "supervisor 職員" in history
    assert "未確認 → 説明済み" in history
    assert note in history


def test_a_review_without_a_note_is_refused_at_the_field(world, login, glass):
    client = login(world.auditor)
    response = client.post(detail(glass), {"to_status": "closed", "note": " ", "confirm": "yes"})
    assert response.status_code == 200
    assert "終結とする理由（確認の結果）を入力してください。" in response.content.decode()
    glass.refresh_from_db()
    assert glass.status == Status.OPEN


def test_a_move_the_case_does_not_allow_is_refused(world, login, glass):
    AnomalyCase.objects.filter(pk=glass.pk).update(status=Status.CLOSED)
    client = login(world.auditor)
    page = client.get(detail(glass)).content.decode()
    assert "終結した事案は変更できません。" in page
    assert 'name="to_status"' not in page
    response = client.post(detail(glass), {"to_status": "explained", "note": "x", "confirm": "yes"})
    assert response.status_code == 403
    assert not AnomalyReview.objects.exists()


def test_a_stale_move_is_shown_not_recorded(world, login, glass):
    AnomalyCase.objects.filter(pk=glass.pk).update(status=Status.EXPLAINED)
    response = login(world.auditor).post(
        detail(glass), {"to_status": "explained", "note": "x", "confirm": "yes"}
    )
    assert response.status_code == 200
    assert "この事案に選べない確認の結果です。" in response.content.decode()
    assert not AnomalyReview.objects.exists()


def test_the_subject_cannot_review_his_own_case(world, login):
    own = case(world.auditor)
    client = login(world.auditor)
    assert 'name="to_status"' not in client.get(detail(own)).content.decode()
    response = client.post(detail(own), {"to_status": "closed", "note": "x", "confirm": "yes"})
    assert response.status_code == 403


# --- Detection on demand --------------------------------------------------------------------------


def test_the_auditor_runs_detection_for_a_day(world, login):
    day = yesterday()
    event(world.beat_officer, tokyo(day, "03:00"), out_of_scope=True)
    client = login(world.auditor)
    form = client.get(DETECT).content.decode()
    assert f'value="{day.isoformat()}"' in form

    response = client.post(DETECT, {"day": day.isoformat()}, follow=True)
    assert response.redirect_chain == [(DETECT, 302)]
    html = response.content.decode()
    when = f"{day.year}年{day.month}月{day.day}日"
    assert (
        f"{when}の閲覧記録を調べました。新しい事案は2件です（担当範囲外の閲覧 1件、勤務時間外の閲覧 1件）。"
        in html
    )
    assert AnomalyCase.objects.count() == 2

    again = client.post(DETECT, {"day": day.isoformat()}, follow=True).content.decode()
    assert f"{when}の閲覧記録を調べました。新しい事案は0件です。" in again


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "対象日を入力してください。"),
        ("2026-13-40", "対象日は「2026-04-01」のように入力してください。"),
        ("2099-01-01", "未来の日付は指定できません。"),
        ("2999-01-01", "日付は1900年1月1日から2100年12月31日までの間で入力してください。"),
    ],
)
def test_a_wrong_day_is_refused_at_the_field(world, login, value, message):
    response = login(world.auditor).post(DETECT, {"day": value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not AnomalyCase.objects.exists()


def test_the_pages_have_no_inline_code(world, login, glass):
    from tests.accounts.test_csp import _check

    auditor = login(world.auditor)
    _check(auditor.get(LIST))
    _check(auditor.get(detail(glass)))
    _check(auditor.post(detail(glass), {"to_status": "closed", "note": "確認済み"}))
    _check(auditor.get(DETECT))
    _check(auditor.get(reverse("accounts:audit_report")))
