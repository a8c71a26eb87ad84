"""Writing a guidance or evaluation note: the 地域課長等 (`guide_officers`) over the
officer's beat gives 具体的な指導, the 署長 (`evaluate_officers`) 評価・賞揚. Append-only."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from accounts import permissions
from accounts.exceptions import PermissionDenied
from accounts.models import BeatAssignment, Station, User
from accounts.services import notice_send
from accounts.utils.history import history_save
from liaison.guidance.models import OfficerNote
from liaison.guidance.policy import KIND_PERMS


def officer_in_remit(*, user: User, station: Station, officer: User) -> bool:
    """Whether the officer now holds a beat of the station within the user's remit (a
    地域課長等 of one 地域課: its posts' beats)."""
    return BeatAssignment.objects.filter(
        officer=officer,
        granted_at__isnull=False,
        revoked_at__isnull=True,
        beat__in=permissions.remit_beats(user, station).values("pk"),
    ).exists()


@transaction.atomic
def officer_note_add(
    *,
    actor: User,
    station: Station,
    officer: User,
    kind: str,
    body: str,
    period_from: dt.date | None = None,
    period_to: dt.date | None = None,
) -> OfficerNote:
    if kind not in KIND_PERMS:
        raise ValidationError({"kind": "指導・評価・賞揚のいずれかを選んでください。"})
    perm, refusal = KIND_PERMS[kind]
    if not permissions.has_perm(actor, perm, station):
        raise PermissionDenied(refusal)
    if officer.pk == actor.pk:
        raise PermissionDenied("自分についての指導・評価は記録できません。")
    if not officer_in_remit(user=actor, station=station, officer=officer):
        raise PermissionDenied(
            "この受持警察官はあなたの担当する交番・駐在所の警察官ではありません。"
        )
    if not body.strip():
        raise ValidationError({"body": "内容を入力してください。"})
    note = OfficerNote(
        station=station,
        officer=officer,
        kind=kind,
        body=body.strip(),
        period_from=period_from,
        period_to=period_to,
        written_by=actor,
    )
    history_save(note, actor=actor, reason=note.get_kind_display())
    notice_send(
        recipients=[officer],
        title=f"巡回連絡について{note.get_kind_display()}が記録されました",
        url=reverse("liaison:officer_figures", kwargs={"pk": station.pk, "user_pk": officer.pk}),
    )
    return note
