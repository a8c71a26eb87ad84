"""「巡回連絡の進捗」 on a reviewer's home page, and the menu entries of this part."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .helpers import text
from .test_query_counts import more_of_everything

pytestmark = pytest.mark.django_db

HOME = reverse("accounts:home")
TITLE = "巡回連絡の進捗"


def panel(html: str) -> str | None:
    match = re.search(rf">{TITLE}</h2>(.*?)</section>", html, re.S)
    return text(match.group(1)) if match else None


def test_the_chief_sees_his_stations_coverage_and_overdue(world, login, figures):
    html = login(world.chief).get(HOME).content.decode()
    assert panel(html) == (
        "中央警察署：実施率 42.9%（対象7件中3件）、要訪問 4件（うち期限超過 4件）、"
        "2026年11月の巡回連絡 3件 "
        "受持区別・受持警察官別の進捗を見る"
    )
    assert reverse("liaison:progress_home") in html


def test_hq_sees_each_station(world, login, figures):
    found = panel(login(world.overall_manager).get(HOME).content.decode())
    assert "中央警察署：実施率 42.9%" in found
    assert "北警察署：実施率 100.0%" in found


@pytest.mark.parametrize("persona", ["beat_officer", "supervisor", "staff", "auditor", "no_role"])
def test_others_have_no_progress_panel_nor_menu_entry(world, login, persona):
    html = login(getattr(world, persona)).get(HOME).content.decode()
    assert panel(html) is None
    assert f'href="{reverse("liaison:progress_home")}"' not in html


@pytest.mark.parametrize(
    "persona", ["chief", "station_manager", "overall_manager", "regional_director"]
)
def test_reviewers_have_the_menu_entry(world, login, persona):
    html = login(getattr(world, persona)).get(HOME).content.decode()
    assert f'<a href="{reverse("liaison:progress_home")}">進捗管理</a>' in html


def test_beat_officers_have_the_plan_entry_reviewers_do_not(world, login):
    entry = f'<a href="{reverse("liaison:my_plans")}">巡回連絡の計画</a>'
    assert entry in login(world.beat_officer).get(HOME).content.decode()
    assert entry not in login(world.chief).get(HOME).content.decode()


def _liaison_queries(client) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(HOME).status_code == 200
    sqls = [q["sql"] for q in queries.captured_queries]
    return len(sqls), sum(1 for sql in sqls if 'FROM "liaison_' in sql and "visitpolicy" in sql)


@pytest.mark.parametrize("persona", ["chief", "overall_manager"])
def test_the_panel_costs_the_same_whatever_the_data(world, login, figures, persona):
    client = login(getattr(world, persona))
    client.get(HOME)
    small = _liaison_queries(client)
    assert small[1] == 1  # the policy, read once
    more_of_everything(world)
    client.get(HOME)  # new beats changed the role groups' grants: read again once
    assert _liaison_queries(client) == small
