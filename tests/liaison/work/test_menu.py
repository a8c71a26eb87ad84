"""The menu entries of the round, each for those whose work it is."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.html import by_role, links

pytestmark = pytest.mark.django_db

WORKLIST = "巡回連絡の予定（ワークリスト）"
TAKEOVER = "引継ぎ"
DEDICATED = "専従日"
POLICY = "実施頻度"


def menu(login, user) -> list[str]:
    home = login(user).get(reverse("accounts:home"))
    return [name for name, _ in links(by_role(home, "navigation", "メインメニュー"))]


@pytest.mark.parametrize(
    ("persona", "entries"),
    [
        ("beat_officer", {WORKLIST, TAKEOVER}),
        ("other_officer", {WORKLIST, TAKEOVER}),
        ("supervisor", {TAKEOVER}),
        ("chief", {TAKEOVER, DEDICATED, POLICY}),
        ("station_manager", {TAKEOVER, DEDICATED, POLICY}),
        ("overall_manager", {TAKEOVER, POLICY}),
        # The 地域部長 sets the policy and reads figures, never a takeover (it lists residents).
        ("regional_director", {POLICY}),
        ("staff", set()),
        ("auditor", set()),
        ("no_role", set()),
    ],
)
def test_each_persona_sees_the_entries_of_his_work(world, login, persona, entries):
    shown = set(menu(login, getattr(world, persona))) & {WORKLIST, TAKEOVER, DEDICATED, POLICY}
    assert shown == entries


def test_the_worklist_links_to_the_policy_and_the_takeovers(world, login):
    html = login(world.beat_officer).get(reverse("liaison:worklist")).content.decode()
    assert f'href="{reverse("liaison:visit_policy")}"' in html
    assert f'href="{reverse("liaison:takeover_list")}"' in html
