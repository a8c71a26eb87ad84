"""Who sees which alert, the inbox (「直ちに」 first, then the longest waiting, never one's
own), how long each step waited, and the holders of a step's desk."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.exceptions import OutOfScope
from alerts.drafts import policy, selectors
from alerts.drafts import services as alert_services
from tests.alerts.conftest import OFFICE_MORNING, build_alert_world

pytestmark = pytest.mark.postgres


def _submit(alert, now=OFFICE_MORNING):
    return alert_services.alert_submit(
        actor=alert.author, alert=alert, version=alert.version, now=now
    )


def test_who_sees_an_alert(alert_world, make_draft):
    draft = make_draft("suspicious")
    reported = _submit(make_draft("suspicious"))
    of_b = make_draft(
        "suspicious", author=alert_world.author_b, area_stations=[alert_world.station_b]
    )

    def seen(user):
        return set(selectors.alerts_visible(user).values_list("pk", flat=True))

    assert seen(alert_world.alert_author) == {draft.pk, reported.pk}
    # Alert roles at the author's unit see its alerts; station B's people only theirs.
    assert seen(alert_world.alert_sender) == {draft.pk, reported.pk}
    assert seen(alert_world.approver_b) == {of_b.pk}
    # The 運用総括管理者 oversees every alert.
    assert seen(alert_world.alert_hq_approver) == {draft.pk, reported.pk, of_b.pk}
    # No alert role: nothing; an HQ division sees an alert once a step was laid at it.
    assert seen(alert_world.beat_officer) == set()
    assert seen(alert_world.sosa_approver) == set()
    for user, alert in [(alert_world.alert_author, of_b), (alert_world.beat_officer, draft)]:
        assert not policy.may_view(user, alert)
        with pytest.raises(OutOfScope):
            selectors.alert_get(user, alert.pk)
    assert selectors.alert_get(alert_world.approver_b, of_b.pk) == of_b
    assert policy.may_view(alert_world.alert_reviewer, reported)


def test_a_division_sees_an_alert_laid_at_it_in_every_round(alert_world, make_draft):
    alert = _submit(make_draft("incident", scope="prefecture"))
    sosa = alert_world.sosa_approver
    assert selectors.alerts_visible(sosa).filter(pk=alert.pk).exists()
    while policy.current_step(alert).division_id != alert_world.divisions["sosa-ikka"].pk:
        step = policy.current_step(alert)
        alert = alert_services.alert_approve(
            actor=selectors.step_holders(step)[0], alert=alert, step=step
        )
    alert = alert_services.alert_return(
        actor=sosa, alert=alert, step=policy.current_step(alert), comment="検挙済みか確認を"
    )
    assert selectors.alert_get(sosa, alert.pk) == alert


def test_the_list_filters_by_status_category_and_words(alert_world, make_draft):
    first = make_draft("suspicious", title="声かけ事案の発生")
    second = _submit(make_draft("fraud", title="還付金詐欺の電話"))
    author = alert_world.alert_author
    assert list(selectors.alerts_list(author)) == [second, first]
    assert list(selectors.alerts_list(author, status="in_review")) == [second]
    assert list(selectors.alerts_list(author, category=first.category)) == [first]
    assert list(selectors.alerts_list(author, q="詐欺 電話")) == [second]
    assert list(selectors.alerts_list(author, q="窃盗")) == []


def test_the_inbox_puts_immediate_alerts_first_then_the_longest_waiting(use_preset, world):
    use_preset("kagoshima")
    alert_world = build_alert_world(world, "kagoshima")
    base = {
        "title": "注意喚起",
        "body": "中央市本町1丁目の道路上で発生しました。",
        "area_stations": [alert_world.station_a],
    }
    made = []
    for code, minutes in [("useful", 0), ("fraud-call", 10), ("fugitive", 30)]:
        alert = alert_services.alert_create(
            actor=alert_world.alert_author, category=alert_world.categories[code], **base
        )
        made.append(_submit(alert, now=OFFICE_MORNING + dt.timedelta(minutes=minutes)))
    useful, fraud, fugitive = made
    inbox = selectors.inbox_steps(alert_world.alert_approver)
    assert [s.alert for s in inbox] == [fugitive, useful, fraud]
    assert inbox[0].alert.category.is_immediate
    # The author never finds his own alert in an inbox (he holds no desk at its steps here).
    assert selectors.inbox_steps(alert_world.alert_author) == []


def test_the_inbox_reads_in_a_fixed_number_of_queries(
    alert_world, make_draft, django_assert_max_num_queries
):
    for _ in range(3):
        _submit(make_draft("suspicious"))
    reviewer = alert_world.alert_reviewer
    with django_assert_max_num_queries(4):
        steps = selectors.inbox_steps(reviewer)
        waits = [selectors.step_waits(s.alert, now=OFFICE_MORNING) for s in steps]
    assert len(steps) == 3 and all(len(w) == 1 for w in waits)


def test_how_long_each_step_waited(alert_world, make_draft):
    alert = _submit(make_draft("suspicious"))
    first = policy.current_step(alert)
    decided = OFFICE_MORNING + dt.timedelta(minutes=45)
    alert = alert_services.alert_approve(
        actor=alert_world.alert_reviewer, alert=alert, step=first, now=decided
    )
    later = decided + dt.timedelta(hours=17)
    waits = selectors.step_waits(alert, now=later)
    assert [(s.label, wait) for s, wait in waits] == [
        ("運用責任者の確認", dt.timedelta(minutes=45)),
        ("運用管理者の承認", dt.timedelta(hours=17)),
    ]


def test_the_holders_of_a_step(alert_world, make_draft):
    alert = _submit(make_draft("suspicious"))
    assert selectors.step_holders(policy.current_step(alert)) == [alert_world.alert_reviewer]
