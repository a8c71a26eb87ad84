"""Who writes which note on an officer (要領 第3-2(4)): the 地域課長等 (`guide_officers`)
具体的な指導, the 署長 (`evaluate_officers`) 評価 and 賞揚. The view offers the kinds the user
may write; liaison.guidance.services refuses the others."""

from __future__ import annotations

from accounts import permissions
from accounts.exceptions import PermissionDenied
from accounts.models import Station, User
from liaison.guidance.models import OfficerNote

# Which permission each kind of note needs, and who holds it, for the refusal.
KIND_PERMS: dict[str, tuple[str, str]] = {
    OfficerNote.Kind.GUIDANCE: ("guide_officers", "具体的な指導を記録できるのは地域課長等です。"),
    OfficerNote.Kind.EVALUATION: ("evaluate_officers", "評価を記録できるのは警察署長です。"),
    OfficerNote.Kind.COMMENDATION: ("evaluate_officers", "賞揚を記録できるのは警察署長です。"),
}

GUIDANCE: list[str] = [OfficerNote.Kind.GUIDANCE]
EVALUATION: list[str] = [OfficerNote.Kind.EVALUATION, OfficerNote.Kind.COMMENDATION]


def note_kinds_for(user: User, station: Station, kind: str) -> list[str]:
    """The kinds the posted form offers: those of the kind posted, else those the user may
    write."""
    guides = permissions.has_perm(user, "guide_officers", station)
    evaluates = permissions.has_perm(user, "evaluate_officers", station)
    if kind in EVALUATION or (kind not in GUIDANCE and evaluates and not guides):
        if not evaluates:
            raise PermissionDenied("評価・賞揚を記録できるのは警察署長です。")
        return EVALUATION
    if not guides:
        raise PermissionDenied("具体的な指導を記録できるのは地域課長等です。")
    return GUIDANCE
