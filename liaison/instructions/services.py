"""署長指示: issue and end an instruction to visit given areas or cards."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from accounts.exceptions import PermissionDenied, TransitionError
from accounts.models import Station, User
from accounts.services import notice_send
from accounts.utils.history import history_save
from liaison import text
from liaison.cards.models import (
    CardStatus,
    LiaisonCard,
)
from liaison.instructions.models import StationInstruction

# --- 署長指示 (要領 第5-1) --------------------------------------------------------------------
INSTRUCTION_AREA_MAX = 60


INSTRUCTION_AREAS_MAX = 30


INSTRUCTION_CARDS_MAX = 500


def _instruction_areas(areas: list[str]) -> list[str]:
    """Each area once, as written (spaces trimmed), in the order given."""
    found: list[str] = []
    for area in areas:
        area = text.nfkc(area).strip()
        if area and area not in found:
            found.append(area)
    if any(len(area) > INSTRUCTION_AREA_MAX for area in found):
        raise ValidationError(
            {"areas": f"地域は1つ{INSTRUCTION_AREA_MAX}文字以内で入力してください。"}
        )
    if len(found) > INSTRUCTION_AREAS_MAX:
        raise ValidationError({"areas": f"地域は{INSTRUCTION_AREAS_MAX}件までです。"})
    return found


@transaction.atomic
def station_instruction_issue(
    *,
    actor: User,
    station: Station,
    action: str,
    reason: str,
    starts_on: dt.date,
    ends_on: dt.date,
    card_ids: list[int] | tuple[int, ...] = (),
    areas: list[str] | tuple[str, ...] = (),
) -> StationInstruction:
    """The 署長 excludes cards or areas from the visits of his station, or adds some, for a
    period (要領 第5-1 「警察署長が特に指示した場合を除き」). The worklists and the progress
    figures follow it from its first day; the station's 地域課長等 are told."""
    if not permissions.has_perm(actor, "instruct_visits", station):
        raise PermissionDenied("巡回連絡の対象を指示できるのは警察署長です。")
    errors: dict[str, str] = {}
    if action not in StationInstruction.Action.values:
        errors["action"] = "「対象から除く」か「対象に加える」を選んでください。"
    if not reason.strip():
        errors["reason"] = (
            "指示の理由を入力してください（例：災害により立入りが制限されているため）。"
        )
    if ends_on < starts_on:
        errors["ends_on"] = "終了日は開始日以降にしてください。"
    elif ends_on < timezone.localdate():
        errors["ends_on"] = "終了日が過ぎた指示は出せません。"
    area_list = _instruction_areas(list(areas))
    ids = sorted(set(card_ids))
    if len(ids) > INSTRUCTION_CARDS_MAX:
        errors["cards"] = f"カードは{INSTRUCTION_CARDS_MAX}件までです。"
    cards = list(LiaisonCard.objects.filter(pk__in=ids, station=station, status=CardStatus.FILED))
    unknown = sorted(set(ids) - {card.pk for card in cards})
    if unknown and "cards" not in errors:
        shown = "、".join(str(pk) for pk in unknown[:10])
        errors["cards"] = f"この警察署の編てつ済みのカードではない番号があります（No.{shown}）。"
    if not ids and not area_list:
        errors["cards"] = "対象のカードの番号か地域を1つ以上入力してください。"
    if errors:
        raise ValidationError(errors)
    instruction = StationInstruction(
        station=station,
        action=action,
        areas=area_list,
        reason=reason.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        issued_by=actor,
    )
    history_save(instruction, actor=actor, reason="署長指示")
    instruction.cards.set(cards)
    notice_send(
        recipients=permissions.users_with_station_perm(station, "approve_night_visits"),
        title=f"巡回連絡の対象についての署長指示（{instruction.get_action_display()}）が出されました",
        url=reverse("liaison:station_instructions", kwargs={"pk": station.pk}),
    )
    return instruction


@transaction.atomic
def station_instruction_end(*, actor: User, instruction: StationInstruction) -> StationInstruction:
    """Ended before its end date: from now on the worklists and figures no longer follow it."""
    fresh = StationInstruction.objects.select_for_update().get(pk=instruction.pk)
    if not permissions.has_perm(actor, "instruct_visits", Station(pk=fresh.station_id)):
        raise PermissionDenied("署長指示を終了できるのは警察署長です。")
    if fresh.ended_at is not None:
        raise TransitionError("この指示はすでに終了しています。")
    if fresh.ends_on < timezone.localdate():
        raise TransitionError("この指示は期間が終わっています。")
    fresh.ended_at = timezone.now()
    fresh.ended_by = actor
    history_save(fresh, actor=actor, reason="署長指示の終了", clean=False)
    return fresh
