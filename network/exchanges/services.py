"""Writes on exchanges (seed 001 3⑴ア・イ): record one, with the bulletins handed over and
the requests heard (they go to the departments' inboxes). Keyword-only, the acting user
first, one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Department, User
from network.bulletins.models import Bulletin
from network.exchanges.models import Exchange
from network.exchanges.policy import exchange_record_check, staff_departments
from network.members.models import LiaisonMember
from network.requests.services import RequestInput, requests_raise

MINUTES_MAX = 480  # a working day: longer is a slip of the keyboard


@transaction.atomic
def exchange_record(
    *,
    actor: User,
    member: LiaisonMember,
    held_on: dt.date,
    department: Department,
    occasion: str,
    minutes: int,
    bulletins: Iterable[Bulletin] = (),
    handed_text: str = "",
    heard: str = "",
    requests: Iterable[RequestInput] = (),
) -> Exchange:
    """One exchange between the actor and a 連絡員 of his station; each request heard goes
    to the named department of the same station."""
    exchange_record_check(actor, member)
    bulletins = list(bulletins)
    errors: dict[str, str] = {}
    if held_on > timezone.localdate():
        errors["held_on"] = "情報交換の日付に、今日より後の日は入力できません。"
    if not staff_departments(actor, member.station_id).filter(pk=department.pk).exists():
        errors["department"] = "あなたの所属する課（この署の課）を選んでください。"
    if not 1 <= minutes <= MINUTES_MAX:
        errors["minutes"] = f"所要時間は1分から{MINUTES_MAX}分までで入力してください。"
    for bulletin in bulletins:
        mine = bulletin.station_id == member.station_id or (
            bulletin.headquarters_id is not None
            and bulletin.headquarters_id == member.station.headquarters_id
        )
        if not mine or not bulletin.valid_from <= held_on <= bulletin.valid_until:
            errors["bulletins"] = (
                f"「{bulletin.title}」は、この日にこの署で掲載中の地域安全情報ではありません。"
            )
            break
    if not (bulletins or handed_text.strip() or heard.strip()):
        errors["heard"] = (
            "手渡した地域安全情報、伝えた情報、聴取した意見・要望・情報の"
            "いずれかを入力してください。"
        )
    if errors:
        raise ValidationError(errors)
    exchange = Exchange(
        station_id=member.station_id,
        member=member,
        held_on=held_on,
        staff=actor,
        department=department,
        occasion=occasion,
        minutes=minutes,
        handed_text=handed_text.strip(),
        heard=heard.strip(),
        recorded_by=actor,
    )
    exchange.full_clean()
    exchange.save()
    exchange.bulletins.set(bulletins)
    requests_raise(actor=actor, requests=list(requests), exchange=exchange)
    return exchange
