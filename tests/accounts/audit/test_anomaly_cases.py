"""The review of a case: the allowed moves, the refusals, who may review, the overdue mark."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from accounts import permissions
from accounts.audit import case_selectors, cases, panels, services
from accounts.exceptions import PermissionDenied, TransitionError
from accounts.models import AnomalyCase, AnomalyReview, Notice
from tests.accounts.audit.anomaly_support import case
from tests.html import link, soup, stat, text

pytestmark = pytest.mark.django_db

Status = AnomalyCase.Status
Kind = AnomalyCase.Kind


def review(actor, found, to_status, note="本人から業務上の必要と説明を受けた"):
    return services.anomaly_case_review(actor=actor, case=found, to_status=to_status, note=note)


def in_status(found: AnomalyCase, status: str) -> AnomalyCase:
    AnomalyCase.objects.filter(pk=found.pk).update(status=status)
    found.refresh_from_db()
    return found


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (Status.OPEN, Status.EXPLAINED),
        (Status.OPEN, Status.ESCALATED),
        (Status.OPEN, Status.CLOSED),
        (Status.EXPLAINED, Status.ESCALATED),
        (Status.EXPLAINED, Status.CLOSED),
        (Status.ESCALATED, Status.EXPLAINED),
        (Status.ESCALATED, Status.CLOSED),
    ],
)
def test_each_allowed_move_is_kept_with_who_when_and_the_note(world, start, to):
    found = in_status(case(world.beat_officer), start)
    moved = review(world.auditor, found, to, note="  説明の内容  ")
    assert moved.status == to
    assert moved.reviewed_at is not None
    step = AnomalyReview.objects.get(case=found)
    assert (step.reviewer, step.from_status, step.to_status, step.note) == (
        world.auditor,
        start,
        to,
        "説明の内容",
    )
    assert step.reviewed_at == moved.reviewed_at


@pytest.mark.parametrize(
    ("start", "to", "message"),
    [
        (Status.CLOSED, Status.EXPLAINED, "「終結」の事案を「説明済み」にはできません。"),
        (Status.CLOSED, Status.OPEN, "「終結」の事案を「未確認」にはできません。"),
        (Status.EXPLAINED, Status.EXPLAINED, "「説明済み」の事案を「説明済み」にはできません。"),
        (Status.ESCALATED, Status.OPEN, "「上申」の事案を「未確認」にはできません。"),
        (Status.OPEN, Status.OPEN, "「未確認」の事案を「未確認」にはできません。"),
    ],
)
def test_a_wrong_move_is_refused_naming_both_states(world, start, to, message):
    found = in_status(case(world.beat_officer), start)
    with pytest.raises(TransitionError) as refused:
        review(world.auditor, found, to)
    assert refused.value.message == message
    found.refresh_from_db()
    assert found.status == start
    assert not AnomalyReview.objects.exists()


def test_an_unknown_state_is_refused(world):
    with pytest.raises(TransitionError):
        review(world.auditor, case(world.beat_officer), "deleted")


@pytest.mark.parametrize(
    ("to", "message"),
    [
        (Status.EXPLAINED, "説明の内容を入力してください。"),
        (Status.ESCALATED, "上申する理由を入力してください。"),
        (Status.CLOSED, "終結とする理由（確認の結果）を入力してください。"),
    ],
)
def test_every_move_needs_a_note(world, to, message):
    found = case(world.beat_officer)
    with pytest.raises(ValidationError) as refused:
        review(world.auditor, found, to, note="   ")
    assert refused.value.message_dict == {"note": [message]}
    found.refresh_from_db()
    assert found.status == Status.OPEN
    assert found.reviewed_at is None


def test_the_supervisor_reviews_break_glass_of_his_beats_only(world):
    his = case(world.beat_officer, kind=Kind.BREAK_GLASS, beat=world.beat_a1_2, key="1")
    other_post = case(world.beat_officer, kind=Kind.BREAK_GLASS, beat=world.beat_a2_1, key="2")
    not_glass = case(world.beat_officer, kind=Kind.OFF_HOURS)
    assert review(world.supervisor, his, Status.EXPLAINED).status == Status.EXPLAINED
    for found in (other_post, not_glass):
        with pytest.raises(PermissionDenied):
            review(world.supervisor, found, Status.EXPLAINED)
    for persona in ("chief", "station_manager", "overall_manager", "beat_officer"):
        with pytest.raises(PermissionDenied):
            review(world.people[persona], his, Status.CLOSED)


def test_nobody_reviews_a_case_about_himself(world):
    own = case(world.auditor)
    with pytest.raises(PermissionDenied):
        review(world.auditor, own, Status.CLOSED)
    assert case_selectors.anomaly_case_moves(user=world.auditor, case=own) == []


def test_an_escalation_by_the_supervisor_is_told_to_hq_auditors(world):
    his = case(world.beat_officer, kind=Kind.BREAK_GLASS, beat=world.beat_a1_1, key="1")
    review(world.supervisor, his, Status.ESCALATED, note="目的外の閲覧の疑い")
    notice = Notice.objects.get(recipient=world.auditor)
    assert notice.title == "緊急閲覧の事案が取扱責任者から上申されました"
    assert notice.url == f"/audit/cases/{his.pk}/"
    assert not Notice.objects.exclude(recipient=world.auditor).exists()


def test_the_buttons_are_the_moves_the_reviewer_may_make(world):
    found = case(world.beat_officer, kind=Kind.BREAK_GLASS, beat=world.beat_a1_1, key="1")
    assert [to for to, _ in case_selectors.anomaly_case_moves(user=world.auditor, case=found)] == [
        Status.EXPLAINED,
        Status.ESCALATED,
        Status.CLOSED,
    ]
    explained = in_status(found, Status.ESCALATED)
    assert case_selectors.anomaly_case_moves(user=world.supervisor, case=explained) == [
        (Status.EXPLAINED, "説明済みにする"),
        (Status.CLOSED, "終結する"),
    ]
    assert case_selectors.anomaly_case_moves(user=world.chief, case=explained) == []
    assert (
        case_selectors.anomaly_case_moves(user=world.auditor, case=in_status(found, "closed")) == []
    )


# --- Who sees which cases, and the overdue mark ------------------------------------------


def test_scope_auditors_see_all_a_supervisor_his_beats_break_glass(world):
    his = case(world.beat_officer, kind=Kind.BREAK_GLASS, beat=world.beat_a1_2, key="1")
    case(world.beat_officer, kind=Kind.BREAK_GLASS, beat=world.beat_b1_1, key="2")
    case(world.beat_officer, kind=Kind.OFF_HOURS)
    assert case_selectors.anomaly_case_list(user=world.auditor).count() == 3
    assert list(case_selectors.anomaly_case_list(user=world.supervisor)) == [his]
    assert not case_selectors.anomaly_case_list(user=world.chief).exists()
    assert permissions.may_list_anomaly_cases(world.auditor)
    assert permissions.may_list_anomaly_cases(world.supervisor)
    for persona in ("chief", "overall_manager", "beat_officer", "no_role"):
        assert not permissions.may_list_anomaly_cases(world.people[persona])


def test_a_case_open_past_the_review_days_is_overdue_and_first(world, settings):
    settings.AUDIT_REVIEW_DAYS = 7
    found_at = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(found_at, tick=False):
        old = case(world.beat_officer, kind=Kind.OFF_HOURS)
        reviewed = case(world.beat_officer, kind=Kind.OUT_OF_SCOPE)
        in_status(reviewed, Status.EXPLAINED)
    with time_machine.travel(found_at + dt.timedelta(days=3), tick=False):
        newer = case(world.chief)
    with time_machine.travel(found_at + dt.timedelta(days=7), tick=False):
        listed = list(case_selectors.anomaly_case_list(user=world.auditor))
        assert [c.is_overdue for c in listed] == [False, False, False]
        assert listed[0] == newer  # open before reviewed; newest first
    with time_machine.travel(found_at + dt.timedelta(days=7, seconds=1), tick=False):
        listed = list(case_selectors.anomaly_case_list(user=world.auditor))
        assert listed == [old, newer, reviewed]
        assert [c.is_overdue for c in listed] == [True, False, False]
        assert list(case_selectors.anomaly_case_list(user=world.auditor, overdue_only=True)) == [
            old
        ]
        panel = panels.anomaly_cases_panel(world.auditor)
        assert (panel["open"], panel["overdue"], panel["escalated"]) == (2, 1, 0)
        assert panel["overdue_label"] == "1週間以上未確認"


def test_the_badge_follows_the_setting(settings):
    settings.AUDIT_REVIEW_DAYS = 10
    assert cases.overdue_label() == "10日以上未確認"
    settings.AUDIT_REVIEW_DAYS = 14
    assert cases.overdue_label() == "2週間以上未確認"


def test_the_panel_counts_only_the_supervisors_cases(world):
    case(world.beat_officer, kind=Kind.BREAK_GLASS, beat=world.beat_a1_2, key="1")
    case(world.beat_officer, kind=Kind.BREAK_GLASS, beat=world.beat_b1_1, key="2")
    case(world.beat_officer)
    assert panels.anomaly_cases_panel(world.supervisor)["open"] == 1
    assert panels.anomaly_cases_panel(world.auditor)["open"] == 3


def test_the_panel_template_links_to_the_lists(world):
    from django.template.loader import render_to_string

    case(world.beat_officer)
    html = render_to_string(
        "accounts/panels/anomaly_cases.html", {"panel": panels.anomaly_cases_panel(world.auditor)}
    )
    assert stat(html, "件 未確認 一覧") == "1"
    unchecked = next(item for item in soup(html).find_all("li") if "未確認" in text(item))
    assert link(unchecked, "一覧")["href"] == "/audit/cases/?status=open"
    assert "1週間以上未確認" in html
    assert "beat_officer" not in html
