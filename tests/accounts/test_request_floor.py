"""What every signed-in page costs before it shows anything (issue 15, the per-request floor):
no session write when nothing changed, the menu's grants read once and kept across requests,
and never kept past a grant that ended or began."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import permissions, services
from accounts.models import Beat, BeatAssignment, Role
from tests.accounts.test_sessions import age_session
from tests.accounts.test_sign_in import sign_in
from tests.html import links

pytestmark = pytest.mark.django_db


def menu(client) -> list[str]:
    page = client.get("/")
    assert page.status_code == 200
    nav = [name for name, _ in links(page.content.decode())]
    return nav


def _sql(captured) -> list[str]:
    return [query["sql"] for query in captured.captured_queries]


@pytest.fixture
def officer_client(client, world):
    sign_in(client, world.beat_officer.employee_number)
    assert client.get("/").status_code == 200
    return client


def test_a_page_that_changes_nothing_writes_no_session(officer_client):
    with CaptureQueriesContext(connection) as captured:
        assert officer_client.get("/liaison/books/").status_code == 200
    writes = [sql for sql in _sql(captured) if "django_session" in sql and "UPDATE" in sql]
    assert writes == []


def test_activity_is_still_written_once_a_minute_so_the_idle_limit_holds(officer_client):
    age_session(officer_client, idle=dt.timedelta(minutes=2))
    before = timezone.now().timestamp()
    assert officer_client.get("/liaison/books/").status_code == 200
    assert officer_client.session["last_activity"] >= before
    # 29 minutes after that request, the session still goes on.
    age_session(officer_client, idle=dt.timedelta(minutes=29))
    assert officer_client.get("/").status_code == 200


def test_the_floor_is_four_queries_for_every_role(login, world, settings):
    """A signed-in page that shows nothing (bench/floor.py): the session, the user, his second
    factor and the access event; the menu and the header come from the grants cache."""
    settings.ROOT_URLCONF = "bench.floor"
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], "bench/templates"]}
    ]
    for person in ("beat_officer", "chief", "auditor", "alert_author"):
        client = login(getattr(world, person))
        assert client.get("/bench/floor/").status_code == 200
        with CaptureQueriesContext(connection) as captured:
            page = client.get("/bench/floor/")
        assert page.status_code == 200
        assert "空のページ" in page.content.decode()
        assert len(captured) == 4, (person, _sql(captured))


def test_a_beat_assignment_ended_leaves_the_menu_at_once(officer_client, world):
    assert "巡回連絡の予定（ワークリスト）" in menu(officer_client)
    assignment = BeatAssignment.objects.get(officer=world.beat_officer, revoked_at__isnull=True)

    services.beat_assignment_end(actor=world.chief, assignment=assignment, reason="配置換え")

    assert "巡回連絡の予定（ワークリスト）" not in menu(officer_client)
    assert officer_client.get(f"/liaison/books/{world.beat_a1_1.pk}/").status_code == 404


def test_a_new_appointment_shows_in_the_menu_at_once(client, world):
    sign_in(client, world.no_role.employee_number)
    assert "巡回連絡簿" not in menu(client)

    services.appointment_start(
        actor=world.overall_manager,
        user=world.no_role,
        role=Role.CHIEF,
        unit=world.station_a,
        starts_on=timezone.localdate(),
    )

    assert {"巡回連絡簿", "進捗管理"} <= set(menu(client))


def test_a_user_object_read_before_a_new_beat_sees_its_grants(world):
    """A new beat joins the 地域課長's role group by a queryset update, which cannot reach the
    user object already in memory (a request's, a task's): it checks its stamp again."""
    chief = world.chief
    assert permissions.has_perm(chief, "view_beat_cards", world.beat_a1_1)

    beat = services.beat_create(actor=None, post=world.post_a2, name="新設受持区")

    assert permissions.has_perm(chief, "view_beat_cards", beat)
    assert beat.pk in permissions.object_ids(chief, "view_beat_cards", Beat)


def test_a_beat_assignment_ended_leaves_the_officers_scope_in_the_same_process(world):
    officer = world.beat_officer
    assert permissions.has_perm(officer, "record_visits", world.beat_a1_1)
    assignment = BeatAssignment.objects.get(officer=officer, revoked_at__isnull=True)

    services.beat_assignment_end(actor=world.chief, assignment=assignment, reason="配置換え")

    assert not permissions.has_perm(officer, "record_visits", world.beat_a1_1)
    assert world.beat_a1_1.pk not in permissions.object_ids(officer, "view_beat_cards", Beat)
