"""Writes on visits (要領 第5): record a visit or an absence, close its follow-up, acknowledge
a visit outside hours. Keyword-only, the acting user first, one transaction each."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DateField, Value
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from accounts.exceptions import PermissionDenied, TransitionError
from accounts.models import AccessEvent, Station, User
from accounts.services import notice_send
from accounts.utils.history import history_save
from liaison import text
from liaison.cards.models import (
    LiaisonCard,
)
from liaison.cards.services import _log
from liaison.planning.models import DedicatedDay
from liaison.visits.hours import _outside_hours_message, visit_hours_check
from liaison.visits.models import VISIT_TOPICS, VISITED_OUTCOMES, TopicWay, Visit, VisitOutcome
from liaison.visits.policy import follow_up_close_require, visit_record_check
from liaison.visits.tally import TallyChange, visit_tally_add


def _topic_values(topics: dict[str, str] | list[str] | tuple[str, ...]) -> dict[str, str]:
    """第5-4: per topic, 指導連絡, 情報提供 or 通報依頼 (blank: not covered). A list names
    topics given as 指導連絡 (the shape before issue 10)."""
    if not isinstance(topics, dict):
        topics = dict.fromkeys(topics, TopicWay.GUIDANCE)
    if set(topics) - set(VISIT_TOPICS) or set(topics.values()) - {"", *TopicWay.values}:
        raise ValidationError({"topics": "指導連絡等の項目と内容を一覧から選んでください。"})
    return {name: topics.get(name, "") for name in VISIT_TOPICS}


@transaction.atomic
def visit_record(
    *,
    actor: User,
    card: LiaisonCard,
    started_at: dt.datetime,
    ended_at: dt.datetime,
    outcome: str,
    topics: dict[str, str] | list[str] | tuple[str, ...] = (),
    topic_note: str = "",
    concerns: str = "",
    follow_up_department: str = "",
    follow_up_note: str = "",
    outside_hours_reason: str = "",
) -> Visit:
    """Record one visit by the beat officer; the card's last visit follows. A visit outside
    the hours rule needs its reason and waits for the 地域課長等's acknowledgement."""
    visit_record_check(actor, card)
    day = timezone.localtime(started_at).date()
    made = timezone.localdate(card.created_at)
    if day < made:
        raise ValidationError(
            {
                "date": f"このカードの作成日（{text.date_ja(made)}）より前の巡回連絡は"
                "記録できません。実施日を確かめてください。"
            }
        )
    check = visit_hours_check(officer=actor, card=card, started_at=started_at, ended_at=ended_at)
    reason = outside_hours_reason.strip()
    if check.outside and not reason:
        raise ValidationError({"outside_hours_reason": _outside_hours_message(check, day)})
    values = _topic_values(topics)
    if follow_up_note and not follow_up_department:
        raise ValidationError({"follow_up_department": "対応すべき部署を選んでください。"})
    visit = Visit(
        card=card,
        officer=actor,
        book_id=card.book_id,
        station_id=card.station_id,
        started_at=started_at,
        ended_at=ended_at,
        outcome=outcome,
        topic_note=topic_note.strip(),
        concerns=concerns.strip(),
        follow_up_department=follow_up_department,
        follow_up_note=follow_up_note.strip(),
        night_request=check.approval,
        on_dedicated_day=DedicatedDay.objects.filter(officer=actor, date=day).exists(),
        # A reason given for a visit within the rule is not kept: nothing to acknowledge.
        outside_hours=bool(check.outside),
        outside_hours_rule=check.outside,
        outside_hours_reason=reason if check.outside else "",
        **values,
    )
    visit.full_clean()
    visit._history_user = actor
    if check.outside:
        visit._change_reason = f"時間外：{check.outside}"
    visit.save()
    # Not a change of the card's content: no version bump, no card history entry.
    # GREATEST skips NULL on PostgreSQL but not on SQLite: Coalesce covers both.
    fields = ["last_attempt_on"] + (["last_visit_on"] if outcome in VISITED_OUTCOMES else [])
    when = Value(day, output_field=DateField())
    LiaisonCard.objects.filter(pk=card.pk).update(
        **{name: Coalesce(Greatest(name, when), when) for name in fields}
    )
    _log(actor, AccessEvent.Action.CREATE, card, f"巡回連絡の記録（{visit.get_outcome_display()}）")
    if check.outside:
        notice_send(
            # The 地域課長等 over this beat (of its 地域課 where a station has several).
            recipients=permissions.station_people_over(
                Station(pk=card.station_id),
                "approve_night_visits",
                # visit_record_check let only a card in a book through.
                beat_ids=[card.book_id],  # type: ignore[list-item]
            ),
            title=f"時間外の巡回連絡が記録されました（{actor.full_name}、{text.date_ja(day)}）",
            url=reverse("liaison:visit_hours_list"),
        )
    if outcome == VisitOutcome.CARD_HANDED:
        _handout_for_visit(actor, card, day)
    # Last: the row of this beat, officer and month is what concurrent writers share, so
    # it is locked only from here to the commit, and after every other lock (the card,
    # the access log's chain): no writer holds it while waiting for another.
    visit_tally_add(visits=[visit])
    return visit


def _handout_for_visit(actor: User, card: LiaisonCard, day: dt.date) -> None:
    """A card handed on this visit waits on the worklist until collected (要領 第6-2(1)ア);
    one already waiting for this card keeps its date."""
    from liaison.handouts.models import CardHandout
    from liaison.handouts.services import handout_record

    if not CardHandout.objects.filter(card=card, status=CardHandout.Status.OPEN).exists():
        # visit_record_check let only a card in a book through.
        handout_record(
            actor=actor,
            book=card.book,  # type: ignore[arg-type]
            card=card,
            handed_on=day,
        )


def visit_absent(*, actor: User, card: LiaisonCard, at: dt.datetime | None = None) -> Visit:
    """不在 with one tap: a visit that starts and ends now."""
    at = at or timezone.now()
    return visit_record(
        actor=actor, card=card, started_at=at, ended_at=at, outcome=VisitOutcome.ABSENT
    )


@transaction.atomic
def visit_follow_up_done(
    *, actor: User, visit: Visit, note: str = "", by_department: bool = False
) -> Visit:
    """The department acted on what was heard: the follow-up is closed, by whom and when.
    From the department inbox (by_department) its staff close it, and must say what was
    done; on the visit's page the beat's officers (visits.policy.follow_up_close_require)."""
    fresh = Visit.objects.select_for_update().get(pk=visit.pk)
    if not fresh.follow_up_department:
        raise TransitionError("この巡回連絡には対応すべき事項がありません。")
    if fresh.follow_up_done_at is not None:
        raise TransitionError("この事項はすでに対応済みです。")
    follow_up_close_require(actor, fresh, by_department=by_department)
    if by_department and not note.strip():
        raise ValidationError({"note": "対応の内容を入力してください。"})
    tally = TallyChange()
    tally.remove(fresh)
    fresh.follow_up_done_at = timezone.now()
    fresh.follow_up_done_by = actor
    if note.strip():
        fresh.follow_up_note = (fresh.follow_up_note + "\n" + note.strip()).strip()
    history_save(fresh, actor=actor, reason="対応済み", clean=False)
    tally.add(fresh)
    tally.save()
    return fresh


@transaction.atomic
def visit_hours_acknowledge(*, actor: User, visit: Visit, note: str = "") -> Visit:
    """The 地域課長等 has read why a visit was outside the hours (要領 第5-3): who and when
    are kept on the visit, once."""
    fresh = Visit.objects.select_for_update().get(pk=visit.pk)
    if not fresh.outside_hours:
        raise TransitionError("この巡回連絡は時間帯の内で、確認は要りません。")
    if fresh.hours_acknowledged_at is not None:
        raise TransitionError("この時間外の巡回連絡はすでに確認済みです。")
    if not permissions.has_perm(actor, "approve_night_visits", Station(pk=fresh.station_id)):
        raise PermissionDenied("時間外の巡回連絡を確認する権限がありません。")
    if fresh.officer_id == actor.pk:
        raise PermissionDenied("自分の巡回連絡は確認できません。")
    fresh.hours_acknowledged_by = actor
    fresh.hours_acknowledged_at = timezone.now()
    fresh.hours_acknowledgement_note = note.strip()
    history_save(fresh, actor=actor, reason="時間外の確認")
    return fresh
