"""Helpers for the pages of 巡回連絡 and 夜間巡回連絡の承認: a fixed day in Tokyo, the form as
an officer sends it, the markup of one field, and two more people (a second officer of
station A, a 地域課長 of station B)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse

from accounts import services as accounts_services
from accounts.models import Role
from liaison.night import services

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
# A Monday. Each test module travels to a time of this day before the world is built.
DAY = dt.date(2026, 11, 30)


def at(hh: int, mm: int = 0, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hh, mm), tzinfo=TOKYO)


def visit_post(**fields) -> dict:
    """The visit form as sent after a daytime 面接 that covered two topics of 要領 第5-4: the
    first as 指導連絡, the third as 情報提供."""
    data = {
        "date": DAY.isoformat(),
        "started_at": "10:00",
        "ended_at": "10:15",
        "outcome": "met",
        "topic_trends": "guidance",
        "topic_first_aid": "information",
        "topic_note": "特殊詐欺の手口を説明",
        "concerns": "夜間に駐車違反が多い",
        "follow_up_department": "traffic",
        "follow_up_note": "交通課に取締りを依頼",
    }
    data.update(fields)
    return data


def night_post(**fields) -> dict:
    data = {
        "date": DAY.isoformat(),
        "planned_start": "17:30",
        "planned_end": "20:00",
        "reason": "日中不在の世帯を訪問するため",
    }
    data.update(fields)
    return data


def field_html(html: str, name: str) -> str:
    """The markup of one field of the visit and night forms, up to the next field: its
    label, help, errors and input (see _field.html and _choices.html)."""
    start = html.index(f'id="field-{name}"')
    ends = [html.find('id="field-', start + 1), html.find("</form>", start)]
    return html[start : min(i for i in ends if i != -1)]


def ask_night(world, officer=None, day: dt.date = DAY, **extra):
    return services.night_request_create(
        actor=officer or world.beat_officer,
        date=day,
        planned_start=dt.time(17, 30),
        planned_end=dt.time(20, 0),
        reason="日中不在の世帯を訪問するため",
        **extra,
    )


def approve_night(world, officer=None, day: dt.date = DAY):
    return services.night_request_decide(
        actor=world.chief, night=ask_night(world, officer, day), approve=True
    )


def detail_url(night) -> str:
    return reverse("liaison:night_request_detail", kwargs={"pk": night.pk})


@pytest.fixture
def second_officer(world):
    """Another 受持警察官 of station A (beat A1-2 of the same post)."""
    user = world.no_role
    accounts_services.appointment_start(
        actor=None, user=user, role=Role.BEAT_OFFICER, unit=world.post_a1, starts_on=DAY
    )
    accounts_services.beat_assignment_start(
        actor=None, officer=user, beat=world.beat_a1_2, starts_on=DAY
    )
    return user


@pytest.fixture
def chief_b(world):
    """The 地域課長 of station B."""
    from tests.factories import UserFactory

    user = UserFactory(employee_number="200001", full_name="北署 地域課長")
    accounts_services.appointment_start(
        actor=None, user=user, role=Role.CHIEF, unit=world.station_b, starts_on=DAY
    )
    return user
