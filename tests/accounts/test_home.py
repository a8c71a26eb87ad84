"""The home page lists what waits for each person, by role, at a fixed query cost."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import AccessEvent, Post, Role
from tests.factories import UserFactory
from tests.html import heading, headings, link, rows, text

pytestmark = pytest.mark.django_db

HOME = "accounts:home"

ROLES = "現在の役職と担当"
BOOKS = "担当する巡回連絡簿"
UPCOMING = "発令の予定"
LOCKED = "ロック中のアカウント"
WATCH = "直近24時間の注意事項"
CASES = "要確認事案"
SIGN_INS = "最近のサインイン"
PROGRESS = "巡回連絡の進捗"  # liaison progress review, for reviewers of a station
WORK = "巡回連絡の予定"  # a beat officer's due and overdue cards


def panel_titles(html: str) -> list[str]:
    return headings(html, level=2)


def panel_section(html: str, title: str):
    """The section of one panel, found by its heading."""
    return heading(html, title).find_parent("section")


def panel(html: str, title: str) -> str:
    """What one panel says."""
    return text(panel_section(html, title))


def home_html(login, user) -> str:
    response = login(user).get(reverse(HOME))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.smoke
def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse(HOME))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    ("persona", "titles"),
    [
        ("beat_officer", [ROLES, BOOKS, WORK, SIGN_INS]),
        ("supervisor", [ROLES, BOOKS, CASES, SIGN_INS]),
        ("chief", [ROLES, BOOKS, PROGRESS, SIGN_INS]),
        ("station_manager", [ROLES, BOOKS, PROGRESS, SIGN_INS]),
        ("staff", [ROLES, SIGN_INS]),
        ("alert_author", [ROLES, SIGN_INS]),
        ("overall_manager", [ROLES, BOOKS, PROGRESS, UPCOMING, LOCKED, SIGN_INS]),
        ("auditor", [ROLES, WATCH, CASES, SIGN_INS]),
        ("alert_hq_approver", [ROLES, SIGN_INS]),
        ("regional_director", [ROLES, PROGRESS, SIGN_INS]),
        ("no_role", [ROLES, SIGN_INS]),
    ],
)
def test_each_role_sees_its_own_panels(world, login, persona, titles):
    assert panel_titles(home_html(login, getattr(world, persona))) == titles


def test_header_names_the_person_and_current_roles(world, login):
    html = home_html(login, world.supervisor)
    header = html.split("</header>")[0]
    assert "supervisor 職員" in header
    assert "取扱責任者（中央警察署 駅前交番）" in header
    assert "サインアウト" in header


def test_beat_officer_sees_his_role_and_current_beat(world, login):
    roles = panel(home_html(login, world.beat_officer), ROLES)
    assert "受持警察官" in roles
    assert "受持区" in roles
    assert "中央警察署 駅前交番 第1受持区" in roles
    assert "第2受持区" not in roles


def test_an_ended_beat_is_no_longer_listed(world, login):
    assignment = world.beat_officer.beat_assignments.get()
    services.beat_assignment_end(actor=None, assignment=assignment)
    roles = panel(home_html(login, world.beat_officer), ROLES)
    assert "第1受持区" not in roles


def test_person_without_appointment_is_told_so(world, login):
    roles = panel(home_html(login, world.no_role), ROLES)
    assert "現在、役職の発令はありません" in roles


@pytest.mark.smoke
def test_chief_sees_the_books_of_his_station_grouped_by_post(world, login):
    books = panel(home_html(login, world.chief), BOOKS)
    assert "受持区 3 区（交番・駐在所 2 か所）" in books
    assert "中央警察署 駅前交番（交番・2 区）" in books
    assert "中央警察署 山田駐在所（駐在所・1 区）" in books
    assert "北口" not in books


def test_sign_ins_show_own_failures_and_not_someone_elses(world, login):
    AccessEvent.objects.create(
        user=world.chief,
        username=world.chief.employee_number,
        action=AccessEvent.Action.LOGIN_FAILED,
        outcome=AccessEvent.Outcome.FAILURE,
        client_ip="203.0.113.9",
    )
    AccessEvent.objects.create(
        user=world.supervisor,
        action=AccessEvent.Action.LOGIN_FAILED,
        outcome=AccessEvent.Outcome.FAILURE,
        client_ip="198.51.100.7",
    )
    html = home_html(login, world.chief)
    sign_ins = panel(html, SIGN_INS)
    results = [cells[1] for cells in rows(panel_section(html, SIGN_INS))[1:]]
    assert [result for result in results if result.startswith("失敗")] == [
        "失敗（職員番号・パスワード）"
    ]
    assert "203.0.113.9" in sign_ins
    assert "198.51.100.7" not in sign_ins


def test_sign_ins_show_the_last_five_only(world, login):
    for _ in range(7):
        AccessEvent.objects.create(
            user=world.chief,
            action=AccessEvent.Action.LOGIN_FAILED,
            outcome=AccessEvent.Outcome.FAILURE,
        )
    sign_ins = panel_section(home_html(login, world.chief), SIGN_INS)
    assert len(rows(sign_ins)) == 1 + 5  # header row and five events


def _appoint(world, name: str, *, starts_in: int, ends_in: int | None = None):
    today = timezone.localdate()
    person = UserFactory(full_name=name)
    return services.appointment_start(
        actor=None,
        user=person,
        role=Role.CHIEF,
        unit=world.station_b,
        starts_on=today + dt.timedelta(days=starts_in),
        ends_on=today + dt.timedelta(days=ends_in) if ends_in is not None else None,
    )


def test_manager_sees_appointments_starting_or_ending_within_14_days(world, login):
    soon = _appoint(world, "来週 着任", starts_in=7)
    _appoint(world, "来月 着任", starts_in=20)
    leaving = _appoint(world, "今月 離任", starts_in=-100, ends_in=10)
    html = home_html(login, world.overall_manager)
    upcoming = panel(html, UPCOMING)
    assert "来週 着任" in upcoming
    assert "今月 離任" in upcoming
    assert "来月 着任" not in upcoming
    kinds = [cells[1] for cells in rows(panel_section(html, UPCOMING))[1:]]
    assert "発令" in kinds and "終了" in kinds
    # Soonest first, each name linking to the person's page.
    assert upcoming.index("来週 着任") < upcoming.index("今月 離任")
    section = panel_section(html, UPCOMING)
    assert link(section, "来週 着任")["href"] == reverse(
        "accounts:user_detail", kwargs={"pk": soon.user_id}
    )
    assert link(section, "今月 離任")["href"] == reverse(
        "accounts:user_detail", kwargs={"pk": leaving.user_id}
    )
    assert "管理主任者（北警察署）" in upcoming


def _attempt(username: str, failures: int, *, minutes_ago: int = 1, ip: str = "192.0.2.1"):
    attempt = AccessAttempt.objects.create(
        username=username,
        ip_address=ip,
        user_agent="test",
        http_accept="text/html",
        path_info="/login/",
        get_data="",
        post_data="",
        failures_since_start=failures,
    )
    # attempt_time is auto_now_add; move it back as the clock would have.
    AccessAttempt.objects.filter(pk=attempt.pk).update(
        attempt_time=timezone.now() - dt.timedelta(minutes=minutes_ago)
    )


def test_manager_sees_accounts_locked_now_with_a_link(world, login):
    limit = settings.AXES_FAILURE_LIMIT
    _attempt(world.beat_officer.employee_number, limit)
    # Failures from two machines add up, as axes counts them.
    _attempt(world.staff.employee_number, limit - 2, ip="192.0.2.1")
    _attempt(world.staff.employee_number, 2, ip="192.0.2.2")
    _attempt(world.supervisor.employee_number, limit - 1)
    cooled_off = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60) + 1
    _attempt(world.chief.employee_number, limit, minutes_ago=cooled_off)
    _attempt("nobody999", limit)

    html = home_html(login, world.overall_manager)
    locked = panel(html, LOCKED)
    assert "beat_officer 職員" in locked
    assert "staff 職員" in locked
    assert "supervisor 職員" not in locked
    assert "chief 職員" not in locked
    assert "nobody999" not in locked
    assert link(panel_section(html, LOCKED), "beat_officer 職員", exact=False)["href"] == reverse(
        "accounts:user_detail", kwargs={"pk": world.beat_officer.pk}
    )


def test_no_locked_accounts_is_said_plainly(world, login):
    locked = panel(home_html(login, world.overall_manager), LOCKED)
    assert "ロック中のアカウントはありません" in locked


def _event(action: str, *, hours_ago: float = 1, user=None) -> None:
    AccessEvent.objects.create(
        user=user,
        action=action,
        outcome=AccessEvent.Outcome.DENIED,
        occurred_at=timezone.now() - dt.timedelta(hours=hours_ago),
    )


def test_auditor_sees_counts_of_the_last_24_hours_without_names(world, login):
    for _ in range(2):
        _event(AccessEvent.Action.DENIED, user=world.other_officer)
    _event(AccessEvent.Action.DENIED, hours_ago=25, user=world.other_officer)
    _event(AccessEvent.Action.LOCKOUT, user=world.staff)
    for _ in range(3):
        _event(AccessEvent.Action.LOGIN_FAILED, user=world.staff)
    _event(AccessEvent.Action.VIEW, user=world.chief)

    watch = panel(home_html(login, world.auditor), WATCH)
    figures = [text(item) for item in panel_section(home_html(login, world.auditor), WATCH)("li")]
    assert [figure for figure in figures if " 件 " in figure] == [
        "2 件 アクセス拒否",
        "1 件 アカウントロック",
        "3 件 サインイン失敗",
    ]
    assert "other_officer" not in watch
    assert "staff" not in watch


# --- Query counts: fixed, whatever the data ------------------------------------------------


def _more_of_everything(world) -> None:
    """Data that every panel of the chief and of the overall manager would list."""
    post = Post.objects.create(station=world.station_a, kind=Post.Kind.KOBAN, name="南口交番")
    for n in range(3):
        services.beat_create(actor=None, post=post, name=f"南口第{n + 1}受持区")
    for n in range(3):
        _appoint(world, f"着任予定{n}", starts_in=n + 1)
    for person in (world.beat_officer, world.staff, world.supervisor):
        _attempt(person.employee_number, settings.AXES_FAILURE_LIMIT)
    for _ in range(3):
        AccessEvent.objects.create(
            user=world.chief,
            action=AccessEvent.Action.LOGIN_FAILED,
            outcome=AccessEvent.Outcome.FAILURE,
        )
        AccessEvent.objects.create(
            user=world.overall_manager,
            action=AccessEvent.Action.LOGIN_FAILED,
            outcome=AccessEvent.Outcome.FAILURE,
        )


# session, user, OTP device, unread notices (one query, shared by the panel's predicate and
# its context), beat assignments, books (exists + list), sign-ins (the appointments and every
# permission the user holds anywhere, answering every menu entry and panel predicate, come
# from the grants cache; the session is not written); the progress panel (which
# stations, the due rule's station instructions and policy, card and visit figures grouped
# by station), the waiting night requests, the visits outside the hours waiting for him, the
# takeover panel's question; the drafts of his station waiting too long (one grouped query,
# his own among them); the submitted cards waiting for a beat (one query, the oldest first);
# the department inbox (accounts.inbox.panels): his 課, one count per source (visit
# follow-ups, network requests) and the 課 he heads; the candidates waiting to be asked
# (network.members.panels: he keeps the roster).
CHIEF_QUERIES = 21
# The chief's, with the upcoming appointments and the locked accounts, without the waiting
# night requests and visits outside the hours (he approves none) and the drafts (he keeps no
# station's queue).
MANAGER_QUERIES = 14


@pytest.mark.parametrize(
    ("persona", "queries"),
    [("chief", CHIEF_QUERIES), ("overall_manager", MANAGER_QUERIES)],
)
def test_home_query_count_does_not_grow_with_data(
    world, login, django_assert_num_queries, persona, queries
):
    client = login(getattr(world, persona))
    url = reverse(HOME)
    client.get(url)  # the first request stamps the session's sign-in time

    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200

    _more_of_everything(world)
    client.get(url)  # new beats changed the role groups' grants: read again once
    with django_assert_num_queries(queries):
        response = client.get(url)
    html = response.content.decode()
    assert "南口第3受持区" in html
    if persona == "overall_manager":
        assert "着任予定2" in html
        assert "supervisor 職員" in panel(html, LOCKED)


def test_home_only_answers_reading(world, login):
    client = login(world.chief)
    assert client.post(reverse(HOME)).status_code == 405
