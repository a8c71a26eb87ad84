"""要領 第3-2(4): 地域課長等 includes 地域第一課長, 地域第二課長 and 地域交通課長. A station
may have several 地域課; each 管理主任者, appointed with his department, is over its own
posts: the beats of his posts (books, cards), and his station duties (night approval,
submitted cards, progress, guidance, dedicated days) for their officers and beats only.

Station A here has 地域第一課 (駅前交番: A1-1, A1-2) and 地域第二課 (山田駐在所: A2-1); the
persona `chief` stays the station-wide 地域課長 of tests/conftest.py, as before.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from accounts import services as accounts_services
from accounts.models import (
    Beat,
    BeatAssignment,
    BeatGroupObjectPermission,
    Department,
    Notice,
    Role,
    StationGroupObjectPermission,
    User,
)
from accounts.signals import role_groups_after_migrate
from liaison.areas import services as areas
from liaison.cards import services as cards_services
from liaison.cards.models import CardKind, LiaisonCard
from liaison.filing import services as filing_services
from liaison.night import services as night_services
from liaison.night.models import NightVisitRequest
from tests.factories import DepartmentFactory, UserFactory
from tests.liaison.conftest import MEMBERS, book_of, make_household

OK, NOT_FOUND = 200, 404

pytestmark = pytest.mark.django_db


@dataclass
class Two:
    first: Department
    second: Department
    chief_1: User  # 地域第一課長: 駅前交番
    chief_2: User  # 地域第二課長: 山田駐在所
    officer_2: User  # 受持警察官 of A2-1


def _person(number: str, name: str, role: str, unit, **extra) -> User:
    user = UserFactory(employee_number=number, full_name=name)
    accounts_services.appointment_start(
        actor=None,
        user=user,
        role=role,
        unit=unit,
        starts_on=timezone.localdate() - dt.timedelta(days=10),
        **extra,
    )
    return user


@pytest.fixture
def two(world) -> Two:
    first = Department.objects.get(station=world.station_a, kind=Department.Kind.COMMUNITY)
    first.name = "地域第一課"
    first.save()
    second = DepartmentFactory(station=world.station_a, name="地域第二課")
    accounts_services.post_department_set(actor=None, post=world.post_a1, department=first)
    accounts_services.post_department_set(actor=None, post=world.post_a2, department=second)
    chief_1 = _person("400001", "第一 課長", Role.CHIEF, world.station_a, department=first)
    chief_2 = _person("400002", "第二 課長", Role.CHIEF, world.station_a, department=second)
    officer_2 = _person("400003", "山田 巡査", Role.BEAT_OFFICER, world.post_a2)
    accounts_services.beat_assignment_start(
        actor=None,
        officer=officer_2,
        beat=world.beat_a2_1,
        starts_on=timezone.localdate() - dt.timedelta(days=10),
    )
    return Two(first, second, chief_1, chief_2, officer_2)


def beats(user, world) -> set[str]:
    return {b.name for b in permissions.remit_beats(user, world.station_a)}


def test_each_chief_holds_his_own_posts_beats(world, two):
    assert beats(two.chief_1, world) == {"第1受持区", "第2受持区"}
    assert beats(two.chief_2, world) == {"山田受持区"}
    # The station-wide 地域課長 and the 署長 hold them all.
    assert (
        beats(world.chief, world)
        == beats(world.station_manager, world)
        == {
            "第1受持区",
            "第2受持区",
            "山田受持区",
        }
    )


def test_a_post_moved_to_the_other_department_moves_its_beats(world, two):
    accounts_services.post_department_set(actor=None, post=world.post_a2, department=two.first)
    assert beats(two.chief_1, world) == {"第1受持区", "第2受持区", "山田受持区"}
    assert beats(two.chief_2, world) == set()
    # A new beat of a post joins only its own department's chief.
    new = accounts_services.beat_create(actor=None, post=world.post_a1, name="第3受持区")
    assert permissions.has_perm(two.chief_1, "view_beat_cards", new)
    assert not permissions.has_perm(two.chief_2, "view_beat_cards", Beat.objects.get(pk=new.pk))


def test_a_chief_of_a_station_with_several_departments_names_his(world, two):
    person = UserFactory(employee_number="400009", full_name="新任 課長")
    with pytest.raises(ValidationError) as refused:
        accounts_services.appointment_start(
            actor=None,
            user=person,
            role=Role.CHIEF,
            unit=world.station_a,
            starts_on=timezone.localdate(),
        )
    assert "地域課が複数あります" in str(refused.value)
    safety = DepartmentFactory(
        station=world.station_a, kind=Department.Kind.SAFETY, name="生活安全課"
    )
    with pytest.raises(ValidationError):
        accounts_services.appointment_start(
            actor=None,
            user=person,
            role=Role.CHIEF,
            unit=world.station_a,
            department=safety,
            starts_on=timezone.localdate(),
        )


def test_night_requests_go_to_the_officers_own_chief(world, two):
    request = night_services.night_request_create(
        actor=two.officer_2,
        date=timezone.localdate() + dt.timedelta(days=1),
        planned_start=dt.time(18, 0),
        planned_end=dt.time(19, 30),
        reason="日中不在の世帯",
    )
    told = set(
        Notice.objects.filter(url__contains=f"/night/{request.pk}/").values_list(
            "recipient", flat=True
        )
    )
    assert two.chief_2.pk in told and world.chief.pk in told and two.chief_1.pk not in told
    url = reverse("liaison:night_request_decide", kwargs={"pk": request.pk})
    assert client_for_user(two.chief_1).post(url, {"decision": "approve"}).status_code == 404
    assert NightVisitRequest.objects.get(pk=request.pk).status == "pending"
    assert client_for_user(two.chief_2).post(url, {"decision": "approve"}).status_code == 302
    assert NightVisitRequest.objects.get(pk=request.pk).decided_by == two.chief_2


def test_a_submitted_card_goes_to_the_chief_of_its_beat(world, two):
    areas.beat_areas_set(actor=world.chief, beat=world.beat_a2_1, text="千波町一丁目")
    draft = cards_services.card_create(
        actor=world.staff,
        kind=CardKind.HOUSEHOLD,
        station=world.station_a,
        data={"town": "千波町", "banchi": "1-1-1"},
        members=[MEMBERS[0]],
        draft=True,
    )
    card = filing_services.card_submit(actor=world.staff, card=draft)
    assert card.proposed_book_id == world.beat_a2_1.pk
    told = set(
        Notice.objects.filter(title__contains="提出された").values_list("recipient", flat=True)
    )
    assert two.chief_2.pk in told and two.chief_1.pk not in told
    page = reverse("liaison:card_detail", kwargs={"pk": card.pk})
    assert client_for_user(two.chief_1).get(page).status_code == 404
    assign = reverse("liaison:card_assign", kwargs={"pk": card.pk})
    html = client_for_user(two.chief_2).get(assign).content.decode()
    assert "山田受持区" in html and "第1受持区" not in html  # his own beats only
    with pytest.raises(ValidationError):
        filing_services.card_assign(actor=two.chief_2, card=card, book=book_of(world.beat_a1_1))
    filing_services.card_assign(actor=two.chief_2, card=card, book=book_of(world.beat_a2_1))
    assert LiaisonCard.objects.get(pk=card.pk).book_id == world.beat_a2_1.pk


def test_progress_counts_his_own_beats_and_officers(world, two):
    make_household(world.beat_officer, world.beat_a1_1)
    html = (
        client_for_user(two.chief_1)
        .get(reverse("liaison:station_progress", kwargs={"pk": world.station_a.pk}))
        .content.decode()
    )
    assert "第1受持区" in html and "山田受持区" not in html and "山田 巡査" not in html
    html = (
        client_for_user(two.chief_2)
        .get(reverse("liaison:station_progress", kwargs={"pk": world.station_a.pk}))
        .content.decode()
    )
    assert "山田受持区" in html and "第1受持区" not in html and "beat_officer 職員" not in html
    # The 署長 sees the whole station.
    html = (
        client_for_user(world.station_manager)
        .get(reverse("liaison:station_progress", kwargs={"pk": world.station_a.pk}))
        .content.decode()
    )
    assert "山田受持区" in html and "第1受持区" in html


def test_guidance_is_for_his_own_officers(world, two):
    url = reverse(
        "liaison:officer_note_create",
        kwargs={"pk": world.station_a.pk, "user_pk": two.officer_2.pk},
    )
    assert client_for_user(two.chief_1).post(url, {"body": "指導"}).status_code == 404
    assert client_for_user(two.chief_2).post(url, {"body": "指導"}).status_code == 302


def client_for_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# A small role × URL matrix of the two chiefs: each object of 地域第一課 (A1) and of 地域第二課
# (A2). In scope: 200; a page of the other department's object: 404.
def _objects(world, two) -> dict[str, dict]:
    card_1 = make_household(world.beat_officer, world.beat_a1_1)
    card_2 = make_household(two.officer_2, world.beat_a2_1, banchi="2-2-2")
    assignment = {
        "a1": BeatAssignment.objects.get(officer=world.beat_officer).pk,
        "a2": BeatAssignment.objects.get(officer=two.officer_2).pk,
    }
    officer = {"a1": world.beat_officer.pk, "a2": two.officer_2.pk}
    beat = {"a1": world.beat_a1_1.pk, "a2": world.beat_a2_1.pk}
    card = {"a1": card_1.pk, "a2": card_2.pk}
    station = world.station_a.pk
    return {
        key: {
            "liaison:book_detail": {"pk": beat[key]},
            "liaison:card_detail": {"pk": card[key]},
            "liaison:overdue_cards": {"pk": beat[key]},
            "liaison:takeover": {"pk": assignment[key]},
            "liaison:officer_figures": {"pk": station, "user_pk": officer[key]},
            "liaison:beat_area_edit": {"pk": beat[key]},
        }
        for key in ("a1", "a2")
    }


MATRIX = {
    # (chief, department of the object) -> the answer on every page above
    ("chief_1", "a1"): OK,
    ("chief_1", "a2"): NOT_FOUND,
    ("chief_2", "a1"): NOT_FOUND,
    ("chief_2", "a2"): OK,
}


def test_the_two_chiefs_role_url_matrix(world, two):
    urls = _objects(world, two)
    for (who, key), want in MATRIX.items():
        client = client_for_user(getattr(two, who))
        for name, kwargs in urls[key].items():
            response = client.get(reverse(name, kwargs=kwargs))
            assert response.status_code == want, f"{name} [{key}] as {who}"
    # The station pages open for both, each with his own part of it.
    for who in ("chief_1", "chief_2"):
        client = client_for_user(getattr(two, who))
        for name in ("liaison:station_progress", "liaison:station_progress_export"):
            assert client.get(reverse(name, kwargs={"pk": world.station_a.pk})).status_code == OK


def test_a_migration_leaves_every_role_group_exact(world, two):
    """After migrate, the role groups carry exactly what ROLE_GRANTS says: a grant lost is
    restored, a grant beyond it removed (here: one of 地域第二課's beats on 地域第一課長)."""
    group = two.chief_1.groups.get()
    StationGroupObjectPermission.objects.filter(
        group=group, permission__codename="guide_officers"
    ).delete()
    BeatGroupObjectPermission.objects.create(
        group=group,
        permission=Permission.objects.get(
            codename="view_beat_cards", content_type__app_label="accounts"
        ),
        content_object=world.beat_a2_1,
    )
    role_groups_after_migrate(sender=None)
    two.chief_1.__dict__.pop("_object_perm_cache", None)
    assert permissions.has_perm(two.chief_1, "guide_officers", world.station_a)
    assert not BeatGroupObjectPermission.objects.filter(
        group=group, content_object=world.beat_a2_1
    ).exists()
