"""The three people searches (issue 10, point 3): the people pages, the auditor's person
filter and the change history's person filter fold names alike (accounts.utils.names): 髙橋 德子
is found by 高橋 徳子 and 𠮷田 太郎 by 吉田, and the other way round; pages show the name as
written."""

from __future__ import annotations

import datetime as dt
import importlib
import zoneinfo

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import AccessEvent, Role, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PEOPLE = [
    ("777001", "髙橋 德子", "タカハシ トクコ"),
    ("777002", "𠮷田 太郎", "ヨシダ タロウ"),
    ("777003", "高橋 徳子", "タカハシ トクコ"),
    ("777004", "吉田 次郎", "ヨシダ ジロウ"),
]
# (typed, the employee numbers it must find)
SEARCHES = [
    ("高橋 徳子", {"777001", "777003"}),
    ("髙橋德子", {"777001", "777003"}),
    ("吉田", {"777002", "777004"}),
    ("𠮷田", {"777002", "777004"}),
    ("吉田 太郎", {"777002"}),
    ("ﾖｼﾀﾞ ﾀﾛｳ", {"777002"}),  # half-width kana
    ("よしだ", {"777002", "777004"}),  # hiragana
]
TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")


@pytest.fixture
def people(world):
    return {
        number: UserFactory(employee_number=number, full_name=name, full_name_kana=kana)
        for number, name, kana in PEOPLE
    }


@pytest.mark.parametrize(("query", "expected"), SEARCHES)
def test_the_people_page(world, login, people, query, expected):
    response = login(world.overall_manager).get(reverse("accounts:user_list"), {"q": query})
    found = {p.employee_number for p in response.context["page"].object_list}
    assert found == expected
    html = response.content.decode()
    assert f"{len(expected)}人" in html
    for number in expected:
        assert people[number].full_name in html  # as written, 髙 and 𠮷 included


def test_the_people_page_still_finds_a_number_typed_full_width(world, login, people):
    response = login(world.overall_manager).get(
        reverse("accounts:user_list"), {"q": "７７７００１"}
    )
    assert [p.employee_number for p in response.context["page"].object_list] == ["777001"]


@pytest.mark.parametrize(("query", "expected"), SEARCHES)
def test_the_auditors_person_filter(world, login, people, query, expected):
    at = dt.datetime(2026, 3, 10, 9, 0, tzinfo=TOKYO)
    for number, person in people.items():
        AccessEvent.objects.create(
            occurred_at=at,
            user=person,
            username=number,
            role="beat_officer",
            action=AccessEvent.Action.VIEW,
            summary=f"記録{number}",
        )
    response = login(world.auditor).get(reverse("accounts:audit_event_list"), {"person": query})
    html = response.content.decode()
    assert {number for number in people if f"記録{number}" in html} == expected


@pytest.mark.parametrize(("query", "expected"), SEARCHES)
def test_the_change_historys_person_filter(world, login, people, query, expected):
    # Each person appoints someone: a change of an appointment by that person.
    for person in people.values():
        services.appointment_start(
            actor=person,
            user=UserFactory(),
            role=Role.STAFF,
            unit=world.station_a,
            starts_on=timezone.localdate(),
        )
    response = login(world.auditor).get(
        reverse("accounts:audit_history_list"), {"person": query, "source": "appointment"}
    )
    who = {entry.who for entry in response.context["page"].entries}
    assert {n for n, p in people.items() if any(p.full_name in w for w in who)} == expected


def test_a_renamed_person_is_found_by_the_new_name(world, people):
    person = people["777003"]
    person.full_name = "髙田 徳子"
    person.save(update_fields=["full_name"])
    assert User.objects.get(pk=person.pk).search_name == "高田徳子|タカハシトクコ"


def test_the_migration_fills_the_search_column_without_history(world, people):
    person = people["777001"]
    User.objects.filter(pk=person.pk).update(search_name="")
    before = person.history.count()
    migration = importlib.import_module("accounts.migrations.0007_user_search_name")
    migration.fill_search_names(apps, None)
    person.refresh_from_db()
    assert person.search_name == "高橋徳子|タカハシトクコ"
    assert person.full_name == "髙橋 德子"
    assert person.history.count() == before
