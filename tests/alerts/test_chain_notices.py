"""Whoever holds the desk an alert reaches is told on his home page, the author is told of a
return, and an immediate category says 「直ちに」 first; no text of the alert goes into a
notice (it may name a place or a victim's circumstances)."""

from __future__ import annotations

import pytest

from accounts.models import Notice
from alerts.drafts import policy, selectors
from alerts.drafts import services as alert_services
from tests.alerts.conftest import OFFICE_MORNING

pytestmark = pytest.mark.postgres


def test_each_desk_is_told_when_the_alert_reaches_it_and_the_author_of_a_return(
    any_preset, alert_world, make_draft
):
    alert = make_draft("suspicious" if alert_world.preset == "gunma" else "threat")
    alert = alert_services.alert_submit(
        actor=alert.author, alert=alert, version=alert.version, now=OFFICE_MORNING
    )
    first = policy.current_step(alert)
    holder = selectors.step_holders(first)[0]
    told = Notice.objects.get(recipient=holder)
    assert first.label in told.title and f"配信No.{alert.pk}" in told.title
    assert alert.title not in told.title and told.url.endswith(f"/{alert.pk}/")
    assert not Notice.objects.filter(recipient=alert.author).exists()

    alert = alert_services.alert_return(
        actor=holder, alert=alert, step=first, comment="場所をもう少し広く", now=OFFICE_MORNING
    )
    returned = Notice.objects.get(recipient=alert.author)
    assert "差し戻されました" in returned.title


def test_an_immediate_category_says_so_first(world, settings):
    from tests.alerts.conftest import build_alert_world

    settings.ALERTS_PRESET = "kagoshima"
    alert_world = build_alert_world(world, "kagoshima")
    alert = alert_services.alert_create(
        actor=alert_world.alert_author,
        category=alert_world.categories["fugitive"],
        scope="station",
        area_stations=[alert_world.station_a],
        title="凶器を持った男の逃走",
        body="中央市本町1丁目付近で、刃物を持った男が逃走しています。外出を控えてください。",
        place="中央市本町1丁目",
        place_kind="road",
        advice="不審な人を見たら近づかず110番通報してください。",
    )
    alert = alert_services.alert_submit(
        actor=alert.author, alert=alert, version=alert.version, now=OFFICE_MORNING
    )
    holder = selectors.step_holders(policy.current_step(alert))[0]
    assert Notice.objects.get(recipient=holder).title.startswith("【直ちに】")
