"""Setting the beats' areas (管内), by the 地域課長等 of the beat or HQ (`set_beat_area`)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import permissions
from accounts.exceptions import PermissionDenied
from accounts.models import Beat, User
from accounts.utils.history import history_save
from liaison.areas.models import BeatArea
from liaison.cards.models import CardStatus, LiaisonCard

from .matching import AreaLine, parse_area_lines
from .selectors import beat_for_address


def _overlaps(beat: Beat, lines: list[AreaLine]) -> list[str]:
    """Lines already covered by another beat of the station: the same 丁目, or a whole town
    against any of its 丁目 (an address would then propose two beats)."""
    others = list(
        BeatArea.objects.filter(
            beat__post__station_id=beat.post.station_id,
            town_key__in={line.key for line in lines},
        )
        .exclude(beat=beat)
        .select_related("beat__post")
    )
    messages = []
    for line in lines:
        for area in others:
            if area.town_key != line.key:
                continue
            if line.chome is None or area.chome is None or area.chome == line.chome:
                what = f"{line.town}{line.chome}丁目" if line.chome else line.town
                messages.append(
                    f"「{what}」は{area.beat.post.name} {area.beat.name}の区域（{area}）と"
                    "重なっています。どちらかの受持区から外してください。"
                )
                break
    return messages


@transaction.atomic
def beat_areas_set(*, actor: User, beat: Beat, text: str, reason: str = "") -> list[BeatArea]:
    """Make the beat's areas exactly the lines of `text`; each added or removed area is in
    the history with who and why. Submitted cards still waiting for their beat are
    proposed again from the new areas."""
    if not permissions.has_perm(actor, "set_beat_area", beat):
        raise PermissionDenied("この受持区の区域を設定する権限がありません。")
    beat = Beat.objects.select_for_update().select_related("post").get(pk=beat.pk)
    lines, errors = parse_area_lines(text)
    errors += _overlaps(beat, lines)
    if errors:
        raise ValidationError({"areas": errors})
    why = reason.strip() or "受持区の区域の設定"
    current = {(a.town_key, a.chome): a for a in BeatArea.objects.filter(beat=beat)}
    wanted = {(line.key, line.chome): line for line in lines}
    for key, area in current.items():
        if key not in wanted:
            area._history_user = actor
            area._change_reason = why
            area.delete()
    now = timezone.now()
    for key, line in wanted.items():
        if key in current:
            continue
        area = BeatArea(
            beat=beat, town=line.town, chome=line.chome, town_key=line.key, set_by=actor, set_at=now
        )
        history_save(area, actor=actor, reason=why)
    _repropose(beat.post.station_id)
    return list(BeatArea.objects.filter(beat=beat).order_by("town_key", "chome"))


def _repropose(station_id: int) -> None:
    """Submitted cards waiting for their beat follow the areas. proposed_book is out of the
    card's history (bookkeeping, like last_visit_on), so a plain UPDATE loses nothing."""
    waiting = LiaisonCard.objects.filter(
        station_id=station_id, status=CardStatus.SUBMITTED, book__isnull=True
    ).only("pk", "town", "banchi", "proposed_book_id")
    for card in waiting:
        match = beat_for_address(station_id=station_id, town=card.town, banchi=card.banchi)
        proposed = match.beat.pk if match else None
        if proposed != card.proposed_book_id:
            LiaisonCard.objects.filter(pk=card.pk).update(proposed_book_id=proposed)
