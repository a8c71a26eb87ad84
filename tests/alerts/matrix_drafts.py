"""Role × URL of alerts.drafts (the alert pages: list, inbox, draft form and its htmx parts,
the alert's page, preview, report, decisions, overrides, sending, cancelling, follow-ups),
for tests/test_role_url_matrix.py (ROUTES, objects(world)).

The answers are those of the gunma preset (settings.ALERTS_PRESET's default): station A's
chain is 運用責任者 → 運用管理者 → (運用総括管理者 when consulted) → 発信操作担当者, all
station A personas. Only alert desks open the alert pages: the others get a 403 on the
pages of the desks (list, inbox, form parts) and a 404 on an alert, which they cannot see.
Station A's four desks see station A's alerts; the 運用総括管理者 sees every alert
(selectors.alerts_visible), so an alert of station B or of an HQ division is a 404 to
station A's people and a 403 (not his step) or a 200 (reading) to him. Whoever sees an
alert but may not act on it now gets a 403; the author of an alert already reported is
sent back to its page (302) with the reason.

objects(world) runs after matrix_categories.objects (FEATURES' order), which installed the
divisions and the gunma categories; it loads the gunma chain and builds the alerts in
their states through alerts.drafts.services.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone

from accounts import services as accounts_services
from accounts.models import Division, Role, Station, User
from alerts.categories.models import Category
from alerts.chain import presets
from alerts.chain.models import Scope
from alerts.drafts import policy, selectors, services
from alerts.drafts.forms import APPROVE, RETURN
from alerts.drafts.models import Alert, AlertStep
from tests.conftest import World
from tests.factories import UserFactory
from tests.matrix_kit import (
    DONE,
    FORBIDDEN,
    OK,
    Route,
    by_variant,
    each,
    only,
)

AUTHOR = "alert_author"
REVIEWER = "alert_reviewer"  # 運用責任者 of station A: the first step
APPROVER = "alert_approver"  # 運用管理者 of station A: the second
SENDER = "alert_sender"  # 発信操作担当者 of station A: the last
HQ = "alert_hq_approver"  # 運用総括管理者: sees every alert, consulted when asked
DESKS = {AUTHOR, REVIEWER, APPROVER, SENDER, HQ}
# Who sees an alert of station A, of station B, of an HQ division.
SEES_A = DESKS
SEES_ELSEWHERE = {HQ}
# The author of an alert already reported: sent back to its page with the reason (302),
# nothing changed.
BACK = 302

TITLE = "不審者情報（声かけ）"
BODY = "12月1日午後4時ごろ、中央市本町1丁目の道路上で、下校中の児童が男に声をかけられました。"
ADVICE = "子供は一人で帰らず、声をかけられたら大声で助けを求めましょう。"
# A place finer than 番地: the privacy check flags 「3号」, which the 運用責任者 may let stand.
FLAGGED_PLACE = "中央市本町1丁目2番3号"
FLAG = {"kind": "place_detail", "fragment": "3号"}


def _objects(w: World) -> dict:
    return w.__dict__["objects"]


def _alert(key: str) -> Callable[[World], dict]:
    return lambda w: {"pk": _objects(w)[key].pk}


def _step(key: str) -> Callable[[World], dict]:
    """An alert and one of its steps, by the key of the step in objects."""

    def kwargs(w: World) -> dict:
        step = _objects(w)[key]
        return {"pk": step.alert_id, "step_pk": step.pk}

    return kwargs


def _seen(
    acting: dict[str, int | str], *, sees: set[str] = SEES_A, refused: int = FORBIDDEN
) -> dict[str, int | str]:
    """Whoever sees the alert gets `refused` unless `acting` says otherwise (those who do
    not see it get by_variant's default, 404)."""
    return {**each(sees, refused), **acting}


ELSEWHERE = _seen({}, sees=SEES_ELSEWHERE)  # an alert of station B: the 運用総括管理者's 403


def _version(key: str) -> Callable[[World], int]:
    return lambda w: Alert.objects.get(pk=_objects(w)[key].pk).version


def _draft_fields(w: World) -> dict:
    return {
        "category": str(Category.objects.get(code="suspicious").pk),
        "scope": Scope.STATION,
        "area_stations": [str(w.station_a.pk)],
        "title": "不審者情報（つきまとい）",
        "body": BODY,
        "advice": ADVICE,
    }


def _edit_data(w: World) -> dict:
    return {**_draft_fields(w), "version": str(_version("draft")(w))}


def _submit_data(key: str) -> Callable[[World], dict]:
    return lambda w: {"version": str(_version(key)(w))}


def _send_data(w: World) -> dict:
    alert = _objects(w)["approved"]
    return {
        "shown_count": str(selectors.recipient_count(alert)),
        "confirm_rules": "on",
        "confirm_count": "on",
    }


CANCEL = {"reason": "被害の申告が取り下げられたため", "confirm": "on"}

READ = {
    "": _seen({}, refused=OK),
    "in_review": _seen({}, refused=OK),
    "approved": _seen({}, refused=OK),
    "scheduled": _seen({}, refused=OK),
    "other_station": _seen({}, sees=SEES_ELSEWHERE, refused=OK),
    "hq_division": _seen({}, sees=SEES_ELSEWHERE, refused=OK),
}

ROUTES: dict[str, Route] = {
    "alerts:alert_list": Route(get=only(DESKS)),
    "alerts:inbox": Route(get=only(DESKS)),
    "alerts:alert_create": Route(
        get=only({AUTHOR}),
        post=only({AUTHOR}, status=DONE),
        post_data=_draft_fields,
    ),
    # The htmx parts of the draft form: any alert desk (an empty text has no flag).
    "alerts:privacy_check": Route(get=None, post=only(DESKS)),
    "alerts:category_rules": Route(get=only(DESKS)),
    "alerts:alert_detail": Route(
        get=by_variant(READ),
        variants={
            "": _alert("draft"),
            "in_review": _alert("review"),
            "approved": _alert("approved"),
            "scheduled": _alert("scheduled"),
            "other_station": _alert("other_station"),
            "hq_division": _alert("hq_division"),
        },
    ),
    "alerts:alert_preview": Route(
        get=by_variant({v: READ[v] for v in ("", "other_station")}),
        variants={"": _alert("draft"), "other_station": _alert("other_station")},
    ),
    # Only the author edits, and only a draft.
    "alerts:alert_edit": Route(
        get=by_variant(
            {
                "": _seen({AUTHOR: OK}),
                "in_review": _seen({AUTHOR: BACK}),
                "other_station": ELSEWHERE,
            }
        ),
        post=by_variant(
            {
                "": _seen({AUTHOR: DONE}),
                "in_review": _seen({AUTHOR: BACK}),
                "other_station": ELSEWHERE,
            }
        ),
        variants={
            "": _alert("draft"),
            "in_review": _alert("review"),
            "other_station": _alert("other_station"),
        },
        post_data=_edit_data,
    ),
    # 報告 (承認申請): the author of a draft; reported already, he is told so on its page.
    "alerts:alert_submit": Route(
        get=None,
        post=by_variant(
            {
                "": _seen({AUTHOR: DONE}),
                "in_review": _seen({AUTHOR: BACK}),
                "other_station": ELSEWHERE,
            }
        ),
        variants={
            "": _alert("draft"),
            "in_review": _alert("review"),
            "other_station": _alert("other_station"),
        },
        post_data=_submit_data("draft"),
        post_data_for={
            "in_review": _submit_data("review"),
            "other_station": _submit_data("other_station"),
        },
    ),
    # A step's decision: whoever holds the current step's desk, never the author. The
    # 運用管理者's step before the 運用責任者 has decided is a 403 to everyone who sees it;
    # the send step only returns from here (approving it is the form again, 200).
    "alerts:alert_decide": Route(
        get=by_variant(
            {
                "": _seen({REVIEWER: OK}),
                "not_current": _seen({}),
                "consult": _seen({HQ: OK}),
                "send_step": _seen({SENDER: OK}),
                "other_station": ELSEWHERE,
            }
        ),
        post=by_variant(
            {
                "": _seen({REVIEWER: DONE}),
                "not_current": _seen({}),
                "consult": _seen({HQ: DONE}),
                "send_step": _seen({SENDER: OK}),
                "other_station": ELSEWHERE,
            }
        ),
        variants={
            "": _step("review_step"),
            "not_current": _step("review_next_step"),
            "consult": _step("consult_step"),
            "send_step": _step("send_step"),
            "other_station": _step("other_station_step"),
        },
        # The 運用責任者 returns the flagged draft; the 運用総括管理者 approves the clean one.
        post_data=lambda w: {"decision": RETURN, "comment": "場所は番地までにしてください。"},
        post_data_for={
            "consult": lambda w: {"decision": APPROVE, "comment": "協議済み"},
            "send_step": lambda w: {"decision": APPROVE},
        },
    ),
    # Letting a privacy flag stand: the approver at the current step only.
    "alerts:alert_override": Route(
        get=None,
        post=by_variant({"": _seen({REVIEWER: DONE}), "other_station": ELSEWHERE}),
        variants={"": _alert("review"), "other_station": _alert("other_station")},
        post_data=lambda w: {**FLAG, "reason": "番地の表記として必要なため"},
    ),
    # The 発信操作担当者 at the send step of an approved alert.
    "alerts:alert_send": Route(
        get=by_variant(
            {"": _seen({SENDER: OK}), "in_review": _seen({}), "other_station": ELSEWHERE}
        ),
        post=by_variant(
            {"": _seen({SENDER: DONE}), "in_review": _seen({}), "other_station": ELSEWHERE}
        ),
        variants={
            "": _alert("approved"),
            "in_review": _alert("review"),
            "other_station": _alert("other_station"),
        },
        post_data=_send_data,
    ),
    # Cancelling: the author of a draft; once reported, the current step's desk; once
    # scheduled, the sender's desk (never the author).
    "alerts:alert_cancel": Route(
        get=by_variant(
            {
                "": _seen({AUTHOR: OK}),
                "in_review": _seen({REVIEWER: OK}),
                "scheduled": _seen({SENDER: OK}),
                "other_station": ELSEWHERE,
            }
        ),
        post=by_variant(
            {
                "": _seen({AUTHOR: DONE}),
                "in_review": _seen({REVIEWER: DONE}),
                "scheduled": _seen({SENDER: DONE}),
                "other_station": ELSEWHERE,
            }
        ),
        variants={
            "": _alert("draft"),
            "in_review": _alert("review"),
            "scheduled": _alert("scheduled"),
            "other_station": _alert("other_station"),
        },
        post_data=lambda w: CANCEL,
    ),
    # 続報・訂正・検挙等 of a first alert that went out: its author (or a 作成者 of its unit).
    "alerts:follow_up_create": Route(
        get=None,
        post=by_variant(
            {"": _seen({AUTHOR: DONE}), "draft": _seen({}), "other_station": ELSEWHERE}
        ),
        variants={
            "": _alert("scheduled"),
            "draft": _alert("draft"),
            "other_station": _alert("other_station"),
        },
        post_data=lambda w: {"kind": "follow_up"},
    ),
}


# --- Objects ---------------------------------------------------------------------------------


def _author_at(unit: Station | Division, number: str, name: str, world: World) -> User:
    """A 作成者 of another unit (station B, an HQ division): the matrix has no persona there."""
    user = UserFactory(employee_number=number, full_name=name)
    start = timezone.localdate() - dt.timedelta(days=30)
    if isinstance(unit, Division):
        accounts_services.appointment_start(
            actor=None,
            user=user,
            role=Role.ALERT_AUTHOR,
            unit=world.hq,
            division=unit,
            starts_on=start,
        )
    else:
        accounts_services.appointment_start(
            actor=None, user=user, role=Role.ALERT_AUTHOR, unit=unit, starts_on=start
        )
    return user


def _draft(author: User, station: Station | None, **fields) -> Alert:
    values = {
        "title": TITLE,
        "body": BODY,
        "place": "中央市本町1丁目",
        "place_kind": "road",
        "advice": ADVICE,
        **fields,
    }
    if station is not None:
        values.update(scope=Scope.STATION, area_stations=[station])
    else:
        values.update(scope=Scope.PREFECTURE)
    return services.alert_create(
        actor=author, category=Category.objects.get(code="suspicious"), **values
    )


def _current(alert: Alert) -> AlertStep:
    step = policy.current_step(alert)
    assert step is not None, "a reported alert waits at a step"
    return step


def _submitted(alert: Alert) -> Alert:
    return services.alert_submit(actor=alert.author, alert=alert, version=alert.version)


def _approved_by(alert: Alert, *people: User) -> Alert:
    for person in people:
        alert = services.alert_approve(actor=person, alert=alert, step=_current(alert))
    return alert


def objects(world: World) -> dict:
    presets.load("gunma")
    author_b = _author_at(world.station_b, "300001", "北署 作成者", world)
    seian = Division.objects.get(headquarters=world.hq, code="seian-kikaku")
    author_hq = _author_at(seian, "300002", "生安企画 作成者", world)

    draft = _draft(world.alert_author, world.station_a)
    review = _submitted(_draft(world.alert_author, world.station_a, place=FLAGGED_PLACE))
    review_steps = list(review.steps.order_by("order"))
    consult = _approved_by(
        _submitted(_draft(world.alert_author, world.station_a, consult_overall=True)),
        world.alert_reviewer,
        world.alert_approver,
    )
    approved = _approved_by(
        _submitted(_draft(world.alert_author, world.station_a)),
        world.alert_reviewer,
        world.alert_approver,
    )
    scheduled = _approved_by(
        _submitted(_draft(world.alert_author, world.station_a)),
        world.alert_reviewer,
        world.alert_approver,
    )
    scheduled = services.alert_send(
        actor=world.alert_sender,
        alert=scheduled,
        confirmed=True,
        recipient_count=selectors.recipient_count(scheduled),
    )
    other_station = _submitted(_draft(author_b, world.station_b))
    return {
        "draft": draft,
        "review": review,
        "review_step": review_steps[0],
        "review_next_step": review_steps[1],
        "consult_step": _current(consult),
        "approved": approved,
        "send_step": _current(approved),
        "scheduled": scheduled,
        "other_station": other_station,
        "other_station_step": _current(other_station),
        "hq_division": _draft(author_hq, None),
    }
