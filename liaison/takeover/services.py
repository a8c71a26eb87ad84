"""受持区の引継ぎ: an officer confirms he has taken over a beat."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse

from accounts import permissions
from accounts.exceptions import PermissionDenied, TransitionError
from accounts.models import BeatAssignment, User
from accounts.services import notice_send
from liaison.takeover.models import Takeover


@transaction.atomic
def takeover_confirm(*, actor: User, assignment: BeatAssignment, note: str = "") -> Takeover:
    """The new officer has read what his predecessor did (要領 第5-5); the figures he saw
    are kept with his confirmation and his supervisor is told."""
    from liaison.takeover.selectors import takeover_summary_get

    if assignment.officer_id != actor.pk or assignment.revoked_at is not None:
        raise PermissionDenied("自分の受持区の引継ぎだけを確認できます。")
    if Takeover.objects.filter(assignment=assignment).exists():
        raise TransitionError("この受持区の引継ぎはすでに確認済みです。")
    summary = takeover_summary_get(assignment=assignment)
    takeover = Takeover.objects.create(
        assignment=assignment,
        predecessor=summary.predecessor,
        coverage_percent=summary.progress.coverage,
        overdue_count=summary.progress.overdue,
        open_follow_ups=summary.progress.follow_ups_open,
        note=note.strip(),
    )
    beat = assignment.beat
    notice_send(
        recipients=permissions.users_with_post_perm_for_beat(beat.pk, "supervise_post"),
        title=f"{beat}の引継ぎを受持警察官が確認しました",
        url=reverse("liaison:takeover", kwargs={"pk": assignment.pk}),
    )
    return takeover
